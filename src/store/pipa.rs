//! A customer's personal data under PIPA (개인정보보호법): everything the brand holds on one
//! customer, found through the indexes (열람 요청: [`Store::customer_holdings`]), and its
//! erasure (삭제 요청: [`erase_customer`]).
//!
//! What belongs to a customer: their record and 관리메모; the consultations linked to them or
//! made from/to any of their numbers (consultations by customer, the number posting lists);
//! the messages to them or their numbers (messages by customer / by number); the reservations
//! for them or their numbers (no index by number: read off the hot threads before the erasure's
//! write, and the few made since checked inside it).
//!
//! Erasure keeps every record that a day's figures count — consultations, messages,
//! reservations stay, so reports and statistics do not change — and takes the person out of
//! them: the number and the link to the customer are removed, the customer's name and numbers
//! are blanked inside notes, message texts and memos; a pending reservation is cancelled and a
//! message not yet sent is not sent. The customer record, its numbers, its search terms and its
//! 관리메모 are deleted. The audit entry names the customer id and the counts, never the data.

use super::records::{customer_key, get_w, message_key, put, put_reservation};
use super::{dec, tables, Store, StoreError, StoreResult};
use crate::domain::message::{Message, MessageStatus};
use crate::domain::model::{BrandId, CallOutcome, Consultation, Customer, CustomerMemo};
use crate::domain::reservation::{Reservation, ResvStatus};
use crate::error::{AppError, Code};
use crate::search::postings;
use redb::{ReadableTable, WriteTransaction};
use serde::Serialize;
use std::collections::BTreeSet;

/// Everything held on one customer (열람 요청).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Holdings {
    pub customer: Customer,
    pub memos: Vec<CustomerMemo>,
    pub consultations: Vec<Consultation>,
    pub messages: Vec<Message>,
    pub reservations: Vec<Reservation>,
}

/// What an erasure changed.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Erased {
    pub consultations: usize,
    pub messages: usize,
    pub reservations: usize,
    pub memos: usize,
}

/// The reservations of a customer found before the erasure's write (off the hot threads), and
/// the highest reservation id that read saw: the write checks the ones made after it.
#[derive(Debug, Clone, Default)]
pub struct ReservationScan {
    pub ids: Vec<u64>,
    pub seen_max: u64,
}

/// The tickets of a customer's consultations: linked to them, or made with one of their numbers.
fn tickets_of(
    by_customer: &impl ReadableTable<&'static str, &'static [u8]>,
    postings_t: &impl ReadableTable<&'static [u8], &'static [u8]>,
    brand: BrandId,
    c: &Customer,
) -> StoreResult<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let prefix = format!("{}/", customer_key(brand, c.id));
    for row in by_customer.range(prefix.as_str()..)? {
        let (k, _) = row?;
        let Some(ticket) = k.value().strip_prefix(prefix.as_str()) else {
            break;
        };
        out.insert(ticket.to_string());
    }
    for phone in c.all_phones() {
        let p = postings::term_prefix(brand, postings::Dim::Number, &phone);
        let mut end = p.clone();
        end.push(0xFF);
        for row in postings_t.range(p.as_slice()..end.as_slice())? {
            let (_, v) = row?;
            out.extend(
                postings::decode(v.value())
                    .into_iter()
                    .map(postings::ticket_of),
            );
        }
    }
    Ok(out)
}

/// The ids of a customer's messages: to them, or to one of their numbers.
fn message_ids_of(
    by_customer: &impl ReadableTable<&'static str, &'static [u8]>,
    by_phone: &impl ReadableTable<&'static str, &'static [u8]>,
    brand: BrandId,
    c: &Customer,
) -> StoreResult<BTreeSet<u64>> {
    let mut out = BTreeSet::new();
    let mut prefixes = vec![(true, format!("{}/", customer_key(brand, c.id)))];
    for phone in c.all_phones() {
        prefixes.push((false, format!("{brand:010}/{phone}/")));
    }
    for (customer, prefix) in prefixes {
        let rows = if customer {
            by_customer.range(prefix.as_str()..)?
        } else {
            by_phone.range(prefix.as_str()..)?
        };
        for row in rows {
            let (k, _) = row?;
            let Some(id) = k.value().strip_prefix(prefix.as_str()) else {
                break;
            };
            if let Ok(id) = id.parse() {
                out.insert(id);
            }
        }
    }
    Ok(out)
}

/// Whether a reservation is the customer's.
fn reservation_of(r: &Reservation, c: &Customer, phones: &[String]) -> bool {
    r.customer_id == Some(c.id) || phones.contains(&r.number)
}

impl Store {
    /// Everything the brand holds on a customer (열람 요청); `None` when there is no such
    /// customer. Reads the brand's reservations whole (there is no index by number): call it off
    /// the hot threads.
    pub fn customer_holdings(&self, brand: BrandId, id: u64) -> StoreResult<Option<Holdings>> {
        self.read(|r| {
            let Some(customer) =
                super::records::get_r::<Customer>(r, tables::CUSTOMERS, &customer_key(brand, id))?
            else {
                return Ok(None);
            };
            let tickets = tickets_of(
                &r.open_table(tables::CONS_BY_CUSTOMER)?,
                &r.open_table(tables::CONS_POSTINGS)?,
                brand,
                &customer,
            )?;
            let tickets: Vec<String> = tickets.into_iter().rev().collect();
            let consultations: Vec<Consultation> =
                super::records::get_many(r, tables::CONSULTATIONS, &tickets)?
                    .into_iter()
                    .flatten()
                    .filter(|c: &Consultation| c.brand_id == brand)
                    .collect();
            let ids = message_ids_of(
                &r.open_table(tables::MSG_BY_CUSTOMER)?,
                &r.open_table(tables::MSG_BY_PHONE)?,
                brand,
                &customer,
            )?;
            let keys: Vec<String> = ids.iter().rev().map(|id| message_key(brand, *id)).collect();
            let messages: Vec<Message> = super::records::get_many(r, tables::MESSAGES, &keys)?
                .into_iter()
                .flatten()
                .collect();
            let memos: Vec<CustomerMemo> = super::records::scan_prefix(
                r,
                tables::CUSTOMER_MEMOS,
                &format!("{}/", customer_key(brand, id)),
            )?
            .into_iter()
            .map(|(_, m)| m)
            .collect();
            let phones = customer.all_phones();
            let mut reservations = Vec::new();
            let prefix = format!("{brand:010}/");
            for row in r
                .open_table(tables::RESERVATIONS)?
                .range(prefix.as_str()..)?
            {
                let (k, v) = row?;
                if !k.value().starts_with(prefix.as_str()) {
                    break;
                }
                let resv: Reservation = dec(v.value())?;
                if reservation_of(&resv, &customer, &phones) {
                    reservations.push(resv);
                }
            }
            reservations.reverse();
            Ok(Some(Holdings {
                customer,
                memos,
                consultations,
                messages,
                reservations,
            }))
        })
    }

    /// The customer's reservations as the erasure's write will find them (see
    /// [`ReservationScan`]): a read of the brand's reservations, off the hot threads.
    pub fn reservations_to_erase(&self, brand: BrandId, id: u64) -> StoreResult<ReservationScan> {
        let Some(h) = self.customer_holdings(brand, id)? else {
            return Ok(ReservationScan::default());
        };
        let seen_max = self.read(|r| {
            let prefix = format!("{brand:010}/");
            let end = format!("{brand:010}0");
            let last = r
                .open_table(tables::RESERVATIONS)?
                .range(prefix.as_str()..end.as_str())?
                .next_back()
                .transpose()?
                .and_then(|(k, _)| k.value()[prefix.len()..].parse().ok());
            Ok(last.unwrap_or(0))
        })?;
        Ok(ReservationScan {
            ids: h.reservations.iter().map(|r| r.id).collect(),
            seen_max,
        })
    }
}

/// The customer's name and numbers blanked inside a text someone typed.
struct Scrubber {
    needles: Vec<String>,
}

impl Scrubber {
    fn new(c: &Customer) -> Scrubber {
        let mut needles = Vec::new();
        // A one-letter name would blank that letter everywhere: names of two letters or more.
        if c.name.trim().chars().count() >= 2 {
            needles.push(c.name.trim().to_string());
        }
        for p in c.all_phones() {
            if let Ok(ph) = crate::domain::phone::Phone::parse(&p) {
                needles.push(ph.display());
            }
            needles.push(p);
        }
        if let Some(e) = c.email.as_deref().filter(|e| !e.is_empty()) {
            needles.push(e.to_string());
        }
        // Longer first: 010-1234-5678 before 01012345678's parts.
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Scrubber { needles }
    }

    fn scrub(&self, text: &str) -> String {
        let mut s = text.to_string();
        for n in &self.needles {
            if s.contains(n.as_str()) {
                s = s.replace(n.as_str(), "○○○");
            }
        }
        s
    }
}

/// Takes a message's number and customer out of it and out of its indexes (the caller stores it).
pub fn unlink_message(tx: &WriteTransaction, m: &mut Message) -> StoreResult<()> {
    let brand = m.brand_id;
    tx.open_table(tables::MSG_BY_PHONE)?
        .remove(format!("{brand:010}/{}/{:020}", m.to, m.id).as_str())?;
    if let Some(c) = m.customer_id {
        tx.open_table(tables::MSG_BY_CUSTOMER)?
            .remove(format!("{}/{:020}", customer_key(brand, c), m.id).as_str())?;
    }
    m.to = String::new();
    m.customer_id = None;
    Ok(())
}

/// Erases a customer (삭제 요청) inside one write: see the module comment. Refused while one of
/// their calls is live (its consultation is still being written) and for an unknown customer.
pub fn erase_customer(
    tx: &WriteTransaction,
    brand: BrandId,
    id: u64,
    scan: &ReservationScan,
) -> StoreResult<Erased> {
    let key = customer_key(brand, id);
    let customer: Customer = get_w(tx, tables::CUSTOMERS, &key)?.ok_or_else(|| {
        StoreError::refused(AppError::not_found(format!("고객 {id}이(가) 없습니다")))
    })?;
    let phones = customer.all_phones();
    let scrub = Scrubber::new(&customer);
    let mut done = Erased::default();

    // Consultations: no number, no customer, the name and numbers out of the note.
    let tickets = tickets_of(
        &tx.open_table(tables::CONS_BY_CUSTOMER)?,
        &tx.open_table(tables::CONS_POSTINGS)?,
        brand,
        &customer,
    )?;
    for t in &tickets {
        let Some(c) = get_w::<Consultation>(tx, tables::CONSULTATIONS, t)? else {
            continue;
        };
        if c.brand_id != brand {
            continue;
        }
        if c.outcome == CallOutcome::Live {
            return Err(StoreError::refused(AppError::new(
                Code::Conflict,
                "이 고객과 통화 중입니다. 통화가 끝난 뒤 삭제하세요".to_string(),
            )));
        }
        super::records::update_consultation(tx, t, |c| {
            c.number = String::new();
            c.customer_id = None;
            c.content = scrub.scrub(&c.content);
            Ok(())
        })?;
        done.consultations += 1;
    }

    // Messages: no number, no customer, texts scrubbed, an unsent one not sent.
    let ids = message_ids_of(
        &tx.open_table(tables::MSG_BY_CUSTOMER)?,
        &tx.open_table(tables::MSG_BY_PHONE)?,
        brand,
        &customer,
    )?;
    for mid in ids {
        let mk = message_key(brand, mid);
        let Some(mut m) = get_w::<Message>(tx, tables::MESSAGES, &mk)? else {
            continue;
        };
        unlink_message(tx, &mut m)?;
        if tx
            .open_table(tables::MSG_OUTBOX)?
            .remove(mk.as_str())?
            .is_some()
        {
            m.status = MessageStatus::Failed;
            m.reason = Some("삭제 요청으로 보내지 않음".into());
        }
        m.body = scrub.scrub(&m.body);
        m.title = m.title.as_deref().map(|t| scrub.scrub(t));
        for v in m.variables.values_mut() {
            *v = scrub.scrub(v);
        }
        put(tx, tables::MESSAGES, &mk, &m)?;
        done.messages += 1;
    }

    // Reservations: the ones read before, and any made since.
    let mut resv_ids: BTreeSet<u64> = scan.ids.iter().copied().collect();
    {
        let from = format!("{brand:010}/{:020}", scan.seen_max + 1);
        let end = format!("{brand:010}0");
        for row in tx
            .open_table(tables::RESERVATIONS)?
            .range(from.as_str()..end.as_str())?
        {
            let (_, v) = row?;
            let r: Reservation = dec(v.value())?;
            if reservation_of(&r, &customer, &phones) {
                resv_ids.insert(r.id);
            }
        }
    }
    for rid in resv_ids {
        let rk = format!("{brand:010}/{rid:020}");
        let Some(mut r) = get_w::<Reservation>(tx, tables::RESERVATIONS, &rk)? else {
            continue;
        };
        if !reservation_of(&r, &customer, &phones) {
            continue;
        }
        r.number = String::new();
        r.customer_name = None;
        r.customer_id = None;
        r.memo = scrub.scrub(&r.memo);
        if r.status == ResvStatus::Pending {
            r.status = ResvStatus::Cancelled;
        }
        put_reservation(tx, &r)?;
        done.reservations += 1;
    }

    // The record itself: its 관리메모, numbers, search terms, then the row.
    {
        let prefix = format!("{key}/");
        let mut memos = tx.open_table(tables::CUSTOMER_MEMOS)?;
        let keys: Vec<String> = memos
            .range(prefix.as_str()..)?
            .map_while(|row| {
                row.ok()
                    .map(|(k, _)| k.value().to_string())
                    .filter(|k| k.starts_with(prefix.as_str()))
            })
            .collect();
        for k in &keys {
            memos.remove(k.as_str())?;
        }
        done.memos = keys.len();
    }
    {
        let mut by_phone = tx.open_table(tables::CUSTOMERS_BY_PHONE)?;
        for p in &phones {
            by_phone.remove(format!("{brand:010}/{p}").as_str())?;
        }
    }
    super::index::reindex_customer(tx, Some(&customer), None)?;
    tx.open_table(tables::CUSTOMERS)?.remove(key.as_str())?;
    Ok(done)
}
