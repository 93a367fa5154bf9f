//! Rules for a person's record as a manager sets it (the admin console's form and its bulk
//! file alike): name, extension (내선번호), role as written in Korean or English, and a
//! generated first password when a bulk file leaves one out.

use super::model::Role;
use rand::Rng;

/// Longest name, in characters.
pub const NAME_MAX: usize = 50;
/// Longest extension, in characters.
pub const EXTENSION_MAX: usize = 20;

pub fn check_name(name: &str) -> Result<(), String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > NAME_MAX {
        return Err(format!("이름은 1~{NAME_MAX}자여야 합니다"));
    }
    Ok(())
}

pub fn check_extension(x: &str) -> Result<(), String> {
    let x = x.trim();
    if x.chars().count() > EXTENSION_MAX || !x.chars().all(|c| c.is_ascii_digit() || c == '-') {
        return Err(format!(
            "내선번호는 숫자와 - 로 {EXTENSION_MAX}자까지입니다"
        ));
    }
    Ok(())
}

/// A role as a form or a file names it: `agent` / 상담사, `manager` / 매니저 / 관리자, and
/// `admin` / 운영자 only when `operator` (the one setting it is an operator). Empty is an agent.
pub fn parse_role(text: &str, operator: bool) -> Result<Role, String> {
    match text.trim().to_lowercase().as_str() {
        "" | "agent" | "상담사" | "상담원" => Ok(Role::Agent),
        "manager" | "매니저" | "관리자" | "팀장" => Ok(Role::Manager),
        "admin" | "운영자" if operator => Ok(Role::Admin),
        other => Err(format!(
            "역할은 상담사(agent) 또는 매니저(manager)입니다: '{other}'"
        )),
    }
}

/// A first password that passes `password::check`: 12 characters from letters and digits
/// that cannot be misread (no 0/O, 1/l/I), at least one of each kind.
pub fn generate_password() -> String {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    let mut rng = rand::thread_rng();
    loop {
        let mut pw = String::with_capacity(12);
        for i in 0..12 {
            let set = match i % 4 {
                0 | 2 => LOWER,
                1 => UPPER,
                _ => DIGIT,
            };
            pw.push(set[rng.gen_range(0..set.len())] as char);
        }
        if super::password::check(&pw, "").is_ok() {
            return pw;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_read_in_korean_and_english_and_admin_only_by_operators() {
        assert_eq!(parse_role("", false), Ok(Role::Agent));
        assert_eq!(parse_role(" 상담사 ", false), Ok(Role::Agent));
        assert_eq!(parse_role("Manager", false), Ok(Role::Manager));
        assert_eq!(parse_role("매니저", false), Ok(Role::Manager));
        assert!(parse_role("admin", false).is_err());
        assert_eq!(parse_role("admin", true), Ok(Role::Admin));
        assert!(parse_role("boss", true).unwrap_err().contains("boss"));
    }

    #[test]
    fn names_and_extensions_are_bounded() {
        assert!(check_name("김영희").is_ok());
        assert!(check_name("  ").is_err());
        assert!(check_name(&"가".repeat(NAME_MAX + 1)).is_err());
        assert!(check_extension("").is_ok());
        assert!(check_extension("02-1234").is_ok());
        assert!(check_extension("12a").is_err());
    }

    #[test]
    fn generated_passwords_pass_the_rules_and_differ() {
        let a = generate_password();
        let b = generate_password();
        assert_eq!(a.chars().count(), 12);
        assert!(super::super::password::check(&a, "login01").is_ok());
        assert_ne!(a, b);
    }
}
