//! Ticket ids (티켓 ID): `T<local yyyymmdd>-<6-digit daily sequence>`, e.g. `T20261123-000042`.
//! The sequence is a persisted counter per local day (the store allocates it).

use chrono::NaiveDate;

/// The counter key under which a day's ticket sequence is kept.
pub fn counter_key(date: NaiveDate) -> String {
    format!("ticket/{}", date.format("%Y%m%d"))
}

pub fn format(date: NaiveDate, seq: u64) -> String {
    format!("T{}-{:06}", date.format("%Y%m%d"), seq)
}

/// The local date a ticket id was issued on.
pub fn date_of(ticket: &str) -> Option<NaiveDate> {
    let d = ticket.strip_prefix('T')?.get(..8)?;
    NaiveDate::parse_from_str(d, "%Y%m%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_carry_the_day_and_a_padded_sequence() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(format(d, 42), "T20261123-000042");
        assert_eq!(format(d, 1_234_567), "T20261123-1234567");
        assert_eq!(date_of("T20261123-000042"), Some(d));
        assert_eq!(date_of("X"), None);
        assert_eq!(counter_key(d), "ticket/20261123");
    }
}
