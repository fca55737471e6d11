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
        engine::run_persons(std::slice::from_ref(&ctx), &reg, range, &prepared, &mut t);
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
