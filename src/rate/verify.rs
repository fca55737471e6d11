//! Verification rounds (DOMAIN §8): each observed person compared with the registry on the
//! verification's date, never editing it.

use super::engine::{Ctx, Row, Sink};
use super::{Counts, RateCode, Reason};
use crate::registry::state::{Change, NONE};
use crate::{EventId, HouseholdId, Method, Observation, Period, PersonId, Registry, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How one person of a verification compares with the registry.
///
/// # Example
///
/// ```
/// use famplan::VerificationOutcome;
/// let o = VerificationOutcome::Mismatched(vec!["marital".into()]);
/// assert!(!o.is_matched());
/// assert!(o.is_filed());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "outcome", content = "items")]
pub enum VerificationOutcome {
    /// Every observed key item equals the registry's.
    Matched,
    /// These key items differ (`name`, `sex`, `birth_date`, `id_number`, `relation`,
    /// `residency`, `marital`, `method`, `method_start`).
    Mismatched(Vec<String>),
    /// Observed, but not in the registry.
    Unfiled,
    /// In the registry as a resident member of the household on that date, but not observed.
    NotFound,
}

impl VerificationOutcome {
    /// True for [`VerificationOutcome::Matched`].
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::VerificationOutcome::Matched.is_matched());
    /// ```
    pub fn is_matched(&self) -> bool {
        matches!(self, VerificationOutcome::Matched)
    }

    /// True when the observed person is in the registry (matched or mismatched).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::VerificationOutcome::Unfiled.is_filed());
    /// ```
    pub fn is_filed(&self) -> bool {
        matches!(self, VerificationOutcome::Matched | VerificationOutcome::Mismatched(_))
    }
}

/// One person of one verification, compared with the registry.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Observation, Period, Registry, Sex, VerificationOutcome};
/// let mut reg = Registry::example();
/// let on = "2026-06-10".parse()?;
/// let observed = vec![
///     Observation { person: Some("p1".into()), sex: Some(Sex::Female), ..Default::default() },
///     Observation { name: Some("陈新".into()), ..Default::default() },
/// ];
/// reg.apply(Event::new("v1", on, "k1", EventKind::VerificationRecorded { household: "h1".into(), observed }))?;
/// let out = reg.verify(Period::month_of(on), on);
/// assert_eq!(out.len(), 3);
/// assert_eq!(out[0].outcome, VerificationOutcome::Matched);
/// assert_eq!(out[1].outcome, VerificationOutcome::Unfiled);
/// assert_eq!(out[2].outcome, VerificationOutcome::NotFound); // p2 was not seen
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedPerson {
    /// The verification event.
    pub event: EventId,
    /// Its date.
    pub date: NaiveDate,
    /// The household visited.
    pub household: HouseholdId,
    /// The registry person, if known.
    pub person: Option<PersonId>,
    /// The comparison.
    pub outcome: VerificationOutcome,
    /// A woman of reproductive age on that date (observed sex and birth date, else the registry's).
    pub wra: bool,
    /// Had an open case file on that date.
    pub case_file: bool,
}

impl Registry {
    /// Compares every verification dated in `period` (and on or before `as_of`) with the
    /// registry on its date: the observed persons in order, then the resident members not
    /// observed. Nothing is edited.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry};
    /// let reg = Registry::example();
    /// assert!(reg.verify(Period::year(2026).unwrap(), "2026-12-31".parse()?).is_empty());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn verify(&self, period: Period, as_of: NaiveDate) -> Vec<VerifiedPerson> {
        let mut out = Vec::new();
        compare_all(self, period, as_of, |_, v| out.push(v));
        out
    }
}

fn compare_all(reg: &Registry, period: Period, as_of: NaiveDate, mut f: impl FnMut(u32, VerifiedPerson)) {
    let st = reg.st();
    let recs: Vec<_> = st.verifications.iter().filter(|v| period.contains(v.date) && v.date <= as_of).collect();
    if recs.is_empty() {
        return;
    }
    // Everyone who was ever a member of each household (candidates for `not_found`).
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); st.households.len()];
    for p in reg.persons() {
        let rec = &st.persons[p.ix as usize];
        let mut add = |h: u32| {
            if h != NONE && !members[h as usize].contains(&p.ix) {
                members[h as usize].push(p.ix);
            }
        };
        add(rec.household);
        for fact in st.facts_of(p.ix) {
            match fact.change {
                Change::MovedIn(_, h) | Change::Rehoused(h) => add(h),
                _ => {}
            }
        }
    }
    for v in recs {
        let event = EventId::new(st.origin_str(v.origin));
        let household = HouseholdId::new(st.household_ids.get_str(v.household));
        let mut seen = Vec::new();
        for o in &v.observed {
            let found = o.person.as_ref().and_then(|id| reg.get(id));
            let state = found.and_then(|p| p.state_on(v.date));
            let (outcome, case_file) = match (found, state) {
                (Some(p), Some(s)) => {
                    seen.push(p.ix);
                    let items = mismatches(o, p, &s);
                    let outcome = if items.is_empty() {
                        VerificationOutcome::Matched
                    } else {
                        VerificationOutcome::Mismatched(items)
                    };
                    (outcome, s.case_file.is_open())
                }
                _ => (VerificationOutcome::Unfiled, false),
            };
            let sex = o.sex.or(found.map(|p| p.sex()));
            let birth = o.birth_date.or(found.map(|p| p.birth_date()));
            let wra = sex == Some(Sex::Female) && birth.is_some_and(|b| (15..=49).contains(&crate::age_on(b, v.date)));
            f(
                v.household,
                VerifiedPerson {
                    event: event.clone(),
                    date: v.date,
                    household: household.clone(),
                    person: found.map(|p| PersonId::new(p.id())),
                    outcome,
                    wra,
                    case_file,
                },
            );
        }
        for &ix in &members[v.household as usize] {
            if seen.contains(&ix) {
                continue;
            }
            let p = crate::PersonRef { st, ix };
            let Some(s) = p.state_on(v.date) else { continue };
            if s.household_ix != v.household || !s.residency.is_resident() {
                continue;
            }
            f(
                v.household,
                VerifiedPerson {
                    event: event.clone(),
                    date: v.date,
                    household: household.clone(),
                    person: Some(PersonId::new(p.id())),
                    outcome: VerificationOutcome::NotFound,
                    wra: s.is_wra(),
                    case_file: s.case_file.is_open(),
                },
            );
        }
    }
}

fn mismatches(o: &Observation, p: crate::PersonRef<'_>, s: &crate::PersonState<'_>) -> Vec<String> {
    let mut items = Vec::new();
    let mut check = |name: &str, differs: bool| {
        if differs {
            items.push(name.to_string());
        }
    };
    let needs_person = o.name.is_some() || o.id_number.is_some() || o.relation.is_some();
    let person = needs_person.then(|| p.person());
    if let (Some(n), Some(pp)) = (&o.name, &person) {
        check("name", *n != pp.name);
    }
    check("sex", o.sex.is_some_and(|x| x != s.sex));
    check("birth_date", o.birth_date.is_some_and(|b| b != p.birth_date()));
    if let (Some(i), Some(pp)) = (&o.id_number, &person) {
        check("id_number", pp.id_number.as_ref() != Some(i));
    }
    if let (Some(r), Some(pp)) = (&o.relation, &person) {
        check("relation", pp.relation != Some(*r));
    }
    check("residency", o.residency.is_some_and(|r| r != s.residency));
    check("marital", o.marital.is_some_and(|m| m != s.marital));
    let method = if s.method_recorded { Some(s.method) } else { None };
    check("method", o.method.is_some_and(|m| Some(m) != method && !(m == Method::None && method.is_none())));
    check("method_start", o.method_start.is_some_and(|d| Some(d) != s.method_since));
    items
}

/// Feeds the verification rates.
pub(crate) fn feed<'r, S: Sink<'r>>(reg: &'r Registry, ctx: &Ctx<'r>, code: RateCode, sink: &mut S) {
    let as_of = ctx.p.as_of;
    compare_all(reg, ctx.p.period, as_of, |h, v| {
        if v.outcome == VerificationOutcome::NotFound {
            return;
        }
        let (in_den, in_num, missing, detail) = match code {
            RateCode::PopulationRecordRate => (
                true,
                v.outcome != VerificationOutcome::Unfiled,
                "person",
                "observed but not in the registry".to_string(),
            ),
            RateCode::AccuracyRate => (
                v.outcome.is_filed(),
                v.outcome.is_matched(),
                "key items",
                match &v.outcome {
                    VerificationOutcome::Mismatched(items) => format!("mismatched: {}", items.join(", ")),
                    _ => String::new(),
                },
            ),
            _ => (v.wra, v.case_file, "case_file", "observed WRA without an open case file".to_string()),
        };
        if !in_den {
            return;
        }
        let unit = ctx.household_unit(h, v.date);
        sink.add(unit, Counts::one(in_num), |why| {
            let person = v.person.as_ref().map(|p| p.as_str());
            let subject = format!("{} {} {}", v.event, v.household, person.unwrap_or("(unfiled)"));
            let person = person.map(|p| std::borrow::Cow::Owned(p.to_string()));
            Row::subject(person, subject).because(why, || Reason::new(code.code(), missing, detail))
        });
    });
}
