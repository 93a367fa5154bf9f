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

/// Checks a new brand and its first person; every wrong field is named (`name`, `login`,
/// `timezone`, `password`). Unique names and logins are checked when written.
pub fn check(
    name: &str,
    login: &str,
    password: &str,
    timezone: &str,
) -> Vec<(&'static str, String)> {
    let mut errs = Vec::new();
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 {
        errs.push(("name", "브랜드 이름은 1~60자여야 합니다".to_string()));
    }
    let login = login.trim();
    if let Err(m) = password::check_login(login) {
        errs.push(("login", m));
    }
    if timezone.parse::<chrono_tz::Tz>().is_err() {
        errs.push(("timezone", format!("알 수 없는 시간대입니다: {timezone}")));
    }
    if let Err(m) = password::check(password, login) {
        errs.push(("password", m));
    }
    errs
}

/// Writes a new brand (every setting at its default) and its first person (`role`: manager,
/// or admin for an operator), audited, inside one transaction. A brand name or a login already
/// there is refused (409).
pub fn write_brand_with_first(
    tx: &redb::WriteTransaction,
    name: &str,
    login: &str,
    password_hash: &str,
    timezone: &str,
    role: Role,
    by: Option<AgentId>,
) -> store::StoreResult<(Brand, Agent)> {
    let taken = {
        use redb::ReadableTable;
        let t = tx.open_table(store::tables::BRANDS)?;
        let mut taken = false;
        for row in t.iter()? {
            let (_, v) = row?;
            let b: Brand = serde_json::from_slice(v.value())?;
            if b.name == name {
                taken = true;
                break;
            }
        }
        taken
    };
    if taken {
        return Err(store::StoreError::refused(crate::error::AppError::new(
            crate::error::Code::Conflict,
            format!("브랜드 '{name}'이(가) 이미 있습니다"),
        )));
    }
    let brand = Brand::with_defaults(store::next_brand_id(tx)?, name, timezone);
    let agent = Agent {
        id: store::next_agent_id(tx)?,
        brand_id: brand.id,
        login: login.to_string(),
        name: login.to_string(),
        extension: String::new(),
        role,
        services: vec![],
        password_hash: password_hash.to_string(),
        full_view: true,
        active: true,
    };
    store::put_brand(tx, &brand)?;
    store::put_agent(tx, &agent)?;
    store::audit(
        tx,
        &serde_json::json!({"at": chrono::Utc::now(), "by": by, "action": "brand.create",
            "brand": brand.id, "agent": agent.id, "login": login, "role": role}),
    )?;
    Ok((brand, agent))
}

/// `calldesk init`: creates the brand `name` and its first person `login` (name = login,
/// extension empty) with `role` (manager; admin for the operator's own account). Refuses a
/// login already in use, a brand name already there, a bad time zone and a weak password.
pub fn init(
    store: &Store,
    name: &str,
    login: &str,
    password: &str,
    timezone: &str,
    role: Role,
) -> Result<Created, String> {
    let errs = check(name, login, password, timezone);
    if let Some((field, m)) = errs.first() {
        let flag = match *field {
            "name" => "--brand",
            "login" => "--login",
            "timezone" => "--timezone",
            _ => "password",
        };
        return Err(format!("{flag}: {m}"));
    }
    let hash = crate::api::auth::hash_password(password);
    let (name, login, timezone) = (
        name.trim().to_string(),
        login.trim().to_string(),
        timezone.to_string(),
    );
    store
        .write_blocking(move |tx| {
            let (b, a) = write_brand_with_first(tx, &name, &login, &hash, &timezone, role, None)?;
            Ok(Created {
                brand_id: b.id,
                agent_id: a.id,
            })
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
            Role::Manager,
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
            Role::Manager,
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
            "Asia/Seoul",
            Role::Manager
        )
        .unwrap_err()
        .contains("이미 있습니다"));
        assert!(init(
            &store,
            "산몰",
            "sea.admin",
            "green-river-stone",
            "Asia/Seoul",
            Role::Manager
        )
        .unwrap_err()
        .contains("이미 사용 중"));
        assert!(init(
            &store,
            "산몰",
            "m.admin",
            "short",
            "Asia/Seoul",
            Role::Manager
        )
        .unwrap_err()
        .contains("10자 이상"));
        assert!(init(
            &store,
            "산몰",
            "m.admin",
            "green-river-stone",
            "Mars/Base",
            Role::Manager
        )
        .unwrap_err()
        .contains("시간대"));
        assert_eq!(store.brands().unwrap().len(), 2);
    }
}
