//! User-defined rates from the same building blocks as the catalogue: a population filter,
//! an event (visit) filter, a period, and follow-up rules — visit rules of the schedule
//! ([`VisitRule`](crate::VisitRule), trigger → due dates → window → visit kind), counted as the
//! catalogue's follow-up rates count the default rules. Serde-describable, so the CLI and
//! Python load them from TOML.

use super::engine::{Cache, Ctx, Lite, Local, Row, Screen, Sink, obligation_entry};
use super::{Counts, Params, Reason, Scale};
use crate::registry::state::State;
use crate::visit::{ObligationState, PersonObligations};
use crate::{Error, Location, MaritalStatus, Method, PersonState, Residency, RuleSet, Sex, Subject};
use serde::{Deserialize, Serialize};

fn invalid(at: Location, reason: impl Into<String>) -> Error {
    Error::Invalid { at, reason: reason.into() }
}

/// Conditions on a person's state (all given conditions must hold; empty lists and
/// `None` mean "any").
///
/// # Example
///
/// ```
/// use famplan::{PersonFilter, Registry, Sex};
/// let f = PersonFilter { sex: Some(Sex::Female), min_age: Some(15), max_age: Some(49), ..Default::default() };
/// let reg = Registry::example();
/// let on = "2026-06-30".parse()?;
/// let n = reg.persons().filter_map(|p| p.state_on(on)).filter(|s| f.matches(s)).count();
/// assert_eq!(n, 2);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonFilter {
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Lowest age in completed years on the date, included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_age: Option<u32>,
    /// Highest age, included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u32>,
    /// Residency is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub residency: Vec<Residency>,
    /// Marital status is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marital: Vec<MaritalStatus>,
    /// The current method is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    /// Uses a method (recorded and not `none`) or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses_method: Option<bool>,
    /// Has an open case file or not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_file: Option<bool>,
    /// Carries every one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Has at least one visit of this kind dated in `P` (and on or before `A`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
}

impl PersonFilter {
    /// True when the state meets every condition except `visit` (which needs the visits).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{PersonFilter, Registry, Residency};
    /// let reg = Registry::example();
    /// let s = reg.state(&"p3".into(), "2026-06-30".parse()?).unwrap();
    /// assert!(PersonFilter { residency: vec![Residency::Floating], ..Default::default() }.matches(&s));
    /// assert!(!PersonFilter { case_file: Some(true), ..Default::default() }.matches(&s));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn matches(&self, s: &PersonState<'_>) -> bool {
        let case_open = s.case_file.is_open();
        self.check(s.sex, s.age, s.residency, s.marital, s.method, s.method_recorded, case_open)
            && self.tags.iter().all(|t| s.has_tag(t))
    }

    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn check(
        &self,
        sex: Sex,
        age: u32,
        residency: Residency,
        marital: MaritalStatus,
        method: Method,
        method_recorded: bool,
        case_open: bool,
    ) -> bool {
        self.sex.is_none_or(|x| sex == x)
            && self.min_age.is_none_or(|a| age >= a)
            && self.max_age.is_none_or(|a| age <= a)
            && (self.residency.is_empty() || self.residency.contains(&residency))
            && (self.marital.is_empty() || self.marital.contains(&marital))
            && (self.methods.is_empty() || (method_recorded && self.methods.contains(&method)))
            && self.uses_method.is_none_or(|u| u == (method_recorded && method != Method::None))
            && self.case_file.is_none_or(|c| c == case_open)
    }

    /// The state test on the rates' internal state; `tags` = the bits of `self.tags`
    /// (`None` when one of them was never used, so nobody carries it).
    #[inline]
    pub(crate) fn matches_lite(&self, s: &Lite, tags: Option<u64>) -> bool {
        tags.is_some_and(|b| s.tags & b == b)
            && self.check(s.sex, s.age, s.residency, s.marital, s.method, s.method_recorded, s.case_file.is_open())
    }

    /// The first condition `s` fails, as (field, detail), for drill-down reasons.
    fn first_failure(&self, s: &Lite, tags: Option<u64>, visit_ok: bool) -> (String, String) {
        let checks: [(&str, PersonFilter); 7] = [
            ("sex", PersonFilter { sex: self.sex, ..Default::default() }),
            ("age", PersonFilter { min_age: self.min_age, max_age: self.max_age, ..Default::default() }),
            ("residency", PersonFilter { residency: self.residency.clone(), ..Default::default() }),
            ("marital_status", PersonFilter { marital: self.marital.clone(), ..Default::default() }),
            ("contraceptive_method", PersonFilter { methods: self.methods.clone(), ..Default::default() }),
            ("contraceptive_method", PersonFilter { uses_method: self.uses_method, ..Default::default() }),
            ("case_file", PersonFilter { case_file: self.case_file, ..Default::default() }),
        ];
        for (field, f) in checks {
            if !f.matches_lite(s, Some(0)) {
                return (field.to_string(), format!("{field} does not meet the condition"));
            }
        }
        if tags.is_none_or(|b| s.tags & b != b) {
            return ("tags".to_string(), format!("lacks a tag of {}", self.tags.join(", ")));
        }
        if !visit_ok {
            let k = self.visit.as_deref().unwrap_or("");
            return (k.to_string(), format!("no {k} visit in the period"));
        }
        (String::new(), String::new())
    }
}

/// A user-defined rate: either a population rate (`denominator` and `numerator` filters,
/// evaluated on `D`, or on `P`'s last day with `on_period_end`) or a follow-up rate
/// (`follow_up`: visit rules in the format of `rules/default.toml`, under `[[follow_up.rule]]`).
///
/// A follow-up rate counts the obligations of its rules due in `P` exactly as the catalogue's
/// follow-up rates count the default rules ([`RuleSet::obligations`]): an obligation still open
/// on `A` (right-censored) or cancelled is left out, a fulfilled one is in the numerator, a
/// missed one only in the denominator. Only person rules are allowed (household rules have the
/// reconciliation rate).
///
/// # Example
///
/// ```
/// use famplan::{CustomRate, GroupBy, Params, Registry};
/// let r = CustomRate::from_toml(r#"
///     code = "floating_wra_case_file"
///     name = "流动育龄妇女建档率"
///     [denominator]
///     sex = "F"
///     min_age = 15
///     max_age = 49
///     residency = ["floating"]
///     [numerator]
///     case_file = true
/// "#)?;
/// let reg = Registry::example();
/// let t = reg.rate(&r.into(), &Params::new("2026-06-30".parse().unwrap()), GroupBy::Community);
/// assert_eq!((t.total.counts.numerator, t.total.counts.denominator), (0, 1));
///
/// // p1's IUD of 2024-05-01: follow-ups due 06-01, 08-01, 11-01; only the first was visited.
/// let iud = CustomRate::from_toml(r#"
///     code = "iud_followup_2024"
///     [[follow_up.rule]]
///     id = "iud"
///     triggers = [{ on = "procedure", procedures = ["iud_insertion"] }]
///     due = [{ months = 1, before = 7, after = 14 }, { months = 3, before = 14, after = 14 },
///            { months = 6, before = 14, after = 14 }]
///     fulfilled_by = { visit = "post_surgery" }
/// "#)?;
/// let p = Params::new("2024-12-31".parse().unwrap()).period(famplan::Period::year(2024).unwrap());
/// let t = reg.rate(&iud.into(), &p, GroupBy::Community);
/// assert_eq!((t.total.counts.numerator, t.total.counts.denominator), (1, 3));
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRate {
    /// Code, unique among the user's rates.
    pub code: String,
    /// Display name.
    #[serde(default)]
    pub name: String,
    /// Display scale.
    #[serde(default)]
    pub scale: Scale,
    /// Evaluate the population filters on `P`'s last day instead of `D`.
    #[serde(default)]
    pub on_period_end: bool,
    /// Who is in the denominator (population rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<PersonFilter>,
    /// Who of the denominator is also in the numerator (population rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<PersonFilter>,
    /// Obligations of these visit rules due in `P` (follow-up rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<RuleSet>,
}

impl CustomRate {
    /// Reads a rate from TOML and checks that it is either a population rate or a
    /// follow-up rate.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] for bad TOML or a rate that is both or neither.
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::CustomRate::from_toml(r#"code = "x""#).unwrap_err();
    /// assert!(err.to_string().contains("either"));
    /// ```
    pub fn from_toml(s: &str) -> Result<CustomRate, Error> {
        let r: CustomRate =
            toml::from_str(s).map_err(|e| invalid(Location::field("custom rate"), e.to_string().trim_end()))?;
        r.check()?;
        Ok(r)
    }

    /// Checks the shape: a `denominator` filter or `follow_up` person rules, not both.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the rate's code.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CustomRate, PersonFilter};
    /// let r = CustomRate { code: "all".into(), name: String::new(), scale: Default::default(), on_period_end: false,
    ///     denominator: Some(PersonFilter::default()), numerator: None, follow_up: None };
    /// assert!(r.check().is_ok());
    ///
    /// // Household rules have their own rate; a follow-up needs at least one rule.
    /// let household = famplan::RuleSet::default_rules().rules().iter().filter(|r| r.id == "reconciliation").cloned().collect();
    /// let r = CustomRate { denominator: None, follow_up: Some(famplan::RuleSet::new(household)?), ..r };
    /// assert!(r.check().unwrap_err().to_string().contains("household rules are not counted"));
    /// let r = CustomRate { follow_up: Some(famplan::RuleSet::new(vec![])?), ..r };
    /// assert!(r.check().unwrap_err().to_string().ends_with("`follow_up` has no rule"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        let at = || Location::field(format!("custom rate `{}`", self.code));
        match (&self.denominator, &self.follow_up) {
            (Some(_), None) => Ok(()),
            (None, Some(rules)) if self.numerator.is_none() => {
                match rules.rules().iter().find(|r| r.subject == Subject::Household) {
                    Some(r) => Err(invalid(
                        at(),
                        format!("follow_up rule `{}`: household rules are not counted by custom rates", r.id),
                    )),
                    None if rules.rules().is_empty() => Err(invalid(at(), "`follow_up` has no rule")),
                    None => Ok(()),
                }
            }
            _ => Err(invalid(at(), "needs either `denominator` (and `numerator`) filters or a `follow_up` rule")),
        }
    }
}

/// A person filter with its ids looked up.
struct PreparedFilter<'m> {
    f: &'m PersonFilter,
    /// `Some(None)`: a visit kind is required but never recorded.
    visit: Option<Option<u16>>,
    tags: Option<u64>,
}

/// The bits of `tags`; `None` when one of them was never used.
fn tag_bits(st: &State, tags: &[String]) -> Option<u64> {
    let mut bits = 0u64;
    for t in tags {
        bits |= 1 << st.tags.find(t)?;
    }
    Some(bits)
}

impl<'m> PreparedFilter<'m> {
    fn new(st: &State, f: &'m PersonFilter) -> PreparedFilter<'m> {
        let visit = f.visit.as_deref().map(|k| st.visit_kinds.find(k).map(|i| i as u16));
        PreparedFilter { f, visit, tags: tag_bits(st, &f.tags) }
    }

    #[inline]
    fn visit_ok(&self, ctx: &Ctx<'_>, p: u32) -> bool {
        match self.visit {
            None => true,
            Some(None) => false,
            Some(Some(k)) => ctx.has_visit(p, k),
        }
    }
}

/// A custom rate ready to run.
pub(crate) struct Prepared<'m> {
    rate: &'m CustomRate,
    den: Option<PreparedFilter<'m>>,
    num: Option<PreparedFilter<'m>>,
    follow_up: Option<Box<PersonObligations<'m>>>,
}

impl<'m> Prepared<'m> {
    pub(crate) fn new(st: &'m State, rate: &'m CustomRate, p: &Params) -> Prepared<'m> {
        Prepared {
            rate,
            den: rate.denominator.as_ref().map(|f| PreparedFilter::new(st, f)),
            num: rate.numerator.as_ref().map(|f| PreparedFilter::new(st, f)),
            follow_up: rate.follow_up.as_ref().map(|r| Box::new(PersonObligations::new(st, r, p.period, p.as_of))),
        }
    }

    /// Which persons without facts the rate can count: none for follow-ups triggered only
    /// by events, else those the denominator's sex, residency, marital and age tests admit.
    pub(crate) fn screen(&self, ctx: &Ctx<'_>) -> Screen {
        if let Some(obs) = &self.follow_up {
            return if obs.events_only() { Screen::WITH_FACTS } else { Screen::EVERYONE };
        }
        let Some(den) = &self.den else { return Screen::EVERYONE };
        let f = den.f;
        let on = if self.rate.on_period_end { ctx.p.period.end } else { ctx.p.on };
        let mut s = Screen::ANY.residency(&f.residency).marital(&f.marital);
        if let Some(x) = f.sex {
            s = s.sex(x);
        }
        if f.min_age.is_some() || f.max_age.is_some() {
            s = s.ages(on, f.min_age.unwrap_or(0), f.max_age.unwrap_or(u32::MAX));
        }
        s
    }

    #[inline]
    pub(crate) fn person<'r, S: Sink<'r>>(
        &self,
        ctx: &Ctx<'r>,
        cache: &mut Cache<'r>,
        local: &mut Local,
        sink: &mut S,
    ) {
        if let Some(obs) = &self.follow_up {
            obs.person(cache.p.ix, &mut local.visit, |o| {
                let done = match o.state {
                    ObligationState::Done => true,
                    ObligationState::Missed => false,
                    _ => return, // open on A (right-censored) or cancelled
                };
                let unit = ctx.household_unit(o.household_ix(), o.due.min(ctx.p.as_of));
                sink.add(unit, Counts::one(done), |why| obligation_entry(&self.rate.code, &o, why));
            });
            return;
        }
        let Some(den) = &self.den else { return };
        let on = if self.rate.on_period_end { ctx.p.period.end } else { ctx.p.on };
        let Some(s) = cache.at(ctx, on) else { return };
        let p = cache.p;
        if !den.f.matches_lite(&s, den.tags) || !den.visit_ok(ctx, p.ix) {
            return;
        }
        let (hit, visit_ok) = match &self.num {
            None => (true, true),
            Some(n) => {
                let v = n.visit_ok(ctx, p.ix);
                (n.f.matches_lite(&s, n.tags) && v, v)
            }
        };
        sink.add(ctx.unit(&s), Counts::one(hit), |why| {
            Row::person(p.id()).because(why, || {
                let (field, detail) =
                    self.num.as_ref().map(|n| n.f.first_failure(&s, n.tags, visit_ok)).unwrap_or_default();
                Reason::new(self.rate.code.clone(), field, detail)
            })
        });
    }
}
