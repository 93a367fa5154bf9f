//! A desk socket's output is bounded: state frames a newer one supersedes are coalesced (one of
//! each kind waits for a slow desk, however busy the floor), a watched list that missed rows gets
//! a fresh `reset`, a desk that stops reading is dropped once it is behind, and `/metrics` shows
//! the histograms the load test reports.

use crate::helpers::*;
use calldesk::engine::registry::{StateKey, MAX_BEHIND_MS};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// Resident memory of this process, KiB.
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn pending_of(app: &TestApp, agent: calldesk::domain::model::AgentId) -> Option<usize> {
    app.engine
        .registry
        .sessions
        .get(&agent)
        .and_then(|v| v.first().map(|s| s.link.pending()))
}

#[actix_rt::test]
async fn a_desk_that_never_reads_holds_one_of_each_state_frame_and_is_dropped_once_behind() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let pad = |kind: &str, n: usize| -> Arc<str> {
        format!("{{\"type\":\"{kind}\",\"pad\":\"{}\"}}", "x".repeat(n)).into()
    };
    let stats = pad("stats", 50_000);
    let counts = pad("agents", 1_000);
    let queue = pad("queue", 1_000);
    let before = rss_kib();
    // 8,000 floor ticks of 52 KB each: 416 MB offered to a socket that reads nothing.
    let mut most = 0;
    for i in 0..8_000 {
        app.engine.registry.push_state(
            1,
            &[
                (StateKey::Counts, counts.clone()),
                (StateKey::Queue("main".into()), queue.clone()),
                (StateKey::Stats, stats.clone()),
            ],
        );
        let Some(p) = pending_of(&app, 1) else { break };
        most = most.max(p);
        if i % 20 == 0 {
            actix_rt::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let grown_mib = rss_kib().saturating_sub(before) / 1024;
    // One of each kind, and the few small event frames of signing in.
    let one_each = counts.len() + queue.len() + stats.len() + 4_096;
    assert!(
        most <= one_each,
        "at most one frame of each kind waits: {most} bytes"
    );
    assert!(
        grown_mib < 64,
        "the server's memory stays flat ({grown_mib} MiB more after 416 MB offered)"
    );
    // Still behind after MAX_BEHIND_MS: dropped with a reason, and resyncs on reconnect.
    let mut gone = false;
    for _ in 0..(MAX_BEHIND_MS / 100 + 40) {
        if app.engine.registry.session_count(1) == 0 {
            gone = true;
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "a desk that stopped reading is dropped once behind");
    let reason = kim.closed_within(Duration::from_secs(20)).await;
    assert!(
        reason.as_deref().is_some_and(|r| r.contains("behind")),
        "closed with the reason: {reason:?}"
    );
    let again = app.desk("kim").await;
    assert_eq!(again.hello["type"], "hello", "a fresh hello on reconnect");
}

#[actix_rt::test]
async fn a_watched_list_that_missed_rows_gets_a_fresh_reset_with_the_latest_states() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.ok(json!({"type": "agents.watch", "on": true})).await;
    let first = kim.expect("agents").await;
    assert_eq!(first["reset"], true);
    // Kim stops reading; a burst of big figures fills the connection so her writer stalls.
    let stats: Arc<str> =
        format!("{{\"type\":\"stats\",\"pad\":\"{}\"}}", "x".repeat(200_000)).into();
    for _ in 0..300 {
        app.engine
            .registry
            .push_state(1, &[(StateKey::Stats, stats.clone())]);
        actix_rt::time::sleep(Duration::from_millis(2)).await;
    }
    // Meanwhile Lee changes state again and again: each change is a row for Kim's list.
    for s in ["ready", "aux", "ready", "aux", "ready"] {
        if s == "aux" {
            lee.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
                .await;
        } else {
            lee.set(s).await;
        }
        actix_rt::time::sleep(Duration::from_millis(150)).await;
    }
    // Kim reads again: after what was waiting, her list is whole again and shows Lee ready.
    let frames = kim.drain(Duration::from_secs(4)).await;
    let lists: Vec<_> = frames.iter().filter(|f| f["type"] == "agents").collect();
    let kinds: Vec<String> = frames
        .iter()
        .map(|f| {
            format!(
                "{}{}",
                f["type"].as_str().unwrap_or("?"),
                if f["reset"] == true { "*" } else { "" }
            )
        })
        .collect();
    let last_reset = lists
        .iter()
        .rposition(|f| f["reset"] == true)
        .unwrap_or_else(|| panic!("a fresh reset after the stall: {kinds:?}"));
    let mut lee_now = None;
    for f in &lists[last_reset..] {
        for r in f["changed"].as_array().into_iter().flatten() {
            if r["agentId"] == 2 {
                lee_now = Some(r["status"].clone());
            }
        }
    }
    assert_eq!(
        lee_now,
        Some(json!("ready")),
        "the list shows Lee's latest state"
    );
    let stats_frames = frames.iter().filter(|f| f["type"] == "stats").count();
    assert!(
        stats_frames < 150,
        "superseded figures were coalesced: {stats_frames} of 300 written"
    );
}

#[actix_rt::test]
async fn metrics_are_histograms_of_offers_saves_waits_output_and_the_store() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-5555-6666").await;
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "배송 문의"}))
        .await;
    // The watchdog samples every socket's pending output each second.
    actix_rt::time::sleep(Duration::from_millis(1_200)).await;
    let res = client().get(app.url("/metrics")).send().await;
    let body = String::from_utf8(res.unwrap().body().await.unwrap().to_vec()).unwrap();
    for (name, kind) in [
        ("calldesk_offer_latency_seconds", "histogram"),
        ("calldesk_note_save_seconds", "histogram"),
        ("calldesk_queue_wait_seconds", "histogram"),
        ("calldesk_socket_pending_bytes", "histogram"),
        ("calldesk_socket_wait_seconds", "histogram"),
        ("calldesk_store_commit_seconds", "histogram"),
        ("calldesk_store_batch_writes", "histogram"),
        ("calldesk_live_calls", "gauge"),
        ("calldesk_desk_sockets", "gauge"),
        ("calldesk_calls_total", "counter"),
    ] {
        assert!(
            body.contains(&format!("# TYPE {name} {kind}")),
            "{name} is a {kind}:\n{body}"
        );
    }
    let count = |name: &str| -> f64 {
        body.lines()
            .filter(|l| l.starts_with(&format!("{name}_count")))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    assert!(count("calldesk_offer_latency_seconds") >= 1.0);
    assert!(count("calldesk_note_save_seconds") >= 1.0);
    assert!(count("calldesk_queue_wait_seconds") >= 1.0);
    // The offer and the acks waited for kim's socket writer; the call and the note were committed.
    assert!(count("calldesk_socket_wait_seconds") >= 2.0);
    assert!(count("calldesk_store_commit_seconds") >= 2.0);
    assert!(body.contains("calldesk_store_batch_writes_bucket{le=\"1\"}"));
    assert!(body.contains("calldesk_offer_latency_seconds_bucket{le=\"0.05\"}"));
    assert!(body.contains("calldesk_queue_wait_seconds_bucket{outcome=\"answered\""));
}
