//! `calldesk seed-volume`: a year of a busy center's data, fast, so the data-volume figures in
//! `docs/performance.md` can be reproduced. Writes realistic Korean records into a brand (the
//! demo brand is seeded first into an empty data dir): customers (names from the common
//! surnames and given-name syllables, unique 010 numbers, some with a second number or an
//! e-mail), consultations spread over the past `days` days in business hours (the brand's
//! agents, services, 상담유형 and 처리결과, notes built from everyday phrases with products and
//! order numbers), reservations and sent messages. Every record goes through the store's own
//! write functions, so every index is built exactly as the server builds it; writes are large
//! transactions (a day of consultations, 20,000 customers). Deterministic for a given `seed`.

use crate::domain::message::{Message, MessageKind, MessageStatus};
use crate::domain::model::{Agent, BrandId, CallOutcome, Channel, Consultation, Customer};
use crate::domain::reservation::{Reservation, ResvStatus, ResvType};
use crate::domain::ticket;
use crate::store::{self, tables, Store};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

/// The store's page cache while seeding.
const SEED_CACHE_MIB: usize = 2048;

/// What to write.
#[derive(Debug, Clone)]
pub struct VolumeSpec {
    pub brand: BrandId,
    pub customers: u64,
    pub consultations: u64,
    pub reservations: u64,
    pub messages: u64,
    /// Consultations spread over this many days before today.
    pub days: u32,
    pub seed: u64,
}

/// What was written and how long it took.
#[derive(Debug, Clone, Default)]
pub struct VolumeReport {
    pub customers: u64,
    pub consultations: u64,
    pub reservations: u64,
    pub messages: u64,
    pub seconds: f64,
}

const SURNAMES: &[(&str, u32)] = &[
    ("김", 215),
    ("이", 147),
    ("박", 84),
    ("최", 47),
    ("정", 43),
    ("강", 23),
    ("조", 21),
    ("윤", 21),
    ("장", 20),
    ("임", 17),
    ("한", 15),
    ("오", 15),
    ("서", 15),
    ("신", 15),
    ("권", 14),
    ("황", 14),
    ("안", 14),
    ("송", 14),
    ("류", 12),
    ("전", 11),
    ("홍", 11),
    ("고", 9),
    ("문", 9),
    ("양", 9),
    ("손", 9),
    ("배", 8),
    ("백", 8),
    ("허", 6),
    ("유", 6),
    ("남", 6),
    ("심", 5),
    ("노", 5),
    ("하", 4),
    ("곽", 4),
    ("성", 4),
    ("차", 4),
    ("주", 4),
    ("우", 4),
    ("구", 4),
    ("민", 3),
    ("진", 3),
    ("나", 3),
    ("지", 3),
    ("엄", 3),
    ("채", 3),
    ("원", 3),
    ("천", 2),
    ("방", 2),
    ("공", 2),
    ("현", 2),
    ("남궁", 1),
    ("황보", 1),
    ("제갈", 1),
    ("선우", 1),
];
const GIVEN_FIRST: &[&str] = &[
    "민", "서", "지", "현", "예", "도", "하", "수", "연", "은", "유", "시", "주", "아", "영", "재",
    "성", "정", "혜", "동", "태", "승", "채", "다", "소", "경", "준", "우", "윤", "진", "가", "나",
    "보", "미", "상", "용", "종", "기", "희", "세",
];
const GIVEN_SECOND: &[&str] = &[
    "준", "우", "윤", "서", "연", "민", "현", "진", "아", "은", "호", "훈", "희", "빈", "린", "율",
    "원", "영", "수", "혁", "진", "경", "정", "숙", "자", "철", "석", "미", "주", "하", "나", "람",
    "솔", "겸", "찬", "규", "름", "슬", "온", "별",
];
const ROMAN: &[&str] = &[
    "kim", "lee", "park", "choi", "jung", "kang", "cho", "yoon", "jang", "lim", "han", "oh", "seo",
    "shin", "kwon", "hwang", "ahn", "song", "ryu", "jeon",
];
const DOMAINS: &[&str] = &[
    "naver.com",
    "gmail.com",
    "daum.net",
    "kakao.com",
    "hanmail.net",
];
const PRODUCTS: &[&str] = &[
    "겨울 패딩",
    "무선 이어폰",
    "러닝화",
    "니트 가디건",
    "에어프라이어",
    "전기포트",
    "캠핑 의자",
    "유아 카시트",
    "스킨케어 세트",
    "게이밍 마우스",
    "텀블러",
    "블루투스 스피커",
    "기모 레깅스",
    "침구 세트",
    "커피 원두",
];
const NOTES: &[&str] = &[
    "{p} 배송 지연 문의. 택배사 확인 후 {d}일 내 도착 예정 안내함.",
    "주문번호 {o} 교환 요청, 사이즈 변경 원함. 회수 접수 완료.",
    "{p} 환불 진행 상황 문의. 카드사 영업일 3~5일 소요 안내.",
    "{p} 불량 접수. 사진 요청 문자 발송, 확인 후 재발송 예정.",
    "주문번호 {o} 배송지 변경 요청. 출고 전이라 변경 처리함.",
    "회원 비밀번호 재설정 안내. 본인인증 후 처리 완료.",
    "{p} 재입고 일정 문의. 다음 주 입고 예정, 알림 신청 안내.",
    "쿠폰 적용 안 됨 문의. 최소 주문금액 미달로 안내, 고객 이해함.",
    "{p} 오배송. 주문번호 {o} 회수 후 정상 상품 재발송 접수.",
    "결제 오류로 중복 결제 확인. 1건 취소 처리, 영수증 문자 발송.",
    "{p} 사용법 문의. 매뉴얼 링크 알림톡으로 보내드림.",
    "반품 택배 미회수 문의. 택배사 재접수, 내일 방문 예정.",
    "주문 취소 요청. 주문번호 {o} 출고 전 취소 완료, 환불 안내.",
    "{p} 사이즈 문의. 상세페이지 실측표 안내, 한 치수 큰 것 권장.",
    "포인트 적립 누락 문의. 구매확정 후 적립됨을 안내.",
];

/// A unique national mobile number for `i` (< 10^8): 010 + an 8-digit bijection of `i`.
fn mobile(i: u64) -> String {
    // 7_340_033 is odd and not a multiple of 5: multiplying by it permutes 0..10^8.
    let n = (i.wrapping_mul(7_340_033).wrapping_add(12_345_678)) % 100_000_000;
    format!("010{n:08}")
}

fn pick<'a, T>(rng: &mut StdRng, v: &'a [T]) -> &'a T {
    &v[rng.gen_range(0..v.len())]
}

fn surname(rng: &mut StdRng) -> (&'static str, usize) {
    let total: u32 = SURNAMES.iter().map(|s| s.1).sum();
    let mut x = rng.gen_range(0..total);
    for (i, (s, w)) in SURNAMES.iter().enumerate() {
        if x < *w {
            return (s, i);
        }
        x -= w;
    }
    ("김", 0)
}

fn note(rng: &mut StdRng, day: NaiveDate) -> String {
    let product: &&str = pick(rng, PRODUCTS);
    pick(rng, NOTES)
        .replace("{p}", product)
        .replace("{d}", &rng.gen_range(1..5).to_string())
        .replace(
            "{o}",
            &format!("{}{:05}", day.format("%Y%m%d"), rng.gen_range(0..100_000)),
        )
}

/// Writes the volume into `dir` (seeding the demo brand from `demo_dir` first if the store is
/// empty). `progress` hears a line now and then.
pub fn seed_volume(
    dir: &Path,
    demo_dir: &Path,
    spec: &VolumeSpec,
    progress: &dyn Fn(&str),
) -> Result<VolumeReport, String> {
    let started = Instant::now();
    // A large page cache while writing: the B-trees' inner pages stay resident instead of
    // being read back for every random insert (the server itself runs with 64 MiB).
    let store = Store::open_with_cache(dir, SEED_CACHE_MIB).map_err(|e| e.to_string())?;
    crate::demo::seed_if_empty(&store, demo_dir)?;
    let brand = store
        .brand(spec.brand)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("brand {} does not exist", spec.brand))?;
    let services = store.services(spec.brand).map_err(|e| e.to_string())?;
    if services.is_empty() {
        return Err(format!("brand {} has no services", spec.brand));
    }
    let agents: Vec<Agent> = store
        .agents()
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|a| a.brand_id == spec.brand && a.active)
        .collect();
    if agents.is_empty() {
        return Err(format!("brand {} has no agents", spec.brand));
    }
    let mut report = VolumeReport::default();
    let tz = brand.tz();

    // Customers, 20,000 per transaction; (id, number, name) kept for the consultations.
    let people: Arc<Vec<(u64, String, String)>> = {
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let mut v = Vec::with_capacity(spec.customers as usize);
        let mut i = 0u64;
        while (v.len() as u64) < spec.customers {
            let (s, si) = surname(&mut rng);
            let name = format!(
                "{s}{}{}",
                pick(&mut rng, GIVEN_FIRST),
                pick(&mut rng, GIVEN_SECOND)
            );
            v.push((si as u64, mobile(spec.seed.wrapping_mul(31) + i), name));
            i += 1;
        }
        Arc::new(v)
    };
    let first_id = store
        .write_blocking({
            let n = spec.customers.max(1);
            move |tx| store::reserve_block(tx, "customer", n)
        })
        .map_err(|e| e.to_string())?;
    let chunk = 20_000usize;
    let mut written = 0u64;
    for start in (0..people.len()).step_by(chunk) {
        let people = people.clone();
        let (brand_id, seed) = (spec.brand, spec.seed);
        let n = store
            .write_blocking(move |tx| {
                let mut rng = StdRng::seed_from_u64(seed ^ start as u64);
                let mut n = 0u64;
                let end = (start + chunk).min(people.len());
                for (k, (si, phone, name)) in people[start..end].iter().enumerate() {
                    let idx = (start + k) as u64;
                    // A number someone already has (the demo's customers) is skipped.
                    let taken = store::get_w::<u64>(
                        tx,
                        tables::CUSTOMERS_BY_PHONE,
                        &format!("{brand_id:010}/{phone}"),
                    )?
                    .is_some();
                    if taken {
                        continue;
                    }
                    let email = rng.gen_bool(0.4).then(|| {
                        format!(
                            "{}{}@{}",
                            ROMAN[*si as usize % ROMAN.len()],
                            first_id + idx,
                            pick(&mut rng, DOMAINS)
                        )
                    });
                    let phones = if rng.gen_bool(0.15) {
                        vec![mobile(50_000_000 + seed.wrapping_mul(31) + idx)]
                    } else {
                        vec![]
                    };
                    let c = Customer {
                        id: first_id + idx,
                        brand_id,
                        name: name.clone(),
                        phone: phone.clone(),
                        phones,
                        email,
                        birth_date: None,
                        blacklisted: rng.gen_bool(0.002),
                        blacklist_reason: None,
                        memo: String::new(),
                        updated_at: None,
                    };
                    match store::put_customer(tx, &c) {
                        Ok(()) => n += 1,
                        // A second number someone has: the customer goes in without it.
                        Err(store::StoreError::Refused(_)) => {
                            let c = Customer {
                                phones: vec![],
                                ..c
                            };
                            store::put_customer(tx, &c)?;
                            n += 1;
                        }
                        Err(e) => return Err(e),
                    }
                }
                Ok(n)
            })
            .map_err(|e| e.to_string())?;
        written += n;
        if start % 200_000 == 0 {
            progress(&format!(
                "customers: {written} ({:.0} s)",
                started.elapsed().as_secs_f64()
            ));
        }
    }
    report.customers = written;

    // Consultations, one transaction per day, oldest day first.
    let today = crate::domain::ledger::local_date(Utc::now(), tz);
    let days = spec.days.max(1) as u64;
    let per_day = spec.consultations / days;
    let extra = spec.consultations % days;
    let agents = Arc::new(agents);
    let services = Arc::new(services);
    let categories = Arc::new(brand.categories.clone());
    let results = Arc::new(brand.results.clone());
    for d in 0..days {
        let n = per_day + u64::from(d < extra);
        if n == 0 {
            continue;
        }
        let day = today - Duration::days((days - d) as i64);
        let (agents, services, categories, results, people) = (
            agents.clone(),
            services.clone(),
            categories.clone(),
            results.clone(),
            people.clone(),
        );
        let (brand_id, seed) = (spec.brand, spec.seed);
        let opens = tz
            .from_local_datetime(&day.and_hms_opt(9, 0, 0).expect("time"))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .ok_or("no 09:00 that day")?;
        store
            .write_blocking(move |tx| {
                let mut rng = StdRng::seed_from_u64(seed ^ (d << 32) ^ 0xC0);
                let first_seq = store::reserve_block(tx, &ticket::counter_key(day), n)?;
                let first_call = store::reserve_block(tx, "call", n)?;
                let mut day_items = Vec::with_capacity(n as usize);
                for k in 0..n {
                    // Spread over 09:00–18:00.
                    let arrived = opens + Duration::seconds((k * 9 * 3600 / n) as i64);
                    let svc = pick(&mut rng, &services);
                    let known = !people.is_empty() && rng.gen_bool(0.8);
                    let (customer_id, number) = if known {
                        let i = rng.gen_range(0..people.len());
                        (Some(first_id + i as u64), people[i].1.clone())
                    } else {
                        (None, mobile(90_000_000 + rng.gen_range(0..9_999_999)))
                    };
                    let inbound = rng.gen_bool(0.85);
                    let abandoned = inbound && rng.gen_bool(0.05);
                    let agent = (!abandoned).then(|| pick(&mut rng, &agents));
                    let wait_s = if inbound { rng.gen_range(0..90) } else { 0 };
                    let talk_s = if abandoned { 0 } else { rng.gen_range(30..600) };
                    let wrap_s = if abandoned { 0 } else { rng.gen_range(5..120) };
                    let answered = (!abandoned).then(|| arrived + Duration::seconds(wait_s));
                    let ended = arrived + Duration::seconds(wait_s + talk_s);
                    let c = Consultation {
                        ticket_id: ticket::format(day, first_seq + k),
                        brand_id,
                        call_id: first_call + k,
                        channel: if inbound { Channel::In } else { Channel::Out },
                        service: svc.code.clone(),
                        service_name: svc.name.clone(),
                        number,
                        external_id: None,
                        agent_id: agent.map(|a| a.id),
                        agent_name: agent.map(|a| a.name.clone()),
                        customer_id,
                        arrived_at: arrived,
                        offered_at: answered,
                        answered_at: answered,
                        ended_at: Some(ended),
                        wrap_up_ended_at: (!abandoned).then(|| ended + Duration::seconds(wrap_s)),
                        wait_s,
                        talk_s,
                        wrap_up_s: wrap_s,
                        outcome: if abandoned {
                            CallOutcome::Abandoned
                        } else {
                            CallOutcome::Completed
                        },
                        category: (!abandoned).then(|| pick(&mut rng, &categories).clone()),
                        result: (!abandoned).then(|| pick(&mut rng, &results).clone()),
                        content: if abandoned {
                            String::new()
                        } else {
                            note(&mut rng, day)
                        },
                        updated_at: ended,
                        updated_by: agent.map(|a| a.id),
                        reservation_id: None,
                        hold_s: 0,
                        transferred_from: None,
                        transferred_to: None,
                    };
                    day_items.push(c);
                }
                store::insert_consultations(tx, &day_items)
            })
            .map_err(|e| e.to_string())?;
        report.consultations += n;
        if d % 30 == 0 {
            progress(&format!(
                "consultations: {} ({:.0} s)",
                report.consultations,
                started.elapsed().as_secs_f64()
            ));
        }
    }

    // Reservations and messages, 20,000 per transaction.
    let horizon = Utc::now();
    let mut left = spec.reservations;
    let mut batch = 0u64;
    while left > 0 {
        let n = left.min(20_000);
        let (agents, services, people) = (agents.clone(), services.clone(), people.clone());
        let (brand_id, seed) = (spec.brand, spec.seed);
        store
            .write_blocking(move |tx| {
                let mut rng = StdRng::seed_from_u64(seed ^ (batch << 40) ^ 0x5E);
                let first = store::reserve_block(tx, "reservation", n)?;
                for k in 0..n {
                    let at = horizon - Duration::minutes(rng.gen_range(-20_000..500_000));
                    let (customer_id, number, name) = person(&mut rng, &people, first_id);
                    let svc = pick(&mut rng, &services);
                    let owner = pick(&mut rng, &agents);
                    let past = at < horizon;
                    let r = Reservation {
                        id: first + k,
                        brand_id,
                        service: svc.code.clone(),
                        number,
                        customer_name: name,
                        customer_id,
                        scheduled_at: at,
                        rtype: if rng.gen_bool(0.6) {
                            ResvType::Callback
                        } else {
                            ResvType::Direct
                        },
                        memo: "상품 문의 재연락".into(),
                        owner_id: Some(owner.id),
                        owner_until: None,
                        status: if past {
                            ResvStatus::Done
                        } else {
                            ResvStatus::Pending
                        },
                        attempts: vec![],
                        ticket_id: None,
                        dialing_by: None,
                        dialing_since: None,
                        created_by: Some(owner.id),
                        created_at: at - Duration::hours(2),
                        updated_at: at,
                    };
                    store::put_reservation(tx, &r)?;
                }
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        left -= n;
        batch += 1;
        report.reservations += n;
    }
    let mut left = spec.messages;
    let mut batch = 0u64;
    while left > 0 {
        let n = left.min(20_000);
        let (agents, people) = (agents.clone(), people.clone());
        let (brand_id, seed) = (spec.brand, spec.seed);
        let span_s = (spec.days.max(1) as i64) * 24 * 3600;
        let (total, done) = (spec.messages.max(1) as i64, (spec.messages - left) as i64);
        store
            .write_blocking(move |tx| {
                let mut rng = StdRng::seed_from_u64(seed ^ (batch << 40) ^ 0x3A);
                for k in 0..n as i64 {
                    // In time order, as ids are handed out (the retention job relies on it).
                    let at = horizon - Duration::seconds(span_s - (done + k) * span_s / total);
                    let (customer_id, to, _) = person(&mut rng, &people, first_id);
                    let agent = pick(&mut rng, &agents);
                    let body = format!(
                        "[하늘몰] 문의하신 {} 관련 안내드립니다. 감사합니다.",
                        pick(&mut rng, PRODUCTS)
                    );
                    let mut m = Message::queued(brand_id, agent.id, agent.name.clone(), to, at);
                    m.kind = MessageKind::Sms;
                    m.bytes = crate::domain::message::euckr_bytes(&body).unwrap_or(0);
                    m.body = body;
                    m.customer_id = customer_id;
                    m.status = MessageStatus::Sent;
                    m.sent_as = Some(MessageKind::Sms);
                    m.done_at = Some(at + Duration::seconds(2));
                    store::insert_sent_message(tx, &m)?;
                }
                Ok(())
            })
            .map_err(|e| e.to_string())?;
        left -= n;
        batch += 1;
        report.messages += n;
    }
    store.close_blocking();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

/// A known customer (80 %) or a number nobody has.
fn person(
    rng: &mut StdRng,
    people: &[(u64, String, String)],
    first_id: u64,
) -> (Option<u64>, String, Option<String>) {
    if !people.is_empty() && rng.gen_bool(0.8) {
        let i = rng.gen_range(0..people.len());
        (
            Some(first_id + i as u64),
            people[i].1.clone(),
            Some(people[i].2.clone()),
        )
    } else {
        (None, mobile(90_000_000 + rng.gen_range(0..9_999_999)), None)
    }
}
