//! The robustness suite: property tests (proptest) over what reads untrusted input — the socket
//! request decoder, the phone parser, the CSV and .xlsx readers — and over the status machine;
//! plus hostile inputs for each parser (deep nesting, huge numbers, invalid UTF-8, empty,
//! truncated). The randomized socket-frame test against a running server is in
//! `tests/api/hardening.rs`. Case counts are sized for CI (a few seconds in all).

#[path = "common/xlsx.rs"]
mod xlsx;

use calldesk::bulk::{read_csv, read_xlsx};
use calldesk::domain::phone::{mask, Phone};
use calldesk::domain::status::{AgentState, AuxReason, Cause, Status};
use calldesk::error::Code;
use calldesk::protocol::{decode_request, CLIENT_TYPES};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

// ---- the socket request decoder ---------------------------------------------------------------

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| json!(f)),
        ".{0,20}".prop_map(Value::String),
        prop::sample::select(CLIENT_TYPES.to_vec()).prop_map(|t| json!(t)),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("type".to_string()),
                    Just("id".to_string()),
                    Just("status".to_string()),
                    Just("callId".to_string()),
                    "[a-zA-Z]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_decoder_never_panics_on_any_text(text in "(?s).{0,300}") {
        let (_, res) = decode_request(&text);
        if let Err(e) = res {
            prop_assert_eq!(e.code, Code::InvalidMessage);
            prop_assert!(e.message.chars().count() < 400, "the message is bounded: {}", e.message);
        }
    }

    #[test]
    fn the_decoder_never_panics_on_any_json(v in any_json()) {
        let text = v.to_string();
        let (id, res) = decode_request(&text);
        prop_assert_eq!(id, v.get("id").and_then(Value::as_u64));
        if res.is_ok() {
            let t = v["type"].as_str().unwrap_or_default();
            prop_assert!(CLIENT_TYPES.contains(&t), "only known types decode: {}", t);
        }
    }

    #[test]
    fn well_formed_requests_decode_with_their_id(id in any::<u64>(), call in any::<u64>(), status in "(ready|preparing|aux)") {
        let (got, res) = decode_request(&json!({"type": "call.answer", "id": id, "callId": call}).to_string());
        prop_assert_eq!(got, Some(id));
        prop_assert!(res.is_ok());
        let (_, res) = decode_request(&json!({"type": "status.set", "id": id, "status": status}).to_string());
        prop_assert!(res.is_ok());
    }

    #[test]
    fn every_truncation_of_a_request_is_refused_cleanly(cut in 0usize..60) {
        let full = json!({"type": "call.dial", "id": 7, "number": "010-1234-5678"}).to_string();
        let cut = cut.min(full.len() - 1);
        let (_, res) = decode_request(&full[..cut]);
        prop_assert!(res.is_err());
    }
}

#[test]
fn hostile_frames_are_refused_without_harm() {
    let deep_array = "[".repeat(100_000) + &"]".repeat(100_000);
    let deep_object = "{\"a\":".repeat(50_000) + "1" + &"}".repeat(50_000);
    let deep_in_request = format!(
        "{{\"type\":\"status.set\",\"id\":1,\"status\":{}1{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    for text in [
        "",
        " ",
        "null",
        "[]",
        "{}",
        "\"type\"",
        "{\"type\":\"call.answer\",\"id\":1e999999,\"callId\":1}",
        "{\"type\":\"call.answer\",\"id\":1,\"callId\":123456789012345678901234567890}",
        "{\"type\":\"call.answer\",\"id\":-1,\"callId\":-5}",
        "{\"type\":\"\u{0000}\"}",
        "\u{feff}{\"type\":\"ping\"}",
        deep_array.as_str(),
        deep_object.as_str(),
        deep_in_request.as_str(),
    ] {
        let (_, res) = decode_request(text);
        assert!(res.is_err(), "refused: {}", &text[..text.len().min(60)]);
    }
    // A repeated key: the last one counts, as in every JSON parser of the web.
    let (_, res) =
        decode_request("{\"type\":\"status.set\",\"status\":\"ready\",\"type\":\"ping\"}");
    assert!(res.is_ok());
    // An id too big for u64 is no id (the error is answered without one).
    let (id, _) = decode_request("{\"type\":\"nope\",\"id\":18446744073709551616}");
    assert_eq!(id, None);
    // A 60 KB unknown type is not echoed back whole.
    let (_, res) = decode_request(&json!({"type": "x".repeat(60_000), "id": 1}).to_string());
    assert!(res.unwrap_err().message.len() < 400);
}

// ---- the phone parser --------------------------------------------------------------------------

fn mobile() -> impl Strategy<Value = String> {
    ("01[016789]", 100u32..10_000, 1000u32..10_000)
        .prop_map(|(p, a, b)| format!("{p}{a:04}{b:04}"))
        .prop_filter("10 or 11 digits", |d| d.len() == 11)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_phone_parser_never_panics_and_is_idempotent(text in "(?s).{0,64}") {
        if let Ok(p) = Phone::parse(&text) {
            prop_assert!(p.digits().chars().all(|c| c.is_ascii_digit()));
            let again = Phone::parse(p.digits()).expect("its own digits parse");
            prop_assert_eq!(again.digits(), p.digits());
            let _ = p.display();
            let m = p.masked();
            prop_assert!(m.ends_with(&p.digits()[p.digits().len() - 4..]) || !m.contains('*'));
        }
        let _ = mask(&text);
    }

    #[test]
    fn every_common_way_of_writing_a_mobile_number_parses_to_it(d in mobile(), sep in "[ .-]?") {
        let dashed = format!("{}{sep}{}{sep}{}", &d[..3], &d[3..7], &d[7..]);
        let intl = format!("+82 {}", &dashed[1..]);
        for form in [d.clone(), dashed, intl, format!("({})", &d)] {
            let p = Phone::parse(&form);
            prop_assert!(p.is_ok(), "{} → {:?}", form, p);
            let p = p.unwrap();
            prop_assert_eq!(p.digits(), d.as_str());
        }
        let masked = mask(&d);
        prop_assert!(masked.contains("****") && masked.ends_with(&d[7..]), "{}", masked);
    }
}

#[test]
fn hostile_numbers_are_refused() {
    for text in [
        "".to_string(),
        "+".to_string(),
        "++8210".to_string(),
        "9".repeat(100_000),
        "0".repeat(100_000),
        "010-1234-567\u{0000}".to_string(),
        "０１０-１２３４-５６７８".to_string(),
        "82".to_string(),
        "0082".to_string(),
    ] {
        assert!(
            Phone::parse(&text).is_err(),
            "{}",
            &text[..text.len().min(30)]
        );
        let _ = mask(&text);
    }
}

// ---- the CSV and .xlsx readers -----------------------------------------------------------------

/// A row a person could type: a number, a name, a time, a memo — no commas, quotes or newlines
/// so the hand-written CSV stays simple.
fn plain_row() -> impl Strategy<Value = [String; 4]> {
    (
        mobile(),
        "[가-힣a-zA-Z ]{0,10}",
        (1u32..=28, 0u32..24, 0u32..60),
        "[가-힣a-zA-Z0-9 ]{0,30}",
    )
        .prop_map(|(n, name, (d, h, m), memo)| {
            [
                n,
                name.trim().to_string(),
                format!("2027-01-{d:02} {h:02}:{m:02}"),
                memo.trim().to_string(),
            ]
        })
}

/// The rows read are the rows written, field by field.
fn same_rows(
    read: &[calldesk::bulk::RawRow],
    written: &[[String; 4]],
) -> Result<(), TestCaseError> {
    prop_assert_eq!(read.len(), written.len());
    for (r, w) in read.iter().zip(written) {
        prop_assert_eq!(&r.number, &w[0]);
        prop_assert_eq!(&r.name, &w[1]);
        prop_assert_eq!(&r.at, &w[2]);
        prop_assert_eq!(&r.memo, &w[3]);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_csv_reader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok((rows, _)) = read_csv(&bytes) {
            prop_assert!(rows.len() <= bytes.iter().filter(|b| **b == b'\n').count() + 1);
        }
    }

    #[test]
    fn the_csv_reader_never_panics_on_text_with_a_header(body in "(?s).{0,1000}") {
        let text = format!("전화번호,예약일시,이름\n{body}");
        let _ = read_csv(text.as_bytes());
    }

    #[test]
    fn csv_rows_read_back_as_written_in_utf8_and_cp949(rows in prop::collection::vec(plain_row(), 1..30)) {
        let mut text = String::from("전화번호,이름,예약일시,메모\n");
        for r in &rows {
            text.push_str(&r.join(","));
            text.push('\n');
        }
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(&text);
        let mut encodings = vec![(text.as_bytes().to_vec(), "UTF-8")];
        if !unmappable {
            encodings.push((cp949.into_owned(), "CP949"));
        }
        for (bytes, enc) in encodings {
            let (read, got) = read_csv(&bytes).expect("reads");
            if enc == "UTF-8" || got == "CP949" {
                same_rows(&read, &rows)?;
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn xlsx_rows_read_back_as_written(rows in prop::collection::vec(plain_row(), 1..20)) {
        let mut cells = vec![
            ("A1".to_string(), "전화번호".to_string()),
            ("B1".to_string(), "이름".to_string()),
            ("C1".to_string(), "예약일시".to_string()),
            ("D1".to_string(), "메모".to_string()),
        ];
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in r.iter().enumerate() {
                if !c.is_empty() {
                    cells.push((format!("{}{}", ["A", "B", "C", "D"][j], i + 2), c.clone()));
                }
            }
        }
        let file = xlsx::package(&xlsx::sheet(&cells), None, 0);
        let read = read_xlsx(&file).expect("reads");
        same_rows(&read, &rows)?;
    }

    #[test]
    fn a_truncated_or_corrupted_xlsx_is_an_error_not_a_crash(rows in prop::collection::vec(plain_row(), 1..5), cut in 0.0f64..1.0, flip in any::<(usize, u8)>()) {
        let mut cells = vec![
            ("A1".to_string(), "전화번호".to_string()),
            ("B1".to_string(), "예약일시".to_string()),
        ];
        for (i, r) in rows.iter().enumerate() {
            cells.push((format!("A{}", i + 2), r[0].clone()));
            cells.push((format!("B{}", i + 2), r[2].clone()));
        }
        let file = xlsx::package(&xlsx::sheet(&cells), None, 0);
        let n = ((file.len() as f64) * cut) as usize;
        let _ = read_xlsx(&file[..n]);
        let mut bad = file.clone();
        let i = flip.0 % bad.len();
        bad[i] ^= flip.1 | 1;
        let _ = read_xlsx(&bad);
    }

    #[test]
    fn the_xlsx_reader_never_panics_on_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..1024)) {
        prop_assert!(read_xlsx(&bytes).is_err());
    }
}

#[test]
fn hostile_files_are_refused() {
    assert!(read_csv(b"").is_err());
    assert!(read_csv(b"\xEF\xBB\xBF").is_err());
    assert!(read_xlsx(b"").is_err());
    assert!(read_xlsx(b"PK\x03\x04").is_err(), "a truncated zip");
    // Invalid UTF-8 that is not CP949 either still reads (as CP949, with replacement).
    let (rows, enc) = read_csv(b"\xff\xfe,\xff\n\xff\xff,\xfe\n").map_or((vec![], ""), |r| r);
    assert!(rows.is_empty() || enc == "CP949");
    // Deeply nested XML in a sheet is read by a streaming parser: no recursion.
    let deep = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>전화번호</t></is></c>{}</row></sheetData></worksheet>"#,
        "<x>".repeat(100_000)
    );
    let _ = read_xlsx(&xlsx::package(&deep, None, 0));
    // A cell number too big for anything.
    let huge = xlsx::sheet(&[
        ("A1".into(), "전화번호".into()),
        ("B1".into(), "예약일시".into()),
        ("A2".into(), "9".repeat(400)),
        ("B2".into(), "1e308".into()),
    ]);
    let rows = read_xlsx(&xlsx::package(&huge, None, 0)).expect("reads");
    assert_eq!(rows.len(), 1);
    assert!(rows[0].number.chars().count() <= calldesk::bulk::MAX_CELL_CHARS + 1);
}

// ---- the status machine ------------------------------------------------------------------------

fn any_status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![
        Status::LoggedOut,
        Status::Preparing,
        Status::Ready,
        Status::Ringing,
        Status::OnCall,
        Status::WrapUp,
        Status::Dialing,
        Status::Aux,
    ])
}

fn any_cause() -> impl Strategy<Value = Cause> {
    prop::sample::select(vec![
        Cause::Manual,
        Cause::Routed,
        Cause::Answered,
        Cause::Missed,
        Cause::Hangup,
        Cause::WrapupTimeout,
        Cause::ForcedByManager,
        Cause::Login,
        Cause::Logout,
        Cause::Restart,
        Cause::Disconnected,
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_status_machine_keeps_its_invariants(
        steps in prop::collection::vec(
            (any_status(), any_cause(), prop::option::of(prop::sample::select(AuxReason::ALL.to_vec())), -30i64..120),
            1..60,
        )
    ) {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut a = AgentState::logged_out(t0, Cause::Restart);
        let mut clock = t0;
        for (to, cause, reason, dt) in steps {
            clock += chrono::Duration::seconds(dt);
            let before = a.clone();
            let allowed = a.allows(to, cause);
            match a.apply(to, reason, cause, clock) {
                Ok(t) => {
                    prop_assert!(allowed);
                    prop_assert_eq!(t.from, before.status);
                    prop_assert_eq!(a.status, to);
                    prop_assert!(a.since >= before.since, "time never runs backwards");
                    prop_assert!(a.reason.is_none() || to == Status::Aux, "a reason only in aux");
                    if before.status == Status::LoggedOut && to != Status::LoggedOut {
                        prop_assert_eq!(cause, Cause::Login, "only a login leaves logged_out");
                        prop_assert_eq!(to, Status::Preparing);
                    }
                    if to == Status::LoggedOut {
                        prop_assert!(
                            !before.status.on_a_call() || cause == Cause::Restart,
                            "never logged out mid-call (a restart ends every call)"
                        );
                        prop_assert!(a.next.is_none());
                    }
                    if cause == Cause::Restart {
                        prop_assert_eq!(to, Status::LoggedOut);
                    }
                }
                Err(_) => {
                    prop_assert!(!allowed);
                    prop_assert_eq!(&a, &before, "a refused transition changes nothing");
                }
            }
        }
    }
}
