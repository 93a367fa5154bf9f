//! `/api/messages`: 문자발송. Agents send an SMS / LMS (decided by the EUC-KR byte count) or an
//! AlimTalk filled from a template, optionally falling back to SMS / LMS, to a mobile number;
//! the message is stored before the answer and delivered in the background (the result arrives
//! as a `message` frame and in the history). `Idempotency-Key` makes a retried send return the
//! first one. `GET` lists a customer's (or a number's) message history. AlimTalk templates live
//! under `/api/messages/templates`: everyone reads them, managers write them.

use super::auth::Authed;
use super::AppState;
use crate::domain::message::{
    check_template, check_text, euckr_bytes, fill_template, AlimtalkTemplate, Message, MessageKind,
    LMS_MAX_BYTES, SMS_MAX_BYTES,
};
use crate::domain::model::AgentPublic;
use crate::domain::phone::{mask, Phone};
use crate::error::{AppError, AppResult};
use crate::store;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use std::collections::BTreeMap;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/messages/templates", web::get().to(templates))
        .route("/api/messages/templates", web::post().to(create_template))
        .route(
            "/api/messages/templates/{code}",
            web::put().to(edit_template),
        )
        .route(
            "/api/messages/templates/{code}",
            web::delete().to(remove_template),
        )
        .route("/api/messages", web::get().to(history))
        .route("/api/messages", web::post().to(send))
        .route("/api/messages/{id}", web::get().to(get_one));
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SendBody {
    to: String,
    /// `alimtalk`, or `sms` / `lms` / none for a text (SMS up to 90 bytes, else LMS).
    #[serde(default)]
    kind: Option<MessageKind>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    template_code: Option<String>,
    #[serde(default)]
    variables: BTreeMap<String, String>,
    #[serde(default)]
    fallback: bool,
    #[serde(default)]
    customer_id: Option<u64>,
    #[serde(default)]
    ticket_id: Option<String>,
}

fn client_key(req: &HttpRequest) -> AppResult<Option<String>> {
    let Some(v) = req.headers().get("Idempotency-Key") else {
        return Ok(None);
    };
    let k = v.to_str().unwrap_or_default().trim();
    if k.is_empty()
        || k.len() > 64
        || !k
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(AppError::bad_request(
            "Idempotency-Key는 영문·숫자·-·_ 1~64자입니다",
        ));
    }
    Ok(Some(k.to_string()))
}

async fn send(
    state: web::Data<AppState>,
    who: Authed,
    req: HttpRequest,
    body: web::Json<SendBody>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let key = client_key(&req)?;
    let b = body.into_inner();
    let engine = &state.engine;
    let mut errs: Vec<(String, String)> = Vec::new();
    let to = match Phone::parse(&b.to) {
        Ok(p) if p.is_mobile() => Some(p),
        Ok(_) => {
            errs.push((
                "to".into(),
                "문자는 휴대전화 번호(010 등)로만 보낼 수 있습니다".into(),
            ));
            None
        }
        Err(e) => {
            errs.push(("to".into(), e.to_string()));
            None
        }
    };
    let customer = match (b.customer_id, &to) {
        (Some(id), _) => match engine.store.customer(me.brand_id, id)? {
            Some(c) => Some(c),
            None => {
                errs.push(("customerId".into(), format!("고객 {id}이(가) 없습니다")));
                None
            }
        },
        (None, Some(p)) => engine.store.customer_by_phone(me.brand_id, p.digits())?,
        (None, None) => None,
    };
    if let Some(t) = &b.ticket_id {
        let ok = engine
            .store
            .consultation(t)?
            .is_some_and(|c| c.brand_id == me.brand_id);
        if !ok {
            errs.push(("ticketId".into(), format!("상담 {t}이(가) 없습니다")));
        }
    }
    let mut m = Message::queued(
        me.brand_id,
        me.id,
        me.name.clone(),
        to.as_ref()
            .map(|p| p.digits().to_string())
            .unwrap_or_default(),
        engine.now(),
    );
    m.customer_id = customer.as_ref().map(|c| c.id);
    m.ticket_id = b.ticket_id.clone();
    if b.kind == Some(MessageKind::Alimtalk) {
        alimtalk(&state, &me, &b, &mut m, &mut errs)?;
    } else {
        text(&b, &mut m, &mut errs);
    }
    if !errs.is_empty() {
        return Err(AppError::invalid_fields(
            errs.iter().map(|(f, e)| (f.as_str(), e.clone())).collect(),
        ));
    }
    let (saved, new) = engine.accept_message(m, key).await?;
    Ok(if new {
        HttpResponse::Created().json(saved)
    } else {
        HttpResponse::Ok().json(saved)
    })
}

/// SMS / LMS: the byte count decides, unless the agent insisted on SMS.
fn text(b: &SendBody, m: &mut Message, errs: &mut Vec<(String, String)>) {
    if b.template_code.is_some() || !b.variables.is_empty() || b.fallback {
        errs.push((
            "kind".into(),
            "템플릿·변수·대체 발송은 알림톡에만 씁니다".into(),
        ));
    }
    let body = b.body.clone().unwrap_or_default();
    match check_text(b.title.as_deref(), &body) {
        Ok(c) => {
            m.kind = match (b.kind, c.kind) {
                (Some(MessageKind::Lms), _) => MessageKind::Lms,
                (Some(MessageKind::Sms), MessageKind::Lms) => {
                    errs.push((
                        "body".into(),
                        format!(
                            "SMS는 제목 없이 {SMS_MAX_BYTES}바이트까지입니다 (지금 {}바이트) — LMS로 보내세요",
                            c.bytes
                        ),
                    ));
                    MessageKind::Sms
                }
                (_, k) => k,
            };
            m.bytes = c.bytes;
            m.title = c.title;
            m.body = body;
        }
        Err(list) => errs.extend(list.into_iter().map(|(f, e)| (f.to_string(), e))),
    }
}

/// AlimTalk: the template's slots filled; a fallback must fit an LMS in EUC-KR.
fn alimtalk(
    state: &AppState,
    me: &AgentPublic,
    b: &SendBody,
    m: &mut Message,
    errs: &mut Vec<(String, String)>,
) -> AppResult<()> {
    m.kind = MessageKind::Alimtalk;
    if b.body.is_some() || b.title.is_some() {
        errs.push((
            "body".into(),
            "알림톡 본문은 템플릿에서 만들어집니다 (변수만 보내세요)".into(),
        ));
    }
    let Some(code) = b.template_code.as_deref().filter(|c| !c.trim().is_empty()) else {
        errs.push(("templateCode".into(), "알림톡 템플릿을 고르세요".into()));
        return Ok(());
    };
    let Some(t) = state.engine.store.alimtalk_template(me.brand_id, code)? else {
        errs.push((
            "templateCode".into(),
            format!("알림톡 템플릿 '{code}'이(가) 없습니다"),
        ));
        return Ok(());
    };
    match fill_template(&t, &b.variables) {
        Ok(body) => {
            let counted = euckr_bytes(&body);
            m.bytes = *counted.as_ref().unwrap_or(&0);
            match counted {
                Err(bad) if b.fallback => errs.push((
                    "fallback".into(),
                    format!(
                        "대체 문자로 보낼 수 없는 글자가 있습니다 (이모지 등): {}",
                        bad.iter().collect::<String>()
                    ),
                )),
                Ok(n) if b.fallback && n > LMS_MAX_BYTES => errs.push((
                    "fallback".into(),
                    format!("대체 문자는 {LMS_MAX_BYTES}바이트까지입니다 (지금 {n}바이트)"),
                )),
                _ => {}
            }
            m.body = body;
        }
        Err(list) => errs.extend(list),
    }
    m.template_code = Some(t.code.clone());
    m.template_name = Some(t.name.clone());
    m.variables = b
        .variables
        .iter()
        .map(|(k, v)| (k.clone(), v.trim().to_string()))
        .collect();
    m.fallback = b.fallback;
    Ok(())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HistoryQuery {
    customer_id: Option<u64>,
    number: Option<String>,
    limit: Option<usize>,
}

fn masked(me: &AgentPublic, mut m: Message) -> Message {
    if !me.sees_full() {
        m.to = mask(&m.to);
    }
    m
}

async fn history(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<HistoryQuery>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let phone = q
        .number
        .as_deref()
        .map(Phone::parse)
        .transpose()
        .map_err(|e| AppError::invalid_fields(vec![("number", e.to_string())]))?;
    if q.customer_id.is_none() && phone.is_none() {
        return Err(AppError::bad_request(
            "customerId나 number 중 하나가 필요합니다",
        ));
    }
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let items: Vec<Message> = state
        .engine
        .store
        .messages_of(
            me.brand_id,
            q.customer_id,
            phone.as_ref().map(|p| p.digits()),
            limit,
        )?
        .into_iter()
        .map(|m| masked(&me, m))
        .collect();
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

async fn get_one(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let m = state
        .engine
        .store
        .message(me.brand_id, *id)?
        .ok_or_else(|| AppError::not_found(format!("메시지 {id}이(가) 없습니다")))?;
    Ok(HttpResponse::Ok().json(masked(&me, m)))
}

// ---- AlimTalk templates ----------------------------------------------------------------------

async fn templates(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let items = state.engine.store.alimtalk_templates(who.0.brand_id)?;
    Ok(HttpResponse::Ok().json(json!({ "items": items })))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TemplateBody {
    #[serde(default)]
    code: Option<String>,
    name: String,
    body: String,
}

async fn save_template(
    state: &AppState,
    me: AgentPublic,
    code: String,
    b: TemplateBody,
    create: bool,
) -> AppResult<AlimtalkTemplate> {
    super::require_manager(&me, "알림톡 템플릿 관리")?;
    let vars = check_template(&code, &b.name, &b.body).map_err(AppError::invalid_fields)?;
    let t = AlimtalkTemplate {
        brand_id: me.brand_id,
        code,
        name: b.name.trim().to_string(),
        body: b.body.trim().to_string(),
        variables: vars,
        updated_at: Some(state.engine.now()),
    };
    let saved = t.clone();
    state
        .engine
        .store
        .write(move |tx| {
            store::save_alimtalk_template(tx, &t, create)?;
            store::audit(
                tx,
                &json!({"at": t.updated_at, "by": me.id, "action": "alimtalk_template.save",
                    "code": t.code}),
            )
        })
        .await?;
    Ok(saved)
}

async fn create_template(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<TemplateBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    let code = b.code.clone().unwrap_or_default().trim().to_string();
    let t = save_template(&state, who.0, code, b, true).await?;
    Ok(HttpResponse::Created().json(t))
}

async fn edit_template(
    state: web::Data<AppState>,
    who: Authed,
    code: web::Path<String>,
    body: web::Json<TemplateBody>,
) -> AppResult<HttpResponse> {
    let b = body.into_inner();
    if b.code.as_deref().is_some_and(|c| c != code.as_str()) {
        return Err(AppError::invalid_fields(vec![(
            "code",
            "템플릿 코드는 바꿀 수 없습니다 (새로 만드세요)".into(),
        )]));
    }
    let t = save_template(&state, who.0, code.into_inner(), b, false).await?;
    Ok(HttpResponse::Ok().json(t))
}

async fn remove_template(
    state: web::Data<AppState>,
    who: Authed,
    code: web::Path<String>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    super::require_manager(&me, "알림톡 템플릿 관리")?;
    let code = code.into_inner();
    let now = state.engine.now();
    let brand = me.brand_id;
    let c = code.clone();
    let gone = state
        .engine
        .store
        .write(move |tx| {
            let gone = store::delete_alimtalk_template(tx, brand, &c)?;
            if gone {
                store::audit(
                    tx,
                    &json!({"at": now, "by": me.id, "action": "alimtalk_template.delete", "code": c}),
                )?;
            }
            Ok(gone)
        })
        .await?;
    if !gone {
        return Err(AppError::not_found(format!(
            "알림톡 템플릿 '{code}'이(가) 없습니다"
        )));
    }
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}
