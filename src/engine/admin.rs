//! Live effects of the admin console: a person created, changed, deactivated or reactivated
//! takes effect in the running engine at once — a new agent's actor starts, a changed service
//! list re-queues a ready agent, a role or name change is what the next request sees, a
//! deactivated agent's actor logs out (after the call in hand) and stops; a new service's queue
//! starts and can take calls at once; a changed service's timings apply to its next call.

use super::messages::*;
use super::queue::QueueActor;
use super::Engine;
use crate::domain::model::{Agent, AgentPublic, BrandId, Service};
use crate::error::AppResult;
use crate::protocol::StatusView;
use crate::protocol::{ServerMsg, ServiceView};
use crate::store;
use actix::Actor;
use std::sync::Arc;

/// Why a deactivated person's desks close.
pub const REASON_DEACTIVATED: &str =
    "계정 사용이 중지되어 로그아웃되었습니다 (deactivated by a manager)";

impl Engine {
    /// A person was stored for the first time, or reactivated: their actor starts (logged out)
    /// and the floor's lists show them.
    pub fn agent_started(&self, a: &Agent) {
        let public = AgentPublic::from(a);
        match self.registry.agent(a.id) {
            None => self.spawn_agent(public.clone()),
            // Deactivated and reactivated while still on the call: the actor stays.
            Some(e) => e.addr.do_send(StayActive),
        }
        let mut members = self.registry.brand_agents.entry(a.brand_id).or_default();
        if !members.contains(&a.id) {
            members.push(a.id);
        }
        drop(members);
        if let Some(rt) = self.registry.brand(a.brand_id) {
            rt.stats.do_send(MemberUpserted(public));
        }
    }

    /// A person's record changed: the next request, route and list see the new one.
    pub fn agent_changed(&self, a: &Agent) {
        let public = AgentPublic::from(a);
        if let Some(mut e) = self.registry.agents.get_mut(&a.id) {
            e.public = public.clone();
            e.addr.do_send(Reconfigure(public.clone()));
        }
        if let Some(rt) = self.registry.brand(a.brand_id) {
            rt.stats.do_send(MemberUpserted(public));
        }
    }

    /// A person was deactivated: logged out now, or after the call in hand; then the actor
    /// stops. Returns their status as it stands.
    pub async fn agent_deactivated(
        &self,
        id: crate::domain::model::AgentId,
    ) -> AppResult<StatusView> {
        let addr = self.agent_addr(id)?;
        Ok(addr.send(Deactivate).await?)
    }
}

impl Engine {
    /// Ends sessions of `agent`: `only` those token hashes, or all but `keep`. Closes the desk
    /// sockets opened with them (`reason` is what the desk shows). Returns how many ended.
    pub async fn end_sessions(
        &self,
        agent: crate::domain::model::AgentId,
        only: Option<Vec<String>>,
        keep: Option<String>,
        reason: &str,
    ) -> AppResult<usize> {
        let gone = self
            .store
            .write(move |tx| match &only {
                Some(hashes) => {
                    let mut gone = Vec::new();
                    for h in hashes {
                        if let Some(s) = store::delete_session(tx, h)? {
                            if s.agent_id == agent {
                                gone.push(h.clone());
                            }
                        }
                    }
                    Ok(gone)
                }
                None => store::delete_sessions_of(tx, agent, keep.as_deref()),
            })
            .await?;
        for h in &gone {
            self.registry.tokens.remove(h);
        }
        self.registry.close_tokens(agent, &gone, reason);
        Ok(gone.len())
    }
}

impl Engine {
    /// A new service: its queue starts (on the routing thread), the distributor routes to it,
    /// desks are told. Takes calls at once.
    pub fn service_added(&self, s: Service) {
        let brand = s.brand_id;
        let Some(mut rt) = self.registry.brands.get_mut(&brand) else {
            return;
        };
        if rt.services.iter().any(|x| x.code == s.code) {
            return;
        }
        let q = QueueActor::new(
            self.clone(),
            rt.brand.clone(),
            ServiceView::of(&s),
            rt.stats.clone(),
            (0, 0),
        );
        let q = QueueActor::start_in_arbiter(&self.routing, move |_| q);
        let mut queues = (*rt.queues).clone();
        queues.insert(s.code.clone(), q);
        let queues = Arc::new(queues);
        let mut services = (*rt.services).clone();
        services.push(s);
        rt.services = Arc::new(services);
        rt.queues = queues.clone();
        rt.distributor.do_send(QueuesChanged(queues));
        drop(rt);
        self.push_services(brand);
    }

    /// A service's name or timings changed: its next call uses them; desks are told.
    pub fn service_changed(&self, s: Service) {
        let brand = s.brand_id;
        if let Some(mut rt) = self.registry.brands.get_mut(&brand) {
            let mut services = (*rt.services).clone();
            if let Some(x) = services.iter_mut().find(|x| x.code == s.code) {
                *x = s;
            }
            rt.services = Arc::new(services);
        }
        self.push_services(brand);
    }

    /// Tells the brand's desks its services as they are now.
    fn push_services(&self, brand: BrandId) {
        let Some(rt) = self.registry.brand(brand) else {
            return;
        };
        let items = rt.services.iter().map(ServiceView::of).collect();
        self.registry
            .push_brand(brand, &ServerMsg::Services { items }.encode());
    }
}

impl Engine {
    /// The brand's settings changed: every part of the engine uses them from the next event on
    /// (ring timeouts and wrap-up limits of the next call, 최고콜/전체콜, quiet hours, session
    /// expiry, categories and results), and desks get a `brand` frame.
    pub fn brand_changed(&self, b: crate::domain::model::Brand) {
        let id = b.id;
        // The mall and the message carrier, as the brand now links them.
        match b
            .mall
            .as_ref()
            .map(|l| crate::shop::provider_for(l, &self.settings.demo_dir))
        {
            Some(Ok(p)) => {
                self.shops.insert(id, p);
            }
            Some(Err(e)) => {
                tracing::error!(brand_id = id, error = %e, "mall not linked");
                self.shops.remove(&id);
            }
            None => {
                self.shops.remove(&id);
            }
        }
        self.messengers
            .insert(id, crate::messaging::provider_for(b.messaging.as_ref()));
        let b = Arc::new(b);
        let Some(mut rt) = self.registry.brands.get_mut(&id) else {
            return;
        };
        rt.brand = b.clone();
        let stats = rt.stats.clone();
        let queues: Vec<_> = rt.queues.values().cloned().collect();
        drop(rt);
        stats.do_send(BrandSettings(b.clone()));
        for q in queues {
            q.do_send(BrandSettings(b.clone()));
        }
        let view = self.brand_view(&b);
        self.registry
            .push_brand(id, &ServerMsg::Brand(Box::new(view)).encode());
    }
}
