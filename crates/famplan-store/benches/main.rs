//! `cargo bench -p famplan-store`: the store's three goals (issue #5), each iteration
//! checking its result.
//!
//! * `import_snapshot/N_persons`: a seeded `famplan-synth` snapshot directory into a fresh
//!   store (goal: ≥ 200,000 persons/s; criterion prints the throughput in persons/s).
//! * `reopen_and_load/N_persons`: open that store and load its registry (goal for 1M
//!   persons: under 2 s).
//! * `cold_work_list/R_residents`: open a store holding the demo community (`famplan demo`:
//!   R residents, two years of events), read its state (`Store::view`: the checkpoint) and
//!   return one keeper's work list as `famplan due --keeper` does (goal for 10,000 residents: under 50 ms).
//!
//! `FAMPLAN_BENCH_PERSONS` sets N (default 100,000) and `FAMPLAN_BENCH_RESIDENTS` sets R
//! (default 10,000); under `--test` (as CI runs it) N is 10,000 and R 1,000.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use famplan::io::ImportMode;
use famplan::{AreaLevel, Period, RuleSet, Schedule, Scope};
use famplan_store::Store;

fn testing() -> bool {
    std::env::args().any(|a| a == "--test")
}

fn size(var: &str, default: u64, test: u64) -> u64 {
    if testing() {
        return test;
    }
    std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

fn snapshot(c: &mut Criterion) {
    let n = size("FAMPLAN_BENCH_PERSONS", 100_000, 10_000);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshot");
    famplan_synth::write_snapshot_dir(&famplan_synth::SnapshotConfig::new(n, 1), &dir).unwrap();
    let mut g = c.benchmark_group("store");
    g.sample_size(10);

    g.throughput(Throughput::Elements(n));
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
                assert_eq!(summary.persons, n);
                drop(store);
                std::fs::remove_file(&db).unwrap();
            },
            BatchSize::PerIteration,
        )
    });

    let db = tmp.path().join("loaded.db");
    Store::open(&db).unwrap().import_snapshot_dir(&dir, ImportMode::AllOrNothing).unwrap();
    g.throughput(Throughput::Elements(n));
    g.bench_function(format!("reopen_and_load/{n}_persons"), |b| {
        b.iter(|| {
            let mut store = Store::open(&db).unwrap();
            assert_eq!(store.registry().unwrap().len() as u64, n);
        })
    });
    g.finish();
}

fn work_list(c: &mut Criterion) {
    let residents = size("FAMPLAN_BENCH_RESIDENTS", 10_000, 1_000);
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("demo.db");
    let cfg = famplan_synth::CommunityConfig { residents: residents as u32, ..Default::default() };
    let today = cfg.end;
    let report = Store::open(&db).unwrap().merge(famplan_synth::community_events(&cfg)).unwrap();
    assert!(report.conflicts.is_empty());
    // The first grid's keeper, as `famplan demo` shows; the work list the phone app returns.
    let keeper = {
        let mut store = Store::open(&db).unwrap();
        let reg = store.registry().unwrap();
        let mut grids: Vec<_> = reg.areas().all(AreaLevel::Grid).iter().map(|g| g.id.clone()).collect();
        grids.sort();
        reg.areas().keeper(&grids[0].as_str().into()).unwrap().id.clone()
    };
    let horizon = {
        use chrono::Datelike;
        let (a, b) = (Period::year(today.year() - 1).unwrap(), Period::year(today.year() + 1).unwrap());
        Period::new(a.start, b.end).unwrap()
    };
    let mut g = c.benchmark_group("store");
    g.sample_size(10);
    g.bench_function(format!("cold_work_list/{residents}_residents"), |b| {
        b.iter(|| {
            let mut store = Store::open(&db).unwrap();
            let reg = store.view().unwrap();
            // The phone's path: the schedule of the keeper's grids only.
            let scope = Scope::keeper(reg, &keeper);
            let schedule = Schedule::scoped(reg, RuleSet::default_rules(), horizon, scope);
            let list = schedule.keeper_work_list(reg, &keeper, today);
            assert!(!list.items.is_empty());
            list.items.len()
        })
    });
    g.finish();
}

criterion_group!(benches, snapshot, work_list);
criterion_main!(benches);
