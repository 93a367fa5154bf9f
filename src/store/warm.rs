//! Brings the screen-pop's number index into memory after a start, in the background: a ringing
//! call looks its number up (`customers-by-phone-0`, one B-tree descent) and, right after a
//! machine restart, each lookup would otherwise wait for a disk read of that table's pages. The
//! pass reads the table once in key order on a thread of its own, one short read transaction
//! per `CHUNK` entries (never holding a snapshot long), and logs how long it took. The table is
//! small next to the records (about 40 bytes an entry: ~100 MB at 2,500,000 numbers), so the OS
//! keeps it cached; the records themselves are not read.

use super::{tables, Store, StoreResult};
use std::time::Instant;

/// Entries read per read transaction.
const CHUNK: usize = 50_000;

/// Starts the pass on its own thread.
pub fn start(store: Store) {
    let spawned = std::thread::Builder::new()
        .name("store-warm".into())
        .spawn(move || {
            let started = Instant::now();
            match warm_numbers(&store, CHUNK) {
                Ok(n) => tracing::info!(
                    numbers = n,
                    seconds = format!("{:.1}", started.elapsed().as_secs_f64()),
                    "number index warmed"
                ),
                Err(e) => tracing::warn!(error = %e, "number index warm-up stopped"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "number index warm-up not started");
    }
}

/// Reads every entry of the number index once, `chunk` per read transaction; how many there
/// were.
pub fn warm_numbers(store: &Store, chunk: usize) -> StoreResult<usize> {
    let chunk = chunk.max(1);
    let mut after: Option<String> = None;
    let mut total = 0usize;
    loop {
        let (n, last) = store.read(|r| {
            let t = r.open_table(tables::CUSTOMERS_BY_PHONE)?;
            let mut range = match &after {
                Some(k) => t.range::<&str>((
                    std::ops::Bound::Excluded(k.as_str()),
                    std::ops::Bound::Unbounded,
                ))?,
                None => t.range::<&str>(..)?,
            };
            let mut n = 0usize;
            let mut last = None;
            for e in range.by_ref().take(chunk) {
                let (k, v) = e?;
                std::hint::black_box(v.value());
                n += 1;
                if n == chunk {
                    last = Some(k.value().to_string());
                }
            }
            Ok((n, last))
        })?;
        total += n;
        match last {
            Some(k) => after = Some(k),
            None => return Ok(total),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_number_across_chunks() {
        let store = Store::in_memory().unwrap();
        assert_eq!(warm_numbers(&store, 7).unwrap(), 0);
        store
            .write_blocking(|tx| {
                let mut t = tx.open_table(tables::CUSTOMERS_BY_PHONE)?;
                for i in 0..25u64 {
                    let key = format!("{:010}/0101234{i:04}", 1 + i % 2);
                    t.insert(key.as_str(), format!("{i}").as_bytes())?;
                }
                Ok(())
            })
            .unwrap();
        // A chunk that divides the count, one that does not, one larger than the table.
        for chunk in [5, 7, 100] {
            assert_eq!(warm_numbers(&store, chunk).unwrap(), 25, "chunk {chunk}");
        }
    }
}
