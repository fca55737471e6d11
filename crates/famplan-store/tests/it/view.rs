//! `Store::view`: the state from the checkpoint and the events after it, the same as the
//! full load whatever happened to the store since the checkpoint was saved.

use crate::util::{Fixture, import_good};
use famplan::{Event, Registry, RuleSet, Schedule};
use famplan_store::Store;

/// Equal state, logs aside: registries built from checkpoints have empty logs, so `==`
/// compares every area, household, person, fact and visit.
fn same_state(a: &Registry, b: &Registry) -> bool {
    Registry::from_checkpoint(a.checkpoint()) == Registry::from_checkpoint(b.checkpoint())
}

fn checkpoint_seq(db: &std::path::Path) -> Option<i64> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("SELECT seq FROM checkpoint", [], |r| r.get(0)).ok()
}

/// The full registry, read by a fresh handle.
fn full(db: &std::path::Path) -> Registry {
    Store::open(db).unwrap().load().unwrap()
}

fn demo(f: &mut Fixture) -> Vec<Event> {
    let cfg = famplan_synth::CommunityConfig { residents: 800, ..Default::default() };
    let events = famplan_synth::community_events(&cfg);
    f.store.merge(events.clone()).unwrap();
    events
}

#[test]
fn a_cold_view_reads_the_checkpoint_and_answers_as_the_full_load() {
    let mut f = Fixture::new();
    let events = demo(&mut f);
    // The merge saved a checkpoint of everything.
    assert_eq!(checkpoint_seq(&f.db()), Some(events.len() as i64));
    let want = full(&f.db());
    let mut store = Store::open(f.db()).unwrap();
    let view = store.view().unwrap();
    // No event was replayed: the view's log is empty.
    assert!(view.events().is_empty());
    assert!(same_state(view, &want));
    // A keeper's work list and the grid rates come out the same.
    let on = "2026-11-28".parse().unwrap();
    let horizon = famplan::Period::year(2026).unwrap();
    let keeper = want.areas().staff().iter().find(|s| s.role == famplan::StaffRole::Keeper).unwrap().id.clone();
    let list = |reg: &Registry| {
        let s = Schedule::new(reg, RuleSet::default_rules(), horizon);
        format!("{:?}", s.keeper_work_list(reg, &keeper, on).items)
    };
    assert_eq!(list(view), list(&want));
    // Status counts the log from its table, not from the view.
    let status = store.status_on(on).unwrap();
    assert_eq!((status.events, status.persons), (events.len(), want.len()));
    assert_eq!(status.last_event_date, want.events().last().map(|e| e.date));
}

#[test]
fn events_recorded_after_the_checkpoint_are_applied_on_top() {
    let mut f = Fixture::new();
    let demo_events = demo(&mut f);
    let saved = checkpoint_seq(&f.db());
    let want = full(&f.db());
    // Two residents of the demo, alive on its last day.
    let end: chrono::NaiveDate = "2026-11-28".parse().unwrap();
    let alive: Vec<String> = want
        .persons()
        .filter(|p| p.state_on(end).is_some_and(|s| s.residency.is_resident()))
        .map(|p| p.id().to_string())
        .take(2)
        .collect();
    let event = |json: String| serde_json::from_str::<Event>(&json).unwrap();
    let death = event(format!(
        r#"{{"id":"x-death","date":"2026-11-28","recorded_at":"2026-11-28T09:00:00","recorded_by":"k1","kind":"died","person":"{}"}}"#,
        alive[0]
    ));
    // A visit recorded after the death but dated a month before it (a late record).
    let visit = event(format!(
        r#"{{"id":"x-visit","date":"2026-10-28","recorded_at":"2026-11-28T10:00:00","recorded_by":"k1","kind":"visit_recorded","person":"{}","visit":"marriage_home"}}"#,
        alive[1]
    ));
    // Recorded through a fresh handle: it writes over the view, not the full load.
    let mut store = Store::open(f.db()).unwrap();
    store.record(death.clone()).unwrap();
    store.record(visit.clone()).unwrap();
    // The same id again is a duplicate, found in the table.
    assert!(store.record(death.clone()).unwrap_err().to_string().contains("x-death"));
    assert_eq!(checkpoint_seq(&f.db()), saved, "two events do not make a new checkpoint");
    let mut cold = Store::open(f.db()).unwrap();
    let view = cold.view().unwrap();
    assert_eq!(view.events(), &[visit, death][..], "the events after the checkpoint, applied on top");
    let after = full(&f.db());
    assert_eq!(after.events().len(), demo_events.len() + 2);
    assert!(same_state(view, &after));
}

#[test]
fn a_conflict_after_the_checkpoint_is_decided_by_the_full_load() {
    let mut f = Fixture::new();
    let events = demo(&mut f);
    // Another device married one of the demo's brides a day earlier: in canonical order that
    // one applies and the demo's marriage becomes the conflict — which applying the new event
    // on top of the checkpoint cannot see.
    let married = events.iter().find(|e| e.kind.code() == "married").unwrap();
    let mut other = married.clone();
    other.id = "other-device".into();
    other.date = married.date.pred_opt().unwrap();
    let mut store = Store::open(f.db()).unwrap();
    let report = store.merge(vec![other]).unwrap();
    assert_eq!(report.conflicts.len(), 1);
    let mut cold = Store::open(f.db()).unwrap();
    let want = full(&f.db());
    assert_eq!(want.conflicts()[0].event.id, married.id);
    assert!(same_state(cold.view().unwrap(), &want));
    assert_eq!(cold.status_on("2026-11-28".parse().unwrap()).unwrap().conflicts, 1);
}

#[test]
fn a_damaged_or_foreign_checkpoint_is_rebuilt_from_the_log() {
    let mut f = Fixture::new();
    demo(&mut f);
    let want = full(&f.db());
    rusqlite::Connection::open(f.db()).unwrap().execute("UPDATE checkpoint SET state = x'07', seq = 0", []).unwrap();
    let mut store = Store::open(f.db()).unwrap();
    assert!(same_state(store.view().unwrap(), &want));
    // The view saved a good one again: a second cold open reads it.
    assert_eq!(checkpoint_seq(&f.db()), Some(want.events().len() as i64));
    let mut cold = Store::open(f.db()).unwrap();
    assert!(cold.view().unwrap().events().is_empty());
    assert!(same_state(cold.view().unwrap(), &want));
}

#[test]
fn a_snapshot_import_drops_the_checkpoint_and_a_short_log_keeps_none() {
    let mut f = Fixture::new();
    // Events first (they need the snapshot's people: refused now, merged as conflicts).
    f.store.merge(crate::roundtrip::marriage_and_visit()).unwrap();
    assert_eq!(checkpoint_seq(&f.db()), None, "two events are not worth a checkpoint");
    import_good(&mut f.store);
    let want = full(&f.db());
    assert!(want.conflicts().is_empty(), "the snapshot brought p3: both events apply now");
    let mut cold = Store::open(f.db()).unwrap();
    // No checkpoint: the view is the full load (rows, then the short log).
    assert!(same_state(cold.view().unwrap(), &want));
    assert_eq!(checkpoint_seq(&f.db()), None);
}
