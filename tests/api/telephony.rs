//! The telephony gateway's key and validation, and PBX commands sent as webhooks.

use crate::helpers::*;
use serde_json::{json, Value};

#[actix_rt::test]
async fn the_gateway_refuses_a_missing_or_wrong_key() {
    let app = spawn_app().await;
    let body = json!({"service": "main", "from": "010-1234-5678"});
    let res = client()
        .post(app.url("/api/telephony/calls"))
        .send_json(&body)
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let mut res = client()
        .post(app.url("/api/telephony/calls"))
        .insert_header(("X-Telephony-Key", "wrong"))
        .send_json(&body)
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthorized");
}

#[actix_rt::test]
async fn the_gateway_validates_what_it_is_told() {
    let app = spawn_app().await;
    let (s, b) = app
        .telephony(
            "/api/telephony/calls",
            json!({"service": "nope", "from": "010-1234-5678"}),
        )
        .await;
    assert_eq!((s, b["error"]["code"].as_str()), (404, Some("not_found")));
    let (s, b) = app
        .telephony(
            "/api/telephony/calls",
            json!({"service": "main", "from": "hello"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(b["error"]["message"].as_str().unwrap().contains("from"));
    let (s, _) = app
        .telephony("/api/telephony/calls", json!({"service": "main"}))
        .await;
    assert_eq!(s, 400);
    let (s, _) = app
        .telephony("/api/telephony/calls/abc/hangup", json!({}))
        .await;
    assert_eq!(s, 400);
    let (_, t1) = app.call_in("main", "+82 10-1234-5678").await;
    let (_, t2) = app.call_in("other", "02-555-1234").await;
    assert_ne!(t1, t2);
    assert!(
        t1.starts_with("T20261123-"),
        "ticket carries the Seoul date: {t1}"
    );
}

#[actix_rt::test]
async fn pbx_commands_go_out_as_webhooks() {
    let (url, got) = pbx_sink().await;
    let app = spawn_app_with(Opts {
        webhook: Some(url),
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.call_in("main", "010-1234-5678").await;
    kim.expect("call.offered").await;
    kim.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.ok(json!({"type": "call.dial", "number": "010-7777-6666"}))
        .await;
    let seen = commands_seen(&got, 4).await;
    let kinds: Vec<&str> = seen
        .iter()
        .map(|v| v["command"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["ring", "bridge", "hangup", "originate"]);
    assert_eq!(seen[0]["extension"], "2001");
    assert_eq!(seen[0]["callId"], call_id);
    assert_eq!(seen[0]["ticketId"], ticket.as_str());
    assert_eq!(seen[0]["externalId"], "pbx-1");
    assert_eq!(seen[0]["__key"], KEY);
    assert_eq!(seen[3]["number"], "01077776666");
}

/// A block that runs dry before the next one's reservation has landed (a slow disk, a busy
/// node) waits for that reservation instead of reserving another: the numbers keep their order
/// and no block is reserved twice.
#[actix_rt::test]
async fn a_dry_block_waits_for_the_reservation_on_its_way() {
    use calldesk::engine::ids::{BLOCK, REFILL_AT};
    let app = spawn_app().await;
    let engine = &app.engine;
    let counter = "load-test/dry";
    let mut got = Vec::new();
    // Every number of the first block taken without yielding once: the background reservation
    // (asked at `REFILL_AT` left) cannot have been installed when the block runs dry.
    for _ in 0..BLOCK {
        got.push(engine.next_number(counter).await.unwrap());
    }
    const { assert!(REFILL_AT < BLOCK) };
    for _ in 0..10 {
        got.push(engine.next_number(counter).await.unwrap());
    }
    let expected: Vec<u64> = (1..=BLOCK + 10).collect();
    assert_eq!(got, expected, "in order, none skipped, none twice");
    assert_eq!(
        engine.store.counter(counter).unwrap(),
        2 * BLOCK,
        "one block reserved ahead, none reserved twice"
    );
}

/// Call and ticket numbers come from blocks reserved in the store; the next block is reserved
/// while the current one still has `REFILL_AT` left, so no call waits for the disk to be
/// numbered, and the numbers run on without a gap or a repeat.
#[actix_rt::test]
async fn numbers_run_on_into_a_block_reserved_ahead() {
    use calldesk::engine::ids::{BLOCK, REFILL_AT};
    let app = spawn_app().await;
    let engine = &app.engine;
    let counter = "load-test/numbers";
    let mut got = Vec::new();
    for _ in 1..(BLOCK - REFILL_AT) {
        got.push(engine.next_number(counter).await.unwrap());
    }
    assert_eq!(engine.store.counter(counter).unwrap(), BLOCK);
    // The next number leaves the block low: another block is reserved in the background.
    got.push(engine.next_number(counter).await.unwrap());
    let mut reserved = 0;
    for _ in 0..200 {
        reserved = engine.store.counter(counter).unwrap();
        if reserved == 2 * BLOCK {
            break;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(
        reserved,
        2 * BLOCK,
        "the next block is reserved ahead, once"
    );
    while got.len() < (BLOCK + BLOCK / 2) as usize {
        got.push(engine.next_number(counter).await.unwrap());
    }
    let expected: Vec<u64> = (1..=BLOCK + BLOCK / 2).collect();
    assert_eq!(got, expected, "in order, none skipped, none twice");
    assert_eq!(
        engine.store.counter(counter).unwrap(),
        2 * BLOCK,
        "half-way through the second block nothing more is reserved"
    );
}
