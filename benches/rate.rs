//! Rate benchmarks: SIX_RATES.md's six rates on the seeded generator's city.
//!
//! The size is `FAMPLAN_BENCH_PERSONS` (default 1 000 000). Every iteration asserts its
//! counts against a plain reference computation made once with the public per-person API.

use criterion::{BenchmarkId, Criterion};
use famplan::{CustomRate, GroupBy, Measure, Method, Params, Period, RateCode, Registry, Residency, Sex};
use std::hint::black_box;

fn d(s: &str) -> chrono::NaiveDate {
    s.parse().expect("a date")
}

/// The six rates' jobs: case file rate, CPR (married WRA) and floating check on D /
/// June, the IUD follow-up (SIX_RATES, user-defined) over Q2; visits seen to the extraction
/// (2026-07-15), A the day after it, when no window of the period is open any more.
pub fn six_jobs() -> (Vec<Measure>, Vec<Params>) {
    let iud = CustomRate::from_toml(include_str!("../testdata/rates/iud_followup.toml")).expect("the IUD rule");
    let on = d("2026-06-30");
    let base = Params::new(on).as_of(d("2026-07-16"));
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
    let n = crate::persons() as usize;
    // The seeded generator's city, loaded like a snapshot directory (DOMAIN §15).
    let reg = crate::registry::load(&crate::registry::snapshot(n as u64));
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
