//! Q&A templates: managers keep them, agents search them with Korean queries; brand isolation.

use crate::helpers::*;
use serde_json::json;

async fn seed_templates(app: &TestApp, boss: &str) {
    for (cat, q, a) in [
        (
            "배송",
            "배송은 언제 되나요?",
            "결제 후 1~2일 안에 출고됩니다.",
        ),
        ("배송", "배송비는 얼마인가요?", "3만원 이상 무료입니다."),
        (
            "반품",
            "반품 신청 방법",
            "마이페이지에서 신청하세요. 배송이 끝난 뒤 7일 안에 가능합니다.",
        ),
        ("회원", "비밀번호 찾기", "로그인 화면에서 찾으세요."),
    ] {
        let (s, body) = app
            .post(
                "/api/templates",
                Some(boss),
                json!({"category": cat, "question": q, "answer": a, "tags": []}),
            )
            .await;
        assert_eq!(s, 201, "{body}");
    }
}

#[actix_rt::test]
async fn agents_search_in_korean_and_question_hits_come_first() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    seed_templates(&app, &boss).await;
    let kim = app.login("kim").await;
    let (s, r) = app
        .get("/api/templates?q=%EB%B0%B0%EC%86%A1", Some(&kim))
        .await; // 배송
    assert_eq!(s, 200);
    let qs: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["question"].as_str().unwrap())
        .collect();
    assert_eq!(qs.len(), 3, "배송은 / 배송비는 / (answer) 배송이: {qs:?}");
    assert_eq!(qs[2], "반품 신청 방법", "an answer-only hit ranks last");
    let (_, r) = app
        .get("/api/templates?q=%EB%B0%B0%EC%86%A1%EB%B9%84", Some(&kim))
        .await; // 배송비
    assert_eq!(r["items"].as_array().unwrap().len(), 1);
    let (_, r) = app
        .get("/api/templates?category=%ED%9A%8C%EC%9B%90", Some(&kim))
        .await; // 회원
    assert_eq!(r["items"][0]["question"], "비밀번호 찾기");
    assert_eq!(
        r["categories"],
        json!(["반품", "배송", "회원"]),
        "가나다 order"
    );
}

#[actix_rt::test]
async fn only_managers_change_templates_and_bad_input_is_named() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let kim = app.login("kim").await;
    let body = json!({"category": "배송", "question": "Q", "answer": "A", "tags": []});
    let (s, _) = app.post("/api/templates", Some(&kim), body.clone()).await;
    assert_eq!(s, 403);
    let (s, e) = app
        .post(
            "/api/templates",
            Some(&boss),
            json!({"category": "", "question": "", "answer": "", "tags": []}),
        )
        .await;
    assert_eq!(s, 400);
    for f in ["category", "question", "answer"] {
        assert!(e["error"]["fields"][f].is_string(), "{f}");
    }
    let (_, t) = app.post("/api/templates", Some(&boss), body).await;
    let id = t["id"].as_u64().unwrap();
    let (s, t2) = app
        .put(&format!("/api/templates/{id}"), &boss, json!({"category": "배송", "question": "택배사 문의", "answer": "CJ대한통운입니다.", "tags": ["택배"]}))
        .await;
    assert_eq!(s, 200);
    assert_eq!(t2["question"], "택배사 문의");
    let (_, r) = app
        .get("/api/templates?q=%ED%83%9D%EB%B0%B0", Some(&kim))
        .await; // 택배
    assert_eq!(r["items"][0]["id"], id);
    let res = client()
        .delete(app.url(&format!("/api/templates/{id}")))
        .bearer_auth(&kim)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let res = client()
        .delete(app.url(&format!("/api/templates/{id}")))
        .bearer_auth(&boss)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (_, r) = app
        .get("/api/templates?q=%ED%83%9D%EB%B0%B0", Some(&kim))
        .await;
    assert_eq!(r["items"].as_array().unwrap().len(), 0);
    let (s, _) = app.get(&format!("/api/templates/{id}"), Some(&kim)).await;
    assert_eq!(s, 404);
}

#[actix_rt::test]
async fn another_brand_sees_none_of_the_templates() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    seed_templates(&app, &boss).await;
    let choi = app.login("choi").await;
    let (_, r) = app
        .get("/api/templates?q=%EB%B0%B0%EC%86%A1", Some(&choi))
        .await;
    assert_eq!(r["items"].as_array().unwrap().len(), 0);
    let (s, _) = app.get("/api/templates/1", Some(&choi)).await;
    assert_eq!(s, 404);
}
