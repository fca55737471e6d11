//! Which visits a computation can read (读取的走访): for each visit kind, the dates that can
//! change a number. A Spark job drops every other visit before it routes the visits to their
//! communities (docs/scale-out.md); the partials are the same, because a visit never changes a
//! person's state (it is only stored), so a rate's numbers depend only on the visits it reads.
//!
//! Derived from the same definitions the evaluators use: the catalogue's visit kinds
//! ([`catalogue::FLOATING_CHECK`], [`catalogue::SUPPLY_FOLLOWUP`]), the rules a follow-up
//! rate counts ([`catalogue::counts_rule`]), and the visit engine's own reach of a rule
//! ([`visit_reach`]).

use super::catalogue::{self, FLOATING_CHECK, RateCode, SUPPLY_FOLLOWUP};
use super::{Measure, Params};
use crate::registry::state::date;
use crate::visit::visit_reach;
use crate::{Period, RuleSet};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// 读取的走访 — the visits a set of measures can read with their parameters: every visit, or
/// only those of some kinds dated in some ranges (both ends included). Visits outside it can
/// be dropped before a computation without changing any number of those measures (for valid
/// input: a dropped visit's errors, such as an unknown person, are then not seen).
///
/// # Example
///
/// ```
/// use famplan::{Measure, Params, Period, RateCode, VisitsRead};
/// let june = Params::new("2026-06-30".parse()?);
/// let read = VisitsRead::of(&[(&RateCode::Cpr.into(), june), (&RateCode::FloatingCheckRate.into(), june)]);
/// // cpr reads no visit; the floating check reads the monthly checks of June.
/// assert!(read.keeps("floating_monthly_check", "2026-06-03".parse()?));
/// assert!(!read.keeps("floating_monthly_check", "2026-05-31".parse()?));
/// assert!(!read.keeps("post_surgery", "2026-06-03".parse()?));
/// assert_eq!(read.ranges("floating_monthly_check"), [Period::month(2026, 6).unwrap()]);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitsRead {
    /// Every visit may be read.
    All,
    /// Only visits of these kinds, dated inside one of the ranges of their kind (sorted,
    /// neither overlapping nor touching).
    Kinds(BTreeMap<String, Vec<Period>>),
}

impl Default for VisitsRead {
    fn default() -> Self {
        VisitsRead::none()
    }
}

impl VisitsRead {
    /// Reads no visit.
    ///
    /// # Example
    ///
    /// ```
    /// let none = famplan::VisitsRead::none();
    /// assert!(!none.is_all() && !none.keeps("post_surgery", "2026-06-01".parse()?));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn none() -> VisitsRead {
        VisitsRead::Kinds(BTreeMap::new())
    }

    /// The visits several measures read, each with its own parameters (as
    /// [`Registry::partials_each`](crate::Registry::partials_each) takes them): the union of
    /// [`Measure::visits_read`].
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Params, Period, RateCode, VisitsRead};
    /// let d = "2026-06-30".parse()?;
    /// let fc = RateCode::FloatingCheckRate.into();
    /// let may = Params::new("2026-05-31".parse()?);
    /// let read = VisitsRead::of(&[(&fc, may), (&fc, Params::new(d))]);
    /// // May and June touch: one range.
    /// assert_eq!(read.ranges("floating_monthly_check"), [Period::new("2026-05-01".parse()?, d).unwrap()]);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn of(jobs: &[(&Measure, Params)]) -> VisitsRead {
        let mut out = VisitsRead::none();
        for (m, p) in jobs {
            out.union(&m.visits_read(p));
        }
        out
    }

    /// True when every visit may be read.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::VisitsRead::All.is_all());
    /// ```
    pub fn is_all(&self) -> bool {
        matches!(self, VisitsRead::All)
    }

    /// Adds the visits of `kind` dated in `dates` (merged with the ranges it has).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, VisitsRead};
    /// let mut r = VisitsRead::none();
    /// r.add("post_surgery", Period::month(2026, 3).unwrap());
    /// r.add("post_surgery", Period::month(2026, 1).unwrap());
    /// r.add("post_surgery", Period::month(2026, 2).unwrap()); // fills the gap: one range
    /// assert_eq!(r.ranges("post_surgery"), [Period::quarter(2026, 1).unwrap()]);
    /// ```
    pub fn add(&mut self, kind: &str, dates: Period) {
        let VisitsRead::Kinds(kinds) = self else { return };
        let ranges = kinds.entry(kind.to_string()).or_default();
        ranges.push(dates);
        ranges.sort();
        let mut merged: Vec<Period> = Vec::with_capacity(ranges.len());
        for r in ranges.drain(..) {
            match merged.last_mut() {
                // Overlapping or touching (the next day): one range.
                Some(last) if last.end.succ_opt().is_none_or(|next| r.start <= next) => {
                    last.end = last.end.max(r.end);
                }
                _ => merged.push(r),
            }
        }
        *ranges = merged;
    }

    /// Adds every visit `other` reads.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, VisitsRead};
    /// let mut r = VisitsRead::none();
    /// r.union(&VisitsRead::All);
    /// assert!(r.is_all());
    /// ```
    pub fn union(&mut self, other: &VisitsRead) {
        match other {
            VisitsRead::All => *self = VisitsRead::All,
            VisitsRead::Kinds(kinds) => {
                for (kind, ranges) in kinds {
                    for r in ranges {
                        self.add(kind, *r);
                    }
                }
            }
        }
    }

    /// The ranges of `kind` (empty when it is not read, or when every visit is).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::VisitsRead::none().ranges("post_surgery").is_empty());
    /// ```
    pub fn ranges(&self, kind: &str) -> &[Period] {
        match self {
            VisitsRead::All => &[],
            VisitsRead::Kinds(kinds) => kinds.get(kind).map_or(&[], Vec::as_slice),
        }
    }

    /// Whether a visit of `kind` on `on` may be read (is to be kept).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, VisitsRead};
    /// let mut r = VisitsRead::none();
    /// r.add("birth_home", Period::month(2026, 6).unwrap());
    /// assert!(r.keeps("birth_home", "2026-06-30".parse()?));
    /// assert!(!r.keeps("birth_home", "2026-07-01".parse()?));
    /// assert!(VisitsRead::All.keeps("anything", "1990-01-01".parse()?));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn keeps(&self, kind: &str, on: NaiveDate) -> bool {
        match self {
            VisitsRead::All => true,
            VisitsRead::Kinds(_) => self.ranges(kind).iter().any(|r| r.contains(on)),
        }
    }

    /// Every (kind, range) pair, kinds in order: what a Spark filter is built from.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Params, RateCode, VisitsRead};
    /// let read = VisitsRead::of(&[(&RateCode::SupplyUseRate.into(), Params::new("2026-06-30".parse()?))]);
    /// let pairs: Vec<_> = read.pairs().map(|(k, r)| format!("{k} {r}")).collect();
    /// assert_eq!(pairs, ["supply_followup 2026-06-01..2026-06-30"]);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn pairs(&self) -> impl Iterator<Item = (&str, Period)> + '_ {
        let kinds = match self {
            VisitsRead::All => None,
            VisitsRead::Kinds(k) => Some(k),
        };
        kinds.into_iter().flat_map(|k| k.iter().flat_map(|(kind, rs)| rs.iter().map(move |r| (kind.as_str(), *r))))
    }

    /// Adds what the obligations of `rules` due in `P` as known on `A` can read (each rule
    /// for which `wanted` holds), as the visit engine matches visits to them.
    fn add_rules(&mut self, rules: &RuleSet, p: &Params, wanted: impl Fn(&crate::VisitRule) -> bool) {
        for rule in rules.rules().iter().filter(|r| wanted(r)) {
            let Some(kind) = rule.fulfilled_by.visit.as_deref() else { continue };
            let Some((lo, hi)) = visit_reach(rule, p.period.start, p.period.end, p.as_of) else { continue };
            match (date(lo), date(hi)) {
                (Some(lo), Some(hi)) => self.add(kind, Period { start: lo, end: hi }),
                // Out of the calendar's reach: be safe, read everything.
                _ => *self = VisitsRead::All,
            }
        }
    }

    /// Adds the visits of `kind` in `P`, seen on `A` (`P ∩ [.., A]`).
    fn add_in_period(&mut self, kind: &str, p: &Params) {
        if let Some(r) = Period::new(p.period.start, p.period.end.min(p.as_of)) {
            self.add(kind, r);
        }
    }
}

impl Measure {
    /// The visits this measure can read with `params` ([`VisitsRead`]):
    /// - `floating_check_rate`: `floating_monthly_check` visits in `P` up to `A`;
    ///   `supply_use_rate`: `supply_followup` visits in `P` up to `A`;
    /// - the follow-up rates and `reconciliation_rate`: the visit kind of each default rule the
    ///   rate counts, from the earliest day a window of an obligation it computes can open
    ///   (obligations due before `P` can take a visit first) to the last day one can close,
    ///   and not after `A`;
    /// - a custom rate: the `visit` kind of its filters in `P` up to `A`, or the visit kinds
    ///   of its follow-up rules over their windows, as above;
    /// - every other catalogue rate reads no visit.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CustomRate, Measure, Params, Period};
    /// let iud = CustomRate::from_toml(r#"
    ///     code = "iud"
    ///     [[follow_up.rule]]
    ///     id = "iud"
    ///     triggers = [{ on = "procedure", procedures = ["iud_insertion"] }]
    ///     due = [{ months = 1, before = 15, after = 15 }, { months = 3, before = 15, after = 15 }]
    ///     fulfilled_by = { visit = "post_surgery" }
    /// "#).unwrap();
    /// let p = Params::new("2026-06-30".parse()?).period(Period::quarter(2026, 2).unwrap()).as_of("2026-07-16".parse()?);
    /// // A window of an obligation the engine computes closes on or after 1 April − 15 days
    /// // (17 March), so it opens on or after 17 March − 30 days = 15 February; the last closes
    /// // by 30 June + 15 days = 15 July (before A, 16 July).
    /// let read = Measure::from(iud).visits_read(&p);
    /// assert_eq!(read.ranges("post_surgery"), [Period::new("2026-02-15".parse()?, "2026-07-15".parse()?).unwrap()]);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn visits_read(&self, params: &Params) -> VisitsRead {
        let mut out = VisitsRead::none();
        match self {
            Measure::Catalogue(code) => match code {
                RateCode::FloatingCheckRate => out.add_in_period(FLOATING_CHECK, params),
                RateCode::SupplyUseRate => out.add_in_period(SUPPLY_FOLLOWUP, params),
                RateCode::FollowupRate
                | RateCode::HomeVisitRate
                | RateCode::KeyPopulationFollowupRate
                | RateCode::SupplyFollowupRate
                | RateCode::ReconciliationRate => {
                    out.add_rules(&RuleSet::default_rules(), params, |r| catalogue::counts_rule(*code, r))
                }
                RateCode::CaseFileRate
                | RateCode::CaseFileRateVerified
                | RateCode::PopulationRecordRate
                | RateCode::AccuracyRate
                | RateCode::SupplyEffectiveRate
                | RateCode::Cpr
                | RateCode::TimelyContraceptionRate
                | RateCode::ContraceptiveEffectiveRate
                | RateCode::MethodMix
                | RateCode::OnlyChildCertificateRate
                | RateCode::BirthRate
                | RateCode::GeneralFertilityRate
                | RateCode::SexRatioAtBirth
                | RateCode::ScreeningRate
                | RateCode::SatisfactionRate
                | RateCode::PolicyAwarenessRate
                | RateCode::PolicyComplianceRate => {}
            },
            Measure::Custom(c) => {
                for f in [&c.denominator, &c.numerator].into_iter().flatten() {
                    if let Some(kind) = f.visit.as_deref() {
                        out.add_in_period(kind, params);
                    }
                }
                if let Some(rules) = &c.follow_up {
                    out.add_rules(rules, params, |_| true);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn pairs(m: RateCode, p: Params) -> Vec<String> {
        Measure::from(m).visits_read(&p).pairs().map(|(k, r)| format!("{k} {r}")).collect()
    }

    fn q2(as_of: &str) -> Params {
        Params::new(d("2026-06-30")).period(Period::quarter(2026, 2).unwrap()).as_of(d(as_of))
    }

    #[test]
    fn the_floating_check_reads_its_kind_in_p_up_to_a() {
        assert_eq!(
            pairs(RateCode::FloatingCheckRate, q2("2026-07-16")),
            ["floating_monthly_check 2026-04-01..2026-06-30"]
        );
        // A inside P: nothing after A.
        assert_eq!(
            pairs(RateCode::FloatingCheckRate, q2("2026-05-10")),
            ["floating_monthly_check 2026-04-01..2026-05-10"]
        );
        // A before P: nothing at all.
        assert!(pairs(RateCode::SupplyUseRate, q2("2026-03-31")).is_empty());
        assert_eq!(pairs(RateCode::SupplyUseRate, q2("2026-06-30")), ["supply_followup 2026-04-01..2026-06-30"]);
    }

    #[test]
    fn stocks_and_births_read_no_visit() {
        for m in [RateCode::CaseFileRate, RateCode::Cpr, RateCode::BirthRate, RateCode::SatisfactionRate] {
            assert_eq!(Measure::from(m).visits_read(&q2("2026-07-16")), VisitsRead::none(), "{m}");
        }
    }

    #[test]
    fn the_follow_up_rate_reads_each_rule_over_its_windows() {
        // Due in Q2 (1 April .. 30 June), as of 16 July. Per rule (before, after; B = the
        // largest before, S = the largest before + after): from 1 April − B − S, to
        // min(A, 30 June + largest after).
        // marriage_home (30, 15): 1 Apr − 75 d = 16 Jan .. 30 Jun + 15 = 15 Jul.
        // birth_home (7, 7): 1 Apr − 21 d = 11 Mar .. 7 Jul.
        // newborn_check (0, 2): 1 Apr − 2 = 30 Mar .. 2 Jul.
        // postpartum_check (0, 14): 1 Apr − 14 = 18 Mar .. 14 Jul.
        // post_surgery: IUD and implant (B 30, S 60): 1 Apr − 90 d = 1 Jan .. min(16 Jul,
        //   30 Jul) = 16 Jul; sterilization and abortion (14, 14) lie inside.
        // injection (14, 28): 1 Apr − 56 d = 4 Feb .. min(16 Jul, 28 Jul) = 16 Jul.
        // supply_followup (14, 14, then every 14, 14): 1 Apr − 42 d = 18 Feb .. 14 Jul.
        // pill_resupply (0, 14): 18 Mar .. 14 Jul.
        // (Not the floating check nor the reconciliation: calendar rules; nor the new case
        // file: fulfilled by opening it.)
        assert_eq!(
            pairs(RateCode::FollowupRate, q2("2026-07-16")),
            [
                "birth_home 2026-03-11..2026-07-07",
                "injection 2026-02-04..2026-07-16",
                "marriage_home 2026-01-16..2026-07-15",
                "newborn_check 2026-03-30..2026-07-02",
                "pill_resupply 2026-03-18..2026-07-14",
                "post_surgery 2026-01-01..2026-07-16",
                "postpartum_check 2026-03-18..2026-07-14",
                "supply_followup 2026-02-18..2026-07-14",
            ]
        );
        assert_eq!(
            pairs(RateCode::HomeVisitRate, q2("2026-07-16")),
            ["birth_home 2026-03-11..2026-07-07", "marriage_home 2026-01-16..2026-07-15"]
        );
        assert_eq!(pairs(RateCode::SupplyFollowupRate, q2("2026-07-01")), ["supply_followup 2026-02-18..2026-07-01"]);
        // The quarterly reconciliation: the quarter whose last day is in P, up to A.
        assert_eq!(pairs(RateCode::ReconciliationRate, q2("2026-07-16")), ["reconciliation 2026-04-01..2026-06-30"]);
        // Over June only: the quarter ending in June starts on 1 April.
        let june = Params::new(d("2026-06-30")).as_of(d("2026-07-16"));
        assert_eq!(pairs(RateCode::ReconciliationRate, june), ["reconciliation 2026-04-01..2026-06-30"]);
    }

    #[test]
    fn a_calendar_rule_of_a_custom_rate_reads_its_months() {
        let mut rules = RuleSet::default_rules().rules().to_vec();
        rules.retain(|r| r.id == "floating_monthly_check");
        let rate = crate::CustomRate {
            code: "fc".into(),
            name: String::new(),
            scale: Default::default(),
            on_period_end: false,
            denominator: None,
            numerator: None,
            follow_up: Some(RuleSet::new(rules).unwrap()),
        };
        // P = 15 May .. 30 June: the months whose last day is in P are May and June.
        let p = Params::new(d("2026-06-30")).period(Period::new(d("2026-05-15"), d("2026-06-30")).unwrap());
        let read = Measure::from(rate).visits_read(&p);
        assert_eq!(read.ranges("floating_monthly_check"), [Period::new(d("2026-05-01"), d("2026-06-30")).unwrap()]);
    }

    #[test]
    fn ranges_merge_and_all_absorbs() {
        let mut r = VisitsRead::none();
        r.add("k", Period::new(d("2026-01-10"), d("2026-01-20")).unwrap());
        r.add("k", Period::new(d("2026-01-22"), d("2026-01-25")).unwrap()); // a gap of one day (21st)
        r.add("k", Period::new(d("2026-01-01"), d("2026-01-12")).unwrap()); // overlaps the first
        assert_eq!(
            r.ranges("k"),
            [
                Period::new(d("2026-01-01"), d("2026-01-20")).unwrap(),
                Period::new(d("2026-01-22"), d("2026-01-25")).unwrap()
            ]
        );
        assert!(!r.keeps("k", d("2026-01-21")));
        r.add("k", Period::new(d("2026-01-21"), d("2026-01-21")).unwrap());
        assert_eq!(r.ranges("k"), [Period::new(d("2026-01-01"), d("2026-01-25")).unwrap()]);
        r.union(&VisitsRead::All);
        r.add("other", Period::month(2026, 1).unwrap());
        assert!(r.is_all() && r.pairs().next().is_none());
    }
}
