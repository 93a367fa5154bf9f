//! What one small durable commit costs on a given store, with and without redb's quick repair
//! (the allocator state saved with every commit): `cargo run --release --example commit_cost --
//! DATA_DIR [N]`. Writes one counter (`bench/commit-cost`) N times each way; the server must not
//! be running on DATA_DIR.

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(args.get(1).expect("DATA_DIR"));
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(200);
    let t0 = Instant::now();
    let db = redb::Builder::new()
        .set_cache_size(64 << 20)
        .create(dir.join("calldesk.redb"))
        .expect("open");
    println!("open: {:.2} s", t0.elapsed().as_secs_f64());
    let table: redb::TableDefinition<&str, u64> = redb::TableDefinition::new("counters-0");
    for quick in [false, true, false, true] {
        let mut ms: Vec<f64> = (0..n)
            .map(|i| {
                let t = Instant::now();
                let mut tx = db.begin_write().expect("begin");
                tx.set_quick_repair(quick);
                tx.open_table(table)
                    .expect("table")
                    .insert("bench/commit-cost", i as u64)
                    .expect("insert");
                tx.commit().expect("commit");
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        ms.sort_by(|a, b| a.total_cmp(b));
        let p = |q: f64| ms[((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1];
        println!(
            "quick_repair={quick}: {n} commits, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            p(0.5),
            p(0.99),
            p(1.0)
        );
    }
    // Leave the file as a clean close would: the allocator state saved.
    let mut tx = db.begin_write().expect("begin");
    tx.set_quick_repair(true);
    tx.commit().expect("commit");
}
