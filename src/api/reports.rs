//! `GET /api/reports/daily?date=YYYY-MM-DD&by=service|agent&format=json|csv|xlsx` (managers):
//! the day's report. By service: the wallboard's figures for that day, counted from the day's
//! consultations with the same definitions (`domain::figures`), with a total row and the
//! 30-minute intervals. By agent: calls IN/OUT, talk, wrap-up, hold, ready, every 기타 reason,
//! preparing, ringing, dialing and occupancy — today's live from the stats actor, earlier days
//! from the store. CSV is UTF-8 with a BOM (Excel opens Korean correctly); .xlsx is written with
//! rust_xlsxwriter.

use super::auth::Authed;
use super::{cell_text, parse_day, require_manager, AppState};
use crate::domain::figures::{ServiceDay, Tally};
use crate::domain::ledger::{local_date, AgentDay, AgentFigures};
use crate::domain::model::AgentId;
use crate::domain::status::AuxReason;
use crate::engine::messages::GetAgentDays;
use crate::engine::wallboard::interval_row;
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/reports/daily", web::get().to(daily));
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Query {
    date: Option<String>,
    by: Option<String>,
    format: Option<String>,
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Json,
    Csv,
    Xlsx,
}

/// A report as a table: column headers (Korean, with the JSON key) and rows of cells.
struct Table {
    sheet: &'static str,
    columns: Vec<(&'static str, &'static str)>,
    rows: Vec<Vec<Value>>,
}

fn tally_cells(t: &Tally) -> Vec<Value> {
    vec![
        json!(t.offered),
        json!(t.answered),
        json!(t.abandoned),
        json!(t.short_abandoned),
        json!(t.answered_in_sl),
        json!(t.service_level()),
        json!(t.answer_rate()),
        json!(t.abandon_rate()),
        json!(t.asa_s()),
        json!(t.aht_s()),
        json!(t.wait_buckets[0]),
        json!(t.wait_buckets[1]),
        json!(t.wait_buckets[2]),
        json!(t.wait_buckets[3]),
        json!(t.wait_buckets[4]),
    ]
}

const TALLY_COLUMNS: [(&str, &str); 15] = [
    ("인입", "offered"),
    ("응대", "answered"),
    ("포기", "abandoned"),
    ("단순포기", "shortAbandoned"),
    ("SL내 응대", "answeredInSl"),
    ("서비스레벨(%)", "serviceLevel"),
    ("응대율(%)", "answerRate"),
    ("포기율(%)", "abandonRate"),
    ("평균대기 ASA(초)", "asaS"),
    ("평균처리 AHT(초)", "ahtS"),
    ("10초 미만 응대", "waitUnder10"),
    ("20초 미만", "waitUnder20"),
    ("30초 미만", "waitUnder30"),
    ("60초 미만", "waitUnder60"),
    ("60초 이상", "wait60Plus"),
];

async fn daily(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<Query>,
) -> AppResult<HttpResponse> {
    require_manager(&who.0, "일일 보고서")?;
    let rt = state.engine.brand_rt(who.0.brand_id)?;
    let tz = rt.brand.tz();
    let today = local_date(state.engine.now(), tz);
    let date = parse_day(q.date.as_deref())?.unwrap_or(today);
    if date > today {
        return Err(AppError::bad_request(format!(
            "date: 미래의 날짜입니다 ({date})"
        )));
    }
    let format = match q.format.as_deref() {
        None | Some("json") => Format::Json,
        Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(o) => {
            return Err(AppError::bad_request(format!(
                "format은 json, csv, xlsx 중 하나입니다 (got '{o}')"
            )))
        }
    };
    let by = q.by.as_deref().unwrap_or("service");
    let (json, tables) = match by {
        "service" => by_service(&state, who.0.brand_id, date).await?,
        "agent" => by_agent(&state, who.0.brand_id, date, date == today).await?,
        o => {
            return Err(AppError::bad_request(format!(
                "by는 service 또는 agent입니다 (got '{o}')"
            )))
        }
    };
    let name = format!("calldesk-{by}-{date}");
    match format {
        Format::Json => Ok(HttpResponse::Ok().json(json)),
        Format::Csv => {
            let body = csv_of(&tables[0])?;
            Ok(HttpResponse::Ok()
                .content_type("text/csv; charset=utf-8")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}.csv\""),
                ))
                .body(body))
        }
        Format::Xlsx => {
            let body = super::off_thread(move || xlsx_of(&tables)).await?;
            Ok(HttpResponse::Ok()
                .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                .insert_header((
                    "Content-Disposition",
                    format!("attachment; filename=\"{name}.xlsx\""),
                ))
                .body(body))
        }
    }
}

async fn by_service(
    state: &AppState,
    brand: u32,
    date: chrono::NaiveDate,
) -> AppResult<(Value, Vec<Table>)> {
    let engine = state.engine.clone();
    let rt = engine.brand_rt(brand)?;
    let tz = rt.brand.tz();
    let services = rt.services.clone();
    let day = super::off_thread(move || engine.store.consultations_of_brand(brand, date)).await?;
    let mut per: BTreeMap<String, ServiceDay> = BTreeMap::new();
    for c in &day {
        let rules = services
            .iter()
            .find(|s| s.code == c.service)
            .map(|s| s.rules())
            .unwrap_or_default();
        per.entry(c.service.clone())
            .or_default()
            .add_consultation(rules, c, tz);
    }
    let mut total = Tally::default();
    let mut intervals: BTreeMap<u16, Tally> = BTreeMap::new();
    let mut rows_json = Vec::new();
    let mut rows = Vec::new();
    let mut codes: Vec<(String, String)> = services
        .iter()
        .map(|s| (s.code.clone(), s.name.clone()))
        .collect();
    for code in per.keys() {
        if !codes.iter().any(|(c, _)| c == code) {
            codes.push((code.clone(), code.clone()));
        }
    }
    for (code, name) in &codes {
        let d = per.get(code).cloned().unwrap_or_default();
        total.add(&d.total);
        for (slot, t) in &d.intervals {
            intervals.entry(*slot).or_default().add(t);
        }
        rows_json.push(service_json(
            code,
            name,
            &d.total,
            services.iter().find(|s| &s.code == code),
        ));
        let mut row = vec![json!(code), json!(name)];
        row.extend(tally_cells(&d.total));
        rows.push(row);
    }
    let mut total_row = vec![json!(""), json!("전체")];
    total_row.extend(tally_cells(&total));
    rows.push(total_row);
    let mut columns = vec![("서비스 코드", "code"), ("서비스", "name")];
    columns.extend(TALLY_COLUMNS);
    let interval_rows: Vec<_> = intervals
        .iter()
        .map(|(slot, t)| interval_row(*slot, t))
        .collect();
    let interval_table = Table {
        sheet: "30분 간격",
        columns: vec![
            ("시작", "start"),
            ("인입", "offered"),
            ("응대", "answered"),
            ("포기", "abandoned"),
            ("단순포기", "shortAbandoned"),
            ("서비스레벨(%)", "serviceLevel"),
        ],
        rows: interval_rows
            .iter()
            .map(|r| {
                vec![
                    json!(r.start),
                    json!(r.offered),
                    json!(r.answered),
                    json!(r.abandoned),
                    json!(r.short_abandoned),
                    json!(r.service_level),
                ]
            })
            .collect(),
    };
    let json = json!({
        "date": date,
        "by": "service",
        "rows": rows_json,
        "total": service_json("", "전체", &total, None),
        "intervals": interval_rows,
    });
    Ok((
        json,
        vec![
            Table {
                sheet: "서비스별",
                columns,
                rows,
            },
            interval_table,
        ],
    ))
}

fn service_json(
    code: &str,
    name: &str,
    t: &Tally,
    svc: Option<&crate::domain::model::Service>,
) -> Value {
    json!({
        "code": code, "name": name,
        "waitAnsweredMs": t.wait_answered_ms, "handleS": t.handle_s,
        "waitBuckets": t.wait_buckets,
        "serviceLevelS": svc.map(|s| s.service_level_s),
        "shortAbandonS": svc.map(|s| s.short_abandon_s),
        "slTargetPct": svc.map(|s| s.sl_target_pct),
        "offered": t.offered, "answered": t.answered, "abandoned": t.abandoned,
        "shortAbandoned": t.short_abandoned, "answeredInSl": t.answered_in_sl,
        "serviceLevel": t.service_level(), "answerRate": t.answer_rate(),
        "abandonRate": t.abandon_rate(), "asaS": t.asa_s(), "ahtS": t.aht_s(),
    })
}

async fn by_agent(
    state: &AppState,
    brand: u32,
    date: chrono::NaiveDate,
    today: bool,
) -> AppResult<(Value, Vec<Table>)> {
    let engine = state.engine.clone();
    let rt = engine.brand_rt(brand)?;
    // Every store read on the blocking pool, not on the HTTP worker.
    let e = engine.clone();
    let (people, stored) = super::off_thread(move || {
        let people: Vec<_> = e
            .store
            .agents()?
            .into_iter()
            .filter(|a| a.brand_id == brand)
            .collect();
        let mut days = BTreeMap::new();
        if !today {
            for a in &people {
                if let Some(d) = e.store.agent_day::<AgentDay>(a.id, date)? {
                    days.insert(a.id, d);
                }
            }
        }
        Ok::<_, crate::store::StoreError>((people, days))
    })
    .await?;
    let days: BTreeMap<AgentId, AgentDay> = if today {
        rt.stats.send(GetAgentDays).await?.1.into_iter().collect()
    } else {
        stored
    };
    let mut rows_json = Vec::new();
    let mut rows = Vec::new();
    for a in &people {
        let day = days.get(&a.id).cloned().unwrap_or_default();
        if !a.active && !day.worked() {
            continue;
        }
        let f = AgentFigures::from_day(&day);
        let occupancy = f.occupancy();
        let mut row = vec![
            json!(a.id),
            json!(a.login),
            json!(a.name),
            json!(f.calls_in),
            json!(f.calls_out),
            json!(f.talk_total_s),
            json!(f.talk_avg_s),
            json!(f.hold_s),
            json!(f.ready_s),
            json!(f.wrap_up_s),
            json!(f.away_s),
            json!(f.preparing_s),
            json!(f.ringing_s),
            json!(f.dialing_s),
            json!(occupancy),
        ];
        for r in AuxReason::ALL {
            row.push(json!(f.aux_s.get(r.as_str()).copied().unwrap_or(0)));
        }
        rows.push(row);
        rows_json.push(json!({
            "id": a.id, "login": a.login, "name": a.name, "active": a.active,
            "figures": f, "occupancy": occupancy,
        }));
    }
    let mut columns: Vec<(&'static str, &'static str)> = vec![
        ("상담사 id", "id"),
        ("로그인", "login"),
        ("이름", "name"),
        ("인입(IN)", "callsIn"),
        ("발신(OUT)", "callsOut"),
        ("통화(초)", "talkTotalS"),
        ("평균통화(초)", "talkAvgS"),
        ("보류(초)", "holdS"),
        ("대기(초)", "readyS"),
        ("후처리(초)", "wrapUpS"),
        ("기타 합계(초)", "awayS"),
        ("상담준비(초)", "preparingS"),
        ("수신중(초)", "ringingS"),
        ("발신중(초)", "dialingS"),
        ("점유율(%)", "occupancy"),
    ];
    for r in AuxReason::ALL {
        columns.push((aux_column(r), r.as_str()));
    }
    let json = json!({"date": date, "by": "agent", "rows": rows_json});
    Ok((
        json,
        vec![Table {
            sheet: "상담사별",
            columns,
            rows,
        }],
    ))
}

fn aux_column(r: AuxReason) -> &'static str {
    match r {
        AuxReason::Meeting => "기타-회의중(초)",
        AuxReason::Away => "기타-자리비움(초)",
        AuxReason::Training => "기타-교육중(초)",
        AuxReason::Interview => "기타-면담중(초)",
        AuxReason::OtherWork => "기타-타업무(초)",
        AuxReason::Meal => "기타-식사중(초)",
        AuxReason::Rest => "기타-휴식중(초)",
        AuxReason::Missed => "기타-미응답(초)",
    }
}

fn csv_of(t: &Table) -> AppResult<Vec<u8>> {
    super::csv_with_bom(
        t.columns.iter().map(|(ko, key)| format!("{ko}({key})")),
        t.rows
            .iter()
            .map(|r| r.iter().map(cell_text).collect::<Vec<_>>()),
    )
}

fn xlsx_of(tables: &[Table]) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let bad = |e: rust_xlsxwriter::XlsxError| AppError::internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let head = Format::new().set_bold();
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(t.sheet).map_err(bad)?;
        for (c, (ko, _)) in t.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *ko, &head)
                .map_err(bad)?;
            ws.set_column_width(c as u16, 14).map_err(bad)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Number(n) => {
                        ws.write_number(r, c, n.as_f64().unwrap_or(0.0))
                            .map_err(bad)?;
                    }
                    Value::Null => {}
                    other => {
                        ws.write_string(r, c, cell_text(other)).map_err(bad)?;
                    }
                }
            }
        }
    }
    wb.save_to_buffer().map_err(bad)
}
