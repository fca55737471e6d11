//! # famplan-synth
//!
//! Seeded synthetic data for [`famplan`]: the same seed gives the same bytes on every run
//! and platform (ChaCha8).
//!
//! - **Snapshots at any scale** ([`write_snapshot_dir`], [`write_population`],
//!   [`write_areas`]): the spreadsheet ledgers of DOMAIN §15 in the exact format of the
//!   six-rates benchmark (SIX_RATES §1), streamed one household at a time, so ten million
//!   persons need no more memory than a thousand.
//!   The binary does this from the command line:
//!   `cargo run -p famplan-synth --release -- --persons 1000000 --seed 1 --out DIR [--names]`.
//! - **A community event stream** ([`community_events`]): one community of 9 zones and 18
//!   grids with two years of dated events (registrations, marriages, births, procedures,
//!   supplies, visits, moves …) that all apply to a [`famplan::Registry`] without conflict.
//!
//! ```
//! use famplan_synth::{SnapshotConfig, write_population};
//! let cfg = SnapshotConfig::new(1_000, 1);
//! let (mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new());
//! let counts = write_population(&cfg, &mut h, &mut p, &mut v)?;
//! assert_eq!(counts.persons, 1_000);
//! let again = write_population(&cfg, std::io::sink(), Vec::new(), std::io::sink())?;
//! assert_eq!(again, counts);
//! # Ok::<(), std::io::Error>(())
//! ```
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod community;
mod people;
mod snapshot;

pub use community::{COMMUNITY_ID, CommunityConfig, community_events, community_grids};
pub use snapshot::{
    AREAS_HEADER, HOUSEHOLDS_HEADER, PERSONS_HEADER, PERSONS_HEADER_WITH_NAMES, SnapshotConfig, SnapshotCounts,
    VISITS_HEADER, write_areas, write_households, write_persons, write_population, write_snapshot_dir, write_visits,
};
