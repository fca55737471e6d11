use crate::util::{Fixture, import_good, rows};
use famplan::{Event, EventKind, HousingKind, Place};
use famplan_store::{Store, StoreError};
use std::time::Duration;

fn household(id: String) -> Event {
    let kind = EventKind::HouseholdRegistered {
        household: id.as_str().into(),
        housing: HousingKind::Rental,
        place: Place::grid("101"),
    };
    Event::new(id, "2026-01-01".parse().unwrap(), "k1", kind)
}

#[test]
fn two_writers_at_once_lose_nothing() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let db = f.db();
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|who| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut store = Store::open(&db).unwrap();
                for batch in 0..20 {
                    let events: Vec<Event> = (0..5).map(|i| household(format!("{who}-{batch}-{i}"))).collect();
                    // A writer that times out is told so and tries again; nothing is half-written.
                    loop {
                        match store.append(events.clone()) {
                            Ok(report) => {
                                assert_eq!(report.applied, 5);
                                break;
                            }
                            Err(StoreError::Busy) => continue,
                            Err(e) => panic!("{e}"),
                        }
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    assert_eq!(rows(&db, "events"), 200);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(store.load().unwrap().household_count(), 2 + 200);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (min, max): (i64, i64) =
        conn.query_row("SELECT min(seq), max(seq) FROM events", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((min, max), (1, 200));
}

#[test]
fn a_writer_that_cannot_get_in_is_told_the_store_is_busy() {
    let mut f = Fixture::new();
    import_good(&mut f.store);
    let mut holder = rusqlite::Connection::open(f.db()).unwrap();
    let tx = holder.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap();
    let mut waiting = Store::open_with_timeout(f.db(), Duration::from_millis(100)).unwrap();
    let err = waiting.record(household("h-busy".into())).unwrap_err();
    assert!(matches!(err, StoreError::Busy), "{err}");
    insta::assert_snapshot!(err, @"store is busy: another process is writing to it (try again)");
    drop(tx);
    waiting.record(household("h-busy".into())).unwrap();
    assert_eq!(rows(&f.db(), "events"), 1);
}
