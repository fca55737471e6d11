//! Which visits a computation reads (`VisitsRead`, docs/scale-out.md): a registry built with
//! only the visits the statement keeps gives exactly the partials of the registry with every
//! visit, for every catalogue rate and user-defined rates (the SIX_RATES IUD follow-up, a
//! population rate with a visit filter, the default person rules as a follow-up rate), over
//! several periods and as-of dates; on a synthetic community's events (moves, supplies,
//! procedures, every visit kind) and on a synthetic snapshot (what Spark routes).

use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
use famplan::{
    CustomRate, Event, EventKind, GroupBy, Measure, Params, Period, RateCode, Registry, RuleSet, Subject, VisitsRead,
};
use famplan_synth::{CommunityConfig, SnapshotConfig, community_events, write_areas, write_population};
use proptest::prelude::*;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

fn iud() -> CustomRate {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/rates/iud_followup.toml"));
    CustomRate::from_toml(&text.unwrap()).unwrap()
}

/// Every catalogue rate, the IUD follow-up, a population rate with a visit in its numerator
/// and one in its denominator, and the default person rules counted as one follow-up rate.
fn measures() -> Vec<Measure> {
    let mut ms: Vec<Measure> = RateCode::ALL.iter().map(|c| Measure::from(*c)).collect();
    ms.push(iud().into());
    let checked = CustomRate::from_toml(
        r#"code = "floating_checked"
           [denominator]
           residency = ["floating"]
           [numerator]
           visit = "floating_monthly_check""#,
    )
    .unwrap();
    ms.push(checked.into());
    let supplied = CustomRate::from_toml(
        r#"code = "visited_supply_users"
           [denominator]
           sex = "F"
           visit = "supply_followup"
           [numerator]
           visit = "pill_resupply""#,
    )
    .unwrap();
    ms.push(supplied.into());
    let person_rules: Vec<_> =
        RuleSet::default_rules().rules().iter().filter(|r| r.subject == Subject::Person).cloned().collect();
    let all = CustomRate {
        code: "every_person_rule".into(),
        name: String::new(),
        scale: Default::default(),
        on_period_end: false,
        denominator: None,
        numerator: None,
        follow_up: Some(RuleSet::new(person_rules).unwrap()),
    };
    all.check().unwrap();
    ms.push(all.into());
    // Windows that overlap their neighbours (51 days, one a month): a visit goes to the
    // earliest open one, so a visit before P can decide which obligation due in P is done.
    let dense = CustomRate::from_toml(
        r#"code = "dense_post_surgery"
           [[follow_up.rule]]
           id = "dense"
           triggers = [{ on = "procedure", procedures = ["iud_insertion", "implant_insertion", "induced_abortion"] },
                       { on = "method_started", methods = ["iud", "implant"] }]
           due = [{ months = 1, before = 25, after = 25 }, { months = 2, before = 25, after = 25 }]
           then_every = { months = 1, before = 25, after = 25 }
           fulfilled_by = { visit = "post_surgery" }"#,
    )
    .unwrap();
    ms.push(dense.into());
    ms
}

/// Periods and as-of dates around the synthetic data (it ends on 2026-11-28).
fn cases() -> Vec<Params> {
    let p = |on: &str, period: Period, as_of: &str| Params::new(d(on)).period(period).as_of(d(as_of));
    vec![
        p("2026-06-30", Period::month(2026, 6).unwrap(), "2026-06-30"),
        p("2026-06-30", Period::quarter(2026, 2).unwrap(), "2026-07-16"),
        p("2026-03-31", Period::quarter(2026, 1).unwrap(), "2026-02-10"), // A inside P
        p("2025-12-31", Period::year(2025).unwrap(), "2026-11-28"),
        p("2026-09-30", Period::statistical_year(2026).unwrap(), "2026-10-20"),
    ]
}

/// The events without the visits `read` does not keep, and how many visits were dropped.
fn filtered(events: &[Event], read: &VisitsRead) -> (Vec<Event>, usize, usize) {
    let (mut kept, mut dropped) = (0, 0);
    let out = events
        .iter()
        .filter(|e| match &e.kind {
            EventKind::VisitRecorded { visit, .. } => {
                let keep = read.keeps(visit, e.date);
                if keep {
                    kept += 1
                } else {
                    dropped += 1
                }
                keep
            }
            _ => true,
        })
        .cloned()
        .collect();
    (out, kept, dropped)
}

fn registry(events: Vec<Event>) -> Registry {
    let (reg, report) = Registry::from_events(events);
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts.first());
    reg
}

/// Asserts the partials of every measure are the same with only the visits read; returns
/// (visits kept, visits dropped, numerators of the measures that read visits).
fn same_partials(events: &[Event], p: &Params) -> (usize, usize, u64) {
    let ms = measures();
    let jobs: Vec<(&Measure, Params)> = ms.iter().map(|m| (m, *p)).collect();
    let read = VisitsRead::of(&jobs);
    assert!(!read.is_all());
    let whole = registry(events.to_vec());
    let (events, kept, dropped) = filtered(events, &read);
    let part = registry(events);
    let mut read_numerators = 0;
    for by in [GroupBy::Grid, GroupBy::Group] {
        let want = whole.partials(&ms, p, by);
        let got = part.partials(&ms, p, by);
        for (w, g) in want.iter().zip(&got) {
            assert_eq!(w, g, "{} over {} as of {} by {by}", w.measure.code(), p.period, p.as_of);
            if by == GroupBy::Grid && !w.measure.visits_read(p).ranges_empty() {
                read_numerators += w.total().numerator;
            }
        }
        // Each measure alone reads no more than all of them.
        for m in &ms {
            let one = VisitsRead::of(&[(m, *p)]);
            for (kind, r) in one.pairs() {
                assert!(read.keeps(kind, r.start) && read.keeps(kind, r.end));
            }
        }
    }
    (kept, dropped, read_numerators)
}

trait Empty {
    fn ranges_empty(&self) -> bool;
}

impl Empty for VisitsRead {
    fn ranges_empty(&self) -> bool {
        self.pairs().next().is_none()
    }
}

#[test]
fn a_community_with_only_the_visits_read_gives_the_same_partials() {
    let cfg = CommunityConfig { residents: 600, seed: 9, ..Default::default() };
    let events = community_events(&cfg);
    let mut total_dropped = 0;
    for p in cases() {
        let (kept, dropped, numerators) = same_partials(&events, &p);
        // Not vacuous: visits are read and counted, and some are dropped.
        assert!(kept > 0 && numerators > 0, "{} as of {}: kept {kept}, numerators {numerators}", p.period, p.as_of);
        total_dropped += dropped;
    }
    assert!(total_dropped > 0);
}

#[test]
fn the_six_rates_read_a_small_part_of_the_visits() {
    // SIX_RATES (benches/compare): case files and cpr on D, the floating check over June, the
    // IUD follow-up over Q2 as of 16 July.
    let on = d("2026-06-30");
    let june = Params::new(on).as_of(d("2026-07-16"));
    let q2 = june.period(Period::quarter(2026, 2).unwrap());
    let (cf, cpr, fc, iud) =
        (RateCode::CaseFileRate.into(), RateCode::Cpr.into(), RateCode::FloatingCheckRate.into(), iud().into());
    let read = VisitsRead::of(&[(&cf, june), (&cpr, june), (&fc, june), (&iud, q2)]);
    let pairs: Vec<String> = read.pairs().map(|(k, r)| format!("{k} {r}")).collect();
    // The IUD windows: ±15 days around due dates in Q2; one that closes on or after
    // 1 April − 15 days = 17 March opens on or after 17 March − 30 days = 15 February,
    // the last closes by 30 June + 15 days = 15 July.
    assert_eq!(pairs, ["floating_monthly_check 2026-06-01..2026-06-30", "post_surgery 2026-02-15..2026-07-15"]);

    // On a synthetic snapshot: the same partials from far fewer visits.
    let mut cfg = SnapshotConfig::new(3_000, 4);
    cfg.communities = 1;
    let (mut areas, mut households, mut persons, mut visits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    write_areas(&cfg, &mut areas).unwrap();
    write_population(&cfg, &mut households, &mut persons, &mut visits).unwrap();
    let visits = String::from_utf8(visits).unwrap();
    let mut lines = visits.lines();
    let header = lines.next().unwrap();
    let (mut kept, mut all) = (format!("{header}\n"), 0);
    for line in lines {
        all += 1;
        let f: Vec<&str> = line.split(',').collect();
        if read.keeps(f[3], d(f[2])) {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    let load = |v: &str| {
        let files = SnapshotFiles::new()
            .areas("areas.csv", &areas[..])
            .households("households.csv", &households[..])
            .persons("persons.csv", &persons[..])
            .visits("visits.csv", v.as_bytes());
        read_snapshot(files, ImportMode::AllOrNothing).unwrap().0
    };
    let (whole, part) = (load(&visits), load(&kept));
    let kept_n = part.visit_count();
    assert!(kept_n > 0 && kept_n * 4 < all, "kept {kept_n} of {all}");
    let jobs = [(&cf, june), (&cpr, june), (&fc, june), (&iud, q2)];
    assert_eq!(whole.partials_each(&jobs, GroupBy::Grid), part.partials_each(&jobs, GroupBy::Grid));
    let fc_checked = part.partial(&fc, &june, GroupBy::Grid).total().numerator;
    assert!(fc_checked > 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Any community, any month or quarter of the data's two years, any as-of from a month
    /// before its end to three months after: the same partials with only the visits read.
    #[test]
    fn same_partials_with_only_the_visits_read(
        seed in 0u64..1_000,
        month in 0u32..23,
        quarter in any::<bool>(),
        after in -30i64..90,
        extra in proptest::collection::vec((any::<usize>(), -60i64..60), 0..300),
    ) {
        let cfg = CommunityConfig { residents: 150, seed, ..Default::default() };
        let mut events = community_events(&cfg);
        // More visits: copies of the community's own, moved by up to two months, so windows
        // get several visits and visits fall between them.
        let visits: Vec<Event> =
            events.iter().filter(|e| matches!(e.kind, EventKind::VisitRecorded { .. })).cloned().collect();
        for (i, (pick, shift)) in extra.iter().enumerate() {
            let mut v = visits[pick % visits.len()].clone();
            v.id = format!("extra-{i}").into();
            v.date += chrono::Duration::days(*shift);
            v.recorded_at = v.date.and_hms_opt(0, 0, 0).unwrap();
            events.push(v);
        }
        // Copies that land before a birth or after a departure are refused: leave them out.
        let (_, report) = Registry::from_events(events.clone());
        let refused: std::collections::HashSet<_> = report.conflicts.iter().map(|c| c.event.id.clone()).collect();
        events.retain(|e| !refused.contains(&e.id));
        let (y, m) = (2025 + (month / 12) as i32, month % 12 + 1);
        let period = if quarter { Period::quarter(y, (m - 1) / 3 + 1).unwrap() } else { Period::month(y, m).unwrap() };
        let p = Params::new(period.end).period(period).as_of(period.end + chrono::Duration::days(after));
        same_partials(&events, &p);
    }
}
