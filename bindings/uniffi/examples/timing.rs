//! Issue 7's performance figures, through the binding's own API (the code the app calls,
//! without the FFI's conversions):
//!
//! * cold: open a 10,000-resident store and return a keeper's work list;
//! * warm: record a visit and return the updated work list.
//!
//! ```sh
//! cargo run --profile mobile -p famplan-uniffi --example timing -- target/mobile-timing
//! ```
//!
//! Two stores of about 10,000 residents are generated once (famplan-synth, seed 1) into the
//! directory given and copied fresh for every run:
//!
//! * `events.db`: the demo community, built from two years of events to 2026-11-28 (the
//!   store reloads by replaying its event log);
//! * `snapshot.db`: a snapshot directory of spreadsheet ledgers (D = 2026-06-30) imported,
//!   plus one `staff_assigned` event per grid (the store reloads from its snapshot rows).
//!
//! The files stay in the OS page cache: "cold" means a new `FamplanStore` (nothing in
//! memory), not a cold disk.

use famplan::{AreaLevel, Event, EventKind, StaffRole};
use famplan_uniffi::{FamplanStore, NewVisit};
use std::path::Path;
use std::time::{Duration, Instant};

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn main() -> Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "target/mobile-timing".into());
    std::fs::create_dir_all(&dir)?;
    let dir = Path::new(&dir);

    let events_db = dir.join("events.db");
    let end: chrono::NaiveDate = "2026-11-28".parse()?;
    if !events_db.exists() {
        let cfg = famplan_synth::CommunityConfig { residents: 10_000, seed: 1, end, ..Default::default() };
        famplan_store::Store::open(&events_db)?.merge(famplan_synth::community_events(&cfg))?;
    }
    measure("events", &events_db, end)?;

    let snapshot_db = dir.join("snapshot.db");
    let cfg = famplan_synth::SnapshotConfig::new(10_000, 1);
    if !snapshot_db.exists() {
        let ledgers = dir.join("ledgers");
        famplan_synth::write_snapshot_dir(&cfg, &ledgers)?;
        let mut store = famplan_store::Store::open(&snapshot_db)?;
        store.import_snapshot_dir(&ledgers, Default::default())?;
        let grids: Vec<String> = store.registry()?.areas().all(AreaLevel::Grid).iter().map(|g| g.id.clone()).collect();
        let keepers = grids.iter().map(|g| {
            let kind = EventKind::StaffAssigned {
                staff: famplan::StaffId::new(format!("k{g}")),
                name: None,
                role: StaffRole::Keeper,
                level: AreaLevel::Grid,
                area: g.clone(),
            };
            Event::new(format!("setup:{g}"), cfg.reference_date, "setup", kind)
        });
        store.append(keepers.collect())?;
    }
    measure("snapshot", &snapshot_db, cfg.extraction_date)?;
    Ok(())
}

fn measure(name: &str, base: &Path, today: chrono::NaiveDate) -> Result<()> {
    // A fresh copy: the visits recorded below stay out of the generated store.
    let path = base.with_extension("run.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    std::fs::copy(base, &path)?;
    let path = path.display().to_string();
    let (keeper, persons, events) = {
        let mut store = famplan_store::Store::open(&path)?;
        let s = store.status_on(today)?;
        let reg = store.registry()?;
        let grid = reg.areas().all(AreaLevel::Grid).iter().map(|g| g.id.clone()).min().ok_or("no grid")?;
        (reg.areas().keeper(&grid.as_str().into()).ok_or("no keeper")?.id.to_string(), s.persons, s.events)
    };
    println!("\n{name}: {persons} persons, {events} events in the log; keeper {keeper}, work list of {today}");

    let mut load = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        std::hint::black_box(famplan_store::Store::open(&path)?.registry()?.len());
        load.push(t.elapsed());
    }

    let mut cold = Vec::new();
    let mut items = 0;
    for _ in 0..15 {
        let t = Instant::now();
        let app = FamplanStore::open(path.clone(), "timing".into(), keeper.clone())?;
        let list = app.work_list(keeper.clone(), today)?;
        cold.push(t.elapsed());
        items = list.items.len();
    }

    let app = FamplanStore::open(path.clone(), "timing".into(), keeper.clone())?;
    let list = app.work_list(keeper.clone(), today)?;
    let visits: Vec<NewVisit> = list
        .items
        .iter()
        .filter_map(|i| {
            let o = &i.obligation;
            Some(NewVisit { person: o.person.clone()?, date: today, kind: o.visit_kind.clone()?, outcome: None })
        })
        .take(40)
        .collect();
    let mut warm = Vec::new();
    let mut last = list.items.len();
    for v in visits {
        let t = Instant::now();
        app.record_visit(v)?;
        let after = app.work_list(keeper.clone(), today)?;
        warm.push(t.elapsed());
        assert!(after.items.len() < last, "the visit takes an item off the list");
        last = after.items.len();
    }
    println!("  store open + registry load:       {}", summary(load));
    println!("  cold open + work list ({items} items): {}", summary(cold));
    println!("  record visit + work list:         {}", summary(warm));
    Ok(())
}

fn summary(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!("median {:.2} ms (min {:.2}, max {:.2}, n={})", ms(v[v.len() / 2]), ms(v[0]), ms(v[v.len() - 1]), v.len())
}
