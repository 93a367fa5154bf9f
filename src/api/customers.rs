//! `/api/customers`: find by number (any format) or by name / number fragment (that list is
//! masked: 홍*동, 010-****-5678, unless the viewer has full view), read, create,
//! edit, the 관리메모 history, blacklisting (reason required; writes a memo) and the customer's
//! consultation history. Every change is audited. Only the agent's own brand is visible.

use super::auth::Authed;
use super::AppState;
use crate::domain::customer::{validate, CustomerInput};
use crate::domain::ledger::local_date;
use crate::domain::limits;
use crate::domain::model::{AgentPublic, Consultation, Customer, CustomerMemo};
use crate::domain::phone::Phone;
use crate::error::{AppError, AppResult, Code};
use crate::store::{self, StoreError};
use actix_web::{web, HttpResponse};
use redb::WriteTransaction;
use serde::Deserialize;
use serde_json::json;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/customers", web::get().to(find))
        .route("/api/customers", web::post().to(create))
        .route("/api/customers/{id}", web::get().to(get_one))
        .route("/api/customers/{id}", web::put().to(edit))
        .route("/api/customers/{id}/consultations", web::get().to(history))
        .route("/api/customers/{id}/memos", web::get().to(memos))
        .route("/api/customers/{id}/memos", web::post().to(add_memo))
        .route("/api/customers/{id}/blacklist", web::put().to(blacklist));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FindQuery {
    phone: Option<String>,
    q: Option<String>,
}

/// At most this many customers per search (the rest: type more).
const SEARCH_LIMIT: usize = 50;

async fn find(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<FindQuery>,
) -> AppResult<HttpResponse> {
    let brand = who.0.brand_id;
    let store = &state.engine.store;
    let items: Vec<Customer> = match (&q.phone, &q.q) {
        (Some(p), _) => {
            let phone =
                Phone::parse(p).map_err(|e| AppError::bad_request(format!("phone: {e}")))?;
            store
                .customer_by_phone(brand, phone.digits())?
                .into_iter()
                .collect()
        }
        (None, Some(text)) => {
            let text = text.trim().to_string();
            if text.is_empty() {
                return Err(AppError::bad_request("q가 비어 있습니다"));
            }
            // An index range scan, but still a store read of up to 50 records: on the blocking
            // pool, never on the HTTP worker that carries desks' sockets.
            let store = store.clone();
            let (mut found, more) =
                super::off_thread(move || store.search_customers(brand, &text, SEARCH_LIMIT))
                    .await?;
            if !who.0.sees_full() {
                found = found.into_iter().map(Customer::masked).collect();
            }
            return Ok(HttpResponse::Ok().json(json!({ "items": found, "more": more })));
        }
        (None, None) => return Err(AppError::bad_request("phone 또는 q가 필요합니다")),
    };
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

fn load(state: &AppState, me: &AgentPublic, id: u64) -> AppResult<Customer> {
    state
        .engine
        .store
        .customer(me.brand_id, id)?
        .ok_or_else(|| AppError::not_found(format!("고객 {id}이(가) 없습니다")))
}

async fn get_one(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(load(&state, &who.0, *id)?))
}

fn memo_entry(
    tx: &WriteTransaction,
    me: &AgentPublic,
    c: &Customer,
    kind: &str,
    text: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<CustomerMemo, StoreError> {
    let m = CustomerMemo {
        id: store::next_counter(tx, "customer-memo")?,
        customer_id: c.id,
        author_id: me.id,
        author_name: me.name.clone(),
        at,
        kind: kind.to_string(),
        text: text.to_string(),
    };
    store::put_customer_memo(tx, c.brand_id, &m)?;
    store::audit(
        tx,
        &json!({"at": at, "by": me.id, "action": format!("customer.{kind}"), "customer": c.id, "text": text}),
    )?;
    Ok(m)
}

/// Changes a customer and writes the 관리메모 entry about it (audited) in one durable write. The
/// record is read inside that write, so a concurrent change is never undone.
async fn change_with_memo(
    state: &AppState,
    me: AgentPublic,
    id: u64,
    kind: &'static str,
    text: String,
    change: impl Fn(&mut Customer) + Send + 'static,
) -> AppResult<(Customer, CustomerMemo)> {
    let now = state.engine.now();
    Ok(state
        .engine
        .store
        .write(move |tx| {
            let c = store::update_customer(tx, me.brand_id, id, |c| {
                change(c);
                c.updated_at = Some(now);
                Ok(())
            })?;
            let m = memo_entry(tx, &me, &c, kind, &text, now)?;
            Ok((c, m))
        })
        .await?)
}

/// Audits a create / edit and links the consultation it was made from, if any.
fn audit_and_link(
    tx: &WriteTransaction,
    me: &AgentPublic,
    action: &str,
    customer: u64,
    ticket: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    store::audit(
        tx,
        &json!({"at": now, "by": me.id, "action": action, "customer": customer}),
    )?;
    if let Some(t) = ticket {
        link_ticket(tx, me, t, customer)?;
    }
    Ok(())
}

/// Links a consultation of my brand to the customer (e.g. the call in progress). The
/// edit-own rule of consultations holds here too: only its agent (or a manager) may link it.
fn link_ticket(
    tx: &WriteTransaction,
    me: &AgentPublic,
    ticket: &str,
    customer: u64,
) -> Result<(), StoreError> {
    let brand = me.brand_id;
    store::update_consultation(tx, ticket, |c: &mut Consultation| {
        if c.brand_id != brand {
            return Err(StoreError::refused(AppError::new(
                Code::NotFound,
                format!("상담 {ticket}이(가) 없습니다"),
            )));
        }
        if c.agent_id != Some(me.id) && !me.role.is_manager() {
            return Err(StoreError::refused(AppError::forbidden(
                crate::engine::NOT_YOUR_CONSULTATION,
            )));
        }
        c.customer_id = Some(customer);
        Ok(())
    })
    .map(|_| ())
}

async fn create(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<CustomerInput>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let engine = &state.engine;
    let rt = engine.brand_rt(me.brand_id)?;
    let now = engine.now();
    let input = body.into_inner();
    let v = validate(&input, local_date(now, rt.brand.tz())).map_err(AppError::invalid_fields)?;
    let ticket = input.ticket_id.clone();
    let saved = engine
        .store
        .write(move |tx| {
            let id = store::next_customer_id(tx, me.brand_id)?;
            let c = Customer {
                id,
                brand_id: me.brand_id,
                name: v.name.clone(),
                phone: v.phones[0].clone(),
                phones: v.phones[1..].to_vec(),
                email: v.email.clone(),
                birth_date: v.birth_date,
                blacklisted: false,
                blacklist_reason: None,
                memo: v.memo.clone().unwrap_or_default(),
                updated_at: Some(now),
            };
            store::put_customer(tx, &c)?;
            if !c.memo.is_empty() {
                memo_entry(tx, &me, &c, "memo", &c.memo, now)?;
            }
            audit_and_link(tx, &me, "customer.create", id, ticket.as_deref(), now)?;
            Ok(c)
        })
        .await?;
    Ok(HttpResponse::Created().json(saved))
}

async fn edit(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<CustomerInput>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let engine = &state.engine;
    let rt = engine.brand_rt(me.brand_id)?;
    let now = engine.now();
    let id = *id;
    let input = body.into_inner();
    let v = validate(&input, local_date(now, rt.brand.tz())).map_err(AppError::invalid_fields)?;
    let ticket = input.ticket_id.clone();
    let saved = engine
        .store
        .write(move |tx| {
            let mut memo_changed = false;
            let c = store::update_customer(tx, me.brand_id, id, |c| {
                c.name = v.name.clone();
                c.phone = v.phones[0].clone();
                c.phones = v.phones[1..].to_vec();
                c.email = v.email.clone();
                c.birth_date = v.birth_date;
                c.updated_at = Some(now);
                memo_changed = v.memo.as_ref().is_some_and(|m| *m != c.memo);
                if let Some(m) = &v.memo {
                    c.memo = m.clone();
                }
                Ok(())
            })?;
            if memo_changed {
                memo_entry(tx, &me, &c, "memo", &c.memo, now)?;
            }
            audit_and_link(tx, &me, "customer.edit", c.id, ticket.as_deref(), now)?;
            Ok(c)
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HistoryQuery {
    /// The page after this ticket (the previous page's `next`).
    before: Option<String>,
    /// Page size (default 100, at most 500).
    limit: Option<usize>,
}

/// A customer's consultations (상담이력), newest first, a page at a time.
async fn history(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    q: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let c = load(&state, &who.0, *id)?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(AppError::invalid_fields(vec![(
            "limit",
            format!("limit은 1–500입니다 (got {limit})"),
        )]));
    }
    let store = state.engine.store.clone();
    let (brand, before) = (who.0.brand_id, q.before.clone());
    let (page, total, next) = super::off_thread(move || {
        store.customer_history_page(brand, c.id, before.as_deref(), limit)
    })
    .await?;
    let items: Vec<_> = page
        .iter()
        .map(|c| crate::engine::mask_unless(who.0.sees_full(), c.summary()))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items, "total": total, "next": next })))
}

async fn memos(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let c = load(&state, &who.0, *id)?;
    let items = state.engine.store.customer_memos(who.0.brand_id, c.id)?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MemoBody {
    text: String,
}

async fn add_memo(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<MemoBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let text = body.into_inner().text.trim().to_string();
    if text.is_empty() {
        return Err(AppError::invalid_fields(vec![(
            "text",
            "메모를 입력하세요".into(),
        )]));
    }
    limits::MEMO_TEXT
        .check(&text)
        .map_err(|e| AppError::invalid_fields(vec![e]))?;
    let memo = text.clone();
    let (_, m) = change_with_memo(&state, me, *id, "memo", text, move |c| {
        c.memo = memo.clone()
    })
    .await?;
    Ok(HttpResponse::Created().json(m))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BlacklistBody {
    blacklisted: bool,
    reason: Option<String>,
}

async fn blacklist(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<BlacklistBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let b = body.into_inner();
    let reason = b.reason.unwrap_or_default().trim().to_string();
    if b.blacklisted && reason.is_empty() {
        return Err(AppError::invalid_fields(vec![(
            "reason",
            "블랙리스트 사유를 입력하세요".into(),
        )]));
    }
    limits::BLACKLIST_REASON
        .check(&reason)
        .map_err(|e| AppError::invalid_fields(vec![e]))?;
    let (kind, text) = if b.blacklisted {
        ("blacklist", format!("블랙리스트 등록: {reason}"))
    } else if reason.is_empty() {
        ("unblacklist", "블랙리스트 해제".to_string())
    } else {
        ("unblacklist", format!("블랙리스트 해제: {reason}"))
    };
    let (saved, _) = change_with_memo(&state, me, *id, kind, text, move |c| {
        c.blacklisted = b.blacklisted;
        c.blacklist_reason = b.blacklisted.then(|| reason.clone());
    })
    .await?;
    Ok(HttpResponse::Ok().json(saved))
}
