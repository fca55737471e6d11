use crate::ledger;
use crate::util::{Fixture, testdata};
use famplan::io::{EventFormat, ImportMode, SnapshotFiles, read_snapshot, write_events};
use famplan::{Event, Registry};
use famplan_store::{Store, Watermark};

fn jsonl(events: &[Event]) -> Vec<u8> {
    let mut out = Vec::new();
    write_events(events, &mut out, EventFormat::JsonLines).unwrap();
    out
}

#[test]
fn events_in_registry_out_and_byte_identical_export() {
    let mut f = Fixture::new();
    let events = Registry::example().events().to_vec();
    std::fs::write(f.path("in.jsonl"), jsonl(&events)).unwrap();
    let report = f.store.import_events(f.path("in.jsonl")).unwrap();
    assert_eq!((report.applied, report.conflicts.len()), (events.len(), 0));
    let db = f.db();
    drop(f.store);

    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.load().unwrap(), Registry::example());
    store.export_snapshot_dir(f.dir.path().join("out")).unwrap();
    assert_eq!(
        std::fs::read(f.dir.path().join("out/events.jsonl")).unwrap(),
        std::fs::read(f.dir.path().join("in.jsonl")).unwrap()
    );
}

#[test]
fn snapshot_reloads_to_the_registry_the_core_reads() {
    let mut f = Fixture::new();
    let s = ledger::snapshot(2_000);
    ledger::write_dir(&f.path("in"), &s);
    let summary = f.store.import_snapshot_dir(f.path("in"), ImportMode::AllOrNothing).unwrap();
    assert_eq!(summary.persons, 2_000);

    let files = SnapshotFiles::new()
        .areas("areas.csv", s.areas.as_bytes())
        .households("households.csv", s.households.as_bytes())
        .persons("persons.csv", s.persons.as_bytes())
        .visits("visits.csv", s.visits.as_bytes());
    let (expected, _) = read_snapshot(files, ImportMode::AllOrNothing).unwrap();
    let db = f.db();
    drop(f.store);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.load().unwrap(), expected);
}

#[test]
fn export_then_import_gives_the_same_registry_and_the_same_files() {
    let mut f = Fixture::new();
    crate::util::copy_dir(&testdata("good"), &f.path("in"));
    std::fs::write(f.path("in/events.jsonl"), jsonl(&marriage_and_visit())).unwrap();
    f.store.import_snapshot_dir(f.path("in"), ImportMode::AllOrNothing).unwrap();
    f.store.export_snapshot_dir(f.path("a")).unwrap();

    let mut copy = Store::open(f.path("copy.db")).unwrap();
    copy.import_snapshot_dir(f.path("a"), ImportMode::AllOrNothing).unwrap();
    assert_eq!(copy.load().unwrap(), f.store.load().unwrap());
    copy.export_snapshot_dir(f.path("b")).unwrap();
    for name in ["areas.csv", "households.csv", "persons.csv", "visits.csv", "events.jsonl"] {
        let (a, b) = (std::fs::read(f.path("a").join(name)).unwrap(), std::fs::read(f.path("b").join(name)).unwrap());
        assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap(), "{name}");
    }
    insta::assert_snapshot!(std::fs::read_to_string(f.path("a/persons.csv")).unwrap(), @r"
    person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date,name
    p1,h1,101,F,1990-05-01,married,registered,1,iud,2021-03-01,2020-06-15,李梅
    p2,h1,101,M,1988-02-10,married,registered,0,,,,王强
    p3,h2,102,F,1998-11-30,single,floating,1,,,,张丽
    ");
}

/// p3 marries, and a visit to her is recorded as an event.
pub fn marriage_and_visit() -> Vec<Event> {
    let line = |s: &str| serde_json::from_str::<Event>(s).unwrap();
    vec![
        line(
            r#"{"id":"e1","date":"2026-02-14","recorded_at":"2026-02-15T09:00:00","recorded_by":"k1","kind":"married","person":"p3"}"#,
        ),
        line(
            r#"{"id":"e2","date":"2026-03-10","recorded_at":"2026-03-10T16:30:00","recorded_by":"k1","kind":"visit_recorded","person":"p3","visit":"marriage_home"}"#,
        ),
    ]
}

#[test]
fn events_after_a_watermark_are_the_new_ones_in_arrival_order() {
    let mut f = Fixture::new();
    crate::util::import_good(&mut f.store);
    let (none, w0) = f.store.events_after(Watermark::default()).unwrap();
    assert!(none.is_empty());
    let events = marriage_and_visit();
    f.store.append(events.clone()).unwrap();
    let (got, w1) = f.store.events_after(w0).unwrap();
    assert_eq!(got, events);
    assert_eq!(w1, Watermark::new(2));
    let (tail, w2) = f.store.events_after(Watermark::new(1)).unwrap();
    assert_eq!((tail, w2), (vec![events[1].clone()], w1));
}
