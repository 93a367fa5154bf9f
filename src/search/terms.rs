//! The customer search's terms (고객 검색): what a customer is found by and how a search box's
//! text becomes a lookup. Every suffix of the name (Korean partials: `김민` finds `김민준`,
//! `민준` too), every suffix of three or more digits of every number (any fragment of 3+ digits
//! is the start of one of them), and the e-mail address (found by its beginning). The store keeps
//! them as keys `brand | kind | term | 0 | customer id` in one table, so a search is one range
//! scan over the keys that start with the typed text: no scan of the customers, whatever their
//! number. Pure functions; the table is the store's (`store::index`).

use crate::domain::model::Customer;
use std::collections::BTreeSet;

/// What kind of term a key holds (its byte after the brand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Name,
    Phone,
    Email,
}

impl Kind {
    pub fn byte(self) -> u8 {
        match self {
            Kind::Name => b'n',
            Kind::Phone => b'p',
            Kind::Email => b'e',
        }
    }
}

/// Names longer than this are indexed by their first `NAME_MAX` letters (a company's long name).
pub const NAME_MAX: usize = 24;
/// A number fragment is searched from this many digits.
pub const MIN_DIGITS: usize = 3;
/// E-mail addresses are indexed up to this many bytes.
const EMAIL_MAX: usize = 64;

/// A name as it is indexed and searched: lower case, without spaces.
pub fn fold_name(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .take(NAME_MAX)
        .collect()
}

/// The prefix of every key of `brand` and `kind`.
pub fn key_prefix(brand: u32, kind: Kind, term: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(5 + term.len() + 9);
    k.extend_from_slice(&brand.to_be_bytes());
    k.push(kind.byte());
    k.extend_from_slice(term.as_bytes());
    k
}

fn key(brand: u32, kind: Kind, term: &str, id: u64) -> Vec<u8> {
    let mut k = key_prefix(brand, kind, term);
    k.push(0);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// The customer id at the end of a key.
pub fn id_of(key: &[u8]) -> Option<u64> {
    let tail: [u8; 8] = key.get(key.len().checked_sub(8)?..)?.try_into().ok()?;
    Some(u64::from_be_bytes(tail))
}

/// Every key a customer is found by.
pub fn customer_keys(c: &Customer) -> BTreeSet<Vec<u8>> {
    let mut out = BTreeSet::new();
    let name: Vec<char> = fold_name(&c.name).chars().collect();
    for i in 0..name.len() {
        let suffix: String = name[i..].iter().collect();
        out.insert(key(c.brand_id, Kind::Name, &suffix, c.id));
    }
    for p in c.all_phones() {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        for i in 0..digits.len().saturating_sub(MIN_DIGITS - 1) {
            out.insert(key(c.brand_id, Kind::Phone, &digits[i..], c.id));
        }
    }
    if let Some(e) = c.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        let e = e.to_lowercase();
        let mut end = e.len().min(EMAIL_MAX);
        while !e.is_char_boundary(end) {
            end -= 1;
        }
        out.insert(key(c.brand_id, Kind::Email, &e[..end], c.id));
    }
    out
}

/// What a search box's text looks for: each is a key prefix to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookup {
    pub kind: Kind,
    pub term: String,
}

/// The lookups for a search text: a number fragment (mostly digits, 3 or more), an e-mail
/// address (has `@`), else a name fragment — and, for Latin text, also an e-mail's beginning.
/// Empty when there is nothing to look for.
pub fn lookups(text: &str) -> Vec<Lookup> {
    let text = text.trim();
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    if digits.len() >= MIN_DIGITS && digits.len() * 2 >= text.chars().count() {
        return vec![Lookup {
            kind: Kind::Phone,
            term: digits,
        }];
    }
    if text.contains('@') {
        return vec![Lookup {
            kind: Kind::Email,
            term: text.to_lowercase(),
        }];
    }
    let name = fold_name(text);
    if name.is_empty() {
        return Vec::new();
    }
    let mut out = vec![Lookup {
        kind: Kind::Name,
        term: name.clone(),
    }];
    if text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-+".contains(c))
    {
        out.push(Lookup {
            kind: Kind::Email,
            term: name,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(name: &str, phone: &str, email: Option<&str>) -> Customer {
        Customer {
            id: 7,
            brand_id: 1,
            name: name.into(),
            phone: phone.into(),
            phones: vec![],
            email: email.map(str::to_string),
            birth_date: None,
            blacklisted: false,
            blacklist_reason: None,
            memo: String::new(),
            updated_at: None,
        }
    }

    fn terms(c: &Customer, kind: Kind) -> Vec<String> {
        customer_keys(c)
            .iter()
            .filter(|k| k[4] == kind.byte())
            .map(|k| String::from_utf8(k[5..k.len() - 9].to_vec()).unwrap())
            .collect()
    }

    #[test]
    fn a_name_is_found_by_any_part_and_a_number_by_any_three_digits() {
        let c = customer("김 민준", "01012345678", Some("MJ.Kim@Example.com"));
        assert_eq!(terms(&c, Kind::Name), ["김민준", "민준", "준"]);
        let phone = terms(&c, Kind::Phone);
        assert_eq!(phone.len(), 9);
        assert!(phone.contains(&"01012345678".to_string()));
        assert!(phone.contains(&"678".to_string()));
        assert!(!phone.contains(&"78".to_string()));
        // Any fragment of 3+ digits is the beginning of one suffix.
        for frag in ["5678", "1234", "010", "0123456"] {
            assert!(phone.iter().any(|t| t.starts_with(frag)), "{frag}");
        }
        assert_eq!(terms(&c, Kind::Email), ["mj.kim@example.com"]);
        assert!(customer_keys(&c).iter().all(|k| id_of(k) == Some(7)));
    }

    #[test]
    fn the_search_text_decides_what_is_looked_up() {
        assert_eq!(
            lookups(" 010-1234 "),
            [Lookup {
                kind: Kind::Phone,
                term: "0101234".into()
            }]
        );
        assert_eq!(lookups("김민")[0].term, "김민");
        assert_eq!(lookups("김민").len(), 1);
        assert_eq!(
            lookups("Kim").len(),
            2,
            "Latin text: a name and an e-mail's beginning"
        );
        assert_eq!(lookups("a@b.c")[0].kind, Kind::Email);
        assert!(lookups("   ").is_empty());
        // Two digits are not a number fragment: looked up as a name.
        assert_eq!(lookups("12")[0].kind, Kind::Name);
    }
}
