//! `/api/stats/today`: my figures today and the brand's, with every queue and the floor's counts
//! (the same data the desk socket pushes as `stats`, `queue` and `agents`).

use super::auth::Authed;
use super::AppState;
use crate::engine::messages::{GetQueueView, GetStats};
use crate::error::AppResult;
use actix_web::{web, HttpResponse};
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/stats/today", web::get().to(today));
}

async fn today(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let rt = state.engine.brand_rt(who.0.brand_id)?;
    let (stats, counts) = rt
        .stats
        .send(GetStats {
            agent_id: who.0.id,
            fresh: true,
        })
        .await?;
    let mut queues = Vec::new();
    for s in rt.services.iter() {
        if let Some(q) = rt.queues.get(&s.code) {
            queues.push(q.send(GetQueueView).await?);
        }
    }
    Ok(HttpResponse::Ok().json(json!({"stats": stats, "queues": queues, "agentCounts": counts})))
}
