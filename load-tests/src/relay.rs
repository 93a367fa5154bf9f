//! The bare relay: the baseline a calldesk offer is measured against. A minimal actix-web server
//! (the same framework, the same TCP_NODELAY) that turns the gateway's `POST
//! /api/telephony/calls` into one `call.offered` WebSocket frame on one of the idle sockets
//! connected at `/api/ws` (round robin) — no store, no actors between, no routing. The load
//! driver runs against it with `LOAD_RELAY=1` in the same invocation as the calldesk run
//! (`load-tests/run.sh`), so every report shows calldesk's offer latency next to the floor
//! this machine sets. Usage: `calldesk-relay 127.0.0.1:18081`. With `RELAY_HOP=1` the POST's
//! frame goes through one actor on a thread of its own first, as calldesk's does through its
//! routing thread — to measure what that hop costs (docs/performance.md); with `RELAY_ALT=1` as
//! well, only every other call takes that hop, so both paths are timed at the same moments. The
//! frame's `callId` tells the driver which path it took: 1 direct, 2 through the hop.

use actix::prelude::*;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use actix_web_actors::ws;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Message, Clone)]
#[rtype(result = "()")]
struct Frame(Arc<str>);

struct Sock;

impl Actor for Sock {
    type Context = ws::WebsocketContext<Self>;
}

impl Handler<Frame> for Sock {
    type Result = ();
    fn handle(&mut self, m: Frame, ctx: &mut Self::Context) {
        ctx.text(m.0.as_ref());
    }
}

impl StreamHandler<Result<ws::Message, ws::ProtocolError>> for Sock {
    fn handle(&mut self, item: Result<ws::Message, ws::ProtocolError>, ctx: &mut Self::Context) {
        match item {
            Ok(ws::Message::Ping(p)) => ctx.pong(&p),
            Ok(ws::Message::Close(r)) => {
                ctx.close(r);
                ctx.stop();
            }
            Err(_) => ctx.stop(),
            _ => {}
        }
    }
}

/// A frame for a socket, through the router (`RELAY_HOP=1`).
#[derive(Message)]
#[rtype(result = "()")]
struct Via(Recipient<Frame>, Frame);

/// The extra hop: an actor on its own arbiter that passes each frame on.
struct Router;
impl Actor for Router {
    type Context = Context<Self>;
}
impl Handler<Via> for Router {
    type Result = ();
    fn handle(&mut self, m: Via, _: &mut Self::Context) {
        m.0.do_send(m.1);
    }
}

#[derive(Default)]
struct Relay {
    socks: Mutex<Vec<Recipient<Frame>>>,
    next: AtomicUsize,
    router: Option<Addr<Router>>,
    /// Only every other call through the router (`RELAY_ALT=1`).
    alternate: bool,
}

async fn connect(
    relay: web::Data<Relay>,
    req: HttpRequest,
    stream: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let (addr, res) = ws::WsResponseBuilder::new(Sock, &req, stream).start_with_addr()?;
    relay.socks.lock().expect("socks").push(addr.recipient());
    Ok(res)
}

async fn call(relay: web::Data<Relay>, body: web::Json<Value>) -> HttpResponse {
    let ext = body["externalId"].as_str().unwrap_or_default();
    let n = relay.next.fetch_add(1, Ordering::Relaxed);
    let (sock, round) = {
        let socks = relay.socks.lock().expect("socks");
        if socks.is_empty() {
            return HttpResponse::ServiceUnavailable().finish();
        }
        (socks[n % socks.len()].clone(), n / socks.len())
    };
    // Alternating, the parity shifts with each round over the sockets, so every socket (and
    // so both HTTP workers) gets both paths whatever the number of sockets.
    let router = relay
        .router
        .as_ref()
        .filter(|_| !relay.alternate || (n + round) % 2 == 1);
    let frame: Arc<str> = Arc::from(format!(
        "{{\"type\":\"call.offered\",\"callId\":{},\"externalId\":\"{ext}\"}}",
        if router.is_some() { 2 } else { 1 }
    ));
    match router {
        Some(r) => r.do_send(Via(sock, Frame(frame))),
        None => sock.do_send(Frame(frame)),
    }
    HttpResponse::Created().json(serde_json::json!({"callId": 1, "ticketId": "relay"}))
}

fn nodelay(conn: &dyn std::any::Any, _: &mut actix_web::dev::Extensions) {
    if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
        let _ = tcp.set_nodelay(true);
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let listen = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:18081".into());
    let router = std::env::var("RELAY_HOP").is_ok().then(|| {
        let arb = Arbiter::new();
        Router::start_in_arbiter(&arb.handle(), |_| Router)
    });
    let relay = web::Data::new(Relay {
        router,
        alternate: std::env::var("RELAY_ALT").is_ok(),
        ..Default::default()
    });
    HttpServer::new(move || {
        App::new()
            .app_data(relay.clone())
            .route("/api/ws", web::get().to(connect))
            .route("/api/telephony/calls", web::post().to(call))
            .route("/healthz", web::get().to(HttpResponse::Ok))
    })
    .workers(2)
    .on_connect(nodelay)
    .bind(listen)?
    .run()
    .await
}
