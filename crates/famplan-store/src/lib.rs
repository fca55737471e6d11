//! # famplan-store
//!
//! The embedded default home of famplan data: one SQLite file per community holding
//!
//! * the **event log** (`events`): append-only (triggers refuse updates and deletes), keyed
//!   by event id, each event with its date, `recorded_at`, `recorded_by`, kind, person and
//!   JSON, and an increasing `seq` that is the sync watermark ([`Store::events_after`]);
//! * the **snapshot rows** (`areas`, `households`, `persons`, `visits`) a community's
//!   spreadsheet ledgers were imported from, in compact chunks of up to 16,384 rows each
//!   (`snapshot_chunks`, one blob per chunk, since schema version 2), kept in file order so
//!   that the registry reloads through [`famplan::io::SnapshotBuilder`] without replaying
//!   them as events;
//! * the **conflicts** (`conflicts`, and the `conflict_events` view): events kept in the log
//!   that do not apply (DOMAIN §5);
//! * the **checkpoint** (`checkpoint`, since schema version 3): the folded state
//!   ([`famplan::Checkpoint`], postcard) and the `seq` of the last event it folds, so that
//!   [`Store::view`] reads the state for rates and work lists without replaying the log.
//!
//! The file carries `PRAGMA application_id` `0x466D506C` (`FmPl`) and its schema version in
//! `PRAGMA user_version`; older stores are migrated forward on open, newer ones and
//! other files are refused. It runs in WAL mode with a busy timeout: a second writer waits,
//! then gets [`StoreError::Busy`]. Every write is one transaction, checked by the core
//! registry before anything is written.
//!
//! ```
//! use famplan::Registry;
//! use famplan_store::Store;
//!
//! let dir = tempfile::tempdir()?;
//! let mut store = Store::open(dir.path().join("famplan.db"))?;
//! store.append(Registry::example().events().to_vec())?;
//! let status = store.status_on("2026-06-30".parse()?)?;
//! assert_eq!((status.households, status.persons), (2, 3));
//! assert_eq!(store.load()?, Registry::example());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod checkpoint;
mod error;
mod rows;
mod schema;
mod settings;
mod store;

pub use error::StoreError;
pub use store::{DEFAULT_BUSY_TIMEOUT, Progress, Store, StoreStatus, Watermark};
