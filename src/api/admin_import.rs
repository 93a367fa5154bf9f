//! `POST /api/admin/agents/import` (상담사 일괄 등록): a manager's people file (CSV UTF-8 / CP949,
//! or .xlsx; columns in `bulk::people`) → a row-by-row preview (`preview=true`, nothing saved),
//! or everyone on the good rows created in one transaction (all or none), audited one by one and
//! started in the engine at once. Reading runs on a blocking thread within the upload slots;
//! passwords are hashed on the hashing pool two at a time, so logins keep their turn. A row
//! without a password gets a generated one, returned once in the answer and never stored.

use super::auth::{hash_password, Authed};
use super::{require_manager, AppState};
use crate::bulk::{self, people};
use crate::domain::model::{Agent, Role};
use crate::domain::people::generate_password;
use crate::error::{AppError, AppResult};
use crate::store;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use std::collections::HashSet;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/admin/agents/import", web::post().to(import));
}

/// Largest people file.
pub const MAX_BYTES: usize = 2 * 1024 * 1024;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportQuery {
    /// The uploaded file's name: `.csv` or `.xlsx` decides how it is read.
    filename: String,
    /// Only check and show; create nobody.
    #[serde(default)]
    preview: bool,
    /// Create the good rows even when others have errors.
    #[serde(default)]
    skip_invalid: bool,
}

async fn import(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<ImportQuery>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let me = who.0.clone();
    require_manager(&me, "상담사 일괄 등록")?;
    let name = q.filename.to_lowercase();
    let xlsx = name.ends_with(".xlsx");
    if !xlsx && !name.ends_with(".csv") && !name.ends_with(".txt") {
        return Err(AppError::bad_request(
            "CSV 또는 .xlsx 파일만 올릴 수 있습니다",
        ));
    }
    let body = super::reservations::read_body(&req, payload, MAX_BYTES).await?;
    let rt = state.engine.brand_rt(me.brand_id)?;
    let services: Vec<(String, String)> = rt
        .services
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    let slot = state
        .uploads
        .take()
        .ok_or_else(|| AppError::busy("다른 파일을 읽는 중입니다. 잠시 후 다시 올려 주세요", 5))?;
    let store = state.engine.store.clone();
    let operator = me.role == Role::Admin;
    let (rows, encoding, good, errors) = web::block(move || -> AppResult<_> {
        let (rows, encoding) = if xlsx {
            (
                bulk::read_table_xlsx(&body, &people::LAYOUT).map_err(AppError::bad_request)?,
                "xlsx",
            )
        } else {
            bulk::read_table_csv(&body, &people::LAYOUT).map_err(AppError::bad_request)?
        };
        drop(body);
        if rows.len() > people::MAX_ROWS {
            return Err(AppError::bad_request(format!(
                "한 파일로 {}명까지 등록할 수 있습니다 (이 파일: {}행)",
                people::MAX_ROWS,
                rows.len()
            )));
        }
        let taken: HashSet<String> = store
            .agents()?
            .into_iter()
            .map(|a| a.login.to_lowercase())
            .collect();
        let (good, errors) = people::check(&rows, &taken, &services, operator);
        Ok((rows.len(), encoding, good, errors))
    })
    .await
    .map_err(AppError::internal)??;
    if q.preview {
        drop(slot);
        return Ok(HttpResponse::Ok().json(json!({
            "encoding": encoding,
            "rows": rows,
            "valid": good.len(),
            "generated": good.iter().filter(|g| g.password_generated).count(),
            "errorCount": errors.len(),
            "invalidRows": rows - good.len(),
            "errors": bulk::listed(&errors),
            "sample": good.iter().take(20).collect::<Vec<_>>(),
        })));
    }
    bulk::refuse_bad_rows(&errors, q.skip_invalid)?;
    if good.is_empty() {
        return Err(AppError::bad_request("등록할 행이 없습니다"));
    }
    // Passwords: the file's, or generated; hashed two at a time on the hashing pool.
    let passwords: Vec<String> = good
        .iter()
        .map(|g| g.password.clone().unwrap_or_else(generate_password))
        .collect();
    let mut hashes: Vec<String> = Vec::with_capacity(passwords.len());
    for pair in passwords.chunks(2) {
        let jobs = pair.iter().map(|pw| {
            let pw = pw.clone();
            state.hashing.run(move || hash_password(&pw))
        });
        for h in futures_util::future::join_all(jobs).await {
            hashes.push(h?);
        }
    }
    drop(slot);
    let now = state.engine.now();
    let brand = me.brand_id;
    let drafts: Vec<Agent> = good
        .iter()
        .zip(hashes)
        .map(|(g, hash)| Agent {
            id: 0,
            brand_id: brand,
            login: g.login.clone(),
            name: g.name.clone(),
            extension: g.extension.clone(),
            role: g.role,
            services: g.services.clone(),
            password_hash: hash,
            full_view: false,
            active: true,
        })
        .collect();
    let skipped = errors
        .iter()
        .map(|e| e.line)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let made = state
        .engine
        .store
        .write(move |tx| {
            let mut out = Vec::with_capacity(drafts.len());
            for d in &drafts {
                let mut a = d.clone();
                a.id = store::next_agent_id(tx)?;
                store::put_agent(tx, &a)?;
                store::audit(
                    tx,
                    &json!({"at": now, "by": me.id, "action": "agent.create", "agent": a.id,
                            "login": a.login, "role": a.role, "services": a.services,
                            "bulk": true}),
                )?;
                out.push(a);
            }
            Ok(out)
        })
        .await?;
    for a in &made {
        state.engine.agent_started(a);
    }
    let agents: Vec<_> = made
        .iter()
        .zip(good.iter().zip(passwords))
        .map(|(a, (g, pw))| {
            json!({
                "id": a.id,
                "login": a.login,
                "name": a.name,
                "line": g.line,
                "password": g.password_generated.then_some(pw),
            })
        })
        .collect();
    Ok(HttpResponse::Created().json(json!({
        "created": made.len(),
        "skipped": skipped,
        "agents": agents,
    })))
}
