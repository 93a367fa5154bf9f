//! `Application::build`: opens the store (seeding the demo when asked and empty), starts the
//! engine's actors, the simulator and the HTTP server, and binds (port 0 in tests picks a free
//! port). Graceful stop writes the final realtime snapshot.

use crate::api::{self, AppState};
use crate::config::Settings;
use crate::domain::clock::SharedClock;
use crate::engine::messages::FlushSnapshot;
use crate::engine::{Engine, EngineSettings};
use crate::store::Store;
use crate::telephony::simulator::{Attach, SimConfig, Simulator};
use crate::telephony::CommandBus;
use actix::Actor;
use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpServer};
use std::net::TcpListener;
use std::sync::Arc;

pub struct Application {
    server: Server,
    port: u16,
    engine: Engine,
}

impl Application {
    /// Opens the store the settings name and builds the application on it.
    pub async fn build(settings: Settings, clock: SharedClock) -> Result<Application, String> {
        let store = match &settings.data_dir {
            Some(dir) => {
                Store::open_with(dir, settings.store_cache_mib, settings.store_quick_repair)
                    .map_err(|e| format!("store {}: {e}", dir.display()))?
            }
            None => Store::in_memory().map_err(|e| e.to_string())?,
        };
        Self::build_with_store(settings, clock, store).await
    }

    /// Builds on a store the caller opened (tests put their fixture in first).
    pub async fn build_with_store(
        settings: Settings,
        clock: SharedClock,
        store: Store,
    ) -> Result<Application, String> {
        crate::sched::configure(settings.thread_classes);
        // The metrics recorder is in place before anything records.
        crate::telemetry::metrics();
        // Bind first: a taken port ends start-up before any actor runs.
        let listener = TcpListener::bind(&settings.listen)
            .map_err(|e| format!("bind {}: {e}", settings.listen))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        if settings.demo {
            let dir = settings.demo_dir.clone();
            let s = store.clone();
            let (seeded, added) = web::block(move || {
                let seeded = crate::demo::seed_if_empty(&s, &dir)?;
                let added = crate::demo::top_up(&s, &dir)?;
                Ok::<_, String>((seeded, added))
            })
            .await
            .map_err(|e| e.to_string())??;
            tracing::info!(seeded, alimtalk_templates_added = added, "demo brand");
        }
        // No call survives a restart: notes typed but not saved become the notes.
        let committed = store
            .write(crate::store::commit_all_drafts)
            .await
            .map_err(|e| format!("note drafts: {e}"))?;
        if committed > 0 {
            tracing::info!(committed, "unsaved note drafts kept as notes");
        }
        let mut bus = CommandBus::new(
            settings.telephony_webhook.clone(),
            settings.telephony_key.clone(),
        );
        let simulator = if settings.simulator {
            let cfg = SimConfig::load(&settings.simulator_file)?;
            let addr = Simulator::new(cfg).start();
            bus = bus.with_simulator(addr.clone().recipient());
            Some(addr)
        } else {
            None
        };
        let engine = Engine::start(
            store,
            clock,
            bus,
            EngineSettings {
                demo_dir: settings.demo_dir.clone(),
                dial_timeout_s: settings.dial_timeout_s,
                snapshot_interval_ms: settings.snapshot_interval_ms,
                disconnect_grace_s: settings.disconnect_grace_s,
            },
        )
        .map_err(|e| e.to_string())?;
        if let Some(sim) = simulator {
            sim.do_send(Attach(engine.clone()));
        }
        let state = web::Data::new(AppState {
            engine: engine.clone(),
            settings: Arc::new(settings),
            uploads: api::Slots::new(crate::bulk::PARSES_AT_ONCE),
            hashing: api::hashing::HashPool::for_server(),
            throttle: Default::default(),
        });
        crate::ws::start_watchdog(engine.clone());
        crate::engine::retention::start(engine.clone());
        crate::store::warm::start(engine.store.clone());
        if let Some(dir) = &state.settings.data_dir {
            // `calldesk backup` reaches the running server here.
            crate::control::start(engine.store.clone(), dir)
                .map_err(|e| format!("control socket in {}: {e}", dir.display()))?;
        }
        let http_workers = state.settings.http_workers;
        let server = HttpServer::new(move || {
            // Runs on each worker as it starts: the desks' sockets and the gateway live here.
            crate::sched::latency_critical();
            App::new()
                .wrap(api::security_headers())
                .app_data(state.clone())
                .configure(api::configure)
        })
        .on_connect(tune_connection)
        .workers(http_workers)
        .listen(listener)
        .map_err(|e| e.to_string())?
        .shutdown_timeout(5)
        .run();
        Ok(Application {
            server,
            port,
            engine,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until the server stops (Ctrl-C / SIGTERM), then writes the final snapshots.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let engine = self.engine.clone();
        let res = self.server.await;
        flush(&engine).await;
        // Last: the store's closing commit, so the next start opens it at once.
        engine.store.close().await;
        res
    }
}

/// Per connection: no Nagle delay on pushes, and a peer that stops acknowledging what we send
/// (a desk whose network vanished) makes the kernel give up after `TCP_USER_TIMEOUT` instead of
/// the default ~15 minutes of retransmits.
fn tune_connection(conn: &dyn std::any::Any, _ext: &mut actix_web::dev::Extensions) {
    if let Some(tcp) = conn.downcast_ref::<actix_web::rt::net::TcpStream>() {
        let _ = tcp.set_nodelay(true);
        let sock = socket2::SockRef::from(tcp);
        let _ = sock.set_tcp_user_timeout(Some(TCP_USER_TIMEOUT));
    }
}

/// How long unacknowledged data may sit in a connection before the kernel drops it.
pub const TCP_USER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// Writes every brand's realtime snapshot now.
pub async fn flush(engine: &Engine) {
    let stats: Vec<_> = engine
        .registry
        .brands
        .iter()
        .map(|b| b.stats.clone())
        .collect();
    for s in stats {
        let _ = s.send(FlushSnapshot).await;
    }
    tracing::info!("realtime state snapshotted");
}
