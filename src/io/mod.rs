//! Reading and writing files (feature `csv`): the snapshot directory of spreadsheet ledgers
//! (DOMAIN §15) and event files as CSV or JSON Lines.
//!
//! The core never opens a path: callers hand readers and writers with the name to use in
//! messages. Every bad value is reported as `file:line: column: reason`.
//!
//! ```
//! use famplan::io::{SnapshotFiles, read_snapshot, ImportMode};
//!
//! let areas = "grid_id,zone_id,community_id\n101,1,c\n";
//! let households = "household_id,grid_id,kind\n1,101,rental\n";
//! let persons = "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date\n\
//!                7,1,101,F,1990-05-01,married,floating,1,iud,2026-01-31,\n";
//! let visits = "visit_id,person_id,date,kind\n1,7,2026-03-02,post_surgery\n";
//! let files = SnapshotFiles::new()
//!     .areas("areas.csv", areas.as_bytes())
//!     .households("households.csv", households.as_bytes())
//!     .persons("persons.csv", persons.as_bytes())
//!     .visits("visits.csv", visits.as_bytes());
//! let (reg, summary) = read_snapshot(files, ImportMode::AllOrNothing)?;
//! assert_eq!((summary.persons, summary.visits, summary.undated.marital), (1, 1, 1));
//! let s = reg.state(&"7".into(), "2026-06-30".parse()?).unwrap();
//! assert!(s.is_married_wra() && s.method == famplan::Method::Iud);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod activities;
#[cfg(feature = "xlsx")]
mod aliases;
mod columns;
mod events;
mod snapshot;
mod table;
#[cfg(feature = "xlsx")]
mod xlsx;

pub use activities::{ACTIVITY_COLUMNS, read_activities};
#[cfg(feature = "xlsx")]
pub use aliases::{COLUMN_ALIASES, ColumnAlias, SHEET_ALIASES};
pub use columns::{ColumnTable, SnapshotColumns, read_snapshot_columns};
pub use events::{EventFormat, read_events, write_events};
pub use snapshot::{
    AREA_COLUMNS, AreaRow, HOUSEHOLD_COLUMNS, HouseholdRow, ImportMode, ImportSummary, PERSON_COLUMNS,
    PERSON_REQUIRED_COLUMNS, PersonRow, SnapshotBuilder, SnapshotFiles, SnapshotWriters, UndatedCounts, VISIT_COLUMNS,
    VisitRow, read_snapshot, write_snapshot,
};
#[cfg(feature = "xlsx")]
pub use xlsx::{SnapshotWorkbook, read_snapshot_xlsx, write_snapshot_xlsx};
