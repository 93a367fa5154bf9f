//! `/api/admin/settings` (브랜드 설정): every setting of the brand in one form — name, time zone,
//! ring timeout, wrap-up limit, 최고콜/전체콜, 상담유형 and 처리결과 lists, quiet hours, callback
//! window, reservation attempts, session idle hours and lifetime, 보존 기간 (retention), the mall
//! link and the message carrier (`admin_links`). `PUT` changes the keys it is
//! sent (others stay), names every wrong field and stores nothing then, audits what changed, and
//! applies at once (`Engine::brand_changed`; desks get a `brand` frame).

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::domain::model::{Brand, BrandCallsMode};
use crate::error::{AppError, AppResult};
use crate::store::{self, StoreError};
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/settings", web::get().to(get))
        .route("/api/admin/settings", web::put().to(put));
}

/// The form as the console shows it. The mall link and the message provider are shown without
/// their secrets (`admin_links`).
fn view(b: &Brand) -> Value {
    json!({
        "id": b.id,
        "name": b.name,
        "timezone": b.timezone,
        "ringTimeoutS": b.ring_timeout_s,
        "wrapUpLimitS": b.wrap_up_limit_s,
        "callsMode": b.calls_mode,
        "categories": b.categories,
        "results": b.results,
        "quietStart": b.quiet_start,
        "quietEnd": b.quiet_end,
        "callbackWindowMin": b.callback_window_min,
        "maxAttempts": b.max_attempts,
        "sessionIdleH": b.session_idle_h,
        "sessionMaxDays": b.session_max_days,
        "wallboard": b.wallboard,
        "retention": b.retention,
        "mall": super::admin_links::mall_view(b.mall.as_ref()),
        "messaging": super::admin_links::messaging_view(b.messaging.as_ref()),
    })
}

async fn get(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    require_manager(&who.0, "브랜드 설정")?;
    let b = state.engine.brand_rt(who.0.brand_id)?.brand;
    Ok(HttpResponse::Ok().json(view(&b)))
}

/// The shortest and longest 보존 기간 a brand may set (a shorter one is almost surely a slip
/// that would clear last month's notes).
pub const RETENTION_MIN_DAYS: u64 = 30;
pub const RETENTION_MAX_DAYS: u64 = 3650;

/// Applies the sent keys to `b`; returns the refusals, field by field.
fn apply(b: &mut Brand, body: &Map<String, Value>) -> Vec<(&'static str, String)> {
    let mut errs: Vec<(&'static str, String)> = Vec::new();
    let int = |key: &'static str, lo: u64, hi: u64, errs: &mut Vec<(&'static str, String)>| {
        body.get(key)
            .and_then(|v| match v.as_u64().filter(|n| (lo..=hi).contains(n)) {
                Some(n) => Some(n as u32),
                None => {
                    errs.push((key, format!("{lo}~{hi} 사이의 정수여야 합니다")));
                    None
                }
            })
    };
    let text = |key: &'static str, max: usize, errs: &mut Vec<(&'static str, String)>| {
        body.get(key).and_then(|v| match v.as_str().map(str::trim) {
            Some(t) if !t.is_empty() && t.chars().count() <= max => Some(t.to_string()),
            _ => {
                errs.push((key, format!("1~{max}자여야 합니다")));
                None
            }
        })
    };
    let list = |key: &'static str, errs: &mut Vec<(&'static str, String)>| {
        body.get(key).and_then(|v| {
            let items: Option<Vec<String>> = v.as_array().and_then(|a| {
                a.iter()
                    .map(|x| x.as_str().map(|s| s.trim().to_string()))
                    .collect()
            });
            match items {
                Some(items)
                    if !items.is_empty()
                        && items.len() <= 30
                        && items
                            .iter()
                            .all(|i| !i.is_empty() && i.chars().count() <= 40) =>
                {
                    Some(super::admin::dedup(&items))
                }
                _ => {
                    errs.push((key, "1~30개, 각 1~40자의 목록이어야 합니다".into()));
                    None
                }
            }
        })
    };
    let hhmm = |key: &'static str, errs: &mut Vec<(&'static str, String)>| {
        body.get(key).and_then(|v| {
            match v
                .as_str()
                .filter(|s| chrono::NaiveTime::parse_from_str(s, "%H:%M").is_ok() && s.len() == 5)
            {
                Some(s) => Some(s.to_string()),
                None => {
                    errs.push((key, "HH:MM 형식이어야 합니다 (예: 21:00)".into()));
                    None
                }
            }
        })
    };
    const KEYS: [&str; 15] = [
        "name",
        "timezone",
        "ringTimeoutS",
        "wrapUpLimitS",
        "callsMode",
        "categories",
        "results",
        "quietStart",
        "quietEnd",
        "callbackWindowMin",
        "maxAttempts",
        "sessionIdleH",
        "sessionMaxDays",
        "wallboard",
        "retention",
    ];
    for k in body.keys() {
        if !KEYS.contains(&k.as_str()) && !matches!(k.as_str(), "id" | "mall" | "messaging") {
            errs.push(("body", format!("모르는 설정입니다: {k}")));
        }
    }
    if let Some(v) = text("name", 60, &mut errs) {
        b.name = v;
    }
    if let Some(v) = body.get("timezone") {
        match v.as_str().filter(|z| z.parse::<chrono_tz::Tz>().is_ok()) {
            Some(z) => b.timezone = z.to_string(),
            None => errs.push(("timezone", "IANA 시간대여야 합니다 (예: Asia/Seoul)".into())),
        }
    }
    if let Some(v) = int("ringTimeoutS", 5, 120, &mut errs) {
        b.ring_timeout_s = v;
    }
    if let Some(v) = int("wrapUpLimitS", 0, 3600, &mut errs) {
        b.wrap_up_limit_s = v;
    }
    if let Some(v) = body.get("callsMode") {
        match v.as_str() {
            Some("top") => b.calls_mode = BrandCallsMode::Top,
            Some("total") => b.calls_mode = BrandCallsMode::Total,
            _ => errs.push(("callsMode", "top(최고콜) 또는 total(전체콜)입니다".into())),
        }
    }
    if let Some(v) = list("categories", &mut errs) {
        b.categories = v;
    }
    if let Some(v) = list("results", &mut errs) {
        b.results = v;
    }
    if let Some(v) = hhmm("quietStart", &mut errs) {
        b.quiet_start = v;
    }
    if let Some(v) = hhmm("quietEnd", &mut errs) {
        b.quiet_end = v;
    }
    if let Some(v) = int("callbackWindowMin", 1, 1440, &mut errs) {
        b.callback_window_min = v;
    }
    if let Some(v) = int("maxAttempts", 1, 10, &mut errs) {
        b.max_attempts = v;
    }
    if let Some(v) = int("sessionIdleH", 1, 72, &mut errs) {
        b.session_idle_h = v;
    }
    if let Some(v) = int("sessionMaxDays", 1, 90, &mut errs) {
        b.session_max_days = v;
    }
    if let Some(v) = body.get("wallboard") {
        match v.as_object() {
            None => errs.push(("wallboard", "객체여야 합니다".into())),
            Some(w) => {
                let mut next = b.wallboard;
                let mut num = |key: &str, lo: u32, hi: u32, slot: &mut u32| match w.get(key) {
                    None => {}
                    Some(v) => match v
                        .as_u64()
                        .filter(|n| (u64::from(lo)..=u64::from(hi)).contains(n))
                    {
                        Some(n) => *slot = n as u32,
                        None => errs.push((
                            "wallboard",
                            format!("{key}: {lo}~{hi} 사이의 정수여야 합니다"),
                        )),
                    },
                };
                num("answerRateGreen", 1, 100, &mut next.answer_rate_green);
                num("answerRateYellow", 0, 100, &mut next.answer_rate_yellow);
                num("waitingWarn", 1, 10_000, &mut next.waiting_warn);
                num("longestWaitWarnS", 1, 3_600, &mut next.longest_wait_warn_s);
                num("auxWarnMin", 1, 480, &mut next.aux_warn_min);
                for k in w.keys() {
                    if ![
                        "answerRateGreen",
                        "answerRateYellow",
                        "waitingWarn",
                        "longestWaitWarnS",
                        "auxWarnMin",
                    ]
                    .contains(&k.as_str())
                    {
                        errs.push(("wallboard", format!("모르는 항목입니다: {k}")));
                    }
                }
                if next.answer_rate_yellow >= next.answer_rate_green {
                    errs.push((
                        "wallboard",
                        "answerRateYellow는 answerRateGreen보다 낮아야 합니다".into(),
                    ));
                }
                b.wallboard = next;
            }
        }
    }
    if let Some(v) = body.get("retention") {
        match v.as_object() {
            None => errs.push(("retention", "객체여야 합니다".into())),
            Some(r) => {
                let mut next = b.retention;
                for (k, v) in r {
                    let slot = match k.as_str() {
                        "notesDays" => &mut next.notes_days,
                        "callsDays" => &mut next.calls_days,
                        "messagesDays" => &mut next.messages_days,
                        _ => {
                            errs.push(("retention", format!("모르는 항목입니다: {k}")));
                            continue;
                        }
                    };
                    match v {
                        Value::Null => *slot = None,
                        v => match v.as_u64().filter(|n| (RETENTION_MIN_DAYS..=RETENTION_MAX_DAYS).contains(n)) {
                            Some(n) => *slot = Some(n as u32),
                            None => errs.push((
                                "retention",
                                format!(
                                    "{k}: {RETENTION_MIN_DAYS}~{RETENTION_MAX_DAYS}일 또는 null(보관)이어야 합니다"
                                ),
                            )),
                        },
                    }
                }
                b.retention = next;
            }
        }
    }
    if let Some(v) = body.get("mall") {
        if let Some(link) = super::admin_links::parse_mall(v, b.mall.as_ref(), &mut errs) {
            b.mall = link;
        }
    }
    if let Some(v) = body.get("messaging") {
        if let Some(link) = super::admin_links::parse_messaging(v, b.messaging.as_ref(), &mut errs)
        {
            b.messaging = link;
        }
    }
    errs
}

async fn put(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "브랜드 설정")?;
    let me = who.0.clone();
    let body = body.into_inner();
    let mut b = (*state.engine.brand_rt(me.brand_id)?.brand).clone();
    let before = view(&b);
    let links_before = (b.mall.clone(), b.messaging.clone());
    let errs = apply(&mut b, &body);
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    if b.mall
        .as_ref()
        .is_some_and(|l| matches!(l, crate::domain::links::MallLink::Demo))
        && !matches!(links_before.0, Some(crate::domain::links::MallLink::Demo))
    {
        if let Err(e) = crate::shop::provider_for(
            &crate::domain::links::MallLink::Demo,
            &state.engine.settings.demo_dir,
        ) {
            return Err(AppError::invalid_fields(vec![("mall.kind", e)]));
        }
    }
    let after = view(&b);
    let mut changed: Map<String, Value> = after
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, v)| before.get(k.as_str()) != Some(v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // A new secret shows only as changed (never its value).
    if b.mall != links_before.0 && !changed.contains_key("mall") {
        changed.insert("mall".into(), json!("secret changed"));
    }
    if b.messaging != links_before.1 && !changed.contains_key("messaging") {
        changed.insert("messaging".into(), json!("secret changed"));
    }
    let now = state.engine.now();
    let id = me.brand_id;
    let saved = state
        .engine
        .store
        .write(move |tx| {
            // Links not sent are kept as stored.
            let stored: Brand = store::get_w(tx, store::tables::BRANDS, &format!("{id:010}"))?
                .ok_or_else(|| StoreError::refused(AppError::not_found("브랜드가 없습니다")))?;
            let mut next = b.clone();
            if !body.contains_key("mall") {
                next.mall = stored.mall;
            }
            if !body.contains_key("messaging") {
                next.messaging = stored.messaging;
            }
            store::put_brand(tx, &next)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "brand.settings", "brand": id,
                        "changed": changed}),
            )?;
            Ok(next)
        })
        .await?;
    state.engine.brand_changed(saved.clone());
    Ok(HttpResponse::Ok().json(view(&saved)))
}
