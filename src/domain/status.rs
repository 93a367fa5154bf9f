//! The agent status machine: the eight wire states, the aux reasons, which transitions are
//! allowed and why, and the "next status after this call" that applies when wrap-up ends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// Agent status as spoken on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    LoggedOut,
    Preparing,
    Ready,
    Ringing,
    OnCall,
    WrapUp,
    Dialing,
    Aux,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::LoggedOut => "logged_out",
            Status::Preparing => "preparing",
            Status::Ready => "ready",
            Status::Ringing => "ringing",
            Status::OnCall => "on_call",
            Status::WrapUp => "wrap_up",
            Status::Dialing => "dialing",
            Status::Aux => "aux",
        }
    }

    /// Korean label an agent sees.
    pub fn label_ko(self) -> &'static str {
        match self {
            Status::LoggedOut => "로그아웃",
            Status::Preparing => "상담준비",
            Status::Ready => "대기",
            Status::Ringing => "수신중",
            Status::OnCall => "통화중",
            Status::WrapUp => "후처리",
            Status::Dialing => "발신중",
            Status::Aux => "기타",
        }
    }

    /// States of an agent "in service" (상담중 상담사): can take or is handling calls.
    pub fn in_service(self) -> bool {
        matches!(
            self,
            Status::Ready | Status::Ringing | Status::OnCall | Status::WrapUp | Status::Dialing
        )
    }

    /// States bound to a live call; a manual status change waits for the call to end.
    pub fn on_a_call(self) -> bool {
        matches!(self, Status::Ringing | Status::OnCall | Status::Dialing)
    }

    pub fn parse(s: &str) -> Option<Status> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an agent is in `aux` (기타). `missed` is set by the engine only (ring timeout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AuxReason {
    Meeting,
    Away,
    Training,
    Interview,
    OtherWork,
    Meal,
    Rest,
    Missed,
}

impl AuxReason {
    pub const ALL: [AuxReason; 8] = [
        AuxReason::Meeting,
        AuxReason::Away,
        AuxReason::Training,
        AuxReason::Interview,
        AuxReason::OtherWork,
        AuxReason::Meal,
        AuxReason::Rest,
        AuxReason::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuxReason::Meeting => "meeting",
            AuxReason::Away => "away",
            AuxReason::Training => "training",
            AuxReason::Interview => "interview",
            AuxReason::OtherWork => "other_work",
            AuxReason::Meal => "meal",
            AuxReason::Rest => "rest",
            AuxReason::Missed => "missed",
        }
    }

    pub fn label_ko(self) -> &'static str {
        match self {
            AuxReason::Meeting => "회의중",
            AuxReason::Away => "자리비움",
            AuxReason::Training => "교육중",
            AuxReason::Interview => "면담중",
            AuxReason::OtherWork => "타업무",
            AuxReason::Meal => "식사중",
            AuxReason::Rest => "휴식중",
            AuxReason::Missed => "미응답",
        }
    }

    pub fn parse(s: &str) -> Option<AuxReason> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }
}

/// Why a transition happened; carried on every transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    Manual,
    Routed,
    Answered,
    Missed,
    Hangup,
    WrapupTimeout,
    ForcedByManager,
    Login,
    Logout,
    Restart,
    Disconnected,
}

/// A status an agent asks for: ready, preparing, or aux with a reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Target {
    pub status: Status,
    pub reason: Option<AuxReason>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("'{0}'은(는) 직접 선택할 수 없는 상태입니다 (ready, preparing, aux만 가능)")]
    NotSelectable(String),
    #[error("기타(aux) 상태에는 사유가 필요합니다: meeting, away, training, interview, other_work, meal, rest")]
    ReasonRequired,
    #[error("'{0}' 사유는 선택할 수 없습니다")]
    BadReason(String),
    #[error("통화 중에는 상태를 바로 바꿀 수 없습니다; status.next로 통화 후 상태를 예약하세요")]
    OnACall,
    #[error("{from} 상태에서 {to} 상태로 바꿀 수 없습니다")]
    NotAllowed { from: Status, to: Status },
}

impl Target {
    /// Validates what an agent may choose by hand (`status.set` / `status.next`).
    pub fn chosen(status: &str, reason: Option<&str>) -> Result<Target, StatusError> {
        let st = Status::parse(status).ok_or_else(|| StatusError::NotSelectable(status.into()))?;
        match st {
            Status::Ready | Status::Preparing => Ok(Target {
                status: st,
                reason: None,
            }),
            Status::Aux => {
                let r = reason.ok_or(StatusError::ReasonRequired)?;
                let r = AuxReason::parse(r).ok_or_else(|| StatusError::BadReason(r.into()))?;
                if r == AuxReason::Missed {
                    return Err(StatusError::BadReason(r.as_str().into()));
                }
                Ok(Target {
                    status: st,
                    reason: Some(r),
                })
            }
            _ => Err(StatusError::NotSelectable(status.into())),
        }
    }

    pub fn ready() -> Target {
        Target {
            status: Status::Ready,
            reason: None,
        }
    }
}

/// The agent's state: status, aux reason, since when, why, and the status chosen for after the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentState {
    pub status: Status,
    pub reason: Option<AuxReason>,
    pub cause: Cause,
    pub since: DateTime<Utc>,
    pub next: Option<Target>,
}

/// One accepted transition (what the ledger, the lists and the desks are told).
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub from: Status,
    pub from_reason: Option<AuxReason>,
    pub from_since: DateTime<Utc>,
    pub to: Status,
    pub reason: Option<AuxReason>,
    pub cause: Cause,
    pub at: DateTime<Utc>,
}

impl AgentState {
    pub fn logged_out(at: DateTime<Utc>, cause: Cause) -> Self {
        AgentState {
            status: Status::LoggedOut,
            reason: None,
            cause,
            since: at,
            next: None,
        }
    }

    /// Whether `to` may follow the current status for `cause`.
    pub fn allows(&self, to: Status, cause: Cause) -> bool {
        use Status::*;
        let from = self.status;
        if cause == Cause::Restart {
            return to == LoggedOut;
        }
        match (from, to) {
            (LoggedOut, Preparing) => cause == Cause::Login,
            (LoggedOut, _) => false,
            (_, LoggedOut) => !from.on_a_call(),
            (Preparing | Ready | Aux, Preparing | Ready | Aux) => true,
            (Ready, Ringing) => cause == Cause::Routed,
            (Ringing, OnCall) => cause == Cause::Answered,
            (Ringing, Aux) => cause == Cause::Missed,
            (Ringing, Ready) => cause == Cause::Hangup,
            (Preparing | Ready | Aux | WrapUp, Dialing) => cause == Cause::Manual,
            (Dialing, OnCall) => cause == Cause::Answered,
            (Dialing | OnCall, WrapUp) => cause == Cause::Hangup,
            (WrapUp, Preparing | Ready | Aux) => true,
            _ => false,
        }
    }

    /// Applies a transition, or says why not. The caller decides the cause.
    pub fn apply(
        &mut self,
        to: Status,
        reason: Option<AuxReason>,
        cause: Cause,
        at: DateTime<Utc>,
    ) -> Result<Transition, StatusError> {
        if !self.allows(to, cause) {
            if self.status.on_a_call() && cause == Cause::Manual {
                return Err(StatusError::OnACall);
            }
            return Err(StatusError::NotAllowed {
                from: self.status,
                to,
            });
        }
        let at = at.max(self.since);
        let t = Transition {
            from: self.status,
            from_reason: self.reason,
            from_since: self.since,
            to,
            reason: if to == Status::Aux { reason } else { None },
            cause,
            at,
        };
        self.status = to;
        self.reason = t.reason;
        self.cause = cause;
        self.since = at;
        if to == Status::LoggedOut {
            self.next = None;
        }
        Ok(t)
    }

    /// Where wrap-up leads: the status chosen "after this call", else ready. Consumes the choice.
    pub fn after_wrap_up(&mut self) -> Target {
        self.next.take().unwrap_or_else(Target::ready)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(s: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_700_000_000 + s, 0).unwrap()
    }

    #[test]
    fn login_lands_in_preparing_and_only_login_leaves_logged_out() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        assert!(a.apply(Status::Ready, None, Cause::Manual, t(1)).is_err());
        let tr = a
            .apply(Status::Preparing, None, Cause::Login, t(2))
            .unwrap();
        assert_eq!(tr.from, Status::LoggedOut);
        assert_eq!(a.status, Status::Preparing);
        assert_eq!(a.since, t(2));
    }

    #[test]
    fn the_inbound_loop_is_allowed_step_by_step() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        a.apply(Status::Ready, None, Cause::Manual, t(2)).unwrap();
        a.apply(Status::Ringing, None, Cause::Routed, t(3)).unwrap();
        a.apply(Status::OnCall, None, Cause::Answered, t(4))
            .unwrap();
        a.apply(Status::WrapUp, None, Cause::Hangup, t(5)).unwrap();
        let tr = a.apply(Status::Ready, None, Cause::Manual, t(6)).unwrap();
        assert_eq!(tr.from, Status::WrapUp);
        assert_eq!(tr.from_since, t(5));
    }

    #[test]
    fn only_a_ready_agent_can_be_routed_a_call() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        assert!(a.apply(Status::Ringing, None, Cause::Routed, t(2)).is_err());
    }

    #[test]
    fn a_manual_change_during_a_call_is_refused_with_a_hint() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        a.apply(Status::Ready, None, Cause::Manual, t(2)).unwrap();
        a.apply(Status::Ringing, None, Cause::Routed, t(3)).unwrap();
        a.apply(Status::OnCall, None, Cause::Answered, t(4))
            .unwrap();
        assert_eq!(
            a.apply(Status::Ready, None, Cause::Manual, t(5)),
            Err(StatusError::OnACall)
        );
        assert!(a
            .apply(Status::LoggedOut, None, Cause::Logout, t(5))
            .is_err());
    }

    #[test]
    fn a_missed_ring_goes_to_aux_missed() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        a.apply(Status::Ready, None, Cause::Manual, t(2)).unwrap();
        a.apply(Status::Ringing, None, Cause::Routed, t(3)).unwrap();
        a.apply(Status::Aux, Some(AuxReason::Missed), Cause::Missed, t(18))
            .unwrap();
        assert_eq!(a.reason, Some(AuxReason::Missed));
    }

    #[test]
    fn outbound_dial_goes_dialing_then_on_call_or_straight_to_wrap_up() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        a.apply(Status::Dialing, None, Cause::Manual, t(2)).unwrap();
        a.apply(Status::WrapUp, None, Cause::Hangup, t(9)).unwrap();
        a.apply(Status::Dialing, None, Cause::Manual, t(10))
            .unwrap();
        a.apply(Status::OnCall, None, Cause::Answered, t(12))
            .unwrap();
    }

    #[test]
    fn next_status_applies_after_wrap_up_once() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.next = Some(Target::chosen("aux", Some("meal")).unwrap());
        assert_eq!(a.after_wrap_up().reason, Some(AuxReason::Meal));
        assert_eq!(a.after_wrap_up(), Target::ready());
    }

    #[test]
    fn chosen_targets_are_validated() {
        assert!(Target::chosen("ready", None).is_ok());
        assert_eq!(
            Target::chosen("aux", None),
            Err(StatusError::ReasonRequired)
        );
        assert!(matches!(
            Target::chosen("aux", Some("missed")),
            Err(StatusError::BadReason(_))
        ));
        assert!(matches!(
            Target::chosen("on_call", None),
            Err(StatusError::NotSelectable(_))
        ));
        assert!(matches!(
            Target::chosen("sleeping", None),
            Err(StatusError::NotSelectable(_))
        ));
        for r in [
            "meeting",
            "away",
            "training",
            "interview",
            "other_work",
            "meal",
            "rest",
        ] {
            assert!(Target::chosen("aux", Some(r)).is_ok(), "{r}");
        }
    }

    #[test]
    fn restart_logs_everyone_out_even_mid_call() {
        let mut a = AgentState::logged_out(t(0), Cause::Restart);
        a.apply(Status::Preparing, None, Cause::Login, t(1))
            .unwrap();
        a.apply(Status::Dialing, None, Cause::Manual, t(2)).unwrap();
        a.apply(Status::LoggedOut, None, Cause::Restart, t(3))
            .unwrap();
    }
}
