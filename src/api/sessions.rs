//! Signed-in sessions (F-AUTH): a random token goes to the client once; the server keeps only
//! its SHA-256 (the store's key, the cache's key, the socket's label), so a copy of the data dir
//! signs nobody in. A session expires when unused for the brand's `sessionIdleH` (default 12 h)
//! or older than `sessionMaxDays` (default 7 days); use is written back at most every
//! `TOUCH_EVERY_S`. Revoking sessions (logout, password change or reset, deactivation, "sign the
//! others out") also closes the desk sockets opened with them. Failed logins are throttled per
//! login: `MAX_FAILURES` within `FAILURE_WINDOW_S` lock that login for `LOCK_S`, even for the
//! right password; failures and locks are audited.

use super::AppState;
use crate::domain::model::{AgentId, AgentPublic, Session};
use crate::engine::registry::CachedSession;
use crate::engine::Engine;
use crate::error::{AppError, AppResult, Code};
use crate::store::{self, token_hash};
use chrono::{DateTime, Duration, Utc};
use dashmap::DashMap;
use rand::RngCore;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// How stale the stored `lastSeenAt` may get before it is written again.
pub const TOUCH_EVERY_S: i64 = 300;
/// Failed logins for one login that lock it.
pub const MAX_FAILURES: usize = 5;
/// The window the failures are counted in, and how long the lock lasts.
pub const FAILURE_WINDOW_S: i64 = 15 * 60;
pub const LOCK_S: i64 = 15 * 60;
/// Logins tracked at most before old entries are dropped (an attacker spraying random logins
/// cannot grow the table without bound).
const MAX_TRACKED: usize = 50_000;

pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn expired() -> AppError {
    AppError::new(
        Code::Unauthorized,
        "세션이 만료되었습니다. 다시 로그인하세요 (session expired)",
    )
}

/// Starts a session for `agent`; returns the token (given to the client once).
pub async fn create(state: &AppState, agent: AgentId, client: Option<String>) -> AppResult<String> {
    let token = new_token();
    let hash = token_hash(&token);
    let now = state.engine.now();
    let session = Session {
        agent_id: agent,
        created_at: now,
        last_seen_at: Some(now),
        client,
    };
    let (h, s) = (hash.clone(), session.clone());
    state
        .engine
        .store
        .write(move |tx| store::put_session(tx, &h, &s))
        .await?;
    state.engine.registry.tokens.insert(hash, cached(&session));
    Ok(token)
}

fn cached(s: &Session) -> Arc<CachedSession> {
    let seen = s.last_seen_at.unwrap_or(s.created_at).timestamp();
    Arc::new(CachedSession {
        agent_id: s.agent_id,
        created_at: s.created_at,
        last_seen: seen.into(),
        persisted: seen.into(),
    })
}

/// The person a token signs in, and the token's hash. Refuses unknown, revoked and expired
/// tokens; counts the use (written back at most every `TOUCH_EVERY_S`).
///
/// A token missing from the cache is read from the store and cached; the store is read once
/// more after caching, so a revocation that ran while this request was in flight cannot leave
/// it cached (revocation deletes from the store first and from the cache second).
pub fn authenticate(state: &AppState, token: &str) -> AppResult<(AgentPublic, String)> {
    authenticate_hash(state, &token_hash(token))
}

/// The same, for a session known by its token's hash (a socket ticket stands for one).
pub fn authenticate_hash(state: &AppState, hash: &str) -> AppResult<(AgentPublic, String)> {
    let hash = hash.to_string();
    let reg = &state.engine.registry;
    let entry = match reg.tokens.get(&hash).map(|e| e.clone()) {
        Some(e) => e,
        None => {
            let st = &state.engine.store;
            let s = st.session(&hash)?.ok_or_else(AppError::unauthorized)?;
            let e = cached(&s);
            reg.tokens.insert(hash.clone(), e.clone());
            if st.session(&hash)?.is_none() {
                reg.tokens.remove(&hash);
                return Err(AppError::unauthorized());
            }
            e
        }
    };
    let agent = reg
        .agent(entry.agent_id)
        .ok_or_else(AppError::unauthorized)?
        .public;
    let brand = state.engine.brand_rt(agent.brand_id)?.brand;
    let now = state.engine.now();
    let seen = DateTime::<Utc>::from_timestamp(entry.last_seen.load(Ordering::Relaxed), 0)
        .unwrap_or(entry.created_at);
    let too_old = now - entry.created_at >= Duration::days(i64::from(brand.session_max_days));
    let idle = now - seen >= Duration::hours(i64::from(brand.session_idle_h));
    if too_old || idle {
        let st = state.engine.clone();
        let h = hash.clone();
        actix::spawn(async move {
            let _ = st
                .store
                .write(move |tx| store::delete_session(tx, &h))
                .await;
            st.registry.tokens.remove(&hash);
        });
        return Err(expired());
    }
    touch(&state.engine, &hash, &entry, now);
    Ok((agent, hash))
}

/// Counts a use of a session; writes it to the store when the stored one is stale.
pub fn touch(engine: &Engine, hash: &str, entry: &CachedSession, now: DateTime<Utc>) {
    let t = now.timestamp();
    entry.last_seen.fetch_max(t, Ordering::Relaxed);
    let persisted = entry.persisted.load(Ordering::Relaxed);
    if t - persisted < TOUCH_EVERY_S
        || entry
            .persisted
            .compare_exchange(persisted, t, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
    {
        return;
    }
    let engine = engine.clone();
    let h = hash.to_string();
    actix::spawn(async move {
        let res = engine
            .store
            .write(move |tx| {
                let s: Option<Session> = store::get_w(tx, store::tables::SESSIONS, &h)?;
                if let Some(mut s) = s {
                    s.last_seen_at = Some(now);
                    store::put_session(tx, &h, &s)?;
                }
                Ok(())
            })
            .await;
        if let Err(e) = res {
            tracing::warn!(error = %e, "session use not recorded");
        }
    });
}

/// One login's recent failures, and when its lock ends.
type Failures = (Vec<DateTime<Utc>>, Option<DateTime<Utc>>);

/// Failed logins per login (lower-cased).
#[derive(Default)]
pub struct LoginThrottle {
    by_login: DashMap<String, Failures>,
}

impl LoginThrottle {
    /// Refuses a login that is locked now (429 `too_many_attempts`, `Retry-After`).
    pub fn check(&self, login: &str, now: DateTime<Utc>) -> AppResult<()> {
        let Some(e) = self.by_login.get(&login.to_lowercase()) else {
            return Ok(());
        };
        match e.1 {
            Some(until) if until > now => {
                let secs = (until - now).num_milliseconds().max(0) as u64;
                let wait = secs.div_ceil(1000).max(1);
                Err(AppError::new(
                    Code::TooManyAttempts,
                    format!(
                        "로그인 실패가 너무 많아 잠시 잠겼습니다. {}분 뒤에 다시 시도하세요 (too many attempts)",
                        wait.div_ceil(60)
                    ),
                )
                .retry_after(wait))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure; true when it locks the login now.
    pub fn failed(&self, login: &str, now: DateTime<Utc>) -> bool {
        if self.by_login.len() >= MAX_TRACKED {
            let cutoff = now - Duration::seconds(FAILURE_WINDOW_S.max(LOCK_S));
            self.by_login.retain(|_, (f, until)| {
                until.is_some_and(|u| u > now) || f.iter().any(|t| *t > cutoff)
            });
        }
        let mut e = self.by_login.entry(login.to_lowercase()).or_default();
        let window = now - Duration::seconds(FAILURE_WINDOW_S);
        e.0.retain(|t| *t > window);
        e.0.push(now);
        if e.0.len() >= MAX_FAILURES && e.1.is_none_or(|u| u <= now) {
            e.1 = Some(now + Duration::seconds(LOCK_S));
            e.0.clear();
            return true;
        }
        false
    }

    /// A successful login forgets the login's failures.
    pub fn succeeded(&self, login: &str) {
        self.by_login.remove(&login.to_lowercase());
    }
}
