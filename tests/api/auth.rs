//! Login, tokens, the socket's authentication and brand isolation.

use crate::helpers::*;
use serde_json::json;

#[actix_rt::test]
async fn login_with_the_right_password_gives_a_token_and_starts_in_preparing() {
    let app = spawn_app().await;
    let (status, body) = app
        .post(
            "/api/login",
            None,
            json!({"login": "kim", "password": PASSWORD}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["agent"]["name"], "김상담");
    assert_eq!(body["agent"]["extension"], "2001");
    assert_eq!(body["agent"]["role"], "agent");
    assert_eq!(body["agent"]["brandId"], 1);
    assert_eq!(body["status"]["status"], "preparing");
    assert!(body["agent"].get("passwordHash").is_none());
    let token = body["token"].as_str().unwrap();
    let (status, me) = app.get("/api/me", Some(token)).await;
    assert_eq!(status, 200);
    assert_eq!(me["agent"]["login"], "kim");
}

#[actix_rt::test]
async fn a_wrong_password_or_unknown_login_is_refused_alike() {
    let app = spawn_app().await;
    for (login, pw) in [("kim", "nope"), ("nobody", PASSWORD), ("", "")] {
        let (status, body) = app
            .post("/api/login", None, json!({"login": login, "password": pw}))
            .await;
        assert_eq!(status, 401, "{login}");
        assert_eq!(body["error"]["code"], "bad_credentials");
        assert!(body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("비밀번호"));
    }
    let (status, body) = app.post("/api/login", None, json!({"login": "kim"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["code"], "bad_request");
}

#[actix_rt::test]
async fn every_route_and_the_socket_need_a_token() {
    let app = spawn_app().await;
    for path in [
        "/api/me",
        "/api/consultations",
        "/api/stats/today",
        "/api/agents",
    ] {
        let (status, body) = app.get(path, None).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["code"], "unauthorized");
        let (status, _) = app.get(path, Some("made-up-token")).await;
        assert_eq!(status, 401, "{path}");
    }
    let res = client()
        .ws(format!("{}/api/ws", app.base.replace("http", "ws")))
        .connect()
        .await;
    match res {
        Err(awc::error::WsClientError::InvalidResponseStatus(s)) => assert_eq!(s.as_u16(), 401),
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a socket without a token must be refused"),
    }
}

#[actix_rt::test]
async fn logout_revokes_the_token_logs_out_and_closes_the_desk() {
    let app = spawn_app().await;
    let mut desk = app.desk("kim").await;
    let token = desk.token.clone();
    let (status, _) = app.post("/api/logout", Some(&token), json!({})).await;
    assert_eq!(status, 200);
    let closed = desk.expect("__closed").await;
    assert!(closed["reason"].as_str().unwrap().contains("logged out"));
    let (status, _) = app.get("/api/me", Some(&token)).await;
    assert_eq!(status, 401);
    let boss = app.login("boss").await;
    let (_, agents) = app.get("/api/agents", Some(&boss)).await;
    let kim = agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agentId"] == 1)
        .unwrap()
        .clone();
    assert_eq!(kim["status"], "logged_out");
}

#[actix_rt::test]
async fn an_agent_of_another_brand_sees_none_of_this_brands_data() {
    let app = spawn_app().await;
    let (_, ticket) = app.call_in("main", "010-1111-2222").await;
    let other = app.login("choi").await;
    let (status, body) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&other))
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["code"], "not_found");
    let (_, agents) = app.get("/api/agents", Some(&other)).await;
    let names: Vec<&str> = agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["최다른"]);
    let (status, _) = app.get("/api/consultations?agentId=1", Some(&other)).await;
    assert_eq!(status, 403);
    let mut desk = Desk::connect(&app, &other).await;
    let queues: Vec<&str> = desk.hello["snapshot"]["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["service"].as_str().unwrap())
        .collect();
    assert_eq!(queues, vec!["other"]);
    // Brand 1's queue pushes never reach brand 2's desk.
    app.call_in("main", "010-1111-3333").await;
    let wait = std::time::Duration::from_millis(600);
    assert!(
        !desk
            .sees_where("queue", |v| v["service"] == "main", wait)
            .await
    );
}
