//! `/api/wallboard` (managers): the whole board now — every service's tile, every agent's row
//! and today's 30-minute intervals; the same picture the socket's `wallboard.watch` opens with.

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::error::AppResult;
use actix_web::{web, HttpResponse};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/wallboard", web::get().to(board));
}

async fn board(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    require_manager(&who.0, "전광판")?;
    let view = state.engine.wallboard(who.0.brand_id).await?;
    Ok(HttpResponse::Ok().json(view))
}
