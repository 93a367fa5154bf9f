//! Serves the built web client from `web/dist` (single-page app: unknown paths get
//! `index.html`); unknown `/api/...` paths get the JSON 404; a page saying how to build the
//! client when `web/dist` is missing.

use super::AppState;
use crate::error::AppError;
use actix_web::{http::header, web, HttpRequest, HttpResponse};

const NOT_BUILT: &str = r#"<!doctype html><html lang="ko"><meta charset="utf-8">
<title>calldesk</title><body>
<h1>calldesk</h1><p>웹 클라이언트가 아직 빌드되지 않았습니다. The web client is not built.</p>
<p>Run <code>make run</code> (it builds <code>web/dist</code> and starts the server), or
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.</p>
<p>The API and the desk socket work without it: see <code>docs/protocol.md</code>.</p></body></html>"#;

pub async fn fallback(state: web::Data<AppState>, req: HttpRequest) -> HttpResponse {
    let path = req.path();
    if path.starts_with("/api/") || path == "/api" {
        return AppError::not_found(format!("없는 API 경로입니다: {} {}", req.method(), path))
            .error_response_json();
    }
    let dir = &state.settings.web_dir;
    let rel = path.trim_start_matches('/');
    let safe = !rel.split('/').any(|p| p == ".." || p.starts_with('.'));
    if safe && !rel.is_empty() {
        let f = dir.join(rel);
        if f.is_file() {
            if let Ok(file) = actix_files::NamedFile::open(&f) {
                return file.into_response(&req);
            }
        }
    }
    match std::fs::read_to_string(dir.join("index.html")) {
        Ok(html) => HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-cache"))
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(_) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(NOT_BUILT),
    }
}
