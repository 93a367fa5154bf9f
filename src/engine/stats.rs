//! `StatsActor`: one per brand. Turns status transitions and call events into today's figures
//! (per agent: talk total/average, ready, wrap-up, away by reason, calls IN/OUT; per brand: top,
//! total and average calls, answered, abandoned, waiting). Keeps the agent lists (상담중 / 전체)
//! and who watches them (`watch`), rolls the day over at local midnight, and snapshots today's
//! counters to the store every second so a restart keeps them.
//!
//! It runs on its own thread (`Engine::floor`), apart from the actors that route calls.
//! What it sends, coalesced: on the floor tick (`FLOOR_EVERY`) one message per desk with the
//! `agents` counts and the `queue` pictures that changed (the queue actors report to it) and, at
//! most every `BRAND_STATS_EVERY`, the desk's `stats` with the brand's figures — a desk gets one
//! write, not one per frame, and the floor goes out in `FLOOR_SLICES` slices over the tick; rows
//! only to desks watching a list, filtered (every `ROWS_PUSH_INTERVAL`); a desk's own `stats` at
//! once (every `PUSH_INTERVAL`) when its own figures change; the wallboard's changes to the
//! managers watching it (`wallboard`, every `BOARD_EVERY`); the rows and the wallboard's changes
//! in `DELTA_SLICES` slices too. So an idle desk's traffic does not
//! grow with the size of the floor. Its handlers, and its loops that write or encode per desk,
//! offer the core every ~0.1 ms
//! (`crate::sched::yield_if_due`): a routing thread or HTTP worker woken on this core runs then,
//! not after a whole round.

use super::messages::*;
use super::queue::PUSH_INTERVAL;
use super::registry::{RowsPush, StateKey};
use super::wallboard::{self, Board, Staffing};
use super::watch::Watchers;
use super::Engine;
use crate::domain::ledger::{
    local_date, split_by_day, state_key, AgentDay, AgentFigures, CallSpread, Ledger, HOLD_KEY,
};
use crate::domain::model::{AgentId, AgentPublic, Brand, Channel};
use crate::domain::status::{AuxReason, Status};
use crate::protocol::{
    AgentCounts, AgentRow, AgentsView, BoardAgent, BrandFigures, CallBrief, QueueView, ServerMsg,
    StatsView, WallboardView,
};
use crate::store;
use actix::prelude::*;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Most often every desk is sent the brand's figures (a desk's own figures go at once).
pub const BRAND_STATS_EVERY: Duration = Duration::from_secs(1);
/// The floor tick: every desk gets the changed counts and queues together, as one write.
/// Once a second: a header count or a queue's waiting figure a second old is what the peers
/// show after polling every 5–15 s, and at 5,000 desks each tick is 5,000 socket writes that
/// compete with the offers for the HTTP workers (500 ms measured offer p99 20 ms at 5,000 / 200).
pub const FLOOR_EVERY: Duration = Duration::from_secs(1);
/// How often watched lists get their changed rows (a status change reaches a watching desk
/// within about this long).
pub const ROWS_PUSH_INTERVAL: Duration = Duration::from_millis(100);
/// A floor round goes out in this many slices, one every `FLOOR_SLICE_EVERY` (768 ms in all),
/// so that the sockets' writers get a few dozen messages at a time (~40 desks at 5,000) rather
/// than the whole floor at once: an event frame written meanwhile (an offer, an `ack`) waits
/// behind one slice, and so does an offer's read at a desk that shares its machine's cores. At
/// 5,000 / 200 (docs/performance.md): with 16 slices 50 ms apart the frames' wait for their
/// socket's writer (`calldesk_socket_wait_seconds`) was p99 ≤ 10 ms; with 64 slices 12 ms apart
/// ≤ 5 ms; once the offer's p99 was down to 2–4 ms, 128 slices 6 ms apart took a fifth off it
/// against 64 × 12 ms in each of three alternating pairs (offer p99 3.36–3.85 against
/// 4.11–4.78 ms, in a slow hour of the host).
pub const FLOOR_SLICES: usize = 128;
pub const FLOOR_SLICE_EVERY: Duration = Duration::from_millis(6);

/// The watched lists' rows and the wallboard's changes go out in slices too: a tick's deltas
/// are queued (`Outbox`) and sent `DELTA_SLICES` at a time, one slice every `DELTA_SLICE_EVERY`
/// (the rows within 80 ms of their tick). At 5,000 / 200 the 상담중 list's delta is ~12 KB a
/// tick for each of the ~250 desks keeping it open: 3 MB written (and read) at once every 100 ms
/// stalled the offers rung just then — the offers slower than 8 ms on their way from the ring
/// to the desk were all rung within ~25 ms after a rows tick (docs/performance.md).
pub const DELTA_SLICES: usize = 8;
pub const DELTA_SLICE_EVERY: Duration = Duration::from_millis(10);

/// One tick's deltas of one kind (`Rows` or `Board`) on their way out, a slice at a time: the
/// socket, its agent, the frame.
#[derive(Default)]
struct Outbox {
    queue: std::collections::VecDeque<(u64, AgentId, Arc<str>)>,
    per_slice: usize,
    /// Turns each tick, so no socket is always the last one sent to.
    turn: usize,
}

impl Outbox {
    /// Queues a tick's deltas (after whatever is left of the last tick's) and spreads them
    /// over `DELTA_SLICES` slices.
    fn load(&mut self, mut items: Vec<(u64, AgentId, Arc<str>)>) {
        if items.is_empty() {
            return;
        }
        self.turn = self.turn.wrapping_add(1);
        let n = items.len();
        items.rotate_left(self.turn % n);
        self.queue.extend(items);
        self.per_slice = self.queue.len().div_ceil(DELTA_SLICES).max(1);
    }

    /// The next `n` deltas to send.
    fn take(&mut self, n: usize) -> Vec<(u64, AgentId, Arc<str>)> {
        let n = n.min(self.queue.len());
        self.queue.drain(..n).collect()
    }

    /// Forgets what is queued for a socket (its list or board was closed or re-opened).
    fn forget(&mut self, session: u64) {
        self.queue.retain(|(s, _, _)| *s != session);
    }
}

/// A floor tick on its way out: the frames every desk gets, the brand's figures when the
/// desks' own `stats` ride along, and the desks not yet sent to.
struct FloorRound {
    common: Vec<(StateKey, Arc<str>)>,
    brand: Option<(DateTime<Utc>, BrandFigures)>,
    desks: Vec<AgentId>,
    next: usize,
    per_slice: usize,
}

struct Tracked {
    public: AgentPublic,
    status: Status,
    reason: Option<AuxReason>,
    /// Since when the agent is in this status (shown in the lists).
    since: DateTime<Utc>,
    /// From when the open status is not yet counted in the ledger (moves at midnight).
    counted_from: DateTime<Utc>,
    ledger: Ledger,
    /// The call the agent holds (ringing, talking, dialing, wrapping up), for the wallboard.
    call: Option<CallBrief>,
}

/// What survives a restart: today's counters per agent and per queue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RealtimeSnapshot {
    pub date: NaiveDate,
    pub taken_at: DateTime<Utc>,
    pub agents: BTreeMap<AgentId, AgentDay>,
    /// service code → (answered, abandoned)
    pub queues: BTreeMap<String, (u32, u32)>,
}

/// Today's answered/abandoned of a queue from the last snapshot (start-up).
pub fn restored_queue_counts(engine: &Engine, brand: &Brand, service: &str) -> (u32, u32) {
    let today = local_date(engine.now(), brand.tz());
    match engine.store.realtime::<RealtimeSnapshot>(brand.id) {
        Ok(Some(s)) if s.date == today => s.queues.get(service).copied().unwrap_or((0, 0)),
        _ => (0, 0),
    }
}

/// A `RealtimeSnapshot` as JSON, written an agent at a time (the caller's iterator may offer the
/// core between agents); agents with nothing today are left out. Decodes as `RealtimeSnapshot`.
fn encode_snapshot(
    date: NaiveDate,
    taken_at: DateTime<Utc>,
    agents: impl Iterator<Item = (AgentId, AgentDay)>,
    queues: &BTreeMap<&str, (u32, u32)>,
) -> Result<Vec<u8>, serde_json::Error> {
    use std::io::Write;
    // ~150 bytes an agent: one allocation for the whole floor, not a dozen doublings of ~1 MB.
    let mut out = Vec::with_capacity(256 + 160 * agents.size_hint().0);
    out.extend_from_slice(b"{\"date\":");
    serde_json::to_writer(&mut out, &date)?;
    out.extend_from_slice(b",\"takenAt\":");
    serde_json::to_writer(&mut out, &taken_at)?;
    out.extend_from_slice(b",\"agents\":{");
    let mut first = true;
    for (id, day) in agents {
        if day == AgentDay::default() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        // Writing to a Vec cannot fail.
        let _ = write!(out, "\"{id}\":");
        serde_json::to_writer(&mut out, &day)?;
    }
    out.extend_from_slice(b"},\"queues\":");
    serde_json::to_writer(&mut out, queues)?;
    out.push(b'}');
    Ok(out)
}

pub struct StatsActor {
    engine: Engine,
    brand: Arc<Brand>,
    date: NaiveDate,
    agents: BTreeMap<AgentId, Tracked>,
    queues: BTreeMap<String, QueueView>,
    dirty_agents: HashSet<AgentId>,
    changed_rows: BTreeSet<AgentId>,
    brand_dirty: bool,
    /// When every desk was last sent the brand's figures.
    brand_pushed: Instant,
    /// The brand's figures as last computed (reused by `hello` within one push interval).
    brand_cache: Option<(Instant, BrandFigures)>,
    /// The counts every desk was last sent.
    counts: AgentCounts,
    /// Queues whose picture changed since the last floor tick.
    queues_dirty: BTreeSet<String>,
    /// When the last floor tick went out.
    floor_pushed: Instant,
    /// The floor tick being sent, slice by slice.
    round: Option<FloorRound>,
    watchers: Watchers,
    /// Rows deltas on their way out to the watching sockets, a slice at a time.
    rows_out: Outbox,
    /// The managers' wallboard: today per service, who watches, what changed.
    board: Board,
    /// Wallboard deltas on their way out, a slice at a time.
    board_out: Outbox,
    snapshot_in_flight: bool,
    snapshot_needed: bool,
}

impl StatsActor {
    pub fn new(engine: Engine, brand: Arc<Brand>, members: Vec<AgentPublic>) -> Self {
        let now = engine.now();
        let date = local_date(now, brand.tz());
        let restored = match engine.store.realtime::<RealtimeSnapshot>(brand.id) {
            Ok(Some(s)) if s.date == date => Some(s),
            Ok(_) => None,
            Err(e) => {
                tracing::error!(brand_id = brand.id, error = %e, "realtime snapshot unreadable");
                None
            }
        };
        // Today's service figures from today's consultations: the board survives a restart.
        let mut board = Board::default();
        match (
            engine.store.consultations_of_brand(brand.id, date),
            engine.store.services(brand.id),
        ) {
            (Ok(day), Ok(services)) => board.rebuild(&day, &services, brand.tz()),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(brand_id = brand.id, error = %e, "today's consultations unreadable");
            }
        }
        let mut agents = BTreeMap::new();
        for p in members {
            let mut ledger = Ledger::default();
            if let Some(day) = restored.as_ref().and_then(|s| s.agents.get(&p.id)) {
                ledger.days.insert(date, day.clone());
            }
            agents.insert(
                p.id,
                Tracked {
                    public: p,
                    status: Status::LoggedOut,
                    reason: None,
                    since: now,
                    counted_from: now,
                    ledger,
                    call: None,
                },
            );
        }
        StatsActor {
            engine,
            brand,
            date,
            agents,
            queues: BTreeMap::new(),
            dirty_agents: HashSet::new(),
            changed_rows: BTreeSet::new(),
            brand_dirty: false,
            brand_pushed: Instant::now(),
            brand_cache: None,
            counts: AgentCounts::default(),
            queues_dirty: BTreeSet::new(),
            floor_pushed: Instant::now(),
            round: None,
            watchers: Watchers::default(),
            rows_out: Outbox::default(),
            board,
            board_out: Outbox::default(),
            snapshot_in_flight: false,
            snapshot_needed: true,
        }
    }

    fn agent_counts(&self) -> AgentCounts {
        let mut c = AgentCounts {
            all_count: self.agents.len() as u32,
            ..Default::default()
        };
        for t in self.agents.values() {
            *c.by_state.entry(t.status).or_default() += 1;
            if t.status.in_service() {
                c.in_service_count += 1;
            }
        }
        c
    }

    fn agents_frame(
        counts: &AgentCounts,
        changed: Vec<AgentRow>,
        removed: Vec<AgentId>,
        reset: bool,
    ) -> std::sync::Arc<str> {
        ServerMsg::Agents(AgentsView {
            changed,
            removed,
            reset,
            in_service_count: counts.in_service_count,
            all_count: counts.all_count,
            by_state: counts.by_state.clone(),
        })
        .encode()
    }

    /// The brand's figures, computed at most once per push interval.
    fn brand_figures_cached(&mut self, now: DateTime<Utc>) -> BrandFigures {
        match &self.brand_cache {
            Some((at, f)) if at.elapsed() < PUSH_INTERVAL => f.clone(),
            _ => {
                let f = self.brand_figures(now);
                self.brand_cache = Some((Instant::now(), f.clone()));
                f
            }
        }
    }

    /// Queues for each watching desk the rows that entered or changed in its filter and those
    /// that left it (every `ROWS_PUSH_INTERVAL`, when any row changed); `send_deltas` sends them
    /// a slice at a time.
    fn push_rows(&mut self) {
        // What is left of the last tick goes first, so that deltas stay in order.
        self.send_rows(usize::MAX);
        if self.changed_rows.is_empty() {
            return;
        }
        let changed: Vec<AgentId> = std::mem::take(&mut self.changed_rows).into_iter().collect();
        if self.watchers.is_empty() {
            return;
        }
        let counts = self.agent_counts();
        let rows: HashMap<AgentId, AgentRow> = changed
            .iter()
            .filter_map(|id| self.agents.get(id).map(|t| (*id, Self::row(t))))
            .collect();
        let agents = &self.agents;
        let mut out = Vec::new();
        for (filter, g) in self.watchers.groups.iter_mut() {
            crate::sched::yield_if_due();
            let d = Watchers::delta(filter, &mut g.visible, &changed, |id| {
                let row = rows.get(&id)?;
                let t = agents.get(&id)?;
                Some((row, t.public.services.as_slice(), t.public.login.as_str()))
            });
            if d.changed.is_empty() && d.removed.is_empty() {
                continue;
            }
            // Encoded once for every socket with this filter.
            let frame = Self::agents_frame(
                &counts,
                d.changed
                    .iter()
                    .filter_map(|id| rows.get(id).cloned())
                    .collect(),
                d.removed,
                false,
            );
            for (session, agent) in &g.sessions {
                if !self.watchers.resync.contains_key(session) {
                    out.push((*session, *agent, frame.clone()));
                }
            }
        }
        self.rows_out.load(out);
    }

    /// Sends the next `n` queued rows deltas; a socket still holding its last one misses this
    /// one and gets a fresh `reset` once it catches up (`resync_rows`).
    fn send_rows(&mut self, n: usize) {
        for (session, agent, frame) in self.rows_out.take(n) {
            crate::sched::yield_if_due();
            match self
                .engine
                .registry
                .push_delta(agent, session, StateKey::Rows, &frame)
            {
                RowsPush::Sent => {}
                RowsPush::Behind => {
                    self.watchers.resync.insert(session, agent);
                }
                RowsPush::Gone => {
                    self.watchers.unwatch(session);
                }
            }
        }
    }

    /// The next slice of the queued rows and wallboard deltas (every `DELTA_SLICE_EVERY`).
    fn send_deltas(&mut self) {
        if !self.rows_out.queue.is_empty() {
            self.send_rows(self.rows_out.per_slice);
        }
        if !self.board_out.queue.is_empty() {
            for (session, agent, frame) in self.board_out.take(self.board_out.per_slice) {
                crate::sched::yield_if_due();
                self.send_board(agent, session, &frame);
            }
        }
    }

    /// Sends a fresh `reset` to each socket that missed rows, once its writer has taken the
    /// rows it held.
    fn resync_rows(&mut self) {
        if self.watchers.resync.is_empty() {
            return;
        }
        let registry = &self.engine.registry;
        let ready: Vec<(u64, AgentId)> = self
            .watchers
            .resync
            .iter()
            .filter(|(s, a)| registry.delta_taken(**a, **s, &StateKey::Rows) != Some(false))
            .map(|(s, a)| (*s, *a))
            .collect();
        for (session, agent) in ready {
            crate::sched::yield_if_due();
            self.watchers.resync.remove(&session);
            let Some(filter) = self.watchers.filter_of(session).cloned() else {
                continue;
            };
            let (frame, _) = self.reset_frame(&filter);
            match registry.push_delta(agent, session, StateKey::Rows, &frame) {
                RowsPush::Sent => {}
                RowsPush::Behind => {
                    self.watchers.resync.insert(session, agent);
                }
                RowsPush::Gone => {
                    self.watchers.unwatch(session);
                }
            }
        }
    }

    /// A list's whole picture for `filter` (an `agents` frame with `reset`), and its row count.
    fn reset_frame(&self, filter: &super::watch::AgentFilter) -> (Arc<str>, usize) {
        let list: Vec<AgentRow> = self
            .agents
            .values()
            .filter_map(|t| {
                let row = Self::row(t);
                filter
                    .matches(&row, &t.public.services, &t.public.login)
                    .then_some(row)
            })
            .collect();
        let n = list.len();
        (
            Self::agents_frame(&self.agent_counts(), list, Vec::new(), true),
            n,
        )
    }

    /// An agent's figures today, the open status counted up to `now` (the day is copied once:
    /// this runs for every agent on each brand figure and snapshot).
    fn today(&self, t: &Tracked, now: DateTime<Utc>) -> AgentDay {
        let mut day = t.ledger.day(self.date);
        if t.status != Status::LoggedOut {
            let key = state_key(t.status, t.reason);
            for (date, ms) in split_by_day(t.counted_from, now, self.brand.tz()) {
                if date == self.date {
                    day.add(&key, ms);
                }
            }
        }
        day
    }

    fn row(t: &Tracked) -> AgentRow {
        AgentRow {
            agent_id: t.public.id,
            name: t.public.name.clone(),
            extension: t.public.extension.clone(),
            status: t.status,
            reason: t.reason,
            since: t.since,
            in_service: t.status.in_service(),
        }
    }

    fn rows(&self) -> Vec<AgentRow> {
        self.agents.values().map(Self::row).collect()
    }

    fn brand_figures(&self, now: DateTime<Utc>) -> BrandFigures {
        let days: Vec<AgentDay> = self.agents.values().map(|t| self.today(t, now)).collect();
        let mut f = BrandFigures {
            calls_mode: self.brand.calls_mode,
            spread: CallSpread::of(days.iter()),
            ..Default::default()
        };
        for q in self.queues.values() {
            f.answered += q.answered;
            f.abandoned += q.abandoned;
            f.waiting += q.waiting;
            if let Some(t) = q.oldest_since {
                f.longest_wait_s = f.longest_wait_s.max((now - t).num_seconds().max(0));
            }
        }
        f
    }

    fn stats_for(&self, agent_id: AgentId, now: DateTime<Utc>, brand: &BrandFigures) -> StatsView {
        let day = self
            .agents
            .get(&agent_id)
            .map(|t| self.today(t, now))
            .unwrap_or_default();
        StatsView {
            date: self.date,
            as_of: now,
            agent: AgentFigures::from_day(&day),
            brand: brand.clone(),
        }
    }

    fn rollover(&mut self, now: DateTime<Utc>) {
        let today = local_date(now, self.brand.tz());
        if today == self.date {
            return;
        }
        let tz = self.brand.tz();
        let mut closed = Vec::new();
        for t in self.agents.values_mut() {
            if t.status != Status::LoggedOut {
                t.ledger
                    .close(&state_key(t.status, t.reason), t.counted_from, now, tz);
                t.counted_from = now;
            }
            let old: Vec<NaiveDate> = t
                .ledger
                .days
                .keys()
                .filter(|d| **d < today)
                .copied()
                .collect();
            for d in old {
                if let Some(day) = t.ledger.days.remove(&d) {
                    closed.push((t.public.id, d, day));
                }
            }
        }
        self.date = today;
        self.board.roll_over();
        self.brand_dirty = true;
        self.snapshot_needed = true;
        let engine = self.engine.clone();
        actix::spawn(async move {
            let res = engine
                .store
                .write(move |tx| {
                    for (a, d, day) in &closed {
                        store::put_agent_day(tx, *a, *d, day)?;
                    }
                    Ok(())
                })
                .await;
            if let Err(e) = res {
                tracing::error!(error = %e, "closed day figures not stored");
            }
        });
    }

    fn flush(&mut self) {
        let now = self.engine.now();
        self.rollover(now);
        let engine = self.engine.clone();
        let registry = &engine.registry;
        let floor_due = self.floor_pushed.elapsed() >= FLOOR_EVERY;
        // A desk whose own figures changed gets its frame now, unless the floor tick below
        // carries everyone's.
        let brand_due =
            floor_due && self.brand_dirty && self.brand_pushed.elapsed() >= BRAND_STATS_EVERY;
        if !brand_due && !self.dirty_agents.is_empty() {
            let brand = self.brand_figures_cached(now);
            let dirty: Vec<AgentId> = self.dirty_agents.iter().copied().collect();
            for id in dirty {
                crate::sched::yield_if_due();
                if registry.has_sessions(id) {
                    let frame =
                        ServerMsg::Stats(Box::new(self.stats_for(id, now, &brand))).encode();
                    registry.push_state(id, &[(StateKey::Stats, frame)]);
                }
            }
        }
        if floor_due {
            // One message per desk: the counts and queues that changed, and, at most every
            // BRAND_STATS_EVERY, its own figures with the brand's.
            self.finish_round();
            let mut common: Vec<(StateKey, Arc<str>)> = Vec::new();
            let counts = self.agent_counts();
            if counts != self.counts {
                common.push((
                    StateKey::Counts,
                    Self::agents_frame(&counts, Vec::new(), Vec::new(), false),
                ));
                self.counts = counts;
            }
            for code in std::mem::take(&mut self.queues_dirty) {
                if let Some(q) = self.queues.get(&code) {
                    common.push((StateKey::Queue(code), ServerMsg::Queue(q.clone()).encode()));
                }
            }
            let brand = if brand_due {
                self.brand_dirty = false;
                self.brand_pushed = Instant::now();
                Some((now, self.brand_figures_cached(now)))
            } else {
                None
            };
            if !common.is_empty() || brand.is_some() {
                let desks: Vec<AgentId> = registry
                    .brand_agents
                    .get(&self.brand.id)
                    .map(|v| {
                        v.iter()
                            .copied()
                            .filter(|id| registry.has_sessions(*id))
                            .collect()
                    })
                    .unwrap_or_default();
                let per_slice = desks.len().div_ceil(FLOOR_SLICES).max(1);
                self.round = Some(FloorRound {
                    common,
                    brand,
                    desks,
                    next: 0,
                    per_slice,
                });
                self.send_slice();
            }
            self.floor_pushed = Instant::now();
        }
        self.dirty_agents.clear();
    }

    /// The brand's services as the engine has them now.
    fn services(&self) -> Arc<Vec<crate::domain::model::Service>> {
        self.engine
            .registry
            .brand(self.brand.id)
            .map(|b| b.services.clone())
            .unwrap_or_default()
    }

    /// Agents per kind of state, per service.
    fn staffing(&self) -> HashMap<String, Staffing> {
        let mut by: HashMap<String, Staffing> = HashMap::new();
        for t in self.agents.values() {
            crate::sched::yield_if_due();
            if t.status == Status::LoggedOut {
                continue;
            }
            for s in &t.public.services {
                by.entry(s.clone()).or_default().add(t.status);
            }
        }
        by
    }

    fn board_agent(&self, t: &Tracked, now: DateTime<Utc>) -> BoardAgent {
        let f = AgentFigures::from_day(&self.today(t, now));
        let occupancy = f.occupancy();
        BoardAgent {
            id: t.public.id,
            login: t.public.login.clone(),
            name: t.public.name.clone(),
            extension: t.public.extension.clone(),
            services: t.public.services.clone(),
            status: t.status,
            reason: t.reason,
            since: t.since,
            call: t.call.clone(),
            calls_in: f.calls_in,
            calls_out: f.calls_out,
            talk_s: f.talk_total_s,
            wrap_up_s: f.wrap_up_s,
            away_s: f.away_s,
            ready_s: f.ready_s,
            occupancy,
            stale: self.board.stale.contains(&t.public.id),
        }
    }

    /// The board: every service and agent (`full`), or those in the changed sets.
    fn board_view(&mut self, full: bool) -> WallboardView {
        let now = self.engine.now();
        self.rollover(now);
        let services = self.services();
        let staffing = self.staffing();
        let mut tiles = Vec::new();
        for svc in services.iter() {
            if !full && !self.board.changed_services.contains(&svc.code) {
                continue;
            }
            let arrivals = self.board.recent_arrivals(&svc.code, now);
            let day = self.board.days.get(&svc.code).cloned().unwrap_or_default();
            tiles.push(wallboard::tile(
                svc,
                &day,
                self.queues.get(&svc.code),
                staffing.get(&svc.code).copied().unwrap_or_default(),
                arrivals,
                now,
            ));
        }
        let agents: Vec<BoardAgent> = if full {
            self.agents
                .values()
                .map(|t| {
                    crate::sched::yield_if_due();
                    self.board_agent(t, now)
                })
                .collect()
        } else {
            self.board
                .changed_agents
                .iter()
                .filter_map(|id| self.agents.get(id))
                .map(|t| {
                    crate::sched::yield_if_due();
                    self.board_agent(t, now)
                })
                .collect()
        };
        let intervals = if full || self.board.intervals_changed {
            self.board.intervals()
        } else {
            Vec::new()
        };
        WallboardView {
            full,
            date: self.date,
            as_of: now,
            services: tiles,
            agents,
            intervals,
            settings: self.brand.wallboard,
        }
    }

    /// Sends watching boards what changed (every `BOARD_EVERY`), and the whole board to those
    /// that missed a change once they have caught up.
    fn push_board(&mut self) {
        // What is left of the last tick goes first, so that changes stay in order.
        for (session, agent, frame) in self.board_out.take(usize::MAX) {
            crate::sched::yield_if_due();
            self.send_board(agent, session, &frame);
        }
        if self.board.watchers.is_empty() {
            self.board.changed_agents.clear();
            self.board.changed_services.clear();
            self.board.intervals_changed = false;
            return;
        }
        let registry = &self.engine.registry;
        let ready: Vec<(u64, AgentId)> = self
            .board
            .resync
            .iter()
            .filter(|(s, a)| registry.delta_taken(**a, **s, &StateKey::Board) != Some(false))
            .map(|(s, a)| (*s, *a))
            .collect();
        if !ready.is_empty() {
            let frame = ServerMsg::Wallboard(Box::new(self.board_view(true))).encode();
            for (session, agent) in ready {
                crate::sched::yield_if_due();
                self.board.resync.remove(&session);
                self.send_board(agent, session, &frame);
            }
        }
        if self.board.changed_agents.is_empty()
            && self.board.changed_services.is_empty()
            && !self.board.intervals_changed
        {
            return;
        }
        let view = self.board_view(false);
        self.board.changed_agents.clear();
        self.board.changed_services.clear();
        self.board.intervals_changed = false;
        let frame = ServerMsg::Wallboard(Box::new(view)).encode();
        let out: Vec<(u64, AgentId, Arc<str>)> = self
            .board
            .watchers
            .iter()
            .filter(|(s, _)| !self.board.resync.contains_key(s))
            .map(|(s, a)| (*s, *a, frame.clone()))
            .collect();
        self.board_out.load(out);
    }

    fn send_board(&mut self, agent: AgentId, session: u64, frame: &Arc<str>) {
        match self
            .engine
            .registry
            .push_delta(agent, session, StateKey::Board, frame)
        {
            RowsPush::Sent => {}
            RowsPush::Behind => {
                self.board.resync.insert(session, agent);
            }
            RowsPush::Gone => {
                self.board.watchers.remove(&session);
                self.board.resync.remove(&session);
            }
        }
    }

    /// Marks signed-in agents whose desks have gone quiet (every second).
    fn mark_stale(&mut self) {
        if self.board.watchers.is_empty() {
            return;
        }
        let registry = &self.engine.registry;
        for t in self.agents.values() {
            crate::sched::yield_if_due();
            let id = t.public.id;
            let quiet =
                t.status != Status::LoggedOut && registry.quiet_for(id, wallboard::STALE_MS);
            if quiet != self.board.stale.contains(&id) {
                if quiet {
                    self.board.stale.insert(id);
                } else {
                    self.board.stale.remove(&id);
                }
                self.board.changed_agents.insert(id);
            }
        }
    }

    /// Sends the next slice of the floor round under way (every `FLOOR_SLICE_EVERY`).
    fn send_slice(&mut self) {
        let Some(mut round) = self.round.take() else {
            return;
        };
        let end = (round.next + round.per_slice).min(round.desks.len());
        let registry = &self.engine.registry;
        let mut frames = round.common.clone();
        for id in &round.desks[round.next..end] {
            crate::sched::yield_if_due();
            frames.truncate(round.common.len());
            if let Some((now, brand)) = &round.brand {
                frames.push((
                    StateKey::Stats,
                    ServerMsg::Stats(Box::new(self.stats_for(*id, *now, brand))).encode(),
                ));
            }
            registry.push_state(*id, &frames);
        }
        round.next = end;
        if round.next < round.desks.len() {
            self.round = Some(round);
        }
    }

    /// Sends what is left of the floor round under way at once (a new one is due).
    fn finish_round(&mut self) {
        while self.round.is_some() {
            self.send_slice();
        }
    }

    /// Today's counters as the store keeps them (`encode_snapshot`), offering the core between
    /// agents. At 5,000 agents it is ~1 MB every second; computed and encoded in one go it held
    /// the floor's thread 3–14 ms and the store writer (which encoded it) 3–24 ms, and the offers
    /// in flight meanwhile measured p99 4.6–6.9 ms against 2.3 for the run
    /// (docs/performance.md). The writer now only stores the bytes.
    fn snapshot_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let now = self.engine.now();
        let queues: BTreeMap<&str, (u32, u32)> = self
            .queues
            .iter()
            .map(|(k, q)| (k.as_str(), (q.answered, q.abandoned)))
            .collect();
        encode_snapshot(
            self.date,
            now,
            self.agents.iter().map(|(id, t)| {
                crate::sched::yield_if_due();
                (*id, self.today(t, now))
            }),
            &queues,
        )
    }

    fn write_snapshot(&mut self, ctx: &mut Context<Self>) {
        let anyone_in = self.agents.values().any(|t| t.status != Status::LoggedOut);
        if self.snapshot_in_flight || !(self.snapshot_needed || anyone_in) {
            return;
        }
        let snap = match self.snapshot_json() {
            Ok(bytes) => bytes,
            Err(e) => {
                tracing::error!(error = %e, "realtime snapshot not encoded");
                return;
            }
        };
        self.snapshot_in_flight = true;
        self.snapshot_needed = false;
        let store = self.engine.store.clone();
        let brand = self.brand.id;
        async move {
            store
                .write(move |tx| store::put_realtime_json(tx, brand, &snap))
                .await
        }
        .into_actor(self)
        .map(|res, act, _| {
            act.snapshot_in_flight = false;
            if let Err(e) = res {
                act.snapshot_needed = true;
                tracing::error!(error = %e, "realtime snapshot not written");
            }
        })
        .spawn(ctx);
    }
}

impl Actor for StatsActor {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(100_000);
        ctx.run_interval(PUSH_INTERVAL, |act, _| act.flush());
        ctx.run_interval(ROWS_PUSH_INTERVAL, |act, _| {
            act.push_rows();
            act.resync_rows();
        });
        ctx.run_interval(FLOOR_SLICE_EVERY, |act, _| act.send_slice());
        ctx.run_interval(DELTA_SLICE_EVERY, |act, _| act.send_deltas());
        ctx.run_interval(wallboard::BOARD_EVERY, |act, _| act.push_board());
        ctx.run_interval(Duration::from_secs(1), |act, _| act.mark_stale());
        let every = Duration::from_millis(self.engine.settings.snapshot_interval_ms.max(50));
        ctx.run_interval(every, |act, ctx| act.write_snapshot(ctx));
    }
}

impl Handler<StatusChanged> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: StatusChanged, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        let tz = self.brand.tz();
        let tr = m.transition;
        self.rollover(tr.at);
        let Some(t) = self.agents.get_mut(&m.agent_id) else {
            return;
        };
        if tr.from != Status::LoggedOut {
            t.ledger.close(
                &state_key(tr.from, tr.from_reason),
                t.counted_from.max(tr.from_since),
                tr.at,
                tz,
            );
        }
        let worked_before = !matches!(tr.from, Status::LoggedOut);
        t.status = tr.to;
        t.reason = tr.reason;
        t.since = tr.at;
        t.counted_from = tr.at;
        if !matches!(
            tr.to,
            Status::Ringing | Status::OnCall | Status::WrapUp | Status::Dialing
        ) {
            t.call = None;
        }
        self.board.changed_agents.insert(m.agent_id);
        self.board
            .changed_services
            .extend(t.public.services.iter().cloned());
        self.dirty_agents.insert(m.agent_id);
        self.changed_rows.insert(m.agent_id);
        self.snapshot_needed = true;
        if !worked_before {
            self.brand_dirty = true;
        }
    }
}

impl Handler<CallCounted> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: CallCounted, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        let date = self.date;
        let Some(t) = self.agents.get_mut(&m.agent_id) else {
            return;
        };
        let day = t.ledger.day_mut(date);
        match m.channel {
            Some(Channel::In) => day.calls_in += 1,
            Some(Channel::Out) => day.calls_out += 1,
            None => {}
        }
        if m.talked {
            day.talked += 1;
        }
        self.board.changed_agents.insert(m.agent_id);
        self.dirty_agents.insert(m.agent_id);
        self.brand_dirty = true;
        self.snapshot_needed = true;
    }
}

impl Handler<HoldCounted> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: HoldCounted, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        let tz = self.brand.tz();
        let Some(t) = self.agents.get_mut(&m.agent_id) else {
            return;
        };
        t.ledger.close(HOLD_KEY, m.from, m.to, tz);
        self.board.changed_agents.insert(m.agent_id);
        self.dirty_agents.insert(m.agent_id);
        self.snapshot_needed = true;
    }
}

impl Handler<MemberUpserted> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: MemberUpserted, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        let now = self.engine.now();
        let id = m.0.id;
        match self.agents.get_mut(&id) {
            Some(t) => t.public = m.0,
            None => {
                self.agents.insert(
                    id,
                    Tracked {
                        public: m.0,
                        status: Status::LoggedOut,
                        reason: None,
                        since: now,
                        counted_from: now,
                        ledger: Ledger::default(),
                        call: None,
                    },
                );
                self.brand_dirty = true;
            }
        }
        self.changed_rows.insert(id);
        self.board.changed_agents.insert(id);
    }
}

impl Handler<QueueFigures> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: QueueFigures, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        self.board.changed_services.insert(m.0.service.clone());
        self.queues_dirty.insert(m.0.service.clone());
        self.queues.insert(m.0.service.clone(), m.0);
        self.brand_dirty = true;
        self.snapshot_needed = true;
    }
}

impl Handler<GetStats> for StatsActor {
    type Result = MessageResult<GetStats>;
    fn handle(&mut self, m: GetStats, _: &mut Context<Self>) -> Self::Result {
        crate::sched::yield_if_due();
        let now = self.engine.now();
        self.rollover(now);
        let brand = if m.fresh {
            self.brand_figures(now)
        } else {
            self.brand_figures_cached(now)
        };
        MessageResult((self.stats_for(m.agent_id, now, &brand), self.agent_counts()))
    }
}

impl Handler<GetAgentRows> for StatsActor {
    type Result = MessageResult<GetAgentRows>;
    fn handle(&mut self, _: GetAgentRows, _: &mut Context<Self>) -> Self::Result {
        crate::sched::yield_if_due();
        MessageResult(self.rows())
    }
}

impl Handler<WatchAgents> for StatsActor {
    type Result = usize;
    fn handle(&mut self, m: WatchAgents, _: &mut Context<Self>) -> usize {
        crate::sched::yield_if_due();
        // A delta queued for the list as it was must not follow the new list's `reset`.
        self.rows_out.forget(m.session);
        let Some(filter) = m.filter else {
            self.watchers.unwatch(m.session);
            return 0;
        };
        let rows: Vec<(AgentRow, &[String], &str)> = self
            .agents
            .values()
            .map(|t| {
                (
                    Self::row(t),
                    t.public.services.as_slice(),
                    t.public.login.as_str(),
                )
            })
            .collect();
        // One pass over the floor: the filter's rows become the group's and the reset's.
        let ids: HashSet<AgentId> = self
            .watchers
            .watch(
                m.session,
                m.agent_id,
                filter,
                rows.iter().map(|(r, s, l)| (r, *s, *l)),
            )
            .into_iter()
            .collect();
        let list: Vec<AgentRow> = rows
            .into_iter()
            .map(|(r, _, _)| r)
            .filter(|r| ids.contains(&r.agent_id))
            .collect();
        let n = list.len();
        let frame = Self::agents_frame(&self.agent_counts(), list, Vec::new(), true);
        match self
            .engine
            .registry
            .push_delta(m.agent_id, m.session, StateKey::Rows, &frame)
        {
            RowsPush::Sent => {}
            RowsPush::Behind => {
                self.watchers.resync.insert(m.session, m.agent_id);
            }
            RowsPush::Gone => {
                self.watchers.unwatch(m.session);
            }
        }
        n
    }
}

impl Handler<FlushSnapshot> for StatsActor {
    type Result = ResponseFuture<()>;
    fn handle(&mut self, _: FlushSnapshot, _: &mut Context<Self>) -> Self::Result {
        crate::sched::yield_if_due();
        let snap = self.snapshot_json();
        let store = self.engine.store.clone();
        let brand = self.brand.id;
        Box::pin(async move {
            let written = match snap {
                Ok(bytes) => {
                    store
                        .write(move |tx| store::put_realtime_json(tx, brand, &bytes))
                        .await
                }
                Err(e) => Err(store::StoreError::from(e)),
            };
            if let Err(e) = written {
                tracing::error!(error = %e, "final snapshot not written");
            }
        })
    }
}

impl Handler<BrandSettings> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: BrandSettings, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        self.brand = m.0;
    }
}

impl Handler<Consulted> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: Consulted, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        let now = self.engine.now();
        self.rollover(now);
        let services = self.services();
        self.board
            .consulted(m.0, &services, self.brand.tz(), self.date, now);
    }
}

impl Handler<AgentCall> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: AgentCall, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        if let Some(t) = self.agents.get_mut(&m.agent_id) {
            t.call = Some(m.call);
            self.board.changed_agents.insert(m.agent_id);
        }
    }
}

impl Handler<WatchWallboard> for StatsActor {
    type Result = ();
    fn handle(&mut self, m: WatchWallboard, _: &mut Context<Self>) {
        crate::sched::yield_if_due();
        self.board_out.forget(m.session);
        self.board.resync.remove(&m.session);
        if !m.on {
            self.board.watchers.remove(&m.session);
            return;
        }
        self.board.watchers.insert(m.session, m.agent_id);
        // Stale marks are kept only while someone watches: bring them up to date first.
        self.mark_stale();
        let frame = ServerMsg::Wallboard(Box::new(self.board_view(true))).encode();
        self.send_board(m.agent_id, m.session, &frame);
    }
}

impl Handler<GetWallboard> for StatsActor {
    type Result = MessageResult<GetWallboard>;
    fn handle(&mut self, _: GetWallboard, _: &mut Context<Self>) -> Self::Result {
        crate::sched::yield_if_due();
        let was_watched = !self.board.watchers.is_empty();
        if !was_watched {
            // Compute stale marks for this one answer.
            let registry = &self.engine.registry;
            self.board.stale = self
                .agents
                .values()
                .filter(|t| {
                    t.status != Status::LoggedOut
                        && registry.quiet_for(t.public.id, wallboard::STALE_MS)
                })
                .map(|t| t.public.id)
                .collect();
        }
        MessageResult(self.board_view(true))
    }
}

impl Handler<GetAgentDays> for StatsActor {
    type Result = MessageResult<GetAgentDays>;
    fn handle(&mut self, _: GetAgentDays, _: &mut Context<Self>) -> Self::Result {
        crate::sched::yield_if_due();
        let now = self.engine.now();
        self.rollover(now);
        let days = self
            .agents
            .iter()
            .map(|(id, t)| (*id, self.today(t, now)))
            .collect();
        MessageResult((self.date, days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: u64) -> Vec<(u64, AgentId, Arc<str>)> {
        (1..=n)
            .map(|s| (s, s as AgentId, Arc::from(format!("f{s}"))))
            .collect()
    }

    #[test]
    fn the_snapshot_written_an_agent_at_a_time_reads_back_as_the_day() {
        let day = |talk: i64, calls: u32| {
            let mut d = AgentDay::default();
            if talk > 0 {
                d.add("talk", talk);
            }
            d.calls_in = calls;
            d.talked = calls;
            d
        };
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-23T01:02:03.456Z")
            .unwrap()
            .with_timezone(&Utc);
        let agents = vec![(3, day(90_000, 1)), (7, day(0, 0)), (12, day(5_000, 2))];
        let queues: BTreeMap<&str, (u32, u32)> = [("main", (4, 1)), ("order", (0, 2))].into();
        let bytes = encode_snapshot(date, at, agents.clone().into_iter(), &queues).unwrap();
        let back: RealtimeSnapshot = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(back.date, date);
        assert_eq!(back.taken_at, at);
        // The agent with nothing today is left out; the others come back whole.
        assert_eq!(back.agents.len(), 2);
        assert_eq!(back.agents[&3], agents[0].1);
        assert_eq!(back.agents[&12], agents[2].1);
        assert_eq!(back.agents[&12].secs("talk"), 5);
        assert_eq!(back.queues["main"], (4, 1));
        assert_eq!(back.queues["order"], (0, 2));
        // No agent at all is still a snapshot.
        let empty = encode_snapshot(date, at, std::iter::empty(), &BTreeMap::new()).unwrap();
        let back: RealtimeSnapshot = serde_json::from_slice(&empty).unwrap();
        assert!(back.agents.is_empty() && back.queues.is_empty());
    }

    #[test]
    fn a_ticks_deltas_go_out_in_slices_none_lost_none_twice() {
        let mut out = Outbox::default();
        out.load(items(250));
        assert_eq!(out.per_slice, 250usize.div_ceil(DELTA_SLICES));
        let mut sent = Vec::new();
        let mut slices = 0;
        while !out.queue.is_empty() {
            sent.extend(out.take(out.per_slice).into_iter().map(|(s, _, _)| s));
            slices += 1;
        }
        assert_eq!(
            slices, DELTA_SLICES,
            "spread over the slices, not sent at once"
        );
        sent.sort_unstable();
        assert_eq!(sent, (1..=250).collect::<Vec<_>>());
    }

    #[test]
    fn the_first_socket_served_turns_and_a_closed_list_is_forgotten() {
        let mut out = Outbox::default();
        out.load(items(3));
        let first = out.take(1)[0].0;
        out.take(usize::MAX);
        out.load(items(3));
        assert_ne!(
            out.take(1)[0].0,
            first,
            "another socket goes first next tick"
        );
        out.take(usize::MAX);
        out.load(items(3));
        out.forget(2);
        let left: Vec<u64> = out
            .take(usize::MAX)
            .into_iter()
            .map(|(s, _, _)| s)
            .collect();
        assert_eq!(left.len(), 2);
        assert!(!left.contains(&2));
    }
}
