//! `/healthz` (liveness: the store can be read and its writer thread answers; 503 otherwise) and
//! `/metrics` (Prometheus text).

use super::AppState;
use actix_web::{web, HttpResponse};
use std::fmt::Write;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics));
}

/// How long the store writer may take to answer the health check.
pub const WRITER_PING: std::time::Duration = std::time::Duration::from_secs(2);

async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let store = &state.engine.store;
    let res = match store.is_empty() {
        Ok(_) => store.ping_writer(WRITER_PING).await,
        Err(e) => Err(e),
    };
    match res {
        Ok(()) => HttpResponse::Ok().json(serde_json::json!({"status": "ok"})),
        Err(e) => crate::error::AppError::new(
            crate::error::Code::Unavailable,
            format!("저장소가 응답하지 않습니다 (store): {e}"),
        )
        .error_response_json(),
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
