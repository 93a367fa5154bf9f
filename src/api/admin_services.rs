//! `/api/admin/services` (서비스: the brand's phone lines): list, create, edit — code, name, ring
//! timeout and wrap-up limit (the brand's unless set), service-level threshold, and which agents
//! serve it. Managers only; audited; live at once: a new service takes calls immediately, a
//! changed agent list changes routing on the next call, changed timings apply to the next call.

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::domain::model::{Agent, AgentId, AgentPublic, Service};
use crate::error::{AppError, AppResult, Code};
use crate::store::{self, StoreError};
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/services", web::get().to(list))
        .route("/api/admin/services", web::post().to(create))
        .route("/api/admin/services/{code}", web::put().to(update));
}

fn manager(who: &Authed) -> AppResult<&AgentPublic> {
    require_manager(&who.0, "서비스 관리")?;
    Ok(&who.0)
}

fn view(s: &Service, agents: &[Agent]) -> Value {
    let serving: Vec<Value> = agents
        .iter()
        .filter(|a| a.services.contains(&s.code))
        .map(|a| json!({"id": a.id, "name": a.name, "active": a.active}))
        .collect();
    json!({
        "code": s.code,
        "name": s.name,
        "ringTimeoutS": s.ring_timeout_s,
        "wrapUpLimitS": s.wrap_up_limit_s,
        "serviceLevelS": s.service_level_s,
        "shortAbandonS": s.short_abandon_s,
        "slTargetPct": s.sl_target_pct,
        "agents": serving,
    })
}

fn brand_agents(state: &AppState, brand: u32) -> AppResult<Vec<Agent>> {
    Ok(state
        .engine
        .store
        .agents()?
        .into_iter()
        .filter(|a| a.brand_id == brand)
        .collect())
}

async fn list(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let me = manager(&who)?;
    let services = state.engine.store.services(me.brand_id)?;
    let agents = brand_agents(&state, me.brand_id)?;
    let items: Vec<Value> = services.iter().map(|s| view(s, &agents)).collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

/// The fields of a service form, as sent: a key may be absent (unchanged), null (back to the
/// brand's value, for the timings) or a value.
struct Form {
    name: Option<String>,
    ring: Option<Option<u32>>,
    wrap: Option<Option<u32>>,
    sl: Option<u32>,
    short: Option<u32>,
    target: Option<u32>,
    agents: Option<Vec<AgentId>>,
}

const KEYS: [&str; 8] = [
    "code",
    "name",
    "ringTimeoutS",
    "wrapUpLimitS",
    "serviceLevelS",
    "shortAbandonS",
    "slTargetPct",
    "agents",
];

/// Reads and checks a service form; every wrong field is named.
fn form(body: &Map<String, Value>, agents: &[Agent]) -> AppResult<Form> {
    let mut errs: Vec<(&str, String)> = Vec::new();
    for k in body.keys() {
        if !KEYS.contains(&k.as_str()) {
            errs.push(("body", format!("모르는 항목입니다: {k}")));
        }
    }
    let secs =
        |key: &'static str, lo: u64, hi: u64, errs: &mut Vec<(&str, String)>| match body.get(key) {
            None => None,
            Some(Value::Null) => Some(None),
            Some(v) => match v.as_u64().filter(|n| (lo..=hi).contains(n)) {
                Some(n) => Some(Some(n as u32)),
                None => {
                    errs.push((key, format!("{lo}~{hi}초 사이의 정수여야 합니다")));
                    None
                }
            },
        };
    let ring = secs("ringTimeoutS", 5, 120, &mut errs);
    let wrap = secs("wrapUpLimitS", 0, 3600, &mut errs);
    let sl = match secs("serviceLevelS", 1, 600, &mut errs) {
        Some(Some(n)) => Some(n),
        Some(None) => {
            errs.push(("serviceLevelS", "서비스레벨 기준(초)을 정하세요".into()));
            None
        }
        None => None,
    };
    let short = match secs("shortAbandonS", 0, 60, &mut errs) {
        Some(Some(n)) => Some(n),
        Some(None) => {
            errs.push(("shortAbandonS", "단순포기 기준(초)을 정하세요".into()));
            None
        }
        None => None,
    };
    let target = match body.get("slTargetPct") {
        None => None,
        Some(v) => match v.as_u64().filter(|n| (1..=100).contains(n)) {
            Some(n) => Some(n as u32),
            None => {
                errs.push(("slTargetPct", "1~100 사이의 정수(%)여야 합니다".into()));
                None
            }
        },
    };
    let name = match body.get("name") {
        None => None,
        Some(v) => match v.as_str().map(str::trim) {
            Some(n) if !n.is_empty() && n.chars().count() <= 40 => Some(n.to_string()),
            _ => {
                errs.push(("name", "이름은 1~40자여야 합니다".into()));
                None
            }
        },
    };
    let agent_ids = match body.get("agents") {
        None => None,
        Some(v) => {
            let ids: Option<Vec<AgentId>> = v
                .as_array()
                .and_then(|a| a.iter().map(|x| x.as_u64().map(|n| n as AgentId)).collect());
            match ids {
                Some(ids) => {
                    let unknown: Vec<String> = ids
                        .iter()
                        .filter(|id| !agents.iter().any(|a| a.id == **id))
                        .map(|id| id.to_string())
                        .collect();
                    if !unknown.is_empty() {
                        errs.push((
                            "agents",
                            format!("없는 상담사입니다: {}", unknown.join(", ")),
                        ));
                    }
                    Some(ids)
                }
                None => {
                    errs.push(("agents", "상담사 id 목록이어야 합니다".into()));
                    None
                }
            }
        }
    };
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    Ok(Form {
        name,
        ring,
        wrap,
        sl,
        short,
        target,
        agents: agent_ids,
    })
}

/// Writes the service and the agents' service lists that change with it; audited. Returns the
/// service and the agents whose lists changed.
async fn save(
    state: &AppState,
    me: &AgentPublic,
    service: Service,
    agents: Option<Vec<AgentId>>,
    new: bool,
) -> AppResult<(Service, Vec<Agent>)> {
    let now = state.engine.now();
    let (by, brand) = (me.id, me.brand_id);
    Ok(state
        .engine
        .store
        .write(move |tx| {
            let key = format!("{:010}/{}", brand, service.code);
            let exists = store::get_w::<Service>(tx, store::tables::SERVICES, &key)?.is_some();
            if new && exists {
                return Err(StoreError::refused(AppError::new(
                    Code::Conflict,
                    format!("서비스 코드 '{}'은(는) 이미 있습니다", service.code),
                )));
            }
            if !new && !exists {
                return Err(StoreError::refused(AppError::not_found("서비스가 없습니다")));
            }
            store::put_service(tx, &service)?;
            let mut changed = Vec::new();
            if let Some(ids) = &agents {
                let all: Vec<Agent> = store::agents_of_brand(tx, brand)?;
                for mut a in all {
                    let serves = a.services.contains(&service.code);
                    let should = ids.contains(&a.id);
                    if serves != should {
                        if should {
                            a.services.push(service.code.clone());
                        } else {
                            a.services.retain(|c| c != &service.code);
                        }
                        store::put_agent(tx, &a)?;
                        changed.push(a);
                    }
                }
            }
            store::audit(
                tx,
                &json!({"at": now, "by": by,
                        "action": if new { "service.create" } else { "service.update" },
                        "service": service.code, "name": service.name,
                        "ringTimeoutS": service.ring_timeout_s, "wrapUpLimitS": service.wrap_up_limit_s,
                        "serviceLevelS": service.service_level_s, "agents": agents}),
            )?;
            Ok((service.clone(), changed))
        })
        .await?)
}

async fn create(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let body = body.into_inner();
    let agents = brand_agents(&state, me.brand_id)?;
    let code = body
        .get("code")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_string();
    let code_ok = !code.is_empty()
        && code.len() <= 20
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    let f = match (form(&body, &agents), code_ok) {
        (Ok(f), true) => f,
        (res, ok) => {
            let mut errs: Vec<(&str, String)> = Vec::new();
            if !ok {
                errs.push((
                    "code",
                    "코드는 영문 소문자, 숫자, _ - 로 1~20자입니다".into(),
                ));
            }
            if let Err(e) = res {
                for (k, v) in e.fields.unwrap_or_default() {
                    let k: &'static str = KEYS.iter().find(|x| **x == k).copied().unwrap_or("body");
                    errs.push((k, v.as_str().unwrap_or_default().to_string()));
                }
            }
            return Err(AppError::invalid_fields(errs));
        }
    };
    let Some(name) = f.name else {
        return Err(AppError::invalid_fields(vec![(
            "name",
            "이름을 입력하세요".into(),
        )]));
    };
    let mut s = Service::new(me.brand_id, &code, &name);
    s.ring_timeout_s = f.ring.flatten();
    s.wrap_up_limit_s = f.wrap.flatten();
    if let Some(sl) = f.sl {
        s.service_level_s = sl;
    }
    if let Some(v) = f.short {
        s.short_abandon_s = v;
    }
    if let Some(v) = f.target {
        s.sl_target_pct = v;
    }
    let (saved, changed) = save(&state, &me, s, f.agents, true).await?;
    state.engine.service_added(saved.clone());
    for a in &changed {
        state.engine.agent_changed(a);
    }
    let agents = brand_agents(&state, me.brand_id)?;
    Ok(HttpResponse::Created().json(view(&saved, &agents)))
}

async fn update(
    state: web::Data<AppState>,
    who: Authed,
    code: web::Path<String>,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    let me = manager(&who)?.clone();
    let code = code.into_inner();
    let mut s = state
        .engine
        .store
        .services(me.brand_id)?
        .into_iter()
        .find(|s| s.code == code)
        .ok_or_else(|| AppError::not_found(format!("서비스 '{code}'이(가) 없습니다")))?;
    let body = body.into_inner();
    if body
        .get("code")
        .is_some_and(|c| c.as_str() != Some(code.as_str()))
    {
        return Err(AppError::invalid_fields(vec![(
            "code",
            "코드는 바꿀 수 없습니다 (교환기가 이 코드로 전화를 보냅니다)".into(),
        )]));
    }
    let agents = brand_agents(&state, me.brand_id)?;
    let f = form(&body, &agents)?;
    if let Some(n) = f.name {
        s.name = n;
    }
    if let Some(r) = f.ring {
        s.ring_timeout_s = r;
    }
    if let Some(w) = f.wrap {
        s.wrap_up_limit_s = w;
    }
    if let Some(sl) = f.sl {
        s.service_level_s = sl;
    }
    if let Some(v) = f.short {
        s.short_abandon_s = v;
    }
    if let Some(v) = f.target {
        s.sl_target_pct = v;
    }
    let (saved, changed) = save(&state, &me, s, f.agents, false).await?;
    state.engine.service_changed(saved.clone());
    for a in &changed {
        state.engine.agent_changed(a);
    }
    let agents = brand_agents(&state, me.brand_id)?;
    Ok(HttpResponse::Ok().json(view(&saved, &agents)))
}
