//! Search indexes kept inside the store, written in the same transaction as the records they
//! point at (never out of step, nothing to rebuild after a crash, part of every backup). The
//! customer search: `CUSTOMER_TERMS`, the keys of `search::terms` (name suffixes, number
//! suffixes of 3+ digits, e-mail); a search is a range scan over the keys that begin with the
//! typed text, reading only what matches. Built once for a store written before it existed.

use super::{tables, Store, StoreResult};
use crate::domain::model::{BrandId, Consultation, Customer};
use crate::search::postings;
use crate::search::terms::{self, Lookup};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use std::collections::{BTreeMap, BTreeSet};

/// The counter that says the customer terms were built for every customer.
const BUILT: &str = "index/customer-terms";

/// Brings a customer's keys from what `old` was found by to what `new` is found by.
pub fn reindex_customer(
    tx: &WriteTransaction,
    old: Option<&Customer>,
    new: Option<&Customer>,
) -> StoreResult<()> {
    let before = old.map(terms::customer_keys).unwrap_or_default();
    let after = new.map(terms::customer_keys).unwrap_or_default();
    if before == after {
        return Ok(());
    }
    let mut t = tx.open_table(tables::CUSTOMER_TERMS)?;
    for k in before.difference(&after) {
        t.remove(k.as_slice())?;
    }
    for k in after.difference(&before) {
        t.insert(k.as_slice(), ())?;
    }
    Ok(())
}

/// Indexes every customer of a store written before the customer terms existed (once; start-up).
/// Returns how many customers it indexed.
pub fn build_customer_terms(tx: &WriteTransaction) -> StoreResult<u64> {
    if super::records::built(tx, BUILT)? {
        return Ok(0);
    }
    let mut n = 0u64;
    {
        let customers = tx.open_table(tables::CUSTOMERS)?;
        let mut t = tx.open_table(tables::CUSTOMER_TERMS)?;
        for row in customers.iter()? {
            let (_, v) = row?;
            let c: Customer = super::dec(v.value())?;
            for k in terms::customer_keys(&c) {
                t.insert(k.as_slice(), ())?;
            }
            n += 1;
        }
    }
    tx.open_table(tables::COUNTERS)?.insert(BUILT, 1)?;
    Ok(n)
}

/// The ids of the first `limit` customers found by `lookups`, in term order (e.g. 김민 → 김민서,
/// 김민수, 김민준 …), each once; and whether more were found.
fn find_ids(
    r: &ReadTransaction,
    brand: BrandId,
    lookups: &[Lookup],
    limit: usize,
) -> StoreResult<(Vec<u64>, bool)> {
    let t = r.open_table(tables::CUSTOMER_TERMS)?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for l in lookups {
        let start = terms::key_prefix(brand, l.kind, &l.term);
        let mut end = start.clone();
        // No key's term holds 0xFF (UTF-8 never does): every key beginning with `start` sorts
        // below it.
        end.push(0xFF);
        for row in t.range(start.as_slice()..end.as_slice())? {
            let (k, _) = row?;
            let Some(id) = terms::id_of(k.value()) else {
                continue;
            };
            if seen.insert(id) {
                if out.len() == limit {
                    return Ok((out, true));
                }
                out.push(id);
            }
        }
    }
    Ok((out, false))
}

impl Store {
    /// The customer search (고객 검색): by a name fragment, a number fragment of 3+ digits or an
    /// e-mail's beginning (`search::terms::lookups`); at most `limit` customers and whether
    /// there are more. Reads only the matching keys and the customers returned.
    pub fn search_customers(
        &self,
        brand: BrandId,
        text: &str,
        limit: usize,
    ) -> StoreResult<(Vec<Customer>, bool)> {
        let lookups = terms::lookups(text);
        self.read(|r| {
            let (ids, more) = find_ids(r, brand, &lookups, limit)?;
            let keys: Vec<String> = ids
                .iter()
                .map(|id| format!("{brand:010}/{id:020}"))
                .collect();
            let out = super::records::get_many(r, tables::CUSTOMERS, &keys)?
                .into_iter()
                .flatten()
                .collect();
            Ok((out, more))
        })
    }
}

// ---- consultation postings ------------------------------------------------------------------

/// The counter that says the consultation postings were built for every consultation.
const BUILT_CONS: &str = "index/consultation-postings";

type Postings<'t> = redb::Table<'t, &'static [u8], &'static [u8]>;

/// The chunk of a term holding `n`'s place: the last chunk whose first number is ≤ `n` (or the
/// term's first chunk when `n` is below them all). Its key and numbers.
fn chunk_for(t: &Postings, prefix: &[u8], n: u64) -> StoreResult<Option<(Vec<u8>, Vec<u64>)>> {
    let upper = postings::chunk_key(prefix, n);
    if let Some(row) = t.range(prefix..=upper.as_slice())?.next_back() {
        let (k, v) = row?;
        return Ok(Some((k.value().to_vec(), postings::decode(v.value()))));
    }
    let mut end = prefix.to_vec();
    end.push(0xFF);
    if let Some(row) = t.range(prefix..end.as_slice())?.next() {
        let (k, v) = row?;
        return Ok(Some((k.value().to_vec(), postings::decode(v.value()))));
    }
    Ok(None)
}

/// Stores a chunk's numbers under the key of its first (moving it if that changed); splits a
/// chunk grown past `CHUNK_MAX` in two.
fn put_chunk(
    t: &mut Postings,
    prefix: &[u8],
    old_key: Option<&[u8]>,
    nums: &[u64],
) -> StoreResult<()> {
    if let Some(k) = old_key {
        if nums
            .first()
            .map(|f| postings::chunk_key(prefix, *f))
            .as_deref()
            != Some(k)
        {
            t.remove(k)?;
        }
    }
    for part in nums.chunks(postings::CHUNK_MAX.max(1)) {
        let split = if nums.len() > postings::CHUNK_MAX {
            part.len().div_ceil(2)
        } else {
            part.len()
        };
        for half in part.chunks(split.max(1)) {
            t.insert(
                postings::chunk_key(prefix, half[0]).as_slice(),
                postings::encode(half).as_slice(),
            )?;
        }
    }
    Ok(())
}

/// Adds numbers (sorted, distinct) to a term's list.
fn post_many(t: &mut Postings, prefix: &[u8], nums: &[u64]) -> StoreResult<()> {
    let mut rest = nums;
    while let Some(&first) = rest.first() {
        match chunk_for(t, prefix, first)? {
            None => {
                put_chunk(t, prefix, None, rest)?;
                return Ok(());
            }
            Some((key, mut have)) => {
                // Everything below the next chunk's first number belongs to this one (a single
                // number — a note saved — goes here whatever comes next: no lookup).
                let next_first = if rest.len() == 1 {
                    None
                } else {
                    let mut end = prefix.to_vec();
                    end.push(0xFF);
                    let from = postings::chunk_key(
                        prefix,
                        have.last().copied().unwrap_or(first).max(first) + 1,
                    );
                    t.range(from.as_slice()..end.as_slice())?
                        .next()
                        .transpose()?
                        .and_then(|(k, _)| {
                            k.value()
                                .get(prefix.len()..)
                                .and_then(|b| b.try_into().ok())
                                .map(u64::from_be_bytes)
                        })
                };
                let take = match next_first {
                    Some(nf) => rest.iter().take_while(|n| **n < nf).count().max(1),
                    None => rest.len(),
                };
                have.extend_from_slice(&rest[..take]);
                have.sort_unstable();
                have.dedup();
                put_chunk(t, prefix, Some(&key), &have)?;
                rest = &rest[take..];
            }
        }
    }
    Ok(())
}

fn unpost(t: &mut Postings, prefix: &[u8], n: u64) -> StoreResult<()> {
    if let Some((key, mut have)) = chunk_for(t, prefix, n)? {
        if let Ok(i) = have.binary_search(&n) {
            have.remove(i);
            if have.is_empty() {
                t.remove(key.as_slice())?;
            } else {
                put_chunk(t, prefix, Some(&key), &have)?;
            }
        }
    }
    Ok(())
}

/// Brings a consultation's postings from what `old` was posted under to what `new` is.
pub fn reindex_consultation(
    tx: &WriteTransaction,
    old: Option<&Consultation>,
    new: &Consultation,
) -> StoreResult<()> {
    let Some(n) = postings::ticket_number(&new.ticket_id) else {
        return Ok(());
    };
    if old.is_some_and(|o| postings::same_terms(o, new)) {
        return Ok(());
    }
    let before = old.map(postings::consultation_terms).unwrap_or_default();
    let after = postings::consultation_terms(new);
    if before == after {
        return Ok(());
    }
    let mut t = tx.open_table(tables::CONS_POSTINGS)?;
    for (dim, term) in before.difference(&after) {
        unpost(&mut t, &postings::term_prefix(new.brand_id, *dim, term), n)?;
    }
    for (dim, term) in after.difference(&before) {
        post_many(
            &mut t,
            &postings::term_prefix(new.brand_id, *dim, term),
            &[n],
        )?;
    }
    Ok(())
}

/// Posts many new consultations at once (one write per term, not per consultation): the
/// volume seed and the one-off build.
pub fn post_consultations<'a>(
    tx: &WriteTransaction,
    items: impl IntoIterator<Item = &'a Consultation>,
) -> StoreResult<()> {
    let mut by_term: BTreeMap<Vec<u8>, Vec<u64>> = BTreeMap::new();
    for c in items {
        let Some(n) = postings::ticket_number(&c.ticket_id) else {
            continue;
        };
        for (dim, term) in postings::consultation_terms(c) {
            by_term
                .entry(postings::term_prefix(c.brand_id, dim, &term))
                .or_default()
                .push(n);
        }
    }
    let mut t = tx.open_table(tables::CONS_POSTINGS)?;
    for (prefix, mut nums) in by_term {
        nums.sort_unstable();
        nums.dedup();
        post_many(&mut t, &prefix, &nums)?;
    }
    Ok(())
}

/// Posts every consultation of a store written before the postings existed (once; start-up),
/// 100,000 at a time. Returns how many it posted.
pub fn build_consultation_postings(tx: &WriteTransaction) -> StoreResult<u64> {
    if super::records::built(tx, BUILT_CONS)? {
        return Ok(0);
    }
    let mut n = 0u64;
    let mut batch: Vec<Consultation> = Vec::new();
    let mut after: Option<String> = None;
    loop {
        {
            let table = tx.open_table(tables::CONSULTATIONS)?;
            let rows = match &after {
                Some(k) => table.range::<&str>((
                    std::ops::Bound::Excluded(k.as_str()),
                    std::ops::Bound::Unbounded,
                ))?,
                None => table.range::<&str>(..)?,
            };
            for row in rows.take(100_000) {
                let (_, v) = row?;
                batch.push(super::dec(v.value())?);
            }
        }
        let Some(last) = batch.last() else { break };
        after = Some(last.ticket_id.clone());
        n += batch.len() as u64;
        post_consultations(tx, batch.iter())?;
        batch.clear();
    }
    tx.open_table(tables::COUNTERS)?.insert(BUILT_CONS, 1)?;
    Ok(n)
}

/// A manager's consultation search (상담 검색).
#[derive(Debug, Clone, Default)]
pub struct ConsultationQuery {
    /// Local days, inclusive (`yyyymmdd`).
    pub from: u64,
    pub to: u64,
    pub agent: Option<u64>,
    pub service: Option<String>,
    pub category: Option<String>,
    pub result: Option<String>,
    pub channel: Option<String>,
    /// The customer's number (national digits).
    pub number: Option<String>,
    /// Words the note holds (each word, or a word it begins).
    pub words: Vec<String>,
    /// Continue below this ticket number (the previous page's `next`).
    pub before: Option<u64>,
    pub limit: usize,
}

/// A page of results, newest first.
#[derive(Debug, Clone)]
pub struct ConsultationPage {
    pub items: Vec<Consultation>,
    /// Where the next page starts (`before`), `None` at the end.
    pub next: Option<u64>,
    /// The search stopped at its budget before filling the page: `next` continues it.
    pub partial: bool,
}

/// A term's list read newest first, seeking: the largest number ≤ x.
struct Stream<'a> {
    t: &'a redb::ReadOnlyTable<&'static [u8], &'static [u8]>,
    prefix: Vec<u8>,
    /// The chunk in hand: its numbers.
    nums: Vec<u64>,
    /// Reads of chunks (the search's budget).
    reads: &'a std::cell::Cell<u64>,
}

impl Stream<'_> {
    fn seek_le(&mut self, x: u64) -> StoreResult<Option<u64>> {
        if let (Some(first), Some(last)) = (self.nums.first(), self.nums.last()) {
            // The chunk in hand holds x's place only within its own span: above its last
            // number a later chunk may hold more.
            if *first <= x && x <= *last {
                let i = self.nums.partition_point(|n| *n <= x);
                return Ok(Some(self.nums[i - 1]));
            }
        }
        self.reads.set(self.reads.get() + 1);
        let upper = postings::chunk_key(&self.prefix, x);
        match self
            .t
            .range(self.prefix.as_slice()..=upper.as_slice())?
            .next_back()
        {
            None => Ok(None),
            Some(row) => {
                let (_, v) = row?;
                self.nums = postings::decode(v.value());
                let i = self.nums.partition_point(|n| *n <= x);
                Ok(if i == 0 { None } else { Some(self.nums[i - 1]) })
            }
        }
    }
}

/// Chunk reads a search may make before it answers with what it has (`partial`).
const SEARCH_BUDGET: u64 = 20_000;

impl Store {
    /// The consultation search: every filter a posting list, intersected newest first by
    /// leapfrogging (each list seeks to the others' candidate), the note's words checked on the
    /// records found; at most `limit` consultations, then where to go on.
    pub fn search_consultations(
        &self,
        brand: BrandId,
        q: &ConsultationQuery,
    ) -> StoreResult<ConsultationPage> {
        use postings::Dim;
        let mut terms: Vec<(Dim, String)> = Vec::new();
        if let Some(a) = q.agent {
            terms.push((Dim::Agent, a.to_string()));
        }
        for (dim, v) in [
            (Dim::Service, &q.service),
            (Dim::Category, &q.category),
            (Dim::Result, &q.result),
            (Dim::Channel, &q.channel),
            (Dim::Number, &q.number),
        ] {
            if let Some(v) = v {
                terms.push((dim, v.clone()));
            }
        }
        for w in &q.words {
            let t = postings::query_term(w);
            if !t.is_empty() {
                terms.push((Dim::Word, t));
            }
        }
        if terms.is_empty() {
            terms.push((Dim::All, String::new()));
        }
        let lower = postings::day_start(q.from);
        let mut x = postings::day_start(q.to + 1).saturating_sub(1);
        if let Some(b) = q.before {
            x = x.min(b.saturating_sub(1));
        }
        let limit = q.limit.max(1);
        self.read(|r| {
            let t = r.open_table(tables::CONS_POSTINGS)?;
            let records = r.open_table(tables::CONSULTATIONS)?;
            let reads = std::cell::Cell::new(0u64);
            let mut streams: Vec<Stream> = terms
                .iter()
                .map(|(d, term)| Stream {
                    t: &t,
                    prefix: postings::term_prefix(brand, *d, term),
                    nums: Vec::new(),
                    reads: &reads,
                })
                .collect();
            let mut items = Vec::new();
            let mut partial = false;
            let mut next = None;
            'search: while x >= lower {
                // Leapfrog: move the candidate down until every list holds it.
                let mut agreed = 0;
                let mut i = 0;
                while agreed < streams.len() {
                    if reads.get() > SEARCH_BUDGET {
                        partial = true;
                        next = Some(x + 1);
                        break 'search;
                    }
                    match streams[i].seek_le(x)? {
                        Some(y) if y >= lower => {
                            if y == x {
                                agreed += 1;
                            } else {
                                x = y;
                                agreed = 1;
                            }
                        }
                        _ => break 'search,
                    }
                    i = (i + 1) % streams.len();
                }
                if items.len() == limit {
                    next = Some(x + 1);
                    break;
                }
                if let Some(v) = records.get(postings::ticket_of(x).as_str())? {
                    let c: Consultation = super::dec(v.value())?;
                    let note = c.content.to_lowercase();
                    if c.brand_id == brand
                        && q.words.iter().all(|w| note.contains(&postings::stem(w)))
                    {
                        items.push(c);
                    }
                }
                if x == 0 {
                    break;
                }
                x -= 1;
            }
            Ok(ConsultationPage {
                items,
                next,
                partial,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{seq::SliceRandom, SeedableRng};

    /// Every chunk of a term: (key's first number, numbers).
    fn chunks(store: &Store, prefix: &[u8]) -> Vec<(u64, Vec<u64>)> {
        store
            .read(|r| {
                let t = r.open_table(tables::CONS_POSTINGS)?;
                let mut end = prefix.to_vec();
                end.push(0xFF);
                let mut out = Vec::new();
                for row in t.range(prefix..end.as_slice())? {
                    let (k, v) = row?;
                    let first = u64::from_be_bytes(k.value()[prefix.len()..].try_into().unwrap());
                    out.push((first, postings::decode(v.value())));
                }
                Ok(out)
            })
            .unwrap()
    }

    #[test]
    fn posting_lists_stay_sorted_chunked_and_exact_through_inserts_in_any_order_and_removals() {
        let store = Store::in_memory().unwrap();
        let prefix = postings::term_prefix(1, postings::Dim::Word, "배송");
        let mut nums: Vec<u64> = (0..5_000u64).map(|i| 2026110100000000 + i * 3).collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        nums.shuffle(&mut rng);
        let (a, b) = nums.split_at(2_000);
        let (a, b) = (a.to_vec(), b.to_vec());
        store
            .write_blocking(move |tx| {
                let mut t = tx.open_table(tables::CONS_POSTINGS)?;
                let p = postings::term_prefix(1, postings::Dim::Word, "배송");
                for n in &a {
                    post_many(&mut t, &p, &[*n])?;
                }
                let mut bulk = b.clone();
                bulk.sort_unstable();
                post_many(&mut t, &p, &bulk)?;
                Ok(())
            })
            .unwrap();
        let removed: Vec<u64> = nums.iter().copied().filter(|n| n % 7 == 0).collect();
        let r2 = removed.clone();
        store
            .write_blocking(move |tx| {
                let mut t = tx.open_table(tables::CONS_POSTINGS)?;
                let p = postings::term_prefix(1, postings::Dim::Word, "배송");
                for n in &r2 {
                    unpost(&mut t, &p, *n)?;
                }
                Ok(())
            })
            .unwrap();
        let got = chunks(&store, &prefix);
        assert!(got.len() > 5, "split into chunks: {}", got.len());
        let mut flat = Vec::new();
        for (first, c) in &got {
            assert_eq!(c.first(), Some(first), "keyed by its first number");
            assert!(c.len() <= postings::CHUNK_MAX);
            assert!(c.windows(2).all(|w| w[0] < w[1]));
            flat.extend_from_slice(c);
        }
        let mut want: Vec<u64> = nums.into_iter().filter(|n| n % 7 != 0).collect();
        want.sort_unstable();
        assert_eq!(
            flat, want,
            "exactly the numbers posted and not removed, in order"
        );
    }
}
