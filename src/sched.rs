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
//! - `background` (the floor's thread): `SCHED_IDLE`, which any other thread preempts on waking.
//!   It still gets every idle cycle (a 2-core node at 5,000 / 200 is ~70 % idle); on a
//!   saturated node the floor's counts and boards fall behind before a call does, which is the
//!   order a call center wants.
//! - `yield_now` (the store writer, between the writes of a batch): hands the core to a woken
//!   thread waiting on it, instead of keeping it through a batch of several milliseconds.
//! - `default_slice` (password hashing): back to the kernel's slice for CPU-heavy work started
//!   from a latency-critical thread (threads inherit their creator's class).
//!
//! Nothing changes weights: no thread gets more CPU, only sooner. `configure(false)` (setting
//! `thread_classes = false`) leaves every thread as the kernel made it.

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

/// Runs the calling thread at `SCHED_IDLE`; returns whether the kernel took it. One-way for an
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
            assert!(background(), "SCHED_IDLE is open to any thread");
            assert_eq!(sched_field("policy"), Some(libc::SCHED_IDLE as u64));
            yield_now();
        })
        .join()
        .expect("thread");
    }
}
