//! The telephony gateway: how a PBX / cloud-telephony connector drives the engine. Every route
//! needs `X-Telephony-Key`. See docs/telephony.md.

use super::AppState;
use crate::domain::model::{BrandId, CallId, CallOutcome};
use crate::error::{AppError, AppResult, Code};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/telephony/calls", web::post().to(new_call))
        .route("/api/telephony/calls/{id}/hangup", web::post().to(hangup))
        .route(
            "/api/telephony/calls/{id}/answered",
            web::post().to(answered),
        )
        .route("/api/telephony/calls/{id}/failed", web::post().to(failed))
        .route("/api/telephony/callbacks", web::post().to(callback));
}

fn check_key(state: &AppState, req: &HttpRequest) -> AppResult<()> {
    let given = req
        .headers()
        .get("x-telephony-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let want = state.settings.telephony_key.as_bytes();
    // Constant-time comparison.
    let same = given.len() == want.len()
        && given
            .as_bytes()
            .iter()
            .zip(want)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same && !want.is_empty() {
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

async fn new_call(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<NewCall>,
) -> AppResult<HttpResponse> {
    check_key(&state, &req)?;
    let b = body.into_inner();
    let call = state
        .engine
        .inbound_call(b.brand_id, &b.service, &b.from, b.external_id)
        .await?;
    Ok(HttpResponse::Created().json(call))
}

async fn hangup(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<CallId>,
) -> AppResult<HttpResponse> {
    check_key(&state, &req)?;
    state.engine.customer_hangup(id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

async fn answered(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<CallId>,
) -> AppResult<HttpResponse> {
    check_key(&state, &req)?;
    state.engine.far_end_answered(id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Failed {
    /// `busy` or `no_answer`.
    reason: String,
}

async fn failed(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<CallId>,
    body: web::Json<Failed>,
) -> AppResult<HttpResponse> {
    check_key(&state, &req)?;
    let outcome = match body.reason.as_str() {
        "busy" => CallOutcome::Busy,
        "no_answer" => CallOutcome::NoAnswer,
        other => {
            return Err(AppError::bad_request(format!(
                "reason은 busy 또는 no_answer여야 합니다 (got '{other}')"
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
    req: HttpRequest,
    body: web::Json<Callback>,
) -> AppResult<HttpResponse> {
    check_key(&state, &req)?;
    let b = body.into_inner();
    let r = state
        .engine
        .callback_request(b.brand_id, &b.service, &b.from)
        .await?;
    Ok(HttpResponse::Created().json(json!({"reservationId": r.id, "ownerId": r.owner_id})))
}
