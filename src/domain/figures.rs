//! A service's day in figures (the wallboard's tiles and the daily report), defined once:
//! - offered: calls that entered the service's queue that day (a transfer into it counts);
//! - answered: taken by an agent; answeredInSl: answered within the service's `serviceLevelS`;
//! - abandoned: the caller hung up while waiting or ringing after `shortAbandonS`;
//!   shortAbandoned: before that — excluded from the service level and the rates;
//! - serviceLevel = answeredInSl ÷ (answered + abandoned) × 100 (one decimal; none with no calls);
//!   응대율 answerRate = answered ÷ (answered + abandoned); 포기율 abandonRate = abandoned ÷ (…);
//! - ASA = mean wait of answered calls; AHT = (talk + wrap-up) ÷ answered;
//! - answered calls by wait: < 10 s, < 20, < 30, < 60, ≥ 60 s.
//!
//! `Tally` counts; `ServiceDay` keeps the day's tally and one per 30-minute interval (local time).
//! The live wallboard feeds it event by event (`arrived`, `answered`, `abandoned`, `handled`);
//! the report and start-up feed it whole consultations (`add_consultation`) — the same sums.

use super::model::{CallOutcome, Channel, Consultation};
use chrono::{DateTime, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Minutes per interval of the day's chart.
pub const INTERVAL_MIN: u32 = 30;

/// A service's rules for counting (from its settings).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rules {
    pub service_level_s: u32,
    pub short_abandon_s: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            service_level_s: 20,
            short_abandon_s: 5,
        }
    }
}

/// The counts of a service over a day or an interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    pub offered: u32,
    pub answered: u32,
    pub abandoned: u32,
    pub short_abandoned: u32,
    pub answered_in_sl: u32,
    /// Sum of the answered calls' waits, milliseconds.
    pub wait_answered_ms: u64,
    /// Sum of talk and wrap-up of answered calls, seconds.
    pub handle_s: u64,
    /// Answered calls by wait: under 10 s, 10–20, 20–30, 30–60, 60 s and over.
    #[serde(default)]
    pub wait_buckets: [u32; 5],
}

/// The upper bounds (seconds, exclusive) of the first four wait buckets.
pub const WAIT_BUCKETS_S: [u64; 4] = [10, 20, 30, 60];

/// The bucket of an answered call's wait.
pub fn wait_bucket(wait_ms: u64) -> usize {
    WAIT_BUCKETS_S
        .iter()
        .position(|b| wait_ms < b * 1000)
        .unwrap_or(WAIT_BUCKETS_S.len())
}

/// One decimal, half away from zero.
fn one_decimal(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn percent(num: u32, den: u32) -> Option<f64> {
    (den > 0).then(|| one_decimal(num as f64 * 100.0 / den as f64))
}

impl Tally {
    /// answered + abandoned: the calls the rates are taken over.
    pub fn resolved(&self) -> u32 {
        self.answered + self.abandoned
    }

    pub fn service_level(&self) -> Option<f64> {
        percent(self.answered_in_sl, self.resolved())
    }

    pub fn answer_rate(&self) -> Option<f64> {
        percent(self.answered, self.resolved())
    }

    pub fn abandon_rate(&self) -> Option<f64> {
        percent(self.abandoned, self.resolved())
    }

    /// Mean wait of answered calls, seconds (one decimal).
    pub fn asa_s(&self) -> Option<f64> {
        (self.answered > 0)
            .then(|| one_decimal(self.wait_answered_ms as f64 / 1000.0 / self.answered as f64))
    }

    /// (talk + wrap-up) ÷ answered, seconds (one decimal).
    pub fn aht_s(&self) -> Option<f64> {
        (self.answered > 0).then(|| one_decimal(self.handle_s as f64 / self.answered as f64))
    }

    pub fn add(&mut self, o: &Tally) {
        self.offered += o.offered;
        self.answered += o.answered;
        self.abandoned += o.abandoned;
        self.short_abandoned += o.short_abandoned;
        self.answered_in_sl += o.answered_in_sl;
        self.wait_answered_ms += o.wait_answered_ms;
        self.handle_s += o.handle_s;
        for (a, b) in self.wait_buckets.iter_mut().zip(o.wait_buckets) {
            *a += b;
        }
    }
}

/// A service's day: the whole day and each 30-minute interval (index 0 = 00:00–00:30 local).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDay {
    pub total: Tally,
    pub intervals: BTreeMap<u16, Tally>,
}

/// The interval a moment falls in, local time.
pub fn interval_of(at: DateTime<Utc>, tz: Tz) -> u16 {
    let t = at.with_timezone(&tz);
    ((t.hour() * 60 + t.minute()) / INTERVAL_MIN) as u16
}

fn ms_between(from: DateTime<Utc>, to: DateTime<Utc>) -> u64 {
    (to - from).num_milliseconds().max(0) as u64
}

impl ServiceDay {
    fn bump(&mut self, slot: u16, f: impl Fn(&mut Tally)) {
        f(&mut self.total);
        f(self.intervals.entry(slot).or_default());
    }

    /// A call entered the queue at `arrived` (counted in its arrival's interval, as are its
    /// outcome and handling).
    pub fn arrived(&mut self, arrived: DateTime<Utc>, tz: Tz) {
        self.bump(interval_of(arrived, tz), |t| t.offered += 1);
    }

    /// The call that arrived at `arrived` was answered at `answered`.
    pub fn answered(
        &mut self,
        rules: Rules,
        arrived: DateTime<Utc>,
        answered: DateTime<Utc>,
        tz: Tz,
    ) {
        let wait = ms_between(arrived, answered);
        let in_sl = wait <= u64::from(rules.service_level_s) * 1000;
        let bucket = wait_bucket(wait);
        self.bump(interval_of(arrived, tz), |t| {
            t.answered += 1;
            t.wait_answered_ms += wait;
            t.wait_buckets[bucket] += 1;
            if in_sl {
                t.answered_in_sl += 1;
            }
        });
    }

    /// The caller that arrived at `arrived` hung up unanswered at `ended`.
    pub fn abandoned(
        &mut self,
        rules: Rules,
        arrived: DateTime<Utc>,
        ended: DateTime<Utc>,
        tz: Tz,
    ) {
        let short = ms_between(arrived, ended) < u64::from(rules.short_abandon_s) * 1000;
        self.bump(interval_of(arrived, tz), |t| {
            if short {
                t.short_abandoned += 1;
            } else {
                t.abandoned += 1;
            }
        });
    }

    /// Talk or wrap-up seconds of an answered call that arrived at `arrived`.
    pub fn handled(&mut self, arrived: DateTime<Utc>, seconds: i64, tz: Tz) {
        let s = seconds.max(0) as u64;
        self.bump(interval_of(arrived, tz), |t| t.handle_s += s);
    }

    /// A whole consultation of this service (an inbound call), as the report reads it.
    pub fn add_consultation(&mut self, rules: Rules, c: &Consultation, tz: Tz) {
        if c.channel != Channel::In || c.outcome == CallOutcome::Cancelled {
            return;
        }
        self.arrived(c.arrived_at, tz);
        if let Some(a) = c.answered_at {
            self.answered(rules, c.arrived_at, a, tz);
            self.handled(c.arrived_at, c.talk_s + c.wrap_up_s, tz);
        } else if c.outcome == CallOutcome::Abandoned {
            let ended = c.ended_at.unwrap_or(c.arrived_at);
            self.abandoned(rules, c.arrived_at, ended, tz);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 30, h, m, s)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_definitions_hold_on_a_small_day() {
        let tz = chrono_tz::Asia::Seoul;
        let r = Rules::default();
        let mut d = ServiceDay::default();
        // 09:00 answered after 10 s (in SL), talk 100 + wrap 20.
        d.arrived(at(9, 0, 0), tz);
        d.answered(r, at(9, 0, 0), at(9, 0, 10), tz);
        d.handled(at(9, 0, 0), 100, tz);
        d.handled(at(9, 0, 0), 20, tz);
        // 09:10 answered after 30 s (outside SL), talk 200.
        d.arrived(at(9, 10, 0), tz);
        d.answered(r, at(9, 10, 0), at(9, 10, 30), tz);
        d.handled(at(9, 10, 0), 200, tz);
        // 09:40 hung up after 3 s: short; 09:45 after 40 s: abandoned.
        d.arrived(at(9, 40, 0), tz);
        d.abandoned(r, at(9, 40, 0), at(9, 40, 3), tz);
        d.arrived(at(9, 45, 0), tz);
        d.abandoned(r, at(9, 45, 0), at(9, 45, 40), tz);
        // Exactly 5 s is not short; exactly 20 s is in SL.
        d.arrived(at(9, 50, 0), tz);
        d.abandoned(r, at(9, 50, 0), at(9, 50, 5), tz);
        d.arrived(at(9, 55, 0), tz);
        d.answered(r, at(9, 55, 0), at(9, 55, 20), tz);
        let t = d.total;
        assert_eq!(
            (t.offered, t.answered, t.abandoned, t.short_abandoned),
            (6, 3, 2, 1)
        );
        assert_eq!(t.answered_in_sl, 2);
        assert_eq!(
            t.wait_buckets,
            [0, 1, 1, 1, 0],
            "10 s is not under 10: < 20; 20 s: < 30; 30 s: < 60"
        );
        assert_eq!(
            t.service_level(),
            Some(40.0),
            "2 in SL of 3 answered + 2 abandoned"
        );
        assert_eq!(t.answer_rate(), Some(60.0));
        assert_eq!(t.abandon_rate(), Some(40.0));
        assert_eq!(t.asa_s(), Some(20.0), "(10 + 30 + 20) / 3");
        assert_eq!(t.aht_s(), Some(106.7), "(120 + 200 + 0) / 3");
        // Intervals by arrival: 18 = 09:00–09:30, 19 = 09:30–10:00.
        assert_eq!(d.intervals[&18].offered, 2);
        assert_eq!(d.intervals[&19].offered, 4);
        assert_eq!(d.intervals[&19].short_abandoned, 1);
        assert_eq!(d.intervals[&18].service_level(), Some(50.0));
        assert_eq!(
            Tally::default().service_level(),
            None,
            "no calls, no figure"
        );
    }
}
