//! Korean phone numbers: normalisation to national digits (`01012345678`), display formatting
//! (`010-1234-5678`) and masking (`010-****-5678`). Covers mobile 010/011/016-019, Seoul 02,
//! 0XX area codes, 050X personal numbers, 070 internet phones, 080 toll-free, 15XX/16XX/18XX
//! representative numbers, and +82 / 82 international forms.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A normalised Korean number: national digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(transparent)]
pub struct Phone(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("전화번호가 비어 있습니다")]
    Empty,
    #[error("전화번호에 쓸 수 없는 문자가 있습니다: '{0}'")]
    BadChar(char),
    #[error("알 수 없는 번호 형식입니다: {0}")]
    Unknown(String),
}

const AREA_CODES: [&str; 16] = [
    "031", "032", "033", "041", "042", "043", "044", "051", "052", "053", "054", "055", "061",
    "062", "063", "064",
];

/// The length of the first group for a national number, if its length fits the prefix.
fn first_group(d: &str) -> Option<usize> {
    let n = d.len();
    let p2 = d.get(..2)?;
    let p3 = d.get(..3).unwrap_or("");
    let p4 = d.get(..4).unwrap_or("");
    if matches!(p2, "15" | "16" | "18") {
        return (n == 8).then_some(4);
    }
    if p2 == "02" {
        return (n == 9 || n == 10).then_some(2);
    }
    if p3 == "010" {
        return (n == 11).then_some(3);
    }
    if matches!(p3, "011" | "016" | "017" | "018" | "019") {
        return (n == 10 || n == 11).then_some(3);
    }
    if p3 == "050"
        && matches!(
            p4,
            "0502" | "0503" | "0504" | "0505" | "0506" | "0507" | "0508"
        )
    {
        return (n == 11 || n == 12).then_some(4);
    }
    if p3 == "070" {
        return (n == 11).then_some(3);
    }
    if p3 == "080" {
        return (n == 10 || n == 11).then_some(3);
    }
    if AREA_CODES.contains(&p3) {
        return (n == 10 || n == 11).then_some(3);
    }
    None
}

impl Phone {
    /// Normalises what a person or a PBX typed. Spaces, hyphens, dots and brackets are ignored.
    pub fn parse(input: &str) -> Result<Phone, PhoneError> {
        let mut digits = String::with_capacity(input.len());
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(PhoneError::Empty);
        }
        for (i, c) in trimmed.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '+' if i == 0 => {}
                ' ' | '-' | '.' | '(' | ')' => {}
                other => return Err(PhoneError::BadChar(other)),
            }
        }
        if digits.is_empty() {
            return Err(PhoneError::Empty);
        }
        let international = trimmed.starts_with('+') || trimmed.starts_with("0082");
        let national = if let Some(rest) = digits.strip_prefix("0082") {
            national_from_international(rest)
        } else if let Some(rest) = digits
            .strip_prefix("82")
            .filter(|_| international || (digits.len() >= 11 && !digits.starts_with("0")))
        {
            national_from_international(rest)
        } else {
            digits
        };
        if first_group(&national).is_some() {
            Ok(Phone(national))
        } else {
            Err(PhoneError::Unknown(input.trim().to_string()))
        }
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    /// A mobile number (010, 011, 016–019): the only kind that takes SMS and AlimTalk.
    pub fn is_mobile(&self) -> bool {
        matches!(
            self.0.get(..3),
            Some("010" | "011" | "016" | "017" | "018" | "019")
        )
    }

    /// `010-1234-5678`, `02-123-4567`, `1588-1234`, `0505-1234-5678`.
    pub fn display(&self) -> String {
        let d = &self.0;
        let first = first_group(d).unwrap_or(3).min(d.len());
        let rest = &d[first..];
        if rest.len() == 4 {
            return format!("{}-{}", &d[..first], rest);
        }
        let mid = rest.len().saturating_sub(4);
        format!("{}-{}-{}", &d[..first], &rest[..mid], &rest[mid..])
    }

    /// The display form with the middle group hidden: `010-****-5678`.
    pub fn masked(&self) -> String {
        let shown = self.display();
        let parts: Vec<&str> = shown.split('-').collect();
        if parts.len() == 3 {
            format!("{}-{}-{}", parts[0], "*".repeat(parts[1].len()), parts[2])
        } else {
            shown
        }
    }
}

fn national_from_international(rest: &str) -> String {
    if rest.starts_with('0') {
        rest.to_string()
    } else {
        format!("0{rest}")
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// The PIPA masking rule for numbers in lists: the middle group hidden (`010-****-5678`,
/// `02-***-4567`); representative numbers (1588-1234) stay whole; something that is not a
/// number keeps only its last four characters.
pub fn mask(digits: &str) -> String {
    match Phone::parse(digits) {
        Ok(p) => p.masked(),
        Err(_) => {
            let chars: Vec<char> = digits.chars().collect();
            let keep = chars.len().min(4);
            format!(
                "{}{}",
                "*".repeat(chars.len() - keep),
                chars[chars.len() - keep..].iter().collect::<String>()
            )
        }
    }
}

/// Formats a partly typed number the way the dial popup shows it (no validation).
pub fn format_partial(input: &str) -> String {
    let d: String = input.chars().filter(char::is_ascii_digit).collect();
    match Phone::parse(&d) {
        Ok(p) => p.display(),
        Err(_) => d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        Phone::parse(s).unwrap().digits().to_string()
    }
    fn show(s: &str) -> String {
        Phone::parse(s).unwrap().display()
    }

    #[test]
    fn mobile_numbers_normalise_from_any_common_form() {
        assert_eq!(norm("010-1234-5678"), "01012345678");
        assert_eq!(norm("010 1234 5678"), "01012345678");
        assert_eq!(norm("+82 10-1234-5678"), "01012345678");
        assert_eq!(norm("+82-010-1234-5678"), "01012345678");
        assert_eq!(norm("821012345678"), "01012345678");
        assert_eq!(norm("0082 10 1234 5678"), "01012345678");
        assert_eq!(show("01012345678"), "010-1234-5678");
        assert_eq!(show("0111234567"), "011-123-4567");
    }

    #[test]
    fn seoul_and_area_codes_format_by_length() {
        assert_eq!(show("021234567"), "02-123-4567");
        assert_eq!(show("0212345678"), "02-1234-5678");
        assert_eq!(show("(031) 123-4567"), "031-123-4567");
        assert_eq!(show("05112345678"), "051-1234-5678");
        assert_eq!(show("+82 2 1234 5678"), "02-1234-5678");
    }

    #[test]
    fn special_prefixes_are_understood() {
        assert_eq!(show("15881234"), "1588-1234");
        assert_eq!(show("1644-0000"), "1644-0000");
        assert_eq!(show("18005555"), "1800-5555");
        assert_eq!(show("050512345678"), "0505-1234-5678");
        assert_eq!(show("07012345678"), "070-1234-5678");
        assert_eq!(show("0801234567"), "080-123-4567");
    }

    #[test]
    fn wrong_numbers_are_refused_with_a_reason() {
        assert_eq!(Phone::parse(""), Err(PhoneError::Empty));
        assert_eq!(Phone::parse("010-12a4"), Err(PhoneError::BadChar('a')));
        assert!(matches!(
            Phone::parse("0101234"),
            Err(PhoneError::Unknown(_))
        ));
        assert!(matches!(
            Phone::parse("099-123-4567"),
            Err(PhoneError::Unknown(_))
        ));
        assert!(matches!(
            Phone::parse("1588123"),
            Err(PhoneError::Unknown(_))
        ));
        assert!(matches!(
            Phone::parse("0501-1234-5678"),
            Err(PhoneError::Unknown(_))
        ));
    }

    #[test]
    fn masking_hides_the_middle_group() {
        assert_eq!(
            Phone::parse("01012345678").unwrap().masked(),
            "010-****-5678"
        );
        assert_eq!(Phone::parse("15881234").unwrap().masked(), "1588-1234");
    }

    #[test]
    fn list_masking_hides_the_middle_or_all_but_the_last_four() {
        assert_eq!(mask("01012345678"), "010-****-5678");
        assert_eq!(mask("021234567"), "02-***-4567");
        assert_eq!(mask("15881234"), "1588-1234");
        assert_eq!(mask("12345678901234"), "**********1234");
    }

    #[test]
    fn partial_input_is_shown_as_typed_until_it_is_a_number() {
        assert_eq!(format_partial("0101"), "0101");
        assert_eq!(format_partial("01012345678"), "010-1234-5678");
    }
}
