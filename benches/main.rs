//! Criterion benchmarks (STYLE item 14): one module per area, each registering named benchmarks
//! `"<area>/<op>/<size>"`; every iteration asserts its result, so a wrong answer cannot be fast.
//!
//! `cargo bench --bench famplan` measures; `cargo bench --bench famplan -- --test` runs each once
//! on small data (CI does this). `FAMPLAN_BENCH_PERSONS` changes the size (default 1,000,000).

use criterion::{Criterion, criterion_group, criterion_main};

mod registry;

/// The number of persons to generate: small when criterion only checks that benches run.
pub fn persons() -> u64 {
    if std::env::args().any(|a| a == "--test") {
        return 10_000;
    }
    std::env::var("FAMPLAN_BENCH_PERSONS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000)
}

fn benches(c: &mut Criterion) {
    registry::define(c);
}

criterion_group! {
    name = famplan;
    config = Criterion::default().sample_size(10);
    targets = benches
}
criterion_main!(famplan);
