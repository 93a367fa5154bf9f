//! `/healthz` (liveness, checks the store answers) and `/metrics` (Prometheus text).

use super::AppState;
use actix_web::{web, HttpResponse};
use std::fmt::Write;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics));
}

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    match state.engine.store.is_empty() {
        Ok(_) => HttpResponse::Ok().json(serde_json::json!({"status": "ok"})),
        Err(e) => crate::error::AppError::internal(e).error_response_json(),
    }
}

async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let reg = &state.engine.registry;
    let sockets: usize = reg.sessions.iter().map(|e| e.value().len()).sum();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# HELP calldesk_live_calls Calls in progress (queued, ringing, talking, dialing)."
    );
    let _ = writeln!(out, "# TYPE calldesk_live_calls gauge");
    let _ = writeln!(out, "calldesk_live_calls {}", reg.calls.len());
    let _ = writeln!(out, "# HELP calldesk_desk_sockets Open desk sockets.");
    let _ = writeln!(out, "# TYPE calldesk_desk_sockets gauge");
    let _ = writeln!(out, "calldesk_desk_sockets {sockets}");
    let _ = writeln!(out, "# HELP calldesk_agents Agents known to the engine.");
    let _ = writeln!(out, "# TYPE calldesk_agents gauge");
    let _ = writeln!(out, "calldesk_agents {}", reg.agents.len());
    let tickets = state.engine.store.counter("call").unwrap_or(0);
    let _ = writeln!(
        out,
        "# HELP calldesk_calls_total Calls ever created (inbound and outbound)."
    );
    let _ = writeln!(out, "# TYPE calldesk_calls_total counter");
    let _ = writeln!(out, "calldesk_calls_total {tickets}");
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(out)
}
