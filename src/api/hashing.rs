//! The password-hashing pool: argon2 runs on a fixed set of threads (one per core), fed by a
//! bounded queue. Concurrent logins therefore cost at most `threads × argon2 memory`, on threads
//! whose allocations are reused, instead of one blocking thread (and one malloc arena) each;
//! when the queue is full a login is refused at once with 503 and `Retry-After` rather than
//! taking more memory. Unknown logins are verified against a dummy hash on the same pool, so
//! they cost the same time as wrong passwords.

use crate::error::{AppError, AppResult};
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use tokio::sync::oneshot;

/// Logins that may wait for a hashing thread; one more is refused with 503.
pub const QUEUE: usize = 64;

type Job = Box<dyn FnOnce() + Send>;

/// The pool: its queue's sending end. The threads end when the pool is dropped.
pub struct HashPool {
    tx: SyncSender<Job>,
}

impl HashPool {
    /// `threads` hashing threads behind a queue of `queue` waiting jobs.
    pub fn new(threads: usize, queue: usize) -> std::sync::Arc<HashPool> {
        let (tx, rx) = sync_channel::<Job>(queue);
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || {
                    // CPU-heavy: not the short slice of the thread that started it.
                    crate::sched::default_slice();
                    crate::sched::background();
                    loop {
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("hashing thread starts");
        }
        std::sync::Arc::new(HashPool { tx })
    }

    /// The server's pool: one thread per core, `QUEUE` waiting.
    pub fn for_server() -> std::sync::Arc<HashPool> {
        Self::new(threads(), QUEUE)
    }

    /// Runs `f` (a password hash or verify) on the pool; 503 `unavailable` with `Retry-After`
    /// when every thread is busy and the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> AppResult<T> {
        let (tx, rx) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        match self.tx.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(AppError::busy(
                    "로그인이 몰려 있습니다. 잠시 후 다시 시도하세요 (login queue full)",
                    2,
                ))
            }
            Err(TrySendError::Disconnected(_)) => return Err(AppError::internal("hashing pool")),
        }
        rx.await.map_err(|_| AppError::internal("hashing job lost"))
    }
}

/// Hashing threads: one per core.
pub fn threads() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Jobs run on the pool's threads; with every thread busy and the queue full, one more is
    /// refused at once with `Retry-After`; afterwards the pool works again.
    #[actix_rt::test]
    async fn jobs_run_on_the_pool_and_a_full_queue_is_refused_at_once() {
        let threads = 2;
        let pool = HashPool::new(threads, 4);
        let name = pool
            .run(|| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("password-hash-"));

        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let release_rx = std::sync::Arc::new(std::sync::Mutex::new(release_rx));
        let started = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for _ in 0..threads {
            let r = release_rx.clone();
            let s = started.clone();
            pool.tx
                .try_send(Box::new(move || {
                    s.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let _ = r.lock().map(|r| r.recv());
                }))
                .unwrap();
        }
        while started.load(std::sync::atomic::Ordering::SeqCst) < threads {
            actix_rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // Fill the queue behind the blocked threads.
        let mut queued = 0;
        while pool.tx.try_send(Box::new(|| {})).is_ok() {
            queued += 1;
        }
        assert_eq!(queued, 4, "the queue holds what it was built for");
        let err = pool.run(|| ()).await.unwrap_err();
        assert_eq!(err.code, crate::error::Code::Unavailable);
        assert_eq!(err.retry_after_s, Some(2));

        drop(release_tx);
        let mut again = None;
        for _ in 0..100 {
            if let Ok(v) = pool.run(|| 6 * 7).await {
                again = Some(v);
                break;
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert_eq!(again, Some(42));
    }
}
