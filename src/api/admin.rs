//! `/api/admin/…`: the admin console's routes, managers (and admins) only — agents get 403 from
//! every one, other brands' records are not found. This file: people (상담사) — list with
//! search, create, edit, password reset, deactivate / reactivate. Every change is validated field
//! by field (nothing is stored when one is wrong), audited, and takes effect in the running
//! engine at once (`engine::admin`). An operator's (`admin`) account is changed only by an
//! operator.

use super::account::set_password_hash;
use super::auth::{hash_password, Authed};
use super::{require_manager, AppState};
use crate::domain::model::{Agent, AgentId, AgentPublic, Role};
use crate::domain::{password, people};
use crate::error::{AppError, AppResult, Code};
use crate::store;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/agents", web::get().to(list_agents))
        .route("/api/admin/agents", web::post().to(create_agent))
        .route("/api/admin/agents/{id}", web::put().to(update_agent))
        .route(
            "/api/admin/agents/{id}/password",
            web::post().to(reset_password),
        )
        .route(
            "/api/admin/agents/{id}/deactivate",
            web::post().to(deactivate),
        )
        .route("/api/admin/agents/{id}/activate", web::post().to(activate));
}

pub use crate::engine::admin::REASON_DEACTIVATED;
pub const REASON_PASSWORD_RESET: &str =
    "매니저가 비밀번호를 재설정해 로그아웃되었습니다 (password reset)";

/// A manager (or admin) of the brand, or 403.
fn manager(who: &Authed) -> AppResult<&AgentPublic> {
    require_manager(&who.0, "관리 화면")?;
    Ok(&who.0)
}

/// A person of my brand that I may change: an operator's account (`admin`) only by an
/// operator, so that a manager cannot take it over (reset its password) or demote or
/// deactivate it; otherwise 403 and nothing changes.
fn load_changeable(state: &AppState, me: &AgentPublic, id: AgentId) -> AppResult<Agent> {
    let a = load(state, me, id)?;
    if a.role == Role::Admin && me.role != Role::Admin {
        return Err(AppError::forbidden(
            "운영자(admin) 계정은 운영자만 바꿀 수 있습니다",
        ));
    }
    Ok(a)
}

/// One person as the console lists them (never the hash).
fn view(a: &Agent, status: Option<&str>) -> Value {
    json!({
        "id": a.id,
        "login": a.login,
        "name": a.name,
        "extension": a.extension,
        "role": a.role,
        "services": a.services,
        "fullView": a.full_view,
        "active": a.active,
        "status": status.unwrap_or("logged_out"),
    })
}

/// A person of my brand, or not found.
fn load(state: &AppState, me: &AgentPublic, id: AgentId) -> AppResult<Agent> {
    state
        .engine
        .store
        .agent(id)?
        .filter(|a| a.brand_id == me.brand_id)
        .ok_or_else(|| AppError::not_found(format!("상담사 {id}이(가) 없습니다")))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    q: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
}

async fn list_agents(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?;
    let needle = q.q.as_deref().unwrap_or("").trim().to_lowercase();
    let mut all: Vec<Agent> = state
        .engine
        .store
        .agents()?
        .into_iter()
        .filter(|a| a.brand_id == me.brand_id)
        .filter(|a| {
            needle.is_empty()
                || a.name.to_lowercase().contains(&needle)
                || a.login.to_lowercase().contains(&needle)
                || a.extension.contains(&needle)
        })
        .collect();
    all.sort_by(|a, b| (!a.active, &a.name).cmp(&(!b.active, &b.name)));
    let total = all.len();
    let offset = q.offset.unwrap_or(0);
    let limit = q.limit.unwrap_or(200).clamp(1, 1000);
    let items: Vec<Value> = all
        .iter()
        .skip(offset)
        .take(limit)
        .map(|a| {
            let st = state.engine.registry.statuses.get(&a.id).map(|s| *s);
            view(a, st.map(|s| s.as_str()))
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "total": total})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateBody {
    login: String,
    name: String,
    #[serde(default)]
    extension: String,
    role: String,
    #[serde(default)]
    services: Vec<String>,
    password: String,
    #[serde(default)]
    full_view: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateBody {
    name: Option<String>,
    extension: Option<String>,
    role: Option<String>,
    services: Option<Vec<String>>,
    full_view: Option<bool>,
}

/// Checks the editable fields of a person; every wrong one is named.
fn check_fields(
    state: &AppState,
    me: &AgentPublic,
    b: &UpdateBody,
    errs: &mut Vec<(&'static str, String)>,
) -> AppResult<Option<Role>> {
    if let Some(n) = &b.name {
        if let Err(m) = people::check_name(n) {
            errs.push(("name", m));
        }
    }
    if let Some(x) = &b.extension {
        if let Err(m) = people::check_extension(x) {
            errs.push(("extension", m));
        }
    }
    let role = match b
        .role
        .as_deref()
        .map(|r| people::parse_role(r, me.role == Role::Admin))
    {
        None => None,
        Some(Ok(r)) => Some(r),
        Some(Err(m)) => {
            errs.push(("role", m));
            None
        }
    };
    if let Some(list) = &b.services {
        let rt = state.engine.brand_rt(me.brand_id)?;
        let unknown: Vec<&str> = list
            .iter()
            .filter(|c| !rt.services.iter().any(|s| &s.code == *c))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            errs.push((
                "services",
                format!("없는 서비스입니다: {}", unknown.join(", ")),
            ));
        }
    }
    Ok(role)
}

/// The list without repeats, in its order.
pub(super) fn dedup(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in list {
        if !out.contains(s) {
            out.push(s.clone());
        }
    }
    out
}

async fn create_agent(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let b = body.into_inner();
    let mut errs = Vec::new();
    let login = b.login.trim().to_string();
    if let Err(m) = password::check_login(&login) {
        errs.push(("login", m));
    }
    let fields = UpdateBody {
        name: Some(b.name.clone()),
        extension: Some(b.extension.clone()),
        role: Some(b.role.clone()),
        services: Some(b.services.clone()),
        full_view: b.full_view,
    };
    let role = check_fields(&state, &me, &fields, &mut errs)?;
    if let Err(m) = password::check(&b.password, &login) {
        errs.push(("password", m));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let role = role.unwrap_or(Role::Agent);
    let pw = b.password;
    let hash = state.hashing.run(move || hash_password(&pw)).await?;
    let now = state.engine.now();
    let draft = Agent {
        id: 0,
        brand_id: me.brand_id,
        login,
        name: b.name.trim().to_string(),
        extension: b.extension.trim().to_string(),
        role,
        services: dedup(&b.services),
        password_hash: hash,
        full_view: b.full_view.unwrap_or(false) && role.is_manager(),
        active: true,
    };
    let made = state
        .engine
        .store
        .write(move |tx| {
            let mut a = draft.clone();
            a.id = store::next_agent_id(tx)?;
            store::put_agent(tx, &a)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "agent.create", "agent": a.id,
                        "login": a.login, "role": a.role, "services": a.services}),
            )?;
            Ok(a)
        })
        .await?;
    state.engine.agent_started(&made);
    Ok(HttpResponse::Created().json(view(&made, None)))
}

async fn update_agent(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
    body: web::Json<UpdateBody>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let id = id.into_inner();
    load_changeable(&state, &me, id)?;
    let b = body.into_inner();
    let mut errs = Vec::new();
    let role = check_fields(&state, &me, &b, &mut errs)?;
    if id == me.id && role.is_some_and(|r| r != me.role) {
        errs.push(("role", "자신의 역할은 바꿀 수 없습니다".into()));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let now = state.engine.now();
    let brand = me.brand_id;
    let saved = state
        .engine
        .store
        .write(move |tx| {
            let mut a = store::agent_of_brand(tx, id, Some(brand))?;
            let mut changed = serde_json::Map::new();
            if let Some(n) = &b.name {
                a.name = n.trim().to_string();
                changed.insert("name".into(), json!(a.name));
            }
            if let Some(x) = &b.extension {
                a.extension = x.trim().to_string();
                changed.insert("extension".into(), json!(a.extension));
            }
            if let Some(r) = role {
                a.role = r;
                changed.insert("role".into(), json!(r));
            }
            if let Some(list) = &b.services {
                a.services = dedup(list);
                changed.insert("services".into(), json!(a.services));
            }
            if let Some(f) = b.full_view {
                a.full_view = f;
                changed.insert("fullView".into(), json!(f));
            }
            if !a.role.is_manager() {
                a.full_view = false;
            }
            store::put_agent(tx, &a)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "agent.update", "agent": id,
                        "changed": changed}),
            )?;
            Ok(a)
        })
        .await?;
    state.engine.agent_changed(&saved);
    let st = state.engine.registry.statuses.get(&id).map(|s| *s);
    Ok(HttpResponse::Ok().json(view(&saved, st.map(|s| s.as_str()))))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PasswordBody {
    password: String,
}

async fn reset_password(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
    body: web::Json<PasswordBody>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let a = load_changeable(&state, &me, id.into_inner())?;
    let pw = body.into_inner().password;
    if let Err(m) = password::check(&pw, &a.login) {
        return Err(AppError::invalid_fields(vec![("password", m)]));
    }
    let hash = state.hashing.run(move || hash_password(&pw)).await?;
    set_password_hash(&state, a.id, hash, me.id, "agent.password_reset").await?;
    // Their sessions end (a manager resetting their own keeps the one they use).
    let keep = (a.id == me.id).then(|| who.1.clone());
    let ended = state
        .engine
        .end_sessions(a.id, None, keep, REASON_PASSWORD_RESET)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"ok": true, "sessionsEnded": ended})))
}

/// Sets `active` on a person of my brand, audited; returns the stored record.
async fn set_active(
    state: &AppState,
    me: &AgentPublic,
    id: AgentId,
    active: bool,
) -> AppResult<Agent> {
    let now = state.engine.now();
    let (by, brand) = (me.id, me.brand_id);
    Ok(state
        .engine
        .store
        .write(move |tx| {
            let mut a = store::agent_of_brand(tx, id, Some(brand))?;
            a.active = active;
            store::put_agent(tx, &a)?;
            let action = if active {
                "agent.activate"
            } else {
                "agent.deactivate"
            };
            store::audit(
                tx,
                &json!({"at": now, "by": by, "action": action, "agent": id}),
            )?;
            Ok(a)
        })
        .await?)
}

async fn deactivate(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let id = id.into_inner();
    if id == me.id {
        return Err(AppError::new(
            Code::Conflict,
            "자기 자신은 사용 중지할 수 없습니다",
        ));
    }
    load_changeable(&state, &me, id)?;
    let a = set_active(&state, &me, id, false).await?;
    // No new sign-in from now. The agent is logged out now, or when the call in hand and its
    // wrap-up end; then their sessions end, their desks close with the reason and their actor
    // stops (engine::admin).
    let status = match state.engine.agent_deactivated(id).await {
        Ok(s) => Some(s),
        Err(e) if e.code == Code::NotFound => {
            // No actor (already stopped): end whatever sessions are left.
            state
                .engine
                .end_sessions(id, None, None, REASON_DEACTIVATED)
                .await?;
            None
        }
        Err(e) => return Err(e),
    };
    let mut v = view(&a, status.as_ref().map(|s| s.status.as_str()));
    v["afterCurrentCall"] =
        json!(status.is_some_and(
            |s| s.status.on_a_call() || s.status == crate::domain::status::Status::WrapUp
        ));
    Ok(HttpResponse::Ok().json(v))
}

async fn activate(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<AgentId>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let id = id.into_inner();
    load_changeable(&state, &me, id)?;
    let a = set_active(&state, &me, id, true).await?;
    state.engine.agent_started(&a);
    Ok(HttpResponse::Ok().json(view(&a, None)))
}
