//! Login (throttled per login, inactive people refused), logout, `/api/me`, the desk socket
//! route, and `Authed`: the extractor that turns a bearer token (the `Authorization` header
//! only) into the agent making the request. Sessions (hashed tokens, expiry, revocation) live in
//! `sessions.rs`. Only the socket upgrade takes credentials in its URL: `?ticket=` (one-time,
//! 30 s, from `POST /api/ws/ticket`; the web client uses it) or `?token=` (the wire contract).

use super::sessions;
use super::AppState;
use crate::domain::model::AgentPublic;
use crate::engine::messages::{GetAgentView, Login, Logout};
use crate::error::{AppError, AppResult, Code};
use crate::store;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest, HttpResponse};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use serde::Deserialize;
use serde_json::json;
use std::future::{ready, Ready};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/login", web::post().to(login))
        .route("/api/logout", web::post().to(logout))
        .route("/api/me", web::get().to(me))
        .route("/api/ws/ticket", web::post().to(socket_ticket))
        .route("/api/ws", web::get().to(socket));
}

/// The agent a request is made by, and the hash of the session's token.
pub struct Authed(pub AgentPublic, pub String);

/// The bearer token of the `Authorization` header. A `?token=` in the URL is not read here:
/// URLs end up in proxy logs and browser history.
fn token_of(req: &HttpRequest) -> Option<String> {
    let h = req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())?;
    h.strip_prefix("Bearer ")
        .or_else(|| h.strip_prefix("bearer "))
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

fn state_of(req: &HttpRequest) -> AppResult<&web::Data<AppState>> {
    req.app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::internal("state missing"))
}

fn authenticate(req: &HttpRequest) -> AppResult<Authed> {
    let token = token_of(req).ok_or_else(AppError::unauthorized)?;
    authenticate_token(state_of(req)?, &token)
}

fn authenticate_token(state: &AppState, token: &str) -> AppResult<Authed> {
    let (agent, hash) = sessions::authenticate(state, token)?;
    Ok(Authed(agent, hash))
}

impl FromRequest for Authed {
    type Error = AppError;
    type Future = Ready<Result<Self, AppError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

/// Hashes a password with argon2id (blocking: call through `web::block` on request paths).
pub fn hash_password(pw: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pw.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

/// A light argon2id hash (4 MiB, one pass) for the load-test brand only, so that thousands of
/// simulated desks can log in at once without the login cost dominating the measurement.
pub fn hash_password_light(pw: &str) -> String {
    let params = argon2::Params::new(4096, 1, 1, None).expect("argon2 params");
    let a = Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let salt = SaltString::generate(&mut OsRng);
    a.hash_password(pw.as_bytes(), &salt)
        .expect("argon2 hashing")
        .to_string()
}

thread_local! {
    /// This thread's argon2 working memory, reused by every verify on it: the hashing pool's
    /// threads keep one buffer each instead of allocating (and the allocator keeping) a fresh
    /// 19 MiB per login.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Whether `pw` matches the PHC string `hash` (argon2), compared in constant time.
pub fn verify_password(pw: &str, hash: &str) -> bool {
    let Ok(h) = PasswordHash::new(hash) else {
        return false;
    };
    let (Ok(alg), Ok(params)) = (
        argon2::Algorithm::try_from(h.algorithm),
        argon2::Params::try_from(&h),
    ) else {
        return false;
    };
    let version = match h.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    let mut out = vec![0u8; expected.len()];
    let a = Argon2::new(alg, version, params);
    let hashed = BLOCKS.with(|b| {
        let mut mem = b.borrow_mut();
        if mem.len() < blocks {
            mem.resize(blocks, argon2::Block::new());
        }
        a.hash_password_into_with_memory(pw.as_bytes(), salt, &mut out, &mut mem[..blocks])
            .is_ok()
    });
    hashed && super::constant_time_eq(&out, expected.as_bytes())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    login: String,
    password: String,
}

async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginBody>,
) -> AppResult<HttpResponse> {
    let LoginBody { login, password } = body.into_inner();
    let bad = || {
        AppError::new(
            Code::BadCredentials,
            "아이디 또는 비밀번호가 올바르지 않습니다",
        )
    };
    let too_long = crate::domain::limits::LOGIN.check(&login).is_err()
        || crate::domain::limits::PASSWORD.check(&password).is_err();
    if login.is_empty() || password.is_empty() || too_long {
        return Err(bad());
    }
    let now = state.engine.now();
    // A locked login is refused before any hashing, right password or not.
    state.throttle.check(&login, now)?;
    let agent = state.engine.store.agent_by_login(&login)?;
    let hash = agent.as_ref().map(|a| a.password_hash.clone());
    // On the bounded hashing pool; unknown logins spend the same time on a dummy hash.
    let ok = state
        .hashing
        .run(move || match hash {
            Some(h) => verify_password(&password, &h),
            None => {
                let _ = verify_password(&password, dummy_hash());
                false
            }
        })
        .await?;
    let Some(agent) = agent.filter(|_| ok) else {
        let locked = state.throttle.failed(&login, now);
        let known = state.engine.store.agent_by_login(&login)?.map(|a| a.id);
        let l = login.clone();
        state
            .engine
            .store
            .write(move |tx| {
                store::audit(
                    tx,
                    &json!({"at": now, "by": known, "action": "login.failed", "login": l}),
                )?;
                if locked {
                    store::audit(
                        tx,
                        &json!({"at": now, "by": known, "action": "login.locked", "login": l,
                                "forS": sessions::LOCK_S}),
                    )?;
                }
                Ok(())
            })
            .await?;
        return Err(bad());
    };
    if !agent.active {
        return Err(AppError::new(
            Code::BadCredentials,
            "사용이 중지된 계정입니다. 매니저에게 문의하세요 (deactivated)",
        ));
    }
    state.throttle.succeeded(&login);
    let client = req
        .headers()
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(160).collect::<String>());
    let token = sessions::create(&state, agent.id, client).await?;
    let status = state.engine.agent_addr(agent.id)?.send(Login).await?;
    tracing::info!(agent_id = agent.id, "login");
    Ok(HttpResponse::Ok().json(json!({
        "token": token,
        "agent": AgentPublic::from(&agent),
        "status": status,
    })))
}

/// A real hash to verify unknown logins against, so they cost the same time as known ones.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("calldesk-dummy-password"))
}

async fn logout(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let engine = &state.engine;
    engine
        .agent_addr(who.0.id)?
        .send(Logout {
            cause: crate::domain::status::Cause::Logout,
        })
        .await??;
    // The session ends, and every socket of the person closes: they are logged out.
    let reason = "로그아웃되었습니다 (logged out)";
    state
        .engine
        .end_sessions(who.0.id, Some(vec![who.1.clone()]), None, reason)
        .await?;
    engine.registry.close_agent(who.0.id, reason);
    tracing::info!(agent_id = who.0.id, "logout");
    Ok(HttpResponse::Ok().json(json!({"ok": true})))
}

async fn me(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let (status, call) = state
        .engine
        .agent_addr(who.0.id)?
        .send(GetAgentView)
        .await?;
    Ok(HttpResponse::Ok().json(json!({"agent": who.0, "status": status, "call": call})))
}

/// How long a socket ticket may wait for its socket.
pub const TICKET_TTL: std::time::Duration = std::time::Duration::from_secs(30);

/// `POST /api/ws/ticket`: a one-time ticket to open the desk socket with (`?ticket=`), so the
/// long-lived token never appears in a URL.
/// The ticket stands for the token that asked for it: a logout in between voids it.
async fn socket_ticket(state: web::Data<AppState>, who: Authed) -> AppResult<HttpResponse> {
    let tickets = &state.engine.registry.socket_tickets;
    // Tickets are used within milliseconds; only ones never used pile up, and are pruned here.
    if tickets.len() > 1024 {
        tickets.retain(|_, (_, at)| at.elapsed() < TICKET_TTL);
    }
    let ticket = sessions::new_token();
    tickets.insert(ticket.clone(), (who.1, std::time::Instant::now()));
    Ok(HttpResponse::Ok().json(json!({
        "ticket": ticket,
        "expiresInS": TICKET_TTL.as_secs(),
    })))
}

/// The desk socket: `?ticket=` (one-time), `?token=` (the contract) or the header.
/// `&mode=board` opens a socket for the wallboard page: it does not sign the person in.
async fn socket(
    state: web::Data<AppState>,
    req: HttpRequest,
    stream: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let q = web::Query::<std::collections::HashMap<String, String>>::from_query(req.query_string())
        .map(|q| q.into_inner())
        .unwrap_or_default();
    let who = if let Some(t) = q.get("ticket") {
        let (hash, at) = state
            .engine
            .registry
            .socket_tickets
            .remove(t)
            .map(|(_, v)| v)
            .ok_or_else(AppError::unauthorized)?;
        if at.elapsed() >= TICKET_TTL {
            return Err(AppError::unauthorized().into());
        }
        let (agent, hash) = sessions::authenticate_hash(&state, &hash)?;
        Authed(agent, hash)
    } else if let Some(t) = q.get("token") {
        authenticate_token(&state, t)?
    } else {
        authenticate(&req)?
    };
    let signs_in = q.get("mode").map(String::as_str) != Some("board");
    crate::ws::start(state.engine.clone(), who.0, who.1, signs_in, &req, stream)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("demo1234");
        assert!(verify_password("demo1234", &h));
        assert!(!verify_password("demo12345", &h));
        assert!(!verify_password("demo1234", "not a hash"));
    }
}
