//! calldesk load test (goose). Two kinds of users:
//! - desks: each logs in (`load0001`…), holds a desk socket (tokio-tungstenite: goose has no
//!   WebSocket client), goes ready, and for every offered call thinks briefly, answers, keeps
//!   a note draft (as the browser does while typing), hangs up, saves the note and ends wrap-up;
//! - callers: post inbound calls through the telephony gateway at a set total rate, with
//!   `externalId` = the send time in microseconds since the epoch.
//!
//! Non-HTTP timings go into goose's report through `record_custom_request_duration`:
//! `WS offer_latency` (receipt of `call.offered` minus the time in `externalId`) and
//! `WS note_draft_ack` (note.draft sent → ack) and `WS note_save_ack` (note.save sent → ack). Settings come from the environment:
//! `LOAD_DESKS` (default 1000), `LOAD_CALLS_PER_SEC` (50), `LOAD_CALLERS` (10),
//! `LOAD_WARMUP_S` (callers wait this long for desks to log in, default 12),
//! `LOAD_TELEPHONY_KEY` (`load-telephony-key`), `LOAD_PASSWORD` (`load1234`).
//! See load-tests/run.sh and docs/performance.md.

use futures_util::{SinkExt, StreamExt};
use goose::prelude::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

struct Conf {
    desks: usize,
    calls_per_sec: f64,
    callers: usize,
    warmup: Duration,
    key: String,
    password: String,
    started: Instant,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn conf() -> &'static Conf {
    static C: OnceLock<Conf> = OnceLock::new();
    C.get_or_init(|| Conf {
        desks: env_or("LOAD_DESKS", 1000),
        calls_per_sec: env_or("LOAD_CALLS_PER_SEC", 50.0),
        callers: env_or("LOAD_CALLERS", 10usize).max(1),
        warmup: Duration::from_secs(env_or("LOAD_WARMUP_S", 12)),
        key: env_or("LOAD_TELEPHONY_KEY", "load-telephony-key".to_string()),
        password: env_or("LOAD_PASSWORD", "load1234".to_string()),
        started: Instant::now(),
    })
}

static NEXT_DESK: AtomicUsize = AtomicUsize::new(1);
/// Offer latencies (µs) with the instant each offer was received, for the closing summary.
static OFFERS: std::sync::Mutex<Vec<(Instant, u64)>> = std::sync::Mutex::new(Vec::new());
static ERRORS: AtomicU64 = AtomicU64::new(0);
static SERVICES: [&str; 3] = ["main", "order", "return"];

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

struct DeskInner {
    ws: Mutex<Ws>,
    next_id: AtomicU64,
}

#[derive(Clone)]
struct Desk(Arc<DeskInner>);

fn fail(msg: impl Into<String>) -> Box<TransactionError> {
    Box::new(TransactionError::Custom(msg.into()))
}

async fn desk_login(user: &mut GooseUser) -> TransactionResult {
    let n = match user.get_session_data::<usize>() {
        Some(n) => *n,
        None => {
            let n = NEXT_DESK.fetch_add(1, Ordering::Relaxed);
            user.set_session_data(n);
            n
        }
    };
    let login = format!("load{n:04}");
    let res = user
        .post_json(
            "/api/login",
            &json!({"login": login, "password": conf().password}),
        )
        .await?;
    let body: Value = match res.response {
        Ok(r) => r
            .json()
            .await
            .map_err(|e| fail(format!("login body: {e}")))?,
        Err(e) => return Err(fail(format!("login {login}: {e}"))),
    };
    let token = body["token"]
        .as_str()
        .ok_or_else(|| fail(format!("login {login} refused: {body}")))?;
    let mut url = user.base_url.clone();
    url.set_scheme(if url.scheme() == "https" { "wss" } else { "ws" })
        .map_err(|_| fail("bad scheme"))?;
    url.set_path("/api/ws");
    url.set_query(Some(&format!("token={token}")));
    let started = Instant::now();
    let (mut ws, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|e| fail(format!("socket: {e}")))?;
    let hello = next_text(&mut ws, Duration::from_secs(10)).await;
    let ok = hello
        .as_deref()
        .is_some_and(|t| t.contains("\"type\":\"hello\""));
    user.record_custom_request_duration("WS", "connect_hello", started.elapsed(), ok, None, None)
        .await?;
    if !ok {
        return Err(fail("no hello"));
    }
    let desk = Desk(Arc::new(DeskInner {
        ws: Mutex::new(ws),
        next_id: AtomicU64::new(1),
    }));
    request(&desk, json!({"type": "status.set", "status": "ready"})).await?;
    user.set_session_data(desk);
    Ok(())
}

async fn next_text(ws: &mut Ws, wait: Duration) -> Option<String> {
    loop {
        match tokio::time::timeout(wait, ws.next()).await {
            Ok(Some(Ok(Message::Text(t)))) => return Some(t.to_string()),
            Ok(Some(Ok(Message::Ping(p)))) => {
                let _ = ws.send(Message::Pong(p)).await;
            }
            Ok(Some(Ok(_))) => {}
            _ => return None,
        }
    }
}

/// Sends a request and waits for its ack (other frames are skipped).
async fn request(desk: &Desk, mut body: Value) -> Result<Duration, Box<TransactionError>> {
    let id = desk.0.next_id.fetch_add(1, Ordering::Relaxed);
    body["id"] = json!(id);
    let mut ws = desk.0.ws.lock().await;
    let started = Instant::now();
    ws.send(Message::Text(body.to_string().into()))
        .await
        .map_err(|e| fail(format!("send: {e}")))?;
    let ack = format!("\"id\":{id},");
    loop {
        let t = next_text(&mut ws, Duration::from_secs(10))
            .await
            .ok_or_else(|| fail("socket closed while waiting for an ack"))?;
        if (t.starts_with("{\"type\":\"ack\"") || t.starts_with("{\"type\":\"error\""))
            && t.contains(&ack)
        {
            if t.starts_with("{\"type\":\"error\"") {
                return Err(fail(format!("refused: {t}")));
            }
            return Ok(started.elapsed());
        }
    }
}

/// One call cycle: wait for an offer (up to 2 s), answer, talk briefly, hang up, note, ready.
async fn desk_work(user: &mut GooseUser) -> TransactionResult {
    let Some(desk) = user.get_session_data::<Desk>().cloned() else {
        // The on-start login failed: back off, then try again (never spin).
        tokio::time::sleep(Duration::from_secs(1)).await;
        return desk_login(user).await;
    };
    let offered = {
        let mut ws = desk.0.ws.lock().await;
        let deadline = Instant::now() + Duration::from_secs(2);
        let mut found = None;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Some(t) = next_text(&mut ws, left).await else {
                break;
            };
            if t.starts_with("{\"type\":\"call.offered\"") {
                found = Some((now_micros(), t));
                break;
            }
        }
        found
    };
    let Some((received, text)) = offered else {
        return Ok(());
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| fail(format!("offer: {e}")))?;
    let call_id = v["callId"]
        .as_u64()
        .ok_or_else(|| fail("offer without callId"))?;
    let ticket = v["ticketId"].as_str().unwrap_or_default().to_string();
    if let Some(sent) = v["externalId"].as_str().and_then(|s| s.parse::<u64>().ok()) {
        let latency = Duration::from_micros(received.saturating_sub(sent));
        if let Ok(mut o) = OFFERS.lock() {
            o.push((Instant::now(), latency.as_micros() as u64));
        }
        user.record_custom_request_duration("WS", "offer_latency", latency, true, None, None)
            .await?;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let answered = request(&desk, json!({"type": "call.answer", "callId": call_id})).await;
    user.record_custom_request_duration(
        "WS",
        "answer_ack",
        *answered.as_ref().unwrap_or(&Duration::ZERO),
        answered.is_ok(),
        None,
        answered.as_ref().err().map(|e| e.to_string()).as_deref(),
    )
    .await?;
    if answered.is_err() {
        ERRORS.fetch_add(1, Ordering::Relaxed);
        return Ok(());
    }
    // While talking the browser keeps what is typed on the server as a draft.
    let drafted = request(
        &desk,
        json!({"type": "note.draft", "ticketId": ticket, "category": "부하", "result": null,
               "content": "부하 테스트 상담 메모 (작성 중)"}),
    )
    .await;
    user.record_custom_request_duration(
        "WS",
        "note_draft_ack",
        *drafted.as_ref().unwrap_or(&Duration::ZERO),
        drafted.is_ok(),
        None,
        None,
    )
    .await?;
    if drafted.is_err() {
        ERRORS.fetch_add(1, Ordering::Relaxed);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    request(&desk, json!({"type": "call.hangup", "callId": call_id})).await?;
    let saved = request(
        &desk,
        json!({"type": "note.save", "ticketId": ticket, "category": "부하", "result": "완료",
               "content": "부하 테스트 상담 메모"}),
    )
    .await;
    user.record_custom_request_duration(
        "WS",
        "note_save_ack",
        *saved.as_ref().unwrap_or(&Duration::ZERO),
        saved.is_ok(),
        None,
        None,
    )
    .await?;
    if saved.is_err() {
        ERRORS.fetch_add(1, Ordering::Relaxed);
    }
    request(&desk, json!({"type": "wrapup.done"})).await?;
    Ok(())
}

/// Prints offer latency p50/p95/p99/max, calls routed per second and errors.
fn summary() {
    let offers = OFFERS.lock().map(|o| o.clone()).unwrap_or_default();
    let mut lat: Vec<u64> = offers.iter().map(|(_, l)| *l).collect();
    lat.sort_unstable();
    let pct = |p: f64| -> f64 {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((p / 100.0) * (lat.len() - 1) as f64).round() as usize;
        lat[i] as f64 / 1000.0
    };
    let span = match (offers.first(), offers.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (b.0 - a.0).as_secs_f64(),
        _ => 0.0,
    };
    let rate = if span > 0.0 {
        offers.len() as f64 / span
    } else {
        0.0
    };
    let c = conf();
    println!();
    println!(
        "== calldesk summary: {} desks, target {} calls/s",
        c.desks, c.calls_per_sec
    );
    println!(
        "== offer latency ms: p50 {:.2} | p95 {:.2} | p99 {:.2} | max {:.2} ({} offers)",
        pct(50.0),
        pct(95.0),
        pct(99.0),
        pct(100.0),
        lat.len()
    );
    println!("== calls routed per second: {rate:.1} (over {span:.0} s)");
    println!(
        "== desk errors (answer / note refused): {}",
        ERRORS.load(Ordering::Relaxed)
    );
}

async fn place_call(user: &mut GooseUser) -> TransactionResult {
    let c = conf();
    if c.started.elapsed() < c.warmup {
        tokio::time::sleep(Duration::from_millis(500)).await;
        return Ok(());
    }
    let n = now_micros();
    let service = SERVICES[(n % 3) as usize];
    let body = json!({
        "service": service,
        "from": format!("010{:08}", n % 100_000_000),
        "externalId": n.to_string(),
    });
    let rb = user
        .get_request_builder(&GooseMethod::Post, "/api/telephony/calls")?
        .header("X-Telephony-Key", c.key.as_str())
        .json(&body);
    let req = GooseRequest::builder()
        .method(GooseMethod::Post)
        .path("/api/telephony/calls")
        .name("gateway new call")
        .expect_status_code(201)
        .set_request_builder(rb)
        .build();
    user.request(req).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let c = conf();
    let users = c.desks + c.callers;
    let pace = Duration::from_secs_f64(c.callers as f64 / c.calls_per_sec.max(0.01));
    eprintln!(
        "calldesk load: {} desks, {} calls/s from {} callers (one call every {:?} each), warm-up {:?}",
        c.desks, c.calls_per_sec, c.callers, pace, c.warmup
    );
    GooseAttack::initialize()?
        .register_scenario(
            scenario!("Desk")
                .set_weight(c.desks)?
                .register_transaction(transaction!(desk_login).set_on_start())
                .register_transaction(transaction!(desk_work)),
        )
        .register_scenario(
            scenario!("Caller")
                .set_weight(c.callers)?
                .set_wait_time(pace, pace)?
                .register_transaction(transaction!(place_call)),
        )
        .set_default(GooseDefault::Users, users)?
        .set_default(GooseDefault::IncreaseRate, "100")?
        .set_default(GooseDefault::RunTime, 60)?
        .execute()
        .await?;
    summary();
    Ok(())
}
