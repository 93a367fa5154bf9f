//! The shift-start benchmark: N agents arrive over a window (evenly spread, as a shift starts),
//! each signs in with the real password hash (`POST /api/login`, retrying a 503 after its
//! `Retry-After` as the desk does), opens the desk socket and waits for `hello`; every desk then
//! stays connected until all have arrived plus a settle time. Prints sign-in and `hello` latency
//! (p50 / p99 / max), the retries, the failures, the window it took, and one machine-readable
//! line `SHIFT agents=… window_s=… took_s=… login_p99_ms=… hello_p99_ms=… failures=… retries=…`.
//! The server's memory is read by `load-tests/shift-start.sh`, which runs this.
//! Usage: `calldesk-shiftstart http://127.0.0.1:18080 5000 100` (host, agents, window seconds).

use futures_util::StreamExt;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const PASSWORD: &str = "load1234";
/// Sign-in attempts (the first and the retries after 503) before an agent counts as failed.
const ATTEMPTS: u32 = 30;

#[derive(Default)]
struct Figures {
    login_ms: Mutex<Vec<f64>>,
    hello_ms: Mutex<Vec<f64>>,
    hello_bytes: Mutex<Vec<usize>>,
    failures: AtomicU64,
    retries: AtomicU64,
}

#[path = "common.rs"]
mod common;
use common::pct;
#[path = "socket.rs"]
mod socket;

async fn sign_in(
    http: &reqwest::Client,
    host: &str,
    login: &str,
    f: &Figures,
) -> Result<String, String> {
    for _ in 0..ATTEMPTS {
        let started = Instant::now();
        let res = http
            .post(format!("{host}/api/login"))
            .json(&json!({"login": login, "password": PASSWORD}))
            .send()
            .await
            .map_err(|e| format!("login {login}: {e}"))?;
        let status = res.status().as_u16();
        if status == 503 {
            f.retries.fetch_add(1, Ordering::Relaxed);
            let after = res
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(1);
            tokio::time::sleep(Duration::from_secs(after)).await;
            continue;
        }
        let body: Value = res.json().await.map_err(|e| format!("login body: {e}"))?;
        let Some(token) = body["token"].as_str() else {
            return Err(format!("login {login} refused ({status}): {body}"));
        };
        f.login_ms
            .lock()
            .unwrap()
            .push(started.elapsed().as_secs_f64() * 1e3);
        return Ok(token.to_string());
    }
    Err(format!(
        "login {login}: still 503 after {ATTEMPTS} attempts"
    ))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let host = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:18080".into());
    let agents: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let window_s: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(100);
    let settle_s: u64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(10);
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .pool_max_idle_per_host(64)
        .build()
        .expect("http client");
    let f = Arc::new(Figures::default());
    let gap = Duration::from_secs_f64(window_s as f64 / agents.max(1) as f64);
    let start = Instant::now();
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let release = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::new();
    for n in 1..=agents {
        let at = start + gap * (n as u32 - 1);
        let (http, host, f, done, release) = (
            http.clone(),
            host.clone(),
            f.clone(),
            done_tx.clone(),
            release.clone(),
        );
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep_until(at.into()).await;
            let login = format!("load{n:04}");
            let res = async {
                let token = sign_in(&http, &host, &login, &f).await?;
                let url = format!("{}/api/ws?token={token}", host.replacen("http", "ws", 1));
                let started = Instant::now();
                let (mut ws, _) = socket::connect(url.as_str())
                    .await
                    .map_err(|e| format!("socket {login}: {e}"))?;
                let hello = tokio::time::timeout(Duration::from_secs(30), ws.next())
                    .await
                    .map_err(|_| format!("no hello for {login} in 30 s"))?;
                match hello {
                    Some(Ok(m)) if m.to_text().is_ok_and(|t| t.contains("\"type\":\"hello\"")) => {
                        f.hello_ms
                            .lock()
                            .unwrap()
                            .push(started.elapsed().as_secs_f64() * 1e3);
                        f.hello_bytes.lock().unwrap().push(m.len());
                    }
                    other => return Err(format!("first frame for {login}: {other:?}")),
                }
                Ok(ws)
            }
            .await;
            let _ = done.send(());
            match res {
                Ok(mut ws) => {
                    // Stay connected (answering pings) until every agent has arrived.
                    let hold = release.notified();
                    tokio::pin!(hold);
                    loop {
                        tokio::select! {
                            _ = &mut hold => break,
                            m = ws.next() => if m.is_none() { break },
                        }
                    }
                    let _ = ws.close(None).await;
                }
                Err(e) => {
                    f.failures.fetch_add(1, Ordering::Relaxed);
                    eprintln!("{e}");
                }
            }
        }));
    }
    drop(done_tx);
    let mut arrived = 0;
    while done_rx.recv().await.is_some() {
        arrived += 1;
        if arrived % 500 == 0 {
            println!(
                "== {arrived} of {agents} signed in at {:.1} s",
                start.elapsed().as_secs_f64()
            );
        }
        if arrived == agents {
            break;
        }
    }
    let took = start.elapsed().as_secs_f64();
    println!("== all arrived in {took:.1} s; holding {settle_s} s (server memory read meanwhile)");
    println!("HOLDING");
    tokio::time::sleep(Duration::from_secs(settle_s)).await;
    release.notify_waiters();
    for t in tasks {
        let _ = t.await;
    }
    let mut login = f.login_ms.lock().unwrap().clone();
    let mut hello = f.hello_ms.lock().unwrap().clone();
    let hello_max_bytes = f
        .hello_bytes
        .lock()
        .unwrap()
        .iter()
        .copied()
        .max()
        .unwrap_or(0);
    println!(
        "== sign-in ms p50 {:.0} | p99 {:.0} | max {:.0}; hello ms p50 {:.1} | p99 {:.1} | max {:.1}",
        pct(&mut login, 0.5),
        pct(&mut login, 0.99),
        pct(&mut login, 1.0),
        pct(&mut hello, 0.5),
        pct(&mut hello, 0.99),
        pct(&mut hello, 1.0),
    );
    println!(
        "SHIFT agents={agents} window_s={window_s} took_s={took:.1} login_p50_ms={:.0} login_p99_ms={:.0} hello_p50_ms={:.1} hello_p99_ms={:.1} hello_max_bytes={hello_max_bytes} failures={} retries={}",
        pct(&mut login, 0.5),
        pct(&mut login, 0.99),
        pct(&mut hello, 0.5),
        pct(&mut hello, 0.99),
        f.failures.load(Ordering::Relaxed),
        f.retries.load(Ordering::Relaxed),
    );
}
