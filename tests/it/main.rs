//! The one integration-test binary (STYLE item 12): one module per area.

// Every event kind, applied to a small hand-built world, and what it changes.
mod events;
// Every rejection: the reason, the message, and the registry left as it was.
mod rejections;
// Resident ID numbers and phones (DOMAIN §12).
mod resident_id;
// The snapshot directory: reading, writing, bad input (DOMAIN §15).
mod snapshot;
// Events as JSON Lines and CSV.
mod events_io;
// Properties: arrival order, merge, round trips.
mod props;
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
