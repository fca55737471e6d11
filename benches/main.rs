//! famplan benchmarks: `cargo bench --bench famplan` (or `-- --test` to run each once).

mod rate;

criterion::criterion_group!(benches, rate::define);
criterion::criterion_main!(benches);
