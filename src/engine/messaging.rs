//! Messages on the engine: accepting one (stored durably, in the outbox, before the sender is
//! answered), handing it to the brand's provider in the background, recording the result and
//! pushing it to the sender's desks (`message` frame). Messages still in the outbox at start-up
//! (the server died between the ack and the provider's answer) are handed over again under the
//! same idempotency key. Sends are rate-limited per agent and per brand (429 `rate_limited`).

use super::registry::RateKey;
use super::Engine;
use crate::domain::message::Message;
use crate::domain::model::{AgentId, BrandId};
use crate::domain::rate::TokenBucket;
use crate::error::{AppError, AppResult};
use crate::protocol::ServerMsg;
use crate::store;

impl Engine {
    /// Stores `m` (durable before this returns) and starts its delivery. A client key the agent
    /// already used returns the message sent under it (`false`) instead of sending again.
    pub async fn accept_message(
        &self,
        m: Message,
        client_key: Option<String>,
    ) -> AppResult<(Message, bool)> {
        let (agent, brand) = (m.agent_id, m.brand_id);
        self.take_send_rate(agent, brand)?;
        let saved = self
            .store
            .write(move |tx| {
                let (saved, new) = store::create_message(tx, &m, client_key.as_deref())?;
                if new {
                    store::audit(
                        tx,
                        &serde_json::json!({"at": saved.created_at, "by": saved.agent_id,
                            "action": "message.send", "message": saved.id, "kind": saved.kind}),
                    )?;
                }
                Ok((saved, new))
            })
            .await;
        let (saved, new) = match saved {
            Ok(done) => done,
            Err(e) => {
                self.give_back_send_rate(agent, brand);
                return Err(e.into());
            }
        };
        if new {
            self.dispatch(saved.clone());
        } else {
            // A retry of an accepted send (same idempotency key) costs nothing.
            self.give_back_send_rate(agent, brand);
        }
        Ok((saved, new))
    }

    /// Counts one send against the agent's and the brand's rate (`MSG_*` in `domain::message`);
    /// 429 `rate_limited` with `Retry-After` past either (and neither is charged then).
    fn take_send_rate(&self, agent: AgentId, brand: BrandId) -> AppResult<()> {
        use crate::domain::message::{
            MSG_AGENT_BURST, MSG_AGENT_PER_MIN, MSG_BRAND_BURST, MSG_BRAND_PER_MIN,
        };
        let now = std::time::Instant::now();
        let limits = [
            (
                RateKey::Agent(agent),
                MSG_AGENT_PER_MIN,
                MSG_AGENT_BURST,
                "문자는 상담사 한 명이 1분에 {}건까지 보낼 수 있습니다. 잠시 후 다시 보내세요",
            ),
            (
                RateKey::Brand(brand),
                MSG_BRAND_PER_MIN,
                MSG_BRAND_BURST,
                "센터 전체 발송 한도(1분에 {}건)에 닿았습니다. 잠시 후 다시 보내세요",
            ),
        ];
        for (i, (key, per_min, burst, message)) in limits.iter().enumerate() {
            let taken = self
                .registry
                .message_rates
                .entry(*key)
                .or_insert_with(|| TokenBucket::new(per_min / 60.0, *burst, now))
                .take(now);
            if let Err(wait) = taken {
                for (earlier, ..) in &limits[..i] {
                    if let Some(mut b) = self.registry.message_rates.get_mut(earlier) {
                        b.give_back();
                    }
                }
                return Err(AppError::rate_limited(
                    message.replace("{}", &per_min.to_string()),
                    wait.as_secs_f64().ceil().max(1.0) as u64,
                ));
            }
        }
        Ok(())
    }

    fn give_back_send_rate(&self, agent: AgentId, brand: BrandId) {
        for key in [RateKey::Agent(agent), RateKey::Brand(brand)] {
            if let Some(mut b) = self.registry.message_rates.get_mut(&key) {
                b.give_back();
            }
        }
    }

    /// Hands one stored message to its brand's provider, off the caller's task.
    fn dispatch(&self, m: Message) {
        let engine = self.clone();
        actix_web::rt::spawn(async move {
            let Some(provider) = engine.messengers.get(&m.brand_id).map(|p| p.clone()) else {
                tracing::error!(brand_id = m.brand_id, "no message provider");
                return;
            };
            let delivery = provider.send(&m).await;
            let at = engine.now();
            let (brand, id) = (m.brand_id, m.id);
            let done = engine
                .store
                .write(move |tx| store::finish_message(tx, brand, id, &delivery, at))
                .await;
            match done {
                Ok(done) => engine
                    .registry
                    .push_agent(done.agent_id, &ServerMsg::Message(Box::new(done)).encode()),
                Err(e) => tracing::error!(message = id, error = %e, "message result not stored"),
            }
        });
    }

    /// Hands over again every message the provider had not answered before the last stop.
    pub fn resume_outbox(&self) {
        match self.store.outbox() {
            Ok(list) => {
                if !list.is_empty() {
                    tracing::info!(count = list.len(), "resending messages left in the outbox");
                }
                for m in list {
                    self.dispatch(m);
                }
            }
            Err(e) => tracing::error!(error = %e, "outbox not read"),
        }
    }
}
