use super::*;
use crate::Registry;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

#[test]
fn display_rounds_to_two_decimals_per_scale() {
    assert_eq!(Rate::new(2, 3).to_string(), "66.67%");
    assert_eq!(Rate::new(2, 3).with_scale(Scale::PerMille).to_string(), "666.67‰");
    assert_eq!(Rate::new(118, 100).with_scale(Scale::Times100).to_string(), "118.00");
    assert_eq!(Rate::new(5, 0).to_string(), "-");
    assert_eq!(Rate::new(0, 7).percent(), Some(0.0));
}

#[test]
fn partial_merge_is_associative_and_commutative() {
    let cell = |k: &str, n, den| {
        let mut p = Partial::empty(RateCode::Cpr.into(), AreaLevel::Grid);
        p.cells.insert(k.into(), Counts { numerator: n, denominator: den, ..Counts::default() });
        p
    };
    let (a, b, c) = (cell("g1", 1, 2), cell("g2", 3, 3), cell("g1", 0, 4));
    let mut ab_c = a.clone();
    ab_c.merge(&b);
    ab_c.merge(&c);
    let mut bc = b.clone();
    bc.merge(&c);
    let mut a_bc = a.clone();
    a_bc.merge(&bc);
    let mut c_b_a = c.clone();
    c_b_a.merge(&b);
    c_b_a.merge(&a);
    assert_eq!(ab_c, a_bc);
    assert_eq!(ab_c, c_b_a);
    assert_eq!(ab_c.cells["g1"].denominator, 6);
}

#[test]
fn shards_of_persons_merge_into_the_whole() {
    let reg = Registry::example();
    let p = Params::new(d("2026-06-30"));
    let m: Measure = RateCode::CaseFileRate.into();
    let st = reg.st();
    let ctx = engine::Ctx::new(st, p, AreaLevel::Grid);
    let prepared = [engine::Prepared::new(st, &m, &p)];
    let n = reg.len();
    let tally = |range: std::ops::Range<usize>| {
        let mut t = [engine::Tally(vec![Counts::default(); ctx.none as usize + 1])];
        let screens = engine::screens(std::slice::from_ref(&ctx), &prepared);
        engine::run_persons(std::slice::from_ref(&ctx), &reg, range, &prepared, &screens, &mut t);
        let [t] = t;
        t.0
    };
    let (left, right, whole) = (tally(0..1), tally(1..n), tally(0..n));
    let merged: Vec<Counts> = left
        .iter()
        .zip(&right)
        .map(|(a, b)| {
            let mut c = *a;
            c.add(b);
            c
        })
        .collect();
    assert_eq!(merged, whole);
}

#[test]
fn as_of_before_d_keeps_age_on_d() {
    let reg = Registry::example();
    let st = reg.st();
    // p3 was born 2001-11-30: 24 on 2026-06-30 even when only events up to 2025 are seen.
    let ctx = engine::Ctx::new(st, Params::new(d("2026-06-30")).as_of(d("2025-01-01")), AreaLevel::Grid);
    let p3 = reg.get(&"p3".into()).unwrap();
    let s = ctx.known(p3, d("2026-06-30")).unwrap();
    assert_eq!(s.age, 24);
}

#[test]
fn policy_in_force_on_the_birth_date() {
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2015-12-31"), Some(2)).code(), "needs_approval");
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2016-01-01"), Some(2)).code(), "compliant");
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2021-08-19"), Some(3)).code(), "non_compliant");
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2021-08-20"), Some(3)).code(), "compliant");
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2001-01-01"), Some(1)).code(), "unknown");
    assert_eq!(crate::PolicySet::builtin().judge(None, d("2026-01-01"), None).code(), "unknown");
}

#[test]
fn catalogue_rows_are_in_code_order() {
    for (i, c) in RateCode::ALL.iter().enumerate() {
        assert_eq!(catalogue()[i].code, *c);
    }
}

#[test]
fn group_by_keeper_and_unknown_units() {
    let reg = Registry::example();
    let p = reg.partial(&RateCode::CaseFileRate.into(), &Params::new(d("2026-06-30")), GroupBy::Grid);
    let t = p.group(reg.areas(), GroupBy::Keeper);
    assert_eq!(t.total.counts.denominator, 2);
    assert_eq!(t.row("k1").unwrap().counts.numerator, 1);
    assert!(t.row("").is_none());
}

/// A small random snapshot: persons of every sex, age, residency and marital status, some with
/// dated attributes (facts) and some without, with visits of every kind; many born near the
/// edges of 15–49 (aged 14–16 or 48–50 in 2025–2027).
fn random_snapshot() -> impl proptest::strategy::Strategy<Value = [String; 4]> {
    use proptest::prelude::*;
    let person = (
        (
            any::<bool>(),
            prop_oneof![1950i32..2022, proptest::sample::select(vec![1975, 1976, 1977, 2009, 2010, 2011])],
            1u32..=12,
            1u32..=28,
        ),
        (0usize..4, 0usize..3, any::<bool>(), 0usize..8),
        (proptest::option::of(0i64..8000), proptest::option::of(0i64..8000), proptest::option::of(0i64..9000)),
        (proptest::option::of(0i64..9000), proptest::option::of(0i64..9000)),
        proptest::collection::vec((0usize..5, 0i64..700), 0..5),
    );
    proptest::collection::vec(person, 1..40).prop_map(|people| {
        const MARITAL: [&str; 4] = ["single", "married", "divorced", "widowed"];
        const RESIDENCY: [&str; 3] = ["registered", "floating", "moved_out"];
        const METHOD: [&str; 8] = ["", "none", "iud", "sterilization", "implant", "injectable", "pill", "condom"];
        const KIND: [&str; 5] =
            ["marriage_home", "birth_home", "post_surgery", "supply_followup", "floating_monthly_check"];
        let areas = "grid_id,zone_id,community_id\n1,1,1\n2,1,1\n".to_string();
        let mut households = "household_id,grid_id,kind\n".to_string();
        let mut persons = "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,\
contraceptive_method,method_start,last_birth_date,marital_since,residency_since,case_file_opened\n"
            .to_string();
        let mut visits = "visit_id,person_id,date,kind\n".to_string();
        let mut vid = 0;
        for (i, ((female, y, m, dd), (mar, res, cf, meth), (start, birth, msince), (rsince, opened), vs)) in
            people.into_iter().enumerate()
        {
            let grid = 1 + i % 2;
            households.push_str(&format!("{i},{grid},registered\n"));
            let born = chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
            let after =
                |k: Option<i64>| k.map(|k| (born + chrono::Days::new(k as u64)).to_string()).unwrap_or_default();
            let method = METHOD[meth];
            let start = if method.is_empty() { String::new() } else { after(start) };
            persons.push_str(&format!(
                "{i},{i},{grid},{},{born},{},{},{},{method},{start},{},{},{},{}\n",
                if female { "F" } else { "M" },
                MARITAL[mar],
                RESIDENCY[res],
                u8::from(cf),
                after(birth),
                if mar == 0 { String::new() } else { after(msince) },
                after(rsince),
                if cf { after(opened) } else { String::new() },
            ));
            for (k, off) in vs {
                vid += 1;
                let on = d("2025-06-01") + chrono::Days::new(off as u64);
                visits.push_str(&format!("{vid},{i},{on},{}\n", KIND[k]));
            }
        }
        [areas, households, persons, visits]
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Skipping the persons without facts that a measure's screen rules out counts exactly
    /// what evaluating everyone counts, for every catalogue rate and for custom rates (the
    /// SIX_RATES IUD follow-up, a population filter), on several dates.
    #[test]
    fn screened_pass_counts_what_evaluating_everyone_counts(files in random_snapshot(), on in 0u64..800) {
        let (reg, _) = crate::io::read_snapshot(
            crate::io::SnapshotFiles::new()
                .areas("areas.csv", files[0].as_bytes())
                .households("households.csv", files[1].as_bytes())
                .persons("persons.csv", files[2].as_bytes())
                .visits("visits.csv", files[3].as_bytes()),
            crate::io::ImportMode::KeepGoing,
        )
        .unwrap();
        let on = d("2025-06-01") + chrono::Days::new(on);
        let iud = CustomRate::from_toml(include_str!("../../testdata/rates/iud_followup.toml")).unwrap();
        let filter = CustomRate::from_toml(
            "code = \"x\"\nname = \"x\"\n[denominator]\nsex = \"F\"\nmin_age = 20\nmax_age = 39\n\
residency = [\"floating\"]\nmarital = [\"married\", \"divorced\"]\n[numerator]\ncase_file = true\n",
        )
        .unwrap();
        let mut ms: Vec<Measure> = RateCode::ALL.iter().map(|c| Measure::from(*c)).collect();
        ms.push(iud.into());
        ms.push(filter.into());
        let st = reg.st();
        for p in [
            Params::new(on),
            Params::new(on).period(Period::quarter(2026, 1).unwrap()).as_of(d("2026-07-16")).basis(StateBasis::AsRecorded),
        ] {
            let ctxs: Vec<engine::Ctx<'_>> = ms.iter().map(|_| engine::Ctx::new(st, p, AreaLevel::Grid)).collect();
            let prepared: Vec<engine::Prepared<'_>> = ms.iter().map(|m| engine::Prepared::new(st, m, &p)).collect();
            let run = |screens: &[engine::Screen]| {
                let mut t: Vec<engine::Tally> =
                    ms.iter().map(|_| engine::Tally(vec![Counts::default(); ctxs[0].none as usize + 1])).collect();
                engine::run_persons(&ctxs, &reg, 0..reg.len(), &prepared, screens, &mut t);
                t.into_iter().map(|t| t.0).collect::<Vec<_>>()
            };
            let screens = engine::screens(&ctxs, &prepared);
            // The screens are not all "everyone": the test would prove nothing.
            proptest::prop_assert!(screens.iter().filter(|s| **s != engine::Screen::EVERYONE).count() >= 7);
            let everyone = vec![engine::Screen::EVERYONE; ms.len()];
            proptest::prop_assert_eq!(run(&screens), run(&everyone));
        }
    }
}
