//! `GET /api/admin/audit` (감사 로그): who changed what, when — filterable by person (`actor`),
//! kind (`kind`: an action or its prefix, e.g. `agent`, `login.failed`) and date range (`from`,
//! `to`: local days of the brand, inclusive); JSON, or CSV with `format=csv` (Excel opens it:
//! UTF-8 with a BOM). Managers only; a brand sees only entries by or about its own people.

use super::auth::Authed;
use super::{parse_day, require_manager, AppState};
use crate::domain::ledger::{local_date, start_of_day};
use crate::domain::model::AgentId;
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;

/// Most entries one request returns (JSON); a CSV download may hold up to `MAX_CSV`.
pub const MAX_JSON: usize = 500;
pub const MAX_CSV: usize = 20_000;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/audit", web::get().to(list));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Query {
    from: Option<String>,
    to: Option<String>,
    actor: Option<AgentId>,
    kind: Option<String>,
    format: Option<String>,
}

async fn list(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<Query>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "감사 로그")?;
    let me = &who.0;
    let rt = state.engine.brand_rt(me.brand_id)?;
    let tz = rt.brand.tz();
    let today = local_date(state.engine.now(), tz);
    let from = parse_day(q.from.as_deref())?.unwrap_or(today - chrono::Duration::days(6));
    let to = parse_day(q.to.as_deref())?.unwrap_or(today);
    if to < from {
        return Err(AppError::bad_request("to는 from 이후의 날짜여야 합니다"));
    }
    if (to - from).num_days() > 366 {
        return Err(AppError::bad_request("기간은 1년을 넘을 수 없습니다"));
    }
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(AppError::bad_request(format!(
                "format은 json 또는 csv입니다 (got '{other}')"
            )))
        }
    };
    // The trail of a busy year is millions of entries: read and filter on the blocking pool.
    let store = state.engine.store.clone();
    let brand = me.brand_id;
    let (kind, actor) = (q.kind.clone().unwrap_or_default(), q.actor);
    let max = if csv { MAX_CSV } else { MAX_JSON };
    let (since, until) = (
        start_of_day(from, tz),
        start_of_day(to + chrono::Duration::days(1), tz),
    );
    let (names, entries) = super::off_thread(move || {
        let names: HashMap<AgentId, String> = store
            .agents()?
            .into_iter()
            .filter(|a| a.brand_id == brand)
            .map(|a| (a.id, a.name))
            .collect();
        let mine = |v: &Value| {
            let id = |k: &str| v.get(k).and_then(Value::as_u64).map(|n| n as AgentId);
            v.get("brand").and_then(Value::as_u64) == Some(u64::from(brand))
                || id("by").is_some_and(|a| names.contains_key(&a))
                || id("agent").is_some_and(|a| names.contains_key(&a))
        };
        let wanted = |v: &Value| {
            let action = v.get("action").and_then(Value::as_str).unwrap_or("");
            mine(v)
                && (kind.is_empty() || action == kind || action.starts_with(&format!("{kind}.")))
                && actor.is_none_or(|a| v.get("by").and_then(Value::as_u64) == Some(u64::from(a)))
        };
        let entries = store.audit_entries(since, until, max + 1, wanted)?;
        Ok::<_, crate::store::StoreError>((names, entries))
    })
    .await?;
    let truncated = entries.len() > max;
    let rows: Vec<Value> = entries
        .into_iter()
        .take(max)
        .map(|mut v| {
            let by = v.get("by").and_then(Value::as_u64).map(|n| n as AgentId);
            let obj = v.as_object_mut().map(std::mem::take).unwrap_or_default();
            let mut detail = obj.clone();
            for k in ["at", "by", "action"] {
                detail.remove(k);
            }
            json!({
                "at": obj.get("at").cloned().unwrap_or(Value::Null),
                "by": by,
                "byName": by.and_then(|b| names.get(&b).cloned()),
                "action": obj.get("action").cloned().unwrap_or(Value::Null),
                "detail": detail,
            })
        })
        .collect();
    if !csv {
        return Ok(HttpResponse::Ok().json(json!({
            "from": from, "to": to, "items": rows, "truncated": truncated,
        })));
    }
    let header = [
        "시각(at)",
        "담당자 id(by)",
        "담당자(byName)",
        "작업(action)",
        "내용(detail)",
    ];
    let body = super::csv_with_bom(
        header,
        rows.iter()
            .map(|r| ["at", "by", "byName", "action", "detail"].map(|k| super::cell_text(&r[k]))),
    )?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"audit-{from}-{to}.csv\""),
        ))
        .body(body))
}
