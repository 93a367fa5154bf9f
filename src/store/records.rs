//! Typed reads and writes of the durable records. Write functions take the batch's
//! `WriteTransaction` and are meant to run inside `Store::write`.

use super::tables::{self, Json};
use super::{dec, enc, Store, StoreError, StoreResult};
use crate::domain::model::{
    Agent, AgentId, Brand, BrandId, Consultation, Customer, CustomerMemo, NoteDraft, Service,
    Session, Template,
};
use crate::domain::ticket;
use crate::error::{AppError, Code};
use chrono::NaiveDate;
use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub fn agent_key(id: AgentId) -> String {
    format!("{id:010}")
}

fn day(date: NaiveDate) -> String {
    date.format("%Y%m%d").to_string()
}

pub fn put<T: Serialize>(tx: &WriteTransaction, t: Json, key: &str, v: &T) -> StoreResult<()> {
    let bytes = enc(v)?;
    tx.open_table(t)?.insert(key, bytes.as_slice())?;
    Ok(())
}

pub fn get_w<T: DeserializeOwned>(
    tx: &WriteTransaction,
    t: Json,
    key: &str,
) -> StoreResult<Option<T>> {
    let table = tx.open_table(t)?;
    let v = table.get(key)?;
    v.map(|g| dec(g.value())).transpose()
}

pub(super) fn get_r<T: DeserializeOwned>(
    r: &ReadTransaction,
    t: Json,
    key: &str,
) -> StoreResult<Option<T>> {
    let table = r.open_table(t)?;
    let v = table.get(key)?;
    v.map(|g| dec(g.value())).transpose()
}

/// Records read at once by one thread of `get_many`.
const READS_PER_THREAD: usize = 8;

/// The records of `keys` (in their order; `None` where missing). Up to 50 records of a list
/// are random pages of a large table: when they are not in memory each waits for the disk, so
/// more than `READS_PER_THREAD` are read by several threads at once over the same snapshot
/// (their disk waits overlap instead of adding up).
pub(super) fn get_many<T: DeserializeOwned + Send>(
    r: &ReadTransaction,
    t: Json,
    keys: &[String],
) -> StoreResult<Vec<Option<T>>> {
    let read = |part: &[String]| -> StoreResult<Vec<Option<T>>> {
        let table = r.open_table(t)?;
        part.iter()
            .map(|k| table.get(k.as_str())?.map(|v| dec(v.value())).transpose())
            .collect()
    };
    if keys.len() <= READS_PER_THREAD {
        return read(keys);
    }
    std::thread::scope(|s| {
        let parts: Vec<_> = keys
            .chunks(READS_PER_THREAD)
            .map(|part| s.spawn(move || read(part)))
            .collect();
        let mut out = Vec::with_capacity(keys.len());
        for p in parts {
            out.extend(
                p.join()
                    .map_err(|_| StoreError::Db("a read thread panicked".into()))??,
            );
        }
        Ok(out)
    })
}

/// Every value whose key starts with `prefix`, in key order.
pub(super) fn scan_prefix<T: DeserializeOwned>(
    r: &ReadTransaction,
    t: Json,
    prefix: &str,
) -> StoreResult<Vec<(String, T)>> {
    let table = r.open_table(t)?;
    let mut out = Vec::new();
    for row in table.range(prefix..)? {
        let (k, v) = row?;
        if !k.value().starts_with(prefix) {
            break;
        }
        out.push((k.value().to_string(), dec(v.value())?));
    }
    Ok(out)
}

pub(super) fn keys_with_prefix(
    r: &ReadTransaction,
    t: Json,
    prefix: &str,
) -> StoreResult<Vec<String>> {
    let table = r.open_table(t)?;
    let mut out = Vec::new();
    for row in table.range(prefix..)? {
        let (k, _) = row?;
        if !k.value().starts_with(prefix) {
            break;
        }
        out.push(k.value().to_string());
    }
    Ok(out)
}

/// Adds one to a named counter and returns the new value.
/// Reserves `n` numbers of a counter at once: returns the first; the counter now stands at the
/// last, so the block is never handed out again, even after a crash (unused numbers are
/// skipped, never reused).
pub fn reserve_block(tx: &WriteTransaction, name: &str, n: u64) -> StoreResult<u64> {
    let mut t = tx.open_table(tables::COUNTERS)?;
    let cur = t.get(name)?.map(|g| g.value()).unwrap_or(0);
    t.insert(name, cur + n)?;
    Ok(cur + 1)
}

pub fn next_counter(tx: &WriteTransaction, name: &str) -> StoreResult<u64> {
    let mut t = tx.open_table(tables::COUNTERS)?;
    let cur = t.get(name)?.map(|g| g.value()).unwrap_or(0);
    let next = cur + 1;
    t.insert(name, next)?;
    Ok(next)
}

// ---- brands, services, agents ---------------------------------------------------------------

pub fn put_brand(tx: &WriteTransaction, b: &Brand) -> StoreResult<()> {
    put(tx, tables::BRANDS, &format!("{:010}", b.id), b)
}

pub fn put_service(tx: &WriteTransaction, s: &Service) -> StoreResult<()> {
    put(
        tx,
        tables::SERVICES,
        &format!("{:010}/{}", s.brand_id, s.code),
        s,
    )
}

/// Stores an agent and its login; a login taken by another agent is refused.
pub fn put_agent(tx: &WriteTransaction, a: &Agent) -> StoreResult<()> {
    let login = a.login.to_lowercase();
    if let Some(owner) = get_w::<AgentId>(tx, tables::LOGINS, &login)? {
        if owner != a.id {
            return Err(StoreError::refused(AppError::new(
                Code::Conflict,
                format!("로그인 '{}'은(는) 이미 사용 중입니다", a.login),
            )));
        }
    }
    put(tx, tables::LOGINS, &login, &a.id)?;
    put(tx, tables::AGENTS, &agent_key(a.id), a)
}

/// A person of `brand`, inside a write; a missing one (or another brand's) is refused as not
/// found.
pub fn agent_of_brand(
    tx: &WriteTransaction,
    id: AgentId,
    brand: Option<BrandId>,
) -> StoreResult<Agent> {
    get_w::<Agent>(tx, tables::AGENTS, &agent_key(id))?
        .filter(|a| brand.is_none_or(|b| a.brand_id == b))
        .ok_or_else(|| {
            StoreError::refused(AppError::not_found(format!("상담사 {id}이(가) 없습니다")))
        })
}

/// Every person of a brand, inside a write (a scan of the agents table: admin changes only).
pub fn agents_of_brand(tx: &WriteTransaction, brand: BrandId) -> StoreResult<Vec<Agent>> {
    let t = tx.open_table(tables::AGENTS)?;
    let mut out = Vec::new();
    for row in t.iter()? {
        let (_, v) = row?;
        let a: Agent = super::dec(v.value())?;
        if a.brand_id == brand {
            out.push(a);
        }
    }
    Ok(out)
}

/// The id after the highest one in a table keyed by zero-padded ids (agents, brands).
fn next_padded_id(tx: &WriteTransaction, t: Json) -> StoreResult<u32> {
    let table = tx.open_table(t)?;
    let last = table.last()?.map(|(k, _)| k.value().to_string());
    let max = last.and_then(|k| k.parse::<u32>().ok()).unwrap_or(0);
    Ok(max + 1)
}

pub fn next_agent_id(tx: &WriteTransaction) -> StoreResult<AgentId> {
    next_padded_id(tx, tables::AGENTS)
}

pub fn next_brand_id(tx: &WriteTransaction) -> StoreResult<BrandId> {
    next_padded_id(tx, tables::BRANDS)
}

pub(super) fn customer_key(brand: BrandId, id: u64) -> String {
    format!("{brand:010}/{id:020}")
}

/// Stores a customer and indexes every number; a number of another customer is refused.
/// Numbers the customer no longer has are released.
pub fn put_customer(tx: &WriteTransaction, c: &Customer) -> StoreResult<()> {
    let key = customer_key(c.brand_id, c.id);
    let old: Option<Customer> = get_w(tx, tables::CUSTOMERS, &key)?;
    let phones = c.all_phones();
    for p in &phones {
        let pk = format!("{:010}/{}", c.brand_id, p);
        if let Some(owner) = get_w::<u64>(tx, tables::CUSTOMERS_BY_PHONE, &pk)? {
            if owner != c.id {
                return Err(StoreError::refused(AppError::invalid_fields(vec![(
                    "phones",
                    format!("{p}은(는) 이미 다른 고객의 번호입니다"),
                )])));
            }
        }
    }
    if let Some(old) = &old {
        let mut t = tx.open_table(tables::CUSTOMERS_BY_PHONE)?;
        for p in old.all_phones().iter().filter(|p| !phones.contains(p)) {
            t.remove(format!("{:010}/{}", c.brand_id, p).as_str())?;
        }
    }
    for p in &phones {
        put(
            tx,
            tables::CUSTOMERS_BY_PHONE,
            &format!("{:010}/{}", c.brand_id, p),
            &c.id,
        )?;
    }
    super::index::reindex_customer(tx, old.as_ref(), Some(c))?;
    put(tx, tables::CUSTOMERS, &key, c)
}

/// Reads a customer of the brand inside the write, lets `edit` change it (or refuse), stores it:
/// two edits racing each other both land, neither undoes the other.
pub fn update_customer(
    tx: &WriteTransaction,
    brand: BrandId,
    id: u64,
    edit: impl FnOnce(&mut Customer) -> StoreResult<()>,
) -> StoreResult<Customer> {
    let mut c: Customer =
        get_w(tx, tables::CUSTOMERS, &customer_key(brand, id))?.ok_or_else(|| {
            StoreError::refused(AppError::not_found(format!("고객 {id}이(가) 없습니다")))
        })?;
    edit(&mut c)?;
    put_customer(tx, &c)?;
    Ok(c)
}

/// The next free customer id of a brand (skips ids a seed or an import already used).
pub fn next_customer_id(tx: &WriteTransaction, brand: BrandId) -> StoreResult<u64> {
    loop {
        let id = next_counter(tx, "customer")?;
        if get_w::<Customer>(tx, tables::CUSTOMERS, &customer_key(brand, id))?.is_none() {
            return Ok(id);
        }
    }
}

pub fn put_customer_memo(
    tx: &WriteTransaction,
    brand: BrandId,
    m: &CustomerMemo,
) -> StoreResult<()> {
    put(
        tx,
        tables::CUSTOMER_MEMOS,
        &format!("{}/{:020}", customer_key(brand, m.customer_id), m.id),
        m,
    )
}

fn index_customer(tx: &WriteTransaction, c: &Consultation) -> StoreResult<()> {
    if let Some(cid) = c.customer_id {
        let idx = format!("{}/{}", customer_key(c.brand_id, cid), c.ticket_id);
        tx.open_table(tables::CONS_BY_CUSTOMER)?
            .insert(idx.as_str(), [].as_slice())?;
    }
    Ok(())
}

pub fn put_template(tx: &WriteTransaction, t: &Template) -> StoreResult<()> {
    put(
        tx,
        tables::TEMPLATES,
        &format!("{:010}/{:020}", t.brand_id, t.id),
        t,
    )
}

/// Whether a template of the brand exists (read inside the write that changes it).
pub fn template_exists(tx: &WriteTransaction, brand: BrandId, id: u64) -> StoreResult<bool> {
    let key = format!("{brand:010}/{id:020}");
    Ok(tx
        .open_table(tables::TEMPLATES)?
        .get(key.as_str())?
        .is_some())
}

pub fn delete_template(tx: &WriteTransaction, brand: BrandId, id: u64) -> StoreResult<bool> {
    let key = format!("{brand:010}/{id:020}");
    Ok(tx
        .open_table(tables::TEMPLATES)?
        .remove(key.as_str())?
        .is_some())
}

/// A reservation's key in `reservations-by-time-0`.
fn resv_time_key(r: &crate::domain::reservation::Reservation) -> String {
    format!(
        "{:010}/{:012}/{:020}",
        r.brand_id,
        r.scheduled_at.timestamp().max(0),
        r.id
    )
}

pub fn put_reservation(
    tx: &WriteTransaction,
    r: &crate::domain::reservation::Reservation,
) -> StoreResult<()> {
    let key = format!("{:010}/{:020}", r.brand_id, r.id);
    {
        let old: Option<crate::domain::reservation::Reservation> =
            get_w(tx, tables::RESERVATIONS, &key)?;
        let mut by_time = tx.open_table(tables::RESV_BY_TIME)?;
        let new_key = resv_time_key(r);
        if let Some(old) = old.map(|o| resv_time_key(&o)).filter(|k| *k != new_key) {
            by_time.remove(old.as_str())?;
        }
        by_time.insert(new_key.as_str(), [].as_slice())?;
    }
    {
        let mut pending = tx.open_table(tables::RESV_PENDING)?;
        if r.status == crate::domain::reservation::ResvStatus::Pending {
            pending.insert(key.as_str(), [].as_slice())?;
        } else {
            pending.remove(key.as_str())?;
        }
    }
    put(tx, tables::RESERVATIONS, &key, r)
}

/// Whether a one-off index build (`name`, a counter set once it is done) has run.
pub(super) fn built(tx: &WriteTransaction, name: &str) -> StoreResult<bool> {
    Ok(tx
        .open_table(tables::COUNTERS)?
        .get(name)?
        .is_some_and(|g| g.value() > 0))
}

/// Indexes the pending reservations of a store written before that index existed (once;
/// start-up). Returns how many it found.
pub fn build_pending_reservations(tx: &WriteTransaction) -> StoreResult<u64> {
    if built(tx, "index/reservations-pending")? {
        return Ok(0);
    }
    let mut n = 0;
    {
        let all = tx.open_table(tables::RESERVATIONS)?;
        let mut pending = tx.open_table(tables::RESV_PENDING)?;
        for row in all.iter()? {
            let (k, v) = row?;
            let r: crate::domain::reservation::Reservation = dec(v.value())?;
            if r.status == crate::domain::reservation::ResvStatus::Pending {
                pending.insert(k.value(), [].as_slice())?;
                n += 1;
            }
        }
    }
    tx.open_table(tables::COUNTERS)?
        .insert("index/reservations-pending", 1)?;
    Ok(n)
}

/// Indexes every reservation by time in a store written before that index existed (once;
/// start-up). Returns how many it indexed.
pub fn build_reservations_by_time(tx: &WriteTransaction) -> StoreResult<u64> {
    if built(tx, "index/reservations-by-time")? {
        return Ok(0);
    }
    let mut n = 0;
    {
        let all = tx.open_table(tables::RESERVATIONS)?;
        let mut by_time = tx.open_table(tables::RESV_BY_TIME)?;
        for row in all.iter()? {
            let (_, v) = row?;
            let r: crate::domain::reservation::Reservation = dec(v.value())?;
            by_time.insert(resv_time_key(&r).as_str(), [].as_slice())?;
            n += 1;
        }
    }
    tx.open_table(tables::COUNTERS)?
        .insert("index/reservations-by-time", 1)?;
    Ok(n)
}

/// Reads a reservation of the brand, lets `edit` change it (or refuse), stores it with its
/// indexes.
pub fn update_reservation(
    tx: &WriteTransaction,
    brand: BrandId,
    id: u64,
    edit: impl FnOnce(&mut crate::domain::reservation::Reservation) -> StoreResult<()>,
) -> StoreResult<crate::domain::reservation::Reservation> {
    let key = format!("{brand:010}/{id:020}");
    let mut r: crate::domain::reservation::Reservation = get_w(tx, tables::RESERVATIONS, &key)?
        .ok_or_else(|| {
            StoreError::refused(AppError::not_found(format!("예약 {id}이(가) 없습니다")))
        })?;
    edit(&mut r)?;
    // Through `put_reservation`: the pending and time indexes follow a status or time change.
    put_reservation(tx, &r)?;
    Ok(r)
}

pub fn put_dnc(
    tx: &WriteTransaction,
    brand: BrandId,
    entry: &serde_json::Value,
    number: &str,
) -> StoreResult<()> {
    put(tx, tables::DNC, &format!("{brand:010}/{number}"), entry)
}

pub fn delete_dnc(tx: &WriteTransaction, brand: BrandId, number: &str) -> StoreResult<bool> {
    let key = format!("{brand:010}/{number}");
    Ok(tx.open_table(tables::DNC)?.remove(key.as_str())?.is_some())
}

// ---- messages (문자발송) --------------------------------------------------------------------

pub(super) fn message_key(brand: BrandId, id: u64) -> String {
    format!("{brand:010}/{id:020}")
}

/// Stores a newly accepted message (with a fresh id), indexes it by customer and number, puts it
/// in the outbox, and remembers the sender's client key. A key the sender already used returns
/// the message stored under it instead (`false`: nothing new was stored); the check and the
/// write are one transaction, so two racing retries store one message.
pub fn create_message(
    tx: &WriteTransaction,
    m: &crate::domain::message::Message,
    client_key: Option<&str>,
) -> StoreResult<(crate::domain::message::Message, bool)> {
    let key_row = client_key.map(|k| format!("{:010}/{:010}/{k}", m.brand_id, m.agent_id));
    if let Some(k) = &key_row {
        if let Some(id) = get_w::<u64>(tx, tables::MSG_KEYS, k)? {
            if let Some(old) = get_w(tx, tables::MESSAGES, &message_key(m.brand_id, id))? {
                return Ok((old, false));
            }
        }
    }
    let mut m = m.clone();
    m.id = next_counter(tx, "message")?;
    let key = message_key(m.brand_id, m.id);
    put_message(tx, &key, &m)?;
    tx.open_table(tables::MSG_OUTBOX)?
        .insert(key.as_str(), [].as_slice())?;
    if let Some(k) = &key_row {
        put(tx, tables::MSG_KEYS, k, &m.id)?;
    }
    Ok((m, true))
}

/// Stores a message already handed over (an import, `seed-volume`): a fresh id, its indexes by
/// number and customer, not in the outbox.
pub fn insert_sent_message(
    tx: &WriteTransaction,
    m: &crate::domain::message::Message,
) -> StoreResult<u64> {
    let mut m = m.clone();
    m.id = next_counter(tx, "message")?;
    put_message(tx, &message_key(m.brand_id, m.id), &m)?;
    Ok(m.id)
}

/// Writes a new message and its indexes by number and by customer.
fn put_message(
    tx: &WriteTransaction,
    key: &str,
    m: &crate::domain::message::Message,
) -> StoreResult<()> {
    put(tx, tables::MESSAGES, key, m)?;
    let by_phone = format!("{:010}/{}/{:020}", m.brand_id, m.to, m.id);
    tx.open_table(tables::MSG_BY_PHONE)?
        .insert(by_phone.as_str(), [].as_slice())?;
    if let Some(c) = m.customer_id {
        let idx = format!("{}/{:020}", customer_key(m.brand_id, c), m.id);
        tx.open_table(tables::MSG_BY_CUSTOMER)?
            .insert(idx.as_str(), [].as_slice())?;
    }
    Ok(())
}

/// Records the provider's answer and takes the message out of the outbox.
pub fn finish_message(
    tx: &WriteTransaction,
    brand: BrandId,
    id: u64,
    delivery: &crate::domain::message::Delivery,
    at: chrono::DateTime<chrono::Utc>,
) -> StoreResult<crate::domain::message::Message> {
    let key = message_key(brand, id);
    let mut m: crate::domain::message::Message =
        get_w(tx, tables::MESSAGES, &key)?.ok_or_else(|| {
            StoreError::refused(AppError::not_found(format!("메시지 {id}이(가) 없습니다")))
        })?;
    m.apply(delivery.clone(), at);
    put(tx, tables::MESSAGES, &key, &m)?;
    tx.open_table(tables::MSG_OUTBOX)?.remove(key.as_str())?;
    Ok(m)
}

fn alimtalk_key(brand: BrandId, code: &str) -> String {
    format!("{brand:010}/{code}")
}

pub fn put_alimtalk_template(
    tx: &WriteTransaction,
    t: &crate::domain::message::AlimtalkTemplate,
) -> StoreResult<()> {
    put(
        tx,
        tables::ALIMTALK_TEMPLATES,
        &alimtalk_key(t.brand_id, &t.code),
        t,
    )
}

/// Saves a template a manager made (`create`: its code must be new) or changed (it must exist).
pub fn save_alimtalk_template(
    tx: &WriteTransaction,
    t: &crate::domain::message::AlimtalkTemplate,
    create: bool,
) -> StoreResult<()> {
    let key = alimtalk_key(t.brand_id, &t.code);
    let exists = tx
        .open_table(tables::ALIMTALK_TEMPLATES)?
        .get(key.as_str())?
        .is_some();
    if create && exists {
        return Err(StoreError::refused(AppError::new(
            Code::Conflict,
            format!("템플릿 코드 '{}'은(는) 이미 있습니다", t.code),
        )));
    }
    if !create && !exists {
        return Err(StoreError::refused(AppError::not_found(format!(
            "알림톡 템플릿 '{}'이(가) 없습니다",
            t.code
        ))));
    }
    put_alimtalk_template(tx, t)
}

pub fn delete_alimtalk_template(
    tx: &WriteTransaction,
    brand: BrandId,
    code: &str,
) -> StoreResult<bool> {
    let key = alimtalk_key(brand, code);
    Ok(tx
        .open_table(tables::ALIMTALK_TEMPLATES)?
        .remove(key.as_str())?
        .is_some())
}

// ---- sessions --------------------------------------------------------------------------------

/// The key a session is stored under: SHA-256 of its token, hex. Tokens are never stored.
pub fn token_hash(token: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn session_index(agent: AgentId, hash: &str) -> String {
    format!("{}/{hash}", agent_key(agent))
}

/// Stores a session under its token's hash (see `token_hash`).
pub fn put_session(tx: &WriteTransaction, hash: &str, s: &Session) -> StoreResult<()> {
    put(tx, tables::SESSIONS, hash, s)?;
    tx.open_table(tables::SESSIONS_BY_AGENT)?
        .insert(session_index(s.agent_id, hash).as_str(), [].as_slice())?;
    Ok(())
}

/// Removes a session; returns it when there was one.
pub fn delete_session(tx: &WriteTransaction, hash: &str) -> StoreResult<Option<Session>> {
    let s: Option<Session> = get_w(tx, tables::SESSIONS, hash)?;
    if let Some(s) = &s {
        tx.open_table(tables::SESSIONS)?.remove(hash)?;
        tx.open_table(tables::SESSIONS_BY_AGENT)?
            .remove(session_index(s.agent_id, hash).as_str())?;
    }
    Ok(s)
}

/// Removes every session of `agent` but `keep`; returns the hashes removed.
pub fn delete_sessions_of(
    tx: &WriteTransaction,
    agent: AgentId,
    keep: Option<&str>,
) -> StoreResult<Vec<String>> {
    let prefix = format!("{}/", agent_key(agent));
    let hashes: Vec<String> = {
        let t = tx.open_table(tables::SESSIONS_BY_AGENT)?;
        let mut out = Vec::new();
        for row in t.range(prefix.as_str()..)? {
            let (k, _) = row?;
            let Some(h) = k.value().strip_prefix(&prefix).map(str::to_string) else {
                break;
            };
            out.push(h);
        }
        out
    };
    let mut gone = Vec::new();
    for h in hashes {
        if Some(h.as_str()) != keep {
            delete_session(tx, &h)?;
            gone.push(h);
        }
    }
    Ok(gone)
}

/// Moves sessions stored under their plain token (before tokens were hashed) to their hash,
/// indexed by agent. Runs when the store opens; does nothing once they are moved.
pub fn hash_plain_sessions(tx: &WriteTransaction) -> StoreResult<usize> {
    let plain: Vec<(String, Session)> = {
        let t = tx.open_table(tables::SESSIONS_PLAIN)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            out.push((k.value().to_string(), super::dec(v.value())?));
        }
        out
    };
    for (token, s) in &plain {
        put_session(tx, &token_hash(token), s)?;
        tx.open_table(tables::SESSIONS_PLAIN)?
            .remove(token.as_str())?;
    }
    Ok(plain.len())
}

// ---- consultations ---------------------------------------------------------------------------

/// Allocates the day's next ticket id and a call id, and stores the consultation under it.
pub fn create_consultation(
    tx: &WriteTransaction,
    c: &Consultation,
    local_day: NaiveDate,
) -> StoreResult<Consultation> {
    let seq = next_counter(tx, &ticket::counter_key(local_day))?;
    let mut c = c.clone();
    c.ticket_id = ticket::format(local_day, seq);
    c.call_id = next_counter(tx, "call")?;
    insert_consultation(tx, &c)?;
    Ok(c)
}

/// Stores a new consultation whose call id and ticket were numbered already (from blocks the
/// engine reserved), with its indexes.
pub fn insert_consultation(tx: &WriteTransaction, c: &Consultation) -> StoreResult<()> {
    insert_consultation_record(tx, c)?;
    super::index::reindex_consultation(tx, None, c)
}

/// Stores many new consultations in one transaction, their search postings written once per
/// term (the volume seed).
pub fn insert_consultations(tx: &WriteTransaction, items: &[Consultation]) -> StoreResult<()> {
    for c in items {
        insert_consultation_record(tx, c)?;
    }
    super::index::post_consultations(tx, items.iter())
}

/// The record and its indexes by brand, agent and customer (not the search postings).
fn insert_consultation_record(tx: &WriteTransaction, c: &Consultation) -> StoreResult<()> {
    let local_day = ticket::date_of(&c.ticket_id)
        .ok_or_else(|| StoreError::Codec(format!("bad ticket id {}", c.ticket_id)))?;
    put(tx, tables::CONSULTATIONS, &c.ticket_id, c)?;
    let idx = format!("{:010}/{}/{}", c.brand_id, day(local_day), c.ticket_id);
    tx.open_table(tables::CONS_BY_BRAND)?
        .insert(idx.as_str(), [].as_slice())?;
    index_agent(tx, c)?;
    index_customer(tx, c)?;
    Ok(())
}

/// The agent index's value: the consultation's channel and whether it ended, so an agent's
/// counts of the day (`consultation_counts_of_agent`) are read from the index alone. Entries
/// written before the tag was kept are empty (the record is read instead).
fn agent_tag(c: &Consultation) -> [u8; 2] {
    let channel = match c.channel {
        crate::domain::model::Channel::In => b'I',
        crate::domain::model::Channel::Out => b'O',
    };
    [channel, u8::from(c.ended_at.is_some())]
}

/// Indexes (or re-tags) a consultation under its agent and local day; none without an agent.
fn index_agent(tx: &WriteTransaction, c: &Consultation) -> StoreResult<()> {
    let Some(agent) = c.agent_id else {
        return Ok(());
    };
    let date = ticket::date_of(&c.ticket_id)
        .ok_or_else(|| StoreError::Codec(format!("bad ticket id {}", c.ticket_id)))?;
    let idx = format!("{}/{}/{}", agent_key(agent), day(date), c.ticket_id);
    tx.open_table(tables::CONS_BY_AGENT)?
        .insert(idx.as_str(), agent_tag(c).as_slice())?;
    Ok(())
}

/// Reads a consultation, lets `edit` change it, stores it. `edit` may refuse with `Refused`; a
/// missing consultation is a conflict (nothing to change).
pub fn update_consultation(
    tx: &WriteTransaction,
    ticket_id: &str,
    edit: impl Fn(&mut Consultation) -> StoreResult<()>,
) -> StoreResult<Consultation> {
    let mut c: Consultation = get_w(tx, tables::CONSULTATIONS, ticket_id)?.ok_or_else(|| {
        StoreError::refused(AppError::new(
            Code::Conflict,
            format!("상담 {ticket_id}이(가) 없습니다"),
        ))
    })?;
    let old = c.clone();
    let had_agent = c.agent_id;
    let had_customer = c.customer_id;
    edit(&mut c)?;
    put(tx, tables::CONSULTATIONS, ticket_id, &c)?;
    super::index::reindex_consultation(tx, Some(&old), &c)?;
    if c.agent_id.is_some() && (had_agent.is_none() || agent_tag(&old) != agent_tag(&c)) {
        index_agent(tx, &c)?;
    }
    if had_customer != c.customer_id {
        if let Some(old) = had_customer {
            let idx = format!("{}/{}", customer_key(c.brand_id, old), c.ticket_id);
            tx.open_table(tables::CONS_BY_CUSTOMER)?
                .remove(idx.as_str())?;
        }
        index_customer(tx, &c)?;
    }
    Ok(c)
}

// ---- note drafts ----------------------------------------------------------------------------

/// Keeps a note as typed. When the call's wrap-up has already ended (the draft raced the
/// wrap-up limit) or `held` is false (the agent no longer holds the call), the draft becomes the
/// note at once instead: what the agent typed is never left behind. Returns the consultation
/// when its note changed.
pub fn put_draft(
    tx: &WriteTransaction,
    d: &NoteDraft,
    held: bool,
) -> StoreResult<Option<Consultation>> {
    let c: Option<Consultation> = get_w(tx, tables::CONSULTATIONS, &d.ticket_id)?;
    let Some(c) = c else {
        return Err(StoreError::refused(AppError::not_found(format!(
            "상담 {}이(가) 없습니다",
            d.ticket_id
        ))));
    };
    if held && c.wrap_up_ended_at.is_none() {
        put(tx, tables::NOTE_DRAFTS, &d.ticket_id, d)?;
        return Ok(None);
    }
    put(tx, tables::NOTE_DRAFTS, &d.ticket_id, d)?;
    commit_draft(tx, &d.ticket_id)
}

/// Removes a consultation's draft (its note was saved).
pub fn drop_draft(tx: &WriteTransaction, ticket_id: &str) -> StoreResult<()> {
    tx.open_table(tables::NOTE_DRAFTS)?.remove(ticket_id)?;
    Ok(())
}

/// Turns a consultation's draft (if any) into its note and removes the draft, audited. A draft
/// older than the saved note, or equal to it, changes nothing. Returns the consultation when
/// its note changed.
pub fn commit_draft(tx: &WriteTransaction, ticket_id: &str) -> StoreResult<Option<Consultation>> {
    let Some(d) = get_w::<NoteDraft>(tx, tables::NOTE_DRAFTS, ticket_id)? else {
        return Ok(None);
    };
    drop_draft(tx, ticket_id)?;
    let c: Option<Consultation> = get_w(tx, tables::CONSULTATIONS, ticket_id)?;
    let Some(mut c) = c else {
        return Ok(None);
    };
    let same = c.category == d.category && c.result == d.result && c.content == d.content;
    if same || d.at < c.updated_at || c.agent_id != Some(d.agent_id) {
        return Ok(None);
    }
    c.category = d.category.clone();
    c.result = d.result.clone();
    c.content = d.content.clone();
    c.updated_at = d.at;
    c.updated_by = Some(d.agent_id);
    put(tx, tables::CONSULTATIONS, ticket_id, &c)?;
    audit(
        tx,
        &serde_json::json!({"at": d.at, "by": d.agent_id, "action": "consultation.note",
            "ticket": ticket_id, "from": "draft"}),
    )?;
    Ok(Some(c))
}

/// Commits every draft left over (at start-up no call is held any more). Returns how many
/// notes changed.
pub fn commit_all_drafts(tx: &WriteTransaction) -> StoreResult<usize> {
    let keys: Vec<String> = {
        let t = tx.open_table(tables::NOTE_DRAFTS)?;
        let mut keys = Vec::new();
        for row in t.iter()? {
            keys.push(row?.0.value().to_string());
        }
        keys
    };
    let mut n = 0;
    for k in keys {
        if commit_draft(tx, &k)?.is_some() {
            n += 1;
        }
    }
    Ok(n)
}

pub fn put_agent_day<T: Serialize>(
    tx: &WriteTransaction,
    agent: AgentId,
    date: NaiveDate,
    v: &T,
) -> StoreResult<()> {
    put(
        tx,
        tables::AGENT_DAYS,
        &format!("{}/{}", agent_key(agent), date.format("%Y-%m-%d")),
        v,
    )
}

/// Stores a brand's realtime snapshot already encoded as JSON (the floor encodes it on its own
/// thread, so the one writer only stores the bytes).
pub fn put_realtime_json(tx: &WriteTransaction, brand: BrandId, json: &[u8]) -> StoreResult<()> {
    tx.open_table(tables::REALTIME)?
        .insert(format!("brand/{brand}").as_str(), json)?;
    Ok(())
}

/// Appends an audit entry, keyed by its `at` (the engine's clock; now when it has none) so the
/// trail reads in time order and by time range.
pub fn audit(tx: &WriteTransaction, entry: &serde_json::Value) -> StoreResult<()> {
    let seq = next_counter(tx, "audit")?;
    let at = entry
        .get("at")
        .and_then(|v| v.as_str())
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now);
    let key = format!(
        "{}/{:010}",
        at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        seq
    );
    put(tx, tables::AUDIT, &key, entry)
}

/// Stores a floor notice under a new id (returned).
pub fn put_notice(tx: &WriteTransaction, n: &crate::domain::model::Notice) -> StoreResult<u64> {
    let id = next_counter(tx, "notice")?;
    let mut n = n.clone();
    n.id = id;
    put(
        tx,
        tables::NOTICES,
        &format!("{:010}/{id:020}", n.brand_id),
        &n,
    )?;
    Ok(id)
}

// ---- reads -----------------------------------------------------------------------------------

impl Store {
    pub fn is_empty(&self) -> StoreResult<bool> {
        self.read(|r| Ok(r.open_table(tables::BRANDS)?.first()?.is_none()))
    }

    pub fn brands(&self) -> StoreResult<Vec<Brand>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::BRANDS, "")?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    pub fn brand(&self, id: BrandId) -> StoreResult<Option<Brand>> {
        self.read(|r| get_r(r, tables::BRANDS, &format!("{id:010}")))
    }

    pub fn services(&self, brand: BrandId) -> StoreResult<Vec<Service>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::SERVICES, &format!("{brand:010}/"))?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    pub fn agent(&self, id: AgentId) -> StoreResult<Option<Agent>> {
        self.read(|r| get_r(r, tables::AGENTS, &agent_key(id)))
    }

    pub fn agent_by_login(&self, login: &str) -> StoreResult<Option<Agent>> {
        self.read(|r| {
            let Some(id) = get_r::<AgentId>(r, tables::LOGINS, &login.to_lowercase())? else {
                return Ok(None);
            };
            get_r(r, tables::AGENTS, &agent_key(id))
        })
    }

    pub fn agents(&self) -> StoreResult<Vec<Agent>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::AGENTS, "")?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    /// The session stored under a token's hash.
    pub fn session(&self, hash: &str) -> StoreResult<Option<Session>> {
        self.read(|r| get_r(r, tables::SESSIONS, hash))
    }

    /// Every session of one person: (token hash, session).
    pub fn sessions_of(&self, agent: AgentId) -> StoreResult<Vec<(String, Session)>> {
        self.read(|r| {
            let prefix = format!("{}/", agent_key(agent));
            let keys = keys_with_prefix(r, tables::SESSIONS_BY_AGENT, &prefix)?;
            let mut out = Vec::new();
            for k in keys {
                let h = k[prefix.len()..].to_string();
                if let Some(s) = get_r(r, tables::SESSIONS, &h)? {
                    out.push((h, s));
                }
            }
            Ok(out)
        })
    }

    pub fn consultation(&self, ticket_id: &str) -> StoreResult<Option<Consultation>> {
        self.read(|r| get_r(r, tables::CONSULTATIONS, ticket_id))
    }

    /// A consultation's unsaved note draft, if one is kept.
    pub fn draft(&self, ticket_id: &str) -> StoreResult<Option<NoteDraft>> {
        self.read(|r| get_r(r, tables::NOTE_DRAFTS, ticket_id))
    }

    /// An agent's consultations of one local day, newest first.
    pub fn consultations_of_agent(
        &self,
        agent: AgentId,
        date: NaiveDate,
    ) -> StoreResult<Vec<Consultation>> {
        self.read(|r| {
            let keys = keys_with_prefix(
                r,
                tables::CONS_BY_AGENT,
                &format!("{}/{}/", agent_key(agent), day(date)),
            )?;
            load_tickets(r, keys)
        })
    }

    /// An agent's ended consultations of one local day, counted (inbound, outbound) from the
    /// agent index's tags: no record is read unless its entry predates the tags. What a desk's
    /// 상담 현황 counts show after every change, so it must not cost a day's records.
    pub fn consultation_counts_of_agent(
        &self,
        agent: AgentId,
        date: NaiveDate,
    ) -> StoreResult<(u32, u32)> {
        self.read(|r| {
            let prefix = format!("{}/{}/", agent_key(agent), day(date));
            let index = r.open_table(tables::CONS_BY_AGENT)?;
            let records = r.open_table(tables::CONSULTATIONS)?;
            let (mut inbound, mut outbound) = (0u32, 0u32);
            for row in index.range(prefix.as_str()..)? {
                let (k, v) = row?;
                let key = k.value();
                if !key.starts_with(prefix.as_str()) {
                    break;
                }
                let tag = match v.value() {
                    [ch, ended] => [*ch, *ended],
                    _ => {
                        let ticket = key.rsplit('/').next().unwrap_or_default();
                        match records.get(ticket)? {
                            Some(rec) => agent_tag(&dec::<Consultation>(rec.value())?),
                            None => continue,
                        }
                    }
                };
                match tag {
                    [b'I', 1] => inbound += 1,
                    [b'O', 1] => outbound += 1,
                    _ => {}
                }
            }
            Ok((inbound, outbound))
        })
    }

    /// A brand's consultations of one local day, newest first.
    pub fn consultations_of_brand(
        &self,
        brand: BrandId,
        date: NaiveDate,
    ) -> StoreResult<Vec<Consultation>> {
        self.read(|r| {
            let keys = keys_with_prefix(
                r,
                tables::CONS_BY_BRAND,
                &format!("{brand:010}/{}/", day(date)),
            )?;
            load_tickets(r, keys)
        })
    }

    pub fn customer_by_phone(&self, brand: BrandId, phone: &str) -> StoreResult<Option<Customer>> {
        self.read(|r| {
            let Some(id) = get_r::<u64>(
                r,
                tables::CUSTOMERS_BY_PHONE,
                &format!("{brand:010}/{phone}"),
            )?
            else {
                return Ok(None);
            };
            get_r(r, tables::CUSTOMERS, &customer_key(brand, id))
        })
    }

    pub fn customer(&self, brand: BrandId, id: u64) -> StoreResult<Option<Customer>> {
        self.read(|r| get_r(r, tables::CUSTOMERS, &customer_key(brand, id)))
    }

    /// A customer's consultations by every agent, newest first.
    pub fn consultations_of_customer(
        &self,
        brand: BrandId,
        customer: u64,
    ) -> StoreResult<Vec<Consultation>> {
        self.read(|r| {
            let keys = keys_with_prefix(
                r,
                tables::CONS_BY_CUSTOMER,
                &format!("{}/", customer_key(brand, customer)),
            )?;
            load_tickets(r, keys)
        })
    }

    /// A page of a customer's consultations, newest first: at most `limit` older than the
    /// ticket `before` (from the newest when `None`), how many the customer has in all, and the
    /// ticket to ask `before` for the next page (`None` at the end). Reads the page's records
    /// only (and the keys, to count them).
    pub fn customer_history_page(
        &self,
        brand: BrandId,
        customer: u64,
        before: Option<&str>,
        limit: usize,
    ) -> StoreResult<(Vec<Consultation>, usize, Option<String>)> {
        let prefix = format!("{}/", customer_key(brand, customer));
        let end = format!("{}0", customer_key(brand, customer));
        self.read(|r| {
            let index = r.open_table(tables::CONS_BY_CUSTOMER)?;
            let total = index.range(prefix.as_str()..end.as_str())?.count();
            let upper = match before {
                Some(t) => format!("{prefix}{t}"),
                None => end.clone(),
            };
            let mut tickets = Vec::with_capacity(limit.min(total));
            let mut more = false;
            for row in index.range(prefix.as_str()..upper.as_str())?.rev() {
                let (k, _) = row?;
                if tickets.len() == limit {
                    more = true;
                    break;
                }
                tickets.push(k.value()[prefix.len()..].to_string());
            }
            let out: Vec<Consultation> = get_many(r, tables::CONSULTATIONS, &tickets)?
                .into_iter()
                .flatten()
                .collect();
            let next = if more {
                out.last().map(|c| c.ticket_id.clone())
            } else {
                None
            };
            Ok((out, total, next))
        })
    }

    /// A customer's 관리메모 history, newest first.
    pub fn customer_memos(&self, brand: BrandId, customer: u64) -> StoreResult<Vec<CustomerMemo>> {
        self.read(|r| {
            let mut v: Vec<CustomerMemo> = scan_prefix(
                r,
                tables::CUSTOMER_MEMOS,
                &format!("{}/", customer_key(brand, customer)),
            )?
            .into_iter()
            .map(|(_, m)| m)
            .collect();
            v.reverse();
            Ok(v)
        })
    }

    /// The brand's reservations scheduled in `[from, to)`, soonest first, through the time
    /// index (reads only those).
    pub fn reservations_between(
        &self,
        brand: BrandId,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
    ) -> StoreResult<Vec<crate::domain::reservation::Reservation>> {
        let lo = format!("{brand:010}/{:012}/", from.timestamp().max(0));
        let hi = format!("{brand:010}/{:012}/", to.timestamp().max(0));
        self.read(|r| {
            let index = r.open_table(tables::RESV_BY_TIME)?;
            let table = r.open_table(tables::RESERVATIONS)?;
            let mut out = Vec::new();
            for row in index.range(lo.as_str()..hi.as_str())? {
                let (k, _) = row?;
                let id = k.value().rsplit('/').next().unwrap_or_default();
                if let Some(v) = table.get(format!("{brand:010}/{id}").as_str())? {
                    out.push(dec(v.value())?);
                }
            }
            Ok(out)
        })
    }

    /// The brand's pending reservations (미처리), through their index: what desks' 예약 현황 and
    /// the rules about callbacks read, whatever the number of finished ones.
    pub fn pending_reservations(
        &self,
        brand: BrandId,
    ) -> StoreResult<Vec<crate::domain::reservation::Reservation>> {
        self.read(|r| {
            let keys = keys_with_prefix(r, tables::RESV_PENDING, &format!("{brand:010}/"))?;
            let table = r.open_table(tables::RESERVATIONS)?;
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                if let Some(v) = table.get(k.as_str())? {
                    out.push(dec(v.value())?);
                }
            }
            Ok(out)
        })
    }

    /// Every reservation of the brand, whatever its status (the managers' list of finished ones).
    pub fn reservations(
        &self,
        brand: BrandId,
    ) -> StoreResult<Vec<crate::domain::reservation::Reservation>> {
        self.read(|r| {
            Ok(
                scan_prefix(r, tables::RESERVATIONS, &format!("{brand:010}/"))?
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect(),
            )
        })
    }

    pub fn dnc_entry(
        &self,
        brand: BrandId,
        number: &str,
    ) -> StoreResult<Option<serde_json::Value>> {
        self.read(|r| get_r(r, tables::DNC, &format!("{brand:010}/{number}")))
    }

    pub fn dnc_list(&self, brand: BrandId) -> StoreResult<Vec<serde_json::Value>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::DNC, &format!("{brand:010}/"))?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    pub fn message(
        &self,
        brand: BrandId,
        id: u64,
    ) -> StoreResult<Option<crate::domain::message::Message>> {
        self.read(|r| get_r(r, tables::MESSAGES, &message_key(brand, id)))
    }

    /// Messages to a customer (by customer id) or to a number, newest first, at most `limit`.
    pub fn messages_of(
        &self,
        brand: BrandId,
        customer: Option<u64>,
        phone: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<crate::domain::message::Message>> {
        self.read(|r| {
            let mut ids: Vec<u64> = Vec::new();
            let tail_id = |k: &str| k.rsplit('/').next().and_then(|s| s.parse::<u64>().ok());
            if let Some(c) = customer {
                let p = format!("{}/", customer_key(brand, c));
                ids.extend(
                    keys_with_prefix(r, tables::MSG_BY_CUSTOMER, &p)?
                        .iter()
                        .filter_map(|k| tail_id(k)),
                );
            }
            if let Some(p) = phone {
                let p = format!("{brand:010}/{p}/");
                ids.extend(
                    keys_with_prefix(r, tables::MSG_BY_PHONE, &p)?
                        .iter()
                        .filter_map(|k| tail_id(k)),
                );
            }
            ids.sort_unstable_by(|a, b| b.cmp(a));
            ids.dedup();
            ids.truncate(limit);
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(m) = get_r(r, tables::MESSAGES, &message_key(brand, id))? {
                    out.push(m);
                }
            }
            Ok(out)
        })
    }

    /// Every message accepted but not yet answered by the provider (all brands), oldest first.
    pub fn outbox(&self) -> StoreResult<Vec<crate::domain::message::Message>> {
        self.read(|r| {
            let keys = keys_with_prefix(r, tables::MSG_OUTBOX, "")?;
            let mut out = Vec::with_capacity(keys.len());
            for k in keys {
                if let Some(m) = get_r(r, tables::MESSAGES, &k)? {
                    out.push(m);
                }
            }
            Ok(out)
        })
    }

    pub fn alimtalk_template(
        &self,
        brand: BrandId,
        code: &str,
    ) -> StoreResult<Option<crate::domain::message::AlimtalkTemplate>> {
        self.read(|r| get_r(r, tables::ALIMTALK_TEMPLATES, &alimtalk_key(brand, code)))
    }

    pub fn alimtalk_templates(
        &self,
        brand: BrandId,
    ) -> StoreResult<Vec<crate::domain::message::AlimtalkTemplate>> {
        self.read(|r| {
            Ok(
                scan_prefix(r, tables::ALIMTALK_TEMPLATES, &format!("{brand:010}/"))?
                    .into_iter()
                    .map(|(_, v)| v)
                    .collect(),
            )
        })
    }

    pub fn template(&self, brand: BrandId, id: u64) -> StoreResult<Option<Template>> {
        self.read(|r| get_r(r, tables::TEMPLATES, &format!("{brand:010}/{id:020}")))
    }

    pub fn templates(&self) -> StoreResult<Vec<Template>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::TEMPLATES, "")?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    pub fn customers(&self, brand: BrandId) -> StoreResult<Vec<Customer>> {
        self.read(|r| {
            Ok(scan_prefix(r, tables::CUSTOMERS, &format!("{brand:010}/"))?
                .into_iter()
                .map(|(_, v)| v)
                .collect())
        })
    }

    pub fn realtime<T: DeserializeOwned>(&self, brand: BrandId) -> StoreResult<Option<T>> {
        self.read(|r| get_r(r, tables::REALTIME, &format!("brand/{brand}")))
    }

    pub fn agent_day<T: DeserializeOwned>(
        &self,
        agent: AgentId,
        date: NaiveDate,
    ) -> StoreResult<Option<T>> {
        self.read(|r| {
            get_r(
                r,
                tables::AGENT_DAYS,
                &format!("{}/{}", agent_key(agent), date.format("%Y-%m-%d")),
            )
        })
    }

    pub fn counter(&self, name: &str) -> StoreResult<u64> {
        self.read(|r| {
            Ok(r.open_table(tables::COUNTERS)?
                .get(name)?
                .map(|g| g.value())
                .unwrap_or(0))
        })
    }

    pub fn audit_len(&self) -> StoreResult<u64> {
        self.read(|r| Ok(r.open_table(tables::AUDIT)?.len()?))
    }

    /// Audit entries from `from` (inclusive) to `to` (exclusive), oldest first, at most `max`
    /// of them, each with `keep` deciding whether it is wanted.
    /// A brand's floor notices posted at or after `since`, newest first, at most `max`.
    pub fn notices(
        &self,
        brand: BrandId,
        since: chrono::DateTime<chrono::Utc>,
        max: usize,
    ) -> StoreResult<Vec<crate::domain::model::Notice>> {
        self.read(|r| {
            let t = r.open_table(tables::NOTICES)?;
            let (a, b) = (format!("{brand:010}/"), format!("{brand:010}0"));
            let mut out = Vec::new();
            for row in t.range(a.as_str()..b.as_str())?.rev() {
                let (_, v) = row?;
                let n: crate::domain::model::Notice = dec(v.value())?;
                if n.at < since || out.len() >= max {
                    break;
                }
                out.push(n);
            }
            Ok(out)
        })
    }

    pub fn audit_entries(
        &self,
        from: chrono::DateTime<chrono::Utc>,
        to: chrono::DateTime<chrono::Utc>,
        max: usize,
        keep: impl Fn(&serde_json::Value) -> bool,
    ) -> StoreResult<Vec<serde_json::Value>> {
        let key = |t: chrono::DateTime<chrono::Utc>| {
            t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        };
        let (a, b) = (key(from), key(to));
        self.read(|r| {
            let t = r.open_table(tables::AUDIT)?;
            let mut out = Vec::new();
            for row in t.range(a.as_str()..b.as_str())? {
                let (_, v) = row?;
                let v: serde_json::Value = dec(v.value())?;
                if keep(&v) {
                    out.push(v);
                    if out.len() >= max {
                        break;
                    }
                }
            }
            Ok(out)
        })
    }
}

pub(super) fn load_tickets(
    r: &ReadTransaction,
    keys: Vec<String>,
) -> StoreResult<Vec<Consultation>> {
    let table = r.open_table(tables::CONSULTATIONS)?;
    let mut out = Vec::with_capacity(keys.len());
    for k in keys.iter().rev() {
        let ticket = k.rsplit('/').next().unwrap_or_default();
        if let Some(v) = table.get(ticket)? {
            out.push(dec(v.value())?);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::{CallOutcome, Channel};
    use chrono::Utc;

    fn sample() -> Consultation {
        Consultation {
            ticket_id: String::new(),
            brand_id: 1,
            call_id: 1,
            channel: Channel::In,
            service: "main".into(),
            service_name: "대표번호".into(),
            number: "01012345678".into(),
            external_id: None,
            agent_id: None,
            agent_name: None,
            customer_id: None,
            arrived_at: Utc::now(),
            offered_at: None,
            answered_at: None,
            ended_at: None,
            wrap_up_ended_at: None,
            wait_s: 0,
            talk_s: 0,
            wrap_up_s: 0,
            outcome: CallOutcome::Live,
            category: None,
            result: None,
            content: String::new(),
            updated_at: Utc::now(),
            updated_by: None,
            reservation_id: None,
            hold_s: 0,
            transferred_from: None,
            transferred_to: None,
        }
    }

    /// The desk's 상담 현황 counts come from the agent index's tags: they follow a consultation
    /// being taken, ended and noted, match what the day's records say, and entries written
    /// before the tags (empty values) are counted from their records.
    #[test]
    fn an_agents_counts_of_the_day_come_from_the_index_and_follow_each_change() {
        let store = Store::in_memory().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let counts = |s: &Store| s.consultation_counts_of_agent(7, date).unwrap();
        let from_records = |s: &Store| {
            let all = s.consultations_of_agent(7, date).unwrap();
            let ended = |ch: Channel| {
                all.iter()
                    .filter(|c| c.ended_at.is_some() && c.channel == ch)
                    .count() as u32
            };
            (ended(Channel::In), ended(Channel::Out))
        };
        let create = |s: &Store, c: Consultation| {
            s.write_blocking(move |tx| create_consultation(tx, &c, date))
                .unwrap()
        };
        let edit = |s: &Store, ticket: &str, change: fn(&mut Consultation)| {
            let t = ticket.to_string();
            s.write_blocking(move |tx| {
                update_consultation(tx, &t, |c| {
                    change(c);
                    Ok(())
                })
            })
            .unwrap();
        };
        // Taken by agent 7 while ringing (no agent at arrival), then ended.
        let waiting = create(&store, sample());
        edit(&store, &waiting.ticket_id, |c| c.agent_id = Some(7));
        assert_eq!(counts(&store), (0, 0), "live calls are not counted");
        edit(&store, &waiting.ticket_id, |c| {
            c.ended_at = Some(Utc::now())
        });
        assert_eq!(counts(&store), (1, 0));
        // An outbound call ended; another agent's call and a live one do not count.
        let mut out = sample();
        out.channel = Channel::Out;
        out.agent_id = Some(7);
        out.ended_at = Some(Utc::now());
        create(&store, out);
        let mut other = sample();
        other.agent_id = Some(8);
        other.ended_at = Some(Utc::now());
        create(&store, other);
        let mut live = sample();
        live.agent_id = Some(7);
        let live = create(&store, live);
        // A note saved on the ended inbound call changes no count.
        edit(&store, &waiting.ticket_id, |c| {
            c.content = "배송 문의".into()
        });
        assert_eq!(counts(&store), (1, 1));
        assert_eq!(counts(&store), from_records(&store));
        // An entry from before the tags: empty value, counted from its record once it ends.
        let key = format!("{}/{}/{}", agent_key(7), day(date), live.ticket_id);
        let t = live.ticket_id.clone();
        store
            .write_blocking(move |tx| {
                let mut c: Consultation = get_w(tx, tables::CONSULTATIONS, &t)?.unwrap();
                c.ended_at = Some(Utc::now());
                put(tx, tables::CONSULTATIONS, &t, &c)?;
                tx.open_table(tables::CONS_BY_AGENT)?
                    .insert(key.as_str(), [].as_slice())?;
                Ok(())
            })
            .unwrap();
        assert_eq!(counts(&store), (2, 1));
        assert_eq!(counts(&store), from_records(&store));
    }

    #[test]
    fn sessions_stored_under_plain_tokens_move_to_their_hash_with_an_index() {
        let store = Store::in_memory().unwrap();
        let s = Session {
            agent_id: 7,
            created_at: Utc::now(),
            last_seen_at: None,
            client: None,
        };
        let s2 = s.clone();
        store
            .write_blocking(move |tx| put(tx, tables::SESSIONS_PLAIN, "plain-token", &s2))
            .unwrap();
        let moved = store.write_blocking(hash_plain_sessions).unwrap();
        assert_eq!(moved, 1);
        assert_eq!(store.session(&token_hash("plain-token")).unwrap(), Some(s));
        assert!(store.session("plain-token").unwrap().is_none());
        assert_eq!(store.sessions_of(7).unwrap().len(), 1);
        assert_eq!(store.write_blocking(hash_plain_sessions).unwrap(), 0);
        let gone = store
            .write_blocking(|tx| delete_sessions_of(tx, 7, None))
            .unwrap();
        assert_eq!(gone, vec![token_hash("plain-token")]);
        assert!(store.sessions_of(7).unwrap().is_empty());
    }

    #[actix::test]
    async fn concurrent_writes_share_batches_and_each_gets_its_own_ticket() {
        let store = Store::in_memory().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut futs = Vec::new();
        for _ in 0..50 {
            let s = store.clone();
            let c = sample();
            futs.push(async move { s.write(move |tx| create_consultation(tx, &c, date)).await });
        }
        let mut ids: Vec<String> = futures_util::future::join_all(futs)
            .await
            .into_iter()
            .map(|r| r.unwrap().ticket_id)
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 50);
        assert_eq!(ids[0], "T20261123-000001");
        assert_eq!(store.counter("ticket/20261123").unwrap(), 50);
        assert_eq!(store.consultations_of_brand(1, date).unwrap().len(), 50);
    }

    #[actix::test]
    async fn a_failing_write_fails_alone_and_the_rest_of_its_batch_lands() {
        let store = Store::in_memory().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let s1 = store.clone();
        let c = sample();
        let good = async move { s1.write(move |tx| create_consultation(tx, &c, date)).await };
        let s2 = store.clone();
        let bad = async move {
            s2.write(|tx| update_consultation(tx, "T19990101-000001", |_| Ok(())))
                .await
        };
        let (g, b) = futures_util::join!(good, bad);
        assert!(g.is_ok());
        assert!(matches!(b, Err(StoreError::Refused(_))));
        assert_eq!(store.consultations_of_brand(1, date).unwrap().len(), 1);
    }

    #[actix::test]
    async fn assigning_an_agent_indexes_the_consultation_under_that_agent() {
        let store = Store::in_memory().unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let c = sample();
        let made = store
            .write(move |tx| create_consultation(tx, &c, date))
            .await
            .unwrap();
        let t = made.ticket_id.clone();
        store
            .write(move |tx| {
                update_consultation(tx, &t, |c| {
                    c.agent_id = Some(7);
                    Ok(())
                })
            })
            .await
            .unwrap();
        let mine = store.consultations_of_agent(7, date).unwrap();
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].ticket_id, made.ticket_id);
        assert!(store.consultations_of_agent(8, date).unwrap().is_empty());
    }

    #[test]
    fn a_login_cannot_belong_to_two_agents() {
        let store = Store::in_memory().unwrap();
        let mk = |id| Agent {
            id,
            brand_id: 1,
            login: "Agent01".into(),
            name: "김".into(),
            extension: "2001".into(),
            role: crate::domain::model::Role::Agent,
            services: vec![],
            password_hash: String::new(),
            full_view: false,
            active: true,
        };
        let a = mk(1);
        store.write_blocking(move |tx| put_agent(tx, &a)).unwrap();
        let b = mk(2);
        assert!(store.write_blocking(move |tx| put_agent(tx, &b)).is_err());
        assert_eq!(store.agent_by_login("agent01").unwrap().unwrap().id, 1);
    }
}
