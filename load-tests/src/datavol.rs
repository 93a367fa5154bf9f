//! The data-volume benchmark's client: against a server holding `calldesk seed-volume` data, a
//! manager runs each kind of lookup a desk and a manager make, one after another, and the
//! latency of each kind is printed (p50 / p99 / max) with one machine-readable line per kind:
//! `DATAVOL kind=… n=… p50_ms=… p99_ms=… max_ms=… hits=…`.
//! Kinds: `name` (2-letter Korean name parts such as 김민, 민준), `number` (4 digits anywhere in a
//! number), `email` (an address's beginning), `screenpop` (the full number, as a ringing call
//! looks it up, among the numbers the name searches returned), `screenpop_any` (the full number of
//! any customer of the volume — its record not read before, as a real caller's; needs the
//! customer count), `history` (a customer's 상담이력, first page), and the managers' consultation
//! search (`/api/consultations/search`, first page of 50): `cs_week` (the last 7 days),
//! `cs_agent` (one agent, 30 days), `cs_words` (a word of the note, 30 days), `cs_combo` (service +
//! 상담유형 + 처리결과, 90 days), `cs_number` (a customer's number, a year).
//! Usage: `calldesk-datavol http://127.0.0.1:18080 [login] [password] [per kind] [customers]`
//! (default `manager01` / `demo1234` / 300; `customers`: how many `seed-volume` wrote, seed 1). `load-tests/data-volume.sh` runs it.

use serde_json::Value;
use std::time::Instant;

const SURNAMES: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const FIRST: &[&str] = &["민", "서", "지", "현", "예", "도", "하", "수", "연", "은"];
const SECOND: &[&str] = &["준", "우", "윤", "서", "연", "민", "현", "진", "아", "은"];
const ROMAN: &[&str] = &["kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon"];
const NOTE_WORDS: &[&str] = &[
    "환불",
    "배송",
    "교환",
    "재입고",
    "쿠폰",
    "불량",
    "취소",
    "포인트",
    "사이즈",
    "오배송",
];
const CATEGORIES: &[&str] = &["주문", "배송", "반품/교환", "결제/환불", "상품문의"];
const RESULTS: &[&str] = &["완료", "미완료", "재연락 필요"];
const SERVICES: &[&str] = &["main", "order", "return"];

/// A small deterministic generator (no dependency needed for picking fragments).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

#[path = "common.rs"]
mod common;
use common::pct;

/// The number `calldesk seed-volume --seed 1` gave its `i`-th customer (src/volume.rs `mobile`).
fn volume_number(i: u64) -> String {
    let n = ((31 + i).wrapping_mul(7_340_033).wrapping_add(12_345_678)) % 100_000_000;
    format!("010{n:08}")
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let host = args
        .get(1)
        .cloned()
        .unwrap_or("http://127.0.0.1:18080".into());
    let login = args.get(2).cloned().unwrap_or("manager01".into());
    let password = args.get(3).cloned().unwrap_or("demo1234".into());
    let per: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(300);
    let customers: u64 = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(0);
    let http = reqwest::Client::new();
    let res: Value = http
        .post(format!("{host}/api/login"))
        .json(&serde_json::json!({"login": login, "password": password}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("login body");
    let token = res["token"].as_str().expect("a token").to_string();
    let mut rng = Lcg(7);
    let mut numbers: Vec<String> = Vec::new();
    let mut ids: Vec<u64> = Vec::new();
    let get = |path: String| {
        let (http, token, host) = (http.clone(), token.clone(), host.clone());
        async move {
            let t = Instant::now();
            let r = http
                .get(format!("{host}{path}"))
                .bearer_auth(token)
                .send()
                .await
                .expect("request");
            let status = r.status();
            let v: Value = r.json().await.unwrap_or(Value::Null);
            assert!(status.is_success(), "{path}: {status} {v}");
            (t.elapsed().as_secs_f64() * 1000.0, v)
        }
    };
    let days_ago = |n: i64| {
        (chrono::Local::now().date_naive() - chrono::Duration::days(n))
            .format("%Y-%m-%d")
            .to_string()
    };
    let (d1, d7, d30, d90, d365) = (
        days_ago(1),
        days_ago(7),
        days_ago(30),
        days_ago(90),
        days_ago(364),
    );
    for kind in [
        "name",
        "number",
        "email",
        "screenpop",
        "screenpop_any",
        "history",
        "cs_week",
        "cs_agent",
        "cs_words",
        "cs_combo",
        "cs_number",
    ] {
        let mut ms = Vec::with_capacity(per);
        let mut hits = 0usize;
        for _ in 0..per {
            let path = match kind {
                "name" => {
                    let q = if rng.next(2) == 0 {
                        format!(
                            "{}{}",
                            SURNAMES[rng.next(SURNAMES.len())],
                            FIRST[rng.next(FIRST.len())]
                        )
                    } else {
                        format!(
                            "{}{}",
                            FIRST[rng.next(FIRST.len())],
                            SECOND[rng.next(SECOND.len())]
                        )
                    };
                    format!("/api/customers?q={}", enc(&q))
                }
                "number" => format!("/api/customers?q={:04}", rng.next(10_000)),
                "email" => format!(
                    "/api/customers?q={}{}",
                    ROMAN[rng.next(ROMAN.len())],
                    1 + rng.next(99)
                ),
                "screenpop" if !numbers.is_empty() => {
                    format!("/api/customers?phone={}", numbers[rng.next(numbers.len())])
                }
                "screenpop_any" if customers > 0 => {
                    let i = rng.next(customers.min(usize::MAX as u64) as usize) as u64;
                    format!("/api/customers?phone={}", volume_number(i))
                }
                "history" if !ids.is_empty() => {
                    format!(
                        "/api/customers/{}/consultations?limit=50",
                        ids[rng.next(ids.len())]
                    )
                }
                "cs_week" => format!("/api/consultations/search?from={d7}&to={d1}"),
                "cs_agent" => format!(
                    "/api/consultations/search?from={d30}&to={d1}&agentId={}",
                    1 + rng.next(10)
                ),
                "cs_words" => format!(
                    "/api/consultations/search?from={d30}&to={d1}&q={}",
                    enc(NOTE_WORDS[rng.next(NOTE_WORDS.len())])
                ),
                "cs_combo" => format!(
                    "/api/consultations/search?from={d90}&to={d1}&service={}&category={}&result={}",
                    SERVICES[rng.next(SERVICES.len())],
                    enc(CATEGORIES[rng.next(CATEGORIES.len())]),
                    enc(RESULTS[rng.next(RESULTS.len())])
                ),
                "cs_number" if !numbers.is_empty() => {
                    format!(
                        "/api/consultations/search?from={d365}&to={d1}&number={}",
                        numbers[rng.next(numbers.len())]
                    )
                }
                _ => break,
            };
            let (t, v) = get(path).await;
            ms.push(t);
            if let Some(items) = v["items"].as_array() {
                hits += items.len();
                if kind == "name" && numbers.len() < 2_000 {
                    for c in items.iter().take(5) {
                        if let (Some(p), Some(id)) = (c["phone"].as_str(), c["id"].as_u64()) {
                            numbers.push(p.to_string());
                            ids.push(id);
                        }
                    }
                }
            }
        }
        let n = ms.len();
        let (p50, p99) = (pct(&mut ms, 0.5), pct(&mut ms, 0.99));
        let max = ms.last().copied().unwrap_or(0.0);
        println!("== {kind}: {n} lookups, p50 {p50:.2} ms | p99 {p99:.2} ms | max {max:.2} ms ({hits} rows)");
        println!(
            "DATAVOL kind={kind} n={n} p50_ms={p50:.2} p99_ms={p99:.2} max_ms={max:.2} hits={hits}"
        );
    }
}
