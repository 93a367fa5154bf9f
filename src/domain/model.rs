//! The durable records: brands, services, agents, sessions, consultations, customers. These
//! are what the store keeps and what the API returns (camelCase JSON).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub type BrandId = u32;
pub type AgentId = u32;
pub type CallId = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Agent,
    Manager,
    Admin,
}

impl Role {
    pub fn is_manager(self) -> bool {
        matches!(self, Role::Manager | Role::Admin)
    }
}

/// Which brand-wide call figure the monitor shows: 최고콜 (top) or 전체콜 (total).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum BrandCallsMode {
    #[default]
    Top,
    Total,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Brand {
    pub id: BrandId,
    pub name: String,
    /// IANA zone for the day boundary, e.g. `Asia/Seoul`.
    pub timezone: String,
    /// Seconds a call rings before it is taken back (default 15).
    pub ring_timeout_s: u32,
    /// Seconds of wrap-up before the agent is returned automatically; 0 = no limit.
    pub wrap_up_limit_s: u32,
    pub calls_mode: BrandCallsMode,
    /// 상담유형: the consultation categories agents choose from.
    #[serde(default = "default_categories")]
    pub categories: Vec<String>,
    /// 처리결과: the results agents choose from.
    #[serde(default = "default_results")]
    pub results: Vec<String>,
    /// The linked shopping mall for 주문정보 (none: the menu is not shown).
    #[serde(default)]
    pub mall: Option<crate::domain::links::MallLink>,
    /// How messages (문자발송) go out (none: the built-in outbox).
    #[serde(default)]
    pub messaging: Option<crate::domain::links::MessagingLink>,
    /// Quiet hours for 대량 (marketing) dials, local `HH:MM` (default 21:00–08:00).
    #[serde(default = "default_quiet_start")]
    pub quiet_start: String,
    #[serde(default = "default_quiet_end")]
    pub quiet_end: String,
    /// Minutes a callback's owner keeps it before the service's pool may take it (default 30).
    #[serde(default = "default_callback_window")]
    pub callback_window_min: u32,
    /// Failed attempts after which a reservation is 실패 (default 3).
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// Hours a signed-in session may sit unused before it expires (default 12).
    #[serde(default = "default_session_idle_h")]
    pub session_idle_h: u32,
    /// Days a session lives at most, used or not (default 7).
    #[serde(default = "default_session_max_days")]
    pub session_max_days: u32,
    /// The wallboard's colour thresholds.
    #[serde(default)]
    pub wallboard: WallboardSettings,
    /// How long personal data is kept (보존 기간, PIPA); nothing set keeps everything.
    #[serde(default)]
    pub retention: Retention,
}

/// 보존 기간: after how many days (counted in the brand's local days) what a consultation,
/// a call or a message holds on a person is removed by the daily retention job
/// (`engine::retention`). The records stay (the day's counts, reports and statistics do not
/// change); `None` keeps it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Retention {
    /// 상담내용: the note's text is cleared.
    pub notes_days: Option<u32>,
    /// 통화기록: the number and the link to the customer are removed from the consultation, and
    /// a finished reservation's number, name and memo.
    pub calls_days: Option<u32>,
    /// 문자: a message's number, text and customer are removed.
    pub messages_days: Option<u32>,
}

impl Retention {
    pub fn any(&self) -> bool {
        self.notes_days.is_some() || self.calls_days.is_some() || self.messages_days.is_some()
    }
}

/// When the wallboard colours a figure: 응대율 green at or above `answerRateGreen`, yellow at
/// or above `answerRateYellow`, red below; waiting calls, the longest wait and time in 기타
/// warn past their limits (service level below a service's own target, wrap-up past the
/// service's limit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct WallboardSettings {
    pub answer_rate_green: u32,
    pub answer_rate_yellow: u32,
    pub waiting_warn: u32,
    pub longest_wait_warn_s: u32,
    pub aux_warn_min: u32,
}

impl Default for WallboardSettings {
    fn default() -> Self {
        WallboardSettings {
            answer_rate_green: 85,
            answer_rate_yellow: 70,
            waiting_warn: 5,
            longest_wait_warn_s: 60,
            aux_warn_min: 15,
        }
    }
}

fn default_session_idle_h() -> u32 {
    12
}
fn default_session_max_days() -> u32 {
    7
}

fn default_quiet_start() -> String {
    "21:00".into()
}
fn default_quiet_end() -> String {
    "08:00".into()
}
fn default_callback_window() -> u32 {
    30
}
fn default_max_attempts() -> u32 {
    3
}

pub fn default_categories() -> Vec<String> {
    [
        "주문",
        "배송",
        "반품/교환",
        "결제/환불",
        "회원",
        "상품문의",
        "기타",
    ]
    .map(String::from)
    .to_vec()
}

pub fn default_results() -> Vec<String> {
    ["완료", "미완료", "재연락 필요", "이관"]
        .map(String::from)
        .to_vec()
}

impl Brand {
    /// A new brand with every setting at its default (ring 15 s, wrap-up limit 180 s, 최고콜,
    /// the default 상담유형 / 처리결과, quiet hours 21:00–08:00, callback window 30 min, 3
    /// attempts, no mall, the built-in message outbox).
    pub fn with_defaults(id: BrandId, name: &str, timezone: &str) -> Brand {
        Brand {
            id,
            name: name.to_string(),
            timezone: timezone.to_string(),
            ring_timeout_s: 15,
            wrap_up_limit_s: 180,
            calls_mode: BrandCallsMode::Top,
            categories: default_categories(),
            results: default_results(),
            mall: None,
            messaging: None,
            quiet_start: default_quiet_start(),
            quiet_end: default_quiet_end(),
            callback_window_min: default_callback_window(),
            max_attempts: default_max_attempts(),
            session_idle_h: default_session_idle_h(),
            session_max_days: default_session_max_days(),
            wallboard: WallboardSettings::default(),
            retention: Retention::default(),
        }
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().unwrap_or(chrono_tz::Asia::Seoul)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub brand_id: BrandId,
    /// Short code used by the telephony gateway, e.g. `main`.
    pub code: String,
    /// Name agents see, e.g. `대표번호`.
    pub name: String,
    /// Seconds a call of this service rings before it is taken back (none: the brand's).
    #[serde(default)]
    pub ring_timeout_s: Option<u32>,
    /// Wrap-up limit after a call of this service (none: the brand's; 0 = no limit).
    #[serde(default)]
    pub wrap_up_limit_s: Option<u32>,
    /// Service-level threshold: answered within this many seconds counts as in service level.
    #[serde(default = "default_service_level_s")]
    pub service_level_s: u32,
    /// A caller who hangs up within this many seconds is a short abandon (단순포기): left out of
    /// the service level and the abandon rate.
    #[serde(default = "default_short_abandon_s")]
    pub short_abandon_s: u32,
    /// The service-level target, percent (the wallboard's colour and "agents needed").
    #[serde(default = "default_sl_target_pct")]
    pub sl_target_pct: u32,
}

fn default_service_level_s() -> u32 {
    20
}

fn default_short_abandon_s() -> u32 {
    5
}

fn default_sl_target_pct() -> u32 {
    80
}

impl Service {
    /// How this service's day is counted.
    pub fn rules(&self) -> crate::domain::figures::Rules {
        crate::domain::figures::Rules {
            service_level_s: self.service_level_s,
            short_abandon_s: self.short_abandon_s,
        }
    }

    /// A service with the brand's timings and a 20 s service-level threshold.
    pub fn new(brand_id: BrandId, code: &str, name: &str) -> Service {
        Service {
            brand_id,
            code: code.to_string(),
            name: name.to_string(),
            ring_timeout_s: None,
            wrap_up_limit_s: None,
            service_level_s: default_service_level_s(),
            short_abandon_s: default_short_abandon_s(),
            sl_target_pct: default_sl_target_pct(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Agent {
    pub id: AgentId,
    pub brand_id: BrandId,
    pub login: String,
    pub name: String,
    /// 내선번호.
    pub extension: String,
    pub role: Role,
    /// Service codes this agent takes calls for.
    pub services: Vec<String>,
    pub password_hash: String,
    /// Sees customers' full numbers and names in lists (granted to managers only; see masking).
    #[serde(default)]
    pub full_view: bool,
    /// A deactivated person cannot sign in; their history stays.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

/// What other parts may see of an agent (never the hash).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct AgentPublic {
    pub id: AgentId,
    pub name: String,
    pub extension: String,
    pub role: Role,
    pub brand_id: BrandId,
    pub login: String,
    pub services: Vec<String>,
    /// Full numbers and names in lists (a grant, effective for managers and admins).
    pub full_view: bool,
}

impl AgentPublic {
    /// Whether lists show this person customers' full numbers and names (PIPA masking).
    pub fn sees_full(&self) -> bool {
        self.full_view && self.role.is_manager()
    }
}

impl From<&Agent> for AgentPublic {
    fn from(a: &Agent) -> Self {
        AgentPublic {
            id: a.id,
            name: a.name.clone(),
            extension: a.extension.clone(),
            role: a.role,
            brand_id: a.brand_id,
            login: a.login.clone(),
            services: a.services.clone(),
            full_view: a.full_view,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub agent_id: AgentId,
    pub created_at: DateTime<Utc>,
    /// Last time the session was used (kept to within a few minutes; idle expiry counts from it).
    #[serde(default)]
    pub last_seen_at: Option<DateTime<Utc>>,
    /// The browser it was signed in from (User-Agent, shortened), for the sessions list.
    #[serde(default)]
    pub client: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum Channel {
    #[serde(rename = "IN")]
    In,
    #[serde(rename = "OUT")]
    Out,
}

impl Channel {
    /// As on the wire: `IN` / `OUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::In => "IN",
            Channel::Out => "OUT",
        }
    }
}

/// How a call ended, as far as the telephony side is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CallOutcome {
    /// Still live.
    Live,
    /// Talked and ended.
    Completed,
    /// Inbound caller hung up before talking to anyone.
    Abandoned,
    /// Outbound: the line was busy.
    Busy,
    /// Outbound: nobody answered.
    NoAnswer,
    /// Outbound: the agent cancelled before the far end answered.
    Cancelled,
    /// Outbound: the call could not be connected (network, unreachable, rejected).
    Failed,
    /// Talked, then handed over to a service or another agent (이관); the caller goes on in a
    /// new consultation.
    Transferred,
}

/// A consultation note as the agent typed it, kept on the server until it is saved or the
/// call's wrap-up ends (then it becomes the note).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NoteDraft {
    pub ticket_id: String,
    pub agent_id: AgentId,
    pub category: Option<String>,
    pub result: Option<String>,
    pub content: String,
    pub at: DateTime<Utc>,
}

/// A consultation (상담): one call and the note written about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Consultation {
    pub ticket_id: String,
    pub brand_id: BrandId,
    pub call_id: CallId,
    pub channel: Channel,
    pub service: String,
    pub service_name: String,
    /// The other party, national digits.
    pub number: String,
    pub external_id: Option<String>,
    pub agent_id: Option<AgentId>,
    pub agent_name: Option<String>,
    pub customer_id: Option<u64>,
    pub arrived_at: DateTime<Utc>,
    pub offered_at: Option<DateTime<Utc>>,
    pub answered_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    pub wrap_up_ended_at: Option<DateTime<Utc>>,
    pub wait_s: i64,
    pub talk_s: i64,
    pub wrap_up_s: i64,
    pub outcome: CallOutcome,
    pub category: Option<String>,
    /// 처리결과: one of the brand's list (완료 / 미완료 / 재연락 필요 / 이관 …), chosen by the agent.
    pub result: Option<String>,
    pub content: String,
    pub updated_at: DateTime<Utc>,
    pub updated_by: Option<AgentId>,
    /// The reservation this (outbound) call was dialed for.
    #[serde(default)]
    pub reservation_id: Option<u64>,
    /// Seconds of the talk time spent on hold (보류).
    #[serde(default)]
    pub hold_s: i64,
    /// 이관: the consultation this call was transferred from / to.
    #[serde(default)]
    pub transferred_from: Option<String>,
    #[serde(default)]
    pub transferred_to: Option<String>,
}

impl Consultation {
    /// The same record with the customer's number masked (for lists; see `phone::mask`).
    pub fn masked(mut self) -> Consultation {
        self.number = crate::domain::phone::mask(&self.number);
        self
    }

    pub fn summary(&self) -> ConsultationSummary {
        ConsultationSummary {
            ticket_id: self.ticket_id.clone(),
            channel: self.channel,
            service: self.service.clone(),
            service_name: self.service_name.clone(),
            number: self.number.clone(),
            agent_id: self.agent_id,
            agent_name: self.agent_name.clone(),
            started_at: self.answered_at.unwrap_or(self.arrived_at),
            ended_at: self.ended_at,
            talk_s: self.talk_s,
            outcome: self.outcome,
            category: self.category.clone(),
            result: self.result.clone(),
            has_note: !self.content.is_empty(),
            customer_name: None,
        }
    }
}

impl ConsultationSummary {
    pub fn masked(mut self) -> ConsultationSummary {
        self.number = crate::domain::phone::mask(&self.number);
        self.customer_name = self
            .customer_name
            .map(|n| crate::domain::customer::mask_name(&n));
        self
    }
}

impl Customer {
    /// For lists: name 홍*동, numbers 010-****-5678.
    pub fn masked(mut self) -> Customer {
        self.name = crate::domain::customer::mask_name(&self.name);
        self.phone = crate::domain::phone::mask(&self.phone);
        self.phones = self
            .phones
            .iter()
            .map(|p| crate::domain::phone::mask(p))
            .collect();
        self
    }
}

/// One line of "상담 현황".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ConsultationSummary {
    pub ticket_id: String,
    pub channel: Channel,
    pub service: String,
    pub service_name: String,
    pub number: String,
    pub agent_id: Option<AgentId>,
    pub agent_name: Option<String>,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub talk_s: i64,
    pub outcome: CallOutcome,
    pub category: Option<String>,
    pub result: Option<String>,
    pub has_note: bool,
    /// The customer's name when the call is linked to one (filled where lists need it).
    #[serde(default)]
    pub customer_name: Option<String>,
}

/// A customer (고객) of a brand, found by any of their phone numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    pub id: u64,
    pub brand_id: BrandId,
    pub name: String,
    /// The main number, national digits.
    pub phone: String,
    /// Further numbers, national digits.
    #[serde(default)]
    pub phones: Vec<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub birth_date: Option<chrono::NaiveDate>,
    /// 클레임정보: a blacklisted caller is flagged on the ringing call card.
    #[serde(default)]
    pub blacklisted: bool,
    #[serde(default)]
    pub blacklist_reason: Option<String>,
    /// The current internal memo (관리메모); its history is in the memo records.
    #[serde(default)]
    pub memo: String,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

impl Customer {
    /// Every number of the customer.
    pub fn all_phones(&self) -> Vec<String> {
        let mut v = vec![self.phone.clone()];
        for p in &self.phones {
            if !v.contains(p) {
                v.push(p.clone());
            }
        }
        v
    }
}

/// One entry of a customer's 관리메모 history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CustomerMemo {
    pub id: u64,
    pub customer_id: u64,
    pub author_id: AgentId,
    pub author_name: String,
    pub at: DateTime<Utc>,
    /// `memo`, `blacklist` or `unblacklist`.
    pub kind: String,
    pub text: String,
}

/// A Q&A template (상담정보): a frequent question and its answer, searchable by agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub id: u64,
    pub brand_id: BrandId,
    pub category: String,
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A floor notice (공지): from a manager to every desk of the brand, or to one service's agents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct Notice {
    pub id: u64,
    pub brand_id: BrandId,
    pub text: String,
    /// Only this service's agents see it; none: everyone.
    pub service: Option<String>,
    pub by: AgentId,
    pub by_name: String,
    pub at: DateTime<Utc>,
}

impl Notice {
    /// Whether an agent serving `services` sees it.
    pub fn for_agent(&self, services: &[String]) -> bool {
        self.service.as_ref().is_none_or(|s| services.contains(s))
    }
}
