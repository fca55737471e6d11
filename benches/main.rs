//! Criterion benchmarks (STYLE item 14): one module per area, each registering named benchmarks
//! `"<area>/<op>/<size>"`; every iteration asserts its result, so a wrong answer cannot be fast.
//!
//! `cargo bench --bench famplan` measures; `cargo bench --bench famplan -- --test` runs each once
//! on small data (CI does this). `FAMPLAN_BENCH_PERSONS` changes the size (default 1,000,000).

use criterion::{Criterion, criterion_group, criterion_main};

mod rate;
mod registry;
mod visit;
#[cfg(feature = "xlsx")]
mod xlsx;

/// The number of persons to generate: small when criterion only checks that benches run.
pub fn persons() -> u64 {
    let var = std::env::var("FAMPLAN_BENCH_PERSONS").ok().and_then(|v| v.parse().ok());
    let once = std::env::args().any(|a| a == "--test");
    var.unwrap_or(if once { 20_000 } else { 1_000_000 })
}

fn benches(c: &mut Criterion) {
    registry::define(c);
    visit::define(c);
    rate::define(c);
    #[cfg(feature = "xlsx")]
    xlsx::define(c);
}

criterion_group! {
    name = famplan;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(famplan);
