//! Benchmark: template search over 10,000 Korean templates (target: p99 under 5 ms).
//! Run: `cargo bench --bench template_search`. Prints p50 / p99 / max over many queries.

use calldesk::domain::model::Template;
use calldesk::search::TemplateIndex;
use std::time::Instant;

const WORDS: [&str; 40] = [
    "배송",
    "배송비",
    "출고",
    "택배",
    "반품",
    "교환",
    "환불",
    "결제",
    "카드",
    "할부",
    "무이자",
    "쿠폰",
    "적립금",
    "회원",
    "비밀번호",
    "아이디",
    "탈퇴",
    "주문",
    "취소",
    "옵션",
    "사이즈",
    "색상",
    "재입고",
    "품절",
    "불량",
    "파손",
    "오배송",
    "회수",
    "기사",
    "주소",
    "변경",
    "영수증",
    "현금영수증",
    "정품",
    "보증",
    "수리",
    "매장",
    "운영시간",
    "개인정보",
    "등급",
];
const ENDINGS: [&str; 8] = ["은", "는", "이", "가", "을", "를", "에", "도"];

fn pick(seed: &mut u64) -> usize {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    (*seed % 1_000_003) as usize
}

fn sentence(seed: &mut u64, n: usize) -> String {
    (0..n)
        .map(|_| {
            let w = WORDS[pick(seed) % WORDS.len()];
            let e = ENDINGS[pick(seed) % ENDINGS.len()];
            format!("{w}{e}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let templates: Vec<Template> = (1..=10_000u64)
        .map(|id| Template {
            id,
            brand_id: 1,
            category: WORDS[pick(&mut seed) % 10].to_string(),
            question: format!("{} 문의", sentence(&mut seed, 4)),
            answer: sentence(&mut seed, 30),
            tags: vec![WORDS[pick(&mut seed) % WORDS.len()].to_string()],
            updated_at: None,
        })
        .collect();
    let t0 = Instant::now();
    let ix = TemplateIndex::build(templates);
    let build = t0.elapsed();
    let queries: Vec<String> = (0..2_000)
        .map(|i| match i % 4 {
            0 => WORDS[pick(&mut seed) % WORDS.len()].to_string(),
            1 => format!(
                "{} {}",
                WORDS[pick(&mut seed) % WORDS.len()],
                WORDS[pick(&mut seed) % WORDS.len()]
            ),
            2 => WORDS[pick(&mut seed) % WORDS.len()]
                .chars()
                .take(2)
                .collect(),
            _ => format!("{}비", WORDS[pick(&mut seed) % WORDS.len()]),
        })
        .collect();
    let mut times: Vec<u128> = Vec::with_capacity(queries.len());
    let mut hits = 0usize;
    for q in &queries {
        let s = Instant::now();
        hits += ix.search(q, None, 30).len();
        times.push(s.elapsed().as_micros());
    }
    times.sort_unstable();
    let p = |x: f64| times[((times.len() - 1) as f64 * x) as usize] as f64 / 1000.0;
    println!(
        "template_search: 10,000 templates, index built in {:.0} ms",
        build.as_secs_f64() * 1000.0
    );
    println!(
        "template_search: {} queries (top 30): p50 {:.3} ms | p99 {:.3} ms | max {:.3} ms ({} hits)",
        queries.len(),
        p(0.50),
        p(0.99),
        p(1.0),
        hits
    );
}
