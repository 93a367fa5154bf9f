//! Benchmark: importing a 10,000-row bulk reservation CSV (CP949) — read, check every row, and
//! store them durably in one transaction (target: under 5 s). Run: `cargo bench --bench bulk_import`.

use calldesk::bulk;
use calldesk::domain::reservation::{Reservation, ResvStatus, ResvType};
use calldesk::store::{self, Store};
use chrono::{Duration, TimeZone, Utc};
use std::collections::HashSet;
use std::time::Instant;

fn main() {
    let tz = chrono_tz::Asia::Seoul;
    let now = tz
        .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
        .unwrap()
        .with_timezone(&Utc);
    let mut csv = String::from("전화번호,이름,예약일시,메모,상담사\n");
    for i in 0..10_000u32 {
        let day = 24 + (i / 2_000);
        let minute = i % 600;
        csv.push_str(&format!(
            "10{:08},고객{i},2026-11-{day} {:02}:{:02},재구매 안내 {i},\n",
            40_000_000 + i,
            9 + minute / 60,
            minute % 60
        ));
    }
    let (file, _, _) = encoding_rs::EUC_KR.encode(&csv);
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();

    let t0 = Instant::now();
    let (rows, enc) = bulk::read_csv(&file).unwrap();
    let t_read = t0.elapsed();
    let (good, errors) = bulk::check(&rows, now, tz, |_| None, &HashSet::new());
    let t_check = t0.elapsed() - t_read;
    assert!(errors.is_empty(), "{:?}", &errors[..errors.len().min(3)]);
    let records: Vec<Reservation> = good
        .into_iter()
        .enumerate()
        .map(|(i, g)| Reservation {
            id: 0,
            brand_id: 1,
            service: "main".into(),
            number: g.number,
            customer_name: g.name,
            customer_id: None,
            scheduled_at: g.scheduled_at,
            rtype: ResvType::Bulk,
            memo: g.memo,
            owner_id: Some((i % 12) as u32 + 1),
            owner_until: None,
            status: ResvStatus::Pending,
            attempts: vec![],
            ticket_id: None,
            dialing_by: None,
            dialing_since: None,
            created_by: Some(13),
            created_at: now,
            updated_at: now + Duration::zero(),
        })
        .collect();
    let n = records.len();
    store
        .write_blocking(move |tx| {
            for r in &records {
                let mut r = r.clone();
                r.id = store::next_counter(tx, "reservation")?;
                store::put_reservation(tx, &r)?;
            }
            Ok(())
        })
        .unwrap();
    let total = t0.elapsed();
    println!(
        "bulk_import: {n} rows ({enc}, {} KiB): read {:.0} ms, check {:.0} ms, durable write {:.0} ms, total {:.0} ms",
        file.len() / 1024,
        t_read.as_secs_f64() * 1000.0,
        t_check.as_secs_f64() * 1000.0,
        (total - t_read - t_check).as_secs_f64() * 1000.0,
        total.as_secs_f64() * 1000.0
    );
    assert_eq!(store.reservations(1).unwrap().len(), n);
}
