//! The demo community's event stream applies to a registry without conflict.

use famplan::{EventKind, Registry, Residency};
use famplan_synth::{CommunityConfig, community_events};
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// The default stream, generated once for all tests.
fn default_events() -> &'static [famplan::Event] {
    static EVENTS: OnceLock<Vec<famplan::Event>> = OnceLock::new();
    EVENTS.get_or_init(|| community_events(&CommunityConfig::default()))
}

#[test]
fn every_event_applies_and_counts_are_as_expected() {
    let cfg = CommunityConfig::default();
    let events = default_events();
    let (reg, report) = Registry::from_events(events.to_vec());
    let shown: Vec<String> =
        report.conflicts.iter().take(10).map(|c| format!("{} {:?}: {}", c.event.id, c.event.kind, c.reason)).collect();
    assert!(report.conflicts.is_empty(), "{} conflicts, first: {shown:#?}", report.conflicts.len());
    assert_eq!(report.applied, events.len());

    let on = cfg.end;
    let (mut resident, mut floating, mut wra, mut married_wra, mut filed, mut users) = (0u32, 0, 0, 0, 0, 0);
    for p in reg.persons() {
        let Some(s) = p.state_on(on) else { continue };
        if s.residency.is_resident() {
            resident += 1;
            floating += u32::from(s.residency == Residency::Floating);
            wra += u32::from(s.is_wra());
            filed += u32::from(s.is_wra() && s.case_file.is_open());
            married_wra += u32::from(s.is_married_wra());
            users += u32::from(s.is_married_wra() && s.method != famplan::Method::None);
        }
    }
    let case_file_rate = f64::from(filed) / f64::from(wra);
    let cpr = f64::from(users) / f64::from(married_wra);
    eprintln!("case file rate {case_file_rate:.3} cpr {cpr:.3}");
    assert!((0.9..1.0).contains(&case_file_rate), "case file rate {case_file_rate}");
    assert!((0.6..0.9).contains(&cpr), "cpr {cpr}");
    let share = f64::from(floating) / f64::from(resident);
    eprintln!("resident {resident} floating {floating} ({share:.3}) wra {wra} married wra {married_wra}");
    assert!((9_000..=11_000).contains(&resident), "resident {resident}");
    assert!((0.15..=0.25).contains(&share), "floating share {share}");
    assert!(f64::from(wra) > 0.2 * f64::from(resident), "wra {wra}");
    assert!(married_wra > wra / 2, "married wra {married_wra} of {wra}");
    assert_eq!(reg.areas().all(famplan::AreaLevel::Zone).len(), 9);
    assert_eq!(reg.areas().all(famplan::AreaLevel::Grid).len(), 18);
    for g in famplan_synth::community_grids() {
        assert!(
            reg.areas().keeper(&g.as_str().into()).is_some_and(|k| k.name.is_some()),
            "grid {g} has a named keeper"
        );
    }
}

#[test]
fn ids_dates_and_recorders_are_well_formed() {
    let cfg = CommunityConfig::default();
    let events = default_events();
    let ids: HashSet<&str> = events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    assert_eq!(events[0].id.as_str(), "demo-000001");
    let start = events[0].date;
    for e in events {
        assert!(e.recorded_at.date() >= e.date, "{} recorded before it happened", e.id);
        assert!(e.date <= cfg.end && e.date >= start, "{} dated {}", e.id, e.date);
        assert!(!e.recorded_by.is_empty());
        if e.person().is_some() {
            assert!(e.recorded_by.starts_with('k'), "{} recorded by a keeper, not {}", e.id, e.recorded_by);
        }
    }
    assert!((cfg.end - start).num_days() >= 2 * 365 - 3);
}

#[test]
fn the_stream_covers_every_kind_the_demo_needs() {
    let events = default_events();
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let mut visits: BTreeMap<String, usize> = BTreeMap::new();
    let mut procedures: BTreeMap<String, usize> = BTreeMap::new();
    for e in events {
        *kinds.entry(e.kind.code()).or_default() += 1;
        match &e.kind {
            EventKind::VisitRecorded { visit, .. } => *visits.entry(visit.clone()).or_default() += 1,
            EventKind::ProcedurePerformed { procedure, .. } => {
                *procedures.entry(procedure.to_string()).or_default() += 1
            }
            _ => {}
        }
    }
    eprintln!("{} events\n{kinds:#?}\n{visits:#?}\n{procedures:#?}", events.len());
    for k in [
        "area_defined",
        "staff_assigned",
        "household_registered",
        "person_registered",
        "case_file_opened",
        "case_file_closed",
        "married",
        "pregnancy_reported",
        "pregnancy_ended",
        "procedure_performed",
        "method_started",
        "method_stopped",
        "supplies_dispensed",
        "visit_recorded",
        "person_moved_in",
        "person_moved_out",
        "tag_added",
        "verification_recorded",
        "survey_response",
    ] {
        assert!(kinds.get(k).copied().unwrap_or(0) > 0, "no {k} event");
    }
    for v in [
        "marriage_home",
        "birth_home",
        "newborn_check",
        "postpartum_check",
        "post_surgery",
        "supply_followup",
        "pill_resupply",
        "floating_monthly_check",
        "reconciliation",
    ] {
        assert!(visits.get(v).copied().unwrap_or(0) > 0, "no {v} visit");
    }
    for p in ["iud_insertion", "iud_removal", "tubal_sterilization", "implant_insertion", "induced_abortion"] {
        assert!(procedures.get(p).copied().unwrap_or(0) > 0, "no {p} procedure");
    }
    // Live births register the newborn.
    let births = events
        .iter()
        .filter(|e| matches!(&e.kind, EventKind::PregnancyEnded { children, .. } if !children.is_empty()))
        .count();
    assert!(births > 50, "{births} births");
}

#[test]
fn same_seed_same_events_other_seed_other_events() {
    let cfg = CommunityConfig { residents: 800, ..CommunityConfig::default() };
    let a = community_events(&cfg);
    assert_eq!(a, community_events(&cfg));
    let b = community_events(&CommunityConfig { seed: 2, ..cfg.clone() });
    assert_ne!(a, b);
    let (_, report) = Registry::from_events(b);
    assert!(report.conflicts.is_empty());
}

#[test]
fn the_stream_survives_an_event_file_round_trip() {
    use famplan::io::{EventFormat, read_events, write_events};
    let events = default_events();
    for format in [EventFormat::JsonLines, EventFormat::Csv] {
        let mut buf = Vec::new();
        write_events(events, &mut buf, format).unwrap();
        let back = read_events("events", buf.as_slice(), format).unwrap();
        assert_eq!(back.len(), events.len());
        assert!(back == events, "{format:?} round trip changes the events");
    }
}

#[test]
fn small_and_odd_configurations_apply_too() {
    for (residents, floating_share, seed) in [(1, 0.2, 1), (60, 0.0, 2), (400, 0.6, 3), (300, 1.0, 4)] {
        let cfg = CommunityConfig { residents, floating_share, seed, ..CommunityConfig::default() };
        let events = community_events(&cfg);
        let (reg, report) = Registry::from_events(events);
        assert!(report.conflicts.is_empty(), "{cfg:?}: {:?}", report.conflicts.first());
        assert!(reg.len() >= residents as usize);
    }
    let short = CommunityConfig { residents: 200, years: 1, end: "2025-03-31".parse().unwrap(), ..Default::default() };
    let events = community_events(&short);
    assert!(events.iter().all(|e| e.date <= short.end && e.date >= "2024-03-28".parse().unwrap()));
    assert!(Registry::from_events(events).1.conflicts.is_empty());
}

#[test]
fn ids_follow_the_dates() {
    let events = default_events();
    assert!(events.windows(2).all(|w| w[0].date <= w[1].date && w[0].id.as_str() < w[1].id.as_str()));
}
