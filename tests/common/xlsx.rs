//! Builds .xlsx files for tests: a worksheet's XML (and optional shared strings) packed with the
//! parts a reader needs; `padding` spaces (written in chunks, deflated to almost nothing) make a
//! zip bomb.

use std::io::Write;

/// The worksheet XML for rows of cells (`A1`-style reference, text); numbers stay numbers.
pub fn sheet(cells: &[(String, String)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    let mut row = String::new();
    for (r, text) in cells {
        let n: String = r.chars().filter(char::is_ascii_digit).collect();
        if n != row {
            if !row.is_empty() {
                s.push_str("</row>");
            }
            s.push_str(&format!("<row r=\"{n}\">"));
            row = n;
        }
        // Digits become a number cell (Excel drops a leading 0 then: typed as text it stays).
        let number = !text.is_empty()
            && !text.starts_with('0')
            && text.chars().all(|x| x.is_ascii_digit())
            && text.len() < 15;
        if number {
            s.push_str(&format!("<c r=\"{r}\"><v>{text}</v></c>"));
        } else {
            s.push_str(&format!(
                "<c r=\"{r}\" t=\"inlineStr\"><is><t>{text}</t></is></c>"
            ));
        }
    }
    if !row.is_empty() {
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

/// A workbook of the given cells (`("A1", "전화번호")`, …).
#[allow(dead_code)]
pub fn of(cells: &[(&str, &str)]) -> Vec<u8> {
    let cells: Vec<(String, String)> = cells
        .iter()
        .map(|(r, t)| (r.to_string(), t.to_string()))
        .collect();
    package(&sheet(&cells), None, 0)
}

/// Rows of up to three columns (A, B, C), the first row being the header.
#[allow(dead_code)]
pub fn rows(rows: &[[&str; 3]]) -> Vec<u8> {
    let mut cells = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        for (j, c) in r.iter().enumerate() {
            cells.push((format!("{}{}", ["A", "B", "C"][j], i + 1), c.to_string()));
        }
    }
    package(&sheet(&cells), None, 0)
}

/// A workbook of one sheet; `shared` is `xl/sharedStrings.xml` when given; `padding` spaces go
/// between the sheet's XML declaration and its root.
pub fn package(sheet: &str, shared: Option<&str>, padding: usize) -> Vec<u8> {
    let mut rels = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
    );
    if shared.is_some() {
        rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
    }
    rels.push_str("</Relationships>");
    let mut files: Vec<(&str, String)> = vec![
        ("[Content_Types].xml", r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_string()),
        ("_rels/.rels", r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_string()),
        ("xl/workbook.xml", r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="예약" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string()),
        ("xl/_rels/workbook.xml.rels", rels),
    ];
    if let Some(s) = shared {
        files.push(("xl/sharedStrings.xml", s.to_string()));
    }
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(padding > u32::MAX as usize / 2);
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, body) in files {
        z.start_file(name, opts).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    z.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let (decl, rest) = match sheet.find("?>") {
        Some(i) => sheet.split_at(i + 2),
        None => ("", sheet),
    };
    z.write_all(decl.as_bytes()).unwrap();
    let chunk = vec![b' '; 1 << 20];
    let mut left = padding;
    while left > 0 {
        let n = left.min(chunk.len());
        z.write_all(&chunk[..n]).unwrap();
        left -= n;
    }
    z.write_all(rest.as_bytes()).unwrap();
    z.finish().unwrap().into_inner()
}
