//! Password rules for every password a person sets (first manager at `init`, a new agent, a
//! reset, a change of one's own): at least `MIN_CHARS` characters, not the login, not one of the
//! common passwords below. Each refusal says why in Korean, for the field it is about.

/// Fewest characters a password may have.
pub const MIN_CHARS: usize = 10;

/// Passwords that are tried first by anyone guessing (lists of leaked passwords, Korean
/// keyboard habits). Compared case-insensitively.
const COMMON: &[&str] = &[
    "1234567890",
    "0123456789",
    "12345678910",
    "1q2w3e4r5t",
    "1q2w3e4r!@",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5",
    "qwertyuiop",
    "asdfghjkl;",
    "zxcvbnm,./",
    "password12",
    "password123",
    "password1234",
    "passw0rd12",
    "p@ssw0rd12",
    "iloveyou12",
    "abcdefghij",
    "abcd123456",
    "abc1234567",
    "1111111111",
    "0000000000",
    "aaaaaaaaaa",
    "qwer123456",
    "qwerty1234",
    "qwerty12345",
    "admin12345",
    "admin123456",
    "administrator",
    "welcome123",
    "letmein123",
    "sunshine12",
    "football12",
    "dragon1234",
    "baseball12",
    "superman12",
    "changeme12",
    "calldesk12",
    "calldesk123",
    "calldesk1234",
    "demo123456",
    "test123456",
    "manager123",
    "manager1234",
    "sarang1234",
    "saranghae1",
    "dkssudgktpdy",
    "rlaalswns1",
];

/// Why a login is refused (letters, digits, `.`, `_`, `-`; 1–64 characters), or Ok.
pub fn check_login(login: &str) -> Result<(), String> {
    let ok = !login.is_empty()
        && login.chars().count() <= 64
        && login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err("아이디는 영문, 숫자, . _ - 로 1~64자입니다".into())
    }
}

/// Why a password is refused (the message for its field), or Ok.
pub fn check(password: &str, login: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_CHARS {
        return Err(format!(
            "비밀번호는 {MIN_CHARS}자 이상이어야 합니다 (지금 {n}자)"
        ));
    }
    if password.trim() != password {
        return Err("비밀번호 앞뒤에 공백을 둘 수 없습니다".into());
    }
    let lower = password.to_lowercase();
    let login = login.trim().to_lowercase();
    if !login.is_empty() && (lower == login || lower.contains(&login) && login.chars().count() >= 4)
    {
        return Err("비밀번호에 아이디를 쓸 수 없습니다".into());
    }
    if COMMON.contains(&lower.as_str()) || one_repeated(&lower) {
        return Err("너무 흔한 비밀번호입니다; 추측하기 어려운 것으로 정하세요".into());
    }
    Ok(())
}

/// `aaaaaaaaaa`, `1212121212`: one short pattern repeated.
fn one_repeated(s: &str) -> bool {
    let c: Vec<char> = s.chars().collect();
    (1..=3).any(|p| c.len() > p && c.iter().enumerate().all(|(i, x)| *x == c[i % p]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_login_like_and_common_passwords_are_refused_with_the_reason() {
        assert!(check("short1!", "kim").unwrap_err().contains("10자 이상"));
        assert!(check("manager01-pw", "manager01")
            .unwrap_err()
            .contains("아이디"));
        assert!(check("Manager01", "manager01").is_err());
        assert!(check("1q2w3e4r5t", "kim").unwrap_err().contains("흔한"));
        assert!(check("QWERTYUIOP", "kim").is_err());
        assert!(check("1212121212", "kim").is_err());
        assert!(check(" spaced-password ", "kim").is_err());
    }

    #[test]
    fn a_long_unusual_password_is_accepted() {
        assert!(check("상담데스크-봄날-2026", "manager01").is_ok());
        assert!(check("blue-harbor-lamp", "kim").is_ok());
    }
}
