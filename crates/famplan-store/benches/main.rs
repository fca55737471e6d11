//! `cargo bench -p famplan-store`: importing a snapshot into a fresh store, and reopening a
//! store and loading its registry. Every iteration checks its result.
//! `FAMPLAN_BENCH_PERSONS` sets the size (default 100 000; 10 000 under `--test`, as CI runs it).

#[path = "../tests/it/ledger.rs"]
mod ledger;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use famplan::io::ImportMode;
use famplan_store::Store;

fn persons() -> usize {
    if std::env::args().any(|a| a == "--test") {
        return 10_000;
    }
    std::env::var("FAMPLAN_BENCH_PERSONS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000)
}

fn define(c: &mut Criterion) {
    let n = persons();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshot");
    ledger::write_dir(&dir, &ledger::snapshot(n));
    let mut g = c.benchmark_group("store");
    g.sample_size(10);

    g.bench_function(format!("import_snapshot/{n}_persons"), |b| {
        let mut i = 0;
        b.iter_batched(
            || {
                i += 1;
                tmp.path().join(format!("import-{i}.db"))
            },
            |db| {
                let mut store = Store::open(&db).unwrap();
                let summary = store.import_snapshot_dir(&dir, ImportMode::AllOrNothing).unwrap();
                assert_eq!(summary.persons, n as u64);
                drop(store);
                std::fs::remove_file(&db).unwrap();
            },
            BatchSize::PerIteration,
        )
    });

    let db = tmp.path().join("loaded.db");
    Store::open(&db).unwrap().import_snapshot_dir(&dir, ImportMode::AllOrNothing).unwrap();
    g.bench_function(format!("reopen_and_load/{n}_persons"), |b| {
        b.iter(|| {
            let mut store = Store::open(&db).unwrap();
            assert_eq!(store.registry().unwrap().len(), n);
        })
    });
    g.finish();
}

criterion_group!(benches, define);
criterion_main!(benches);
