//! Call ids and ticket numbers without a disk write per call: numbers are handed out from
//! blocks reserved in the store (`store::reserve_block`, durable), so a new call is numbered in
//! memory and its consultation's write can be queued while the distributor already offers it.
//! When a block runs low the next one is reserved in the background (`REFILL_AT`), so a call
//! waits for the disk only for the very first number of a counter (start-up, a new day's
//! tickets) — not once every `BLOCK` calls. A spare block is used only after its reservation
//! is committed; a block that runs dry while that reservation is on its way waits for it
//! (`REFILL_WAIT`) rather than reserving another, so numbers keep their order. A block's unused
//! numbers are skipped after a crash, never reused (tickets may have gaps, never repeats).

use super::Engine;
use crate::domain::ticket;
use crate::store::{self, StoreResult};
use chrono::NaiveDate;
use std::collections::HashMap;
use std::sync::Mutex;

/// Numbers reserved per store write.
pub const BLOCK: u64 = 1000;
/// A block with this many numbers left has the next one reserved in the background (at 200
/// calls/s, over a second ahead of need).
pub const REFILL_AT: u64 = BLOCK / 4;
/// How long a number waits for a background reservation on its way when its block ran dry;
/// past it (the reservation stuck or lost) the caller reserves a block itself.
pub const REFILL_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// One counter: the block being handed out, the next one if reserved, and whether a
/// reservation is on its way.
#[derive(Default)]
struct Counter {
    next: u64,
    last: u64,
    spare: Option<(u64, u64)>,
    refilling: bool,
}

/// What `take` found: a number (if any), whether the caller must start a refill, and (with no
/// number) whether a refill is on its way to wait for.
#[derive(Debug, PartialEq)]
struct Took {
    id: Option<u64>,
    refill: bool,
    on_its_way: bool,
}

#[derive(Default)]
pub struct IdBlocks {
    counters: Mutex<HashMap<String, Counter>>,
    /// Woken whenever a background reservation lands or fails.
    landed: tokio::sync::Notify,
}

impl IdBlocks {
    fn take(&self, name: &str) -> Took {
        let none = Took {
            id: None,
            refill: false,
            on_its_way: false,
        };
        let Ok(mut r) = self.counters.lock() else {
            return none;
        };
        let Some(c) = r.get_mut(name) else {
            return none;
        };
        if c.next > c.last {
            match c.spare.take() {
                Some((first, last)) => (c.next, c.last) = (first, last),
                None => {
                    return Took {
                        on_its_way: c.refilling,
                        ..none
                    }
                }
            }
        }
        let id = c.next;
        c.next += 1;
        let left = (c.last + 1).saturating_sub(c.next);
        let refill = left <= REFILL_AT && c.spare.is_none() && !c.refilling;
        if refill {
            c.refilling = true;
        }
        Took {
            id: Some(id),
            refill,
            on_its_way: false,
        }
    }

    /// A block reserved while a caller waited: handed out from now on (a spare stays next).
    fn put(&self, name: &str, first: u64, last: u64) {
        if let Ok(mut r) = self.counters.lock() {
            let c = r.entry(name.to_string()).or_default();
            (c.next, c.last) = (first, last);
        }
    }

    /// A block reserved in the background (committed): handed out when the current one ends.
    fn put_spare(&self, name: &str, first: u64, last: u64) {
        if let Ok(mut r) = self.counters.lock() {
            let c = r.entry(name.to_string()).or_default();
            c.refilling = false;
            if c.next > c.last {
                (c.next, c.last) = (first, last);
            } else {
                c.spare = Some((first, last));
            }
        }
        self.landed.notify_waiters();
    }

    /// A background reservation failed: the next number taken tries again.
    fn refill_failed(&self, name: &str) {
        if let Ok(mut r) = self.counters.lock() {
            if let Some(c) = r.get_mut(name) {
                c.refilling = false;
            }
        }
        self.landed.notify_waiters();
    }
}

impl Engine {
    /// Reserves the next block of counter `name` (durable); its first number.
    async fn reserve_block(&self, name: &str) -> StoreResult<u64> {
        let key = name.to_string();
        self.store
            .write(move |tx| store::reserve_block(tx, &key, BLOCK))
            .await
    }

    /// The next number of counter `name`: from memory, or from a freshly reserved block.
    pub async fn next_number(&self, name: &str) -> StoreResult<u64> {
        let mut took = self.ids.take(name);
        if took.on_its_way {
            // Dry, the next block on its way: listen, look again (it may have landed in
            // between), then wait for it. The common path never gets here.
            let until = tokio::time::Instant::now() + REFILL_WAIT;
            while took.on_its_way {
                let landed = self.ids.landed.notified();
                tokio::pin!(landed);
                landed.as_mut().enable();
                took = self.ids.take(name);
                if took.on_its_way && tokio::time::timeout_at(until, landed).await.is_err() {
                    break;
                }
            }
        }
        if took.refill {
            let engine = self.clone();
            let key = name.to_string();
            actix::spawn(async move {
                match engine.reserve_block(&key).await {
                    Ok(first) => engine.ids.put_spare(&key, first, first + BLOCK - 1),
                    Err(e) => {
                        tracing::warn!(counter = %key, error = %e, "number block not reserved ahead");
                        engine.ids.refill_failed(&key);
                    }
                }
            });
        }
        if let Some(id) = took.id {
            return Ok(id);
        }
        let first = self.reserve_block(name).await?;
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

    fn id(b: &IdBlocks, name: &str) -> Option<u64> {
        b.take(name).id
    }

    #[test]
    fn a_dry_block_with_a_reservation_on_its_way_says_so() {
        let b = IdBlocks::default();
        b.put("call", 1, REFILL_AT + 1);
        assert!(
            b.take("call").refill,
            "low from the first number: a refill starts"
        );
        for _ in 0..REFILL_AT {
            assert!(id(&b, "call").is_some());
        }
        let t = b.take("call");
        assert_eq!(
            (t.id, t.on_its_way),
            (None, true),
            "dry, the refill not landed"
        );
        b.put_spare("call", 1001, 2000);
        assert_eq!(id(&b, "call"), Some(1001), "the landed block, in order");
        let b = IdBlocks::default();
        assert!(
            !b.take("call").on_its_way,
            "nothing on its way: reserve now"
        );
    }

    #[test]
    fn a_block_hands_out_each_number_once_then_runs_dry() {
        let b = IdBlocks::default();
        assert_eq!(id(&b, "call"), None, "nothing reserved yet");
        b.put("call", 5, 7);
        assert_eq!(
            (id(&b, "call"), id(&b, "call"), id(&b, "call")),
            (Some(5), Some(6), Some(7))
        );
        assert_eq!(id(&b, "call"), None);
        assert_eq!(id(&b, "ticket/20261130"), None, "counters are apart");
    }

    #[test]
    fn a_low_block_asks_for_the_next_once_and_moves_on_to_it_without_a_gap_in_service() {
        let b = IdBlocks::default();
        b.put("call", 1, BLOCK);
        let mut asked = 0;
        for n in 1..=BLOCK {
            let t = b.take("call");
            assert_eq!(t.id, Some(n));
            if t.refill {
                asked += 1;
                assert_eq!(BLOCK - n, REFILL_AT, "asked when {REFILL_AT} are left");
            }
        }
        assert_eq!(asked, 1, "one reservation while it is on its way");
        // The reservation lands after the block ran dry: handed out at once.
        b.put_spare("call", 2001, 3000);
        assert_eq!(id(&b, "call"), Some(2001));
    }

    #[test]
    fn a_spare_waits_for_the_current_block_and_a_failed_refill_is_asked_again() {
        let b = IdBlocks::default();
        b.put("call", 1, REFILL_AT + 1);
        assert!(b.take("call").refill, "low from the first number");
        b.refill_failed("call");
        assert!(b.take("call").refill, "asked again after a failure");
        b.put_spare("call", 5001, 6000);
        let rest: Vec<u64> = (0..REFILL_AT - 1).filter_map(|_| id(&b, "call")).collect();
        assert_eq!(rest.first(), Some(&3));
        assert_eq!(
            rest.last(),
            Some(&(REFILL_AT + 1)),
            "the current block first"
        );
        let t = b.take("call");
        assert_eq!(t.id, Some(5001), "then the spare");
        assert!(!t.refill, "a fresh block is not low");
    }
}
