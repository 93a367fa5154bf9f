//! Data at volume: the customer search through its index (name parts, number fragments, e-mail,
//! following every edit, brand-bound, capped with `more`), a customer's history a page at a
//! time, and searches that keep off the threads desks' sockets run on.

use crate::helpers::*;
use calldesk::domain::model::Customer;
use calldesk::store;
use serde_json::json;
use std::time::{Duration, Instant};

fn customer(id: u64, brand: u32, name: &str, phone: &str) -> Customer {
    Customer {
        id,
        brand_id: brand,
        name: name.into(),
        phone: phone.into(),
        phones: vec![],
        email: None,
        birth_date: None,
        blacklisted: false,
        blacklist_reason: None,
        memo: String::new(),
        updated_at: None,
    }
}

/// `n` customers of brand 1 named 김민준0…, 이서연1…, numbers 0107000xxxx.
async fn many(app: &TestApp, n: u64) {
    app.engine
        .store
        .write(move |tx| {
            for i in 0..n {
                let name = format!("{}{i}", ["김민준", "이서연", "박지훈"][i as usize % 3]);
                store::put_customer(tx, &customer(100_000 + i, 1, &name, &format!("0107{i:07}")))?;
            }
            Ok(())
        })
        .await
        .unwrap();
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

#[actix_rt::test]
async fn the_search_finds_korean_name_parts_number_fragments_and_emails_and_follows_edits() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (_, c) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "김민준", "phones": ["010-3141-5926"], "email": "MJ.Kim@Example.com"}),
        )
        .await;
    let id = c["id"].as_u64().unwrap();
    for q in [
        "김민",
        "민준",
        "김민준",
        "준",
        "5926",
        "314",
        "01031415926",
        "mj.kim@",
        "mj.k",
    ] {
        let (s, found) = app
            .get(&format!("/api/customers?q={}", urlencoding(q)), Some(&kim))
            .await;
        assert_eq!(s, 200);
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id),
            "{q} finds 김민준: {found}"
        );
    }
    // Not found by what it does not hold.
    for q in ["민수", "9999", "kim@"] {
        let (_, found) = app
            .get(&format!("/api/customers?q={}", urlencoding(q)), Some(&kim))
            .await;
        assert!(
            !found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id),
            "{q}: {found}"
        );
    }
    // A rename and a new number: found by the new, not by the old.
    let (s, body) = app
        .put(
            &format!("/api/customers/{id}"),
            &kim,
            json!({"name": "김서윤", "phones": ["010-2718-2818"], "email": null}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    let (_, old) = app
        .get("/api/customers?q=%EB%AF%BC%EC%A4%80", Some(&kim))
        .await; // 민준
    assert!(!old["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id));
    let (_, old_no) = app.get("/api/customers?q=5926", Some(&kim)).await;
    assert!(!old_no["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == id));
    let (_, new) = app.get("/api/customers?q=2818", Some(&kim)).await;
    assert_eq!(new["items"][0]["id"], id);
    // Another brand's agent finds nothing of brand 1.
    let choi = app.login("choi").await;
    let (_, other) = app.get("/api/customers?q=2818", Some(&choi)).await;
    assert_eq!(other["items"], json!([]));
}

#[actix_rt::test]
async fn a_broad_search_is_capped_with_more_and_numbers_are_masked_for_limited_viewers() {
    let app = spawn_app().await;
    many(&app, 300).await;
    let kim = app.login("kim").await;
    let boss = app.login("boss").await;
    let (_, found) = app
        .get("/api/customers?q=%EA%B9%80%EB%AF%BC", Some(&boss))
        .await; // 김민
    let got = names(&found);
    assert_eq!(got.len(), 50, "{found}");
    assert_eq!(found["more"], true);
    assert!(got.iter().all(|n| n.contains("김민")), "{got:?}");
    let (_, exact) = app
        .get(
            "/api/customers?q=%EA%B9%80%EB%AF%BC%EC%A4%80297",
            Some(&boss),
        )
        .await; // 김민준297
    assert_eq!(names(&exact), ["김민준297"]);
    assert_eq!(exact["more"], false);
    // An agent without full view sees masked numbers.
    let (_, by_no) = app.get("/api/customers?q=01070000297", Some(&kim)).await;
    let phone = by_no["items"][0]["phone"].as_str().unwrap();
    let (_, full) = app.get("/api/customers?q=01070000297", Some(&boss)).await;
    assert_eq!(full["items"][0]["phone"], "01070000297");
    assert_ne!(phone, "01070000297", "kim sees it masked: {phone}");
}

#[actix_rt::test]
async fn a_customers_history_comes_a_page_at_a_time_newest_first() {
    let app = spawn_app().await;
    let mut desk = app.desk("kim").await;
    desk.set("ready").await;
    let (_, c) = app
        .post(
            "/api/customers",
            Some(&desk.token),
            json!({"name": "한가람", "phones": ["010-4444-5555"]}),
        )
        .await;
    let id = c["id"].as_u64().unwrap();
    let mut tickets = Vec::new();
    for _ in 0..5 {
        let (call, ticket) = app.answered_call(&mut desk, "main", "01044445555").await;
        desk.ok(json!({"type": "call.hangup", "callId": call}))
            .await;
        desk.ok(json!({"type": "wrapup.done"})).await;
        desk.set("ready").await;
        tickets.push(ticket);
    }
    tickets.reverse();
    let path = format!("/api/customers/{id}/consultations");
    let (_, p1) = app.get(&format!("{path}?limit=2"), Some(&desk.token)).await;
    assert_eq!(p1["total"], 5);
    let t = |v: &serde_json::Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ticketId"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(t(&p1), tickets[..2]);
    let next = p1["next"].as_str().unwrap();
    let (_, p2) = app
        .get(&format!("{path}?limit=2&before={next}"), Some(&desk.token))
        .await;
    assert_eq!(t(&p2), tickets[2..4]);
    let (_, p3) = app
        .get(
            &format!("{path}?limit=2&before={}", p2["next"].as_str().unwrap()),
            Some(&desk.token),
        )
        .await;
    assert_eq!(t(&p3), tickets[4..]);
    assert_eq!(p3["next"], json!(null));
    let (s, body) = app.get(&format!("{path}?limit=0"), Some(&desk.token)).await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["limit"].is_string(), "{body}");
}

/// Six search boxes typing at once must not hold up the desks: a search runs on the blocking
/// pool, so the sockets' threads keep answering pings.
#[actix_rt::test]
async fn desks_keep_answering_while_six_searches_run() {
    let app = spawn_app().await;
    many(&app, 30_000).await;
    let mut desk = app.desk("lee").await;
    let kim = app.login("kim").await;
    let stop = Instant::now() + Duration::from_secs(4);
    let mut searchers = Vec::new();
    for i in 0..6 {
        let (url, token) = (app.url("/api/customers"), kim.clone());
        searchers.push(actix_rt::spawn(async move {
            let client = client();
            let qs = [
                "%EA%B9%80",
                "%EB%AF%BC",
                "0107",
                "%EC%9D%B4%EC%84%9C",
                "1",
                "%EC%A4%80",
            ];
            let mut n = 0;
            while Instant::now() < stop {
                let mut r = client
                    .get(format!("{url}?q={}", qs[(i + n) % qs.len()]))
                    .bearer_auth(&token)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200);
                let _ = r.body().limit(10 << 20).await.unwrap();
                n += 1;
            }
            n
        }));
    }
    let mut pings = Vec::new();
    while Instant::now() < stop {
        let t = Instant::now();
        desk.ok(json!({"type": "ping"})).await;
        pings.push(t.elapsed());
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
    let mut searches = 0;
    for s in searchers {
        searches += s.await.unwrap();
    }
    pings.sort();
    let p99 = pings[pings.len() * 99 / 100];
    assert!(searches >= 6, "the searches ran ({searches})");
    assert!(
        p99 <= Duration::from_millis(50),
        "ping p99 {p99:?} over {} pings while {searches} searches ran",
        pings.len()
    );
}

fn consultation(
    ticket: String,
    day: chrono::NaiveDate,
    i: u64,
) -> calldesk::domain::model::Consultation {
    use calldesk::domain::model::{CallOutcome, Channel, Consultation};
    let at = chrono::TimeZone::from_utc_datetime(&chrono::Utc, &day.and_hms_opt(1, 0, 0).unwrap());
    let cats = ["주문", "배송", "반품/교환", "결제/환불"];
    let results = ["완료", "미완료", "재연락 필요"];
    let notes = [
        "배송지연으로 고객이 환불을 요청함",
        "주문 취소 완료, 환불 안내",
        "교환 접수. 회수 예정",
        "배송지 변경 처리",
        "",
    ];
    Consultation {
        ticket_id: ticket,
        brand_id: 1,
        call_id: 1_000 + i,
        channel: if i.is_multiple_of(5) {
            Channel::Out
        } else {
            Channel::In
        },
        service: ["main", "order"][(i % 2) as usize].into(),
        service_name: "대표".into(),
        number: format!("0105555{:04}", i % 37),
        external_id: None,
        agent_id: Some([1, 2, 3][(i % 3) as usize]),
        agent_name: Some("상담사".into()),
        customer_id: None,
        arrived_at: at,
        offered_at: Some(at),
        answered_at: Some(at),
        ended_at: Some(at),
        wrap_up_ended_at: Some(at),
        wait_s: 1,
        talk_s: 30,
        wrap_up_s: 5,
        outcome: CallOutcome::Completed,
        category: Some(cats[(i % 4) as usize].into()),
        result: Some(results[(i % 3) as usize].into()),
        content: notes[(i % 5) as usize].into(),
        updated_at: at,
        updated_by: None,
        reservation_id: None,
        hold_s: 0,
        transferred_from: None,
        transferred_to: None,
    }
}

/// Every page of a search, followed through `next`.
async fn search_all(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut before = String::new();
    loop {
        let (s, page) = app
            .get(
                &format!("/api/consultations/search?{query}&limit=50{before}"),
                Some(token),
            )
            .await;
        assert_eq!(s, 200, "{query}: {page}");
        for c in page["items"].as_array().unwrap() {
            out.push(c["ticketId"].as_str().unwrap().to_string());
        }
        match page["next"].as_str() {
            Some(n) => before = format!("&before={n}"),
            None => return out,
        }
    }
}

/// The managers' search agrees with a plain filter over the same consultations, for every
/// filter and their combinations, across pages, and after notes and 상담유형 change.
#[actix_rt::test]
async fn the_consultation_search_finds_exactly_what_a_plain_filter_finds() {
    let app = spawn_app().await;
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut all = Vec::new();
    for d in 0..20u64 {
        let day = first + chrono::Duration::days(d as i64);
        for k in 0..60u64 {
            let i = d * 60 + k;
            all.push(consultation(
                calldesk::domain::ticket::format(day, 500 + k),
                day,
                i,
            ));
        }
    }
    let batch = all.clone();
    app.engine
        .store
        .write(move |tx| {
            // Half one by one (as calls arrive), half in bulk (as the volume seed writes).
            for c in &batch[..600] {
                store::insert_consultation(tx, c)?;
            }
            store::insert_consultations(tx, &batch[600..])
        })
        .await
        .unwrap();
    // Edits: notes written and 상담유형 changed after the fact.
    for c in all.iter_mut().filter(|c| c.call_id.is_multiple_of(11)) {
        c.content = "고객 불만: 포장 파손, 재발송 안내".into();
        c.category = Some("기타".into());
        let (t, content) = (c.ticket_id.clone(), c.content.clone());
        app.engine
            .store
            .write(move |tx| {
                store::update_consultation(tx, &t, |x| {
                    x.content = content.clone();
                    x.category = Some("기타".into());
                    Ok(())
                })
                .map(|_| ())
            })
            .await
            .unwrap();
    }
    let boss = app.login("boss").await;
    type Pred = Box<dyn Fn(&calldesk::domain::model::Consultation) -> bool>;
    let in_range = |c: &calldesk::domain::model::Consultation, a: &str, b: &str| {
        let d = c.ticket_id[1..9].to_string();
        d.as_str() >= a && d.as_str() <= b
    };
    let cases: Vec<(&str, Pred)> = vec![
        ("from=2026-11-01&to=2026-11-20", Box::new(|_| true)),
        (
            "from=2026-11-03&to=2026-11-05",
            Box::new(move |c| in_range(c, "20261103", "20261105")),
        ),
        (
            "from=2026-11-01&to=2026-11-20&agentId=2",
            Box::new(|c| c.agent_id == Some(2)),
        ),
        (
            "from=2026-11-01&to=2026-11-20&service=order&channel=OUT",
            Box::new(|c| c.service == "order" && c.channel.as_str() == "OUT"),
        ),
        (
            "from=2026-11-01&to=2026-11-20&category=%EB%B0%B0%EC%86%A1&result=%EC%99%84%EB%A3%8C",
            Box::new(|c| {
                c.category.as_deref() == Some("배송") && c.result.as_deref() == Some("완료")
            }),
        ),
        (
            "from=2026-11-01&to=2026-11-20&number=010-5555-0007",
            Box::new(|c| c.number == "01055550007"),
        ),
        // 환불 (환불을, 환불 …): a word and a word it begins.
        (
            "from=2026-11-01&to=2026-11-20&q=%ED%99%98%EB%B6%88",
            Box::new(|c| c.content.contains("환불")),
        ),
        // 배송 + 고객: both words.
        (
            "from=2026-11-01&to=2026-11-20&q=%EB%B0%B0%EC%86%A1%20%EA%B3%A0%EA%B0%9D",
            Box::new(|c| c.content.contains("배송") && c.content.contains("고객")),
        ),
        (
            "from=2026-11-01&to=2026-11-20&q=%ED%8F%AC%EC%9E%A5&category=%EA%B8%B0%ED%83%80",
            Box::new(|c| c.content.contains("포장") && c.category.as_deref() == Some("기타")),
        ),
    ];
    for (query, pred) in cases {
        let mut want: Vec<String> = all
            .iter()
            .filter(|c| pred(c))
            .map(|c| c.ticket_id.clone())
            .collect();
        want.sort();
        want.reverse();
        let got = search_all(&app, &boss, query).await;
        assert!(!want.is_empty(), "{query} has matches to find");
        assert_eq!(got, want, "{query}");
    }
}

#[actix_rt::test]
async fn the_consultation_search_is_for_managers_and_names_bad_filters() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, _) = app.get("/api/consultations/search", Some(&kim)).await;
    assert_eq!(s, 403);
    let boss = app.login("boss").await;
    let (s, body) = app
        .get(
            "/api/consultations/search?from=2026-11-20&to=2026-11-01&service=nope&channel=X&number=abc&limit=0",
            Some(&boss),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(
        body["error"]["fields"]["from"].is_string() || body["error"]["fields"]["limit"].is_string(),
        "{body}"
    );
    let (s, body) = app
        .get(
            "/api/consultations/search?service=nope&channel=X&number=abc",
            Some(&boss),
        )
        .await;
    assert_eq!(s, 400);
    for f in ["service", "channel", "number"] {
        assert!(body["error"]["fields"][f].is_string(), "{f}: {body}");
    }
    let (s, body) = app
        .get(
            "/api/consultations/search?from=2025-01-01&to=2026-11-20",
            Some(&boss),
        )
        .await;
    assert_eq!(s, 400, "more than a year: {body}");
    let (s, page) = app.get("/api/consultations/search", Some(&boss)).await;
    assert_eq!(s, 200);
    assert_eq!(page["items"], json!([]));
    assert_eq!(page["next"], json!(null));
}

/// The body of a GET as bytes (downloads), with its status and content type.
async fn download(app: &TestApp, path: &str, token: &str) -> (u16, String, Vec<u8>) {
    let mut res = client()
        .get(app.url(path))
        .insert_header(("Authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = res.body().limit(1 << 26).await.unwrap().to_vec();
    (res.status().as_u16(), kind, body)
}

/// Managers download every consultation a search finds — across many store pages, newest first —
/// as CSV and .xlsx; names and numbers masked unless the manager has full view; each export is in
/// the audit trail; agents are refused and bad filters named.
#[actix_rt::test]
async fn exports_hold_every_match_masked_by_role_and_are_audited() {
    let app = spawn_app().await;
    let first = chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let mut all = Vec::new();
    for d in 0..10u64 {
        let day = first + chrono::Duration::days(d as i64);
        for k in 0..250u64 {
            let i = d * 250 + k;
            let mut c = consultation(calldesk::domain::ticket::format(day, 500 + k), day, i);
            if c.number == "01055550007" {
                c.customer_id = Some(900);
            }
            all.push(c);
        }
    }
    let batch = all.clone();
    app.engine
        .store
        .write(move |tx| {
            store::put_customer(tx, &customer(900, 1, "김민준", "01055550007"))?;
            store::insert_consultations(tx, &batch)
        })
        .await
        .unwrap();
    let boss = app.login("boss").await;
    let (s, made) = app
        .post(
            "/api/admin/agents",
            Some(&boss),
            json!({"login": "lim", "name": "임매니저", "role": "manager",
                   "password": "manager-pass-1234", "fullView": false}),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    let (s, signed) = app
        .post(
            "/api/login",
            None,
            json!({"login": "lim", "password": "manager-pass-1234"}),
        )
        .await;
    assert_eq!(s, 200, "{signed}");
    let lim = signed["token"].as_str().unwrap().to_string();

    // CSV, full view: 2,500 rows (more than two store pages), newest first, as the search finds.
    let query = "from=2026-11-01&to=2026-11-10";
    let (s, kind, body) =
        download(&app, &format!("/api/consultations/export?{query}"), &boss).await;
    assert_eq!(s, 200);
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert_eq!(&body[..3], &[0xEF, 0xBB, 0xBF], "a BOM for Excel");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "티켓(ticketId)");
    assert_eq!(header[11], "상담내용(content)");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let tickets: Vec<String> = rows.iter().map(|r| r[0].to_string()).collect();
    assert_eq!(tickets.len(), 2_500);
    assert_eq!(tickets, search_all(&app, &boss, query).await);
    let linked = rows.iter().find(|r| &r[6] == "010-5555-0007").unwrap();
    assert_eq!(&linked[5], "김민준");
    assert!(rows
        .iter()
        .any(|r| &r[11] == "배송지연으로 고객이 환불을 요청함"));

    // With filters: exactly the search's matches.
    let filtered = "from=2026-11-02&to=2026-11-04&q=%ED%99%98%EB%B6%88&channel=IN";
    let (s, _, body) = download(
        &app,
        &format!("/api/consultations/export?{filtered}"),
        &boss,
    )
    .await;
    assert_eq!(s, 200);
    let got: Vec<String> = csv::Reader::from_reader(&body[3..])
        .records()
        .map(|r| r.unwrap()[0].to_string())
        .collect();
    let want = search_all(&app, &boss, filtered).await;
    assert!(!want.is_empty());
    assert_eq!(got, want);

    // CSV, limited view: no whole number or name anywhere.
    let (s, _, body) = download(&app, &format!("/api/consultations/export?{query}"), &lim).await;
    assert_eq!(s, 200);
    let text = String::from_utf8(body).unwrap();
    assert!(!text.contains("010-5555-0007") && !text.contains("01055550007"));
    assert!(!text.contains("김민준"));
    assert!(text.contains("010-****-0007") && text.contains("김*준"));

    // .xlsx: the same rows, read back by a spreadsheet reader.
    let (s, kind, body) = download(
        &app,
        &format!("/api/consultations/export?{query}&format=xlsx"),
        &boss,
    )
    .await;
    assert_eq!(s, 200);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    use calamine::Reader;
    let mut wb: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).unwrap();
    let sheet = wb.worksheet_range("상담 1").unwrap();
    assert_eq!(sheet.height(), 2_501, "a header and every consultation");
    let cell = |r: u32, c: u32| sheet.get_value((r, c)).map(|v| v.to_string());
    assert_eq!(cell(0, 0).as_deref(), Some("티켓"));
    assert_eq!(cell(1, 0), Some(tickets[0].clone()));
    assert_eq!(cell(2_500, 0), Some(tickets[2_499].clone()));
    assert_eq!(
        cell(1, 7).as_deref(),
        Some("30"),
        "talk seconds as a number"
    );

    // Audited: who exported what.
    let (s, audit) = app
        .get("/api/admin/audit?kind=consultation", Some(&boss))
        .await;
    assert_eq!(s, 200, "{audit}");
    let exports: Vec<&serde_json::Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "consultation.export")
        .collect();
    assert_eq!(exports.len(), 4, "{audit}");
    assert!(exports
        .iter()
        .any(|e| e["detail"]["filters"]["fullView"] == false && e["byName"] == "임매니저"));

    // Agents are refused; bad filters are named and nothing is exported.
    let kim = app.login("kim").await;
    let (s, _, _) = download(&app, "/api/consultations/export", &kim).await;
    assert_eq!(s, 403);
    let (s, body) = app
        .get(
            "/api/consultations/export?format=pdf&service=nope",
            Some(&boss),
        )
        .await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["format"].is_string(), "{body}");
    let (s, body) = app
        .get("/api/consultations/export?service=nope", Some(&boss))
        .await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["service"].is_string(), "{body}");
}
