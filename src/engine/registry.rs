//! The dashmap directory of the running engine: actors by id (agents, calls, per-brand
//! distributor / stats / queues) and the open desk sockets of each agent, with the fan-out
//! helpers that push one encoded frame to an agent's sockets or to a whole brand.

use super::agent::AgentActor;
use super::call::CallActor;
use super::distributor::Distributor;
use super::messages::{CloseSession, Push};
use super::queue::QueueActor;
use super::stats::StatsActor;
use crate::domain::model::{AgentId, AgentPublic, Brand, BrandId, CallId, Service};
use actix::{Addr, Recipient};
use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Instant;

#[derive(Clone)]
pub struct AgentEntry {
    pub addr: Addr<AgentActor>,
    pub public: AgentPublic,
}

#[derive(Clone)]
pub struct BrandRuntime {
    pub brand: Arc<Brand>,
    pub services: Arc<Vec<Service>>,
    pub distributor: Addr<Distributor>,
    pub stats: Addr<StatsActor>,
    pub queues: Arc<HashMap<String, Addr<QueueActor>>>,
}

impl BrandRuntime {
    fn service(&self, code: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.code == code)
    }

    /// Seconds a call of `service` rings before it is taken back.
    pub fn ring_timeout_s(&self, service: &str) -> u32 {
        self.service(service)
            .and_then(|s| s.ring_timeout_s)
            .unwrap_or(self.brand.ring_timeout_s)
    }

    /// The wrap-up limit after a call of `service` (0: none).
    pub fn wrap_up_limit_s(&self, service: &str) -> u32 {
        self.service(service)
            .and_then(|s| s.wrap_up_limit_s)
            .unwrap_or(self.brand.wrap_up_limit_s)
    }
}

/// What a coalesced state frame stands for: a newer frame of the same key supersedes one the
/// socket's writer has not taken yet (latest wins), so a desk that reads slowly holds at most
/// one of each, however busy the floor.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StateKey {
    /// The floor's counts (an `agents` frame without rows).
    Counts,
    /// The desk's `stats`.
    Stats,
    /// One service's `queue` picture.
    Queue(String),
    /// A watched list's rows (`agents` with rows): deltas do not supersede each other, so a
    /// desk still holding one gets a fresh `reset` once it has taken it (`push_delta`).
    Rows,
    /// The wallboard's changes: like `Rows`, a desk behind gets the whole board afresh.
    Board,
    /// The desk's 예약 현황 (`reservations`), sent whole: the newest supersedes.
    Reservations,
}

/// What the engine and a desk socket share about that socket: when the client was last heard
/// from, how many bytes were pushed to it and not yet taken by its writer, the state frames
/// waiting for the writer (one per `StateKey`), when the writer last made progress, and whether
/// it was dropped. Kept outside the socket's actor because that actor only runs while the
/// connection is being written: a desk that stops reading stalls it, and the engine must still
/// see it.
#[derive(Debug)]
pub struct SessionLink {
    last_seen_ms: AtomicU64,
    /// Bytes of event frames in the socket's mailbox.
    pending: AtomicUsize,
    /// Bytes of state frames held in `slots`.
    held: AtomicUsize,
    /// Messages sent to the socket's actor and not yet handled by it.
    owed: AtomicUsize,
    /// When the writer last took a message (or, when it owed nothing, was first owed one).
    progress_ms: AtomicU64,
    slots: Mutex<Vec<(StateKey, Arc<str>)>>,
    dropped: AtomicBool,
}

/// Milliseconds on a monotonic clock that starts with the process.
pub fn monotonic_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

impl Default for SessionLink {
    fn default() -> Self {
        SessionLink {
            last_seen_ms: AtomicU64::new(monotonic_ms()),
            pending: AtomicUsize::new(0),
            held: AtomicUsize::new(0),
            owed: AtomicUsize::new(0),
            progress_ms: AtomicU64::new(monotonic_ms()),
            slots: Mutex::new(Vec::new()),
            dropped: AtomicBool::new(false),
        }
    }
}

impl SessionLink {
    /// The client said something (any frame, pongs included).
    pub fn touch(&self) {
        self.last_seen_ms.store(monotonic_ms(), Ordering::Relaxed);
    }

    /// Milliseconds since the client was last heard from.
    pub fn silent_ms(&self) -> u64 {
        monotonic_ms().saturating_sub(self.last_seen_ms.load(Ordering::Relaxed))
    }

    /// Bytes pushed and not yet handed to the socket's writer (events and held state).
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Relaxed) + self.held.load(Ordering::Relaxed)
    }

    /// Milliseconds the writer has owed a message without taking any (0 when it owes none).
    pub fn behind_ms(&self) -> u64 {
        if self.owed.load(Ordering::Acquire) == 0 {
            return 0;
        }
        monotonic_ms().saturating_sub(self.progress_ms.load(Ordering::Relaxed))
    }

    /// One more message for the writer; true when it now owes some after owing none.
    fn owe(&self) {
        if self.owed.fetch_add(1, Ordering::AcqRel) == 0 {
            self.progress_ms.store(monotonic_ms(), Ordering::Relaxed);
        }
    }

    /// The socket's writer took a pushed message carrying `bytes` of event frames, and takes
    /// the state frames held for it (most recently superseded last).
    pub fn taken(&self, bytes: usize) -> Vec<Arc<str>> {
        self.progress_ms.store(monotonic_ms(), Ordering::Relaxed);
        let _ = self
            .pending
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |p| {
                Some(p.saturating_sub(bytes))
            });
        let _ = self
            .owed
            .fetch_update(Ordering::AcqRel, Ordering::Relaxed, |o| {
                Some(o.saturating_sub(1))
            });
        let held = std::mem::take(&mut *self.slots.lock().unwrap_or_else(|p| p.into_inner()));
        let bytes: usize = held.iter().map(|(_, f)| f.len()).sum();
        let _ = self
            .held
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |h| {
                Some(h.saturating_sub(bytes))
            });
        held.into_iter().map(|(_, f)| f).collect()
    }

    /// Holds state frames for the writer, each replacing a held one of its key; true when the
    /// writer must be woken (nothing was held).
    fn hold(&self, frames: &[(StateKey, Arc<str>)]) -> bool {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        let wake = slots.is_empty();
        for (key, frame) in frames {
            if let Some(i) = slots.iter().position(|(k, _)| k == key) {
                let (_, old) = slots.remove(i);
                self.held.fetch_sub(old.len(), Ordering::Relaxed);
            }
            self.held.fetch_add(frame.len(), Ordering::Relaxed);
            slots.push((key.clone(), frame.clone()));
        }
        wake
    }

    /// Whether a frame of `key` waits for the writer.
    fn holds(&self, key: &StateKey) -> bool {
        self.slots
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .any(|(k, _)| k == key)
    }

    pub fn is_dropped(&self) -> bool {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Marks the socket dropped; true for the one caller that dropped it.
    fn drop_once(&self) -> bool {
        !self.dropped.swap(true, Ordering::AcqRel)
    }
}

/// What became of a delta (a watched list's rows, the wallboard's changes) pushed to a socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsPush {
    /// Held for the socket's writer.
    Sent,
    /// The writer has not taken the previous delta yet: this one was not sent, and the socket
    /// needs the whole picture afresh once it has.
    Behind,
    /// The socket is gone.
    Gone,
}

/// A signed-in session as the server keeps it in memory: whose, since when, last used when
/// (unix seconds), and when `last_seen` was last written to the store.
#[derive(Debug)]
pub struct CachedSession {
    pub agent_id: AgentId,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_seen: std::sync::atomic::AtomicI64,
    pub persisted: std::sync::atomic::AtomicI64,
}

#[derive(Clone)]
pub struct SessionHandle {
    pub id: u64,
    /// The hash of the token the socket was opened with (closing that session closes it).
    pub token: String,
    pub push: Recipient<Push>,
    pub close: Recipient<CloseSession>,
    pub link: Arc<SessionLink>,
}

/// Most bytes of pushed frames one socket may have waiting; past it the socket is dropped with
/// a reason and resyncs from a fresh `hello` when it reconnects.
pub const MAX_PENDING_BYTES: usize = 1024 * 1024;

/// Longest a socket's writer may owe a message without taking any before the socket is dropped
/// (a desk that stopped reading); it resyncs from a fresh `hello` when it reconnects.
pub const MAX_BEHIND_MS: u64 = 8_000;

/// Why a socket was dropped (the close reason the desk sees).
pub const REASON_TIMEOUT: &str = "응답이 없어 연결을 끊었습니다 (client timeout)";
pub const REASON_SLOW: &str = "데스크가 받지 못한 데이터가 너무 많습니다 (output over limit)";
pub const REASON_BEHIND: &str =
    "데스크가 데이터를 받지 못하고 있어 연결을 끊었습니다 (behind by more than 8 s)";

#[derive(Default)]
pub struct Registry {
    pub agents: DashMap<AgentId, AgentEntry>,
    pub calls: DashMap<CallId, Addr<CallActor>>,
    pub brands: DashMap<BrandId, BrandRuntime>,
    pub brand_agents: DashMap<BrandId, Vec<AgentId>>,
    pub sessions: DashMap<AgentId, Vec<SessionHandle>>,
    /// token hash → session, a cache in front of the sessions table.
    pub tokens: DashMap<String, Arc<CachedSession>>,
    /// One-time socket tickets: ticket → (the token hash it stands for, issued at).
    pub socket_tickets: DashMap<String, (String, Instant)>,
    /// Reservation → the live outbound call dialed for it (a claim lives as long as its call).
    pub reservation_calls: DashMap<u64, CallId>,
    /// Every agent's current status (kept by the agent actors), for rules outside the actors.
    pub statuses: DashMap<AgentId, crate::domain::status::Status>,
    /// Brands whose desks' 예약 현황 push is scheduled (`Engine::push_reservations`).
    pub resv_due: dashmap::DashSet<BrandId>,
    /// What each agent's desks were last sent of 예약 현황 (`hello` or a push): the number of
    /// the read it came from (`resv_reads`) and a hash of the frame. A push skips the desks whose
    /// view did not change, and those a later read already served (a `hello` meanwhile).
    pub resv_sent: DashMap<AgentId, (u64, u64)>,
    /// Numbers the reads 예약 현황 views are made from, in the order they began.
    pub resv_reads: AtomicU64,
    /// Message (SMS·알림톡) send rates, per agent and per brand.
    pub message_rates: DashMap<RateKey, crate::domain::rate::TokenBucket>,
    next_session: AtomicU64,
}

/// Whose message rate a bucket counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RateKey {
    Agent(AgentId),
    Brand(BrandId),
}

impl Registry {
    /// Records that an agent's desks were sent the 예약 현황 frame of `hash`, made from read
    /// number `read`; false (nothing recorded) when they already have it or a later read's.
    pub fn resv_record(&self, agent: AgentId, read: u64, hash: u64) -> bool {
        match self.resv_sent.entry(agent) {
            dashmap::mapref::entry::Entry::Occupied(mut e) => {
                let (seen, h) = *e.get();
                if seen > read || h == hash {
                    return false;
                }
                e.insert((read, hash));
                true
            }
            dashmap::mapref::entry::Entry::Vacant(e) => {
                e.insert((read, hash));
                true
            }
        }
    }

    pub fn agent(&self, id: AgentId) -> Option<AgentEntry> {
        self.agents.get(&id).map(|e| e.clone())
    }

    /// Whether an agent is logged in now.
    pub fn logged_in(&self, id: AgentId) -> bool {
        self.statuses
            .get(&id)
            .is_some_and(|s| *s != crate::domain::status::Status::LoggedOut)
    }

    pub fn brand(&self, id: BrandId) -> Option<BrandRuntime> {
        self.brands.get(&id).map(|b| b.clone())
    }

    /// Registers a socket; returns its id and how many the agent now has open.
    pub fn add_session(
        &self,
        agent: AgentId,
        token: String,
        push: Recipient<Push>,
        close: Recipient<CloseSession>,
        link: Arc<SessionLink>,
    ) -> (u64, usize) {
        let id = self.next_session.fetch_add(1, Ordering::Relaxed) + 1;
        let mut e = self.sessions.entry(agent).or_default();
        e.push(SessionHandle {
            id,
            token,
            push,
            close,
            link,
        });
        (id, e.len())
    }

    /// Deregisters a socket; returns how many the agent still has open, or `None` when it was
    /// not registered (already dropped).
    pub fn remove_session(&self, agent: AgentId, id: u64) -> Option<usize> {
        let mut found = false;
        let mut left = 0;
        if let Some(mut e) = self.sessions.get_mut(&agent) {
            let before = e.len();
            e.retain(|s| s.id != id);
            found = e.len() != before;
            left = e.len();
        }
        if left == 0 {
            self.sessions.remove_if(&agent, |_, v| v.is_empty());
        }
        found.then_some(left)
    }

    /// Drops a socket the engine gave up on (silent past the timeout, or too far behind): it
    /// leaves the directory at once, the agent's actor hears the socket is gone exactly as for
    /// a closed one, and the socket is asked to close with `reason` (it may only see that once
    /// its connection moves again; the kernel's TCP user timeout ends one that never does).
    pub fn drop_session(&self, agent: AgentId, handle: &SessionHandle, reason: &str) {
        if !handle.link.drop_once() {
            return;
        }
        tracing::info!(
            agent_id = agent,
            session = handle.id,
            reason,
            "desk socket dropped"
        );
        let label = match reason {
            REASON_TIMEOUT => "timeout",
            REASON_SLOW => "over_limit",
            REASON_BEHIND => "behind",
            _ => "other",
        };
        metrics::counter!(crate::telemetry::SOCKETS_DROPPED, "reason" => label).increment(1);
        handle.close.do_send(CloseSession(reason.to_string()));
        self.deregister_session(agent, handle.id);
    }

    /// Deregisters a socket and tells the agent's actor how many it still has open (its
    /// disconnect handling); nothing when the socket was already deregistered.
    pub fn deregister_session(&self, agent: AgentId, id: u64) {
        if let Some(open) = self.remove_session(agent, id) {
            if let Some(e) = self.agent(agent) {
                e.addr.do_send(super::messages::SessionsChanged { open });
            }
        }
    }

    /// Drops every socket silent for longer than `timeout_ms`, and every socket whose writer
    /// has owed output for longer than `MAX_BEHIND_MS` (run every second); records each
    /// socket's pending output.
    pub fn sweep_silent(&self, timeout_ms: u64) -> usize {
        // The sockets first (no map lock held past this), then one pass over them that offers
        // the core every ~0.1 ms (`crate::sched::yield_if_due`): at 5,000 sockets the sweep
        // held the floor's thread 2.5–7 ms at a stretch, and offers in flight then measured
        // p99 6.9 ms against 2.3 for the run (docs/performance.md).
        let all: Vec<(AgentId, u64, Arc<SessionLink>)> = self
            .sessions
            .iter()
            .flat_map(|e| {
                let agent = *e.key();
                e.value()
                    .iter()
                    .map(|s| (agent, s.id, s.link.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let pending = metrics::histogram!(crate::telemetry::SOCKET_PENDING);
        let mut most = 0;
        let mut doomed: Vec<(AgentId, u64, &str)> = Vec::new();
        for (agent, id, link) in all {
            crate::sched::yield_if_due();
            let p = link.pending();
            most = most.max(p);
            pending.record(p as f64);
            if link.silent_ms() > timeout_ms {
                doomed.push((agent, id, REASON_TIMEOUT));
            } else if link.behind_ms() > MAX_BEHIND_MS {
                doomed.push((agent, id, REASON_BEHIND));
            }
        }
        metrics::gauge!("calldesk_socket_pending_bytes_max").set(most as f64);
        let doomed: Vec<(AgentId, SessionHandle, &str)> = doomed
            .into_iter()
            .filter_map(|(agent, id, reason)| {
                let s = self
                    .sessions
                    .get(&agent)?
                    .iter()
                    .find(|s| s.id == id)?
                    .clone();
                Some((agent, s, reason))
            })
            .collect();
        for (agent, s, reason) in &doomed {
            self.drop_session(*agent, s, reason);
        }
        doomed.len()
    }

    pub fn session_count(&self, agent: AgentId) -> usize {
        self.sessions.get(&agent).map(|v| v.len()).unwrap_or(0)
    }

    pub fn has_sessions(&self, agent: AgentId) -> bool {
        self.session_count(agent) > 0
    }

    /// Sends one event frame to every open socket of an agent. A socket whose waiting output
    /// would pass `MAX_PENDING_BYTES` is dropped instead: memory stays bounded whatever a
    /// client does.
    pub fn push_agent(&self, agent: AgentId, frame: &Arc<str>) {
        let frames = std::slice::from_ref(frame);
        let bytes = frame.len();
        let mut over = Vec::new();
        if let Some(v) = self.sessions.get(&agent) {
            for s in v.iter() {
                let before = s.link.pending.fetch_add(bytes, Ordering::Relaxed);
                if before + bytes > MAX_PENDING_BYTES {
                    over.push(s.clone());
                } else {
                    s.link.owe();
                    s.push.do_send(Push(frames.to_vec(), Instant::now()));
                }
            }
        }
        for s in over {
            self.drop_session(agent, &s, REASON_SLOW);
        }
    }

    /// Hands state frames to every open socket of an agent, coalesced: each replaces a frame of
    /// its key the socket's writer has not taken yet, and the writer is woken once (one write
    /// for them all).
    pub fn push_state(&self, agent: AgentId, frames: &[(StateKey, Arc<str>)]) {
        if frames.is_empty() {
            return;
        }
        if let Some(v) = self.sessions.get(&agent) {
            for s in v.iter() {
                if s.link.hold(frames) {
                    s.link.owe();
                    s.push.do_send(Push(Vec::new(), Instant::now()));
                }
            }
        }
    }

    /// Hands a delta of `key` (`Rows`, `Board`) to one socket of an agent (`RowsPush`).
    pub fn push_delta(
        &self,
        agent: AgentId,
        session: u64,
        key: StateKey,
        frame: &Arc<str>,
    ) -> RowsPush {
        let Some(handle) = self
            .sessions
            .get(&agent)
            .and_then(|v| v.iter().find(|s| s.id == session).cloned())
        else {
            return RowsPush::Gone;
        };
        if handle.link.holds(&key) {
            return RowsPush::Behind;
        }
        if handle.link.hold(&[(key, frame.clone())]) {
            handle.link.owe();
            handle.push.do_send(Push(Vec::new(), Instant::now()));
        }
        RowsPush::Sent
    }

    /// Sends one event frame to every open socket of a brand.
    pub fn push_brand(&self, brand: BrandId, frame: &Arc<str>) {
        if let Some(ids) = self.brand_agents.get(&brand) {
            for id in ids.iter() {
                self.push_agent(*id, frame);
            }
        }
    }

    /// Whether one socket of an agent is open (`None`: gone) and has taken the delta of `key`
    /// held for it.
    pub fn delta_taken(&self, agent: AgentId, session: u64, key: &StateKey) -> Option<bool> {
        self.sessions
            .get(&agent)
            .and_then(|v| v.iter().find(|s| s.id == session).cloned())
            .map(|h| !h.link.holds(key))
    }

    /// Whether an agent has a socket and every one of them has been silent for over `ms`, or
    /// has none at all.
    pub fn quiet_for(&self, agent: AgentId, ms: u64) -> bool {
        self.sessions
            .get(&agent)
            .is_none_or(|v| v.iter().all(|s| s.link.silent_ms() > ms))
    }

    /// Closes every socket of an agent (logout).
    pub fn close_agent(&self, agent: AgentId, reason: &str) {
        self.close_where(agent, reason, |_| true);
    }

    /// Closes the sockets an agent opened with the sessions whose token hashes are `hashes`.
    pub fn close_tokens(&self, agent: AgentId, hashes: &[String], reason: &str) {
        self.close_where(agent, reason, |s| hashes.contains(&s.token));
    }

    fn close_where(&self, agent: AgentId, reason: &str, pick: impl Fn(&SessionHandle) -> bool) {
        if let Some(v) = self.sessions.get(&agent) {
            for s in v.iter().filter(|s| pick(s)) {
                s.close.do_send(CloseSession(reason.to_string()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 예약 현황 pushes: a desk is sent a frame only when its view changed, and a push made from
    /// an earlier read never replaces what a later read (a `hello` meanwhile) gave it.
    #[test]
    fn a_reservations_frame_is_recorded_only_when_new_and_not_over_a_later_read() {
        let r = Registry::default();
        assert!(r.resv_record(7, 1, 100), "the first frame");
        assert!(
            !r.resv_record(7, 2, 100),
            "the same view again: nothing to send"
        );
        assert!(r.resv_record(7, 3, 200), "a changed view");
        // A hello read 5 while a push's read 4 was under way: the push's older view loses.
        assert!(r.resv_record(7, 5, 300));
        assert!(
            !r.resv_record(7, 4, 200),
            "an earlier read does not overwrite a later one"
        );
        assert_eq!(r.resv_sent.get(&7).map(|e| *e), Some((5, 300)));
        assert!(
            r.resv_record(8, 4, 200),
            "another agent's desks are their own"
        );
    }
}
