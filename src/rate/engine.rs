//! The per-person loop: one pass over the dense person records, every requested measure
//! evaluated on states computed once per person and date, counted into one vector of
//! [`Counts`] per measure indexed by the internal unit index (no allocation per person).

use super::drill::{DrillDown, Explain};
use super::{Counts, Entry, GroupBy, Measure, Params, Partial, Reason, StateBasis, Table, catalogue, custom, roll_up};
use crate::registry::state::{Fold, NONE, State, day};
use crate::{AreaLevel, CaseFileStatus, MaritalStatus, Method, PersonRef, Registry, Residency, Sex};
use chrono::NaiveDate;
use std::borrow::Cow;

/// What the evaluators report each subject to.
pub(crate) trait Sink<'r> {
    /// Adds `c` to `unit`; `row` describes the subject (only called when explaining), given
    /// whether the reason is wanted (the subject is not counted): a counted subject's
    /// reason is never built.
    fn add(&mut self, unit: u32, c: Counts, row: impl FnOnce(bool) -> Row<'r>);
}

/// One subject as an evaluator describes it to an explaining sink.
#[derive(Debug)]
pub(crate) struct Row<'r> {
    /// The person, when the subject is about one (borrowed from the registry when it can be).
    pub person: Option<Cow<'r, str>>,
    /// What was counted, when it is not the person's id.
    pub subject: Option<String>,
    /// Why it is not in the numerator (built only when asked for).
    pub reason: Option<Reason>,
}

impl<'r> Row<'r> {
    /// A person as the subject.
    pub(crate) fn person(id: &'r str) -> Row<'r> {
        Row { person: Some(Cow::Borrowed(id)), subject: None, reason: None }
    }

    /// A subject described by `subject`, about `person` if any.
    pub(crate) fn subject(person: Option<Cow<'r, str>>, subject: String) -> Row<'r> {
        Row { person, subject: Some(subject), reason: None }
    }

    /// With the reason `r()` when `why` (the reason is wanted).
    pub(crate) fn because(mut self, why: bool, r: impl FnOnce() -> Reason) -> Row<'r> {
        if why {
            self.reason = Some(r());
        }
        self
    }
}

/// Counting: one cell per unit index (the last one is "no unit").
pub(crate) struct Tally(pub Vec<Counts>);

impl<'r> Sink<'r> for Tally {
    #[inline]
    fn add(&mut self, unit: u32, c: Counts, _: impl FnOnce(bool) -> Row<'r>) {
        self.0[unit as usize].add(&c);
    }
}

/// The fixed context of one computation.
pub(crate) struct Ctx<'r> {
    pub st: &'r State,
    pub p: Params,
    /// The birth policy that judges `policy_compliance_rate` (the registry's).
    pub policy: &'r crate::PolicySet,
    pub level: AreaLevel,
    /// Index of the "no unit" cell (= the number of units).
    pub none: u32,
    /// `P` and `A` as day numbers.
    pub p0: i32,
    pub p1: i32,
    pub a: i32,
}

impl<'r> Ctx<'r> {
    pub(crate) fn new(st: &'r State, p: Params, level: AreaLevel) -> Ctx<'r> {
        let none = st.areas.all(level).len() as u32;
        let policy = crate::PolicySet::builtin();
        Ctx { st, p, policy, level, none, p0: day(p.period.start), p1: day(p.period.end), a: day(p.as_of) }
    }

    /// The same context judging by `policy`.
    pub(crate) fn with_policy(self, policy: &'r crate::PolicySet) -> Ctx<'r> {
        Ctx { policy, ..self }
    }

    /// True for a day number inside `P` and seen on `A`.
    #[inline]
    pub(crate) fn in_period(&self, d: i32) -> bool {
        d >= self.p0 && d <= self.p1 && d <= self.a
    }

    /// Whether person `p` has a visit of kind `k` in `P`, seen on `A`: the one visit test of
    /// the catalogue's floating check and of custom filters (what [`VisitsRead`](super::VisitsRead)
    /// bounds as "the kind in `P` up to `A`").
    #[inline]
    pub(crate) fn has_visit(&self, p: u32, k: u16) -> bool {
        self.st.person_visits(p).any(|v| v.kind == k && self.in_period(day(v.date)))
    }

    /// The unit index of a state.
    #[inline]
    pub(crate) fn unit(&self, s: &Lite) -> u32 {
        if s.unit == NONE { self.none } else { s.unit }
    }

    /// The unit index of a household on a date.
    pub(crate) fn household_unit(&self, h: u32, on: NaiveDate) -> u32 {
        if h == NONE || h as usize >= self.st.households.len() {
            return self.none;
        }
        let place = self.st.households[h as usize].place_on(day(on));
        let ix = match self.level {
            AreaLevel::Grid => place.grid,
            AreaLevel::Group => place.group,
            _ => NONE,
        };
        if ix == NONE { self.none } else { ix }
    }

    /// The unit index of a grid index (subjects that know only their grid).
    pub(crate) fn grid_unit(&self, g: u32) -> u32 {
        if self.level == AreaLevel::Grid && g != NONE { g } else { self.none }
    }

    /// A person's state on `on` as known on `A`: the facts dated `≤ min(on, A)` (`≤ A` under
    /// [`StateBasis::AsRecorded`]), the age on `on`.
    #[inline]
    pub(crate) fn known(&self, p: PersonRef<'r>, on: NaiveDate) -> Option<Lite> {
        let st = self.st;
        let rec = &st.persons[p.ix as usize];
        let k = match self.p.basis {
            StateBasis::AsRecorded => self.p.as_of,
            StateBasis::OnDate => on.min(self.p.as_of),
        };
        if k < rec.registered {
            return None;
        }
        let kd = day(k);
        let mut f = Fold::start(rec);
        if rec.facts_len > 0 {
            let who = st.who(p.ix);
            for fact in st.facts_of(p.ix) {
                if fact.date > kd {
                    break;
                }
                let _ = f.step(fact, &who, false);
            }
        }
        let unit = if f.household == NONE {
            NONE
        } else {
            let place = st.households[f.household as usize].place_on(kd);
            match self.level {
                AreaLevel::Grid => place.grid,
                AreaLevel::Group => place.group,
                _ => NONE,
            }
        };
        Some(Lite {
            sex: rec.sex,
            age: crate::age_on(rec.birth, on),
            residency: f.residency,
            marital: f.marital,
            method: f.method,
            method_recorded: f.method_present,
            case_file: f.case_file,
            tags: f.tags,
            unit,
        })
    }
}

/// What the rates need of a person's state on a date, computed straight from the dense
/// record and its facts (no strings, no date conversions).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Lite {
    pub sex: Sex,
    pub age: u32,
    pub residency: Residency,
    pub marital: MaritalStatus,
    pub method: Method,
    pub method_recorded: bool,
    pub case_file: CaseFileStatus,
    pub tags: u64,
    /// Unit index at the context's level, or `NONE`.
    pub unit: u32,
}

impl Lite {
    #[inline]
    pub(crate) fn is_wra(&self) -> bool {
        self.sex == Sex::Female && (15..=49).contains(&self.age)
    }

    #[inline]
    pub(crate) fn is_resident_wra(&self) -> bool {
        self.is_wra() && self.residency.is_resident()
    }

    #[inline]
    pub(crate) fn is_married_wra(&self) -> bool {
        self.is_wra() && self.marital == MaritalStatus::Married
    }

    #[inline]
    pub(crate) fn uses_method(&self) -> bool {
        self.method_recorded && self.method != Method::None
    }
}

/// A person's states on a few dates, each computed at most once.
pub(crate) struct Cache<'r> {
    pub p: PersonRef<'r>,
    slots: [(NaiveDate, NaiveDate, Option<Lite>); 3],
    used: usize,
}

impl<'r> Cache<'r> {
    #[inline]
    pub(crate) fn new(p: PersonRef<'r>) -> Cache<'r> {
        Cache { p, slots: [(NaiveDate::MIN, NaiveDate::MIN, None); 3], used: 0 }
    }

    /// The state on `on` as known on `A`.
    #[inline]
    pub(crate) fn at(&mut self, ctx: &Ctx<'r>, on: NaiveDate) -> Option<Lite> {
        let a = ctx.p.as_of;
        for (d, da, s) in &self.slots[..self.used] {
            if *d == on && *da == a {
                return *s;
            }
        }
        let s = ctx.known(self.p, on);
        let i = if self.used < self.slots.len() {
            self.used += 1;
            self.used - 1
        } else {
            0
        };
        self.slots[i] = (on, a, s);
        s
    }
}

/// Which persons *without facts* a measure can count, told from their record alone.
///
/// A person without facts (most of a snapshot's persons: no dated attribute) is in the same
/// state on every date, her record as loaded, apart from her age. A measure that counts only
/// some sexes, residencies, marital statuses or ages says so here, and the per-person pass
/// skips, without computing her state, a person without facts that no measure can count:
/// about half of a city's persons for the six rates of SIX_RATES.md. The test is
/// conservative: a measure that cannot say is [`Screen::EVERYONE`], and a person with facts
/// is always evaluated.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Screen {
    /// False: every person is evaluated (the other fields are not used).
    active: bool,
    /// A person without facts is never counted (follow-ups triggered only by events).
    needs_facts: bool,
    sex: Option<Sex>,
    /// One bit per residency counted (`1 << residency as u8`).
    residency: u8,
    /// One bit per marital status counted.
    marital: u8,
    /// Counted only at these ages (inclusive) on this date.
    age: Option<(NaiveDate, u32, u32)>,
}

impl Screen {
    /// The measure cannot tell: everyone is evaluated.
    pub(crate) const EVERYONE: Screen =
        Screen { active: false, needs_facts: false, sex: None, residency: !0, marital: !0, age: None };

    /// Only persons with facts can be counted.
    pub(crate) const WITH_FACTS: Screen = Screen { active: true, needs_facts: true, ..Screen::EVERYONE };

    /// Persons of any description (narrowed with the builders below).
    pub(crate) const ANY: Screen = Screen { active: true, ..Screen::EVERYONE };

    /// Resident (registered or floating) women aged 15–49 on `on` (育龄妇女, DOMAIN §7).
    pub(crate) fn resident_wra(on: NaiveDate) -> Screen {
        Screen::ANY.sex(Sex::Female).residency(&[Residency::Registered, Residency::Floating]).ages(on, 15, 49)
    }

    pub(crate) fn sex(self, sex: Sex) -> Screen {
        Screen { sex: Some(sex), ..self }
    }

    /// Counted only in these residencies (all of them when empty).
    pub(crate) fn residency(self, rs: &[Residency]) -> Screen {
        let bits = rs.iter().fold(0u8, |b, r| b | 1 << (*r as u8));
        Screen { residency: if rs.is_empty() { !0 } else { bits }, ..self }
    }

    /// Counted only in these marital statuses (all of them when empty).
    pub(crate) fn marital(self, ms: &[MaritalStatus]) -> Screen {
        let bits = ms.iter().fold(0u8, |b, m| b | 1 << (*m as u8));
        Screen { marital: if ms.is_empty() { !0 } else { bits }, ..self }
    }

    /// Counted only at ages `lo..=hi` on `on`.
    pub(crate) fn ages(self, on: NaiveDate, lo: u32, hi: u32) -> Screen {
        Screen { age: Some((on, lo, hi)), ..self }
    }

    /// False when the measure cannot count `rec`, a person without facts.
    #[inline]
    fn may_count(&self, rec: &crate::registry::state::PersonRec) -> bool {
        !self.active
            || (!self.needs_facts
                && self.sex.is_none_or(|s| s == rec.sex)
                && self.residency & (1 << (rec.residency as u8)) != 0
                && self.marital & (1 << (rec.marital as u8)) != 0
                && self.age.is_none_or(|(on, lo, hi)| (lo..=hi).contains(&crate::age_on(rec.birth, on))))
    }
}

/// The screens of measures about to run together.
pub(crate) fn screens(ctxs: &[Ctx<'_>], ms: &[Prepared<'_>]) -> Vec<Screen> {
    ms.iter().zip(ctxs).map(|(m, ctx)| m.screen(ctx)).collect()
}

/// Per-thread buffers of the per-person pass, one per measure.
#[derive(Debug, Default)]
pub(crate) struct Local {
    pub visit: crate::visit::PersonScratch,
}

/// The drill-down entry of an obligation counted by a follow-up rate: the person (or
/// household), the rule and due date, and why it was missed (`missing` names the visit kind
/// that fulfils the rule, or the rule when no visit does).
pub(crate) fn obligation_entry<'r>(rate: &str, o: &crate::Obligation<'_>, why: bool) -> Row<'r> {
    let rule = o.rule();
    let id = rule.id.as_str();
    let subject = match o.person() {
        Some(p) => format!("{p} {id} due {}", o.due),
        None => format!("{} {id} due {}", o.household(), o.due),
    };
    // Owned: an obligation borrows its rule set too, which may not live as long as the registry.
    Row::subject(o.person().map(|p| Cow::Owned(p.to_string())), subject).because(why, || {
        // What is missing: the visit that would have fulfilled it (else the rule itself).
        let missing = rule.fulfilled_by.visit.as_deref().unwrap_or(id);
        let name = if rule.name.is_empty() { id } else { rule.name.as_str() };
        let mut r = Reason::new(format!("{rate}/{id}"), missing, format!("missed: {name} ({})", o.why()));
        r.due = Some(o.due);
        r.window = Some(o.window);
        r
    })
}

/// A measure ready to run: ids of visit kinds, outcomes and tags looked up once.
pub(crate) enum Prepared<'m> {
    Catalogue(catalogue::Prepared<'m>),
    Custom(custom::Prepared<'m>),
}

impl<'m> Prepared<'m> {
    pub(crate) fn new(st: &'m State, m: &'m Measure, p: &Params) -> Prepared<'m> {
        match m {
            Measure::Catalogue(c) => Prepared::Catalogue(catalogue::Prepared::new(st, *c)),
            Measure::Custom(c) => Prepared::Custom(custom::Prepared::new(st, c, p)),
        }
    }

    fn per_person(&self) -> bool {
        match self {
            Prepared::Catalogue(c) => c.per_person(),
            Prepared::Custom(_) => true,
        }
    }

    /// Which persons without facts the measure can count ([`Screen`]).
    pub(crate) fn screen(&self, ctx: &Ctx<'_>) -> Screen {
        match self {
            Prepared::Catalogue(c) => c.screen(ctx),
            Prepared::Custom(c) => c.screen(ctx),
        }
    }

    #[inline]
    fn person<'r, S: Sink<'r>>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, local: &mut Local, sink: &mut S) {
        match self {
            Prepared::Catalogue(c) => c.person(ctx, cache, sink),
            Prepared::Custom(c) => c.person(ctx, cache, local, sink),
        }
    }

    fn other<'r, S: Sink<'r>>(&self, reg: &'r Registry, ctx: &Ctx<'r>, sink: &mut S) {
        if let Prepared::Catalogue(c) = self {
            c.other(reg, ctx, sink)
        }
    }
}

/// Evaluates `ms` (with their contexts and screens) on the persons of `range`, into `sinks`.
pub(crate) fn run_persons<'r, S: Sink<'r>>(
    ctxs: &[Ctx<'r>],
    reg: &'r Registry,
    range: std::ops::Range<usize>,
    ms: &[Prepared<'_>],
    screens: &[Screen],
    sinks: &mut [S],
) {
    let st = reg.st();
    let mut locals: Vec<Local> = ms.iter().map(|_| Local::default()).collect();
    const BLOCK: usize = 64;
    let mut at = range.start;
    while at < range.end {
        let block = at..(at + BLOCK).min(range.end);
        // Screen the block's persons, then touch the first fact and first visit of those kept
        // with independent loads, so their cache misses overlap instead of stalling one person
        // at a time (and no memory is fetched for a person skipped).
        let mut keep = 0u64;
        let mut touch = 0i64;
        for (k, rec) in st.persons[block.clone()].iter().enumerate() {
            // Without facts, her record is her state: a person no measure can count is skipped.
            if rec.facts_len == 0 && !screens.iter().any(|s| s.may_count(rec)) {
                continue;
            }
            keep |= 1 << k;
            if rec.facts_len > 0 {
                touch += i64::from(st.facts[rec.facts_start as usize].date);
            }
            if rec.first_visit != NONE {
                touch += i64::from(st.visits[rec.first_visit as usize].kind);
            }
        }
        std::hint::black_box(touch);
        while keep != 0 {
            let ix = block.start + keep.trailing_zeros() as usize;
            keep &= keep - 1;
            let rec = &st.persons[ix];
            let plain = rec.facts_len == 0;
            let mut cache = Cache::new(PersonRef { st, ix: ix as u32 });
            for ((((m, ctx), sink), local), screen) in
                ms.iter().zip(ctxs).zip(sinks.iter_mut()).zip(&mut locals).zip(screens)
            {
                if plain && !screen.may_count(rec) {
                    continue;
                }
                m.person(ctx, &mut cache, local, sink);
            }
        }
        at += BLOCK;
    }
}

fn unit_names(st: &State, level: AreaLevel) -> Vec<String> {
    let mut names: Vec<String> = st.areas.all(level).iter().map(|a| a.id.clone()).collect();
    names.push(String::new());
    names
}

impl Registry {
    /// Computes several measures in one pass over the persons, counts kept per unit of
    /// `by`'s [unit level](GroupBy::unit_level). Large registries are split across the
    /// available cores and the shards merged.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let ms = [RateCode::CaseFileRate.into(), RateCode::Cpr.into()];
    /// let parts = reg.partials(&ms, &Params::new("2026-06-30".parse()?), GroupBy::Grid);
    /// assert_eq!(parts[0].total().denominator, 2);
    /// assert_eq!(parts[1].total().numerator, 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn partials(&self, measures: &[Measure], params: &Params, by: GroupBy) -> Vec<Partial> {
        let jobs: Vec<(&Measure, Params)> = measures.iter().map(|m| (m, *params)).collect();
        self.partials_each(&jobs, by)
    }

    /// Like [`partials`](Registry::partials), each measure with its own parameters (say the
    /// floating check over June and the IUD follow-up over Q2), still in one pass: a
    /// person's state on a date is computed once for all measures that need it.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, Period, RateCode, Registry};
    /// let reg = Registry::example();
    /// let d = "2026-06-30".parse()?;
    /// let cf = RateCode::CaseFileRate.into();
    /// let fc = RateCode::FloatingCheckRate.into();
    /// let parts = reg.partials_each(&[(&cf, Params::new(d)), (&fc, Params::new(d).period(Period::quarter(2026, 2).unwrap()))], GroupBy::Grid);
    /// assert_eq!(parts[1].total().denominator, 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn partials_each(&self, jobs: &[(&Measure, Params)], by: GroupBy) -> Vec<Partial> {
        let st = self.st();
        let level = by.unit_level();
        let ctxs: Vec<Ctx<'_>> = jobs.iter().map(|(_, p)| Ctx::new(st, *p, level).with_policy(self.policy())).collect();
        let prepared: Vec<Prepared<'_>> = jobs.iter().map(|(m, p)| Prepared::new(st, m, p)).collect();
        let cells = st.areas.all(level).len() + 1;
        let fresh = || -> Vec<Tally> { (0..prepared.len()).map(|_| Tally(vec![Counts::default(); cells])).collect() };
        let n = self.len();
        let threads =
            if n >= 200_000 { std::thread::available_parallelism().map(|t| t.get()).unwrap_or(1).min(8) } else { 1 };
        let mut tallies = fresh();
        let screens = screens(&ctxs, &prepared);
        if prepared.iter().any(Prepared::per_person) {
            if threads <= 1 {
                run_persons(&ctxs, self, 0..n, &prepared, &screens, &mut tallies);
            } else {
                let chunk = n.div_ceil(threads);
                let shards: Vec<Vec<Tally>> = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..threads)
                        .map(|t| {
                            let (ctxs, prepared, screens, fresh) = (&ctxs, &prepared, &screens, &fresh);
                            s.spawn(move || {
                                let mut local = fresh();
                                let range = (t * chunk).min(n)..((t + 1) * chunk).min(n);
                                run_persons(ctxs, self, range, prepared, screens, &mut local);
                                local
                            })
                        })
                        .collect();
                    handles.into_iter().map(|h| h.join().expect("a rate shard panicked")).collect()
                });
                for shard in shards {
                    for (t, s) in tallies.iter_mut().zip(shard) {
                        for (a, b) in t.0.iter_mut().zip(&s.0) {
                            a.add(b);
                        }
                    }
                }
            }
        }
        for ((m, ctx), t) in prepared.iter().zip(&ctxs).zip(tallies.iter_mut()) {
            m.other(self, ctx, t);
        }
        let names = unit_names(st, level);
        // The units in key order, once for all measures: each map is then built in one sweep
        // from sorted entries (inserting 18,000 grids one by one, per measure, was 5 % of the
        // six rates' pass at 10M persons).
        let mut order: Vec<usize> = (0..names.len()).collect();
        order.sort_unstable_by(|&a, &b| names[a].cmp(&names[b]));
        jobs.iter()
            .zip(tallies)
            .map(|((m, _), t)| {
                let mut p = Partial::empty((*m).clone(), level);
                p.cells = order
                    .iter()
                    .filter(|&&i| t.0[i] != Counts::default())
                    .map(|&i| (names[i].clone(), t.0[i]))
                    .collect();
                p
            })
            .collect()
    }

    /// Computes one measure, counts kept per unit of `by`'s unit level.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = reg.partial(&RateCode::FloatingCheckRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
    /// assert_eq!((p.total().numerator, p.total().denominator), (0, 1));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn partial(&self, measure: &Measure, params: &Params, by: GroupBy) -> Partial {
        self.partials(std::slice::from_ref(measure), params, by).pop().expect("one measure in, one partial out")
    }

    /// Computes one measure grouped by `by`, with the total.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let t = reg.rate(&RateCode::Cpr.into(), &Params::new("2026-06-30".parse()?), GroupBy::Zone);
    /// assert_eq!(t.row("z1").unwrap().rate.to_string(), "100.00%");
    /// assert_eq!(t.row("z2").unwrap().rate.to_string(), "-");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn rate(&self, measure: &Measure, params: &Params, by: GroupBy) -> Table {
        self.partial(measure, params, by).group(self.areas(), by)
    }

    /// The subjects behind one cell (`key` of `by`; `""` for subjects outside every unit):
    /// each one in the denominator, counted or not, with the reason when it is not.
    /// Persons are listed in registry order.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let todo: Vec<_> = reg
    ///     .drill_down(&RateCode::FloatingCheckRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Keeper, "k2")
    ///     .into_iter()
    ///     .filter(|e| !e.counted)
    ///     .collect();
    /// assert_eq!(todo[0].subject, "p3");
    /// assert_eq!(todo[0].reason.as_ref().unwrap().missing, "floating_monthly_check");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn drill_down(&self, measure: &Measure, params: &Params, by: GroupBy, key: &str) -> Vec<Entry> {
        self.drill_down_columns(measure, params, by, key).entries().collect()
    }

    /// The subjects behind one cell, as [`Registry::drill_down`], in columns: no string is
    /// built for a counted person, and each distinct reason is kept once (the form a
    /// binding turns into a DataFrame; 1M rows are common).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::FloatingCheckRate.into(), &p, GroupBy::Keeper, "k2");
    /// let todo: Vec<_> = (0..d.len()).filter(|&i| !d.counted(i)).collect();
    /// assert_eq!(d.subject(todo[0]), "p3");
    /// assert_eq!(d.reason(todo[0]).unwrap().missing, "floating_monthly_check");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn drill_down_columns(&self, measure: &Measure, params: &Params, by: GroupBy, key: &str) -> DrillDown<'_> {
        self.explain(measure, params, by, &|unit_key| unit_key == key)
    }

    /// The subjects behind every cell in one pass, each with the key of its cell (the unit of
    /// `by`; `""` outside every unit): what [`Registry::drill_down`] gives for each key in turn.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let all = reg.drill_down_all(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid);
    /// let keys: Vec<_> = all.iter().map(|(k, e)| (k.as_str(), e.subject.as_str(), e.counted)).collect();
    /// assert_eq!(keys, [("g1", "p1", true), ("g2", "p3", false)]);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn drill_down_all(&self, measure: &Measure, params: &Params, by: GroupBy) -> Vec<(String, Entry)> {
        let st = self.st();
        let level = by.unit_level();
        let all = self.explain(measure, params, by, &|_| true);
        (0..all.len()).map(|i| (roll_up(&st.areas, level, all.unit(i), by), all.entry(i))).collect()
    }

    fn explain(&self, measure: &Measure, params: &Params, by: GroupBy, wanted: &dyn Fn(&str) -> bool) -> DrillDown<'_> {
        let st = self.st();
        let level = by.unit_level();
        let ctx = Ctx::new(st, *params, level).with_policy(self.policy());
        let names = unit_names(st, level);
        let wanted = names.iter().map(|u| wanted(&roll_up(&st.areas, level, u, by))).collect();
        let prepared = Prepared::new(st, measure, params);
        let mut sink = Explain::new(names, wanted);
        if prepared.per_person() {
            let mut one = [sink];
            let (ctxs, ms) = (std::slice::from_ref(&ctx), std::slice::from_ref(&prepared));
            run_persons(ctxs, self, 0..self.len(), ms, &screens(ctxs, ms), &mut one);
            [sink] = one;
        }
        prepared.other(self, &ctx, &mut sink);
        sink.finish()
    }
}
