//! 随访 — visit schedules (DOMAIN §6): rules as data, obligations derived from events, and
//! the keeper's work list.
//!
//! A [`VisitRule`] turns a trigger (a marriage, a birth, a procedure, supplies, a birthday,
//! or membership of a population such as floating persons) into **obligations**, each with a
//! due date, a window and the keeper of the grid as assignee. Obligations are never stored
//! with a state: [`Obligation::state_on`] computes `upcoming`, `due`, `overdue`, `done`,
//! `missed` or `cancelled` for any date.
//!
//! Two entry points:
//! - [`RuleSet::obligations`]: every obligation due in a period, as known on an as-of date
//!   (the input of the follow-up rates);
//! - [`Schedule`]: a per-person cache for a horizon, updated one person at a time as events
//!   arrive, answering work lists ([`Schedule::work_list`]), a person's schedule and month
//!   calendars quickly. [`Schedule::scoped`] holds one [`Scope`] (a keeper's grids, some
//!   persons): the whole schedule's obligations there, built for a fraction of the persons.
//!
//! # Semantics
//!
//! - **Due dates** use calendar months that clamp ([`add_months`](crate::add_months): 31 Jan
//!   plus 1 month is 28/29 Feb), always counted from the trigger, never chained; recurrences
//!   (`then_every`) continue from the last listed offset.
//! - **Fulfilment**: visits are taken in date order; each goes to the earliest-due open
//!   obligation of the rule whose window holds the visit's date (the date it happened, however
//!   late it was recorded). A visit outside every window fulfils nothing.
//! - **Cancellation**: the first cancelling event after the trigger and on or before the
//!   window's close, before any fulfilment, cancels the obligation. Leaving the registry,
//!   death and closing the case file always cancel. A cancellation by moving out is lifted
//!   when the person returns on or before the due date, for rules with
//!   `resume_on = ["returned"]`; recurrences whose window would open after a final
//!   cancellation are not generated at all.
//! - **Calendar rules** (monthly checks, quarterly reconciliations): one obligation per period
//!   in which the subject belongs to the population on some day; leaving before the period's
//!   end cancels it unless the subject is back by then. Population filters are evaluated
//!   whenever the person's record changes (an `age` filter on a calendar rule is checked at
//!   those dates, not on every birthday).
//! - **As of**: [`RuleSet::obligations`] sees only facts dated on or before `as_of`. A
//!   [`Schedule`] sees every event of its registry and evaluates states for the date asked:
//!   a fulfilment or cancellation dated later does not count yet, and obligations whose
//!   trigger is dated later are hidden. The two agree whenever no event is dated after the
//!   date asked.

mod engine;
mod rule;
mod schedule;
mod scope;
#[cfg(test)]
mod tests;

pub use rule::{Filter, Fulfilment, Offset, Recurrence, RuleSet, StopEvent, Subject, Trigger, VisitRule};
pub use schedule::{CalendarDay, MonthCalendar, Schedule, WorkItem, WorkList};
pub use scope::Scope;

pub(crate) use engine::visit_reach;

use crate::person::code_enum;
use crate::registry::state::{NEVER, NO_EVENT, NONE, State, date, day};
use crate::{Period, Registry, StaffId};
use chrono::NaiveDate;
use engine::{Ctx, HOW_CASE_FILE, HOW_VERIFICATION, HOW_VISIT, HSeg, HVisit, Ob, Scratch, TrigKind};
use serde::{Deserialize, Serialize};
use std::fmt;

code_enum!(
    /// The state of an obligation on a date — computed, never stored.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::ObligationState;
    /// assert_eq!(ObligationState::Overdue.code(), "overdue");
    /// assert!(ObligationState::Due.is_open() && ObligationState::Overdue.is_open());
    /// assert!(!ObligationState::Missed.is_open());
    /// ```
    ObligationState {
        /** 未到期 — the window has not opened. */ Upcoming = "upcoming",
        /** 到期 — window open, due date not passed. */ Due = "due",
        /** 逾期 — due date passed, window still open. */ Overdue = "overdue",
        /** 已完成 — fulfilled inside the window. */ Done = "done",
        /** 漏访 — the window closed unfulfilled. */ Missed = "missed",
        /** 已取消 — superseded before the window closed. */ Cancelled = "cancelled"
    }
);

impl ObligationState {
    /// Due or overdue: on the keeper's work list.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::ObligationState::Upcoming.is_open());
    /// ```
    pub fn is_open(self) -> bool {
        matches!(self, ObligationState::Due | ObligationState::Overdue)
    }
}

/// Why an obligation exists: the event (or snapshot field, birthday or population) that
/// triggered it.
///
/// # Example
///
/// ```
/// use famplan::{Period, RuleSet, Registry, Why};
/// let reg = Registry::example();
/// let rules = RuleSet::default_rules();
/// let obs = rules.obligations(&reg, Period::year(2024).unwrap(), "2024-12-31".parse().unwrap());
/// let iud = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
/// assert_eq!(iud.why(), Why::Event { id: "ex16", kind: "procedure_performed" });
/// assert_eq!(iud.why().to_string(), "event ex16 (procedure_performed)");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "trigger", rename_all = "snake_case")]
pub enum Why<'a> {
    /// An event of the log.
    Event {
        /// The event's id.
        id: &'a str,
        /// The event's kind.
        kind: &'static str,
    },
    /// A row of a snapshot (`persons.csv method_start`).
    Snapshot {
        /// File and column.
        field: &'static str,
    },
    /// A birthday (a woman turns 15).
    Birthday {
        /// The age reached.
        age: u32,
    },
    /// Membership of a calendar rule's population.
    Member {
        /// Which population.
        of: &'static str,
    },
}

impl fmt::Display for Why<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Event { id, kind } => write!(f, "event {id} ({kind})"),
            Why::Snapshot { field } => f.write_str(field),
            Why::Birthday { age } => write!(f, "birthday: turns {age}"),
            Why::Member { of } => f.write_str(of),
        }
    }
}

/// How an obligation was fulfilled.
///
/// # Example
///
/// ```
/// use famplan::{Period, RuleSet, Registry};
/// let reg = Registry::example();
/// let rules = RuleSet::default_rules();
/// let obs = rules.obligations(&reg, Period::month(2024, 6).unwrap(), "2024-06-30".parse().unwrap());
/// let first = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
/// let f = first.fulfilled().unwrap();
/// assert_eq!((f.by, f.date.to_string().as_str(), f.how), ("ex17", "2024-06-03", "visit"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Fulfilled<'a> {
    /// The day it happened.
    pub date: NaiveDate,
    /// The visit id, or the event id (case file opened, verification).
    pub by: &'a str,
    /// `visit`, `case_file_opened` or `verification`.
    pub how: &'static str,
}

/// 随访任务 — one obligation: a rule's visit due for a person (or household) in a window.
///
/// Obligations borrow the registry and the rules; their fields are computed on demand.
///
/// # Example
///
/// ```
/// use famplan::{ObligationState, Period, RuleSet, Registry};
/// let reg = Registry::example();
/// let rules = RuleSet::default_rules();
/// // p1 had an IUD inserted on 2024-05-01: the 1-month follow-up is due 2024-06-01,
/// // window [06-01 − 7, 06-01 + 14] = [05-25, 06-15]; the visit of 06-03 fulfilled it.
/// let obs = rules.obligations(&reg, Period::month(2024, 6).unwrap(), "2024-06-30".parse().unwrap());
/// let o = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
/// assert_eq!(o.person(), Some("p1"));
/// assert_eq!(o.due.to_string(), "2024-06-01");
/// assert_eq!(o.window.to_string(), "2024-05-25..2024-06-15");
/// assert_eq!(o.state, ObligationState::Done);
/// assert_eq!(o.assignee().unwrap().as_str(), "k1");
/// ```
#[derive(Clone, Copy)]
pub struct Obligation<'a> {
    st: &'a State,
    rules: &'a RuleSet,
    ob: Ob,
    /// The due date.
    pub due: NaiveDate,
    /// The window `[due − before, due + after]`.
    pub window: Period,
    /// The state on the date the obligation was asked for.
    pub state: ObligationState,
}

impl fmt::Debug for Obligation<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Obligation")
            .field("rule", &self.rule().id)
            .field("person", &self.person())
            .field("household", &self.household())
            .field("due", &self.due)
            .field("window", &self.window)
            .field("state", &self.state)
            .field("why", &self.why())
            .finish()
    }
}

impl<'a> Obligation<'a> {
    pub(crate) fn new(st: &'a State, rules: &'a RuleSet, ob: Ob, on: i32) -> Obligation<'a> {
        let d = |x: i32| date(x).expect("obligation dates are real dates");
        Obligation {
            st,
            rules,
            ob,
            due: d(ob.due),
            window: Period { start: d(ob.open), end: d(ob.close) },
            state: state_on(&ob, on),
        }
    }

    /// The household index the obligation belongs to on `min(due, as_of)`.
    pub(crate) fn household_ix(&self) -> u32 {
        self.ob.household
    }

    /// The rule.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// assert!(obs.iter().any(|o| o.rule().id == "floating_monthly_check"));
    /// ```
    pub fn rule(&self) -> &'a crate::VisitRule {
        &self.rules.rules[self.ob.rule as usize]
    }

    /// The person, or `None` for a household obligation.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::quarter(2026, 2).unwrap(), "2026-06-15".parse().unwrap());
    /// let rec = obs.iter().find(|o| o.rule().id == "reconciliation").unwrap();
    /// assert_eq!((rec.person(), rec.household()), (None, "h2"));
    /// ```
    pub fn person(&self) -> Option<&'a str> {
        (self.ob.person != NONE).then(|| self.st.person_ids.get_str(self.ob.person))
    }

    /// The household: the person's on the due date, or the household of a household rule.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// assert!(obs.iter().all(|o| o.household() == "h2"));
    /// ```
    pub fn household(&self) -> &'a str {
        self.st.household_ids.get_str(self.ob.household)
    }

    /// The grid (the household's on the due date, or on the as-of date if earlier).
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// assert!(obs.iter().all(|o| o.grid() == "g2"));
    /// ```
    pub fn grid(&self) -> &'a str {
        self.st.grid_str(self.ob.grid)
    }

    /// 网格责任人 — the keeper of the grid, who must make the visit.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// assert_eq!(obs[0].assignee().unwrap().as_str(), "k2");
    /// ```
    pub fn assignee(&self) -> Option<&'a StaffId> {
        if self.ob.grid == NONE {
            return None;
        }
        let grid = crate::GridId::new(self.grid());
        self.st.areas.keeper(&grid).map(|s| &s.id)
    }

    /// Why it exists.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry, Why};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// let m = obs.iter().find(|o| o.rule().id == "floating_monthly_check").unwrap();
    /// assert_eq!(m.why(), Why::Member { of: "floating resident" });
    /// ```
    pub fn why(&self) -> Why<'a> {
        let ob = &self.ob;
        if ob.origin != NO_EVENT {
            let kind = match ob.kind {
                TrigKind::Married => "married",
                TrigKind::LiveBirth => "pregnancy_ended",
                TrigKind::Procedure => "procedure_performed",
                TrigKind::MethodStarted => "method_started",
                TrigKind::Supplies => "supplies_dispensed",
                TrigKind::MovedIn => "person_moved_in",
                _ => "event",
            };
            return Why::Event { id: self.st.event_ids.get_str(ob.origin), kind };
        }
        match ob.kind {
            TrigKind::Married => Why::Snapshot { field: "persons.csv marital_since" },
            TrigKind::LiveBirth => Why::Snapshot { field: "persons.csv last_birth_date" },
            TrigKind::Procedure | TrigKind::MethodStarted => Why::Snapshot { field: "persons.csv method_start" },
            TrigKind::Supplies => Why::Snapshot { field: "snapshot supplies" },
            TrigKind::MovedIn => Why::Snapshot { field: "persons.csv residency_since" },
            TrigKind::Birthday(age) => Why::Birthday { age: u32::from(age) },
            TrigKind::Member => Why::Member {
                of: match self.rule().filter.residency.as_slice() {
                    [crate::Residency::Floating] => "floating resident",
                    _ => "calendar population",
                },
            },
            TrigKind::Housing => Why::Member { of: "rental or street-front household" },
            TrigKind::FloatingMember => Why::Member { of: "household with a floating member" },
        }
    }

    /// The day the trigger happened (for calendar rules: the first day of the period the
    /// subject was in the population).
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::year(2024).unwrap(), "2024-12-31".parse().unwrap());
    /// let iud = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
    /// assert_eq!(iud.trigger_date().to_string(), "2024-05-01");
    /// ```
    pub fn trigger_date(&self) -> NaiveDate {
        date(self.ob.trigger).expect("a trigger has a date")
    }

    /// Which offset of the rule (0 for the first; calendar rules: the period's number in the
    /// range asked for).
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::year(2024).unwrap(), "2024-12-31".parse().unwrap());
    /// let seqs: Vec<_> = obs.iter().filter(|o| o.rule().id == "iud_followup").map(|o| o.seq()).collect();
    /// assert_eq!(seqs, [0, 1, 2]);
    /// ```
    pub fn seq(&self) -> u32 {
        u32::from(self.ob.seq)
    }

    /// The fulfilment, if any, whatever the date asked for.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2024, 8).unwrap(), "2024-08-31".parse().unwrap());
    /// let three = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
    /// assert!(three.fulfilled().is_none());
    /// ```
    pub fn fulfilled(&self) -> Option<Fulfilled<'a>> {
        let ob = &self.ob;
        if ob.done == NEVER {
            return None;
        }
        let (by, how) = match ob.how {
            HOW_VISIT => (self.st.visit_ids.get_str(ob.done_by), "visit"),
            HOW_CASE_FILE => (self.st.origin_str(ob.done_by), "case_file_opened"),
            HOW_VERIFICATION => (self.st.origin_str(ob.done_by), "verification"),
            _ => ("", "visit"),
        };
        Some(Fulfilled { date: date(ob.done)?, by, how })
    }

    /// The cancellation, if any: the day and the kind of event that superseded it.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::year(2024).unwrap(), "2024-12-31".parse().unwrap());
    /// assert!(obs.iter().all(|o| o.cancelled().is_none()));
    /// ```
    pub fn cancelled(&self) -> Option<(NaiveDate, &'static str)> {
        (self.ob.cancel != NEVER).then(|| (date(self.ob.cancel).expect("dated"), self.ob.cancel_kind))
    }

    /// The state on another date (knowing what the obligation knows).
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{ObligationState, Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2024, 6).unwrap(), "2024-06-30".parse().unwrap());
    /// let o = obs.iter().find(|o| o.rule().id == "iud_followup").unwrap();
    /// assert_eq!(o.state_on("2024-05-20".parse().unwrap()), ObligationState::Upcoming);
    /// assert_eq!(o.state_on("2024-05-30".parse().unwrap()), ObligationState::Due);
    /// assert_eq!(o.state_on("2024-06-02".parse().unwrap()), ObligationState::Overdue);
    /// assert_eq!(o.state_on("2024-06-03".parse().unwrap()), ObligationState::Done);
    /// ```
    pub fn state_on(&self, on: NaiveDate) -> ObligationState {
        state_on(&self.ob, day(on))
    }

    /// Whether the person is key population (重点人群) or a special client (特殊对象) on a date.
    ///
    /// # Example
    ///
    /// ```
    /// # use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let obs = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse().unwrap());
    /// let m = obs.iter().find(|o| o.rule().id == "floating_monthly_check").unwrap();
    /// assert!(m.is_priority_client("2026-06-15".parse().unwrap()));
    /// ```
    pub fn is_priority_client(&self, on: NaiveDate) -> bool {
        priority_client(self.st, self.ob.person, day(on))
    }
}

pub(crate) fn priority_client(st: &State, p: u32, on: i32) -> bool {
    if p == NONE {
        return false;
    }
    let mask = [crate::Tag::KEY_POPULATION, crate::Tag::SPECIAL_CLIENT]
        .iter()
        .filter_map(|t| st.tags.find(t))
        .fold(0u64, |m, i| m | (1 << i));
    mask != 0 && st.fold_on(p, on).tags & mask != 0
}

pub(crate) fn state_on(ob: &Ob, on: i32) -> ObligationState {
    if ob.done <= on {
        ObligationState::Done
    } else if ob.cancel <= on {
        ObligationState::Cancelled
    } else if on < ob.open {
        ObligationState::Upcoming
    } else if on <= ob.due {
        ObligationState::Due
    } else if on <= ob.close {
        ObligationState::Overdue
    } else {
        ObligationState::Missed
    }
}

impl Serialize for Obligation<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut x = s.serialize_struct("Obligation", 11)?;
        x.serialize_field("rule", &self.rule().id)?;
        x.serialize_field("person", &self.person())?;
        x.serialize_field("household", self.household())?;
        x.serialize_field("grid", self.grid())?;
        x.serialize_field("assignee", &self.assignee())?;
        x.serialize_field("why", &self.why())?;
        x.serialize_field("trigger_date", &self.trigger_date())?;
        x.serialize_field("due", &self.due)?;
        x.serialize_field("window", &self.window)?;
        x.serialize_field("state", &self.state)?;
        x.serialize_field("fulfilled", &self.fulfilled())?;
        x.end()
    }
}

/// Every obligation of `rules` due in `period`, knowing what is dated on or before `as_of`,
/// each turned into a `T` by `f` in the worker that computed it; the persons' obligations
/// come first, in registration order, then the households'.
pub(crate) fn compute_all<T: Send>(
    st: &State,
    rules: &RuleSet,
    period: Period,
    as_of: i32,
    f: impl Fn(Ob) -> T + Sync,
) -> Vec<T> {
    let n = st.persons.len() as u32;
    let threads = if n >= 50_000 { std::thread::available_parallelism().map_or(1, |x| x.get()).min(8) } else { 1 };
    compute_all_with(st, rules, period, as_of, f, threads)
}

/// [`compute_all`] with a given number of worker threads.
pub(crate) fn compute_all_with<T: Send>(
    st: &State,
    rules: &RuleSet,
    period: Period,
    as_of: i32,
    f: impl Fn(Ob) -> T + Sync,
    threads: usize,
) -> Vec<T> {
    let ctx = Ctx::new(st, rules, period.start, period.end, as_of, None);
    let n = st.persons.len() as u32;
    let split = |len: u32, t: u32| {
        let chunk = len.div_ceil(threads as u32).max(1);
        ((t * chunk).min(len), ((t + 1) * chunk).min(len))
    };
    let persons = |(lo, hi): (u32, u32)| {
        let mut sc = Scratch::default();
        let (mut buf, mut hsegs, mut hvisits) = (Vec::new(), Vec::new(), Vec::new());
        let mut out = Vec::new();
        for p in lo..hi {
            buf.clear();
            ctx.person(p, &mut sc, &mut buf, &mut hsegs, &mut hvisits);
            out.extend(buf.iter().map(|ob| f(*ob)));
        }
        (out, hsegs, hvisits)
    };
    let parts: Vec<(Vec<T>, Vec<HSeg>, Vec<HVisit>)> = if threads == 1 {
        vec![persons((0, n))]
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads as u32)
                .map(|t| {
                    let persons = &persons;
                    s.spawn(move || persons(split(n, t)))
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("no panic in the worker")).collect()
        })
    };
    let mut outs = Vec::with_capacity(2 * threads);
    let mut hsegs = Vec::new();
    let mut hvisits = Vec::new();
    for (o, s, v) in parts {
        outs.push(o);
        hsegs.extend(s);
        hvisits.extend(v);
    }
    if !ctx.household_rules.is_empty() {
        hsegs.sort_unstable_by_key(|s| s.household);
        hvisits.sort_unstable_by_key(|v| v.household);
        let mut verifs: Vec<u32> = (0..st.verifications.len() as u32).collect();
        verifs.sort_unstable_by_key(|&v| st.verifications[v as usize].household);
        let nh = st.households.len() as u32;
        let households = |(lo, hi): (u32, u32)| {
            let (mut a, mut b, mut c) = (
                hsegs.partition_point(|s| s.household < lo),
                hvisits.partition_point(|v| v.household < lo),
                verifs.partition_point(|&v| st.verifications[v as usize].household < lo),
            );
            let mut buf = Vec::new();
            let mut out = Vec::new();
            for h in lo..hi {
                let a0 = a;
                while a < hsegs.len() && hsegs[a].household == h {
                    a += 1;
                }
                let b0 = b;
                while b < hvisits.len() && hvisits[b].household == h {
                    b += 1;
                }
                let c0 = c;
                while c < verifs.len() && st.verifications[verifs[c] as usize].household == h {
                    c += 1;
                }
                buf.clear();
                ctx.household(h, &hsegs[a0..a], &hvisits[b0..b], &verifs[c0..c], &mut buf);
                out.extend(buf.iter().map(|ob| f(*ob)));
            }
            out
        };
        if threads == 1 {
            outs.push(households((0, nh)));
        } else {
            let parts: Vec<Vec<T>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..threads as u32)
                    .map(|t| {
                        let households = &households;
                        s.spawn(move || households(split(nh, t)))
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().expect("no panic in the worker")).collect()
            });
            outs.extend(parts);
        }
    }
    if outs.len() == 1 {
        return outs.pop().expect("one part");
    }
    let mut all = Vec::with_capacity(outs.iter().map(Vec::len).sum());
    for mut o in outs {
        all.append(&mut o);
    }
    all
}

/// Reusable per-thread buffers of [`PersonObligations::person`].
#[derive(Debug, Default)]
pub(crate) struct PersonScratch {
    sc: Scratch,
    obs: Vec<Ob>,
    hsegs: Vec<HSeg>,
    hvisits: Vec<HVisit>,
}

/// A rule set's person rules resolved for obligations due in a period as known on a date,
/// computed one person at a time (the rate engine's per-person pass uses this).
pub(crate) struct PersonObligations<'a> {
    ctx: Ctx<'a>,
}

impl<'a> PersonObligations<'a> {
    pub(crate) fn new(st: &'a State, rules: &'a RuleSet, period: Period, as_of: NaiveDate) -> PersonObligations<'a> {
        PersonObligations { ctx: Ctx::new(st, rules, period.start, period.end, day(as_of), None) }
    }

    /// True when every rule is a person rule triggered by a dated event (no calendar, no age):
    /// a person without facts has no obligation.
    pub(crate) fn events_only(&self) -> bool {
        self.ctx.events_only()
    }

    /// Calls `f` with each obligation of person `p` due in the period, in its state on `as_of`.
    #[inline]
    pub(crate) fn person(&self, p: u32, scratch: &mut PersonScratch, mut f: impl FnMut(Obligation<'a>)) {
        let c = &self.ctx;
        scratch.obs.clear();
        c.person(p, &mut scratch.sc, &mut scratch.obs, &mut scratch.hsegs, &mut scratch.hvisits);
        scratch.hsegs.clear();
        scratch.hvisits.clear();
        for ob in &scratch.obs {
            f(Obligation::new(c.st, c.rules, *ob, c.as_of));
        }
    }
}

impl RuleSet {
    /// Every obligation due in `period` (due date inside it), with its state on `as_of`,
    /// knowing only what is dated on or before `as_of` (DOMAIN §1).
    ///
    /// This is the input of the follow-up rates (随访率): an obligation counts in the
    /// denominator unless it is still open (`upcoming`, `due`, `overdue`) or `cancelled` on
    /// `as_of`; `done` ones are the numerator. Persons come in registration order, each
    /// person's obligations by rule and trigger; household obligations come last.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ObligationState, Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// // p1's IUD (2024-05-01): follow-ups due 06-01, 08-01, 11-01 in 2024; only the first was visited.
    /// let obs = rules.obligations(&reg, Period::year(2024).unwrap(), "2024-12-31".parse().unwrap());
    /// let iud: Vec<_> = obs.iter().filter(|o| o.rule().id == "iud_followup").map(|o| (o.due.to_string(), o.state)).collect();
    /// assert_eq!(iud, [
    ///     ("2024-06-01".to_string(), ObligationState::Done),
    ///     ("2024-08-01".to_string(), ObligationState::Missed),
    ///     ("2024-11-01".to_string(), ObligationState::Missed),
    /// ]);
    /// ```
    pub fn obligations<'a>(&'a self, reg: &'a Registry, period: Period, as_of: NaiveDate) -> Vec<Obligation<'a>> {
        let st = reg.st();
        let on = day(as_of);
        compute_all(st, self, period, on, |ob| Obligation::new(st, self, ob, on))
    }

    /// One person's obligations due in `period`, with their states on `as_of` (a person's
    /// schedule, computed without a [`Schedule`]); empty for an unknown person.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, RuleSet, Registry};
    /// let reg = Registry::example();
    /// let rules = RuleSet::default_rules();
    /// let p3 = rules.person_schedule(&reg, &"p3".into(), Period::year(2026).unwrap(), "2026-03-15".parse().unwrap());
    /// // floating since 2024: one monthly check per month of 2026
    /// assert_eq!(p3.len(), 12);
    /// ```
    pub fn person_schedule<'a>(
        &'a self,
        reg: &'a Registry,
        person: &crate::PersonId,
        period: Period,
        as_of: NaiveDate,
    ) -> Vec<Obligation<'a>> {
        let st = reg.st();
        let Some(p) = st.person_ids.find(person.as_str()) else { return Vec::new() };
        let on = day(as_of);
        let ctx = Ctx::new(st, self, period.start, period.end, on, None);
        let mut out = Vec::new();
        ctx.person(p, &mut Scratch::default(), &mut out, &mut Vec::new(), &mut Vec::new());
        out.into_iter().map(|ob| Obligation::new(st, self, ob, on)).collect()
    }
}
