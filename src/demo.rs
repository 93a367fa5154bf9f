//! Seeds the demo brand (데모몰) from `data/demo/*.json` into an empty store: the brand and
//! its services, agents agent01…agent12 and manager01 (password `demo1234`, demo only), a few
//! customers the simulator calls from, the Q&A templates and the AlimTalk templates; and the
//! load-test brand. Never overwrites a store that already has data; an older demo store only gets
//! the AlimTalk templates it lacks (`top_up`).

use crate::api::auth::{hash_password, hash_password_light};
use crate::domain::model::{Agent, Brand, Customer, Role, Service};
use crate::domain::phone::Phone;
use crate::store::{self, Store};
use serde::Deserialize;
use std::path::Path;

pub const DEMO_PASSWORD: &str = "demo1234";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DemoAgent {
    login: String,
    name: String,
    extension: String,
    role: Role,
}

#[derive(Deserialize)]
struct DemoTemplate {
    category: String,
    question: String,
    answer: String,
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct DemoAlimtalk {
    code: String,
    name: String,
    body: String,
}

#[derive(Deserialize)]
struct DemoCustomer {
    name: String,
    phone: String,
    email: Option<String>,
}

fn read<T: serde::de::DeserializeOwned>(dir: &Path, file: &str) -> Result<T, String> {
    let p = dir.join(file);
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", p.display()))
}

/// Seeds the demo when the store is empty. Returns whether it seeded.
pub fn seed_if_empty(store: &Store, dir: &Path) -> Result<bool, String> {
    if !store.is_empty().map_err(|e| e.to_string())? {
        return Ok(false);
    }
    let brand: Brand = read(dir, "brand.json")?;
    let services: Vec<Service> = read(dir, "services.json")?;
    let agents: Vec<DemoAgent> = read(dir, "agents.json")?;
    let customers: Vec<DemoCustomer> = read(dir, "customers.json")?;
    let codes: Vec<String> = services.iter().map(|s| s.code.clone()).collect();
    let agents: Vec<Agent> = agents
        .into_iter()
        .enumerate()
        .map(|(i, a)| Agent {
            id: i as u32 + 1,
            brand_id: brand.id,
            login: a.login,
            name: a.name,
            extension: a.extension,
            role: a.role,
            services: if a.role == Role::Agent {
                codes.clone()
            } else {
                vec![]
            },
            password_hash: hash_password(DEMO_PASSWORD),
            full_view: matches!(a.role, Role::Manager),
            active: true,
        })
        .collect();
    let customers: Vec<Customer> = customers
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let phone = Phone::parse(&c.phone).map_err(|e| format!("customer {}: {e}", c.name))?;
            Ok(Customer {
                id: i as u64 + 1,
                brand_id: brand.id,
                name: c.name,
                phone: phone.digits().to_string(),
                email: c.email,
                blacklisted: false,
                phones: vec![],
                birth_date: None,
                blacklist_reason: None,
                memo: String::new(),
                updated_at: None,
            })
        })
        .collect::<Result<_, String>>()?;
    let templates: Vec<DemoTemplate> = read(dir, "templates.json")?;
    let alimtalk = demo_alimtalk(dir, brand.id)?;
    let brand_id = brand.id;
    write_brand(store, brand, services, agents, customers)?;
    store
        .write_blocking(move |tx| {
            for t in &templates {
                let id = store::next_counter(tx, "template")?;
                store::put_template(
                    tx,
                    &crate::domain::model::Template {
                        id,
                        brand_id,
                        category: t.category.clone(),
                        question: t.question.clone(),
                        answer: t.answer.clone(),
                        tags: t.tags.clone(),
                        updated_at: None,
                    },
                )?;
            }
            for t in &alimtalk {
                store::put_alimtalk_template(tx, t)?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(true)
}

/// The demo's AlimTalk templates (`alimtalk.json`) for `brand`.
fn demo_alimtalk(
    dir: &Path,
    brand: crate::domain::model::BrandId,
) -> Result<Vec<crate::domain::message::AlimtalkTemplate>, String> {
    read::<Vec<DemoAlimtalk>>(dir, "alimtalk.json")?
        .into_iter()
        .map(|t| {
            let variables = crate::domain::message::check_template(&t.code, &t.name, &t.body)
                .map_err(|e| format!("alimtalk.json {}: {e:?}", t.code))?;
            Ok(crate::domain::message::AlimtalkTemplate {
                brand_id: brand,
                code: t.code,
                name: t.name,
                body: t.body,
                variables,
                updated_at: None,
            })
        })
        .collect()
}

/// A demo data dir made before AlimTalk templates existed gets the demo's templates once (only
/// when the demo brand is there and has none). Returns how many were added.
pub fn top_up(store: &Store, dir: &Path) -> Result<usize, String> {
    let brand: Brand = read(dir, "brand.json")?;
    let stored = store.brand(brand.id).map_err(|e| e.to_string())?;
    if stored.is_none_or(|b| b.name != brand.name) {
        return Ok(0);
    }
    let has = store
        .alimtalk_templates(brand.id)
        .map_err(|e| e.to_string())?;
    if !has.is_empty() {
        return Ok(0);
    }
    let list = demo_alimtalk(dir, brand.id)?;
    let n = list.len();
    store
        .write_blocking(move |tx| {
            for t in &list {
                store::put_alimtalk_template(tx, t)?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(n)
}

/// Stores one brand with its services, agents and customers in one transaction.
pub fn write_brand(
    store: &Store,
    brand: Brand,
    services: Vec<Service>,
    agents: Vec<Agent>,
    customers: Vec<Customer>,
) -> Result<bool, String> {
    store
        .write_blocking(move |tx| {
            store::put_brand(tx, &brand)?;
            for s in &services {
                store::put_service(tx, s)?;
            }
            for a in &agents {
                store::put_agent(tx, a)?;
            }
            for c in &customers {
                store::put_customer(tx, c)?;
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    Ok(true)
}

pub const LOAD_PASSWORD: &str = "load1234";
/// Load agents `load0001`…`load0010` are managers (the load test's floor watchers).
pub const LOAD_MANAGERS: u32 = 10;

/// Seeds a load-test brand (부하테스트몰, services main/order/return) with `agents` agents
/// `load0001`… (password `load1234`) into an empty store. One hash serves every load agent so
/// seeding thousands stays fast: a light one by default (logging in thousands stays fast too),
/// or with the real parameters (`real_hash`, the shift-start benchmark). This brand is for load
/// tests only.
pub fn seed_load(store: &Store, agents: u32, real_hash: bool) -> Result<bool, String> {
    if !store.is_empty().map_err(|e| e.to_string())? {
        return Ok(false);
    }
    let brand = Brand {
        id: 1,
        name: "부하테스트몰".into(),
        timezone: "Asia/Seoul".into(),
        ring_timeout_s: 15,
        wrap_up_limit_s: 0,
        calls_mode: crate::domain::model::BrandCallsMode::Top,
        categories: crate::domain::model::default_categories(),
        results: crate::domain::model::default_results(),
        mall: None,
        messaging: None,
        quiet_start: "21:00".into(),
        quiet_end: "08:00".into(),
        callback_window_min: 30,
        max_attempts: 3,
        session_idle_h: 12,
        session_max_days: 7,
        wallboard: Default::default(),
        retention: Default::default(),
    };
    let codes = ["main", "order", "return"];
    let names = ["대표번호", "주문/배송 문의", "반품/교환"];
    let services: Vec<Service> = codes
        .iter()
        .zip(names)
        .map(|(c, n)| Service::new(1, c, n))
        .collect();
    let hash = if real_hash {
        hash_password(LOAD_PASSWORD)
    } else {
        hash_password_light(LOAD_PASSWORD)
    };
    let agents: Vec<Agent> = (1..=agents)
        .map(|i| Agent {
            id: i,
            brand_id: 1,
            login: format!("load{i:04}"),
            name: format!("부하{i:04}"),
            extension: format!("{}", 10_000 + i),
            // The first ten are managers: the load test's floor watchers open the wallboard.
            role: if i <= LOAD_MANAGERS {
                Role::Manager
            } else {
                Role::Agent
            },
            services: codes.iter().map(|c| c.to_string()).collect(),
            password_hash: hash.clone(),
            full_view: false,
            active: true,
        })
        .collect();
    write_brand(store, brand, services, agents, vec![])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_seeds_once_and_never_over_existing_data() {
        let store = Store::in_memory().unwrap();
        let dir = Path::new("data/demo");
        assert!(seed_if_empty(&store, dir).unwrap());
        assert!(!seed_if_empty(&store, dir).unwrap());
        let agents = store.agents().unwrap();
        assert_eq!(agents.len(), 14, "12 agents, a manager and an operator");
        let a1 = store.agent_by_login("agent01").unwrap().unwrap();
        assert_eq!(a1.extension, "2001");
        assert_eq!(a1.services, vec!["main", "order", "return"]);
        assert!(crate::api::auth::verify_password(
            DEMO_PASSWORD,
            &a1.password_hash
        ));
        let m = store.agent_by_login("manager01").unwrap().unwrap();
        assert_eq!(m.role, Role::Manager);
        let ops = store.agent_by_login("admin01").unwrap().unwrap();
        assert_eq!(ops.role, Role::Admin);
        let names: Vec<String> = store
            .services(1)
            .unwrap()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert!(names.contains(&"대표번호".to_string()));
        assert!(!store.customers(1).unwrap().is_empty());
        assert!(
            store.templates().unwrap().len() >= 40,
            "at least 40 demo templates"
        );
        let alimtalk = store.alimtalk_templates(1).unwrap();
        let order = alimtalk.iter().find(|t| t.code == "ORDER_CONFIRM").unwrap();
        assert_eq!(order.variables, vec!["고객명", "주문번호"]);
        assert_eq!(
            top_up(&store, dir).unwrap(),
            0,
            "templates are there already"
        );
        store
            .write_blocking(|tx| {
                for code in [
                    "ORDER_CONFIRM",
                    "SHIPPING_INFO",
                    "CALLBACK_BOOKED",
                    "RETURN_GUIDE",
                    "CONSULT_THANKS",
                ] {
                    store::delete_alimtalk_template(tx, 1, code)?;
                }
                Ok(())
            })
            .unwrap();
        assert!(store.alimtalk_templates(1).unwrap().is_empty());
        assert_eq!(
            top_up(&store, dir).unwrap(),
            5,
            "an older demo dir gets them once"
        );
        assert_eq!(top_up(&store, dir).unwrap(), 0);
    }

    #[test]
    fn the_load_brand_has_as_many_agents_as_asked() {
        let store = Store::in_memory().unwrap();
        assert!(seed_load(&store, 25, false).unwrap());
        assert_eq!(store.agents().unwrap().len(), 25);
        assert!(store.agent_by_login("load0025").unwrap().is_some());
        assert!(!seed_load(&store, 25, false).unwrap());
    }
}
