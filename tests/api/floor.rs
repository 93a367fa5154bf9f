//! The floor's fan-out (issue 12): a desk is sent the counts it shows; agent rows flow only to a
//! desk watching a list (`agents.watch`), filtered by service, status and name, with rows
//! entering, changing and leaving the filter; closing the list stops the rows.

use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;

/// Every `agents` frame of a short while.
async fn agents_frames(desk: &mut Desk) -> Vec<Value> {
    settle().await;
    desk.drain(Duration::from_millis(700))
        .await
        .into_iter()
        .filter(|f| f["type"] == "agents")
        .collect()
}

fn ids(frame: &Value, key: &str) -> Vec<u64> {
    frame[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| r.get("agentId").unwrap_or(r).as_u64().unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[actix_rt::test]
async fn a_desk_without_a_list_open_gets_counts_and_no_rows() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    lee.set("ready").await;
    let frames = agents_frames(&mut kim).await;
    assert!(!frames.is_empty(), "the counts moved");
    for f in &frames {
        assert_eq!(f["changed"], json!([]), "no rows without a watch: {f}");
    }
    let last = frames.last().unwrap();
    assert_eq!(last["inServiceCount"], 1);
    assert_eq!(last["byState"]["ready"], 1);
    assert_eq!(last["allCount"], 4);
}

#[actix_rt::test]
async fn a_watched_list_follows_its_filter_as_agents_enter_and_leave_it() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    let mut park = app.desk("park").await;
    park.set("ready").await;
    settle().await;
    // 대기 agents serving main: park serves only order.
    let ack = kim
        .ok(json!({"type": "agents.watch", "on": true, "service": "main", "state": "ready"}))
        .await;
    assert_eq!(ack["data"]["rows"], 0);
    let reset = kim.expect_where("agents", |f| f["reset"] == true).await;
    assert_eq!(ids(&reset, "changed"), Vec::<u64>::new());
    lee.set("ready").await;
    let frames = agents_frames(&mut kim).await;
    let entered: Vec<u64> = frames.iter().flat_map(|f| ids(f, "changed")).collect();
    assert_eq!(
        entered,
        vec![2],
        "lee entered; park never shows: {frames:?}"
    );
    lee.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
        .await;
    let frames = agents_frames(&mut kim).await;
    let left: Vec<u64> = frames.iter().flat_map(|f| ids(f, "removed")).collect();
    assert_eq!(left, vec![2], "lee left the 대기 list: {frames:?}");
    assert!(frames.iter().all(|f| ids(f, "changed").is_empty()));
    // A name fragment re-filters the same socket's list.
    let ack = kim
        .ok(json!({"type": "agents.watch", "on": true, "q": "박상"}))
        .await;
    assert_eq!(ack["data"]["rows"], 1);
    let reset = kim.expect_where("agents", |f| f["reset"] == true).await;
    assert_eq!(ids(&reset, "changed"), vec![3]);
    assert_eq!(reset["changed"][0]["status"], "ready");
    // Closed: counts keep coming, rows stop.
    kim.ok(json!({"type": "agents.watch", "on": false})).await;
    park.set("preparing").await;
    let frames = agents_frames(&mut kim).await;
    assert!(!frames.is_empty());
    assert!(
        frames.iter().all(|f| ids(f, "changed").is_empty()),
        "{frames:?}"
    );
}

#[actix_rt::test]
async fn a_bad_filter_is_refused_by_field_and_changes_nothing() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    for (body, field) in [
        (
            json!({"type": "agents.watch", "on": true, "state": "asleep"}),
            "state",
        ),
        (
            json!({"type": "agents.watch", "on": true, "service": "other"}),
            "service",
        ),
        (
            json!({"type": "agents.watch", "on": true, "q": "가".repeat(51)}),
            "q",
        ),
        (json!({"type": "agents.watch"}), "on"),
    ] {
        let e = kim.request(body).await;
        assert_eq!(e["type"], "error", "{e}");
        assert!(
            e["message"].as_str().unwrap().contains(field),
            "{field}: {e}"
        );
    }
    // Brand 2's service is not brand 1's: a list of it is refused above; nothing was opened.
    let mut lee = app.desk("lee").await;
    lee.set("ready").await;
    let frames = agents_frames(&mut kim).await;
    assert!(frames.iter().all(|f| ids(f, "changed").is_empty()));
}

#[actix_rt::test]
async fn logins_push_reservations_only_when_a_callback_changes_hands() {
    let app = spawn_app().await;
    let mut lee = app.desk("lee").await;
    // Park signs in and out owning nothing: lee's 예약 현황 is not re-sent.
    let park = app.desk("park").await;
    drop(park);
    let (s, _) = app
        .post("/api/logout", Some(&app.login("park").await), json!({}))
        .await;
    assert_eq!(s, 200);
    settle().await;
    let frames = lee.drain(Duration::from_millis(500)).await;
    assert!(
        frames.iter().all(|f| f["type"] != "reservations"),
        "no reservations push for a login without callbacks: {frames:?}"
    );
    // Kim owns a callback; when kim logs out it goes to main's pool, and lee (main) is told.
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (s, cb) = app
        .telephony(
            "/api/telephony/callbacks",
            json!({"service": "main", "from": "010-4321-8765"}),
        )
        .await;
    assert_eq!(s, 201, "{cb}");
    assert_eq!(cb["ownerId"], 1);
    let (s, _) = app.post("/api/logout", Some(&kim.token), json!({})).await;
    assert_eq!(s, 200);
    let pushed = lee
        .expect_where("reservations", |f| {
            f["items"]
                .as_array()
                .is_some_and(|a| a.iter().any(|r| r["id"] == cb["reservationId"]))
        })
        .await;
    assert_eq!(pushed["callback"], 1);
}
