//! Reservations (예약): callbacks and booked consultations with an owner, a time and a result.
//! Pure rules: the types, who may dial one now (owner, team pool, callback owner window), what
//! an attempt does to the status (max attempts → 실패), and quiet hours for 대량 (marketing).

use crate::domain::model::{AgentId, BrandId};
use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// 직접 (booked during a call), 대량 (bulk, by a manager), 콜백 (the caller asked through ARS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ResvType {
    Direct,
    Bulk,
    Callback,
}

/// 미처리 / 완료 / 실패 / 취소.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ResvStatus {
    Pending,
    Done,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub agent_id: AgentId,
    pub ticket_id: String,
    /// `connected`, `busy`, `no_answer` or `cancelled`.
    pub result: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Reservation {
    pub id: u64,
    pub brand_id: BrandId,
    /// The service whose team pool takes it when it has no owner.
    pub service: String,
    /// National digits.
    pub number: String,
    pub customer_name: Option<String>,
    pub customer_id: Option<u64>,
    pub scheduled_at: DateTime<Utc>,
    #[serde(rename = "type")]
    pub rtype: ResvType,
    pub memo: String,
    /// None: in the service's team pool.
    pub owner_id: Option<AgentId>,
    /// A callback's owner keeps it only until then; afterwards it is the pool's.
    pub owner_until: Option<DateTime<Utc>>,
    pub status: ResvStatus,
    pub attempts: Vec<Attempt>,
    /// The consultation that completed it.
    pub ticket_id: Option<String>,
    /// Who is dialing it right now (nobody else may).
    pub dialing_by: Option<AgentId>,
    /// When that claim was taken: a claim whose dial never started dies after
    /// `CLAIM_LEASE_S` (see `drop_stale_claim`).
    #[serde(default)]
    pub dialing_since: Option<DateTime<Utc>>,
    pub created_by: Option<AgentId>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Seconds a claim for click-to-call lives without a call: enough for the dial to start. Once
/// the call exists the claim lives as long as the call.
pub const CLAIM_LEASE_S: i64 = 20;

/// Brand-wide reservation rules.
#[derive(Debug, Clone, PartialEq)]
pub struct ResvRules {
    pub max_attempts: usize,
    /// Quiet hours for 대량 (start, end), local time; the window may wrap midnight.
    pub quiet: (NaiveTime, NaiveTime),
    pub tz: Tz,
}

impl Default for ResvRules {
    fn default() -> Self {
        ResvRules {
            max_attempts: 3,
            quiet: (
                NaiveTime::from_hms_opt(21, 0, 0).expect("time"),
                NaiveTime::from_hms_opt(8, 0, 0).expect("time"),
            ),
            tz: chrono_tz::Asia::Seoul,
        }
    }
}

impl ResvRules {
    /// The rules of a brand's settings (bad times fall back to the defaults).
    pub fn of(brand: &crate::domain::model::Brand) -> ResvRules {
        let d = ResvRules::default();
        let t = |s: &str, dflt| NaiveTime::parse_from_str(s, "%H:%M").unwrap_or(dflt);
        ResvRules {
            max_attempts: (brand.max_attempts as usize).max(1),
            quiet: (
                t(&brand.quiet_start, d.quiet.0),
                t(&brand.quiet_end, d.quiet.1),
            ),
            tz: brand.tz(),
        }
    }

    pub fn in_quiet_hours(&self, at: DateTime<Utc>) -> bool {
        let t = at.with_timezone(&self.tz).time();
        let (start, end) = self.quiet;
        if start <= end {
            t >= start && t < end
        } else {
            t >= start || t < end
        }
    }
}

impl Reservation {
    /// The owner now: none once a callback's owner window has passed or the owner is away.
    pub fn effective_owner(&self, now: DateTime<Utc>, owner_logged_in: bool) -> Option<AgentId> {
        let owner = self.owner_id?;
        if self.rtype == ResvType::Callback
            && (self.owner_until.is_some_and(|u| now >= u) || !owner_logged_in)
        {
            return None;
        }
        Some(owner)
    }

    /// Lets go of a claim whose dial never started (the desk closed between claiming and
    /// dialing, or the server restarted): no call of it is live and the lease has run out.
    /// Returns whether a claim was dropped.
    pub fn drop_stale_claim(&mut self, now: DateTime<Utc>, call_live: bool) -> bool {
        let leased = self
            .dialing_since
            .is_some_and(|t| now < t + chrono::Duration::seconds(CLAIM_LEASE_S));
        if self.dialing_by.is_some() && !call_live && !leased {
            self.dialing_by = None;
            self.dialing_since = None;
            return true;
        }
        false
    }

    /// Why `agent` may not start dialing it now, if so.
    pub fn may_dial(
        &self,
        agent: AgentId,
        agent_services: &[String],
        now: DateTime<Utc>,
        owner_logged_in: bool,
        rules: &ResvRules,
    ) -> Result<(), String> {
        if self.status != ResvStatus::Pending {
            return Err("이미 처리된 예약입니다".into());
        }
        if let Some(other) = self.dialing_by.filter(|a| *a != agent) {
            return Err(format!(
                "다른 상담사({other})가 이 예약에 전화하고 있습니다"
            ));
        }
        match self.effective_owner(now, owner_logged_in) {
            Some(owner) if owner != agent => return Err("다른 상담사의 예약입니다".into()),
            None if !agent_services.contains(&self.service) => {
                return Err("내 서비스의 예약이 아닙니다".into())
            }
            _ => {}
        }
        if self.rtype == ResvType::Bulk && rules.in_quiet_hours(now) {
            return Err(format!(
                "야간 시간({}~{})에는 대량 예약에 전화할 수 없습니다",
                rules.quiet.0.format("%H:%M"),
                rules.quiet.1.format("%H:%M")
            ));
        }
        Ok(())
    }

    /// Records an attempt's result; the reservation completes only when its note is saved.
    pub fn record_attempt(&mut self, a: Attempt, rules: &ResvRules) {
        let failed = a.result != "connected";
        self.attempts.push(a);
        self.dialing_by = None;
        self.dialing_since = None;
        if failed
            && self
                .attempts
                .iter()
                .filter(|x| x.result != "connected")
                .count()
                >= rules.max_attempts
        {
            self.status = ResvStatus::Failed;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn kst(h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 23, h, m, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn resv(rtype: ResvType, owner: Option<AgentId>) -> Reservation {
        Reservation {
            id: 1,
            brand_id: 1,
            service: "main".into(),
            number: "01012345678".into(),
            customer_name: None,
            customer_id: None,
            scheduled_at: kst(10, 0),
            rtype,
            memo: String::new(),
            owner_id: owner,
            owner_until: None,
            status: ResvStatus::Pending,
            attempts: vec![],
            ticket_id: None,
            dialing_by: None,
            dialing_since: None,
            created_by: None,
            created_at: kst(9, 0),
            updated_at: kst(9, 0),
        }
    }

    #[test]
    fn a_brand_sets_its_own_quiet_hours_and_attempts() {
        let mut b: crate::domain::model::Brand = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "x", "timezone": "Asia/Seoul", "ringTimeoutS": 15,
            "wrapUpLimitS": 0, "callsMode": "top"
        }))
        .unwrap();
        assert_eq!(
            ResvRules::of(&b),
            ResvRules::default(),
            "defaults: 21:00-08:00, 3"
        );
        b.quiet_start = "20:00".into();
        b.quiet_end = "09:30".into();
        b.max_attempts = 5;
        let r = ResvRules::of(&b);
        assert!(r.in_quiet_hours(kst(20, 30)));
        assert!(r.in_quiet_hours(kst(9, 0)));
        assert!(!r.in_quiet_hours(kst(9, 30)));
        assert_eq!(r.max_attempts, 5);
        b.quiet_start = "25:99".into();
        assert_eq!(
            ResvRules::of(&b).quiet.0,
            ResvRules::default().quiet.0,
            "a bad time falls back"
        );
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let r = ResvRules::default();
        assert!(r.in_quiet_hours(kst(21, 0)));
        assert!(r.in_quiet_hours(kst(23, 59)));
        assert!(r.in_quiet_hours(kst(7, 59)));
        assert!(!r.in_quiet_hours(kst(8, 0)));
        assert!(!r.in_quiet_hours(kst(20, 59)));
    }

    #[test]
    fn only_the_owner_or_the_pool_of_the_service_may_dial() {
        let rules = ResvRules::default();
        let svc = vec!["main".to_string()];
        let mine = resv(ResvType::Direct, Some(1));
        assert!(mine.may_dial(1, &svc, kst(10, 0), true, &rules).is_ok());
        assert!(mine.may_dial(2, &svc, kst(10, 0), true, &rules).is_err());
        let pool = resv(ResvType::Direct, None);
        assert!(pool.may_dial(2, &svc, kst(10, 0), true, &rules).is_ok());
        assert!(pool
            .may_dial(2, &["order".to_string()], kst(10, 0), true, &rules)
            .is_err());
        let mut busy = pool.clone();
        busy.dialing_by = Some(3);
        assert!(busy.may_dial(2, &svc, kst(10, 0), true, &rules).is_err());
    }

    #[test]
    fn a_callback_goes_to_the_pool_after_the_owner_window_or_when_the_owner_is_away() {
        let rules = ResvRules::default();
        let svc = vec!["main".to_string()];
        let mut cb = resv(ResvType::Callback, Some(1));
        cb.owner_until = Some(kst(10, 30));
        assert!(cb.may_dial(2, &svc, kst(10, 29), true, &rules).is_err());
        assert!(cb.may_dial(2, &svc, kst(10, 30), true, &rules).is_ok());
        assert!(
            cb.may_dial(2, &svc, kst(10, 0), false, &rules).is_ok(),
            "owner logged out"
        );
        assert_eq!(
            cb.effective_owner(kst(10, 0) + Duration::minutes(31), true),
            None
        );
    }

    #[test]
    fn bulk_is_refused_in_quiet_hours() {
        let rules = ResvRules::default();
        let b = resv(ResvType::Bulk, Some(1));
        assert!(b
            .may_dial(1, &[], kst(22, 0), true, &rules)
            .unwrap_err()
            .contains("야간"));
        assert!(resv(ResvType::Direct, Some(1))
            .may_dial(1, &[], kst(22, 0), true, &rules)
            .is_ok());
    }

    #[test]
    fn three_failed_attempts_make_it_failed_and_a_connect_does_not() {
        let rules = ResvRules::default();
        let mut r = resv(ResvType::Direct, Some(1));
        let a = |res: &str| Attempt {
            at: kst(10, 0),
            agent_id: 1,
            ticket_id: "T".into(),
            result: res.into(),
        };
        r.dialing_by = Some(1);
        r.record_attempt(a("busy"), &rules);
        assert_eq!(r.dialing_by, None);
        r.record_attempt(a("connected"), &rules);
        r.record_attempt(a("no_answer"), &rules);
        assert_eq!(r.status, ResvStatus::Pending);
        r.record_attempt(a("busy"), &rules);
        assert_eq!(r.status, ResvStatus::Failed);
    }

    #[test]
    fn a_claim_without_a_call_dies_after_its_lease_but_not_while_its_call_lives() {
        let mut r = resv(ResvType::Direct, Some(1));
        r.dialing_by = Some(1);
        r.dialing_since = Some(kst(10, 0));
        let within = kst(10, 0) + Duration::seconds(CLAIM_LEASE_S - 1);
        let after = kst(10, 0) + Duration::seconds(CLAIM_LEASE_S);
        assert!(!r.drop_stale_claim(within, false), "still leased");
        assert!(!r.drop_stale_claim(after, true), "its call is live");
        assert!(r.drop_stale_claim(after, false));
        assert_eq!(r.dialing_by, None);
        // A claim from before the lease existed (no time) with no call is stale at once.
        r.dialing_by = Some(1);
        r.dialing_since = None;
        assert!(r.drop_stale_claim(kst(10, 0), false));
    }
}
