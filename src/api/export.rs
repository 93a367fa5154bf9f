//! `GET /api/consultations/export` (managers): every consultation the managers' search finds
//! for the same filters (date range ≤ 366 days, agent, service, 상담유형, 처리결과, channel,
//! number, words), newest first, as CSV (UTF-8 with a BOM for Excel) or .xlsx — masked as the
//! manager's own view is (numbers and names unless they have full view), audited.
//!
//! Nothing is built in memory: a blocking-pool thread reads the store a page at a time (each
//! page its own short read transaction, so a long export pins no old pages) and hands chunks of
//! output to the response through a small bounded channel, so a slow client slows the reader
//! instead of filling memory, and a client that goes away stops it. `.xlsx` needs the whole file
//! before its zip directory can be written: the workbook is written in rust_xlsxwriter's
//! constant-memory mode into an unnamed temporary file, which is then streamed.

use super::auth::Authed;
use super::consultations::{parse_search, SearchQuery};
use super::AppState;
use crate::domain::model::{CallOutcome, Consultation};
use crate::engine::Engine;
use crate::error::{AppError, AppResult};
use actix_web::{web, HttpResponse};
use bytes::Bytes;
use serde_json::json;
use tokio::sync::mpsc;

/// Consultations read per store transaction.
const PAGE: usize = 1_000;
/// Chunks of output in flight between the reader and the socket (each ~64 KiB).
const IN_FLIGHT: usize = 8;
/// Bytes gathered before a chunk is handed over.
const CHUNK: usize = 64 * 1024;
/// Data rows per .xlsx sheet (Excel's limit is 1,048,576 rows with the header).
pub const XLSX_SHEET_ROWS: u32 = 1_000_000;

/// Column headers: Korean, then the key (as the daily report's CSV).
const COLUMNS: [(&str, &str); 12] = [
    ("티켓", "ticketId"),
    ("일시", "startedAt"),
    ("채널", "channel"),
    ("서비스", "service"),
    ("상담사", "agent"),
    ("고객", "customer"),
    ("번호", "number"),
    ("통화(초)", "talkS"),
    ("통화결과", "outcome"),
    ("상담유형", "category"),
    ("처리결과", "result"),
    ("상담내용", "content"),
];

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Csv,
    Xlsx,
}

pub(super) async fn export(
    state: web::Data<AppState>,
    who: Authed,
    q: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let me = who.0;
    let mut q = q.into_inner();
    let format = match q.format.take().as_deref() {
        None | Some("csv") => Format::Csv,
        Some("xlsx") => Format::Xlsx,
        Some(o) => {
            return Err(AppError::invalid_fields(vec![(
                "format",
                format!("format은 csv 또는 xlsx입니다 (got '{o}')"),
            )]))
        }
    };
    if q.limit.is_some() || q.before.is_some() {
        return Err(AppError::invalid_fields(vec![(
            "limit",
            "내보내기는 조건에 맞는 상담을 모두 담습니다 (limit/before 없이)".to_string(),
        )]));
    }
    let (from, to, mut query) = parse_search(&state, &me, &q)?;
    query.limit = PAGE;
    let tz = state.engine.brand_rt(me.brand_id)?.brand.tz();
    let full = me.sees_full();
    let ext = if format == Format::Csv { "csv" } else { "xlsx" };
    let filters = json!({
        "from": from, "to": to, "agentId": q.agent_id, "service": q.service,
        "category": q.category, "result": q.result, "channel": q.channel,
        "number": query.number, "q": q.q, "format": ext, "fullView": full,
    });
    state
        .engine
        .audit(json!({"by": me.id, "action": "consultation.export", "filters": filters}))
        .await?;

    let (tx, rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(IN_FLIGHT);
    let engine = state.engine.clone();
    let brand = me.brand_id;
    actix_web::rt::task::spawn_blocking(move || {
        let out = Sink {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
        };
        let rows = Rows {
            engine,
            brand,
            query,
            full,
            tz,
        };
        let res = match format {
            Format::Csv => write_csv(rows, out),
            Format::Xlsx => write_xlsx(rows, out),
        };
        if let Err(e) = res {
            if !e.is_gone() {
                tracing::warn!(error = %e.0, "consultation export failed");
                // The status line is gone already: cut the body so the download fails visibly.
                let _ = tx.blocking_send(Err(std::io::Error::other(e.0)));
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let name = format!("calldesk-consultations-{from}-{to}.{ext}");
    Ok(HttpResponse::Ok()
        .content_type(if format == Format::Csv {
            "text/csv; charset=utf-8"
        } else {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        })
        .insert_header((
            "content-disposition",
            format!("attachment; filename=\"{name}\""),
        ))
        .streaming(body))
}

/// Why writing stopped: a message, or (empty) the client went away.
#[derive(Debug)]
struct Stop(String);

impl Stop {
    fn gone() -> Stop {
        Stop(String::new())
    }
    fn is_gone(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<crate::store::StoreError> for Stop {
    fn from(e: crate::store::StoreError) -> Stop {
        Stop(e.to_string())
    }
}

impl From<rust_xlsxwriter::XlsxError> for Stop {
    fn from(e: rust_xlsxwriter::XlsxError) -> Stop {
        Stop(format!("xlsx: {e}"))
    }
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Stop::gone()
        } else {
            Stop(e.to_string())
        }
    }
}

/// The response body as a `Write`: bytes gathered into chunks, each handed to the socket's
/// side, waiting while `IN_FLIGHT` are queued (a slow reader slows us); a closed channel (the
/// client left) is a broken pipe.
struct Sink {
    tx: mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
}

impl std::io::Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The consultations to export, read a page at a time.
struct Rows {
    engine: Engine,
    brand: crate::domain::model::BrandId,
    query: crate::store::index::ConsultationQuery,
    full: bool,
    tz: chrono_tz::Tz,
}

impl Rows {
    /// Calls `each` with every row's cells, newest first.
    fn for_each(
        mut self,
        mut each: impl FnMut(&[String; 12]) -> Result<(), Stop>,
    ) -> Result<(), Stop> {
        loop {
            let page = self
                .engine
                .store
                .search_consultations(self.brand, &self.query)?;
            for c in &page.items {
                each(&self.cells(c))?;
            }
            // A page cut short by the search's read budget goes on from where it stopped.
            match page.next {
                Some(n) => self.query.before = Some(n),
                None => return Ok(()),
            }
        }
    }

    fn cells(&self, c: &Consultation) -> [String; 12] {
        let s = crate::engine::mask_unless(self.full, self.engine.summary_named(c));
        [
            s.ticket_id,
            s.started_at
                .with_timezone(&self.tz)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string(),
            c.channel.as_str().to_string(),
            c.service_name.clone(),
            s.agent_name.unwrap_or_default(),
            s.customer_name.unwrap_or_default(),
            // Full view: 010-1234-5678; else the summary's masked 010-****-5678.
            match self.full {
                true => crate::domain::phone::Phone::parse(&s.number)
                    .map(|p| p.display())
                    .unwrap_or(s.number),
                false => s.number,
            },
            c.talk_s.to_string(),
            outcome_label(c.outcome).to_string(),
            s.category.unwrap_or_default(),
            s.result.unwrap_or_default(),
            c.content.clone(),
        ]
    }
}

/// 통화결과 as a person reads it.
fn outcome_label(o: CallOutcome) -> &'static str {
    match o {
        CallOutcome::Live => "통화중",
        CallOutcome::Completed => "완료",
        CallOutcome::Abandoned => "포기",
        CallOutcome::Busy => "통화중 신호",
        CallOutcome::NoAnswer => "무응답",
        CallOutcome::Cancelled => "취소",
        CallOutcome::Failed => "연결 실패",
        CallOutcome::Transferred => "이관",
    }
}

fn write_csv(rows: Rows, mut out: Sink) -> Result<(), Stop> {
    use std::io::Write;
    out.write_all(&[0xEF, 0xBB, 0xBF])?;
    let mut w = csv::Writer::from_writer(out);
    let bad = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(io) => Stop::from(io),
        other => Stop(format!("csv: {other:?}")),
    };
    w.write_record(COLUMNS.iter().map(|(ko, key)| format!("{ko}({key})")))
        .map_err(bad)?;
    rows.for_each(|cells| w.write_record(cells).map_err(bad))?;
    let mut out = w
        .into_inner()
        .map_err(|e| Stop::from(std::io::Error::other(e.to_string())))?;
    out.flush()?;
    Ok(())
}

fn write_xlsx(rows: Rows, mut out: Sink) -> Result<(), Stop> {
    use rust_xlsxwriter::{Format, Workbook, Worksheet};
    use std::io::{Seek, Write};
    let head = Format::new().set_bold();
    let mut wb = Workbook::new();
    let mut sheets = 0u32;
    let start = |wb: &mut Workbook, n: u32| -> Result<(), Stop> {
        let ws = wb.add_worksheet_with_constant_memory();
        ws.set_name(format!("상담 {n}"))?;
        for (c, (ko, _)) in COLUMNS.iter().enumerate() {
            ws.set_column_width(c as u16, if c == 11 { 60 } else { 14 })?;
            ws.write_string_with_format(0, c as u16, *ko, &head)?;
        }
        Ok(())
    };
    let mut row = XLSX_SHEET_ROWS;
    rows.for_each(|cells| {
        if row == XLSX_SHEET_ROWS {
            sheets += 1;
            start(&mut wb, sheets)?;
            row = 0;
        }
        row += 1;
        let ws: &mut Worksheet = wb.worksheets_mut().last_mut().expect("a sheet");
        for (c, v) in cells.iter().enumerate() {
            if c == 7 {
                ws.write_number(row, c as u16, v.parse::<f64>().unwrap_or(0.0))?;
            } else if !v.is_empty() {
                ws.write_string(row, c as u16, v)?;
            }
        }
        Ok(())
    })?;
    if sheets == 0 {
        start(&mut wb, 1)?;
    }
    // The zip needs to seek: write it to an unnamed temporary file, then stream that.
    let mut file = tempfile::tempfile()?;
    wb.save_to_writer(&mut file)?;
    drop(wb);
    file.rewind()?;
    std::io::copy(&mut file, &mut out)?;
    out.flush()?;
    Ok(())
}
