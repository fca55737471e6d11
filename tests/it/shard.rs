//! Scale-out (docs/scale-out.md): partials of shards split by community merge into the
//! partials of the whole city, for every catalogue rate; merging is associative and
//! commutative; `reduce` gives the table of the city computed in one piece.

use famplan::{
    AreaLevel, GroupBy, Measure, Params, Partial, PartialRow, Period, RateCode, Registry, Target, merge_rows, reduce,
};
use famplan_synth::{CommunityConfig, community_events};
use proptest::prelude::*;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

/// A city of `n` small communities (numbers 1..=n), each its own registry, and the whole.
fn city(n: u32, seed: u64) -> (Vec<Registry>, Registry) {
    let mut all = Vec::new();
    let mut shards = Vec::new();
    for c in 1..=n {
        let cfg = CommunityConfig { residents: 200, seed: seed + u64::from(c), community: c, ..Default::default() };
        let events = community_events(&cfg);
        all.extend(events.iter().cloned());
        let (reg, report) = Registry::from_events(events);
        assert!(report.conflicts.is_empty(), "community {c}: {:?}", report.conflicts.first());
        shards.push(reg);
    }
    let (whole, report) = Registry::from_events(all);
    assert!(report.conflicts.is_empty());
    (shards, whole)
}

fn every_rate() -> Vec<Measure> {
    RateCode::ALL.iter().map(|c| Measure::from(*c)).collect()
}

/// The year before the synthetic data ends: every flow of the catalogue has subjects in it.
fn params() -> Params {
    Params::new(d("2026-06-30")).period(Period::new(d("2025-07-01"), d("2026-06-30")).unwrap()).as_of(d("2026-11-28"))
}

fn merged(parts: &[Vec<Partial>], order: &[usize]) -> Vec<Partial> {
    let mut out = parts[order[0]].clone();
    for &i in &order[1..] {
        for (a, b) in out.iter_mut().zip(&parts[i]) {
            a.merge(b);
        }
    }
    out
}

#[test]
fn three_communities_merge_into_the_city_for_every_catalogue_rate() {
    let (shards, whole) = city(3, 40);
    let ms = every_rate();
    let p = params();
    for by in [GroupBy::Grid, GroupBy::Group] {
        let parts: Vec<Vec<Partial>> = shards.iter().map(|r| r.partials(&ms, &p, by)).collect();
        let one = whole.partials(&ms, &p, by);
        for order in [[0, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let m = merged(&parts, &order);
            for (a, b) in m.iter().zip(&one) {
                assert_eq!(a, b, "{} by {by}, shards in order {order:?}", a.measure.code());
            }
        }
        // The data has subjects for most rates (a rate of all zeros would prove nothing).
        let nonzero = one.iter().filter(|p| p.total().denominator + p.total().start > 0).count();
        assert!(nonzero >= 18, "only {nonzero} rates with data");
    }
}

#[test]
fn reduce_of_shard_rows_is_the_city_table() {
    let (shards, whole) = city(3, 7);
    let ms = every_rate();
    let p = params();
    let jobs: Vec<(&Measure, Params)> = ms.iter().map(|m| (m, p)).collect();
    // Rows of every shard, shuffled by interleaving: reduce does not care about order.
    let mut rows: Vec<PartialRow> = Vec::new();
    for s in shards.iter().rev() {
        for part in s.partials(&ms, &p, GroupBy::Grid) {
            rows.extend(part.rows());
        }
    }
    rows.reverse();
    for by in [GroupBy::Community, GroupBy::Zone, GroupBy::Grid] {
        let table = reduce(&rows, &jobs, whole.areas(), by, &[]).unwrap();
        let mut at = 0;
        for m in &ms {
            let t = whole.rate(m, &p, by);
            for row in t.rows.iter().chain([&t.total]) {
                let r = &table[at];
                at += 1;
                assert_eq!((r.code.as_str(), r.key.as_str()), (m.code(), row.key.as_str()));
                assert_eq!((r.counts, r.rate), (row.counts, row.rate), "{} {}", r.code, r.key);
            }
        }
        assert_eq!(at, table.len());
    }
    // Three communities, numbered 1..=3.
    let by_community = reduce(&rows, &jobs, whole.areas(), GroupBy::Community, &[]).unwrap();
    let keys: Vec<&str> = by_community.iter().filter(|r| r.code == "case_file_rate").map(|r| r.key.as_str()).collect();
    assert_eq!(keys, ["1", "2", "3", "total"]);
}

#[test]
fn birth_rate_merges_through_its_mean_population_not_through_shard_rates() {
    let (shards, whole) = city(2, 3);
    let m: Measure = RateCode::BirthRate.into();
    let p = params();
    let parts: Vec<Partial> = shards.iter().map(|r| r.partial(&m, &p, GroupBy::Grid)).collect();
    let (a, b) = (parts[0].total(), parts[1].total());
    let mut sum = parts[0].clone();
    sum.merge(&parts[1]);
    let city = whole.partial(&m, &p, GroupBy::Grid).total();
    // births / mean population = 2 × (births_a + births_b) / (start_a + end_a + start_b + end_b).
    assert_eq!(city.numerator, a.numerator + b.numerator);
    assert_eq!(city.start + city.end, a.start + a.end + b.start + b.end);
    assert_eq!(m.rate(&sum.total()), m.rate(&city));
    assert!(city.start > 300 && city.numerator > 0, "{city:?}");
}

#[test]
fn reduce_attaches_given_and_default_targets() {
    let (shards, whole) = city(2, 11);
    let cf: Measure = RateCode::CaseFileRate.into();
    let p = params();
    let rows: Vec<PartialRow> = shards.iter().flat_map(|r| r.partial(&cf, &p, GroupBy::Grid).rows()).collect();
    let target = |unit: &str, value| Target {
        rate: "case_file_rate".into(),
        level: GroupBy::Community,
        unit: unit.into(),
        start: p.period.start,
        end: p.period.end,
        cmp: Default::default(),
        value,
        weight: 1.0,
    };
    // A target of another period does not apply.
    let other = Target { start: d("2026-01-01"), ..target("2", 1.0) };
    let t = reduce(&rows, &[(&cf, p)], whole.areas(), GroupBy::Community, &[target("1", 10.0), other]).unwrap();
    let c1 = &t[0];
    assert_eq!((c1.key.as_str(), c1.target, c1.default_target, c1.met), ("1", Some(10.0), false, Some(true)));
    assert_eq!(c1.gap, Some(c1.rate.value().unwrap() - 10.0));
    // Community 2 and the total fall back to the catalogue's 100 %.
    assert_eq!((t[1].target, t[1].default_target), (Some(100.0), true));
    assert!(t[2].total && t[2].target == Some(100.0));
}

#[test]
fn reduce_names_the_bad_row() {
    let reg = Registry::example();
    let cf: Measure = RateCode::CaseFileRate.into();
    let p = Params::new(d("2026-06-30"));
    let mut rows = reg.partial(&cf, &p, GroupBy::Grid).rows();
    rows[1].level = AreaLevel::Group;
    let err = reduce(&rows, &[(&cf, p)], reg.areas(), GroupBy::Grid, &[]).unwrap_err();
    assert_eq!(err.to_string(), "partials:2: level: `group`: grouping by grid needs partials kept per grid");
}

fn arb_partial() -> impl Strategy<Value = Partial> {
    let cell = (0u64..50, 0u64..50, 0u64..5, 0u64..5);
    prop::collection::btree_map(prop::sample::select(vec!["", "g1", "g2", "g3"]), cell, 0..4).prop_map(|cells| {
        let mut p = Partial::empty(RateCode::BirthRate.into(), AreaLevel::Grid);
        for (k, (n, den, s, e)) in cells {
            p.cells.insert(k.to_string(), famplan::Counts { numerator: n, denominator: den, start: s, end: e });
        }
        p
    })
}

proptest! {
    #[test]
    fn merge_is_associative_and_commutative(a in arb_partial(), b in arb_partial(), c in arb_partial()) {
        let m = |x: &Partial, y: &Partial| { let mut z = x.clone(); z.merge(y); z };
        prop_assert_eq!(m(&m(&a, &b), &c), m(&a, &m(&b, &c)));
        prop_assert_eq!(m(&a, &b), m(&b, &a));
        // Rows carry the same: merging rows in any order gives the merged partial.
        let cf = Measure::from(RateCode::BirthRate);
        let p = Params::new(d("2026-06-30"));
        let rows: Vec<PartialRow> = [&c, &a, &b].iter().flat_map(|x| x.rows()).collect();
        let merged = merge_rows(&rows, &[(&cf, p)], GroupBy::Grid).unwrap();
        prop_assert_eq!(&merged[0], &m(&m(&a, &b), &c));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]
    #[test]
    fn any_city_sharded_by_community_equals_the_city(seed in 0u64..1000, n in 2u32..4) {
        let (shards, whole) = city(n, seed);
        let ms = every_rate();
        let p = params();
        let parts: Vec<Vec<Partial>> = shards.iter().map(|r| r.partials(&ms, &p, GroupBy::Grid)).collect();
        let order: Vec<usize> = (0..n as usize).rev().collect();
        prop_assert_eq!(merged(&parts, &order), whole.partials(&ms, &p, GroupBy::Grid));
    }
}
