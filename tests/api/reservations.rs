//! Reservations: booking rules, click-to-call completing by the note, max attempts, the
//! double-dial race, a callback's owner window, quiet hours for 대량, do-not-call, and the audit
//! of people's bookings, edits and cancels.

use crate::helpers::*;
use chrono::{Duration, SecondsFormat};
use serde_json::{json, Value};

fn at(app: &TestApp, minutes: i64) -> String {
    (app.clock_now() + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn book(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.post("/api/reservations", Some(token), body).await
}

#[actix_rt::test]
async fn booking_refuses_the_past_and_marketing_by_agents_and_pushes_the_summary() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    assert_eq!(kim.hello["snapshot"]["reservations"]["total"], 0);
    let (s, e) = book(
        &app,
        &kim.token,
        json!({"number": "010-1111-2222", "scheduledAt": at(&app, -10)}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["scheduledAt"]
        .as_str()
        .unwrap()
        .contains("지난"));
    let (s, e) = book(
        &app,
        &kim.token,
        json!({"number": "010-1111-2222", "scheduledAt": at(&app, 10), "type": "bulk"}),
    )
    .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["type"].is_string());
    let (s, r) = book(&app, &kim.token, json!({"number": "010-9999-8888", "scheduledAt": at(&app, 30), "memo": "배송 확인 후 연락"})).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["type"], "direct");
    assert_eq!(r["ownerId"], 1);
    assert_eq!(
        r["customerName"], "홍길동",
        "the customer is found by number"
    );
    let pushed = kim.expect_where("reservations", |v| v["total"] == 1).await;
    assert_eq!(pushed["direct"], 1);
    assert_eq!(pushed["items"][0]["memo"], "배송 확인 후 연락");
    let (_, list) = app
        .get("/api/reservations?status=pending", Some(&kim.token))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let lee = app.login("lee").await;
    let id = r["id"].as_u64().unwrap();
    let (s, _) = app
        .post(
            &format!("/api/reservations/{id}/cancel"),
            Some(&lee),
            json!({}),
        )
        .await;
    assert_eq!(s, 403, "not lee's");
    let (s, c) = app
        .post(
            &format!("/api/reservations/{id}/cancel"),
            Some(&kim.token),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(c["status"], "cancelled");
    kim.expect_where("reservations", |v| v["total"] == 0).await;
}

#[actix_rt::test]
async fn booking_editing_and_cancelling_are_audited_and_a_refused_change_is_not() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let lee = app.login("lee").await;
    let boss = app.login("boss").await;
    let (s, r) = book(
        &app,
        &kim,
        json!({"number": "010-9999-8888", "scheduledAt": at(&app, 30)}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    let path = format!("/api/reservations/{id}");
    let (s, _) = app.put(&path, &lee, json!({"memo": "남의 예약"})).await;
    assert_eq!(s, 403, "not lee's");
    let (s, e) = app
        .put(&path, &kim, json!({"memo": "오후 3시 이후 통화 희망"}))
        .await;
    assert_eq!(s, 200, "{e}");
    let (s, c) = app
        .post(&format!("{path}/cancel"), Some(&kim), json!({}))
        .await;
    assert_eq!(s, 200, "{c}");
    let (s, log) = app
        .get("/api/admin/audit?kind=reservation", Some(&boss))
        .await;
    assert_eq!(s, 200, "{log}");
    let rows: Vec<(String, String, u64)> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_string(),
                e["byName"].as_str().unwrap().to_string(),
                e["detail"]["reservation"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("reservation.create".into(), "김상담".into(), id),
            ("reservation.update".into(), "김상담".into(), id),
            ("reservation.cancel".into(), "김상담".into(), id),
        ],
        "lee's refused edit is not in the log"
    );
}

#[actix_rt::test]
async fn click_to_call_dials_the_reservation_and_saving_the_note_completes_it() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let (_, r) = book(
        &app,
        &kim.token,
        json!({"number": "010-9999-8888", "scheduledAt": at(&app, 5)}),
    )
    .await;
    let id = r["id"].as_u64().unwrap();
    // The booking shows in 예약 현황 first (what the agent clicks).
    kim.expect_where("reservations", |v| v["total"] == 1).await;
    let ack = kim
        .ok(json!({"type": "call.dial", "number": "", "reservationId": id.to_string()}))
        .await;
    let call_id = ack["data"]["callId"].as_u64().unwrap();
    let ticket = ack["data"]["ticketId"].as_str().unwrap().to_string();
    let offered = kim.expect("call.offered").await;
    assert_eq!(offered["from"], "01099998888");
    assert_eq!(offered["customer"]["name"], "홍길동");
    app.telephony(
        &format!("/api/telephony/calls/{call_id}/answered"),
        json!({}),
    )
    .await;
    kim.expect_status("on_call").await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "예약 통화 완료"}))
        .await;
    kim.expect_where("reservations", |v| v["total"] == 0).await;
    let (_, list) = app
        .get("/api/reservations?status=done", Some(&kim.token))
        .await;
    let done = &list["items"][0];
    assert_eq!(done["ticketId"], ticket.as_str());
    assert_eq!(done["attempts"][0]["result"], "connected");
}

#[actix_rt::test]
async fn three_failed_attempts_fail_the_reservation() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let (_, r) = book(
        &app,
        &kim.token,
        json!({"number": "02-555-1234", "scheduledAt": at(&app, 5)}),
    )
    .await;
    let id = r["id"].as_u64().unwrap();
    for n in 1..=3 {
        let ack = kim
            .ok(json!({"type": "call.dial", "number": "", "reservationId": id.to_string()}))
            .await;
        let call_id = ack["data"]["callId"].as_u64().unwrap();
        app.telephony(
            &format!("/api/telephony/calls/{call_id}/failed"),
            json!({"reason": "no_answer"}),
        )
        .await;
        kim.expect_where("call.ended", |v| v["callId"] == call_id)
            .await;
        kim.ok(json!({"type": "wrapup.done"})).await;
        settle().await;
        let (_, list) = app.get("/api/reservations", Some(&kim.token)).await;
        let status = list["items"][0]["status"].as_str().unwrap().to_string();
        assert_eq!(
            status,
            if n < 3 { "pending" } else { "failed" },
            "after attempt {n}"
        );
    }
    let e = kim
        .request(json!({"type": "call.dial", "number": "", "reservationId": id.to_string()}))
        .await;
    assert_eq!(e["code"], "conflict");
}

#[actix_rt::test]
async fn two_agents_never_dial_the_same_pool_reservation() {
    let app = spawn_app().await;
    // Nobody is logged in: the callback goes to the service's pool.
    let (s, cb) = app
        .telephony(
            "/api/telephony/callbacks",
            json!({"service": "main", "from": "010-4444-1111"}),
        )
        .await;
    assert_eq!(s, 201, "{cb}");
    assert!(cb["ownerId"].is_null());
    let id = cb["reservationId"].as_u64().unwrap().to_string();
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    assert_eq!(kim.hello["snapshot"]["reservations"]["callback"], 1);
    assert_eq!(lee.hello["snapshot"]["reservations"]["callback"], 1);
    let dial = json!({"type": "call.dial", "number": "", "reservationId": id});
    let (a, b) = futures_util::join!(kim.request(dial.clone()), lee.request(dial.clone()));
    let kinds = [a["type"].as_str().unwrap(), b["type"].as_str().unwrap()];
    assert!(
        kinds.contains(&"ack") && kinds.contains(&"error"),
        "{a} / {b}"
    );
    let loser = if a["type"] == "error" { &a } else { &b };
    assert_eq!(loser["code"], "conflict");
}

#[actix_rt::test]
async fn a_callback_owner_keeps_it_for_the_window_then_the_pool_may_take_it() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    kim.set("ready").await;
    let (_, cb) = app
        .telephony(
            "/api/telephony/callbacks",
            json!({"service": "main", "from": "010-4444-2222"}),
        )
        .await;
    let owner = cb["ownerId"].as_u64().unwrap();
    assert!(owner == 1 || owner == 2);
    let id = cb["reservationId"].as_u64().unwrap().to_string();
    let other = if owner == 1 { &mut lee } else { &mut kim };
    let e = other
        .request(json!({"type": "call.dial", "number": "", "reservationId": id}))
        .await;
    assert_eq!(e["code"], "conflict", "the owner's window");
    app.clock.advance_secs(31 * 60);
    other
        .ok(json!({"type": "call.dial", "number": "", "reservationId": id}))
        .await;
}

#[actix_rt::test]
async fn bulk_reservations_are_not_dialed_in_quiet_hours() {
    let app = spawn_app().await;
    app.clock.set(
        chrono::TimeZone::with_ymd_and_hms(&chrono_tz::Asia::Seoul, 2026, 11, 23, 21, 30, 0)
            .unwrap()
            .with_timezone(&chrono::Utc),
    );
    let boss = app.login("boss").await;
    let (s, r) = book(&app, &boss, json!({"number": "010-5555-1234", "scheduledAt": at(&app, 5), "type": "bulk", "ownerId": 1})).await;
    assert_eq!(s, 201, "{r}");
    let mut kim = app.desk("kim").await;
    let e = kim
        .request(json!({"type": "call.dial", "number": "", "reservationId": r["id"].as_u64().unwrap().to_string()}))
        .await;
    assert_eq!(e["code"], "conflict");
    assert!(e["message"].as_str().unwrap().contains("야간"));
    let (_, me) = app.get("/api/me", Some(&kim.token)).await;
    assert_eq!(me["status"]["status"], "preparing", "nothing was dialed");
}

#[actix_rt::test]
async fn a_number_on_the_do_not_call_list_is_never_dialed() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    let (s, _) = app
        .post(
            "/api/dnc",
            Some(&kim.token),
            json!({"number": "010-6666-7777", "reason": "x"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .post(
            "/api/dnc",
            Some(&boss),
            json!({"number": "010-6666-7777", "reason": "수신거부 요청"}),
        )
        .await;
    assert_eq!(s, 201);
    let e = kim
        .request(json!({"type": "call.dial", "number": "01066667777"}))
        .await;
    assert_eq!(e["code"], "forbidden");
    assert!(e["message"].as_str().unwrap().contains("수신거부"));
    kim.ok(json!({"type": "call.dial", "number": "010-6666-7778"}))
        .await;
}

/// A finished list reads through the time index: a day's list holds that day's reservations
/// (following a reschedule), a status without a day the last 31 days and ahead, and the
/// default (no status) every pending one whatever its age.
#[actix_rt::test]
async fn lists_of_finished_reservations_read_by_day_and_recent_weeks() {
    use calldesk::domain::reservation::{Reservation, ResvStatus};
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let now = app.clock_now();
    let make = |id: u64, days: i64, status: ResvStatus| Reservation {
        created_at: now + Duration::days(days.min(0)),
        updated_at: now,
        ..reservation(
            id,
            &format!("0107000{id:04}"),
            now + Duration::days(days),
            status,
        )
    };
    let rows = vec![
        make(9001, -90, ResvStatus::Done),
        make(9002, -10, ResvStatus::Done),
        make(9003, -10, ResvStatus::Failed),
        make(9004, -60, ResvStatus::Pending),
        make(9005, 2, ResvStatus::Pending),
    ];
    app.put_reservations(rows).await;
    let ids = |v: &Value| -> Vec<u64> {
        let mut ids: Vec<u64> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        ids.sort();
        ids
    };
    let day = |days: i64| {
        calldesk::domain::ledger::local_date(now + Duration::days(days), chrono_tz::Asia::Seoul)
    };
    let (s, done) = app
        .get("/api/reservations?mine=false&status=done", Some(&boss))
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(ids(&done), vec![9002], "the last 31 days, not 90 days back");
    let (_, old) = app
        .get(
            &format!("/api/reservations?mine=false&status=done&date={}", day(-90)),
            Some(&boss),
        )
        .await;
    assert_eq!(ids(&old), vec![9001], "any day asked for");
    let (_, all) = app.get("/api/reservations?mine=false", Some(&boss)).await;
    assert_eq!(
        ids(&all),
        vec![9002, 9003, 9004, 9005],
        "every pending one, however old"
    );
    // Rescheduled: the day lists follow.
    let (s, e) = app
        .put(
            "/api/reservations/9005",
            &boss,
            json!({"scheduledAt": (now + Duration::days(5)).to_rfc3339_opts(SecondsFormat::Secs, true)}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    let (_, d2) = app
        .get(
            &format!("/api/reservations?mine=false&date={}", day(2)),
            Some(&boss),
        )
        .await;
    assert_eq!(ids(&d2), Vec::<u64>::new());
    let (_, d5) = app
        .get(
            &format!("/api/reservations?mine=false&date={}", day(5)),
            Some(&boss),
        )
        .await;
    assert_eq!(ids(&d5), vec![9005]);
    // Finished through the engine's path: it leaves the pending index.
    app.engine
        .store
        .write(|tx| {
            calldesk::store::update_reservation(tx, 1, 9004, |r| {
                r.status = ResvStatus::Done;
                Ok(())
            })
        })
        .await
        .unwrap();
    let pending: Vec<u64> = app
        .engine
        .store
        .pending_reservations(1)
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect();
    assert!(!pending.contains(&9004), "{pending:?}");
    assert!(pending.contains(&9005));
}

/// A service pool of thousands (a bulk import) is not sent to desks whole: 예약 현황 carries the
/// soonest `VIEW_ITEMS` with the counts of all, `hello` stays under 16 KiB, and a change goes
/// only to the desks whose view it changes.
#[actix_rt::test]
async fn a_big_pool_is_sent_as_its_soonest_items_with_every_count_and_only_where_it_changes() {
    use calldesk::domain::reservation::{Reservation, ResvStatus, ResvType};
    let app = spawn_app().await;
    let now = app.clock_now();
    // Ids clear of the store's own counter (the booking below takes the next one).
    let rows: Vec<Reservation> = (1..=3_000u64)
        .map(|i| Reservation {
            rtype: ResvType::Bulk,
            owner_id: None,
            created_by: None,
            ..reservation(
                100_000 + i,
                &format!("010{:08}", 20_000_000 + i),
                now + Duration::minutes(10 + (3_000 - i) as i64),
                ResvStatus::Pending,
            )
        })
        .collect();
    app.put_reservations(rows).await;
    let mut kim = app.desk("kim").await;
    let mut lee = app.desk("lee").await;
    let mut park = app.desk("park").await;
    let view = &kim.hello["snapshot"]["reservations"];
    assert_eq!(view["total"], 3_000);
    assert_eq!(view["bulk"], 3_000);
    let items = view["items"].as_array().unwrap();
    assert_eq!(items.len(), calldesk::engine::reservations::VIEW_ITEMS);
    let ids: Vec<u64> = items.iter().map(|r| r["id"].as_u64().unwrap()).collect();
    assert_eq!(ids[..3], [103_000, 102_999, 102_998], "soonest first");
    let hello_bytes = kim.hello.to_string().len();
    assert!(hello_bytes < 16 * 1024, "hello is {hello_bytes} bytes");
    assert_eq!(
        park.hello["snapshot"]["reservations"]["total"], 0,
        "park serves no main"
    );
    // Lee books one of his own: his view changes; Kim's and Park's do not.
    let (s, r) = book(
        &app,
        &lee.token,
        json!({"number": "010-1212-3434", "scheduledAt": at(&app, 5)}),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    let frame = lee
        .expect_where("reservations", |v| v["total"] == 3_001)
        .await;
    assert_eq!(frame["direct"], 1);
    assert_eq!(frame["items"][0]["id"], r["id"], "his own, soonest, first");
    assert_eq!(
        frame["items"].as_array().unwrap().len(),
        calldesk::engine::reservations::VIEW_ITEMS
    );
    let wait = std::time::Duration::from_millis(600);
    assert!(
        !kim.sees_within("reservations", wait).await,
        "kim's view did not change"
    );
    assert!(
        !park.sees_within("reservations", wait).await,
        "park's view did not change"
    );
}
