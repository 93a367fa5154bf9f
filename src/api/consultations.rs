//! `/api/consultations`: list (mine today by default; managers may ask for any agent or the
//! whole brand, any day; each item names its customer; customers' numbers and names masked in
//! the list unless the viewer has full view), read one (any of my brand's; `editable` says
//! whether I may change it), edit one (its own agent only, else 403), and the managers'
//! search (`/api/consultations/search`: date range, agent, service, 상담유형, 처리결과, channel,
//! customer number, words in the note; newest first, a page at a time, through the store's
//! posting lists on the blocking pool).

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
        .route("/api/consultations/search", web::get().to(search))
        .route(
            "/api/consultations/export",
            web::get().to(super::export::export),
        )
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
    let whose = other.unwrap_or(me.id);
    if !brand_wide
        && state
            .engine
            .registry
            .agent(whose)
            .map(|e| e.public.brand_id)
            != Some(me.brand_id)
    {
        return Err(AppError::not_found("그 상담사가 없습니다"));
    }
    // A busy day of the whole brand is tens of thousands of records: read on the blocking pool.
    let store = state.engine.store.clone();
    let brand = me.brand_id;
    let mut items = super::off_thread(move || {
        if brand_wide {
            store.consultations_of_brand(brand, date)
        } else {
            store.consultations_of_agent(whose, date)
        }
    })
    .await?;
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct SearchQuery {
    /// Local days, `YYYY-MM-DD`, inclusive; default the last 7 days.
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    pub(super) agent_id: Option<AgentId>,
    pub(super) service: Option<String>,
    pub(super) category: Option<String>,
    pub(super) result: Option<String>,
    /// `IN` or `OUT`.
    pub(super) channel: Option<String>,
    /// The customer's number, any format.
    pub(super) number: Option<String>,
    /// Words in the note (all of them; each may be the beginning of a word).
    pub(super) q: Option<String>,
    /// The previous page's `next`.
    pub(super) before: Option<String>,
    /// Page size (default 50, at most 200).
    pub(super) limit: Option<usize>,
    /// Export only: `csv` (default) or `xlsx`.
    pub(super) format: Option<String>,
}

/// The longest date range one search may cover.
const SEARCH_MAX_DAYS: i64 = 366;

/// A manager's search (or export) filters, checked against the brand: the days it covers and
/// the store's query. Refuses agents (403) and bad values (400, per field).
pub(super) fn parse_search(
    state: &AppState,
    me: &crate::domain::model::AgentPublic,
    q: &SearchQuery,
) -> AppResult<(
    chrono::NaiveDate,
    chrono::NaiveDate,
    crate::store::index::ConsultationQuery,
)> {
    if !me.role.is_manager() {
        return Err(AppError::forbidden("상담 검색은 매니저만 할 수 있습니다"));
    }
    let rt = state.engine.brand_rt(me.brand_id)?;
    let today = local_date(state.engine.now(), rt.brand.tz());
    let day = |v: &Option<String>, field: &'static str| -> AppResult<Option<chrono::NaiveDate>> {
        v.as_deref()
            .map(|d| {
                chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                    AppError::invalid_fields(vec![(
                        field,
                        format!("{field}는 YYYY-MM-DD입니다 (got '{d}')"),
                    )])
                })
            })
            .transpose()
    };
    let to = day(&q.to, "to")?.unwrap_or(today);
    let from = day(&q.from, "from")?.unwrap_or(to - chrono::Duration::days(6));
    if from > to {
        return Err(AppError::invalid_fields(vec![(
            "from",
            "from이 to보다 늦습니다".to_string(),
        )]));
    }
    if (to - from).num_days() >= SEARCH_MAX_DAYS {
        return Err(AppError::invalid_fields(vec![(
            "from",
            format!("한 번에 {SEARCH_MAX_DAYS}일까지 검색할 수 있습니다"),
        )]));
    }
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(AppError::invalid_fields(vec![(
            "limit",
            format!("limit은 1–200입니다 (got {limit})"),
        )]));
    }
    let mut bad = Vec::new();
    if let Some(s) = &q.service {
        if !rt.services.iter().any(|x| &x.code == s) {
            bad.push(("service", format!("서비스 '{s}'이(가) 없습니다")));
        }
    }
    if let Some(c) = &q.category {
        if !rt.brand.categories.contains(c) {
            bad.push(("category", format!("상담유형 '{c}'이(가) 없습니다")));
        }
    }
    if let Some(r) = &q.result {
        if !rt.brand.results.contains(r) {
            bad.push(("result", format!("처리결과 '{r}'이(가) 없습니다")));
        }
    }
    if let Some(ch) = q.channel.as_deref().filter(|c| *c != "IN" && *c != "OUT") {
        bad.push((
            "channel",
            format!("channel은 IN 또는 OUT입니다 (got '{ch}')"),
        ));
    }
    let number = match q.number.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        None => None,
        Some(n) => match crate::domain::phone::Phone::parse(n) {
            Ok(p) => Some(p.digits().to_string()),
            Err(e) => {
                bad.push(("number", format!("번호: {e}")));
                None
            }
        },
    };
    if let Some(a) = q.agent_id {
        if state.engine.registry.agent(a).map(|e| e.public.brand_id) != Some(me.brand_id) {
            bad.push(("agentId", format!("상담사 {a}이(가) 없습니다")));
        }
    }
    let before = match q.before.as_deref() {
        None => None,
        Some(t) => match crate::search::postings::ticket_number(t) {
            Some(n) => Some(n),
            None => {
                bad.push(("before", format!("before는 티켓 ID입니다 (got '{t}')")));
                None
            }
        },
    };
    let words: Vec<String> =
        q.q.as_deref()
            .map(|t| {
                crate::search::postings::words(t)
                    .map(str::to_string)
                    .take(8)
                    .collect()
            })
            .unwrap_or_default();
    if !bad.is_empty() {
        return Err(AppError::invalid_fields(bad));
    }
    let ymd = |d: chrono::NaiveDate| d.format("%Y%m%d").to_string().parse::<u64>().unwrap_or(0);
    let query = crate::store::index::ConsultationQuery {
        from: ymd(from),
        to: ymd(to),
        agent: q.agent_id.map(u64::from),
        service: q.service.clone(),
        category: q.category.clone(),
        result: q.result.clone(),
        channel: q.channel.clone(),
        number,
        words,
        before,
        limit,
    };
    Ok((from, to, query))
}

async fn search(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    if q.format.is_some() {
        return Err(AppError::invalid_fields(vec![(
            "format",
            "format은 /api/consultations/export에만 씁니다".to_string(),
        )]));
    }
    let (from, to, query) = parse_search(&state, &me, &q)?;
    let engine = state.engine.clone();
    let brand = me.brand_id;
    let full = me.sees_full();
    // The page and its customers' names are store reads: both on the blocking pool.
    let (page, items) = super::off_thread(move || {
        let page = engine.store.search_consultations(brand, &query)?;
        let items: Vec<serde_json::Value> = page
            .items
            .iter()
            .map(|c| {
                let mut v =
                    serde_json::to_value(crate::engine::mask_unless(full, engine.summary_named(c)))
                        .unwrap_or_default();
                v["content"] = json!(c.content);
                v["customerId"] = json!(c.customer_id);
                v
            })
            .collect();
        Ok::<_, crate::store::StoreError>((page, items))
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({
        "from": from,
        "to": to,
        "items": items,
        "next": page.next.map(crate::search::postings::ticket_of),
        "partial": page.partial,
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
