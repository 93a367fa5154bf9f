//! Scheduling classes for calldesk's own threads (Linux; elsewhere no-ops).
//!
//! An offer crosses the routing thread and an HTTP worker (which owns the desk's socket); each
//! crossing wakes a thread. Measured at 5,000 desks / 200 calls/s (docs/performance.md), a
//! woken thread most often waited 1–4 ms behind a long run of another thread on its core — the
//! floor's fan-out, the store writer's batch — even with the other core idle: the kernel let
//! the running thread finish its slice (checked at the next tick, 4 ms on a `CONFIG_HZ=250`
//! kernel) before the woken one ran. So:
//! - `latency_critical` (routing thread, HTTP workers): a short time slice (EEVDF custom slice,
//!   Linux 6.12+), so they are not held behind a longer-slice thread once woken.
//! - `yield_if_due` (the floor's stats actor, per message and per desk it writes to) and
//!   `yield_now` (the store writer, between the writes of a batch): long work offers its core
//!   every ~0.1 ms or at each write, so a thread woken on it runs then instead of after the
//!   work. Neither lowers the thread's share:
//!   the floor answers a desk's `hello` (its counts), and at `SCHED_IDLE` it starved on a node
//!   saturated by a sign-in storm (`hello` p99 14 s).
//! - `background` (password hashing): `SCHED_IDLE`, on what the other threads leave. A storm
//!   of sign-ins saturates the cores with argon2; at the normal class it took the cores the
//!   writer and the floor yielded and held them for whole slices, and every `hello` waited
//!   seconds. The hashing queue is bounded (`api::hashing`): past it a sign-in gets 503 with
//!   `Retry-After`, so a busy node sheds sign-ins before it slows calls.
//! - `default_slice`: back to the kernel's slice (CPU-heavy work started from a
//!   latency-critical thread: threads inherit their creator's class).
//!
//! Nothing gets more CPU, only sooner; the hashing gets less when the node is saturated.
//! `configure(false)` (setting `thread_classes = false`) leaves every thread as the kernel made
//! it.

use std::sync::atomic::{AtomicBool, Ordering};

/// The slice asked for by latency-critical threads, in nanoseconds (the kernel's minimum).
pub const LATENCY_SLICE_NS: u64 = 100_000;

static ENABLED: AtomicBool = AtomicBool::new(true);

/// Turns the classes on or off for threads set up from now on (the server's start-up).
pub fn configure(enabled: bool) {
    ENABLED.store(enabled, Ordering::Relaxed);
}

fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// Asks for a short time slice for the calling thread. Best effort (an older kernel keeps its
/// default); returns whether the kernel took it.
pub fn latency_critical() -> bool {
    enabled() && set_slice(LATENCY_SLICE_NS)
}

/// Gives the calling thread the kernel's default slice again; returns whether it was set.
pub fn default_slice() -> bool {
    enabled() && set_slice(0)
}

/// How long a thread that calls `yield_if_due` keeps its core before it offers it.
pub const YIELD_EVERY: std::time::Duration = std::time::Duration::from_micros(100);

/// Offers the core (`yield_now`) if this thread last did so `YIELD_EVERY` ago or more: called
/// between the steps of long work (the floor's fan-out, per message and per desk it writes to),
/// it bounds how long a woken thread waits behind that work without lowering the thread's
/// share — a floor that is behind still gets its fair part of a saturated node (a sign-in
/// storm's `hello` waits on it).
pub fn yield_if_due() {
    thread_local! {
        static LAST: std::cell::Cell<Option<std::time::Instant>> =
            const { std::cell::Cell::new(None) };
    }
    if !enabled() {
        return;
    }
    let now = std::time::Instant::now();
    LAST.with(|last| {
        if last
            .get()
            .is_none_or(|t| now.duration_since(t) >= YIELD_EVERY)
        {
            yield_now();
            last.set(Some(now));
        }
    });
}

/// Runs the calling thread at `SCHED_IDLE`: only on what the other threads leave, and
/// preempted by any of them on waking. Returns whether the kernel took it. One-way for an
/// unprivileged process (going back needs `CAP_SYS_NICE`).
pub fn background() -> bool {
    #[cfg(target_os = "linux")]
    if enabled() {
        let p = libc::sched_param { sched_priority: 0 };
        // SAFETY: sets the calling thread's own policy; `p` outlives the call.
        return unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &p) } == 0;
    }
    false
}

/// Lets a thread waiting for this core run now (`sched_yield`); returns at once when none is.
pub fn yield_now() {
    #[cfg(target_os = "linux")]
    if enabled() {
        // SAFETY: no arguments, no memory touched.
        unsafe {
            libc::sched_yield();
        }
    }
}

#[cfg(target_os = "linux")]
fn set_slice(ns: u64) -> bool {
    /// `struct sched_attr` (include/uapi/linux/sched/types.h), version 1.
    #[repr(C)]
    struct SchedAttr {
        size: u32,
        sched_policy: u32,
        sched_flags: u64,
        sched_nice: i32,
        sched_priority: u32,
        sched_runtime: u64,
        sched_deadline: u64,
        sched_period: u64,
        sched_util_min: u32,
        sched_util_max: u32,
    }
    let attr = SchedAttr {
        size: std::mem::size_of::<SchedAttr>() as u32,
        sched_policy: libc::SCHED_OTHER as u32,
        sched_flags: 0,
        sched_nice: 0,
        sched_priority: 0,
        // For SCHED_OTHER the runtime is the slice (0: the kernel's default).
        sched_runtime: ns,
        sched_deadline: 0,
        sched_period: 0,
        sched_util_min: 0,
        sched_util_max: 0,
    };
    // SAFETY: `attr` is a valid sched_attr of the size it states, alive for the call; pid 0 is
    // the calling thread.
    unsafe { libc::syscall(libc::SYS_sched_setattr, 0, &attr as *const SchedAttr, 0) == 0 }
}

#[cfg(not(target_os = "linux"))]
fn set_slice(_ns: u64) -> bool {
    false
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// A field of /proc/thread-self/sched, e.g. `policy` or `se.slice`.
    fn sched_field(name: &str) -> Option<u64> {
        let text = std::fs::read_to_string("/proc/thread-self/sched").ok()?;
        text.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == name).then(|| v.trim().parse().ok())?
        })
    }

    #[test]
    fn each_class_is_what_the_kernel_then_reports_for_the_thread() {
        std::thread::spawn(|| {
            if latency_critical() {
                assert_eq!(sched_field("se.slice"), Some(LATENCY_SLICE_NS));
                assert!(default_slice());
                assert_ne!(sched_field("se.slice"), Some(LATENCY_SLICE_NS));
            } else {
                // A kernel before custom slices refuses the call; the thread is unchanged.
                assert_eq!(sched_field("policy"), Some(0));
            }
            yield_now();
            yield_if_due();
            assert_eq!(sched_field("policy"), Some(0), "yielding changes no class");
            assert!(background(), "SCHED_IDLE is open to any thread");
            assert_eq!(sched_field("policy"), Some(libc::SCHED_IDLE as u64));
        })
        .join()
        .expect("thread");
    }
}
