//! The desk socket: hello, two tabs, bad requests, oversized frames.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

#[actix_rt::test]
async fn hello_carries_everything_the_desk_shows() {
    let app = spawn_app().await;
    let mut lee = app.desk("lee").await;
    lee.set("ready").await;
    app.call_in("order", "010-5555-6666").await;
    settle().await;
    let mut desk = app.desk("kim").await;
    let h = &desk.hello;
    assert_eq!(h["seq"], 0);
    assert_eq!(h["agent"]["name"], "김상담");
    assert_eq!(h["agent"]["extension"], "2001");
    assert_eq!(h["status"]["status"], "preparing");
    assert!(h["status"]["since"].is_string());
    let snap = &h["snapshot"];
    assert_eq!(snap["brand"]["name"], "테스트몰");
    assert_eq!(snap["services"].as_array().unwrap().len(), 2);
    assert_eq!(snap["stats"]["agent"]["callsIn"], 0);
    assert!(snap["stats"]["brand"]["callsMode"] == "top");
    let queues = snap["queues"].as_array().unwrap();
    assert_eq!(queues.len(), 2);
    assert!(
        queues.iter().all(|q| q["waiting"] == 0),
        "lee took the call: {queues:?}"
    );
    // The floor in counts only: rows come with a watch.
    assert_eq!(snap["agents"], json!([]));
    let counts = &snap["agentCounts"];
    assert_eq!(
        counts["allCount"], 4,
        "every agent of the brand, none of brand 2"
    );
    assert_eq!(counts["inServiceCount"], 1);
    assert_eq!(counts["byState"]["ringing"], 1);
    assert_eq!(counts["byState"]["preparing"], 1, "kim herself");
    assert_eq!(counts["byState"]["logged_out"], 2);
    assert_eq!(snap["consultations"]["full"], true);
    assert_eq!(snap["consultations"]["total"], 0);
    assert!(snap["call"].is_null());
    let ack = desk.ok(json!({"type": "agents.watch", "on": true})).await;
    assert_eq!(ack["data"]["rows"], 4);
    let list = desk.expect_where("agents", |f| f["reset"] == true).await;
    let agents = list["changed"].as_array().unwrap();
    assert_eq!(agents.len(), 4);
    let lee_row = agents.iter().find(|a| a["name"] == "이상담").unwrap();
    assert_eq!(lee_row["status"], "ringing");
    assert_eq!(lee_row["inService"], true);
    let park = agents.iter().find(|a| a["name"] == "박상담").unwrap();
    assert_eq!(park["status"], "logged_out");
    assert_eq!(park["inService"], false);
}

#[actix_rt::test]
async fn an_agent_with_two_tabs_gets_every_event_in_both() {
    let app = spawn_app().await;
    let token = app.login("kim").await;
    let mut a = Desk::connect(&app, &token).await;
    let mut b = Desk::connect(&app, &token).await;
    a.set("ready").await;
    b.expect_status("ready").await;
    let (call_id, _) = app.call_in("main", "010-1234-5678").await;
    for d in [&mut a, &mut b] {
        let offered = d.expect("call.offered").await;
        assert_eq!(offered["callId"], call_id);
        assert_eq!(offered["from"], "01012345678");
        assert_eq!(offered["fromDisplay"], "010-1234-5678");
        assert_eq!(offered["externalId"], "pbx-1");
    }
    b.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
    for d in [&mut a, &mut b] {
        d.expect("call.connected").await;
        d.expect_status("on_call").await;
    }
}

#[actix_rt::test]
async fn bad_requests_get_an_error_frame_and_the_socket_stays_open() {
    let app = spawn_app().await;
    let mut d = app.desk("kim").await;
    let e = d
        .request(json!({"type": "status.set", "status": "sleeping"}))
        .await;
    assert_eq!(e["type"], "error");
    assert_eq!(e["code"], "bad_request");
    assert!(e["message"].as_str().unwrap().contains("sleeping"));
    let e = d
        .request(json!({"type": "status.set", "status": "aux"}))
        .await;
    assert_eq!(e["code"], "bad_request", "aux needs a reason");
    let e = d
        .request(json!({"type": "status.set", "status": "aux", "reason": "missed"}))
        .await;
    assert_eq!(
        e["code"], "bad_request",
        "missed is the engine's, not a choice"
    );
    let e = d.request(json!({"type": "teleport"})).await;
    assert_eq!(e["code"], "invalid_message");
    let e = d.request(json!({"type": "call.answer"})).await;
    assert_eq!(e["code"], "invalid_message", "callId missing");
    d.send_text("{not json".into()).await;
    let e = d.expect("error").await;
    assert_eq!(e["code"], "invalid_message");
    assert!(e["id"].is_null());
    // Still open and working; nothing changed.
    d.ok(json!({"type": "ping"})).await;
    let ack = d.set("ready").await;
    assert_eq!(ack["data"]["status"], "ready");
}

#[actix_rt::test]
async fn the_seven_aux_reasons_and_preparing_can_be_chosen() {
    let app = spawn_app().await;
    let mut d = app.desk("kim").await;
    for r in [
        "meeting",
        "away",
        "training",
        "interview",
        "other_work",
        "meal",
        "rest",
    ] {
        let ack = d
            .ok(json!({"type": "status.set", "status": "aux", "reason": r}))
            .await;
        assert_eq!(ack["data"]["status"], "aux");
        assert_eq!(ack["data"]["reason"], r);
        let pushed = d.expect_where("agent.status", |v| v["reason"] == r).await;
        assert_eq!(pushed["cause"], "manual");
    }
    d.set("preparing").await;
    d.expect_status("preparing").await;
}

#[actix_rt::test]
async fn a_frame_over_64_kib_closes_the_socket_with_a_reason_and_the_server_carries_on() {
    let app = spawn_app().await;
    let mut d = app.desk("kim").await;
    let big = format!(
        r#"{{"type":"note.save","ticketId":"x","content":"{}"}}"#,
        "가".repeat(30_000)
    );
    assert!(big.len() > 64 * 1024);
    d.send_text(big).await;
    let closed = d.expect("__closed").await;
    assert!(
        closed["reason"].as_str().unwrap().contains("64 KiB"),
        "{closed}"
    );
    let (status, _) = app.get("/healthz", None).await;
    assert_eq!(status, 200);
    let mut again = app.desk("kim").await;
    again.ok(json!({"type": "ping"})).await;
    let _ = Duration::from_secs(0);
}
