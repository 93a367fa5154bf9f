//! The admin console's people routes, through a real server and the telephony gateway: a new
//! agent can sign in and take a call at once, a changed service list changes routing on the
//! next call, a deactivated agent finishes the call in hand and is then signed out for good,
//! bad input is refused field by field and changes nothing, agents get 403, other brands' people
//! are not found, and an operator's account is changed by operators only.

use crate::helpers::*;
use serde_json::{json, Value};

const NEW_PW: &str = "blue-harbor-lamp";

fn new_agent(login: &str, services: &[&str]) -> Value {
    json!({"login": login, "name": "신입상담", "extension": "2050", "role": "agent",
           "services": services, "password": NEW_PW})
}

async fn sign_in(app: &TestApp, login: &str, pw: &str) -> (u16, Value) {
    app.post("/api/login", None, json!({"login": login, "password": pw}))
        .await
}

/// A manager adds an agent of these services (201); returns what the server made.
async fn add_agent(app: &TestApp, manager: &str, login: &str, services: &[&str]) -> Value {
    let (s, made) = app
        .post(
            "/api/admin/agents",
            Some(manager),
            new_agent(login, services),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    made
}

/// A new agent signs in with `NEW_PW`, opens the desk and goes ready.
async fn ready_desk(app: &TestApp, login: &str) -> Desk {
    let (s, body) = sign_in(app, login, NEW_PW).await;
    assert_eq!(s, 200, "{body}");
    let mut desk = Desk::connect(app, body["token"].as_str().unwrap()).await;
    desk.set("ready").await;
    desk
}

#[actix_rt::test]
async fn a_new_agent_signs_in_and_answers_a_call_of_their_service_at_once() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let made = add_agent(&app, &boss, "newbie", &["order"]).await;
    assert_eq!(made["login"], "newbie");
    assert!(made.get("passwordHash").is_none(), "never the hash");
    let mut desk = ready_desk(&app, "newbie").await;
    let (call_id, _) = app.call_in("order", "010-4444-5555").await;
    let offered = desk.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id);
    desk.ok(json!({"type": "call.answer", "callId": call_id}))
        .await;
    // Everyone's list shows them.
    let (_, list) = app.get("/api/admin/agents?q=newbie", Some(&boss)).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["status"], "on_call");
    let (_, agents) = app.get("/api/agents", Some(&boss)).await;
    assert!(agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["name"] == "신입상담"));
}

#[actix_rt::test]
async fn bad_people_are_refused_field_by_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (s, body) = app
        .post(
            "/api/admin/agents",
            Some(&boss),
            json!({"login": "has space", "name": "", "extension": "abc", "role": "boss",
                   "services": ["nope"], "password": "short"}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let f = &body["error"]["fields"];
    for field in ["login", "name", "extension", "role", "services", "password"] {
        assert!(f[field].is_string(), "{field} named: {body}");
    }
    let (s, body) = app
        .post(
            "/api/admin/agents",
            Some(&boss),
            new_agent("kim", &["main"]),
        )
        .await;
    assert_eq!(s, 409, "a taken login: {body}");
    let (s, body) = app
        .post("/api/admin/agents", Some(&boss), {
            let mut b = new_agent("newbie", &["main"]);
            b["password"] = json!("newbie-2026-x");
            b
        })
        .await;
    assert_eq!(s, 400, "a password with the login in it: {body}");
    let (_, list) = app.get("/api/admin/agents", Some(&boss)).await;
    assert_eq!(list["total"], 4, "nothing was added: {list}");
}

#[actix_rt::test]
async fn a_changed_service_list_changes_routing_on_the_next_call() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut lee = app.desk("lee").await; // main, order
    lee.set("ready").await;
    let (s, body) = app
        .put("/api/admin/agents/2", &boss, json!({"services": ["order"]}))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["services"], json!(["order"]));
    app.call_in("main", "010-1111-1111").await;
    assert!(
        !lee.sees_within("call.offered", std::time::Duration::from_millis(600))
            .await,
        "no longer a main agent"
    );
    let (call_id, _) = app.call_in("order", "010-2222-2222").await;
    let offered = lee.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id, "an order call still is");
    // Name and role changes are what the next request sees.
    app.put("/api/admin/agents/2", &boss, json!({"name": "이수정"}))
        .await;
    let (_, me) = app.get("/api/me", Some(&lee.token)).await;
    assert_eq!(me["agent"]["name"], "이수정");
    let (s, _) = app
        .put("/api/admin/agents/10", &boss, json!({"role": "agent"}))
        .await;
    assert_eq!(s, 400, "a manager cannot demote themselves");
}

#[actix_rt::test]
async fn a_deactivated_agent_finishes_the_call_then_is_signed_out_for_good() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, ticket) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
    let (s, body) = app
        .post("/api/admin/agents/1/deactivate", Some(&boss), json!({}))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["active"], false);
    assert_eq!(body["afterCurrentCall"], true);
    // A new sign-in is refused at once; the call in hand goes on.
    let (s, body) = sign_in(&app, "kim", PASSWORD).await;
    assert_eq!(s, 401);
    assert!(
        body["error"]["message"].as_str().unwrap().contains("중지"),
        "{body}"
    );
    kim.ok(json!({"type": "note.save", "ticketId": ticket, "content": "마지막 상담"}))
        .await;
    kim.ok(json!({"type": "call.hangup", "callId": call_id}))
        .await;
    kim.expect_status("wrap_up").await;
    kim.ok(json!({"type": "wrapup.done"})).await;
    let closed = kim.expect("__closed").await;
    assert!(
        closed["reason"].as_str().unwrap().contains("deactivated"),
        "{closed}"
    );
    assert_eq!(app.get("/api/me", Some(&kim.token)).await.0, 401);
    // History stays; the list shows them inactive, logged out.
    let (_, c) = app
        .get(&format!("/api/consultations/{ticket}"), Some(&boss))
        .await;
    assert_eq!(c["content"], "마지막 상담");
    let (_, list) = app.get("/api/admin/agents?q=kim", Some(&boss)).await;
    assert_eq!(list["items"][0]["active"], false);
    assert_eq!(list["items"][0]["status"], "logged_out");
    // Calls no longer go to them; reactivated, they sign in and take calls again.
    let (s, _) = app
        .post("/api/admin/agents/1/activate", Some(&boss), json!({}))
        .await;
    assert_eq!(s, 200);
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (call_id, _) = app.call_in("main", "010-5555-6666").await;
    assert_eq!(kim.expect("call.offered").await["callId"], call_id);
}

#[actix_rt::test]
async fn an_idle_deactivated_agent_is_signed_out_at_once() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut park = app.desk("park").await;
    let (s, body) = app
        .post("/api/admin/agents/3/deactivate", Some(&boss), json!({}))
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["afterCurrentCall"], false);
    let closed = park.expect("__closed").await;
    assert!(closed["reason"].as_str().unwrap().contains("deactivated"));
    assert_eq!(app.get("/api/me", Some(&park.token)).await.0, 401);
    let (s, _) = app
        .post("/api/admin/agents/10/deactivate", Some(&boss), json!({}))
        .await;
    assert_eq!(s, 409, "not oneself");
}

#[actix_rt::test]
async fn a_password_reset_ends_the_persons_sessions_and_the_new_one_works() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut lee = app.desk("lee").await;
    let (s, body) = app
        .post(
            "/api/admin/agents/2/password",
            Some(&boss),
            json!({"password": "123"}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    assert!(body["error"]["fields"]["password"].is_string());
    let (s, body) = app
        .post(
            "/api/admin/agents/2/password",
            Some(&boss),
            json!({"password": NEW_PW}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["sessionsEnded"], 1);
    let closed = lee.expect("__closed").await;
    assert!(closed["reason"]
        .as_str()
        .unwrap()
        .contains("password reset"));
    assert_eq!(sign_in(&app, "lee", PASSWORD).await.0, 401);
    assert_eq!(sign_in(&app, "lee", NEW_PW).await.0, 200);
}

#[actix_rt::test]
async fn agents_get_403_and_other_brands_people_are_not_found() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let boss = app.login("boss").await;
    let routes: Vec<(&str, String, Value)> = vec![
        ("GET", "/api/admin/agents".into(), Value::Null),
        ("POST", "/api/admin/agents".into(), new_agent("x1", &[])),
        ("PUT", "/api/admin/agents/20".into(), json!({"name": "x"})),
        (
            "POST",
            "/api/admin/agents/20/password".into(),
            json!({"password": NEW_PW}),
        ),
        ("POST", "/api/admin/agents/20/deactivate".into(), json!({})),
        ("POST", "/api/admin/agents/20/activate".into(), json!({})),
    ];
    for (method, path, body) in &routes {
        let (s, b) = call(&app, method, path, &kim, body).await;
        assert_eq!(s, 403, "agent {method} {path}: {b}");
        assert_eq!(b["error"]["code"], "forbidden");
        if *method != "GET" && path.contains("/20") {
            let (s, b) = call(&app, method, path, &boss, body).await;
            assert_eq!(
                s, 404,
                "brand 1's manager on brand 2's agent {method} {path}: {b}"
            );
        }
    }
    let (_, list) = app.get("/api/admin/agents", Some(&boss)).await;
    assert!(list["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["login"] != "choi"));
    // Brand 2's agent is untouched.
    assert_eq!(sign_in(&app, "choi", PASSWORD).await.0, 200);
}

async fn call(app: &TestApp, method: &str, path: &str, token: &str, body: &Value) -> (u16, Value) {
    match method {
        "GET" => app.get(path, Some(token)).await,
        "PUT" => app.put(path, token, body.clone()).await,
        _ => app.post(path, Some(token), body.clone()).await,
    }
}

#[actix_rt::test]
async fn a_new_service_takes_calls_at_once_with_its_agents_and_its_own_ring_timeout() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let mut park = app.desk("park").await; // order only
    park.set("ready").await;
    let (s, body) = app
        .post(
            "/api/admin/services",
            Some(&boss),
            json!({"code": "vip", "name": "VIP 전용", "ringTimeoutS": 5, "serviceLevelS": 10,
                   "agents": [3]}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    assert_eq!(body["agents"][0]["id"], 3);
    let services = park.expect("services").await;
    assert!(services["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["code"] == "vip" && s["ringTimeoutS"] == 5));
    let (call_id, _) = app.call_in("vip", "010-7777-8888").await;
    let offered = park.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id);
    assert_eq!(offered["serviceName"], "VIP 전용");
    // Its own 5 s ring timeout (the brand's is 30 s in this fixture).
    let ended = park
        .expect_where("call.ended", |f| f["by"] == "timeout")
        .await;
    assert_eq!(ended["callId"], call_id);
    let (_, me) = app.get("/api/me", Some(&park.token)).await;
    assert_eq!(me["agent"]["services"], json!(["order", "vip"]));
    // Taking park off the list reroutes the next call.
    let (s, body) = app
        .put(
            "/api/admin/services/vip",
            &boss,
            json!({"agents": [], "ringTimeoutS": null}),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["ringTimeoutS"], Value::Null);
    assert_eq!(body["agents"], json!([]));
}

#[actix_rt::test]
async fn bad_services_are_refused_and_other_brands_services_are_not_found() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (s, body) = app
        .post(
            "/api/admin/services",
            Some(&boss),
            json!({"code": "Bad Code", "name": "", "ringTimeoutS": 1, "serviceLevelS": 0,
                   "agents": [20], "color": "red"}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let f = &body["error"]["fields"];
    for k in [
        "code",
        "name",
        "ringTimeoutS",
        "serviceLevelS",
        "agents",
        "body",
    ] {
        assert!(f[k].is_string(), "{k}: {body}");
    }
    let (s, _) = app
        .post(
            "/api/admin/services",
            Some(&boss),
            json!({"code": "main", "name": "중복"}),
        )
        .await;
    assert_eq!(s, 409);
    let (s, _) = app
        .put(
            "/api/admin/services/other",
            &boss,
            json!({"name": "남의 것"}),
        )
        .await;
    assert_eq!(s, 404, "brand 2's service");
    let (s, body) = app
        .put("/api/admin/services/main", &boss, json!({"code": "main2"}))
        .await;
    assert_eq!(s, 400, "the code is the PBX's key: {body}");
    let kim = app.login("kim").await;
    assert_eq!(app.get("/api/admin/services", Some(&kim)).await.0, 403);
    let (_, list) = app.get("/api/admin/services", Some(&boss)).await;
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["main", "order"], "nothing was added");
}

#[actix_rt::test]
async fn brand_settings_change_at_once_and_desks_are_told() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (s, before) = app.get("/api/admin/settings", Some(&boss)).await;
    assert_eq!(s, 200);
    assert_eq!(before["ringTimeoutS"], 30);
    assert_eq!(before["sessionIdleH"], 12);
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    let (s, after) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"ringTimeoutS": 5, "categories": ["배송", "반품", "배송"], "callsMode": "total"}),
        )
        .await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(
        after["categories"],
        json!(["배송", "반품"]),
        "duplicates dropped"
    );
    let brand = kim.expect("brand").await;
    assert_eq!(brand["categories"], json!(["배송", "반품"]));
    assert_eq!(brand["callsMode"], "total");
    assert_eq!(brand["ringTimeoutS"], 5);
    // The next call rings for 5 s, not 30.
    let (call_id, _) = app.call_in("main", "010-9090-9090").await;
    kim.expect("call.offered").await;
    let ended = kim
        .expect_where("call.ended", |f| f["by"] == "timeout")
        .await;
    assert_eq!(ended["callId"], call_id);
    // A restart keeps them (they are stored).
    let stored = app.engine.store.brand(1).unwrap().unwrap();
    assert_eq!(stored.ring_timeout_s, 5);
    assert!(stored.mall.is_some(), "the mall link is kept");
}

#[actix_rt::test]
async fn bad_settings_are_refused_field_by_field_and_change_nothing() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (s, body) = app
        .put(
            "/api/admin/settings",
            &boss,
            json!({"ringTimeoutS": 1, "timezone": "Mars/Base", "callsMode": "most",
                   "categories": [], "quietStart": "25:00", "maxAttempts": 0,
                   "sessionIdleH": 1000, "colour": "blue"}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    let f = &body["error"]["fields"];
    for k in [
        "ringTimeoutS",
        "timezone",
        "callsMode",
        "categories",
        "quietStart",
        "maxAttempts",
        "sessionIdleH",
        "body",
    ] {
        assert!(f[k].is_string(), "{k}: {body}");
    }
    let (_, now) = app.get("/api/admin/settings", Some(&boss)).await;
    assert_eq!(now["ringTimeoutS"], 30);
    assert_eq!(now["timezone"], "Asia/Seoul");
    let kim = app.login("kim").await;
    assert_eq!(app.get("/api/admin/settings", Some(&kim)).await.0, 403);
    assert_eq!(
        app.put("/api/admin/settings", &kim, json!({"name": "x"}))
            .await
            .0,
        403
    );
}

#[actix_rt::test]
async fn the_audit_log_lists_my_brands_changes_by_person_kind_and_day_and_downloads_as_csv() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    app.post(
        "/api/admin/agents",
        Some(&boss),
        new_agent("newbie", &["main"]),
    )
    .await;
    app.put("/api/admin/settings", &boss, json!({"maxAttempts": 4}))
        .await;
    sign_in(&app, "kim", "wrong-password").await;
    sign_in(&app, "choi", "wrong-password").await; // brand 2
    let (s, all) = app.get("/api/admin/audit", Some(&boss)).await;
    assert_eq!(s, 200, "{all}");
    let actions: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["action"].as_str().unwrap())
        .collect();
    assert!(actions.contains(&"agent.create"), "{actions:?}");
    assert!(actions.contains(&"brand.settings"), "{actions:?}");
    assert!(actions.contains(&"login.failed"), "{actions:?}");
    let failed: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["action"] == "login.failed")
        .collect();
    assert_eq!(
        failed.len(),
        1,
        "brand 2's failure is not shown: {failed:?}"
    );
    let created = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["action"] == "agent.create")
        .unwrap();
    assert_eq!(created["byName"], "송매니저");
    assert_eq!(created["detail"]["login"], "newbie");
    let (_, agents_only) = app.get("/api/admin/audit?kind=agent", Some(&boss)).await;
    assert!(agents_only["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["action"].as_str().unwrap().starts_with("agent.")));
    let (_, by_kim) = app.get("/api/admin/audit?actor=1", Some(&boss)).await;
    assert!(by_kim["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["by"] == 1));
    let tomorrow = (app.clock_now() + chrono::Duration::days(2))
        .format("%Y-%m-%d")
        .to_string();
    let (_, later) = app
        .get(
            &format!("/api/admin/audit?from={tomorrow}&to={tomorrow}"),
            Some(&boss),
        )
        .await;
    assert_eq!(later["items"], json!([]));
    let (s, bad) = app
        .get("/api/admin/audit?from=2026-13-01", Some(&boss))
        .await;
    assert_eq!(s, 400, "{bad}");
    // CSV for Excel: a BOM, a header, one row per entry.
    let mut res = client()
        .get(app.url("/api/admin/audit?format=csv"))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert!(res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = res.body().await.unwrap();
    assert!(body.starts_with(&[0xEF, 0xBB, 0xBF]));
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    assert!(text.lines().next().unwrap().contains("action"));
    assert!(text.contains("agent.create"));
    let kim = app.login("kim").await;
    assert_eq!(app.get("/api/admin/audit", Some(&kim)).await.0, 403);
}

/// An operator account (`admin` role) in brand 1, made the way `calldesk init --role admin` does.
async fn operator(app: &TestApp) -> String {
    use calldesk::domain::model::{Agent, Role};
    let hash = calldesk::api::auth::hash_password(PASSWORD);
    let ops = Agent {
        id: 30,
        brand_id: 1,
        login: "ops".into(),
        name: "운영자".into(),
        extension: String::new(),
        role: Role::Admin,
        services: vec![],
        password_hash: hash,
        full_view: true,
        active: true,
    };
    let a = ops.clone();
    app.engine
        .store
        .write(move |tx| calldesk::store::put_agent(tx, &a))
        .await
        .unwrap();
    app.engine.agent_started(&ops);
    app.login("ops").await
}

#[actix_rt::test]
async fn an_operator_creates_a_brand_whose_manager_signs_in_at_once_behind_its_own_wall() {
    let app = spawn_app().await;
    let ops = operator(&app).await;
    let (s, list) = app.get("/api/admin/brands", Some(&ops)).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    let (s, body) = app
        .post(
            "/api/admin/brands",
            Some(&ops),
            json!({"name": "", "login": "a b", "password": "123", "timezone": "Mars/Base"}),
        )
        .await;
    assert_eq!(s, 400, "{body}");
    for k in ["name", "login", "password", "timezone"] {
        assert!(body["error"]["fields"][k].is_string(), "{k}: {body}");
    }
    let (s, made) = app
        .post(
            "/api/admin/brands",
            Some(&ops),
            json!({"name": "하늘몰", "login": "sky.admin", "password": NEW_PW}),
        )
        .await;
    assert_eq!(s, 201, "{made}");
    let (s, again) = app
        .post(
            "/api/admin/brands",
            Some(&ops),
            json!({"name": "하늘몰", "login": "sky2", "password": NEW_PW}),
        )
        .await;
    assert_eq!(s, 409, "{again}");
    let (s, _) = app
        .post(
            "/api/admin/brands",
            Some(&ops),
            json!({"name": "구름몰", "login": "kim", "password": NEW_PW}),
        )
        .await;
    assert_eq!(s, 409, "a taken login");
    // The new manager signs in at once, sees only their brand, and sets it up live.
    let (s, body) = sign_in(&app, "sky.admin", NEW_PW).await;
    assert_eq!(s, 200, "{body}");
    let sky = body["token"].as_str().unwrap().to_string();
    let desk = Desk::connect(&app, &sky).await;
    assert_eq!(desk.hello["snapshot"]["brand"]["name"], "하늘몰");
    let (_, people) = app.get("/api/admin/agents", Some(&sky)).await;
    assert_eq!(people["total"], 1, "{people}");
    let (s, _) = app
        .post(
            "/api/admin/services",
            Some(&sky),
            json!({"code": "sky-main", "name": "하늘 대표번호"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, _) = app
        .post(
            "/api/admin/agents",
            Some(&sky),
            json!({"login": "sky01", "name": "하늘상담", "role": "agent",
                   "services": ["sky-main"], "password": "sky-desk-lamp-01"}),
        )
        .await;
    assert_eq!(s, 201);
    let (s, body) = sign_in(&app, "sky01", "sky-desk-lamp-01").await;
    assert_eq!(s, 200, "{body}");
    let mut sky01 = Desk::connect(&app, body["token"].as_str().unwrap()).await;
    sky01.set("ready").await;
    let (call_id, _) = app.call_in("sky-main", "010-8080-8080").await;
    assert_eq!(sky01.expect("call.offered").await["callId"], call_id);
    // Brand 1's people and services are not brand 3's.
    assert_eq!(
        app.put("/api/admin/agents/1", &sky, json!({"name": "x"}))
            .await
            .0,
        404
    );
    // Only operators make brands.
    let boss = app.login("boss").await;
    let kim = app.login("kim").await;
    for t in [&boss, &kim, &sky] {
        assert_eq!(app.get("/api/admin/brands", Some(t)).await.0, 403);
        let (s, _) = app
            .post(
                "/api/admin/brands",
                Some(t),
                json!({"name": "몰래몰", "login": "sneaky", "password": NEW_PW}),
            )
            .await;
        assert_eq!(s, 403);
    }
    // The operator manages their own brand like a manager.
    assert_eq!(app.get("/api/admin/agents", Some(&ops)).await.0, 200);
}

#[actix_rt::test]
async fn a_manager_cannot_take_over_demote_or_deactivate_the_operators_account() {
    let app = spawn_app().await;
    let ops = operator(&app).await;
    let boss = app.login("boss").await;
    let routes: Vec<(&str, &str, Value)> = vec![
        (
            "POST",
            "/api/admin/agents/30/password",
            json!({"password": NEW_PW}),
        ),
        ("PUT", "/api/admin/agents/30", json!({"role": "agent"})),
        ("PUT", "/api/admin/agents/30", json!({"name": "바뀐이름"})),
        ("POST", "/api/admin/agents/30/deactivate", json!({})),
        ("POST", "/api/admin/agents/30/activate", json!({})),
    ];
    for (method, path, body) in &routes {
        let (s, b) = call(&app, method, path, &boss, body).await;
        assert_eq!(s, 403, "manager {method} {path}: {b}");
        assert_eq!(b["error"]["code"], "forbidden");
        assert!(b["error"]["message"].as_str().unwrap().contains("운영자"));
    }
    // Nothing changed: the operator's password, session, role and name are theirs.
    assert_eq!(app.get("/api/admin/brands", Some(&ops)).await.0, 200);
    assert_eq!(sign_in(&app, "ops", PASSWORD).await.0, 200);
    assert_eq!(sign_in(&app, "ops", NEW_PW).await.0, 401);
    let (_, list) = app.get("/api/admin/agents?q=ops", Some(&boss)).await;
    let row = &list["items"][0];
    assert_eq!(row["login"], "ops");
    assert_eq!(row["role"], "admin");
    assert_eq!(row["name"], "운영자");
    assert_eq!(row["active"], true);
    // A manager still manages the other managers and agents; the operator manages everyone.
    let (s, b) = call(
        &app,
        "PUT",
        "/api/admin/agents/2",
        &boss,
        &json!({"name": "이상담"}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let reset = json!({"password": NEW_PW});
    let (s, b) = call(&app, "POST", "/api/admin/agents/10/password", &ops, &reset).await;
    assert_eq!(s, 200, "the operator resets a manager's password: {b}");
}

// ---- 상담사 일괄 등록 -----------------------------------------------------------------------------

async fn import(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    app.post_bytes(&format!("/api/admin/agents/import?{query}"), token, body)
        .await
}

const PEOPLE: &str = "로그인,이름,내선번호,역할,서비스,비밀번호\n\
                      sky01,김하늘,2101,상담사,주문/배송 문의,\n\
                      sea02,이바다,2102,매니저,main;order,Quiet-river-42\n\
                      kim,중복,2103,,,\n\
                      land03,박땅,21a,boss,nowhere,short\n";

#[actix_rt::test]
async fn a_people_file_is_previewed_row_by_row_then_everyone_is_created_and_live() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (cp949, _, _) = encoding_rs::EUC_KR.encode(PEOPLE);
    let (s, p) = import(
        &app,
        &boss,
        "filename=people.csv&preview=true",
        cp949.to_vec(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["encoding"], "CP949");
    assert_eq!(p["rows"], 4);
    assert_eq!(p["valid"], 2, "{p}");
    assert_eq!(p["generated"], 1, "sky01 has no password in the file");
    let errs: Vec<(u64, &str)> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_u64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errs,
        vec![
            (4, "login"),
            (5, "extension"),
            (5, "role"),
            (5, "services"),
            (5, "password")
        ]
    );
    assert_eq!(
        p["sample"][0]["services"],
        json!(["order"]),
        "named by its name"
    );
    assert!(
        p["sample"][1].get("password").is_none(),
        "passwords are never echoed"
    );
    assert_eq!(
        sign_in(&app, "sea02", "Quiet-river-42").await.0,
        401,
        "a preview creates nobody"
    );
    // With errors, nothing is created unless the bad rows are skipped.
    let (s, e) = import(
        &app,
        &boss,
        "filename=people.csv",
        PEOPLE.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 400, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("4행"));
    let (s, made) = import(
        &app,
        &boss,
        "filename=people.csv&skipInvalid=true",
        PEOPLE.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    assert_eq!(made["created"], 2);
    assert_eq!(made["skipped"], 2, "rows, not errors");
    let sky = &made["agents"][0];
    assert_eq!(sky["login"], "sky01");
    let generated = sky["password"]
        .as_str()
        .expect("a generated password, once");
    assert!(
        made["agents"][1]["password"].is_null(),
        "the file's own is not echoed"
    );
    // The generated password works, and the new agent takes a call of their service at once.
    let (s, body) = sign_in(&app, "sky01", generated).await;
    assert_eq!(s, 200, "{body}");
    let mut desk = Desk::connect(&app, body["token"].as_str().unwrap()).await;
    desk.set("ready").await;
    let (call_id, _) = app.call_in("order", "010-4444-5555").await;
    let offered = desk.expect("call.offered").await;
    assert_eq!(offered["callId"], call_id);
    let (s, sea) = sign_in(&app, "sea02", "Quiet-river-42").await;
    assert_eq!(s, 200);
    assert_eq!(sea["agent"]["role"], "manager");
    // Each creation is audited.
    let (_, audit) = app
        .get("/api/admin/audit?kind=agent.create", Some(&boss))
        .await;
    let logins: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["detail"]["login"].as_str())
        .collect();
    assert!(
        logins.contains(&"sky01") && logins.contains(&"sea02"),
        "{audit}"
    );
    // The same file again: every login is now taken.
    let (_, again) = import(
        &app,
        &boss,
        "filename=people.csv&preview=true",
        PEOPLE.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(again["valid"], 0);
}

#[actix_rt::test]
async fn a_people_xlsx_is_read_and_agents_may_not_import() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let file = crate::xlsx::rows(&[
        ["로그인", "이름", "서비스"],
        ["wave04", "최파도", "main"],
        ["wave05", "정물결", "order"],
    ]);
    let (s, p) = import(
        &app,
        &boss,
        "filename=people.xlsx&preview=true",
        file.clone(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["encoding"], "xlsx");
    assert_eq!(p["valid"], 2);
    let kim = app.login("kim").await;
    let (s, e) = import(&app, &kim, "filename=people.xlsx", file).await;
    assert_eq!(s, 403, "{e}");
    assert_eq!(e["error"]["code"], "forbidden");
    let (s, e) = import(&app, &boss, "filename=people.pdf", b"x".to_vec()).await;
    assert_eq!(s, 400, "{e}");
    let (s, e) = import(
        &app,
        &boss,
        "filename=people.csv",
        "이름,메모\n김,x\n".as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 400);
    assert!(
        e["error"]["message"].as_str().unwrap().contains("로그인"),
        "{e}"
    );
}

/// The thread `Engine::routing` runs on (it may be this test's own thread: polled, not awaited
/// blocking).
async fn routing_thread(app: &TestApp) -> std::thread::ThreadId {
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(app.engine.routing.spawn_fn(move || {
        let _ = tx.send(std::thread::current().id());
    }));
    loop {
        if let Ok(id) = rx.try_recv() {
            return id;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

#[actix_rt::test]
async fn people_services_and_brands_added_live_are_routed_on_the_routing_thread() {
    use calldesk::engine::messages::WhereAmI;
    let app = spawn_app().await;
    let routing = routing_thread(&app).await;
    let boss = app.login("boss").await;
    // A person added by a manager: the request ran on an HTTP worker, the actor does not.
    let made = add_agent(&app, &boss, "live.one", &["order"]).await;
    let id = made["id"].as_u64().unwrap() as u32;
    let agent = app.engine.agent_addr(id).unwrap();
    assert_eq!(
        agent.send(WhereAmI).await.unwrap(),
        routing,
        "the new agent's actor"
    );
    // A service added live: its queue.
    let (s, body) = app
        .post(
            "/api/admin/services",
            Some(&boss),
            json!({"code": "vip", "name": "VIP 전용", "agents": [id]}),
        )
        .await;
    assert_eq!(s, 201, "{body}");
    let rt = app.engine.registry.brand(1).unwrap();
    let vip = rt.queues.get("vip").unwrap().clone();
    assert_eq!(vip.send(WhereAmI).await.unwrap(), routing, "the new queue");
    // A brand created by an operator: its distributor and its manager's actor.
    let ops = operator(&app).await;
    let (s, brand) = app
        .post(
            "/api/admin/brands",
            Some(&ops),
            json!({"name": "하늘몰", "login": "sky.live", "password": NEW_PW}),
        )
        .await;
    assert_eq!(s, 201, "{brand}");
    let sky = app
        .engine
        .registry
        .brand(brand["id"].as_u64().unwrap() as u32)
        .unwrap();
    assert_eq!(
        sky.distributor.send(WhereAmI).await.unwrap(),
        routing,
        "the distributor"
    );
    let manager = app
        .engine
        .agent_addr(brand["manager"]["id"].as_u64().unwrap() as u32)
        .unwrap();
    assert_eq!(
        manager.send(WhereAmI).await.unwrap(),
        routing,
        "its manager's actor"
    );
    // And the new agent takes a call of the new service.
    let mut desk = ready_desk(&app, "live.one").await;
    let (call_id, _) = app.call_in("vip", "010-7777-8888").await;
    assert_eq!(desk.expect("call.offered").await["callId"], call_id);
}
