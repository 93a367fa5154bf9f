//! Messages between the engine's actors. Commands are verbs, events past tense; every message
//! says its result type. Desk-facing errors come back as `AppError`.

use super::agent::AgentActor;
use super::call::CallActor;
use crate::domain::model::{AgentId, CallId, CallOutcome, Channel};
use crate::domain::phone::Phone;
use crate::domain::status::{Cause, Target, Transition};
use crate::error::AppError;
use crate::protocol::{AgentRow, CallView, EndedBy, QueueView, StatsView, StatusView};
use actix::{Addr, Message};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Encoded event frames for a desk socket, written together in one turn (the session adds
/// `seq` to each), followed by the state frames held for it in its `SessionLink` (a floor
/// tick's counts, queues and figures, coalesced); an empty one only wakes it for those. `at`:
/// when it was pushed (the socket's wait for its writer, `telemetry::SOCKET_WAIT`).
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Push(pub Vec<Arc<str>>, pub std::time::Instant);

/// Which thread an actor runs on. The routing actors (queues, distributors, agents, calls) must
/// all be on `Engine::routing`, whoever started them; this lets a test check it.
#[derive(Message, Clone, Copy)]
#[rtype(result = "std::thread::ThreadId")]
pub struct WhereAmI;

/// Asks a desk socket to close (logout, token revoked).
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct CloseSession(pub String);

// ---- to AgentActor ---------------------------------------------------------------------------

#[derive(Message)]
#[rtype(result = "StatusView")]
pub struct Login;

#[derive(Message)]
#[rtype(result = "Result<StatusView, AppError>")]
pub struct Logout {
    pub cause: Cause,
}

#[derive(Message)]
#[rtype(result = "Result<StatusView, AppError>")]
pub struct SetStatus {
    pub target: Target,
    pub cause: Cause,
}

#[derive(Message)]
#[rtype(result = "Result<StatusView, AppError>")]
pub struct SetNext {
    pub target: Option<Target>,
}

/// Puts my call on hold (`on`) or takes it off hold.
#[derive(Message)]
#[rtype(result = "Result<CallView, AppError>")]
pub struct HoldCall {
    pub call_id: CallId,
    pub on: bool,
}

/// Hands my talking call over to `to` (a new call of the same caller, already on disk): my leg
/// ends (wrap-up) and the new call is offered to `direct` or queued at the head of its service.
#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct TransferCall {
    pub call_id: CallId,
    pub to: CallView,
    pub direct: Option<Addr<AgentActor>>,
    /// The extension to ring when transferring to an agent (for the PBX).
    pub target_extension: Option<String>,
}

/// Sends touch-tones on my talking call.
#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct SendDtmf {
    pub call_id: CallId,
    pub digits: String,
}

/// The person's record changed (name, extension, role, services): takes effect at once; a
/// ready agent is re-queued for their new services, keeping their place (ready since).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Reconfigure(pub crate::domain::model::AgentPublic);

/// The person was deactivated: logged out now, or when the call in hand (and its wrap-up) ends.
#[derive(Message)]
#[rtype(result = "StatusView")]
pub struct Deactivate;

/// Reactivated before a deactivation took effect (still on the call): stays.
#[derive(Message)]
#[rtype(result = "()")]
pub struct StayActive;

/// The distributor offers a queued call; the agent takes it only if still ready.
#[derive(Message)]
#[rtype(result = "bool")]
pub struct Offer {
    pub call: CallView,
    pub call_addr: Addr<CallActor>,
}

#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct AnswerCall {
    pub call_id: CallId,
}

#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct HangupCall {
    pub call_id: CallId,
}

#[derive(Message)]
#[rtype(result = "Result<CallView, AppError>")]
pub struct Dial {
    pub number: Phone,
    /// The reservation this dial is for (already claimed by the agent).
    pub reservation_id: Option<u64>,
}

#[derive(Message)]
#[rtype(result = "Result<StatusView, AppError>")]
pub struct WrapupDone;

#[derive(Message)]
#[rtype(result = "(StatusView, Option<CallView>)")]
pub struct GetAgentView;

/// A desk socket opened or closed; `open` is how many remain.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SessionsChanged {
    pub open: usize,
}

/// From the call: the far end of an outbound call answered.
#[derive(Message)]
#[rtype(result = "()")]
pub struct CallConnected {
    pub call_id: CallId,
    pub at: DateTime<Utc>,
}

/// From the call: it is over (or was gone before the agent could ring).
#[derive(Message)]
#[rtype(result = "()")]
pub struct CallFinished {
    pub call_id: CallId,
    pub by: EndedBy,
    pub outcome: CallOutcome,
    pub at: DateTime<Utc>,
}

/// From the call: the agent let it ring out.
#[derive(Message)]
#[rtype(result = "()")]
pub struct RingMissed {
    pub call_id: CallId,
    pub at: DateTime<Utc>,
}

// ---- to CallActor ----------------------------------------------------------------------------

/// From the agent that accepted the offer: start ringing it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Ring {
    pub agent_id: AgentId,
    pub agent_name: String,
    pub extension: String,
    pub agent: Addr<AgentActor>,
}

#[derive(Message)]
#[rtype(result = "Result<DateTime<Utc>, AppError>")]
pub struct Answer {
    pub agent_id: AgentId,
}

#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct Hangup {
    pub by: EndedBy,
}

/// From the telephony side: an outbound call was answered by the far end.
#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct FarEndAnswered;

/// From the telephony side: an outbound call failed.
#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct DialFailed {
    pub outcome: CallOutcome,
}

// ---- to Distributor --------------------------------------------------------------------------

#[derive(Message)]
#[rtype(result = "()")]
pub struct Enqueue {
    pub call: CallView,
    pub addr: Addr<CallActor>,
    pub arrived_at: DateTime<Utc>,
    /// A call taken back from a ring goes to the head of its queue.
    pub at_head: bool,
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct AgentReady {
    pub agent_id: AgentId,
    pub services: Vec<String>,
    pub since: DateTime<Utc>,
    pub addr: Addr<AgentActor>,
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct AgentNotReady {
    pub agent_id: AgentId,
}

/// The caller of a queued call hung up.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Dequeue {
    pub call_id: CallId,
    pub service: String,
}

// ---- to QueueActor ---------------------------------------------------------------------------

#[derive(Message)]
#[rtype(result = "()")]
pub struct QueueJoined {
    pub call_id: CallId,
    pub since: DateTime<Utc>,
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct QueueLeft {
    pub call_id: CallId,
}

/// A call of this queue was answered (`true`) or abandoned (`false`).
#[derive(Message)]
#[rtype(result = "()")]
pub struct QueueOutcome {
    pub answered: bool,
}

#[derive(Message)]
#[rtype(result = "QueueView")]
pub struct GetQueueView;

// ---- to StatsActor ---------------------------------------------------------------------------

#[derive(Message)]
#[rtype(result = "()")]
pub struct StatusChanged {
    pub agent_id: AgentId,
    pub transition: Transition,
}

/// A call counted for an agent: `channel` when it counts as IN/OUT, `talked` when it reached talk.
#[derive(Message)]
#[rtype(result = "()")]
pub struct CallCounted {
    pub agent_id: AgentId,
    pub channel: Option<Channel>,
    pub talked: bool,
}

#[derive(Message)]
#[rtype(result = "()")]
pub struct QueueFigures(pub QueueView);

/// An agent's figures (with the brand's) and the floor's counts.
#[derive(Message)]
#[rtype(result = "(StatsView, crate::protocol::AgentCounts)")]
pub struct GetStats {
    pub agent_id: AgentId,
    /// The brand's figures as of now; otherwise they may be up to one push interval old (a
    /// desk's `hello`, so a shift start of thousands of desks costs one computation a tick).
    pub fresh: bool,
}

/// A desk socket opens (`Some` filter) or closes (`None`) its agent list; answers with how many
/// rows the list holds.
#[derive(Message)]
#[rtype(result = "usize")]
pub struct WatchAgents {
    pub agent_id: AgentId,
    pub session: u64,
    pub filter: Option<super::watch::AgentFilter>,
}

#[derive(Message)]
#[rtype(result = "Vec<AgentRow>")]
pub struct GetAgentRows;

/// Write the realtime snapshot now (shutdown, tests).
#[derive(Message)]
#[rtype(result = "()")]
pub struct FlushSnapshot;

// ---- call controls (to CallActor) ------------------------------------------------------------

/// Hold on / off; answers the instant it took effect.
#[derive(Message)]
#[rtype(result = "Result<DateTime<Utc>, AppError>")]
pub struct SetHold {
    pub on: bool,
}

/// Transfers the connected call: the PBX is told, this call ends as transferred, and the new
/// call (its consultation already on disk) starts.
#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct Transfer {
    pub to: CallView,
    pub direct: Option<Addr<AgentActor>>,
    pub target_extension: Option<String>,
}

#[derive(Message)]
#[rtype(result = "Result<(), AppError>")]
pub struct Dtmf {
    pub digits: String,
}

// ---- to StatsActor (hold) --------------------------------------------------------------------

/// A stretch of hold time to count in the agent's day (보류).
#[derive(Message)]
#[rtype(result = "()")]
pub struct HoldCounted {
    pub agent_id: AgentId,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// A person was added to the brand or changed: the floor's lists follow.
#[derive(Message)]
#[rtype(result = "()")]
pub struct MemberUpserted(pub crate::domain::model::AgentPublic);

/// The brand's queues now (a service was added).
#[derive(Message)]
#[rtype(result = "()")]
pub struct QueuesChanged(
    pub Arc<std::collections::HashMap<String, Addr<super::queue::QueueActor>>>,
);

/// The brand's settings changed (admin console): actors that keep a copy take the new one.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct BrandSettings(pub Arc<crate::domain::model::Brand>);

// ---- to StatsActor (wallboard) --------------------------------------------------------------

/// An inbound consultation was written (arrival, answer, end, wrap-up): the wallboard's
/// service figures follow it.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Consulted(pub crate::domain::model::Consultation);

/// The call an agent now holds (offered or dialed), for the wallboard's row.
#[derive(Message)]
#[rtype(result = "()")]
pub struct AgentCall {
    pub agent_id: AgentId,
    pub call: crate::protocol::CallBrief,
}

/// Opens (`on`) or closes a socket's wallboard; an opened one gets the whole board at once.
#[derive(Message)]
#[rtype(result = "()")]
pub struct WatchWallboard {
    pub agent_id: AgentId,
    pub session: u64,
    pub on: bool,
}

/// The whole wallboard now.
#[derive(Message)]
#[rtype(result = "crate::protocol::WallboardView")]
pub struct GetWallboard;

// ---- to AgentActor (floor control) ------------------------------------------------------------

/// A manager sets this agent's status: now, or after the call in hand (then it is the agent's
/// after-call status). The desk is told who did it and why.
#[derive(Message)]
#[rtype(result = "Result<crate::protocol::StatusView, AppError>")]
pub struct ForceStatus {
    pub target: Target,
    pub notice: crate::protocol::NoticeFrame,
}

/// A manager signs this agent out: now, or once the call in hand and its wrap-up end. Answers
/// whether it happened now (`true`) or waits for the call.
#[derive(Message)]
#[rtype(result = "Result<bool, AppError>")]
pub struct SignOut {
    pub notice: crate::protocol::NoticeFrame,
}

/// Where an agent stands in the distributor's lines: per service they serve, their place among
/// the ready agents (1 = next) and the calls waiting. Empty when the agent is not in line.
#[derive(Message)]
#[rtype(result = "Vec<crate::protocol::LinePlace>")]
pub struct ExplainRouting {
    pub agent_id: AgentId,
}

/// Every agent's day so far (today, the open status counted up to now), for the daily report.
#[derive(Message)]
#[rtype(result = "(chrono::NaiveDate, Vec<(AgentId, crate::domain::ledger::AgentDay)>)")]
pub struct GetAgentDays;
