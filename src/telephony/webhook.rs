//! Sends PBX commands as JSON webhooks (`POST <url>` with `X-Telephony-Key`), in order per
//! process, retrying a failed delivery a few times with a short backoff.

use super::Command;
use std::time::Duration;
use tokio::sync::mpsc;

const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct Webhook {
    tx: mpsc::UnboundedSender<Command>,
}

impl Webhook {
    /// Starts the sender task on the current actix runtime.
    pub fn new(url: String, key: String) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Command>();
        actix::spawn(async move {
            let client = awc::Client::builder()
                .timeout(Duration::from_secs(5))
                .finish();
            while let Some(cmd) = rx.recv().await {
                let mut delay = Duration::from_millis(100);
                for attempt in 1..=ATTEMPTS {
                    let res = client
                        .post(&url)
                        .insert_header(("X-Telephony-Key", key.as_str()))
                        .send_json(&cmd)
                        .await;
                    match res {
                        Ok(r) if r.status().is_success() => break,
                        Ok(r) => tracing::warn!(status = %r.status(), attempt, "webhook refused"),
                        Err(e) => tracing::warn!(error = %e, attempt, "webhook failed"),
                    }
                    if attempt < ATTEMPTS {
                        actix::clock::sleep(delay).await;
                        delay *= 4;
                    } else {
                        tracing::error!(call_id = cmd.call_id, "webhook given up");
                    }
                }
            }
        });
        Webhook { tx }
    }

    pub fn post(&self, cmd: Command) {
        let _ = self.tx.send(cmd);
    }
}
