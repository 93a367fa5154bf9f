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

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
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
