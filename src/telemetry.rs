//! Tracing set-up (structured logs to stderr, filtered by `RUST_LOG`, default `info`) and the
//! process's metrics: one Prometheus recorder (the `metrics` crate and its exporter) that the
//! engine records into and `/metrics` renders — the histograms an operator reads are the same
//! figures the load test reports (offer latency, note-save ack, queue wait, per-socket pending
//! output).

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Gateway POST → `call.offered` handed to the desk's socket (first offer of an inbound call).
pub const OFFER_LATENCY: &str = "calldesk_offer_latency_seconds";
/// A caller's wait: arrival → answered or abandoned (label `outcome`).
pub const QUEUE_WAIT: &str = "calldesk_queue_wait_seconds";
/// `note.save` received → its `ack` (the note is on disk).
pub const NOTE_SAVE: &str = "calldesk_note_save_seconds";
/// Each desk socket's output waiting for its writer, sampled every second.
pub const SOCKET_PENDING: &str = "calldesk_socket_pending_bytes";
/// An event frame (an offer, an answer's `ack`…) pushed to a desk socket → its writer taking
/// it: the wait behind the other sockets of the same HTTP worker.
pub const SOCKET_WAIT: &str = "calldesk_socket_wait_seconds";
/// One commit of the store's writer (a batch of writes, fsync included).
pub const STORE_COMMIT: &str = "calldesk_store_commit_seconds";
/// Writes per commit of the store's writer.
pub const STORE_BATCH: &str = "calldesk_store_batch_writes";
/// Desk sockets the server dropped (label `reason`: timeout, over_limit, behind).
pub const SOCKETS_DROPPED: &str = "calldesk_sockets_dropped_total";

const SECONDS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25,
    0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
];
const WRITES: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0];
const BYTES: &[f64] = &[
    0.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
];

/// The process's recorder, installed on first use. A process that already has another global
/// recorder gets a handle of its own (it renders what is recorded through it: nothing).
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = || {
            PrometheusBuilder::new()
                .set_buckets(SECONDS)
                .and_then(|b| b.set_buckets_for_metric(Matcher::Full(SOCKET_PENDING.into()), BYTES))
                .and_then(|b| b.set_buckets_for_metric(Matcher::Full(STORE_BATCH.into()), WRITES))
                .expect("bucket lists are not empty")
        };
        match builder().install_recorder() {
            Ok(h) => {
                describe();
                h
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed");
                builder().build_recorder().handle()
            }
        }
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_histogram!(
        OFFER_LATENCY,
        Unit::Seconds,
        "Gateway POST to call.offered handed to the desk's socket (first offer)."
    );
    describe_histogram!(
        QUEUE_WAIT,
        Unit::Seconds,
        "A caller's wait from arrival to answered or abandoned."
    );
    describe_histogram!(
        NOTE_SAVE,
        Unit::Seconds,
        "note.save received to its ack (on disk)."
    );
    describe_histogram!(
        SOCKET_PENDING,
        Unit::Bytes,
        "Output waiting for each desk socket's writer, sampled every second."
    );
    describe_histogram!(
        SOCKET_WAIT,
        Unit::Seconds,
        "An event frame pushed to a desk socket until its writer takes it."
    );
    describe_histogram!(
        STORE_COMMIT,
        Unit::Seconds,
        "One commit of the store's writer (a batch of writes, fsync included)."
    );
    describe_histogram!(STORE_BATCH, "Writes per commit of the store's writer.");
    describe_counter!(
        SOCKETS_DROPPED,
        "Desk sockets the server dropped, by reason."
    );
    describe_gauge!(
        "calldesk_live_calls",
        "Calls in progress (queued, ringing, talking, dialing)."
    );
    describe_gauge!("calldesk_desk_sockets", "Open desk sockets.");
    describe_gauge!("calldesk_agents", "Agents known to the engine.");
    describe_counter!(
        "calldesk_calls_total",
        "Calls ever created (inbound and outbound)."
    );
    describe_gauge!(
        "calldesk_socket_pending_bytes_max",
        Unit::Bytes,
        "The most output any one desk socket has waiting now."
    );
}
