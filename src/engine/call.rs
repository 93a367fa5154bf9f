//! `CallActor`: one per live call. Owns the call's lifecycle (queued → ringing → connected →
//! ended for inbound; dialing → connected / failed for outbound), its timers (ring timeout,
//! dial timeout), the consultation's call times, and the commands sent to the telephony side.
//! It is the single authority on the call's state: agents learn what happened from it.

use super::agent::AgentActor;
use super::messages::*;
use super::registry::BrandRuntime;
use super::Engine;
use crate::domain::ledger::local_date;
use crate::domain::model::{AgentId, AgentPublic, CallOutcome, Channel, Consultation};
use crate::domain::phone::Phone;
use crate::domain::status::Status;
use crate::error::{AppError, AppResult, Code};
use crate::protocol::{CallView, EndedBy};
use crate::store;
use crate::telephony::{Command, CommandKind};
use actix::prelude::*;
use chrono::{DateTime, Utc};
use std::time::Duration;

enum CallState {
    Queued,
    Ringing {
        agent: AgentId,
        addr: Addr<AgentActor>,
    },
    Dialing {
        addr: Addr<AgentActor>,
    },
    Connected {
        addr: Addr<AgentActor>,
    },
    Ended,
}

pub struct CallActor {
    engine: Engine,
    brand: BrandRuntime,
    view: CallView,
    state: CallState,
    arrived_at: DateTime<Utc>,
    offered_at: Option<DateTime<Utc>>,
    answered_at: Option<DateTime<Utc>>,
    extension: Option<String>,
    timer: Option<SpawnHandle>,
    /// The reservation an outbound call was dialed for, and by whom.
    reservation: Option<(u64, AgentId)>,
    /// On hold since, and the seconds of finished holds.
    held_since: Option<DateTime<Utc>>,
    hold_s: i64,
    /// A transferred call's first offer goes to this agent (transfer to an agent).
    direct: Option<Addr<AgentActor>>,
    /// Queued by whoever started it (a gateway arrival: `Engine::inbound_call` hands it to the
    /// distributor as it starts the actor), so `started` does not queue it again.
    enqueued: bool,
    /// The ticket this call was transferred to.
    transferred_to: Option<String>,
    /// When this actor was made (for an inbound call: as the gateway's POST was handled), on
    /// the process's monotonic clock, for the latency metrics.
    born: std::time::Instant,
}

/// Creates the consultation (and ticket) of an outbound call before the agent starts dialing.
pub async fn prepare_outbound(
    engine: &Engine,
    brand: &BrandRuntime,
    me: &AgentPublic,
    number: &Phone,
    reservation_id: Option<u64>,
) -> AppResult<(CallView, Consultation)> {
    engine.check_dnc(brand.brand.id, number.digits())?;
    let svc = brand
        .services
        .iter()
        .find(|s| me.services.contains(&s.code))
        .or_else(|| brand.services.first())
        .cloned()
        .ok_or_else(|| AppError::new(Code::Conflict, "브랜드에 서비스가 없습니다"))?;
    let customer = engine
        .store
        .customer_by_phone(brand.brand.id, number.digits())?;
    let now = engine.now();
    let draft = Consultation {
        ticket_id: String::new(),
        brand_id: brand.brand.id,
        call_id: 0,
        channel: Channel::Out,
        service: svc.code.clone(),
        service_name: svc.name.clone(),
        number: number.digits().to_string(),
        external_id: None,
        agent_id: Some(me.id),
        agent_name: Some(me.name.clone()),
        customer_id: customer.as_ref().map(|c| c.id),
        arrived_at: now,
        offered_at: Some(now),
        answered_at: None,
        ended_at: None,
        wrap_up_ended_at: None,
        wait_s: 0,
        talk_s: 0,
        wrap_up_s: 0,
        outcome: CallOutcome::Live,
        category: None,
        result: None,
        content: String::new(),
        updated_at: now,
        updated_by: None,
        reservation_id,
        hold_s: 0,
        transferred_from: None,
        transferred_to: None,
    };
    let day = local_date(now, brand.brand.tz());
    let (call_id, ticket_id) = engine.number_call(day).await?;
    let mut made = draft;
    made.call_id = call_id;
    made.ticket_id = ticket_id;
    let stored = made.clone();
    engine
        .store
        .write(move |tx| store::insert_consultation(tx, &stored))
        .await?;
    let view = CallView {
        call_id: made.call_id,
        ticket_id: made.ticket_id.clone(),
        external_id: None,
        service: svc.code,
        service_name: svc.name,
        channel: Channel::Out,
        from: number.digits().to_string(),
        from_display: number.display(),
        customer,
        state: Status::Dialing,
        since: now,
        held_since: None,
        hold_s: 0,
        transferred_from: None,
    };
    Ok((view, made))
}

impl CallActor {
    /// A call waiting for an agent: a new arrival (queued at the back of its service), or the
    /// new leg of a transfer (offered to `direct` first, else queued at the head).
    pub fn inbound(
        engine: Engine,
        brand: BrandRuntime,
        view: CallView,
        direct: Option<Addr<AgentActor>>,
    ) -> Self {
        let arrived_at = view.since;
        CallActor {
            engine,
            brand,
            view,
            state: CallState::Queued,
            arrived_at,
            offered_at: None,
            answered_at: None,
            extension: None,
            timer: None,
            reservation: None,
            held_since: None,
            hold_s: 0,
            direct,
            enqueued: false,
            transferred_to: None,
            born: std::time::Instant::now(),
        }
    }

    /// A new arrival from the gateway that the caller queues itself (`Enqueue` with this
    /// actor's address, sent as the actor is started): the distributor matches it while the
    /// actor starts on the routing thread, one message fewer on the way to the ring.
    pub fn arrival(engine: Engine, brand: BrandRuntime, view: CallView) -> Self {
        CallActor {
            enqueued: true,
            ..Self::inbound(engine, brand, view, None)
        }
    }

    pub fn outbound(
        engine: Engine,
        brand: BrandRuntime,
        view: CallView,
        consultation: Consultation,
        agent: Addr<AgentActor>,
        me: AgentPublic,
    ) -> Self {
        CallActor {
            engine,
            brand,
            state: CallState::Dialing { addr: agent },
            arrived_at: consultation.arrived_at,
            offered_at: consultation.offered_at,
            answered_at: None,
            extension: Some(me.extension),
            timer: None,
            reservation: consultation.reservation_id.map(|r| (r, me.id)),
            view,
            held_since: None,
            hold_s: 0,
            direct: None,
            enqueued: false,
            transferred_to: None,
            born: std::time::Instant::now(),
        }
    }

    /// Records the caller's wait (inbound calls) as it ends: answered or abandoned.
    fn waited(&self, outcome: &'static str) {
        if self.view.channel == Channel::In {
            metrics::histogram!(crate::telemetry::QUEUE_WAIT, "outcome" => outcome)
                .record(self.born.elapsed().as_secs_f64());
        }
    }

    fn command(&self, kind: CommandKind) {
        self.engine.commands.send(self.command_of(kind));
    }

    fn command_of(&self, kind: CommandKind) -> Command {
        Command {
            command: kind,
            brand_id: self.brand.brand.id,
            call_id: self.view.call_id,
            ticket_id: self.view.ticket_id.clone(),
            external_id: self.view.external_id.clone(),
            service: self.view.service.clone(),
            number: self.view.from.clone(),
            extension: self.extension.clone(),
            digits: None,
            transfer: None,
        }
    }

    /// Queues the call in its service: at the back for a new arrival, at the head for a call
    /// taken back from a ring or handed over by another agent.
    fn enqueue(&self, at_head: bool, ctx: &mut Context<Self>) {
        self.brand.distributor.do_send(Enqueue {
            call: self.view.clone(),
            addr: ctx.address(),
            arrived_at: self.arrived_at,
            at_head,
        });
    }

    fn cancel_timer(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.timer.take() {
            ctx.cancel_future(h);
        }
    }

    fn queue_outcome(&self, answered: bool) {
        if let Some(q) = self.brand.queues.get(&self.view.service) {
            q.do_send(QueueOutcome { answered });
        }
    }

    /// Writes the call's times to its consultation (durable when the future resolves) and
    /// pushes it to the agent's desks once the call has ended.
    fn record_durably(
        &self,
        edit: impl Fn(&mut Consultation) + Send + 'static,
    ) -> impl std::future::Future<Output = Result<(), AppError>> + 'static {
        let engine = self.engine.clone();
        let ticket = self.view.ticket_id.clone();
        async move {
            let t = ticket.clone();
            let res = engine
                .store
                .write(move |tx| {
                    store::update_consultation(tx, &t, |c| {
                        edit(c);
                        Ok(())
                    })
                })
                .await;
            match res {
                Ok(c) => {
                    engine.consulted(&c);
                    if c.ended_at.is_some() {
                        engine.push_consultation(&c);
                    }
                    Ok(())
                }
                Err(e) => {
                    tracing::error!(ticket = %ticket, error = %e, "call times not recorded");
                    Err(e.into())
                }
            }
        }
    }

    /// The same, in the background.
    fn record(&self, edit: impl Fn(&mut Consultation) + Send + 'static) {
        let fut = self.record_durably(edit);
        actix::spawn(async move {
            let _ = fut.await;
        });
    }

    fn end(&mut self, outcome: CallOutcome, ctx: &mut Context<Self>) {
        self.cancel_timer(ctx);
        if outcome == CallOutcome::Abandoned {
            self.waited("abandoned");
        }
        if let Some((id, agent)) = self.reservation.take() {
            let result = match outcome {
                CallOutcome::Busy => "busy",
                CallOutcome::NoAnswer => "no_answer",
                CallOutcome::Failed => "failed",
                CallOutcome::Cancelled => "cancelled",
                _ if self.answered_at.is_some() => "connected",
                _ => "no_answer",
            };
            let attempt = crate::domain::reservation::Attempt {
                at: self.engine.now(),
                agent_id: agent,
                ticket_id: self.view.ticket_id.clone(),
                result: result.to_string(),
            };
            let engine = self.engine.clone();
            let brand = self.brand.brand.id;
            actix::spawn(async move {
                engine.reservation_attempt(brand, id, attempt).await;
                // Only now may the claim lapse: its attempt is on record.
                engine.registry.reservation_calls.remove(&id);
            });
        }
        self.state = CallState::Ended;
        let now = self.engine.now();
        if let Some(from) = self.held_since.take() {
            self.hold_s += (now - from).num_seconds().max(0);
        }
        let arrived = self.arrived_at;
        let answered = self.answered_at;
        let offered = self.offered_at;
        let hold_s = self.hold_s;
        let transferred_to = self.transferred_to.clone();
        self.record(move |c| {
            c.ended_at = Some(now);
            c.outcome = outcome;
            c.hold_s = hold_s;
            if transferred_to.is_some() {
                c.transferred_to = transferred_to.clone();
            }
            c.offered_at = c.offered_at.or(offered);
            c.talk_s = answered
                .map(|a| (now - a).num_seconds().max(0))
                .unwrap_or(0);
            if answered.is_none() && c.channel == Channel::In {
                c.wait_s = (now - arrived).num_seconds().max(0);
            }
        });
        // Deregister now; linger a moment so a ring already on its way is still answered
        // (with "gone") instead of being dropped by a closed mailbox.
        self.engine.registry.calls.remove(&self.view.call_id);
        ctx.run_later(LINGER, |_, ctx| ctx.stop());
    }
}

/// How long an ended call stays alive to answer late messages.
const LINGER: Duration = Duration::from_secs(5);

/// Answered once the call has started (it is in the registry by its id).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Started;

impl Handler<Started> for CallActor {
    type Result = ();
    fn handle(&mut self, _: Started, _: &mut Context<Self>) {}
}

impl Actor for CallActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.engine
            .registry
            .calls
            .insert(self.view.call_id, ctx.address());
        if let Some((id, _)) = self.reservation {
            self.engine
                .registry
                .reservation_calls
                .insert(id, self.view.call_id);
        }
        match self.state {
            CallState::Queued => match self.direct.take() {
                // Transferred to an agent: offered to them first; if they can no longer take
                // it, it waits at the head of its service's queue.
                Some(agent) => {
                    let offer = Offer {
                        call: self.view.clone(),
                        call_addr: ctx.address(),
                    };
                    agent
                        .send(offer)
                        .into_actor(self)
                        .map(|taken, act, ctx| {
                            if !matches!(taken, Ok(true)) && matches!(act.state, CallState::Queued)
                            {
                                act.enqueue(true, ctx);
                            }
                        })
                        .spawn(ctx);
                }
                None if self.enqueued => {}
                None => self.enqueue(self.view.transferred_from.is_some(), ctx),
            },
            CallState::Dialing { .. } => {
                self.command(CommandKind::Originate);
                let limit = Duration::from_secs(self.engine.settings.dial_timeout_s);
                self.timer = Some(ctx.run_later(limit, |act, ctx| {
                    act.timer = None;
                    if let CallState::Dialing { .. } = act.state {
                        act.fail(CallOutcome::NoAnswer, ctx);
                    }
                }));
            }
            _ => {}
        }
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.engine.registry.calls.remove(&self.view.call_id);
        if let Some((id, _)) = self.reservation {
            self.engine.registry.reservation_calls.remove(&id);
        }
    }
}

impl CallActor {
    fn fail(&mut self, outcome: CallOutcome, ctx: &mut Context<Self>) {
        if let CallState::Dialing { addr, .. } = &self.state {
            addr.do_send(CallFinished {
                call_id: self.view.call_id,
                by: EndedBy::Failed,
                outcome,
                at: self.engine.now(),
            });
            self.command(CommandKind::Hangup);
            self.end(outcome, ctx);
        }
    }
}

impl Handler<Ring> for CallActor {
    type Result = ();
    fn handle(&mut self, m: Ring, ctx: &mut Context<Self>) {
        let now = self.engine.now();
        match self.state {
            CallState::Queued => {
                if self.offered_at.is_none() && self.view.channel == Channel::In {
                    metrics::histogram!(crate::telemetry::OFFER_LATENCY)
                        .record(self.born.elapsed().as_secs_f64());
                }
                self.offered_at.get_or_insert(now);
                self.extension = Some(m.extension);
                self.state = CallState::Ringing {
                    agent: m.agent_id,
                    addr: m.agent,
                };
                self.command(CommandKind::Ring);
                // The ring timeout as set now, for this call's service.
                let ring_s = self
                    .engine
                    .registry
                    .brand(self.brand.brand.id)
                    .unwrap_or_else(|| self.brand.clone())
                    .ring_timeout_s(&self.view.service);
                let limit = Duration::from_secs(u64::from(ring_s.max(1)));
                let agent = m.agent_id;
                self.timer = Some(ctx.run_later(limit, move |act, ctx| {
                    act.timer = None;
                    if let CallState::Ringing { agent: a, addr } = &act.state {
                        if *a != agent {
                            return;
                        }
                        addr.do_send(RingMissed {
                            call_id: act.view.call_id,
                            at: act.engine.now(),
                        });
                        act.state = CallState::Queued;
                        act.command(CommandKind::StopRing);
                        act.enqueue(true, ctx);
                    }
                }));
            }
            _ => {
                // Gone (the caller hung up while the offer was on its way): release the agent.
                m.agent.do_send(CallFinished {
                    call_id: self.view.call_id,
                    by: EndedBy::Customer,
                    outcome: CallOutcome::Abandoned,
                    at: now,
                });
            }
        }
    }
}

impl Handler<Answer> for CallActor {
    type Result = ResponseFuture<Result<DateTime<Utc>, AppError>>;
    fn handle(&mut self, m: Answer, ctx: &mut Context<Self>) -> Self::Result {
        let addr = match &self.state {
            CallState::Ringing { agent, addr } if *agent == m.agent_id => addr.clone(),
            _ => {
                return Box::pin(std::future::ready(Err(AppError::new(
                    Code::NotOffered,
                    "이 통화는 지금 나에게 수신 중이 아닙니다",
                ))))
            }
        };
        self.cancel_timer(ctx);
        let now = self.engine.now();
        self.answered_at = Some(now);
        self.waited("answered");
        self.state = CallState::Connected { addr };
        self.command(CommandKind::Bridge);
        self.queue_outcome(true);
        let (arrived, offered) = (self.arrived_at, self.offered_at);
        let agent_name = self
            .engine
            .registry
            .agent(m.agent_id)
            .map(|e| e.public.name.clone());
        // The answer is acknowledged once the consultation names its agent on disk.
        let write = self.record_durably(move |c| {
            c.agent_id = Some(m.agent_id);
            c.agent_name = agent_name.clone();
            c.offered_at = offered;
            c.answered_at = Some(now);
            c.wait_s = (now - arrived).num_seconds().max(0);
        });
        Box::pin(async move {
            write.await?;
            Ok(now)
        })
    }
}

impl Handler<Hangup> for CallActor {
    type Result = Result<(), AppError>;
    fn handle(&mut self, m: Hangup, ctx: &mut Context<Self>) -> Self::Result {
        let now = self.engine.now();
        match std::mem::replace(&mut self.state, CallState::Ended) {
            CallState::Queued => {
                self.brand.distributor.do_send(Dequeue {
                    call_id: self.view.call_id,
                    service: self.view.service.clone(),
                });
                self.queue_outcome(false);
                self.end(CallOutcome::Abandoned, ctx);
            }
            CallState::Ringing { addr, .. } => {
                addr.do_send(CallFinished {
                    call_id: self.view.call_id,
                    by: m.by,
                    outcome: CallOutcome::Abandoned,
                    at: now,
                });
                self.queue_outcome(false);
                self.end(CallOutcome::Abandoned, ctx);
            }
            CallState::Connected { addr, .. } => {
                addr.do_send(CallFinished {
                    call_id: self.view.call_id,
                    by: m.by,
                    outcome: CallOutcome::Completed,
                    at: now,
                });
                if m.by == EndedBy::Agent {
                    self.command(CommandKind::Hangup);
                }
                self.end(CallOutcome::Completed, ctx);
            }
            CallState::Dialing { addr, .. } => {
                let outcome = if m.by == EndedBy::Agent {
                    CallOutcome::Cancelled
                } else {
                    CallOutcome::NoAnswer
                };
                addr.do_send(CallFinished {
                    call_id: self.view.call_id,
                    by: m.by,
                    outcome,
                    at: now,
                });
                self.command(CommandKind::Hangup);
                self.end(outcome, ctx);
            }
            CallState::Ended => {
                return Err(AppError::new(Code::Conflict, "이미 끝난 통화입니다"));
            }
        }
        Ok(())
    }
}

impl Handler<FarEndAnswered> for CallActor {
    type Result = Result<(), AppError>;
    fn handle(&mut self, _: FarEndAnswered, _: &mut Context<Self>) -> Self::Result {
        let CallState::Dialing { addr, .. } = &self.state else {
            return Err(AppError::new(
                Code::Conflict,
                "발신 중인 통화가 아닙니다 (not dialing)",
            ));
        };
        let addr = addr.clone();
        let now = self.engine.now();
        self.answered_at = Some(now);
        addr.do_send(CallConnected {
            call_id: self.view.call_id,
            at: now,
        });
        self.state = CallState::Connected { addr };
        self.command(CommandKind::Bridge);
        self.record(move |c| c.answered_at = Some(now));
        Ok(())
    }
}

impl Handler<DialFailed> for CallActor {
    type Result = Result<(), AppError>;
    fn handle(&mut self, m: DialFailed, ctx: &mut Context<Self>) -> Self::Result {
        if !matches!(self.state, CallState::Dialing { .. }) {
            return Err(AppError::new(
                Code::Conflict,
                "발신 중인 통화가 아닙니다 (not dialing)",
            ));
        }
        self.fail(m.outcome, ctx);
        Ok(())
    }
}

impl Handler<SetHold> for CallActor {
    type Result = Result<DateTime<Utc>, AppError>;
    fn handle(&mut self, m: SetHold, _: &mut Context<Self>) -> Self::Result {
        if !matches!(self.state, CallState::Connected { .. }) {
            return Err(AppError::new(
                Code::Conflict,
                "통화 중인 전화만 보류할 수 있습니다 (not connected)",
            ));
        }
        let now = self.engine.now();
        match (m.on, self.held_since) {
            (true, Some(since)) => return Ok(since),
            (false, None) => return Ok(now),
            (true, None) => {
                self.held_since = Some(now);
                self.command(CommandKind::Hold);
            }
            (false, Some(from)) => {
                self.held_since = None;
                self.hold_s += (now - from).num_seconds().max(0);
                self.command(CommandKind::Resume);
            }
        }
        Ok(now)
    }
}

impl Handler<Transfer> for CallActor {
    type Result = Result<(), AppError>;
    fn handle(&mut self, m: Transfer, ctx: &mut Context<Self>) -> Self::Result {
        let CallState::Connected { addr } = &self.state else {
            return Err(AppError::new(
                Code::Conflict,
                "통화 중인 전화만 이관할 수 있습니다 (not connected)",
            ));
        };
        let agent = addr.clone();
        let now = self.engine.now();
        let mut cmd = self.command_of(CommandKind::Transfer);
        cmd.transfer = Some(crate::telephony::TransferInfo {
            new_call_id: m.to.call_id,
            new_ticket_id: m.to.ticket_id.clone(),
            service: m.to.service.clone(),
            extension: m.target_extension,
        });
        self.engine.commands.send(cmd);
        self.transferred_to = Some(m.to.ticket_id.clone());
        agent.do_send(CallFinished {
            call_id: self.view.call_id,
            by: EndedBy::Transferred,
            outcome: CallOutcome::Transferred,
            at: now,
        });
        self.end(CallOutcome::Transferred, ctx);
        CallActor::inbound(self.engine.clone(), self.brand.clone(), m.to, m.direct).start();
        Ok(())
    }
}

impl Handler<Dtmf> for CallActor {
    type Result = Result<(), AppError>;
    fn handle(&mut self, m: Dtmf, _: &mut Context<Self>) -> Self::Result {
        if !matches!(self.state, CallState::Connected { .. }) {
            return Err(AppError::new(
                Code::Conflict,
                "통화 중일 때만 번호를 누를 수 있습니다 (not connected)",
            ));
        }
        let mut cmd = self.command_of(CommandKind::Dtmf);
        cmd.digits = Some(m.digits);
        self.engine.commands.send(cmd);
        Ok(())
    }
}
