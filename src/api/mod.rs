//! HTTP routes (actix-web), one module per resource, each with `configure(cfg)`. Shared state,
//! the authenticated-agent extractor and the error handlers for bad JSON / paths / queries live
//! here and in `auth`.

pub mod account;
pub mod admin;
pub mod admin_audit;
pub mod admin_brands;
pub mod admin_import;
pub mod admin_links;
pub mod admin_services;
pub mod admin_settings;
pub mod agents;
pub mod auth;
pub mod consultations;
pub mod customers;
pub mod export;
pub mod floor;
pub mod hashing;
pub mod health;
pub mod messages;
pub mod orders;
pub mod privacy;
pub mod reports;
pub mod reservations;
pub mod sessions;
pub mod stats;
pub mod telephony;
pub mod templates;
pub mod wallboard;
pub mod web_client;

use crate::config::Settings;
use crate::engine::Engine;
use actix_web::web;
use std::sync::Arc;

pub struct AppState {
    pub engine: Engine,
    pub settings: Arc<Settings>,
    /// Bulk files being read now (each may hold tens of MB while it is read).
    pub uploads: Arc<Slots>,
    /// Password hashing threads and their bounded queue.
    pub hashing: Arc<hashing::HashPool>,
    /// Failed logins per login (locks after too many).
    pub throttle: Arc<sessions::LoginThrottle>,
}

/// Compares in time that depends only on the lengths, not on where the bytes differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = a.len() ^ b.len();
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= usize::from(x ^ y);
    }
    diff == 0
}

/// A fixed number of slots for heavy work; `take` refuses instead of queueing.
pub struct Slots {
    used: std::sync::atomic::AtomicUsize,
    max: usize,
}

/// One taken slot, given back when dropped.
pub struct Slot(Arc<Slots>);

impl Slots {
    pub fn new(max: usize) -> Arc<Slots> {
        Arc::new(Slots {
            used: std::sync::atomic::AtomicUsize::new(0),
            max,
        })
    }

    /// A slot, or `None` when all are taken.
    pub fn take(self: &Arc<Self>) -> Option<Slot> {
        use std::sync::atomic::Ordering::SeqCst;
        self.used
            .fetch_update(SeqCst, SeqCst, |n| (n < self.max).then_some(n + 1))
            .ok()
            .map(|_| Slot(self.clone()))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0
            .used
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Refuses people who are not managers (or admins) with a 403 naming what they tried.
pub fn require_manager(
    me: &crate::domain::model::AgentPublic,
    what: &str,
) -> crate::error::AppResult<()> {
    if me.role.is_manager() {
        Ok(())
    } else {
        Err(crate::error::AppError::forbidden(format!(
            "{what}은(는) 매니저만 할 수 있습니다 (managers only)"
        )))
    }
}

/// Parses an optional `YYYY-MM-DD` query value.
/// A JSON value as a CSV cell: strings bare, null empty, anything else as JSON.
pub fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A CSV file for Excel: UTF-8 with a BOM (Korean shows), a header row, then the rows.
pub fn csv_with_bom<H, R>(
    header: impl IntoIterator<Item = H>,
    rows: impl IntoIterator<Item = R>,
) -> crate::error::AppResult<Vec<u8>>
where
    H: AsRef<[u8]>,
    R: IntoIterator,
    R::Item: AsRef<[u8]>,
{
    let bad = |e: csv::Error| crate::error::AppError::internal(e.to_string());
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(header).map_err(bad)?;
    for r in rows {
        w.write_record(r).map_err(bad)?;
    }
    w.into_inner()
        .map_err(|e| crate::error::AppError::internal(e.to_string()))
}

/// Runs a store read (or other blocking work) on actix-web's blocking pool, never on the HTTP
/// worker that carries desks' sockets; its error comes back as the store's.
pub async fn off_thread<T, E>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> crate::error::AppResult<T>
where
    T: Send + 'static,
    E: Send + 'static,
    crate::error::AppError: From<E>,
{
    Ok(actix_web::web::block(f)
        .await
        .map_err(|e| crate::error::AppError::internal(e.to_string()))??)
}

pub fn parse_day(d: Option<&str>) -> crate::error::AppResult<Option<chrono::NaiveDate>> {
    d.map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .map_err(|_| crate::error::AppError::bad_request("date는 YYYY-MM-DD 형식이어야 합니다"))
    })
    .transpose()
}

/// The Content-Security-Policy of every response: only this origin's scripts, styles, images
/// and connections (the desk socket included); no inline script, no plugins, never framed.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response (pages, API, errors).
pub fn security_headers() -> actix_web::middleware::DefaultHeaders {
    actix_web::middleware::DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"))
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(crate::error::json_config())
        .app_data(crate::error::query_config())
        .app_data(crate::error::path_config());
    health::configure(cfg);
    auth::configure(cfg);
    account::configure(cfg);
    admin_import::configure(cfg);
    admin_links::configure(cfg);
    admin::configure(cfg);
    admin_audit::configure(cfg);
    admin_brands::configure(cfg);
    admin_services::configure(cfg);
    admin_settings::configure(cfg);
    telephony::configure(cfg);
    consultations::configure(cfg);
    privacy::configure(cfg);
    customers::configure(cfg);
    stats::configure(cfg);
    wallboard::configure(cfg);
    floor::configure(cfg);
    reports::configure(cfg);
    agents::configure(cfg);
    templates::configure(cfg);
    orders::configure(cfg);
    reservations::configure(cfg);
    messages::configure(cfg);
    cfg.default_service(web::route().to(web_client::fallback));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_only_when_equal() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(!constant_time_eq(b"", b"a"));
    }

    #[test]
    fn slots_refuse_past_their_number_and_come_back_when_dropped() {
        let slots = Slots::new(2);
        let a = slots.take().expect("first");
        let _b = slots.take().expect("second");
        assert!(slots.take().is_none(), "a third is refused, not queued");
        drop(a);
        assert!(slots.take().is_some());
    }
}
