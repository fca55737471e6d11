//! User-defined rates from the same building blocks as the catalogue: a population filter,
//! an event (visit) filter, a period, and follow-up rules (trigger → due dates → window →
//! visit kind). Serde-describable, so the CLI and Python load them from TOML.

use super::engine::{Cache, Ctx, Lite, Sink};
use super::{Counts, Reason, Scale};
use crate::person::code_enum;
use crate::registry::state::{Change, State, UNDATED, date, day};
use crate::{
    Error, Location, MaritalStatus, Method, Period, PersonId, PersonState, PregnancyOutcome, Procedure, Residency, Sex,
};
use chrono::{Days, NaiveDate};
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

code_enum!(
    /// A dated event that triggers follow-up obligations.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("iud_insertion".parse::<famplan::TriggerEvent>(), Ok(famplan::TriggerEvent::IudInsertion));
    /// ```
    TriggerEvent {
        /** 结婚 */ Married = "married",
        /** 活产 */ LiveBirth = "live_birth",
        /** 放环 */ IudInsertion = "iud_insertion",
        /** 女扎 / 男扎 */ Sterilization = "sterilization",
        /** 皮埋 */ ImplantInsertion = "implant_insertion",
        /** 人工流产 */ InducedAbortion = "induced_abortion",
        /** 药具发放 */ SuppliesDispensed = "supplies_dispensed"
    }
);

impl TriggerEvent {
    fn matches(self, c: Change) -> bool {
        matches!(
            (self, c),
            (TriggerEvent::Married, Change::Marital(MaritalStatus::Married))
                | (TriggerEvent::LiveBirth, Change::PregnancyEnded(PregnancyOutcome::LiveBirth, _))
                | (TriggerEvent::IudInsertion, Change::Procedure(Procedure::IudInsertion))
                | (
                    TriggerEvent::Sterilization,
                    Change::Procedure(Procedure::TubalSterilization | Procedure::Vasectomy)
                )
                | (TriggerEvent::ImplantInsertion, Change::Procedure(Procedure::ImplantInsertion))
                | (TriggerEvent::InducedAbortion, Change::Procedure(Procedure::InducedAbortion))
                | (TriggerEvent::SuppliesDispensed, Change::Supplies(_))
        )
    }
}

/// What starts a follow-up rule's obligations.
///
/// In TOML: `trigger = { method = "iud" }` or `trigger = { event = "iud_insertion" }`.
///
/// # Example
///
/// ```
/// use famplan::{Method, FollowUpTrigger};
/// let t: FollowUpTrigger = serde_json::from_str(r#"{"method":"iud"}"#)?;
/// assert_eq!(t, FollowUpTrigger::Method(Method::Iud));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpTrigger {
    /// The person's current method on `D` is this one and its start date is known:
    /// one trigger, on the start date (the snapshot's `contraceptive_method` + `method_start`).
    Method(Method),
    /// Every such dated event of the person, seen on `A`.
    Event(TriggerEvent),
}

/// One due date after the trigger and its window: due = trigger + `months` (calendar,
/// clamped) + `days`; window `[due − before, due + after]` in days, both ends included.
///
/// # Example
///
/// ```
/// let d = famplan::Due { months: 1, days: 0, before: 7, after: 14 };
/// let (due, window) = d.on("2026-01-31".parse()?).unwrap();
/// assert_eq!(due.to_string(), "2026-02-28");
/// assert_eq!(window.to_string(), "2026-02-21..2026-03-14");
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Due {
    /// Calendar months after the trigger.
    #[serde(default)]
    pub months: u32,
    /// Days after the trigger (added after the months).
    #[serde(default)]
    pub days: u32,
    /// Days before the due date the window opens.
    #[serde(default)]
    pub before: u32,
    /// Days after the due date the window closes.
    #[serde(default)]
    pub after: u32,
}

impl Due {
    /// The due date and window after a trigger on `trigger`.
    ///
    /// # Example
    ///
    /// ```
    /// let d = famplan::Due { days: 30, before: 30, after: 15, ..Default::default() };
    /// assert_eq!(d.on("2026-05-01".parse()?).unwrap().0.to_string(), "2026-05-31");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn on(&self, trigger: NaiveDate) -> Option<(NaiveDate, Period)> {
        let due = crate::add_months(trigger, self.months as i32)?.checked_add_days(Days::new(u64::from(self.days)))?;
        let open = due.checked_sub_days(Days::new(u64::from(self.before)))?;
        let close = due.checked_add_days(Days::new(u64::from(self.after)))?;
        Some((due, Period { start: open, end: close }))
    }
}

/// A follow-up rule: who, what triggers it, when each follow-up is due and in which
/// window, and which visit kind fulfils it.
///
/// An obligation due in `P` is in the denominator unless, on `A`, it is still open (not
/// fulfilled and its window not closed: right-censored) or cancelled (the person died or
/// moved out, or — with `stops_with_method` — the method was stopped or removed, after the
/// trigger and before the window closed). It is in the numerator when a visit of the kind
/// dated inside its window (and on or before `A`) exists; any such visit fulfils it.
///
/// # Example
///
/// ```
/// use famplan::{FollowUpRule, Method, FollowUpTrigger};
/// let r = FollowUpRule::from_toml(r#"
///     name = "iud_followup"
///     trigger = { method = "iud" }
///     visit = "post_surgery"
///     due = [{ months = 1, before = 15, after = 15 }, { months = 3, before = 15, after = 15 }]
///     who = { sex = "F" }
/// "#)?;
/// assert_eq!(r.trigger, FollowUpTrigger::Method(Method::Iud));
/// assert_eq!(r.due.len(), 2);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRule {
    /// The rule's name, quoted in reasons.
    pub name: String,
    /// Who the rule applies to, on `D`.
    #[serde(default)]
    pub who: PersonFilter,
    /// What starts it.
    pub trigger: FollowUpTrigger,
    /// The visit kind that fulfils it.
    pub visit: String,
    /// The due dates after each trigger.
    pub due: Vec<Due>,
    /// Cancelled when the method is stopped or removed before the window closes.
    #[serde(default)]
    pub stops_with_method: bool,
}

impl FollowUpRule {
    /// Reads a rule from TOML.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the TOML error.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::FollowUpRule::from_toml("name = 1").is_err());
    /// ```
    pub fn from_toml(s: &str) -> Result<FollowUpRule, Error> {
        toml::from_str(s).map_err(|e| invalid(Location::field("follow-up rule"), e.to_string().trim_end()))
    }
}

/// A user-defined rate: either a population rate (`denominator` and `numerator` filters,
/// evaluated on `D`, or on `P`'s last day with `on_period_end`) or a follow-up rate
/// (`follow_up`).
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
    /// Obligations of this rule due in `P` (follow-up rates).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<FollowUpRule>,
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

    /// Checks the shape: a `denominator` filter or a `follow_up` rule, not both.
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
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        match (&self.denominator, &self.follow_up) {
            (Some(_), None) => Ok(()),
            (None, Some(_)) if self.numerator.is_none() => Ok(()),
            _ => Err(invalid(
                Location::field(format!("custom rate `{}`", self.code)),
                "needs either `denominator` (and `numerator`) filters or a `follow_up` rule",
            )),
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
            Some(Some(k)) => ctx.st.person_visits(p).any(|v| v.kind == k && ctx.in_period(day(v.date))),
        }
    }
}

/// A follow-up rule with its visit kind looked up.
pub(crate) struct PreparedRule<'m> {
    rule: &'m FollowUpRule,
    visit: Option<u16>,
    /// Tag bits every person must carry; `None` when a required tag was never used.
    tags: Option<u64>,
}

impl<'m> PreparedRule<'m> {
    fn with(st: &State, rule: &'m FollowUpRule) -> PreparedRule<'m> {
        let r = rule;
        let visit = st.visit_kinds.find(&r.visit).map(|i| i as u16);
        let tags = tag_bits(st, &r.who.tags);
        PreparedRule { rule, visit, tags }
    }

    fn rule(&self) -> &FollowUpRule {
        self.rule
    }

    /// The obligations of one person due in `P`.
    #[inline]
    pub(crate) fn person<'r, S: Sink>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, rate: &str, sink: &mut S) {
        let r = self.rule();
        let tags = self.tags;
        if tags.is_none() {
            return;
        }
        let p = cache.p;
        match r.trigger {
            FollowUpTrigger::Method(m) => {
                let Some(s) = cache.at(ctx, ctx.p.on) else { return };
                if !(s.method_recorded && s.method == m) {
                    return;
                }
                let Some(start) = s.method_since() else { return };
                if !r.who.matches_lite(&s, tags) {
                    return;
                }
                let unit = ctx.unit(&s);
                self.obligations(ctx, p, start, unit, rate, sink);
            }
            FollowUpTrigger::Event(e) => {
                let mut who: Option<Option<u32>> = None;
                for f in ctx.st.facts_of(p.ix) {
                    if f.date > ctx.a {
                        break;
                    }
                    if f.date == UNDATED || !e.matches(f.change) {
                        continue;
                    }
                    let at = who.get_or_insert_with(|| {
                        cache.at(ctx, ctx.p.on).filter(|s| r.who.matches_lite(s, tags)).map(|s| ctx.unit(&s))
                    });
                    let Some(unit) = *at else { return };
                    self.obligations(ctx, p, date(f.date).expect("dated"), unit, rate, sink);
                }
            }
        }
    }

    fn obligations<S: Sink>(
        &self,
        ctx: &Ctx<'_>,
        p: crate::PersonRef<'_>,
        trigger: NaiveDate,
        unit: u32,
        rate: &str,
        sink: &mut S,
    ) {
        let r = self.rule();
        for (k, d) in r.due.iter().enumerate() {
            let Some((due, window)) = d.on(trigger) else { continue };
            if due < ctx.p.period.start || due > ctx.p.period.end {
                continue;
            }
            let (w0, w1) = (day(window.start), day(window.end));
            let done = self.visit.is_some_and(|kind| {
                ctx.st.person_visits(p.ix).any(|v| {
                    let vd = day(v.date);
                    v.kind == kind && vd >= w0 && vd <= w1 && vd <= ctx.a
                })
            });
            if !done {
                if w1 > ctx.a {
                    continue; // still open on A: right-censored
                }
                if self.cancelled(ctx, p.ix, day(trigger), w1) {
                    continue;
                }
            }
            sink.add(unit, Counts::one(done), || {
                let mut why = Reason::new(
                    format!("{rate}/{}", r.name),
                    r.visit.clone(),
                    format!("no {} visit in the window of follow-up #{} after {trigger}", r.visit, k + 1),
                );
                why.due = Some(due);
                why.window = Some(window);
                (Some(PersonId::new(p.id())), format!("{} {} #{} due {due}", p.id(), r.name, k + 1), Some(why))
            });
        }
    }

    fn cancelled(&self, ctx: &Ctx<'_>, p: u32, from: i32, to: i32) -> bool {
        let r = self.rule();
        ctx.st.facts_of(p).iter().any(|f| {
            f.date > from
                && f.date <= to
                && f.date <= ctx.a
                && match f.change {
                    Change::Died | Change::MovedOut { .. } => true,
                    Change::MethodStopped(_) => r.stops_with_method,
                    Change::Procedure(pr) => r.stops_with_method && pr.stops().is_some(),
                    _ => false,
                }
        })
    }
}

/// A custom rate ready to run.
pub(crate) struct Prepared<'m> {
    rate: &'m CustomRate,
    den: Option<PreparedFilter<'m>>,
    num: Option<PreparedFilter<'m>>,
    rule: Option<PreparedRule<'m>>,
}

impl<'m> Prepared<'m> {
    pub(crate) fn new(st: &State, rate: &'m CustomRate) -> Prepared<'m> {
        Prepared {
            rate,
            den: rate.denominator.as_ref().map(|f| PreparedFilter::new(st, f)),
            num: rate.numerator.as_ref().map(|f| PreparedFilter::new(st, f)),
            rule: rate.follow_up.as_ref().map(|r| PreparedRule::with(st, r)),
        }
    }

    #[inline]
    pub(crate) fn person<'r, S: Sink>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, sink: &mut S) {
        if let Some(rule) = &self.rule {
            rule.person(ctx, cache, &self.rate.code, sink);
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
        sink.add(ctx.unit(&s), Counts::one(hit), || {
            let (field, detail) =
                self.num.as_ref().map(|n| n.f.first_failure(&s, n.tags, visit_ok)).unwrap_or_default();
            (Some(PersonId::new(p.id())), p.id().to_string(), Some(Reason::new(self.rate.code.clone(), field, detail)))
        });
    }
}
