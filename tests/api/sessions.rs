//! Sessions and sign-in (F-AUTH): tokens are stored only as hashes, sessions expire when idle
//! and when too old, failed logins lock a login for a while (audited), a deactivated person is
//! refused.

use crate::helpers::*;
use calldesk::store::token_hash;
use serde_json::{json, Value};

async fn login_as(app: &TestApp, login: &str, password: &str) -> (u16, Value) {
    app.post(
        "/api/login",
        None,
        json!({"login": login, "password": password}),
    )
    .await
}

#[test]
fn tokens_are_stored_only_as_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let p = path.clone();
    let token = life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(p),
                ..Opts::default()
            })
            .await;
            let token = app.login("kim").await;
            assert!(app.engine.store.session(&token).unwrap().is_none());
            assert!(app
                .engine
                .store
                .session(&token_hash(&token))
                .unwrap()
                .is_some());
            app.stop().await;
            token
        })
    });
    let bytes = std::fs::read(path.join("calldesk.redb")).unwrap();
    let found = bytes.windows(token.len()).any(|w| w == token.as_bytes());
    assert!(!found, "the plain token is nowhere in the data file");
}

#[actix_rt::test]
async fn a_session_expires_after_12_idle_hours_but_not_while_used() {
    let app = spawn_app().await;
    let token = app.login("kim").await;
    app.clock.advance_secs(11 * 3600);
    assert_eq!(
        app.get("/api/me", Some(&token)).await.0,
        200,
        "used at 11 h"
    );
    app.clock.advance_secs(11 * 3600);
    assert_eq!(
        app.get("/api/me", Some(&token)).await.0,
        200,
        "11 h after the last use"
    );
    app.clock.advance_secs(12 * 3600 + 1);
    let (status, body) = app.get("/api/me", Some(&token)).await;
    assert_eq!(status, 401);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("만료"),
        "{body}"
    );
    // Gone for good, not only refused.
    settle().await;
    assert!(app
        .engine
        .store
        .session(&token_hash(&token))
        .unwrap()
        .is_none());
}

#[actix_rt::test]
async fn a_session_ends_after_7_days_however_much_it_is_used() {
    let app = spawn_app().await;
    let token = app.login("kim").await;
    for _ in 0..16 {
        app.clock.advance_secs(10 * 3600);
        assert_eq!(app.get("/api/me", Some(&token)).await.0, 200);
    }
    app.clock.advance_secs(10 * 3600);
    assert_eq!(
        app.get("/api/me", Some(&token)).await.0,
        401,
        "170 h > 7 days"
    );
}

#[actix_rt::test]
async fn five_failures_lock_the_login_for_15_minutes_even_for_the_right_password() {
    let app = spawn_app().await;
    for i in 0..5 {
        let (status, body) = login_as(&app, "kim", "wrong-password").await;
        assert_eq!(status, 401, "attempt {i}: {body}");
        assert_eq!(body["error"]["code"], "bad_credentials");
    }
    let (status, body) = login_as(&app, "kim", PASSWORD).await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["error"]["code"], "too_many_attempts");
    // Another login is not affected; the same login in other letter case is.
    assert_eq!(login_as(&app, "lee", PASSWORD).await.0, 200);
    assert_eq!(login_as(&app, "KIM", PASSWORD).await.0, 429);
    let from = app.clock_now() - chrono::Duration::hours(1);
    let to = app.clock_now() + chrono::Duration::hours(1);
    let trail = app
        .engine
        .store
        .audit_entries(from, to, 100, |v| {
            v["login"] == "kim" || v["login"] == "KIM"
        })
        .unwrap();
    let actions: Vec<&str> = trail
        .iter()
        .map(|v| v["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "login.failed").count(),
        5,
        "{actions:?}"
    );
    assert_eq!(actions.iter().filter(|a| **a == "login.locked").count(), 1);
    app.clock.advance_secs(15 * 60 + 1);
    assert_eq!(
        login_as(&app, "kim", PASSWORD).await.0,
        200,
        "unlocked after 15 min"
    );
}

#[actix_rt::test]
async fn the_lock_says_when_to_try_again() {
    let app = spawn_app().await;
    for _ in 0..5 {
        login_as(&app, "park", "nope-nope-nope").await;
    }
    app.clock.advance_secs(60);
    let res = client()
        .post(app.url("/api/login"))
        .send_json(&json!({"login": "park", "password": PASSWORD}))
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    let after: u64 = res
        .headers()
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(after, 14 * 60, "15 minutes from the fifth failure");
}

#[actix_rt::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for (path, expect) in [
        ("/healthz", 200),
        ("/login", 200),
        ("/api/me", 401),
        ("/api/nope", 404),
    ] {
        let res = client().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status().as_u16(), expect, "{path}");
        let h = |name: &str| {
            res.headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let csp = h("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(h("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(h("referrer-policy"), "same-origin", "{path}");
    }
}

#[actix_rt::test]
async fn changing_my_password_checks_the_current_one_and_the_rules_and_ends_my_other_sessions() {
    let app = spawn_app().await;
    let mut phone = app.desk("kim").await; // another device
    let token = app.login("kim").await;
    let change = |current: &str, new: &str| json!({"current": current, "new": new});
    let (s, body) = app
        .post(
            "/api/me/password",
            Some(&token),
            change("wrong", "blue-harbor-lamp"),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(body["error"]["fields"]["current"].is_string(), "{body}");
    let (s, body) = app
        .post("/api/me/password", Some(&token), change(PASSWORD, "kim"))
        .await;
    assert_eq!(s, 400);
    assert!(body["error"]["fields"]["new"]
        .as_str()
        .unwrap()
        .contains("10자"));
    let (s, body) = app
        .post(
            "/api/me/password",
            Some(&token),
            change(PASSWORD, "blue-harbor-lamp"),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["sessionsEnded"], 1);
    let closed = phone.expect("__closed").await;
    assert!(
        closed["reason"].as_str().unwrap().contains("password"),
        "{closed}"
    );
    assert_eq!(app.get("/api/me", Some(&phone.token)).await.0, 401);
    assert_eq!(
        app.get("/api/me", Some(&token)).await.0,
        200,
        "this session stays"
    );
    assert_eq!(login_as(&app, "kim", PASSWORD).await.0, 401);
    assert_eq!(login_as(&app, "kim", "blue-harbor-lamp").await.0, 200);
}

#[actix_rt::test]
async fn i_see_my_sessions_and_sign_the_others_out() {
    let app = spawn_app().await;
    let mut other = app.desk("kim").await;
    let token = app.login("kim").await;
    let lee = app.login("lee").await;
    let (_, list) = app.get("/api/me/sessions", Some(&token)).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    assert_eq!(items.iter().filter(|i| i["current"] == true).count(), 1);
    let theirs = items.iter().find(|i| i["current"] == false).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        theirs,
        token_hash(&other.token),
        "ids are hashes, never tokens"
    );
    // Not mine: not found; mine now: refused (use logout).
    let (_, lees) = app.get("/api/me/sessions", Some(&lee)).await;
    let lee_id = lees["items"][0]["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.delete(&format!("/api/me/sessions/{lee_id}"), &token)
            .await
            .0,
        404
    );
    let mine = token_hash(&token);
    assert_eq!(
        app.delete(&format!("/api/me/sessions/{mine}"), &token)
            .await
            .0,
        409
    );
    let (s, _) = app
        .delete(&format!("/api/me/sessions/{theirs}"), &token)
        .await;
    assert_eq!(s, 200);
    let closed = other.expect("__closed").await;
    assert!(closed["reason"]
        .as_str()
        .unwrap()
        .contains("another session"));
    assert_eq!(app.get("/api/me", Some(&other.token)).await.0, 401);
    assert_eq!(app.get("/api/me", Some(&lee)).await.0, 200);
    let (_, list) = app.get("/api/me/sessions", Some(&token)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
