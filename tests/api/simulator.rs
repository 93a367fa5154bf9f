//! The built-in simulator drives the real engine: calls arrive, impatient callers abandon,
//! answered calls end by the customer (not while on hold), outbound dials are answered.

use crate::helpers::*;
use serde_json::json;

fn sim_file(dir: &std::path::Path, rate: f64, answer_p: f64) -> std::path::PathBuf {
    let p = dir.join("sim.toml");
    std::fs::write(
        &p,
        format!(
            "known_customer_share = 1.0\npatience_s = [1, 1]\ntalk_s = [1, 1]\n\
             outbound_answer_probability = {answer_p}\noutbound_ring_s = [0, 0]\n\
             [[service]]\nbrand = 1\ncode = \"main\"\ncalls_per_minute = {rate}\n"
        ),
    )
    .unwrap();
    p
}

#[actix_rt::test]
async fn simulated_callers_ring_abandon_and_hang_up_after_talking() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Opts {
        simulator: Some(sim_file(dir.path(), 240.0, 1.0)),
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    // Nobody ready: callers give up after their patience (1 s).
    let q = kim
        .expect_where("queue", |v| v["abandoned"].as_u64() > Some(0))
        .await;
    assert_eq!(q["service"], "main");
    kim.set("ready").await;
    // Callers give up after 1 s even while ringing: answer the first one still there.
    let mut answered = None;
    for _ in 0..20 {
        let offered = kim.expect("call.offered").await;
        assert_eq!(
            offered["customer"]["name"], "홍길동",
            "every caller is a known customer"
        );
        let r = kim
            .request(json!({"type": "call.answer", "callId": offered["callId"]}))
            .await;
        if r["type"] == "ack" {
            answered = Some(offered["callId"].clone());
            break;
        }
        assert_eq!(r["code"], "not_offered", "{r}");
    }
    let call_id = answered.expect("one simulated call was answered");
    let ended = kim
        .expect_where("call.ended", |v| v["callId"] == call_id)
        .await;
    assert_eq!(
        ended["by"], "customer",
        "the simulated customer hangs up after talking"
    );
    assert_eq!(ended["outcome"], "completed");
}

#[actix_rt::test]
async fn the_simulator_answers_outbound_dials() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Opts {
        simulator: Some(sim_file(dir.path(), 0.0, 1.0)),
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    kim.ok(json!({"type": "call.dial", "number": "010-4444-5555"}))
        .await;
    kim.expect("call.connected").await;
    kim.expect_status("on_call").await;
    let ended = kim.expect("call.ended").await;
    assert_eq!(ended["by"], "customer");
}

#[actix_rt::test]
async fn a_simulated_caller_on_hold_waits_and_hangs_up_after_the_resume() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(Opts {
        simulator: Some(sim_file(dir.path(), 0.0, 1.0)),
        ..Opts::default()
    })
    .await;
    let mut kim = app.desk("kim").await;
    kim.set("ready").await;
    // The caller would talk for 1 s; on hold they wait.
    let (call_id, _) = app.answered_call(&mut kim, "main", "010-3333-4444").await;
    kim.ok(json!({"type": "call.hold", "callId": call_id}))
        .await;
    assert!(
        !kim.sees_within("call.ended", std::time::Duration::from_millis(2000))
            .await,
        "nobody hangs up on hold"
    );
    kim.ok(json!({"type": "call.resume", "callId": call_id}))
        .await;
    let ended = kim
        .expect_where("call.ended", |v| v["callId"] == call_id)
        .await;
    assert_eq!(ended["by"], "customer");
}
