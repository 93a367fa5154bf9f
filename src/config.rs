//! One `Settings` struct: defaults, then `calldesk.toml` (if present in the working directory or
//! named by `--config`), then `CALLDESK_*` environment variables, then command-line flags.

use serde::Deserialize;
use std::path::PathBuf;

pub const DEMO_TELEPHONY_KEY: &str = "demo-telephony-key";

#[derive(Debug, Clone)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080` (port 0 picks a free port).
    pub listen: String,
    /// Folder of the redb file; `None` keeps everything in memory (tests).
    pub data_dir: Option<PathBuf>,
    /// Seed the demo brand into an empty store.
    pub demo: bool,
    /// Run the telephony simulator.
    pub simulator: bool,
    /// The simulator's settings file.
    pub simulator_file: PathBuf,
    /// Shared secret of the telephony gateway (`X-Telephony-Key`).
    pub telephony_key: String,
    /// Where PBX commands (ring, bridge, originate, hang up) are POSTed; none = not sent.
    pub telephony_webhook: Option<String>,
    /// Folder of the built web client.
    pub web_dir: PathBuf,
    /// Folder of the demo data.
    pub demo_dir: PathBuf,
    /// Seconds an outbound dial waits for the far end before it counts as no answer.
    pub dial_timeout_s: u64,
    /// How often realtime state is snapshotted (ms).
    pub snapshot_interval_ms: u64,
    /// Seconds a ready agent with no open desk stays ready before being set to 상담준비.
    pub disconnect_grace_s: u64,
    /// The store's page cache, MiB (redb's own default is 1 GiB, which a busy server fills and
    /// keeps: chosen deliberately).
    pub store_cache_mib: usize,
    /// Every commit saves the store's allocator state so a start after a crash is instant
    /// (`Store::open_with`); off saves 1–2 ms per commit and costs a walk of the whole file
    /// after a crash (minutes at a year's volume).
    pub store_quick_repair: bool,
    /// HTTP worker threads (each holds the sockets it accepted). Default: the cores, made odd
    /// (`default_http_workers`).
    pub http_workers: usize,
    /// Scheduling classes for the server's threads (`crate::sched`): a short slice for the
    /// threads an offer crosses, long work yielding its core, password hashing in the cores'
    /// idle time. Off leaves every thread as the kernel made it.
    pub thread_classes: bool,
}

/// The HTTP workers by default: as many as the cores, plus one if that is even. actix hands
/// accepted connections to the workers in turn, and a desk opens two one after the other (its
/// sign-in, then its socket): over an even number of workers every desk socket of a shift that
/// signs in together lands on every other worker — at 5,000 desks on two workers one thread
/// wrote every socket while the other idled (docs/performance.md). An odd number spreads them.
pub fn default_http_workers() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    if cores.is_multiple_of(2) {
        cores + 1
    } else {
        cores
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            data_dir: Some(PathBuf::from("./data/run")),
            demo: false,
            simulator: true,
            simulator_file: PathBuf::from("data/demo/simulator.toml"),
            telephony_key: String::new(),
            telephony_webhook: None,
            web_dir: PathBuf::from("web/dist"),
            demo_dir: PathBuf::from("data/demo"),
            dial_timeout_s: 45,
            snapshot_interval_ms: 1000,
            disconnect_grace_s: 30,
            store_cache_mib: crate::store::DEFAULT_CACHE_MIB,
            store_quick_repair: true,
            http_workers: default_http_workers(),
            thread_classes: true,
        }
    }
}

/// The optional `calldesk.toml` file; every field is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct FileSettings {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub simulator: Option<bool>,
    pub simulator_file: Option<PathBuf>,
    pub telephony_key: Option<String>,
    pub telephony_webhook: Option<String>,
    pub web_dir: Option<PathBuf>,
    pub demo_dir: Option<PathBuf>,
    pub dial_timeout_s: Option<u64>,
    pub disconnect_grace_s: Option<u64>,
    pub store_cache_mib: Option<usize>,
    pub store_quick_repair: Option<bool>,
    pub http_workers: Option<usize>,
    pub thread_classes: Option<bool>,
}

/// What the command line (and clap's env fallbacks) gave.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config: Option<PathBuf>,
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub demo: bool,
    pub no_simulator: bool,
    pub telephony_key: Option<String>,
    pub telephony_webhook: Option<String>,
    pub http_workers: Option<usize>,
}

impl Settings {
    /// Builds the settings for `serve`: defaults < file < env/flags (clap reads `CALLDESK_*`).
    pub fn load(o: Overrides) -> Result<Settings, String> {
        let mut s = Settings::default();
        let path = o
            .config
            .clone()
            .unwrap_or_else(|| PathBuf::from("calldesk.toml"));
        if path.exists() {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let f: FileSettings =
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            s.apply_file(f);
        } else if o.config.is_some() {
            return Err(format!("config file {} not found", path.display()));
        }
        if let Some(v) = o.listen {
            s.listen = v;
        }
        if let Some(v) = o.data_dir {
            s.data_dir = Some(v);
        }
        if let Some(v) = o.telephony_key {
            s.telephony_key = v;
        }
        if let Some(v) = o.telephony_webhook {
            s.telephony_webhook = Some(v).filter(|u| !u.is_empty());
        }
        if let Some(v) = o.http_workers {
            s.http_workers = v;
        }
        if !(1..=256).contains(&s.http_workers) {
            return Err(format!(
                "http_workers must be 1 to 256 (got {})",
                s.http_workers
            ));
        }
        s.demo = o.demo;
        if o.no_simulator {
            s.simulator = false;
        }
        if !s.demo && !o.no_simulator && !path.exists() {
            // Outside the demo the simulator only runs when asked for in the file.
            s.simulator = false;
        }
        if s.telephony_key.is_empty() {
            if s.demo {
                s.telephony_key = DEMO_TELEPHONY_KEY.into();
            } else {
                return Err(
                    "CALLDESK_TELEPHONY_KEY (or --telephony-key) is required outside --demo".into(),
                );
            }
        }
        Ok(s)
    }

    fn apply_file(&mut self, f: FileSettings) {
        if let Some(v) = f.store_cache_mib {
            self.store_cache_mib = v.max(8);
        }
        if let Some(v) = f.store_quick_repair {
            self.store_quick_repair = v;
        }
        if let Some(v) = f.thread_classes {
            self.thread_classes = v;
        }
        if let Some(v) = f.http_workers {
            self.http_workers = v;
        }
        if let Some(v) = f.listen {
            self.listen = v;
        }
        if let Some(v) = f.data_dir {
            self.data_dir = Some(v);
        }
        if let Some(v) = f.simulator {
            self.simulator = v;
        }
        if let Some(v) = f.simulator_file {
            self.simulator_file = v;
        }
        if let Some(v) = f.telephony_key {
            self.telephony_key = v;
        }
        if let Some(v) = f.telephony_webhook {
            self.telephony_webhook = Some(v);
        }
        if let Some(v) = f.web_dir {
            self.web_dir = v;
        }
        if let Some(v) = f.demo_dir {
            self.demo_dir = v;
        }
        if let Some(v) = f.dial_timeout_s {
            self.dial_timeout_s = v;
        }
        if let Some(v) = f.disconnect_grace_s {
            self.disconnect_grace_s = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_workers_out_of_range_is_refused_by_name() {
        let dir = std::env::temp_dir().join(format!("calldesk-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("workers.toml");
        std::fs::write(&file, "http_workers = 0\n").unwrap();
        let e = Settings::load(Overrides {
            demo: true,
            config: Some(file.clone()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(e.contains("http_workers"), "{e}");
        std::fs::write(&file, "http_workers = 5\n").unwrap();
        let s = Settings::load(Overrides {
            demo: true,
            config: Some(file),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.http_workers, 5);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn http_workers_default_to_an_odd_count_of_at_least_the_cores() {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let n = default_http_workers();
        assert!(
            n % 2 == 1,
            "an even count pins every other connection to the same workers"
        );
        assert!(n >= cores && n <= cores + 1);
    }

    #[test]
    fn demo_mode_gets_the_demo_key_and_the_simulator() {
        let s = Settings::load(Overrides {
            demo: true,
            config: Some(PathBuf::from("/nonexistent/none.toml")),
            ..Default::default()
        });
        assert!(
            s.is_err(),
            "a named config file that is missing is an error"
        );
        let s = Settings::load(Overrides {
            demo: true,
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.telephony_key, DEMO_TELEPHONY_KEY);
        assert!(s.simulator);
        assert_eq!(s.listen, "127.0.0.1:8080");
    }

    #[test]
    fn outside_demo_a_telephony_key_is_required() {
        assert!(Settings::load(Overrides::default()).is_err());
        let s = Settings::load(Overrides {
            telephony_key: Some("k".into()),
            no_simulator: true,
            ..Default::default()
        })
        .unwrap();
        assert!(!s.simulator);
    }
}
