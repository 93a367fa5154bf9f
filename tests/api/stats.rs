//! Exact figures after a scripted day (manual clock).

use crate::helpers::*;
use serde_json::json;

#[actix_rt::test]
async fn a_scripted_day_gives_exact_figures() {
    let app = spawn_app().await;
    let c = &app.clock;
    let mut kim = app.desk("kim").await; // 09:00 상담준비
    c.advance_secs(30);
    kim.set("ready").await;
    c.advance_secs(60);
    // Inbound 1: rings 5 s, talks 120 s, wrap-up 30 s.
    let (call, _) = app.call_in("main", "010-1000-0001").await;
    kim.expect("call.offered").await;
    c.advance_secs(5);
    kim.ok(json!({"type": "call.answer", "callId": call})).await;
    c.advance_secs(120);
    app.telephony(&format!("/api/telephony/calls/{call}/hangup"), json!({}))
        .await;
    kim.expect_status("wrap_up").await;
    c.advance_secs(30);
    kim.ok(json!({"type": "wrapup.done"})).await;
    c.advance_secs(10);
    kim.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
        .await;
    c.advance_secs(300);
    kim.set("ready").await;
    c.advance_secs(20);
    // Inbound 2: rings 3 s, talks 200 s, wrap-up 10 s.
    let (call, _) = app.call_in("order", "010-1000-0002").await;
    kim.expect("call.offered").await;
    c.advance_secs(3);
    kim.ok(json!({"type": "call.answer", "callId": call})).await;
    c.advance_secs(200);
    kim.ok(json!({"type": "call.hangup", "callId": call})).await;
    kim.expect_status("wrap_up").await;
    c.advance_secs(10);
    kim.ok(json!({"type": "wrapup.done"})).await;
    c.advance_secs(15);
    // Outbound: dials 4 s, talks 60 s, wrap-up 5 s.
    let ack = kim
        .ok(json!({"type": "call.dial", "number": "010-1000-0003"}))
        .await;
    let out = ack["data"]["callId"].as_u64().unwrap();
    c.advance_secs(4);
    app.telephony(&format!("/api/telephony/calls/{out}/answered"), json!({}))
        .await;
    kim.expect_status("on_call").await;
    c.advance_secs(60);
    kim.ok(json!({"type": "call.hangup", "callId": out})).await;
    kim.expect_status("wrap_up").await;
    c.advance_secs(5);
    kim.ok(json!({"type": "wrapup.done"})).await;

    let (_, s) = app.get("/api/stats/today", Some(&kim.token)).await;
    let a = &s["stats"]["agent"];
    assert_eq!(a["preparingS"], 30);
    assert_eq!(a["readyS"], 60 + 10 + 20 + 15);
    assert_eq!(a["ringingS"], 8);
    assert_eq!(a["talkTotalS"], 380);
    assert_eq!(a["talkAvgS"], 126, "380 s over 3 talked calls");
    assert_eq!(a["wrapUpS"], 45);
    assert_eq!(a["dialingS"], 4);
    assert_eq!(a["awayS"], 300);
    assert_eq!(a["auxS"]["meal"], 300);
    assert_eq!(a["auxS"]["missed"], 0);
    assert_eq!(a["callsIn"], 2);
    assert_eq!(a["callsOut"], 1);
    let b = &s["stats"]["brand"];
    assert_eq!(b["answered"], 2);
    assert_eq!(b["abandoned"], 0);
    assert_eq!(b["topIn"], 2);
    assert_eq!(b["topOut"], 1);
    assert_eq!(b["totalIn"], 2);
    assert_eq!(b["agentsWorked"], 1);
    assert_eq!(b["avgIn"], 2.0);
    assert_eq!(s["stats"]["date"], "2026-11-23");
    // The desk got the same figures pushed.
    let pushed = kim
        .expect_where("stats", |v| v["agent"]["callsOut"] == 1)
        .await;
    assert_eq!(pushed["agent"]["callsIn"], 2);
}

#[actix_rt::test]
async fn a_state_spanning_midnight_is_split_and_the_new_day_starts_from_zero() {
    let app = spawn_app().await;
    let c = &app.clock;
    c.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono_tz::Asia::Seoul, 2026, 11, 23, 23, 59, 0)
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    c.advance_secs(120); // 00:01 on the 24th
    let (_, s) = app.get("/api/stats/today", Some(&kim.token)).await;
    assert_eq!(s["stats"]["date"], "2026-11-24");
    assert_eq!(
        s["stats"]["agent"]["readyS"], 60,
        "only the part after midnight"
    );
}
