//! The one integration-test binary (STYLE item 12): one module per area.

// Public disclosure (DOMAIN §13): dynamic notices, masking, suppression, pages that leak nothing.
mod disclosure;
// Every event kind, applied to a small hand-built world, and what it changes.
mod events;
// Every rejection: the reason, the message, and the registry left as it was.
mod rejections;
// Services (DOMAIN §9–§11): supplies ledger, one-stop applications, service requests, dated policy.
mod services;
// Resident ID numbers and phones (DOMAIN §12).
mod resident_id;
// The snapshot directory: reading, writing, bad input (DOMAIN §15).
mod snapshot;
// The snapshot tables as text columns (a Spark worker's Arrow batches): read as the CSV files.
mod columns;
// Events as JSON Lines and CSV.
mod events_io;
// Checkpoints: the folded state saved without its log, read back exactly.
mod checkpoint;
// Properties: arrival order, merge, round trips.
mod props;
// A community's own birth policy: the compliance rate, eligibility, the review list.
mod policy;
// The publicity calendar (DOMAIN §14): the year's plan, Mother's Day, done / due / late.
mod publicity;
// Rates: every catalogue rate worked out by hand (testdata/rates), targets, properties.
mod rate;
// Scale-out: partials of communities merge into the city's (docs/scale-out.md).
mod shard;
// SIX_RATES.md: the library against an oracle written from the contract's text.
mod six_rates;
// Inputs the fuzz targets (fuzz/) found, each with the behaviour it must have.
mod fuzz_regressions;
mod util;
// Visit schedules: every default rule worked out by hand, work lists, incremental updates, properties.
mod visit;
// Which visits a computation reads: only those give the same partials (what Spark may drop).
mod visits_read;
// Scoped schedules: a keeper's grids, the community's schedule filtered, kept up with events.
mod visit_scope;
// Snapshot workbooks (.xlsx): round trips, a Chinese ledger made by another tool, bad cells.
#[cfg(feature = "xlsx")]
mod xlsx;
// Reports for exchange: the report workbook, data values, FHIR MeasureReport.
mod interop;
