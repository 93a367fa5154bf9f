//! `Distributor`: one per brand; matches waiting calls to ready agents. Per service it keeps the
//! ready agents ordered by ready-since (longest idle first) in a `BTreeSet` and the waiting calls
//! in arrival order (a call taken back from a ring goes to the head). Every event touches only
//! the services concerned: O(log n) per match, never a scan of all agents × all queues.
//!
//! An offer is a handshake: the chosen agent is taken out of every ready set, and the agent
//! actor accepts only if it is still ready. A refused offer puts the call back at the head and
//! the next agent is tried. So no call rings two agents and no agent holds two calls.

use super::agent::AgentActor;
use super::call::CallActor;
use super::messages::*;
use super::queue::QueueActor;
use crate::domain::model::{AgentId, CallId};
use crate::protocol::CallView;
use actix::prelude::*;
use chrono::{DateTime, Utc};
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::sync::Arc;

struct Waiting {
    call: CallView,
    addr: Addr<CallActor>,
    arrived_at: DateTime<Utc>,
}

#[derive(Default)]
struct Lane {
    ready: BTreeSet<(DateTime<Utc>, AgentId)>,
    waiting: VecDeque<Waiting>,
}

struct ReadyAgent {
    since: DateTime<Utc>,
    services: Vec<String>,
    addr: Addr<AgentActor>,
}

pub struct Distributor {
    lanes: HashMap<String, Lane>,
    ready: HashMap<AgentId, ReadyAgent>,
    queues: Arc<HashMap<String, Addr<QueueActor>>>,
}

impl Distributor {
    pub fn new(queues: Arc<HashMap<String, Addr<QueueActor>>>) -> Self {
        Distributor {
            lanes: HashMap::new(),
            ready: HashMap::new(),
            queues,
        }
    }

    fn take_agent(&mut self, id: AgentId) -> Option<ReadyAgent> {
        let a = self.ready.remove(&id)?;
        for s in &a.services {
            if let Some(l) = self.lanes.get_mut(s) {
                l.ready.remove(&(a.since, id));
            }
        }
        Some(a)
    }

    /// Matches as long as `service` has both a waiting call and a ready agent.
    fn dispatch(&mut self, service: &str, ctx: &mut Context<Self>) {
        loop {
            let Some(lane) = self.lanes.get_mut(service) else {
                return;
            };
            if lane.waiting.is_empty() {
                return;
            }
            let Some(&(_, agent_id)) = lane.ready.first() else {
                return;
            };
            let call = lane.waiting.pop_front().expect("non-empty");
            let agent = self.take_agent(agent_id).expect("ready agent is indexed");
            self.offer(agent_id, agent, call, ctx);
        }
    }

    /// A newly ready agent takes the longest-waiting call among its services.
    fn dispatch_agent(&mut self, agent_id: AgentId, ctx: &mut Context<Self>) {
        let Some(a) = self.ready.get(&agent_id) else {
            return;
        };
        let best = a
            .services
            .iter()
            .filter_map(|s| {
                let head = self.lanes.get(s)?.waiting.front()?;
                Some((head.arrived_at, s.clone()))
            })
            .min();
        if let Some((_, service)) = best {
            self.dispatch(&service, ctx);
        }
    }

    fn offer(&mut self, agent_id: AgentId, agent: ReadyAgent, w: Waiting, ctx: &mut Context<Self>) {
        let service = w.call.service.clone();
        if let Some(q) = self.queues.get(&service) {
            q.do_send(QueueLeft {
                call_id: w.call.call_id,
            });
        }
        tracing::debug!(agent_id, call_id = w.call.call_id, "offer");
        agent
            .addr
            .send(Offer {
                call: w.call.clone(),
                call_addr: w.addr.clone(),
            })
            .into_actor(self)
            .map(move |res, act, ctx| {
                if res != Ok(true) {
                    // Refused (no longer ready) or unreachable: back to the head, try the next.
                    act.requeue(w, true);
                    act.dispatch(&service, ctx);
                }
            })
            .spawn(ctx);
    }

    fn requeue(&mut self, w: Waiting, at_head: bool) {
        if let Some(q) = self.queues.get(&w.call.service) {
            q.do_send(QueueJoined {
                call_id: w.call.call_id,
                since: w.arrived_at,
            });
        }
        let lane = self.lanes.entry(w.call.service.clone()).or_default();
        if at_head {
            lane.waiting.push_front(w);
        } else {
            lane.waiting.push_back(w);
        }
    }

    fn remove_call(&mut self, service: &str, call_id: CallId) -> bool {
        let Some(lane) = self.lanes.get_mut(service) else {
            return false;
        };
        let before = lane.waiting.len();
        lane.waiting.retain(|w| w.call.call_id != call_id);
        before != lane.waiting.len()
    }
}

impl Actor for Distributor {
    type Context = Context<Self>;
    fn started(&mut self, ctx: &mut Self::Context) {
        ctx.set_mailbox_capacity(100_000);
    }
}

impl Handler<Enqueue> for Distributor {
    type Result = ();
    fn handle(&mut self, m: Enqueue, ctx: &mut Context<Self>) {
        let service = m.call.service.clone();
        self.requeue(
            Waiting {
                call: m.call,
                addr: m.addr,
                arrived_at: m.arrived_at,
            },
            m.at_head,
        );
        self.dispatch(&service, ctx);
    }
}

impl Handler<AgentReady> for Distributor {
    type Result = ();
    fn handle(&mut self, m: AgentReady, ctx: &mut Context<Self>) {
        self.take_agent(m.agent_id);
        for s in &m.services {
            self.lanes
                .entry(s.clone())
                .or_default()
                .ready
                .insert((m.since, m.agent_id));
        }
        self.ready.insert(
            m.agent_id,
            ReadyAgent {
                since: m.since,
                services: m.services,
                addr: m.addr,
            },
        );
        self.dispatch_agent(m.agent_id, ctx);
    }
}

impl Handler<AgentNotReady> for Distributor {
    type Result = ();
    fn handle(&mut self, m: AgentNotReady, _: &mut Context<Self>) {
        self.take_agent(m.agent_id);
    }
}

impl Handler<Dequeue> for Distributor {
    type Result = ();
    fn handle(&mut self, m: Dequeue, _: &mut Context<Self>) {
        if self.remove_call(&m.service, m.call_id) {
            if let Some(q) = self.queues.get(&m.service) {
                q.do_send(QueueLeft { call_id: m.call_id });
            }
        }
    }
}

impl Handler<QueuesChanged> for Distributor {
    type Result = ();
    fn handle(&mut self, m: QueuesChanged, _: &mut Context<Self>) {
        self.queues = m.0;
    }
}

impl Handler<ExplainRouting> for Distributor {
    type Result = MessageResult<ExplainRouting>;
    fn handle(&mut self, m: ExplainRouting, _: &mut Context<Self>) -> Self::Result {
        let Some(a) = self.ready.get(&m.agent_id) else {
            return MessageResult(Vec::new());
        };
        let me = (a.since, m.agent_id);
        let places = a
            .services
            .iter()
            .map(|s| {
                let lane = self.lanes.get(s);
                crate::protocol::LinePlace {
                    service: s.clone(),
                    position: lane
                        .map(|l| l.ready.range(..me).count() as u32 + 1)
                        .unwrap_or(1),
                    ready: lane.map(|l| l.ready.len() as u32).unwrap_or(0),
                    waiting: lane.map(|l| l.waiting.len() as u32).unwrap_or(0),
                }
            })
            .collect();
        MessageResult(places)
    }
}

impl Handler<WhereAmI> for Distributor {
    type Result = MessageResult<WhereAmI>;
    fn handle(&mut self, _: WhereAmI, _: &mut Context<Self>) -> Self::Result {
        MessageResult(std::thread::current().id())
    }
}
