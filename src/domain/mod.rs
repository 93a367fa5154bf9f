//! Pure types and rules of the desk: ids, the agent status machine, per-day time accounting,
//! Korean phone numbers, ticket ids and the stored records. No actix, no redb here.

pub mod clock;
pub mod customer;
pub mod erlang;
pub mod figures;
pub mod ledger;
pub mod limits;
pub mod links;
pub mod message;
pub mod model;
pub mod password;
pub mod people;
pub mod phone;
pub mod rate;
pub mod reservation;
pub mod status;
pub mod ticket;

#[cfg(test)]
mod tests {
    /// The domain stays pure: no module here reaches into the engine, the store, the providers
    /// or the web framework.
    #[test]
    fn the_domain_imports_nothing_impure() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let banned = [
            "crate::messaging",
            "crate::shop",
            "crate::store",
            "crate::engine",
            "crate::api",
            "crate::ws",
            "actix",
            "redb",
        ];
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "mod.rs") {
                continue; // this list itself
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for b in banned {
                assert!(
                    !text.contains(b),
                    "{} mentions {b}",
                    path.file_name().unwrap().to_string_lossy()
                );
            }
        }
    }
}
