//! 보존 기간 (retention): once an hour (first a minute after start), for every brand with a
//! retention set (`Brand::retention`), what is older than it is taken out of the records — a
//! consultation's note (`notesDays`), a consultation's number and customer link (`callsDays`),
//! a message's number, text and customer (`messagesDays`), and with the call records a finished
//! reservation's number, name and memo. The records themselves stay, so the
//! day's counts, reports and statistics never change. Each sweep that changed something is
//! audited (`retention.run`, with the counts).
//!
//! Cost at a year's volume: consultations are found day by day through
//! `consultations-by-brand-0`, messages in id order (ids are handed out in time order); how far
//! each kind has been swept is kept in counters (`retention/<brand>/notes|calls|messages`), so a
//! sweep only reads what has come of age since the last one. The work runs on a blocking thread
//! and writes `BATCH` records per transaction, so calls and notes keep being written between
//! its batches (the store's writer is never held for long).

use super::Engine;
use crate::domain::ledger::{local_date, start_of_day};
use crate::domain::message::{Message, MessageStatus};
use crate::domain::model::{Brand, CallOutcome, Consultation};
use crate::domain::reservation::ResvStatus;
use crate::store::{self, tables, Store, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use std::time::Duration;

/// How often the sweep runs.
pub const EVERY: Duration = Duration::from_secs(3600);
/// Records changed per write transaction.
const BATCH: usize = 200;

/// What one sweep of a brand changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Swept {
    /// Notes cleared.
    pub notes: u64,
    /// Consultations whose number and customer link were removed.
    pub calls: u64,
    /// Messages emptied.
    pub messages: u64,
    /// Finished reservations whose number, name and memo were removed.
    pub reservations: u64,
}

impl Swept {
    fn any(&self) -> bool {
        self.notes + self.calls + self.messages + self.reservations > 0
    }
}

/// Runs the sweep every `EVERY`, off the actors and HTTP workers.
pub fn start(engine: Engine) {
    actix::spawn(async move {
        let first = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut tick = tokio::time::interval_at(first, EVERY);
        loop {
            tick.tick().await;
            let e = engine.clone();
            if let Err(err) = actix_web::rt::task::spawn_blocking(move || e.sweep_retention()).await
            {
                tracing::warn!(error = %err, "retention sweep stopped");
            }
        }
    });
}

impl Engine {
    /// Sweeps every brand with a retention set (see the module comment); returns what changed
    /// per brand. Blocking: run it on a blocking thread.
    pub fn sweep_retention(&self) -> Vec<(crate::domain::model::BrandId, Swept)> {
        let brands: Vec<Brand> = self
            .registry
            .brands
            .iter()
            .map(|b| (*b.brand).clone())
            .filter(|b| b.retention.any())
            .collect();
        let mut out = Vec::new();
        for b in brands {
            match sweep_brand(&self.store, &b, self.now()) {
                Ok(s) => {
                    if s.any() {
                        let (now, id) = (self.now(), b.id);
                        let _ = self.store.write_blocking(move |tx| {
                            store::audit(
                                tx,
                                &serde_json::json!({"at": now, "action": "retention.run",
                                    "brand": id, "swept": s}),
                            )
                        });
                        tracing::info!(brand = b.id, ?s, "retention sweep");
                    }
                    out.push((b.id, s));
                }
                Err(e) => tracing::warn!(brand = b.id, error = %e, "retention sweep failed"),
            }
        }
        out
    }
}

fn ymd(d: NaiveDate) -> u64 {
    d.format("%Y%m%d").to_string().parse().unwrap_or(0)
}

fn counter(s: &Store, name: &str) -> StoreResult<u64> {
    s.read(|r| {
        Ok(r.open_table(tables::COUNTERS)?
            .get(name)?
            .map(|g| g.value())
            .unwrap_or(0))
    })
}

fn set_counter(tx: &redb::WriteTransaction, name: &str, v: u64) -> StoreResult<()> {
    tx.open_table(tables::COUNTERS)?.insert(name, v)?;
    Ok(())
}

/// Sweeps one brand as of `now`.
pub fn sweep_brand(s: &Store, b: &Brand, now: DateTime<Utc>) -> StoreResult<Swept> {
    let mut swept = Swept::default();
    let today = local_date(now, b.tz());
    // Kept N days: what is older than today − N goes (the last day kept is today − N).
    let last_gone =
        |days: Option<u32>| days.map(|d| today - chrono::Duration::days(i64::from(d) + 1));
    sweep_consultations(
        s,
        b.id,
        last_gone(b.retention.notes_days),
        last_gone(b.retention.calls_days),
        &mut swept,
    )?;
    if let Some(d) = b.retention.messages_days {
        let before = start_of_day(today - chrono::Duration::days(i64::from(d)), b.tz());
        sweep_messages(s, b.id, before, &mut swept)?;
    }
    if let Some(d) = b.retention.calls_days {
        let before = start_of_day(today - chrono::Duration::days(i64::from(d)), b.tz());
        sweep_reservations(s, b.id, before, &mut swept)?;
    }
    Ok(swept)
}

/// Finished reservations (done, failed, cancelled) scheduled before `before` lose their number,
/// customer name and link, and memo — with the call records (`callsDays`). Read in time order
/// through `reservations-by-time-0`; a pending one is left as it is (it is still work).
fn sweep_reservations(
    s: &Store,
    brand: crate::domain::model::BrandId,
    before: DateTime<Utc>,
    swept: &mut Swept,
) -> StoreResult<()> {
    let k = format!("retention/{brand}/reservations");
    let from = chrono::DateTime::from_timestamp(counter(s, &k)? as i64, 0).unwrap_or_default();
    if from >= before {
        return Ok(());
    }
    let rows = s.reservations_between(brand, from, before)?;
    for batch in rows.chunks(BATCH) {
        let ids: Vec<u64> = batch
            .iter()
            .filter(|r| {
                r.status != ResvStatus::Pending
                    && (!r.number.is_empty() || r.customer_name.is_some() || !r.memo.is_empty())
            })
            .map(|r| r.id)
            .collect();
        let n = ids.len() as u64;
        if n > 0 {
            s.write_blocking(move |tx| {
                for id in &ids {
                    store::update_reservation(tx, brand, *id, |r| {
                        if r.status != ResvStatus::Pending {
                            r.number.clear();
                            r.customer_name = None;
                            r.customer_id = None;
                            r.memo.clear();
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        swept.reservations += n;
    }
    let k2 = k.clone();
    let upto = before.timestamp().max(0) as u64;
    s.write_blocking(move |tx| set_counter(tx, &k2, upto))?;
    Ok(())
}

fn sweep_consultations(
    s: &Store,
    brand: crate::domain::model::BrandId,
    notes_until: Option<NaiveDate>,
    calls_until: Option<NaiveDate>,
    swept: &mut Swept,
) -> StoreResult<()> {
    let Some(until) = notes_until.max(calls_until) else {
        return Ok(());
    };
    let (kn, kc) = (
        format!("retention/{brand}/notes"),
        format!("retention/{brand}/calls"),
    );
    let (done_n, done_c) = (counter(s, &kn)?, counter(s, &kc)?);
    let prefix = format!("{brand:010}/");
    // The first day to look at: the day after the least-advanced kind, or the brand's first day.
    let from = [(notes_until, done_n), (calls_until, done_c)]
        .iter()
        .filter(|(u, _)| u.is_some())
        .map(|(_, d)| *d)
        .min()
        .unwrap_or(0);
    let Some(mut day) = day_with_consultations(s, &prefix, &format!("{:08}", from + 1))? else {
        return Ok(());
    };
    while day <= until {
        let d = ymd(day);
        let notes = notes_until.is_some_and(|u| day <= u) && d > done_n;
        let calls = calls_until.is_some_and(|u| day <= u) && d > done_c;
        if notes || calls {
            let tickets: Vec<String> = s.read(|r| {
                let t = r.open_table(tables::CONS_BY_BRAND)?;
                let p = format!("{prefix}{d}/");
                let mut out = Vec::new();
                for row in t.range(p.as_str()..)? {
                    let (k, _) = row?;
                    match k.value().strip_prefix(p.as_str()) {
                        Some(ticket) => out.push(ticket.to_string()),
                        None => break,
                    }
                }
                Ok(out)
            })?;
            let batches: Vec<Vec<String>> = tickets.chunks(BATCH).map(<[String]>::to_vec).collect();
            let n = batches.len();
            for (i, batch) in batches.into_iter().enumerate() {
                let last = i + 1 == n;
                let (kn, kc) = (kn.clone(), kc.clone());
                let (cn, cc) = s.write_blocking(move |tx| {
                    let (mut cn, mut cc) = (0u64, 0u64);
                    for t in &batch {
                        let Some(c) = store::get_w::<Consultation>(tx, tables::CONSULTATIONS, t)?
                        else {
                            continue;
                        };
                        if c.outcome == CallOutcome::Live {
                            continue;
                        }
                        let note = notes && !c.content.is_empty();
                        let call = calls && (!c.number.is_empty() || c.customer_id.is_some());
                        if !note && !call {
                            continue;
                        }
                        store::update_consultation(tx, t, |c| {
                            if note {
                                c.content.clear();
                            }
                            if call {
                                c.number.clear();
                                c.customer_id = None;
                            }
                            Ok(())
                        })?;
                        cn += u64::from(note);
                        cc += u64::from(call);
                    }
                    if last {
                        if notes {
                            set_counter(tx, &kn, d)?;
                        }
                        if calls {
                            set_counter(tx, &kc, d)?;
                        }
                    }
                    Ok((cn, cc))
                })?;
                swept.notes += cn;
                swept.calls += cc;
            }
        }
        // The next day that has consultations.
        match day_with_consultations(s, &prefix, &format!("{}0", ymd(day)))? {
            Some(n) if n > day => day = n,
            _ => break,
        }
    }
    // Days with nothing on them count as swept too.
    s.write_blocking(move |tx| {
        if let Some(u) = notes_until {
            set_counter(tx, &kn, ymd(u).max(done_n))?;
        }
        if let Some(u) = calls_until {
            set_counter(tx, &kc, ymd(u).max(done_c))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The first day at or after `from` (a key fragment after the brand's prefix) on which the
/// brand has consultations.
fn day_with_consultations(s: &Store, prefix: &str, from: &str) -> StoreResult<Option<NaiveDate>> {
    s.read(|r| {
        let t = r.open_table(tables::CONS_BY_BRAND)?;
        let start = format!("{prefix}{from}");
        let row = t.range(start.as_str()..)?.next().transpose()?;
        Ok(row.and_then(|(k, _)| {
            k.value()
                .strip_prefix(prefix)
                .and_then(|rest| NaiveDate::parse_from_str(rest.get(..8)?, "%Y%m%d").ok())
        }))
    })
}

fn sweep_messages(
    s: &Store,
    brand: crate::domain::model::BrandId,
    before: DateTime<Utc>,
    swept: &mut Swept,
) -> StoreResult<()> {
    let k = format!("retention/{brand}/messages");
    loop {
        let done = counter(s, &k)?;
        // The next messages in id order (= time order) older than `before`; a queued one (not
        // yet handed to the carrier) stops the sweep until it is.
        let ids: Vec<u64> = s.read(|r| {
            let t = r.open_table(tables::MESSAGES)?;
            let from = format!("{brand:010}/{:020}", done + 1);
            let end = format!("{brand:010}0");
            let mut out = Vec::new();
            for row in t.range(from.as_str()..end.as_str())? {
                let (_, v) = row?;
                let m: Message = crate::store::dec(v.value())?;
                if m.created_at >= before || m.status == MessageStatus::Queued {
                    break;
                }
                out.push(m.id);
                if out.len() == BATCH {
                    break;
                }
            }
            Ok(out)
        })?;
        let Some(&last) = ids.last() else {
            return Ok(());
        };
        let k2 = k.clone();
        let n = s.write_blocking(move |tx| {
            let mut n = 0u64;
            for id in &ids {
                let key = format!("{brand:010}/{id:020}");
                let Some(mut m) = store::get_w::<Message>(tx, tables::MESSAGES, &key)? else {
                    continue;
                };
                if m.to.is_empty() && m.body.is_empty() {
                    continue;
                }
                store::pipa::unlink_message(tx, &mut m)?;
                m.body.clear();
                m.title = None;
                m.variables.clear();
                store::put(tx, tables::MESSAGES, &key, &m)?;
                n += 1;
            }
            set_counter(tx, &k2, last)?;
            Ok(n)
        })?;
        swept.messages += n;
    }
}
