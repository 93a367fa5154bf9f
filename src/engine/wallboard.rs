//! The managers' wallboard state, owned by the brand's `StatsActor`: today's figures per
//! service (`domain::figures`), kept exactly as the daily report counts them — every inbound
//! consultation written is re-counted whole and only its change applied, so the board and the
//! report are one sum —; the last 15 minutes of arrivals (the Erlang C rate); which services and
//! agent rows changed since the last push; and which sockets watch the board.
//!
//! At start the day is rebuilt from today's consultations in the store, so the board (and its
//! 30-minute chart) survive a restart.

use crate::domain::erlang;
use crate::domain::figures::{ServiceDay, Tally, INTERVAL_MIN};
use crate::domain::model::{AgentId, CallOutcome, Channel, Consultation, Service};
use crate::domain::status::Status;
use crate::protocol::{IntervalRow, QueueView, ServiceTile};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::time::{Duration, Instant};

/// How often watching boards get what changed (at most four a second).
pub const BOARD_EVERY: Duration = Duration::from_millis(250);
/// A desk not heard from for this long shows as stale on its row (it times out at 20 s).
pub const STALE_MS: u64 = 8_000;
/// The window of the Erlang C arrival rate.
pub const RATE_WINDOW_MIN: i64 = 15;

/// How far a consultation has got: a later write never counts less than an earlier one.
fn progress(c: &Consultation) -> u8 {
    u8::from(c.answered_at.is_some())
        + 2 * u8::from(c.ended_at.is_some())
        + 4 * u8::from(c.wrap_up_ended_at.is_some())
}

/// Whether a consultation's figures can still change.
fn finished(c: &Consultation) -> bool {
    c.wrap_up_ended_at.is_some()
        || matches!(c.outcome, CallOutcome::Abandoned | CallOutcome::Cancelled)
        || (c.ended_at.is_some() && c.answered_at.is_none())
}

#[derive(Clone)]
struct Live {
    progress: u8,
    counted: ServiceDay,
}

/// Adds (`sign` 1) or takes away (`sign` -1) one day's counts from another.
fn apply(day: &mut ServiceDay, part: &ServiceDay, sign: i64) {
    fn f(t: &mut Tally, p: &Tally, sign: i64) {
        let u = |a: u32, b: u32| (i64::from(a) + sign * i64::from(b)).max(0) as u32;
        let w = |a: u64, b: u64| (a as i64 + sign * b as i64).max(0) as u64;
        t.offered = u(t.offered, p.offered);
        t.answered = u(t.answered, p.answered);
        t.abandoned = u(t.abandoned, p.abandoned);
        t.short_abandoned = u(t.short_abandoned, p.short_abandoned);
        t.answered_in_sl = u(t.answered_in_sl, p.answered_in_sl);
        t.wait_answered_ms = w(t.wait_answered_ms, p.wait_answered_ms);
        t.handle_s = w(t.handle_s, p.handle_s);
        for (a, b) in t.wait_buckets.iter_mut().zip(p.wait_buckets) {
            *a = u(*a, b);
        }
    }
    f(&mut day.total, &part.total, sign);
    for (slot, p) in &part.intervals {
        f(day.intervals.entry(*slot).or_default(), p, sign);
    }
}

#[derive(Default)]
pub struct Board {
    /// Today per service code.
    pub days: BTreeMap<String, ServiceDay>,
    live: HashMap<String, Live>,
    /// Tickets finished lately (a late, older write of one is ignored), oldest first.
    done: VecDeque<(String, Instant)>,
    done_set: HashSet<String>,
    /// Per service: arrivals per minute (unix minute, count), the last `RATE_WINDOW_MIN`.
    arrivals: HashMap<String, VecDeque<(i64, u32)>>,
    /// Sockets watching the board → their agent (a manager).
    pub watchers: HashMap<u64, AgentId>,
    /// Watching sockets that missed a change (their writer was behind): a full board next.
    pub resync: HashMap<u64, AgentId>,
    pub changed_services: BTreeSet<String>,
    pub changed_agents: BTreeSet<AgentId>,
    pub intervals_changed: bool,
    /// Agents shown stale now.
    pub stale: HashSet<AgentId>,
}

impl Board {
    /// Today's figures from the day's consultations (start-up).
    pub fn rebuild(&mut self, day: &[Consultation], services: &[Service], tz: Tz) {
        self.days.clear();
        self.live.clear();
        for c in day {
            self.count(c.clone(), services, tz, None);
        }
    }

    /// A new day: figures start from nothing.
    pub fn roll_over(&mut self) {
        self.days.clear();
        self.live.clear();
        self.done.clear();
        self.done_set.clear();
        self.arrivals.clear();
        self.intervals_changed = true;
    }

    /// An inbound consultation was written (arrival, answer, end, wrap-up): counts its change.
    /// `today` drops a call of another day; `now` (live) feeds the arrival rate.
    pub fn consulted(
        &mut self,
        c: Consultation,
        services: &[Service],
        tz: Tz,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) {
        if c.channel != Channel::In || crate::domain::ledger::local_date(c.arrived_at, tz) != today
        {
            return;
        }
        self.count(c, services, tz, Some(now));
        let cutoff = Instant::now() - Duration::from_secs(600);
        while self.done.front().is_some_and(|(_, at)| *at < cutoff) {
            if let Some((t, _)) = self.done.pop_front() {
                self.done_set.remove(&t);
            }
        }
    }

    fn count(&mut self, c: Consultation, services: &[Service], tz: Tz, now: Option<DateTime<Utc>>) {
        if c.channel != Channel::In || self.done_set.contains(&c.ticket_id) {
            return;
        }
        let rules = services
            .iter()
            .find(|s| s.code == c.service)
            .map(Service::rules)
            .unwrap_or_default();
        let p = progress(&c);
        let old = self.live.remove(&c.ticket_id);
        if let Some(o) = old.as_ref().filter(|o| o.progress > p) {
            // An older write arriving late: keep what is counted.
            self.live.insert(c.ticket_id.clone(), o.clone());
            return;
        }
        let mut counted = ServiceDay::default();
        counted.add_consultation(rules, &c, tz);
        let day = self.days.entry(c.service.clone()).or_default();
        if let Some(o) = &old {
            apply(day, &o.counted, -1);
        } else if let Some(now) = now {
            if counted.total.offered > 0 {
                let minute = now.timestamp().div_euclid(60);
                let q = self.arrivals.entry(c.service.clone()).or_default();
                match q.back_mut() {
                    Some((m, n)) if *m == minute => *n += 1,
                    _ => q.push_back((minute, 1)),
                }
            }
        }
        apply(day, &counted, 1);
        self.changed_services.insert(c.service.clone());
        self.intervals_changed = true;
        if finished(&c) {
            self.done_set.insert(c.ticket_id.clone());
            self.done.push_back((c.ticket_id, Instant::now()));
        } else {
            self.live.insert(
                c.ticket_id,
                Live {
                    progress: p,
                    counted,
                },
            );
        }
    }

    /// Arrivals of the last `RATE_WINDOW_MIN` minutes for a service.
    pub fn recent_arrivals(&mut self, service: &str, now: DateTime<Utc>) -> u32 {
        let minute = now.timestamp().div_euclid(60);
        let Some(q) = self.arrivals.get_mut(service) else {
            return 0;
        };
        while q
            .front()
            .is_some_and(|(m, _)| *m <= minute - RATE_WINDOW_MIN)
        {
            q.pop_front();
        }
        q.iter().map(|(_, n)| *n).sum()
    }

    /// Today's intervals, all services together.
    pub fn intervals(&self) -> Vec<IntervalRow> {
        let mut all: BTreeMap<u16, Tally> = BTreeMap::new();
        for d in self.days.values() {
            for (slot, t) in &d.intervals {
                all.entry(*slot).or_default().add(t);
            }
        }
        all.into_iter()
            .map(|(slot, t)| interval_row(slot, &t))
            .collect()
    }
}

/// One interval's row.
pub fn interval_row(slot: u16, t: &Tally) -> IntervalRow {
    let minutes = u32::from(slot) * INTERVAL_MIN;
    IntervalRow {
        slot,
        start: format!("{:02}:{:02}", minutes / 60, minutes % 60),
        offered: t.offered,
        answered: t.answered,
        abandoned: t.abandoned,
        short_abandoned: t.short_abandoned,
        service_level: t.service_level(),
    }
}

/// How many agents of a service are in each kind of state now.
#[derive(Debug, Default, Clone, Copy)]
pub struct Staffing {
    pub ready: u32,
    pub on_call: u32,
    pub wrap_up: u32,
    pub other: u32,
}

impl Staffing {
    pub fn add(&mut self, s: Status) {
        match s {
            Status::Ready => self.ready += 1,
            Status::Ringing | Status::OnCall | Status::Dialing => self.on_call += 1,
            Status::WrapUp => self.wrap_up += 1,
            Status::Aux | Status::Preparing => self.other += 1,
            Status::LoggedOut => {}
        }
    }

    /// Agents serving the service now: everyone but 기타, 상담준비 and the logged out.
    pub fn staffed(&self) -> u32 {
        self.ready + self.on_call + self.wrap_up
    }
}

/// A service's tile: its day, its queue now, its staffing now and the Erlang C outlook.
pub fn tile(
    service: &Service,
    day: &ServiceDay,
    queue: Option<&QueueView>,
    staffing: Staffing,
    arrivals_15m: u32,
    now: DateTime<Utc>,
) -> ServiceTile {
    let t = &day.total;
    let aht = t.aht_s().filter(|a| *a > 0.0);
    let staffed = staffing.staffed();
    let rate = f64::from(arrivals_15m) / (RATE_WINDOW_MIN as f64 * 60.0);
    let load = aht.map(|aht| erlang::load(rate, aht));
    let (estimated, overloaded, needed) = match (aht, load) {
        (Some(aht), Some(a)) if a > 0.0 => {
            let overloaded = f64::from(staffed) <= a;
            let wait = erlang::asa(staffed, a, aht).map(|w| (w * 10.0).round() / 10.0);
            let needed = erlang::agents_needed(
                a,
                aht,
                f64::from(service.service_level_s),
                f64::from(service.sl_target_pct) / 100.0,
                (a.ceil() as u32)
                    .saturating_mul(2)
                    .max(a.ceil() as u32 + 50),
            );
            (wait, overloaded, needed)
        }
        (Some(_), Some(_)) => (Some(0.0), false, Some(0)),
        _ => (None, false, None),
    };
    let oldest = queue.and_then(|q| q.oldest_since);
    ServiceTile {
        code: service.code.clone(),
        name: service.name.clone(),
        waiting: queue.map(|q| q.waiting).unwrap_or(0),
        longest_wait_s: oldest.map(|o| (now - o).num_seconds().max(0)).unwrap_or(0),
        oldest_since: oldest,
        offered: t.offered,
        answered: t.answered,
        abandoned: t.abandoned,
        short_abandoned: t.short_abandoned,
        answered_in_sl: t.answered_in_sl,
        service_level: t.service_level(),
        answer_rate: t.answer_rate(),
        abandon_rate: t.abandon_rate(),
        asa_s: t.asa_s(),
        aht_s: t.aht_s(),
        wait_answered_ms: t.wait_answered_ms,
        handle_s: t.handle_s,
        wait_buckets: t.wait_buckets,
        arrivals_15m,
        estimated_wait_s: estimated,
        overloaded,
        load_erlangs: load.map(|a| (a * 100.0).round() / 100.0),
        agents_needed: needed,
        agents_staffed: staffed,
        ready: staffing.ready,
        on_call: staffing.on_call,
        wrap_up: staffing.wrap_up,
        other: staffing.other,
        service_level_s: service.service_level_s,
        short_abandon_s: service.short_abandon_s,
        sl_target_pct: service.sl_target_pct,
    }
}
