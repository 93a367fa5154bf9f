//! The inbound loop: queue, longest-idle offer, answer, hang-up, wrap-up, notes, ring timeout,
//! abandon, and a call waiting for a busy agent.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

#[actix_rt::test]
async fn a_call_goes_to_the_longer_idle_of_two_ready_agents() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    lee.set("ready").await;
    app.clock.advance_secs(10);
    kim.set("ready").await;
    let (call_id, ticket) = app.call_in("main", "010-9999-8888").await;
    let offered = lee.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id);
    assert_eq!(offered["ticketId"], ticket.as_str());
    assert_eq!(offered["serviceName"], "대표번호");
    assert_eq!(offered["channel"], "IN");
    assert_eq!(
        offered["customer"]["name"], "홍길동",
        "a known caller is popped"
    );
    lee.expect_status("ringing").await;
    assert!(
        !kim.sees_within("call.offered", Duration::from_millis(400))
            .await
    );
}

#[actix_rt::test]
async fn the_whole_inbound_loop_from_ready_to_ready() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut boss = app.desk("boss").await;
    boss.ok(json!({"type": "agents.watch", "on": true})).await;
    kim.set("ready").await;
    let (call_id, ticket) = app.call_in("main", "010-2222-3333").await;
    kim.expect("call.offered").await;
    app.clock.advance_secs(3);
    kim.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
    let connected = kim.expect("call.connected").await;
    assert_eq!(connected["callId"], call_id);
    kim.expect_status("on_call").await;
    // A note saved mid-call is kept.
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "배송 지연 문의"}))
        .await;
    app.clock.advance_secs(60);
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "agent");
    assert_eq!(ended["outcome"], "completed");
    assert_eq!(ended["wrapUp"], true);
    kim.expect_status("wrap_up").await;
    kim.ok(
        json!({"type": "note.save", "ticketId": ticket, "category": "배송",
        "result": "완료", "content": "배송 지연 안내, 내일 도착 예정"}),
    )
    .await;
    app.clock.advance_secs(20);
    let ack = kim.ok(json!({"type": "wrapup.done"})).await;
    assert_eq!(ack["data"]["status"], "ready");
    kim.expect_status("ready").await;
    let pushed = kim
        .expect_where("consultations", |v| {
            v["items"][0]["ticketId"] == ticket.as_str()
        })
        .await;
    assert_eq!(pushed["inCount"], 1);
    // The list and the record.
    let (_, list) = app.get("/api/consultations", Some(&kim.token)).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["inCount"], 1);
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["content"], "배송 지연 안내, 내일 도착 예정");
    assert_eq!(c["category"], "배송");
    assert_eq!(c["result"], "완료");
    assert_eq!(c["serviceName"], "대표번호");
    assert_eq!(c["channel"], "IN");
    assert_eq!(c["number"], "01022223333");
    assert_eq!(c["agentId"], 1);
    assert_eq!(c["waitS"], 3);
    assert_eq!(c["talkS"], 60);
    settle().await;
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["wrapUpS"], 20);
    assert_eq!(c["editable"], true);
    // The manager's agent list followed kim back to ready.
    settle().await;
    let frames = boss.drain(std::time::Duration::from_millis(300)).await;
    let kim_rows: Vec<String> = frames
        .iter()
        .filter(|v| v["type"] == "agents")
        .flat_map(|v| v["changed"].as_array().unwrap().clone())
        .filter(|a| a["agentId"] == 1)
        .map(|a| a["status"].as_str().unwrap().to_string())
        .collect();
    assert!(!kim_rows.is_empty(), "coalesced changes still arrive");
    assert_eq!(kim_rows.last().map(String::as_str), Some("ready"));
}

#[actix_rt::test]
async fn answering_a_call_not_offered_to_you_changes_nothing() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.set("ready").await;
    let (call_id, _) = app.call_in("main", "010-2222-3333").await;
    kim.expect("call.offered").await;
    let e = lee
        .request(json!({"type": "call.answer", "callId": call_id}))
        .await;
    assert_eq!(e["type"], "error");
    assert_eq!(e["code"], "not_offered");
    let e = lee
        .request(json!({"type": "call.answer", "callId": 999_999}))
        .await;
    assert_eq!(e["code"], "not_offered");
    let (_, me) = app.get("/api/me", Some(&lee.token)).await;
    assert_eq!(me["status"]["status"], "preparing");
    // The rightful agent can still answer.
    kim.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
}

#[actix_rt::test]
async fn a_ringing_agent_who_misses_the_call_goes_away_and_the_call_rings_another() {
    let app = spawn_app_with(Opts {
        ring_timeout_s: 1,
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.set("ready").await;
    app.clock.advance_secs(5);
    lee.set("ready").await;
    let (call_id, _) = app.call_in("main", "010-2222-3333").await;
    kim.expect("call.offered").await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "timeout");
    let away = kim.expect_status("aux").await;
    assert_eq!(away["reason"], "missed");
    assert_eq!(away["cause"], "missed");
    let offered = lee.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id);
    lee.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
}

#[actix_rt::test]
async fn a_caller_who_hangs_up_while_queued_is_abandoned_and_nobody_rings() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let (call_id, ticket) = app.call_in("main", "010-2222-3333").await;
    let q = kim
        .expect_where("queue", |v| v["service"] == "main" && v["waiting"] == 1)
        .await;
    assert!(q["oldestSince"].is_string());
    app.clock.advance_secs(7);
    let (status, _) = app
        .telephony(&format!("/api/telephony/calls/{call_id}/hangup"), json!({}))
        .await;
    assert_eq!(status, 200);
    let q = kim
        .expect_where("queue", |v| v["service"] == "main" && v["waiting"] == 0)
        .await;
    assert_eq!(q["abandoned"], 1);
    kim.set("ready").await;
    assert!(
        !kim.sees_within("call.offered", Duration::from_millis(500))
            .await
    );
    let stats = kim
        .expect_where("stats", |v| v["brand"]["abandoned"] == 1)
        .await;
    assert_eq!(stats["brand"]["answered"], 0);
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["outcome"], "abandoned");
    assert_eq!(c["waitS"], 7);
    // Hanging up an ended call says so.
    let (status, body) = app
        .telephony(&format!("/api/telephony/calls/{call_id}/hangup"), json!({}))
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
}

#[actix_rt::test]
async fn a_caller_who_hangs_up_while_ringing_frees_the_agent() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, _) = app.call_in("main", "010-2222-3333").await;
    kim.expect("call.offered").await;
    app.telephony(&format!("/api/telephony/calls/{call_id}/hangup"), json!({}))
        .await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "customer");
    assert_eq!(ended["outcome"], "abandoned");
    assert_eq!(ended["wrapUp"], false);
    let back = kim
        .expect_where("agent.status", |v| {
            v["status"] == "ready" && v["cause"] == "hangup"
        })
        .await;
    assert_eq!(back["status"], "ready");
}

#[actix_rt::test]
async fn with_one_agent_the_second_call_waits_and_is_offered_when_the_agent_is_ready_again() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (first, _) = app.call_in("main", "010-1000-0001").await;
    app.clock.advance_secs(1);
    let (second, _) = app.call_in("order", "010-1000-0002").await;
    let offered = kim.expect("call.offered").await;
    assert_eq!(offered["callId"], first);
    kim.ok(json!({"type": "call.answer", "callId": first}))
        .await;
    kim.expect_where("queue", |v| v["service"] == "order" && v["waiting"] == 1)
        .await;
    // The customer hangs up: wrap-up, and nothing is offered during wrap-up.
    app.telephony(&format!("/api/telephony/calls/{first}/hangup"), json!({}))
        .await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "customer");
    kim.expect_status("wrap_up").await;
    assert!(
        !kim.sees_within("call.offered", Duration::from_millis(400))
            .await
    );
    kim.ok(json!({"type": "wrapup.done"})).await;
    let offered = kim.expect("call.offered").await;
    assert_eq!(offered["callId"], second);
    assert_eq!(offered["serviceName"], "주문/배송 문의");
}

#[actix_rt::test]
async fn the_status_chosen_during_a_call_applies_when_wrap_up_ends() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, _) = app.answered_call(&mut kim, "main", "010-1000-0001").await;
    let e = kim
        .request(json!({"type": "status.set", "status": "ready"}))
        .await;
    assert_eq!(e["code"], "busy", "a direct change waits for the call");
    let ack = kim
        .ok(json!({"type": "status.next", "status": "aux", "reason": "meal"}))
        .await;
    assert_eq!(ack["data"]["next"]["reason"], "meal");
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    let ack = kim.ok(json!({"type": "wrapup.done"})).await;
    assert_eq!(ack["data"]["status"], "aux");
    assert_eq!(ack["data"]["reason"], "meal");
    assert!(ack["data"]["next"].is_null());
}

#[actix_rt::test]
async fn the_wrap_up_limit_returns_the_agent_to_ready() {
    let app = spawn_app_with(Opts {
        wrap_up_limit_s: 1,
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, _) = app.answered_call(&mut kim, "main", "010-1000-0001").await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    let back = kim
        .expect_where("agent.status", |v| v["cause"] == "wrapup_timeout")
        .await;
    assert_eq!(back["status"], "ready");
}

#[actix_rt::test]
async fn an_agent_serving_only_one_service_is_not_offered_anothers_calls() {
    let app = spawn_app().await;
    let mut park = app.desk("park").await;
    park.set("ready").await;
    app.call_in("main", "010-1000-0001").await;
    assert!(
        !park
            .sees_within("call.offered", Duration::from_millis(400))
            .await
    );
    app.call_in("order", "010-1000-0002").await;
    park.expect("call.offered").await;
}
