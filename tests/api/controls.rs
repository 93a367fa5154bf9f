//! Call controls on a talking call: hold / resume (counted in the day's figures and on the
//! consultation), blind transfer (이관) to a service or a ready agent, touch-tones, each sent to
//! the PBX as a command; and what is refused.

use crate::helpers::*;
use serde_json::{json, Value};

async fn with_pbx() -> (TestApp, PbxLog) {
    let (url, log) = pbx_sink().await;
    let app = spawn_app_with(Opts {
        webhook: Some(url),
        ..Opts::default()
    })
    .await;
    (app, log)
}

fn kinds(seen: &[Value]) -> Vec<String> {
    seen.iter()
        .map(|v| v["command"].as_str().unwrap().to_string())
        .collect()
}

#[actix_rt::test]
async fn hold_and_resume_are_told_to_the_pbx_and_counted_in_the_day_and_the_consultation() {
    let (app, log) = with_pbx().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
    app.clock.advance_secs(10);
    let ack = kim
        .ok(json!({"type": "call.hold", "callId": call_id}))
        .await;
    assert!(ack["data"]["heldSince"].is_string(), "{ack}");
    let upd = kim.expect("call.updated").await;
    assert!(upd["heldSince"].is_string());
    assert_eq!(upd["state"], "on_call", "hold is not a status of its own");
    // Holding twice is harmless.
    kim.ok(json!({"type": "call.hold", "callId": call_id}))
        .await;
    app.clock.advance_secs(30);
    let ack = kim
        .ok(json!({"type": "call.resume", "callId": call_id}))
        .await;
    assert_eq!(ack["data"]["heldSince"], Value::Null);
    assert_eq!(ack["data"]["holdS"], 30);
    // A hold that is still on when the caller hangs up counts up to the hang-up.
    kim.ok(json!({"type": "call.hold", "callId": call_id}))
        .await;
    app.clock.advance_secs(5);
    app.telephony(&format!("/api/telephony/calls/{call_id}/hangup"), json!({}))
        .await;
    kim.expect_status("wrap_up").await;
    settle().await;
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["holdS"], 35);
    assert_eq!(c["talkS"], 45, "talk time includes the hold");
    let (_, s) = app.get("/api/stats/today", Some(&kim.token)).await;
    assert_eq!(s["stats"]["agent"]["holdS"], 35);
    let seen = commands_seen(&log, 5).await;
    assert_eq!(
        kinds(&seen),
        vec!["ring", "bridge", "hold", "resume", "hold"],
        "hold twice sends one command"
    );
    assert_eq!(seen[2]["callId"], call_id);
    assert_eq!(seen[2]["extension"], "2001");
}

#[actix_rt::test]
async fn a_transfer_to_a_service_queues_the_caller_at_the_head_and_the_next_agent_sees_where_it_came_from(
) {
    let (app, log) = with_pbx().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.answered_call(&mut kim, "main", "010-9999-8888").await;
    // Someone is already waiting in 'order'; the transferred caller goes before them.
    app.call_in("order", "010-1111-2222").await;
    let ack = kim
        .ok(json!({"type": "call.transfer", "callId": call_id, "service": "order"}))
        .await;
    let new_call = ack["data"]["callId"].as_u64().unwrap();
    let new_ticket = ack["data"]["ticketId"].as_str().unwrap().to_string();
    assert_ne!(new_ticket, ticket);
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "transferred");
    assert_eq!(ended["outcome"], "transferred");
    kim.expect_status("wrap_up").await;

    lee.set("ready").await;
    let offered = lee.expect("call.offered").await;
    assert_eq!(offered["callId"], new_call, "the transferred caller first");
    assert_eq!(offered["transferredFrom"], ticket.as_str());
    assert_eq!(offered["customer"]["name"], "홍길동");
    assert_eq!(offered["service"], "order");
    lee.ok(json!({"type": "call.answer", "callId": new_call}))
        .await;
    settle().await;
    let (_, old) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(old["outcome"], "transferred");
    assert_eq!(old["transferredTo"], new_ticket.as_str());
    let (_, new) = app
        .get(
            &format!("/api/consultations/{new_ticket}"),
            Some(&lee.token),
        )
        .await;
    assert_eq!(new["transferredFrom"], ticket.as_str());
    assert_eq!(new["agentName"], "이상담");
    let seen = commands_seen(&log, 4).await;
    let t = seen
        .iter()
        .find(|c| c["command"] == "transfer")
        .expect("transfer command");
    assert_eq!(t["callId"], call_id);
    assert_eq!(t["transfer"]["newCallId"], new_call);
    assert_eq!(t["transfer"]["service"], "order");
    assert_eq!(t["externalId"], "pbx-1");
}

#[actix_rt::test]
async fn a_transfer_to_a_ready_agent_rings_that_agent() {
    let (app, log) = with_pbx().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.set("ready").await;
    let (call_id, _) = app.answered_call(&mut kim, "main", "010-9999-8888").await;
    // Not ready yet: refused, and kim keeps the call.
    let e = kim
        .request(json!({"type": "call.transfer", "callId": call_id, "agentId": 2}))
        .await;
    assert_eq!(e["code"], "conflict", "{e}");
    assert!(e["message"].as_str().unwrap().contains("이상담"), "{e}");
    lee.set("ready").await;
    let ack = kim
        .ok(json!({"type": "call.transfer", "callId": call_id, "agentId": 2}))
        .await;
    let new_call = ack["data"]["callId"].as_u64().unwrap();
    let offered = lee.expect("call.offered").await;
    assert_eq!(offered["callId"], new_call);
    kim.expect_status("wrap_up").await;
    let seen = commands_seen(&log, 4).await;
    let t = seen.iter().find(|c| c["command"] == "transfer").unwrap();
    assert_eq!(t["transfer"]["extension"], "2002");
    let ring = seen
        .iter()
        .find(|c| c["command"] == "ring" && c["callId"] == new_call)
        .expect("the new leg rings lee");
    assert_eq!(ring["extension"], "2002");
}

#[actix_rt::test]
async fn bad_transfers_and_tones_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, _) = app.answered_call(&mut kim, "main", "010-9999-8888").await;
    for (body, code) in [
        (
            json!({"type": "call.transfer", "callId": call_id}),
            "bad_request",
        ),
        (
            json!({"type": "call.transfer", "callId": call_id, "service": "main", "agentId": 2}),
            "bad_request",
        ),
        (
            json!({"type": "call.transfer", "callId": call_id, "service": "nope"}),
            "not_found",
        ),
        (
            json!({"type": "call.transfer", "callId": call_id, "service": "other"}),
            "not_found",
        ),
        (
            json!({"type": "call.transfer", "callId": call_id, "agentId": 20}),
            "not_found",
        ),
        (
            json!({"type": "call.transfer", "callId": call_id, "agentId": 1}),
            "bad_request",
        ),
        (
            json!({"type": "call.transfer", "callId": 999, "service": "order"}),
            "not_offered",
        ),
        (
            json!({"type": "call.dtmf", "callId": call_id, "digits": "12a"}),
            "bad_request",
        ),
        (
            json!({"type": "call.dtmf", "callId": call_id, "digits": ""}),
            "bad_request",
        ),
        (json!({"type": "call.hold", "callId": 999}), "not_offered"),
    ] {
        let e = kim.request(body.clone()).await;
        assert_eq!(e["type"], "error", "{body} → {e}");
        assert_eq!(e["code"], code, "{body} → {e}");
    }
    kim.ok(json!({"type": "call.dtmf", "callId": call_id, "digits": "1#*0"}))
        .await;
    let (_, me) = app.get("/api/me", Some(&kim.token)).await;
    assert_eq!(me["status"]["status"], "on_call", "still on the call");
    // In wrap-up there is nothing to hold or transfer.
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    let e = kim
        .request(json!({"type": "call.hold", "callId": call_id}))
        .await;
    assert_eq!(e["code"], "not_offered");
}
