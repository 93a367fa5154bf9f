//! `DeskSession`: one actor per desk socket (actix-web-actors, confined to this module). On
//! connect it registers with the registry, logs the agent in (상담준비) if logged out (not for
//! the wallboard page's socket, `mode=board`), and sends
//! `hello` with everything the desk shows; then it forwards pushed frames with a per-connection
//! `seq` and answers each request with `ack` or `error`.
//!
//! Limits (docs/security.md): a frame over 64 KiB closes the socket (1009); text that is not
//! UTF-8 closes it (1007); requests are rate-limited per socket (`RATE_PER_S`, bursts of
//! `RATE_BURST`): past that an `error` frame (`rate_limited`), and a client that keeps on
//! flooding is closed (1008). Requests run one at a time, so at most one is queued in the
//! server per socket; each runs to its end even if the socket closes meanwhile (a dial never
//! stops half-way between claiming a reservation and dialing it). A client silent for
//! `CLIENT_TIMEOUT` is dropped by the watchdog (`start_watchdog`), which does not depend on this
//! actor running: an actor only runs while its connection is being written, and a desk that
//! stops reading stalls it.

use crate::domain::model::AgentPublic;
use crate::domain::phone::Phone;
use crate::domain::rate::TokenBucket;
use crate::domain::status::{Cause, Target};
use crate::engine::messages::*;
use crate::engine::registry::SessionLink;
use crate::engine::Engine;
use crate::error::{AppError, Code};
use crate::protocol::{decode_request, with_seq, ClientRequest, ServerMsg, MAX_FRAME_BYTES};
use actix::prelude::*;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_actors::ws;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);
/// Requests a socket may make per second, on average.
pub const RATE_PER_S: f64 = 50.0;
/// Requests a socket may make at once.
pub const RATE_BURST: f64 = 100.0;
/// Requests refused in a row (over the rate) before the socket is closed.
pub const RATE_GRACE: u32 = 50;

/// Drops, every second, each desk socket silent for longer than `CLIENT_TIMEOUT` or behind
/// (`registry::MAX_BEHIND_MS`), and keeps the metrics recorder's histograms drained. It runs on
/// the floor's thread: a sweep visits every socket (milliseconds at 5,000), which on the
/// routing thread held up the calls rung meanwhile.
pub fn start_watchdog(engine: Engine) {
    let floor = engine.floor.clone();
    floor.spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        let mut n: u64 = 0;
        loop {
            tick.tick().await;
            engine
                .registry
                .sweep_silent(CLIENT_TIMEOUT.as_millis() as u64);
            n += 1;
            if n.is_multiple_of(5) {
                crate::telemetry::metrics().run_upkeep();
            }
        }
    });
}

pub struct DeskSession {
    engine: Engine,
    agent: AgentPublic,
    /// The hash of the session token this socket was opened with.
    token: String,
    id: u64,
    seq: u64,
    link: Arc<SessionLink>,
    bucket: TokenBucket,
    /// Requests refused in a row for going over the rate.
    refused: u32,
    /// Whether opening this socket signs the person in (a desk); the wallboard's does not.
    signs_in: bool,
}

/// Upgrades an authenticated request to a desk socket.
pub fn start(
    engine: Engine,
    agent: AgentPublic,
    token: String,
    signs_in: bool,
    req: &HttpRequest,
    stream: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let session = DeskSession {
        signs_in,
        engine,
        agent,
        token,
        id: 0,
        seq: 0,
        link: Arc::new(SessionLink::default()),
        bucket: TokenBucket::new(RATE_PER_S, RATE_BURST, Instant::now()),
        refused: 0,
    };
    ws::WsResponseBuilder::new(session, req, stream)
        .frame_size(MAX_FRAME_BYTES)
        .start()
}

impl DeskSession {
    fn send(&mut self, ctx: &mut ws::WebsocketContext<Self>, frame: &str) {
        self.seq += 1;
        ctx.text(with_seq(frame, self.seq));
    }

    fn reply(
        &mut self,
        ctx: &mut ws::WebsocketContext<Self>,
        id: Option<u64>,
        res: Result<Option<serde_json::Value>, AppError>,
    ) {
        let msg = match (res, id) {
            (Ok(data), Some(id)) => ServerMsg::Ack { id, data },
            (Ok(_), None) => return,
            (Err(e), id) => ServerMsg::Error {
                id,
                code: e.code.as_str().into(),
                message: e.message,
            },
        };
        self.send(ctx, &msg.encode());
    }

    /// Counts a request against the rate: false when it must be refused (the first refusal of a
    /// run is answered; a client that keeps on flooding is closed).
    fn within_rate(&mut self, id: Option<u64>, ctx: &mut ws::WebsocketContext<Self>) -> bool {
        if self.bucket.take(Instant::now()).is_ok() {
            self.refused = 0;
            return true;
        }
        self.refused += 1;
        if self.refused == 1 {
            let err = AppError::new(
                Code::RateLimited,
                format!(
                    "요청이 너무 많습니다 (over {RATE_PER_S} requests/s); 잠시 후 다시 보내세요"
                ),
            );
            self.reply(ctx, id, Err(err));
        } else if self.refused > RATE_GRACE {
            tracing::warn!(agent_id = self.agent.id, "desk flooding; closing");
            ctx.close(Some(ws::CloseReason {
                code: ws::CloseCode::Policy,
                description: Some("요청이 너무 많습니다 (too many requests)".into()),
            }));
            ctx.stop();
        }
        false
    }

    fn handle_text(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        let (id, req) = decode_request(text);
        if !self.within_rate(id, ctx) {
            return;
        }
        let req = match req {
            Ok(r) => r,
            Err(err) => return self.reply(ctx, id, Err(err)),
        };
        // Using the desk is using the session: it does not idle out under a working agent.
        if let Some(e) = self
            .engine
            .registry
            .tokens
            .get(&self.token)
            .map(|e| e.clone())
        {
            crate::api::sessions::touch(&self.engine, &self.token, &e, self.engine.now());
        }
        let engine = self.engine.clone();
        let agent = self.agent.clone();
        // Requests of one socket run one at a time, in order; each is spawned on its own so
        // that it runs to its end even if this socket closes while it runs.
        let task = actix::spawn(run(engine, agent, self.id, req));
        ctx.wait(
            async move {
                task.await
                    .unwrap_or_else(|e| Err(AppError::internal(format!("request task: {e}"))))
            }
            .into_actor(self)
            .map(move |res, act, ctx| act.reply(ctx, id, res)),
        );
    }
}

fn to_json<T: serde::Serialize>(v: T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// Carries out one desk request against the engine.
async fn run(
    engine: Engine,
    agent: AgentPublic,
    session: u64,
    req: ClientRequest,
) -> Result<Option<serde_json::Value>, AppError> {
    let addr = engine.agent_addr(agent.id)?;
    let bad = |e: crate::domain::status::StatusError| AppError::bad_request(e.to_string());
    match req {
        ClientRequest::StatusSet { status, reason } => {
            let target = Target::chosen(&status, reason.as_deref()).map_err(bad)?;
            let v = addr
                .send(SetStatus {
                    target,
                    cause: Cause::Manual,
                })
                .await??;
            Ok(to_json(v))
        }
        ClientRequest::StatusNext { status, reason } => {
            let target = match status {
                Some(s) => Some(Target::chosen(&s, reason.as_deref()).map_err(bad)?),
                None => None,
            };
            Ok(to_json(addr.send(SetNext { target }).await??))
        }
        ClientRequest::CallAnswer { call_id } => {
            addr.send(AnswerCall { call_id }).await??;
            Ok(None)
        }
        ClientRequest::CallHangup { call_id } => {
            addr.send(HangupCall { call_id }).await??;
            Ok(None)
        }
        ClientRequest::CallHold { call_id } => {
            Ok(to_json(engine.hold_call(&agent, call_id, true).await?))
        }
        ClientRequest::CallResume { call_id } => {
            Ok(to_json(engine.hold_call(&agent, call_id, false).await?))
        }
        ClientRequest::CallTransfer {
            call_id,
            service,
            agent_id,
        } => Ok(to_json(
            engine
                .transfer_call(&agent, call_id, service, agent_id)
                .await?,
        )),
        ClientRequest::CallDtmf { call_id, digits } => {
            engine.send_dtmf(&agent, call_id, &digits).await?;
            Ok(None)
        }
        ClientRequest::CallDial {
            number,
            reservation_id,
        } => {
            let reservation = match reservation_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(r) => Some(r.parse::<u64>().map_err(|_| {
                    AppError::bad_request(format!("reservationId가 올바르지 않습니다: {r}"))
                })?),
            };
            // A reservation's own number is dialed; claiming it keeps everyone else off it.
            let number = match reservation {
                Some(id) => engine.claim_reservation(&agent, id).await?.number,
                None => number,
            };
            let number = Phone::parse(&number)
                .map_err(|e| AppError::bad_request(format!("전화번호: {e}")))?;
            let res = addr
                .send(Dial {
                    number,
                    reservation_id: reservation,
                })
                .await
                .map_err(AppError::from)
                .and_then(|r| r);
            match res {
                Ok(call) => Ok(to_json(
                    serde_json::json!({"callId": call.call_id, "ticketId": call.ticket_id}),
                )),
                Err(e) => {
                    if let Some(id) = reservation {
                        engine
                            .release_reservation(agent.brand_id, id, agent.id)
                            .await;
                    }
                    Err(e)
                }
            }
        }
        ClientRequest::NoteSave {
            ticket_id,
            category,
            result,
            content,
        } => {
            let started = Instant::now();
            let c = engine
                .save_note(&agent, &ticket_id, category, result, content)
                .await?;
            metrics::histogram!(crate::telemetry::NOTE_SAVE)
                .record(started.elapsed().as_secs_f64());
            Ok(to_json(
                serde_json::json!({"ticketId": c.ticket_id, "updatedAt": c.updated_at}),
            ))
        }
        ClientRequest::NoteDraft {
            ticket_id,
            category,
            result,
            content,
        } => Ok(to_json(
            engine
                .save_draft(&agent, &ticket_id, category, result, content)
                .await?,
        )),
        ClientRequest::WrapupDone {} => Ok(to_json(addr.send(WrapupDone).await??)),
        ClientRequest::Ping {} => Ok(None),
        ClientRequest::AgentsWatch {
            on,
            service,
            state,
            q,
        } => {
            let n = engine
                .watch_agents(&agent, session, on, service, state, q)
                .await?;
            Ok(to_json(serde_json::json!({ "rows": n })))
        }
        ClientRequest::WallboardWatch {} => {
            engine.watch_wallboard(&agent, session, true).await?;
            Ok(None)
        }
        ClientRequest::RoutingWhy {} => Ok(to_json(engine.why_no_calls(agent.id).await?)),
        ClientRequest::WallboardUnwatch {} => {
            engine.watch_wallboard(&agent, session, false).await?;
            Ok(None)
        }
    }
}

impl Actor for DeskSession {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let (id, open) = self.engine.registry.add_session(
            self.agent.id,
            self.token.clone(),
            ctx.address().recipient(),
            ctx.address().recipient(),
            self.link.clone(),
        );
        self.id = id;
        tracing::debug!(
            agent_id = self.agent.id,
            session = id,
            open,
            "desk connected"
        );
        // Silence is judged by the watchdog (`start_watchdog`), which runs even when this actor
        // is stalled behind a client that stopped reading.
        ctx.run_interval(HEARTBEAT_INTERVAL, |act, ctx| {
            if act.link.is_dropped() {
                ctx.stop();
                return;
            }
            ctx.ping(b"");
        });
        let engine = self.engine.clone();
        let agent_id = self.agent.id;
        let signs_in = self.signs_in;
        // Nothing else is handled until `hello` is out: pushes wait in the mailbox behind it.
        ctx.wait(
            async move {
                let addr = engine.agent_addr(agent_id)?;
                addr.send(SessionsChanged { open }).await?;
                if signs_in {
                    addr.send(Login).await?;
                }
                engine.hello(agent_id).await
            }
            .into_actor(self)
            .map(|res, _, ctx| match res {
                Ok(hello) => {
                    ctx.text(ServerMsg::Hello(Box::new(hello)).encode().as_ref());
                }
                Err(e) => {
                    tracing::error!(error = %e, "hello failed");
                    ctx.close(Some(ws::CloseReason {
                        code: ws::CloseCode::Error,
                        description: Some(e.message),
                    }));
                    ctx.stop();
                }
            }),
        );
    }

    fn stopping(&mut self, _: &mut Self::Context) -> Running {
        // A socket the watchdog already dropped was deregistered (and its agent told) then.
        self.engine
            .registry
            .deregister_session(self.agent.id, self.id);
        // Its agent list and wallboard, if open, stop.
        if let Some(rt) = self.engine.registry.brand(self.agent.brand_id) {
            rt.stats.do_send(WatchAgents {
                agent_id: self.agent.id,
                session: self.id,
                filter: None,
            });
            if self.agent.role.is_manager() {
                rt.stats.do_send(WatchWallboard {
                    agent_id: self.agent.id,
                    session: self.id,
                    on: false,
                });
            }
        }
        Running::Stop
    }
}

impl Handler<Push> for DeskSession {
    type Result = ();
    fn handle(&mut self, m: Push, ctx: &mut Self::Context) {
        // The event frames it carries, then the state frames held for this socket (the latest
        // of each kind; an empty `Push` only wakes the writer for those).
        let held = self.link.taken(m.0.iter().map(|f| f.len()).sum());
        if !m.0.is_empty() {
            metrics::histogram!(crate::telemetry::SOCKET_WAIT).record(m.1.elapsed().as_secs_f64());
        }
        if !self.link.is_dropped() {
            for f in m.0.iter().chain(held.iter()) {
                self.send(ctx, f);
            }
        }
    }
}

impl Handler<CloseSession> for DeskSession {
    type Result = ();
    fn handle(&mut self, m: CloseSession, ctx: &mut Self::Context) {
        ctx.close(Some(ws::CloseReason {
            code: ws::CloseCode::Normal,
            description: Some(m.0),
        }));
        ctx.stop();
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for DeskSession {
    fn handle(&mut self, item: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        self.link.touch();
        match item {
            Ok(ws::Message::Text(t)) => self.handle_text(&t, ctx),
            Ok(ws::Message::Binary(_)) => {
                if !self.within_rate(None, ctx) {
                    return;
                }
                let err = AppError::new(
                    Code::InvalidMessage,
                    "바이너리 프레임은 받지 않습니다 (send JSON text)",
                );
                self.reply(ctx, None, Err(err));
            }
            Ok(ws::Message::Ping(p)) => ctx.pong(&p),
            Ok(ws::Message::Pong(_)) => {}
            Ok(ws::Message::Close(reason)) => {
                ctx.close(reason);
                ctx.stop();
            }
            Ok(ws::Message::Continuation(_)) => {
                ctx.close(Some(ws::CloseReason {
                    code: ws::CloseCode::Unsupported,
                    description: Some("fragmented frames are not supported".into()),
                }));
                ctx.stop();
            }
            Ok(ws::Message::Nop) => {}
            Err(ws::ProtocolError::Overflow) => {
                tracing::warn!(agent_id = self.agent.id, "frame over 64 KiB; closing");
                ctx.close(Some(ws::CloseReason {
                    code: ws::CloseCode::Size,
                    description: Some("frame over 64 KiB (프레임이 너무 큽니다)".into()),
                }));
                ctx.stop();
            }
            Err(e) => {
                // actix-web-actors reports a text frame that is not UTF-8 as an I/O error
                // carrying the UTF-8 decoder's message; RFC 6455 closes that with 1007.
                let text = e.to_string();
                let code = if text.contains("utf-8") {
                    ws::CloseCode::Invalid
                } else {
                    ws::CloseCode::Protocol
                };
                tracing::info!(error = %text, "socket ended uncleanly; closing");
                ctx.close(Some(ws::CloseReason {
                    code,
                    description: Some(text),
                }));
                ctx.stop();
            }
        }
    }
}
