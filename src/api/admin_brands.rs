//! `/api/admin/brands`: the operator (`admin` role) lists brands and creates a brand with its
//! first manager — live: the new brand's actors start and its manager can sign in at once.
//! Managers (whose world is one brand) and agents get 403.

use super::auth::{hash_password, Authed};
use super::AppState;
use crate::domain::model::{AgentPublic, Role};
use crate::error::{AppError, AppResult};
use crate::onboarding;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/brands", web::get().to(list))
        .route("/api/admin/brands", web::post().to(create));
}

fn operator(who: &Authed) -> AppResult<&AgentPublic> {
    if who.0.role == Role::Admin {
        Ok(&who.0)
    } else {
        Err(AppError::forbidden(
            "브랜드 만들기는 운영자(admin)만 할 수 있습니다 (operators only)",
        ))
    }
}

async fn list(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    operator(&who)?;
    let agents = state.engine.store.agents()?;
    let items: Vec<serde_json::Value> = state
        .engine
        .store
        .brands()?
        .into_iter()
        .map(|b| {
            let people = agents
                .iter()
                .filter(|a| a.brand_id == b.id && a.active)
                .count();
            json!({"id": b.id, "name": b.name, "timezone": b.timezone, "people": people})
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateBody {
    name: String,
    #[serde(default = "seoul")]
    timezone: String,
    login: String,
    password: String,
}

fn seoul() -> String {
    "Asia/Seoul".into()
}

async fn create(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let me = operator(&who)?.id;
    let b = body.into_inner();
    let errs = onboarding::check(&b.name, &b.login, &b.password, &b.timezone);
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let pw = b.password;
    let hash = state.hashing.run(move || hash_password(&pw)).await?;
    let (name, login, tz) = (
        b.name.trim().to_string(),
        b.login.trim().to_string(),
        b.timezone,
    );
    let (brand, manager) = state
        .engine
        .store
        .write(move |tx| {
            onboarding::write_brand_with_first(
                tx,
                &name,
                &login,
                &hash,
                &tz,
                Role::Manager,
                Some(me),
            )
        })
        .await?;
    state
        .engine
        .start_brand(brand.clone(), vec![], vec![AgentPublic::from(&manager)]);
    state.engine.agent_started(&manager);
    Ok(HttpResponse::Created().json(json!({
        "id": brand.id, "name": brand.name, "timezone": brand.timezone,
        "manager": {"id": manager.id, "login": manager.login},
    })))
}
