//! Per-state time accounting per agent per local day. A state that spans local midnight is
//! split between the two days. Milliseconds are kept inside; figures are whole seconds.

use crate::domain::status::{AuxReason, Status};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// The key hold time is counted under (보류); it is part of the on-call time as well.
pub const HOLD_KEY: &str = "hold";

/// The key time is counted under: a status, or `aux:<reason>` for aux.
pub fn state_key(status: Status, reason: Option<AuxReason>) -> String {
    match (status, reason) {
        (Status::Aux, Some(r)) => format!("aux:{}", r.as_str()),
        (s, _) => s.as_str().to_string(),
    }
}

/// The local calendar date of an instant.
pub fn local_date(at: DateTime<Utc>, tz: Tz) -> NaiveDate {
    at.with_timezone(&tz).date_naive()
}

/// The instant local midnight starts `date` in `tz`.
pub fn start_of_day(date: NaiveDate, tz: Tz) -> DateTime<Utc> {
    let naive = date.and_hms_opt(0, 0, 0).expect("midnight");
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(t) => t.with_timezone(&Utc),
        chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        // A DST gap at midnight: the day starts an hour later.
        chrono::LocalResult::None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .expect("day start")
            .with_timezone(&Utc),
    }
}

/// Splits `[start, end)` into the milliseconds that fall on each local day.
pub fn split_by_day(start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::new();
    if end <= start {
        return out;
    }
    let mut cur = start;
    while cur < end {
        let date = local_date(cur, tz);
        let next_midnight = start_of_day(date + Duration::days(1), tz);
        let stop = end.min(next_midnight);
        out.push((date, (stop - cur).num_milliseconds()));
        cur = stop;
    }
    out
}

/// One agent's day: milliseconds per state key and call counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentDay {
    pub ms: BTreeMap<String, i64>,
    pub calls_in: u32,
    pub calls_out: u32,
    /// Calls that reached talk (inbound answered + outbound connected), for the average.
    pub talked: u32,
}

impl AgentDay {
    pub fn add(&mut self, key: &str, ms: i64) {
        *self.ms.entry(key.to_string()).or_default() += ms;
    }

    pub fn secs(&self, key: &str) -> i64 {
        self.ms.get(key).copied().unwrap_or(0) / 1000
    }

    /// Whether the agent worked at all (any logged-in time or any call).
    pub fn worked(&self) -> bool {
        self.calls_in + self.calls_out > 0
            || self
                .ms
                .iter()
                .any(|(k, v)| k != Status::LoggedOut.as_str() && *v > 0)
    }
}

/// An agent's ledger: closed days plus the open state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ledger {
    pub days: BTreeMap<NaiveDate, AgentDay>,
}

impl Ledger {
    /// Counts `[start, end)` under `key`, split across local days.
    pub fn close(&mut self, key: &str, start: DateTime<Utc>, end: DateTime<Utc>, tz: Tz) {
        for (date, ms) in split_by_day(start, end, tz) {
            self.days.entry(date).or_default().add(key, ms);
        }
    }

    pub fn day_mut(&mut self, date: NaiveDate) -> &mut AgentDay {
        self.days.entry(date).or_default()
    }

    pub fn day(&self, date: NaiveDate) -> AgentDay {
        self.days.get(&date).cloned().unwrap_or_default()
    }
}

/// Today's figures of one agent as the monitor shows them (whole seconds).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AgentFigures {
    /// 총통화: seconds on call.
    pub talk_total_s: i64,
    /// 평균통화: talk seconds per call that reached talk.
    pub talk_avg_s: i64,
    /// 상담대기: seconds ready.
    pub ready_s: i64,
    /// 후처리: seconds in wrap-up.
    pub wrap_up_s: i64,
    /// 자리비움: seconds in every aux reason together.
    pub away_s: i64,
    /// Seconds per aux reason (meeting, away, …, missed).
    pub aux_s: BTreeMap<String, i64>,
    pub preparing_s: i64,
    pub ringing_s: i64,
    pub dialing_s: i64,
    /// 보류: seconds on hold (included in `talkTotalS`).
    pub hold_s: i64,
    /// 본인콜 IN / OUT.
    pub calls_in: u32,
    pub calls_out: u32,
}

impl AgentFigures {
    /// 점유율: (talk + wrap-up + ringing + dialing) ÷ (that + ready) × 100, one decimal; none
    /// before any of it.
    pub fn occupancy(&self) -> Option<f64> {
        let busy = self.talk_total_s + self.wrap_up_s + self.ringing_s + self.dialing_s;
        (busy + self.ready_s > 0)
            .then(|| (busy as f64 * 1000.0 / (busy + self.ready_s) as f64).round() / 10.0)
    }

    pub fn from_day(day: &AgentDay) -> Self {
        let talk = day.secs(Status::OnCall.as_str());
        let mut aux_s = BTreeMap::new();
        let mut away = 0;
        for r in AuxReason::ALL {
            let s = day.secs(&state_key(Status::Aux, Some(r)));
            away += s;
            aux_s.insert(r.as_str().to_string(), s);
        }
        AgentFigures {
            talk_total_s: talk,
            talk_avg_s: if day.talked > 0 {
                talk / i64::from(day.talked)
            } else {
                0
            },
            ready_s: day.secs(Status::Ready.as_str()),
            wrap_up_s: day.secs(Status::WrapUp.as_str()),
            away_s: away,
            aux_s,
            preparing_s: day.secs(Status::Preparing.as_str()),
            ringing_s: day.secs(Status::Ringing.as_str()),
            dialing_s: day.secs(Status::Dialing.as_str()),
            hold_s: day.secs(HOLD_KEY),
            calls_in: day.calls_in,
            calls_out: day.calls_out,
        }
    }
}

/// Brand-wide call figures today: 최고콜 (top), 전체콜 (total), 평균콜 (average per working agent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CallSpread {
    pub top_in: u32,
    pub top_out: u32,
    pub total_in: u32,
    pub total_out: u32,
    /// One decimal place.
    pub avg_in: f64,
    pub avg_out: f64,
    pub agents_worked: u32,
}

impl CallSpread {
    pub fn of<'a>(days: impl IntoIterator<Item = &'a AgentDay>) -> Self {
        let mut s = CallSpread::default();
        for d in days {
            if !d.worked() {
                continue;
            }
            s.agents_worked += 1;
            s.total_in += d.calls_in;
            s.total_out += d.calls_out;
            s.top_in = s.top_in.max(d.calls_in);
            s.top_out = s.top_out.max(d.calls_out);
        }
        if s.agents_worked > 0 {
            let n = f64::from(s.agents_worked);
            s.avg_in = (f64::from(s.total_in) / n * 10.0).round() / 10.0;
            s.avg_out = (f64::from(s.total_out) / n * 10.0).round() / 10.0;
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kst(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_state_within_one_day_counts_whole() {
        let tz = chrono_tz::Asia::Seoul;
        let parts = split_by_day(kst(2026, 11, 23, 9, 0, 0), kst(2026, 11, 23, 9, 1, 30), tz);
        assert_eq!(
            parts,
            vec![(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 90_000)]
        );
    }

    #[test]
    fn a_state_spanning_local_midnight_is_split_between_the_days() {
        let tz = chrono_tz::Asia::Seoul;
        let mut l = Ledger::default();
        l.close(
            "ready",
            kst(2026, 11, 23, 23, 59, 0),
            kst(2026, 11, 24, 0, 2, 0),
            tz,
        );
        assert_eq!(
            l.day(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap())
                .secs("ready"),
            60
        );
        assert_eq!(
            l.day(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
                .secs("ready"),
            120
        );
    }

    #[test]
    fn midnight_is_local_not_utc() {
        // 2026-11-23 23:30 UTC is 08:30 KST on the 24th: one day in Seoul.
        let tz = chrono_tz::Asia::Seoul;
        let a = Utc.with_ymd_and_hms(2026, 11, 23, 23, 30, 0).unwrap();
        let b = Utc.with_ymd_and_hms(2026, 11, 24, 0, 30, 0).unwrap();
        assert_eq!(split_by_day(a, b, tz).len(), 1);
        assert_eq!(split_by_day(a, b, chrono_tz::UTC).len(), 2);
    }

    #[test]
    fn figures_sum_aux_reasons_into_away_and_average_talk() {
        let mut d = AgentDay::default();
        d.add("on_call", 300_000);
        d.add("aux:meal", 60_000);
        d.add("aux:missed", 15_000);
        d.add("ready", 42_500);
        d.talked = 2;
        d.calls_in = 2;
        let f = AgentFigures::from_day(&d);
        assert_eq!(f.talk_total_s, 300);
        assert_eq!(f.talk_avg_s, 150);
        assert_eq!(f.away_s, 75);
        assert_eq!(f.aux_s["meal"], 60);
        assert_eq!(f.ready_s, 42);
    }

    #[test]
    fn call_spread_counts_only_agents_who_worked() {
        let a = AgentDay {
            calls_in: 5,
            calls_out: 1,
            ..Default::default()
        };
        let b = AgentDay {
            calls_in: 2,
            calls_out: 4,
            ..Default::default()
        };
        let idle = AgentDay::default();
        let s = CallSpread::of([&a, &b, &idle]);
        assert_eq!((s.top_in, s.top_out, s.total_in, s.total_out), (5, 4, 7, 5));
        assert_eq!(s.agents_worked, 2);
        assert_eq!(s.avg_in, 3.5);
        assert_eq!(s.avg_out, 2.5);
    }
}
