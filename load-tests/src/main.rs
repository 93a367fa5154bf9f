//! calldesk load test (goose). Two kinds of users:
//! - desks: each logs in (`load0001`…), holds a desk socket (tokio-tungstenite: goose has no
//!   WebSocket client), goes ready, and for every offered call thinks briefly, answers, keeps
//!   a note draft (as the browser does while typing), hangs up, saves the note and ends wrap-up;
//! - callers: post inbound calls through the telephony gateway at a set total rate, with
//!   `externalId` = the send time in microseconds since the epoch.
//!
//! Desks behave like people: most keep their agent lists closed; one in twenty keeps the 상담중
//! list open (`agents.watch` `in_service`), the first `LOAD_MANAGERS` (10) watch the whole floor
//! and the wallboard (`wallboard.watch`; seed-load makes them managers) and take no calls, and
//! the last `LOAD_IDLE` (5) sign in but never go ready — their traffic is what an idle desk
//! with its lists closed receives.
//!
//! Non-HTTP timings go into goose's report through `record_custom_request_duration`:
//! `WS offer_latency` (receipt of `call.offered` minus the time in `externalId`; split at the
//! ring, the frame's `since`, into the server's routing and the frame's way to the desk) and
//! `WS note_draft_ack` (note.draft sent → ack) and `WS note_save_ack` (note.save sent → ack).
//! The closing summary adds the fan-out (a watched row's receipt minus its `since`), `hello`
//! sizes, the idle desks' bytes and frames per second and the managers' (by frame type), and
//! ends with one `RESULT` line.
//! Settings come from the environment:
//! `LOAD_DESKS` (default 1000), `LOAD_CALLS_PER_SEC` (50), `LOAD_CALLERS` (10),
//! `LOAD_WARMUP_S` (callers wait this long for desks to log in, default 12), `LOAD_HATCH` (users
//! started per second, default 100), `LOAD_RELAY=1` (against `calldesk-relay`: desks only
//! connect and time offers; a relay started with `RELAY_HOP=1 RELAY_ALT=1` is timed per path),
//! `LOAD_MANAGERS` (10), `LOAD_WATCH_EVERY` (every this-many-th desk keeps 상담중 open: 20; 0
//! none), `LOAD_IDLE` (5), `LOAD_OFFER_LOG` (a file: every calldesk offer's clocks — POST sent,
//! ring, read, in µs since the epoch — and its desk's number, one line each, to find when the
//! slow ones happen),
//! `LOAD_TELEPHONY_KEY` (`load-telephony-key`), `LOAD_PASSWORD` (`load1234`).
//! See load-tests/run.sh and docs/performance.md.

use futures_util::{SinkExt, StreamExt};
use goose::prelude::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::{Message, Utf8Bytes};

#[path = "socket.rs"]
mod socket;
use socket::{connect, Ws};

struct Conf {
    /// Against the bare relay (`calldesk-relay`): desks only connect and time offers.
    relay: bool,
    desks: usize,
    managers: usize,
    /// Every this-many-th desk keeps the 상담중 list open (0: none).
    watch_every: usize,
    idle: usize,
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
        relay: env_or("LOAD_RELAY", 0u8) == 1,
        desks: env_or("LOAD_DESKS", 1000),
        managers: env_or("LOAD_MANAGERS", 10),
        watch_every: env_or("LOAD_WATCH_EVERY", 20),
        idle: env_or("LOAD_IDLE", 5),
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
/// Each calldesk offer split at the ring (the frame's `since`, the server's clock — the same
/// machine's): gateway POST sent → ring, and ring → the frame read by this driver (µs).
static OFFER_SPLITS: std::sync::Mutex<Vec<(u64, u64)>> = std::sync::Mutex::new(Vec::new());
/// Every offer's clocks (µs since the epoch: gateway POST sent, ring, read; and the desk's
/// number), written to `LOAD_OFFER_LOG` at the end when set: when the slow ones happen.
static OFFER_LOG: std::sync::Mutex<Vec<(u64, u64, u64, usize)>> = std::sync::Mutex::new(Vec::new());
/// Against the relay: each offer's path (its `callId`: 1 direct, 2 through the relay's extra
/// hop, `RELAY_HOP`/`RELAY_ALT`) and latency (µs), to time both paths at the same moments.
static RELAY_PATHS: std::sync::Mutex<Vec<(u64, u64)>> = std::sync::Mutex::new(Vec::new());
static ERRORS: AtomicU64 = AtomicU64::new(0);
static CONNECT_FAILURES: AtomicU64 = AtomicU64::new(0);
/// Watched rows' fan-out (µs: receipt minus the row's `since`).
static FANOUT: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
/// note.save acks (µs).
static SAVES: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
/// `hello` sizes (bytes).
static HELLOS: std::sync::Mutex<Vec<u64>> = std::sync::Mutex::new(Vec::new());
/// What the idle desks received after the warm-up: bytes, frames, and since when.
static IDLE_BYTES: AtomicU64 = AtomicU64::new(0);
static IDLE_FRAMES: AtomicU64 = AtomicU64::new(0);
static IDLE_FROM: OnceLock<Instant> = OnceLock::new();
/// What the managers received after the warm-up (bytes, frames; largest frame).
static MANAGER_BYTES: AtomicU64 = AtomicU64::new(0);
static MANAGER_FRAMES: AtomicU64 = AtomicU64::new(0);
static MANAGER_MAX_FRAME: AtomicU64 = AtomicU64::new(0);
/// Whole pictures the managers received after the warm-up: agent lists (`reset`), wallboards
/// (`full`), and their bytes.
static MANAGER_RESETS: AtomicU64 = AtomicU64::new(0);
static MANAGER_RESET_BYTES: AtomicU64 = AtomicU64::new(0);
/// The managers' frames after the warm-up by type: (frames, bytes).
static MANAGER_BY_TYPE: std::sync::Mutex<Vec<(String, u64, u64)>> =
    std::sync::Mutex::new(Vec::new());
static SERVICES: [&str; 3] = ["main", "order", "return"];

fn now_micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0)
}

/// What a desk does besides taking calls.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// Takes calls; lists closed.
    Plain,
    /// Takes calls with the 상담중 list open.
    Watcher,
    /// Watches the whole floor and takes no calls (a manager); times the fan-out.
    Manager,
    /// Signed in, never ready, lists closed: measures an idle desk's traffic.
    Idle,
}

fn role_of(n: usize) -> Role {
    let c = conf();
    if n > c.desks.saturating_sub(c.idle) {
        Role::Idle
    } else if n <= c.managers {
        Role::Manager
    } else if c.watch_every > 0 && n.is_multiple_of(c.watch_every) {
        Role::Watcher
    } else {
        Role::Plain
    }
}

struct DeskInner {
    ws: Mutex<Ws>,
    /// The desk's number (`load0001` is 1; 0 against the relay).
    n: usize,
    next_id: AtomicU64,
    role: Role,
}

/// Looks at every frame a desk receives: counts an idle desk's traffic, and times watched rows.
fn observe(role: Role, text: &str) {
    match role {
        Role::Idle => {
            let c = conf();
            if c.started.elapsed() >= c.warmup {
                IDLE_FROM.get_or_init(Instant::now);
                IDLE_BYTES.fetch_add(text.len() as u64, Ordering::Relaxed);
                IDLE_FRAMES.fetch_add(1, Ordering::Relaxed);
            }
        }
        Role::Manager => {
            if conf().started.elapsed() >= conf().warmup {
                MANAGER_BYTES.fetch_add(text.len() as u64, Ordering::Relaxed);
                MANAGER_FRAMES.fetch_add(1, Ordering::Relaxed);
                MANAGER_MAX_FRAME.fetch_max(text.len() as u64, Ordering::Relaxed);
                let whole = (text.starts_with("{\"type\":\"agents\"")
                    && text.contains("\"reset\":true"))
                    || (text.starts_with("{\"type\":\"wallboard\"")
                        && text.contains("\"full\":true"));
                let kind = text
                    .strip_prefix("{\"type\":\"")
                    .and_then(|t| t.split('"').next())
                    .unwrap_or("?");
                if let Ok(mut by) = MANAGER_BY_TYPE.lock() {
                    match by.iter_mut().find(|(k, _, _)| k == kind) {
                        Some(e) => {
                            e.1 += 1;
                            e.2 += text.len() as u64;
                        }
                        None => by.push((kind.to_string(), 1, text.len() as u64)),
                    }
                }
                if whole {
                    MANAGER_RESETS.fetch_add(1, Ordering::Relaxed);
                    MANAGER_RESET_BYTES.fetch_add(text.len() as u64, Ordering::Relaxed);
                }
            }
            if !text.starts_with("{\"type\":\"agents\"") || text.contains("\"reset\":true") {
                return;
            }
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                return;
            };
            let now = now_micros();
            let mut lat = Vec::new();
            for r in v["changed"].as_array().into_iter().flatten() {
                if let Some(since) = r["since"]
                    .as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                {
                    let since = since.timestamp_micros().max(0) as u64;
                    lat.push(now.saturating_sub(since));
                }
            }
            if let Ok(mut f) = FANOUT.lock() {
                f.extend(lat);
            }
        }
        // A watcher reads its frames late while it is on a call: not a fan-out measure.
        Role::Plain | Role::Watcher => {}
    }
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
    if conf().relay {
        return relay_connect(user).await;
    }
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
    let (mut ws, _) = match connect(url.as_str()).await {
        Ok(w) => w,
        Err(e) => {
            CONNECT_FAILURES.fetch_add(1, Ordering::Relaxed);
            return Err(fail(format!("socket: {e}")));
        }
    };
    let hello = {
        let wait = tokio::time::sleep(Duration::from_secs(10));
        tokio::pin!(wait);
        next_text(&mut ws, wait.as_mut()).await
    };
    let ok = hello
        .as_deref()
        .is_some_and(|t| t.contains("\"type\":\"hello\""));
    user.record_custom_request_duration("WS", "connect_hello", started.elapsed(), ok, None, None)
        .await?;
    if !ok {
        CONNECT_FAILURES.fetch_add(1, Ordering::Relaxed);
        return Err(fail("no hello"));
    }
    if let (Some(h), Ok(mut all)) = (hello.as_deref(), HELLOS.lock()) {
        all.push(h.len() as u64);
    }
    let role = role_of(n);
    let desk = Desk(Arc::new(DeskInner {
        ws: Mutex::new(ws),
        n,
        next_id: AtomicU64::new(1),
        role,
    }));
    match role {
        Role::Manager => {
            request(&desk, json!({"type": "agents.watch", "on": true})).await?;
            // The wallboard too (seed-load makes the first ten agents managers).
            request(&desk, json!({"type": "wallboard.watch"})).await?;
        }
        Role::Watcher => {
            request(
                &desk,
                json!({"type": "agents.watch", "on": true, "state": "in_service"}),
            )
            .await?;
        }
        _ => {}
    }
    if matches!(role, Role::Plain | Role::Watcher) {
        request(&desk, json!({"type": "status.set", "status": "ready"})).await?;
    }
    user.set_session_data(desk);
    Ok(())
}

/// Against the relay: just a socket (no login, no hello) that receives offers.
async fn relay_connect(user: &mut GooseUser) -> TransactionResult {
    let mut url = user.base_url.clone();
    url.set_scheme("ws").map_err(|_| fail("bad scheme"))?;
    url.set_path("/api/ws");
    let (ws, _) = match connect(url.as_str()).await {
        Ok(w) => w,
        Err(e) => {
            CONNECT_FAILURES.fetch_add(1, Ordering::Relaxed);
            return Err(fail(format!("relay socket: {e}")));
        }
    };
    user.set_session_data(Desk(Arc::new(DeskInner {
        ws: Mutex::new(ws),
        n: 0,
        next_id: AtomicU64::new(1),
        role: Role::Plain,
    })));
    Ok(())
}

/// The next text frame, as received (not copied), or `None` once `deadline` passes or the
/// socket closes. `deadline` is one timer for the caller's whole wait, however many frames
/// arrive meanwhile: an ack is due within 10 s in all, not 10 s after the last other frame.
async fn next_text(
    ws: &mut Ws,
    mut deadline: std::pin::Pin<&mut tokio::time::Sleep>,
) -> Option<Utf8Bytes> {
    loop {
        tokio::select! {
            biased;
            m = ws.next() => match m {
                Some(Ok(Message::Text(t))) => return Some(t),
                Some(Ok(Message::Ping(p))) => {
                    let _ = ws.send(Message::Pong(p)).await;
                }
                Some(Ok(_)) => {}
                _ => return None,
            },
            _ = &mut deadline => return None,
        }
    }
}

/// Sends a request and waits up to 10 s in all for its ack (other frames are skipped).
async fn request(desk: &Desk, mut body: Value) -> Result<Duration, Box<TransactionError>> {
    let id = desk.0.next_id.fetch_add(1, Ordering::Relaxed);
    body["id"] = json!(id);
    let mut ws = desk.0.ws.lock().await;
    let started = Instant::now();
    ws.send(Message::Text(body.to_string().into()))
        .await
        .map_err(|e| fail(format!("send: {e}")))?;
    let ack = format!("\"id\":{id},");
    let wait = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(wait);
    loop {
        let t = next_text(&mut ws, wait.as_mut())
            .await
            .ok_or_else(|| fail("no ack within 10 s (or the socket closed)"))?;
        observe(desk.0.role, &t);
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
        let wait = tokio::time::sleep(Duration::from_secs(2));
        tokio::pin!(wait);
        let mut found = None;
        loop {
            let Some(t) = next_text(&mut ws, wait.as_mut()).await else {
                break;
            };
            observe(desk.0.role, &t);
            if matches!(desk.0.role, Role::Plain | Role::Watcher)
                && t.starts_with("{\"type\":\"call.offered\"")
            {
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
        if conf().relay {
            if let Ok(mut o) = RELAY_PATHS.lock() {
                o.push((call_id, latency.as_micros() as u64));
            }
        }
        if let Some(ring) = v["since"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        {
            let ring = ring.timestamp_micros().max(0) as u64;
            if let Ok(mut o) = OFFER_SPLITS.lock() {
                o.push((ring.saturating_sub(sent), received.saturating_sub(ring)));
            }
            if let Ok(mut o) = OFFER_LOG.lock() {
                o.push((sent, ring, received, desk.0.n));
            }
        }
        user.record_custom_request_duration("WS", "offer_latency", latency, true, None, None)
            .await?;
    }
    if conf().relay {
        return Ok(());
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
    match &saved {
        Ok(d) => {
            if let Ok(mut all) = SAVES.lock() {
                all.push(d.as_micros() as u64);
            }
        }
        Err(_) => {
            ERRORS.fetch_add(1, Ordering::Relaxed);
        }
    }
    request(&desk, json!({"type": "wrapup.done"})).await?;
    Ok(())
}

/// A percentile (0–100) of sorted values, in the values' unit; 0 when empty.
fn pct(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    sorted[((p / 100.0) * (sorted.len() - 1) as f64).round() as usize]
}

fn sorted(m: &std::sync::Mutex<Vec<u64>>) -> Vec<u64> {
    let mut v = m.lock().map(|v| v.clone()).unwrap_or_default();
    v.sort_unstable();
    v
}

/// Prints offer latency, fan-out, note-save acks, `hello` sizes, an idle desk's traffic and
/// errors, then one machine-readable `RESULT` line (run.sh adds the relay and the server's RSS).
fn summary() {
    if let (Ok(path), false) = (std::env::var("LOAD_OFFER_LOG"), conf().relay) {
        let log = OFFER_LOG.lock().map(|o| o.clone()).unwrap_or_default();
        let text: String = log
            .iter()
            .map(|(s, r, d, n)| format!("{s} {r} {d} {n}\n"))
            .collect();
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("LOAD_OFFER_LOG {path}: {e}");
        }
    }
    let offers = OFFERS.lock().map(|o| o.clone()).unwrap_or_default();
    let mut lat: Vec<u64> = offers.iter().map(|(_, l)| *l).collect();
    lat.sort_unstable();
    let ms = |us: u64| us as f64 / 1000.0;
    let span = match (offers.first(), offers.last()) {
        (Some(a), Some(b)) if b.0 > a.0 => (b.0 - a.0).as_secs_f64(),
        _ => 0.0,
    };
    let rate = if span > 0.0 {
        offers.len() as f64 / span
    } else {
        0.0
    };
    let fan = sorted(&FANOUT);
    let saves = sorted(&SAVES);
    let hellos = sorted(&HELLOS);
    let c = conf();
    let idle_s = IDLE_FROM
        .get()
        .map(|t| t.elapsed().as_secs_f64())
        .unwrap_or(0.0);
    let idle_desks = c.idle.min(c.desks).max(1) as f64;
    let (idle_bps, idle_fps) = if idle_s > 0.0 {
        (
            IDLE_BYTES.load(Ordering::Relaxed) as f64 / idle_s / idle_desks,
            IDLE_FRAMES.load(Ordering::Relaxed) as f64 / idle_s / idle_desks,
        )
    } else {
        (0.0, 0.0)
    };
    if c.relay {
        println!();
        println!(
            "== relay summary: {} sockets, target {} calls/s: offer latency ms p50 {:.2} | p95 {:.2} | p99 {:.2} | max {:.2} ({} offers, {:.1}/s)",
            c.desks,
            c.calls_per_sec,
            ms(pct(&lat, 50.0)),
            ms(pct(&lat, 95.0)),
            ms(pct(&lat, 99.0)),
            ms(pct(&lat, 100.0)),
            lat.len(),
            rate
        );
        let paths = RELAY_PATHS.lock().map(|o| o.clone()).unwrap_or_default();
        let path = |id: u64| {
            let mut v: Vec<u64> = paths.iter().filter(|p| p.0 == id).map(|p| p.1).collect();
            v.sort_unstable();
            v
        };
        let (direct, hop) = (path(1), path(2));
        // Every other call through the extra hop: the plain relay's figures are the direct
        // calls', and the hop's are reported beside them.
        let (base, hop_field) = if direct.is_empty() || hop.is_empty() {
            (&lat, String::new())
        } else {
            println!(
                "== relay by path: direct p50 {:.2} | p99 {:.2} ({} offers); through one thread hop p50 {:.2} | p99 {:.2} ({} offers)",
                ms(pct(&direct, 50.0)),
                ms(pct(&direct, 99.0)),
                direct.len(),
                ms(pct(&hop, 50.0)),
                ms(pct(&hop, 99.0)),
                hop.len()
            );
            (
                &direct,
                format!(" relay_hop_p99_ms={:.2}", ms(pct(&hop, 99.0))),
            )
        };
        println!(
            "RELAY relay_p50_ms={:.2} relay_p99_ms={:.2}{hop_field}",
            ms(pct(base, 50.0)),
            ms(pct(base, 99.0))
        );
        return;
    }
    println!();
    println!(
        "== calldesk summary: {} desks ({} managers watching the floor, every {}th with 상담중 open, {} idle), target {} calls/s",
        c.desks, c.managers, c.watch_every, c.idle, c.calls_per_sec
    );
    println!(
        "== offer latency ms: p50 {:.2} | p95 {:.2} | p99 {:.2} | max {:.2} ({} offers)",
        ms(pct(&lat, 50.0)),
        ms(pct(&lat, 95.0)),
        ms(pct(&lat, 99.0)),
        ms(pct(&lat, 100.0)),
        lat.len()
    );
    let splits = OFFER_SPLITS.lock().map(|o| o.clone()).unwrap_or_default();
    if !splits.is_empty() {
        let mut to_ring: Vec<u64> = splits.iter().map(|s| s.0).collect();
        let mut to_desk: Vec<u64> = splits.iter().map(|s| s.1).collect();
        to_ring.sort_unstable();
        to_desk.sort_unstable();
        println!(
            "== offer split ms: gateway → ring p50 {:.2} | p99 {:.2}; ring → read by the desk p50 {:.2} | p99 {:.2}",
            ms(pct(&to_ring, 50.0)),
            ms(pct(&to_ring, 99.0)),
            ms(pct(&to_desk, 50.0)),
            ms(pct(&to_desk, 99.0))
        );
    }
    println!("== calls routed per second: {rate:.1} (over {span:.0} s)");
    println!(
        "== fan-out to watching desks ms: p50 {:.1} | p99 {:.1} | max {:.1} ({} rows)",
        ms(pct(&fan, 50.0)),
        ms(pct(&fan, 99.0)),
        ms(pct(&fan, 100.0)),
        fan.len()
    );
    println!(
        "== note.save ack ms: p50 {:.2} | p99 {:.2}",
        ms(pct(&saves, 50.0)),
        ms(pct(&saves, 99.0))
    );
    println!(
        "== hello bytes: p50 {} | max {} ({} desks)",
        pct(&hellos, 50.0),
        pct(&hellos, 100.0),
        hellos.len()
    );
    println!("== idle desk (lists closed): {idle_bps:.0} bytes/s, {idle_fps:.1} frames/s");
    if c.managers > 0 && idle_s > 0.0 {
        let m = c.managers as f64;
        println!(
            "== manager desk (floor + wallboard watched): {:.0} bytes/s, {:.1} frames/s, largest frame {} bytes; whole pictures (list reset, full board) {:.2}/s, {:.0} bytes/s",
            MANAGER_BYTES.load(Ordering::Relaxed) as f64 / idle_s / m,
            MANAGER_FRAMES.load(Ordering::Relaxed) as f64 / idle_s / m,
            MANAGER_MAX_FRAME.load(Ordering::Relaxed),
            MANAGER_RESETS.load(Ordering::Relaxed) as f64 / idle_s / m,
            MANAGER_RESET_BYTES.load(Ordering::Relaxed) as f64 / idle_s / m
        );
        if let Ok(by) = MANAGER_BY_TYPE.lock() {
            let parts: Vec<String> = by
                .iter()
                .map(|(k, f, b)| {
                    format!(
                        "{k} {:.1}/s {:.0} B/s",
                        *f as f64 / idle_s / m,
                        *b as f64 / idle_s / m
                    )
                })
                .collect();
            println!("== manager desk by frame type: {}", parts.join(", "));
        }
    }
    println!(
        "== desk errors (answer / note refused): {}; connect failures: {}",
        ERRORS.load(Ordering::Relaxed),
        CONNECT_FAILURES.load(Ordering::Relaxed)
    );
    println!(
        "RESULT desks={} rate={:.1} offer_p50_ms={:.2} offer_p99_ms={:.2} fanout_p99_ms={:.1} save_p99_ms={:.2} errors={} connect_failures={} hello_max_bytes={} idle_bytes_per_s={:.0} idle_frames_per_s={:.1}",
        c.desks,
        rate,
        ms(pct(&lat, 50.0)),
        ms(pct(&lat, 99.0)),
        ms(pct(&fan, 99.0)),
        ms(pct(&saves, 99.0)),
        ERRORS.load(Ordering::Relaxed),
        CONNECT_FAILURES.load(Ordering::Relaxed),
        pct(&hellos, 100.0),
        idle_bps,
        idle_fps
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
        .set_default(
            GooseDefault::IncreaseRate,
            std::env::var("LOAD_HATCH")
                .unwrap_or_else(|_| "100".into())
                .as_str(),
        )?
        .set_default(GooseDefault::RunTime, 60)?
        .execute()
        .await?;
    summary();
    Ok(())
}
