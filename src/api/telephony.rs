//! The telephony gateway: how a PBX / cloud-telephony connector drives the engine. Every route
//! needs `X-Telephony-Key`. See docs/telephony.md.

use super::AppState;
use crate::domain::model::{BrandId, CallId, CallOutcome};
use crate::error::{AppError, AppResult, Code};
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, Next};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/telephony")
            // The key is checked before anything of the request is read.
            .wrap(from_fn(require_key))
            .route("/calls", web::post().to(new_call))
            .route("/calls/{id}/hangup", web::post().to(hangup))
            .route("/calls/{id}/answered", web::post().to(answered))
            .route("/calls/{id}/failed", web::post().to(failed))
            .route("/callbacks", web::post().to(callback)),
    );
}

/// Refuses a gateway request without the right `X-Telephony-Key` (401), before its body is
/// parsed: a caller without the key learns nothing about what a valid body looks like.
async fn require_key(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("state missing"))?;
    check_key(state, req.request())?;
    next.call(req).await
}

fn check_key(state: &AppState, req: &HttpRequest) -> AppResult<()> {
    let given = req
        .headers()
        .get("x-telephony-key")
        .map(|v| v.as_bytes())
        .unwrap_or(b"");
    let want = state.settings.telephony_key.as_bytes();
    if !want.is_empty() && super::constant_time_eq(given, want) {
        Ok(())
    } else {
        Err(AppError::new(
            Code::Unauthorized,
            "X-Telephony-Key가 없거나 틀립니다 (missing or wrong telephony key)",
        ))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NewCall {
    service: String,
    from: String,
    external_id: Option<String>,
    brand_id: Option<BrandId>,
}

async fn new_call(state: web::Data<AppState>, body: web::Json<NewCall>) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let call = state
        .engine
        .inbound_call(b.brand_id, &b.service, &b.from, b.external_id)
        .await?;
    Ok(HttpResponse::Created().json(call))
}

async fn hangup(state: web::Data<AppState>, id: web::Path<CallId>) -> AppResult<HttpResponse> {
    state.engine.customer_hangup(id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

async fn answered(state: web::Data<AppState>, id: web::Path<CallId>) -> AppResult<HttpResponse> {
    state.engine.far_end_answered(id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Failed {
    /// `busy`, `no_answer` or `failed` (could not connect).
    reason: String,
}

async fn failed(
    state: web::Data<AppState>,
    id: web::Path<CallId>,
    body: web::Json<Failed>,
) -> AppResult<HttpResponse> {
    let outcome = match body.reason.as_str() {
        "busy" => CallOutcome::Busy,
        "no_answer" => CallOutcome::NoAnswer,
        "failed" => CallOutcome::Failed,
        other => {
            return Err(AppError::bad_request(format!(
                "reason은 busy, no_answer, failed 중 하나여야 합니다 (got '{other}')"
            )))
        }
    };
    state.engine.dial_failed(id.into_inner(), outcome).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Callback {
    service: String,
    from: String,
    brand_id: Option<BrandId>,
}

/// The caller asked for a callback through the phone menu (ARS): a 콜백 reservation.
async fn callback(
    state: web::Data<AppState>,
    body: web::Json<Callback>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let r = state
        .engine
        .callback_request(b.brand_id, &b.service, &b.from)
        .await?;
    Ok(HttpResponse::Created().json(json!({"reservationId": r.id, "ownerId": r.owner_id})))
}
