//! The only module that imports redb. One `Store` over one database: reads run inline on the
//! caller's thread (redb readers never block); every write goes through one writer thread that
//! takes all writes waiting at that moment into one transaction, commits it with
//! `Durability::Immediate` (one fsync for the batch: group commit), then answers each caller.
//! A caller is answered only after its write is on disk. When the store is busy (a commit ended
//! moments ago) the writer waits `COMMIT_LINGER` before it takes the waiting writes, so more
//! of them share a commit and the offer that queued a call's record reaches its desk first.

pub mod backup;
pub mod index;
pub mod pipa;
pub mod records;
pub mod tables;
pub mod warm;

use redb::backends::InMemoryBackend;
use redb::{Database, Durability, ReadTransaction, ReadableDatabase, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

pub use records::*;

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("storage: {0}")]
    Db(String),
    #[error("record encoding: {0}")]
    Codec(String),
    #[error("store writer stopped")]
    WriterGone,
    /// A write refused for a reason a person can read (not found, taken, not yours…): the
    /// batch is rolled back and the caller gets this error as it is.
    #[error("{}", .0.message)]
    Refused(Box<crate::error::AppError>),
}

impl StoreError {
    pub fn refused(e: crate::error::AppError) -> Self {
        StoreError::Refused(Box::new(e))
    }
}

macro_rules! from_db {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self { StoreError::Db(e.to_string()) }
        }
    )*};
}
from_db!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError,
    redb::SetDurabilityError
);

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Codec(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// One pending write: applied inside the batch transaction, answered after the commit.
trait PendingWrite: Send {
    fn apply(&mut self, tx: &WriteTransaction) -> StoreResult<()>;
    fn finish(self: Box<Self>, committed: StoreResult<()>);
}

struct Write<T, F> {
    f: F,
    value: Option<T>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> PendingWrite for Write<T, F>
where
    T: Send + 'static,
    F: Fn(&WriteTransaction) -> StoreResult<T> + Send + 'static,
{
    fn apply(&mut self, tx: &WriteTransaction) -> StoreResult<()> {
        self.value = Some((self.f)(tx)?);
        Ok(())
    }
    fn finish(mut self: Box<Self>, committed: StoreResult<()>) {
        let out = match (committed, self.value.take()) {
            (Ok(()), Some(v)) => Ok(v),
            (Ok(()), None) => Err(StoreError::Db("write was not applied".into())),
            (Err(e), _) => Err(e),
        };
        let _ = self.reply.send(out);
    }
}

/// Most writes one batch takes.
const MAX_BATCH: usize = 512;

/// How long the writer waits, once woken, before it takes the writes waiting — only while the
/// store is busy (`BUSY_WITHIN`), like PostgreSQL's `commit_delay` with `commit_siblings`. At
/// 5,000 desks and 200 calls/s a gateway's call record is queued just before its offer goes
/// out, and a commit started at once took a core (page writes, two syncs: quick repair) while
/// the offer crossed to its desk. With the wait the writes of the next millisecond share the
/// commit (4.4 writes a commit against 2.6–3.7 without it: fewer commits and syncs) and the
/// offer runs first: in windows alternating within one run the offer's p99 was 0.7–0.9 of the
/// plain windows' in each of four runs (docs/performance.md). 2 ms gained nothing more. A write's
/// acknowledgement (a note's save, the gateway's 201) takes up to this much longer when busy;
/// a quiet store commits at once.
pub const COMMIT_LINGER: Duration = Duration::from_millis(1);

/// The store counts as busy while its last commit ended less than this long ago.
pub const BUSY_WITHIN: Duration = Duration::from_millis(20);

/// Whether the writer, woken at `now` with the last commit ended at `last_commit`, waits
/// `COMMIT_LINGER` before taking the writes waiting.
fn lingers(last_commit: Option<Instant>, now: Instant) -> bool {
    last_commit.is_some_and(|t| now.saturating_duration_since(t) < BUSY_WITHIN)
}

#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    tx: mpsc::Sender<Job>,
}

/// What the writer thread is sent: a write for the next batch, or a ping it answers between
/// batches (the health check: a writer that died or hangs does not answer).
enum Job {
    Write(Box<dyn PendingWrite>),
    Ping(oneshot::Sender<()>),
    /// Close: the writes queued before it are committed, then one last commit saves the
    /// allocator state (quick repair) and the writer stops; later writes get `WriterGone`.
    Close(oneshot::Sender<()>),
}

/// The store's page cache unless set (`store_cache_mib`): the B-trees' inner pages and the
/// day's hot records fit; what a long day writes does not stay resident (redb's default, 1 GiB,
/// made a 30-minute soak grow by 480 MiB).
pub const DEFAULT_CACHE_MIB: usize = 64;

impl Store {
    /// Opens (or creates) `dir/calldesk.redb` with the default page cache.
    pub fn open(dir: &Path) -> StoreResult<Store> {
        Store::open_with_cache(dir, DEFAULT_CACHE_MIB)
    }

    /// Opens (or creates) `dir/calldesk.redb` with a page cache of `cache_mib` MiB.
    pub fn open_with_cache(dir: &Path, cache_mib: usize) -> StoreResult<Store> {
        Store::open_with(dir, cache_mib, true)
    }

    /// Opens (or creates) `dir/calldesk.redb`. `quick_repair`: every commit also saves the
    /// allocator state (redb's quick repair), so a start after a crash opens at once instead of
    /// walking the whole file (181 s at 16 GiB; 0.03 s with it) — for about 1–2 ms more per
    /// commit (performance.md). A clean close saves it either way.
    pub fn open_with(dir: &Path, cache_mib: usize, quick_repair: bool) -> StoreResult<Store> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(e.to_string()))?;
        let db = redb::Builder::new()
            .set_cache_size(cache_mib.max(8) * 1024 * 1024)
            .create(dir.join("calldesk.redb"))?;
        Store::start(db, quick_repair)
    }

    /// A store that lives in memory only (tests).
    pub fn in_memory() -> StoreResult<Store> {
        let db = Database::builder().create_with_backend(InMemoryBackend::new())?;
        Store::start(db, false)
    }

    fn start(db: Database, quick: bool) -> StoreResult<Store> {
        let db = Arc::new(db);
        {
            // Create every table so readers never meet a missing one.
            let mut w = db.begin_write()?;
            w.set_durability(Durability::Immediate)?;
            for t in tables::JSON_TABLES {
                w.open_table(t)?;
            }
            w.open_table(tables::COUNTERS)?;
            w.open_table(tables::CUSTOMER_TERMS)?;
            records::hash_plain_sessions(&w)?;
            w.open_table(tables::CONS_POSTINGS)?;
            let n = records::build_pending_reservations(&w)?;
            if n > 0 {
                tracing::info!(pending = n, "pending reservations indexed");
            }
            let n = records::build_reservations_by_time(&w)?;
            if n > 0 {
                tracing::info!(reservations = n, "reservations indexed by time");
            }
            let n = index::build_customer_terms(&w)?;
            if n > 0 {
                tracing::info!(customers = n, "customer search index built");
            }
            let n = index::build_consultation_postings(&w)?;
            if n > 0 {
                tracing::info!(consultations = n, "consultation search index built");
            }
            w.commit()?;
        }
        let (tx, rx) = mpsc::channel::<Job>();
        let wdb = db.clone();
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn(move || writer_loop(wdb, quick, rx))
            .map_err(|e| StoreError::Db(e.to_string()))?;
        Ok(Store { db, tx })
    }

    /// Runs `f` in the next batch; resolves once the batch is durably committed.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Fn(&WriteTransaction) -> StoreResult<T> + Send + 'static,
    {
        self.submit(f)?.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Puts `f` in the writer's queue now and returns a future of its commit: work started after
    /// this call (another write, an actor) is ordered after it, while the caller waits for the
    /// disk only where it must (the gateway's answer, not the offer).
    pub fn write_queued<T, F>(
        &self,
        f: F,
    ) -> StoreResult<impl std::future::Future<Output = StoreResult<T>>>
    where
        T: Send + 'static,
        F: Fn(&WriteTransaction) -> StoreResult<T> + Send + 'static,
    {
        let rx = self.submit(f)?;
        Ok(async move { rx.await.map_err(|_| StoreError::WriterGone)? })
    }

    /// The same, for code outside an async context (start-up, seeding, the CLI).
    pub fn write_blocking<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: Fn(&WriteTransaction) -> StoreResult<T> + Send + 'static,
    {
        self.submit(f)?
            .blocking_recv()
            .map_err(|_| StoreError::WriterGone)?
    }

    fn submit<T, F>(&self, f: F) -> StoreResult<oneshot::Receiver<StoreResult<T>>>
    where
        T: Send + 'static,
        F: Fn(&WriteTransaction) -> StoreResult<T> + Send + 'static,
    {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Write(Box::new(Write {
                f,
                value: None,
                reply,
            })))
            .map_err(|_| StoreError::WriterGone)?;
        Ok(rx)
    }

    /// Whether the writer thread answers within `within` (it answers between batches, so a
    /// slow disk shows here too).
    pub async fn ping_writer(&self, within: Duration) -> StoreResult<()> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Job::Ping(reply))
            .map_err(|_| StoreError::WriterGone)?;
        match tokio::time::timeout(within, rx).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(StoreError::WriterGone),
            Err(_) => Err(StoreError::Db(format!(
                "store writer did not answer within {} ms",
                within.as_millis()
            ))),
        }
    }

    /// Closes the store for writing, cleanly: every write queued so far is committed, then a
    /// last commit saves redb's allocator state, so the next open does not walk the whole file
    /// (a repair that takes minutes at a year's volume). Whether or not the `Database` itself is
    /// dropped before the process exits (actors still hold the store). Idempotent.
    pub async fn close(&self) {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Job::Close(reply)).is_ok() {
            let _ = rx.await;
        }
    }

    /// The same, from code outside an async context (the CLI's seeding commands).
    pub fn close_blocking(&self) {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Job::Close(reply)).is_ok() {
            let _ = rx.blocking_recv();
        }
    }

    /// A read transaction (cheap; never blocks on writers).
    pub fn read<T>(&self, f: impl FnOnce(&ReadTransaction) -> StoreResult<T>) -> StoreResult<T> {
        let r = self.db.begin_read()?;
        f(&r)
    }
}

fn writer_loop(db: Arc<Database>, quick: bool, rx: mpsc::Receiver<Job>) {
    let mut closing: Option<oneshot::Sender<()>> = None;
    let mut last_commit: Option<Instant> = None;
    while let Ok(first) = rx.recv() {
        if lingers(last_commit, Instant::now()) {
            std::thread::sleep(COMMIT_LINGER);
        }
        let mut batch = Vec::new();
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Ping(reply) => {
                    let _ = reply.send(());
                }
                Job::Write(w) => batch.push(w),
                Job::Close(reply) => {
                    closing = Some(reply);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = rx.try_recv().ok();
            }
        }
        if !batch.is_empty() {
            run_and_answer(&db, quick, batch);
            last_commit = Some(Instant::now());
        }
        if let Some(reply) = closing.take() {
            if let Err(e) = close_commit(&db) {
                tracing::error!(error = %e, "store: the closing commit failed");
            }
            // Writes sent after the close find the receiver gone: `WriterGone`. The writer lets
            // go of the database before the closer hears, so once the last `Store` handle is
            // dropped the file can be opened again at once (the lock went with the last handle;
            // answered first, this thread's handle could still hold it for a moment).
            drop(rx);
            drop(db);
            tracing::info!("store closed");
            let _ = reply.send(());
            return;
        }
    }
    tracing::debug!("store writer stopped");
}

/// One empty commit that saves the allocator state with it (redb's quick repair).
fn close_commit(db: &Database) -> StoreResult<()> {
    let mut tx = db.begin_write()?;
    tx.set_durability(Durability::Immediate)?;
    tx.set_quick_repair(true);
    tx.commit()?;
    Ok(())
}

/// Commits a non-empty batch and answers each of its writers (a failed batch is retried one
/// by one, so only the write that failed fails).
fn run_and_answer(db: &Database, quick: bool, mut batch: Vec<Box<dyn PendingWrite>>) {
    match run_batch(db, quick, &mut batch) {
        Ok(()) => {
            for w in batch {
                w.finish(Ok(()));
            }
        }
        Err(_) if batch.len() > 1 => {
            // One write failed: the batch was rolled back; run each alone so only it fails.
            for mut w in batch {
                let res = run_batch(db, quick, std::slice::from_mut(&mut w));
                w.finish(res);
            }
        }
        Err(e) => {
            for w in batch {
                w.finish(Err(e.clone()));
            }
        }
    }
}

/// `quick`: the commit saves the allocator state (redb's quick repair, see `open_with`).
fn run_batch(db: &Database, quick: bool, batch: &mut [Box<dyn PendingWrite>]) -> StoreResult<()> {
    let started = Instant::now();
    let mut tx = db.begin_write()?;
    tx.set_durability(Durability::Immediate)?;
    tx.set_quick_repair(quick);
    for w in batch.iter_mut() {
        if let Err(e) = w.apply(&tx) {
            tx.abort()?;
            return Err(e);
        }
        // A batch is milliseconds of CPU: a routing thread or HTTP worker woken on this core
        // runs now, not after it (crate::sched).
        crate::sched::yield_now();
    }
    tx.commit()?;
    metrics::histogram!(crate::telemetry::STORE_COMMIT).record(started.elapsed().as_secs_f64());
    metrics::histogram!(crate::telemetry::STORE_BATCH).record(batch.len() as f64);
    Ok(())
}

/// JSON helpers shared by the record functions.
pub(crate) fn enc<T: Serialize>(v: &T) -> StoreResult<Vec<u8>> {
    Ok(serde_json::to_vec(v)?)
}

pub(crate) fn dec<T: DeserializeOwned>(b: &[u8]) -> StoreResult<T> {
    Ok(serde_json::from_slice(b)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reservation::{Reservation, ResvStatus, ResvType};

    #[test]
    fn the_writer_waits_for_company_only_while_the_store_is_busy() {
        let now = Instant::now();
        // A quiet store (no commit yet, or the last one long ago) commits a note at once.
        assert!(!lingers(None, now));
        assert!(!lingers(Some(now - BUSY_WITHIN * 3), now));
        assert!(!lingers(Some(now - BUSY_WITHIN), now));
        // A busy one (a commit ended a moment ago) waits for the writes about to come.
        assert!(lingers(Some(now - Duration::from_millis(2)), now));
        assert!(lingers(Some(now), now));
    }

    fn reservation(id: u64, status: ResvStatus) -> Reservation {
        let at = chrono::Utc::now();
        Reservation {
            id,
            brand_id: 1,
            service: "main".into(),
            number: "01012345678".into(),
            customer_name: None,
            customer_id: None,
            scheduled_at: at,
            rtype: ResvType::Callback,
            memo: String::new(),
            owner_id: None,
            owner_until: None,
            status,
            attempts: vec![],
            ticket_id: None,
            dialing_by: None,
            dialing_since: None,
            created_by: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_pending_index_follows_every_status_change() {
        let store = Store::in_memory().unwrap();
        store
            .write_blocking(|tx| {
                for id in 1..=4 {
                    records::put_reservation(tx, &reservation(id, ResvStatus::Pending))?;
                }
                records::put_reservation(tx, &reservation(2, ResvStatus::Done))?;
                records::put_reservation(tx, &reservation(3, ResvStatus::Cancelled))?;
                Ok(())
            })
            .unwrap();
        let ids = |v: Vec<Reservation>| v.into_iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(ids(store.pending_reservations(1).unwrap()), [1, 4]);
        assert_eq!(ids(store.reservations(1).unwrap()), [1, 2, 3, 4]);
        assert!(store.pending_reservations(2).unwrap().is_empty());
    }

    #[test]
    fn closing_commits_what_was_queued_then_refuses_writes_and_the_file_reopens_with_it() {
        let dir = std::env::temp_dir().join(format!("calldesk-close-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        {
            let store = Store::open(&dir).unwrap();
            let queued = store
                .write_queued(|tx| records::next_counter(tx, "close-test"))
                .unwrap();
            store.close_blocking();
            assert_eq!(
                futures_util::FutureExt::now_or_never(queued)
                    .unwrap()
                    .unwrap(),
                1
            );
            let late = store.write_blocking(|tx| records::next_counter(tx, "close-test"));
            assert!(matches!(late, Err(StoreError::WriterGone)), "{late:?}");
            store.close_blocking();
        }
        let again = Store::open(&dir).unwrap();
        assert_eq!(again.counter("close-test").unwrap(), 1);
        again.close_blocking();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
