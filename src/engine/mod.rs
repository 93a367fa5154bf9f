//! The realtime engine: one actor per agent, per live call and per queue, a distributor and a
//! stats actor per brand (the stats actors on a thread of their own, `Inner::floor`), found
//! through the registry. `Engine` is the handle the HTTP routes,
//! the desk sockets and the telephony side use; it holds the store, the clock and the registry.

pub mod admin;
pub mod agent;
pub mod call;
pub mod controls;
pub mod distributor;
pub mod floor;
pub mod ids;
pub mod messages;
pub mod messaging;
pub mod queue;
pub mod registry;
pub mod reservations;
pub mod retention;
pub mod stats;
pub mod wallboard;
pub mod watch;

use crate::domain::clock::SharedClock;
use crate::domain::ledger::local_date;
use crate::domain::model::{
    AgentId, AgentPublic, BrandId, CallId, CallOutcome, Channel, Consultation, ConsultationSummary,
};
use crate::domain::phone::Phone;
use crate::error::{AppError, AppResult};
use crate::protocol::{
    BrandView, CallView, ConsultationsView, Hello, NoteView, ServerMsg, ServiceView, Snapshot,
};
use crate::store::{self, Store, StoreError};
use crate::telephony::CommandBus;
use actix::{Actor, Addr};
use chrono::{DateTime, Utc};
use messages::*;
use registry::{BrandRuntime, Registry};
use std::collections::HashMap;
use std::sync::Arc;

/// The refusal of the edit-own rule: a consultation is changed only by its own agent.
pub const NOT_YOUR_CONSULTATION: &str =
    "다른 상담사의 상담은 수정할 수 없습니다 (only the consultation's agent may edit it)";

/// Engine-wide settings (from `Settings`).
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Folder of the demo data (the demo mall's `orders.json`).
    pub demo_dir: std::path::PathBuf,
    pub dial_timeout_s: u64,
    pub snapshot_interval_ms: u64,
    pub disconnect_grace_s: u64,
}

pub struct Inner {
    pub store: Store,
    /// Q&A template search indexes, one per brand (rebuilt from the store at start).
    pub templates: crate::search::Templates,
    /// Each brand's linked mall (주문정보), if any.
    pub shops: dashmap::DashMap<crate::domain::model::BrandId, Arc<dyn crate::shop::ShopProvider>>,
    /// Each brand's message provider (문자발송).
    pub messengers:
        dashmap::DashMap<crate::domain::model::BrandId, Arc<dyn crate::messaging::MessageProvider>>,
    pub clock: SharedClock,
    pub registry: Registry,
    pub commands: CommandBus,
    pub settings: EngineSettings,
    /// Call ids and ticket numbers from reserved blocks.
    pub ids: ids::IdBlocks,
    /// The thread the brands' stats actors run on: the floor's fan-out (counts, queues and
    /// figures to every desk) stays off the thread that routes and offers calls.
    pub floor: actix::ArbiterHandle,
    /// The thread that routes: the queues, the distributor, the agents' actors and every call
    /// (the thread `Engine::start` ran on). A gateway's new call is started here rather than on
    /// the HTTP worker that took the POST, whose queue holds thousands of sockets' output.
    pub routing: actix::ArbiterHandle,
}

#[derive(Clone)]
pub struct Engine(Arc<Inner>);

impl std::ops::Deref for Engine {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Starts the floor's thread, stopped when the system that started it ends (gracefully or
/// not): its actors hold the engine, so nothing else would end it.
fn floor_thread() -> actix::ArbiterHandle {
    struct StopOnDrop(actix::ArbiterHandle);
    impl Drop for StopOnDrop {
        fn drop(&mut self) {
            self.0.stop();
        }
    }
    let handle = actix::Arbiter::new().handle();
    let guard = StopOnDrop(handle.clone());
    actix::spawn(async move {
        let _guard = guard;
        std::future::pending::<()>().await
    });
    handle
}

/// What a new inbound call got.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewCall {
    pub call_id: CallId,
    pub ticket_id: String,
}

impl Engine {
    /// Starts every brand's actors and every agent's actor. Must run inside the actix system.
    pub fn start(
        store: Store,
        clock: SharedClock,
        commands: CommandBus,
        settings: EngineSettings,
    ) -> Result<Engine, StoreError> {
        let templates = crate::search::Templates::default();
        let mut per_brand: HashMap<crate::domain::model::BrandId, Vec<_>> = HashMap::new();
        for t in store.templates()? {
            per_brand.entry(t.brand_id).or_default().push(t);
        }
        for (b, list) in per_brand {
            templates.by_brand.insert(
                b,
                std::sync::RwLock::new(crate::search::TemplateIndex::build(list)),
            );
        }
        let shops = dashmap::DashMap::new();
        for b in store.brands()? {
            if let Some(link) = &b.mall {
                match crate::shop::provider_for(link, &settings.demo_dir) {
                    Ok(p) => {
                        shops.insert(b.id, p);
                    }
                    Err(e) => tracing::error!(brand_id = b.id, error = %e, "mall not linked"),
                }
            }
        }
        let messengers = dashmap::DashMap::new();
        for b in store.brands()? {
            messengers.insert(b.id, crate::messaging::provider_for(b.messaging.as_ref()));
        }
        // This thread routes every call (`Inner::routing`): it does not wait behind long work.
        crate::sched::latency_critical();
        let engine = Engine(Arc::new(Inner {
            shops,
            messengers,
            templates,
            store,
            clock,
            registry: Registry::default(),
            commands,
            settings,
            ids: ids::IdBlocks::default(),
            floor: floor_thread(),
            routing: actix::Arbiter::current(),
        }));
        let agents = engine.store.agents()?;
        for brand in engine.store.brands()? {
            let services = engine.store.services(brand.id)?;
            let members: Vec<AgentPublic> = agents
                .iter()
                .filter(|a| a.brand_id == brand.id)
                .map(AgentPublic::from)
                .collect();
            engine.start_brand(brand, services, members);
        }
        // Deactivated people keep their rows and history but get no actor.
        for a in agents.iter().filter(|a| a.active) {
            engine.spawn_agent(AgentPublic::from(a));
        }
        engine.resume_outbox();
        Ok(engine)
    }

    /// Starts a brand's actors (stats on the floor's thread; one queue per service and the
    /// distributor on the routing thread, whichever thread calls) and registers its runtime;
    /// its people's actors are started separately. At start-up and when an operator creates a
    /// brand (on an HTTP worker).
    pub(crate) fn start_brand(
        &self,
        brand: crate::domain::model::Brand,
        services: Vec<crate::domain::model::Service>,
        members: Vec<AgentPublic>,
    ) {
        let brand = Arc::new(brand);
        let ids: Vec<AgentId> = members.iter().map(|a| a.id).collect();
        let actor = stats::StatsActor::new(self.clone(), brand.clone(), members);
        let stats = stats::StatsActor::start_in_arbiter(&self.floor, move |_| actor);
        let mut queues = HashMap::new();
        for s in services.iter() {
            let counts = stats::restored_queue_counts(self, &brand, &s.code);
            let q = queue::QueueActor::new(
                self.clone(),
                brand.clone(),
                ServiceView::of(s),
                stats.clone(),
                counts,
            );
            let q = queue::QueueActor::start_in_arbiter(&self.routing, move |_| q);
            queues.insert(s.code.clone(), q);
        }
        let queues = Arc::new(queues);
        let distributor = distributor::Distributor::new(queues.clone());
        let distributor =
            distributor::Distributor::start_in_arbiter(&self.routing, move |_| distributor);
        self.registry.brands.insert(
            brand.id,
            BrandRuntime {
                brand: brand.clone(),
                services: Arc::new(services),
                distributor,
                stats,
                queues,
            },
        );
        self.registry.brand_agents.insert(brand.id, ids);
        self.messengers.insert(
            brand.id,
            crate::messaging::provider_for(brand.messaging.as_ref()),
        );
    }

    /// Starts a person's actor on the routing thread — also when an operator adds them (the
    /// call comes from an HTTP worker), so every offer to them stays on that thread.
    pub(crate) fn spawn_agent(&self, public: AgentPublic) {
        let Some(brand) = self.registry.brand(public.brand_id) else {
            tracing::warn!(
                agent_id = public.id,
                "agent of an unknown brand not started"
            );
            return;
        };
        let actor = agent::AgentActor::new(self.clone(), public.clone(), brand);
        let addr = agent::AgentActor::start_in_arbiter(&self.routing, move |_| actor);
        self.registry
            .agents
            .insert(public.id, registry::AgentEntry { addr, public });
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Writes one audit entry on its own (stamped `at` now), for actions that change nothing
    /// else in the store (a download, an export).
    pub async fn audit(&self, mut entry: serde_json::Value) -> AppResult<()> {
        entry["at"] = serde_json::json!(self.now());
        self.store
            .write(move |tx| crate::store::audit(tx, &entry))
            .await?;
        Ok(())
    }

    pub fn brand_rt(&self, brand: BrandId) -> AppResult<BrandRuntime> {
        self.registry
            .brand(brand)
            .ok_or_else(|| AppError::not_found(format!("브랜드 {brand}이(가) 없습니다")))
    }

    pub fn agent_addr(&self, id: AgentId) -> AppResult<Addr<agent::AgentActor>> {
        self.registry
            .agent(id)
            .map(|e| e.addr)
            .ok_or_else(|| AppError::not_found(format!("상담사 {id}이(가) 없습니다")))
    }

    /// Finds the brand of a service code; a code used by two brands needs `brand`.
    pub fn find_service(
        &self,
        brand: Option<BrandId>,
        code: &str,
    ) -> AppResult<(BrandRuntime, ServiceView)> {
        let mut found = Vec::new();
        for b in self.registry.brands.iter() {
            if brand.is_some_and(|id| id != *b.key()) {
                continue;
            }
            if let Some(s) = b.services.iter().find(|s| s.code == code) {
                found.push((b.clone(), ServiceView::of(s)));
            }
        }
        match found.len() {
            0 => Err(AppError::not_found(format!(
                "서비스 '{code}'이(가) 없습니다"
            ))),
            1 => Ok(found.remove(0)),
            _ => Err(AppError::bad_request(format!(
                "서비스 '{code}'은(는) 여러 브랜드에 있습니다; brandId를 함께 보내세요"
            ))),
        }
    }

    /// An inbound call arrived (gateway or simulator): the call is numbered from reserved
    /// blocks, its consultation's write is queued, the call actor starts (and queues itself, so
    /// routing does not wait for the disk), and the answer waits for the write's commit — what
    /// the gateway is told exists is on disk.
    pub async fn inbound_call(
        &self,
        brand: Option<BrandId>,
        service: &str,
        from: &str,
        external_id: Option<String>,
    ) -> AppResult<NewCall> {
        let (rt, svc) = self.find_service(brand, service)?;
        let phone = Phone::parse(from)
            .map_err(|e| AppError::bad_request(format!("발신번호(from): {e}")))?;
        if let Some(x) = &external_id {
            crate::domain::limits::EXTERNAL_ID
                .check(x)
                .map_err(|e| AppError::invalid_fields(vec![e]))?;
        }
        let customer = self.store.customer_by_phone(rt.brand.id, phone.digits())?;
        let (view, committed) = self
            .queue_inbound_consultation(&rt, svc, &phone, external_id, customer, None)
            .await?;
        let made = NewCall {
            call_id: view.call_id,
            ticket_id: view.ticket_id.clone(),
        };
        // Started after the write is queued: every write of the call comes after it.
        // On the routing thread: the queue's answer and the agent's ring come straight back to
        // it, not behind the output of the sockets that share this HTTP worker.
        // Queued from here as the actor starts: the distributor matches the call while its
        // actor starts on the routing thread (a message fewer before the ring).
        let distributor = rt.distributor.clone();
        let queued = view.clone();
        let call = call::CallActor::arrival(self.clone(), rt, view);
        let actor = call::CallActor::start_in_arbiter(&self.routing, move |_| call);
        distributor.do_send(Enqueue {
            arrived_at: queued.since,
            call: queued,
            addr: actor.clone(),
            at_head: false,
        });
        // The gateway hears of the call once it is on disk and the call is known by its id (its
        // actor has started), so a hang-up sent right after the answer finds it.
        let (committed, started) = futures_util::join!(committed, actor.send(call::Started));
        if started.is_err() {
            tracing::error!(call_id = made.call_id, "inbound call's actor did not start");
        }
        if let Err(e) = committed {
            tracing::error!(call_id = made.call_id, error = %e, "inbound call not stored; dropped");
            actor.do_send(Hangup {
                by: crate::protocol::EndedBy::System,
            });
            return Err(e.into());
        }
        tracing::info!(call_id = made.call_id, ticket = %made.ticket_id, "inbound call");
        Ok(made)
    }

    /// Writes the consultation (and ticket) of an inbound call — a new arrival, or the new leg
    /// of a transferred one — and returns the call as desks see it. The call actor is the
    /// caller's to start.
    pub(crate) async fn new_inbound_consultation(
        &self,
        rt: &BrandRuntime,
        svc: ServiceView,
        phone: &Phone,
        external_id: Option<String>,
        customer: Option<crate::domain::model::Customer>,
        transferred_from: Option<String>,
    ) -> AppResult<CallView> {
        let (view, committed) = self
            .queue_inbound_consultation(rt, svc, phone, external_id, customer, transferred_from)
            .await?;
        committed.await?;
        Ok(view)
    }

    /// Numbers an inbound call and queues its consultation's write; returns the call and the
    /// write's commit.
    pub(crate) async fn queue_inbound_consultation(
        &self,
        rt: &BrandRuntime,
        svc: ServiceView,
        phone: &Phone,
        external_id: Option<String>,
        customer: Option<crate::domain::model::Customer>,
        transferred_from: Option<String>,
    ) -> AppResult<(
        CallView,
        impl std::future::Future<Output = crate::store::StoreResult<()>>,
    )> {
        let now = self.now();
        let draft = Consultation {
            ticket_id: String::new(),
            brand_id: rt.brand.id,
            call_id: 0,
            channel: Channel::In,
            service: svc.code.clone(),
            service_name: svc.name.clone(),
            number: phone.digits().to_string(),
            external_id: external_id.clone(),
            agent_id: None,
            agent_name: None,
            customer_id: customer.as_ref().map(|c| c.id),
            arrived_at: now,
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
            updated_at: now,
            updated_by: None,
            reservation_id: None,
            hold_s: 0,
            transferred_from: transferred_from.clone(),
            transferred_to: None,
        };
        let day = local_date(now, rt.brand.tz());
        let (call_id, ticket_id) = self.number_call(day).await?;
        let mut draft = draft;
        draft.call_id = call_id;
        draft.ticket_id = ticket_id.clone();
        // The wallboard counts the arrival now (offered), with the record as written.
        self.consulted(&draft);
        let committed = self
            .store
            .write_queued(move |tx| store::insert_consultation(tx, &draft))?;
        let view = CallView {
            call_id,
            ticket_id,
            external_id,
            service: svc.code,
            service_name: svc.name,
            channel: Channel::In,
            from: phone.digits().to_string(),
            from_display: phone.display(),
            customer,
            state: crate::domain::status::Status::Ringing,
            since: now,
            held_since: None,
            hold_s: 0,
            transferred_from,
        };
        Ok((view, committed))
    }

    fn call_addr(&self, call_id: CallId) -> AppResult<Addr<call::CallActor>> {
        self.registry
            .calls
            .get(&call_id)
            .map(|c| c.clone())
            .ok_or_else(|| {
                AppError::not_found(format!("통화 {call_id}이(가) 없습니다 (이미 종료됨)"))
            })
    }

    /// The customer hung up (gateway or simulator).
    pub async fn customer_hangup(&self, call_id: CallId) -> AppResult<()> {
        self.call_addr(call_id)?
            .send(Hangup {
                by: crate::protocol::EndedBy::Customer,
            })
            .await?
    }

    /// The far end of an outbound call answered.
    pub async fn far_end_answered(&self, call_id: CallId) -> AppResult<()> {
        self.call_addr(call_id)?.send(FarEndAnswered).await?
    }

    /// An outbound call failed (busy, no answer).
    pub async fn dial_failed(&self, call_id: CallId, outcome: CallOutcome) -> AppResult<()> {
        self.call_addr(call_id)?
            .send(DialFailed { outcome })
            .await?
    }

    /// Everything a desk shows, for `hello`.
    pub async fn hello(&self, agent_id: AgentId) -> AppResult<Hello> {
        let entry = self
            .registry
            .agent(agent_id)
            .ok_or_else(|| AppError::not_found("상담사가 없습니다"))?;
        let rt = self.brand_rt(entry.public.brand_id)?;
        let (status, call) = entry.addr.send(GetAgentView).await?;
        let (stats, agent_counts) = rt
            .stats
            .send(GetStats {
                agent_id,
                fresh: false,
            })
            .await?;
        let mut queues = Vec::new();
        for s in rt.services.iter() {
            if let Some(q) = rt.queues.get(&s.code) {
                queues.push(q.send(GetQueueView).await?);
            }
        }
        let note = match &call {
            Some(c) => self.note_of(&c.ticket_id)?,
            None => None,
        };
        let consultations = self.my_consultations_today(agent_id, rt.brand.tz())?;
        let (read, reservations) = self.reservations_view_read(&entry.public)?;
        // What the desk now shows: a push skips it until the view changes, and a push made
        // from an earlier read does not overwrite it.
        self.registry.resv_record(
            agent_id,
            read,
            reservations::frame_hash(&ServerMsg::Reservations(reservations.clone()).encode()),
        );
        let notices = self.notices_today(&entry.public, 10)?;
        let b = &rt.brand;
        Ok(Hello {
            agent: entry.public.clone(),
            status,
            seq: 0,
            snapshot: Snapshot {
                server_time: self.now(),
                brand: self.brand_view(b),
                services: rt.services.iter().map(ServiceView::of).collect(),
                call,
                note,
                stats,
                queues,
                agents: Vec::new(),
                agent_counts,
                consultations: ConsultationsView {
                    full: true,
                    ..consultations
                },
                reservations,
                notices,
            },
        })
    }

    /// Opens or closes a socket's wallboard (managers only: `forbidden` for agents).
    pub async fn watch_wallboard(
        &self,
        agent: &AgentPublic,
        session: u64,
        on: bool,
    ) -> AppResult<()> {
        if !agent.role.is_manager() {
            return Err(AppError::forbidden(
                "전광판은 매니저만 볼 수 있습니다 (wallboard: managers only)",
            ));
        }
        let rt = self.brand_rt(agent.brand_id)?;
        rt.stats
            .send(WatchWallboard {
                agent_id: agent.id,
                session,
                on,
            })
            .await?;
        Ok(())
    }

    /// The brand's whole wallboard now.
    pub async fn wallboard(
        &self,
        brand: crate::domain::model::BrandId,
    ) -> AppResult<crate::protocol::WallboardView> {
        let rt = self.brand_rt(brand)?;
        Ok(rt.stats.send(GetWallboard).await?)
    }

    /// Tells the brand's wallboard an inbound consultation was written.
    pub fn consulted(&self, c: &Consultation) {
        if c.channel != Channel::In {
            return;
        }
        if let Some(rt) = self.registry.brand(c.brand_id) {
            rt.stats.do_send(Consulted(c.clone()));
        }
    }

    /// Opens (`on`) or closes a desk socket's agent list (`agents.watch`); answers with how
    /// many rows the list holds. The rows come as an `agents` frame `reset: true`.
    pub async fn watch_agents(
        &self,
        agent: &AgentPublic,
        session: u64,
        on: bool,
        service: Option<String>,
        state: Option<String>,
        q: Option<String>,
    ) -> AppResult<usize> {
        let rt = self.brand_rt(agent.brand_id)?;
        let filter = if on {
            let codes: Vec<String> = rt.services.iter().map(|s| s.code.clone()).collect();
            Some(
                watch::AgentFilter::parse(
                    service.as_deref(),
                    state.as_deref(),
                    q.as_deref(),
                    &codes,
                )
                .map_err(AppError::bad_request)?,
            )
        } else {
            None
        };
        Ok(rt
            .stats
            .send(WatchAgents {
                agent_id: agent.id,
                session,
                filter,
            })
            .await?)
    }

    /// The brand as desks see it.
    pub fn brand_view(&self, b: &crate::domain::model::Brand) -> BrandView {
        BrandView {
            id: b.id,
            name: b.name.clone(),
            timezone: b.timezone.clone(),
            ring_timeout_s: b.ring_timeout_s,
            wrap_up_limit_s: b.wrap_up_limit_s,
            calls_mode: b.calls_mode,
            categories: b.categories.clone(),
            results: b.results.clone(),
            has_mall: self.shops.contains_key(&b.id),
        }
    }

    /// My completed consultations today (newest first) with IN/OUT counts.
    pub fn my_consultations_today(
        &self,
        agent_id: AgentId,
        tz: chrono_tz::Tz,
    ) -> AppResult<ConsultationsView> {
        let date = local_date(self.now(), tz);
        let full = self
            .registry
            .agent(agent_id)
            .is_some_and(|e| e.public.sees_full());
        let all = self.store.consultations_of_agent(agent_id, date)?;
        let items: Vec<ConsultationSummary> = all
            .iter()
            .filter(|c| c.ended_at.is_some())
            .map(|c| mask_unless(full, self.summary_named(c)))
            .collect();
        Ok(counts_of(items, true))
    }

    /// A consultation's summary with its customer's name (상담 현황 shows who called).
    pub fn summary_named(&self, c: &Consultation) -> ConsultationSummary {
        let mut s = c.summary();
        if let Some(id) = c.customer_id {
            s.customer_name = self
                .store
                .customer(c.brand_id, id)
                .ok()
                .flatten()
                .map(|cu| cu.name);
        }
        s
    }

    /// Pushes one changed, completed consultation (with the day's counts, read from the agent
    /// index's tags, not the day's records) to its agent's desks.
    pub fn push_consultation(&self, c: &Consultation) {
        let Some(agent_id) = c.agent_id.filter(|_| c.ended_at.is_some()) else {
            return;
        };
        if !self.registry.has_sessions(agent_id) {
            return;
        }
        let Some(rt) = self.registry.brand(c.brand_id) else {
            return;
        };
        let date = local_date(self.now(), rt.brand.tz());
        match self.store.consultation_counts_of_agent(agent_id, date) {
            Ok((in_count, out_count)) => {
                let full = self
                    .registry
                    .agent(agent_id)
                    .is_some_and(|e| e.public.sees_full());
                let view = ConsultationsView {
                    items: vec![mask_unless(full, self.summary_named(c))],
                    full: false,
                    in_count,
                    out_count,
                    total: in_count + out_count,
                };
                self.registry
                    .push_agent(agent_id, &ServerMsg::Consultations(view).encode());
            }
            Err(e) => tracing::warn!(error = %e, "consultation push skipped"),
        }
    }

    /// A consultation of the agent's brand that is their own: not found for other brands'
    /// tickets, 403 for a colleague's.
    fn own_consultation(&self, agent: &AgentPublic, ticket_id: &str) -> AppResult<Consultation> {
        let c = self
            .store
            .consultation(ticket_id)?
            .filter(|c| c.brand_id == agent.brand_id)
            .ok_or_else(|| AppError::not_found(format!("상담 {ticket_id}이(가) 없습니다")))?;
        if c.agent_id != Some(agent.id) {
            return Err(AppError::forbidden(NOT_YOUR_CONSULTATION));
        }
        Ok(c)
    }

    /// Saves a consultation note. Only the consultation's own agent may.
    pub async fn save_note(
        &self,
        agent: &AgentPublic,
        ticket_id: &str,
        category: Option<String>,
        result: Option<String>,
        content: String,
    ) -> AppResult<Consultation> {
        validate_note(&category, &result, &content)?;
        self.own_consultation(agent, ticket_id)?;
        let me = agent.id;
        let now = self.now();
        let t = ticket_id.to_string();
        let saved = self
            .store
            .write(move |tx| {
                store::drop_draft(tx, &t)?;
                let c = store::update_consultation(tx, &t, |c| {
                    if c.agent_id != Some(me) {
                        return Err(StoreError::refused(AppError::forbidden(
                            NOT_YOUR_CONSULTATION,
                        )));
                    }
                    c.category = category.clone();
                    c.result = result.clone();
                    c.content = content.clone();
                    c.updated_at = now;
                    c.updated_by = Some(me);
                    Ok(())
                })?;
                store::audit(
                    tx,
                    &serde_json::json!({"at": now, "by": me, "action": "consultation.note", "ticket": t}),
                )?;
                Ok(c)
            })
            .await?;
        self.push_consultation(&saved);
        self.complete_reservation_for(&saved).await;
        Ok(saved)
    }
}

/// What a `note.draft` did: kept the draft, or (the call no longer held) saved it as the note.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftKept {
    pub ticket_id: String,
    pub at: DateTime<Utc>,
    /// True when the draft became the note at once.
    pub saved: bool,
}

impl Engine {
    /// Keeps a note as typed (`note.draft`). Only the consultation's own agent may. While the
    /// agent holds the call the draft is kept and becomes the note when wrap-up ends; otherwise
    /// it is saved as the note straight away.
    pub async fn save_draft(
        &self,
        agent: &AgentPublic,
        ticket_id: &str,
        category: Option<String>,
        result: Option<String>,
        content: String,
    ) -> AppResult<DraftKept> {
        validate_note(&category, &result, &content)?;
        self.own_consultation(agent, ticket_id)?;
        let (_, call) = self.agent_addr(agent.id)?.send(GetAgentView).await?;
        let held = call.is_some_and(|c| c.ticket_id == ticket_id);
        let draft = crate::domain::model::NoteDraft {
            ticket_id: ticket_id.to_string(),
            agent_id: agent.id,
            category,
            result,
            content,
            at: self.now(),
        };
        let at = draft.at;
        let changed = self
            .store
            .write(move |tx| store::put_draft(tx, &draft, held))
            .await?;
        let saved = changed.is_some() || !held;
        if let Some(c) = changed {
            self.push_consultation(&c);
            self.complete_reservation_for(&c).await;
        }
        Ok(DraftKept {
            ticket_id: ticket_id.to_string(),
            at,
            saved,
        })
    }

    /// The note of the call a desk shows on connect: the draft when one is kept, else the
    /// saved note.
    fn note_of(&self, ticket_id: &str) -> AppResult<Option<NoteView>> {
        if let Some(d) = self.store.draft(ticket_id)? {
            return Ok(Some(NoteView {
                ticket_id: d.ticket_id,
                category: d.category,
                result: d.result,
                content: d.content,
                draft: true,
                updated_at: Some(d.at),
            }));
        }
        Ok(self.store.consultation(ticket_id)?.map(|c| NoteView {
            updated_at: c.updated_by.map(|_| c.updated_at),
            ticket_id: c.ticket_id,
            category: c.category,
            result: c.result,
            content: c.content,
            draft: false,
        }))
    }
}

/// PIPA masking for lists: the customer's number masked unless the viewer has full view.
pub fn mask_unless(full: bool, s: ConsultationSummary) -> ConsultationSummary {
    if full {
        s
    } else {
        s.masked()
    }
}

/// Builds the 상담 현황 view: counts over `items`.
pub fn counts_of(items: Vec<ConsultationSummary>, full: bool) -> ConsultationsView {
    let in_count = items.iter().filter(|c| c.channel == Channel::In).count() as u32;
    let out_count = items.iter().filter(|c| c.channel == Channel::Out).count() as u32;
    ConsultationsView {
        total: in_count + out_count,
        in_count,
        out_count,
        items,
        full,
    }
}

fn validate_note(
    category: &Option<String>,
    result: &Option<String>,
    content: &str,
) -> AppResult<()> {
    use crate::domain::limits::{NOTE_CONTENT, NOTE_LABEL};
    let mut errs = Vec::new();
    errs.extend(NOTE_CONTENT.check(content).err());
    for (name, v) in [("category", category), ("result", result)] {
        if let Err((_, m)) = NOTE_LABEL.check_opt(v.as_deref()) {
            errs.push((name, m));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_fields(errs))
    }
}
