//! 주문정보: the demo mall, an HTTP mall with Cafe24 status codes behind a local stub, a mall that
//! does not answer, and brands without a mall.

use crate::helpers::*;
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use calldesk::shop::http::{FieldMap, HttpMallConfig, StatusCodes};
use calldesk::shop::MallLink;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[actix_rt::test]
async fn the_demo_mall_finds_an_order_and_a_callers_recent_orders() {
    let app = spawn_app().await;
    let kim = app.login("kim").await;
    let (s, o) = app.get("/api/orders/20261120-0000123", Some(&kim)).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(o["status"], "shipping");
    assert_eq!(o["statusLabel"], "배송중");
    assert_eq!(o["trackingNo"], "563812345678");
    assert_eq!(o["shippingCompany"], "CJ대한통운");
    assert_eq!(o["totalAmount"], 98000);
    let (_, r) = app
        .get("/api/orders?phone=%2B82%2010-2345-6789", Some(&kim))
        .await;
    let nos: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["orderNo"].as_str().unwrap())
        .collect();
    assert_eq!(
        nos,
        vec!["20261120-0000123", "20261118-0000087", "20261023-0000311"],
        "newest first"
    );
    let (s, e) = app.get("/api/orders/19990101-0000000", Some(&kim)).await;
    assert_eq!(s, 404);
    assert_eq!(e["error"]["code"], "not_found");
    let (s, _) = app.get("/api/orders?phone=nope", Some(&kim)).await;
    assert_eq!(s, 400);
    let choi = app.login("choi").await;
    let (s, e) = app.get("/api/orders/20261120-0000123", Some(&choi)).await;
    assert_eq!(s, 404, "a brand without a mall has no orders");
    assert!(e["error"]["message"].as_str().unwrap().contains("쇼핑몰"));
}

fn cafe24_order(no: &str) -> Value {
    json!({
        "order_id": no, "order_date": "2026-11-21T10:00:00+09:00", "order_status": "N30",
        "buyer_name": "김영희", "buyer_cellphone": "010-2345-6789",
        "items": [{"product_name": "니트", "option_value": "M", "quantity": 2, "product_price": "12,000.00"}],
        "payment_amount": "24000.00", "payment_method": "card",
        "shipping_company_name": "CJ대한통운", "tracking_no": "1234"
    })
}

pub(crate) fn mall_config(base: &str, order_path: &str) -> HttpMallConfig {
    HttpMallConfig {
        order_url: format!("{base}{order_path}/{{orderNo}}"),
        phone_url: format!("{base}/orders?phone={{phone}}"),
        auth_header: Some(("X-Mall-Key".into(), "secret".into())),
        status_codes: StatusCodes::Cafe24,
        fields: FieldMap {
            order: "/order".into(),
            list: "/orders".into(),
            order_no: "/order_id".into(),
            ordered_at: "/order_date".into(),
            status: "/order_status".into(),
            customer_name: "/buyer_name".into(),
            phone: "/buyer_cellphone".into(),
            items: "/items".into(),
            item_name: "/product_name".into(),
            item_option: Some("/option_value".into()),
            item_quantity: "/quantity".into(),
            item_price: "/product_price".into(),
            total_amount: "/payment_amount".into(),
            payment_method: "/payment_method".into(),
            shipping_company: Some("/shipping_company_name".into()),
            tracking_no: Some("/tracking_no".into()),
        },
    }
}

pub(crate) async fn stub_mall(keys: Arc<Mutex<Vec<String>>>) -> String {
    let server = HttpServer::new(move || {
        let keys = keys.clone();
        App::new()
            .app_data(web::Data::new(keys))
            .route(
                "/orders/{no}",
                web::get().to(
                    |req: HttpRequest,
                     no: web::Path<String>,
                     keys: web::Data<Arc<Mutex<Vec<String>>>>| async move {
                        let k = req
                            .headers()
                            .get("x-mall-key")
                            .map(|v| v.to_str().unwrap().to_string());
                        keys.lock().unwrap().push(k.unwrap_or_default());
                        if no.as_str() == "missing" {
                            return HttpResponse::NotFound().finish();
                        }
                        HttpResponse::Ok().json(json!({"order": cafe24_order(&no)}))
                    },
                ),
            )
            .route(
                "/orders",
                web::get().to(|| async {
                    HttpResponse::Ok()
                        .json(json!({"orders": [cafe24_order("A-1"), cafe24_order("A-2")]}))
                }),
            )
            .route(
                "/slow/{no}",
                web::get().to(|| async {
                    actix_rt::time::sleep(Duration::from_secs(6)).await;
                    HttpResponse::Ok().finish()
                }),
            )
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let port = server.addrs()[0].port();
    actix_rt::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

#[actix_rt::test]
async fn an_http_mall_is_read_through_the_field_mapping_and_cafe24_codes() {
    let keys: Arc<Mutex<Vec<String>>> = Arc::default();
    let base = stub_mall(keys.clone()).await;
    let app = spawn_app_with(Opts {
        mall: Some(MallLink::Http(Box::new(mall_config(&base, "/orders")))),
        ..Opts::default()
    })
    .await;
    let kim = app.login("kim").await;
    let (s, o) = app.get("/api/orders/A%2077", Some(&kim)).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!(o["orderNo"], "A 77");
    assert_eq!(o["status"], "shipping");
    assert_eq!(o["rawStatus"], "N30");
    assert_eq!(o["phone"], "01023456789");
    assert_eq!(o["items"][0]["price"], 12000);
    assert_eq!(o["items"][0]["option"], "M");
    assert_eq!(o["totalAmount"], 24000);
    assert_eq!(keys.lock().unwrap()[0], "secret", "the auth header is sent");
    let (s, _) = app.get("/api/orders/missing", Some(&kim)).await;
    assert_eq!(s, 404);
    let (_, r) = app.get("/api/orders?phone=01023456789", Some(&kim)).await;
    assert_eq!(r["items"].as_array().unwrap().len(), 2);
}

#[actix_rt::test]
async fn a_mall_that_does_not_answer_is_reported_within_three_seconds() {
    let base = stub_mall(Arc::default()).await;
    let app = spawn_app_with(Opts {
        mall: Some(MallLink::Http(Box::new(mall_config(&base, "/slow")))),
        ..Opts::default()
    })
    .await;
    let kim = app.login("kim").await;
    let started = Instant::now();
    let (s, e) = app.get("/api/orders/X1", Some(&kim)).await;
    assert_eq!(s, 503, "{e}");
    assert_eq!(e["error"]["code"], "unavailable");
    assert!(e["error"]["message"].as_str().unwrap().contains("응답"));
    assert!(
        started.elapsed() < Duration::from_millis(4500),
        "{:?}",
        started.elapsed()
    );
}
