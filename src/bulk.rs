//! Bulk reservation files (F-BULK): reads CSV (UTF-8, or CP949 as Korean Excel saves it —
//! detected) and .xlsx (calamine) into rows, repairs numbers that lost their leading 0 in Excel,
//! and checks every row (bad number, time in the past, unknown agent, duplicate) so a manager sees
//! a row-by-row preview before anything is saved. Columns by header: 전화번호 (number), 이름
//! (name), 예약일시 (scheduledAt, `YYYY-MM-DD HH:mm` local time), 메모 (memo), 상담사 (agent:
//! login or name).

use crate::domain::phone::Phone;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::HashSet;
use std::io::Cursor;

/// Largest file accepted.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_ROWS: usize = 50_000;

#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub number: String,
    pub name: String,
    pub at: String,
    pub memo: String,
    pub agent: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub message: String,
}

/// A row that passed every check.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoodRow {
    pub line: usize,
    pub number: String,
    pub name: Option<String>,
    pub scheduled_at: DateTime<Utc>,
    pub memo: String,
    /// The agent the file names, if any.
    pub agent_id: Option<u32>,
    /// The number was repaired (a lost leading 0).
    pub repaired: bool,
}

fn column(header: &str) -> Option<usize> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    match h.as_str() {
        "전화번호" | "번호" | "연락처" | "number" | "phone" => Some(0),
        "이름" | "고객명" | "name" => Some(1),
        "예약일시" | "일시" | "예약시간" | "scheduledat" | "time" => Some(2),
        "메모" | "memo" => Some(3),
        "상담사" | "담당" | "agent" => Some(4),
        _ => None,
    }
}

fn rows_from_table(table: Vec<Vec<String>>) -> Result<Vec<RawRow>, String> {
    let mut it = table.into_iter();
    let header = it.next().ok_or("빈 파일입니다")?;
    let map: Vec<Option<usize>> = header.iter().map(|h| column(h)).collect();
    if !map.contains(&Some(0)) || !map.contains(&Some(2)) {
        return Err("머리글에 전화번호와 예약일시 열이 있어야 합니다".into());
    }
    let mut out = Vec::new();
    for (i, cells) in it.enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut f: [String; 5] = Default::default();
        for (j, c) in cells.into_iter().enumerate() {
            if let Some(Some(k)) = map.get(j) {
                f[*k] = c.trim().to_string();
            }
        }
        let [number, name, at, memo, agent] = f;
        out.push(RawRow {
            line: i + 2,
            number,
            name,
            at,
            memo,
            agent,
        });
        if out.len() > MAX_ROWS {
            return Err(format!("한 파일은 {MAX_ROWS}행까지입니다"));
        }
    }
    Ok(out)
}

/// Decodes CSV bytes: UTF-8 (with or without BOM) when valid, else CP949.
pub fn decode_text(bytes: &[u8]) -> (String, &'static str) {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(b) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (s, _, _) = encoding_rs::EUC_KR.decode(b);
            (s.into_owned(), "CP949")
        }
    }
}

pub fn read_csv(bytes: &[u8]) -> Result<(Vec<RawRow>, &'static str), String> {
    let (text, enc) = decode_text(bytes);
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("CSV를 읽을 수 없습니다: {e}"))?;
        table.push(rec.iter().map(str::to_string).collect());
    }
    Ok((rows_from_table(table)?, enc))
}

pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawRow>, String> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| format!("xlsx 파일을 읽을 수 없습니다: {e}"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or("시트가 없습니다")?
        .map_err(|e| format!("시트를 읽을 수 없습니다: {e}"))?;
    let table = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
                    Data::Float(f) => f.to_string(),
                    Data::Int(i) => i.to_string(),
                    Data::DateTime(d) => d
                        .as_datetime()
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    rows_from_table(table)
}

/// A number as Excel may have mangled it: `1012345678` (lost 0) becomes `01012345678`.
pub fn repair_number(raw: &str) -> Option<(Phone, bool)> {
    if let Ok(p) = Phone::parse(raw) {
        return Some((p, false));
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    Phone::parse(&format!("0{digits}")).ok().map(|p| (p, true))
}

/// Checks every row. `agent_of` resolves a login or name to an agent of the brand.
pub fn check(
    rows: &[RawRow],
    now: DateTime<Utc>,
    tz: Tz,
    agent_of: impl Fn(&str) -> Option<u32>,
    existing: &HashSet<(String, DateTime<Utc>)>,
) -> (Vec<GoodRow>, Vec<RowError>) {
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<(String, DateTime<Utc>)> = HashSet::new();
    for r in rows {
        let err = |field: &str, message: String| RowError {
            line: r.line,
            field: field.into(),
            message,
        };
        let mut row_errs = Vec::new();
        let number = repair_number(&r.number);
        if number.is_none() {
            row_errs.push(err(
                "number",
                format!("전화번호가 올바르지 않습니다: '{}'", r.number),
            ));
        }
        let at = [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y/%m/%d %H:%M",
            "%Y.%m.%d %H:%M",
        ]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&r.at, f).ok())
        .and_then(|n| tz.from_local_datetime(&n).earliest())
        .map(|t| t.with_timezone(&Utc));
        match at {
            None => row_errs.push(err(
                "scheduledAt",
                format!("예약일시 형식이 아닙니다 (YYYY-MM-DD HH:mm): '{}'", r.at),
            )),
            Some(t) if t < now => row_errs.push(err("scheduledAt", "지난 시간입니다".into())),
            _ => {}
        }
        let agent_id = if r.agent.is_empty() {
            None
        } else {
            let a = agent_of(&r.agent);
            if a.is_none() {
                row_errs.push(err("agent", format!("없는 상담사입니다: '{}'", r.agent)));
            }
            a
        };
        if let (Some((p, _)), Some(t)) = (&number, at) {
            let key = (p.digits().to_string(), t);
            if existing.contains(&key) || !seen.insert(key) {
                row_errs.push(err(
                    "number",
                    "같은 번호·시간의 예약이 이미 있습니다 (중복)".into(),
                ));
            }
        }
        if row_errs.is_empty() {
            let (p, repaired) = number.expect("checked");
            good.push(GoodRow {
                line: r.line,
                number: p.digits().to_string(),
                name: Some(r.name.clone()).filter(|n| !n.is_empty()),
                scheduled_at: at.expect("checked"),
                memo: r.memo.clone(),
                agent_id,
                repaired,
            });
        } else {
            errors.extend(row_errs);
        }
    }
    (good, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        chrono_tz::Asia::Seoul
            .with_ymd_and_hms(2026, 11, 23, 9, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn utf8_and_cp949_csv_are_both_read() {
        let text = "전화번호,이름,예약일시,메모\n010-1234-5678,김영희,2026-11-24 10:00,첫 통화\n";
        let (rows, enc) = read_csv(text.as_bytes()).unwrap();
        assert_eq!(enc, "UTF-8");
        assert_eq!(rows[0].name, "김영희");
        let (cp949, _, _) = encoding_rs::EUC_KR.encode(text);
        let (rows, enc) = read_csv(&cp949).unwrap();
        assert_eq!(enc, "CP949");
        assert_eq!(rows[0].name, "김영희");
        assert_eq!(rows[0].memo, "첫 통화");
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn a_file_without_the_needed_columns_is_refused() {
        assert!(read_csv("이름,메모\n김,x\n".as_bytes()).is_err());
        assert!(read_csv(b"").is_err());
    }

    #[test]
    fn excel_numbers_that_lost_their_zero_are_repaired() {
        assert_eq!(
            repair_number("1012345678").unwrap().0.digits(),
            "01012345678"
        );
        assert!(repair_number("1012345678").unwrap().1);
        assert!(!repair_number("010-1234-5678").unwrap().1);
        assert!(repair_number("12").is_none());
    }

    #[test]
    fn every_bad_row_is_named_and_good_rows_pass() {
        let (rows, _) = read_csv(
            "전화번호,이름,예약일시,메모,상담사\n\
             1012345678,김,2026-11-24 10:00,,agent01\n\
             12,이,2026-11-24 10:00,,\n\
             010-2222-3333,박,2026-11-22 10:00,,\n\
             010-2222-4444,최,2026-11-24 10:00,,nobody\n\
             010-1234-5678,정,2026-11-24 10:00,,\n\
             010-5555-6666,한,내일,,\n"
                .as_bytes(),
        )
        .unwrap();
        let (good, errs) = check(
            &rows,
            now(),
            chrono_tz::Asia::Seoul,
            |a| (a == "agent01").then_some(1),
            &HashSet::new(),
        );
        assert_eq!(good.len(), 1);
        assert!(good[0].repaired);
        assert_eq!(good[0].agent_id, Some(1));
        let by_line: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            by_line,
            vec![
                (3, "number"),
                (4, "scheduledAt"),
                (5, "agent"),
                (6, "number"),
                (7, "scheduledAt")
            ]
        );
        assert!(errs[3].message.contains("중복"));
    }
}
