//! Bulk reservation upload: CP949 CSV and .xlsx files, the row-by-row preview, and importing
//! with round-robin assignment; only managers.

use crate::helpers::*;
use serde_json::Value;

async fn upload(app: &TestApp, token: &str, query: &str, body: Vec<u8>) -> (u16, Value) {
    app.post_bytes(&format!("/api/reservations/import?{query}"), token, body)
        .await
}

const CSV: &str = "전화번호,이름,예약일시,메모,상담사\n\
                   1012345678,김고객,2026-11-24 10:00,재구매 안내,kim\n\
                   010-2222-3333,이고객,2026-11-24 11:00,,\n\
                   010-4444-5555,박고객,2026-11-24 11:30,,\n\
                   12,최고객,2026-11-24 12:00,,\n\
                   010-6666-7777,정고객,2026-11-22 09:00,,\n";

#[actix_rt::test]
async fn a_cp949_csv_is_previewed_row_by_row_and_nothing_is_saved() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let (cp949, _, _) = encoding_rs::EUC_KR.encode(CSV);
    let (s, p) = upload(
        &app,
        &boss,
        "filename=list.csv&preview=true",
        cp949.into_owned(),
    )
    .await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["encoding"], "CP949");
    assert_eq!(p["rows"], 5);
    assert_eq!(p["valid"], 3);
    assert_eq!(p["repaired"], 1, "1012345678 lost its leading 0 in Excel");
    let lines: Vec<u64> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![5, 6]);
    assert_eq!(p["sample"][0]["number"], "01012345678");
    let (_, list) = app.get("/api/reservations?mine=false", Some(&boss)).await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        0,
        "a preview saves nothing"
    );
    // Importing a file with errors needs skipInvalid.
    let (cp949, _, _) = encoding_rs::EUC_KR.encode(CSV);
    let (s, e) = upload(&app, &boss, "filename=list.csv", cp949.into_owned()).await;
    assert_eq!(s, 400);
    assert!(e["error"]["message"].as_str().unwrap().contains("5행"));
}

#[actix_rt::test]
async fn good_rows_are_imported_as_bulk_dealt_round_robin_and_only_managers_may() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let kim = app.login("kim").await;
    let (s, _) = upload(
        &app,
        &kim,
        "filename=list.csv&preview=true",
        CSV.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 403);
    let (s, r) = upload(
        &app,
        &boss,
        "filename=list.csv&skipInvalid=true&agents=2,3",
        CSV.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["imported"], 3);
    assert_eq!(r["skipped"], 2);
    let (_, list) = app.get("/api/reservations?mine=false", Some(&boss)).await;
    let items = list["items"].as_array().unwrap();
    let owners: Vec<u64> = items
        .iter()
        .map(|i| i["ownerId"].as_u64().unwrap())
        .collect();
    assert_eq!(
        owners,
        vec![1, 3, 2],
        "kim named in the file; the rest dealt to 2 and 3 in turn"
    );
    assert!(items.iter().all(|i| i["type"] == "bulk"));
    // The same file again: every row is now a duplicate.
    let (_, p) = upload(
        &app,
        &boss,
        "filename=list.csv&preview=true",
        CSV.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(p["valid"], 0);
    assert!(p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["message"].as_str().unwrap().contains("중복")));
}

fn xlsx(rows: &[[&str; 3]]) -> Vec<u8> {
    crate::xlsx::rows(rows)
}

#[actix_rt::test]
async fn an_xlsx_file_with_a_number_that_lost_its_zero_is_read_and_checked() {
    let app = spawn_app().await;
    let boss = app.login("boss").await;
    let file = xlsx(&[
        ["전화번호", "이름", "예약일시"],
        ["1098765432", "엑셀고객", "2026-11-25 14:00"],
        ["010-1111-2222", "과거고객", "2020-01-01 10:00"],
    ]);
    let (s, p) = upload(&app, &boss, "filename=list.xlsx&preview=true", file).await;
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["valid"], 1);
    assert_eq!(p["sample"][0]["number"], "01098765432");
    assert_eq!(p["sample"][0]["name"], "엑셀고객");
    assert_eq!(p["errors"][0]["line"], 3);
    assert_eq!(p["errors"][0]["field"], "scheduledAt");
    let (s, _) = upload(
        &app,
        &boss,
        "filename=list.xlsx&preview=true",
        b"not a zip".to_vec(),
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = upload(&app, &boss, "filename=list.pdf&preview=true", b"x".to_vec()).await;
    assert_eq!(s, 400);
}
