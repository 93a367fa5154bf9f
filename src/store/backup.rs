//! Backup and restore of the store. A backup is a consistent copy taken while the server runs
//! and writes go on: one read transaction (redb's snapshot: exactly the commits before it)
//! copied table by table into a new redb file, in batches, then closed cleanly, synced and
//! renamed into place — a half-written backup never has the final name. A restore checks the
//! file opens and holds a brand, keeps the data dir's current file aside, and puts the copy in
//! its place (the server must be stopped).

use super::{tables, Store, StoreError, StoreResult};
use redb::{Durability, ReadableDatabase, ReadableTable};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rows per write transaction of the copy.
const BATCH: usize = 50_000;
/// The copy's page cache.
const COPY_CACHE: usize = 32 * 1024 * 1024;

/// What a backup wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    pub path: PathBuf,
    pub rows: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// Copies one table of the snapshot into `dst`, `BATCH` rows per transaction.
macro_rules! copy_table {
    ($snap:expr, $dst:expr, $def:expr) => {{
        let src = $snap.open_table($def)?;
        let mut rows = src.iter()?;
        let mut n = 0u64;
        loop {
            let mut w = $dst.begin_write()?;
            w.set_durability(Durability::None)?;
            let mut in_batch = 0usize;
            {
                let mut out = w.open_table($def)?;
                for row in rows.by_ref().take(BATCH) {
                    let (k, v) = row?;
                    out.insert(k.value(), v.value())?;
                    in_batch += 1;
                }
            }
            w.commit()?;
            n += in_batch as u64;
            if in_batch < BATCH {
                break;
            }
        }
        n
    }};
}

impl Store {
    /// Writes a consistent copy of the store as it stands now to `to` (a new file; an existing
    /// one is replaced only once the copy is complete). Writes go on meanwhile; the copy holds
    /// exactly what was committed before it began.
    pub fn backup_to(&self, to: &Path) -> StoreResult<BackupReport> {
        let started = Instant::now();
        let snap = self.db.begin_read()?;
        let partial = to.with_extension("partial");
        let _ = std::fs::remove_file(&partial);
        let io = |e: std::io::Error| StoreError::Db(format!("{}: {e}", partial.display()));
        let mut rows = 0u64;
        {
            // A small page cache for the copy: redb's default (1 GiB) would grow a running
            // server by that much while it backs up (a year's store: RSS 984 MiB measured).
            let dst = redb::Builder::new()
                .set_cache_size(COPY_CACHE)
                .create(&partial)?;
            for t in tables::JSON_TABLES {
                rows += copy_table!(snap, dst, t);
            }
            rows += copy_table!(snap, dst, tables::COUNTERS);
            rows += copy_table!(snap, dst, tables::CUSTOMER_TERMS);
            rows += copy_table!(snap, dst, tables::CONS_POSTINGS);
            let mut w = dst.begin_write()?;
            w.set_durability(Durability::Immediate)?;
            w.set_quick_repair(true);
            w.commit()?;
        }
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(io)?;
        std::fs::rename(&partial, to).map_err(io)?;
        if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
        }
        let bytes = std::fs::metadata(to).map(|m| m.len()).unwrap_or(0);
        Ok(BackupReport {
            path: to.to_path_buf(),
            rows,
            bytes,
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// Puts the backup `from` in place as the store of `data_dir` (the server stopped). The current
/// file, if any, is kept beside it as `calldesk.redb.before-restore-<unix time>`. Returns that
/// path.
pub fn restore(from: &Path, data_dir: &Path) -> Result<Option<PathBuf>, String> {
    {
        let db = redb::ReadOnlyDatabase::open(from)
            .map_err(|e| format!("{} is not a calldesk backup: {e}", from.display()))?;
        let r = db.begin_read().map_err(|e| e.to_string())?;
        let brands = r
            .open_table(tables::BRANDS)
            .map_err(|e| format!("{} is not a calldesk backup: {e}", from.display()))?;
        if brands.iter().map_err(|e| e.to_string())?.next().is_none() {
            return Err(format!("{} holds no brand", from.display()));
        }
    }
    std::fs::create_dir_all(data_dir).map_err(|e| e.to_string())?;
    let live = data_dir.join("calldesk.redb");
    let kept = if live.exists() {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let aside = data_dir.join(format!("calldesk.redb.before-restore-{secs}"));
        std::fs::rename(&live, &aside).map_err(|e| e.to_string())?;
        Some(aside)
    } else {
        None
    };
    let partial = data_dir.join("calldesk.redb.partial");
    std::fs::copy(from, &partial).map_err(|e| e.to_string())?;
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| e.to_string())?;
    std::fs::rename(&partial, &live).map_err(|e| e.to_string())?;
    Ok(kept)
}
