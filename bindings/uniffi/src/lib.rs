//! # famplan-uniffi
//!
//! famplan for the keeper's phone app, through [uniffi](https://mozilla.github.io/uniffi-rs/):
//! Kotlin (package `org.famplan`) and Swift bindings generated in library mode from this
//! crate's cdylib.
//!
//! The keeper works offline. One [`FamplanStore`] holds the grid's data in one SQLite file
//! (`famplan-store`) and answers with exactly the core's rules and rates: today's work list,
//! a person's file with her visit schedule and why each visit is owed, the grid's rates
//! against their targets. What the keeper records becomes events, and devices sync by
//! exchanging events after a watermark; events that no longer fit are returned as conflicts
//! and kept in the log, never dropped.
//!
//! A thin layer: every method converts its arguments, calls the store or the core once, and
//! converts the answer. Calls are coarse (a whole work list, a batch of events) because each
//! call over JNA costs microseconds.
//!
//! ```
//! use famplan_uniffi::{FamplanStore, HousingKind, NewEvent, NewHousehold};
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("grid.db").display().to_string();
//! let store = FamplanStore::open(path, "phone-1".into(), "k1".into())?;
//! let day = "2026-03-01".parse()?;
//! let area = |kind: &str| NewEvent { date: day, kind: kind.into() };
//! store.record_events(vec![
//!     area(r#"{"kind":"area_defined","level":"community","area":"c1"}"#),
//!     area(r#"{"kind":"area_defined","level":"zone","area":"z1","parent":"c1"}"#),
//!     area(r#"{"kind":"area_defined","level":"grid","area":"g1","parent":"z1"}"#),
//!     area(r#"{"kind":"staff_assigned","staff":"k1","role":"keeper","level":"grid","area":"g1"}"#),
//! ])?;
//! let id = store.register_household(NewHousehold {
//!     id: "h1".into(), date: day, grid: "g1".into(), housing: HousingKind::Rental,
//!     group: None, building: None, address: Some("3-201".into()),
//! })?;
//! assert_eq!(id, "phone-1:5");
//! // A rental household is reconciled every quarter: the keeper's work list says so, and why.
//! let list = store.work_list("k1".into(), day)?;
//! assert_eq!(list.items[0].obligation.rule, "reconciliation");
//! assert_eq!(list.items[0].obligation.because, "rental or street-front household");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Dates and the clock
//!
//! Calendar dates cross the FFI as the custom type `NaiveDate`: a `java.time.LocalDate` in
//! Kotlin, a `datetime.date` in Python, an ISO `YYYY-MM-DD` `String` in Swift (Foundation has
//! no date-only type). A string that is not a real date is refused with
//! [`FamplanError::Invalid`] (field `date`).
//!
//! The core never reads the clock. This crate is the app's edge, so it does, once per
//! recorded event, for the audit field `recorded_at` (UTC). Effective dates (`date`) always
//! come from the app: a visit is recorded with the day it happened.
//!
//! ## Event ids
//!
//! Events carry ids unique across devices: `DEVICE:N`, where `DEVICE` is the id the app
//! opened the store with (made once per installation, a random UUID) and `N` counts that
//! device's events in the store's log (1, 2, …), resuming after the highest one found on
//! open or after a sync (an app that keeps its device id across a reinstall and syncs its
//! old events back continues after them). This is the `device:sequence` form
//! `famplan::EventId` documents.
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod error;
mod person;
mod policy;
mod publicity;
mod rate;
mod services;
mod store;
mod sync;
mod visit;

pub use error::FamplanError;
pub use person::{
    CaseFileStatus, CloseReason, HousingKind, MaritalStatus, Method, NewHousehold, NewPerson, PersonFile, PersonState,
    Relation, Residency, Sex,
};
pub use policy::EligibilityFlag;
pub use publicity::PublicityItem;
pub use rate::RateResult;
pub use services::{Application, StockLine};
pub use store::{FamplanStore, NewEvent, StoreStatus};
pub use sync::{EventBatch, SyncConflict, SyncReport};
pub use visit::{NewVisit, Obligation, ObligationState, Why, WorkItem, WorkList};

use chrono::NaiveDate;

uniffi::setup_scaffolding!();

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    try_lift: |s| Ok(parse_date("date", &s)?),
});

/// Parses an ISO `YYYY-MM-DD` date, naming `field` in the error.
pub(crate) fn parse_date(field: &str, s: &str) -> Result<NaiveDate, FamplanError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .filter(|_| s.len() == 10)
        .ok_or_else(|| FamplanError::invalid(field, format!("expected a date YYYY-MM-DD, found `{s}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_date_that_is_not_a_day_names_the_field() {
        let err = parse_date("birth_date", "2026-02-30").unwrap_err();
        assert_eq!(err.to_string(), "birth_date: expected a date YYYY-MM-DD, found `2026-02-30`");
        assert!(parse_date("date", "2026-2-3").is_err());
        assert_eq!(parse_date("date", "2024-02-29").unwrap().to_string(), "2024-02-29");
    }

    #[test]
    fn a_bad_date_from_the_app_lifts_to_the_typed_error() {
        use uniffi::FfiConverter;
        let lowered = <String as FfiConverter<crate::UniFfiTag>>::lower("2026-13-01".into());
        let err = <NaiveDate as FfiConverter<crate::UniFfiTag>>::try_lift(lowered).unwrap_err();
        let err = err.downcast::<FamplanError>().expect("the typed error");
        assert!(matches!(err, FamplanError::Invalid { ref field, .. } if field == "date"), "{err}");
    }
}
