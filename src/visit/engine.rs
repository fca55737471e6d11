//! The per-person computation of obligations: one walk over a person's facts and visits,
//! no allocation beyond the reusable scratch buffers.

use super::rule::{Recurrence, RuleSet, StopEvent, Subject, Trigger, VisitRule};
use crate::registry::state::*;
use crate::{Method, PregnancyOutcome, Procedure, Sex};
use chrono::NaiveDate;
use std::borrow::Cow;

/// How an obligation was fulfilled.
pub(crate) const HOW_NONE: u8 = 0;
pub(crate) const HOW_VISIT: u8 = 1;
pub(crate) const HOW_CASE_FILE: u8 = 2;
pub(crate) const HOW_VERIFICATION: u8 = 3;

/// Why an obligation exists (the trigger kind).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrigKind {
    Married,
    LiveBirth,
    Procedure,
    MethodStarted,
    Supplies,
    MovedIn,
    Birthday(u8),
    Member,
    Housing,
    FloatingMember,
}

/// One obligation, compact (indices and day numbers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ob {
    pub person: u32,
    pub household: u32,
    pub grid: u32,
    pub rule: u16,
    pub seq: u16,
    pub kind: TrigKind,
    pub how: u8,
    pub trigger: i32,
    pub origin: u32,
    pub due: i32,
    pub open: i32,
    pub close: i32,
    pub done: i32,
    pub done_by: u32,
    pub cancel: i32,
    pub cancel_kind: &'static str,
}

#[derive(Clone, Copy, Debug)]
enum StopKind {
    IudRemoval,
    ImplantRemoval,
    MethodStopped,
    MethodChanged(Method),
    Supplies(u32),
    CaseFileOpened,
    MovedOut { left: bool },
    Died,
    CaseFileClosed,
    Returned,
}

impl StopKind {
    fn name(self) -> &'static str {
        match self {
            StopKind::IudRemoval => "iud_removal",
            StopKind::ImplantRemoval => "implant_removal",
            StopKind::MethodStopped => "method_stopped",
            StopKind::MethodChanged(_) => "method_changed",
            StopKind::Supplies(_) => "supplies_dispensed",
            StopKind::CaseFileOpened => "case_file_opened",
            StopKind::MovedOut { left: false } => "moved_out",
            StopKind::MovedOut { left: true } => "departed",
            StopKind::Died => "died",
            StopKind::CaseFileClosed => "case_file_closed",
            StopKind::Returned => "returned",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Stop {
    day: i32,
    pos: u32,
    kind: StopKind,
}

#[derive(Clone, Copy, Debug)]
struct Trig {
    day: i32,
    pos: u32,
    rule: u16,
    origin: u32,
    kind: TrigKind,
    cycles: i32,
    method: Method,
    supply: u32,
}

#[derive(Clone, Copy, Debug)]
struct Seg {
    rule: u16,
    start: i32,
    end: i32,
}

/// A stretch of days `[start, end)` in which a person lived in household `h` with a
/// residency that qualifies the household for a household rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HSeg {
    pub household: u32,
    pub rule: u16,
    pub start: i32,
    pub end: i32,
}

/// A visit that may count for a household rule: by a member, in household `h` on its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct HVisit {
    pub household: u32,
    pub rule: u16,
    pub day: i32,
    pub visit: u32,
}

/// Reusable buffers.
#[derive(Debug, Default)]
pub(crate) struct Scratch {
    stops: Vec<Stop>,
    trigs: Vec<Trig>,
    visits: Vec<(i32, u16, u32)>,
    pub homes: Vec<(i32, u32)>,
    segs: Vec<Seg>,
    open: Vec<(u16, i32)>,
    hopen: Vec<(u16, i32, u32)>,
    tmp: Vec<Ob>,
}

/// The rules resolved against one registry state, and the periods of a due range.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub st: &'a State,
    pub rules: &'a RuleSet,
    visit_kind: Vec<u32>,
    /// By visit kind id: whether some rule is fulfilled by that kind (the others are never
    /// matched to an obligation, so a person's pass does not collect them).
    fulfils: Vec<bool>,
    tag_mask: Vec<u64>,
    pub from: i32,
    pub to: i32,
    pub as_of: i32,
    months: Cow<'a, [(i32, i32)]>,
    quarters: Cow<'a, [(i32, i32)]>,
    person_rules: Vec<u16>,
    calendar_person: Vec<u16>,
    pub household_rules: Vec<u16>,
    turns: Vec<(u16, u32)>,
    max_before: Vec<i32>,
    /// Every rule is an event-triggered person rule: a person without a triggering fact
    /// has no obligation and contributes nothing, so she can be skipped after one scan.
    events_only: bool,
    /// The kinds of fact (bit = [`Change::precedence`]) some trigger may match.
    trigger_kinds: u128,
    /// Per rule, the most days after its trigger that one of its windows can close
    /// (`i32::MAX`: unbounded — a recurrence, a per-cycle offset or a negative offset).
    reach: Vec<i32>,
}

/// Periods `(first day, last day)` as day numbers.
pub(crate) type Periods<'a> = &'a [(i32, i32)];

/// The months (or quarters) whose last day lies in `[from, to]`, as day numbers.
pub(crate) fn periods(from: NaiveDate, to: NaiveDate, quarter: bool) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    let mut p = if quarter { crate::Period::quarter_of(from) } else { crate::Period::month_of(from) };
    while p.end <= to {
        out.push((day(p.start), day(p.end)));
        let Some(next) = p.end.succ_opt() else { break };
        p = if quarter { crate::Period::quarter_of(next) } else { crate::Period::month_of(next) };
    }
    out
}

impl<'a> Ctx<'a> {
    /// Obligations due in `[from, to]`, knowing only what is dated on or before `as_of`.
    ///
    /// `cached` gives the months and quarters of `[from, to]` when the caller keeps them
    /// ([`periods`]).
    pub(crate) fn new(
        st: &'a State,
        rules: &'a RuleSet,
        from: NaiveDate,
        to: NaiveDate,
        as_of: i32,
        cached: Option<(Periods<'a>, Periods<'a>)>,
    ) -> Ctx<'a> {
        let visit_kind: Vec<u32> = rules
            .rules
            .iter()
            .map(|r| r.fulfilled_by.visit.as_deref().and_then(|k| st.visit_kinds.find(k)).unwrap_or(NONE))
            .collect();
        let mut fulfils = vec![false; st.visit_kinds.names.len()];
        for &k in &visit_kind {
            if let Some(f) = fulfils.get_mut(k as usize) {
                *f = true;
            }
        }
        let tag_mask = rules
            .rules
            .iter()
            .map(|r| r.filter.tags.iter().filter_map(|t| st.tags.find(t.as_str())).fold(0u64, |m, i| m | (1u64 << i)))
            .collect();
        let idx = |f: fn(&VisitRule) -> bool| -> Vec<u16> {
            rules.rules.iter().enumerate().filter(|(_, r)| f(r)).map(|(i, _)| i as u16).collect()
        };
        let needs_q = rules.rules.iter().any(|r| r.calendar == Some(Recurrence::Quarter));
        let needs_m = rules.rules.iter().any(|r| r.calendar == Some(Recurrence::Month));
        Ctx {
            st,
            rules,
            visit_kind,
            fulfils,
            tag_mask,
            from: day(from),
            to: day(to),
            as_of,
            months: match cached {
                Some((m, _)) => Cow::Borrowed(m),
                None if needs_m => Cow::Owned(periods(from, to, false)),
                None => Cow::Borrowed(&[]),
            },
            quarters: match cached {
                Some((_, q)) => Cow::Borrowed(q),
                None if needs_q => Cow::Owned(periods(from, to, true)),
                None => Cow::Borrowed(&[]),
            },
            person_rules: idx(|r| r.calendar.is_none()),
            calendar_person: idx(|r| r.calendar.is_some() && r.subject == Subject::Person),
            household_rules: idx(|r| r.subject == Subject::Household),
            turns: rules
                .rules
                .iter()
                .enumerate()
                .flat_map(|(i, r)| {
                    r.triggers.iter().filter_map(move |t| match t {
                        Trigger::TurnsAge { age } => Some((i as u16, *age)),
                        _ => None,
                    })
                })
                .collect(),
            max_before: rules.rules.iter().map(max_before).collect(),
            trigger_kinds: rules.rules.iter().flat_map(|r| &r.triggers).fold(0u128, |m, t| {
                let kinds: &[Change] = match t {
                    Trigger::Married => &[Change::Marital(crate::MaritalStatus::Married)],
                    Trigger::LiveBirth => &[Change::PregnancyEnded(PregnancyOutcome::LiveBirth, 0)],
                    Trigger::MovedIn => &[Change::MovedIn(crate::Residency::Registered, 0)],
                    // A snapshot's method with its start date counts as the procedure.
                    Trigger::Procedure { .. } => {
                        &[Change::Procedure(Procedure::IudInsertion), Change::MethodStarted(Method::None, None)]
                    }
                    Trigger::MethodStarted { .. } => &[Change::MethodStarted(Method::None, None)],
                    Trigger::SuppliesDispensed { .. } => &[Change::Supplies(0)],
                    Trigger::TurnsAge { .. } => &[],
                };
                kinds.iter().fold(m, |m, c| m | (1u128 << c.precedence()))
            }),
            reach: rules
                .rules
                .iter()
                .map(|r| {
                    let bounded = r.then_every.is_none()
                        && r.due.iter().all(|o| o.months >= 0 && o.days >= 0 && o.days_per_cycle == 0);
                    // A calendar month has at most 31 days.
                    let far = r.due.iter().map(|o| o.months.saturating_mul(31).saturating_add(o.days + o.after)).max();
                    if bounded { far.unwrap_or(0) } else { i32::MAX }
                })
                .collect(),
            events_only: rules.rules.iter().all(|r| {
                r.calendar.is_none()
                    && r.subject == Subject::Person
                    && !r.triggers.iter().any(|t| matches!(t, Trigger::TurnsAge { .. }))
            }),
        }
    }

    /// True when every rule is a person rule triggered by a dated fact.
    pub(crate) fn events_only(&self) -> bool {
        self.events_only
    }

    /// Whether some fact of the person known on `as_of` triggers some rule recently enough to
    /// matter: one of its obligations may be due in the range, or may take a visit from one
    /// that is (the same bound as [`Ctx::generate`] skips by). Always true when the rules are
    /// not all event-triggered person rules.
    #[inline]
    fn may_trigger(&self, facts: &[Fact]) -> bool {
        !self.events_only
            || facts.iter().any(|f| {
                self.trigger_kinds & (1u128 << f.change.precedence()) != 0
                    && f.date != UNDATED
                    && f.date <= self.as_of
                    && self.person_rules.iter().any(|&r| {
                        let reach = self.reach[r as usize];
                        (reach == i32::MAX || f.date.saturating_add(reach) >= self.from - self.max_before[r as usize])
                            && self.triggers(r, f).is_some()
                    })
            })
    }

    fn rule(&self, r: u16) -> &'a VisitRule {
        &self.rules.rules[r as usize]
    }

    /// Whether the person (sex, birth date, state `f` on day `on`) is in rule `r`'s population.
    fn filter_ok(&self, r: u16, sex: Sex, birth: NaiveDate, f: &Fold, on: i32) -> bool {
        let rule = self.rule(r);
        let flt = &rule.filter;
        if flt.sex.is_some_and(|s| s != sex) {
            return false;
        }
        if let Some([lo, hi]) = flt.age {
            let age = crate::age_on(birth, date(on).unwrap_or(birth));
            if age < lo || age > hi {
                return false;
            }
        }
        if flt.residency.is_empty() {
            if !f.residency.is_resident() {
                return false;
            }
        } else if !flt.residency.contains(&f.residency) {
            return false;
        }
        if !flt.tags.is_empty() && f.tags & self.tag_mask[r as usize] == 0 {
            return false;
        }
        if !flt.methods.is_empty() && !flt.methods.contains(&f.method) {
            return false;
        }
        if flt.case_file_open.is_some_and(|o| o != f.case_file.is_open()) {
            return false;
        }
        true
    }

    fn supply_item(&self, d: u32) -> (&'a str, i32) {
        match &self.st.details[d as usize] {
            Detail::Supplies(s, _) => (s.item.as_str(), s.cycles.unwrap_or(s.quantity) as i32),
            _ => ("", 0),
        }
    }

    /// Does `fact` trigger rule `r`? Returns the kind, the method it puts in place and the cycles.
    fn triggers(&self, r: u16, f: &Fact) -> Option<(TrigKind, Method, i32, u32)> {
        let snapshot = f.origin == NO_EVENT;
        for t in &self.rule(r).triggers {
            let hit = match (t, f.change) {
                (Trigger::Married, Change::Marital(crate::MaritalStatus::Married)) => {
                    Some((TrigKind::Married, Method::None, 0, NONE))
                }
                (Trigger::LiveBirth, Change::PregnancyEnded(PregnancyOutcome::LiveBirth, _)) => {
                    Some((TrigKind::LiveBirth, Method::None, 0, NONE))
                }
                (Trigger::MovedIn, Change::MovedIn(..)) => Some((TrigKind::MovedIn, Method::None, 0, NONE)),
                (Trigger::Procedure { procedures }, Change::Procedure(p)) if procedures.contains(&p) => {
                    Some((TrigKind::Procedure, p.starts().unwrap_or(Method::None), 0, NONE))
                }
                (Trigger::Procedure { procedures }, Change::MethodStarted(m, _)) if snapshot => {
                    snapshot_procedure(m).filter(|p| procedures.contains(p)).map(|_| (TrigKind::Procedure, m, 0, NONE))
                }
                (Trigger::MethodStarted { methods }, Change::MethodStarted(m, _)) if methods.contains(&m) => {
                    Some((TrigKind::MethodStarted, m, 0, NONE))
                }
                (Trigger::SuppliesDispensed { items, .. }, Change::Supplies(d)) => {
                    let (item, cycles) = self.supply_item(d);
                    (items.is_empty() || items.iter().any(|i| i == item)).then_some((
                        TrigKind::Supplies,
                        Method::None,
                        cycles,
                        d,
                    ))
                }
                _ => None,
            };
            if hit.is_some() {
                return hit;
            }
        }
        None
    }

    fn supply_matches(&self, r: u16, d: u32) -> bool {
        let (item, _) = self.supply_item(d);
        self.rule(r).triggers.iter().any(|t| match t {
            Trigger::SuppliesDispensed { items, .. } => items.is_empty() || items.iter().any(|i| i == item),
            _ => false,
        })
    }

    /// Whether a stop cancels obligations of rule `r` triggered with `method`:
    /// `None` no, `Some(true)` yes and a return resumes them, `Some(false)` for good.
    fn cancels(&self, r: u16, s: &Stop, method: Method) -> Option<bool> {
        let rule = self.rule(r);
        let listed = |e: StopEvent| rule.cancel_on.contains(&e);
        let resumable = rule.resume_on.contains(&StopEvent::Returned);
        match s.kind {
            StopKind::IudRemoval => listed(StopEvent::IudRemoval).then_some(false),
            StopKind::ImplantRemoval => listed(StopEvent::ImplantRemoval).then_some(false),
            StopKind::MethodStopped => listed(StopEvent::MethodStopped).then_some(false),
            StopKind::MethodChanged(m) => (listed(StopEvent::MethodChanged) && m != method).then_some(false),
            StopKind::Supplies(d) => {
                (listed(StopEvent::SuppliesDispensed) && self.supply_matches(r, d)).then_some(false)
            }
            StopKind::CaseFileOpened => listed(StopEvent::CaseFileOpened).then_some(false),
            StopKind::MovedOut { left: true } => Some(resumable),
            StopKind::MovedOut { left: false } => listed(StopEvent::MovedOut).then_some(resumable),
            StopKind::Died | StopKind::CaseFileClosed => Some(false),
            StopKind::Returned => None,
        }
    }

    /// Appends the obligations of person `p` (person rules) to `out`, and her contributions
    /// to household rules to `hsegs` / `hvisits`.
    pub(crate) fn person(
        &self,
        p: u32,
        sc: &mut Scratch,
        out: &mut Vec<Ob>,
        hsegs: &mut Vec<HSeg>,
        hvisits: &mut Vec<HVisit>,
    ) {
        let st = self.st;
        let rec = &st.persons[p as usize];
        // Most persons have no triggering fact: the cheapest test first.
        let facts = st.facts_of(p);
        if !self.may_trigger(facts) {
            return;
        }
        let reg_day = day(rec.registered);
        if reg_day > self.as_of {
            return;
        }
        let who = st.who(p);
        sc.stops.clear();
        sc.trigs.clear();
        sc.visits.clear();
        sc.homes.clear();
        sc.segs.clear();
        sc.open.clear();
        sc.hopen.clear();
        sc.tmp.clear();
        let mut fold = Fold::start(rec);
        let mut i = 0;
        while i < facts.len() && facts[i].date == UNDATED {
            let _ = fold.step(&facts[i], &who, false);
            i += 1;
        }
        sc.homes.push((reg_day, fold.household));
        // Calendar populations and household contributions at registration.
        for &r in &self.calendar_person {
            if self.filter_ok(r, rec.sex, rec.birth, &fold, reg_day) {
                sc.open.push((r, reg_day));
            }
        }
        for &r in &self.household_rules {
            if self.rule(r).filter.member_residency.contains(&fold.residency) {
                sc.hopen.push((r, reg_day, fold.household));
            }
        }
        // Series rules (supplies): whether a series is running.
        let mut series_on: u64 = 0;
        for (k, f) in facts.iter().enumerate().skip(i) {
            if f.date > self.as_of {
                break;
            }
            let prev = fold;
            let _ = fold.step(f, &who, false);
            let pos = 2 * k as u32 + 1;
            let stop = match f.change {
                Change::Procedure(Procedure::IudRemoval) => Some(StopKind::IudRemoval),
                Change::Procedure(Procedure::ImplantRemoval) => Some(StopKind::ImplantRemoval),
                Change::Procedure(pr) => pr.starts().map(StopKind::MethodChanged),
                Change::MethodStopped(_) => Some(StopKind::MethodStopped),
                Change::MethodStarted(m, _) => Some(StopKind::MethodChanged(m)),
                Change::Supplies(d) => Some(StopKind::Supplies(d)),
                Change::CaseFileOpened => Some(StopKind::CaseFileOpened),
                Change::CaseFileClosed(_) => Some(StopKind::CaseFileClosed),
                Change::MovedOut { .. } => Some(StopKind::MovedOut { left: fold.left }),
                Change::Died => Some(StopKind::Died),
                Change::MovedIn(..) | Change::Returned => Some(StopKind::Returned),
                _ => None,
            };
            if let Some(kind) = stop {
                let s = Stop { day: f.date, pos, kind };
                sc.stops.push(s);
                // A cancelled series (for good) lets the next dispense start a new one.
                if series_on != 0 {
                    for &r in &self.person_rules {
                        if series_on & (1 << (r % 64)) != 0 && self.cancels(r, &s, Method::None) == Some(false) {
                            series_on &= !(1 << (r % 64));
                        }
                    }
                }
            }
            if f.date != UNDATED {
                for &r in &self.person_rules {
                    if let Some((kind, method, cycles, supply)) = self.triggers(r, f) {
                        if !self.filter_ok(r, rec.sex, rec.birth, &fold, f.date) {
                            continue;
                        }
                        let series = self
                            .rule(r)
                            .triggers
                            .iter()
                            .any(|t| matches!(t, Trigger::SuppliesDispensed { series: true, .. }));
                        if series {
                            if series_on & (1 << (r % 64)) != 0 {
                                continue;
                            }
                            series_on |= 1 << (r % 64);
                        }
                        sc.trigs.push(Trig {
                            day: f.date,
                            pos,
                            rule: r,
                            origin: f.origin,
                            kind,
                            cycles,
                            method,
                            supply,
                        });
                    }
                }
            }
            let d = f.date.max(reg_day);
            if fold.household != prev.household {
                sc.homes.push((d, fold.household));
            }
            if !self.calendar_person.is_empty() {
                for &r in &self.calendar_person {
                    let now = self.filter_ok(r, rec.sex, rec.birth, &fold, d);
                    let at = sc.open.iter().position(|(o, _)| *o == r);
                    match (now, at) {
                        (true, None) => sc.open.push((r, d)),
                        (false, Some(j)) => {
                            let (_, start) = sc.open.swap_remove(j);
                            sc.segs.push(Seg { rule: r, start, end: d });
                        }
                        _ => {}
                    }
                }
            }
            if !self.household_rules.is_empty() {
                for &r in &self.household_rules {
                    let now = self.rule(r).filter.member_residency.contains(&fold.residency);
                    let at = sc.hopen.iter().position(|(o, _, _)| *o == r);
                    match (now, at) {
                        (true, Some(j)) if sc.hopen[j].2 != fold.household => {
                            let (_, start, h) = sc.hopen[j];
                            hsegs.push(HSeg { household: h, rule: r, start, end: d });
                            sc.hopen[j] = (r, d, fold.household);
                        }
                        (true, None) => sc.hopen.push((r, d, fold.household)),
                        (false, Some(j)) => {
                            let (_, start, h) = sc.hopen.swap_remove(j);
                            hsegs.push(HSeg { household: h, rule: r, start, end: d });
                        }
                        _ => {}
                    }
                }
            }
        }
        for (r, start) in sc.open.drain(..) {
            sc.segs.push(Seg { rule: r, start, end: NEVER });
        }
        for (r, start, h) in sc.hopen.drain(..) {
            hsegs.push(HSeg { household: h, rule: r, start, end: NEVER });
        }
        if !self.turns.is_empty() {
            self.birthdays(p, rec, reg_day, facts, sc);
        }
        // Visits known on `as_of` of a kind that fulfils some rule, in date order.
        let mut v = rec.first_visit;
        while v != NONE {
            let vr = &st.visits[v as usize];
            let d = day(vr.date);
            if d <= self.as_of && self.fulfils.get(usize::from(vr.kind)).is_some_and(|&f| f) {
                sc.visits.push((d, vr.kind, v));
            }
            v = vr.next;
        }
        sc.visits.sort_unstable();

        // Event-triggered rules.
        for ti in 0..sc.trigs.len() {
            let t = sc.trigs[ti];
            self.generate(p, &t, sc);
        }
        // Calendar rules about the person.
        for si in 0..sc.segs.len() {
            let s = sc.segs[si];
            let periods = match self.rule(s.rule).calendar {
                Some(Recurrence::Quarter) => &self.quarters,
                _ => &self.months,
            };
            for (q, &(ps, pe)) in periods.iter().enumerate() {
                if s.start > pe || s.end <= ps {
                    continue;
                }
                // Several stretches may touch one period: keep one obligation, covering the end if any does.
                let trigger = s.start.max(ps);
                let cancel = if s.end <= pe { s.end } else { NEVER };
                if let Some(o) = sc.tmp.iter_mut().find(|o| o.rule == s.rule && o.seq == q as u16) {
                    o.trigger = o.trigger.min(trigger);
                    if cancel == NEVER || (o.cancel != NEVER && cancel > o.cancel) {
                        o.cancel = cancel;
                    }
                    continue;
                }
                sc.tmp.push(Ob {
                    person: p,
                    household: NONE,
                    grid: NONE,
                    rule: s.rule,
                    seq: q as u16,
                    kind: TrigKind::Member,
                    how: HOW_NONE,
                    trigger,
                    origin: NO_EVENT,
                    due: pe,
                    open: ps,
                    close: pe,
                    done: NEVER,
                    done_by: NONE,
                    cancel,
                    cancel_kind: if cancel == NEVER { "" } else { "moved_out" },
                });
            }
        }
        // Fulfilment: each visit goes to the earliest open obligation of its rule.
        for vi in 0..sc.visits.len() {
            let (d, kind, vix) = sc.visits[vi];
            for &r in self.person_rules.iter().chain(&self.calendar_person) {
                if self.visit_kind[r as usize] == u32::from(kind) {
                    fulfil(&mut sc.tmp, r, d, vix, HOW_VISIT);
                }
            }
            for &r in &self.household_rules {
                if self.visit_kind[r as usize] == u32::from(kind) {
                    let h = sc.homes.iter().rev().find(|(on, _)| *on <= d).map(|x| x.1).unwrap_or(rec.household);
                    hvisits.push(HVisit { household: h, rule: r, day: d, visit: vix });
                }
            }
        }
        for si in 0..sc.stops.len() {
            let s = sc.stops[si];
            if let StopKind::CaseFileOpened = s.kind {
                for (r, rule) in self.rules.rules.iter().enumerate() {
                    if rule.fulfilled_by.case_file_opened {
                        let origin = facts[(s.pos / 2) as usize].origin;
                        fulfil(&mut sc.tmp, r as u16, s.day, origin, HOW_CASE_FILE);
                    }
                }
            }
        }
        for o in sc.tmp.iter_mut() {
            if o.due < self.from || o.due > self.to {
                continue;
            }
            let d = o.due.min(self.as_of);
            let h = sc.homes.iter().rev().find(|(on, _)| *on <= d).map(|x| x.1).unwrap_or(rec.household);
            o.household = h;
            o.grid = st.households[h as usize].place_on(d).grid;
            out.push(*o);
        }
    }

    fn birthdays(&self, p: u32, rec: &PersonRec, reg_day: i32, facts: &[Fact], sc: &mut Scratch) {
        for &(r, age) in &self.turns {
            // The birthday lies within a day or two of birth + age × 365.25 days: a cheap test
            // before any calendar arithmetic.
            let approx = day(rec.birth) + (age as i32) * 365 + (age as i32) / 4;
            if approx + 3 < reg_day || approx - 3 > self.as_of {
                continue;
            }
            let Some(bd) = birthday(rec.birth, age) else { continue };
            let d = day(bd);
            if d < reg_day || d > self.as_of {
                continue;
            }
            let f = self.st.fold_on(p, d);
            if !self.filter_ok(r, rec.sex, rec.birth, &f, d) {
                continue;
            }
            let pos = 2 * facts.partition_point(|x| x.date <= d) as u32;
            sc.trigs.push(Trig {
                day: d,
                pos,
                rule: r,
                origin: NO_EVENT,
                kind: TrigKind::Birthday(age.min(255) as u8),
                cycles: 0,
                method: Method::None,
                supply: NONE,
            });
        }
    }

    fn generate(&self, p: u32, t: &Trig, sc: &mut Scratch) {
        let rule = self.rule(t.rule);
        let Some(start) = date(t.day) else { return };
        let n_listed = rule.due.len();
        let last = rule.due.last().copied().unwrap_or_default();
        for k in 0..u16::MAX as usize {
            let (off, months, days) = if k < n_listed {
                let o = rule.due[k];
                (o, o.months, o.days)
            } else if let Some(e) = rule.then_every {
                let n = (k - n_listed + 1) as i32;
                (e, last.months + n * e.months, last.days + n * e.days)
            } else {
                break;
            };
            let recurring = k >= n_listed;
            let Some(d) = crate::add_months(start, months) else { break };
            let due = day(d)
                + days
                + off.days_per_cycle * t.cycles
                + if recurring { last.days_per_cycle * t.cycles } else { 0 };
            if due > self.to {
                if recurring {
                    break;
                }
                continue;
            }
            let open = due - off.before;
            let close = due + off.after;
            // An obligation that closed before any obligation of the range could open can
            // neither be output nor take a visit from one that is: skip it.
            if close < self.from - self.max_before[t.rule as usize] {
                continue;
            }
            // The first stop after the trigger, in the window's reach, not lifted by a return.
            let mut cancel = (NEVER, "", false);
            for (si, s) in sc.stops.iter().enumerate() {
                if s.pos <= t.pos || s.day > close {
                    continue;
                }
                if matches!(s.kind, StopKind::Supplies(d) if d == t.supply) {
                    continue;
                }
                let Some(resumable) = self.cancels(t.rule, s, t.method) else { continue };
                if resumable && sc.stops[si + 1..].iter().any(|x| matches!(x.kind, StopKind::Returned) && x.day <= due)
                {
                    continue;
                }
                cancel = (s.day, s.kind.name(), !resumable);
                break;
            }
            if recurring && cancel.0 < open {
                if cancel.2 {
                    break;
                }
                continue;
            }
            sc.tmp.push(Ob {
                person: p,
                household: NONE,
                grid: NONE,
                rule: t.rule,
                seq: k as u16,
                kind: t.kind,
                how: HOW_NONE,
                trigger: t.day,
                origin: t.origin,
                due,
                open,
                close,
                done: NEVER,
                done_by: NONE,
                cancel: cancel.0,
                cancel_kind: cancel.1,
            });
        }
    }

    /// Appends the household obligations of household `h`, given every member's
    /// contributions for `h` (segments and visits, any order).
    pub(crate) fn household(&self, h: u32, hsegs: &[HSeg], hvisits: &[HVisit], verifs: &[u32], out: &mut Vec<Ob>) {
        let st = self.st;
        let rec = &st.households[h as usize];
        if rec.registered != UNDATED && rec.registered > self.as_of {
            return;
        }
        let dissolved = if rec.dissolved <= self.as_of { rec.dissolved } else { NEVER };
        let start = out.len();
        for &r in &self.household_rules {
            let rule = self.rule(r);
            let periods = match rule.calendar {
                Some(Recurrence::Quarter) => &self.quarters,
                _ => &self.months,
            };
            let by_kind = rule.filter.housing.contains(&rec.kind);
            for (q, &(ps, pe)) in periods.iter().enumerate() {
                if rec.registered != UNDATED && rec.registered > pe || dissolved <= ps {
                    continue;
                }
                let reg = if rec.registered == UNDATED { ps } else { rec.registered.max(ps) };
                let (kind, trigger) = if by_kind {
                    (TrigKind::Housing, reg)
                } else {
                    let first = hsegs
                        .iter()
                        .filter(|s| s.rule == r && s.household == h && s.start <= pe && s.end > ps)
                        .map(|s| s.start.max(ps))
                        .min();
                    match first {
                        Some(t) => (TrigKind::FloatingMember, t.max(reg)),
                        None => continue,
                    }
                };
                let cancel = if dissolved <= pe { dissolved } else { NEVER };
                let grid = rec.place_on(pe.min(self.as_of)).grid;
                out.push(Ob {
                    person: NONE,
                    household: h,
                    grid,
                    rule: r,
                    seq: q as u16,
                    kind,
                    how: HOW_NONE,
                    trigger,
                    origin: NO_EVENT,
                    due: pe,
                    open: ps,
                    close: pe,
                    done: NEVER,
                    done_by: NONE,
                    cancel,
                    cancel_kind: if cancel == NEVER { "" } else { "household_dissolved" },
                });
            }
            let obs = &mut out[start..];
            let mut vs: Vec<(i32, u32, u8)> = hvisits
                .iter()
                .filter(|v| v.rule == r && v.household == h)
                .map(|v| (v.day, v.visit, HOW_VISIT))
                .collect();
            if rule.fulfilled_by.verification {
                for &vi in verifs {
                    let v = &st.verifications[vi as usize];
                    let d = day(v.date);
                    if v.household == h && d <= self.as_of {
                        vs.push((d, v.origin, HOW_VERIFICATION));
                    }
                }
            }
            vs.sort_unstable();
            for (d, by, how) in vs {
                fulfil(obs, r, d, by, how);
            }
        }
    }
}

/// The longest `before` of a rule's offsets: an obligation whose window closes before
/// `from − max_before` is not generated ([`Ctx::generate`]), the cut [`visit_reach`] mirrors.
fn max_before(rule: &VisitRule) -> i32 {
    rule.due.iter().chain(&rule.then_every).map(|o| o.before).max().unwrap_or(0)
}

/// The days (first, last; day numbers) of the visits that can fulfil an obligation of `rule`
/// when obligations due in `[from, to]` are computed as known on `as_of`; `None` when no visit
/// can (the rule is not fulfilled by a visit, or the range is empty).
///
/// Mirrors what [`Ctx::person`] and [`Ctx::household`] build, so it must change with them:
/// - an event-triggered obligation is generated only when due `≤ to` and its window closes on
///   or after `from − max_before` (the cut in [`Ctx::generate`]); its window `[due − before,
///   due + after]` therefore opens on or after `from − max_before − max(before + after)` and
///   closes by `to + max(after)`. A visit goes to the earliest open obligation of its rule
///   whose window holds it, so a visit outside every generated window touches none, and
///   earlier obligations that could take a visit are generated (their windows are inside);
/// - a calendar or household obligation is one month or quarter whose last day is in
///   `[from, to]`, its window the period itself: from the first day of the month (quarter)
///   of `from` to `to`;
/// - only visits dated `≤ as_of` are read.
pub(crate) fn visit_reach(rule: &VisitRule, from: NaiveDate, to: NaiveDate, as_of: NaiveDate) -> Option<(i32, i32)> {
    rule.fulfilled_by.visit.as_ref()?;
    let (from, to, as_of) = (day(from), day(to), day(as_of));
    let mut lo = i32::MAX;
    let mut hi = i32::MIN;
    if rule.calendar.is_none() {
        // Event-triggered (a household rule without a calendar is both, see `Ctx::new`).
        let offsets = || rule.due.iter().chain(&rule.then_every);
        let span = offsets().map(|o| o.before.saturating_add(o.after)).max().unwrap_or(0);
        let max_after = offsets().map(|o| o.after).max().unwrap_or(0);
        lo = lo.min(from.saturating_sub(max_before(rule)).saturating_sub(span));
        hi = hi.max(to.saturating_add(max_after));
    }
    if rule.calendar.is_some() || rule.subject == Subject::Household {
        let first = date(from)?;
        let start = match rule.calendar {
            Some(Recurrence::Quarter) => crate::Period::quarter_of(first).start,
            _ => crate::Period::month_of(first).start,
        };
        lo = lo.min(day(start));
        hi = hi.max(to);
    }
    let hi = hi.min(as_of);
    (lo <= hi).then_some((lo, hi))
}

/// Gives the fulfilment on day `d` to the earliest open obligation of rule `r` whose window
/// holds `d` (and that was not cancelled before `d`).
fn fulfil(obs: &mut [Ob], r: u16, d: i32, by: u32, how: u8) {
    let mut best: Option<usize> = None;
    for (i, o) in obs.iter().enumerate() {
        if o.rule != r || o.done != NEVER || d < o.open || d > o.close || o.cancel < d || d < o.trigger {
            continue;
        }
        if best.is_none_or(|b| (o.due, o.seq) < (obs[b].due, obs[b].seq)) {
            best = Some(i);
        }
    }
    if let Some(b) = best {
        obs[b].done = d;
        obs[b].done_by = by;
        obs[b].how = how;
    }
}

#[cfg(test)]
pub(crate) fn fulfil_for_tests(obs: &mut [Ob], r: u16, d: i32) {
    fulfil(obs, r, d, 0, HOW_VISIT);
}

/// The day someone reaches `age` completed years: the birthday, or 1 March for a person
/// born on 29 February in a common year.
pub(crate) fn birthday(birth: NaiveDate, age: u32) -> Option<NaiveDate> {
    use chrono::Datelike;
    let y = birth.year() + age as i32;
    NaiveDate::from_ymd_opt(y, birth.month(), birth.day()).or_else(|| NaiveDate::from_ymd_opt(y, 3, 1))
}

/// In a snapshot, a method with a start date counts as the procedure that puts it in place.
fn snapshot_procedure(m: Method) -> Option<Procedure> {
    match m {
        Method::Iud => Some(Procedure::IudInsertion),
        Method::Implant => Some(Procedure::ImplantInsertion),
        Method::TubalSterilization | Method::Sterilization => Some(Procedure::TubalSterilization),
        Method::Vasectomy => Some(Procedure::Vasectomy),
        _ => None,
    }
}
