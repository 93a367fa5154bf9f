//! The running server's control socket: `<data-dir>/control.sock`, a Unix socket only the
//! server's user may open (0600), through which `calldesk backup` asks a running server for a
//! consistent copy of its store (the store's file is locked while the server runs). One line in,
//! one line out: `backup <path>` → `ok <rows> <bytes> <seconds>` or `error <message>`. The copy
//! runs on the blocking pool, never on a thread that serves desks.

use crate::store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

pub fn socket_path(data_dir: &Path) -> PathBuf {
    data_dir.join("control.sock")
}

/// Listens on the data dir's control socket (replacing a stale one) until the system stops.
pub fn start(store: Store, data_dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(data_dir);
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    actix::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let store = store.clone();
            actix::spawn(async move {
                let _ = serve_one(store, stream).await;
            });
        }
    });
    Ok(())
}

async fn serve_one(store: Store, stream: tokio::net::UnixStream) -> std::io::Result<()> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let (read, mut write) = stream.into_split();
    let mut line = String::new();
    tokio::io::BufReader::new(read).read_line(&mut line).await?;
    let answer = match line.trim_end().split_once(' ') {
        Some(("backup", to)) if !to.is_empty() => {
            let to = PathBuf::from(to);
            tracing::info!(to = %to.display(), "backup requested");
            match tokio::task::spawn_blocking(move || store.backup_to(&to)).await {
                Ok(Ok(r)) => {
                    tracing::info!(
                        rows = r.rows,
                        bytes = r.bytes,
                        seconds = r.seconds,
                        "backup written"
                    );
                    format!("ok {} {} {:.1}\n", r.rows, r.bytes, r.seconds)
                }
                Ok(Err(e)) => format!("error {e}\n"),
                Err(e) => format!("error {e}\n"),
            }
        }
        _ => "error unknown request (backup <path>)\n".to_string(),
    };
    write.write_all(answer.as_bytes()).await
}

/// Asks the server running on `data_dir` for a backup to `to` (an absolute path is best: the
/// server writes it). `Ok(None)` when no server listens there.
pub fn backup_via_server(data_dir: &Path, to: &Path) -> Result<Option<String>, String> {
    let path = socket_path(data_dir);
    let Ok(mut s) = std::os::unix::net::UnixStream::connect(&path) else {
        return Ok(None);
    };
    writeln!(s, "backup {}", to.display()).map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(s)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    match line.trim_end().split_once(' ') {
        Some(("ok", rest)) => Ok(Some(rest.to_string())),
        Some(("error", e)) => Err(e.to_string()),
        _ => Err(format!("unexpected answer: {line}")),
    }
}
