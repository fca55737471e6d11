//! Every event kind of DOMAIN §5 applied to a small world, and what it changes.

use crate::util::{World, d};
use famplan::{
    AreaLevel, CaseFileStatus, CertificateAction, CertificateKind, Child, ChildRelation, CloseReason,
    ConsultationTopic, CorrectableField, EventKind as K, HousingKind, MaritalStatus as M, Method, Observation, Place,
    PregnancyOutcome, Procedure, Residency, RespondentKind, ScreeningKind, Sex, StopReason, Tag,
};

#[test]
fn area_tree_and_keepers() {
    let mut w = World::new();
    w.ok(
        "2001-01-01",
        K::AreaDefined {
            level: AreaLevel::Group,
            area: "rg1".into(),
            parent: Some("g1".into()),
            name: Some("一组".into()),
        },
    );
    let areas = w.reg.areas();
    assert_eq!(areas.ancestor(AreaLevel::Group, "rg1", AreaLevel::Community), Some("c"));
    assert_eq!(areas.get(AreaLevel::Group, "rg1").unwrap().name.as_deref(), Some("一组"));
    assert_eq!(areas.keeper(&"g1".into()).unwrap().id.as_str(), "k1");
    assert!(areas.keeper(&"g2".into()).is_none());
}

#[test]
fn household_addresses_follow_its_moves_and_a_refused_move_keeps_nothing() {
    let mut w = World::new();
    let at = |grid: &str, address: &str| Place { address: Some(address.into()), ..Place::grid(grid) };
    w.ok(
        "2005-01-01",
        K::HouseholdRegistered {
            household: "h3".into(), housing: HousingKind::Owner, place: at("g1", "幸福路1号")
        },
    );
    // Sent out of date order: the later move first.
    w.ok("2022-03-01", K::HouseholdMoved { household: "h3".into(), place: at("g2", "幸福路9号") });
    w.ok("2021-03-01", K::HouseholdMoved { household: "h3".into(), place: Place::grid("g2") });
    let address = |w: &World| w.reg.household(&"h3".into()).unwrap().place.address.clone();
    assert_eq!(address(&w).as_deref(), Some("幸福路9号"));
    // A move to an unknown grid is refused and keeps neither the move nor its address.
    let before = w.reg.clone();
    let checkpoint = serde_json::to_string(&before.checkpoint()).unwrap();
    assert!(w.send("2023-01-01", K::HouseholdMoved { household: "h3".into(), place: at("g9", "别处") }).is_err());
    assert_eq!(w.reg, before);
    assert_eq!(serde_json::to_string(&w.reg.checkpoint()).unwrap(), checkpoint);
    // The checkpoint carries the addresses and moves: read back, the state is the same.
    let back = famplan::Registry::from_checkpoint(serde_json::from_str(&checkpoint).unwrap());
    assert_eq!(serde_json::to_string(&back.checkpoint()).unwrap(), checkpoint);
    assert_eq!(back.household(&"h3".into()).unwrap().place.address.as_deref(), Some("幸福路9号"));
}

#[test]
fn household_moves_are_dated_and_dissolution_needs_an_empty_household() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Single);
    w.ok("2020-06-01", K::HouseholdMoved { household: "h1".into(), place: Place::grid("g2") });
    assert_eq!(w.reg.state(&"a".into(), d("2020-05-31")).unwrap().grid, "g1");
    assert_eq!(w.reg.state(&"a".into(), d("2020-06-01")).unwrap().grid, "g2");
    assert_eq!(w.reg.household(&"h1".into()).unwrap().place.grid.as_str(), "g2");
    // `a` still lives in h1: it cannot be dissolved.
    assert!(w.send("2021-01-01", K::HouseholdDissolved { household: "h1".into() }).is_err());
    w.ok("2021-01-01", K::PersonRehoused { person: "a".into(), household: "h2".into(), relation: None });
    w.ok("2021-01-02", K::HouseholdDissolved { household: "h1".into() });
    assert_eq!(w.reg.household(&"h1".into()).unwrap().dissolved_on, Some(d("2021-01-02")));
    // Nobody joins a dissolved household.
    assert!(
        w.send("2021-02-01", K::PersonRehoused { person: "a".into(), household: "h1".into(), relation: None }).is_err()
    );
}

#[test]
fn registration_gives_the_state_from_its_date() {
    let mut w = World::new();
    w.person_in("f", "h2", Sex::Female, "2001-02-28", M::Single, Residency::Floating, "2024-03-01");
    assert!(w.reg.state(&"f".into(), d("2024-02-29")).is_none(), "not yet registered");
    let s = w.reg.state(&"f".into(), d("2024-03-01")).unwrap();
    assert_eq!((s.age, s.residency, s.household, s.grid), (23, Residency::Floating, "h2", "g2"));
    assert!(s.is_resident_wra() && !s.is_married_wra());
    assert_eq!(s.case_file, CaseFileStatus::Missing);
}

#[test]
fn corrections_fix_the_record_on_every_date() {
    let mut w = World::new();
    w.person("a", Sex::Male, "1990-01-01", M::Single);
    w.ok(
        "2020-01-01",
        K::PersonCorrected { person: "a".into(), field: CorrectableField::Sex, old: "M".into(), new: "F".into() },
    );
    w.ok(
        "2020-01-01",
        K::PersonCorrected {
            person: "a".into(),
            field: CorrectableField::BirthDate,
            old: "1990-01-01".into(),
            new: "1991-03-04".into(),
        },
    );
    w.ok(
        "2020-01-01",
        K::PersonCorrected {
            person: "a".into(),
            field: CorrectableField::IdNumber,
            old: "".into(),
            new: "11010519491231002X".into(),
        },
    );
    let p = w.reg.person(&"a".into()).unwrap();
    assert_eq!((p.sex, p.birth_date), (Sex::Female, d("1991-03-04")));
    // The ID says 1949-12-31: the record is flagged, not rejected.
    assert_eq!(p.flags, vec!["birth_date"]);
    // Sex is now F on dates before the correction too: it was an error, not a change in life.
    assert!(w.reg.state(&"a".into(), d("2015-01-01")).unwrap().is_wra());
}

#[test]
fn moving_out_returning_moving_in_and_dying() {
    let mut w = World::new();
    w.person("r", Sex::Female, "1990-01-01", M::Single);
    w.ok("2021-01-01", K::PersonMovedOut { person: "r".into(), to: Some("440300".into()), permanent: false });
    assert_eq!(w.reg.state(&"r".into(), d("2021-01-01")).unwrap().residency, Residency::MovedOut);
    w.ok("2022-01-01", K::PersonReturned { person: "r".into() });
    assert_eq!(w.reg.state(&"r".into(), d("2022-01-01")).unwrap().residency, Residency::Registered);
    w.ok("2023-01-01", K::PersonMovedOut { person: "r".into(), to: None, permanent: true });
    assert_eq!(w.reg.state(&"r".into(), d("2023-06-01")).unwrap().residency, Residency::Departed);
    w.ok(
        "2024-01-01",
        K::PersonMovedIn {
            person: "r".into(),
            from: Some("440300".into()),
            household: "h2".into(),
            residency: Residency::Floating,
        },
    );
    let s = w.reg.state(&"r".into(), d("2024-01-01")).unwrap();
    assert_eq!((s.residency, s.household), (Residency::Floating, "h2"));
    w.ok("2025-01-01", K::Died { person: "r".into() });
    assert_eq!(w.reg.state(&"r".into(), d("2025-01-01")).unwrap().residency, Residency::Departed);
    // A floating person who moves out leaves the registry.
    w.person_in("f", "h2", Sex::Male, "1980-01-01", M::Single, Residency::Floating, "2020-01-01");
    w.ok("2021-01-01", K::PersonMovedOut { person: "f".into(), to: None, permanent: false });
    assert_eq!(w.reg.state(&"f".into(), d("2021-01-01")).unwrap().residency, Residency::Departed);
}

#[test]
fn marriage_divorce_and_widowhood_are_dated() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Single);
    w.person("b", Sex::Male, "1989-01-01", M::Single);
    w.ok("2015-05-01", K::Married { person: "a".into(), spouse: Some("b".into()) });
    w.ok("2019-05-01", K::Divorced { person: "a".into() });
    w.ok("2021-05-01", K::Married { person: "a".into(), spouse: None });
    w.ok("2024-05-01", K::Widowed { person: "a".into() });
    let on = |s| w.reg.state(&"a".into(), d(s)).unwrap();
    assert_eq!(on("2015-04-30").marital, M::Single);
    assert_eq!((on("2015-05-01").marital, on("2015-05-01").marital_since), (M::Married, Some(d("2015-05-01"))));
    assert_eq!(on("2020-01-01").marital, M::Divorced);
    assert!(on("2022-01-01").is_married_wra());
    assert!(!on("2024-05-01").is_married_wra(), "widowed women are out of married WRA");
}

#[test]
fn case_files_tags_and_reproduction() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Married);
    w.ok("2020-01-01", K::CaseFileOpened { person: "a".into() });
    w.ok("2020-02-01", K::TagAdded { person: "a".into(), tag: Tag::key_population() });
    w.ok("2021-01-10", K::PregnancyReported { person: "a".into() });
    let child = Child { sex: Sex::Female, birth_date: d("2021-09-01"), order: 1, relation: ChildRelation::Biological };
    w.ok(
        "2021-09-01",
        K::PregnancyEnded { person: "a".into(), outcome: PregnancyOutcome::LiveBirth, children: vec![child.clone()] },
    );
    w.ok("2022-03-01", K::TagRemoved { person: "a".into(), tag: Tag::key_population() });
    w.ok("2039-12-31", K::CaseFileClosed { person: "a".into(), reason: CloseReason::AgedOut });
    let s = w.reg.state(&"a".into(), d("2021-06-01")).unwrap();
    assert!(s.pregnant && s.has_tag("key_population") && s.case_file.is_open());
    let s = w.reg.state(&"a".into(), d("2022-03-01")).unwrap();
    assert!(!s.pregnant && !s.has_tag("key_population"));
    assert_eq!(s.last_birth, Some(d("2021-09-01")));
    let cf = w.reg.case_file(&"a".into(), d("2030-01-01")).unwrap();
    assert_eq!((cf.opened, cf.children.clone(), cf.pregnancies.len()), (Some(d("2020-01-01")), vec![child], 1));
    assert_eq!(
        w.reg.case_file(&"a".into(), d("2040-01-01")).unwrap().status,
        CaseFileStatus::Closed(CloseReason::AgedOut)
    );
}

#[test]
fn methods_and_procedures() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Married);
    w.ok(
        "2018-01-01",
        K::MethodStarted { person: "a".into(), method: Method::Condom, source: None, informed_choice: true },
    );
    w.ok("2019-01-01", K::MethodStopped { person: "a".into(), reason: StopReason::WishChild });
    w.ok("2020-01-31", K::ProcedurePerformed { person: "a".into(), procedure: Procedure::IudInsertion });
    w.ok("2023-01-31", K::ProcedurePerformed { person: "a".into(), procedure: Procedure::IudRemoval });
    let m = |s| {
        let st = w.reg.state(&"a".into(), d(s)).unwrap();
        (st.method, st.method_since)
    };
    assert_eq!(m("2018-06-01"), (Method::Condom, Some(d("2018-01-01"))));
    assert_eq!(m("2019-06-01"), (Method::None, Some(d("2019-01-01"))));
    assert_eq!(m("2020-01-31"), (Method::Iud, Some(d("2020-01-31"))));
    assert_eq!(m("2023-01-31").0, Method::None);
    let cf = w.reg.case_file(&"a".into(), d("2024-01-01")).unwrap();
    assert_eq!(cf.methods.iter().map(|x| x.what).collect::<Vec<_>>(), [Method::Condom, Method::Iud]);
    assert_eq!(cf.procedures.len(), 2);
    assert_eq!(cf.stops[0].what, StopReason::WishChild);
    assert!(cf.procedures[0].event.is_some(), "each fact says which event recorded it");
}

#[test]
fn services_supplies_visits_verifications_certificates_screenings() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Married);
    w.ok(
        "2024-01-05",
        K::SuppliesDispensed {
            person: "a".into(),
            item: "pill".into(),
            quantity: 3,
            cycles: Some(3),
            channel: None,
            point: None,
            lot: None,
        },
    );
    w.ok(
        "2024-02-05",
        K::VisitRecorded {
            person: "a".into(),
            visit: "supply_followup".into(),
            outcome: Some("using_correctly".into()),
            visitor: Some("k1".into()),
        },
    );
    w.ok(
        "2024-03-01",
        K::VerificationRecorded {
            household: "h1".into(),
            observed: vec![Observation { person: Some("a".into()), ..Default::default() }],
        },
    );
    w.ok(
        "2024-03-25",
        K::Certificate {
            person: "a".into(),
            certificate: CertificateKind::ServiceBooklet,
            action: CertificateAction::Applied,
        },
    );
    w.ok(
        "2024-04-01",
        K::Certificate {
            person: "a".into(),
            certificate: CertificateKind::ServiceBooklet,
            action: CertificateAction::Issued,
        },
    );
    w.ok(
        "2024-05-01",
        K::ScreeningDone { person: "a".into(), screening: ScreeningKind::Gynaecological, referred: true },
    );
    let cf = w.reg.case_file(&"a".into(), d("2024-12-31")).unwrap();
    assert_eq!(cf.supplies[0].what.cycles, Some(3));
    assert_eq!(cf.last_verified, Some(d("2024-03-01")));
    assert_eq!(cf.certificates[1].what, (CertificateKind::ServiceBooklet, CertificateAction::Issued));
    assert_eq!(cf.screenings[0].what, (ScreeningKind::Gynaecological, true));
    let v: Vec<_> = w.reg.visits_of(&"a".into()).collect();
    assert_eq!((v[0].kind, v[0].outcome, v[0].visitor), ("supply_followup", Some("using_correctly"), Some("k1")));
    // Consultations and survey responses are kept (the registry changes).
    let before = w.reg.clone();
    w.ok(
        "2024-06-01",
        K::ConsultationGiven { person: Some("a".into()), grid: Some("g1".into()), topic: ConsultationTopic::Policy },
    );
    w.ok(
        "2024-06-01",
        K::SurveyResponse {
            respondent: RespondentKind::Floating,
            satisfied: true,
            knows_free_supply: false,
            grid: Some("g2".into()),
        },
    );
    assert_ne!(w.reg, before);
    assert_eq!(w.reg.household(&"h2".into()).unwrap().kind, HousingKind::Rental);
}

#[test]
fn a_late_visit_is_placed_at_its_own_date() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Single);
    w.ok("2024-06-01", K::PersonMovedOut { person: "a".into(), to: None, permanent: true });
    // Recorded after the departure, dated before it: accepted.
    w.ok(
        "2024-05-20",
        K::VisitRecorded { person: "a".into(), visit: "floating_monthly_check".into(), outcome: None, visitor: None },
    );
    // Dated after it: refused.
    assert!(
        w.send("2024-06-02", K::VisitRecorded { person: "a".into(), visit: "x".into(), outcome: None, visitor: None })
            .is_err()
    );
    assert_eq!(w.reg.visit_count(), 1);
}
