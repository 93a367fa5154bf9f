//! Regression tests for the outside security and robustness battery (issue 9), one or more per
//! defect: hostile bulk files, the edit-own rule on customer links, PIPA masking of reservations,
//! field limits, tokens in URLs, the gateway key, silent and flooding sockets, the login queue,
//! stuck reservation claims, races, invalid UTF-8, the health check and message rates.

use crate::helpers::*;
use serde_json::{json, Value};
use std::time::Duration;

async fn upload(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    app.post_bytes(&format!("/api/reservations/import?{query}"), token, body)
        .await
}

async fn healthy(app: &TestApp) {
    let (s, h) = app.get("/healthz", None).await;
    assert_eq!(
        (s, &h["status"]),
        (200, &json!("ok")),
        "the server is up: {h}"
    );
}

fn message(v: &Value) -> String {
    v["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// An RFC 3339 time `minutes` after the test clock's now.
fn later(app: &TestApp, minutes: i64) -> String {
    (app.clock_now() + chrono::Duration::minutes(minutes)).to_rfc3339()
}

// ---- 1. hostile bulk files ------------------------------------------------------------------

#[actix_rt::test]
async fn a_sparse_xlsx_reaching_xfd1048576_is_refused_and_the_server_stays_up() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let file = crate::xlsx::of(&[("A1", "전화번호"), ("B1", "예약일시"), ("XFD1048576", "x")]);
    assert!(file.len() < 4096, "a small file: {} bytes", file.len());
    let (s, e) = upload(&app, &boss, "filename=a.xlsx&preview=true", file).await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("50000행"), "{e}");
    healthy(&app).await;
}

#[actix_rt::test]
async fn far_away_columns_are_ignored_not_built() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let file = crate::xlsx::of(&[
        ("A1", "전화번호"),
        ("B1", "예약일시"),
        ("XFD1", "먼 열"),
        ("A2", "010-2345-6789"),
        ("B2", "2026-11-25 10:00"),
        ("XFD2", "무시"),
    ]);
    let (s, p) = upload(&app, &boss, "filename=a.xlsx&preview=true", file).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["valid"], 1);
}

#[actix_rt::test]
async fn an_xlsx_zip_bomb_is_refused_by_what_it_inflates_to() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    // 64 MiB of spaces deflate to well under 1 MiB.
    let sheet = crate::xlsx::sheet(&[
        ("A1".into(), "전화번호".into()),
        ("B1".into(), "예약일시".into()),
    ]);
    let file = crate::xlsx::package(&sheet, None, 64 << 20);
    assert!(file.len() < 1 << 20, "{} bytes", file.len());
    let (s, e) = upload(&app, &boss, "filename=bomb.xlsx&preview=true", file).await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("압축을 풀면"), "{e}");
    healthy(&app).await;
}

#[actix_rt::test]
async fn shared_strings_declaring_billions_are_refused_before_anything_is_reserved() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let shared = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="4000000000"><si><t>전화번호</t></si></sst>"#;
    let sheet = r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
    let file = crate::xlsx::package(sheet, Some(shared), 0);
    let (s, e) = upload(&app, &boss, "filename=s.xlsx&preview=true", file).await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("공유 문자열"), "{e}");
    healthy(&app).await;
}

#[actix_rt::test]
async fn a_csv_with_one_huge_cell_is_checked_without_echoing_it() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut csv = "전화번호,예약일시,메모\n010-2345-6789,2026-11-25 10:00,".to_string();
    csv.push_str(&"가".repeat(3_000_000));
    csv.push('\n');
    let (s, p) = upload(
        &app,
        &boss,
        "filename=big.csv&preview=true",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["valid"], 0);
    assert_eq!(p["errorCount"], 1);
    assert_eq!(p["errors"][0]["field"], "memo");
    assert!(p.to_string().len() < 2_000, "the cell is not echoed back");
}

#[actix_rt::test]
async fn a_file_over_the_upload_limit_gets_413_in_the_one_error_shape() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (s, e) = upload(
        &app,
        &boss,
        "filename=big.csv&preview=true",
        vec![b'a'; calldesk::bulk::MAX_BYTES + 1],
    )
    .await;
    assert_eq!(s, 413, "{e}");
    assert_eq!(e["error"]["code"], "payload_too_large");
    healthy(&app).await;
}

#[actix_rt::test]
async fn more_rows_than_the_limit_are_refused() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut csv = String::from("전화번호,예약일시\n");
    for _ in 0..=calldesk::bulk::MAX_ROWS {
        csv.push_str("1,2\n");
    }
    let (s, e) = upload(
        &app,
        &boss,
        "filename=rows.csv&preview=true",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    assert!(message(&e).contains("50000행"), "{e}");
}

#[actix_rt::test]
async fn a_preview_lists_the_first_errors_and_counts_them_all() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut csv = String::from("전화번호,예약일시\n");
    for _ in 0..1_000 {
        csv.push_str("12,내일\n");
    }
    let (s, p) = upload(
        &app,
        &boss,
        "filename=bad.csv&preview=true",
        csv.into_bytes(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["errorCount"], 2_000, "two errors a row");
    assert_eq!(
        p["errors"].as_array().unwrap().len(),
        calldesk::bulk::MAX_LISTED_ERRORS
    );
}

// ---- 2. the edit-own rule on linking a consultation to a customer ---------------------------

#[actix_rt::test]
async fn an_agent_cannot_link_another_agents_consultation_to_a_customer() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-7777-3434").await;
    let lee = app.login("lee").await;
    let (s, e) = app
        .post(
            "/api/customers",
            Some(&lee),
            json!({"name": "남의고객", "phones": ["010-7777-3434"], "ticketId": ticket}),
        )
        .await;
    assert_eq!(s, 403, "{e}");
    assert_eq!(e["error"]["code"], "forbidden");
    let (_, found) = app.get("/api/customers?q=010-7777-3434", Some(&lee)).await;
    assert_eq!(
        found["items"].as_array().map(Vec::len),
        Some(0),
        "a refused request writes nothing: {found}"
    );
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert!(c["customerId"].is_null(), "{c}");
    // Its own agent may.
    let (s, made) = app
        .post(
            "/api/customers",
            Some(&kim.token),
            json!({"name": "내고객", "phones": ["010-7777-3434"], "ticketId": ticket}),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(c["customerId"], made["id"]);
}

// ---- 3 and 11. reservation masking and the pool in the list ---------------------------------

#[actix_rt::test]
async fn pool_reservations_show_in_the_list_and_the_summary_masked_for_other_agents() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (s, cb) = app
        .telephony(
            "/api/telephony/callbacks",
            json!({"service": "main", "from": "010-4321-8765"}),
        )
        .await;
    assert_eq!(s, 201, "{cb}");
    assert_eq!(cb["ownerId"], 1, "kim, the only ready agent, owns it");
    let id = cb["reservationId"].clone();
    // Kim logs out: the callback goes back to the pool.
    let (s, _) = app.post("/api/logout", Some(&kim.token), json!({})).await;
    assert_eq!(s, 200);
    let mut lee = app.desk("lee").await;
    let (s, list) = app.get("/api/reservations", Some(&lee.token)).await;
    assert_eq!(s, 200, "{list}");
    let item = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("the pool callback is in items: {list}"))
        .clone();
    let masked = |n: &Value| {
        let n = n.as_str().unwrap();
        n.contains('*') && !n.contains("4321")
    };
    assert!(masked(&item["number"]), "{item}");
    for r in list["summary"]["items"].as_array().unwrap() {
        assert!(masked(&r["number"]), "summary items are masked: {r}");
    }
    assert!(!lee.hello["snapshot"]["reservations"]["items"]
        .as_array()
        .unwrap()
        .is_empty());
    for r in lee.hello["snapshot"]["reservations"]["items"]
        .as_array()
        .unwrap()
    {
        assert!(masked(&r["number"]), "hello's 예약 현황 is masked: {r}");
    }
    // A fresh 예약 현황 frame is masked the same way: a second callback comes in and goes to Lee
    // (signed in), so Lee's view changes and is pushed — the pool's item masked, Lee's own not.
    let (s, cb2) = app
        .telephony(
            "/api/telephony/callbacks",
            json!({"service": "main", "from": "010-9999-0000"}),
        )
        .await;
    assert_eq!(s, 201, "{cb2}");
    assert_eq!(cb2["ownerId"], 2, "Lee's: {cb2}");
    let frame = lee.expect_where("reservations", |v| v["total"] == 2).await;
    for r in frame["items"].as_array().unwrap() {
        if r["id"] == cb2["reservationId"] {
            assert_eq!(r["number"], "01099990000", "Lee's own in full: {r}");
        } else {
            assert!(masked(&r["number"]), "socket 예약 현황 is masked: {r}");
        }
    }
}

#[actix_rt::test]
async fn an_agents_own_reservation_is_shown_in_full_to_them() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, r) = app
        .post(
            "/api/reservations",
            Some(&kim),
            json!({"number": "010-2468-1357", "scheduledAt": later(&app, 60), "customerName": "홍길동"}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let (_, list) = app.get("/api/reservations", Some(&kim)).await;
    assert_eq!(list["items"][0]["number"], "01024681357");
    assert_eq!(list["summary"]["items"][0]["number"], "01024681357");
}

// ---- 4. field limits ---------------------------------------------------------------------------

#[actix_rt::test]
async fn over_long_reservation_fields_are_refused_on_create_and_edit_naming_the_field() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, e) = app
        .post(
            "/api/reservations",
            Some(&kim),
            json!({"number": "010-2468-1357", "scheduledAt": later(&app, 60), "customerName": "가".repeat(60_000)}),
        )
        .await;
    assert_eq!(s, 400, "{}", message(&e));
    assert!(
        e["error"]["fields"]["customerName"].is_string(),
        "{}",
        message(&e)
    );
    let (s, r) = app
        .post(
            "/api/reservations",
            Some(&kim),
            json!({"number": "010-2468-1357", "scheduledAt": later(&app, 60)}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    let id = r["id"].as_u64().unwrap();
    let (s, e) = app
        .put(
            &format!("/api/reservations/{id}"),
            &kim,
            json!({"memo": "x".repeat(100_000)}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["memo"].is_string(), "{e}");
    let (s, e) = app
        .put(
            &format!("/api/reservations/{id}"),
            &kim,
            json!({"customerName": "나".repeat(51)}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["customerName"].is_string(), "{e}");
    let (_, list) = app.get("/api/reservations", Some(&kim)).await;
    assert_eq!(list["items"][0]["memo"], "", "nothing was written");
    // At the limit is fine.
    let (s, _) = app
        .put(
            &format!("/api/reservations/{id}"),
            &kim,
            json!({"memo": "메".repeat(1000)}),
        )
        .await;
    assert_eq!(s, 200);
}

#[actix_rt::test]
async fn a_customer_with_thousands_of_phones_or_huge_texts_is_refused() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let phones: Vec<String> = (0..3000).map(|i| format!("010-1{i:03}-{i:04}")).collect();
    let (s, e) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "많은번호", "phones": phones}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(
        e["error"]["fields"]["phones"].is_string(),
        "{}",
        message(&e)
    );
    let (s, c) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "보통고객", "phones": ["010-3333-1212"]}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    let id = c["id"].as_u64().unwrap();
    let (s, e) = app
        .post(
            &format!("/api/customers/{id}/memos"),
            Some(&kim),
            json!({"text": "메".repeat(2001)}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["text"].is_string(), "{e}");
    let (s, e) = app
        .put(
            &format!("/api/customers/{id}"),
            &kim,
            json!({"name": "이".repeat(51), "phones": ["010-3333-1212"]}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(e["error"]["fields"]["name"].is_string(), "{e}");
}

#[actix_rt::test]
async fn an_over_long_note_is_refused_on_the_socket_too() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (_, ticket) = app.answered_call(&mut kim, "main", "010-5656-7878").await;
    let e = kim
        .request(json!({"type": "note.save", "ticketId": ticket, "content": "가".repeat(4001)}))
        .await;
    assert_eq!(e["code"], "bad_request", "{e}");
    assert!(e["message"].as_str().unwrap().contains("content"), "{e}");
}

#[actix_rt::test]
async fn a_bulk_row_over_a_field_limit_is_a_row_error() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let csv = format!(
        "전화번호,이름,예약일시\n010-2345-6789,{},2026-11-25 10:00\n",
        "김".repeat(51)
    );
    let (s, p) = upload(&app, &boss, "filename=n.csv&preview=true", csv.into_bytes()).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["errors"][0]["field"], "customerName");
}

// ---- 5. tokens in URLs ---------------------------------------------------------------------

#[actix_rt::test]
async fn a_token_in_the_url_opens_only_the_socket() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, _) = app.get(&format!("/api/me?token={kim}"), None).await;
    assert_eq!(s, 401, "HTTP routes want the header");
    let (s, _) = app.get("/api/me", Some(&kim)).await;
    assert_eq!(s, 200);
    // The socket keeps `?token=` (the contract).
    let desk = Desk::connect(&app, &kim).await;
    assert_eq!(desk.hello["agent"]["login"], "kim");
}

async fn ws_status(app: &TestApp, query: &str) -> u16 {
    match client()
        .ws(format!("{}/api/ws?{query}", app.base.replace("http", "ws")))
        .connect()
        .await
    {
        Ok((res, _)) => res.status().as_u16(),
        Err(awc::error::WsClientError::InvalidResponseStatus(s)) => s.as_u16(),
        Err(e) => panic!("{e}"),
    }
}

#[actix_rt::test]
async fn a_socket_ticket_works_once_and_dies_with_its_token() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, t) = app.post("/api/ws/ticket", Some(&kim), json!({})).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["expiresInS"], 30);
    let ticket = t["ticket"].as_str().unwrap().to_string();
    assert_eq!(ws_status(&app, &format!("ticket={ticket}")).await, 101);
    assert_eq!(
        ws_status(&app, &format!("ticket={ticket}")).await,
        401,
        "one use only"
    );
    let (_, t) = app.post("/api/ws/ticket", Some(&kim), json!({})).await;
    let unused = t["ticket"].as_str().unwrap().to_string();
    let (s, _) = app.post("/api/logout", Some(&kim), json!({})).await;
    assert_eq!(s, 200);
    assert_eq!(
        ws_status(&app, &format!("ticket={unused}")).await,
        401,
        "a logout voids the tickets of its token"
    );
    let (s, _) = app.post("/api/ws/ticket", None, json!({})).await;
    assert_eq!(s, 401);
}

// ---- 6. the gateway key before the body -----------------------------------------------------

#[actix_rt::test]
async fn the_gateway_key_is_checked_before_the_body() {
    let app = spawn_app().await;
    let mut res = client()
        .post(app.url("/api/telephony/calls"))
        .insert_header(("content-type", "application/json"))
        .send_body("{not json")
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");
    let res = client()
        .post(app.url("/api/telephony/calls"))
        .insert_header(("X-Telephony-Key", "test-telephony-kez"))
        .insert_header(("content-type", "application/json"))
        .send_body("{not json")
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401, "a near-miss key");
    let (s, _) = app
        .telephony("/api/telephony/calls", json!({"bad": 1}))
        .await;
    assert_eq!(s, 400, "with the key, the body is checked");
}

// ---- 7. a desk that stops reading ----------------------------------------------------------

#[actix_rt::test]
async fn a_silent_socket_is_dropped_at_the_client_timeout() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    assert_eq!(app.engine.registry.session_count(1), 1);
    // Neither read nor answer pings for longer than CLIENT_TIMEOUT (20 s).
    actix_rt::time::sleep(calldesk::ws::CLIENT_TIMEOUT + Duration::from_secs(2)).await;
    assert_eq!(
        app.engine.registry.session_count(1),
        0,
        "dropped by the watchdog"
    );
    let reason = kim.closed_within(Duration::from_secs(3)).await;
    assert!(
        reason.as_deref().is_some_and(|r| r.contains("timeout")),
        "closed with a reason: {reason:?}"
    );
}

#[actix_rt::test]
async fn a_socket_whose_output_piles_up_is_dropped_and_memory_stays_bounded() {
    let app = spawn_app().await;
    let _kim = app.desk("kim").await;
    let frame: std::sync::Arc<str> =
        format!("{{\"type\":\"noise\",\"pad\":\"{}\"}}", "x".repeat(100_000)).into();
    for _ in 0..600 {
        app.engine.registry.push_agent(1, &frame);
        if app.engine.registry.session_count(1) == 0 {
            break;
        }
        actix_rt::task::yield_now().await;
    }
    let mut gone = false;
    for _ in 0..50 {
        if app.engine.registry.session_count(1) == 0 {
            gone = true;
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "a desk that does not read is dropped");
}

// ---- 8. inbound flood -------------------------------------------------------------------------

#[actix_rt::test]
async fn a_flooding_socket_gets_rate_limited_then_closed_with_a_reason() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    // 400 requests in one write: far past the burst of 100, however slow the machine.
    let flood = (0..400)
        .map(|i| json!({"type": "ping", "id": 10_000 + i}).to_string())
        .collect();
    kim.send_burst(flood).await;
    let frames = kim.drain(Duration::from_secs(3)).await;
    let limited = frames
        .iter()
        .filter(|f| f["type"] == "error" && f["code"] == "rate_limited")
        .count();
    assert_eq!(limited, 1, "one error frame says why");
    let close = frames.iter().find(|f| f["type"] == "__closed");
    assert!(
        close.is_some_and(|c| c["reason"].as_str().unwrap().contains("Policy")),
        "closed with 1008: {close:?}"
    );
    let acks = frames.iter().filter(|f| f["type"] == "ack").count();
    assert!((100..400).contains(&acks), "the burst passed: {acks}");
    // The agent may come back at once.
    let again = app.desk("kim").await;
    assert_eq!(again.hello["type"], "hello");
}

// ---- 9. the login queue ------------------------------------------------------------------------

#[actix_rt::test]
async fn a_login_storm_is_refused_with_503_and_retry_after_instead_of_memory() {
    let app = spawn_app().await;
    let clients: Vec<awc::Client> = (0..3)
        .map(|_| {
            awc::Client::builder()
                .timeout(Duration::from_secs(60))
                .finish()
        })
        .collect();
    let sends = (0..300).map(|i| {
        let c = clients[i % 3].clone();
        let url = app.url("/api/login");
        async move {
            let mut res = c
                .post(url)
                .send_json(&json!({"login": format!("nobody{i}"), "password": "x"}))
                .await
                .expect("answered");
            let retry = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
            let body: Value = res.json().await.unwrap_or(Value::Null);
            (res.status().as_u16(), retry, body)
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let busy: Vec<_> = answers.iter().filter(|a| a.0 == 503).collect();
    let refused = answers.iter().filter(|a| a.0 == 401).count();
    assert!(!busy.is_empty(), "the queue filled");
    assert!(refused > 0);
    assert_eq!(busy.len() + refused, 300, "nothing else");
    assert_eq!(busy[0].1.as_deref(), Some("2"));
    assert_eq!(busy[0].2["error"]["code"], "unavailable");
    // The queue drains and logins work again.
    actix_rt::time::sleep(Duration::from_secs(1)).await;
    let mut ok = false;
    for _ in 0..30 {
        let (s, _) = app
            .post(
                "/api/login",
                None,
                json!({"login": "kim", "password": PASSWORD}),
            )
            .await;
        if s == 200 {
            ok = true;
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(ok);
}

#[actix_rt::test]
async fn an_unknown_login_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let (s1, a) = app
        .post(
            "/api/login",
            None,
            json!({"login": "nobody", "password": "x"}),
        )
        .await;
    let (s2, b) = app
        .post("/api/login", None, json!({"login": "kim", "password": "x"}))
        .await;
    assert_eq!((s1, s2), (401, 401));
    assert_eq!(a, b);
}

// ---- 10. a claim that outlives its desk ----------------------------------------------------

async fn book_for_kim(app: &TestApp) -> u64 {
    let boss = app.login("boss").await;
    let (s, r) = app
        .post(
            "/api/reservations",
            Some(&boss),
            json!({"number": "010-8080-2020", "scheduledAt": later(app, 5), "ownerId": 1}),
        )
        .await;
    assert_eq!(s, 201, "{r}");
    r["id"].as_u64().unwrap()
}

fn reservation(app: &TestApp, id: u64) -> calldesk::domain::reservation::Reservation {
    app.engine
        .store
        .reservations(1)
        .unwrap()
        .into_iter()
        .find(|r| r.id == id)
        .unwrap()
}

#[actix_rt::test]
async fn a_claim_whose_dial_never_came_dies_after_its_lease() {
    let app = spawn_app().await;
    let id = book_for_kim(&app).await;
    // The state a desk leaves when it closes between claiming and dialing.
    let mut r = reservation(&app, id);
    r.dialing_by = Some(1);
    r.dialing_since = Some(app.clock_now());
    app.engine
        .store
        .write(move |tx| calldesk::store::put_reservation(tx, &r))
        .await
        .unwrap();
    let kim = app.login("kim").await;
    let (s, e) = app
        .post(
            &format!("/api/reservations/{id}/cancel"),
            Some(&kim),
            json!({}),
        )
        .await;
    assert_eq!(s, 409, "a fresh claim holds: {e}");
    app.clock
        .advance_secs(calldesk::domain::reservation::CLAIM_LEASE_S + 1);
    let (s, e) = app
        .post(
            &format!("/api/reservations/{id}/cancel"),
            Some(&kim),
            json!({}),
        )
        .await;
    assert_eq!(s, 200, "the stale claim no longer blocks: {e}");
}

#[actix_rt::test]
async fn a_desk_closed_right_after_asking_to_dial_leaves_no_stuck_claim() {
    let app = spawn_app_with(Opts {
        dial_timeout_s: 1,
        ..Opts::default()
    })
    .await;
    let id = book_for_kim(&app).await;
    let mut kim = app.desk("kim").await;
    let dial = json!({"type": "call.dial", "number": "", "reservationId": id.to_string(), "id": 1});
    assert!(kim.try_send_text(dial.to_string()).await);
    drop(kim);
    // The dial runs to its end (no answer after 1 s) and lets go of the claim.
    let mut free = false;
    for _ in 0..50 {
        actix_rt::time::sleep(Duration::from_millis(100)).await;
        let r = reservation(&app, id);
        if r.dialing_by.is_none() && app.engine.registry.reservation_calls.is_empty() {
            free = true;
            break;
        }
    }
    assert!(free, "{:?}", reservation(&app, id));
    let mut kim = app.desk("kim").await;
    // Back from wrap-up if the dial left one, then dial again.
    let _ = kim.request(json!({"type": "wrapup.done"})).await;
    kim.ok(json!({"type": "call.dial", "number": "", "reservationId": id.to_string()}))
        .await;
}

// ---- 12. races -------------------------------------------------------------------------------

#[actix_rt::test]
async fn concurrent_customer_edits_and_blacklisting_both_survive() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let boss = app.login("boss").await;
    for round in 0..10 {
        let (s, c) = app
            .post(
                "/api/customers",
                Some(&kim),
                json!({"name": "경합고객", "phones": [format!("010-4000-{round:04}")]}),
            )
            .await;
        assert_eq!(s, 201, "{c}");
        let id = c["id"].as_u64().unwrap();
        let path = format!("/api/customers/{id}");
        let (black_path, memo_path) = (format!("{path}/blacklist"), format!("{path}/memos"));
        let edit = app.put(
            &path,
            &kim,
            json!({"name": "새이름", "phones": [format!("010-4000-{round:04}")]}),
        );
        let black = app.put(
            &black_path,
            &boss,
            json!({"blacklisted": true, "reason": "폭언"}),
        );
        let memo = app.post(&memo_path, Some(&kim), json!({"text": "메모 추가"}));
        let ((s1, _), (s2, _), (s3, _)) = futures_util::join!(edit, black, memo);
        assert_eq!((s1, s2, s3), (200, 200, 201));
        let (_, after) = app.get(&path, Some(&boss)).await;
        let after = if after["customer"].is_object() {
            after["customer"].clone()
        } else {
            after
        };
        assert_eq!(after["name"], "새이름", "round {round}: {after}");
        assert_eq!(after["blacklisted"], true, "round {round}: {after}");
    }
}

#[actix_rt::test]
async fn a_template_edit_racing_its_delete_never_brings_it_back() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    for round in 0..10 {
        let (s, t) = app
            .post(
                "/api/templates",
                Some(&boss),
                json!({"category": "배송", "question": format!("경합 질문 {round}"), "answer": "답"}),
            )
            .await;
        assert_eq!(s, 201, "{t}");
        let id = t["id"].as_u64().unwrap();
        let path = format!("/api/templates/{id}");
        let edit = app.put(
            &path,
            &boss,
            json!({"category": "배송", "question": format!("고친 질문 {round}"), "answer": "답"}),
        );
        let del = app.delete(&path, &boss);
        let ((se, _), (sd, _)) = futures_util::join!(edit, del);
        assert_eq!(sd, 200);
        assert!(se == 200 || se == 404, "{se}");
        let (s, _) = app.get(&path, Some(&boss)).await;
        assert_eq!(s, 404, "round {round}: deleted stays deleted");
        let (_, found) = app
            .get(
                &format!(
                    "/api/templates?q={}",
                    urlencode(&format!("고친 질문 {round}"))
                ),
                Some(&boss),
            )
            .await;
        assert!(
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|t| t["id"] != id),
            "round {round}: not found by search: {found}"
        );
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[actix_rt::test]
async fn a_logout_is_not_undone_by_requests_in_flight() {
    let app = spawn_app().await;
    for _ in 0..5 {
        let token = app.login("lee").await;
        // Empty the cache so every request below goes to the store, racing the logout.
        app.engine.registry.tokens.clear();
        let gets = futures_util::future::join_all(
            (0..20).map(|_| app.get("/api/reservations", Some(&token))),
        );
        let out = app.post("/api/logout", Some(&token), json!({}));
        let (_, (s, _)) = futures_util::join!(gets, out);
        assert_eq!(s, 200);
        let (s, _) = app.get("/api/me", Some(&token)).await;
        assert_eq!(s, 401, "a revoked token stays revoked");
    }
}

// ---- 13. smaller ones -------------------------------------------------------------------------

/// Opens a socket by hand and sends one text frame whose payload is not UTF-8; returns the close
/// code the server answers with.
fn close_code_after_invalid_utf8(addr: String, token: String) -> Option<u16> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(&addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET /api/ws?token={token} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
         Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
         Sec-WebSocket-Version: 13\r\n\r\n"
    )
    .ok()?;
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).ok()?;
        head.push(b[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"));
    // FIN + text, masked, 2 bytes, mask 0: the bytes FF FE.
    s.write_all(&[0x81, 0x82, 0, 0, 0, 0, 0xFF, 0xFE]).ok()?;
    loop {
        let mut h = [0u8; 2];
        s.read_exact(&mut h).ok()?;
        let mut len = u64::from(h[1] & 0x7F);
        if len == 126 {
            let mut l = [0u8; 2];
            s.read_exact(&mut l).ok()?;
            len = u64::from(u16::from_be_bytes(l));
        } else if len == 127 {
            let mut l = [0u8; 8];
            s.read_exact(&mut l).ok()?;
            len = u64::from_be_bytes(l);
        }
        let mut payload = vec![0u8; len as usize];
        s.read_exact(&mut payload).ok()?;
        if h[0] & 0x0F == 0x8 {
            return payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]));
        }
    }
}

#[actix_rt::test]
async fn invalid_utf8_in_a_frame_closes_with_1007() {
    let app = spawn_app().await;
    let token = app.login("kim").await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let code = actix_web::web::block(move || close_code_after_invalid_utf8(addr, token))
        .await
        .unwrap();
    assert_eq!(code, Some(1007));
}

#[actix_rt::test]
async fn healthz_fails_when_the_store_writer_is_dead() {
    let app = spawn_app().await;
    healthy(&app).await;
    // A write that panics takes the writer thread down with it.
    let _ = app
        .engine
        .store
        .write(|_| -> calldesk::store::StoreResult<()> { panic!("writer dies (test)") })
        .await;
    let (s, e) = app.get("/healthz", None).await;
    assert_eq!(s, 503, "{e}");
    assert_eq!(e["error"]["code"], "unavailable");
}

#[actix_rt::test]
async fn message_history_masks_by_the_shared_rule() {
    let app = spawn_app().await;
    // An agent with the full-view flag but not a manager still sees masked numbers.
    app.engine
        .registry
        .agents
        .get_mut(&1)
        .expect("kim")
        .public
        .full_view = true;
    let kim = app.login("kim").await;
    let (s, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": "010-2323-4545", "body": "안내 문자"}),
        )
        .await;
    assert_eq!(s, 201, "{m}");
    let (_, h) = app
        .get("/api/messages?number=01023234545", Some(&kim))
        .await;
    let to = h["items"][0]["to"].as_str().unwrap();
    assert!(to.contains('*'), "{to}");
}

#[actix_rt::test]
async fn sending_messages_is_rate_limited_per_agent() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let burst = calldesk::domain::message::MSG_AGENT_BURST as usize;
    for i in 0..burst {
        let (s, m) = app
            .post(
                "/api/messages",
                Some(&kim),
                json!({"to": "010-2323-4545", "body": format!("안내 {i}")}),
            )
            .await;
        assert_eq!(s, 201, "{m}");
    }
    let mut res = client()
        .post(app.url("/api/messages"))
        .bearer_auth(&kim)
        .send_json(&json!({"to": "010-2323-4545", "body": "하나 더"}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "rate_limited");
    // Another agent is not held back by kim's rate.
    let lee = app.login("lee").await;
    let (s, _) = app
        .post(
            "/api/messages",
            Some(&lee),
            json!({"to": "010-2323-4545", "body": "이 상담사"}),
        )
        .await;
    assert_eq!(s, 201);
}

// ---- the randomized socket-frame test ---------------------------------------------------------

/// One random frame: `(text, id)` — the id is set when the frame carries a numeric one (and
/// then exactly one answer must come back); frames without one are always invalid (and each
/// gets an `error` without id).
fn random_frame(rng: &mut impl rand::Rng, id: u64) -> (String, Option<u64>) {
    let statuses = [
        "ready",
        "preparing",
        "aux",
        "on_call",
        "logged_out",
        "",
        "READY",
    ];
    let reasons = ["meal", "rest", "meeting", "missed", "nope"];
    let valid = match rng.gen_range(0..9) {
        0 => json!({"type": "ping"}),
        1 => {
            json!({"type": "status.set", "status": statuses[rng.gen_range(0..statuses.len())], "reason": reasons[rng.gen_range(0..reasons.len())]})
        }
        2 => json!({"type": "status.next", "status": statuses[rng.gen_range(0..statuses.len())]}),
        3 => json!({"type": "call.answer", "callId": rng.gen::<u64>()}),
        4 => json!({"type": "call.hangup", "callId": rng.gen_range(0..5)}),
        5 => {
            json!({"type": "call.dial", "number": format!("010{:08}", rng.gen_range(0..100_000_000u64))})
        }
        6 => {
            json!({"type": "note.save", "ticketId": format!("T{}", rng.gen::<u32>()), "content": "메모"})
        }
        7 => json!({"type": "wrapup.done"}),
        _ => json!({"type": "call.answer", "callId": "not a number"}),
    };
    match rng.gen_range(0..10) {
        // A request (valid or not) with its id.
        0..=5 => {
            let mut v = valid;
            v["id"] = json!(id);
            (v.to_string(), Some(id))
        }
        // An unknown type or a wrong shape, with an id.
        6 => (
            json!({"type": format!("x.{}", rng.gen::<u16>()), "id": id}).to_string(),
            Some(id),
        ),
        // Nested deep and never closed.
        7 => (
            format!(
                "{{\"type\":\"status.set\",\"id\":{id},\"status\":{}1",
                "[".repeat(rng.gen_range(1..300)),
            ),
            None,
        ),
        // Not JSON at all, or cut short: no id can be read.
        8 => {
            let n = rng.gen_range(0..200);
            let s: String = (0..n)
                .map(|_| char::from_u32(rng.gen_range(0x20..0xD7FF)).unwrap_or('?'))
                .collect();
            (format!("{{{s}"), None)
        }
        _ => {
            let full = json!({"type": "ping", "id": id}).to_string();
            let cut = rng.gen_range(1..full.len() - 1);
            (full[..cut].to_string(), None)
        }
    }
}

#[actix_rt::test]
async fn random_frames_are_each_answered_once_and_the_desk_stays_up() {
    use rand::SeedableRng;
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5EED_CA11);
    let mut with_id = std::collections::HashSet::new();
    let mut without_id = 0usize;
    for i in 0..240u64 {
        let (text, id) = random_frame(&mut rng, 1_000 + i);
        match id {
            Some(id) => {
                with_id.insert(id);
            }
            None => without_id += 1,
        }
        assert!(kim.try_send_text(text).await);
        // Under the socket's rate (50/s): 40 frames, then a pause.
        if i % 40 == 39 {
            actix_rt::time::sleep(Duration::from_millis(900)).await;
        }
    }
    let frames = kim.drain(Duration::from_secs(3)).await;
    assert!(
        frames.iter().all(|f| f["type"] != "__closed"),
        "the socket stays open"
    );
    let mut answered = std::collections::HashMap::new();
    let mut anonymous_errors = 0;
    for f in &frames {
        if f["type"] == "ack" || f["type"] == "error" {
            assert_ne!(f["code"], "rate_limited", "{f}");
            match f["id"].as_u64() {
                Some(id) => *answered.entry(id).or_insert(0) += 1,
                None => anonymous_errors += 1,
            }
        }
    }
    for id in &with_id {
        assert_eq!(
            answered.get(id),
            Some(&1),
            "request {id} answered exactly once"
        );
    }
    assert_eq!(
        answered.len(),
        with_id.len(),
        "no answers to ids never sent"
    );
    assert_eq!(
        anonymous_errors, without_id,
        "each unreadable frame gets one error"
    );
    kim.ok(json!({"type": "ping"})).await;
    healthy(&app).await;
    let (s, me) = app.get("/api/me", Some(&kim.token)).await;
    assert_eq!(s, 200);
    assert!(me["status"]["status"].is_string());
}

// ---- docs/security.md matches the code -------------------------------------------------------

/// `1200` → `1,200`.
fn grouped(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_security_doc_states_every_limit_as_the_code_has_it() {
    use calldesk::{api, bulk, domain::message as msg, engine::registry, error, protocol, ws};
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/security.md"))
        .expect("docs/security.md");
    let kib = |b: usize| b / 1024;
    let mib = |b: usize| b / 1024 / 1024;
    let rows = [
        format!("| JSON request body | {} KiB |", kib(error::MAX_JSON_BYTES)),
        format!("| Bulk file upload body | {} MiB |", mib(bulk::MAX_BYTES)),
        format!("| Socket frame | {} KiB |", kib(protocol::MAX_FRAME_BYTES)),
        format!(
            "| Socket requests | {}/s average, bursts of {} | `error` frame `rate_limited`, then after {} more",
            ws::RATE_PER_S,
            ws::RATE_BURST,
            ws::RATE_GRACE
        ),
        format!(
            "| Socket output not yet sent | {} MiB per socket of event frames;",
            mib(registry::MAX_PENDING_BYTES)
        ),
        format!(
            "| A desk that stops reading | {} s without taking any output |",
            registry::MAX_BEHIND_MS / 1000
        ),
        format!("| Client silence | {} s |", ws::CLIENT_TIMEOUT.as_secs()),
        format!(
            "| Unacknowledged TCP data | {} s |",
            calldesk::startup::TCP_USER_TIMEOUT.as_secs()
        ),
        format!(
            "| Password hashing | one thread per core, {} waiting |",
            api::hashing::QUEUE
        ),
        format!(
            "| Socket ticket | {} s, one use |",
            api::auth::TICKET_TTL.as_secs()
        ),
        format!(
            "| Failed logins per login | {} in {} min | 429 `too_many_attempts` + `Retry-After` for {} min |",
            api::sessions::MAX_FAILURES,
            api::sessions::FAILURE_WINDOW_S / 60,
            api::sessions::LOCK_S / 60
        ),
        format!(
            "per agent | {} a minute, bursts of {} |",
            msg::MSG_AGENT_PER_MIN,
            msg::MSG_AGENT_BURST
        ),
        format!(
            "| Messages per brand | {} a minute, bursts of {} |",
            grouped(msg::MSG_BRAND_PER_MIN as u64),
            msg::MSG_BRAND_BURST
        ),
        format!(
            "| Store writer health | answers within {} s |",
            api::health::WRITER_PING.as_secs()
        ),
        format!("| Files read at once | {} (", bulk::PARSES_AT_ONCE),
        format!("| Rows | {} |", grouped(bulk::MAX_ROWS as u64)),
        format!("| Columns read | {} (", bulk::MAX_COLS),
        format!(
            "| Characters kept per cell | {} (",
            grouped(bulk::MAX_CELL_CHARS as u64)
        ),
        format!("| Cells per sheet (.xlsx) | {} |", grouped(bulk::MAX_CELLS as u64)),
        format!("| Parts in one .xlsx | {} |", bulk::MAX_XLSX_ENTRIES),
        format!(
            "(all parts, measured while inflating) | {} MiB |",
            mib(bulk::MAX_XLSX_INFLATED as usize)
        ),
        format!(
            "(declared `uniqueCount` and held) | {} |",
            grouped(bulk::MAX_SHARED_STRINGS)
        ),
        format!(
            "| Time to read one file | {} s |",
            bulk::MAX_PARSE_TIME.as_secs()
        ),
        format!(
            "| Row errors listed in a preview | {} (",
            bulk::MAX_LISTED_ERRORS
        ),
    ];
    for row in rows {
        assert!(doc.contains(&row), "docs/security.md lacks: {row}");
    }
}
