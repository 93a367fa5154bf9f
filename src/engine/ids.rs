//! Call ids and ticket numbers without a disk write per call: numbers are handed out from
//! blocks reserved in the store (`store::reserve_block`, durable), so a new call is numbered in
//! memory and its consultation's write can be queued while the distributor already offers it.
//! A block's unused numbers are skipped after a crash, never reused (tickets may have gaps,
//! never repeats).

use super::Engine;
use crate::domain::ticket;
use crate::store::{self, StoreResult};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Mutex;

/// Numbers reserved per store write.
pub const BLOCK: u64 = 1000;

/// Per counter: the next number and the last of its block.
#[derive(Default)]
pub struct IdBlocks {
    ranges: Mutex<HashMap<String, (u64, u64)>>,
}

impl IdBlocks {
    fn take(&self, name: &str) -> Option<u64> {
        let mut r = self.ranges.lock().ok()?;
        let (next, last) = r.get_mut(name)?;
        if *next > *last {
            return None;
        }
        let id = *next;
        *next += 1;
        Some(id)
    }

    fn put(&self, name: &str, first: u64, last: u64) {
        if let Ok(mut r) = self.ranges.lock() {
            r.insert(name.to_string(), (first, last));
        }
    }
}

impl Engine {
    /// The next number of counter `name`: from memory, or from a freshly reserved block.
    pub async fn next_number(&self, name: &str) -> StoreResult<u64> {
        if let Some(id) = self.ids.take(name) {
            return Ok(id);
        }
        let key = name.to_string();
        let first = self
            .store
            .write(move |tx| store::reserve_block(tx, &key, BLOCK))
            .await?;
        self.ids.put(name, first + 1, first + BLOCK - 1);
        Ok(first)
    }

    /// A new call's id and ticket (issued on local day `day`).
    pub async fn number_call(&self, day: NaiveDate) -> StoreResult<(u64, String)> {
        let call_id = self.next_number("call").await?;
        metrics::counter!("calldesk_calls_total").increment(1);
        let seq = self.next_number(&ticket::counter_key(day)).await?;
        Ok((call_id, ticket::format(day, seq)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_hands_out_each_number_once_then_runs_dry() {
        let b = IdBlocks::default();
        assert_eq!(b.take("call"), None, "nothing reserved yet");
        b.put("call", 5, 7);
        assert_eq!(
            (b.take("call"), b.take("call"), b.take("call")),
            (Some(5), Some(6), Some(7))
        );
        assert_eq!(b.take("call"), None);
        assert_eq!(b.take("ticket/20261130"), None, "counters are apart");
    }
}
