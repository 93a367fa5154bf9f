//! The telephony side. Calls enter the engine through one internal interface (the `Engine`
//! methods `inbound_call`, `customer_hangup`, `far_end_answered`, `dial_failed`), used alike by
//! the HTTP gateway (`api::telephony`) and the built-in simulator. Commands for the PBX (ring an
//! extension, bridge, originate, hang up, hold / resume, transfer, touch-tones) go out through
//! the `CommandBus`: as webhooks to a configured URL and, when it runs, to the simulator.

pub mod simulator;
pub mod webhook;

use crate::domain::model::{BrandId, CallId};
use actix::{Message, Recipient};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    /// Ring the agent's extension for a queued inbound call.
    Ring,
    /// Connect the caller and the agent (answered) / the agent and the far end (outbound).
    Bridge,
    /// Place an outbound call from the agent's extension to `number`.
    Originate,
    /// Stop ringing the extension: the ring timed out and the call went back to its queue.
    StopRing,
    /// Drop the call.
    Hangup,
    /// Put the caller on hold (hold music) / take them off hold.
    Hold,
    Resume,
    /// Blind transfer (이관): keep the caller, drop the agent's leg; the caller continues as
    /// `transfer.newCallId`, rung later with a `ring` of that call (or queued meanwhile).
    Transfer,
    /// Play touch-tones `digits` into the call.
    Dtmf,
}

/// Where a transferred call goes, in a `transfer` command.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferInfo {
    pub new_call_id: CallId,
    pub new_ticket_id: String,
    /// The service whose queue the caller waits in.
    pub service: String,
    /// The extension of the agent it was transferred to, when it went to an agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
}

/// One command to the PBX, as POSTed to the webhook URL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Message)]
#[rtype(result = "()")]
#[serde(rename_all = "camelCase")]
pub struct Command {
    pub command: CommandKind,
    pub brand_id: BrandId,
    pub call_id: CallId,
    pub ticket_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    pub service: String,
    /// The customer's number (caller for inbound, dialled number for outbound).
    pub number: String,
    /// The agent's extension, when an agent is involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// `dtmf`: the tones to play.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digits: Option<String>,
    /// `transfer`: where the caller goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferInfo>,
}

/// Where commands go. Cheap to clone; sending never blocks the caller.
#[derive(Clone, Default)]
pub struct CommandBus {
    webhook: Option<webhook::Webhook>,
    simulator: Option<Recipient<Command>>,
}

impl CommandBus {
    pub fn new(webhook_url: Option<String>, telephony_key: String) -> Self {
        CommandBus {
            webhook: webhook_url.map(|u| webhook::Webhook::new(u, telephony_key)),
            simulator: None,
        }
    }

    pub fn with_simulator(mut self, r: Recipient<Command>) -> Self {
        self.simulator = Some(r);
        self
    }

    pub fn send(&self, cmd: Command) {
        tracing::debug!(call_id = cmd.call_id, command = ?cmd.command, "telephony command");
        if let Some(s) = &self.simulator {
            s.do_send(cmd.clone());
        }
        if let Some(w) = &self.webhook {
            w.post(cmd);
        }
    }
}
