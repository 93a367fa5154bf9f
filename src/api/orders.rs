//! `/api/orders`: 주문정보 from the brand's linked mall — one order by number, or a caller's
//! recent orders by phone. Brands without a mall get 404; a mall that does not answer within
//! 3 s gets 503 with a readable message (the desk never hangs).

use super::auth::Authed;
use super::AppState;
use crate::domain::phone::Phone;
use crate::error::{AppError, AppResult, Code};
use crate::shop::{ShopError, ShopProvider};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/orders", web::get().to(by_phone))
        .route("/api/orders/{orderNo}", web::get().to(by_number));
}

fn mall(state: &AppState, brand: u32) -> AppResult<Arc<dyn ShopProvider>> {
    state
        .engine
        .shops
        .get(&brand)
        .map(|s| s.clone())
        .ok_or_else(|| {
            AppError::not_found("이 브랜드에는 연결된 쇼핑몰이 없습니다 (no linked mall)")
        })
}

fn shop_error(e: ShopError) -> AppError {
    AppError::new(Code::Unavailable, e.to_string())
}

async fn by_number(
    state: web::Data<AppState>,
    who: Authed,
    no: web::Path<String>,
) -> AppResult<HttpResponse> {
    let no = no.into_inner();
    if no.trim().is_empty() || no.len() > 64 {
        return Err(AppError::bad_request("주문번호가 올바르지 않습니다"));
    }
    let shop = mall(&state, who.0.brand_id)?;
    let order = shop
        .order(&no)
        .await
        .map_err(shop_error)?
        .ok_or_else(|| AppError::not_found(format!("주문 {no}을(를) 찾을 수 없습니다")))?;
    Ok(HttpResponse::Ok().json(order))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneQuery {
    phone: String,
}

async fn by_phone(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<PhoneQuery>,
) -> AppResult<HttpResponse> {
    let phone = Phone::parse(&q.phone).map_err(|e| AppError::bad_request(format!("phone: {e}")))?;
    let shop = mall(&state, who.0.brand_id)?;
    let items = shop.recent_orders(&phone).await.map_err(shop_error)?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}
