//! `DeskSession`: one actor per desk socket (actix-web-actors, confined to this module). On
//! connect it registers with the registry, logs the agent in (상담준비) if logged out, and sends
//! `hello` with everything the desk shows; then it forwards pushed frames with a per-connection
//! `seq`, answers each request with `ack` or `error`, pings every `HEARTBEAT_INTERVAL`, drops a
//! client silent for `CLIENT_TIMEOUT`, and closes on a frame over 64 KiB with a reason.

use crate::domain::model::AgentPublic;
use crate::domain::phone::Phone;
use crate::domain::status::{Cause, Target};
use crate::engine::messages::*;
use crate::engine::Engine;
use crate::error::{AppError, Code};
use crate::protocol::{with_seq, ClientRequest, ServerMsg, CLIENT_TYPES, MAX_FRAME_BYTES};
use actix::prelude::*;
use actix_web::{web, HttpRequest, HttpResponse};
use actix_web_actors::ws;
use std::time::{Duration, Instant};

pub const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(20);

pub struct DeskSession {
    engine: Engine,
    agent: AgentPublic,
    id: u64,
    seq: u64,
    last_seen: Instant,
}

/// Upgrades an authenticated request to a desk socket.
pub fn start(
    engine: Engine,
    agent: AgentPublic,
    req: &HttpRequest,
    stream: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let session = DeskSession {
        engine,
        agent,
        id: 0,
        seq: 0,
        last_seen: Instant::now(),
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

    fn handle_text(&mut self, text: &str, ctx: &mut ws::WebsocketContext<Self>) {
        let value: serde_json::Value = match serde_json::from_str(text) {
            Ok(v) => v,
            Err(e) => {
                let err = AppError::new(Code::InvalidMessage, format!("JSON이 아닙니다: {e}"));
                return self.reply(ctx, None, Err(err));
            }
        };
        let id = value.get("id").and_then(|v| v.as_u64());
        let kind = value
            .get("type")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        if !CLIENT_TYPES.contains(&kind.as_str()) {
            let err = AppError::new(
                Code::InvalidMessage,
                format!(
                    "알 수 없는 요청 type '{kind}' (expected one of {})",
                    CLIENT_TYPES.join(", ")
                ),
            );
            return self.reply(ctx, id, Err(err));
        }
        let req: ClientRequest = match serde_json::from_value(value) {
            Ok(r) => r,
            Err(e) => {
                let err = AppError::new(
                    Code::InvalidMessage,
                    format!("'{kind}' 요청 형식 오류: {e}"),
                );
                return self.reply(ctx, id, Err(err));
            }
        };
        let engine = self.engine.clone();
        let agent = self.agent.clone();
        // Requests of one socket run one at a time, in order.
        ctx.wait(
            async move { run(engine, agent, req).await }
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
            let c = engine
                .save_note(&agent, &ticket_id, category, result, content)
                .await?;
            Ok(to_json(
                serde_json::json!({"ticketId": c.ticket_id, "updatedAt": c.updated_at}),
            ))
        }
        ClientRequest::WrapupDone {} => Ok(to_json(addr.send(WrapupDone).await??)),
        ClientRequest::Ping {} => Ok(None),
    }
}

impl Actor for DeskSession {
    type Context = ws::WebsocketContext<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let (id, open) = self.engine.registry.add_session(
            self.agent.id,
            ctx.address().recipient(),
            ctx.address().recipient(),
        );
        self.id = id;
        tracing::debug!(
            agent_id = self.agent.id,
            session = id,
            open,
            "desk connected"
        );
        ctx.run_interval(HEARTBEAT_INTERVAL, |act, ctx| {
            if Instant::now().duration_since(act.last_seen) > CLIENT_TIMEOUT {
                tracing::info!(agent_id = act.agent.id, "desk timed out");
                ctx.stop();
                return;
            }
            ctx.ping(b"");
        });
        let engine = self.engine.clone();
        let agent_id = self.agent.id;
        // Nothing else is handled until `hello` is out: pushes wait in the mailbox behind it.
        ctx.wait(
            async move {
                let addr = engine.agent_addr(agent_id)?;
                addr.send(SessionsChanged { open }).await?;
                addr.send(Login).await?;
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
        let open = self.engine.registry.remove_session(self.agent.id, self.id);
        if let Some(e) = self.engine.registry.agent(self.agent.id) {
            e.addr.do_send(SessionsChanged { open });
        }
        Running::Stop
    }
}

impl Handler<Push> for DeskSession {
    type Result = ();
    fn handle(&mut self, m: Push, ctx: &mut Self::Context) {
        self.send(ctx, &m.0);
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
        self.last_seen = Instant::now();
        match item {
            Ok(ws::Message::Text(t)) => self.handle_text(&t, ctx),
            Ok(ws::Message::Binary(_)) => {
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
                tracing::info!(error = %e, "socket ended uncleanly; closing");
                ctx.close(Some(ws::CloseReason {
                    code: ws::CloseCode::Protocol,
                    description: Some(e.to_string()),
                }));
                ctx.stop();
            }
        }
    }
}
