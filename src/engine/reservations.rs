//! Reservations on the engine: who sees which (owner, the service's team pool, a callback's
//! owner window), claiming one for a dial (never two agents at once), recording attempts,
//! completing it when the note of its call is saved, ARS callbacks, the do-not-call list, and
//! the `reservations` pushes.

use super::Engine;
use crate::domain::model::{AgentId, AgentPublic, BrandId, Consultation};
use crate::domain::reservation::{Attempt, Reservation, ResvRules, ResvStatus, ResvType};
use crate::error::{AppError, AppResult, Code};
use crate::protocol::{ReservationsView, ServerMsg};
use crate::store::{self, StoreError};
use chrono::Duration;
use std::sync::atomic::Ordering;

/// The most items a desk's 예약 현황 carries (soonest first); its counts are of all of them, and
/// the whole list is `GET /api/reservations`. A service pool of a 10,000-row import must not go
/// to every desk whole.
pub const VIEW_ITEMS: usize = 30;
/// How long a change waits for others before the brand's desks are told: a burst (an import, a
/// campaign's claims) makes one read and one view per desk.
pub const PUSH_DELAY: std::time::Duration = std::time::Duration::from_millis(200);

/// A hash of a `reservations` frame, to skip desks whose view did not change.
pub fn frame_hash(frame: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    frame.hash(&mut h);
    h.finish()
}

/// Pending reservations by who sees them (see `Engine::split`), each list soonest first, so a
/// desk's view is a merge of a few sorted lists' heads, not a sort of every pool it sees.
#[derive(Default)]
struct Split<'a> {
    owned: std::collections::HashMap<AgentId, Vec<&'a Reservation>>,
    pool: std::collections::HashMap<&'a str, Vec<&'a Reservation>>,
    /// Each pool's count per type (direct, bulk, callback), counted once per split.
    pool_counts: std::collections::HashMap<&'a str, [u32; 3]>,
}

/// A type's place in the per-type counts.
fn type_index(t: ResvType) -> usize {
    match t {
        ResvType::Direct => 0,
        ResvType::Bulk => 1,
        ResvType::Callback => 2,
    }
}

/// Soonest first (then by id).
fn soonest(r: &Reservation) -> (chrono::DateTime<chrono::Utc>, u64) {
    (r.scheduled_at, r.id)
}

/// PIPA masking of reservations: a reservation not held by `who` shows its number masked unless
/// `who` has full view. The one rule for the list, the summary and the socket frames.
pub fn masked_for(who: &AgentPublic, mut r: Reservation, holder: Option<AgentId>) -> Reservation {
    if holder != Some(who.id) && !who.sees_full() {
        r.number = crate::domain::phone::mask(&r.number);
    }
    r
}

impl Engine {
    pub fn resv_rules(&self, brand: BrandId) -> ResvRules {
        self.registry
            .brand(brand)
            .map(|b| ResvRules::of(&b.brand))
            .unwrap_or_default()
    }

    /// Whose 예약 현황 a reservation is in now: its owner, or `None` for the service's team pool
    /// (no owner, or a pending callback whose owner logged out or whose window passed).
    pub fn holder(&self, r: &Reservation, now: chrono::DateTime<chrono::Utc>) -> Option<AgentId> {
        if r.status != ResvStatus::Pending {
            return r.owner_id;
        }
        let owner_in = r.owner_id.is_some_and(|o| self.registry.logged_in(o));
        r.effective_owner(now, owner_in)
    }

    /// Whether `who` sees it among their own: theirs, or their services' pool.
    pub fn is_mine(
        &self,
        who: &AgentPublic,
        r: &Reservation,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        match self.holder(r, now) {
            Some(o) => o == who.id,
            None => who.services.contains(&r.service),
        }
    }

    /// The brand's pending reservations split once by who sees them in 예약 현황: an owner's
    /// own, or a service's team pool.
    fn split<'a>(&self, all: &'a [Reservation]) -> Split<'a> {
        let now = self.now();
        let mut split = Split::default();
        for r in all.iter().filter(|r| r.status == ResvStatus::Pending) {
            match self.holder(r, now) {
                Some(o) => split.owned.entry(o).or_default().push(r),
                None => split.pool.entry(r.service.as_str()).or_default().push(r),
            }
        }
        for list in split.owned.values_mut().chain(split.pool.values_mut()) {
            list.sort_by_key(|r| soonest(r));
        }
        for (service, list) in &split.pool {
            let mut c = [0u32; 3];
            for r in list {
                c[type_index(r.rtype)] += 1;
            }
            split.pool_counts.insert(service, c);
        }
        split
    }

    /// My 예약 현황.
    pub fn reservations_view(&self, who: &AgentPublic) -> AppResult<ReservationsView> {
        Ok(self.reservations_view_read(who)?.1)
    }

    /// My 예약 현황 and the number of the read it was made from (see `Registry::resv_sent`).
    pub fn reservations_view_read(&self, who: &AgentPublic) -> AppResult<(u64, ReservationsView)> {
        let read = self.registry.resv_reads.fetch_add(1, Ordering::AcqRel) + 1;
        let all = self.store.pending_reservations(who.brand_id)?;
        Ok((read, self.view_of(&self.split(&all), who)))
    }

    /// The 예약 현황 of `who`: their own and their services' pools, soonest first, at most
    /// `VIEW_ITEMS` of them (the counts are of all); pool items masked (PIPA) exactly as in the
    /// reservations list. Only the items sent are copied.
    fn view_of(&self, split: &Split<'_>, who: &AgentPublic) -> ReservationsView {
        let now = self.now();
        let mut services: Vec<&str> = who.services.iter().map(String::as_str).collect();
        services.sort_unstable();
        services.dedup();
        let own: &[&Reservation] = split.owned.get(&who.id).map_or(&[], Vec::as_slice);
        let lists: Vec<(&[&Reservation], bool)> = std::iter::once((own, true))
            .chain(
                services
                    .iter()
                    .filter_map(|s| split.pool.get(s))
                    .map(|l| (l.as_slice(), false)),
            )
            .collect();
        let mut counts = [0u32; 3];
        for r in own {
            counts[type_index(r.rtype)] += 1;
        }
        for c in services.iter().filter_map(|s| split.pool_counts.get(s)) {
            for (total, n) in counts.iter_mut().zip(c) {
                *total += n;
            }
        }
        // Each list is soonest first: the view's items are among the lists' first VIEW_ITEMS.
        let mut heads: Vec<(&Reservation, bool)> = lists
            .iter()
            .flat_map(|(l, own)| l.iter().take(VIEW_ITEMS).map(|r| (*r, *own)))
            .collect();
        heads.sort_by_key(|(r, _)| soonest(r));
        ReservationsView {
            direct: counts[0],
            bulk: counts[1],
            callback: counts[2],
            total: lists.iter().map(|(l, _)| l.len() as u32).sum(),
            overdue: lists
                .iter()
                .map(|(l, _)| l.partition_point(|r| r.scheduled_at <= now) as u32)
                .sum(),
            items: heads
                .into_iter()
                .take(VIEW_ITEMS)
                .map(|(r, own)| {
                    if own {
                        r.clone()
                    } else {
                        masked_for(who, r.clone(), None)
                    }
                })
                .collect(),
        }
    }

    /// An agent logged in or out: if they own a pending callback still in its window, that
    /// callback moved between their 예약 현황 and its service's pool, and the brand's desks are
    /// told. Checked off the engine's thread; nothing is pushed for the (usual) agent without
    /// one — a shift start of thousands of logins must not push every desk thousands of times.
    pub fn callback_owner_moved(
        &self,
        brand: BrandId,
        agent: AgentId,
        now: chrono::DateTime<chrono::Utc>,
    ) {
        let engine = self.clone();
        actix::spawn(async move {
            let store = engine.store.clone();
            let owns = tokio::task::spawn_blocking(move || {
                store.pending_reservations(brand).map(|all| {
                    all.iter().any(|r| {
                        r.status == ResvStatus::Pending
                            && r.rtype == ResvType::Callback
                            && r.owner_id == Some(agent)
                            && r.owner_until.is_none_or(|u| now < u)
                    })
                })
            })
            .await;
            if matches!(owns, Ok(Ok(true))) {
                engine.push_reservations(brand);
            }
        });
    }

    /// Tells the brand's open desks their fresh 예약 현황, `PUSH_DELAY` after the first change
    /// of a burst: one store read for all of them, off the engine's threads, and only the desks
    /// whose view changed get a frame (coalesced per socket, the newest wins).
    pub fn push_reservations(&self, brand: BrandId) {
        if !self.registry.resv_due.insert(brand) {
            return;
        }
        let engine = self.clone();
        self.floor.spawn(async move {
            tokio::time::sleep(PUSH_DELAY).await;
            // A change from here on schedules the next push: it may not be in this read.
            engine.registry.resv_due.remove(&brand);
            let e = engine.clone();
            if let Err(err) =
                tokio::task::spawn_blocking(move || e.push_reservations_now(brand)).await
            {
                tracing::warn!(error = %err, "reservations push failed");
            }
        });
    }

    /// The push itself (see `push_reservations`).
    fn push_reservations_now(&self, brand: BrandId) {
        let Some(ids) = self.registry.brand_agents.get(&brand).map(|v| v.clone()) else {
            return;
        };
        let open: Vec<AgentPublic> = ids
            .into_iter()
            .filter(|id| self.registry.has_sessions(*id))
            .filter_map(|id| self.registry.agent(id).map(|e| e.public))
            .collect();
        if open.is_empty() {
            return;
        }
        let read = self.registry.resv_reads.fetch_add(1, Ordering::AcqRel) + 1;
        let all = match self.store.pending_reservations(brand) {
            Ok(all) => all,
            Err(e) => {
                tracing::warn!(error = %e, "reservations push skipped");
                return;
            }
        };
        let split = self.split(&all);
        for me in open {
            let frame = ServerMsg::Reservations(self.view_of(&split, &me)).encode();
            if !self.registry.resv_record(me.id, read, frame_hash(&frame)) {
                continue;
            }
            self.registry.push_state(
                me.id,
                &[(crate::engine::registry::StateKey::Reservations, frame)],
            );
        }
    }

    /// Takes a reservation for a dial by `who`: refused if someone else is dialing it, it is not
    /// theirs (or their pool's), or the rules forbid it now. A pool item becomes theirs.
    pub async fn claim_reservation(&self, who: &AgentPublic, id: u64) -> AppResult<Reservation> {
        let me = who.clone();
        let now = self.now();
        let rules = self.resv_rules(who.brand_id);
        // Whether the owner is in is read before the write; a race here only widens the pool.
        let owners: Vec<(AgentId, bool)> = self
            .registry
            .statuses
            .iter()
            .map(|e| {
                (
                    *e.key(),
                    *e.value() != crate::domain::status::Status::LoggedOut,
                )
            })
            .collect();
        let call_live = self.registry.reservation_calls.contains_key(&id);
        let r = self
            .store
            .write(move |tx| {
                store::update_reservation(tx, me.brand_id, id, |r| {
                    let owner_in = r
                        .owner_id
                        .is_some_and(|o| owners.iter().any(|(a, inn)| *a == o && *inn));
                    r.drop_stale_claim(now, call_live);
                    r.may_dial(me.id, &me.services, now, owner_in, &rules)
                        .map_err(|m| StoreError::refused(AppError::new(Code::Conflict, m)))?;
                    r.dialing_by = Some(me.id);
                    r.dialing_since = Some(now);
                    if r.effective_owner(now, owner_in).is_none() {
                        r.owner_id = Some(me.id);
                        r.owner_until = None;
                    }
                    r.updated_at = now;
                    Ok(())
                })
            })
            .await?;
        self.push_reservations(who.brand_id);
        Ok(r)
    }

    /// Lets go of a claim whose dial did not start.
    pub async fn release_reservation(&self, brand: BrandId, id: u64, who: AgentId) {
        let res = self
            .store
            .write(move |tx| {
                store::update_reservation(tx, brand, id, |r| {
                    if r.dialing_by == Some(who) {
                        r.dialing_by = None;
                        r.dialing_since = None;
                    }
                    Ok(())
                })
            })
            .await;
        if let Err(e) = res {
            tracing::warn!(error = %e, "reservation not released");
        }
        self.push_reservations(brand);
    }

    /// Records the result of a dial made for a reservation.
    pub async fn reservation_attempt(&self, brand: BrandId, id: u64, attempt: Attempt) {
        let rules = self.resv_rules(brand);
        let now = self.now();
        let res = self
            .store
            .write(move |tx| {
                store::update_reservation(tx, brand, id, |r| {
                    r.record_attempt(attempt.clone(), &rules);
                    r.updated_at = now;
                    Ok(())
                })
            })
            .await;
        if let Err(e) = res {
            tracing::error!(reservation = id, error = %e, "attempt not recorded");
        }
        self.push_reservations(brand);
    }

    /// A saved note of a connected reservation call completes the reservation.
    pub async fn complete_reservation_for(&self, c: &Consultation) {
        let (Some(id), Some(_)) = (c.reservation_id, c.answered_at) else {
            return;
        };
        let ticket = c.ticket_id.clone();
        let now = self.now();
        let brand = c.brand_id;
        let res = self
            .store
            .write(move |tx| {
                store::update_reservation(tx, brand, id, |r| {
                    if r.status == ResvStatus::Pending {
                        r.status = ResvStatus::Done;
                        r.ticket_id = Some(ticket.clone());
                        r.dialing_by = None;
                        r.dialing_since = None;
                        r.updated_at = now;
                    }
                    Ok(())
                })
            })
            .await;
        if let Err(e) = res {
            tracing::error!(reservation = id, error = %e, "reservation not completed");
        }
        self.push_reservations(brand);
    }

    /// An ARS callback request: a 콜백 reservation owned by the service's logged-in agent with
    /// the fewest pending callbacks for the brand's owner window (default 30 min), or the
    /// service's pool if nobody is in.
    pub async fn callback_request(
        &self,
        brand: Option<BrandId>,
        service: &str,
        from: &str,
    ) -> AppResult<Reservation> {
        let (rt, svc) = self.find_service(brand, service)?;
        let phone = crate::domain::phone::Phone::parse(from)
            .map_err(|e| AppError::bad_request(format!("발신번호(from): {e}")))?;
        let brand_id = rt.brand.id;
        let existing = self.store.pending_reservations(brand_id)?;
        let pending_callbacks = |a: AgentId| {
            existing
                .iter()
                .filter(|r| {
                    r.status == ResvStatus::Pending
                        && r.rtype == ResvType::Callback
                        && r.owner_id == Some(a)
                })
                .count()
        };
        let owner = self
            .registry
            .brand_agents
            .get(&brand_id)
            .map(|v| v.clone())
            .unwrap_or_default()
            .into_iter()
            .filter_map(|id| self.registry.agent(id).map(|e| e.public))
            .filter(|a| a.services.contains(&svc.code) && self.registry.logged_in(a.id))
            .min_by_key(|a| (pending_callbacks(a.id), a.id))
            .map(|a| a.id);
        let customer = self.store.customer_by_phone(brand_id, phone.digits())?;
        let now = self.now();
        let r = Reservation {
            id: 0,
            brand_id,
            service: svc.code.clone(),
            number: phone.digits().to_string(),
            customer_name: customer.as_ref().map(|c| c.name.clone()),
            customer_id: customer.as_ref().map(|c| c.id),
            scheduled_at: now,
            rtype: ResvType::Callback,
            memo: "ARS 콜백 요청".into(),
            owner_id: owner,
            owner_until: owner
                .map(|_| now + Duration::minutes(i64::from(rt.brand.callback_window_min))),
            status: ResvStatus::Pending,
            attempts: vec![],
            ticket_id: None,
            dialing_by: None,
            dialing_since: None,
            created_by: None,
            created_at: now,
            updated_at: now,
        };
        let saved = self.store_new_reservation(r).await?;
        self.push_reservations(brand_id);
        Ok(saved)
    }

    /// Stores a new reservation under the next id.
    pub async fn store_new_reservation(&self, r: Reservation) -> AppResult<Reservation> {
        Ok(self
            .store
            .write(move |tx| {
                let mut r = r.clone();
                r.id = store::next_counter(tx, "reservation")?;
                store::put_reservation(tx, &r)?;
                // A person's booking is audited (an ARS callback is the system's, not a person's).
                if let Some(by) = r.created_by {
                    store::audit(
                        tx,
                        &serde_json::json!({"at": r.created_at, "by": by,
                            "action": "reservation.create", "reservation": r.id}),
                    )?;
                }
                Ok(r)
            })
            .await?)
    }

    /// Refuses a dial to a number on the brand's do-not-call list.
    pub fn check_dnc(&self, brand: BrandId, digits: &str) -> AppResult<()> {
        match self.store.dnc_entry(brand, digits)? {
            Some(e) => Err(AppError::forbidden(format!(
                "수신거부 번호입니다 (do not call): {}",
                e["reason"].as_str().unwrap_or("")
            ))),
            None => Ok(()),
        }
    }
}
