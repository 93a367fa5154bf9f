//! Nothing acknowledged is lost: a restart on the same data dir keeps consultations, tokens and
//! today's counters; agents come back logged out.

use crate::helpers::*;
use calldesk::domain::clock::ManualClock;
use serde_json::json;

#[test]
fn a_restart_keeps_consultations_tokens_and_todays_counters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let clock = ManualClock::new(morning());
    let (p1, c1) = (path.clone(), clock.clone());
    let (token, ticket, before) = life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(p1),
                clock: Some(c1),
                ..Opts::default()
            })
            .await;
            let mut kim = app.desk("kim").await;
            kim.set("ready").await;
            app.clock.advance_secs(40);
            let (call_id, ticket) = app.call_in("main", "010-3333-4444").await;
            kim.expect("call.offered").await;
            kim.ok(json!({"type": "call.answer", "callId": call_id}))
                .await;
            app.clock.advance_secs(90);
            kim.ok(json!({"type": "call.hangup", "callId": call_id}))
                .await;
            kim.expect_status("wrap_up").await;
            kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "재시작 전 메모"}))
                .await;
            kim.ok(json!({"type": "wrapup.done"})).await;
            let (_, s) = app.get("/api/stats/today", Some(&kim.token)).await;
            let boss = app.login("boss").await;
            let (st, _) = app
                .post(
                    "/api/templates",
                    Some(&boss),
                    json!({"category": "배송", "question": "배송비는?", "answer": "무료", "tags": []}),
                )
                .await;
            assert_eq!(st, 201);
            app.stop().await;
            (kim.token.clone(), ticket, s["stats"]["agent"].clone())
        })
    });
    assert_eq!(before["talkTotalS"], 90);
    let p2 = path.clone();
    life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(p2),
                clock: Some(clock),
                seed: false,
                ..Opts::default()
            })
            .await;
            let (status, me) = app.get("/api/me", Some(&token)).await;
            assert_eq!(status, 200, "the token survived");
            assert_eq!(me["status"]["status"], "logged_out");
            let (_, c) = app
                .get(&format!("/api/consultations/{ticket}"), Some(&token))
                .await;
            assert_eq!(c["content"], "재시작 전 메모");
            assert_eq!(c["talkS"], 90);
            let (_, s) = app.get("/api/stats/today", Some(&token)).await;
            let after = &s["stats"]["agent"];
            assert_eq!(after["talkTotalS"], 90);
            assert_eq!(after["readyS"], before["readyS"]);
            assert_eq!(after["callsIn"], 1);
            assert_eq!(s["stats"]["brand"]["answered"], 1);
            // The template index is rebuilt from the store.
            let (_, t) = app
                .get("/api/templates?q=%EB%B0%B0%EC%86%A1", Some(&token))
                .await;
            assert_eq!(t["items"][0]["question"], "배송비는?");
            // A new call continues the day's ticket sequence.
            let (_, t2) = app.call_in("main", "010-3333-5555").await;
            assert!(t2 > ticket, "{t2} after {ticket}");
            app.stop().await;
        })
    });
}
