//! The one integration-test binary: every feature through a real server (`spawn_app`).

mod admin;
mod admin_links;
mod auth;
mod backup;
mod bulk;
mod consultations;
mod controls;
mod crash;
mod customers;
mod desk;
mod floor;
mod floor_control;
mod hardening;
mod helpers;
mod messages;
mod notes;
mod onboarding;
mod orders;
mod outbound;
mod output;
mod persistence;
mod privacy;
mod reservations;
mod routing;
mod search;
mod sessions;
mod simulator;
mod stats;
mod telephony;
mod templates;
mod wallboard;
#[path = "../common/xlsx.rs"]
mod xlsx;
