//! A customer's requests under PIPA (managers only, audited): `GET /api/customers/{id}/export`
//! (열람 요청: everything held on them as one JSON file) and `POST /api/customers/{id}/erase`
//! (삭제 요청: their personal data removed everywhere it appears, the day's figures kept — see
//! `store::pipa`). Both read on the blocking pool; the erasure's write is one transaction.

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::domain::limits;
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/customers/{id}/export", web::get().to(export))
        .route("/api/customers/{id}/erase", web::post().to(erase));
}

async fn export(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    require_manager(&me, "열람 요청 내보내기")?;
    let (brand, id) = (me.brand_id, *id);
    let store = state.engine.store.clone();
    let held = super::off_thread(move || store.customer_holdings(brand, id))
        .await?
        .ok_or_else(|| AppError::not_found(format!("고객 {id}이(가) 없습니다")))?;
    let counts = json!({"consultations": held.consultations.len(),
        "messages": held.messages.len(), "reservations": held.reservations.len(),
        "memos": held.memos.len()});
    state
        .engine
        .audit(json!({"by": me.id, "action": "customer.access_export",
                      "customer": id, "counts": counts}))
        .await?;
    let now = state.engine.now();
    let body = json!({
        "exportedAt": now,
        "exportedBy": me.name,
        "brand": state.engine.brand_rt(brand)?.brand.name,
        "counts": counts,
        "customer": held.customer,
        "memos": held.memos,
        "consultations": held.consultations,
        "messages": held.messages,
        "reservations": held.reservations,
    });
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"calldesk-customer-{id}.json\""),
        ))
        .body(serde_json::to_vec_pretty(&body).map_err(|e| AppError::internal(e.to_string()))?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseBody {
    /// Why (the request's reference, e.g. "고객 요청 2026-11-30 전화").
    reason: String,
}

async fn erase(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<EraseBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    require_manager(&me, "삭제 요청 처리")?;
    let reason = body.into_inner().reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::invalid_fields(vec![(
            "reason",
            "삭제 요청의 근거(요청 일시·경로 등)를 입력하세요".into(),
        )]));
    }
    limits::ERASE_REASON
        .check(&reason)
        .map_err(|e| AppError::invalid_fields(vec![e]))?;
    let (brand, id) = (me.brand_id, *id);
    let store = state.engine.store.clone();
    // The brand's reservations are read here, off the writer; the write checks the newer ones.
    let scan = super::off_thread(move || store.reservations_to_erase(brand, id)).await?;
    let now = state.engine.now();
    let by = me.id;
    let erased = state
        .engine
        .store
        .write(move |tx| {
            let done = crate::store::pipa::erase_customer(tx, brand, id, &scan)?;
            crate::store::audit(
                tx,
                &json!({"at": now, "by": by, "action": "customer.erase", "customer": id,
                        "reason": reason, "erased": done}),
            )?;
            Ok(done)
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({"customer": id, "erased": erased})))
}
