use crate::util::{Fixture, import_good};
use famplan_store::{Store, StoreError};

fn message(err: StoreError, dir: &std::path::Path) -> String {
    err.to_string().replace(&dir.display().to_string(), "DIR")
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.xlsx");
    std::fs::write(&path, b"PK\x03\x04 a spreadsheet, not a store").unwrap();
    let err = Store::open(&path).unwrap_err();
    insta::assert_snapshot!(message(err, dir.path()), @"DIR/ledger.xlsx: not a famplan store: not an SQLite database");
    assert_eq!(std::fs::read(&path).unwrap(), b"PK\x03\x04 a spreadsheet, not a store");
}

#[test]
fn another_applications_sqlite_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("other.db");
    rusqlite::Connection::open(&plain).unwrap().execute_batch("CREATE TABLE notes (body TEXT);").unwrap();
    let err = Store::open(&plain).unwrap_err();
    insta::assert_snapshot!(message(err, dir.path()), @"DIR/other.db: not a famplan store: an SQLite database of another application (it has no famplan application_id)");

    let tagged = dir.path().join("tagged.db");
    rusqlite::Connection::open(&tagged).unwrap().execute_batch("PRAGMA application_id = 1234;").unwrap();
    let err = Store::open(&tagged).unwrap_err();
    insta::assert_snapshot!(message(err, dir.path()), @"DIR/tagged.db: not a famplan store: an SQLite database of another application (application_id 0x000004d2)");
}

#[test]
fn a_store_from_a_newer_famplan_is_refused_untouched() {
    let f = Fixture::new();
    let db = f.db();
    drop(f.store);
    rusqlite::Connection::open(&db).unwrap().execute_batch("PRAGMA user_version = 7;").unwrap();
    let err = Store::open(&db).unwrap_err();
    assert!(matches!(err, StoreError::NewerSchema { found: 7, supported: 4, .. }));
    insta::assert_snapshot!(message(err, f.dir.path()), @"DIR/famplan.db: store schema version 7 is newer than this famplan supports (4): upgrade famplan");
}

#[test]
fn an_empty_file_becomes_a_store_and_a_store_reopens_without_migrating() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    std::fs::write(&path, b"").unwrap();
    let mut store = Store::open(&path).unwrap();
    import_good(&mut store);
    drop(store);
    let mut store = Store::open(&path).unwrap();
    let status = store.status_on("2026-01-01".parse().unwrap()).unwrap();
    assert_eq!((status.schema_version, status.persons), (4, 3));
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let app: i64 = conn.query_row("PRAGMA application_id", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), app), ("wal", 0x466D_506C));
}

#[test]
fn a_damaged_store_is_reported_as_damaged() {
    let mut f = Fixture::new();
    f.store
        .import_snapshot_dir(
            {
                let s = crate::ledger::snapshot(3_000);
                crate::ledger::write_dir(&f.path("in"), &s);
                f.path("in")
            },
            Default::default(),
        )
        .unwrap();
    let db = f.db();
    drop(f.store);
    // Scribble over every page but the first (the header stays valid).
    let mut bytes = std::fs::read(&db).unwrap();
    assert!(bytes.len() > 8192);
    for b in &mut bytes[4096..] {
        *b = 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    let err = Store::open(&db).and_then(|mut s| s.load().map(drop)).unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. } | StoreError::NotAStore { .. }), "{err}");
    insta::assert_snapshot!(message(err, f.dir.path()), @"store is damaged: database disk image is malformed");
}

#[test]
fn a_store_at_an_older_version_is_migrated_forward() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // A famplan store stamped before any schema step ran: version 0.
    rusqlite::Connection::open(&path).unwrap().execute_batch("PRAGMA application_id = 1181569132;").unwrap();
    let mut store = Store::open(&path).unwrap();
    import_good(&mut store);
    assert_eq!(store.status_on("2026-01-01".parse().unwrap()).unwrap().schema_version, 4);
}

/// `testdata/v1/famplan.db`: a version 1 store (snapshot rows in row tables), written by the
/// famplan of that version: `famplan import testdata/good`, then an events file with two
/// events that apply and one that conflicts (`x1`).
fn v1_store(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("v1.db");
    std::fs::copy(crate::util::testdata("v1/famplan.db"), &path).unwrap();
    path
}

#[test]
fn a_version_1_store_with_rows_and_events_is_migrated_to_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let path = v1_store(dir.path());
    let mut expected = Fixture::new();
    import_good(&mut expected.store);
    let mut events = crate::roundtrip::marriage_and_visit();
    events.push(
        serde_json::from_str(
            r#"{"id":"x1","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"married","person":"p1"}"#,
        )
        .unwrap(),
    );
    expected.store.merge(events).unwrap();

    let mut store = Store::open(&path).unwrap();
    let status = store.status_on("2026-06-30".parse().unwrap()).unwrap();
    assert_eq!((status.schema_version, status.persons, status.events, status.conflicts), (4, 3, 3, 1));
    assert_eq!(store.load().unwrap(), expected.store.load().unwrap());
    store.check_integrity().unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('areas', 'households', 'persons', 'visits')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the version 1 row tables are dropped");
    // Exports the same files as a store that was never at version 1.
    store.export_snapshot_dir(dir.path().join("a")).unwrap();
    expected.store.export_snapshot_dir(dir.path().join("b")).unwrap();
    for name in ["areas.csv", "households.csv", "persons.csv", "visits.csv"] {
        let read = |d: &str| std::fs::read_to_string(dir.path().join(d).join(name)).unwrap();
        assert_eq!(read("a"), read("b"), "{name}");
    }
}

#[test]
fn a_row_edited_by_hand_is_reported_at_its_table_and_rowid() {
    // Rows can be edited by hand in a version 1 store (one SQL row per snapshot row); the
    // edit survives the move into chunks and is reported on load.
    let dir = tempfile::tempdir().unwrap();
    let db = v1_store(dir.path());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE persons SET sex = 'X' WHERE person_id = 'p2';")
        .unwrap();
    let err = Store::open(&db).unwrap().load().unwrap_err();
    insta::assert_snapshot!(err, @"store table persons:2: sex: `X` is not one of F, M");
}

#[test]
fn a_damaged_chunk_is_reported_at_its_table_and_first_row() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let db = f.db();
    drop(f.store);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE snapshot_chunks SET data = substr(data, 1, 40) WHERE tbl = 'persons';")
        .unwrap();
    let err = Store::open(&db).unwrap().load().unwrap_err();
    insta::assert_snapshot!(err, @"store table persons:1: row: the stored chunk is damaged");
}

#[test]
fn the_store_keeps_the_community_policy_and_refuses_a_bad_one_unchanged() {
    use famplan::{CertificateAction, CertificateKind, Event, EventKind, TimeLimits};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.db");
    let mut store = Store::open(&path).unwrap();
    store.merge(famplan::Registry::example().events().to_vec()).unwrap();
    // A province whose three-child rule (from 2021-08-20) kept an approval for a fourth child.
    let good = "province = \"44\"\n[[birth]]\njurisdiction = \"44\"\nname = \"three, a fourth on approval\"\nfrom = \"2021-08-20\"\ncompliant_up_to = 3\napproval_up_to = 4\n";
    let apply = Event::new(
        "x1",
        "2026-07-01".parse().unwrap(),
        "k1",
        EventKind::Certificate {
            person: "p1".into(),
            certificate: CertificateKind::ExtraChildApproval,
            action: CertificateAction::Applied,
        },
    );
    // The built-in three-child rule has no approval: refused.
    assert!(store.record(apply.clone()).is_err());
    store.set_policy(good, "mine.toml").unwrap();
    let generation = store.generation().unwrap();
    // Line 2 holds the bad date.
    let err = store.set_policy("province = \"44\"\n[[birth]]\nfrom = 2021\n", "bad.toml").unwrap_err();
    assert!(err.to_string().starts_with("bad.toml:2: birth[0]"), "{err}");
    assert_eq!((store.policy_text().unwrap().as_deref(), store.generation().unwrap()), (Some(good), generation));
    // Kept: a reopened store judges by it, the view and the full registry alike.
    drop(store);
    let mut store = Store::open(&path).unwrap();
    assert_eq!(store.view().unwrap().policy().province(), Some("44"));
    store.record(apply).unwrap();
    assert_eq!(store.registry().unwrap().policy().province(), Some("44"));
    let on = "2026-07-02".parse().unwrap();
    assert!(store.view().unwrap().eligibility_flags(on, &TimeLimits::default()).is_empty());
    // Forgotten: the built-in rules again; the application stays, listed for review.
    store.clear_policy().unwrap();
    let flags = store.registry().unwrap().eligibility_flags(on, &TimeLimits::default());
    assert_eq!(flags.len(), 1);
    assert!(store.registry().unwrap().conflicts().is_empty());
}
