//! PIPA requests: a customer's 열람 요청 exports everything held on them; a 삭제 요청 takes them
//! out of every record (their customer record, numbers and name in consultations, messages and
//! reservations, the search indexes) while the day's counts stay; managers only, audited; a
//! customer on a live call is not erased; another customer's data is untouched.

use crate::helpers::*;
use calldesk::domain::message::{Message, MessageStatus};
use calldesk::store;
use chrono::{Duration, SecondsFormat};
use serde_json::{json, Value};

/// A call from `from` answered by kim, its note saved, hung up and wrapped up: the ticket.
async fn finished_call(app: &TestApp, kim: &mut Desk, from: &str, note: &str) -> String {
    let (call_id, ticket) = app.answered_call(kim, "main", from).await;
    kim.ok(
        json!({"type": "note.save", "ticketId": ticket, "category": "배송",
                  "result": "완료", "content": note}),
    )
    .await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    kim.set("ready").await;
    ticket
}

async fn sent_message(app: &TestApp, to: &str, customer: Option<u64>, body: &str) -> u64 {
    let mut m = Message::queued(1, 1, "김상담".into(), to.into(), app.clock_now());
    m.body = body.into();
    m.customer_id = customer;
    m.status = MessageStatus::Sent;
    app.engine
        .store
        .write(move |tx| store::insert_sent_message(tx, &m))
        .await
        .unwrap()
}

#[actix_rt::test]
async fn an_erasure_removes_the_person_everywhere_and_keeps_the_days_counts() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (s, c) = app
        .post(
            "/api/customers",
            Some(&kim.token),
            json!({"name": "김민준", "phones": ["010-3141-5926", "02-555-1234"],
                   "email": "mj@example.com"}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_u64().unwrap();
    let (_, other) = app
        .post(
            "/api/customers",
            Some(&kim.token),
            json!({"name": "이서연", "phones": ["010-2718-2818"]}),
        )
        .await;
    let other_id = other["id"].as_u64().unwrap();
    app.post(
        &format!("/api/customers/{id}/memos"),
        Some(&kim.token),
        json!({"text": "김민준 고객 VIP, 02-555-1234로 연락 선호"}),
    )
    .await;

    let t1 = finished_call(
        &app,
        &mut kim,
        "010-3141-5926",
        "김민준 고객 배송 문의, 010-3141-5926으로 회신 요청",
    )
    .await;
    // From the second number before anyone linked it: found by the number.
    let t2 = finished_call(&app, &mut kim, "02-555-1234", "사무실 번호로 환불 문의").await;
    let t3 = finished_call(&app, &mut kim, "010-2718-2818", "이서연 고객 교환 문의").await;
    let m1 = sent_message(&app, "01031415926", Some(id), "[하늘몰] 김민준님 배송 안내").await;
    let m2 = sent_message(
        &app,
        "01027182818",
        Some(other_id),
        "[하늘몰] 이서연님 안내",
    )
    .await;
    let when = (app.clock_now() + Duration::hours(3)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let (s, r1) = app
        .post(
            "/api/reservations",
            Some(&kim.token),
            json!({"number": "010-3141-5926", "scheduledAt": when, "customerName": "김민준",
                   "memo": "김민준님 오후 연락"}),
        )
        .await;
    assert_eq!(s, 201, "{r1}");
    let (s, r2) = app
        .post(
            "/api/reservations",
            Some(&kim.token),
            json!({"number": "010-2718-2818", "scheduledAt": when}),
        )
        .await;
    assert_eq!(s, 201, "{r2}");

    // 열람 요청: everything held, as a file.
    let (s, held) = app
        .get(&format!("/api/customers/{id}/export"), Some(&boss))
        .await;
    assert_eq!(s, 200, "{held}");
    assert_eq!(held["customer"]["name"], "김민준");
    let tickets: Vec<&str> = held["consultations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ticketId"].as_str().unwrap())
        .collect();
    assert_eq!(
        tickets,
        vec![t2.as_str(), t1.as_str()],
        "newest first, not t3"
    );
    assert_eq!(held["messages"].as_array().unwrap().len(), 1);
    assert_eq!(held["messages"][0]["id"], m1);
    assert_eq!(held["reservations"].as_array().unwrap().len(), 1);
    assert_eq!(held["memos"].as_array().unwrap().len(), 1);

    let (_, day_before) = app.get("/api/consultations?scope=brand", Some(&boss)).await;
    assert_eq!(day_before["total"], 3);

    // Agents may do neither; a reason is required.
    let (s, _) = app
        .get(&format!("/api/customers/{id}/export"), Some(&kim.token))
        .await;
    assert_eq!(s, 403);
    let (s, _) = app
        .post(
            &format!("/api/customers/{id}/erase"),
            Some(&kim.token),
            json!({"reason": "요청"}),
        )
        .await;
    assert_eq!(s, 403);
    let (s, e) = app
        .post(
            &format!("/api/customers/{id}/erase"),
            Some(&boss),
            json!({"reason": "  "}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["reason"].is_string(), "{e}");

    // 삭제 요청.
    let (s, done) = app
        .post(
            &format!("/api/customers/{id}/erase"),
            Some(&boss),
            json!({"reason": "고객 전화 요청 2026-11-30"}),
        )
        .await;
    assert_eq!(s, 200, "{done}");
    assert_eq!(
        done["erased"],
        json!({"consultations": 2, "messages": 1, "reservations": 1, "memos": 1})
    );

    // The record, its numbers and its search terms are gone.
    let (s, _) = app.get(&format!("/api/customers/{id}"), Some(&boss)).await;
    assert_eq!(s, 404);
    let (_, found) = app
        .get("/api/customers?phone=010-3141-5926", Some(&boss))
        .await;
    assert_eq!(found["items"], json!([]), "{found}");
    let (_, found) = app
        .get(
            &format!("/api/customers?q={}", urlencoding("김민")),
            Some(&boss),
        )
        .await;
    assert_eq!(found["items"], json!([]), "{found}");
    // Consultations stay, without the person: no number, no link, name and number blanked.
    for t in [&t1, &t2] {
        let (_, c) = app
            .get(&format!("/api/consultations/{t}"), Some(&boss))
            .await;
        assert_eq!(c["number"], "", "{c}");
        assert_eq!(c["customerId"], Value::Null);
        let note = c["content"].as_str().unwrap();
        assert!(!note.contains("김민준") && !note.contains("3141"), "{note}");
    }
    let (_, c1) = app
        .get(&format!("/api/consultations/{t1}"), Some(&boss))
        .await;
    assert_eq!(c1["content"], "○○○ 고객 배송 문의, ○○○으로 회신 요청");
    let (_, s1) = app
        .get(
            "/api/consultations/search?number=010-3141-5926",
            Some(&boss),
        )
        .await;
    assert_eq!(s1["items"], json!([]), "the number's postings are gone");
    let (_, s2) = app
        .get(
            &format!("/api/consultations/search?q={}", urlencoding("김민준")),
            Some(&boss),
        )
        .await;
    assert_eq!(s2["items"], json!([]), "the name's postings are gone");
    let (_, day_after) = app.get("/api/consultations?scope=brand", Some(&boss)).await;
    assert_eq!(day_after["total"], 3, "the day's counts stay");
    // The message keeps its count, not the person; the reservation is cancelled and blank.
    let m = app.engine.store.message(1, m1).unwrap().unwrap();
    assert_eq!(m.to, "");
    assert_eq!(m.customer_id, None);
    assert_eq!(m.body, "[하늘몰] ○○○님 배송 안내");
    let resv: Vec<_> = app.engine.store.reservations(1).unwrap();
    let r = resv
        .iter()
        .find(|r| r.id == r1["id"].as_u64().unwrap())
        .unwrap();
    assert_eq!(r.number, "");
    assert_eq!(r.customer_name, None);
    assert_eq!(r.memo, "○○○님 오후 연락");
    assert_eq!(
        r.status,
        calldesk::domain::reservation::ResvStatus::Cancelled
    );

    // Someone else's data is untouched.
    let (_, c3) = app
        .get(&format!("/api/consultations/{t3}"), Some(&boss))
        .await;
    assert_eq!(c3["number"], "01027182818");
    assert_eq!(c3["content"], "이서연 고객 교환 문의");
    let m = app.engine.store.message(1, m2).unwrap().unwrap();
    assert_eq!(m.to, "01027182818");
    let r = resv
        .iter()
        .find(|r| r.id == r2["id"].as_u64().unwrap())
        .unwrap();
    assert_eq!(r.number, "01027182818");
    assert_eq!(r.status, calldesk::domain::reservation::ResvStatus::Pending);
    let (s, _) = app
        .get(&format!("/api/customers/{other_id}"), Some(&boss))
        .await;
    assert_eq!(s, 200);

    // Audited, without the person's data; a second erasure finds nobody.
    let (_, audit) = app.get("/api/admin/audit?kind=customer", Some(&boss)).await;
    let text = audit.to_string();
    assert!(text.contains("customer.erase") && text.contains("customer.access_export"));
    let erase = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "customer.erase")
        .unwrap();
    assert_eq!(erase["detail"]["customer"], id);
    assert!(!erase.to_string().contains("3141"));
    let (s, _) = app
        .post(
            &format!("/api/customers/{id}/erase"),
            Some(&boss),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(s, 404);
}

#[actix_rt::test]
async fn a_customer_on_a_live_call_is_not_erased() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (_, c) = app
        .post(
            "/api/customers",
            Some(&kim.token),
            json!({"name": "박지훈", "phones": ["010-1618-0339"]}),
        )
        .await;
    let id = c["id"].as_u64().unwrap();
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-1618-0339").await;
    let (s, e) = app
        .post(
            &format!("/api/customers/{id}/erase"),
            Some(&boss),
            json!({"reason": "고객 요청"}),
        )
        .await;
    assert_eq!(s, 409, "{e}");
    let (s, _) = app.get(&format!("/api/customers/{id}"), Some(&boss)).await;
    assert_eq!(s, 200, "nothing changed");
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&boss))
        .await;
    assert_eq!(c["number"], "01016180339");
}

/// A finished consultation of `days_ago` (brand 1, kim), with a number, customer and note.
fn old_consultation(
    app: &TestApp,
    days_ago: i64,
    seq: u64,
    customer: u64,
) -> calldesk::domain::model::Consultation {
    use calldesk::domain::model::{CallOutcome, Channel, Consultation};
    let at = app.clock_now() - Duration::days(days_ago);
    let day = calldesk::domain::ledger::local_date(at, chrono_tz::Asia::Seoul);
    Consultation {
        ticket_id: calldesk::domain::ticket::format(day, 9_000 + seq),
        brand_id: 1,
        call_id: 90_000 + seq,
        channel: Channel::In,
        service: "main".into(),
        service_name: "대표".into(),
        number: "01031415926".into(),
        external_id: None,
        agent_id: Some(1),
        agent_name: Some("김상담".into()),
        customer_id: Some(customer),
        arrived_at: at,
        offered_at: Some(at),
        answered_at: Some(at),
        ended_at: Some(at),
        wrap_up_ended_at: Some(at),
        wait_s: 1,
        talk_s: 40,
        wrap_up_s: 5,
        outcome: CallOutcome::Completed,
        category: Some("배송".into()),
        result: Some("완료".into()),
        content: format!("배송 문의 {seq}"),
        updated_at: at,
        updated_by: None,
        reservation_id: None,
        hold_s: 0,
        transferred_from: None,
        transferred_to: None,
    }
}

/// 보존 기간: notes, numbers and message texts past their days are taken out by the sweep,
/// newer ones stay, the records (and so the counts) stay; a second sweep has nothing to do; the
/// settings refuse nonsense.
#[actix_rt::test]
async fn retention_takes_out_what_is_past_its_days_and_keeps_the_records() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let kim = app.login("kim").await;
    let (_, c) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "김민준", "phones": ["010-3141-5926"]}),
        )
        .await;
    let cid = c["id"].as_u64().unwrap();
    // 200, 100, 40 and 10 days old.
    let items: Vec<_> = [200, 100, 40, 10]
        .iter()
        .enumerate()
        .map(|(i, d)| old_consultation(&app, *d, i as u64, cid))
        .collect();
    let batch = items.clone();
    app.engine
        .store
        .write(move |tx| {
            for c in &batch {
                store::insert_consultation(tx, c)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let mut msg_ids = Vec::new();
    for d in [120, 5] {
        let mut m = Message::queued(
            1,
            1,
            "김상담".into(),
            "01031415926".into(),
            app.clock_now() - Duration::days(d),
        );
        m.body = "[하늘몰] 김민준님 안내".into();
        m.customer_id = Some(cid);
        m.status = MessageStatus::Sent;
        msg_ids.push(
            app.engine
                .store
                .write(move |tx| store::insert_sent_message(tx, &m))
                .await
                .unwrap(),
        );
    }

    // Reservations: finished 200 days ago, pending since then, finished 100 days ago.
    let resv = |id: u64, days: i64, status: calldesk::domain::reservation::ResvStatus| {
        calldesk::domain::reservation::Reservation {
            customer_name: Some("김민준".into()),
            customer_id: Some(cid),
            memo: "김민준님 회신".into(),
            updated_at: app.clock_now(),
            ..reservation(
                id,
                "01031415926",
                app.clock_now() - Duration::days(days),
                status,
            )
        }
    };
    {
        use calldesk::domain::reservation::ResvStatus::{Done, Pending};
        app.put_reservations(vec![
            resv(7001, 200, Done),
            resv(7002, 200, Pending),
            resv(7003, 100, Done),
        ])
        .await;
    }

    // Bad settings are refused, field named, nothing stored.
    for bad in [
        json!({"retention": {"notesDays": 3}}),
        json!({"retention": {"notesDays": "forever"}}),
        json!({"retention": {"photosDays": 90}}),
        json!({"retention": 90}),
    ] {
        let (s, e) = app.put("/api/admin/settings", &boss, bad.clone()).await;
        assert_eq!(s, 400, "{bad}: {e}");
        assert!(e["error"]["fields"]["retention"].is_string(), "{e}");
    }
    let (s, set) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"retention": {"notesDays": 90, "callsDays": 180, "messagesDays": 60}}),
        )
        .await;
    assert_eq!(s, 200, "{set}");
    assert_eq!(
        set["retention"],
        json!({"notesDays": 90, "callsDays": 180, "messagesDays": 60})
    );

    let engine = app.engine.clone();
    let swept = actix_web::rt::task::spawn_blocking(move || engine.sweep_retention())
        .await
        .unwrap();
    assert_eq!(swept.len(), 1);
    let s1 = swept[0].1;
    assert_eq!(
        (s1.notes, s1.calls, s1.messages, s1.reservations),
        (2, 1, 1, 1),
        "{s1:?}"
    );
    let resvs = app.engine.store.reservations(1).unwrap();
    let r = |id: u64| resvs.iter().find(|r| r.id == id).unwrap().clone();
    assert_eq!((r(7001).number.as_str(), r(7001).memo.as_str()), ("", ""));
    assert_eq!(r(7001).customer_name, None);
    assert_eq!(r(7002).number, "01031415926", "a pending one is still work");
    assert_eq!(r(7003).number, "01031415926", "within 180 days");

    let get = |t: String| {
        let store = app.engine.store.clone();
        move || store.consultation(&t).unwrap().unwrap()
    };
    let c200 = get(items[0].ticket_id.clone())();
    assert_eq!((c200.content.as_str(), c200.number.as_str()), ("", ""));
    assert_eq!(c200.customer_id, None);
    let c100 = get(items[1].ticket_id.clone())();
    assert_eq!(c100.content, "", "note past 90 days");
    assert_eq!(c100.number, "01031415926", "number kept until 180 days");
    for c in &items[2..] {
        let now = get(c.ticket_id.clone())();
        assert_eq!(now.content, c.content, "newer notes stay");
        assert_eq!(now.number, "01031415926");
    }
    // Still counted, still in the customer's history where linked.
    for c in &items {
        assert_eq!(get(c.ticket_id.clone())().talk_s, 40);
    }
    let (_, hist) = app
        .get(&format!("/api/customers/{cid}/consultations"), Some(&boss))
        .await;
    assert_eq!(hist["total"], 3, "the 200-day-old one is no longer linked");
    let old = app.engine.store.message(1, msg_ids[0]).unwrap().unwrap();
    assert_eq!((old.to.as_str(), old.body.as_str()), ("", ""));
    assert_eq!(old.customer_id, None);
    let new = app.engine.store.message(1, msg_ids[1]).unwrap().unwrap();
    assert_eq!(new.body, "[하늘몰] 김민준님 안내");

    // Nothing left to do; then 60 days later the next ones come of age.
    let engine = app.engine.clone();
    let again = actix_web::rt::task::spawn_blocking(move || engine.sweep_retention())
        .await
        .unwrap();
    assert_eq!(again[0].1, Default::default());
    app.clock.advance_secs(60 * 86_400);
    let engine = app.engine.clone();
    let later = actix_web::rt::task::spawn_blocking(move || engine.sweep_retention())
        .await
        .unwrap();
    assert_eq!(
        (
            later[0].1.notes,
            later[0].1.calls,
            later[0].1.messages,
            later[0].1.reservations
        ),
        (1, 0, 1, 0),
        "the 40-day-old note is now 100 days old, the 5-day-old message 65"
    );
    let boss = app.login("boss").await;
    let (_, audit) = app
        .get(
            "/api/admin/audit?kind=retention&from=2026-11-01",
            Some(&boss),
        )
        .await;
    assert_eq!(audit["items"].as_array().map(Vec::len), Some(2), "{audit}");
}
