use crate::roundtrip::marriage_and_visit;
use crate::util::{Fixture, import_good, rows};
use famplan::io::ImportMode;
use famplan::{Event, EventKind};
use famplan_store::{Store, StoreError};

fn married(id: &str, person: &str, on: &str) -> Event {
    Event::new(id, on.parse().unwrap(), "k1", EventKind::Married { person: person.into(), spouse: None })
}

#[test]
fn a_refused_record_writes_nothing() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let err = f.store.record(married("e1", "p1", "2026-03-01")).unwrap_err();
    insta::assert_snapshot!(err, @"event e1: person `p1` is already married on 2026-03-01");
    assert_eq!(rows(&f.db(), "events"), 0);
    f.store.record(married("e2", "p3", "2026-03-01")).unwrap();
    let err = f.store.record(married("e2", "p3", "2026-03-01")).unwrap_err();
    insta::assert_snapshot!(err, @"event e2: duplicate event id");
    assert_eq!(rows(&f.db(), "events"), 1);
}

#[test]
fn an_append_lands_whole_or_not_at_all() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let mut batch = marriage_and_visit();
    batch.push(married("e3", "p1", "2026-04-01"));
    batch.push(married("e4", "nobody", "2026-04-01"));
    let err = f.store.append(batch.clone()).unwrap_err();
    insta::assert_snapshot!(err, @r"
    2 problem(s), nothing imported:
      event e3: person `p1` is already married on 2026-04-01
      event e4: unknown person `nobody`
    ");
    assert_eq!(rows(&f.db(), "events"), 0);
    assert!(f.store.registry().unwrap().events().is_empty());

    let report = f.store.append(batch[..2].to_vec()).unwrap();
    assert_eq!((report.applied, report.duplicates), (2, 0));
    let report = f.store.append(batch[..2].to_vec()).unwrap();
    assert_eq!((report.applied, report.duplicates), (0, 2));
    assert_eq!(rows(&f.db(), "events"), 2);
}

#[test]
fn a_merge_keeps_conflicts_in_the_log_and_reports_them() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let report = f.store.merge(vec![married("x1", "p1", "2026-03-01"), married("x2", "p3", "2026-03-01")]).unwrap();
    assert_eq!((report.applied, report.conflicts.len()), (1, 1));
    assert_eq!(rows(&f.db(), "events"), 2);
    assert_eq!(rows(&f.db(), "conflicts"), 1);
    let db = f.db();
    drop(f.store);
    let mut store = Store::open(&db).unwrap();
    let status = store.status_on("2026-06-30".parse().unwrap()).unwrap();
    assert_eq!((status.events, status.conflicts, status.persons), (2, 1, 3));
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (id, reason): (String, String) =
        conn.query_row("SELECT id, reason FROM conflict_events", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((id.as_str(), reason.as_str()), ("x1", "person `p1` is already married on 2026-03-01"));
    let err = conn.execute("DELETE FROM events", []).unwrap_err();
    assert!(err.to_string().contains("the event log is append-only"), "{err}");
}

#[test]
fn a_second_snapshot_is_refused() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let err = f.store.import_snapshot_dir(crate::util::testdata("good"), ImportMode::AllOrNothing).unwrap_err();
    assert!(matches!(err, StoreError::SnapshotExists { persons: 3 }), "{err}");
}

#[test]
fn events_recorded_before_the_snapshot_are_merged_over_it() {
    let mut f = Fixture::new();
    f.store.merge(marriage_and_visit()).unwrap();
    assert_eq!(f.store.status_on("2026-06-30".parse().unwrap()).unwrap().conflicts, 2);
    import_good(&mut f.store);
    let status = f.store.status_on("2026-06-30".parse().unwrap()).unwrap();
    assert_eq!((status.events, status.conflicts), (2, 0));
    assert_eq!(rows(&f.db(), "conflicts"), 0);
}

#[test]
fn another_handle_sees_what_one_wrote() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let mut other = Store::open(f.db()).unwrap();
    assert_eq!(other.registry().unwrap().events().len(), 0);
    f.store.append(marriage_and_visit()).unwrap();
    assert_eq!(other.registry().unwrap().events().len(), 2);
    // The other handle validates against what is on disk, not its stale copy.
    let err = other.record(married("e9", "p3", "2026-05-01")).unwrap_err();
    insta::assert_snapshot!(err, @"event e9: person `p3` is already married on 2026-05-01");
}
