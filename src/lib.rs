//! calldesk: a Korean call-center consultation desk. Module list only; see README.md.

pub mod api;
pub mod bulk;
pub mod config;
pub mod control;
pub mod demo;
pub mod domain;
pub mod engine;
pub mod error;
pub mod messaging;
pub mod onboarding;
pub mod protocol;
pub mod sched;
pub mod search;
pub mod shop;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod telephony;
pub mod volume;
pub mod ws;
