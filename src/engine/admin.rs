//! Live effects of the admin console: a person created, changed, deactivated or reactivated
//! takes effect in the running engine at once — a new agent's actor starts, a changed service
//! list re-queues a ready agent, a role or name change is what the next request sees, a
//! deactivated agent's actor logs out (after the call in hand) and stops.

use super::messages::*;
use super::Engine;
use crate::domain::model::{Agent, AgentPublic};
use crate::error::AppResult;
use crate::protocol::StatusView;
use crate::store;

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
