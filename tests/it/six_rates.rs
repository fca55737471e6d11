//! `SIX_RATES.md` checked against an oracle: the six rates computed row by row straight from
//! the CSV text, with the contract's own formulas (its age rule, chrono's month arithmetic,
//! closed intervals), compared with what the library's public API gives on the same files —
//! the calls `examples/six_rates.rs` makes.

use chrono::{Datelike, Days, Months, NaiveDate};
use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
use famplan::{AreaLevel, CustomRate, GroupBy, Measure, Params, Period, RateCode, StateBasis};
use famplan_synth::{SnapshotConfig, write_areas, write_households, write_persons, write_visits};
use std::collections::{BTreeMap, HashMap};

/// Per grid: wra, married_wra, case_file_n, cpr_n, floating_n, floating_checked_n, iud_due_n, iud_done_n.
type Sums = BTreeMap<i64, [u64; 8]>;

fn rows(csv: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::str::from_utf8(csv).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(String::from).collect();
    (header, lines.map(|l| l.split(',').map(String::from).collect()).collect())
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}"))
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// SIX_RATES §3, written out from the text.
fn oracle(areas: &[u8], persons: &[u8], visits: &[u8], d: NaiveDate, float: (NaiveDate, NaiveDate)) -> Sums {
    let (i0, i1) = (date("2026-04-01"), date("2026-06-30"));
    let mut sums: Sums = BTreeMap::new();
    let (h, rs) = rows(areas);
    for r in rs {
        sums.insert(r[col(&h, "grid_id")].parse().unwrap(), [0; 8]);
    }
    let (vh, vs) = rows(visits);
    let mut by_person: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    for v in vs {
        by_person
            .entry(v[col(&vh, "person_id")].clone())
            .or_default()
            .push((date(&v[col(&vh, "date")]), v[col(&vh, "kind")].clone()));
    }
    let (ph, ps) = rows(persons);
    let get = |r: &Vec<String>, c: &str| r.get(col(&ph, c)).cloned().unwrap_or_default();
    for r in ps {
        let b = date(&get(&r, "birth_date"));
        let age = d.year() - b.year() - i32::from((b.month(), b.day()) > (d.month(), d.day()));
        let female = get(&r, "sex") == "F";
        let wra = female && (15..=49).contains(&age);
        let married = wra && get(&r, "marital_status") == "married";
        let method = get(&r, "contraceptive_method");
        let floating = get(&r, "residency") == "floating";
        let visits = by_person.get(&get(&r, "person_id")).map(Vec::as_slice).unwrap_or(&[]);
        let checked =
            floating && visits.iter().any(|(vd, k)| k == "floating_monthly_check" && *vd >= float.0 && *vd <= float.1);
        let (mut due, mut done) = (0, 0);
        let start = get(&r, "method_start");
        if female && method == "iud" && !start.is_empty() {
            for k in [1, 3, 6, 12] {
                let due_k = date(&start).checked_add_months(Months::new(k)).unwrap();
                if due_k >= i0 && due_k <= i1 {
                    due += 1;
                    let (lo, hi) = (due_k - Days::new(15), due_k + Days::new(15));
                    done += u64::from(visits.iter().any(|(vd, k)| k == "post_surgery" && *vd >= lo && *vd <= hi));
                }
            }
        }
        let s = sums.get_mut(&get(&r, "grid_id").parse().unwrap()).expect("a person's grid is in areas.csv");
        let add = [
            wra,
            married,
            wra && get(&r, "case_file") == "1",
            married && !method.is_empty() && method != "none",
            floating,
            checked,
        ];
        for (x, a) in s.iter_mut().zip(add) {
            *x += u64::from(a);
        }
        s[6] += due;
        s[7] += done;
    }
    sums
}

/// The library's public API, as `examples/six_rates.rs` calls it.
fn library(files: SnapshotFiles<'_>, d: NaiveDate, float: Period) -> Sums {
    let (reg, _) = read_snapshot(files, ImportMode::AllOrNothing).unwrap();
    let iud: Measure = CustomRate::from_toml(include_str!("../../testdata/rates/iud_followup.toml")).unwrap().into();
    // As in the example: A = the day after the last ±15-day window closes (nothing left open).
    let base = Params::new(d).as_of(date("2026-07-16")).basis(StateBasis::AsRecorded);
    let q2 = Period::quarter(2026, 2).unwrap();
    let ms: Vec<Measure> =
        vec![RateCode::CaseFileRate.into(), RateCode::Cpr.into(), RateCode::FloatingCheckRate.into(), iud];
    let jobs: Vec<(&Measure, Params)> =
        ms.iter().zip([base.period(float), base.period(float), base.period(float), base.period(q2)]).collect();
    let parts = reg.partials_each(&jobs, GroupBy::Grid);
    let mut sums = Sums::new();
    for g in reg.areas().all(AreaLevel::Grid) {
        let c = |i: usize| parts[i].cells.get(g.id.as_str()).copied().unwrap_or_default();
        let (cf, cpr, fl, iu) = (c(0), c(1), c(2), c(3));
        sums.insert(
            g.id.parse().unwrap(),
            [
                cf.denominator,
                cpr.denominator,
                cf.numerator,
                cpr.numerator,
                fl.denominator,
                fl.numerator,
                iu.denominator,
                iu.numerator,
            ],
        );
    }
    sums
}

#[test]
fn six_rates_equal_the_contract_computed_row_by_row() {
    for seed in [1, 2] {
        let cfg = SnapshotConfig::new(40_000, seed);
        let (mut areas, mut households, mut persons, mut visits) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        write_areas(&cfg, &mut areas).unwrap();
        write_households(&cfg, &mut households).unwrap();
        write_persons(&cfg, &mut persons).unwrap();
        write_visits(&cfg, &mut visits).unwrap();
        let d = date("2026-06-30");
        let want = oracle(&areas, &persons, &visits, d, (date("2026-06-01"), date("2026-06-30")));
        let files = SnapshotFiles::new()
            .areas("areas.csv", &areas[..])
            .households("households.csv", &households[..])
            .persons("persons.csv", &persons[..])
            .visits("visits.csv", &visits[..]);
        let got = library(files, d, Period::month_of(d));
        assert_eq!(got, want, "seed {seed}");
        // The data exercises every part: no column of the totals is zero.
        let total = want.values().fold([0u64; 8], |mut t, r| {
            t.iter_mut().zip(r).for_each(|(a, b)| *a += b);
            t
        });
        assert!(total.iter().all(|&x| x > 0), "seed {seed}: totals {total:?}");
    }
}
