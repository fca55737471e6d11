//! Rate benchmarks: SIX_RATES.md's six rates on a synthetic registry.
//!
//! The size is `FAMPLAN_BENCH_PERSONS` (default 1 000 000). Every iteration asserts its
//! counts against a plain reference computation made once with the public per-person API.

use criterion::{BenchmarkId, Criterion};
use famplan::{
    CustomRate, Event, EventKind, GroupBy, HousingKind, MaritalStatus, Measure, Method, Params, Period, Place,
    Procedure, RateCode, Registry, Residency, Sex,
};
use std::hint::black_box;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().expect("a date")
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A city of `n` persons in 180 grids (10 communities × 9 zones × 2 grids), ~3 per household.
pub fn registry(n: usize) -> Registry {
    let mut reg = Registry::new();
    let mut events = Vec::with_capacity(n * 3);
    let mut id = 0u64;
    let mut push = |events: &mut Vec<Event>, on: chrono::NaiveDate, kind: EventKind| {
        id += 1;
        events.push(Event::new(format!("e{id}"), on, "bench", kind));
    };
    let start = d("2000-01-01");
    for c in 0..10 {
        let cid = format!("{c}");
        push(
            &mut events,
            start,
            EventKind::AreaDefined {
                level: famplan::AreaLevel::Community,
                area: cid.clone(),
                parent: None,
                name: None,
            },
        );
        for z in 0..9 {
            let zid = format!("{}", c * 100 + z);
            push(
                &mut events,
                start,
                EventKind::AreaDefined {
                    level: famplan::AreaLevel::Zone,
                    area: zid.clone(),
                    parent: Some(cid.clone()),
                    name: None,
                },
            );
            for g in 0..2 {
                let gid = format!("{}", (c * 100 + z) * 10 + g);
                push(
                    &mut events,
                    start,
                    EventKind::AreaDefined {
                        level: famplan::AreaLevel::Grid,
                        area: gid,
                        parent: Some(zid.clone()),
                        name: None,
                    },
                );
            }
        }
    }
    let grids: Vec<String> = (0..10)
        .flat_map(|c| (0..9).flat_map(move |z| (0..2).map(move |g| format!("{}", (c * 100 + z) * 10 + g))))
        .collect();
    let households = n.div_ceil(3);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for h in 0..households {
        let housing = if rng.below(10) == 0 { HousingKind::Rental } else { HousingKind::Owner };
        let place = Place::grid(grids[h * grids.len() / households].as_str());
        push(
            &mut events,
            start,
            EventKind::HouseholdRegistered { household: famplan::HouseholdId::new(format!("h{h}")), housing, place },
        );
    }
    let reg_day = d("2020-01-01");
    let epoch = d("1950-01-01");
    for i in 0..n {
        let sex = if rng.below(2) == 0 { Sex::Female } else { Sex::Male };
        let birth = epoch + chrono::Days::new(rng.below(25_000));
        let marital = match rng.below(10) {
            0..=3 => MaritalStatus::Single,
            4..=8 => MaritalStatus::Married,
            _ => MaritalStatus::Divorced,
        };
        let residency = if rng.below(5) == 0 { Residency::Floating } else { Residency::Registered };
        let person = famplan::PersonId::new(format!("p{i}"));
        push(
            &mut events,
            reg_day,
            EventKind::PersonRegistered {
                person: person.clone(),
                household: famplan::HouseholdId::new(format!("h{}", i / 3)),
                name: String::new(),
                sex,
                birth_date: birth,
                id_number: None,
                phone: None,
                relation: None,
                marital,
                marital_since: None,
                residency,
                tags: Vec::new(),
            },
        );
        if sex == Sex::Female && rng.below(10) < 7 {
            push(&mut events, d("2021-01-01"), EventKind::CaseFileOpened { person: person.clone() });
        }
        if sex == Sex::Female && rng.below(10) < 6 {
            let since = d("2025-01-01") + chrono::Days::new(rng.below(540));
            let method = [Method::Iud, Method::Pill, Method::Condom, Method::None][rng.below(4) as usize];
            let kind = if method == Method::Iud {
                EventKind::ProcedurePerformed { person: person.clone(), procedure: Procedure::IudInsertion }
            } else {
                EventKind::MethodStarted { person: person.clone(), method, source: None, informed_choice: true }
            };
            push(&mut events, since, kind);
            if method == Method::Iud {
                for _ in 0..rng.below(4) {
                    let on = d("2025-02-01") + chrono::Days::new(rng.below(530));
                    let visit = EventKind::VisitRecorded {
                        person: person.clone(),
                        visit: "post_surgery".into(),
                        outcome: None,
                        visitor: None,
                    };
                    push(&mut events, on, visit);
                }
            }
        }
        if residency == Residency::Floating && rng.below(10) < 7 {
            let on = d("2026-05-20") + chrono::Days::new(rng.below(45));
            let visit = EventKind::VisitRecorded {
                person,
                visit: "floating_monthly_check".into(),
                outcome: None,
                visitor: None,
            };
            push(&mut events, on, visit);
        }
    }
    let report = reg.merge(events);
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts.first());
    reg
}

/// The six rates' jobs: case file rate, CPR (married WRA) and floating check on D /
/// June, the IUD follow-up (SIX_RATES, user-defined) over Q2; visits seen to 2026-07-15.
pub fn six_jobs() -> (Vec<Measure>, Vec<Params>) {
    let iud = CustomRate::from_toml(include_str!("../testdata/rates/iud_followup.toml")).expect("the IUD rule");
    let on = d("2026-06-30");
    let base = Params::new(on).as_of(d("2026-07-15"));
    let june = base.period(Period::month(2026, 6).expect("June"));
    let q2 = base.period(Period::quarter(2026, 2).expect("Q2"));
    let ms = vec![RateCode::CaseFileRate.into(), RateCode::Cpr.into(), RateCode::FloatingCheckRate.into(), iud.into()];
    (ms, vec![june, june, june, q2])
}

/// The same counts by a plain loop over the public per-person API: (num, den) of the four.
fn reference(reg: &Registry) -> [(u64, u64); 4] {
    let on = d("2026-06-30");
    let mut out = [(0u64, 0u64); 4];
    let (f0, f1) = (d("2026-06-01"), d("2026-06-30"));
    let (i0, i1) = (d("2026-04-01"), d("2026-06-30"));
    for p in reg.persons() {
        let Some(s) = p.state_on(on) else { continue };
        if s.is_resident_wra() {
            out[0].1 += 1;
            out[0].0 += u64::from(s.case_file.is_open());
        }
        if s.is_married_wra() && s.residency.is_resident() {
            out[1].1 += 1;
            out[1].0 += u64::from(s.method_recorded && s.method != Method::None);
        }
        if s.residency == Residency::Floating {
            out[2].1 += 1;
            out[2].0 +=
                u64::from(p.visits().any(|v| v.kind == "floating_monthly_check" && v.date >= f0 && v.date <= f1));
        }
        if s.sex == Sex::Female && s.method == Method::Iud {
            let Some(start) = s.method_since else { continue };
            for k in [1, 3, 6, 12] {
                let due = famplan::add_months(start, k).expect("in range");
                if due < i0 || due > i1 {
                    continue;
                }
                out[3].1 += 1;
                let (w0, w1) = (due - chrono::Days::new(15), due + chrono::Days::new(15));
                out[3].0 += u64::from(p.visits().any(|v| v.kind == "post_surgery" && v.date >= w0 && v.date <= w1));
            }
        }
    }
    out
}

/// Registers the rate benchmarks.
pub fn define(c: &mut Criterion) {
    let n: usize = std::env::var("FAMPLAN_BENCH_PERSONS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000_000);
    let reg = registry(n);
    let want = reference(&reg);
    let (ms, ps) = six_jobs();
    let jobs: Vec<(&Measure, Params)> = ms.iter().zip(ps.iter().copied()).collect();
    let label = if n % 1_000_000 == 0 { format!("{}m", n / 1_000_000) } else { format!("{n}") };
    let check = |parts: &[famplan::Partial]| {
        for (p, (num, den)) in parts.iter().zip(want) {
            let t = p.total();
            assert_eq!((t.numerator, t.denominator), (num, den), "{}", p.measure.code());
        }
    };
    let mut g = c.benchmark_group("rate");
    g.sample_size(10);
    g.bench_function(BenchmarkId::new("six_rates", &label), |b| {
        b.iter(|| {
            let parts = reg.partials_each(black_box(&jobs), GroupBy::Grid);
            check(&parts);
            parts
        })
    });
    g.bench_function(BenchmarkId::new("case_file_rate", &label), |b| {
        b.iter(|| {
            let t = reg.rate(&ms[0], &ps[0], GroupBy::Zone);
            assert_eq!((t.total.counts.numerator, t.total.counts.denominator), want[0]);
            t
        })
    });
    g.finish();
}
