//! Messages to customers (문자발송): SMS / LMS / KakaoTalk AlimTalk (알림톡). Pure rules: the
//! EUC-KR byte count that decides SMS (≤ 90 bytes) or LMS (≤ 2,000 bytes, title ≤ 40 bytes),
//! characters EUC-KR cannot carry (emoji), AlimTalk templates with `#{변수}` slots and how they
//! are filled, and the stored message record with its delivery result.

use crate::domain::model::{AgentId, BrandId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Most EUC-KR bytes of an SMS body.
pub const SMS_MAX_BYTES: usize = 90;
/// Most EUC-KR bytes of an LMS body.
pub const LMS_MAX_BYTES: usize = 2000;
/// Most EUC-KR bytes of an LMS title.
pub const TITLE_MAX_BYTES: usize = 40;
/// Most characters of an AlimTalk body (KakaoTalk's limit).
pub const ALIMTALK_MAX_CHARS: usize = 1000;
/// Messages one agent may send a minute, on average (and at once): past it, 429.
pub const MSG_AGENT_PER_MIN: f64 = 10.0;
pub const MSG_AGENT_BURST: f64 = 5.0;
/// Messages one brand (all its agents) may send a minute, on average (and at once).
pub const MSG_BRAND_PER_MIN: f64 = 1200.0;
pub const MSG_BRAND_BURST: f64 = 200.0;
/// Most characters of one AlimTalk variable value.
pub const VARIABLE_MAX_CHARS: usize = 200;

/// SMS, LMS (long SMS with a title) or AlimTalk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Sms,
    Lms,
    Alimtalk,
}

impl MessageKind {
    pub fn label(self) -> &'static str {
        match self {
            MessageKind::Sms => "SMS",
            MessageKind::Lms => "LMS",
            MessageKind::Alimtalk => "알림톡",
        }
    }
}

/// 대기 (stored, not yet handed over) / 발송 (the provider took it) / 실패 (with a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum MessageStatus {
    Queued,
    Sent,
    Failed,
}

/// The EUC-KR byte count of `text`, or the characters EUC-KR cannot carry (each once, in order).
/// Uses the WHATWG EUC-KR encoder (Windows-949: every Hangul syllable is 2 bytes).
pub fn euckr_bytes(text: &str) -> Result<usize, Vec<char>> {
    let mut bad: Vec<char> = Vec::new();
    let mut bytes = 0usize;
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            bytes += 1;
            continue;
        }
        let (enc, _, errors) = encoding_rs::EUC_KR.encode(c.encode_utf8(&mut buf));
        if errors {
            if !bad.contains(&c) {
                bad.push(c);
            }
        } else {
            bytes += enc.len();
        }
    }
    if bad.is_empty() {
        Ok(bytes)
    } else {
        Err(bad)
    }
}

fn refused(bad: &[char]) -> String {
    let list: String = bad.iter().take(5).collect();
    format!("문자로 보낼 수 없는 글자가 있습니다 (이모지 등): {list}")
}

/// A checked SMS / LMS text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedText {
    pub kind: MessageKind,
    pub bytes: usize,
    pub title: Option<String>,
}

/// Decides SMS or LMS for a text and checks its limits. A body of up to 90 bytes without a
/// title is an SMS; longer (or titled) is an LMS of up to 2,000 bytes with a title of up to 40.
/// Errors name the field (`body`, `title`).
pub fn check_text(
    title: Option<&str>,
    body: &str,
) -> Result<CheckedText, Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    let bytes = if body.trim().is_empty() {
        errs.push(("body", "내용을 입력하세요".to_string()));
        0
    } else {
        match euckr_bytes(body) {
            Ok(n) if n > LMS_MAX_BYTES => {
                errs.push((
                    "body",
                    format!("LMS는 {LMS_MAX_BYTES}바이트까지입니다 (지금 {n}바이트)"),
                ));
                n
            }
            Ok(n) => n,
            Err(bad) => {
                errs.push(("body", refused(&bad)));
                0
            }
        }
    };
    if let Some(t) = title {
        match euckr_bytes(t) {
            Ok(n) if n > TITLE_MAX_BYTES => errs.push((
                "title",
                format!("제목은 {TITLE_MAX_BYTES}바이트까지입니다 (지금 {n}바이트)"),
            )),
            Ok(_) => {}
            Err(bad) => errs.push(("title", refused(&bad))),
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let kind = if bytes <= SMS_MAX_BYTES && title.is_none() {
        MessageKind::Sms
    } else {
        MessageKind::Lms
    };
    Ok(CheckedText {
        kind,
        bytes,
        title: title.map(String::from),
    })
}

/// An AlimTalk template (registered with Kakao under `code`; the body has `#{변수}` slots).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AlimtalkTemplate {
    pub brand_id: BrandId,
    /// The template code registered with the provider (letters, digits, `_`, `-`; ≤ 20).
    pub code: String,
    /// What agents pick it by, e.g. `주문 확인`.
    pub name: String,
    pub body: String,
    /// The slots of `body`, in order of first use.
    pub variables: Vec<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

/// The `#{…}` slot names of a template body, in order of first use; an unclosed or empty slot
/// is an error.
pub fn template_variables(body: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = body;
    while let Some(i) = rest.find("#{") {
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Err("닫히지 않은 변수가 있습니다: '#{' 뒤에 '}'가 없습니다".into());
        };
        let name = after[..end].trim();
        if name.is_empty() || name.chars().count() > 30 || name.contains("#{") {
            return Err(format!(
                "변수 이름이 올바르지 않습니다: #{{{}}}",
                &after[..end]
            ));
        }
        if !out.iter().any(|v| v == name) {
            out.push(name.to_string());
        }
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// Checks a template a manager saves; errors name the field.
pub fn check_template(
    code: &str,
    name: &str,
    body: &str,
) -> Result<Vec<String>, Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    let code_ok = !code.is_empty()
        && code.len() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !code_ok {
        errs.push((
            "code",
            "템플릿 코드는 영문·숫자·_·- 1~20자입니다".to_string(),
        ));
    }
    let n = name.trim().chars().count();
    if n == 0 || n > 40 {
        errs.push(("name", "이름은 1~40자여야 합니다".to_string()));
    }
    let b = body.trim().chars().count();
    let mut vars = Vec::new();
    if b == 0 || b > ALIMTALK_MAX_CHARS {
        errs.push((
            "body",
            format!("본문은 1~{ALIMTALK_MAX_CHARS}자여야 합니다"),
        ));
    } else {
        match template_variables(body) {
            Ok(v) => vars = v,
            Err(e) => errs.push(("body", e)),
        }
    }
    if errs.is_empty() {
        Ok(vars)
    } else {
        Err(errs)
    }
}

/// Fills a template's slots. Every slot needs a non-empty value; values for slots the template
/// does not have are refused (a typo would otherwise go unnoticed). Errors are keyed
/// `variables.<name>`.
pub fn fill_template(
    t: &AlimtalkTemplate,
    values: &BTreeMap<String, String>,
) -> Result<String, Vec<(String, String)>> {
    let mut errs = Vec::new();
    for v in &t.variables {
        match values.get(v).map(|s| s.trim()) {
            None | Some("") => errs.push((
                format!("variables.{v}"),
                format!("#{{{v}}} 값을 입력하세요"),
            )),
            Some(s) if s.chars().count() > VARIABLE_MAX_CHARS => errs.push((
                format!("variables.{v}"),
                format!("#{{{v}}} 값은 {VARIABLE_MAX_CHARS}자까지입니다"),
            )),
            Some(_) => {}
        }
    }
    for k in values.keys() {
        if !t.variables.contains(k) {
            errs.push((
                format!("variables.{k}"),
                format!("템플릿 {}에는 #{{{k}}} 변수가 없습니다", t.code),
            ));
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut out = t.body.clone();
    for v in &t.variables {
        out = out.replace(&format!("#{{{v}}}"), values[v].trim());
    }
    Ok(out)
}

/// What happened when the provider was asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    pub status: MessageStatus,
    /// Why it failed, or what happened on the way (e.g. sent as LMS instead).
    pub reason: Option<String>,
    /// The kind that actually went out (an AlimTalk that fell back to SMS/LMS says so).
    pub sent_as: Option<MessageKind>,
    /// The provider's request id.
    pub provider_ref: Option<String>,
}

/// One message to a customer, kept durably from the moment it is accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: u64,
    pub brand_id: BrandId,
    pub kind: MessageKind,
    /// Recipient, national digits (a mobile number).
    pub to: String,
    pub customer_id: Option<u64>,
    pub title: Option<String>,
    /// The text as sent (an AlimTalk's filled body).
    pub body: String,
    /// EUC-KR bytes of the body (SMS / LMS and AlimTalk fallbacks).
    pub bytes: usize,
    pub template_code: Option<String>,
    pub template_name: Option<String>,
    #[ts(type = "Record<string, string>")]
    pub variables: BTreeMap<String, String>,
    /// An AlimTalk that cannot be delivered goes out as SMS / LMS instead.
    pub fallback: bool,
    pub status: MessageStatus,
    pub reason: Option<String>,
    pub sent_as: Option<MessageKind>,
    pub provider_ref: Option<String>,
    pub agent_id: AgentId,
    pub agent_name: String,
    /// The consultation it was sent from, if any.
    pub ticket_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
}

impl Message {
    /// A message accepted now, queued for the carrier: an SMS with no text yet, no customer, no
    /// template (the caller fills in what it has).
    pub fn queued(
        brand_id: BrandId,
        agent_id: AgentId,
        agent_name: String,
        to: String,
        created_at: DateTime<Utc>,
    ) -> Message {
        Message {
            id: 0,
            brand_id,
            kind: MessageKind::Sms,
            to,
            customer_id: None,
            title: None,
            body: String::new(),
            bytes: 0,
            template_code: None,
            template_name: None,
            variables: BTreeMap::new(),
            fallback: false,
            status: MessageStatus::Queued,
            reason: None,
            sent_as: None,
            provider_ref: None,
            agent_id,
            agent_name,
            ticket_id: None,
            created_at,
            done_at: None,
        }
    }

    /// The key the provider dedups on: the same message is never sent twice, even when it is
    /// handed over again after a restart.
    pub fn idempotency_key(&self) -> String {
        format!("calldesk-{}-{}", self.brand_id, self.id)
    }

    /// The SMS / LMS an AlimTalk falls back to: its filled body, as LMS with the template name
    /// as title when it is longer than an SMS.
    pub fn fallback_text(&self) -> (MessageKind, Option<String>) {
        if self.bytes <= SMS_MAX_BYTES {
            (MessageKind::Sms, None)
        } else {
            let name = self.template_name.clone().unwrap_or_default();
            (
                MessageKind::Lms,
                Some(truncate_bytes(&name, TITLE_MAX_BYTES)),
            )
        }
    }

    pub fn apply(&mut self, d: Delivery, at: DateTime<Utc>) {
        self.status = d.status;
        self.reason = d.reason;
        self.sent_as = d.sent_as;
        self.provider_ref = d.provider_ref;
        self.done_at = Some(at);
    }
}

/// The longest prefix of `s` that fits in `max` EUC-KR bytes (unencodable characters dropped).
pub fn truncate_bytes(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in s.chars() {
        let Ok(b) = euckr_bytes(c.encode_utf8(&mut [0u8; 4])) else {
            continue;
        };
        if n + b > max {
            break;
        }
        n += b;
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_is_two_bytes_and_ascii_one() {
        assert_eq!(euckr_bytes("abc"), Ok(3));
        assert_eq!(euckr_bytes("안녕하세요"), Ok(10));
        assert_eq!(
            euckr_bytes("똠방각하 OK"),
            Ok(11),
            "Windows-949 syllables count 2"
        );
        assert_eq!(euckr_bytes("주문\n확인"), Ok(9));
    }

    #[test]
    fn emoji_is_refused_and_named() {
        assert_eq!(euckr_bytes("감사합니다😀😀🙏"), Err(vec!['😀', '🙏']));
        let e = check_text(None, "감사합니다 😀").unwrap_err();
        assert_eq!(e[0].0, "body");
        assert!(e[0].1.contains('😀'), "{}", e[0].1);
    }

    #[test]
    fn ninety_bytes_is_an_sms_and_ninety_one_an_lms() {
        let ninety = "가".repeat(45);
        let c = check_text(None, &ninety).unwrap();
        assert_eq!((c.kind, c.bytes), (MessageKind::Sms, 90));
        let ninety_one = format!("{ninety}a");
        let c = check_text(None, &ninety_one).unwrap();
        assert_eq!((c.kind, c.bytes), (MessageKind::Lms, 91));
        let titled = check_text(Some("안내"), "짧은 글").unwrap();
        assert_eq!(titled.kind, MessageKind::Lms, "a title makes it an LMS");
    }

    #[test]
    fn lms_stops_at_two_thousand_bytes_and_titles_at_forty() {
        let full = "가".repeat(1000);
        assert_eq!(check_text(None, &full).unwrap().bytes, 2000);
        let over = format!("{full}.");
        let e = check_text(None, &over).unwrap_err();
        assert!(e[0].1.contains("2001"), "{}", e[0].1);
        assert!(check_text(Some(&"가".repeat(20)), "본문").is_ok());
        let e = check_text(Some(&"가".repeat(21)), "본문").unwrap_err();
        assert_eq!(e[0].0, "title");
        assert!(check_text(None, "   ").is_err());
    }

    fn tpl(body: &str) -> AlimtalkTemplate {
        AlimtalkTemplate {
            brand_id: 1,
            code: "ORDER_OK".into(),
            name: "주문 확인".into(),
            body: body.into(),
            variables: template_variables(body).unwrap(),
            updated_at: None,
        }
    }

    #[test]
    fn template_slots_are_found_once_in_order() {
        assert_eq!(
            template_variables("#{고객명}님, 주문 #{주문번호} 확인. #{고객명}님 감사합니다")
                .unwrap(),
            vec!["고객명", "주문번호"]
        );
        assert!(template_variables("#{고객명 님").is_err());
        assert!(template_variables("#{} 빈 변수").is_err());
        assert!(check_template("bad code!", "x", "y").is_err());
        assert_eq!(check_template("A_1", "이름", "#{a}").unwrap(), vec!["a"]);
    }

    #[test]
    fn filling_needs_every_slot_and_refuses_strangers() {
        let t = tpl("#{고객명}님, 주문 #{주문번호}이 접수되었습니다.");
        let mut v = BTreeMap::new();
        v.insert("고객명".to_string(), "홍길동".to_string());
        let e = fill_template(&t, &v).unwrap_err();
        assert_eq!(e[0].0, "variables.주문번호");
        v.insert("주문번호".to_string(), "20261123-0001".to_string());
        assert_eq!(
            fill_template(&t, &v).unwrap(),
            "홍길동님, 주문 20261123-0001이 접수되었습니다."
        );
        v.insert("배송사".to_string(), "CJ".to_string());
        let e = fill_template(&t, &v).unwrap_err();
        assert_eq!(e[0].0, "variables.배송사");
        v.remove("배송사");
        v.insert("고객명".to_string(), "  ".to_string());
        assert!(fill_template(&t, &v).is_err(), "blank values are refused");
    }

    #[test]
    fn fallback_is_sms_when_short_and_titled_lms_when_long() {
        let mut m = Message {
            id: 7,
            brand_id: 1,
            kind: MessageKind::Alimtalk,
            to: "01012345678".into(),
            customer_id: None,
            title: None,
            body: "짧다".into(),
            bytes: 4,
            template_code: Some("X".into()),
            template_name: Some("아주 긴 템플릿 이름입니다 아주 긴 템플릿 이름입니다".into()),
            variables: BTreeMap::new(),
            fallback: true,
            status: MessageStatus::Queued,
            reason: None,
            sent_as: None,
            provider_ref: None,
            agent_id: 1,
            agent_name: "김".into(),
            ticket_id: None,
            created_at: Utc::now(),
            done_at: None,
        };
        assert_eq!(m.fallback_text(), (MessageKind::Sms, None));
        m.bytes = 200;
        let (k, title) = m.fallback_text();
        assert_eq!(k, MessageKind::Lms);
        let title = title.unwrap();
        assert!(euckr_bytes(&title).unwrap() <= TITLE_MAX_BYTES);
        assert!(title.starts_with("아주 긴"));
        assert_eq!(m.idempotency_key(), "calldesk-1-7");
    }
}
