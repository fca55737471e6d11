//! Every rejection: a refused event changes nothing, and its message says why.

use crate::util::{World, d};
use famplan::{
    AreaLevel, Child, ChildRelation, CloseReason, CorrectableField, Error, EventKind as K, MaritalStatus as M, Method,
    Place, PregnancyOutcome, Procedure, Rejection, Residency, Sex, StopReason,
};

/// A world with a married woman `a` (IUD since 2020-01-31), a man `b`, and `gone` who
/// left for good on 2022-01-01.
fn world() -> World {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", M::Married);
    w.person("b", Sex::Male, "1989-01-01", M::Single);
    w.person("gone", Sex::Female, "1992-01-01", M::Single);
    w.ok("2020-01-31", K::ProcedurePerformed { person: "a".into(), procedure: Procedure::IudInsertion });
    w.ok("2020-02-01", K::CaseFileOpened { person: "a".into() });
    w.ok("2022-01-01", K::PersonMovedOut { person: "gone".into(), to: None, permanent: true });
    w
}

fn person(id: &str, household: &str, birth: &str, residency: Residency) -> K {
    K::PersonRegistered {
        person: id.into(),
        household: household.into(),
        name: String::new(),
        sex: Sex::Female,
        birth_date: d(birth),
        id_number: None,
        phone: None,
        relation: None,
        marital: M::Single,
        marital_since: None,
        residency,
        tags: vec![],
    }
}

/// Each case: a date, an event, and the rejection it must get.
fn cases() -> Vec<(&'static str, K)> {
    let child = Child { sex: Sex::Male, birth_date: d("2023-01-02"), order: 1, relation: ChildRelation::Biological };
    vec![
        ("2023-01-01", K::Married { person: "nobody".into(), spouse: None }),
        ("2023-01-01", K::Married { person: "a".into(), spouse: None }),
        ("2023-01-01", K::Divorced { person: "b".into() }),
        ("2023-01-01", K::Widowed { person: "b".into() }),
        ("2023-01-01", K::Married { person: "b".into(), spouse: Some("ghost".into()) }),
        ("2023-01-01", K::Married { person: "gone".into(), spouse: None }),
        (
            "1985-01-01",
            K::MethodStarted { person: "a".into(), method: Method::Pill, source: None, informed_choice: true },
        ),
        ("2023-01-01", K::CaseFileOpened { person: "a".into() }),
        ("2023-01-01", K::CaseFileOpened { person: "b".into() }),
        ("2023-01-01", K::CaseFileClosed { person: "b".into(), reason: CloseReason::Other }),
        ("2023-01-01", K::PregnancyReported { person: "b".into() }),
        ("2023-01-01", K::ProcedurePerformed { person: "a".into(), procedure: Procedure::ImplantRemoval }),
        ("2023-01-01", K::ProcedurePerformed { person: "b".into(), procedure: Procedure::IudInsertion }),
        ("2019-01-01", K::MethodStopped { person: "a".into(), reason: StopReason::SideEffects }),
        (
            "2023-01-01",
            K::PregnancyEnded {
                person: "a".into(),
                outcome: PregnancyOutcome::Miscarriage,
                children: vec![child.clone()],
            },
        ),
        (
            "2023-01-01",
            K::PregnancyEnded { person: "a".into(), outcome: PregnancyOutcome::LiveBirth, children: vec![child] },
        ),
        ("2023-01-01", K::PersonReturned { person: "a".into() }),
        (
            "2023-01-01",
            K::PersonMovedIn { person: "a".into(), from: None, household: "h1".into(), residency: Residency::Floating },
        ),
        (
            "2023-01-01",
            K::PersonMovedIn {
                person: "gone".into(),
                from: None,
                household: "h1".into(),
                residency: Residency::MovedOut,
            },
        ),
        (
            "2023-01-01",
            K::PersonCorrected {
                person: "a".into(),
                field: CorrectableField::Name,
                old: "wrong".into(),
                new: "x".into(),
            },
        ),
        (
            "2023-01-01",
            K::PersonCorrected {
                person: "a".into(),
                field: CorrectableField::Phone,
                old: "".into(),
                new: "12345".into(),
            },
        ),
        (
            "2023-01-01",
            K::PersonCorrected {
                person: "a".into(),
                field: CorrectableField::BirthDate,
                old: "1990-01-01".into(),
                new: "2021-01-01".into(),
            },
        ),
        ("2023-01-01", person("a", "h1", "1990-01-01", Residency::Registered)),
        ("2023-01-01", person("new", "nowhere", "1990-01-01", Residency::Registered)),
        ("2023-01-01", person("new", "h1", "2024-01-01", Residency::Registered)),
        ("2023-01-01", person("new", "h1", "1990-01-01", Residency::Departed)),
        (
            "2023-01-01",
            K::HouseholdRegistered {
                household: "h1".into(),
                housing: famplan::HousingKind::Owner,
                place: Place::grid("g1"),
            },
        ),
        (
            "2023-01-01",
            K::HouseholdRegistered {
                household: "h9".into(),
                housing: famplan::HousingKind::Owner,
                place: Place::grid("g9"),
            },
        ),
        ("2023-01-01", K::HouseholdDissolved { household: "h1".into() }),
        (
            "2023-01-01",
            K::AreaDefined { level: AreaLevel::Grid, area: "g1".into(), parent: Some("c".into()), name: None },
        ),
        ("2023-01-01", K::AreaDefined { level: AreaLevel::Zone, area: "z9".into(), parent: None, name: None }),
        (
            "2023-01-01",
            K::SuppliesDispensed {
                person: "a".into(),
                item: "condom".into(),
                quantity: 0,
                cycles: None,
                channel: None,
                point: None,
                lot: None,
            },
        ),
        (
            "2023-01-01",
            K::VisitRecorded {
                person: "gone".into(),
                visit: "floating_monthly_check".into(),
                outcome: None,
                visitor: None,
            },
        ),
        ("2023-01-01", K::VisitRecorded { person: "a".into(), visit: "".into(), outcome: None, visitor: None }),
        // Valid on its own date, but a later event (the 2022 departure) would no longer fit.
        ("2021-06-01", K::Died { person: "gone".into() }),
    ]
}

#[test]
fn each_rejection_changes_nothing_and_says_why() {
    let mut messages = String::new();
    for (i, (on, kind)) in cases().into_iter().enumerate() {
        let mut w = world();
        let before = w.reg.clone();
        let events_before = w.reg.events().len();
        let err = w.send(on, kind.clone()).expect_err(&format!("case {i} ({kind:?}) should be refused"));
        assert!(matches!(err, Error::Rejected { .. }), "case {i}: {err}");
        assert!(err.is_invalid_input());
        assert_eq!(w.reg, before, "case {i} changed the registry");
        assert_eq!(w.reg.events().len(), events_before);
        messages.push_str(&format!("{:>2} {}\n", i, err));
    }
    insta::assert_snapshot!("rejections", messages);
}

#[test]
fn a_duplicate_id_is_refused() {
    let mut w = world();
    let e = w.reg.events()[0].clone();
    let err = w.reg.apply(e).unwrap_err();
    assert!(matches!(err, Error::Rejected { reason: Rejection::DuplicateEvent, .. }));
}
