//! Going live without the demo: `calldesk init` (the real binary) creates a brand and its
//! first manager in an empty data dir; the server then serves that brand and the manager signs
//! in. The password comes from stdin or the environment, and a weak one is refused.

use crate::helpers::*;
use serde_json::json;
use std::io::Write;
use std::process::{Command, Stdio};

fn init(
    dir: &std::path::Path,
    password_on_stdin: Option<&str>,
    env_pw: Option<&str>,
) -> (bool, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_calldesk"));
    cmd.args(["init", "--data-dir"])
        .arg(dir)
        .args(["--brand", "하늘몰", "--login", "sky.admin"])
        .env_remove("CALLDESK_INIT_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = env_pw {
        cmd.env("CALLDESK_INIT_PASSWORD", p);
    }
    let mut child = cmd.spawn().expect("calldesk runs");
    {
        let mut stdin = child.stdin.take().unwrap();
        if let Some(p) = password_on_stdin {
            writeln!(stdin, "{p}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn init_then_serve_runs_a_brand_without_the_demo() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let (ok, err) = init(&path, Some("1234"), None);
    assert!(!ok, "a weak password is refused");
    assert!(err.contains("10자 이상"), "{err}");
    let (ok, err) = init(&path, Some("blue-harbor-lamp"), None);
    assert!(ok, "{err}");
    assert!(
        err.contains("calldesk serve --data-dir"),
        "says what to do next: {err}"
    );
    let (ok, err) = init(&path, None, Some("green-river-stone"));
    assert!(!ok, "the same brand twice is refused");
    assert!(err.contains("이미"), "{err}");

    life(move || {
        Box::pin(async move {
            let app = spawn_app_with(Opts {
                data_dir: Some(path),
                seed: false,
                ..Opts::default()
            })
            .await;
            let (status, body) = app
                .post(
                    "/api/login",
                    None,
                    json!({"login": "sky.admin", "password": "blue-harbor-lamp"}),
                )
                .await;
            assert_eq!(status, 200, "{body}");
            assert_eq!(body["agent"]["role"], "manager");
            let token = body["token"].as_str().unwrap().to_string();
            let desk = Desk::connect(&app, &token).await;
            assert_eq!(desk.hello["snapshot"]["brand"]["name"], "하늘몰");
            assert_eq!(desk.hello["snapshot"]["brand"]["wrapUpLimitS"], 180);
            app.stop().await;
        })
    });
}

/// The real server at `RUST_LOG=debug`, its log captured: a token used on every path (HTTP
/// header, socket ticket, `?token=` on the socket) never shows in it.
#[test]
fn tokens_never_appear_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, err) = init(dir.path(), None, Some("blue-harbor-lamp"));
    assert!(ok, "{err}");
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_calldesk"))
        .args([
            "serve",
            "--no-simulator",
            "--telephony-key",
            "k-123456",
            "--listen",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(dir.path())
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let token = actix_rt::System::new().block_on(async move {
        let c = client();
        for _ in 0..100 {
            if c.get(format!("{base}/healthz")).send().await.is_ok() {
                break;
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut res = c
            .post(format!("{base}/api/login"))
            .send_json(&json!({"login": "sky.admin", "password": "blue-harbor-lamp"}))
            .await
            .unwrap();
        let body: serde_json::Value = res.json().await.unwrap();
        let token = body["token"].as_str().unwrap().to_string();
        let me = c
            .get(format!("{base}/api/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 200);
        let ws = base.replace("http", "ws");
        let (_, socket) = c
            .ws(format!("{ws}/api/ws?token={token}"))
            .connect()
            .await
            .expect("socket with ?token=");
        drop(socket);
        token
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let _ = server.kill();
    let _ = server.wait();
    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(text.contains("login"), "the log is captured: {text}");
    assert!(!text.contains(&token), "a token in the log");
    assert!(!text.contains(&token[..16]), "part of a token in the log");
}
