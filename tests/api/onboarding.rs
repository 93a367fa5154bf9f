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
