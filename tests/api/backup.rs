//! Backup under load and restore: a backup asked of the running server (its control socket, as
//! `calldesk backup` does) while calls keep arriving holds every call acknowledged before it
//! began; restored into a new data dir, a server starts on it and finds them.

use crate::helpers::*;
use calldesk::store::Store;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[test]
fn a_backup_taken_under_load_restores_every_call_acknowledged_before_it() {
    let live = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("calldesk-backup.redb");
    let (live_dir, backup_file) = (live.path().to_path_buf(), file.clone());
    let acked_before = life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(live_dir.clone()),
                ..Opts::default()
            })
            .await;
            // Callers keep calling through the gateway; each 201 is an acknowledged call.
            let acked: Arc<Mutex<Vec<String>>> = Arc::default();
            let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let mut callers = Vec::new();
            for c in 0..3 {
                let (a, s, base) = (acked.clone(), stop.clone(), app.base.clone());
                callers.push(actix_rt::spawn(async move {
                    let client = client();
                    let mut i = 0;
                    while !s.load(std::sync::atomic::Ordering::Relaxed) {
                        let mut r = client
                            .post(format!("{base}/api/telephony/calls"))
                            .insert_header(("X-Telephony-Key", KEY))
                            .send_json(&serde_json::json!({"service": "main", "from": format!("0107{c}{i:06}")}))
                            .await
                            .unwrap();
                        if r.status() == 201 {
                            let v: serde_json::Value = r.json().await.unwrap();
                            a.lock().unwrap().push(v["ticketId"].as_str().unwrap().to_string());
                        }
                        i += 1;
                    }
                }));
            }
            actix_rt::time::sleep(Duration::from_millis(800)).await;
            let before: Vec<String> = acked.lock().unwrap().clone();
            let (d, f) = (live_dir.clone(), backup_file.clone());
            let answer =
                actix_web::web::block(move || calldesk::control::backup_via_server(&d, &f))
                    .await
                    .unwrap()
                    .expect("the server took the backup")
                    .expect("a server listens on the control socket");
            // Calls went on while the backup ran.
            actix_rt::time::sleep(Duration::from_millis(300)).await;
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            for c in callers {
                c.await.unwrap();
            }
            let after = acked.lock().unwrap().len();
            assert!(
                after > before.len(),
                "calls kept coming during the backup ({answer})"
            );
            app.stop().await;
            before
        })
    });
    assert!(
        acked_before.len() >= 5,
        "calls were made: {}",
        acked_before.len()
    );

    // Restore into a fresh data dir; the backup holds every call acknowledged before it began.
    let restored = tempfile::tempdir().unwrap();
    let kept = calldesk::store::backup::restore(&file, restored.path()).unwrap();
    assert_eq!(kept, None, "nothing to keep aside in an empty dir");
    let store = Store::open(restored.path()).unwrap();
    for t in &acked_before {
        assert!(
            store.consultation(t).unwrap().is_some(),
            "{t} was acknowledged before the backup began"
        );
    }
    store.close_blocking();
    drop(store);
    // A server starts on the restored dir and serves them.
    let (dir, first) = (restored.path().to_path_buf(), acked_before[0].clone());
    life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(dir),
                seed: false,
                ..Opts::default()
            })
            .await;
            let boss = app.login("boss").await;
            let (s, c) = app
                .get(&format!("/api/consultations/{first}"), Some(&boss))
                .await;
            assert_eq!(s, 200, "{c}");
            app.stop().await;
        })
    });
    // Not a backup: refused, and nothing is moved.
    let junk = out.path().join("junk.redb");
    std::fs::write(&junk, b"not a database").unwrap();
    let err = calldesk::store::backup::restore(&junk, restored.path()).unwrap_err();
    assert!(err.contains("not a calldesk backup"), "{err}");
    assert!(restored.path().join("calldesk.redb").exists());
}
