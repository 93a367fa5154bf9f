//! 상담사 일괄 등록: the columns of a people file (로그인, 이름, 내선번호, 역할, 서비스, 비밀번호)
//! and the row-by-row check a manager sees before anyone is created — a bad or taken login
//! (also one repeated in the file), a missing name, a bad extension or role, an unknown service,
//! a weak password. A row without a password gets a generated one, shown once after creation.

use super::{shown, Column, Layout, Row, RowError};
use crate::domain::model::Role;
use crate::domain::{password, people};
use serde::Serialize;
use std::collections::HashSet;

/// Most people one file may create (a 2,000-seat center in one file).
pub const MAX_ROWS: usize = 2_000;

pub const LAYOUT: Layout = Layout {
    columns: &[
        Column {
            field: "login",
            headers: &["로그인", "아이디", "로그인id", "id", "login"],
        },
        Column {
            field: "name",
            headers: &["이름", "성명", "상담사명", "name"],
        },
        Column {
            field: "extension",
            headers: &["내선번호", "내선", "extension", "ext"],
        },
        Column {
            field: "role",
            headers: &["역할", "권한", "role"],
        },
        Column {
            field: "services",
            headers: &["서비스", "담당서비스", "담당 서비스", "services"],
        },
        Column {
            field: "password",
            headers: &["비밀번호", "초기비밀번호", "초기 비밀번호", "password"],
        },
    ],
    required: &[0, 1],
    missing: "머리글에 로그인과 이름 열이 있어야 합니다",
};

/// A row that passed every check: the person to create.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NewPerson {
    pub line: usize,
    pub login: String,
    pub name: String,
    pub extension: String,
    pub role: Role,
    pub services: Vec<String>,
    /// Never shown in a preview (the manager wrote it, or it is generated at creation).
    #[serde(skip)]
    pub password: Option<String>,
    /// The file left the password out: one is generated and shown once.
    pub password_generated: bool,
}

/// Checks every row. `taken` holds the logins in use (lower-case); `services` the brand's
/// (code, name) pairs, which a file may name either way; `operator` lets a row make an admin.
pub fn check(
    rows: &[Row],
    taken: &HashSet<String>,
    services: &[(String, String)],
    operator: bool,
) -> (Vec<NewPerson>, Vec<RowError>) {
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for r in rows {
        let cell = |i: usize| r.cells.get(i).map(|s| s.trim()).unwrap_or("");
        let (login, name, extension, role, svc, pw) =
            (cell(0), cell(1), cell(2), cell(3), cell(4), cell(5));
        let mut errs: Vec<(&str, String)> = Vec::new();
        if let Err(m) = password::check_login(login) {
            errs.push(("login", format!("{m}: '{}'", shown(login))));
        } else if taken.contains(&login.to_lowercase()) {
            errs.push(("login", format!("이미 사용 중인 로그인입니다: '{login}'")));
        } else if !seen.insert(login.to_lowercase()) {
            errs.push((
                "login",
                format!("파일 안에서 겹치는 로그인입니다: '{login}'"),
            ));
        }
        if let Err(m) = people::check_name(name) {
            errs.push(("name", m));
        }
        if let Err(m) = people::check_extension(extension) {
            errs.push(("extension", format!("{m}: '{}'", shown(extension))));
        }
        let role = people::parse_role(role, operator)
            .map_err(|_| {
                errs.push((
                    "role",
                    format!(
                        "역할은 상담사(agent) 또는 매니저(manager)입니다: '{}'",
                        shown(role)
                    ),
                ))
            })
            .ok();
        let mut codes: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for part in svc
            .split([',', ';', '|', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match services
                .iter()
                .find(|(code, name)| code.eq_ignore_ascii_case(part) || name == part)
            {
                Some((code, _)) if !codes.contains(code) => codes.push(code.clone()),
                Some(_) => {}
                None => unknown.push(shown(part)),
            }
        }
        if !unknown.is_empty() {
            errs.push((
                "services",
                format!("없는 서비스입니다: {}", unknown.join(", ")),
            ));
        }
        if !pw.is_empty() {
            if let Err(m) = password::check(pw, login) {
                errs.push(("password", m));
            }
        }
        if errs.is_empty() {
            good.push(NewPerson {
                line: r.line,
                login: login.to_string(),
                name: name.to_string(),
                extension: extension.to_string(),
                role: role.expect("checked"),
                services: codes,
                password: (!pw.is_empty()).then(|| pw.to_string()),
                password_generated: pw.is_empty(),
            });
        } else {
            errors.extend(errs.into_iter().map(|(field, message)| RowError {
                line: r.line,
                field: field.into(),
                message,
            }));
        }
    }
    (good, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn services() -> Vec<(String, String)> {
        vec![
            ("main".into(), "대표번호".into()),
            ("order".into(), "주문문의".into()),
        ]
    }

    #[test]
    fn a_people_file_is_read_by_its_korean_headers_in_any_order() {
        let text = "이름,로그인,서비스,내선번호\n김하늘,sky01,대표번호;order,2001\n";
        let (rows, _) = super::super::read_table_csv(text.as_bytes(), &LAYOUT).unwrap();
        let (good, errs) = check(&rows, &HashSet::new(), &services(), false);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(good[0].login, "sky01");
        assert_eq!(good[0].name, "김하늘");
        assert_eq!(good[0].extension, "2001");
        assert_eq!(good[0].services, vec!["main", "order"]);
        assert_eq!(good[0].role, Role::Agent);
        assert!(good[0].password_generated);
        assert!(super::super::read_table_csv("이름,메모\n김,x\n".as_bytes(), &LAYOUT).is_err());
    }

    #[test]
    fn every_bad_person_row_is_named() {
        let text = "로그인,이름,내선번호,역할,서비스,비밀번호\n\
                    ok01,정상,100,매니저,main,Strong-pass-77\n\
                    kim,중복,,,,\n\
                    홍길동,한글아이디,,,,\n\
                    ok01,파일중복,,,,\n\
                    new01,,12a,boss,nowhere,short\n";
        let (rows, _) = super::super::read_table_csv(text.as_bytes(), &LAYOUT).unwrap();
        let taken: HashSet<String> = ["kim".to_string()].into();
        let (good, errs) = check(&rows, &taken, &services(), false);
        assert_eq!(good.len(), 1);
        assert_eq!(good[0].role, Role::Manager);
        assert_eq!(good[0].password.as_deref(), Some("Strong-pass-77"));
        let by_line: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            by_line,
            vec![
                (3, "login"),
                (4, "login"),
                (5, "login"),
                (6, "name"),
                (6, "extension"),
                (6, "role"),
                (6, "services"),
                (6, "password"),
            ]
        );
        assert!(errs[0].message.contains("이미 사용 중"));
        assert!(errs[2].message.contains("파일 안에서"));
        assert!(errs[6].message.contains("nowhere"));
    }
}
