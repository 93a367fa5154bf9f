//! One limit per stored text field, in one table. Every path that writes a field (HTTP create and
//! edit, bulk import, socket request) checks it here, so a field has the same limit everywhere and
//! a refusal names the field. `docs/security.md` lists the same table (a test keeps them equal).

/// The most a field may hold: characters for text, items for lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// The field's name on the wire (what a 400 names).
    pub field: &'static str,
    /// Where the field lives (for the docs table).
    pub record: &'static str,
    /// Korean label used in the message.
    pub label: &'static str,
    pub max: usize,
    /// `chars` or `items`.
    pub unit: &'static str,
}

const fn limit(
    unit: &'static str,
    record: &'static str,
    field: &'static str,
    label: &'static str,
    max: usize,
) -> Limit {
    Limit {
        field,
        record,
        label,
        max,
        unit,
    }
}

const fn chars(
    record: &'static str,
    field: &'static str,
    label: &'static str,
    max: usize,
) -> Limit {
    limit("chars", record, field, label, max)
}

const fn items(
    record: &'static str,
    field: &'static str,
    label: &'static str,
    max: usize,
) -> Limit {
    limit("items", record, field, label, max)
}

pub const CUSTOMER_NAME: Limit = chars("customer", "name", "이름", 50);
pub const CUSTOMER_PHONES: Limit = items("customer", "phones", "전화번호", 10);
pub const CUSTOMER_EMAIL: Limit = chars("customer", "email", "이메일", 254);
pub const CUSTOMER_MEMO: Limit = chars("customer", "memo", "메모", 2000);
pub const MEMO_TEXT: Limit = chars("customer memo (관리메모)", "text", "메모", 2000);
pub const BLACKLIST_REASON: Limit = chars("customer blacklist", "reason", "사유", 500);
pub const ERASE_REASON: Limit = chars("customer erasure", "reason", "삭제 근거", 500);
pub const RESV_CUSTOMER_NAME: Limit = chars("reservation", "customerName", "고객명", 50);
pub const RESV_MEMO: Limit = chars("reservation", "memo", "메모", 1000);
pub const NOTE_CONTENT: Limit = chars("consultation note", "content", "상담내용", 4000);
pub const NOTE_LABEL: Limit = chars(
    "consultation note",
    "category / result",
    "상담유형·처리결과",
    40,
);
pub const TEMPLATE_CATEGORY: Limit = chars("Q&A template", "category", "분류", 40);
pub const TEMPLATE_QUESTION: Limit = chars("Q&A template", "question", "질문", 200);
pub const TEMPLATE_ANSWER: Limit = chars("Q&A template", "answer", "답변", 4000);
pub const TEMPLATE_TAGS: Limit = items("Q&A template", "tags", "태그", 20);
pub const TEMPLATE_TAG: Limit = chars("Q&A template", "tags[]", "태그", 30);
pub const DNC_REASON: Limit = chars("do-not-call entry", "reason", "사유", 200);
pub const EXTERNAL_ID: Limit = chars("call (gateway)", "externalId", "externalId", 128);
pub const LOGIN: Limit = chars("login", "login", "아이디", 64);
pub const PASSWORD: Limit = chars("login", "password", "비밀번호", 256);

/// Every limit above (the docs table lists exactly these).
pub const ALL: [Limit; 20] = [
    CUSTOMER_NAME,
    CUSTOMER_PHONES,
    CUSTOMER_EMAIL,
    CUSTOMER_MEMO,
    MEMO_TEXT,
    BLACKLIST_REASON,
    ERASE_REASON,
    RESV_CUSTOMER_NAME,
    RESV_MEMO,
    NOTE_CONTENT,
    NOTE_LABEL,
    TEMPLATE_CATEGORY,
    TEMPLATE_QUESTION,
    TEMPLATE_ANSWER,
    TEMPLATE_TAGS,
    TEMPLATE_TAG,
    DNC_REASON,
    EXTERNAL_ID,
    LOGIN,
    PASSWORD,
];

impl Limit {
    /// The message for a value over the limit: "이름은 50자 이하여야 합니다".
    pub fn message(&self) -> String {
        match self.unit {
            "items" => format!("{} {}개까지입니다", topic(self.label), self.max),
            _ => format!("{} {}자 이하여야 합니다", topic(self.label), self.max),
        }
    }

    /// The message for a required text left empty: "분류는 1~40자여야 합니다".
    pub fn required(&self) -> String {
        format!("{} 1~{}자여야 합니다", topic(self.label), self.max)
    }

    /// Whether `text` fits (counted in characters, as a person counts them).
    pub fn fits(&self, text: &str) -> bool {
        // Byte length bounds the character count from above: most values skip the count.
        text.len() <= self.max || text.chars().count() <= self.max
    }

    /// `(field, message)` when `text` is too long.
    pub fn check(&self, text: &str) -> Result<(), (&'static str, String)> {
        if self.fits(text) {
            Ok(())
        } else {
            Err((self.field, self.message()))
        }
    }

    /// The same for an optional value.
    pub fn check_opt(&self, text: Option<&str>) -> Result<(), (&'static str, String)> {
        text.map_or(Ok(()), |t| self.check(t))
    }

    /// `(field, message)` when a list has too many items.
    pub fn check_count(&self, n: usize) -> Result<(), (&'static str, String)> {
        if n <= self.max {
            Ok(())
        } else {
            Err((self.field, self.message()))
        }
    }
}

/// `label` with the topic particle its last syllable takes (이름은, 메모는); 은(는) after
/// anything that is not Hangul.
pub fn topic(label: &str) -> String {
    match label.chars().last() {
        Some(c @ '가'..='힣') if !(c as u32 - 0xAC00).is_multiple_of(28) => format!("{label}은"),
        Some('가'..='힣') => format!("{label}는"),
        _ => format!("{label}은(는)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_text_is_counted_in_characters_not_bytes() {
        let name = "가".repeat(50);
        assert!(name.len() > 50);
        assert!(CUSTOMER_NAME.check(&name).is_ok());
        let (field, msg) = CUSTOMER_NAME.check(&"가".repeat(51)).unwrap_err();
        assert_eq!(field, "name");
        assert!(msg.contains("50자"), "{msg}");
    }

    #[test]
    fn messages_take_the_right_particle() {
        assert_eq!(CUSTOMER_NAME.message(), "이름은 50자 이하여야 합니다");
        assert_eq!(RESV_MEMO.message(), "메모는 1000자 이하여야 합니다");
        assert_eq!(TEMPLATE_CATEGORY.required(), "분류는 1~40자여야 합니다");
        assert_eq!(topic("externalId"), "externalId은(는)");
    }

    #[test]
    fn lists_are_counted_in_items() {
        assert!(CUSTOMER_PHONES.check_count(10).is_ok());
        let (field, msg) = CUSTOMER_PHONES.check_count(11).unwrap_err();
        assert_eq!(field, "phones");
        assert!(msg.contains("10개"), "{msg}");
    }

    #[test]
    fn the_security_doc_lists_every_limit_with_its_number() {
        let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/security.md"))
            .expect("docs/security.md exists");
        for l in ALL {
            let row = format!("| {} | `{}` | {} {} |", l.record, l.field, l.max, l.unit);
            assert!(doc.contains(&row), "docs/security.md lacks the row: {row}");
        }
    }
}
