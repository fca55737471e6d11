//! The schedule cache: obligations per person and per household for a horizon, updated one
//! person (or household) at a time, answering work lists and calendars.

use super::engine::{Ctx, HSeg, HVisit, Ob, Scratch, TrigKind, periods};
use super::scope::{Resolved, Scope, homes_of};
use super::{Obligation, ObligationState, RuleSet, priority_client, state_on};
use crate::registry::state::{NEVER, NONE, State, day};
use crate::{AreaLevel, Error, Event, EventKind, GridId, Period, PersonId, Registry, StaffId};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;
use std::sync::Arc;

const HOUSEHOLD: u32 = 1 << 31;

/// 随访计划 — every obligation due in a horizon, cached per person and per household.
///
/// Built once from a registry ([`Schedule::new`]); then [`Schedule::apply`] applies one
/// event to the registry and recomputes only the person (and her households) it is about.
/// The schedule knows every event of the registry; states are computed for the date asked
/// (a visit dated after that date does not count yet; an obligation whose trigger is dated
/// after it is not shown).
///
/// Always pass the registry the schedule was built from and kept in step with.
///
/// [`Schedule::scoped`] holds only a part of the community (a keeper's grids, some persons):
/// exactly the whole schedule's obligations in that [`Scope`], built in a fraction of the time.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Period, Registry, RuleSet, Schedule};
/// let mut reg = Registry::example();
/// let mut s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
/// let on = "2026-06-10".parse()?;
/// let list = s.work_list(&reg, &"g2".into(), on);
/// assert_eq!(list.items.len(), 2); // p3's June check, h2's Q2 reconciliation
/// // The keeper visits p3: the June check is done, one item is left.
/// let visit = EventKind::VisitRecorded { person: "p3".into(), visit: "floating_monthly_check".into(), outcome: None, visitor: None };
/// s.apply(&mut reg, Event::new("v1", on, "k2", visit))?;
/// assert_eq!(s.work_list(&reg, &"g2".into(), on).items.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct Schedule {
    rules: Arc<RuleSet>,
    period: Period,
    scope: Scope,
    /// The scope's grids or persons as indices, resolved again as the registry grows.
    resolved: Resolved,
    obs: Vec<Ob>,
    spans: Vec<(u32, u32)>,
    hspans: Vec<(u32, u32)>,
    garbage: usize,
    members: Vec<Vec<u32>>,
    verifs: HashMap<u32, Vec<u32>>,
    by_grid: Vec<Vec<u32>>,
    indexed: Vec<u32>,
    hindexed: Vec<u32>,
    months: Arc<[(i32, i32)]>,
    quarters: Arc<[(i32, i32)]>,
    scratch: Scratch,
    tmp: Vec<Ob>,
    hsegs: Vec<HSeg>,
    hvisits: Vec<HVisit>,
}

/// One line of a keeper's work list.
///
/// # Example
///
/// ```
/// use famplan::{Period, Registry, RuleSet, Schedule};
/// let reg = Registry::example();
/// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
/// let list = s.work_list(&reg, &"g2".into(), "2026-06-10".parse().unwrap());
/// assert!(list.items[0].priority_client); // p3 is key population
/// ```
#[derive(Clone, Copy, Debug)]
pub struct WorkItem<'a> {
    /// The obligation (state on the work list's date: due or overdue).
    pub obligation: Obligation<'a>,
    /// Key population (重点人群) or special client (特殊对象) on the date: listed first.
    pub priority_client: bool,
}

/// 工作清单 — the keeper's work list for a date: due and overdue obligations, key population
/// and special clients first, then by the day the window closes.
///
/// # Example
///
/// ```
/// use famplan::{ObligationState, Period, Registry, RuleSet, Schedule};
/// let reg = Registry::example();
/// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
/// let list = s.keeper_work_list(&reg, &"k2".into(), "2026-06-10".parse().unwrap());
/// assert!(list.items.iter().all(|i| i.obligation.state == ObligationState::Due));
/// assert_eq!(list.items[0].obligation.rule().id, "floating_monthly_check");
/// ```
#[derive(Clone, Debug)]
pub struct WorkList<'a> {
    /// The date.
    pub on: NaiveDate,
    /// The items, in order.
    pub items: Vec<WorkItem<'a>>,
}

/// One day of a month calendar: the obligations due that day.
///
/// # Example
///
/// ```
/// use famplan::{Period, Registry, RuleSet, Schedule};
/// let reg = Registry::example();
/// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
/// let cal = s.month(&reg, None, 2026, 6, "2026-06-01".parse().unwrap());
/// assert_eq!(cal.days[0].date.to_string(), "2026-06-30");
/// ```
#[derive(Clone, Debug)]
pub struct CalendarDay<'a> {
    /// The due date.
    pub date: NaiveDate,
    /// Obligations due that day, with their states on the calendar's date.
    pub obligations: Vec<Obligation<'a>>,
}

/// 月历 — the obligations due in one month, by due date (only days with something due).
///
/// # Example
///
/// ```
/// use famplan::{ObligationState, Period, Registry, RuleSet, Schedule};
/// let reg = Registry::example();
/// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
/// let cal = s.month(&reg, Some(&"g2".into()), 2026, 6, "2026-07-01".parse().unwrap());
/// assert_eq!(cal.month, Period::month(2026, 6).unwrap());
/// // June: p3's monthly check and h2's Q2 reconciliation, both due on the 30th and missed by 1 July.
/// assert_eq!(cal.days.len(), 1);
/// assert!(cal.days[0].obligations.iter().all(|o| o.state == ObligationState::Missed));
/// ```
#[derive(Clone, Debug)]
pub struct MonthCalendar<'a> {
    /// The month.
    pub month: Period,
    /// The days with obligations due, in date order.
    pub days: Vec<CalendarDay<'a>>,
}

fn visible(ob: &Ob, on: i32) -> bool {
    matches!(ob.kind, TrigKind::Member | TrigKind::Housing | TrigKind::FloatingMember) || ob.trigger <= on
}

impl Schedule {
    /// Computes every obligation of `rules` due in `horizon`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// assert_eq!(s.horizon(), Period::year(2026).unwrap());
    /// // p1: IUD yearly follow-up (2026-05-01); p3: 12 monthly checks; h2: 4 reconciliations
    /// assert_eq!(s.obligations(&reg, "2026-12-31".parse().unwrap()).len(), 17);
    /// ```
    pub fn new(reg: &Registry, rules: RuleSet, horizon: Period) -> Schedule {
        Schedule::scoped(reg, rules, horizon, Scope::Community)
    }

    /// Computes the obligations of `rules` due in `horizon` that fall in `scope`: the same
    /// as [`Schedule::new`]'s whose grid (or person) is in the scope, computed only for the
    /// persons and households that can have one there (a person who never belonged to a
    /// household placed in the scope's grids has none). Updates keep it so.
    ///
    /// Ask it about its scope only: a work list, calendar or person outside it is empty.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule, Scope};
    /// let reg = Registry::example();
    /// let year = Period::year(2026).unwrap();
    /// let k1 = Schedule::scoped(&reg, RuleSet::default_rules(), year, Scope::keeper(&reg, &"k1".into()));
    /// assert_eq!(k1.scope(), &Scope::Grids(vec!["g1".into()]));
    /// // Of the example's 17 obligations, g1 holds p1's IUD follow-up.
    /// assert_eq!(k1.obligations(&reg, "2026-12-31".parse().unwrap()).len(), 1);
    /// let p3 = Schedule::scoped(&reg, RuleSet::default_rules(), year, Scope::Persons(vec!["p3".into()]));
    /// assert_eq!(p3.obligations(&reg, "2026-12-31".parse().unwrap()).len(), 12); // her monthly checks
    /// ```
    pub fn scoped(reg: &Registry, rules: RuleSet, horizon: Period, scope: Scope) -> Schedule {
        let mut s = Schedule {
            rules: Arc::new(rules),
            period: horizon,
            resolved: Resolved::new(&scope, reg.st()),
            scope,
            obs: Vec::new(),
            spans: Vec::new(),
            hspans: Vec::new(),
            garbage: 0,
            members: Vec::new(),
            verifs: HashMap::new(),
            by_grid: Vec::new(),
            indexed: Vec::new(),
            hindexed: Vec::new(),
            months: periods(horizon.start, horizon.end, false).into(),
            quarters: periods(horizon.start, horizon.end, true).into(),
            scratch: Scratch::default(),
            tmp: Vec::new(),
            hsegs: Vec::new(),
            hvisits: Vec::new(),
        };
        s.rebuild(reg);
        s
    }

    /// Recomputes everything (after changes made to the registry behind the schedule's back).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let mut s = Schedule::new(&Registry::new(), RuleSet::default_rules(), Period::year(2026).unwrap());
    /// s.rebuild(&reg);
    /// assert_eq!(s.person(&reg, &"p3".into(), "2026-01-01".parse().unwrap()).len(), 12);
    /// ```
    pub fn rebuild(&mut self, reg: &Registry) {
        let st = reg.st();
        let rules = self.rules.clone();
        let (months, quarters) = (self.months.clone(), self.quarters.clone());
        let ctx = Ctx::new(st, &rules, self.period.start, self.period.end, NEVER - 1, Some((&months, &quarters)));
        self.obs.clear();
        self.spans.clear();
        self.indexed = vec![NONE; st.persons.len()];
        self.hindexed = vec![NONE; st.households.len()];
        self.hspans.clear();
        self.garbage = 0;
        self.members = vec![Vec::new(); st.households.len()];
        self.verifs.clear();
        self.by_grid = vec![Vec::new(); st.areas.all(AreaLevel::Grid).len()];
        self.resolved = Resolved::new(&self.scope, st);
        let (mut hsegs, mut hvisits) = (Vec::new(), Vec::new());
        // Which households can have an obligation in the scope; a person is computed when
        // one of her households can (she may owe visits there, or count for its rules).
        let in_scope = self.resolved.households(st);
        let mut homes = Vec::new();
        for p in 0..st.persons.len() as u32 {
            let start = self.obs.len() as u32;
            let compute = match &self.resolved {
                Resolved::All => true,
                Resolved::Persons(ps) => ps.binary_search(&p).is_ok(),
                Resolved::Grids(_) => {
                    // Every household she belongs to knows her, computed or not: a household
                    // that moves into the scope later is recomputed with all its members.
                    homes_of(st, p, &mut homes);
                    for &h in &homes {
                        let m = &mut self.members[h as usize];
                        if !m.contains(&p) {
                            m.push(p);
                        }
                    }
                    homes.iter().any(|&h| in_scope[h as usize])
                }
            };
            if compute {
                ctx.person(p, &mut self.scratch, &mut self.obs, &mut hsegs, &mut hvisits);
                self.resolved.retain_from(&mut self.obs, start as usize);
                for &(_, h) in &self.scratch.homes {
                    let m = &mut self.members[h as usize];
                    if !m.contains(&p) {
                        m.push(p);
                    }
                }
            }
            self.spans.push((start, self.obs.len() as u32 - start));
        }
        for (i, v) in st.verifications.iter().enumerate() {
            self.verifs.entry(v.household).or_default().push(i as u32);
        }
        hsegs.sort_unstable_by_key(|s| s.household);
        hvisits.sort_unstable_by_key(|v| v.household);
        let (mut a, mut b) = (0, 0);
        for h in 0..st.households.len() as u32 {
            let (a0, b0) = (a, b);
            while a < hsegs.len() && hsegs[a].household == h {
                a += 1;
            }
            while b < hvisits.len() && hvisits[b].household == h {
                b += 1;
            }
            let start = self.obs.len() as u32;
            let verifs = self.verifs.get(&h).map(Vec::as_slice).unwrap_or(&[]);
            if !ctx.household_rules.is_empty() && in_scope[h as usize] {
                ctx.household(h, &hsegs[a0..a], &hvisits[b0..b], verifs, &mut self.obs);
                self.resolved.retain_from(&mut self.obs, start as usize);
            }
            self.hspans.push((start, self.obs.len() as u32 - start));
        }
        drop(ctx);
        for p in 0..self.spans.len() as u32 {
            self.index_grids(p);
        }
        for h in 0..self.hspans.len() as u32 {
            self.index_grids(h | HOUSEHOLD);
        }
    }

    fn span(&self, owner: u32) -> &[Ob] {
        let (s, l) = if owner & HOUSEHOLD != 0 {
            self.hspans[(owner & !HOUSEHOLD) as usize]
        } else {
            self.spans[owner as usize]
        };
        &self.obs[s as usize..(s + l) as usize]
    }

    fn index_grids(&mut self, owner: u32) {
        let (s, l) = if owner & HOUSEHOLD != 0 {
            self.hspans[(owner & !HOUSEHOLD) as usize]
        } else {
            self.spans[owner as usize]
        };
        for i in s..s + l {
            let g = self.obs[i as usize].grid;
            if g == NONE {
                continue;
            }
            if self.by_grid.len() <= g as usize {
                self.by_grid.resize(g as usize + 1, Vec::new());
            }
            let list = &mut self.by_grid[g as usize];
            if list.last() != Some(&owner) && !list.contains(&owner) {
                list.push(owner);
            }
        }
    }

    fn replace(&mut self, owner: u32) {
        let (s, l) = if owner & HOUSEHOLD != 0 {
            self.hspans[(owner & !HOUSEHOLD) as usize]
        } else {
            self.spans[owner as usize]
        };
        let n = self.tmp.len() as u32;
        let span = if n <= l {
            // Fits where the old ones were (the usual case: a visit changes states, not counts).
            self.obs[s as usize..(s + n) as usize].copy_from_slice(&self.tmp);
            self.garbage += (l - n) as usize;
            (s, n)
        } else {
            if (s + l) as usize == self.obs.len() {
                self.obs.truncate(s as usize);
            } else {
                self.garbage += l as usize;
            }
            let start = self.obs.len() as u32;
            self.obs.extend_from_slice(&self.tmp);
            (start, n)
        };
        if owner & HOUSEHOLD != 0 {
            self.hspans[(owner & !HOUSEHOLD) as usize] = span;
        } else {
            self.spans[owner as usize] = span;
        }
        self.index_grids(owner);
        if self.garbage > 4096 && self.garbage * 2 > self.obs.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        let mut out = Vec::with_capacity(self.obs.len() - self.garbage);
        for span in self.spans.iter_mut().chain(self.hspans.iter_mut()) {
            let start = out.len() as u32;
            out.extend_from_slice(&self.obs[span.0 as usize..(span.0 + span.1) as usize]);
            span.0 = start;
        }
        self.obs = out;
        self.garbage = 0;
    }

    /// Registers persons and households that the registry gained since the last update.
    fn grow(&mut self, st: &State) {
        // Grids and persons of the scope may have been defined or registered since.
        if !matches!(self.scope, Scope::Community) {
            self.resolved = Resolved::new(&self.scope, st);
        }
        while self.spans.len() < st.persons.len() {
            self.spans.push((self.obs.len() as u32, 0));
            self.indexed.push(NONE);
        }
        while self.hspans.len() < st.households.len() {
            self.hspans.push((self.obs.len() as u32, 0));
            self.hindexed.push(NONE);
            self.members.push(Vec::new());
        }
    }

    /// Applies one event to the registry and updates the obligations it affects: the
    /// person's (and her households'), or the household's.
    ///
    /// # Errors
    ///
    /// The registry's refusal ([`Error::Rejected`]); the schedule is then unchanged.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, ObligationState, Period, Procedure, Registry, RuleSet, Schedule};
    /// let mut reg = Registry::example();
    /// let mut s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let on = "2026-05-01".parse()?;
    /// assert_eq!(s.person(&reg, &"p1".into(), on)[0].state, ObligationState::Due);
    /// // The IUD is removed on 2026-04-20: the yearly follow-up of 2026-05-01 is cancelled.
    /// let removal = EventKind::ProcedurePerformed { person: "p1".into(), procedure: Procedure::IudRemoval };
    /// s.apply(&mut reg, Event::new("r1", "2026-04-20".parse()?, "k1", removal))?;
    /// assert_eq!(s.person(&reg, &"p1".into(), on)[0].state, ObligationState::Cancelled);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn apply(&mut self, reg: &mut Registry, event: Event) -> Result<(), Error> {
        let copy = event.clone();
        reg.apply(event)?;
        self.refresh_after(reg, &copy);
        Ok(())
    }

    /// Brings the schedule in step after `event` was applied to the registry by someone else
    /// (a store's `record` or `append`): recomputes the person it is about, the household it
    /// is about (and, for a move, its members), and the households whose obligations the
    /// event can change. [`Schedule::apply`] is `Registry::apply` followed by this.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Period, Registry, RuleSet, Schedule};
    /// let mut reg = Registry::example();
    /// let mut s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let married = Event::new("m", "2026-03-01".parse()?, "k2", EventKind::Married { person: "p3".into(), spouse: None });
    /// reg.apply(married.clone())?;
    /// s.refresh_after(&reg, &married);
    /// assert!(s.person(&reg, &"p3".into(), "2026-03-01".parse()?).iter().any(|o| o.rule().id == "marriage_home"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh_after(&mut self, reg: &Registry, event: &Event) {
        enum Touch {
            Person(PersonId),
            Household(crate::HouseholdId, bool),
            Nothing,
        }
        let touch = match &event.kind {
            EventKind::HouseholdRegistered { household, .. } | EventKind::HouseholdDissolved { household } => {
                Touch::Household(household.clone(), false)
            }
            EventKind::HouseholdMoved { household, .. } => Touch::Household(household.clone(), true),
            EventKind::VerificationRecorded { household, .. } => Touch::Household(household.clone(), false),
            k => match k.person() {
                Some(p) => Touch::Person(p.clone()),
                None => Touch::Nothing,
            },
        };
        let verification = matches!(event.kind, EventKind::VerificationRecorded { .. });
        // Only a change of residency or household, or a visit of a household rule's kind, can
        // change household obligations.
        let households = match &event.kind {
            EventKind::VisitRecorded { visit, .. } => self
                .rules
                .rules
                .iter()
                .any(|r| r.subject == crate::Subject::Household && r.fulfilled_by.visit.as_ref() == Some(visit)),
            EventKind::PersonRegistered { .. }
            | EventKind::PersonMovedIn { .. }
            | EventKind::PersonMovedOut { .. }
            | EventKind::PersonReturned { .. }
            | EventKind::PersonRehoused { .. }
            | EventKind::Died { .. } => true,
            _ => false,
        };
        let st = reg.st();
        self.grow(st);
        match touch {
            Touch::Person(id) => {
                if let Some(p) = st.person_ids.find(id.as_str()) {
                    self.refresh_ix(reg, p, households);
                }
            }
            Touch::Household(id, moved) => {
                if let Some(h) = st.household_ids.find(id.as_str()) {
                    if verification {
                        // The household's verifications, whatever order a batch applied them in.
                        let vs =
                            (0..st.verifications.len() as u32).filter(|&v| st.verifications[v as usize].household == h);
                        self.verifs.insert(h, vs.collect());
                    }
                    if moved {
                        for p in self.members[h as usize].clone() {
                            self.refresh_ix(reg, p, false);
                        }
                    }
                    self.refresh_household(reg, h);
                }
            }
            Touch::Nothing => {}
        }
    }

    /// Recomputes one person (and her households) after the registry changed behind the
    /// schedule's back (for instance through [`Registry::merge`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Period, Registry, RuleSet, Schedule};
    /// let mut reg = Registry::example();
    /// let mut s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// reg.apply(Event::new("m", "2026-03-01".parse()?, "k2", EventKind::Married { person: "p3".into(), spouse: None }))?;
    /// s.refresh_person(&reg, &"p3".into());
    /// let p3 = s.person(&reg, &"p3".into(), "2026-03-01".parse()?);
    /// assert!(p3.iter().any(|o| o.rule().id == "marriage_home"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh_person(&mut self, reg: &Registry, id: &PersonId) {
        let st = reg.st();
        self.grow(st);
        if let Some(p) = st.person_ids.find(id.as_str()) {
            self.refresh_ix(reg, p, true);
        }
    }

    fn refresh_ix(&mut self, reg: &Registry, p: u32, households: bool) {
        let st = reg.st();
        let rules = self.rules.clone();
        let (months, quarters) = (self.months.clone(), self.quarters.clone());
        let ctx = Ctx::new(st, &rules, self.period.start, self.period.end, NEVER - 1, Some((&months, &quarters)));
        self.tmp.clear();
        self.hsegs.clear();
        self.hvisits.clear();
        ctx.person(p, &mut self.scratch, &mut self.tmp, &mut self.hsegs, &mut self.hvisits);
        self.resolved.retain_from(&mut self.tmp, 0);
        let mut homes = [NONE; 4];
        let mut more = Vec::new();
        for (i, &(_, h)) in self.scratch.homes.iter().enumerate() {
            let m = &mut self.members[h as usize];
            if !m.contains(&p) {
                m.push(p);
            }
            if i < homes.len() {
                homes[i] = h;
            } else {
                more.push(h);
            }
        }
        self.replace(p);
        if households && !ctx.household_rules.is_empty() && self.resolved.has_households() {
            for h in homes.into_iter().filter(|&h| h != NONE).chain(more) {
                self.household_with(&ctx, h);
            }
        }
    }

    fn refresh_household(&mut self, reg: &Registry, h: u32) {
        let st = reg.st();
        let rules = self.rules.clone();
        let (months, quarters) = (self.months.clone(), self.quarters.clone());
        let ctx = Ctx::new(st, &rules, self.period.start, self.period.end, NEVER - 1, Some((&months, &quarters)));
        self.household_with(&ctx, h);
    }

    fn household_with(&mut self, ctx: &Ctx<'_>, h: u32) {
        if ctx.household_rules.is_empty() || !self.resolved.has_households() {
            return;
        }
        self.hsegs.clear();
        self.hvisits.clear();
        self.tmp.clear();
        for &m in &self.members[h as usize] {
            ctx.person(m, &mut self.scratch, &mut self.tmp, &mut self.hsegs, &mut self.hvisits);
        }
        self.tmp.clear();
        let verifs = self.verifs.get(&h).map(Vec::as_slice).unwrap_or(&[]);
        ctx.household(h, &self.hsegs, &self.hvisits, verifs, &mut self.tmp);
        self.resolved.retain_from(&mut self.tmp, 0);
        self.replace(h | HOUSEHOLD);
    }

    /// The horizon: obligations due in it are in the schedule.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let s = Schedule::new(&Registry::example(), RuleSet::default_rules(), Period::month(2026, 1).unwrap());
    /// assert_eq!(s.horizon().days(), 31);
    /// ```
    pub fn horizon(&self) -> Period {
        self.period
    }

    /// The rules.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let s = Schedule::new(&Registry::example(), RuleSet::default_rules(), Period::month(2026, 1).unwrap());
    /// assert!(s.rules().get("iud_followup").is_some());
    /// ```
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// The part of the community the schedule holds ([`Scope::Community`] for
    /// [`Schedule::new`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule, Scope};
    /// let s = Schedule::new(&Registry::example(), RuleSet::default_rules(), Period::month(2026, 1).unwrap());
    /// assert_eq!(s.scope(), &Scope::Community);
    /// ```
    pub fn scope(&self) -> &Scope {
        &self.scope
    }

    /// Every obligation of the horizon, with states on `on`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ObligationState, Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let all = s.obligations(&reg, "2026-01-01".parse().unwrap());
    /// assert!(all.iter().any(|o| o.state == ObligationState::Upcoming));
    /// ```
    pub fn obligations<'a>(&'a self, reg: &'a Registry, on: NaiveDate) -> Vec<Obligation<'a>> {
        let st = reg.st();
        let d = day(on);
        let owners = (0..self.spans.len() as u32).chain((0..self.hspans.len() as u32).map(|h| h | HOUSEHOLD));
        owners
            .flat_map(|o| self.span(o).iter())
            .filter(|ob| visible(ob, d))
            .map(|ob| Obligation::new(st, &self.rules, *ob, d))
            .collect()
    }

    /// 个人随访计划 — one person's obligations in the horizon, by due date, states on `on`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ObligationState, Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let p1 = s.person(&reg, &"p1".into(), "2026-03-01".parse().unwrap());
    /// assert_eq!(p1.len(), 1);
    /// assert_eq!((p1[0].due.to_string().as_str(), p1[0].state), ("2026-05-01", ObligationState::Upcoming));
    /// ```
    pub fn person<'a>(&'a self, reg: &'a Registry, id: &PersonId, on: NaiveDate) -> Vec<Obligation<'a>> {
        let st = reg.st();
        let Some(p) = st.person_ids.find(id.as_str()).filter(|&p| (p as usize) < self.spans.len()) else {
            return Vec::new();
        };
        let d = day(on);
        let mut out: Vec<_> = self
            .span(p)
            .iter()
            .filter(|ob| visible(ob, d))
            .map(|ob| Obligation::new(st, &self.rules, *ob, d))
            .collect();
        out.sort_by_key(|o| (o.due, o.ob.rule, o.ob.seq));
        out
    }

    /// 网格工作清单 — the work list of one grid on a date: due and overdue obligations, key
    /// population and special clients first, then by window close, then by rule priority.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let list = s.work_list(&reg, &"g1".into(), "2026-04-15".parse().unwrap());
    /// // p1's yearly IUD follow-up: due 2026-05-01, window opens 30 days before (04-01).
    /// assert_eq!(list.items.len(), 1);
    /// assert_eq!(list.items[0].obligation.window.end.to_string(), "2026-05-31");
    /// ```
    pub fn work_list<'a>(&'a self, reg: &'a Registry, grid: &GridId, on: NaiveDate) -> WorkList<'a> {
        let mut items = Vec::new();
        if let Some(g) = reg.st().areas.grid_index(grid.as_str()) {
            self.collect(reg, g, on, &mut items);
        }
        sort_items(&mut items);
        WorkList { on, items }
    }

    /// The work list of a keeper: the grids the staff member keeps (网格责任人), merged.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// assert!(s.keeper_work_list(&reg, &"nobody".into(), "2026-04-15".parse().unwrap()).items.is_empty());
    /// assert_eq!(s.keeper_work_list(&reg, &"k1".into(), "2026-04-15".parse().unwrap()).items.len(), 1);
    /// ```
    pub fn keeper_work_list<'a>(&'a self, reg: &'a Registry, keeper: &StaffId, on: NaiveDate) -> WorkList<'a> {
        let st = reg.st();
        let mut items = Vec::new();
        for g in st.areas.grids_kept_by(keeper) {
            if let Some(gi) = st.areas.grid_index(g.as_str()) {
                self.collect(reg, gi, on, &mut items);
            }
        }
        sort_items(&mut items);
        WorkList { on, items }
    }

    fn collect<'a>(&'a self, reg: &'a Registry, g: u32, on: NaiveDate, items: &mut Vec<WorkItem<'a>>) {
        let st = reg.st();
        let d = day(on);
        let Some(owners) = self.by_grid.get(g as usize) else { return };
        for &owner in owners {
            let mut key: Option<bool> = None;
            for ob in self.span(owner) {
                if ob.grid != g || !visible(ob, d) || !state_on(ob, d).is_open() {
                    continue;
                }
                let k = *key.get_or_insert_with(|| priority_client(st, ob.person, d));
                items.push(WorkItem { obligation: Obligation::new(st, &self.rules, *ob, d), priority_client: k });
            }
        }
    }

    /// 月历 — the obligations due in a month (of a grid, or everywhere), by due date, with
    /// states on `on`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, Registry, RuleSet, Schedule};
    /// let reg = Registry::example();
    /// let s = Schedule::new(&reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    /// let may = s.month(&reg, Some(&"g1".into()), 2026, 5, "2026-05-01".parse().unwrap());
    /// assert_eq!(may.days[0].date.to_string(), "2026-05-01");
    /// assert_eq!(may.days[0].obligations[0].rule().id, "iud_followup");
    /// ```
    pub fn month<'a>(
        &'a self,
        reg: &'a Registry,
        grid: Option<&GridId>,
        year: i32,
        month: u32,
        on: NaiveDate,
    ) -> MonthCalendar<'a> {
        let st = reg.st();
        let month_p = Period::month(year, month).unwrap_or(Period::month_of(on));
        let (ms, me) = (day(month_p.start), day(month_p.end));
        let g = grid.map(|g| st.areas.grid_index(g.as_str()).unwrap_or(NONE - 1));
        let d = day(on);
        let mut obs: Vec<Obligation<'a>> = Vec::new();
        let owners: Vec<u32> = match g {
            Some(g) => self.by_grid.get(g as usize).cloned().unwrap_or_default(),
            None => (0..self.spans.len() as u32).chain((0..self.hspans.len() as u32).map(|h| h | HOUSEHOLD)).collect(),
        };
        for owner in owners {
            for ob in self.span(owner) {
                if ob.due < ms || ob.due > me || g.is_some_and(|g| ob.grid != g) || !visible(ob, d) {
                    continue;
                }
                obs.push(Obligation::new(st, &self.rules, *ob, d));
            }
        }
        obs.sort_by(|a, b| (a.due, a.ob.rule, a.person()).cmp(&(b.due, b.ob.rule, b.person())));
        let mut days: Vec<CalendarDay<'a>> = Vec::new();
        for o in obs {
            match days.last_mut() {
                Some(cd) if cd.date == o.due => cd.obligations.push(o),
                _ => days.push(CalendarDay { date: o.due, obligations: vec![o] }),
            }
        }
        debug_assert!(days.iter().all(|cd| cd.date.month() == month_p.start.month()));
        MonthCalendar { month: month_p, days }
    }
}

fn sort_items(items: &mut [WorkItem<'_>]) {
    items.sort_by(|a, b| {
        let ka = (!a.priority_client, a.obligation.window.end, std::cmp::Reverse(a.obligation.rule().priority));
        let kb = (!b.priority_client, b.obligation.window.end, std::cmp::Reverse(b.obligation.rule().priority));
        ka.cmp(&kb)
            .then_with(|| a.obligation.person().cmp(&b.obligation.person()))
            .then_with(|| a.obligation.household().cmp(b.obligation.household()))
            .then_with(|| a.obligation.due.cmp(&b.obligation.due))
    });
}

impl ObligationState {
    /// Every state, for reports.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ObligationState::all().len(), 6);
    /// ```
    pub fn all() -> &'static [ObligationState] {
        ObligationState::ALL
    }
}
