//! `/healthz` (liveness: the store can be read and its writer thread answers; 503 otherwise) and
//! `/metrics` (Prometheus text from the process's recorder, `telemetry::metrics`; the gauges
//! of the engine's directory are set as it is scraped).

use super::AppState;
use actix_web::{web, HttpResponse};

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
    metrics::gauge!("calldesk_live_calls").set(reg.calls.len() as f64);
    metrics::gauge!("calldesk_desk_sockets").set(sockets as f64);
    metrics::gauge!("calldesk_agents").set(reg.agents.len() as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(crate::telemetry::metrics().render())
}
