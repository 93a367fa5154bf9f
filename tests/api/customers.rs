//! Customers: lookup in any number format, forms with per-field errors, memos, blacklist,
//! history, linking a call, and brand isolation.

use crate::helpers::*;
use serde_json::json;

#[actix_rt::test]
async fn a_bad_form_names_each_wrong_field_and_saves_nothing() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (status, body) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "", "phones": ["0101234"], "email": "x@", "birthDate": "2026-02-30"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "bad_request");
    let fields = &body["error"]["fields"];
    for f in ["name", "phones", "email", "birthDate"] {
        assert!(fields[f].is_string(), "{f} named: {body}");
    }
    let (_, found) = app.get("/api/customers?q=0101234", Some(&kim)).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 0);
}

#[actix_rt::test]
async fn a_customer_is_found_by_any_form_of_any_of_their_numbers() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (status, c) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "이영희", "phones": ["010-2468-1357", "02 555 7777"],
                   "email": "yh@example.com", "birthDate": "1988-03-02", "memo": "VIP"}),
        )
        .await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["phone"], "01024681357");
    assert_ne!(
        c["id"], 1,
        "a new customer never takes a seeded customer's id"
    );
    let (_, seeded) = app.get("/api/customers/1", Some(&kim)).await;
    assert_eq!(seeded["name"], "홍길동", "the seeded customer is untouched");
    assert_eq!(c["phones"], json!(["025557777"]));
    for q in [
        "010-2468-1357",
        "01024681357",
        "%2B82%2010%202468%201357",
        "02-555-7777",
    ] {
        let (s, found) = app
            .get(&format!("/api/customers?phone={q}"), Some(&kim))
            .await;
        assert_eq!(s, 200);
        assert_eq!(found["items"][0]["name"], "이영희", "{q}");
    }
    let (_, by_name) = app
        .get("/api/customers?q=%EC%98%81%ED%9D%AC", Some(&kim))
        .await; // 영희
    assert_eq!(by_name["items"][0]["id"], c["id"]);
    let (_, by_part) = app.get("/api/customers?q=1357", Some(&kim)).await;
    assert_eq!(by_part["items"][0]["id"], c["id"]);
    // A number already used by another customer is refused on that field.
    let (s, body) = app
        .post(
            "/api/customers",
            Some(&kim),
            json!({"name": "다른사람", "phones": ["01024681357"]}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["phones"]
        .as_str()
        .unwrap()
        .contains("01024681357"));
    let (s, _) = app.get("/api/customers?phone=hello", Some(&kim)).await;
    assert_eq!(s, 400);
}

#[actix_rt::test]
async fn another_brand_cannot_see_or_change_the_customer() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let choi = app.login("choi").await;
    let (_, found) = app
        .get("/api/customers?phone=010-9999-8888", Some(&kim))
        .await;
    let id = found["items"][0]["id"].as_u64().unwrap();
    let (s, _) = app.get(&format!("/api/customers/{id}"), Some(&choi)).await;
    assert_eq!(s, 404);
    let (_, none) = app
        .get("/api/customers?phone=010-9999-8888", Some(&choi))
        .await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let (s, _) = app
        .put(
            &format!("/api/customers/{id}/blacklist"),
            &choi,
            json!({"blacklisted": true, "reason": "x"}),
        )
        .await;
    assert_eq!(s, 404);
}

#[actix_rt::test]
async fn blacklisting_needs_a_reason_writes_a_memo_and_flags_the_next_call() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let (_, found) = app
        .get("/api/customers?phone=01099998888", Some(&kim.token))
        .await;
    let id = found["items"][0]["id"].as_u64().unwrap();
    let path = format!("/api/customers/{id}/blacklist");
    let audited = app.engine.store.audit_len().unwrap();
    let (s, body) = app
        .put(&path, &kim.token, json!({"blacklisted": true}))
        .await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["reason"].is_string());
    let (s, c) = app
        .put(
            &path,
            &kim.token,
            json!({"blacklisted": true, "reason": "상담사 폭언"}),
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(c["blacklisted"], true);
    let (s, _) = app
        .post(
            &format!("/api/customers/{id}/memos"),
            Some(&kim.token),
            json!({"text": "다음 통화 시 매니저 연결"}),
        )
        .await;
    assert_eq!(s, 201);
    let (_, memos) = app
        .get(&format!("/api/customers/{id}/memos"), Some(&kim.token))
        .await;
    let items = memos["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["text"], "다음 통화 시 매니저 연결", "newest first");
    assert_eq!(items[1]["kind"], "blacklist");
    assert!(items[1]["text"].as_str().unwrap().contains("상담사 폭언"));
    assert_eq!(items[1]["authorName"], "김상담");
    assert_eq!(
        app.engine.store.audit_len().unwrap(),
        audited + 2,
        "the blacklisting and the memo are audited; the refused request is not"
    );
    kim.set("ready").await;
    app.call_in("main", "010-9999-8888").await;
    let offered = kim.expect("call.offered").await;
    assert_eq!(offered["customer"]["blacklisted"], true);
    assert_eq!(offered["customer"]["blacklistReason"], "상담사 폭언");
}

#[actix_rt::test]
async fn an_unknown_caller_saved_during_the_call_pops_next_time_with_history() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.call_in("main", "010-7777-1212").await;
    let offered = kim.expect("call.offered").await;
    assert!(offered["customer"].is_null());
    kim.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
    let (s, c) = app
        .post(
            "/api/customers",
            Some(&kim.token),
            json!({"name": "박신규", "phones": ["010-7777-1212"], "ticketId": ticket}),
        )
        .await;
    assert_eq!(s, 201, "{c}");
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let id = c["id"].as_u64().unwrap();
    let (_, hist) = app
        .get(
            &format!("/api/customers/{id}/consultations"),
            Some(&kim.token),
        )
        .await;
    assert_eq!(hist["items"][0]["ticketId"], ticket.as_str());
    let (_, t2) = app
        .answered_call(&mut kim, "order", "+82 10 7777 1212")
        .await;
    let (_, cons) = app
        .get(&format!("/api/consultations/{t2}"), Some(&kim.token))
        .await;
    assert_eq!(cons["customerId"], id);
    let (_, hist) = app
        .get(
            &format!("/api/customers/{id}/consultations"),
            Some(&kim.token),
        )
        .await;
    let tickets: Vec<&str> = hist["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["ticketId"].as_str().unwrap())
        .collect();
    assert_eq!(tickets, vec![t2.as_str(), ticket.as_str()], "newest first");
}

#[actix_rt::test]
async fn lists_mask_numbers_and_names_for_agents_and_details_do_not() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.answered_call(&mut kim, "main", "010-9999-8888").await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let pushed = kim
        .expect_where("consultations", |v| {
            v["items"][0]["ticketId"] == ticket.as_str()
        })
        .await;
    assert_eq!(
        pushed["items"][0]["number"], "010-****-8888",
        "the desk's list is masked"
    );
    let (_, list) = app.get("/api/consultations", Some(&kim.token)).await;
    assert_eq!(list["items"][0]["number"], "010-****-8888");
    let (_, one) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&kim.token))
        .await;
    assert_eq!(
        one["number"], "01099998888",
        "a single record shows the full number"
    );
    let (_, found) = app
        .get(
            "/api/customers?q=%ED%99%8D%EA%B8%B8%EB%8F%99",
            Some(&kim.token),
        )
        .await; // 홍길동
    assert_eq!(found["items"][0]["name"], "홍*동");
    assert_eq!(found["items"][0]["phone"], "010-****-8888");
    let (_, detail) = app.get("/api/customers/1", Some(&kim.token)).await;
    assert_eq!(detail["name"], "홍길동");
    let (_, hist) = app
        .get("/api/customers/1/consultations", Some(&kim.token))
        .await;
    assert_eq!(hist["items"][0]["number"], "010-****-8888");
    // A manager with the full-view grant sees lists whole.
    let boss = app.login("boss").await;
    let (_, all) = app.get("/api/consultations?scope=brand", Some(&boss)).await;
    assert_eq!(all["items"][0]["number"], "01099998888");
    let (_, found) = app
        .get("/api/customers?q=%ED%99%8D%EA%B8%B8%EB%8F%99", Some(&boss))
        .await;
    assert_eq!(found["items"][0]["name"], "홍길동");
}
