//! Pure types and rules of the desk: ids, the agent status machine, per-day time accounting,
//! Korean phone numbers, ticket ids and the stored records. No actix, no redb here.

pub mod clock;
pub mod customer;
pub mod ledger;
pub mod limits;
pub mod message;
pub mod model;
pub mod password;
pub mod phone;
pub mod rate;
pub mod reservation;
pub mod status;
pub mod ticket;
