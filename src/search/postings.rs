//! The consultation search's terms and posting lists (상담 검색), pure. A consultation is
//! numbered by its ticket (`T20261123-000042` → 20261123·10⁸ + 42: ticket order is time
//! order, and a date range is a number range). It is posted under one term per thing a manager
//! filters by — every consultation (the date stream), agent, service, 상담유형, 처리결과,
//! channel, the customer's number — and under the words of its note: each word without its
//! particle (배송이 → 배송) and that stem's beginnings of 2–6 letters (배송지연 → 배송, 배송지,
//! 배송지연), so a search word finds the words it begins. A term's numbers are kept sorted in
//! chunks of at most `CHUNK_MAX` (delta-encoded varints, about 2 bytes a consultation), keyed
//! `brand | dim | term | 0 | first number`; the store's `index` reads and writes them.

use crate::domain::model::Consultation;
use std::collections::BTreeSet;

/// Most numbers in one chunk.
pub const CHUNK_MAX: usize = 512;
/// Word beginnings are indexed up to this many letters (longer search words are checked
/// against the note itself).
pub const WORD_PREFIX_MAX: usize = 6;

/// What a posting list is for (the byte after the brand).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dim {
    All,
    Agent,
    Service,
    Category,
    Result,
    Channel,
    Number,
    Word,
}

impl Dim {
    pub fn byte(self) -> u8 {
        match self {
            Dim::All => b'a',
            Dim::Agent => b'g',
            Dim::Service => b's',
            Dim::Category => b'c',
            Dim::Result => b'r',
            Dim::Channel => b'h',
            Dim::Number => b'n',
            Dim::Word => b'w',
        }
    }
}

/// A ticket's number: its local day and sequence, in time order.
pub fn ticket_number(ticket: &str) -> Option<u64> {
    let rest = ticket.strip_prefix('T')?;
    let (day, seq) = rest.split_once('-')?;
    if day.len() != 8 || seq.len() > 8 {
        return None;
    }
    Some(day.parse::<u64>().ok()? * 100_000_000 + seq.parse::<u64>().ok()?)
}

/// The ticket of a number (`ticket::format`'s padding).
pub fn ticket_of(n: u64) -> String {
    format!("T{}-{:06}", n / 100_000_000, n % 100_000_000)
}

/// The first number of a local day `yyyymmdd`.
pub fn day_start(yyyymmdd: u64) -> u64 {
    yyyymmdd * 100_000_000
}

/// Particles (조사) taken off a word's end before it is indexed, longest first.
const PARTICLES: &[&str] = &[
    "에서는",
    "으로는",
    "에게서",
    "이라고",
    "까지",
    "부터",
    "에서",
    "에게",
    "으로",
    "처럼",
    "보다",
    "이나",
    "라고",
    "하고",
    "은",
    "는",
    "이",
    "가",
    "을",
    "를",
    "에",
    "의",
    "도",
    "로",
    "와",
    "과",
    "만",
];

/// A word without its particle, when at least two letters remain.
pub fn stem(word: &str) -> String {
    let w = word.to_lowercase();
    for p in PARTICLES {
        if let Some(s) = w.strip_suffix(p) {
            if s.chars().count() >= 2 {
                return s.to_string();
            }
        }
    }
    w
}

/// The words of a text: runs of letters and digits.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The word terms of a note: each stem's beginnings of 2..=WORD_PREFIX_MAX letters (a
/// one-letter word is its own term).
pub fn note_terms(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in words(text) {
        let s: Vec<char> = stem(w).chars().collect();
        if s.len() == 1 {
            out.insert(s[0].to_string());
            continue;
        }
        for n in 2..=s.len().min(WORD_PREFIX_MAX) {
            out.insert(s[..n].iter().collect());
        }
    }
    out
}

/// The term a search word is looked up by (its stem's first letters).
pub fn query_term(word: &str) -> String {
    stem(word).chars().take(WORD_PREFIX_MAX).collect()
}

/// Whether two versions of a consultation are posted under the same terms (without computing
/// them): every field `consultation_terms` reads is equal.
pub fn same_terms(a: &Consultation, b: &Consultation) -> bool {
    a.agent_id == b.agent_id
        && a.service == b.service
        && a.category == b.category
        && a.result == b.result
        && a.channel == b.channel
        && a.number == b.number
        && a.content == b.content
}

/// Every (dim, term) a consultation is posted under.
pub fn consultation_terms(c: &Consultation) -> BTreeSet<(Dim, String)> {
    let mut out = BTreeSet::new();
    out.insert((Dim::All, String::new()));
    if let Some(a) = c.agent_id {
        out.insert((Dim::Agent, a.to_string()));
    }
    out.insert((Dim::Service, c.service.clone()));
    if let Some(x) = &c.category {
        out.insert((Dim::Category, x.clone()));
    }
    if let Some(x) = &c.result {
        out.insert((Dim::Result, x.clone()));
    }
    out.insert((Dim::Channel, c.channel.as_str().to_string()));
    if !c.number.is_empty() {
        out.insert((Dim::Number, c.number.clone()));
    }
    for t in note_terms(&c.content) {
        out.insert((Dim::Word, t));
    }
    out
}

impl PartialOrd for Dim {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Dim {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.byte().cmp(&other.byte())
    }
}

/// `brand | dim | term | 0`: the start of every chunk key of a term.
pub fn term_prefix(brand: u32, dim: Dim, term: &str) -> Vec<u8> {
    let mut k = Vec::with_capacity(6 + term.len() + 8);
    k.extend_from_slice(&brand.to_be_bytes());
    k.push(dim.byte());
    k.extend_from_slice(term.as_bytes());
    k.push(0);
    k
}

/// A chunk's key: the term's prefix and the chunk's first number.
pub fn chunk_key(prefix: &[u8], first: u64) -> Vec<u8> {
    let mut k = prefix.to_vec();
    k.extend_from_slice(&first.to_be_bytes());
    k
}

/// A chunk's numbers (sorted, distinct) as varint deltas from 0.
pub fn encode(nums: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(nums.len() * 2 + 8);
    let mut prev = 0u64;
    for &n in nums {
        let mut d = n - prev;
        prev = n;
        loop {
            let b = (d & 0x7F) as u8;
            d >>= 7;
            if d == 0 {
                out.push(b);
                break;
            }
            out.push(b | 0x80);
        }
    }
    out
}

pub fn decode(bytes: &[u8]) -> Vec<u64> {
    let mut out = Vec::with_capacity(bytes.len());
    let (mut cur, mut shift, mut prev) = (0u64, 0u32, 0u64);
    for &b in bytes {
        cur |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            prev += cur;
            out.push(prev);
            cur = 0;
            shift = 0;
        } else {
            shift += 7;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_number_in_time_order_and_back() {
        let a = ticket_number("T20261123-000042").unwrap();
        let b = ticket_number("T20261124-000001").unwrap();
        assert!(a < b);
        assert_eq!(ticket_of(a), "T20261123-000042");
        assert_eq!(
            ticket_of(ticket_number("T20261123-1234567").unwrap()),
            "T20261123-1234567"
        );
        assert!(day_start(20261123) <= a && a < day_start(20261124));
        assert_eq!(ticket_number("X"), None);
    }

    #[test]
    fn a_note_is_found_by_its_words_without_particles_and_by_their_beginnings() {
        let t = note_terms("배송지연으로 고객이 환불을 요청함. 주문번호 2026112300042");
        for want in [
            "배송",
            "배송지",
            "배송지연",
            "고객",
            "환불",
            "요청",
            "요청함",
            "주문",
            "주문번호",
            "20",
            "202611",
        ] {
            assert!(t.contains(want), "{want} in {t:?}");
        }
        assert!(!t.contains("배송지연으로"), "the particle is off");
        assert!(!t.contains("고객이"));
        // A search word is looked up by its stem's beginning.
        assert_eq!(query_term("환불을"), "환불");
        assert_eq!(query_term("배송지연으로"), "배송지연");
        assert_eq!(query_term("2026112300042"), "202611");
        // Too short to lose a particle: kept whole.
        assert_eq!(stem("아이"), "아이");
    }

    #[test]
    fn chunks_round_trip_in_about_two_bytes_a_number() {
        let nums: Vec<u64> = (0..500).map(|i| 2026112300000000 + i * 37).collect();
        let bytes = encode(&nums);
        assert_eq!(decode(&bytes), nums);
        assert!(bytes.len() < 8 + 2 * nums.len(), "{} bytes", bytes.len());
        assert!(decode(&encode(&[])).is_empty());
    }
}
