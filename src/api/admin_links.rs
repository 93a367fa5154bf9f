//! The brand's links to the outside, in 브랜드 설정: the shopping mall (none, the demo mall, or
//! a mall's HTTP API with URL templates, an auth header, status codes and a field mapping) and
//! the message carrier (the outbox, or NHN Cloud). This file reads and checks them as the form
//! sends them — a secret left out (the auth header's value, NHN's secret key) keeps the stored
//! one, and no secret is ever sent back, only whether one is set — and owns the two checks a
//! manager runs before saving: `POST /api/admin/settings/mall/test` (a real lookup by phone
//! through the link as typed) and `POST /api/admin/settings/messaging/test` (one real SMS to a
//! number the manager gives; audited).

use super::auth::Authed;
use super::{require_manager, AppState};
use crate::domain::links::{
    FieldMap, HttpMallConfig, MallLink, MessagingLink, NhnConfig, StatusCodes,
};
use crate::domain::message::{euckr_bytes, Message, MessageStatus};
use crate::domain::phone::Phone;
use crate::error::{AppError, AppResult};
use crate::store;
use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};
use std::time::Instant;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/settings/mall/test", web::post().to(test_mall))
        .route(
            "/api/admin/settings/messaging/test",
            web::post().to(test_messaging),
        );
}

type Errs = Vec<(&'static str, String)>;

/// The mall link as the form shows it: no secret, only whether the auth header has a value.
pub fn mall_view(m: Option<&MallLink>) -> Value {
    match m {
        None => Value::Null,
        Some(MallLink::Demo) => json!({"kind": "demo"}),
        Some(MallLink::Http(c)) => json!({
            "kind": "http",
            "orderUrl": c.order_url,
            "phoneUrl": c.phone_url,
            "authHeaderName": c.auth_header.as_ref().map(|(k, _)| k),
            "authHeaderSet": c.auth_header.as_ref().is_some_and(|(_, v)| !v.is_empty()),
            "statusCodes": c.status_codes,
            "fields": c.fields,
        }),
    }
}

/// The carrier as the form shows it: no secret key, only whether one is set.
pub fn messaging_view(m: Option<&MessagingLink>) -> Value {
    match m {
        None | Some(MessagingLink::Outbox) => json!({"kind": "outbox"}),
        Some(MessagingLink::Nhn(c)) => json!({
            "kind": "nhn",
            "alimtalkUrl": c.alimtalk_url,
            "smsUrl": c.sms_url,
            "appKey": c.app_key,
            "smsAppKey": c.sms_app_key,
            "senderKey": c.sender_key,
            "sendNo": c.send_no,
            "secretKeySet": !c.secret_key.is_empty(),
        }),
    }
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> &'a str {
    o.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("")
}

fn check_url(url: &str, key: &'static str, placeholder: Option<&str>, errs: &mut Errs) {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() <= 500
        && !url.contains(char::is_whitespace)
        && url.split("://").nth(1).is_some_and(|rest| !rest.is_empty());
    if !ok {
        errs.push((
            key,
            "http:// 또는 https:// 로 시작하는 주소여야 합니다".into(),
        ));
    } else if let Some(p) = placeholder.filter(|p| !url.contains(p)) {
        errs.push((key, format!("주소에 {p} 자리가 있어야 합니다")));
    }
}

/// A key-like value: 1–200 characters without spaces.
fn check_key(v: &str, key: &'static str, errs: &mut Errs) {
    if v.is_empty() || v.chars().count() > 200 || v.contains(char::is_whitespace) {
        errs.push((key, "공백 없이 1~200자여야 합니다".into()));
    }
}

/// Reads a sent mall link (`null` = none). `stored` gives the auth header's value when the form
/// leaves it out. `None` when a field is wrong (named in `errs`).
pub fn parse_mall(
    v: &Value,
    stored: Option<&MallLink>,
    errs: &mut Errs,
) -> Option<Option<MallLink>> {
    let Some(o) = v.as_object() else {
        if v.is_null() {
            return Some(None);
        }
        errs.push(("mall", "객체 또는 null이어야 합니다".into()));
        return None;
    };
    let before = errs.len();
    match str_of(o, "kind") {
        "none" => return Some(None),
        "demo" => return Some(Some(MallLink::Demo)),
        "http" => {}
        other => {
            errs.push((
                "mall.kind",
                format!("none, demo, http 중 하나입니다 (got '{other}')"),
            ));
            return None;
        }
    }
    let order_url = str_of(o, "orderUrl").to_string();
    let phone_url = str_of(o, "phoneUrl").to_string();
    check_url(&order_url, "mall.orderUrl", Some("{orderNo}"), errs);
    check_url(&phone_url, "mall.phoneUrl", Some("{phone}"), errs);
    let status_codes: Option<StatusCodes> =
        serde_json::from_value(o.get("statusCodes").cloned().unwrap_or(Value::Null))
            .map_err(|_| {
                errs.push((
                    "mall.statusCodes",
                    "cafe24, naver, plain 중 하나입니다".into(),
                ))
            })
            .ok();
    let fields: Option<FieldMap> =
        serde_json::from_value(o.get("fields").cloned().unwrap_or(Value::Null))
            .map_err(|e| errs.push(("mall.fields", format!("필드 매핑을 읽을 수 없습니다: {e}"))))
            .ok();
    if let Some(f) = &fields {
        let required = [
            ("주문번호", &f.order_no),
            ("주문일시", &f.ordered_at),
            ("상태", &f.status),
            ("고객명", &f.customer_name),
            ("전화번호", &f.phone),
            ("상품 목록", &f.items),
            ("상품명", &f.item_name),
            ("수량", &f.item_quantity),
            ("단가", &f.item_price),
            ("결제금액", &f.total_amount),
            ("결제수단", &f.payment_method),
        ];
        let empty: Vec<&str> = required
            .iter()
            .filter(|(_, p)| p.trim().is_empty())
            .map(|(k, _)| *k)
            .collect();
        let optional = [
            ("옵션", &f.item_option),
            ("택배사", &f.shipping_company),
            ("송장번호", &f.tracking_no),
        ];
        let wraps = [("주문 위치", &f.order), ("목록 위치", &f.list)];
        let malformed: Vec<&str> = required
            .iter()
            .filter(|(_, p)| !p.trim().is_empty())
            .map(|(k, p)| (*k, p.as_str()))
            .chain(
                optional
                    .iter()
                    .filter_map(|(k, p)| p.as_deref().map(|p| (*k, p))),
            )
            .chain(wraps.iter().map(|(k, p)| (*k, p.as_str())))
            .filter(|(_, p)| !p.is_empty() && (!p.starts_with('/') || p.len() > 200))
            .map(|(k, _)| k)
            .collect();
        if !empty.is_empty() {
            errs.push((
                "mall.fields",
                format!("필수 항목의 위치가 비어 있습니다: {}", empty.join(", ")),
            ));
        } else if !malformed.is_empty() {
            errs.push((
                "mall.fields",
                format!(
                    "JSON 포인터는 / 로 시작합니다 (예: /order_id): {}",
                    malformed.join(", ")
                ),
            ));
        }
    }
    let name = str_of(o, "authHeaderName");
    let value = str_of(o, "authHeaderValue");
    let auth_header = if name.is_empty() {
        None
    } else {
        let ok = name.len() <= 100
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            errs.push((
                "mall.authHeaderName",
                "영문, 숫자, - 로 된 헤더 이름이어야 합니다".into(),
            ));
        }
        let kept = match stored {
            Some(MallLink::Http(c)) => c.auth_header.as_ref().map(|(_, v)| v.clone()),
            _ => None,
        };
        match (value.is_empty(), kept) {
            (false, _) if value.len() > 2000 || value.contains(['\r', '\n']) => {
                errs.push(("mall.authHeaderValue", "한 줄, 2000자까지입니다".into()));
                None
            }
            (false, _) => Some((name.to_string(), value.to_string())),
            (true, Some(v)) => Some((name.to_string(), v)),
            (true, None) => {
                errs.push(("mall.authHeaderValue", "헤더 값을 입력하세요".into()));
                None
            }
        }
    };
    if errs.len() > before {
        return None;
    }
    Some(Some(MallLink::Http(Box::new(HttpMallConfig {
        order_url,
        phone_url,
        auth_header,
        status_codes: status_codes?,
        fields: fields?,
    }))))
}

/// Reads a sent carrier (`null` or `{"kind":"outbox"}` = the outbox). `stored` gives the
/// secret key when the form leaves it out.
pub fn parse_messaging(
    v: &Value,
    stored: Option<&MessagingLink>,
    errs: &mut Errs,
) -> Option<Option<MessagingLink>> {
    let Some(o) = v.as_object() else {
        if v.is_null() {
            return Some(None);
        }
        errs.push(("messaging", "객체 또는 null이어야 합니다".into()));
        return None;
    };
    match str_of(o, "kind") {
        "outbox" => return Some(Some(MessagingLink::Outbox)),
        "nhn" => {}
        other => {
            errs.push((
                "messaging.kind",
                format!("outbox 또는 nhn입니다 (got '{other}')"),
            ));
            return None;
        }
    }
    let before = errs.len();
    let url = |k: &str, err_key: &'static str, default: &str, errs: &mut Errs| {
        let u = str_of(o, k);
        let u = if u.is_empty() { default } else { u };
        check_url(u, err_key, None, errs);
        u.trim_end_matches('/').to_string()
    };
    let alimtalk_url = url(
        "alimtalkUrl",
        "messaging.alimtalkUrl",
        "https://api-alimtalk.cloud.toast.com",
        errs,
    );
    let sms_url = url(
        "smsUrl",
        "messaging.smsUrl",
        "https://api-sms.cloud.toast.com",
        errs,
    );
    let [app_key, sms_app_key, sender_key] =
        ["appKey", "smsAppKey", "senderKey"].map(|k| str_of(o, k).to_string());
    check_key(&app_key, "messaging.appKey", errs);
    check_key(&sms_app_key, "messaging.smsAppKey", errs);
    check_key(&sender_key, "messaging.senderKey", errs);
    let send_no: String = str_of(o, "sendNo").chars().filter(|c| *c != '-').collect();
    if !(8..=12).contains(&send_no.len()) || !send_no.chars().all(|c| c.is_ascii_digit()) {
        errs.push((
            "messaging.sendNo",
            "등록된 발신번호(숫자 8~12자리)여야 합니다".into(),
        ));
    }
    let typed = str_of(o, "secretKey");
    let secret_key = if typed.is_empty() {
        match stored {
            Some(MessagingLink::Nhn(c)) if !c.secret_key.is_empty() => c.secret_key.clone(),
            _ => {
                errs.push(("messaging.secretKey", "Secret Key를 입력하세요".into()));
                String::new()
            }
        }
    } else {
        check_key(typed, "messaging.secretKey", errs);
        typed.to_string()
    };
    if errs.len() > before {
        return None;
    }
    Some(Some(MessagingLink::Nhn(Box::new(NhnConfig {
        alimtalk_url,
        sms_url,
        app_key,
        sms_app_key,
        secret_key,
        sender_key,
        send_no,
    }))))
}

/// `POST /api/admin/settings/mall/test {"mall"?, "phone"?}`: looks up a phone's recent orders
/// through the link as typed (or as saved) and says whether the mall answered, how fast, and
/// how many orders it gave. Saves nothing.
async fn test_mall(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "쇼핑몰 연결 시험")?;
    let stored = state.engine.brand_rt(who.0.brand_id)?.brand.mall.clone();
    let mut errs: Errs = Vec::new();
    let link = match body.get("mall") {
        None => stored.clone(),
        Some(v) => parse_mall(v, stored.as_ref(), &mut errs).flatten(),
    };
    let phone = match body
        .get("phone")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
    {
        None => Phone::parse("01000000000").ok(),
        Some(p) => Phone::parse(p)
            .map_err(|e| errs.push(("phone", e.to_string())))
            .ok(),
    };
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let (Some(link), Some(phone)) = (link, phone) else {
        return Err(AppError::bad_request("연결된 쇼핑몰이 없습니다"));
    };
    let provider = crate::shop::provider_for(&link, &state.engine.settings.demo_dir)
        .map_err(AppError::bad_request)?;
    let started = Instant::now();
    let answer = provider.recent_orders(&phone).await;
    let ms = started.elapsed().as_millis() as u64;
    Ok(HttpResponse::Ok().json(match answer {
        Ok(orders) => json!({"ok": true, "ms": ms, "orders": orders.len()}),
        Err(e) => json!({"ok": false, "ms": ms, "error": e.to_string()}),
    }))
}

/// `POST /api/admin/settings/messaging/test {"messaging"?, "to"}`: sends one SMS to a mobile
/// number through the carrier as typed (or as saved) and says what the carrier answered. The
/// message is not kept as a customer message; the send is audited.
async fn test_messaging(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<Map<String, Value>>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "문자 발송 시험")?;
    let me = who.0.clone();
    let brand = state.engine.brand_rt(me.brand_id)?.brand;
    let mut errs: Errs = Vec::new();
    let link = match body.get("messaging") {
        None => brand.messaging.clone(),
        Some(v) => parse_messaging(v, brand.messaging.as_ref(), &mut errs).flatten(),
    };
    let to = match Phone::parse(body.get("to").and_then(Value::as_str).unwrap_or("")) {
        Ok(p) if p.is_mobile() => Some(p),
        Ok(_) => {
            errs.push(("to", "휴대전화 번호여야 합니다".into()));
            None
        }
        Err(e) => {
            errs.push(("to", e.to_string()));
            None
        }
    };
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(errs));
    }
    let to = to.expect("checked");
    let text = format!("[{}] calldesk 문자 발송 시험입니다.", brand.name);
    let now = state.engine.now();
    let mut message = Message::queued(
        brand.id,
        me.id,
        me.name.clone(),
        to.digits().to_string(),
        now,
    );
    // A key of its own per test, so the carrier never drops a second test as a repeat.
    message.id = (1u64 << 62) | now.timestamp_micros().unsigned_abs();
    message.bytes = euckr_bytes(&text).unwrap_or(text.len());
    message.body = text;
    let outbox = !matches!(link, Some(MessagingLink::Nhn(_)));
    let provider = crate::messaging::provider_for(link.as_ref());
    let started = Instant::now();
    let delivery = provider.send(&message).await;
    let ms = started.elapsed().as_millis() as u64;
    let ok = delivery.status == MessageStatus::Sent;
    let masked = to.masked();
    let reason = delivery.reason.clone();
    state
        .engine
        .store
        .write(move |tx| {
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "messaging.test", "to": masked,
                        "ok": ok, "reason": reason}),
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(json!({
        "ok": ok,
        "ms": ms,
        "outbox": outbox,
        "reason": delivery.reason,
        "providerRef": delivery.provider_ref,
    })))
}
