//! kill -9 under load, through the real binary: every call the gateway was answered 201 for is
//! on disk after a restart, and no call id or ticket number is handed out twice (numbers come
//! from blocks reserved ahead, so the offer does not wait for the consultation's fsync).

use crate::helpers::client;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY: &str = "crash-key-1";

fn start(dir: &std::path::Path, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_calldesk"))
        .args([
            "serve",
            "--demo",
            "--no-simulator",
            "--telephony-key",
            KEY,
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

async fn up(base: &str) {
    let c = client();
    for _ in 0..200 {
        if c.get(format!("{base}/healthz")).send().await.is_ok() {
            return;
        }
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server did not start");
}

/// Posts calls from `tasks` callers until the server dies; returns every acknowledged call.
async fn calls_until_killed(base: &str, tasks: usize) -> Vec<(u64, String)> {
    let mut handles = Vec::new();
    for t in 0..tasks {
        let base = base.to_string();
        handles.push(actix_rt::spawn(async move {
            let c = client();
            let mut acked = Vec::new();
            for i in 0..10_000u32 {
                let sent = c
                    .post(format!("{base}/api/telephony/calls"))
                    .insert_header(("X-Telephony-Key", KEY))
                    .send_json(&json!({"service": "main", "from": format!("010{:04}{:04}", t, i % 10_000)}))
                    .await;
                let Ok(mut res) = sent else { break };
                if res.status().as_u16() != 201 {
                    continue;
                }
                let Ok(v) = res.json::<Value>().await else { break };
                acked.push((
                    v["callId"].as_u64().unwrap(),
                    v["ticketId"].as_str().unwrap().to_string(),
                ));
            }
            acked
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.unwrap());
    }
    all
}

#[test]
fn kill_9_under_load_loses_no_acknowledged_call_and_repeats_no_number() {
    let dir = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(dir.path(), port);
    let acked = actix_rt::System::new().block_on({
        let base = base.clone();
        async move {
            up(&base).await;
            let load = actix_rt::spawn({
                let base = base.clone();
                async move { calls_until_killed(&base, 6).await }
            });
            actix_rt::time::sleep(Duration::from_millis(1500)).await;
            server.kill().unwrap(); // SIGKILL: no shutdown, no flush
            server.wait().unwrap();
            load.await.unwrap()
        }
    });
    assert!(acked.len() > 20, "the load ran: {} calls", acked.len());
    let mut server = start(dir.path(), port);
    actix_rt::System::new().block_on(async move {
        up(&base).await;
        let c = client();
        let mut res = c
            .post(format!("{base}/api/login"))
            .send_json(&json!({"login": "manager01", "password": "demo1234"}))
            .await
            .unwrap();
        let login: Value = res.json().await.unwrap();
        let token = login["token"].as_str().unwrap().to_string();
        for (_, ticket) in &acked {
            let res = c
                .get(format!("{base}/api/consultations/{ticket}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200, "acknowledged {ticket} is kept");
        }
        let before_ids: HashSet<u64> = acked.iter().map(|(id, _)| *id).collect();
        let before_tickets: HashSet<&String> = acked.iter().map(|(_, t)| t).collect();
        assert_eq!(
            before_ids.len(),
            acked.len(),
            "no call id twice before the crash"
        );
        for i in 0..20 {
            let mut res = c
                .post(format!("{base}/api/telephony/calls"))
                .insert_header(("X-Telephony-Key", KEY))
                .send_json(&json!({"service": "main", "from": format!("0109999{i:04}")}))
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 201);
            let v: Value = res.json().await.unwrap();
            let id = v["callId"].as_u64().unwrap();
            let ticket = v["ticketId"].as_str().unwrap().to_string();
            assert!(
                !before_ids.contains(&id),
                "call id {id} repeated after the crash"
            );
            assert!(
                !before_tickets.contains(&ticket),
                "ticket {ticket} repeated after the crash"
            );
        }
    });
    let _ = server.kill();
    let _ = server.wait();
}
