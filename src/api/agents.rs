//! `/api/agents?service=&state=&q=`: the agents of my brand with status and since (전체 상담사),
//! filtered like a desk's `agents.watch` list (a service they serve; a status, `in_service` or
//! `signed_in`; a name / login / extension fragment), with the floor's counts. For pickers that
//! need names once (a reservation's agent, who to deal a bulk file to), not live lists.

use super::auth::Authed;
use super::AppState;
use crate::engine::messages::GetAgentRows;
use crate::engine::watch::AgentFilter;
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/agents", web::get().to(list));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    service: Option<String>,
    state: Option<String>,
    q: Option<String>,
}

async fn list(
    state: web::Data<AppState>,
    who: Authed,
    query: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let rt = state.engine.brand_rt(who.0.brand_id)?;
    let codes: Vec<String> = rt.services.iter().map(|s| s.code.clone()).collect();
    let filter = AgentFilter::parse(
        query.service.as_deref(),
        query.state.as_deref(),
        query.q.as_deref(),
        &codes,
    )
    .map_err(AppError::bad_request)?;
    let rows = rt.stats.send(GetAgentRows).await?;
    let in_service = rows.iter().filter(|r| r.in_service).count();
    let all = rows.len();
    let registry = &state.engine.registry;
    let agents: Vec<_> = rows
        .into_iter()
        .filter(|r| {
            registry
                .agent(r.agent_id)
                .is_some_and(|e| filter.matches(r, &e.public.services, &e.public.login))
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "agents": agents,
        "inServiceCount": in_service,
        "allCount": all,
    })))
}
