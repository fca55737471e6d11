//! Visit schedule benchmarks: obligations for a year of a large community, one grid's work
//! list, and one incremental event. Every iteration asserts its result.
//!
//! `FAMPLAN_BENCH_PERSONS` sets the community size (default 1,000,000; 20,000 under `-- --test`).

use chrono::{Days, NaiveDate};
use criterion::Criterion;
use famplan::{
    AreaLevel, Event, EventKind, HousingKind, MaritalStatus, Period, Place, PregnancyOutcome, Procedure, Registry,
    Residency, RuleSet, Schedule, Sex, StaffRole,
};
use std::hint::black_box;

/// A deterministic community of `n` persons, ~600 per grid, 2.5 per household, 10 % floating,
/// 10 % rental households; women 20–45 with IUDs, marriages, births, supplies and visits.
pub fn community(n: u32) -> Registry {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut rnd = move |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    let mut events: Vec<Event> = Vec::with_capacity(n as usize * 3);
    let mut id = 0u64;
    let mut push = |events: &mut Vec<Event>, on: NaiveDate, kind: EventKind| {
        id += 1;
        events.push(Event::new(format!("e{id:09}"), on, "k", kind));
    };
    let t0 = d("2018-01-01");
    let area =
        |level, id: String, parent: Option<String>| EventKind::AreaDefined { level, area: id, parent, name: None };
    push(&mut events, t0, area(AreaLevel::Community, "c".into(), None));
    let grids = n.div_ceil(600).max(1);
    let zones = grids.div_ceil(2);
    for z in 0..zones {
        push(&mut events, t0, area(AreaLevel::Zone, format!("z{z}"), Some("c".into())));
    }
    for g in 0..grids {
        push(&mut events, t0, area(AreaLevel::Grid, format!("g{g}"), Some(format!("z{}", g / 2))));
        push(
            &mut events,
            t0,
            EventKind::StaffAssigned {
                staff: famplan::StaffId::new(format!("k{g}")),
                name: None,
                role: StaffRole::Keeper,
                level: AreaLevel::Grid,
                area: format!("g{g}"),
            },
        );
    }
    let households = (n * 2).div_ceil(5).max(1);
    for h in 0..households {
        let housing = if rnd(10) == 0 { HousingKind::Rental } else { HousingKind::Owner };
        let grid = (u64::from(h) * u64::from(grids) / u64::from(households)) as u32;
        push(
            &mut events,
            t0,
            EventKind::HouseholdRegistered {
                household: famplan::HouseholdId::new(format!("h{h}")),
                housing,
                place: Place::grid(famplan::GridId::new(format!("g{grid}"))),
            },
        );
    }
    let day0 = d("2019-01-01");
    for p in 0..n {
        let person = format!("p{p}");
        let h = (u64::from(p) * u64::from(households) / u64::from(n)) as u32;
        let sex = if rnd(2) == 0 { Sex::Female } else { Sex::Male };
        let birth = d("1945-01-01") + Days::new(rnd(365 * 78));
        let residency = if rnd(10) == 0 { Residency::Floating } else { Residency::Registered };
        let on = if birth > day0 { birth } else { day0 };
        push(
            &mut events,
            on,
            EventKind::PersonRegistered {
                person: person.as_str().into(),
                household: famplan::HouseholdId::new(format!("h{h}")),
                name: String::new(),
                sex,
                birth_date: birth,
                id_number: None,
                phone: None,
                relation: None,
                marital: MaritalStatus::Single,
                marital_since: None,
                residency,
                tags: vec![],
            },
        );
        let age_2026 = 2026 - chrono::Datelike::year(&birth);
        let when = |r: u64| d("2022-01-01") + Days::new(r);
        if sex == Sex::Female && (20..=45).contains(&age_2026) {
            let m = when(rnd(365 * 4));
            if rnd(3) == 0 {
                push(&mut events, m, EventKind::Married { person: person.as_str().into(), spouse: None });
                if rnd(4) == 0 {
                    push(
                        &mut events,
                        m + Days::new(300),
                        EventKind::PregnancyEnded {
                            person: person.as_str().into(),
                            outcome: PregnancyOutcome::LiveBirth,
                            children: vec![],
                        },
                    );
                }
            }
            match rnd(6) {
                0 | 1 => {
                    let ins = when(rnd(365 * 4));
                    push(
                        &mut events,
                        ins,
                        EventKind::ProcedurePerformed {
                            person: person.as_str().into(),
                            procedure: Procedure::IudInsertion,
                        },
                    );
                    push(
                        &mut events,
                        ins + Days::new(30 + rnd(10)),
                        EventKind::VisitRecorded {
                            person: person.as_str().into(),
                            visit: "post_surgery".into(),
                            outcome: None,
                            visitor: None,
                        },
                    );
                }
                2 => push(
                    &mut events,
                    when(rnd(365 * 4)),
                    EventKind::SuppliesDispensed {
                        person: person.as_str().into(),
                        item: "pill".into(),
                        quantity: 3,
                        cycles: Some(3),
                        channel: None,
                        point: None,
                        lot: None,
                    },
                ),
                _ => {}
            }
        }
        if residency == Residency::Floating {
            let v = d("2026-01-01") + Days::new(rnd(180));
            push(
                &mut events,
                v,
                EventKind::VisitRecorded {
                    person: person.as_str().into(),
                    visit: "floating_monthly_check".into(),
                    outcome: None,
                    visitor: None,
                },
            );
        }
    }
    let (reg, report) = Registry::from_events(events);
    assert!(report.conflicts.is_empty(), "{:?}", &report.conflicts[..report.conflicts.len().min(3)]);
    reg
}

/// Registers the visit benchmarks.
pub fn define(c: &mut Criterion) {
    // `cargo bench -- --test` (CI) runs each benchmark once: a small community is enough there.
    let n = crate::persons() as u32;
    let label = if n % 1_000_000 == 0 { format!("{}m_persons", n / 1_000_000) } else { format!("{n}_persons") };
    let mut reg = community(n);
    let rules = RuleSet::default_rules();
    let year = Period::year(2026).unwrap();
    let as_of: NaiveDate = "2026-06-30".parse().unwrap();
    let expected = rules.obligations(&reg, year, as_of).len();
    assert!(expected > n as usize / 10, "a realistic load: {expected} obligations for {n} persons");
    c.bench_function(&format!("visit/obligations_year/{label}"), |b| {
        b.iter(|| {
            let obs = rules.obligations(black_box(&reg), year, as_of);
            assert_eq!(obs.len(), expected);
        })
    });

    let mut schedule = Schedule::new(&reg, rules.clone(), year);
    let grid: famplan::GridId = "g1".into();
    let on: NaiveDate = "2026-06-15".parse().unwrap();
    let items = schedule.work_list(&reg, &grid, on).items.len();
    assert!(items > 0);
    c.bench_function("visit/work_list/grid_600", |b| {
        b.iter(|| {
            let list = schedule.work_list(black_box(&reg), &grid, on);
            assert_eq!(list.items.len(), items);
        })
    });

    // One incremental event: a monthly check recorded for a floating person (each one in
    // turn, so nobody piles up hundreds of visits), dated after every other event so the log
    // only grows at its end.
    let floating: Vec<String> = reg
        .persons()
        .filter(|p| p.state_on(on).is_some_and(|s| s.residency == Residency::Floating))
        .take(200_000)
        .map(|p| p.id().to_string())
        .collect();
    let visit_day: NaiveDate = "2026-12-01".parse().unwrap();
    let mut k = 0usize;
    c.bench_function(&format!("visit/apply_event/{label}"), |b| {
        b.iter(|| {
            k += 1;
            let person = &floating[k % floating.len()];
            let e = Event::new(
                format!("bench{k:012}"),
                visit_day,
                "k",
                EventKind::VisitRecorded {
                    person: person.as_str().into(),
                    visit: "floating_monthly_check".into(),
                    outcome: None,
                    visitor: None,
                },
            );
            schedule.apply(&mut reg, e).unwrap();
        })
    });
    // When a filter skipped this benchmark, no visit was recorded and there is nothing to check.
    if k > 0 {
        let dec = schedule.person(&reg, &floating[1 % floating.len()].as_str().into(), visit_day);
        assert!(dec.iter().any(|o| o.due.to_string() == "2026-12-31" && o.state == famplan::ObligationState::Done));
    }
}
