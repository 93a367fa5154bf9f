//! `spawn_app()`: a real server on port 0 over an in-memory (or temp-dir) store, a manual clock
//! and a small two-brand fixture; `Desk`: a desk socket client that keeps frames it was not
//! waiting for, so tests can expect them in any order.

use actix_codec::Framed;
use awc::ws;
use calldesk::config::Settings;
use calldesk::domain::clock::ManualClock;
use calldesk::domain::model::{Agent, Brand, BrandCallsMode, Customer, Role, Service};
use calldesk::engine::Engine;
use calldesk::startup::Application;
use calldesk::store::Store;
use chrono::{TimeZone, Utc};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub const KEY: &str = "test-telephony-key";
pub const PASSWORD: &str = "pw-1234";

pub struct Opts {
    pub data_dir: Option<PathBuf>,
    pub ring_timeout_s: u32,
    pub wrap_up_limit_s: u32,
    pub webhook: Option<String>,
    pub clock: Option<ManualClock>,
    pub seed: bool,
    pub dial_timeout_s: u64,
    /// Run the simulator with this settings file.
    pub simulator: Option<PathBuf>,
    /// Brand 1's mall (default: the demo mall).
    pub mall: Option<calldesk::shop::MallLink>,
    /// Brand 1's message provider (default: none, the outbox).
    pub messaging: Option<calldesk::messaging::MessagingLink>,
}

impl Default for Opts {
    fn default() -> Self {
        Opts {
            data_dir: None,
            ring_timeout_s: 30,
            wrap_up_limit_s: 0,
            webhook: None,
            clock: None,
            seed: true,
            dial_timeout_s: 60,
            simulator: None,
            mall: Some(calldesk::shop::MallLink::Demo),
            messaging: None,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub clock: ManualClock,
    pub engine: Engine,
    pub app_handle: actix_web::dev::ServerHandle,
}

/// 2026-11-23 09:00:00 in Seoul.
pub fn morning() -> chrono::DateTime<Utc> {
    chrono_tz::Asia::Seoul
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn cheap_hash(pw: &str) -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    static H: OnceLock<String> = OnceLock::new();
    if pw != PASSWORD {
        unreachable!("fixture uses one password");
    }
    H.get_or_init(|| {
        let params = argon2::Params::new(1024, 1, 1, None).unwrap();
        let a = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let salt = SaltString::encode_b64(b"fixture-salt-123").unwrap();
        a.hash_password(pw.as_bytes(), &salt).unwrap().to_string()
    })
    .clone()
}

/// Brand 1 테스트몰 (services main, order; agents kim, lee [both], park [order only], boss
/// the manager) and brand 2 다른몰 (service other; agent choi); customer 홍길동 in brand 1.
pub fn seed(
    store: &Store,
    ring_timeout_s: u32,
    wrap_up_limit_s: u32,
    mall: Option<calldesk::shop::MallLink>,
    messaging: Option<calldesk::messaging::MessagingLink>,
) {
    let hash = cheap_hash(PASSWORD);
    let brand = |id, name: &str| Brand {
        id,
        name: name.into(),
        timezone: "Asia/Seoul".into(),
        ring_timeout_s,
        wrap_up_limit_s,
        calls_mode: BrandCallsMode::Top,
        categories: calldesk::domain::model::default_categories(),
        results: calldesk::domain::model::default_results(),
        mall: if id == 1 { mall.clone() } else { None },
        messaging: if id == 1 { messaging.clone() } else { None },
        quiet_start: "21:00".into(),
        quiet_end: "08:00".into(),
        callback_window_min: 30,
        max_attempts: 3,
        session_idle_h: 12,
        session_max_days: 7,
        wallboard: Default::default(),
        retention: Default::default(),
    };
    let svc = |b, code: &str, name: &str| Service::new(b, code, name);
    let agent = |id, b, login: &str, name: &str, ext: &str, role, services: &[&str]| Agent {
        id,
        brand_id: b,
        login: login.into(),
        name: name.into(),
        extension: ext.into(),
        role,
        services: services.iter().map(|s| s.to_string()).collect(),
        password_hash: hash.clone(),
        full_view: matches!(role, Role::Manager),
        active: true,
    };
    let brands = vec![brand(1, "테스트몰"), brand(2, "다른몰")];
    let services = vec![
        svc(1, "main", "대표번호"),
        svc(1, "order", "주문/배송 문의"),
        svc(2, "other", "다른몰 대표번호"),
    ];
    let agents = [
        agent(
            1,
            1,
            "kim",
            "김상담",
            "2001",
            Role::Agent,
            &["main", "order"],
        ),
        agent(
            2,
            1,
            "lee",
            "이상담",
            "2002",
            Role::Agent,
            &["main", "order"],
        ),
        agent(3, 1, "park", "박상담", "2003", Role::Agent, &["order"]),
        agent(10, 1, "boss", "송매니저", "2100", Role::Manager, &[]),
        agent(20, 2, "choi", "최다른", "3001", Role::Agent, &["other"]),
    ];
    let customer = Customer {
        id: 1,
        brand_id: 1,
        name: "홍길동".into(),
        phone: "01099998888".into(),
        email: None,
        blacklisted: false,
        phones: vec![],
        birth_date: None,
        blacklist_reason: None,
        memo: String::new(),
        updated_at: None,
    };
    for b in brands {
        let id = b.id;
        let own = |v: &Vec<Service>| v.iter().filter(|s| s.brand_id == id).cloned().collect();
        calldesk::demo::write_brand(
            store,
            b,
            own(&services),
            agents
                .iter()
                .filter(|a| a.brand_id == id)
                .cloned()
                .collect(),
            if id == 1 {
                vec![customer.clone()]
            } else {
                vec![]
            },
        )
        .unwrap();
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Opts::default()).await
}

pub async fn spawn_app_with(o: Opts) -> TestApp {
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .try_init();
    let clock = o.clock.unwrap_or_else(|| ManualClock::new(morning()));
    let store = match &o.data_dir {
        Some(d) => open_retrying(d).await,
        None => Store::in_memory().unwrap(),
    };
    if o.seed {
        let s = store.clone();
        let (r, w, m, g) = (
            o.ring_timeout_s,
            o.wrap_up_limit_s,
            o.mall.clone(),
            o.messaging.clone(),
        );
        actix_web::web::block(move || seed(&s, r, w, m, g))
            .await
            .unwrap();
    }
    let settings = Settings {
        listen: "127.0.0.1:0".into(),
        data_dir: o.data_dir.clone(),
        demo: false,
        simulator: o.simulator.is_some(),
        simulator_file: o.simulator.unwrap_or_default(),
        telephony_key: KEY.into(),
        telephony_webhook: o.webhook,
        web_dir: PathBuf::from("/nonexistent-web-dist"),
        dial_timeout_s: o.dial_timeout_s,
        snapshot_interval_ms: 200,
        disconnect_grace_s: 3600,
        // Dozens of servers share this process and two cores: hashing at SCHED_IDLE would wait
        // behind the other tests' work. The classes are tested in `sched`; the browser tests
        // and the load smoke run the server with them on.
        thread_classes: false,
        ..Settings::default()
    };
    let app = Application::build_with_store(settings, Arc::new(clock.clone()), store)
        .await
        .expect("app builds");
    let port = app.port();
    let engine = app.engine();
    let app_handle = app.handle();
    actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        base: format!("http://127.0.0.1:{port}"),
        clock,
        engine,
        app_handle,
    }
}

/// A store file is free again only once the previous life's writer has let go of it.
async fn open_retrying(dir: &std::path::Path) -> Store {
    for _ in 0..100 {
        if let Ok(s) = Store::open(dir) {
            return s;
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    Store::open(dir).expect("store reopens")
}

/// The status and JSON body (null when there is none) of a sent request.
async fn answer(sent: awc::SendClientRequest) -> (u16, Value) {
    let mut res = sent.await.expect("request");
    let v = res
        .json::<Value>()
        .limit(1 << 22)
        .await
        .unwrap_or(Value::Null);
    (res.status().as_u16(), v)
}

/// Runs one server life on its own thread with its own actix system (restart tests).
pub fn life<T: Send + 'static>(
    f: impl FnOnce() -> std::pin::Pin<Box<dyn std::future::Future<Output = T>>> + Send + 'static,
) -> T {
    std::thread::spawn(move || actix_rt::System::new().block_on(f()))
        .join()
        .expect("server life ran")
}

pub fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(10))
        .finish()
}

/// A brand-1 `main` reservation (direct, owned by kim) of `number` at `at`, created then, with
/// no customer, memo or attempts: tests change what they need with struct-update syntax.
pub fn reservation(
    id: u64,
    number: &str,
    at: chrono::DateTime<Utc>,
    status: calldesk::domain::reservation::ResvStatus,
) -> calldesk::domain::reservation::Reservation {
    calldesk::domain::reservation::Reservation {
        id,
        brand_id: 1,
        service: "main".into(),
        number: number.into(),
        customer_name: None,
        customer_id: None,
        scheduled_at: at,
        rtype: calldesk::domain::reservation::ResvType::Direct,
        memo: String::new(),
        owner_id: Some(1),
        owner_until: None,
        status,
        attempts: vec![],
        ticket_id: None,
        dialing_by: None,
        dialing_since: None,
        created_by: Some(1),
        created_at: at,
        updated_at: at,
    }
}

impl TestApp {
    pub fn clock_now(&self) -> chrono::DateTime<Utc> {
        use calldesk::domain::clock::Clock;
        self.clock.now()
    }

    /// Writes reservations straight into the store (with their indexes).
    pub async fn put_reservations(&self, rows: Vec<calldesk::domain::reservation::Reservation>) {
        self.engine
            .store
            .write(move |tx| {
                for r in &rows {
                    calldesk::store::put_reservation(tx, r)?;
                }
                Ok(())
            })
            .await
            .unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Stops the server and writes the final snapshot.
    pub async fn stop(&self) {
        self.app_handle.stop(true).await;
        calldesk::startup::flush(&self.engine).await;
    }

    pub async fn login(&self, login: &str) -> String {
        let (status, body) = self
            .post(
                "/api/login",
                None,
                json!({"login": login, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 200, "login {login}: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// A request to `path`, with the bearer token when given.
    fn request(
        &self,
        method: awc::http::Method,
        path: &str,
        token: Option<&str>,
    ) -> awc::ClientRequest {
        let req = client().request(method, self.url(path));
        match token {
            Some(t) => req.bearer_auth(t),
            None => req,
        }
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
        answer(
            self.request(awc::http::Method::POST, path, token)
                .send_json(&body),
        )
        .await
    }

    /// POSTs JSON with an `Idempotency-Key` header.
    pub async fn post_keyed(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: Value,
    ) -> (u16, Value) {
        let req = self
            .request(awc::http::Method::POST, path, Some(token))
            .insert_header(("Idempotency-Key", key));
        answer(req.send_json(&body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> (u16, Value) {
        answer(
            self.request(awc::http::Method::DELETE, path, Some(token))
                .send(),
        )
        .await
    }

    /// POSTs raw bytes (file uploads).
    pub async fn post_bytes(&self, path: &str, token: &str, body: Vec<u8>) -> (u16, Value) {
        let req = self
            .request(awc::http::Method::POST, path, Some(token))
            .insert_header(("content-type", "application/octet-stream"));
        answer(req.send_body(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        answer(
            self.request(awc::http::Method::PUT, path, Some(token))
                .send_json(&body),
        )
        .await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> (u16, Value) {
        answer(self.request(awc::http::Method::GET, path, token).send()).await
    }

    /// A call through the telephony gateway; returns (callId, ticketId).
    pub async fn call_in(&self, service: &str, from: &str) -> (u64, String) {
        let mut res = client()
            .post(self.url("/api/telephony/calls"))
            .insert_header(("X-Telephony-Key", KEY))
            .send_json(&json!({"service": service, "from": from, "externalId": "pbx-1"}))
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let v: Value = res.json().await.unwrap();
        (
            v["callId"].as_u64().unwrap(),
            v["ticketId"].as_str().unwrap().to_string(),
        )
    }

    /// Sends a call to a ready desk and answers it there; returns (callId, ticketId).
    pub async fn answered_call(&self, desk: &mut Desk, service: &str, from: &str) -> (u64, String) {
        let (call_id, ticket) = self.call_in(service, from).await;
        let offered = desk.expect("call.offered").await;
        assert_eq!(offered["callId"], call_id);
        desk.ok(json!({"type": "call.answer", "callId": call_id}))
            .await;
        (call_id, ticket)
    }

    pub async fn telephony(&self, path: &str, body: Value) -> (u16, Value) {
        let mut res = client()
            .post(self.url(path))
            .insert_header(("X-Telephony-Key", KEY))
            .send_json(&body)
            .await
            .unwrap();
        let v = res.json::<Value>().await.unwrap_or(Value::Null);
        (res.status().as_u16(), v)
    }

    /// Logs in and opens a desk; the `hello` is read.
    pub async fn desk(&self, login: &str) -> Desk {
        let token = self.login(login).await;
        Desk::connect(self, &token).await
    }
}

pub struct Desk {
    framed: Framed<awc::BoxedSocket, ws::Codec>,
    next_id: u64,
    kept: VecDeque<Value>,
    pub hello: Value,
    pub token: String,
    pub last_seq: u64,
}

pub const WAIT: Duration = Duration::from_secs(5);

impl Desk {
    pub async fn connect(app: &TestApp, token: &str) -> Desk {
        let (_, framed) = client()
            .ws(format!(
                "{}/api/ws?token={token}",
                app.base.replace("http", "ws")
            ))
            .max_frame_size(1 << 22)
            .connect()
            .await
            .expect("socket opens");
        let mut d = Desk {
            framed,
            next_id: 0,
            kept: VecDeque::new(),
            hello: Value::Null,
            token: token.to_string(),
            last_seq: 0,
        };
        let hello = d.raw_next(WAIT).await.expect("hello arrives");
        assert_eq!(hello["type"], "hello", "first frame is hello: {hello}");
        d.hello = hello;
        d
    }

    /// The next frame from the socket (not from the kept ones); checks `seq` goes up by one.
    async fn raw_next(&mut self, wait: Duration) -> Option<Value> {
        loop {
            let item = actix_rt::time::timeout(wait, self.framed.next())
                .await
                .ok()??;
            match item.ok()? {
                ws::Frame::Text(b) => {
                    let v: Value = serde_json::from_slice(&b).expect("server sends JSON");
                    if v["type"] != "hello" {
                        let seq = v["seq"].as_u64().expect("frame after hello has seq");
                        assert_eq!(seq, self.last_seq + 1, "seq runs without gaps: {v}");
                        self.last_seq = seq;
                    }
                    return Some(v);
                }
                ws::Frame::Ping(p) => {
                    let _ = self.framed.send(ws::Message::Pong(p)).await;
                }
                ws::Frame::Close(reason) => {
                    return Some(json!({"type": "__closed", "reason": format!("{reason:?}")}))
                }
                _ => {}
            }
        }
    }

    /// Waits for the first frame of `kind` (kept frames first), keeping others for later.
    pub async fn expect(&mut self, kind: &str) -> Value {
        self.expect_where(kind, |_| true).await
    }

    pub async fn expect_where(&mut self, kind: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.kept.iter().position(|v| v["type"] == kind && pred(v)) {
            return self.kept.remove(i).unwrap();
        }
        let deadline = tokio_deadline();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let v = self.raw_next(left).await.unwrap_or_else(|| {
                panic!("no '{kind}' frame within {WAIT:?}; kept: {:?}", self.kept)
            });
            if v["type"] == kind && pred(&v) {
                return v;
            }
            self.kept.push_back(v);
        }
    }

    /// Waits for `agent.status` with this status.
    pub async fn expect_status(&mut self, status: &str) -> Value {
        self.expect_where("agent.status", |v| v["status"] == status)
            .await
    }

    /// Whether a frame of `kind` arrives within `wait` (kept frames count).
    pub async fn sees_within(&mut self, kind: &str, wait: Duration) -> bool {
        self.sees_where(kind, |_| true, wait).await
    }

    /// Whether a frame of `kind` matching `pred` arrives within `wait` (kept frames count).
    pub async fn sees_where(
        &mut self,
        kind: &str,
        pred: impl Fn(&Value) -> bool,
        wait: Duration,
    ) -> bool {
        if self.kept.iter().any(|v| v["type"] == kind && pred(v)) {
            return true;
        }
        let deadline = std::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return false;
            }
            match self.raw_next(left).await {
                Some(v) if v["type"] == kind && pred(&v) => {
                    self.kept.push_back(v);
                    return true;
                }
                Some(v) => self.kept.push_back(v),
                None => return false,
            }
        }
    }

    /// Every frame kept or arriving within `wait`.
    pub async fn drain(&mut self, wait: Duration) -> Vec<Value> {
        let mut out: Vec<Value> = self.kept.drain(..).collect();
        let deadline = std::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return out;
            }
            match self.raw_next(left).await {
                Some(v) => out.push(v),
                None => return out,
            }
        }
    }

    pub async fn send_text(&mut self, text: String) {
        self.framed
            .send(ws::Message::Text(text.into()))
            .await
            .expect("send");
    }

    /// Sends a text frame; false when the socket no longer takes it.
    pub async fn try_send_text(&mut self, text: String) -> bool {
        self.framed
            .send(ws::Message::Text(text.into()))
            .await
            .is_ok()
    }

    /// Writes many text frames at once (one flush), as a flooding client does; false when the
    /// socket no longer takes them.
    pub async fn send_burst(&mut self, texts: Vec<String>) -> bool {
        for t in texts {
            if self.framed.feed(ws::Message::Text(t.into())).await.is_err() {
                return false;
            }
        }
        self.framed.flush().await.is_ok()
    }

    /// Waits for the socket's close frame (skipping others); its `Debug` text, or `None` if it
    /// does not come within `wait`.
    pub async fn closed_within(&mut self, wait: Duration) -> Option<String> {
        let deadline = std::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return None;
            }
            match self.raw_next(left).await {
                Some(v) if v["type"] == "__closed" => {
                    return v["reason"].as_str().map(str::to_string)
                }
                Some(v) => self.kept.push_back(v),
                None => return None,
            }
        }
    }

    /// Sends a request and returns its `ack` or `error`.
    pub async fn request(&mut self, mut body: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        body["id"] = json!(id);
        self.send_text(body.to_string()).await;
        let deadline = tokio_deadline();
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            let v = self
                .raw_next(left)
                .await
                .unwrap_or_else(|| panic!("no answer to request {id}"));
            if (v["type"] == "ack" || v["type"] == "error") && v["id"] == json!(id) {
                return v;
            }
            self.kept.push_back(v);
        }
    }

    /// Sends a request that must be acked.
    pub async fn ok(&mut self, body: Value) -> Value {
        let what = body.to_string();
        let v = self.request(body).await;
        assert_eq!(v["type"], "ack", "{what} → {v}");
        v
    }

    pub async fn set(&mut self, status: &str) -> Value {
        self.ok(json!({"type": "status.set", "status": status}))
            .await
    }
}

fn tokio_deadline() -> std::time::Instant {
    std::time::Instant::now() + WAIT
}

/// Lets pushes and coalesced frames (≤ 250 ms) settle.
pub async fn settle() {
    actix_rt::time::sleep(Duration::from_millis(350)).await;
}

/// Commands the PBX webhook received, each with the key it came with under `__key`.
pub type PbxLog = std::sync::Arc<std::sync::Mutex<Vec<Value>>>;

/// A stand-in PBX connector: an HTTP server that records every command POSTed to it. Returns
/// the webhook URL to configure and the log.
pub async fn pbx_sink() -> (String, PbxLog) {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let got: PbxLog = PbxLog::default();
    let sink = got.clone();
    let receiver = HttpServer::new(move || {
        let sink = sink.clone();
        App::new().route(
            "/pbx",
            web::post().to(move |req: actix_web::HttpRequest, body: web::Json<Value>| {
                let sink = sink.clone();
                async move {
                    let key = req
                        .headers()
                        .get("x-telephony-key")
                        .map(|v| v.to_str().unwrap().to_string());
                    let mut v = body.into_inner();
                    v["__key"] = json!(key);
                    sink.lock().unwrap().push(v);
                    HttpResponse::Ok().finish()
                }
            }),
        )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = receiver.addrs()[0].port();
    actix_rt::spawn(receiver.run());
    (format!("http://127.0.0.1:{port}/pbx"), got)
}

/// The commands received so far, once there are at least `n` (or after 5 s).
pub async fn commands_seen(log: &PbxLog, n: usize) -> Vec<Value> {
    for _ in 0..50 {
        let seen = log.lock().unwrap().clone();
        if seen.len() >= n {
            return seen;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    log.lock().unwrap().clone()
}

/// A query value percent-encoded (Korean words, spaces).
pub fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
