//! Floor control by managers: forcing an agent's status (the desk is told who and why), signing
//! an agent out after the call in hand, floor notices to everyone or one service — refused to
//! agents, every field checked, every action audited.

use crate::helpers::*;
use serde_json::json;
use std::time::Duration;

#[actix_rt::test]
async fn a_manager_forces_a_status_and_the_desk_shows_who_and_why() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (s, v) = app
        .post(
            "/api/admin/agents/1/status",
            Some(&boss),
            json!({"status": "aux", "reason": "meeting", "note": "10시 교육 참석"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["status"], "aux");
    let notice = kim.expect("notice").await;
    assert_eq!(notice["kind"], "status_forced");
    assert_eq!(notice["byName"], "송매니저");
    assert_eq!(notice["text"], "10시 교육 참석");
    assert_eq!(notice["status"], "aux");
    let st = kim.expect_status("aux").await;
    assert_eq!(st["cause"], "forced_by_manager");
    assert_eq!(st["reason"], "meeting");
    // A note is required; a status must be one an agent could choose; agents may not.
    let (s, v) = app
        .post(
            "/api/admin/agents/1/status",
            Some(&boss),
            json!({"status": "ready"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(v["error"]["fields"].to_string().contains("note"), "{v}");
    let (s, v) = app
        .post(
            "/api/admin/agents/1/status",
            Some(&boss),
            json!({"status": "on_call", "note": "x"}),
        )
        .await;
    assert_eq!(s, 400, "{v}");
    let (s, _) = app
        .post(
            "/api/admin/agents/2/status",
            Some(&kim.token),
            json!({"status": "ready", "note": "x"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .post(
            "/api/admin/agents/20/status",
            Some(&boss),
            json!({"status": "ready", "note": "다른 브랜드"}),
        )
        .await;
    assert_eq!(s, 404, "another brand's agent is not found");
    // During a call it becomes the status after the call.
    kim.set("ready").await;
    let (call, _) = app.answered_call(&mut kim, "main", "010-4000-0001").await;
    let (s, v) = app
        .post(
            "/api/admin/agents/1/status",
            Some(&boss),
            json!({"status": "aux", "reason": "rest", "note": "통화 후 휴식"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(v["status"], "on_call");
    assert_eq!(v["next"]["status"], "aux");
    let notice = kim
        .expect_where("notice", |n| n["text"] == "통화 후 휴식")
        .await;
    assert_eq!(notice["afterCall"], true);
    kim.ok(json!({"type": "call.hangup", "callId": call})).await;
    kim.expect_status("wrap_up").await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    kim.expect_status("aux").await;
    // Audited with the note.
    let (_, audit) = app
        .get("/api/admin/audit?kind=agent.force_status", Some(&boss))
        .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{audit}");
    assert!(items
        .iter()
        .any(|i| i["detail"]["note"] == "10시 교육 참석" && i["detail"]["agent"] == 1));
}

#[actix_rt::test]
async fn a_manager_signs_an_agent_out_after_the_call_in_hand() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call, _) = app.answered_call(&mut kim, "main", "010-4000-0002").await;
    let (s, v) = app
        .post(
            "/api/admin/agents/1/logout",
            Some(&boss),
            json!({"note": "근무 종료"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["afterCall"], true);
    let notice = kim.expect("notice").await;
    assert_eq!(notice["kind"], "signed_out");
    assert_eq!(notice["afterCall"], true);
    // The call goes on; after it and its wrap-up, Kim is signed out and her desk closes.
    kim.ok(json!({"type": "call.hangup", "callId": call})).await;
    kim.expect_status("wrap_up").await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let reason = kim.closed_within(Duration::from_secs(5)).await;
    assert!(
        reason
            .as_deref()
            .is_some_and(|r| r.contains("signed out by a manager")),
        "{reason:?}"
    );
    let (s, _) = app.get("/api/me", Some(&kim.token)).await;
    assert_eq!(s, 401, "her session ended");
    assert_eq!(
        *app.engine.registry.statuses.get(&1).unwrap(),
        calldesk::domain::status::Status::LoggedOut
    );
    // Lee, not on a call, is signed out at once.
    let mut lee = app.desk("lee").await;
    let (_, v) = app
        .post("/api/admin/agents/2/logout", Some(&boss), json!({}))
        .await;
    assert_eq!(v["afterCall"], false);
    assert!(lee.closed_within(Duration::from_secs(5)).await.is_some());
    let (_, audit) = app
        .get("/api/admin/audit?kind=agent.sign_out", Some(&boss))
        .await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}

#[actix_rt::test]
async fn a_floor_notice_reaches_its_service_and_is_kept_for_later_desks() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await; // main + order
    let mut park = app.desk("park").await; // order only
    let (s, n) = app
        .post(
            "/api/notices",
            Some(&boss),
            json!({"text": "대표번호 대기콜 증가: 점심 교대 미뤄 주세요", "service": "main"}),
        )
        .await;
    assert_eq!(s, 201, "{n}");
    assert_eq!(n["service"], "main");
    let got = kim.expect("notice").await;
    assert_eq!(got["kind"], "floor");
    assert_eq!(got["text"], "대표번호 대기콜 증가: 점심 교대 미뤄 주세요");
    assert_eq!(got["byName"], "송매니저");
    assert!(
        !park.sees_within("notice", Duration::from_millis(500)).await,
        "park does not serve main"
    );
    // To everyone.
    let (s, _) = app
        .post(
            "/api/notices",
            Some(&boss),
            json!({"text": "오후 3시 전체 회의"}),
        )
        .await;
    assert_eq!(s, 201);
    assert_eq!(park.expect("notice").await["text"], "오후 3시 전체 회의");
    // Kept: a desk opened later gets today's in hello, and the list answers.
    let lee = app.desk("lee").await;
    let hello_notices = lee.hello["snapshot"]["notices"].as_array().unwrap().clone();
    assert_eq!(hello_notices.len(), 2);
    assert_eq!(
        hello_notices[0]["text"], "오후 3시 전체 회의",
        "newest first"
    );
    let (_, mine) = app.get("/api/notices", Some(&park.token)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
    // Checked and refused.
    let (s, v) = app
        .post("/api/notices", Some(&boss), json!({"text": "  "}))
        .await;
    assert_eq!(s, 400);
    assert!(v["error"]["fields"].to_string().contains("text"));
    let (s, v) = app
        .post(
            "/api/notices",
            Some(&boss),
            json!({"text": "x", "service": "vip"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(v["error"]["fields"].to_string().contains("service"));
    let (s, _) = app
        .post("/api/notices", Some(&kim.token), json!({"text": "x"}))
        .await;
    assert_eq!(s, 403);
    let (_, audit) = app.get("/api/admin/audit?kind=notice", Some(&boss)).await;
    assert_eq!(audit["items"].as_array().unwrap().len(), 2);
}

#[actix_rt::test]
async fn why_am_i_not_getting_calls_reads_the_real_state() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    let w = why(&mut kim).await;
    assert_eq!(w["code"], "not_ready", "{w}");
    assert!(w["text"].as_str().unwrap().contains("상담준비"));
    kim.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
        .await;
    let w = why(&mut kim).await;
    assert_eq!(w["code"], "aux");
    assert!(w["text"].as_str().unwrap().contains("식사"), "{w}");
    // Lee ready first, then Kim: Kim is second in both lines, nothing waiting.
    lee.set("ready").await;
    app.clock.advance_secs(5);
    kim.set("ready").await;
    let w = why(&mut kim).await;
    assert_eq!(w["code"], "in_line", "{w}");
    let lines = w["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert!(lines
        .iter()
        .all(|l| l["position"] == 2 && l["waiting"] == 0 && l["ready"] == 2));
    assert!(
        w["text"].as_str().unwrap().contains("대표번호 2번째 순서"),
        "{w}"
    );
    assert!(w["text"]
        .as_str()
        .unwrap()
        .contains("기다리는 전화가 없습니다"));
    // The manager asks about Lee: first in line.
    let (s, w) = app.get("/api/wallboard/agents/2/why", Some(&boss)).await;
    assert_eq!(s, 200);
    assert_eq!(w["lines"][0]["position"], 1);
    let (s, _) = app
        .get("/api/wallboard/agents/2/why", Some(&kim.token))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app.get("/api/wallboard/agents/20/why", Some(&boss)).await;
    assert_eq!(s, 404);
    // On a call.
    let (call, _) = app.answered_call(&mut lee, "main", "010-4000-0009").await;
    let (_, w) = app.get("/api/routing/why", Some(&lee.token)).await;
    assert_eq!(w["code"], "on_call");
    lee.ok(json!({"type": "call.hangup", "callId": call})).await;
}

async fn why(d: &mut Desk) -> serde_json::Value {
    d.ok(json!({"type": "routing.why"})).await["data"].clone()
}
