//! 브랜드 설정's links to the outside, through a real server: the mall link and the message
//! carrier are edited in the settings form without their secrets ever coming back, "test
//! connection" and "test send" reach the real (stub) services as typed before saving, a saved
//! link is used by the desks at once, and bad links are refused field by field.

use crate::helpers::*;
use crate::messages::{stub_nhn, Seen};
use crate::orders::{mall_config, stub_mall};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The mall form as the console sends it (the auth header's value only when typed).
fn http_mall(base: &str, secret: Option<&str>) -> Value {
    let c = mall_config(base, "/orders");
    let mut v = json!({
        "kind": "http",
        "orderUrl": c.order_url,
        "phoneUrl": c.phone_url,
        "authHeaderName": "X-Mall-Key",
        "statusCodes": "cafe24",
        "fields": c.fields,
    });
    if let Some(s) = secret {
        v["authHeaderValue"] = json!(s);
    }
    v
}

fn nhn_form(base: &str, secret: Option<&str>) -> Value {
    let mut v = json!({"kind": "nhn", "alimtalkUrl": base, "smsUrl": base, "appKey": "at-app",
                       "smsAppKey": "sms-app", "senderKey": "SENDER-KEY-40", "sendNo": "1588-0000"});
    if let Some(s) = secret {
        v["secretKey"] = json!(s);
    }
    v
}

#[actix_rt::test]
async fn a_mall_link_is_tested_as_typed_saved_without_showing_its_secret_and_used_at_once() {
    let keys: Arc<Mutex<Vec<String>>> = Arc::default();
    let base = stub_mall(keys.clone()).await;
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (_, s) = app.get("/api/admin/settings", Some(&boss)).await;
    assert_eq!(s["mall"]["kind"], "demo");
    // Test connection before saving: the typed link answers with the caller's orders.
    let (st, t) = app
        .post(
            "/api/admin/settings/mall/test",
            Some(&boss),
            json!({"mall": http_mall(&base, Some("mall-secret-1")), "phone": "010-2345-6789"}),
        )
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["ok"], true, "{t}");
    assert_eq!(t["orders"], 2);
    // A mall that is not there is reported in words, not as a failure of the console.
    let (_, t) = app
        .post(
            "/api/admin/settings/mall/test",
            Some(&boss),
            json!({"mall": http_mall("http://127.0.0.1:9", Some("x"))}),
        )
        .await;
    assert_eq!(t["ok"], false);
    assert!(t["error"].as_str().unwrap().contains("쇼핑몰"), "{t}");
    // The test saved nothing: desks still use the demo mall.
    let kim = app.login("kim").await;
    let (s, _) = app.get("/api/orders/20261120-0000123", Some(&kim)).await;
    assert_eq!(s, 200);
    // Save: the secret never comes back, and the desks use the new mall at once.
    let (st, saved) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"mall": http_mall(&base, Some("mall-secret-1"))}),
        )
        .await;
    assert_eq!(st, 200, "{saved}");
    assert_eq!(saved["mall"]["kind"], "http");
    assert_eq!(saved["mall"]["authHeaderSet"], true);
    let (_, shown) = app.get("/api/admin/settings", Some(&boss)).await;
    assert!(!shown.to_string().contains("mall-secret-1"), "{shown}");
    let (s, o) = app.get("/api/orders/A-9", Some(&kim)).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(o["orderNo"], "A-9");
    assert_eq!(keys.lock().unwrap().last().unwrap(), "mall-secret-1");
    // Saving again without the value keeps the stored one; the audit has no secret.
    let mut edited = http_mall(&base, None);
    edited["statusCodes"] = json!("plain");
    let (st, _) = app
        .put("/api/admin/settings", &boss, json!({"mall": edited}))
        .await;
    assert_eq!(st, 200);
    let stored = app.engine.store.brand(1).unwrap().unwrap();
    match stored.mall.unwrap() {
        calldesk::shop::MallLink::Http(c) => {
            assert_eq!(c.auth_header.unwrap().1, "mall-secret-1");
            assert_eq!(c.status_codes, calldesk::shop::http::StatusCodes::Plain);
        }
        other => panic!("{other:?}"),
    }
    let (_, audit) = app
        .get("/api/admin/audit?kind=brand.settings", Some(&boss))
        .await;
    assert!(!audit.to_string().contains("mall-secret-1"));
    assert!(audit.to_string().contains("orderUrl"), "{audit}");
    // No mall: the desks' 주문정보 says there is none.
    let (st, _) = app
        .put("/api/admin/settings", &boss, json!({"mall": null}))
        .await;
    assert_eq!(st, 200);
    let (s, e) = app.get("/api/orders/A-9", Some(&kim)).await;
    assert_eq!(s, 404, "{e}");
}

#[actix_rt::test]
async fn bad_links_are_refused_field_by_field_and_change_nothing() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (st, e) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"name": "바뀌면 안 됨",
                   "mall": {"kind": "http", "orderUrl": "ftp://x", "phoneUrl": "https://m/orders",
                            "authHeaderName": "X-Key", "statusCodes": "cafe24",
                            "fields": {"orderNo": "order_id"}},
                   "messaging": {"kind": "nhn", "appKey": "a", "smsAppKey": "b", "senderKey": "c",
                                 "sendNo": "abc"}}),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    let fields: Vec<&str> = e["error"]["fields"]
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for f in [
        "mall.orderUrl",
        "mall.phoneUrl",
        "mall.fields",
        "mall.authHeaderValue",
        "messaging.sendNo",
        "messaging.secretKey",
    ] {
        assert!(fields.contains(&f), "{f} in {e}");
    }
    let (_, s) = app.get("/api/admin/settings", Some(&boss)).await;
    assert_ne!(s["name"], "바뀌면 안 됨");
    assert_eq!(s["mall"]["kind"], "demo");
    assert_eq!(s["messaging"]["kind"], "outbox");
    // Agents may not test links.
    let kim = app.login("kim").await;
    let (st, _) = app
        .post("/api/admin/settings/mall/test", Some(&kim), json!({}))
        .await;
    assert_eq!(st, 403);
    let (st, _) = app
        .post(
            "/api/admin/settings/messaging/test",
            Some(&kim),
            json!({"to": "010-1234-5678"}),
        )
        .await;
    assert_eq!(st, 403);
}

#[actix_rt::test]
async fn a_carrier_is_test_sent_as_typed_saved_without_its_secret_and_used_at_once() {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let base = stub_nhn(seen.clone()).await;
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    // The outbox "sends" without a carrier, and says so.
    let (st, t) = app
        .post(
            "/api/admin/settings/messaging/test",
            Some(&boss),
            json!({"to": "010-1234-5678"}),
        )
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["outbox"], true);
    // Test send through NHN as typed: the stub gets one SMS with the secret key.
    let (st, t) = app
        .post(
            "/api/admin/settings/messaging/test",
            Some(&boss),
            json!({"messaging": nhn_form(&base, Some("nhn-secret-9")), "to": "010-1234-5678"}),
        )
        .await;
    assert_eq!(st, 200, "{t}");
    assert_eq!(t["ok"], true, "{t}");
    assert_eq!(t["outbox"], false);
    {
        let seen = seen.lock().unwrap();
        let (path, secret, body) = seen.requests.last().unwrap();
        assert_eq!(path, "/sms/v3.0/appKeys/sms-app/sender/sms");
        assert_eq!(secret, "nhn-secret-9");
        assert_eq!(body["sendNo"], "15880000");
        assert!(body["body"].as_str().unwrap().contains("시험"), "{body}");
    }
    // A number the carrier refuses is reported with its reason.
    let (_, t) = app
        .post(
            "/api/admin/settings/messaging/test",
            Some(&boss),
            json!({"messaging": nhn_form(&base, Some("nhn-secret-9")), "to": "010-0000-0000"}),
        )
        .await;
    assert_eq!(t["ok"], false);
    assert!(t["reason"].as_str().unwrap().contains("수신번호"), "{t}");
    // A landline is not a test number.
    let (st, e) = app
        .post(
            "/api/admin/settings/messaging/test",
            Some(&boss),
            json!({"to": "02-123-4567"}),
        )
        .await;
    assert_eq!(st, 400, "{e}");
    // Save: never shown back; agents' messages go through NHN at once.
    let (st, saved) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"messaging": nhn_form(&base, Some("nhn-secret-9"))}),
        )
        .await;
    assert_eq!(st, 200, "{saved}");
    assert_eq!(saved["messaging"]["kind"], "nhn");
    assert_eq!(saved["messaging"]["secretKeySet"], true);
    assert!(!saved.to_string().contains("nhn-secret-9"));
    let before = seen.lock().unwrap().requests.len();
    let kim = app.login("kim").await;
    let (st, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": "010-2222-3333", "body": "안내드립니다"}),
        )
        .await;
    assert_eq!(st, 201, "{m}");
    let mut sent = false;
    for _ in 0..50 {
        if seen.lock().unwrap().requests.len() > before {
            sent = true;
            break;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(sent, "the agent's message went to the newly linked carrier");
    // Test sends are audited, masked.
    let (_, audit) = app
        .get("/api/admin/audit?kind=messaging.test", Some(&boss))
        .await;
    let items = audit["items"].as_array().unwrap();
    assert_eq!(items.len(), 3, "{audit}");
    assert!(
        !audit.to_string().contains("01012345678"),
        "masked: {audit}"
    );
}
