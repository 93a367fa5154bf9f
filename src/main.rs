//! The `calldesk` command: `init` creates a brand and its first manager (the way to go live);
//! `serve` runs the server; `seed-demo` / `seed-load` seed the demo / load-test brand into an
//! empty data dir; `seed-volume` writes a year of data for the data-volume benchmark; `backup` /
//! `restore` copy the store out and back (a running server is asked through its control socket). Thin:
//! everything lives in the library.

/// mimalloc, chosen over the system allocator: a server whose threads allocate and free many
/// small frames (thousands of desks) keeps its memory bounded and returned instead of spread
/// over glibc's per-thread arenas.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use calldesk::config::{Overrides, Settings};
use calldesk::domain::clock::SystemClock;
use calldesk::startup::Application;
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "calldesk",
    version,
    about = "콜 상담 데스크 — call-center consultation desk"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "CALLDESK_LISTEN")]
        listen: Option<String>,
        /// Folder for the redb file.
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: Option<PathBuf>,
        /// Seed the demo brand into an empty data dir and run the simulator.
        #[arg(long)]
        demo: bool,
        /// Do not run the telephony simulator.
        #[arg(long)]
        no_simulator: bool,
        /// Shared secret of the telephony gateway (X-Telephony-Key).
        #[arg(long, env = "CALLDESK_TELEPHONY_KEY", hide_env_values = true)]
        telephony_key: Option<String>,
        /// URL that PBX commands are POSTed to.
        #[arg(long, env = "CALLDESK_TELEPHONY_WEBHOOK")]
        telephony_webhook: Option<String>,
        /// Settings file (default: ./calldesk.toml if present).
        #[arg(long, env = "CALLDESK_CONFIG")]
        config: Option<PathBuf>,
        /// HTTP worker threads (default: the cores, made odd).
        #[arg(long, env = "CALLDESK_HTTP_WORKERS", value_parser = clap::value_parser!(u16).range(1..=256))]
        http_workers: Option<u16>,
    },
    /// Create a brand and its first manager (then `serve` without `--demo`). The password is
    /// read from stdin, or from CALLDESK_INIT_PASSWORD; never from a flag.
    Init {
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: PathBuf,
        /// The brand's name, e.g. 하늘몰.
        #[arg(long)]
        brand: String,
        /// The first manager's login.
        #[arg(long)]
        login: String,
        /// IANA time zone of the brand's day.
        #[arg(long, default_value = "Asia/Seoul")]
        timezone: String,
        /// `manager` (default), or `admin` for the operator who creates further brands in the
        /// browser.
        #[arg(long, default_value = "manager")]
        role: String,
    },
    /// Seed the load-test brand (agents load0001…, password load1234) into an empty data dir.
    SeedLoad {
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, default_value_t = 1000)]
        agents: u32,
        /// Hash the password with the real parameters (the shift-start benchmark) instead of
        /// the light ones.
        #[arg(long)]
        real_hash: bool,
    },
    /// Write a year of a busy center's data into a brand (the demo brand is seeded first into
    /// an empty data dir): the data-volume benchmark's input. The server must be stopped.
    SeedVolume {
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long, default_value = "data/demo")]
        demo_dir: PathBuf,
        #[arg(long, default_value_t = 1)]
        brand: u32,
        #[arg(long, default_value_t = 0)]
        customers: u64,
        #[arg(long, default_value_t = 0)]
        consultations: u64,
        #[arg(long, default_value_t = 0)]
        reservations: u64,
        #[arg(long, default_value_t = 0)]
        messages: u64,
        /// Consultations are spread over this many days before today.
        #[arg(long, default_value_t = 365)]
        days: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write a consistent copy of the store to FILE. With the server running on the data dir it
    /// asks the server (through `<data-dir>/control.sock`), which copies while it serves; without
    /// it, it opens the store itself.
    Backup {
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place as the data dir's store (stop the server first). The current store
    /// is kept beside it as calldesk.redb.before-restore-<time>.
    Restore {
        #[arg(long, env = "CALLDESK_DATA_DIR")]
        data_dir: PathBuf,
        #[arg(long)]
        from: PathBuf,
    },
    /// Seed the demo brand into an empty data dir and exit.
    SeedDemo {
        #[arg(long, env = "CALLDESK_DATA_DIR", default_value = "./data/run")]
        data_dir: PathBuf,
        #[arg(long, default_value = "data/demo")]
        demo_dir: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    calldesk::telemetry::init();
    let cli = Cli::parse();
    match cli.cmd {
        Cmd::Serve {
            listen,
            data_dir,
            demo,
            no_simulator,
            telephony_key,
            telephony_webhook,
            config,
            http_workers,
        } => {
            let settings = match Settings::load(Overrides {
                config,
                listen,
                data_dir,
                demo,
                no_simulator,
                telephony_key,
                telephony_webhook,
                http_workers: http_workers.map(usize::from),
            }) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("calldesk: {e}");
                    return std::process::ExitCode::from(2);
                }
            };
            match actix_web::rt::System::new().block_on(serve(settings)) {
                Ok(()) => std::process::ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("calldesk: {e}");
                    std::process::ExitCode::FAILURE
                }
            }
        }
        Cmd::Init {
            data_dir,
            brand,
            login,
            timezone,
            role,
        } => {
            let role = match role.as_str() {
                "manager" => calldesk::domain::model::Role::Manager,
                "admin" => calldesk::domain::model::Role::Admin,
                other => {
                    eprintln!("calldesk init: --role is manager or admin (got '{other}')");
                    return std::process::ExitCode::from(2);
                }
            };
            let password = match init_password() {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("calldesk init: {e}");
                    return std::process::ExitCode::from(2);
                }
            };
            let res = calldesk::store::Store::open(&data_dir)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    let r =
                        calldesk::onboarding::init(&s, &brand, &login, &password, &timezone, role);
                    s.close_blocking();
                    r
                });
            finish(
                "init",
                res.map(|made| {
                    format!(
                        "brand '{brand}' (id {}) and manager '{login}' created in {}; now run: calldesk serve --data-dir {} and sign in at /login",
                        made.brand_id,
                        data_dir.display(),
                        data_dir.display()
                    )
                }),
            )
        }
        Cmd::SeedLoad {
            data_dir,
            agents,
            real_hash,
        } => {
            let res = calldesk::store::Store::open(&data_dir)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    let r = calldesk::demo::seed_load(&s, agents, real_hash);
                    s.close_blocking();
                    r
                });
            report_seed(res, &data_dir)
        }
        Cmd::SeedVolume {
            data_dir,
            demo_dir,
            brand,
            customers,
            consultations,
            reservations,
            messages,
            days,
            seed,
        } => {
            let spec = calldesk::volume::VolumeSpec {
                brand,
                customers,
                consultations,
                reservations,
                messages,
                days,
                seed,
            };
            let res =
                calldesk::volume::seed_volume(&data_dir, &demo_dir, &spec, &|l| eprintln!("{l}"));
            finish(
                "seed-volume",
                res.map(|r| {
                    let size = std::fs::metadata(data_dir.join("calldesk.redb"))
                        .map(|m| m.len())
                        .unwrap_or(0);
                    format!(
                        "seed-volume: {} customers, {} consultations, {} reservations, {} messages in {:.1} s; {} is {:.0} MiB",
                        r.customers,
                        r.consultations,
                        r.reservations,
                        r.messages,
                        r.seconds,
                        data_dir.display(),
                        size as f64 / 1048576.0
                    )
                }),
            )
        }
        Cmd::Backup { data_dir, to } => {
            let to = std::path::absolute(&to).unwrap_or(to);
            let res = match calldesk::control::backup_via_server(&data_dir, &to) {
                Ok(Some(figures)) => Ok(format!(
                    "by the running server: {figures} (rows bytes seconds)"
                )),
                Ok(None) => calldesk::store::Store::open(&data_dir)
                    .map_err(|e| format!("{e} (is a server running without its control socket?)"))
                    .and_then(|s| {
                        let r = s.backup_to(&to).map_err(|e| e.to_string());
                        s.close_blocking();
                        r.map(|r| {
                            format!("{} rows, {} bytes in {:.1} s", r.rows, r.bytes, r.seconds)
                        })
                    }),
                Err(e) => Err(e),
            };
            finish(
                "backup",
                res.map(|what| format!("backup written to {}: {what}", to.display())),
            )
        }
        Cmd::Restore { data_dir, from } => {
            if std::os::unix::net::UnixStream::connect(calldesk::control::socket_path(&data_dir))
                .is_ok()
            {
                eprintln!(
                    "calldesk restore: a server is running on {}; stop it first",
                    data_dir.display()
                );
                return std::process::ExitCode::FAILURE;
            }
            let res = calldesk::store::backup::restore(&from, &data_dir);
            finish(
                "restore",
                res.map(|kept| {
                    format!(
                        "restored {} into {}{}",
                        from.display(),
                        data_dir.display(),
                        kept.map(|k| format!("; the previous store is kept as {}", k.display()))
                            .unwrap_or_default()
                    )
                }),
            )
        }
        Cmd::SeedDemo { data_dir, demo_dir } => {
            let res = calldesk::store::Store::open(&data_dir)
                .map_err(|e| e.to_string())
                .and_then(|s| {
                    let r = calldesk::demo::seed_if_empty(&s, &demo_dir);
                    s.close_blocking();
                    r
                });
            report_seed(res, &data_dir)
        }
    }
}

/// The first manager's password: `CALLDESK_INIT_PASSWORD`, else one line from stdin.
fn init_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("CALLDESK_INIT_PASSWORD") {
        return Ok(p);
    }
    use std::io::{BufRead, IsTerminal, Write};
    if std::io::stdin().is_terminal() {
        eprint!("password for the first manager (10+ characters): ");
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the password from stdin: {e}"))?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err("no password: pipe it to stdin or set CALLDESK_INIT_PASSWORD".into());
    }
    Ok(p)
}

fn report_seed(res: Result<bool, String>, data_dir: &std::path::Path) -> std::process::ExitCode {
    let done = |seeded: bool| match seeded {
        true => format!("seeded into {}", data_dir.display()),
        false => format!("{} already has data; nothing changed", data_dir.display()),
    };
    finish("seed", res.map(done))
}

/// Prints what a command did (or why it failed, prefixed `calldesk <cmd>:`) and its exit code.
fn finish(cmd: &str, res: Result<String, String>) -> std::process::ExitCode {
    match res {
        Ok(what) => {
            eprintln!("{what}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("calldesk {cmd}: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(settings: Settings) -> Result<(), String> {
    // Every desk holds a socket (and its browser an HTTP connection): a 5,000-seat floor needs
    // more descriptors than the usual soft limit of 1,024. Take what the hard limit allows.
    match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(n) => tracing::info!(open_files = n, "descriptor limit"),
        Err(e) => tracing::warn!(error = %e, "descriptor limit not raised"),
    }
    let demo = settings.demo;
    let key = settings.telephony_key.clone();
    let app = Application::build(settings, Arc::new(SystemClock)).await?;
    tracing::info!(
        port = app.port(),
        "calldesk listening on http://127.0.0.1:{}",
        app.port()
    );
    if demo {
        tracing::info!(telephony_key = %key, "demo mode: logins agent01..agent12 / manager01, password demo1234");
    }
    app.run_until_stopped().await.map_err(|e| e.to_string())
}
