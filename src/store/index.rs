//! Search indexes kept inside the store, written in the same transaction as the records they
//! point at (never out of step, nothing to rebuild after a crash, part of every backup). The
//! customer search: `CUSTOMER_TERMS`, the keys of `search::terms` (name suffixes, number
//! suffixes of 3+ digits, e-mail); a search is a range scan over the keys that begin with the
//! typed text, reading only what matches. Built once for a store written before it existed.

use super::{tables, Store, StoreResult};
use crate::domain::model::{BrandId, Customer};
use crate::search::terms::{self, Lookup};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use std::collections::BTreeSet;

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
    let done = tx
        .open_table(tables::COUNTERS)?
        .get(BUILT)?
        .map(|g| g.value())
        .unwrap_or(0);
    if done > 0 {
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
            let customers = r.open_table(tables::CUSTOMERS)?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(v) = customers.get(format!("{brand:010}/{id:020}").as_str())? {
                    out.push(super::dec(v.value())?);
                }
            }
            Ok((out, more))
        })
    }
}
