//! The one integration-test binary; one module per area.

// Visit schedules: every default rule worked out by hand, work lists, incremental updates, properties.
mod visit;
