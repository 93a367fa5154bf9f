//! `/api/consultations`: list (mine today by default; managers may ask for any agent or the
//! whole brand, any day; each item names its customer; customers' numbers and names masked in
//! the list unless the viewer has full view), read one (any of my brand's; `editable` says
//! whether I may change it), and edit one (its own agent only, else 403).

use super::auth::Authed;
use super::AppState;
use crate::domain::ledger::local_date;
use crate::domain::model::{AgentId, Channel, Consultation};
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/consultations", web::get().to(list))
        .route("/api/consultations/{ticket}", web::get().to(get_one))
        .route("/api/consultations/{ticket}", web::put().to(edit));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    /// Local day, `YYYY-MM-DD`; default today.
    date: Option<String>,
    /// Someone else's (managers only).
    agent_id: Option<AgentId>,
    /// `brand`: everyone's (managers only).
    scope: Option<String>,
    /// `IN` or `OUT`.
    channel: Option<String>,
    /// Include calls still live (default: completed only).
    include_live: Option<bool>,
}

async fn list(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let rt = state.engine.brand_rt(me.brand_id)?;
    let date = match super::parse_day(q.date.as_deref())? {
        Some(d) => d,
        None => local_date(state.engine.now(), rt.brand.tz()),
    };
    let channel = match q.channel.as_deref() {
        None => None,
        Some("IN") => Some(Channel::In),
        Some("OUT") => Some(Channel::Out),
        Some(other) => {
            return Err(AppError::bad_request(format!(
                "channel은 IN 또는 OUT입니다 (got '{other}')"
            )))
        }
    };
    let brand_wide = q.scope.as_deref() == Some("brand");
    if let Some(s) = q.scope.as_deref().filter(|s| *s != "brand" && *s != "mine") {
        return Err(AppError::bad_request(format!(
            "scope는 mine 또는 brand입니다 (got '{s}')"
        )));
    }
    let other = q.agent_id.filter(|a| *a != me.id);
    if (brand_wide || other.is_some()) && !me.role.is_manager() {
        return Err(AppError::forbidden(
            "다른 상담사의 상담 목록은 매니저만 볼 수 있습니다",
        ));
    }
    let store = &state.engine.store;
    let mut items = if brand_wide {
        store.consultations_of_brand(me.brand_id, date)?
    } else {
        let whose = other.unwrap_or(me.id);
        if state
            .engine
            .registry
            .agent(whose)
            .map(|e| e.public.brand_id)
            != Some(me.brand_id)
        {
            return Err(AppError::not_found("그 상담사가 없습니다"));
        }
        store.consultations_of_agent(whose, date)?
    };
    let include_live = q.include_live.unwrap_or(false);
    items.retain(|c| {
        (include_live || c.ended_at.is_some()) && channel.is_none_or(|ch| c.channel == ch)
    });
    let full = me.sees_full();
    let in_count = items.iter().filter(|c| c.channel == Channel::In).count();
    let out_count = items.len() - in_count;
    // Each item names its customer (masked like the number for viewers without full view).
    let rows: Vec<serde_json::Value> = items
        .into_iter()
        .map(|c| {
            let name = state.engine.summary_named(&c).customer_name;
            let (c, name) = if full {
                (c, name)
            } else {
                (
                    c.masked(),
                    name.map(|n| crate::domain::customer::mask_name(&n)),
                )
            };
            let mut v = serde_json::to_value(&c).unwrap_or_default();
            v["customerName"] = json!(name);
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({
        "date": date,
        "items": rows,
        "inCount": in_count,
        "outCount": out_count,
        "total": in_count + out_count,
    })))
}

fn load(state: &AppState, brand: u32, ticket: &str) -> AppResult<Consultation> {
    state
        .engine
        .store
        .consultation(ticket)?
        .filter(|c| c.brand_id == brand)
        .ok_or_else(|| AppError::not_found(format!("상담 {ticket}이(가) 없습니다")))
}

fn with_editable(c: &Consultation, me: AgentId) -> serde_json::Value {
    let mut v = serde_json::to_value(c).unwrap_or_default();
    v["editable"] = json!(c.agent_id == Some(me));
    v
}

async fn get_one(
    state: web::Data<AppState>,
    who: Authed,
    ticket: web::Path<String>,
) -> AppResult<HttpResponse> {
    let c = load(&state, who.0.brand_id, &ticket)?;
    Ok(HttpResponse::Ok().json(with_editable(&c, who.0.id)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EditBody {
    category: Option<String>,
    result: Option<String>,
    content: String,
}

async fn edit(
    state: web::Data<AppState>,
    who: Authed,
    ticket: web::Path<String>,
    body: web::Json<EditBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let c = state
        .engine
        .save_note(&who.0, &ticket, b.category, b.result, b.content)
        .await?;
    Ok(HttpResponse::Ok().json(with_editable(&c, who.0.id)))
}
