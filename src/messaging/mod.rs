//! Message providers (문자발송): one trait that hands an accepted SMS / LMS / AlimTalk to a
//! carrier and says what happened, with two implementations — the built-in outbox (keeps the
//! message and marks it sent; the demo needs no outside service) and an HTTP provider shaped
//! like NHN Cloud's AlimTalk and SMS APIs. A brand picks one with its `messaging` setting.

pub mod nhn;
pub mod outbox;

use crate::domain::message::{Delivery, Message};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Delivery> + 'a>>;

/// Hands one message to a carrier. Never fails as a Rust error: a refusal or an unreachable
/// carrier is a `Delivery` with status `failed` and a reason a person can read. The same message
/// may be handed over twice (after a restart); `Message::idempotency_key` lets the carrier drop
/// the repeat.
pub trait MessageProvider: Send + Sync {
    fn send<'a>(&'a self, m: &'a Message) -> SendFuture<'a>;
}

pub use crate::domain::links::MessagingLink;

/// The provider for a brand's setting.
pub fn provider_for(link: Option<&MessagingLink>) -> Arc<dyn MessageProvider> {
    match link {
        None | Some(MessagingLink::Outbox) => Arc::new(outbox::Outbox),
        Some(MessagingLink::Nhn(c)) => Arc::new(nhn::Nhn::new((**c).clone())),
    }
}
