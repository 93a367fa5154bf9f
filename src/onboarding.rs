//! First run without the demo: `calldesk init` creates a brand (every setting at its default)
//! and its first manager in a data dir, so that `calldesk serve` (no `--demo`) serves a real
//! center from then on; everything else is set up in the browser (/admin). The password comes
//! from stdin or `CALLDESK_INIT_PASSWORD`, never from a flag, and must pass the password rules.

use crate::domain::model::{Agent, AgentId, Brand, BrandId, Role};
use crate::domain::password;
use crate::store::{self, Store};

/// What `init` made.
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub brand_id: BrandId,
    pub agent_id: AgentId,
}

/// Creates the brand `name` and its first manager `login` (name = login, extension empty).
/// Refuses a login already in use, a brand name already there, a bad time zone and a weak
/// password, with the reason.
pub fn init(
    store: &Store,
    name: &str,
    login: &str,
    password: &str,
    timezone: &str,
) -> Result<Created, String> {
    let name = name.trim();
    let login = login.trim();
    if name.is_empty() || name.chars().count() > 60 {
        return Err("--brand: 브랜드 이름은 1~60자여야 합니다".into());
    }
    crate::domain::limits::LOGIN
        .check(login)
        .map_err(|(_, m)| format!("--login: {m}"))?;
    if login.is_empty()
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err("--login: 아이디는 영문, 숫자, . _ - 로 씁니다".into());
    }
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        return Err(format!("--timezone: 알 수 없는 시간대입니다: {timezone}"));
    }
    password::check(password, login).map_err(|m| format!("password: {m}"))?;
    if store
        .brands()
        .map_err(|e| e.to_string())?
        .iter()
        .any(|b| b.name == name)
    {
        return Err(format!("브랜드 '{name}'이(가) 이미 있습니다"));
    }
    let hash = crate::api::auth::hash_password(password);
    let (name, login, timezone) = (name.to_string(), login.to_string(), timezone.to_string());
    store
        .write_blocking(move |tx| {
            let brand_id = store::next_brand_id(tx)?;
            let agent_id = store::next_agent_id(tx)?;
            store::put_brand(tx, &Brand::with_defaults(brand_id, &name, &timezone))?;
            store::put_agent(
                tx,
                &Agent {
                    id: agent_id,
                    brand_id,
                    login: login.clone(),
                    name: login.clone(),
                    extension: String::new(),
                    role: Role::Manager,
                    services: vec![],
                    password_hash: hash.clone(),
                    full_view: true,
                    active: true,
                },
            )?;
            store::audit(
                tx,
                &serde_json::json!({"at": chrono::Utc::now(), "by": null, "action": "brand.init",
                    "brand": brand_id, "agent": agent_id, "login": login}),
            )?;
            Ok(Created { brand_id, agent_id })
        })
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_creates_a_brand_and_its_manager_and_refuses_what_is_wrong() {
        let store = Store::in_memory().unwrap();
        let made = init(
            &store,
            "하늘몰",
            "sky.admin",
            "blue-harbor-lamp",
            "Asia/Seoul",
        )
        .unwrap();
        assert_eq!(
            made,
            Created {
                brand_id: 1,
                agent_id: 1
            }
        );
        let a = store.agent_by_login("SKY.ADMIN").unwrap().unwrap();
        assert_eq!(a.role, Role::Manager);
        assert!(crate::api::auth::verify_password(
            "blue-harbor-lamp",
            &a.password_hash
        ));
        assert_eq!(store.brand(1).unwrap().unwrap().name, "하늘몰");
        // A second brand gets the next ids; names and logins are not reused.
        let second = init(
            &store,
            "바다몰",
            "sea.admin",
            "green-river-stone",
            "Asia/Seoul",
        )
        .unwrap();
        assert_eq!(
            second,
            Created {
                brand_id: 2,
                agent_id: 2
            }
        );
        assert!(init(
            &store,
            "하늘몰",
            "x.admin",
            "green-river-stone",
            "Asia/Seoul"
        )
        .unwrap_err()
        .contains("이미 있습니다"));
        assert!(init(
            &store,
            "산몰",
            "sea.admin",
            "green-river-stone",
            "Asia/Seoul"
        )
        .unwrap_err()
        .contains("이미 사용 중"));
        assert!(init(&store, "산몰", "m.admin", "short", "Asia/Seoul")
            .unwrap_err()
            .contains("10자 이상"));
        assert!(
            init(&store, "산몰", "m.admin", "green-river-stone", "Mars/Base")
                .unwrap_err()
                .contains("시간대")
        );
        assert_eq!(store.brands().unwrap().len(), 2);
    }
}
