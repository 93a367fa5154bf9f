//! `/api/agents`: every agent of my brand with status and since (전체 상담사), and how many are
//! in service (상담중 상담사).

use super::auth::Authed;
use super::AppState;
use crate::engine::messages::GetAgentRows;
use crate::error::AppResult;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/agents", web::get().to(list));
}

async fn list(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let rt = state.engine.brand_rt(who.0.brand_id)?;
    let rows = rt.stats.send(GetAgentRows).await?;
    let in_service = rows.iter().filter(|r| r.in_service).count();
    Ok(HttpResponse::Ok().json(json!({
        "agents": rows,
        "inServiceCount": in_service,
        "allCount": rows.len(),
    })))
}
