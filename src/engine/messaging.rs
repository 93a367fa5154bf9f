//! Messages on the engine: accepting one (stored durably, in the outbox, before the sender is
//! answered), handing it to the brand's provider in the background, recording the result and
//! pushing it to the sender's desks (`message` frame). Messages still in the outbox at start-up
//! (the server died between the ack and the provider's answer) are handed over again under the
//! same idempotency key.

use super::Engine;
use crate::domain::message::Message;
use crate::error::AppResult;
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
        let (saved, new) = self
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
            .await?;
        if new {
            self.dispatch(saved.clone());
        }
        Ok((saved, new))
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
