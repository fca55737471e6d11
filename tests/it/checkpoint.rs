//! `Checkpoint`: the folded state saved without the log, read back exactly.

use famplan::{Checkpoint, Event, EventKind, Registry};

/// Two registries built from checkpoints have empty logs, so `==` compares everything they
/// know: areas, staff, households, persons with every fact, visits, verifications, surveys.
fn round_trip(reg: &Registry) -> (Registry, Registry) {
    let json = serde_json::to_vec(&reg.checkpoint()).unwrap();
    let back = Registry::from_checkpoint(serde_json::from_slice::<Checkpoint>(&json).unwrap());
    (back, Registry::from_checkpoint(reg.checkpoint()))
}

#[test]
fn a_checkpoint_keeps_every_fact_of_the_demo_community() {
    let cfg = famplan_synth::CommunityConfig { residents: 1_500, ..Default::default() };
    let events = famplan_synth::community_events(&cfg);
    // The demo has every kind of fact a checkpoint must carry.
    for kind in
        ["person_corrected", "supplies_dispensed", "pregnancy_ended", "verification_recorded", "survey_response"]
    {
        assert!(events.iter().any(|e| e.kind.code() == kind), "the demo has no {kind}");
    }
    let (reg, _) = Registry::from_events(events);
    let (back, direct) = round_trip(&reg);
    assert_eq!(back, direct);
    assert_eq!((back.len(), back.visit_count()), (reg.len(), reg.visit_count()));
    assert!(back.events().is_empty() && back.conflicts().is_empty());
    // The same answers on a date as the registry with its log.
    let on = "2026-06-30".parse().unwrap();
    for p in reg.persons() {
        let id = famplan::PersonId::new(p.id());
        assert_eq!(back.state(&id, on), reg.state(&id, on));
        assert_eq!(back.case_file(&id, on), reg.case_file(&id, on));
    }
}

#[test]
fn a_checkpoint_of_a_snapshot_keeps_names_ids_and_phones() {
    let reg = crate::snapshot::small_registry();
    let (back, direct) = round_trip(&reg);
    assert_eq!(back, direct);
    let p = reg.persons().find(|p| p.person().id_number.is_some()).expect("the small snapshot has an ID number");
    assert_eq!(back.get(&famplan::PersonId::new(p.id())).unwrap().person(), p.person());
}

#[test]
fn events_apply_on_a_checkpoint_as_on_the_registry_it_came_from() {
    let mut reg = Registry::example();
    let mut back = Registry::from_checkpoint(reg.checkpoint());
    // A late visit (dated before the last event) and a death, in that order, on both.
    let late = Event::new("late", "2026-02-01".parse().unwrap(), "k1", EventKind::Died { person: "p3".into() });
    let died = Event::new("d2", "2026-09-01".parse().unwrap(), "k1", EventKind::Died { person: "p2".into() });
    for e in [late, died] {
        assert_eq!(back.apply(e.clone()).is_ok(), reg.apply(e).is_ok());
    }
    assert_eq!(Registry::from_checkpoint(back.checkpoint()), Registry::from_checkpoint(reg.checkpoint()));
    // Refused alike, and refused for the same reason.
    let again = Event::new("m", "2026-10-01".parse().unwrap(), "k1", EventKind::Died { person: "p2".into() });
    assert_eq!(back.apply(again.clone()).unwrap_err().to_string(), reg.apply(again).unwrap_err().to_string());
}

#[test]
fn a_checkpoint_keeps_the_supplies_ledger() {
    use famplan::StockMovement;
    let d = |s: &str| s.parse().unwrap();
    let mut reg = Registry::example();
    let received = EventKind::StockMoved {
        point: "s1".into(),
        item: "condom".into(),
        lot: Some("L1".into()),
        movement: StockMovement::Received,
        quantity: 100,
        expires: Some(d("2027-01-31")),
    };
    reg.apply(Event::new("r1", d("2026-07-01"), "k1", received)).unwrap();
    let (back, direct) = round_trip(&reg);
    assert_eq!(back, direct);
    assert_eq!(back.supplies().on_hand("s1", "condom", d("2026-07-02")), 100);
    // Without the movement the two differ: the ledger is part of what `==` compares.
    assert_ne!(back, Registry::from_checkpoint(Registry::example().checkpoint()));
}
