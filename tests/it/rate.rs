//! Hand-computed rate cases from `testdata/rates/*.toml`, and the rate properties.
//!
//! A case file holds `[[case]]` tables: `name`, `rate` (a catalogue code, or the `code` of
//! the case's `custom` TOML), `on` (D), optional `period` (`start..end`, default the month
//! of D), `as_of`, `basis` (`on_date` or `as_recorded`), `by` + `key` (default the community `c1`), `events` (one event a line:
//! `YYYY-MM-DD kind {json fields}`, appended to the shared `base.events` unless
//! `base = false`), and the expected `numerator` / `denominator` (or `start`/`end` for the
//! mean-population rates). The arithmetic is in a comment above every case.

use famplan::{CustomRate, Event, GroupBy, Measure, Params, Period, RateCode, Registry};
use proptest::prelude::*;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rate: String,
    on: chrono::NaiveDate,
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    as_of: Option<chrono::NaiveDate>,
    #[serde(default)]
    by: Option<GroupBy>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default = "yes")]
    base: bool,
    #[serde(default)]
    events: String,
    #[serde(default)]
    custom: Option<String>,
    #[serde(default)]
    method: Option<famplan::Method>,
    #[serde(default)]
    basis: famplan::StateBasis,
    numerator: u64,
    #[serde(default)]
    denominator: u64,
    #[serde(default)]
    start: u64,
    #[serde(default)]
    end: u64,
    /// Expected reason fields (`missing`) of the entries not counted, in order.
    #[serde(default)]
    missing: Option<Vec<String>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct File {
    case: Vec<Case>,
}

const BASE: &str = include_str!("../../testdata/rates/base.events");

/// Parses `YYYY-MM-DD kind {json}` lines into events with ids `<prefix><n>`.
pub(crate) fn events(text: &str, prefix: &str) -> Vec<Event> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .enumerate()
        .map(|(i, line)| {
            let mut parts = line.splitn(3, ' ');
            let date = parts.next().unwrap();
            let kind = parts.next().unwrap_or_else(|| panic!("no kind in `{line}`"));
            let fields = parts.next().unwrap_or("{}");
            let mut v: serde_json::Value =
                serde_json::from_str(fields).unwrap_or_else(|e| panic!("bad json in `{line}`: {e}"));
            let o = v.as_object_mut().unwrap();
            o.insert("id".into(), format!("{prefix}{i:03}").into());
            o.insert("date".into(), date.into());
            o.insert("recorded_at".into(), format!("{date}T00:00:00").into());
            o.insert("recorded_by".into(), "test".into());
            o.insert("kind".into(), kind.into());
            serde_json::from_value(v).unwrap_or_else(|e| panic!("bad event `{line}`: {e}"))
        })
        .collect()
}

fn registry(case: &Case) -> Registry {
    let mut all = if case.base { events(BASE, "b") } else { Vec::new() };
    all.extend(events(&case.events, "e"));
    let (reg, report) = Registry::from_events(all);
    assert!(report.conflicts.is_empty(), "case `{}`: conflicts {:#?}", case.name, report.conflicts);
    reg
}

fn measure(case: &Case) -> Measure {
    match &case.custom {
        Some(t) => {
            let c = CustomRate::from_toml(t).unwrap_or_else(|e| panic!("case `{}`: {e}", case.name));
            assert_eq!(c.code, case.rate, "case `{}`", case.name);
            c.into()
        }
        None => case.rate.parse::<RateCode>().unwrap_or_else(|e| panic!("case `{}`: {e}", case.name)).into(),
    }
}

fn params(case: &Case) -> Params {
    let mut p = Params::new(case.on);
    if let Some(period) = &case.period {
        let (a, b) = period.split_once("..").expect("period is start..end");
        p = p.period(Period::new(a.parse().unwrap(), b.parse().unwrap()).expect("a period"));
    }
    if let Some(a) = case.as_of {
        p = p.as_of(a);
    }
    if let Some(m) = case.method {
        p = p.method(m);
    }
    p.basis(case.basis)
}

/// The only call into the rate API: computes the case's cell and compares.
#[track_caller]
fn check(case: &Case) {
    let reg = registry(case);
    let m = measure(case);
    let p = params(case);
    let by = case.by.unwrap_or(GroupBy::Community);
    let key = case.key.clone().unwrap_or_else(|| "c1".into());
    let table = reg.rate(&m, &p, by);
    let got = table.row(&key).map(|r| r.counts).unwrap_or_default();
    let n = &case.name;
    assert_eq!(got.numerator, case.numerator, "case `{n}`: numerator ({:?})", table.rows);
    assert_eq!(got.denominator, case.denominator, "case `{n}`: denominator ({:?})", table.rows);
    assert_eq!((got.start, got.end), (case.start, case.end), "case `{n}`: start/end");
    // Grouped by grid, the parts add up to the total.
    let grids = reg.rate(&m, &p, GroupBy::Grid);
    let community = reg.rate(&m, &p, GroupBy::Community);
    assert_eq!(grids.total.counts, community.total.counts, "case `{n}`: grids vs community");
    // The drill-down lists the denominator: the counted ones and the rest with a reason.
    let mean = matches!(m, Measure::Catalogue(c) if c.info().mean_population);
    if !mean && m.code() != "sex_ratio_at_birth" {
        let entries = reg.drill_down(&m, &p, by, &key);
        let missed: Vec<_> = entries.iter().filter(|e| !e.counted).collect();
        assert_eq!(entries.len() as u64, case.denominator, "case `{n}`: drill-down {entries:#?}");
        assert_eq!(missed.len() as u64, case.denominator - case.numerator, "case `{n}`: drill-down {entries:#?}");
        assert!(missed.iter().all(|e| e.reason.is_some()), "case `{n}`: a reason for everyone not counted");
        if let Some(want) = &case.missing {
            let got: Vec<_> = missed.iter().map(|e| e.reason.as_ref().unwrap().missing.clone()).collect();
            assert_eq!(&got, want, "case `{n}`: reasons {missed:#?}");
        }
    }
}

fn run(file: &str, text: &str) {
    let f: File = toml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert!(!f.case.is_empty(), "{file}: no cases");
    for c in &f.case {
        check(c);
    }
}

macro_rules! load {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(#[test] fn $test() { run($file, include_str!(concat!("../../testdata/rates/", $file))); })*
    };
}

load! {
    stock_rates => "stock.toml",
    period_rates => "period.toml",
    birth_rates => "births.toml",
    verification_rates => "verification.toml",
    followup_rates => "followup.toml",
    survey_rates => "surveys.toml",
    custom_rates => "custom.toml",
}

#[test]
fn every_catalogue_rate_has_a_case() {
    let all: String = ["stock", "period", "births", "verification", "followup", "surveys", "custom"]
        .iter()
        .map(|f| std::fs::read_to_string(format!("{}/testdata/rates/{f}.toml", env!("CARGO_MANIFEST_DIR"))).unwrap())
        .collect();
    for info in famplan::catalogue() {
        assert!(all.contains(&format!("rate = \"{}\"", info.code)), "no case for {}", info.code);
    }
}

// ---- properties ----

/// A small random community: persons with random sex, birth date, marital status,
/// residency, case file, method and visits, spread over two grids.
fn population() -> impl Strategy<Value = Vec<Event>> {
    let person = (
        0u8..2,
        1960i32..2015,
        1u32..=12,
        1u32..=28,
        0u8..4,
        0u8..2,
        any::<bool>(),
        0u8..4,
        prop::collection::vec((0u8..3, 0i64..200), 0..3),
    );
    prop::collection::vec(person, 0..25).prop_map(|ps| {
        let mut lines = String::new();
        for (i, (hh, y, m, d, marital, res, cf, method, visits)) in ps.into_iter().enumerate() {
            let sex = if i % 3 == 0 { "M" } else { "F" };
            let marital = ["single", "married", "divorced", "widowed"][marital as usize];
            let residency = ["registered", "floating"][res as usize];
            lines += &format!(
                "2015-06-01 person_registered {{\"person\":\"q{i}\",\"household\":\"h{}\",\"sex\":\"{sex}\",\"birth_date\":\"{y}-{m:02}-{d:02}\",\"marital\":\"{marital}\",\"residency\":\"{residency}\"}}\n",
                hh + 1
            );
            if cf && sex == "F" {
                lines += &format!("2016-01-01 case_file_opened {{\"person\":\"q{i}\"}}\n");
            }
            if sex == "F" && method > 0 {
                let m = ["none", "iud", "pill", "condom"][method as usize];
                lines += &format!("2026-01-15 method_started {{\"person\":\"q{i}\",\"method\":\"{m}\"}}\n");
            }
            for (kind, off) in visits {
                let kind = ["floating_monthly_check", "post_surgery", "supply_followup"][kind as usize];
                let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(off as u64);
                lines += &format!("{date} visit_recorded {{\"person\":\"q{i}\",\"visit\":\"{kind}\"}}\n");
            }
        }
        let mut all = events(BASE, "b");
        all.extend(events(&lines, "p"));
        all
    })
}

fn six() -> Vec<Measure> {
    let iud = CustomRate::from_toml(include_str!("../../testdata/rates/iud_followup.toml")).unwrap();
    vec![
        RateCode::CaseFileRate.into(),
        RateCode::Cpr.into(),
        RateCode::FloatingCheckRate.into(),
        RateCode::MethodMix.into(),
        RateCode::ScreeningRate.into(),
        iud.into(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn rates_are_consistent(evs in population(), seed in any::<u64>()) {
        let (reg, report) = Registry::from_events(evs.clone());
        prop_assert!(report.conflicts.is_empty());
        let p = Params::new("2026-06-30".parse().unwrap())
            .period(Period::quarter(2026, 2).unwrap())
            .as_of("2026-07-15".parse().unwrap());
        let mut shuffled = evs;
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let (reg2, _) = Registry::from_events(shuffled);
        for m in six() {
            let grids = reg.rate(&m, &p, GroupBy::Grid);
            let community = reg.rate(&m, &p, GroupBy::Community);
            let t = grids.total.counts;
            prop_assert!(t.numerator <= t.denominator, "{}: {:?}", m.code(), t);
            prop_assert_eq!(t, community.total.counts);
            let parts: u64 = grids.rows.iter().map(|r| r.counts.denominator).sum();
            prop_assert_eq!(parts, t.denominator);
            let entries = reg.drill_down(&m, &p, GroupBy::Community, "c1");
            let missed = entries.iter().filter(|e| !e.counted).count() as u64;
            prop_assert_eq!(missed, t.denominator - t.numerator, "{}", m.code());
            // In columns: the same rows, a reason exactly for those not counted, each distinct
            // reason stored once.
            let d = reg.drill_down_columns(&m, &p, GroupBy::Community, "c1");
            prop_assert_eq!(d.entries().collect::<Vec<_>>(), entries);
            prop_assert!((0..d.len()).all(|i| d.counted(i) == d.reason_index(i).is_none()), "{}", m.code());
            let distinct: std::collections::HashSet<_> = d.reasons().iter().collect();
            prop_assert_eq!(distinct.len(), d.reasons().len());
            prop_assert_eq!(reg2.rate(&m, &p, GroupBy::Grid), grids);
        }
        // Shards merge into the whole: the six rates in one pass equal one by one.
        let ms = six();
        let all = reg.partials(&ms, &p, GroupBy::Grid);
        for (m, part) in ms.iter().zip(&all) {
            prop_assert_eq!(part, &reg.partial(m, &p, GroupBy::Grid));
        }
    }
}

// ---- targets ----

/// Grid g1: p1 (WRA, file, married, IUD); grid g2: p2 and p3 (WRA, no file, floating,
/// p3 checked in June).
const TARGET_FIXTURE: &str = r#"
2020-01-01 person_registered {"person":"p1","household":"h1","sex":"F","birth_date":"1990-05-01","marital":"married","residency":"registered"}
2020-01-01 person_registered {"person":"p2","household":"h2","sex":"F","birth_date":"1991-05-01","marital":"single","residency":"floating"}
2020-01-01 person_registered {"person":"p3","household":"h2","sex":"F","birth_date":"1992-05-01","marital":"single","residency":"floating"}
2020-02-01 case_file_opened {"person":"p1"}
2024-01-01 procedure_performed {"person":"p1","procedure":"iud_insertion"}
2026-06-10 visit_recorded {"person":"p3","visit":"floating_monthly_check"}
"#;

#[test]
fn targets_from_csv_are_assessed_and_allocated() {
    let mut all = events(BASE, "b");
    all.extend(events(TARGET_FIXTURE, "t"));
    let (reg, report) = Registry::from_events(all);
    assert!(report.conflicts.is_empty());
    let targets = famplan::Target::read_csv(&include_bytes!("../../testdata/rates/targets.csv")[..]).unwrap();
    assert_eq!(targets.len(), 5);
    assert_eq!((targets[2].cmp, targets[2].weight), (famplan::Comparison::AtLeast, 1.0));
    let a = famplan::assess(&reg, &targets, &[]).unwrap();
    let got: Vec<_> = a.iter().map(|x| (x.actual.numerator, x.actual.denominator, x.met, x.rank)).collect();
    // c1: 1/3 (33.33 %), g1: 1/1, g2: 0/2, k1: CPR 1/1, z2: floating 1/2 = 50 % ≤ 50.
    assert_eq!(
        got,
        [
            (1, 3, false, Some(1)),
            (1, 1, true, Some(1)),
            (0, 2, false, Some(1)),
            (1, 1, true, Some(1)),
            (1, 2, true, Some(1))
        ]
    );
    // Partial credit: 4 × 33.33 / 100.
    assert!((a[0].score - 4.0 / 3.0).abs() < 1e-9);
    assert_eq!(a[2].score, 0.0);
    assert_eq!(a[2].gap, Some(-100.0));
    // Allocated to grids by denominator: g1 has 1 WRA, g2 has 2 → weights 4/3 and 8/3.
    let grids = targets[0].allocate(&reg, GroupBy::Grid, famplan::Allocation::ByDenominator, &[]).unwrap();
    let w: Vec<_> = grids.iter().map(|t| (t.unit.as_str(), (t.weight * 3.0).round() as i64)).collect();
    assert_eq!(w, [("g1", 4), ("g2", 8)]);
    let same = targets[0].allocate(&reg, GroupBy::Zone, famplan::Allocation::Same, &[]).unwrap();
    assert!(same.iter().all(|t| t.value == 100.0 && t.weight == 4.0 && t.level == GroupBy::Zone));
    assert!(targets[1].allocate(&reg, GroupBy::Zone, famplan::Allocation::Same, &[]).is_err());
}

#[test]
fn unknown_rate_in_a_target_is_an_error() {
    let t = famplan::Target::from_toml(
        "[[target]]\nrate = \"nope\"\nlevel = \"grid\"\nunit = \"g1\"\nstart = \"2026-01-01\"\nend = \"2026-01-31\"\nvalue = 1\n",
    )
    .unwrap();
    let err = famplan::assess(&Registry::new(), &t, &[]).unwrap_err();
    insta::assert_snapshot!(err.to_string(), @"unknown rate `nope`");
}

#[test]
fn bad_targets_csv_names_the_line() {
    let csv = "rate,level,unit,start,end,cmp,value,weight\ncpr,grid,g1,2026-01-01,2026-13-01,>=,80,1\n";
    let err = famplan::Target::read_csv(csv.as_bytes()).unwrap_err();
    assert!(err.to_string().starts_with("targets.csv:2"), "{err}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// A rule set of event-triggered person rules skips persons whose triggers are too old to
    /// matter; adding a calendar rule turns that shortcut off. The IUD rule's obligations (due
    /// date, window, state) must be the same either way, for any trigger dates, visits and period.
    #[test]
    fn the_event_only_shortcut_changes_no_obligation(
        women in prop::collection::vec((0i64..1300, prop::collection::vec(-40i64..400, 0..5)), 1..12),
        quarter in 0u32..12,
    ) {
        let start: chrono::NaiveDate = "2023-01-01".parse().unwrap();
        let mut lines = String::new();
        for (i, (inserted, visits)) in women.iter().enumerate() {
            lines += &format!("2015-06-01 person_registered {{\"person\":\"w{i}\",\"household\":\"h1\",\"sex\":\"F\",\"birth_date\":\"1990-01-01\",\"marital\":\"married\",\"residency\":\"registered\"}}\n");
            let on = start + chrono::Days::new(*inserted as u64);
            lines += &format!("{on} procedure_performed {{\"person\":\"w{i}\",\"procedure\":\"iud_insertion\"}}\n");
            for v in visits {
                let vd = on.checked_add_signed(chrono::Duration::days(*v)).unwrap();
                lines += &format!("{vd} visit_recorded {{\"person\":\"w{i}\",\"visit\":\"post_surgery\"}}\n");
            }
        }
        let mut all = events(BASE, "b");
        all.extend(events(&lines, "e"));
        let (reg, _) = Registry::from_events(all);
        let iud = CustomRate::from_toml(include_str!("../../testdata/rates/iud_followup.toml")).unwrap();
        let fast = iud.follow_up.clone().unwrap();
        let mut rules = fast.rules().to_vec();
        rules.push(famplan::RuleSet::default_rules().get("floating_monthly_check").unwrap().clone());
        let slow = famplan::RuleSet::new(rules).unwrap();
        let period = Period::quarter(2023 + (quarter / 4) as i32, quarter % 4 + 1).unwrap();
        let as_of = period.end + chrono::Days::new(20);
        let pick = |rs: &famplan::RuleSet| -> Vec<(String, String, String, String)> {
            rs.obligations(&reg, period, as_of)
                .into_iter()
                .filter(|o| o.rule().id == "iud_followup")
                .map(|o| (o.person().unwrap().to_string(), o.due.to_string(), o.window.to_string(), format!("{:?}", o.state)))
                .collect()
        };
        prop_assert_eq!(pick(&fast), pick(&slow));
    }
}
