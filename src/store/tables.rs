//! Table definitions. Names carry a version suffix ("-0"); a change of a value's shape gets a
//! new name and a migration. Keys are strings, values JSON bytes (counters are u64).

use redb::TableDefinition;

pub type Json = TableDefinition<'static, &'static str, &'static [u8]>;

pub const BRANDS: Json = TableDefinition::new("brands-0");
/// `"{brand}/{code}"` → Service
pub const SERVICES: Json = TableDefinition::new("services-0");
/// `"{agent id:010}"` → Agent
pub const AGENTS: Json = TableDefinition::new("agents-0");
/// login → agent id (JSON number)
pub const LOGINS: Json = TableDefinition::new("logins-0");
/// token → Session: sessions as stored before tokens were hashed; moved into `SESSIONS` (and
/// emptied) when the store opens.
pub const SESSIONS_PLAIN: Json = TableDefinition::new("sessions-0");
/// SHA-256 of the token (hex) → Session. The token itself is never stored.
pub const SESSIONS: Json = TableDefinition::new("sessions-1");
/// `"{agent:010}/{token hash}"` → empty: each person's sessions (self-service, revocation)
pub const SESSIONS_BY_AGENT: Json = TableDefinition::new("sessions-by-agent-0");
/// ticket id → Consultation
pub const CONSULTATIONS: Json = TableDefinition::new("consultations-0");
/// `"{agent:010}/{yyyymmdd}/{ticket}"` → empty
pub const CONS_BY_AGENT: Json = TableDefinition::new("consultations-by-agent-0");
/// `"{brand:010}/{yyyymmdd}/{ticket}"` → empty
pub const CONS_BY_BRAND: Json = TableDefinition::new("consultations-by-brand-0");
/// `"{brand:010}/{customer id:020}"` → Customer
pub const CUSTOMERS: Json = TableDefinition::new("customers-0");
/// `"{brand:010}/{phone digits}"` → customer id
pub const CUSTOMERS_BY_PHONE: Json = TableDefinition::new("customers-by-phone-0");
/// `"{brand:010}/{customer:020}/{ticket}"` → empty (a customer's consultations)
pub const CONS_BY_CUSTOMER: Json = TableDefinition::new("consultations-by-customer-0");
/// `"{brand:010}/{customer:020}/{memo id:020}"` → CustomerMemo
pub const CUSTOMER_MEMOS: Json = TableDefinition::new("customer-memos-0");
/// `"{brand:010}/{template:020}"` → Template
pub const TEMPLATES: Json = TableDefinition::new("templates-0");
/// `"{brand:010}/{reservation:020}"` → Reservation
pub const RESERVATIONS: Json = TableDefinition::new("reservations-0");
/// `"{brand:010}/{reservation:020}"` → empty: the pending ones (미처리), so what desks show does
/// not read a year of finished reservations
pub const RESV_PENDING: Json = TableDefinition::new("reservations-pending-0");
/// `"{brand:010}/{scheduled unix seconds:012}/{reservation:020}"` → empty: a brand's reservations
/// in time order, so a list of one day (or of recent weeks) reads only those
pub const RESV_BY_TIME: Json = TableDefinition::new("reservations-by-time-0");
/// `"{brand:010}/{number}"` → do-not-call entry
pub const DNC: Json = TableDefinition::new("dnc-0");
/// `"{brand:010}/{message:020}"` → Message
pub const MESSAGES: Json = TableDefinition::new("messages-0");
/// `"{brand:010}/{customer:020}/{message:020}"` → empty (a customer's messages)
pub const MSG_BY_CUSTOMER: Json = TableDefinition::new("messages-by-customer-0");
/// `"{brand:010}/{phone digits}/{message:020}"` → empty (messages to a number)
pub const MSG_BY_PHONE: Json = TableDefinition::new("messages-by-phone-0");
/// `"{brand:010}/{message:020}"` → empty: accepted, not yet handed to the provider
pub const MSG_OUTBOX: Json = TableDefinition::new("messages-outbox-0");
/// `"{brand:010}/{agent:010}/{client key}"` → message id (a retried send is not sent twice)
pub const MSG_KEYS: Json = TableDefinition::new("messages-keys-0");
/// `"{brand:010}/{code}"` → AlimtalkTemplate
pub const ALIMTALK_TEMPLATES: Json = TableDefinition::new("alimtalk-templates-0");
/// `"brand/{id}"` → realtime snapshot of a brand (today's counters)
pub const REALTIME: Json = TableDefinition::new("realtime-0");
/// `"{agent:010}/{yyyy-mm-dd}"` → closed day figures (AgentDay)
pub const AGENT_DAYS: Json = TableDefinition::new("agent-days-0");
/// `"{ticket id}"` → NoteDraft: a consultation note as typed, not yet saved (kept until the note
/// is saved or wrap-up ends, when it becomes the note)
pub const NOTE_DRAFTS: Json = TableDefinition::new("note-drafts-0");
/// `"{rfc3339 utc}/{seq:010}"` → audit entry
pub const AUDIT: Json = TableDefinition::new("audit-0");
/// `"{brand:010}/{id:020}"` → Notice (공지: floor notices, newest last)
pub const NOTICES: Json = TableDefinition::new("notices-0");

/// `brand u32 BE | kind | term | 0 | customer id u64 BE` → (): what a customer is found by
/// (`search::terms`: name suffixes, number suffixes of 3+ digits, e-mail).
pub const CUSTOMER_TERMS: TableDefinition<'static, &'static [u8], ()> =
    TableDefinition::new("customer-terms-0");

/// `brand u32 BE | dim | term | 0 | first number u64 BE` → a chunk of ticket numbers
/// (`search::postings`): the consultation search's posting lists.
pub const CONS_POSTINGS: TableDefinition<'static, &'static [u8], &'static [u8]> =
    TableDefinition::new("consultation-postings-0");

/// Every table of JSON records and string-keyed indexes (created at open, copied by a backup).
pub const JSON_TABLES: [Json; 30] = [
    BRANDS,
    SERVICES,
    AGENTS,
    LOGINS,
    SESSIONS,
    SESSIONS_PLAIN,
    SESSIONS_BY_AGENT,
    CONSULTATIONS,
    CONS_BY_AGENT,
    CONS_BY_BRAND,
    CUSTOMERS,
    CUSTOMERS_BY_PHONE,
    CONS_BY_CUSTOMER,
    CUSTOMER_MEMOS,
    TEMPLATES,
    RESERVATIONS,
    RESV_PENDING,
    RESV_BY_TIME,
    DNC,
    MESSAGES,
    MSG_BY_CUSTOMER,
    MSG_BY_PHONE,
    MSG_OUTBOX,
    MSG_KEYS,
    ALIMTALK_TEMPLATES,
    REALTIME,
    AGENT_DAYS,
    AUDIT,
    NOTICES,
    NOTE_DRAFTS,
];

pub const COUNTERS: TableDefinition<'static, &'static str, u64> =
    TableDefinition::new("counters-0");
