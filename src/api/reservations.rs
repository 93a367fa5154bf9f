//! `/api/reservations` (예약): create (직접 by anyone; 대량 and another owner by managers), list
//! (`mine`, `status`, `type`, `date`), edit and cancel pending ones (their owner or a manager);
//! and `/api/dnc`, the brand's do-not-call list (managers keep it; every dial checks it).

use super::auth::Authed;
use super::AppState;
use crate::domain::ledger::{local_date, start_of_day};
use crate::domain::limits;
use crate::domain::model::AgentPublic;
use crate::domain::phone::Phone;
use crate::domain::reservation::{Reservation, ResvStatus, ResvType};
use crate::engine::reservations::masked_for;
use crate::error::{AppError, AppResult, Code};
use crate::store::{self, StoreError};
use actix_web::{web, HttpResponse};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/reservations/import", web::post().to(import))
        .route("/api/reservations", web::get().to(list))
        .route("/api/reservations", web::post().to(create))
        .route("/api/reservations/{id}", web::put().to(edit))
        .route("/api/reservations/{id}/cancel", web::post().to(cancel))
        .route("/api/dnc", web::get().to(dnc_list))
        .route("/api/dnc", web::post().to(dnc_add))
        .route("/api/dnc/{number}", web::delete().to(dnc_remove));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateBody {
    number: String,
    #[serde(default)]
    customer_name: Option<String>,
    /// RFC 3339, e.g. `2026-11-23T14:10:00+09:00`.
    scheduled_at: String,
    #[serde(default)]
    r#type: Option<ResvType>,
    #[serde(default)]
    memo: Option<String>,
    #[serde(default)]
    owner_id: Option<u32>,
    #[serde(default)]
    service: Option<String>,
}

fn parse_time(s: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    let t = DateTime::parse_from_rfc3339(s)
        .map_err(|_| format!("시간 형식이 아닙니다 (RFC 3339): {s}"))?
        .with_timezone(&Utc);
    if t < now - Duration::minutes(1) {
        return Err("지난 시간으로는 예약할 수 없습니다".into());
    }
    Ok(t)
}

async fn create(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<CreateBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let b = body.into_inner();
    let engine = &state.engine;
    let now = engine.now();
    let mut errs = Vec::new();
    let number = Phone::parse(&b.number)
        .map_err(|e| errs.push(("number", e.to_string())))
        .ok();
    let at = parse_time(&b.scheduled_at, now)
        .map_err(|e| errs.push(("scheduledAt", e)))
        .ok();
    let rtype = b.r#type.unwrap_or(ResvType::Direct);
    if rtype != ResvType::Direct && !me.role.is_manager() {
        errs.push(("type", "대량·콜백 예약은 매니저만 등록합니다".into()));
    }
    let memo = b.memo.unwrap_or_default();
    errs.extend(limits::RESV_MEMO.check(&memo).err());
    errs.extend(
        limits::RESV_CUSTOMER_NAME
            .check_opt(b.customer_name.as_deref().map(str::trim))
            .err(),
    );
    let owner = match b.owner_id {
        None => Some(me.id),
        Some(id) if id == me.id => Some(id),
        Some(id) if me.role.is_manager() => {
            if engine.registry.agent(id).map(|e| e.public.brand_id) != Some(me.brand_id) {
                errs.push(("ownerId", format!("상담사 {id}이(가) 없습니다")));
            }
            Some(id)
        }
        Some(_) => {
            errs.push(("ownerId", "다른 상담사에게는 매니저만 배정합니다".into()));
            None
        }
    };
    let rt = engine.brand_rt(me.brand_id)?;
    let service = b
        .service
        .or_else(|| me.services.first().cloned())
        .or_else(|| rt.services.first().map(|s| s.code.clone()))
        .unwrap_or_default();
    if !rt.services.iter().any(|s| s.code == service) {
        errs.push(("service", format!("서비스 '{service}'이(가) 없습니다")));
    }
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let number = number.expect("validated");
    let customer = engine
        .store
        .customer_by_phone(me.brand_id, number.digits())?;
    let r = Reservation {
        id: 0,
        brand_id: me.brand_id,
        service,
        number: number.digits().to_string(),
        customer_name: b
            .customer_name
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .or_else(|| customer.as_ref().map(|c| c.name.clone())),
        customer_id: customer.map(|c| c.id),
        scheduled_at: at.expect("validated"),
        rtype,
        memo,
        owner_id: owner,
        owner_until: None,
        status: ResvStatus::Pending,
        attempts: vec![],
        ticket_id: None,
        dialing_by: None,
        dialing_since: None,
        created_by: Some(me.id),
        created_at: now,
        updated_at: now,
    };
    let saved = engine.store_new_reservation(r).await?;
    engine.push_reservations(me.brand_id);
    Ok(HttpResponse::Created().json(saved))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    mine: Option<bool>,
    status: Option<ResvStatus>,
    r#type: Option<ResvType>,
    /// Scheduled on this local day, `YYYY-MM-DD`.
    date: Option<String>,
}

/// Days back a list of finished reservations covers when no day is asked.
const RECENT_DAYS: i64 = 31;

async fn list(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<ListQuery>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let engine = &state.engine;
    let tz = engine.brand_rt(me.brand_id)?.brand.tz();
    let date = super::parse_day(q.date.as_deref())?;
    let mine = q.mine.unwrap_or(!me.role.is_manager());
    if !mine && !me.role.is_manager() {
        return Err(AppError::forbidden("모든 예약은 매니저만 볼 수 있습니다"));
    }
    let now = engine.now();
    // Pending ones (the desk's default) through their index; a day through the time index;
    // any other status without a day: the last `RECENT_DAYS` days and ahead (plus every pending
    // one when no status is asked) — never the brand's year whole. Off the HTTP worker.
    let store = engine.store.clone();
    let brand = me.brand_id;
    let status = q.status;
    let day = date.map(|d| {
        (
            start_of_day(d, tz),
            start_of_day(d + chrono::Duration::days(1), tz),
        )
    });
    let rows = super::off_thread(move || {
        if status == Some(ResvStatus::Pending) && day.is_none() {
            return store.pending_reservations(brand);
        }
        let (from, to) = day.unwrap_or((
            now - chrono::Duration::days(RECENT_DAYS),
            now + chrono::Duration::days(3650),
        ));
        let mut rows = store.reservations_between(brand, from, to)?;
        if status.is_none() && day.is_none() {
            let seen: std::collections::HashSet<u64> = rows.iter().map(|r| r.id).collect();
            let older = store.pending_reservations(brand)?;
            rows.extend(older.into_iter().filter(|r| !seen.contains(&r.id)));
        }
        Ok::<_, crate::store::StoreError>(rows)
    })
    .await?;
    let mut items: Vec<Reservation> = rows
        .into_iter()
        .filter(|r| !mine || engine.is_mine(&me, r, now))
        .filter(|r| q.status.is_none_or(|s| r.status == s))
        .filter(|r| q.r#type.is_none_or(|t| r.rtype == t))
        .filter(|r| date.is_none_or(|d| local_date(r.scheduled_at, tz) == d))
        .map(|r| {
            let holder = engine.holder(&r, now);
            masked_for(&me, r, holder)
        })
        .collect();
    items.sort_by_key(|r| (r.scheduled_at, r.id));
    let view = engine.reservations_view(&me)?;
    Ok(HttpResponse::Ok().json(json!({ "items": items, "summary": view })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct EditBody {
    scheduled_at: Option<String>,
    memo: Option<String>,
    customer_name: Option<String>,
}

fn may_change(me: &AgentPublic, r: &Reservation) -> Result<(), StoreError> {
    if r.status != ResvStatus::Pending {
        return Err(StoreError::refused(AppError::new(
            Code::Conflict,
            "미처리 예약만 바꿀 수 있습니다",
        )));
    }
    if r.owner_id != Some(me.id) && !me.role.is_manager() {
        return Err(StoreError::refused(AppError::forbidden(
            "내 예약만 바꿀 수 있습니다",
        )));
    }
    Ok(())
}

async fn edit(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<EditBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let b = body.into_inner();
    let now = state.engine.now();
    let mut errs = Vec::new();
    let at = match &b.scheduled_at {
        Some(s) => parse_time(s, now)
            .map_err(|e| errs.push(("scheduledAt", e)))
            .ok(),
        None => None,
    };
    errs.extend(limits::RESV_MEMO.check_opt(b.memo.as_deref()).err());
    errs.extend(
        limits::RESV_CUSTOMER_NAME
            .check_opt(b.customer_name.as_deref().map(str::trim))
            .err(),
    );
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let saved = change_pending(&state, me, *id, "reservation.update", move |r| {
        if let Some(at) = at {
            r.scheduled_at = at;
        }
        if let Some(m) = &b.memo {
            r.memo = m.clone();
        }
        if let Some(n) = &b.customer_name {
            r.customer_name = Some(n.trim().to_string()).filter(|n| !n.is_empty());
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// Changes a pending reservation its owner (or a manager) may change, audited as `action` in
/// the same write, then pushes 예약 현황.
async fn change_pending(
    state: &AppState,
    me: AgentPublic,
    id: u64,
    action: &'static str,
    change: impl Fn(&mut Reservation) -> Result<(), StoreError> + Send + 'static,
) -> AppResult<Reservation> {
    let now = state.engine.now();
    let brand = me.brand_id;
    let saved = state
        .engine
        .store
        .write(move |tx| {
            let saved = store::update_reservation(tx, brand, id, |r| {
                may_change(&me, r)?;
                change(r)?;
                r.updated_at = now;
                Ok(())
            })?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": action, "reservation": id}),
            )?;
            Ok(saved)
        })
        .await?;
    state.engine.push_reservations(brand);
    Ok(saved)
}

async fn cancel(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let id = *id;
    let now = state.engine.now();
    let call_live = state.engine.registry.reservation_calls.contains_key(&id);
    let saved = change_pending(&state, who.0, id, "reservation.cancel", move |r| {
        r.drop_stale_claim(now, call_live);
        if r.dialing_by.is_some() {
            return Err(StoreError::refused(AppError::new(
                Code::Conflict,
                "전화 중인 예약은 취소할 수 없습니다",
            )));
        }
        r.status = ResvStatus::Cancelled;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// The do-not-call list, each entry with the name of who added it (`byName`).
async fn dnc_list(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let mut items = state.engine.store.dnc_list(who.0.brand_id)?;
    for e in items.iter_mut() {
        let name = e
            .get("by")
            .and_then(|v| v.as_u64())
            .and_then(|id| state.engine.registry.agent(id as u32))
            .map(|a| a.public.name);
        if let (Some(o), Some(n)) = (e.as_object_mut(), name) {
            o.insert("byName".into(), json!(n));
        }
    }
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DncBody {
    number: String,
    reason: String,
}

async fn dnc_add(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<DncBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    super::require_manager(&me, "수신거부 목록 관리")?;
    let phone = Phone::parse(&body.number)
        .map_err(|e| AppError::invalid_fields(vec![("number", e.to_string())]))?;
    let reason = body.reason.trim().to_string();
    if reason.is_empty() {
        return Err(AppError::invalid_fields(vec![(
            "reason",
            "사유를 입력하세요".into(),
        )]));
    }
    limits::DNC_REASON
        .check(&reason)
        .map_err(|e| AppError::invalid_fields(vec![e]))?;
    let now = state.engine.now();
    let entry = json!({"number": phone.digits(), "reason": reason, "at": now, "by": me.id});
    let e2 = entry.clone();
    let digits = phone.digits().to_string();
    state
        .engine
        .store
        .write(move |tx| {
            store::put_dnc(tx, me.brand_id, &e2, &digits)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "dnc.add", "number": digits}),
            )
        })
        .await?;
    Ok(HttpResponse::Created().json(entry))
}

async fn dnc_remove(
    state: web::Data<AppState>,
    who: Authed,
    number: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    super::require_manager(&me, "수신거부 목록 관리")?;
    let phone = Phone::parse(&number).map_err(|e| AppError::bad_request(e.to_string()))?;
    let digits = phone.digits().to_string();
    let now = state.engine.now();
    let gone = state
        .engine
        .store
        .write(move |tx| {
            let gone = store::delete_dnc(tx, me.brand_id, &digits)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "dnc.remove", "number": digits}),
            )?;
            Ok(gone)
        })
        .await?;
    if !gone {
        return Err(AppError::not_found("수신거부 목록에 없는 번호입니다"));
    }
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportQuery {
    /// The uploaded file's name: `.csv` or `.xlsx` decides how it is read.
    filename: String,
    /// Only check and show; save nothing.
    #[serde(default)]
    preview: bool,
    /// Agents to deal rows without a named agent to, in turn (comma-separated ids).
    #[serde(default)]
    agents: Option<String>,
    /// Save the good rows even when others have errors.
    #[serde(default)]
    skip_invalid: bool,
    #[serde(default)]
    service: Option<String>,
}

/// Reads an upload's body up to `limit` bytes; more is a 413 before the rest is read.
pub async fn read_body(
    req: &actix_web::HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> AppResult<web::Bytes> {
    use futures_util::StreamExt;
    let too_large = || {
        AppError::new(
            Code::PayloadTooLarge,
            format!("파일은 {} MiB까지 올릴 수 있습니다", limit / 1024 / 1024),
        )
    };
    let declared = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = web::BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::bad_request(format!("파일을 받지 못했습니다: {e}")))?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// `POST /api/reservations/import`: a manager's bulk file (CSV UTF-8 / CP949, or .xlsx) →
/// a row-by-row preview, or 대량 reservations. The file itself is not kept. Reading and checking
/// run on a blocking thread, at most `bulk::PARSES_AT_ONCE` files at a time (503 past that), each
/// bounded in bytes, rows, columns, cells and time (see `bulk`).
async fn import(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<ImportQuery>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    use crate::bulk;
    let me = who.0;
    super::require_manager(&me, "대량 예약 등록")?;
    let engine = &state.engine;
    let rt = engine.brand_rt(me.brand_id)?;
    let name = q.filename.to_lowercase();
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") && !name.ends_with(".txt") {
        return Err(AppError::bad_request(
            "CSV 또는 .xlsx 파일만 올릴 수 있습니다",
        ));
    }
    let body = read_body(&req, payload, bulk::MAX_BYTES).await?;
    let members: Vec<AgentPublic> = engine
        .registry
        .brand_agents
        .get(&me.brand_id)
        .map(|v| v.clone())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| engine.registry.agent(id).map(|e| e.public))
        .collect();
    let deal: Vec<u32> = match &q.agents {
        None => Vec::new(),
        Some(list) => list
            .split(',')
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|id| members.iter().any(|m| m.id == *id))
                    .ok_or_else(|| AppError::bad_request(format!("agents: 없는 상담사입니다: {s}")))
            })
            .collect::<AppResult<_>>()?,
    };
    let slot = state
        .uploads
        .take()
        .ok_or_else(|| AppError::busy("다른 파일을 읽는 중입니다. 잠시 후 다시 올려 주세요", 5))?;
    let now = engine.now();
    let tz = rt.brand.tz();
    let store = engine.store.clone();
    let brand = me.brand_id;
    let (rows, encoding, good, errors) = web::block(move || -> AppResult<_> {
        let _slot = slot;
        let (rows, encoding) = if xlsx {
            (
                bulk::read_xlsx(&body).map_err(AppError::bad_request)?,
                "xlsx",
            )
        } else {
            bulk::read_csv(&body).map_err(AppError::bad_request)?
        };
        drop(body);
        let existing: std::collections::HashSet<(String, DateTime<Utc>)> = store
            .pending_reservations(brand)?
            .into_iter()
            .filter(|r| r.status == ResvStatus::Pending)
            .map(|r| (r.number, r.scheduled_at))
            .collect();
        let (good, errors) = bulk::check(
            &rows,
            now,
            tz,
            |a| {
                members
                    .iter()
                    .find(|m| m.login.eq_ignore_ascii_case(a) || m.name == a)
                    .map(|m| m.id)
            },
            &existing,
        );
        Ok((rows.len(), encoding, good, errors))
    })
    .await
    .map_err(AppError::internal)??;
    if q.preview {
        return Ok(HttpResponse::Ok().json(json!({
            "encoding": encoding,
            "rows": rows,
            "valid": good.len(),
            "repaired": good.iter().filter(|g| g.repaired).count(),
            "errorCount": errors.len(),
            "errors": bulk::listed(&errors),
            "sample": good.iter().take(20).collect::<Vec<_>>(),
        })));
    }
    bulk::refuse_bad_rows(&errors, q.skip_invalid)?;
    let service = q
        .service
        .clone()
        .or_else(|| rt.services.first().map(|s| s.code.clone()))
        .unwrap_or_default();
    if !rt.services.iter().any(|s| s.code == service) {
        return Err(AppError::bad_request(format!(
            "서비스 '{service}'이(가) 없습니다"
        )));
    }
    let creator = me.id;
    let count = good.len();
    let records: Vec<Reservation> = good
        .into_iter()
        .enumerate()
        .map(|(i, g)| Reservation {
            id: 0,
            brand_id: brand,
            service: service.clone(),
            number: g.number,
            customer_name: g.name,
            customer_id: None,
            scheduled_at: g.scheduled_at,
            rtype: ResvType::Bulk,
            memo: g.memo,
            owner_id: g
                .agent_id
                .or_else(|| (!deal.is_empty()).then(|| deal[i % deal.len()])),
            owner_until: None,
            status: ResvStatus::Pending,
            attempts: vec![],
            ticket_id: None,
            dialing_by: None,
            dialing_since: None,
            created_by: Some(creator),
            created_at: now,
            updated_at: now,
        })
        .collect();
    engine
        .store
        .write(move |tx| {
            for r in &records {
                let mut r = r.clone();
                r.id = store::next_counter(tx, "reservation")?;
                store::put_reservation(tx, &r)?;
            }
            store::audit(tx, &json!({"at": now, "by": creator, "action": "reservations.import", "rows": records.len()}))
        })
        .await?;
    engine.push_reservations(brand);
    Ok(HttpResponse::Created().json(json!({"imported": count, "skipped": errors.len()})))
}
