//! The consultation note is never thrown away: drafts kept as typed (`note.draft`) become the
//! note however wrap-up ends (another status, the time limit, logout, a restart), a reload
//! gets the note back in `hello`, and a saved note is not overwritten by an older draft.

use crate::helpers::*;
use calldesk::domain::clock::ManualClock;
use serde_json::{json, Value};

async fn note_of(app: &TestApp, ticket: &str, token: &str) -> Value {
    let (status, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(token))
        .await;
    assert_eq!(status, 200, "{c}");
    c
}

/// A desk in wrap-up after an answered call; returns its ticket.
async fn in_wrap_up(app: &TestApp, kim: &mut Desk) -> String {
    kim.set("ready").await;
    let (call_id, ticket) = app.answered_call(kim, "main", "010-3333-4444").await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    ticket
}

fn draft(ticket: &str, content: &str) -> Value {
    json!({"type": "note.draft", "ticketId": ticket, "category": "배송", "result": "완료",
           "content": content})
}

#[actix_rt::test]
async fn a_draft_becomes_the_note_when_the_agent_picks_another_status_in_wrap_up() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    let ack = kim
        .ok(draft(&ticket, "배송 지연 문의, 내일 도착 안내"))
        .await;
    assert_eq!(ack["data"]["saved"], false, "kept as a draft while held");
    let before = note_of(&app, &ticket, &kim.token).await;
    assert_eq!(before["content"], "", "a draft is not the note yet");
    kim.set("preparing").await;
    settle().await;
    let c = note_of(&app, &ticket, &kim.token).await;
    assert_eq!(c["content"], "배송 지연 문의, 내일 도착 안내");
    assert_eq!(c["category"], "배송");
    assert_eq!(c["result"], "완료");
    assert!(c["wrapUpEndedAt"].is_string());
}

#[actix_rt::test]
async fn the_wrap_up_limit_keeps_the_draft() {
    let app = spawn_app_with(Opts {
        wrap_up_limit_s: 1,
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    kim.ok(draft(&ticket, "한도 전에 쓴 메모")).await;
    let st = kim
        .expect_where("agent.status", |f| f["cause"] == "wrapup_timeout")
        .await;
    assert_ne!(st["status"], "wrap_up");
    settle().await;
    assert_eq!(
        note_of(&app, &ticket, &kim.token).await["content"],
        "한도 전에 쓴 메모"
    );
}

#[actix_rt::test]
async fn logout_in_wrap_up_keeps_the_draft() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    kim.ok(draft(&ticket, "로그아웃 전 메모")).await;
    let boss = app.login("boss").await;
    let (status, body) = app.post("/api/logout", Some(&kim.token), json!({})).await;
    assert_eq!(status, 200, "{body}");
    settle().await;
    assert_eq!(
        note_of(&app, &ticket, &boss).await["content"],
        "로그아웃 전 메모"
    );
}

#[actix_rt::test]
async fn a_reload_mid_call_gets_the_draft_back_and_after_a_save_the_saved_note() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
    kim.ok(draft(&ticket, "통화 중에 쓰는 중")).await;
    let again = Desk::connect(&app, &kim.token).await;
    let note = &again.hello["snapshot"]["note"];
    assert_eq!(note["ticketId"], ticket.as_str());
    assert_eq!(note["content"], "통화 중에 쓰는 중");
    assert_eq!(note["category"], "배송");
    assert_eq!(note["draft"], true);

    kim.ok(
        json!({"type": "note.save", "ticketId": ticket, "category": "반품",
                  "result": null, "content": "저장한 메모"}),
    )
    .await;
    let third = Desk::connect(&app, &kim.token).await;
    let note = &third.hello["snapshot"]["note"];
    assert_eq!(note["content"], "저장한 메모");
    assert_eq!(note["category"], "반품");
    assert_eq!(note["draft"], false);
    assert!(note["updatedAt"].is_string());
}

#[actix_rt::test]
async fn hello_without_a_call_has_no_note_and_a_new_call_starts_empty() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    assert_eq!(kim.hello["snapshot"]["note"], Value::Null);
    kim.set("ready").await;
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
    let again = Desk::connect(&app, &kim.token).await;
    let note = &again.hello["snapshot"]["note"];
    assert_eq!(note["ticketId"], ticket.as_str());
    assert_eq!(note["content"], "");
    assert_eq!(note["updatedAt"], Value::Null, "nothing written yet");
}

#[actix_rt::test]
async fn a_save_after_a_draft_wins_when_wrap_up_ends() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    kim.ok(draft(&ticket, "초안")).await;
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "최종"}))
        .await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    settle().await;
    let c = note_of(&app, &ticket, &kim.token).await;
    assert_eq!(c["content"], "최종");
    assert_eq!(c["category"], Value::Null);
}

#[actix_rt::test]
async fn a_draft_for_a_call_no_longer_held_is_saved_as_the_note() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let ack = kim.ok(draft(&ticket, "늦게 도착한 초안")).await;
    assert_eq!(ack["data"]["saved"], true);
    settle().await;
    assert_eq!(
        note_of(&app, &ticket, &kim.token).await["content"],
        "늦게 도착한 초안"
    );
}

#[actix_rt::test]
async fn drafts_are_refused_for_other_agents_and_bad_fields_and_change_nothing() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = in_wrap_up(&app, &mut kim).await;
    let mut lee = app.desk("lee").await;
    let e = lee.request(draft(&ticket, "남의 메모")).await;
    assert_eq!(e["code"], "forbidden", "{e}");
    let long = "가".repeat(4001);
    let e = kim.request(draft(&ticket, &long)).await;
    assert_eq!(e["code"], "bad_request", "{e}");
    assert!(e["message"].as_str().unwrap().contains("4000"), "{e}");
    let e = kim.request(draft("T20990101-000001", "x")).await;
    assert_eq!(e["code"], "not_found", "{e}");
    kim.ok(json!({"type": "wrapup.done"})).await;
    settle().await;
    assert_eq!(note_of(&app, &ticket, &kim.token).await["content"], "");
}

#[test]
fn a_draft_left_by_a_server_that_died_becomes_the_note_on_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let clock = ManualClock::new(morning());
    let (p1, c1) = (path.clone(), clock.clone());
    let (token, ticket) = life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(p1),
                clock: Some(c1),
                ..Opts::default()
            })
            .await;
            let mut kim = app.desk("kim").await;
            kim.set("ready").await;
            let (_, ticket) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
            kim.ok(draft(&ticket, "서버가 죽기 전 메모")).await;
            app.stop().await;
            (kim.token.clone(), ticket)
        })
    });
    life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(path),
                clock: Some(clock),
                seed: false,
                ..Opts::default()
            })
            .await;
            let c = note_of(&app, &ticket, &token).await;
            assert_eq!(c["content"], "서버가 죽기 전 메모");
            assert_eq!(c["category"], "배송");
            app.stop().await;
        })
    });
}
