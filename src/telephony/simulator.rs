//! The built-in telephony simulator (demo and load tests). Per service it generates inbound
//! calls as a Poisson process at a configured rate, with callers partly drawn from the brand's
//! known customers; a caller not answered within their patience hangs up (abandoned); an
//! answered call lasts a random talk time and then the customer hangs up; outbound dials are
//! answered with a configured probability, else fail busy / no answer. It drives the engine
//! only through the same `Engine` methods the gateway API uses, and follows the PBX commands.

use super::{Command, CommandKind};
use crate::domain::model::{BrandId, CallId, CallOutcome};
use crate::engine::Engine;
use actix::prelude::*;
use rand::Rng;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimService {
    /// Brand id; may be left out when the service code is unique.
    pub brand: Option<BrandId>,
    pub code: String,
    pub calls_per_minute: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimConfig {
    /// Share (0..1) of callers who are known customers of the brand.
    pub known_customer_share: f64,
    /// Seconds a caller waits before hanging up: [min, max].
    pub patience_s: [u64; 2],
    /// Seconds a call lasts once answered: [min, max].
    pub talk_s: [u64; 2],
    /// Probability (0..1) that an outbound dial is answered.
    pub outbound_answer_probability: f64,
    /// Seconds an outbound dial rings before it is answered or fails: [min, max].
    pub outbound_ring_s: [u64; 2],
    #[serde(rename = "service", default)]
    pub services: Vec<SimService>,
}

impl SimConfig {
    pub fn load(path: &Path) -> Result<SimConfig, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("simulator file {}: {e}", path.display()))?;
        let c: SimConfig = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        c.validate()?;
        Ok(c)
    }

    pub fn validate(&self) -> Result<(), String> {
        let share = |v: f64| (0.0..=1.0).contains(&v);
        if !share(self.known_customer_share) || !share(self.outbound_answer_probability) {
            return Err("shares and probabilities must be between 0 and 1".into());
        }
        for (name, r) in [
            ("patience_s", self.patience_s),
            ("talk_s", self.talk_s),
            ("outbound_ring_s", self.outbound_ring_s),
        ] {
            if r[0] > r[1] {
                return Err(format!("{name}: min is above max"));
            }
        }
        if self
            .services
            .iter()
            .any(|s| s.calls_per_minute.is_nan() || s.calls_per_minute < 0.0)
        {
            return Err("calls_per_minute must be zero or more".into());
        }
        Ok(())
    }
}

struct SimCall {
    answered: bool,
    /// On hold: a caller who would hang up now waits until resumed.
    held: bool,
    /// The talk time ran out while on hold: hang up soon after the resume.
    hangup_due: bool,
}

impl SimCall {
    fn new(answered: bool) -> Self {
        SimCall {
            answered,
            held: false,
            hangup_due: false,
        }
    }
}

/// How long a simulated caller stays after being taken off hold when their time was up.
const AFTER_RESUME: Duration = Duration::from_secs(3);

pub struct Simulator {
    engine: Option<Engine>,
    config: SimConfig,
    known: HashMap<BrandId, Vec<String>>,
    calls: HashMap<CallId, SimCall>,
}

/// Tells the simulator which engine to drive (the engine needs the simulator's address first).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Attach(pub Engine);

fn pick(r: [u64; 2]) -> Duration {
    Duration::from_secs(rand::thread_rng().gen_range(r[0]..=r[1]))
}

impl Simulator {
    pub fn new(config: SimConfig) -> Self {
        Simulator {
            engine: None,
            config,
            known: HashMap::new(),
            calls: HashMap::new(),
        }
    }

    fn schedule_arrival(&self, idx: usize, ctx: &mut Context<Self>) {
        let rate = self.config.services[idx].calls_per_minute / 60.0;
        if rate <= 0.0 {
            return;
        }
        let u: f64 = rand::thread_rng().gen_range(0.0..1.0);
        let secs = -(1.0 - u).ln() / rate;
        ctx.run_later(
            Duration::from_secs_f64(secs.min(3600.0)),
            move |act, ctx| {
                act.arrive(idx, ctx);
                act.schedule_arrival(idx, ctx);
            },
        );
    }

    fn caller(&self, brand: Option<BrandId>) -> String {
        let mut rng = rand::thread_rng();
        let known = brand
            .and_then(|b| self.known.get(&b))
            .or_else(|| self.known.values().next());
        if let Some(list) = known.filter(|l| !l.is_empty()) {
            if rng.gen_bool(self.config.known_customer_share) {
                return list[rng.gen_range(0..list.len())].clone();
            }
        }
        format!("010{:08}", rng.gen_range(0..100_000_000u32))
    }

    fn arrive(&mut self, idx: usize, ctx: &mut Context<Self>) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let svc = self.config.services[idx].clone();
        let from = self.caller(svc.brand);
        let patience = pick(self.config.patience_s);
        async move { engine.inbound_call(svc.brand, &svc.code, &from, None).await }
            .into_actor(self)
            .map(move |res, act, ctx| match res {
                Ok(call) => {
                    act.wait_in_queue(call.call_id, patience, ctx);
                }
                Err(e) => tracing::warn!(error = %e, "simulated call refused"),
            })
            .spawn(ctx);
    }

    /// A caller waiting for an agent hangs up after `patience` unless answered by then.
    fn wait_in_queue(&mut self, call_id: CallId, patience: Duration, ctx: &mut Context<Self>) {
        self.calls.insert(call_id, SimCall::new(false));
        ctx.run_later(patience, move |act, _| {
            if act.calls.get(&call_id).is_some_and(|c| !c.answered) {
                act.calls.remove(&call_id);
                act.hangup(call_id);
            }
        });
    }

    /// A talking caller hangs up after `after`, or, when on hold then, soon after the resume.
    fn talk_for(&mut self, call_id: CallId, after: Duration, ctx: &mut Context<Self>) {
        ctx.run_later(after, move |act, _| {
            let Some(c) = act.calls.get_mut(&call_id) else {
                return;
            };
            if c.held {
                c.hangup_due = true;
                return;
            }
            act.calls.remove(&call_id);
            act.hangup(call_id);
        });
    }

    fn hangup(&self, call_id: CallId) {
        if let Some(engine) = self.engine.clone() {
            actix::spawn(async move {
                let _ = engine.customer_hangup(call_id).await;
            });
        }
    }
}

impl Actor for Simulator {
    type Context = Context<Self>;
}

impl Handler<Attach> for Simulator {
    type Result = ();
    fn handle(&mut self, m: Attach, ctx: &mut Context<Self>) {
        for b in m.0.store.brands().unwrap_or_default() {
            let phones =
                m.0.store
                    .customers(b.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|c| c.phone)
                    .collect();
            self.known.insert(b.id, phones);
        }
        self.engine = Some(m.0);
        for i in 0..self.config.services.len() {
            self.schedule_arrival(i, ctx);
        }
        tracing::info!(
            services = self.config.services.len(),
            "telephony simulator running"
        );
    }
}

impl Handler<Command> for Simulator {
    type Result = ();
    fn handle(&mut self, cmd: Command, ctx: &mut Context<Self>) {
        let id = cmd.call_id;
        match cmd.command {
            CommandKind::Ring | CommandKind::StopRing => {}
            CommandKind::Bridge => {
                self.calls
                    .entry(id)
                    .or_insert_with(|| SimCall::new(true))
                    .answered = true;
                let talk = pick(self.config.talk_s);
                self.talk_for(id, talk, ctx);
            }
            CommandKind::Hold | CommandKind::Resume => {
                let on = cmd.command == CommandKind::Hold;
                let due = match self.calls.get_mut(&id) {
                    Some(c) => {
                        c.held = on;
                        !on && std::mem::take(&mut c.hangup_due)
                    }
                    None => false,
                };
                if due {
                    self.talk_for(id, AFTER_RESUME, ctx);
                }
            }
            CommandKind::Transfer => {
                // The caller stays on the line and waits again, as the new call.
                self.calls.remove(&id);
                if let Some(t) = cmd.transfer {
                    let patience = pick(self.config.patience_s);
                    self.wait_in_queue(t.new_call_id, patience, ctx);
                }
            }
            CommandKind::Dtmf => {
                tracing::debug!(call_id = id, digits = ?cmd.digits, "simulated tones");
            }
            CommandKind::Originate => {
                let ring = pick(self.config.outbound_ring_s);
                let p = self.config.outbound_answer_probability;
                ctx.run_later(ring, move |act, _| {
                    let Some(engine) = act.engine.clone() else {
                        return;
                    };
                    let mut rng = rand::thread_rng();
                    let answered = rng.gen_bool(p);
                    let busy = rng.gen_bool(0.5);
                    actix::spawn(async move {
                        let _ = if answered {
                            engine.far_end_answered(id).await
                        } else if busy {
                            engine.dial_failed(id, CallOutcome::Busy).await
                        } else {
                            engine.dial_failed(id, CallOutcome::NoAnswer).await
                        };
                    });
                });
            }
            CommandKind::Hangup => {
                self.calls.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_simulator_file_is_valid() {
        let c = SimConfig::load(Path::new("data/demo/simulator.toml")).unwrap();
        assert_eq!(c.services.len(), 3);
        assert!(c.services.iter().all(|s| s.calls_per_minute > 0.0));
    }

    #[test]
    fn nonsense_settings_are_refused() {
        let mut c = SimConfig::load(Path::new("data/demo/simulator.toml")).unwrap();
        c.outbound_answer_probability = 1.5;
        assert!(c.validate().is_err());
        let mut c = SimConfig::load(Path::new("data/demo/simulator.toml")).unwrap();
        c.talk_s = [10, 5];
        assert!(c.validate().is_err());
    }
}
