//! Consultation records: who may read and who may edit.

use crate::helpers::*;
use serde_json::json;

async fn one_finished_call(app: &TestApp, desk: &mut Desk) -> String {
    desk.set("ready").await;
    let (call_id, ticket) = app.answered_call(desk, "main", "010-3333-4444").await;
    desk.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    desk.ok(json!({"type": "note.save", "ticketId": ticket, "content": "원래 내용"}))
        .await;
    desk.ok(json!({"type": "wrapup.done"})).await;
    ticket
}

#[actix_rt::test]
async fn only_the_consultations_agent_may_edit_it_and_others_read_it() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = one_finished_call(&app, &mut kim).await;
    let lee = app.login("lee").await;
    let boss = app.login("boss").await;
    let path = format!("/api/consultations/{ticket}");
    for who in [&lee, &boss] {
        let (status, body) = app.put(&path, who, json!({"content": "바꿔치기"})).await;
        assert_eq!(status, 403);
        assert_eq!(body["error"]["code"], "forbidden");
    }
    let mut lee_desk = Desk::connect(&app, &lee).await;
    let e = lee_desk
        .request(json!({"type": "note.save", "ticketId": ticket, "content": "x"}))
        .await;
    assert_eq!(e["code"], "forbidden");
    let (status, c) = app.get(&path, Some(&lee)).await;
    assert_eq!(status, 200);
    assert_eq!(c["content"], "원래 내용");
    assert_eq!(c["editable"], false);
    let (status, c) = app
        .put(
            &path,
            &kim.token,
            json!({"content": "수정한 내용", "result": "완료"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(c["content"], "수정한 내용");
    assert_eq!(c["editable"], true);
    let (status, body) = app
        .put(&path, &kim.token, json!({"content": "x".repeat(4001)}))
        .await;
    assert_eq!(status, 400, "{body}");
    let (_, c) = app.get(&path, Some(&kim.token)).await;
    assert_eq!(
        c["content"], "수정한 내용",
        "a refused edit changes nothing"
    );
}

#[actix_rt::test]
async fn managers_list_anyone_of_their_brand_and_agents_only_themselves() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let ticket = one_finished_call(&app, &mut kim).await;
    let lee = app.login("lee").await;
    let boss = app.login("boss").await;
    let (_, mine) = app.get("/api/consultations", Some(&lee)).await;
    assert_eq!(mine["total"], 0);
    let (status, _) = app.get("/api/consultations?scope=brand", Some(&lee)).await;
    assert_eq!(status, 403);
    let (_, all) = app.get("/api/consultations?scope=brand", Some(&boss)).await;
    assert_eq!(all["items"][0]["ticketId"], ticket.as_str());
    let (_, kims) = app
        .get("/api/consultations?agentId=1&channel=IN", Some(&boss))
        .await;
    assert_eq!(kims["total"], 1);
    let (_, none) = app
        .get("/api/consultations?agentId=1&channel=OUT", Some(&boss))
        .await;
    assert_eq!(none["total"], 0);
    let (status, body) = app
        .get("/api/consultations?date=yesterday", Some(&boss))
        .await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_request");
    let (_, other_day) = app
        .get("/api/consultations?date=2026-11-22", Some(&kim.token))
        .await;
    assert_eq!(other_day["total"], 0);
}
