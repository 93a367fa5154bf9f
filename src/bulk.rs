//! Bulk files (F-BULK, 상담사 일괄 등록): reads CSV (UTF-8, or CP949 as Korean Excel saves it —
//! detected) and .xlsx (calamine) into rows by a `Layout` of header words, each read bounded in
//! bytes, rows, columns, cells and time. This file: the reader, and 대량 예약 — repairs numbers
//! that lost their leading 0 in Excel and checks every row (bad number, time in the past,
//! unknown agent, duplicate) so a manager sees a row-by-row preview before anything is saved.
//! Its columns by header: 전화번호 (number), 이름 (name), 예약일시 (scheduledAt,
//! `YYYY-MM-DD HH:mm` local time), 메모 (memo), 상담사 (agent: login or name). People files:
//! `people`.

pub mod people;

use crate::domain::limits;
use crate::domain::phone::Phone;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::io::{Cursor, Read};
use std::time::{Duration, Instant};

/// Largest file accepted (the upload route's body limit).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most rows in one file.
pub const MAX_ROWS: usize = 50_000;
/// Columns read per row; cells further right are ignored.
pub const MAX_COLS: usize = 32;
/// Characters kept of one cell. Longer cells are cut (one character past this, so the field's
/// own limit still refuses the row) and never echoed whole.
pub const MAX_CELL_CHARS: usize = 1_000;
/// Cells one .xlsx sheet may hold.
pub const MAX_CELLS: usize = MAX_ROWS * MAX_COLS;
/// Parts (zip entries) one .xlsx may have.
pub const MAX_XLSX_ENTRIES: usize = 256;
/// Bytes all parts of one .xlsx may inflate to, together (measured while inflating, not read
/// from the headers a zip bomb lies in).
pub const MAX_XLSX_INFLATED: u64 = 48 * 1024 * 1024;
/// Shared strings one .xlsx may declare or hold.
pub const MAX_SHARED_STRINGS: u64 = 300_000;
/// Files read at once; one more is refused with 503 and `Retry-After`.
pub const PARSES_AT_ONCE: usize = 2;
/// Row errors a preview lists (all are counted).
pub const MAX_LISTED_ERRORS: usize = 200;
/// Longest one file may take to read.
pub const MAX_PARSE_TIME: Duration = Duration::from_secs(10);

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

/// The errors a preview lists (all are counted).
pub fn listed(errors: &[RowError]) -> &[RowError] {
    &errors[..errors.len().min(MAX_LISTED_ERRORS)]
}

/// Refuses an import whose file has bad rows (unless they are to be skipped), naming the first.
pub fn refuse_bad_rows(errors: &[RowError], skip_invalid: bool) -> crate::error::AppResult<()> {
    if errors.is_empty() || skip_invalid {
        return Ok(());
    }
    Err(crate::error::AppError::invalid_fields(
        errors
            .iter()
            .take(50)
            .map(|e| ("rows", format!("{}행 {}: {}", e.line, e.field, e.message)))
            .collect(),
    ))
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

/// One column a file may have: the field it fills and the header words that name it (compared
/// trimmed and lower-cased).
pub struct Column {
    pub field: &'static str,
    pub headers: &'static [&'static str],
}

/// The columns of one kind of file, which of them a header must have, and what to say when one
/// is missing.
pub struct Layout {
    pub columns: &'static [Column],
    pub required: &'static [usize],
    pub missing: &'static str,
}

/// One data row of a file: its 1-based line (the header is line 1) and a cell per layout column
/// (empty when the file has no such column).
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// 대량 예약: 전화번호, 이름, 예약일시, 메모, 상담사.
pub const RESERVATIONS: Layout = Layout {
    columns: &[
        Column {
            field: "number",
            headers: &["전화번호", "번호", "연락처", "number", "phone"],
        },
        Column {
            field: "name",
            headers: &["이름", "고객명", "name"],
        },
        Column {
            field: "scheduledAt",
            headers: &["예약일시", "일시", "예약시간", "scheduledat", "time"],
        },
        Column {
            field: "memo",
            headers: &["메모", "memo"],
        },
        Column {
            field: "agent",
            headers: &["상담사", "담당", "agent"],
        },
    ],
    required: &[0, 2],
    missing: "머리글에 전화번호와 예약일시 열이 있어야 합니다",
};

fn column(layout: &Layout, header: &str) -> Option<usize> {
    let h = header.trim().trim_start_matches('\u{feff}').to_lowercase();
    layout
        .columns
        .iter()
        .position(|c| c.headers.iter().any(|x| *x == h))
}

/// A cell's text, trimmed and cut at `MAX_CELL_CHARS + 1` characters.
fn cap(s: &str) -> String {
    let t = s.trim();
    match t.char_indices().nth(MAX_CELL_CHARS + 1) {
        Some((i, _)) => t[..i].to_string(),
        None => t.to_string(),
    }
}

/// Maps header cells (by file column) to layout columns; refuses a header without the
/// layout's required columns.
fn header_map(layout: &Layout, cells: &[(usize, String)]) -> Result<Vec<Option<usize>>, String> {
    let mut map = vec![None; MAX_COLS];
    for (c, h) in cells {
        if *c < MAX_COLS {
            map[*c] = column(layout, h);
        }
    }
    if layout.required.iter().any(|r| !map.contains(&Some(*r))) {
        return Err(layout.missing.into());
    }
    Ok(map)
}

/// A row, unless every cell is empty.
fn row(line: usize, cells: Vec<String>) -> Option<Row> {
    (!cells.iter().all(String::is_empty)).then_some(Row { line, cells })
}

impl From<Row> for RawRow {
    fn from(r: Row) -> RawRow {
        let mut c = r.cells.into_iter();
        let mut next = || c.next().unwrap_or_default();
        RawRow {
            line: r.line,
            number: next(),
            name: next(),
            at: next(),
            memo: next(),
            agent: next(),
        }
    }
}

/// A reservations CSV (see `read_table_csv`).
pub fn read_csv(bytes: &[u8]) -> Result<(Vec<RawRow>, &'static str), String> {
    let (rows, enc) = read_table_csv(bytes, &RESERVATIONS)?;
    Ok((rows.into_iter().map(RawRow::from).collect(), enc))
}

/// A reservations .xlsx (see `read_table_xlsx`).
pub fn read_xlsx(bytes: &[u8]) -> Result<Vec<RawRow>, String> {
    Ok(read_table_xlsx(bytes, &RESERVATIONS)?
        .into_iter()
        .map(RawRow::from)
        .collect())
}

fn too_many_rows() -> String {
    format!("한 파일은 {MAX_ROWS}행까지입니다")
}

fn too_slow() -> String {
    format!(
        "파일이 너무 복잡해 {}초 안에 읽지 못했습니다",
        MAX_PARSE_TIME.as_secs()
    )
}

/// Reads a CSV file (UTF-8 or CP949) record by record, without copying the file: only the
/// layout's columns of each row are decoded and kept, each cut at `MAX_CELL_CHARS`.
pub fn read_table_csv(bytes: &[u8], layout: &Layout) -> Result<(Vec<Row>, &'static str), String> {
    let started = Instant::now();
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(b).is_ok();
    let text = |raw: &[u8]| -> String {
        if utf8 {
            cap(std::str::from_utf8(raw).unwrap_or_default())
        } else {
            cap(&encoding_rs::EUC_KR.decode_without_bom_handling(raw).0)
        }
    };
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(b);
    let mut rec = csv::ByteRecord::new();
    let mut map: Option<Vec<Option<usize>>> = None;
    let mut out = Vec::new();
    let mut index = 0usize;
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(format!("CSV를 읽을 수 없습니다: {e}")),
        }
        index += 1;
        if index.is_multiple_of(1024) && started.elapsed() > MAX_PARSE_TIME {
            return Err(too_slow());
        }
        let Some(map) = &map else {
            let cells: Vec<(usize, String)> = rec
                .iter()
                .take(MAX_COLS)
                .enumerate()
                .map(|(c, raw)| (c, text(raw)))
                .collect();
            map = Some(header_map(layout, &cells)?);
            continue;
        };
        let mut f = vec![String::new(); layout.columns.len()];
        for (c, raw) in rec.iter().take(MAX_COLS).enumerate() {
            if let Some(k) = map[c] {
                f[k] = text(raw);
            }
        }
        if let Some(row) = row(index, f) {
            out.push(row);
            if out.len() > MAX_ROWS {
                return Err(too_many_rows());
            }
        }
    }
    if map.is_none() {
        return Err("빈 파일입니다".into());
    }
    Ok((out, if utf8 { "UTF-8" } else { "CP949" }))
}

/// Reads the first sheet of an .xlsx file. The zip is first inflated into nothing to measure it
/// (entries, bytes, shared strings), then the sheet is streamed cell by cell: a sparse sheet
/// whose last cell is XFD1048576 costs its two cells, not the range between them.
pub fn read_table_xlsx(bytes: &[u8], layout: &Layout) -> Result<Vec<Row>, String> {
    use calamine::{Reader, Xlsx};
    let started = Instant::now();
    prescan_xlsx(bytes, started)?;
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("xlsx 파일을 읽을 수 없습니다: {e}"))?;
    let sheet = wb.sheet_names().first().cloned().ok_or("시트가 없습니다")?;
    let mut cells = wb
        .worksheet_cells_reader(&sheet)
        .map_err(|e| format!("시트를 읽을 수 없습니다: {e}"))?;
    let mut header_row: Option<u32> = None;
    let mut header: Vec<(usize, String)> = Vec::new();
    let mut map: Option<Vec<Option<usize>>> = None;
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut count = 0usize;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| format!("시트를 읽을 수 없습니다: {e}"))?
    {
        count += 1;
        if count > MAX_CELLS {
            return Err(format!("한 시트는 {MAX_CELLS}칸까지입니다"));
        }
        if count.is_multiple_of(4096) && started.elapsed() > MAX_PARSE_TIME {
            return Err(too_slow());
        }
        let (r, c) = cell.get_position();
        let c = c as usize;
        let first = *header_row.get_or_insert(r);
        if r as usize > first as usize + MAX_ROWS {
            return Err(format!("{} ({}행)", too_many_rows(), r as u64 + 1));
        }
        if c >= MAX_COLS {
            continue;
        }
        if r == first {
            header.push((c, cell_text(cell.get_value())));
            continue;
        }
        if r < first {
            continue;
        }
        if map.is_none() {
            map = Some(header_map(layout, &header)?);
        }
        if let Some(Some(k)) = map.as_ref().map(|m| m[c]) {
            rows.entry(r)
                .or_insert_with(|| vec![String::new(); layout.columns.len()])[k] =
                cell_text(cell.get_value());
        }
    }
    if header_row.is_none() {
        return Err("빈 파일입니다".into());
    }
    if map.is_none() {
        header_map(layout, &header)?;
    }
    Ok(rows
        .into_iter()
        .filter_map(|(r, f)| row(r as usize + 1, f))
        .collect())
}

fn cell_text(d: &calamine::DataRef<'_>) -> String {
    use calamine::DataRef;
    match d {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => cap(s),
        DataRef::SharedString(s) => cap(s),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => cap(&f.to_string()),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d
            .as_datetime()
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        DataRef::Error(e) => e.to_string(),
    }
}

/// Measures an .xlsx before the reader sees it: entry count, the bytes every entry really
/// inflates to (read through a capped reader), and the shared-string count (declared and held),
/// since the reader reserves room for the declared count up front.
fn prescan_xlsx(bytes: &[u8], started: Instant) -> Result<(), String> {
    let bad = |e: &dyn std::fmt::Display| format!("xlsx 파일을 읽을 수 없습니다: {e}");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    if zip.len() > MAX_XLSX_ENTRIES {
        return Err(format!(
            "xlsx 파일의 구성 요소가 너무 많습니다 ({MAX_XLSX_ENTRIES}개까지)"
        ));
    }
    let mut total: u64 = 0;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| bad(&e))?;
        let shared = entry
            .name()
            .map_err(|e| bad(&e))?
            .to_ascii_lowercase()
            .ends_with("sharedstrings.xml");
        let mut capped = entry.take(MAX_XLSX_INFLATED - total + 1);
        let mut sst = SstScan::default();
        loop {
            let n = capped.read(&mut buf).map_err(|e| bad(&e))?;
            if n == 0 {
                break;
            }
            total += n as u64;
            if total > MAX_XLSX_INFLATED {
                return Err(format!(
                    "xlsx 파일의 압축을 풀면 너무 큽니다 ({} MiB까지)",
                    MAX_XLSX_INFLATED / 1024 / 1024
                ));
            }
            if shared {
                sst.feed(&buf[..n])?;
            }
            if started.elapsed() > MAX_PARSE_TIME {
                return Err(too_slow());
            }
        }
        if shared {
            sst.finish()?;
        }
    }
    Ok(())
}

/// Streams `sharedStrings.xml`: checks the `<sst uniqueCount>` the reader reserves for, and
/// counts the `<si>` items it would hold.
#[derive(Default)]
struct SstScan {
    /// The start of the part, until the `<sst …>` tag is closed.
    head: Vec<u8>,
    head_done: bool,
    /// The last three bytes seen.
    tail: [u8; 3],
    items: u64,
}

const SST_HEAD_MAX: usize = 64 * 1024;

impl SstScan {
    fn too_many() -> String {
        format!("공유 문자열이 너무 많습니다 ({MAX_SHARED_STRINGS}개까지)")
    }

    fn feed(&mut self, chunk: &[u8]) -> Result<(), String> {
        if !self.head_done {
            let room = SST_HEAD_MAX.saturating_sub(self.head.len());
            self.head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if let Some(tag) = sst_tag(&self.head) {
                if declared_count(tag) > MAX_SHARED_STRINGS {
                    return Err(Self::too_many());
                }
                self.head_done = true;
                self.head = Vec::new();
            } else if self.head.len() >= SST_HEAD_MAX {
                return Err("xlsx 공유 문자열 머리를 읽을 수 없습니다".into());
            }
        }
        for &b in chunk {
            let [p3, p2, p1] = self.tail;
            if matches!(b, b'>' | b' ' | b'\t' | b'\r' | b'\n' | b'/')
                && p2 == b's'
                && p1 == b'i'
                && matches!(p3, b'<' | b':')
            {
                self.items += 1;
                if self.items > MAX_SHARED_STRINGS {
                    return Err(Self::too_many());
                }
            }
            self.tail = [p2, p1, b];
        }
        Ok(())
    }

    fn finish(&self) -> Result<(), String> {
        if self.head_done {
            Ok(())
        } else {
            Err("xlsx 공유 문자열을 읽을 수 없습니다".into())
        }
    }
}

/// The `<sst …>` (or `<x:sst …>`) start tag, once it is whole in `head`.
fn sst_tag(head: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    while let Some(i) = find(&head[from..], b"sst").map(|i| i + from) {
        let before = i.checked_sub(1).map(|j| head[j]);
        let after = head.get(i + 3).copied();
        if matches!(before, Some(b'<' | b':'))
            && matches!(after, Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/'))
        {
            let end = find(&head[i..], b">")?;
            return Some(&head[i..i + end]);
        }
        from = i + 3;
    }
    None
}

/// The largest `uniqueCount` value in a tag (0 when absent), saturating.
fn declared_count(tag: &[u8]) -> u64 {
    let mut most = 0u64;
    let mut from = 0;
    while let Some(i) = find(&tag[from..], b"uniqueCount").map(|i| i + from) {
        let rest = &tag[i + "uniqueCount".len()..];
        let n = rest
            .iter()
            .skip_while(|b| !b.is_ascii_digit())
            .take_while(|b| b.is_ascii_digit())
            .fold(0u64, |n, d| {
                n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
            });
        most = most.max(n);
        from = i + 1;
    }
    most
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A number as Excel may have mangled it: `1012345678` (lost 0) becomes `01012345678`.
pub fn repair_number(raw: &str) -> Option<(Phone, bool)> {
    if let Ok(p) = Phone::parse(raw) {
        return Some((p, false));
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    Phone::parse(&format!("0{digits}")).ok().map(|p| (p, true))
}

/// A cell as quoted in an error: at most 40 characters.
pub(crate) fn shown(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
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
                format!("전화번호가 올바르지 않습니다: '{}'", shown(&r.number)),
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
                format!(
                    "예약일시 형식이 아닙니다 (YYYY-MM-DD HH:mm): '{}'",
                    shown(&r.at)
                ),
            )),
            Some(t) if t < now => row_errs.push(err("scheduledAt", "지난 시간입니다".into())),
            _ => {}
        }
        let agent_id = if r.agent.is_empty() {
            None
        } else {
            let a = agent_of(&r.agent);
            if a.is_none() {
                row_errs.push(err(
                    "agent",
                    format!("없는 상담사입니다: '{}'", shown(&r.agent)),
                ));
            }
            a
        };
        for (limit, value) in [
            (limits::RESV_CUSTOMER_NAME, &r.name),
            (limits::RESV_MEMO, &r.memo),
        ] {
            if let Err((field, m)) = limit.check(value) {
                row_errs.push(err(field, m));
            }
        }
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
    fn a_declared_shared_string_count_is_read_from_the_sst_tag() {
        let head = br#"<?xml version="1.0"?><sst xmlns="x" count="9" uniqueCount = "123">"#;
        let tag = sst_tag(head).expect("the tag is whole");
        assert_eq!(declared_count(tag), 123);
        let prefixed = br#"<x:sst uniqueCount="99999999999999999999999">"#;
        assert_eq!(declared_count(sst_tag(prefixed).unwrap()), u64::MAX);
        assert!(
            sst_tag(b"<sst uniqueCount=\"5\"").is_none(),
            "not closed yet"
        );
        assert!(sst_tag(b"<first>").is_none());
    }

    #[test]
    fn shared_strings_are_counted_while_streaming_across_chunks() {
        let mut scan = SstScan::default();
        scan.feed(b"<sst count=\"3\"><si><t>a</t></si><s").unwrap();
        scan.feed(b"i><t>b</t></si><x:si/>").unwrap();
        scan.finish().unwrap();
        assert_eq!(scan.items, 3);
        let mut scan = SstScan::default();
        assert!(scan
            .feed(format!("<sst uniqueCount=\"{}\">", MAX_SHARED_STRINGS + 1).as_bytes())
            .is_err());
    }

    #[test]
    fn cells_are_cut_one_character_past_the_limit() {
        let long = "가".repeat(MAX_CELL_CHARS + 50);
        assert_eq!(cap(&long).chars().count(), MAX_CELL_CHARS + 1);
        assert_eq!(cap("  짧다 "), "짧다");
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
