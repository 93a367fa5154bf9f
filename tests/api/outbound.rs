//! Outbound dialing: 발신중 → 통화중 → 후처리, or a failed dial straight to wrap-up.

use crate::helpers::*;
use serde_json::json;

#[actix_rt::test]
async fn a_dial_that_is_answered_goes_dialing_on_call_wrap_up_and_counts_out() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ack = kim
        .ok(json!({"type": "call.dial", "number": "010 9999 8888"}))
        .await;
    let call_id = ack["data"]["callId"].as_u64().unwrap();
    let ticket = ack["data"]["ticketId"].as_str().unwrap().to_string();
    kim.expect_status("dialing").await;
    let dialing = kim.expect("call.offered").await;
    assert_eq!(dialing["channel"], "OUT");
    assert_eq!(dialing["state"], "dialing");
    assert_eq!(dialing["customer"]["name"], "홍길동");
    app.clock.advance_secs(4);
    let (status, _) = app
        .telephony(
            &format!("/api/telephony/calls/{call_id}/answered"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    kim.expect("call.connected").await;
    kim.expect_status("on_call").await;
    app.clock.advance_secs(30);
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "주문 확인 전화"}))
        .await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let s = kim
        .expect_where("stats", |v| v["agent"]["callsOut"] == 1)
        .await;
    assert_eq!(s["agent"]["callsIn"], 0);
    settle().await;
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["channel"], "OUT");
    assert_eq!(c["talkS"], 30);
    assert_eq!(c["outcome"], "completed");
    let (_, list) = app.get("/api/consultations", Some(&kim.token)).await;
    assert_eq!(list["outCount"], 1);
}

#[actix_rt::test]
async fn a_busy_line_ends_the_dial_in_wrap_up_with_that_outcome_and_leaves_the_result_to_the_agent()
{
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let ack = kim
        .ok(json!({"type": "call.dial", "number": "02-123-4567"}))
        .await;
    let call_id = ack["data"]["callId"].as_u64().unwrap();
    let ticket = ack["data"]["ticketId"].as_str().unwrap().to_string();
    let (status, body) = app
        .telephony(
            &format!("/api/telephony/calls/{call_id}/failed"),
            json!({"reason": "lunch"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    app.telephony(
        &format!("/api/telephony/calls/{call_id}/failed"),
        json!({"reason": "busy"}),
    )
    .await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "failed");
    assert_eq!(ended["outcome"], "busy");
    assert_eq!(ended["wrapUp"], true);
    kim.expect_status("wrap_up").await;
    settle().await;
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["outcome"], "busy");
    assert_eq!(
        c["result"],
        serde_json::Value::Null,
        "처리결과 is the agent's to choose"
    );
    assert_eq!(c["talkS"], 0);
}

#[actix_rt::test]
async fn a_dial_that_cannot_connect_ends_as_failed() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ack = kim
        .ok(json!({"type": "call.dial", "number": "02-123-4567"}))
        .await;
    let call_id = ack["data"]["callId"].as_u64().unwrap();
    let (status, body) = app
        .telephony(
            &format!("/api/telephony/calls/{call_id}/failed"),
            json!({"reason": "failed"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["outcome"], "failed");
    kim.expect_status("wrap_up").await;
}

#[actix_rt::test]
async fn a_dial_nobody_answers_times_out_as_no_answer() {
    let app = spawn_app_with(Opts {
        dial_timeout_s: 1,
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    kim.ok(json!({"type": "call.dial", "number": "1588-1234"}))
        .await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["outcome"], "no_answer");
    kim.expect_status("wrap_up").await;
}

#[actix_rt::test]
async fn a_bad_number_or_a_dial_during_a_call_is_refused() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let e = kim
        .request(json!({"type": "call.dial", "number": "12ab"}))
        .await;
    assert_eq!(e["code"], "bad_request");
    kim.ok(json!({"type": "call.dial", "number": "010-1234-5678"}))
        .await;
    let e = kim
        .request(json!({"type": "call.dial", "number": "010-1234-5679"}))
        .await;
    assert_eq!(e["code"], "busy");
    // A ready agent who dials leaves ready: no inbound call is offered meanwhile.
}
