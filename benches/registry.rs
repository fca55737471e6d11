//! The registry: loading a snapshot, and counting WRA and married WRA by grid on a date.

use criterion::{BatchSize, Criterion};
use famplan::Registry;
use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
use famplan_synth::{SnapshotConfig, write_areas, write_population};

/// The generated snapshot, held in memory so the benchmark measures parsing, not the disk.
pub struct Snapshot {
    pub areas: Vec<u8>,
    pub households: Vec<u8>,
    pub persons: Vec<u8>,
    pub visits: Vec<u8>,
    pub count: u64,
}

pub fn snapshot(persons: u64) -> Snapshot {
    let cfg = SnapshotConfig::new(persons, 1);
    let mut s =
        Snapshot { areas: Vec::new(), households: Vec::new(), persons: Vec::new(), visits: Vec::new(), count: persons };
    write_areas(&cfg, &mut s.areas).expect("in memory");
    let counts = write_population(&cfg, &mut s.households, &mut s.persons, &mut s.visits).expect("in memory");
    assert_eq!(counts.persons, persons);
    s
}

pub fn load(s: &Snapshot) -> Registry {
    let files = SnapshotFiles::new()
        .areas("areas.csv", &s.areas[..])
        .households("households.csv", &s.households[..])
        .persons("persons.csv", &s.persons[..])
        .visits("visits.csv", &s.visits[..]);
    let (reg, summary) = read_snapshot(files, ImportMode::AllOrNothing).expect("the generated snapshot is valid");
    assert_eq!(summary.persons, s.count);
    reg
}

pub fn define(c: &mut Criterion) {
    let n = crate::persons();
    let size = if n >= 1_000_000 { format!("{}m", n / 1_000_000) } else { format!("{}k", n / 1000) };
    let snap = snapshot(n);
    let on = "2026-06-30".parse().expect("a date");
    let reg = load(&snap);
    let expected = reg.population_by_grid(on).iter().map(|g| g.wra).sum::<u32>();
    assert!(expected > 0);

    let mut g = c.benchmark_group("registry");
    g.throughput(criterion::Throughput::Elements(n));
    g.bench_function(format!("load_snapshot/{size}"), |b| {
        b.iter_batched(|| (), |()| assert_eq!(load(&snap).len() as u64, n), BatchSize::PerIteration)
    });
    g.bench_function(format!("wra_by_grid/{size}"), |b| {
        b.iter(|| assert_eq!(reg.population_by_grid(on).iter().map(|g| g.wra).sum::<u32>(), expected))
    });
    g.finish();
}
