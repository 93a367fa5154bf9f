//! The wire format of the desk socket: one serde enum per direction. Client frames carry an
//! `id` the server answers with `ack` or `error`; every server frame after `hello` carries a
//! per-connection `seq` (added by the socket session). Names here are the fixed contract of
//! ../shared/DESIGN.md; `docs/protocol.md` shows an example of each.

use crate::domain::ledger::{AgentFigures, CallSpread};
use crate::domain::model::{
    AgentId, AgentPublic, BrandCallsMode, CallId, CallOutcome, Channel, ConsultationSummary,
    Customer,
};
use crate::domain::status::{AuxReason, Cause, Status, Target};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use ts_rs::TS;

/// Largest client frame accepted; a larger one closes the socket with a reason.
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

// ---- client → server ---------------------------------------------------------------------------

/// A request from a desk. Parsed after `type` and `id` were read, so a bad body can still be
/// answered with an `error` frame naming the request's id.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, TS)]
#[ts(export)]
#[serde(tag = "type")]
pub enum ClientRequest {
    #[serde(rename = "status.set")]
    StatusSet {
        status: String,
        #[serde(default)]
        reason: Option<String>,
    },
    /// The status to take when the current call's wrap-up ends; `status: null` clears it.
    #[serde(rename = "status.next")]
    StatusNext {
        #[serde(default)]
        status: Option<String>,
        #[serde(default)]
        reason: Option<String>,
    },
    #[serde(rename = "call.answer", rename_all = "camelCase")]
    CallAnswer { call_id: CallId },
    #[serde(rename = "call.hangup", rename_all = "camelCase")]
    CallHangup { call_id: CallId },
    #[serde(rename = "call.dial", rename_all = "camelCase")]
    CallDial {
        number: String,
        #[serde(default)]
        reservation_id: Option<String>,
    },
    /// Puts my talking call on hold (the caller hears the hold music of the PBX).
    #[serde(rename = "call.hold", rename_all = "camelCase")]
    CallHold { call_id: CallId },
    /// Takes my call off hold.
    #[serde(rename = "call.resume", rename_all = "camelCase")]
    CallResume { call_id: CallId },
    /// Blind transfer (이관) of my talking call to a service's queue (at its head) or to a ready
    /// agent; exactly one of `service` and `agentId`.
    #[serde(rename = "call.transfer", rename_all = "camelCase")]
    CallTransfer {
        call_id: CallId,
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        agent_id: Option<AgentId>,
    },
    /// Touch-tones (0-9, *, #) on my talking call, e.g. for an ARS menu on an outbound call.
    #[serde(rename = "call.dtmf", rename_all = "camelCase")]
    CallDtmf { call_id: CallId, digits: String },
    #[serde(rename = "note.save", rename_all = "camelCase")]
    NoteSave {
        ticket_id: String,
        #[serde(default)]
        category: Option<String>,
        #[serde(default)]
        result: Option<String>,
        content: String,
    },
    /// The note as typed, kept on the server (debounced by the desk); it becomes the note when
    /// wrap-up ends however it ends, unless a `note.save` came after it.
    #[serde(rename = "note.draft", rename_all = "camelCase")]
    NoteDraft {
        ticket_id: String,
        #[serde(default)]
        category: Option<String>,
        #[serde(default)]
        result: Option<String>,
        content: String,
    },
    #[serde(rename = "wrapup.done")]
    WrapupDone {},
    #[serde(rename = "ping")]
    Ping {},
    /// Agent rows while a list is open: `on: true` with an optional filter (a service the agent
    /// serves, a status or `in_service`, and a name / login / extension fragment) answers with an
    /// `agents` frame `reset: true` holding every matching row, then pushes their changes
    /// (rows entering or changing in `changed`, rows leaving the filter in `removed`). A new
    /// `on: true` replaces the filter; `on: false` stops the rows (counts keep coming).
    #[serde(rename = "agents.watch")]
    AgentsWatch {
        on: bool,
        #[serde(default)]
        service: Option<String>,
        #[serde(default)]
        state: Option<String>,
        #[serde(default)]
        q: Option<String>,
    },
    /// Managers: opens the wallboard on this socket (the whole board, then changes).
    #[serde(rename = "wallboard.watch")]
    WallboardWatch {},
    #[serde(rename = "wallboard.unwatch")]
    WallboardUnwatch {},
    /// "Why am I not getting calls?" → ack `data`: RoutingWhy.
    #[serde(rename = "routing.why")]
    RoutingWhy {},
}

/// The request types a desk may send (for error messages).
pub const CLIENT_TYPES: [&str; 17] = [
    "status.set",
    "status.next",
    "call.answer",
    "call.hangup",
    "call.dial",
    "call.hold",
    "call.resume",
    "call.transfer",
    "call.dtmf",
    "note.save",
    "note.draft",
    "wrapup.done",
    "ping",
    "agents.watch",
    "wallboard.watch",
    "wallboard.unwatch",
    "routing.why",
];

/// Decodes one request frame: its `id` (when it has a numeric one) and the request, or the
/// `invalid_message` error to answer it with. Never panics, whatever the text (serde_json
/// refuses nesting deeper than 128 levels instead of recursing on).
pub fn decode_request(text: &str) -> (Option<u64>, Result<ClientRequest, crate::error::AppError>) {
    use crate::error::{AppError, Code};
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let err = AppError::new(Code::InvalidMessage, format!("JSON이 아닙니다: {e}"));
            return (None, Err(err));
        }
    };
    let id = value.get("id").and_then(|v| v.as_u64());
    let kind = value
        .get("type")
        .and_then(|v| v.as_str())
        .unwrap_or("")
        .to_string();
    if !CLIENT_TYPES.contains(&kind.as_str()) {
        let shown: String = kind.chars().take(40).collect();
        let err = AppError::new(
            Code::InvalidMessage,
            format!(
                "알 수 없는 요청 type '{shown}' (expected one of {})",
                CLIENT_TYPES.join(", ")
            ),
        );
        return (id, Err(err));
    }
    match serde_json::from_value(value) {
        Ok(r) => (id, Ok(r)),
        Err(e) => {
            let err = AppError::new(
                Code::InvalidMessage,
                format!("'{kind}' 요청 형식 오류: {e}"),
            );
            (id, Err(err))
        }
    }
}

// ---- server → client ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(tag = "type")]
pub enum ServerMsg {
    #[serde(rename = "hello")]
    Hello(Box<Hello>),
    #[serde(rename = "ack")]
    Ack {
        id: u64,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        data: Option<serde_json::Value>,
    },
    #[serde(rename = "error")]
    Error {
        id: Option<u64>,
        code: String,
        message: String,
    },
    #[serde(rename = "agent.status")]
    AgentStatus(StatusView),
    #[serde(rename = "call.offered")]
    CallOffered(CallView),
    #[serde(rename = "call.connected")]
    CallConnected(CallView),
    /// My call changed without changing state (put on hold, taken off hold).
    #[serde(rename = "call.updated")]
    CallUpdated(CallView),
    #[serde(rename = "call.ended", rename_all = "camelCase")]
    CallEnded {
        call_id: CallId,
        ticket_id: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[ts(optional)]
        external_id: Option<String>,
        /// `agent`, `customer`, `timeout` (ring not answered), `failed` (dial busy / no answer /
        /// could not connect), `transferred` (I handed the call over).
        by: EndedBy,
        outcome: CallOutcome,
        /// Whether the agent now is in wrap-up for this call.
        wrap_up: bool,
    },
    #[serde(rename = "agents")]
    Agents(AgentsView),
    #[serde(rename = "queue")]
    Queue(QueueView),
    #[serde(rename = "stats")]
    Stats(Box<StatsView>),
    #[serde(rename = "consultations")]
    Consultations(ConsultationsView),
    #[serde(rename = "reservations")]
    Reservations(ReservationsView),
    /// A message (문자발송) this agent sent changed: its delivery result is in.
    #[serde(rename = "message")]
    Message(Box<crate::domain::message::Message>),
    #[serde(rename = "pong")]
    Pong {},
    /// The brand's services changed (the admin console added or renamed one).
    #[serde(rename = "services")]
    Services { items: Vec<ServiceView> },
    /// The brand's settings changed (categories, results, timings, 최고콜/전체콜).
    #[serde(rename = "brand")]
    Brand(Box<BrandView>),
    /// The managers' wallboard: the whole board (`full`), then what changed.
    #[serde(rename = "wallboard")]
    Wallboard(Box<WallboardView>),
    /// Something a manager did that this desk must see: a floor notice (공지), my status set by
    /// a manager, my sign-out by a manager.
    #[serde(rename = "notice")]
    Notice(Box<NoticeFrame>),
}

impl ServerMsg {
    /// Serialises once; the socket session adds `seq` per connection.
    pub fn encode(&self) -> Arc<str> {
        Arc::from(serde_json::to_string(self).expect("server frames serialise"))
    }
}

/// Adds `"seq": n` to an encoded server frame (a JSON object).
pub fn with_seq(frame: &str, seq: u64) -> String {
    let body = frame.strip_suffix('}').unwrap_or(frame);
    let sep = if body.ends_with('{') { "" } else { "," };
    format!("{body}{sep}\"seq\":{seq}}}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Agent,
    Customer,
    Timeout,
    Failed,
    Transferred,
    System,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Hello {
    pub agent: AgentPublic,
    pub status: StatusView,
    pub seq: u64,
    pub snapshot: Snapshot,
}

/// Everything the desk shows, at connect time.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub server_time: DateTime<Utc>,
    pub brand: BrandView,
    pub services: Vec<ServiceView>,
    /// The call this agent is ringing / talking / dialing / wrapping up, if any.
    pub call: Option<CallView>,
    /// That call's note as last typed (the draft when one is kept, else the saved note), so a
    /// reloaded desk shows what the agent wrote.
    pub note: Option<NoteView>,
    pub stats: StatsView,
    pub queues: Vec<QueueView>,
    /// Always empty: agent rows come with `agents.watch` while a list is open (a desk of a
    /// 5,000-seat floor does not carry 5,000 rows). Kept for the contract.
    pub agents: Vec<AgentRow>,
    /// 상담중 N, 전체 N and how many agents are in each status.
    pub agent_counts: AgentCounts,
    pub consultations: ConsultationsView,
    pub reservations: ReservationsView,
    /// Today's floor notices for this agent, newest first (at most 10).
    pub notices: Vec<crate::domain::model::Notice>,
}

/// The current call's note, in `hello`.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NoteView {
    pub ticket_id: String,
    pub category: Option<String>,
    pub result: Option<String>,
    pub content: String,
    /// True when this is an unsaved draft; false when it is the saved note.
    pub draft: bool,
    /// When it was last saved (or typed, for a draft); null when nothing was written yet.
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BrandView {
    pub id: u32,
    pub name: String,
    pub timezone: String,
    pub ring_timeout_s: u32,
    pub wrap_up_limit_s: u32,
    pub calls_mode: BrandCallsMode,
    /// 상담유형 choices of the note form.
    pub categories: Vec<String>,
    /// 처리결과 choices of the note form.
    pub results: Vec<String>,
    /// Whether a shopping mall is linked (주문정보 is shown).
    pub has_mall: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    pub code: String,
    pub name: String,
    /// This service's own ring timeout and wrap-up limit, when it has them (else the brand's).
    #[serde(default)]
    pub ring_timeout_s: Option<u32>,
    #[serde(default)]
    pub wrap_up_limit_s: Option<u32>,
}

impl ServiceView {
    /// A service as desks see it.
    pub fn of(s: &crate::domain::model::Service) -> ServiceView {
        ServiceView {
            code: s.code.clone(),
            name: s.name.clone(),
            ring_timeout_s: s.ring_timeout_s,
            wrap_up_limit_s: s.wrap_up_limit_s,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct StatusView {
    pub agent_id: AgentId,
    pub status: Status,
    /// The aux reason when `status` is `aux` (meeting, away, …, missed); otherwise null.
    pub reason: Option<AuxReason>,
    /// Why the transition happened (manual, routed, answered, missed, hangup, …).
    pub cause: Cause,
    pub since: DateTime<Utc>,
    /// The status chosen for after the current call, if any.
    pub next: Option<Target>,
}

/// A call as a desk sees it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CallView {
    pub call_id: CallId,
    pub ticket_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub external_id: Option<String>,
    pub service: String,
    pub service_name: String,
    pub channel: Channel,
    /// The other party: the caller (IN) or the dialled number (OUT), national digits.
    pub from: String,
    /// The same, formatted for display (`010-1234-5678`).
    pub from_display: String,
    pub customer: Option<Customer>,
    /// `ringing`, `on_call`, `dialing` or `wrap_up`.
    pub state: Status,
    pub since: DateTime<Utc>,
    /// When the call was put on hold, while it is on hold.
    pub held_since: Option<DateTime<Utc>>,
    /// Seconds on hold so far (finished holds).
    pub hold_s: i64,
    /// The ticket this call was transferred from (이관), if it was.
    pub transferred_from: Option<String>,
}

/// An agent's place in one service's line (the distributor's real state).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct LinePlace {
    pub service: String,
    /// 1 = the next call of this service is mine.
    pub position: u32,
    /// Ready agents in this service's line.
    pub ready: u32,
    /// Calls waiting in it now.
    pub waiting: u32,
}

/// "Why am I not getting calls?": the reason in plain Korean, from the agent's status and the
/// distributor's lines.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct RoutingWhy {
    /// `logged_out`, `not_ready`, `aux`, `on_call`, `wrap_up`, `no_services`, `no_desk`,
    /// `next`, `in_line`.
    pub code: String,
    pub text: String,
    pub lines: Vec<LinePlace>,
}

/// What a `notice` frame tells.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// A floor notice (공지) to every desk or one service's agents; stored.
    Floor,
    /// A manager set my status (`status`, `reason`; `text` is the manager's note).
    StatusForced,
    /// A manager signed me out (now, or after the call in hand; `text` is the note).
    SignedOut,
}

#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NoticeFrame {
    pub kind: NoticeKind,
    /// The stored notice's id (floor notices).
    pub id: Option<u64>,
    pub text: String,
    pub service: Option<String>,
    pub by_name: String,
    pub at: DateTime<Utc>,
    pub status: Option<Status>,
    pub reason: Option<AuxReason>,
    /// The status applies after the call in hand (a forced status during a call).
    pub after_call: bool,
}

impl NoticeFrame {
    pub fn floor(n: &crate::domain::model::Notice) -> NoticeFrame {
        NoticeFrame {
            kind: NoticeKind::Floor,
            id: Some(n.id),
            text: n.text.clone(),
            service: n.service.clone(),
            by_name: n.by_name.clone(),
            at: n.at,
            status: None,
            reason: None,
            after_call: false,
        }
    }
}

/// The call an agent holds, as the wallboard shows it.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CallBrief {
    pub service: String,
    pub service_name: String,
    pub channel: Channel,
    /// When the agent took it (offered or dialed).
    pub since: DateTime<Utc>,
}

/// A service's tile on the wallboard: now, today, and the Erlang C outlook. Rates are percent
/// with one decimal, `null` with no answered or abandoned call yet (definitions in
/// docs/wallboard.md).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTile {
    pub code: String,
    pub name: String,
    /// 대기콜: waiting now.
    pub waiting: u32,
    /// 최장대기 when the board was made; `oldestSince` lets the board tick it.
    pub longest_wait_s: i64,
    pub oldest_since: Option<DateTime<Utc>>,
    pub offered: u32,
    pub answered: u32,
    pub abandoned: u32,
    pub short_abandoned: u32,
    pub answered_in_sl: u32,
    pub service_level: Option<f64>,
    pub answer_rate: Option<f64>,
    pub abandon_rate: Option<f64>,
    pub asa_s: Option<f64>,
    pub aht_s: Option<f64>,
    /// Total wait of answered calls (ms) and talk + wrap-up (s): ASA's and AHT's numerators.
    pub wait_answered_ms: u64,
    pub handle_s: u64,
    /// Answered calls by wait: < 10 s, < 20, < 30, < 60, ≥ 60 s.
    pub wait_buckets: [u32; 5],
    /// Calls that arrived in the last 15 minutes (the Erlang C arrival rate).
    pub arrivals_15m: u32,
    /// Erlang C: a new caller's expected wait, seconds; `null` when overloaded or unknown.
    pub estimated_wait_s: Option<f64>,
    /// The offered load reaches the agents serving now (과부하).
    pub overloaded: bool,
    /// Offered load, Erlangs (arrivals of the last 15 min × today's AHT).
    pub load_erlangs: Option<f64>,
    /// The fewest agents whose Erlang C service level meets the target now.
    pub agents_needed: Option<u32>,
    /// Agents serving this service now (ready, ringing, on a call, dialing or in wrap-up).
    pub agents_staffed: u32,
    pub ready: u32,
    /// Ringing, on a call or dialing.
    pub on_call: u32,
    pub wrap_up: u32,
    /// 기타 (aux) and 상담준비.
    pub other: u32,
    pub service_level_s: u32,
    pub short_abandon_s: u32,
    pub sl_target_pct: u32,
}

/// An agent's row on the wallboard.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BoardAgent {
    pub id: AgentId,
    pub login: String,
    pub name: String,
    pub extension: String,
    pub services: Vec<String>,
    pub status: Status,
    pub reason: Option<AuxReason>,
    pub since: DateTime<Utc>,
    pub call: Option<CallBrief>,
    pub calls_in: u32,
    pub calls_out: u32,
    pub talk_s: i64,
    pub wrap_up_s: i64,
    pub away_s: i64,
    pub ready_s: i64,
    /// (talk + wrap-up + ringing + dialing) ÷ (that + ready), percent, one decimal.
    pub occupancy: Option<f64>,
    /// Signed in, but no desk socket has been heard from lately (before it times out).
    pub stale: bool,
}

/// One 30-minute interval of today (local time), all services together.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct IntervalRow {
    /// 0 = 00:00–00:30, 18 = 09:00–09:30, …
    pub slot: u16,
    /// `09:00`.
    pub start: String,
    pub offered: u32,
    pub answered: u32,
    pub abandoned: u32,
    pub short_abandoned: u32,
    pub service_level: Option<f64>,
}

/// The wallboard: the whole board (`full: true`, on `wallboard.watch` and from
/// `GET /api/wallboard`), or what changed (services whole, agent rows, today's intervals).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct WallboardView {
    pub full: bool,
    pub date: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub services: Vec<ServiceTile>,
    pub agents: Vec<BoardAgent>,
    pub intervals: Vec<IntervalRow>,
    /// The brand's colour thresholds (with every board).
    pub settings: crate::domain::model::WallboardSettings,
}

/// One agent in the 상담중 / 전체 lists.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AgentRow {
    pub agent_id: AgentId,
    pub name: String,
    pub extension: String,
    pub status: Status,
    pub reason: Option<AuxReason>,
    pub since: DateTime<Utc>,
    pub in_service: bool,
}

/// The floor in figures: 상담중 N, 전체 N, and agents per status.
#[derive(Debug, Clone, Default, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AgentCounts {
    /// 상담중 상담사 (N).
    pub in_service_count: u32,
    /// 전체 상담사 (N).
    pub all_count: u32,
    /// Agents per status (`ready`, `on_call`, …, `logged_out`); statuses with none are left out.
    #[ts(type = "Record<string, number>")]
    pub by_state: std::collections::BTreeMap<Status, u32>,
}

/// The agent lists' frame (pushed coalesced, at most 4 a second). Every desk gets the counts
/// when they change; rows only a desk watching a list gets (`agents.watch`): with `reset` the
/// full list for its filter, then what changed in it and which rows left it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AgentsView {
    pub changed: Vec<AgentRow>,
    /// Rows that left the watched filter (or the brand).
    pub removed: Vec<AgentId>,
    /// `changed` is the whole list for the filter: replace what is shown.
    pub reset: bool,
    /// 상담중 상담사 (N).
    pub in_service_count: u32,
    /// 전체 상담사 (N).
    pub all_count: u32,
    #[ts(type = "Record<string, number>")]
    pub by_state: std::collections::BTreeMap<Status, u32>,
}

/// One service's queue (상담 대기중).
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct QueueView {
    pub service: String,
    pub service_name: String,
    pub waiting: u32,
    pub longest_wait_s: i64,
    /// When the longest-waiting call arrived, so a desk can run the timer itself.
    pub oldest_since: Option<DateTime<Utc>>,
    pub answered: u32,
    pub abandoned: u32,
}

/// Today's figures: mine and the brand's.
#[derive(Debug, Clone, Serialize, PartialEq, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct StatsView {
    pub date: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub agent: AgentFigures,
    pub brand: BrandFigures,
}

#[derive(Debug, Clone, Serialize, PartialEq, Default, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct BrandFigures {
    /// Which of 최고콜 / 전체콜 the monitor shows.
    pub calls_mode: BrandCallsMode,
    #[serde(flatten)]
    pub spread: CallSpread,
    pub answered: u32,
    pub abandoned: u32,
    pub waiting: u32,
    pub longest_wait_s: i64,
}

/// My consultations today (상담 현황): the whole list in `hello`, changed items afterwards.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationsView {
    pub items: Vec<ConsultationSummary>,
    /// True in `hello`: `items` is the whole list. False: `items` are added or changed ones.
    pub full: bool,
    pub in_count: u32,
    pub out_count: u32,
    pub total: u32,
}

/// 예약 현황: my unprocessed reservations (mine, and my services' pool) soonest first, with
/// counts per type. Sent whole in `hello` and on every change.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ReservationsView {
    pub items: Vec<crate::domain::reservation::Reservation>,
    /// 직접
    pub direct: u32,
    /// 대량
    pub bulk: u32,
    /// 콜백
    pub callback: u32,
    pub total: u32,
    /// Scheduled time already passed.
    pub overdue: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_requests_parse_by_type() {
        let r: ClientRequest =
            serde_json::from_str(r#"{"type":"status.set","status":"aux","reason":"meal"}"#)
                .unwrap();
        assert_eq!(
            r,
            ClientRequest::StatusSet {
                status: "aux".into(),
                reason: Some("meal".into())
            }
        );
        let r: ClientRequest =
            serde_json::from_str(r#"{"type":"call.answer","callId":7}"#).unwrap();
        assert_eq!(r, ClientRequest::CallAnswer { call_id: 7 });
        let r: ClientRequest = serde_json::from_str(r#"{"type":"wrapup.done"}"#).unwrap();
        assert_eq!(r, ClientRequest::WrapupDone {});
    }

    #[test]
    fn seq_is_spliced_into_an_encoded_frame() {
        let f = ServerMsg::Pong {}.encode();
        assert_eq!(with_seq(&f, 3), r#"{"type":"pong","seq":3}"#);
        let v: serde_json::Value =
            serde_json::from_str(&with_seq(&ServerMsg::Ack { id: 1, data: None }.encode(), 9))
                .unwrap();
        assert_eq!(v["seq"], 9);
        assert_eq!(v["type"], "ack");
        assert_eq!(with_seq("{}", 1), r#"{"seq":1}"#);
    }
}
