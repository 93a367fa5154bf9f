//! 문자발송: SMS / LMS byte limits (90/91, 2,000/2,001, 40-byte titles), emoji refused, mobile
//! numbers only, AlimTalk templates (managers only) and their variables, the result pushed to
//! the sender and kept in the customer's history, a retried send sent once, the NHN-shaped HTTP
//! provider against a local stub (fallback, refusals, 5xx), and the outbox after a restart.

use crate::helpers::*;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use calldesk::domain::clock::ManualClock;
use calldesk::messaging::nhn::NhnConfig;
use calldesk::messaging::MessagingLink;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const HONG: &str = "010-9999-8888";

/// Polls the message until the provider's answer is recorded.
async fn settled(app: &TestApp, token: &str, id: u64) -> Value {
    for _ in 0..200 {
        let (s, m) = app.get(&format!("/api/messages/{id}"), Some(token)).await;
        assert_eq!(s, 200, "{m}");
        if m["status"] != "queued" {
            return m;
        }
        actix_rt::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("message {id} never left the outbox");
}

async fn history(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, h) = app.get("/api/messages?customerId=1", Some(token)).await;
    assert_eq!(s, 200, "{h}");
    h["items"].as_array().unwrap().clone()
}

fn field<'a>(e: &'a Value, f: &str) -> &'a str {
    e["error"]["fields"][f]
        .as_str()
        .unwrap_or_else(|| panic!("no field {f} in {e}"))
}

#[actix_rt::test]
async fn ninety_bytes_go_as_sms_ninety_one_as_lms_and_2001_are_refused() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let t = kim.token.clone();
    let send = |body: Value| {
        let app = &app;
        let t = t.clone();
        async move { app.post("/api/messages", Some(&t), body).await }
    };
    let (s, m) = send(json!({"to": HONG, "body": "가".repeat(45)})).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(
        (m["kind"].as_str(), m["bytes"].as_u64()),
        (Some("sms"), Some(90))
    );
    assert_eq!(
        m["status"], "queued",
        "answered once stored, before the provider"
    );
    assert_eq!(m["customerId"], 1, "the number is 홍길동's");
    let pushed = kim.expect_where("message", |f| f["id"] == m["id"]).await;
    assert_eq!(pushed["status"], "sent");
    assert_eq!(pushed["sentAs"], "sms");

    let (s, m) = send(json!({"to": HONG, "body": format!("{}a", "가".repeat(45))})).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(
        (m["kind"].as_str(), m["bytes"].as_u64()),
        (Some("lms"), Some(91))
    );
    let (s, e) =
        send(json!({"to": HONG, "kind": "sms", "body": format!("{}a", "가".repeat(45))})).await;
    assert_eq!(s, 400, "an SMS asked for explicitly stops at 90 bytes: {e}");
    assert!(field(&e, "body").contains("91"));

    let (s, m) =
        send(json!({"to": HONG, "title": "안내".repeat(10), "body": "나".repeat(1000)})).await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(
        (m["kind"].as_str(), m["bytes"].as_u64()),
        (Some("lms"), Some(2000))
    );
    assert_eq!(m["title"], "안내".repeat(10), "a 40-byte title is fine");
    let before = history(&app, &t).await.len();
    let (s, e) = send(json!({"to": HONG, "body": format!("{}.", "나".repeat(1000))})).await;
    assert_eq!(s, 400, "{e}");
    assert_eq!(e["error"]["code"], "bad_request");
    assert!(field(&e, "body").contains("2001"), "{e}");
    let (s, e) =
        send(json!({"to": HONG, "title": format!("{}a", "안내".repeat(10)), "body": "본문"})).await;
    assert_eq!(s, 400);
    assert!(field(&e, "title").contains("41"), "{e}");
    let (s, e) = send(json!({"to": HONG, "body": "감사합니다 😀"})).await;
    assert_eq!(s, 400);
    assert!(field(&e, "body").contains('😀'), "the emoji is named: {e}");
    let (s, e) = send(json!({"to": "02-123-4567", "body": "안녕하세요"})).await;
    assert_eq!(s, 400);
    assert!(field(&e, "to").contains("휴대전화"), "{e}");
    let (s, _) = send(json!({"to": "nope", "body": "x"})).await;
    assert_eq!(s, 400);
    assert_eq!(
        history(&app, &t).await.len(),
        before,
        "refused messages are not kept"
    );
}

#[actix_rt::test]
async fn the_history_shows_each_result_newest_first_and_masks_for_agents() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (_, a) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "body": "첫 번째"}),
        )
        .await;
    let (_, b) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "body": "두 번째"}),
        )
        .await;
    settled(&app, &kim, a["id"].as_u64().unwrap()).await;
    settled(&app, &kim, b["id"].as_u64().unwrap()).await;
    let h = history(&app, &kim).await;
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["body"], "두 번째", "newest first");
    assert_eq!(h[0]["status"], "sent");
    assert_eq!(h[0]["agentName"], "김상담");
    assert_eq!(h[0]["to"], "010-****-8888", "agents see masked numbers");
    let boss = app.login("boss").await;
    let (_, by_number) = app
        .get("/api/messages?number=01099998888", Some(&boss))
        .await;
    assert_eq!(by_number["items"][0]["to"], "01099998888");
    let choi = app.login("choi").await;
    let (s, _) = app
        .get(&format!("/api/messages/{}", a["id"]), Some(&choi))
        .await;
    assert_eq!(s, 404, "another brand's message is not there");
    let (s, _) = app.get("/api/messages", Some(&kim)).await;
    assert_eq!(s, 400, "a customer or a number is needed");
}

#[actix_rt::test]
async fn a_retried_send_with_the_same_key_is_sent_once() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let body = json!({"to": HONG, "body": "한 번만"});
    let (s1, m1) = app
        .post_keyed("/api/messages", &kim, "k-1", body.clone())
        .await;
    let (s2, m2) = app
        .post_keyed("/api/messages", &kim, "k-1", body.clone())
        .await;
    assert_eq!((s1, s2), (201, 200), "{m1} {m2}");
    assert_eq!(m1["id"], m2["id"]);
    settled(&app, &kim, m1["id"].as_u64().unwrap()).await;
    assert_eq!(history(&app, &kim).await.len(), 1);
    let racing = json!({"to": HONG, "body": "동시에 두 번"});
    let (a, b) = futures_util::join!(
        app.post_keyed("/api/messages", &kim, "k-2", racing.clone()),
        app.post_keyed("/api/messages", &kim, "k-2", racing.clone()),
    );
    assert_eq!(a.1["id"], b.1["id"], "two racing retries store one message");
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);
    assert_eq!(history(&app, &kim).await.len(), 2);
    let (s, _) = app
        .post_keyed("/api/messages", &kim, "bad key!", body)
        .await;
    assert_eq!(s, 400);
}

async fn order_template(app: &TestApp, boss: &str) {
    let (s, t) = app
        .post(
            "/api/messages/templates",
            Some(boss),
            json!({"code": "ORDER_OK", "name": "주문 확인",
                   "body": "#{고객명}님, 주문 #{주문번호}이 접수되었습니다."}),
        )
        .await;
    assert_eq!(s, 201, "{t}");
    assert_eq!(t["variables"], json!(["고객명", "주문번호"]));
}

#[actix_rt::test]
async fn managers_keep_alimtalk_templates_and_agents_fill_their_variables() {
    let app = spawn_app().await;
    let mut kim = app.desk("kim").await;
    let t = kim.token.clone();
    let boss = app.login("boss").await;
    let tpl = json!({"code": "X1", "name": "n", "body": "#{a}"});
    let (s, _) = app.post("/api/messages/templates", Some(&t), tpl).await;
    assert_eq!(s, 403, "agents do not manage templates");
    order_template(&app, &boss).await;
    let (s, _) = app
        .post(
            "/api/messages/templates",
            Some(&boss),
            json!({"code": "ORDER_OK", "name": "중복", "body": "x"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, e) = app
        .post(
            "/api/messages/templates",
            Some(&boss),
            json!({"code": "BAD", "name": "깨진", "body": "#{고객명님"}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(field(&e, "body").contains("닫히지"), "{e}");
    let (_, list) = app.get("/api/messages/templates", Some(&t)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let send = |vars: Value, fallback: bool| {
        let app = &app;
        let t = t.clone();
        async move {
            app.post(
                "/api/messages",
                Some(&t),
                json!({"to": HONG, "kind": "alimtalk", "templateCode": "ORDER_OK",
                       "variables": vars, "fallback": fallback}),
            )
            .await
        }
    };
    let (s, e) = send(json!({"고객명": "홍길동"}), false).await;
    assert_eq!(s, 400);
    assert!(field(&e, "variables.주문번호").contains("입력"), "{e}");
    let (s, e) = send(
        json!({"고객명": "홍길동", "주문번호": "1", "배송사": "CJ"}),
        false,
    )
    .await;
    assert_eq!(s, 400, "a variable the template lacks is refused");
    assert!(field(&e, "variables.배송사").contains("없습니다"));
    let (s, e) = send(json!({"고객명": "홍길동 😀", "주문번호": "1"}), true).await;
    assert_eq!(s, 400, "a fallback must be plain text: {e}");
    assert!(field(&e, "fallback").contains('😀'));
    let (s, e) = app
        .post(
            "/api/messages",
            Some(&t),
            json!({"to": HONG, "kind": "alimtalk", "templateCode": "NOPE", "variables": {}}),
        )
        .await;
    assert_eq!(s, 400);
    assert!(field(&e, "templateCode").contains("NOPE"));

    let (s, m) = send(
        json!({"고객명": "홍길동", "주문번호": "20261123-0001"}),
        true,
    )
    .await;
    assert_eq!(s, 201, "{m}");
    assert_eq!(m["body"], "홍길동님, 주문 20261123-0001이 접수되었습니다.");
    assert_eq!(m["templateName"], "주문 확인");
    let done = kim.expect_where("message", |f| f["id"] == m["id"]).await;
    assert_eq!(done["status"], "sent");
    assert_eq!(done["sentAs"], "alimtalk");
    let h = history(&app, &t).await;
    assert_eq!(h[0]["variables"]["주문번호"], "20261123-0001");

    let (s, e) = app
        .put(
            "/api/messages/templates/ORDER_OK",
            &boss,
            json!({"name": "주문 접수", "body": "#{고객명}님 감사합니다"}),
        )
        .await;
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["variables"], json!(["고객명"]));
    let (s, _) = app.delete("/api/messages/templates/ORDER_OK", &t).await;
    assert_eq!(s, 403);
    let (s, _) = app.delete("/api/messages/templates/ORDER_OK", &boss).await;
    assert_eq!(s, 200);
    let (s, _) = app.delete("/api/messages/templates/ORDER_OK", &boss).await;
    assert_eq!(s, 404);
}

// ---- the NHN-shaped provider against a stub --------------------------------------------------

#[derive(Default)]
pub(crate) struct Seen {
    pub(crate) requests: Vec<(String, String, Value)>,
}

/// A stub of NHN Cloud's AlimTalk and SMS APIs: template `UNAPPROVED` is refused, recipient
/// 01000000000 is refused by the SMS API, recipient 01055555555 gets HTTP 500, and path segment
/// `slow` never answers in time.
pub(crate) async fn stub_nhn(seen: Arc<Mutex<Seen>>) -> String {
    let server = HttpServer::new(move || {
        let seen = seen.clone();
        App::new()
            .app_data(web::Data::new(seen))
            .default_service(web::to(
                |req: HttpRequest, body: web::Json<Value>, seen: web::Data<Arc<Mutex<Seen>>>| async move {
                    let key = req
                        .headers()
                        .get("x-secret-key")
                        .map(|v| v.to_str().unwrap().to_string())
                        .unwrap_or_default();
                    let path = req.path().to_string();
                    seen.lock()
                        .unwrap()
                        .requests
                        .push((path.clone(), key, body.0.clone()));
                    let to = body["recipientList"][0]["recipientNo"].as_str().unwrap_or("");
                    if path.contains("/slow/") {
                        actix_rt::time::sleep(Duration::from_secs(30)).await;
                    }
                    if to == "01055555555" {
                        return HttpResponse::InternalServerError().finish();
                    }
                    if path.contains("/alimtalk/") {
                        if body["templateCode"] == "UNAPPROVED" {
                            return HttpResponse::Ok().json(json!({"header": {"isSuccessful": false,
                                "resultCode": -3000, "resultMessage": "템플릿이 승인되지 않았습니다"}}));
                        }
                        return HttpResponse::Ok().json(json!({"header": {"isSuccessful": true,
                            "resultCode": 0, "resultMessage": "SUCCESS"},
                            "message": {"requestId": "AT-1", "sendResults": [{"recipientSeq": 1,
                            "recipientNo": to, "resultCode": 0, "resultMessage": "SUCCESS"}]}}));
                    }
                    let code = if to == "01000000000" { -1012 } else { 0 };
                    HttpResponse::Ok().json(json!({"header": {"isSuccessful": true, "resultCode": 0},
                        "body": {"data": {"requestId": "SMS-1", "sendResultList": [{"recipientNo": to,
                        "resultCode": code, "resultMessage": if code == 0 { "SUCCESS" } else { "수신번호 오류" }}]}}}))
                },
            ))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    actix_rt::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

fn nhn(base: &str, app_key: &str) -> MessagingLink {
    MessagingLink::Nhn(Box::new(NhnConfig {
        alimtalk_url: base.into(),
        sms_url: base.into(),
        app_key: app_key.into(),
        sms_app_key: "sms-app".into(),
        secret_key: "s3cret".into(),
        sender_key: "SENDER-KEY-40".into(),
        send_no: "15880000".into(),
    }))
}

#[actix_rt::test]
async fn the_nhn_provider_sends_alimtalk_with_sender_key_parameters_and_fallback() {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let base = stub_nhn(seen.clone()).await;
    let app = spawn_app_with(Opts {
        messaging: Some(nhn(&base, "at-app")),
        ..Opts::default()
    })
    .await;
    let boss = app.login("boss").await;
    order_template(&app, &boss).await;
    let (s, _) = app
        .post(
            "/api/messages/templates",
            Some(&boss),
            json!({"code": "UNAPPROVED", "name": "미승인", "body": "#{고객명}님 안내드립니다."}),
        )
        .await;
    assert_eq!(s, 201);
    let kim = app.login("kim").await;
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "kind": "alimtalk", "templateCode": "ORDER_OK", "fallback": true,
                   "variables": {"고객명": "홍길동", "주문번호": "A-1"}}),
        )
        .await;
    let id = m["id"].as_u64().unwrap();
    let done = settled(&app, &kim, id).await;
    assert_eq!(done["status"], "sent", "{done}");
    assert_eq!(done["providerRef"], "AT-1");
    {
        let seen = seen.lock().unwrap();
        let (path, secret, body) = &seen.requests[0];
        assert_eq!(path, "/alimtalk/v2.3/appkeys/at-app/messages");
        assert_eq!(secret, "s3cret");
        assert_eq!(body["senderKey"], "SENDER-KEY-40");
        assert_eq!(body["templateCode"], "ORDER_OK");
        assert_eq!(body["senderGroupingKey"], format!("calldesk-1-{id}"));
        let r = &body["recipientList"][0];
        assert_eq!(r["recipientNo"], "01099998888");
        assert_eq!(r["templateParameter"]["주문번호"], "A-1");
        assert_eq!(r["resendParameter"]["isResend"], true);
        assert_eq!(r["resendParameter"]["resendType"], "SMS");
        assert_eq!(r["resendParameter"]["resendSendNo"], "15880000");
        assert_eq!(
            r["resendParameter"]["resendContent"],
            "홍길동님, 주문 A-1이 접수되었습니다."
        );
    }

    // Refused AlimTalk: with a fallback it goes out as SMS; without, it fails with the reason.
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "kind": "alimtalk", "templateCode": "UNAPPROVED", "fallback": true,
                   "variables": {"고객명": "홍길동"}}),
        )
        .await;
    let done = settled(&app, &kim, m["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "sent", "{done}");
    assert_eq!(done["sentAs"], "sms");
    assert!(done["reason"].as_str().unwrap().contains("승인"), "{done}");
    assert_eq!(
        seen.lock().unwrap().requests.last().unwrap().0,
        "/sms/v3.0/appKeys/sms-app/sender/sms"
    );
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "kind": "alimtalk", "templateCode": "UNAPPROVED",
                   "variables": {"고객명": "홍길동"}}),
        )
        .await;
    let done = settled(&app, &kim, m["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert!(
        done["reason"]
            .as_str()
            .unwrap()
            .contains("템플릿이 승인되지 않았습니다 (-3000)"),
        "{done}"
    );
    let h = history(&app, &kim).await;
    assert_eq!(h[0]["status"], "failed", "the failure is in the history");
}

#[actix_rt::test]
async fn the_nhn_provider_sends_lms_and_reports_refusals_and_server_errors() {
    let seen: Arc<Mutex<Seen>> = Arc::default();
    let base = stub_nhn(seen.clone()).await;
    let app = spawn_app_with(Opts {
        messaging: Some(nhn(&base, "at-app")),
        ..Opts::default()
    })
    .await;
    let kim = app.login("kim").await;
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": HONG, "title": "배송 안내", "body": "긴 안내문입니다. ".repeat(10)}),
        )
        .await;
    let done = settled(&app, &kim, m["id"].as_u64().unwrap()).await;
    assert_eq!(
        (done["status"].as_str(), done["sentAs"].as_str()),
        (Some("sent"), Some("lms"))
    );
    {
        let seen = seen.lock().unwrap();
        let (path, _, body) = seen.requests.last().unwrap();
        assert_eq!(path, "/sms/v3.0/appKeys/sms-app/sender/mms");
        assert_eq!(body["title"], "배송 안내");
        assert_eq!(body["sendNo"], "15880000");
    }
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": "010-0000-0000", "body": "안녕"}),
        )
        .await;
    let done = settled(&app, &kim, m["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert_eq!(done["reason"], "수신번호 오류 (-1012)");
    let before = seen.lock().unwrap().requests.len();
    let (_, m) = app
        .post(
            "/api/messages",
            Some(&kim),
            json!({"to": "010-5555-5555", "body": "안녕"}),
        )
        .await;
    let done = settled(&app, &kim, m["id"].as_u64().unwrap()).await;
    assert_eq!(done["status"], "failed");
    assert!(
        done["reason"].as_str().unwrap().contains("HTTP 500"),
        "{done}"
    );
    assert_eq!(
        seen.lock().unwrap().requests.len() - before,
        3,
        "a 5xx is tried three times"
    );
}

#[test]
fn a_message_the_carrier_had_not_answered_is_sent_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let clock = ManualClock::new(morning());
    let (p1, c1) = (path.clone(), clock.clone());
    let id = life(move || {
        Box::pin(async move {
            let seen: Arc<Mutex<Seen>> = Arc::default();
            let base = stub_nhn(seen.clone()).await;
            let app = spawn_app_with(Opts {
                data_dir: Some(p1),
                clock: Some(c1),
                messaging: Some(nhn(&format!("{base}/slow"), "at-app")),
                ..Opts::default()
            })
            .await;
            let kim = app.login("kim").await;
            let (s, m) = app
                .post(
                    "/api/messages",
                    Some(&kim),
                    json!({"to": HONG, "body": "재시작 전"}),
                )
                .await;
            assert_eq!(s, 201, "{m}");
            for _ in 0..100 {
                if !seen.lock().unwrap().requests.is_empty() {
                    break;
                }
                actix_rt::time::sleep(Duration::from_millis(20)).await;
            }
            assert_eq!(
                seen.lock().unwrap().requests.len(),
                1,
                "handed to the carrier"
            );
            app.stop().await;
            m["id"].as_u64().unwrap()
        })
    });
    life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(path),
                clock: Some(clock),
                ..Opts::default()
            })
            .await;
            let kim = app.login("kim").await;
            let done = settled(&app, &kim, id).await;
            assert_eq!(done["status"], "sent");
            assert_eq!(done["body"], "재시작 전");
            assert_eq!(done["providerRef"], format!("outbox-calldesk-1-{id}"));
            app.stop().await;
        })
    });
}
