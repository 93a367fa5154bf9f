//! `AgentActor`: one per agent. Owns the agent's status machine, the call the agent holds
//! (ringing, talking, dialing or wrapping up) and the "after this call" choice. Every accepted
//! transition is pushed at once to the agent's own desks, told to the brand's stats actor, and
//! told to the distributor when the agent enters or leaves ready.

use super::call::CallActor;
use super::messages::*;
use super::registry::BrandRuntime;
use super::Engine;
use crate::domain::model::{AgentPublic, CallOutcome, Channel, Consultation};
use crate::domain::status::{AgentState, AuxReason, Cause, Status, StatusError, Target};
use crate::error::{AppError, Code};
use crate::protocol::{CallView, EndedBy, ServerMsg, StatusView};
use crate::store;
use actix::prelude::*;
use chrono::{DateTime, Utc};
use std::time::Duration;

struct HeldCall {
    view: CallView,
    addr: Addr<CallActor>,
    wrap_started: Option<DateTime<Utc>>,
}

pub struct AgentActor {
    engine: Engine,
    me: AgentPublic,
    brand: BrandRuntime,
    state: AgentState,
    call: Option<HeldCall>,
    wrap_timer: Option<SpawnHandle>,
    grace_timer: Option<SpawnHandle>,
    /// Deactivated during a call: logged out when the call and its wrap-up end.
    leaving: bool,
    /// Signed out by a manager: logged out (and the sessions ended) when the call in hand and
    /// its wrap-up end, or now.
    signing_out: bool,
}

impl AgentActor {
    pub fn new(engine: Engine, me: AgentPublic, brand: BrandRuntime) -> Self {
        let now = engine.now();
        AgentActor {
            engine,
            me,
            brand,
            state: AgentState::logged_out(now, Cause::Restart),
            call: None,
            wrap_timer: None,
            grace_timer: None,
            leaving: false,
            signing_out: false,
        }
    }

    fn view(&self) -> StatusView {
        StatusView {
            agent_id: self.me.id,
            status: self.state.status,
            reason: self.state.reason,
            cause: self.state.cause,
            since: self.state.since,
            next: self.state.next,
        }
    }

    fn push(&self, msg: &ServerMsg) {
        self.engine.registry.push_agent(self.me.id, &msg.encode());
    }

    fn push_status(&self) {
        self.push(&ServerMsg::AgentStatus(self.view()));
    }

    /// Applies a transition and tells everyone who needs to know.
    fn go(
        &mut self,
        to: Status,
        reason: Option<AuxReason>,
        cause: Cause,
        ctx: &mut Context<Self>,
    ) -> Result<StatusView, AppError> {
        let now = self.engine.now();
        let tr = self
            .state
            .apply(to, reason, cause, now)
            .map_err(status_error)?;
        if tr.from == Status::Ready && to != Status::Ready {
            self.brand.distributor.do_send(AgentNotReady {
                agent_id: self.me.id,
            });
        }
        if to == Status::Ready {
            self.brand.distributor.do_send(AgentReady {
                agent_id: self.me.id,
                services: self.me.services.clone(),
                since: tr.at,
                addr: ctx.address(),
            });
        }
        if tr.from == Status::WrapUp {
            if let Some(h) = self.wrap_timer.take() {
                ctx.cancel_future(h);
            }
        }
        // The limit as set now (the admin console may have changed it), for this call's service.
        let wrap_limit_s = match (&self.call, to) {
            (Some(c), Status::WrapUp) => self
                .engine
                .registry
                .brand(self.me.brand_id)
                .unwrap_or_else(|| self.brand.clone())
                .wrap_up_limit_s(&c.view.service),
            _ => 0,
        };
        if wrap_limit_s > 0 {
            let limit = Duration::from_secs(u64::from(wrap_limit_s));
            let call_id = self.call.as_ref().map(|c| c.view.call_id);
            self.wrap_timer = Some(ctx.run_later(limit, move |act, ctx| {
                act.wrap_timer = None;
                if act.state.status == Status::WrapUp
                    && act.call.as_ref().map(|c| c.view.call_id) == call_id
                {
                    let target = act.state.after_wrap_up();
                    let _ = act.end_wrap_up(target, Cause::WrapupTimeout, ctx);
                }
            }));
        }
        tracing::debug!(agent_id = self.me.id, from = %tr.from, to = %to, cause = ?cause, "status");
        self.engine.registry.statuses.insert(self.me.id, to);
        if tr.from == Status::LoggedOut || to == Status::LoggedOut {
            // A callback goes to its service's pool while its owner is logged out, and back.
            self.engine
                .callback_owner_moved(self.me.brand_id, self.me.id, now);
        }
        self.brand.stats.do_send(StatusChanged {
            agent_id: self.me.id,
            transition: tr,
        });
        self.push_status();
        // Deactivated during a call: the first state after it is logged out, and the actor
        // stops once logged out.
        if self.leaving && !to.on_a_call() && !matches!(to, Status::WrapUp | Status::LoggedOut) {
            return self.go(Status::LoggedOut, None, Cause::Logout, ctx);
        }
        if self.leaving && to == Status::LoggedOut {
            ctx.stop();
        }
        // Signed out by a manager: the first state after the call is logged out, and then the
        // sessions end (the desk closes instead of signing back in).
        if self.signing_out && !to.on_a_call() && !matches!(to, Status::WrapUp | Status::LoggedOut)
        {
            return self.go(Status::LoggedOut, None, Cause::ForcedByManager, ctx);
        }
        if self.signing_out && to == Status::LoggedOut {
            self.signing_out = false;
            let engine = self.engine.clone();
            let id = self.me.id;
            actix::spawn(async move {
                if let Err(e) = engine
                    .end_sessions(id, None, None, super::floor::REASON_SIGNED_OUT)
                    .await
                {
                    tracing::error!(agent_id = id, error = %e, "sessions of a signed-out agent not ended");
                }
            });
        }
        Ok(self.view())
    }

    fn go_target(
        &mut self,
        t: Target,
        cause: Cause,
        ctx: &mut Context<Self>,
    ) -> Result<StatusView, AppError> {
        self.go(t.status, t.reason, cause, ctx)
    }

    /// Ends wrap-up: records its length on the consultation, then moves on to `target`.
    fn end_wrap_up(
        &mut self,
        target: Target,
        cause: Cause,
        ctx: &mut Context<Self>,
    ) -> Result<StatusView, AppError> {
        let now = self.engine.now();
        if let Some(held) = self.call.take() {
            let started = held.wrap_started.unwrap_or(self.state.since);
            let secs = (now - started).num_seconds().max(0);
            let ticket = held.view.ticket_id.clone();
            let engine = self.engine.clone();
            actix::spawn(async move {
                let t = ticket.clone();
                // The note as last typed becomes the note, in the same transaction.
                let res = engine
                    .store
                    .write(move |tx| {
                        let noted = store::commit_draft(tx, &t)?.is_some();
                        let c = store::update_consultation(tx, &t, |c| {
                            c.wrap_up_s = secs;
                            c.wrap_up_ended_at = Some(now);
                            Ok(())
                        })?;
                        Ok((noted, c))
                    })
                    .await;
                match res {
                    Ok((noted, c)) => {
                        engine.consulted(&c);
                        engine.push_consultation(&c);
                        if noted {
                            engine.complete_reservation_for(&c).await;
                        }
                    }
                    Err(e) => tracing::error!(ticket = %ticket, error = %e, "wrap-up not recorded"),
                }
            });
        }
        self.go_target(target, cause, ctx)
    }

    /// Tells the wallboard which call this agent now holds.
    fn tell_call(&self, view: &CallView) {
        self.brand.stats.do_send(AgentCall {
            agent_id: self.me.id,
            call: crate::protocol::CallBrief {
                service: view.service.clone(),
                service_name: view.service_name.clone(),
                channel: view.channel,
                since: view.since,
            },
        });
    }

    fn held_id(&self) -> Option<u64> {
        self.call.as_ref().map(|c| c.view.call_id)
    }

    fn check_grace(&mut self, ctx: &mut Context<Self>) {
        if let Some(h) = self.grace_timer.take() {
            ctx.cancel_future(h);
        }
        if self.engine.registry.has_sessions(self.me.id) || self.state.status != Status::Ready {
            return;
        }
        let grace = Duration::from_secs(self.engine.settings.disconnect_grace_s);
        self.grace_timer = Some(ctx.run_later(grace, |act, ctx| {
            act.grace_timer = None;
            if !act.engine.registry.has_sessions(act.me.id) && act.state.status == Status::Ready {
                let _ = act.go(Status::Preparing, None, Cause::Disconnected, ctx);
            }
        }));
    }
}

fn status_error(e: StatusError) -> AppError {
    match e {
        StatusError::OnACall => AppError::new(Code::Busy, e.to_string()),
        StatusError::NotAllowed { .. } => AppError::new(Code::Conflict, e.to_string()),
        other => AppError::bad_request(other.to_string()),
    }
}

impl Actor for AgentActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(1024);
    }

    /// A deactivated person's actor leaves the directory (unless a newer one took its place),
    /// and their sessions end: every desk closes with the reason.
    fn stopped(&mut self, ctx: &mut Self::Context) {
        let me = ctx.address();
        let id = self.me.id;
        self.engine
            .registry
            .agents
            .remove_if(&id, |_, e| e.addr == me);
        self.engine.registry.statuses.remove(&id);
        let engine = self.engine.clone();
        actix::spawn(async move {
            if let Err(e) = engine
                .end_sessions(id, None, None, super::admin::REASON_DEACTIVATED)
                .await
            {
                tracing::error!(agent_id = id, error = %e, "sessions of a deactivated agent not ended");
            }
            engine
                .registry
                .close_agent(id, super::admin::REASON_DEACTIVATED);
        });
        tracing::info!(agent_id = id, "agent actor stopped (deactivated)");
    }
}

impl Handler<Logout> for AgentActor {
    type Result = Result<StatusView, AppError>;
    fn handle(&mut self, m: Logout, ctx: &mut Context<Self>) -> Self::Result {
        match self.state.status {
            Status::LoggedOut => Ok(self.view()),
            s if s.on_a_call() => Err(AppError::new(
                Code::Busy,
                "통화 중에는 로그아웃할 수 없습니다 (end the call first)",
            )),
            Status::WrapUp => {
                self.end_wrap_up(Target::ready(), m.cause, ctx)?;
                self.go(Status::LoggedOut, None, m.cause, ctx)
            }
            _ => self.go(Status::LoggedOut, None, m.cause, ctx),
        }
    }
}

impl Handler<SetStatus> for AgentActor {
    type Result = Result<StatusView, AppError>;
    fn handle(&mut self, m: SetStatus, ctx: &mut Context<Self>) -> Self::Result {
        match self.state.status {
            Status::LoggedOut => Err(AppError::new(
                Code::Conflict,
                "로그인 후에 상태를 바꿀 수 있습니다",
            )),
            s if s.on_a_call() => Err(status_error(StatusError::OnACall)),
            Status::WrapUp => {
                self.state.next = None;
                self.end_wrap_up(m.target, m.cause, ctx)
            }
            s if s == m.target.status && self.state.reason == m.target.reason => Ok(self.view()),
            _ => self.go_target(m.target, m.cause, ctx),
        }
    }
}

impl Handler<SetNext> for AgentActor {
    type Result = Result<StatusView, AppError>;
    fn handle(&mut self, m: SetNext, _: &mut Context<Self>) -> Self::Result {
        if !(self.state.status.on_a_call() || self.state.status == Status::WrapUp) {
            return Err(AppError::new(
                Code::Conflict,
                "통화 중이 아닙니다; status.set으로 바로 바꾸세요 (no call to follow)",
            ));
        }
        self.state.next = m.target;
        self.push_status();
        Ok(self.view())
    }
}

impl Handler<Offer> for AgentActor {
    type Result = bool;
    fn handle(&mut self, m: Offer, ctx: &mut Context<Self>) -> bool {
        if self.state.status != Status::Ready || self.call.is_some() {
            return false;
        }
        if !self.state.allows(Status::Ringing, Cause::Routed) {
            return false;
        }
        let ring = Ring {
            agent_id: self.me.id,
            agent_name: self.me.name.clone(),
            extension: self.me.extension.clone(),
            agent: ctx.address(),
        };
        if m.call_addr.try_send(ring).is_err() {
            return false;
        }
        if self.go(Status::Ringing, None, Cause::Routed, ctx).is_err() {
            return false;
        }
        let mut view = m.call;
        view.state = Status::Ringing;
        view.since = self.state.since;
        self.push(&ServerMsg::CallOffered(view.clone()));
        self.tell_call(&view);
        self.call = Some(HeldCall {
            view,
            addr: m.call_addr,
            wrap_started: None,
        });
        true
    }
}

impl Handler<AnswerCall> for AgentActor {
    type Result = AtomicResponse<Self, Result<(), AppError>>;
    fn handle(&mut self, m: AnswerCall, _: &mut Context<Self>) -> Self::Result {
        let Some(held) = self
            .call
            .as_ref()
            .filter(|c| c.view.call_id == m.call_id && self.state.status == Status::Ringing)
        else {
            return AtomicResponse::new(Box::pin(fut::ready(Err(AppError::new(
                Code::NotOffered,
                format!("통화 {}은(는) 나에게 수신 중인 전화가 아닙니다", m.call_id),
            )))));
        };
        let addr = held.addr.clone();
        let me = self.me.id;
        AtomicResponse::new(Box::pin(
            async move { addr.send(Answer { agent_id: me }).await }
                .into_actor(self)
                .map(move |res, act, ctx| {
                    let at = res
                        .map_err(|_| AppError::new(Code::NotOffered, "통화가 이미 끝났습니다"))??;
                    if act.held_id() != Some(m.call_id) || act.state.status != Status::Ringing {
                        return Err(AppError::new(
                            Code::NotOffered,
                            "통화가 더 이상 수신 중이 아닙니다",
                        ));
                    }
                    act.go(Status::OnCall, None, Cause::Answered, ctx)?;
                    let view = {
                        let held = act.call.as_mut().expect("held call");
                        held.view.state = Status::OnCall;
                        held.view.since = at;
                        held.view.clone()
                    };
                    act.brand.stats.do_send(CallCounted {
                        agent_id: act.me.id,
                        channel: Some(Channel::In),
                        talked: true,
                    });
                    act.push(&ServerMsg::CallConnected(view));
                    Ok(())
                }),
        ))
    }
}

impl Handler<HangupCall> for AgentActor {
    type Result = AtomicResponse<Self, Result<(), AppError>>;
    fn handle(&mut self, m: HangupCall, _: &mut Context<Self>) -> Self::Result {
        let ok = self.held_id() == Some(m.call_id)
            && matches!(self.state.status, Status::OnCall | Status::Dialing);
        if !ok {
            let msg = if self.held_id() == Some(m.call_id) && self.state.status == Status::Ringing {
                "받지 않은 전화는 끊을 수 없습니다 (answer it first)".to_string()
            } else {
                format!("통화 {}은(는) 지금 내 통화가 아닙니다", m.call_id)
            };
            return AtomicResponse::new(Box::pin(fut::ready(Err(AppError::new(
                Code::NotOffered,
                msg,
            )))));
        }
        let addr = self.call.as_ref().expect("held call").addr.clone();
        AtomicResponse::new(Box::pin(
            async move { addr.send(Hangup { by: EndedBy::Agent }).await }
                .into_actor(self)
                .map(|res, _, _| {
                    res.map_err(|_| AppError::new(Code::NotOffered, "통화가 이미 끝났습니다"))?
                }),
        ))
    }
}

impl Handler<Dial> for AgentActor {
    type Result = AtomicResponse<Self, Result<CallView, AppError>>;
    fn handle(&mut self, m: Dial, _: &mut Context<Self>) -> Self::Result {
        let allowed = matches!(
            self.state.status,
            Status::Preparing | Status::Ready | Status::Aux | Status::WrapUp
        );
        if !allowed || (self.call.is_some() && self.state.status != Status::WrapUp) {
            let msg = if self.state.status == Status::LoggedOut {
                "로그인 후에 전화할 수 있습니다"
            } else {
                "통화 중에는 전화를 걸 수 없습니다"
            };
            return AtomicResponse::new(Box::pin(fut::ready(Err(AppError::new(Code::Busy, msg)))));
        }
        let engine = self.engine.clone();
        let me = self.me.clone();
        let brand = self.brand.clone();
        AtomicResponse::new(Box::pin(
            async move {
                super::call::prepare_outbound(&engine, &brand, &me, &m.number, m.reservation_id)
                    .await
            }
            .into_actor(self)
            .map(move |res, act, ctx| {
                let (view, consultation): (CallView, Consultation) = res?;
                if act.state.status == Status::WrapUp {
                    act.state.next = None;
                    act.end_wrap_up(Target::ready(), Cause::Manual, ctx)?;
                }
                act.go(Status::Dialing, None, Cause::Manual, ctx)?;
                let mut view = view;
                view.since = act.state.since;
                let addr = CallActor::outbound(
                    act.engine.clone(),
                    act.brand.clone(),
                    view.clone(),
                    consultation,
                    ctx.address(),
                    act.me.clone(),
                )
                .start();
                act.brand.stats.do_send(CallCounted {
                    agent_id: act.me.id,
                    channel: Some(Channel::Out),
                    talked: false,
                });
                act.push(&ServerMsg::CallOffered(view.clone()));
                act.tell_call(&view);
                act.call = Some(HeldCall {
                    view: view.clone(),
                    addr,
                    wrap_started: None,
                });
                Ok(view)
            }),
        ))
    }
}

impl Handler<WrapupDone> for AgentActor {
    type Result = Result<StatusView, AppError>;
    fn handle(&mut self, _: WrapupDone, ctx: &mut Context<Self>) -> Self::Result {
        if self.state.status != Status::WrapUp {
            return Err(AppError::new(
                Code::Conflict,
                "후처리 중이 아닙니다 (not in wrap-up)",
            ));
        }
        let target = self.state.after_wrap_up();
        self.end_wrap_up(target, Cause::Manual, ctx)
    }
}

impl Handler<GetAgentView> for AgentActor {
    type Result = MessageResult<GetAgentView>;
    fn handle(&mut self, _: GetAgentView, _: &mut Context<Self>) -> Self::Result {
        MessageResult((self.view(), self.call.as_ref().map(|c| c.view.clone())))
    }
}

impl Handler<SessionsChanged> for AgentActor {
    type Result = ();
    fn handle(&mut self, _: SessionsChanged, ctx: &mut Context<Self>) {
        self.check_grace(ctx);
    }
}

impl Handler<CallConnected> for AgentActor {
    type Result = ();
    fn handle(&mut self, m: CallConnected, ctx: &mut Context<Self>) {
        if self.held_id() != Some(m.call_id) || self.state.status != Status::Dialing {
            return;
        }
        if self.go(Status::OnCall, None, Cause::Answered, ctx).is_ok() {
            let view = {
                let held = self.call.as_mut().expect("held call");
                held.view.state = Status::OnCall;
                held.view.since = m.at;
                held.view.clone()
            };
            self.brand.stats.do_send(CallCounted {
                agent_id: self.me.id,
                channel: None,
                talked: true,
            });
            self.push(&ServerMsg::CallConnected(view));
        }
    }
}

impl Handler<CallFinished> for AgentActor {
    type Result = ();
    fn handle(&mut self, m: CallFinished, ctx: &mut Context<Self>) {
        if self.held_id() != Some(m.call_id) {
            return;
        }
        if let Some(from) = self.call.as_mut().and_then(|c| c.view.held_since.take()) {
            self.brand.stats.do_send(HoldCounted {
                agent_id: self.me.id,
                from,
                to: m.at,
            });
        }
        let held_view = self.call.as_ref().expect("held call").view.clone();
        let wrap_up = match self.state.status {
            Status::Ringing => {
                self.call = None;
                let _ = self.go(Status::Ready, None, Cause::Hangup, ctx);
                false
            }
            Status::OnCall | Status::Dialing => {
                if self.go(Status::WrapUp, None, Cause::Hangup, ctx).is_ok() {
                    let held = self.call.as_mut().expect("held call");
                    held.wrap_started = Some(self.state.since);
                    held.view.state = Status::WrapUp;
                    held.view.since = self.state.since;
                }
                true
            }
            _ => return,
        };
        self.push(&ServerMsg::CallEnded {
            call_id: m.call_id,
            ticket_id: held_view.ticket_id,
            external_id: held_view.external_id,
            by: m.by,
            outcome: m.outcome,
            wrap_up,
        });
    }
}

impl Handler<RingMissed> for AgentActor {
    type Result = ();
    fn handle(&mut self, m: RingMissed, ctx: &mut Context<Self>) {
        if self.held_id() != Some(m.call_id) || self.state.status != Status::Ringing {
            return;
        }
        let held = self.call.take().expect("held call");
        let _ = self.go(Status::Aux, Some(AuxReason::Missed), Cause::Missed, ctx);
        self.push(&ServerMsg::CallEnded {
            call_id: m.call_id,
            ticket_id: held.view.ticket_id,
            external_id: held.view.external_id,
            by: EndedBy::Timeout,
            outcome: CallOutcome::Live,
            wrap_up: false,
        });
    }
}

impl AgentActor {
    /// The call I am talking on, if it is `call_id`.
    fn talking(&self, call_id: u64) -> Result<Addr<CallActor>, AppError> {
        match &self.call {
            Some(c) if c.view.call_id == call_id && self.state.status == Status::OnCall => {
                Ok(c.addr.clone())
            }
            _ => Err(AppError::new(
                Code::NotOffered,
                format!("통화 {call_id}은(는) 지금 통화 중인 내 전화가 아닙니다"),
            )),
        }
    }
}

fn call_gone(_: MailboxError) -> AppError {
    AppError::new(Code::NotOffered, "통화가 이미 끝났습니다")
}

impl Handler<HoldCall> for AgentActor {
    type Result = AtomicResponse<Self, Result<CallView, AppError>>;
    fn handle(&mut self, m: HoldCall, _: &mut Context<Self>) -> Self::Result {
        let addr = match self.talking(m.call_id) {
            Ok(a) => a,
            Err(e) => return AtomicResponse::new(Box::pin(fut::ready(Err(e)))),
        };
        AtomicResponse::new(Box::pin(
            async move { addr.send(SetHold { on: m.on }).await }
                .into_actor(self)
                .map(move |res, act, _| {
                    let at = res.map_err(call_gone)??;
                    let me = act.me.id;
                    let held = act
                        .call
                        .as_mut()
                        .filter(|c| c.view.call_id == m.call_id)
                        .ok_or_else(|| call_gone(MailboxError::Closed))?;
                    let mut counted = None;
                    match (m.on, held.view.held_since) {
                        (true, None) => held.view.held_since = Some(at),
                        (false, Some(from)) => {
                            held.view.held_since = None;
                            held.view.hold_s += (at - from).num_seconds().max(0);
                            counted = Some(from);
                        }
                        _ => return Ok(held.view.clone()),
                    }
                    let view = held.view.clone();
                    if let Some(from) = counted {
                        act.brand.stats.do_send(HoldCounted {
                            agent_id: me,
                            from,
                            to: at,
                        });
                    }
                    act.push(&ServerMsg::CallUpdated(view.clone()));
                    Ok(view)
                }),
        ))
    }
}

impl Handler<TransferCall> for AgentActor {
    type Result = ResponseFuture<Result<(), AppError>>;
    fn handle(&mut self, m: TransferCall, _: &mut Context<Self>) -> Self::Result {
        let addr = match self.talking(m.call_id) {
            Ok(a) => a,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        Box::pin(async move {
            addr.send(Transfer {
                to: m.to,
                direct: m.direct,
                target_extension: m.target_extension,
            })
            .await
            .map_err(call_gone)?
        })
    }
}

impl Handler<SendDtmf> for AgentActor {
    type Result = ResponseFuture<Result<(), AppError>>;
    fn handle(&mut self, m: SendDtmf, _: &mut Context<Self>) -> Self::Result {
        let addr = match self.talking(m.call_id) {
            Ok(a) => a,
            Err(e) => return Box::pin(std::future::ready(Err(e))),
        };
        Box::pin(async move {
            addr.send(Dtmf { digits: m.digits })
                .await
                .map_err(call_gone)?
        })
    }
}

impl Handler<Reconfigure> for AgentActor {
    type Result = ();
    fn handle(&mut self, m: Reconfigure, ctx: &mut Context<Self>) {
        let services_changed = m.0.services != self.me.services;
        self.me = m.0;
        if services_changed && self.state.status == Status::Ready {
            // Same place in line (ready since), new lanes.
            self.brand.distributor.do_send(AgentNotReady {
                agent_id: self.me.id,
            });
            self.brand.distributor.do_send(AgentReady {
                agent_id: self.me.id,
                services: self.me.services.clone(),
                since: self.state.since,
                addr: ctx.address(),
            });
        }
    }
}

impl Handler<Deactivate> for AgentActor {
    type Result = MessageResult<Deactivate>;
    fn handle(&mut self, _: Deactivate, ctx: &mut Context<Self>) -> Self::Result {
        self.leaving = true;
        match self.state.status {
            Status::LoggedOut => ctx.stop(),
            s if s.on_a_call() || s == Status::WrapUp => {}
            _ => {
                let _ = self.go(Status::LoggedOut, None, Cause::Logout, ctx);
            }
        }
        MessageResult(self.view())
    }
}

impl Handler<Login> for AgentActor {
    type Result = MessageResult<Login>;
    fn handle(&mut self, _: Login, ctx: &mut Context<Self>) -> Self::Result {
        self.leaving = false;
        if self.state.status == Status::LoggedOut {
            let _ = self.go(Status::Preparing, None, Cause::Login, ctx);
        }
        MessageResult(self.view())
    }
}

impl Handler<StayActive> for AgentActor {
    type Result = ();
    fn handle(&mut self, _: StayActive, _: &mut Context<Self>) {
        self.leaving = false;
    }
}

impl Handler<ForceStatus> for AgentActor {
    type Result = Result<StatusView, AppError>;
    fn handle(&mut self, m: ForceStatus, ctx: &mut Context<Self>) -> Self::Result {
        let mut notice = m.notice;
        match self.state.status {
            Status::LoggedOut => Err(AppError::new(
                Code::Conflict,
                format!(
                    "{}님은 로그아웃 상태라 상태를 바꿀 수 없습니다 (logged out)",
                    self.me.name
                ),
            )),
            s if s.on_a_call() => {
                // Not in the middle of a call: it becomes the status after this call.
                self.state.next = Some(m.target);
                notice.after_call = true;
                self.push(&ServerMsg::Notice(Box::new(notice)));
                self.push_status();
                Ok(self.view())
            }
            Status::WrapUp => {
                self.state.next = None;
                self.push(&ServerMsg::Notice(Box::new(notice)));
                self.end_wrap_up(m.target, Cause::ForcedByManager, ctx)
            }
            s if s == m.target.status && self.state.reason == m.target.reason => {
                self.push(&ServerMsg::Notice(Box::new(notice)));
                Ok(self.view())
            }
            _ => {
                self.push(&ServerMsg::Notice(Box::new(notice)));
                self.go_target(m.target, Cause::ForcedByManager, ctx)
            }
        }
    }
}

impl Handler<SignOut> for AgentActor {
    type Result = Result<bool, AppError>;
    fn handle(&mut self, m: SignOut, ctx: &mut Context<Self>) -> Self::Result {
        let mut notice = m.notice;
        self.signing_out = true;
        match self.state.status {
            Status::LoggedOut => {
                self.signing_out = false;
                Ok(true)
            }
            s if s.on_a_call() || s == Status::WrapUp => {
                notice.after_call = true;
                self.push(&ServerMsg::Notice(Box::new(notice)));
                Ok(false)
            }
            _ => {
                self.push(&ServerMsg::Notice(Box::new(notice)));
                self.go(Status::LoggedOut, None, Cause::ForcedByManager, ctx)?;
                Ok(true)
            }
        }
    }
}

impl Handler<WhereAmI> for AgentActor {
    type Result = MessageResult<WhereAmI>;
    fn handle(&mut self, _: WhereAmI, _: &mut Context<Self>) -> Self::Result {
        MessageResult(std::thread::current().id())
    }
}
