//! `/api/templates`: Q&A templates (상담정보). Agents search (`?q=` through the Korean-aware
//! index, `?category=`); managers create, edit and delete. Changes are audited and update the
//! in-memory index at once.

use super::auth::Authed;
use super::AppState;
use crate::domain::model::{AgentPublic, BrandId, Template};
use crate::error::{AppError, AppResult};
use crate::search::TemplateIndex;
use crate::store::{self, StoreError};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use std::sync::RwLock;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/templates", web::get().to(search))
        .route("/api/templates", web::post().to(create))
        .route("/api/templates/{id}", web::get().to(get_one))
        .route("/api/templates/{id}", web::put().to(edit))
        .route("/api/templates/{id}", web::delete().to(remove));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    q: Option<String>,
    category: Option<String>,
    limit: Option<usize>,
}

fn with_index<T>(state: &AppState, brand: u32, f: impl FnOnce(&TemplateIndex) -> T) -> T {
    let ix = state
        .engine
        .templates
        .by_brand
        .entry(brand)
        .or_insert_with(|| RwLock::new(TemplateIndex::default()));
    let guard = ix.read().unwrap_or_else(|e| e.into_inner());
    f(&guard)
}

async fn search(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let limit = q.limit.unwrap_or(30).clamp(1, 200);
    let query = q.q.clone().unwrap_or_default();
    if query.chars().count() > 100 {
        return Err(AppError::bad_request("검색어는 100자 이하여야 합니다"));
    }
    let (items, categories) = with_index(&state, who.0.brand_id, |ix| {
        let items: Vec<Template> = ix
            .search(&query, q.category.as_deref(), limit)
            .into_iter()
            .cloned()
            .collect();
        let mut cats: Vec<String> = ix
            .search("", None, usize::MAX)
            .iter()
            .map(|t| t.category.clone())
            .collect();
        cats.dedup();
        (items, cats)
    });
    Ok(HttpResponse::Ok().json(json!({ "items": items, "categories": categories })))
}

async fn get_one(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let t = with_index(&state, who.0.brand_id, |ix| ix.get(*id).cloned())
        .ok_or_else(|| AppError::not_found(format!("템플릿 {id}이(가) 없습니다")))?;
    Ok(HttpResponse::Ok().json(t))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateBody {
    category: String,
    question: String,
    answer: String,
    #[serde(default)]
    tags: Vec<String>,
}

fn validate(b: &TemplateBody) -> AppResult<()> {
    use crate::domain::limits::{
        TEMPLATE_ANSWER, TEMPLATE_CATEGORY, TEMPLATE_QUESTION, TEMPLATE_TAG, TEMPLATE_TAGS,
    };
    let mut errs = Vec::new();
    for (limit, v) in [
        (TEMPLATE_CATEGORY, &b.category),
        (TEMPLATE_QUESTION, &b.question),
        (TEMPLATE_ANSWER, &b.answer),
    ] {
        if v.trim().is_empty() {
            errs.push((limit.field, limit.required()));
        } else {
            errs.extend(limit.check(v.trim()).err());
        }
    }
    if let Err(e) = TEMPLATE_TAGS.check_count(b.tags.len()) {
        errs.push(e);
    } else if b
        .tags
        .iter()
        .any(|t| t.trim().is_empty() || !TEMPLATE_TAG.fits(t.trim()))
    {
        errs.push(("tags", format!("태그는 각 1~{}자입니다", TEMPLATE_TAG.max)));
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(errs))
    }
}

async fn save(
    state: &AppState,
    me: AgentPublic,
    id: Option<u64>,
    b: TemplateBody,
) -> AppResult<Template> {
    super::require_manager(&me, "템플릿 관리")?;
    validate(&b)?;
    let now = state.engine.now();
    let t = state
        .engine
        .store
        .write(move |tx| {
            let id = match id {
                // Checked inside the write: an edit racing a delete cannot bring it back.
                Some(id) if store::template_exists(tx, me.brand_id, id)? => id,
                Some(id) => {
                    return Err(StoreError::refused(AppError::not_found(format!(
                        "템플릿 {id}이(가) 없습니다"
                    ))))
                }
                None => store::next_counter(tx, "template")?,
            };
            let t = Template {
                id,
                brand_id: me.brand_id,
                category: b.category.trim().to_string(),
                question: b.question.trim().to_string(),
                answer: b.answer.trim().to_string(),
                tags: b.tags.iter().map(|s| s.trim().to_string()).collect(),
                updated_at: Some(now),
            };
            store::put_template(tx, &t)?;
            store::audit(
                tx,
                &json!({"at": now, "by": me.id, "action": "template.save", "template": id}),
            )?;
            Ok(t)
        })
        .await?;
    refresh_index(state, t.brand_id, t.id)?;
    Ok(t)
}

/// Makes the search index agree with the store about one template. Read under the index's
/// lock after the write committed, so whichever of two racing changes refreshes last sees the
/// final state: the index never keeps a template the store no longer has.
fn refresh_index(state: &AppState, brand: BrandId, id: u64) -> AppResult<()> {
    let ix = state.engine.templates.by_brand.entry(brand).or_default();
    let mut ix = ix.write().unwrap_or_else(|e| e.into_inner());
    match state.engine.store.template(brand, id)? {
        Some(t) => ix.upsert(t),
        None => ix.remove(id),
    }
    Ok(())
}

async fn create(
    state: web::Data<AppState>,
    who: Authed,
    body: web::Json<TemplateBody>,
) -> AppResult<HttpResponse> {
    let t = save(&state, who.0, None, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(t))
}

async fn edit(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
    body: web::Json<TemplateBody>,
) -> AppResult<HttpResponse> {
    let t = save(&state, who.0, Some(*id), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(t))
}

async fn remove(
    state: web::Data<AppState>,
    who: Authed,
    id: web::Path<u64>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    super::require_manager(&me, "템플릿 관리")?;
    let id = *id;
    let now = state.engine.now();
    let brand = me.brand_id;
    let gone = state
        .engine
        .store
        .write(move |tx| {
            let gone = store::delete_template(tx, brand, id)?;
            if gone {
                store::audit(
                    tx,
                    &json!({"at": now, "by": me.id, "action": "template.delete", "template": id}),
                )?;
            }
            Ok(gone)
        })
        .await?;
    if !gone {
        return Err(AppError::not_found(format!("템플릿 {id}이(가) 없습니다")));
    }
    refresh_index(&state, brand, id)?;
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}
