//! Self-service for whoever is signed in: change one's own password (the current one first; the
//! password rules apply; every other session of theirs ends) and see one's signed-in sessions,
//! signing one or all of the others out.

use super::auth::{hash_password, verify_password, Authed};
use super::AppState;
use crate::domain::model::Agent;
use crate::domain::password;
use crate::error::{AppError, AppResult, Code};
use crate::store;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/me/password", web::post().to(change_password))
        .route("/api/me/sessions", web::get().to(list_sessions))
        .route("/api/me/sessions", web::delete().to(end_other_sessions))
        .route("/api/me/sessions/{id}", web::delete().to(end_session));
}

/// Why a session ended, as the desk shows it when its socket closes.
pub const REASON_SIGNED_OUT_ELSEWHERE: &str =
    "다른 곳에서 이 세션을 로그아웃했습니다 (signed out from another session)";
pub const REASON_PASSWORD_CHANGED: &str = "비밀번호가 바뀌어 로그아웃되었습니다 (password changed)";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    current: String,
    new: String,
}

async fn change_password(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<PasswordBody>,
) -> AppResult<HttpResponse> {
    let PasswordBody { current, new } = body.into_inner();
    let me = state
        .engine
        .store
        .agent(who.0.id)?
        .ok_or_else(AppError::unauthorized)?;
    if let Err(m) = password::check(&new, &me.login) {
        return Err(AppError::invalid_fields(vec![("new", m)]));
    }
    let hash = me.password_hash.clone();
    let ok = state
        .hashing
        .run(move || verify_password(&current, &hash))
        .await?;
    if !ok {
        return Err(AppError::invalid_fields(vec![(
            "current",
            "현재 비밀번호가 맞지 않습니다".into(),
        )]));
    }
    let new_hash = state.hashing.run(move || hash_password(&new)).await?;
    set_password_hash(&state, me.id, new_hash, me.id, "password.change").await?;
    let ended = state
        .engine
        .end_sessions(me.id, None, Some(who.1.clone()), REASON_PASSWORD_CHANGED)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true, "sessionsEnded": ended})))
}

/// Stores a new password hash for `agent`, audited as `action` by `by`.
pub async fn set_password_hash(
    state: &AppState,
    agent: u32,
    hash: String,
    by: u32,
    action: &'static str,
) -> AppResult<Agent> {
    let now = state.engine.now();
    Ok(state
        .engine
        .store
        .write(move |tx| {
            let mut a = store::agent_of_brand(tx, agent, None)?;
            a.password_hash = hash.clone();
            store::put_agent(tx, &a)?;
            store::audit(
                tx,
                &json!({"at": now, "by": by, "action": action, "agent": agent}),
            )?;
            Ok(a)
        })
        .await?)
}

async fn list_sessions(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let mut items: Vec<serde_json::Value> = state
        .engine
        .store
        .sessions_of(who.0.id)?
        .into_iter()
        .map(|(hash, s)| {
            json!({
                "id": hash,
                "current": hash == who.1,
                "createdAt": s.created_at,
                "lastSeenAt": s.last_seen_at,
                "client": s.client,
            })
        })
        .collect();
    items.sort_by(|a, b| b["lastSeenAt"].as_str().cmp(&a["lastSeenAt"].as_str()));
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

async fn end_session(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    if id == who.1 {
        return Err(AppError::new(
            Code::Conflict,
            "지금 쓰는 세션은 로그아웃 버튼으로 끝내세요 (this is the current session)",
        ));
    }
    let mine = state
        .engine
        .store
        .session(&id)?
        .is_some_and(|s| s.agent_id == who.0.id);
    if !mine {
        return Err(AppError::not_found("그런 세션이 없습니다"));
    }
    state
        .engine
        .end_sessions(who.0.id, Some(vec![id]), None, REASON_SIGNED_OUT_ELSEWHERE)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

async fn end_other_sessions(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let ended = state
        .engine
        .end_sessions(
            who.0.id,
            None,
            Some(who.1.clone()),
            REASON_SIGNED_OUT_ELSEWHERE,
        )
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true, "sessionsEnded": ended})))
}
