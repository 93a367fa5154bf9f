//! Floor control routes (managers; agents get 403): set an agent's status with a note
//! (`POST /api/admin/agents/{id}/status`), sign an agent out after the call in hand
//! (`POST /api/admin/agents/{id}/logout`), and floor notices (`POST /api/notices`; every desk
//! reads today's with `GET /api/notices`).

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::domain::model::AgentId;
use crate::domain::status::Target;
use crate::engine::floor::{required_text, NOTE_MAX, NOTICE_MAX};
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/api/admin/agents/{id}/status",
        web::post().to(force_status),
    )
    .route("/api/admin/agents/{id}/logout", web::post().to(sign_out))
    .route("/api/notices", web::post().to(post_notice))
    .route("/api/notices", web::get().to(notices));
}

fn text_of<'a>(body: &'a Map<String, Value>, key: &str) -> AppResult<Option<&'a str>> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(_) => Err(AppError::invalid_fields(vec![(
            key,
            "문자열이어야 합니다".into(),
        )])),
    }
}

async fn force_status(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "상담사 상태 변경")?;
    let status = text_of(&body, "status")?.unwrap_or_default();
    let reason = text_of(&body, "reason")?;
    let target = Target::chosen(status, reason)
        .map_err(|e| AppError::invalid_fields(vec![("status", e.to_string())]))?;
    let note = required_text("note", text_of(&body, "note")?, NOTE_MAX)?;
    let view = state
        .engine
        .force_status(&who.0, id.into_inner(), target, note)
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn sign_out(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
    body: Option<web::Json<Map<String, Value>>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "상담사 로그아웃")?;
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    let note = match text_of(&body, "note")? {
        Some(n) if !n.trim().is_empty() => required_text("note", Some(n), NOTE_MAX)?,
        _ => "매니저가 로그아웃했습니다".to_string(),
    };
    let now = state.engine.sign_out(&who.0, id.into_inner(), note).await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true, "afterCall": !now})))
}

async fn post_notice(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "공지")?;
    let text = required_text("text", text_of(&body, "text")?, NOTICE_MAX)?;
    let service = text_of(&body, "service")?.map(str::to_string);
    let n = state.engine.post_notice(&who.0, text, service).await?;
    Ok(HttpResponse::Created().json(n))
}

async fn notices(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let items = state.engine.notices_today(&who.0, 50)?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}
