//! The dashmap directory of the running engine: actors by id (agents, calls, per-brand
//! distributor / stats / queues) and the open desk sockets of each agent, with the fan-out
//! helpers that push one encoded frame to an agent's sockets or to a whole brand.

use super::agent::AgentActor;
use super::call::CallActor;
use super::distributor::Distributor;
use super::messages::{CloseSession, Push};
use super::queue::QueueActor;
use super::stats::StatsActor;
use crate::domain::model::{AgentId, AgentPublic, Brand, BrandId, CallId, Service};
use actix::{Addr, Recipient};
use dashmap::DashMap;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct AgentEntry {
    pub addr: Addr<AgentActor>,
    pub public: AgentPublic,
}

#[derive(Clone)]
pub struct BrandRuntime {
    pub brand: Arc<Brand>,
    pub services: Arc<Vec<Service>>,
    pub distributor: Addr<Distributor>,
    pub stats: Addr<StatsActor>,
    pub queues: Arc<HashMap<String, Addr<QueueActor>>>,
}

#[derive(Clone)]
pub struct SessionHandle {
    pub id: u64,
    pub push: Recipient<Push>,
    pub close: Recipient<CloseSession>,
}

#[derive(Default)]
pub struct Registry {
    pub agents: DashMap<AgentId, AgentEntry>,
    pub calls: DashMap<CallId, Addr<CallActor>>,
    pub brands: DashMap<BrandId, BrandRuntime>,
    pub brand_agents: DashMap<BrandId, Vec<AgentId>>,
    pub sessions: DashMap<AgentId, Vec<SessionHandle>>,
    /// token → agent, a cache in front of the sessions table.
    pub tokens: DashMap<String, AgentId>,
    /// Every agent's current status (kept by the agent actors), for rules outside the actors.
    pub statuses: DashMap<AgentId, crate::domain::status::Status>,
    next_session: AtomicU64,
}

impl Registry {
    pub fn agent(&self, id: AgentId) -> Option<AgentEntry> {
        self.agents.get(&id).map(|e| e.clone())
    }

    /// Whether an agent is logged in now.
    pub fn logged_in(&self, id: AgentId) -> bool {
        self.statuses
            .get(&id)
            .is_some_and(|s| *s != crate::domain::status::Status::LoggedOut)
    }

    pub fn brand(&self, id: BrandId) -> Option<BrandRuntime> {
        self.brands.get(&id).map(|b| b.clone())
    }

    /// Registers a socket; returns its id and how many the agent now has open.
    pub fn add_session(
        &self,
        agent: AgentId,
        push: Recipient<Push>,
        close: Recipient<CloseSession>,
    ) -> (u64, usize) {
        let id = self.next_session.fetch_add(1, Ordering::Relaxed) + 1;
        let mut e = self.sessions.entry(agent).or_default();
        e.push(SessionHandle { id, push, close });
        (id, e.len())
    }

    /// Deregisters a socket; returns how many the agent still has open.
    pub fn remove_session(&self, agent: AgentId, id: u64) -> usize {
        let mut left = 0;
        if let Some(mut e) = self.sessions.get_mut(&agent) {
            e.retain(|s| s.id != id);
            left = e.len();
        }
        if left == 0 {
            self.sessions.remove_if(&agent, |_, v| v.is_empty());
        }
        left
    }

    pub fn session_count(&self, agent: AgentId) -> usize {
        self.sessions.get(&agent).map(|v| v.len()).unwrap_or(0)
    }

    pub fn has_sessions(&self, agent: AgentId) -> bool {
        self.session_count(agent) > 0
    }

    /// Sends one frame to every open socket of an agent.
    pub fn push_agent(&self, agent: AgentId, frame: &Arc<str>) {
        if let Some(v) = self.sessions.get(&agent) {
            for s in v.iter() {
                s.push.do_send(Push(frame.clone()));
            }
        }
    }

    /// Sends one frame to every open socket of a brand.
    pub fn push_brand(&self, brand: BrandId, frame: &Arc<str>) {
        if let Some(ids) = self.brand_agents.get(&brand) {
            for id in ids.iter() {
                self.push_agent(*id, frame);
            }
        }
    }

    /// Closes every socket of an agent (logout).
    pub fn close_agent(&self, agent: AgentId, reason: &str) {
        if let Some(v) = self.sessions.get(&agent) {
            for s in v.iter() {
                s.close.do_send(CloseSession(reason.to_string()));
            }
        }
    }
}
