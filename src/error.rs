//! The one error type. Every failure becomes `{"error": {"code", "message"}}` with a fitting
//! HTTP status; the socket sends the same code and message in an `error` frame.

use actix_web::{http::StatusCode, HttpResponse, ResponseError};
use serde_json::json;
use std::fmt;

/// Error codes (snake_case on the wire) and their HTTP statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    BadRequest,
    InvalidMessage,
    BadCredentials,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    NotOffered,
    Busy,
    PayloadTooLarge,
    RateLimited,
    /// Too many failed logins for one login: locked for a while (429 with `Retry-After`).
    TooManyAttempts,
    Unavailable,
    Internal,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadRequest => "bad_request",
            Code::InvalidMessage => "invalid_message",
            Code::BadCredentials => "bad_credentials",
            Code::Unauthorized => "unauthorized",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::NotOffered => "not_offered",
            Code::Busy => "busy",
            Code::PayloadTooLarge => "payload_too_large",
            Code::RateLimited => "rate_limited",
            Code::TooManyAttempts => "too_many_attempts",
            Code::Unavailable => "unavailable",
            Code::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Code::BadRequest | Code::InvalidMessage => StatusCode::BAD_REQUEST,
            Code::BadCredentials | Code::Unauthorized => StatusCode::UNAUTHORIZED,
            Code::Forbidden => StatusCode::FORBIDDEN,
            Code::NotFound => StatusCode::NOT_FOUND,
            Code::Conflict | Code::NotOffered | Code::Busy => StatusCode::CONFLICT,
            Code::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Code::RateLimited | Code::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            Code::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// An error with a code and a message a person can read.
#[derive(Debug, Clone, PartialEq)]
pub struct AppError {
    pub code: Code,
    pub message: String,
    /// Per-field messages for a refused form (`{"email": "…"}`), shown beside each field.
    pub fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Seconds to wait before trying again (sent as `Retry-After` with 429 and 503).
    pub retry_after_s: Option<u64>,
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        AppError {
            code,
            message: message.into(),
            fields: None,
            retry_after_s: None,
        }
    }

    /// The same error, telling the client to try again after `s` seconds.
    pub fn retry_after(mut self, s: u64) -> Self {
        self.retry_after_s = Some(s);
        self
    }

    /// Too much at once: 429 with `Retry-After`.
    pub fn rate_limited(m: impl Into<String>, retry_after_s: u64) -> Self {
        Self::new(Code::RateLimited, m).retry_after(retry_after_s)
    }

    /// The server is saturated (e.g. every password-hashing slot is taken): 503 with
    /// `Retry-After`, instead of taking more memory.
    pub fn busy(m: impl Into<String>, retry_after_s: u64) -> Self {
        Self::new(Code::Unavailable, m).retry_after(retry_after_s)
    }

    /// A 400 naming each wrong field: `{"error": {"code", "message", "fields": {…}}}`.
    pub fn invalid_fields(fields: Vec<(&str, String)>) -> Self {
        let message = fields
            .iter()
            .map(|(f, m)| format!("{f}: {m}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut e = AppError::new(Code::BadRequest, message);
        e.fields = Some(
            fields
                .into_iter()
                .map(|(f, m)| (f.to_string(), serde_json::Value::String(m)))
                .collect(),
        );
        e
    }
    pub fn bad_request(m: impl Into<String>) -> Self {
        Self::new(Code::BadRequest, m)
    }
    pub fn not_found(m: impl Into<String>) -> Self {
        Self::new(Code::NotFound, m)
    }
    pub fn forbidden(m: impl Into<String>) -> Self {
        Self::new(Code::Forbidden, m)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            Code::Unauthorized,
            "로그인이 필요합니다 (missing or invalid token)",
        )
    }
    pub fn internal(m: impl fmt::Display) -> Self {
        Self::new(Code::Internal, format!("내부 오류: {m}"))
    }
    pub fn unavailable() -> Self {
        Self::new(
            Code::Unavailable,
            "엔진이 응답하지 않습니다 (engine unavailable)",
        )
    }

    /// The HTTP response for this error (for handlers that return `HttpResponse`).
    pub fn error_response_json(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.code.status());
        if let Some(s) = self.retry_after_s {
            res.insert_header(("Retry-After", s.to_string()));
        }
        res.json(self.body())
    }

    pub fn body(&self) -> serde_json::Value {
        let mut e = json!({"code": self.code.as_str(), "message": self.message});
        if let Some(f) = &self.fields {
            e["fields"] = serde_json::Value::Object(f.clone());
        }
        json!({ "error": e })
    }
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for AppError {}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.code.status()
    }
    fn error_response(&self) -> HttpResponse {
        self.error_response_json()
    }
}

impl From<crate::store::StoreError> for AppError {
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Refused(e) => *e,
            other => AppError::internal(other),
        }
    }
}

impl From<actix::MailboxError> for AppError {
    fn from(_: actix::MailboxError) -> Self {
        AppError::unavailable()
    }
}

/// Turns actix-web's JSON / path / query extractor failures into the one error shape.
pub fn json_config() -> actix_web::web::JsonConfig {
    use actix_web::error::JsonPayloadError;
    actix_web::web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .error_handler(|err, _req| match err {
            JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
                AppError::new(
                    Code::PayloadTooLarge,
                    format!("요청 본문은 {} KiB까지입니다", MAX_JSON_BYTES / 1024),
                )
                .into()
            }
            err => {
                let msg = format!("요청 본문을 읽을 수 없습니다: {err}");
                AppError::new(Code::BadRequest, msg).into()
            }
        })
}

/// Largest JSON request body (a 413 past it).
pub const MAX_JSON_BYTES: usize = 256 * 1024;

pub fn query_config() -> actix_web::web::QueryConfig {
    actix_web::web::QueryConfig::default().error_handler(|err, _req| {
        AppError::new(Code::BadRequest, format!("잘못된 쿼리: {err}")).into()
    })
}

pub fn path_config() -> actix_web::web::PathConfig {
    actix_web::web::PathConfig::default().error_handler(|err, _req| {
        AppError::new(Code::BadRequest, format!("잘못된 경로: {err}")).into()
    })
}
