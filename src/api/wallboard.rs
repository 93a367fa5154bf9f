//! `/api/wallboard` (managers): the whole board now — every service's tile, every agent's row
//! and today's 30-minute intervals; the same picture the socket's `wallboard.watch` opens with.
//! Also "why is this agent not getting calls?" (`/api/wallboard/agents/{id}/why`, and
//! `/api/routing/why` for oneself; the desk asks with `routing.why`).

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::error::AppResult;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/wallboard", web::get().to(board))
        .route("/api/wallboard/agents/{id}/why", web::get().to(why))
        .route("/api/routing/why", web::get().to(my_why));
}

/// Managers: why this agent of my brand is (not) getting calls.
async fn why(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<crate::domain::model::AgentId>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "전광판")?;
    let id = id.into_inner();
    let mine = state
        .engine
        .registry
        .agent(id)
        .is_some_and(|e| e.public.brand_id == who.0.brand_id);
    if !mine {
        return Err(crate::error::AppError::not_found(format!(
            "상담사 {id}이(가) 없습니다"
        )));
    }
    Ok(HttpResponse::Ok().json(state.engine.why_no_calls(id).await?))
}

/// Anyone: why I am (not) getting calls.
async fn my_why(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(state.engine.why_no_calls(who.0.id).await?))
}

async fn board(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    require_manager(&who.0, "전광판")?;
    let view = state.engine.wallboard(who.0.brand_id).await?;
    Ok(HttpResponse::Ok().json(view))
}
