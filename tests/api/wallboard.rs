//! The managers' wallboard: a scripted day through the gateway (manual clock) gives every
//! service figure exactly — service level with short abandons, rates, ASA, AHT, intervals —;
//! the board is pushed to a watching manager and refused to agents; it survives a restart.

use crate::helpers::*;
use calldesk::domain::clock::ManualClock;
use serde_json::{json, Value};

async fn hang_up(app: &TestApp, call: u64) {
    let (s, _) = app
        .telephony(&format!("/api/telephony/calls/{call}/hangup"), json!({}))
        .await;
    assert_eq!(s, 200, "caller hangs up");
}

fn service<'a>(board: &'a Value, code: &str) -> &'a Value {
    board["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("service {code} on the board: {board}"))
}

/// Main: A answered after 8 s (in SL; talk 100 + wrap 20), B after 25 s (outside; talk 60 +
/// wrap 10), C hung up waiting after 3 s (short), D after 30 s waiting, E after 12 s ringing.
/// Order: F answered after 2 s (talk 30, no wrap-up).
async fn scripted_day(app: &TestApp) -> (Desk, Desk, Desk) {
    let c = &app.clock;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    let mut park = app.desk("park").await;
    kim.set("ready").await;
    // A
    let (a, _) = app.call_in("main", "010-2000-0001").await;
    kim.expect("call.offered").await;
    c.advance_secs(8);
    kim.ok(json!({"type": "call.answer", "callId": a})).await;
    c.advance_secs(100);
    hang_up(app, a).await;
    kim.expect_status("wrap_up").await;
    c.advance_secs(20);
    kim.ok(json!({"type": "wrapup.done"})).await;
    kim.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
        .await;
    // B
    lee.set("ready").await;
    let (b, _) = app.call_in("main", "010-2000-0002").await;
    lee.expect("call.offered").await;
    c.advance_secs(25);
    lee.ok(json!({"type": "call.answer", "callId": b})).await;
    c.advance_secs(60);
    lee.ok(json!({"type": "call.hangup", "callId": b})).await;
    lee.expect_status("wrap_up").await;
    c.advance_secs(10);
    lee.ok(json!({"type": "wrapup.done"})).await;
    lee.ok(json!({"type": "status.set", "status": "aux", "reason": "rest"}))
        .await;
    // C and D wait with nobody ready.
    let (cc, _) = app.call_in("main", "010-2000-0003").await;
    c.advance_secs(3);
    hang_up(app, cc).await;
    let (d, _) = app.call_in("main", "010-2000-0004").await;
    c.advance_secs(30);
    hang_up(app, d).await;
    // E rings at Kim and the caller gives up.
    kim.set("ready").await;
    let (e, _) = app.call_in("main", "010-2000-0005").await;
    kim.expect_where("call.offered", |v| v["callId"] == e).await;
    c.advance_secs(12);
    hang_up(app, e).await;
    kim.expect_where("call.ended", |v| v["callId"] == e).await;
    kim.ok(json!({"type": "status.set", "status": "aux", "reason": "meal"}))
        .await;
    // F on order: Park is the one ready.
    park.set("ready").await;
    let (f, _) = app.call_in("order", "010-2000-0006").await;
    park.expect("call.offered").await;
    c.advance_secs(2);
    park.ok(json!({"type": "call.answer", "callId": f})).await;
    c.advance_secs(30);
    park.ok(json!({"type": "call.hangup", "callId": f})).await;
    park.expect_status("wrap_up").await;
    park.ok(json!({"type": "wrapup.done"})).await;
    settle().await;
    (kim, lee, park)
}

fn check_day(board: &Value) {
    let m = service(board, "main");
    assert_eq!(m["offered"], 5, "{m}");
    assert_eq!(m["answered"], 2);
    assert_eq!(m["abandoned"], 2, "D waiting 30 s, E ringing 12 s");
    assert_eq!(m["shortAbandoned"], 1, "C after 3 s (< 5 s)");
    assert_eq!(m["answeredInSl"], 1, "A within 20 s");
    assert_eq!(m["serviceLevel"], 25.0, "1 ÷ (2 answered + 2 abandoned)");
    assert_eq!(m["answerRate"], 50.0);
    assert_eq!(m["abandonRate"], 50.0);
    assert_eq!(m["asaS"], 16.5, "(8 + 25) ÷ 2");
    assert_eq!(m["ahtS"], 95.0, "(120 + 70) ÷ 2");
    assert_eq!(m["waitAnsweredMs"], 33_000);
    assert_eq!(m["handleS"], 190);
    assert_eq!(
        m["waitBuckets"],
        json!([1, 0, 1, 0, 0]),
        "8 s → < 10; 25 s → < 30"
    );
    assert_eq!(m["serviceLevelS"], 20);
    assert_eq!(m["shortAbandonS"], 5);
    assert_eq!(m["slTargetPct"], 80);
    let o = service(board, "order");
    assert_eq!(
        (
            &o["offered"],
            &o["answered"],
            &o["serviceLevel"],
            &o["asaS"],
            &o["ahtS"]
        ),
        (
            &json!(1),
            &json!(1),
            &json!(100.0),
            &json!(2.0),
            &json!(30.0)
        )
    );
    // Everything arrived between 09:00 and 09:30 (slot 18).
    let slots = board["intervals"].as_array().unwrap();
    assert_eq!(slots.len(), 1, "{slots:?}");
    assert_eq!(slots[0]["start"], "09:00");
    assert_eq!(slots[0]["offered"], 6);
    assert_eq!(slots[0]["answered"], 3);
    assert_eq!(slots[0]["abandoned"], 2);
    assert_eq!(slots[0]["shortAbandoned"], 1);
    assert_eq!(slots[0]["serviceLevel"], 40.0, "2 in SL ÷ (3 + 2)");
}

#[actix_rt::test]
async fn a_scripted_day_gives_every_service_figure_exactly() {
    let app = spawn_app().await;
    let boss_token = app.login("boss").await;
    let (kim, _lee, _park) = scripted_day(&app).await;
    let (s, board) = app.get("/api/wallboard", Some(&boss_token)).await;
    assert_eq!(s, 200);
    check_day(&board);
    // Agents' rows: today's calls and states.
    let row = board["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["login"] == "kim")
        .unwrap()
        .clone();
    assert_eq!(row["id"], 1);
    assert_eq!(row["callsIn"], 1, "A (E rang but was not answered)");
    assert_eq!(row["talkS"], 100);
    assert_eq!(row["wrapUpS"], 20);
    assert_eq!(row["status"], "aux");
    assert_eq!(row["reason"], "meal");
    // Agents may not see it.
    let (s, v) = app.get("/api/wallboard", Some(&kim.token)).await;
    assert_eq!(s, 403);
    assert_eq!(v["error"]["code"], "forbidden");
}

#[actix_rt::test]
async fn the_board_is_pushed_to_a_watching_manager_and_refused_to_agents() {
    let app = spawn_app().await;
    let mut boss = app.desk("boss").await;
    boss.ok(json!({"type": "wallboard.watch"})).await;
    let first = boss.expect("wallboard").await;
    assert_eq!(first["full"], true);
    assert_eq!(first["services"].as_array().unwrap().len(), 2);
    assert!(first["agents"].as_array().unwrap().len() >= 4);
    let mut kim = app.desk("kim").await;
    let refused = kim.request(json!({"type": "wallboard.watch"})).await;
    assert_eq!(refused["type"], "error");
    assert_eq!(refused["code"], "forbidden");
    // Kim goes ready and takes a call: her row and main's tile change on the board.
    kim.set("ready").await;
    let changed = boss
        .expect_where("wallboard", |v| {
            v["agents"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|r| r["login"] == "kim" && r["status"] == "ready")
            })
        })
        .await;
    assert_eq!(changed["full"], false);
    let (call, _) = app.call_in("main", "010-3000-0001").await;
    kim.expect("call.offered").await;
    let on = boss
        .expect_where("wallboard", |v| {
            v["agents"].as_array().is_some_and(|a| {
                a.iter()
                    .any(|r| r["login"] == "kim" && r["call"]["service"] == "main")
            })
        })
        .await;
    assert_eq!(on["full"], false);
    kim.ok(json!({"type": "call.answer", "callId": call})).await;
    let tile = boss
        .expect_where("wallboard", |v| {
            v["services"]
                .as_array()
                .is_some_and(|s| s.iter().any(|t| t["code"] == "main" && t["answered"] == 1))
        })
        .await;
    assert_eq!(service(&tile, "main")["offered"], 1);
    // Unwatched: no more boards.
    boss.ok(json!({"type": "wallboard.unwatch"})).await;
    boss.drain(std::time::Duration::from_millis(400)).await;
    kim.ok(json!({"type": "call.hangup", "callId": call})).await;
    assert!(
        !boss
            .sees_within("wallboard", std::time::Duration::from_millis(800))
            .await
    );
}

#[actix_rt::test]
async fn the_days_figures_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let clock = ManualClock::new(morning());
    let before = life({
        let (path, clock) = (path.clone(), clock.clone());
        move || {
            Box::pin(async move {
                let app = spawn_app_with(Opts {
                    data_dir: Some(path),
                    clock: Some(clock),
                    ..Default::default()
                })
                .await;
                let boss = app.login("boss").await;
                let _desks = scripted_day(&app).await;
                let (_, board) = app.get("/api/wallboard", Some(&boss)).await;
                app.stop().await;
                board
            })
        }
    });
    check_day(&before);
    let after = life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(path),
                clock: Some(clock),
                seed: false,
                ..Default::default()
            })
            .await;
            let boss = app.login("boss").await;
            let (_, board) = app.get("/api/wallboard", Some(&boss)).await;
            board
        })
    });
    check_day(&after);
}

#[actix_rt::test]
async fn the_daily_report_counts_the_same_day_by_service_and_by_agent_in_json_csv_and_xlsx() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (kim, _lee, _park) = scripted_day(&app).await;
    let (s, r) = app.get("/api/reports/daily?by=service", Some(&boss)).await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["date"], "2026-11-23");
    // The report's rows are the board's services (same definitions, same sums).
    let board = json!({"services": r["rows"], "intervals": r["intervals"]});
    check_day(&board);
    assert_eq!(r["total"]["offered"], 6);
    assert_eq!(r["total"]["serviceLevel"], 40.0);
    // CSV: Korean headers with the keys, one row per service and a total.
    let res = client()
        .get(app.url("/api/reports/daily?by=service&format=csv&date=2026-11-23"))
        .insert_header(("Authorization", format!("Bearer {boss}")))
        .send()
        .await;
    let mut res = res.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body = res.body().await.unwrap();
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("서비스 코드(code),서비스(name),인입(offered)"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("서비스레벨(%)(serviceLevel)"));
    assert_eq!(
        lines[1],
        "main,대표번호,5,2,2,1,1,25.0,50.0,50.0,16.5,95.0,1,0,1,0,0"
    );
    assert_eq!(
        lines[3],
        ",전체,6,3,2,1,2,40.0,60.0,40.0,11.7,73.3,2,0,1,0,0"
    );
    // xlsx: the same table, read back.
    let mut res = client()
        .get(app.url("/api/reports/daily?by=service&format=xlsx"))
        .insert_header(("Authorization", format!("Bearer {boss}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let bytes = res.body().limit(1 << 22).await.unwrap().to_vec();
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = wb.worksheet_range("서비스별").unwrap();
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|v| v.to_string());
    assert_eq!(cell(0, 5).as_deref(), Some("단순포기"));
    assert_eq!(cell(1, 1).as_deref(), Some("대표번호"));
    assert_eq!(cell(1, 2).as_deref(), Some("5"));
    assert_eq!(cell(1, 7).as_deref(), Some("25"));
    assert!(wb.worksheet_range("30분 간격").is_ok());
    // By agent: Kim's day.
    let (s, r) = app.get("/api/reports/daily?by=agent", Some(&boss)).await;
    assert_eq!(s, 200);
    let k = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["login"] == "kim")
        .unwrap();
    assert_eq!(k["figures"]["callsIn"], 1);
    assert_eq!(k["figures"]["talkTotalS"], 100);
    assert_eq!(k["figures"]["wrapUpS"], 20);
    // Refusals.
    for (q, code) in [
        ("by=team", 400),
        ("format=pdf", 400),
        ("date=2026-13-01", 400),
        ("date=2030-01-01", 400),
        ("colour=red", 400),
    ] {
        let (s, v) = app
            .get(&format!("/api/reports/daily?{q}"), Some(&boss))
            .await;
        assert_eq!(s, code, "{q}: {v}");
        assert!(v["error"]["message"].is_string());
    }
    let (s, _) = app.get("/api/reports/daily", Some(&kim.token)).await;
    assert_eq!(s, 403);
}

#[actix_rt::test]
async fn colour_thresholds_are_brand_settings_checked_and_on_the_board() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (_, b) = app.get("/api/wallboard", Some(&boss)).await;
    assert_eq!(b["settings"]["answerRateGreen"], 85, "Korean default bands");
    assert_eq!(b["settings"]["answerRateYellow"], 70);
    let (s, v) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"wallboard": {"answerRateGreen": 90, "answerRateYellow": 80, "waitingWarn": 3,
                                 "longestWaitWarnS": 30, "auxWarnMin": 10}}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let (_, b) = app.get("/api/wallboard", Some(&boss)).await;
    assert_eq!(b["settings"]["answerRateGreen"], 90);
    assert_eq!(b["settings"]["auxWarnMin"], 10);
    let (s, v) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"wallboard": {"answerRateGreen": 60, "answerRateYellow": 70}}),
        )
        .await;
    assert_eq!(s, 400, "yellow above green");
    assert!(v["error"]["fields"].to_string().contains("wallboard"));
    let (_, b) = app.get("/api/wallboard", Some(&boss)).await;
    assert_eq!(
        b["settings"]["answerRateGreen"], 90,
        "a refused form changes nothing"
    );
}

#[actix_rt::test]
async fn a_desk_gone_quiet_shows_stale_on_its_row_before_it_times_out() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let kim = app.desk("kim").await;
    let row = |b: &Value| {
        b["agents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["login"] == "kim")
            .unwrap()
            .clone()
    };
    let (_, b) = app.get("/api/wallboard", Some(&boss)).await;
    assert_eq!(row(&b)["stale"], false, "just connected");
    // Kim's desk says nothing (no frames, no pongs) for longer than the stale mark.
    actix_rt::time::sleep(std::time::Duration::from_millis(
        calldesk::engine::wallboard::STALE_MS + 1_500,
    ))
    .await;
    let (_, b) = app.get("/api/wallboard", Some(&boss)).await;
    assert_eq!(row(&b)["stale"], true, "quiet for over 8 s");
    assert!(
        app.engine.registry.has_sessions(1),
        "not yet dropped (that is at 20 s)"
    );
    drop(kim);
}
