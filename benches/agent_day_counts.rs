//! Benchmark: a desk's 상담 현황 counts after each change, for an agent at the end of a busy day
//! (150 ended consultations today, among 5,000 agents' days in the store). What every
//! consultation push costs: the counts from the agent index's tags against reading the day's
//! records (what a push did before, plus one customer read per record).
//! Run: `cargo bench --bench agent_day_counts`. Prints p50 / p99 per push.

use calldesk::domain::model::{CallOutcome, Channel, Consultation};
use calldesk::store::{self, Store};
use chrono::{NaiveDate, TimeZone, Utc};
use std::time::Instant;

fn consultation(agent: u32, i: u32) -> Consultation {
    let at = Utc.with_ymd_and_hms(2026, 11, 23, 1, 0, 0).unwrap()
        + chrono::Duration::seconds(i as i64 * 7);
    Consultation {
        ticket_id: String::new(),
        brand_id: 1,
        call_id: 0,
        channel: if i.is_multiple_of(5) {
            Channel::Out
        } else {
            Channel::In
        },
        service: "main".into(),
        service_name: "대표번호".into(),
        number: format!("010{:08}", 10_000_000 + i),
        external_id: None,
        agent_id: Some(agent),
        agent_name: Some(format!("상담사{agent}")),
        customer_id: None,
        arrived_at: at,
        offered_at: Some(at),
        answered_at: Some(at),
        ended_at: Some(at + chrono::Duration::seconds(180)),
        wrap_up_ended_at: Some(at + chrono::Duration::seconds(240)),
        wait_s: 5,
        talk_s: 180,
        wrap_up_s: 60,
        outcome: CallOutcome::Completed,
        category: Some("배송".into()),
        result: Some("처리완료".into()),
        content:
            "고객이 주문한 상품의 배송 일정 문의. 출고 지연 안내 후 도착 예정일 문자 발송 약속. "
                .repeat(4),
        updated_at: at,
        updated_by: Some(agent),
        reservation_id: None,
        hold_s: 0,
        transferred_from: None,
        transferred_to: None,
    }
}

fn pct(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p) as usize]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let date = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    // 5,000 agents with 4 calls each, and agent 7 with 150.
    let mut n = 0u32;
    for chunk in 0..50u32 {
        let items: Vec<Consultation> = (0..100u32)
            .flat_map(|a| (0..4u32).map(move |i| (chunk * 100 + a + 100, i)))
            .chain(if chunk < 3 {
                (0..50u32).map(|i| (7, chunk * 50 + i)).collect()
            } else {
                vec![]
            })
            .map(|(a, i)| {
                n += 1;
                let mut c = consultation(a, i);
                c.call_id = n as u64;
                c.ticket_id = format!("T20261123-{n:06}");
                c
            })
            .collect();
        store
            .write_blocking(move |tx| store::insert_consultations(tx, &items))
            .unwrap();
    }
    let (mut index, mut records) = (Vec::new(), Vec::new());
    for _ in 0..2_000 {
        let t = Instant::now();
        let (i, o) = store.consultation_counts_of_agent(7, date).unwrap();
        index.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(i + o, 150);
        let t = Instant::now();
        let all = store.consultations_of_agent(7, date).unwrap();
        for c in &all {
            std::hint::black_box(store.customer(1, c.call_id).unwrap());
        }
        records.push(t.elapsed().as_secs_f64() * 1e6);
        assert_eq!(all.len(), 150);
    }
    println!(
        "agent_day_counts (150 consultations today): from the index p50 {:.0} µs p99 {:.0} µs; from the day's records + customer reads p50 {:.0} µs p99 {:.0} µs",
        pct(index.clone(), 0.5),
        pct(index, 0.99),
        pct(records.clone(), 0.5),
        pct(records, 0.99)
    );
}
