//! famplan benchmarks: `cargo bench --bench famplan` (`-- --test` runs each once).

use criterion::{Criterion, criterion_group, criterion_main};

mod rate;
mod visit;

fn all(c: &mut Criterion) {
    rate::define(c);
    visit::define(c);
}

criterion_group!(benches, all);
criterion_main!(benches);
