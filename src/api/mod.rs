//! HTTP routes (actix-web), one module per resource, each with `configure(cfg)`. Shared state,
//! the authenticated-agent extractor and the error handlers for bad JSON / paths / queries live
//! here and in `auth`.

pub mod agents;
pub mod auth;
pub mod consultations;
pub mod customers;
pub mod health;
pub mod orders;
pub mod reservations;
pub mod stats;
pub mod telephony;
pub mod templates;
pub mod web_client;

use crate::config::Settings;
use crate::engine::Engine;
use actix_web::web;
use std::sync::Arc;

pub struct AppState {
    pub engine: Engine,
    pub settings: Arc<Settings>,
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(crate::error::json_config())
        .app_data(crate::error::query_config())
        .app_data(crate::error::path_config());
    health::configure(cfg);
    auth::configure(cfg);
    telephony::configure(cfg);
    consultations::configure(cfg);
    customers::configure(cfg);
    stats::configure(cfg);
    agents::configure(cfg);
    templates::configure(cfg);
    orders::configure(cfg);
    reservations::configure(cfg);
    cfg.default_service(web::route().to(web_client::fallback));
}
