//! Customer form rules: what a valid customer record is (name, numbers, email, birth date,
//! memo), with a message per wrong field; and the PIPA masking of names for lists.

use crate::domain::limits;
use crate::domain::phone::Phone;
use chrono::NaiveDate;
use serde::Deserialize;

/// What an agent submits for a customer.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    /// One or more numbers in any common form; the first is the main number.
    pub phones: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub memo: Option<String>,
    /// Link this consultation (e.g. the call in progress) to the customer.
    #[serde(default)]
    pub ticket_id: Option<String>,
}

/// A validated form.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidCustomer {
    pub name: String,
    pub phones: Vec<String>,
    pub email: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub memo: Option<String>,
}

/// Checks every field; returns all problems at once (field, message).
pub fn validate(
    input: &CustomerInput,
    today: NaiveDate,
) -> Result<ValidCustomer, Vec<(&'static str, String)>> {
    let mut errs = Vec::new();
    let name = input.name.trim().to_string();
    if name.is_empty() {
        errs.push(("name", "이름을 입력하세요".to_string()));
    } else if let Err(e) = limits::CUSTOMER_NAME.check(&name) {
        errs.push(e);
    }
    let mut phones = Vec::new();
    if input.phones.iter().all(|p| p.trim().is_empty()) {
        errs.push(("phones", "전화번호를 하나 이상 입력하세요".to_string()));
    }
    if let Err(e) = limits::CUSTOMER_PHONES.check_count(input.phones.len()) {
        // Too many numbers: say so once instead of parsing thousands of them.
        errs.push(e);
    }
    for p in input
        .phones
        .iter()
        .take(limits::CUSTOMER_PHONES.max)
        .filter(|p| !p.trim().is_empty())
    {
        match Phone::parse(p) {
            Ok(n) if !phones.contains(&n.digits().to_string()) => {
                phones.push(n.digits().to_string())
            }
            Ok(_) => {}
            Err(e) => errs.push(("phones", format!("{p}: {e}"))),
        }
    }
    let email = input
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string);
    if let Some(e) = &email {
        if let Err(err) = limits::CUSTOMER_EMAIL.check(e) {
            errs.push(err);
        } else if !valid_email(e) {
            errs.push(("email", format!("이메일 형식이 아닙니다: {e}")));
        }
    }
    let birth_date = match input
        .birth_date
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(b) if b > today => {
                errs.push(("birthDate", "생년월일이 오늘 이후입니다".to_string()));
                None
            }
            Ok(b) if b < NaiveDate::from_ymd_opt(1900, 1, 1).expect("date") => {
                errs.push(("birthDate", "생년월일이 너무 이릅니다".to_string()));
                None
            }
            Ok(b) => Some(b),
            Err(_) => {
                errs.push(("birthDate", format!("없는 날짜입니다 (YYYY-MM-DD): {d}")));
                None
            }
        },
    };
    let memo = input.memo.clone();
    if let Err(e) = limits::CUSTOMER_MEMO.check_opt(memo.as_deref()) {
        errs.push(e);
    }
    if errs.is_empty() {
        Ok(ValidCustomer {
            name,
            phones,
            email,
            birth_date,
            memo,
        })
    } else {
        Err(errs)
    }
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && e.len() <= 254
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c == ',')
        && !domain.contains('@')
}

/// PIPA masking of a name for lists: 홍길동 → 홍*동, 남궁민수 → 남**수, 김철 → 김*.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => name.to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    fn input() -> CustomerInput {
        CustomerInput {
            name: " 홍길동 ".into(),
            phones: vec![
                "010-1234-5678".into(),
                "+82 10 1234 5678".into(),
                "02-555-1234".into(),
            ],
            email: Some("gildong@example.com".into()),
            birth_date: Some("1990-05-17".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_good_form_is_normalised() {
        let v = validate(&input(), today()).unwrap();
        assert_eq!(v.name, "홍길동");
        assert_eq!(
            v.phones,
            vec!["01012345678", "025551234"],
            "duplicates folded"
        );
        assert_eq!(v.birth_date, NaiveDate::from_ymd_opt(1990, 5, 17));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let bad = CustomerInput {
            name: "".into(),
            phones: vec!["12345".into()],
            email: Some("not-an-email".into()),
            birth_date: Some("2026-02-30".into()),
            ..Default::default()
        };
        let errs = validate(&bad, today()).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, vec!["name", "phones", "email", "birthDate"]);
        let future = CustomerInput {
            birth_date: Some("2030-01-01".into()),
            ..input()
        };
        assert_eq!(validate(&future, today()).unwrap_err()[0].0, "birthDate");
        let nophone = CustomerInput {
            phones: vec![],
            ..input()
        };
        assert_eq!(validate(&nophone, today()).unwrap_err()[0].0, "phones");
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_domain() {
        for ok in ["a@b.kr", "kim.min@example.co.kr"] {
            assert!(valid_email(ok), "{ok}");
        }
        for bad in ["a@b", "@b.kr", "a b@c.kr", "a@.kr", "a@b.kr.", "a@b@c.kr"] {
            assert!(!valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn names_are_masked_in_the_middle() {
        assert_eq!(mask_name("홍길동"), "홍*동");
        assert_eq!(mask_name("남궁민수"), "남**수");
        assert_eq!(mask_name("김철"), "김*");
        assert_eq!(mask_name("이"), "이");
    }
}
