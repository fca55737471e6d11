//! The registry: every household, person and case file, built from events, answering for
//! any date.

mod apply;
mod interner;
mod rejection;
pub(crate) mod state;

pub use rejection::Rejection;

use crate::{
    Areas, CaseFile, CaseFileStatus, Dated, Error, Event, EventId, GridId, Household, HouseholdId, Person, PersonId,
    PersonState, Place, Prefix, Sex, Tags,
};
use chrono::NaiveDate;
use serde::Serialize;
use state::*;
use std::collections::HashSet;
use std::sync::Arc;

/// An event that could not be applied after a merge: it stays in the log and is reported,
/// never dropped (DOMAIN §5).
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Registry};
/// let mut reg = Registry::example();
/// let twice = Event::new("dup-marriage", "2026-08-01".parse().unwrap(), "k1", EventKind::Married { person: "p1".into(), spouse: None });
/// let report = reg.merge(vec![twice]);
/// assert_eq!(report.conflicts.len(), 1);
/// assert_eq!(reg.conflicts()[0].event.id.as_str(), "dup-marriage");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The event, kept in the log.
    pub event: Event,
    /// Why it does not apply.
    pub reason: Rejection,
}

/// What a merge did.
///
/// # Example
///
/// ```
/// let mut reg = famplan::Registry::example();
/// let again = reg.events().to_vec();
/// let report = reg.merge(again);
/// assert_eq!((report.applied, report.conflicts.len()), (0, 0));
/// assert!(report.duplicates > 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeReport {
    /// New events that applied.
    pub applied: usize,
    /// Events whose id the registry already had (ignored).
    pub duplicates: usize,
    /// Events that are now conflicts (new ones, and old ones the merge made invalid).
    pub conflicts: Vec<Conflict>,
}

/// A visit as recorded.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let v: Vec<_> = reg.visits_of(&"p1".into()).collect();
/// assert_eq!(v[0].kind, "post_surgery");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Visit<'r> {
    /// Visit id (the event id for visits recorded as events).
    pub id: &'r str,
    /// Who was visited.
    pub person: &'r str,
    /// When it happened.
    pub date: NaiveDate,
    /// The visit kind.
    pub kind: &'r str,
    /// Outcome, if recorded.
    pub outcome: Option<&'r str>,
    /// Visitor, if recorded.
    pub visitor: Option<&'r str>,
}

/// Residents, WRA and married WRA of one grid on a date.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let rows = reg.population_by_grid("2026-06-30".parse().unwrap());
/// assert_eq!((rows[0].grid.as_str(), rows[0].resident, rows[0].wra, rows[0].married_wra), ("g1", 2, 1, 1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GridPopulation {
    /// The grid.
    pub grid: GridId,
    /// Registered + floating residents.
    pub resident: u32,
    /// Resident women 15–49.
    pub wra: u32,
    /// Of those, married.
    pub married_wra: u32,
}

/// Every household, person and case file of a community, built from events (DOMAIN §5).
///
/// State is never edited in place: [`Registry::apply`] checks an event against the state and
/// either records it or refuses it, changing nothing. Any question is asked for a date
/// ([`Registry::state`]); the answer is derived, never stored.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, HousingKind, MaritalStatus, Place, Registry, Residency, Sex, AreaLevel};
///
/// let mut reg = Registry::new();
/// let d = |s: &str| s.parse().unwrap();
/// let mut n = 0;
/// let mut add = |reg: &mut Registry, on: &str, kind| { n += 1; reg.apply(Event::new(format!("e{n}"), d(on), "k1", kind)) };
/// add(&mut reg, "2020-01-01", EventKind::AreaDefined { level: AreaLevel::Community, area: "c".into(), parent: None, name: None })?;
/// add(&mut reg, "2020-01-01", EventKind::AreaDefined { level: AreaLevel::Zone, area: "z".into(), parent: Some("c".into()), name: None })?;
/// add(&mut reg, "2020-01-01", EventKind::AreaDefined { level: AreaLevel::Grid, area: "g".into(), parent: Some("z".into()), name: None })?;
/// add(&mut reg, "2020-01-01", EventKind::HouseholdRegistered { household: "h".into(), housing: HousingKind::Rental, place: Place::grid("g") })?;
/// add(&mut reg, "2024-05-01", EventKind::PersonRegistered {
///     person: "p".into(), household: "h".into(), name: "王芳".into(), sex: Sex::Female, birth_date: d("1998-02-03"),
///     id_number: None, phone: None, relation: None, marital: MaritalStatus::Single, marital_since: None,
///     residency: Residency::Floating, tags: vec![] })?;
/// add(&mut reg, "2025-10-01", EventKind::Married { person: "p".into(), spouse: None })?;
///
/// assert!(!reg.state(&"p".into(), d("2025-09-30")).unwrap().is_married_wra());
/// assert!(reg.state(&"p".into(), d("2025-10-01")).unwrap().is_married_wra());
/// // A second marriage contradicts the state: refused, nothing changes.
/// assert!(add(&mut reg, "2026-01-01", EventKind::Married { person: "p".into(), spouse: None }).is_err());
/// assert_eq!(reg.events().len(), 6);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Registry {
    base: Arc<State>,
    state: Arc<State>,
    log: Vec<Event>,
    log_ids: HashSet<EventId>,
    conflicts: Vec<Conflict>,
    /// The community's birth policy (`None` = the built-in rules); see `Registry::policy`.
    pub(crate) policy: Option<Arc<crate::PolicySet>>,
}

impl Registry {
    /// An empty registry.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Registry::new().is_empty());
    /// ```
    pub fn new() -> Registry {
        Registry::default()
    }

    #[cfg(feature = "csv")]
    pub(crate) fn from_base(base: State) -> Registry {
        let base = Arc::new(base);
        Registry { state: base.clone(), base, ..Registry::default() }
    }

    pub(crate) fn st(&self) -> &State {
        &self.state
    }

    /// Builds a registry from a set of events in any order (see [`Registry::merge`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Registry;
    /// let mut events = Registry::example().events().to_vec();
    /// events.reverse();
    /// let (reg, report) = Registry::from_events(events);
    /// assert!(report.conflicts.is_empty());
    /// assert_eq!(reg, Registry::example());
    /// ```
    pub fn from_events(events: impl IntoIterator<Item = Event>) -> (Registry, MergeReport) {
        let mut reg = Registry::new();
        let report = reg.merge(events);
        (reg, report)
    }

    /// Applies one event, or refuses it with the reason and leaves the registry exactly as
    /// it was.
    ///
    /// An event dated before events already applied (a visit recorded late, with its real
    /// date) is placed at its date; it is refused if it would make a later event invalid.
    ///
    /// # Errors
    ///
    /// [`Error::Rejected`] with a [`Rejection`].
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry};
    /// let mut reg = Registry::example();
    /// let before = reg.clone();
    /// let e = Event::new("x", "2026-07-01".parse().unwrap(), "k1", EventKind::Divorced { person: "nobody".into() });
    /// assert_eq!(reg.apply(e).unwrap_err().to_string(), "event x: unknown person `nobody`");
    /// assert_eq!(reg, before);
    /// ```
    pub fn apply(&mut self, event: Event) -> Result<(), Error> {
        let reject =
            |event: &Event, reason| Error::Rejected { at: Prefix::none(), event: event.id.to_string(), reason };
        if self.log_ids.contains(&event.id) {
            return Err(reject(&event, Rejection::DuplicateEvent));
        }
        // Eligibility is the counter's judgement of a new application on what is known now;
        // a replay does not repeat it (see `Registry::eligibility_flags`).
        crate::application::check_new_application(&self.state, self.policy(), &event)
            .map_err(|reason| reject(&event, reason))?;
        match Arc::make_mut(&mut self.state).apply(&event) {
            Ok(()) => {
                self.insert_log(event);
                Ok(())
            }
            Err(reason) => Err(reject(&event, reason)),
        }
    }

    fn insert_log(&mut self, event: Event) {
        self.log_ids.insert(event.id.clone());
        let key = event.order_key();
        let pos = self.log.partition_point(|e| e.order_key() <= key);
        self.log.insert(pos, event);
    }

    /// Merges another device's (or file's) events: the union by id.
    ///
    /// Events whose id is already here are ignored; the rest are applied in the canonical
    /// order (date, kind, recorded_at, id). An event that does not fit is kept in the log and
    /// reported as a [`Conflict`]. The result does not depend on the order of the events,
    /// nor on the order of merges: merging is commutative and idempotent.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Registry;
    /// let all = Registry::example().events().to_vec();
    /// let (a, b) = all.split_at(all.len() / 2);
    /// let (mut ab, _) = Registry::from_events(a.to_vec());
    /// ab.merge(b.to_vec());
    /// let (mut ba, _) = Registry::from_events(b.to_vec());
    /// ba.merge(a.to_vec());
    /// assert_eq!(ab, ba);
    /// ```
    pub fn merge(&mut self, events: impl IntoIterator<Item = Event>) -> MergeReport {
        let mut report = MergeReport::default();
        let mut seen = HashSet::new();
        let mut fresh: Vec<Event> = Vec::new();
        for e in events {
            if self.log_ids.contains(&e.id) || !seen.insert(e.id.clone()) {
                report.duplicates += 1;
            } else {
                fresh.push(e);
            }
        }
        if fresh.is_empty() {
            return report;
        }
        fresh.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
        let in_order = match (self.log.last(), fresh.first()) {
            (Some(last), Some(first)) => first.order_key() > last.order_key(),
            _ => true,
        };
        if in_order {
            let state = Arc::make_mut(&mut self.state);
            for e in fresh {
                match state.apply(&e) {
                    Ok(()) => report.applied += 1,
                    Err(reason) => {
                        let c = Conflict { event: e.clone(), reason };
                        self.conflicts.push(c.clone());
                        report.conflicts.push(c);
                    }
                }
                self.log_ids.insert(e.id.clone());
                self.log.push(e);
            }
            return report;
        }
        let before: HashSet<EventId> = self.conflicts.iter().map(|c| c.event.id.clone()).collect();
        let fresh_ids: HashSet<EventId> = fresh.iter().map(|e| e.id.clone()).collect();
        for e in fresh {
            self.insert_log(e);
        }
        self.rebuild();
        report.applied = self.log.iter().filter(|e| fresh_ids.contains(&e.id)).count()
            - self.conflicts.iter().filter(|c| fresh_ids.contains(&c.event.id)).count();
        report.conflicts = self.conflicts.iter().filter(|c| !before.contains(&c.event.id)).cloned().collect();
        report
    }

    /// Replays the whole log over the base, in canonical order.
    fn rebuild(&mut self) {
        let mut state = (*self.base).clone();
        self.conflicts.clear();
        for e in &self.log {
            if let Err(reason) = state.apply(e) {
                self.conflicts.push(Conflict { event: e.clone(), reason });
            }
        }
        self.state = Arc::new(state);
    }

    /// Every event of the log (applied and conflicting), in canonical order.
    ///
    /// Facts that came from snapshot rows are not events and are not listed here.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.events().windows(2).all(|w| w[0].date <= w[1].date));
    /// ```
    pub fn events(&self) -> &[Event] {
        &self.log
    }

    /// Events kept in the log that do not apply.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Registry::example().conflicts().is_empty());
    /// ```
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Number of persons ever registered (any residency).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Registry::example().len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.state.persons.len()
    }

    /// True when no person is registered.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::Registry::example().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.state.persons.is_empty()
    }

    /// Number of households ever registered.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Registry::example().household_count(), 2);
    /// ```
    pub fn household_count(&self) -> usize {
        self.state.households.len()
    }

    /// Number of visits recorded.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Registry::example().visit_count(), 1);
    /// ```
    pub fn visit_count(&self) -> usize {
        self.state.visits.len()
    }

    /// The area tree and staff.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Registry::example().areas().all(famplan::AreaLevel::Zone).len(), 2);
    /// ```
    pub fn areas(&self) -> &Areas {
        &self.state.areas
    }

    /// Every person, as cheap handles in registration order.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let on = "2026-06-30".parse().unwrap();
    /// let wra = reg.persons().filter_map(|p| p.state_on(on)).filter(|s| s.is_resident_wra()).count();
    /// assert_eq!(wra, 2);
    /// ```
    pub fn persons(&self) -> impl ExactSizeIterator<Item = PersonRef<'_>> + '_ {
        (0..self.state.persons.len() as u32).map(move |ix| PersonRef { st: &self.state, ix })
    }

    /// One person by id, as a handle.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p2".into()).unwrap().id(), "p2");
    /// ```
    pub fn get(&self, id: &PersonId) -> Option<PersonRef<'_>> {
        self.state.person_ids.find(id.as_str()).map(|ix| PersonRef { st: &self.state, ix })
    }

    /// A person's record (corrections applied).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.person(&"p1".into()).unwrap().name, "李梅");
    /// assert!(reg.person(&"p9".into()).is_none());
    /// ```
    pub fn person(&self, id: &PersonId) -> Option<Person> {
        self.get(id).map(|p| p.person())
    }

    /// A person's state on a date; `None` for an unknown person or a date before she was
    /// registered.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.state(&"p1".into(), "2000-01-01".parse().unwrap()).is_none());
    /// ```
    pub fn state(&self, id: &PersonId, on: NaiveDate) -> Option<PersonState<'_>> {
        self.get(id)?.state_on(on)
    }

    /// A person's case file as of a date (DOMAIN §4).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let cf = reg.case_file(&"p1".into(), "2023-01-01".parse().unwrap()).unwrap();
    /// assert!(cf.methods.is_empty());
    /// ```
    pub fn case_file(&self, id: &PersonId, on: NaiveDate) -> Option<CaseFile> {
        self.get(id).map(|p| p.case_file(on))
    }

    /// A household as it is now.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.household(&"h2".into()).unwrap().kind, famplan::HousingKind::Rental);
    /// ```
    pub fn household(&self, id: &HouseholdId) -> Option<Household> {
        let st = &*self.state;
        let h = st.household_ids.find(id.as_str())?;
        let rec = &st.households[h as usize];
        let members = (0..st.persons.len() as u32)
            .filter(|&p| st.fold_on(p, NEVER - 1).household == h)
            .map(|p| PersonId::new(st.person_ids.get_str(p)))
            .collect();
        Some(Household {
            id: id.clone(),
            kind: rec.kind,
            place: st.place_view(rec.current()),
            registered_on: date(rec.registered).unwrap_or(NaiveDate::MIN),
            dissolved_on: date(rec.dissolved),
            members,
        })
    }

    /// The members of a household on a date: everyone registered by then whose household it
    /// is on that date, with any residency (filter on [`PersonState::residency`] for residents).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let on = "2026-06-30".parse().unwrap();
    /// let ids: Vec<_> = reg.members(&"h1".into(), on).iter().map(|p| p.id()).collect();
    /// assert_eq!(ids, ["p1", "p2"]);
    /// assert!(reg.members(&"h1".into(), "2019-01-01".parse().unwrap()).is_empty());
    /// ```
    pub fn members(&self, household: &HouseholdId, on: NaiveDate) -> Vec<PersonRef<'_>> {
        let st = &*self.state;
        let Some(h) = st.household_ids.find(household.as_str()) else { return Vec::new() };
        self.persons()
            .filter(|p| {
                let rec = &st.persons[p.ix as usize];
                rec.registered <= on && st.fold_on(p.ix, day(on)).household == h
            })
            .collect()
    }

    /// Ids of every household, in registration order.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.household_ids().collect::<Vec<_>>(), ["h1", "h2"]);
    /// ```
    pub fn household_ids(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.state.households.len() as u32).map(move |h| self.state.household_ids.get_str(h))
    }

    /// Every visit, in recording order.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Registry::example().visits().count(), 1);
    /// ```
    pub fn visits(&self) -> impl Iterator<Item = Visit<'_>> + '_ {
        self.state.visits.iter().enumerate().map(move |(i, v)| self.state.visit_view(i as u32, v))
    }

    /// The visits of one person, newest recorded first.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.visits_of(&"p2".into()).count(), 0);
    /// ```
    pub fn visits_of(&self, id: &PersonId) -> impl Iterator<Item = Visit<'_>> + '_ {
        self.get(id).into_iter().flat_map(PersonRef::into_visits)
    }

    /// Residents, WRA and married WRA per grid on a date, every grid in definition order
    /// (grids with nobody give zeros).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let rows = reg.population_by_grid("2026-06-30".parse().unwrap());
    /// assert_eq!(rows.len(), 2);
    /// assert_eq!((rows[1].resident, rows[1].wra, rows[1].married_wra), (1, 1, 0));
    /// ```
    pub fn population_by_grid(&self, on: NaiveDate) -> Vec<GridPopulation> {
        let st = &*self.state;
        let grids = st.areas.all(crate::AreaLevel::Grid);
        let mut counts = vec![[0u32; 3]; grids.len()];
        let today = day(on);
        for (p, rec) in st.persons.iter().enumerate() {
            if on < rec.registered {
                continue;
            }
            let f = st.fold_on(p as u32, today);
            if !f.residency.is_resident() {
                continue;
            }
            let grid = st.households[f.household as usize].place_on(today).grid;
            let c = &mut counts[grid as usize];
            c[0] += 1;
            if rec.sex == Sex::Female && (15..=49).contains(&crate::age_on(rec.birth, on)) {
                c[1] += 1;
                c[2] += u32::from(f.marital == crate::MaritalStatus::Married);
            }
        }
        grids
            .iter()
            .zip(counts)
            .map(|(g, [resident, wra, married_wra])| GridPopulation {
                grid: GridId::new(g.id.as_str()),
                resident,
                wra,
                married_wra,
            })
            .collect()
    }

    /// Approximate heap bytes held by the state (not the event log), for the memory goal.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Registry::example().heap_bytes() > 0);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        self.state.heap_bytes()
    }

    /// A small registry used in the documentation's examples: community `c1`, zones `z1`,
    /// `z2`, grids `g1` (keeper `k1`) and `g2` (keeper `k2`); household `h1` in `g1` with
    /// `p1` (李梅, born 1996-01-15, married, IUD since 2024-05-01, one child born
    /// 2023-03-10, case file open) and her husband `p2`; rental household `h2` in `g2` with
    /// `p3` (a floating woman, single, key population).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.events().len(), 17);
    /// ```
    pub fn example() -> Registry {
        use crate::{AreaLevel::*, EventKind::*, *};
        let d = |s: &str| crate::parse_date(s).expect("example dates are valid");
        let area = |level, area: &str, parent: Option<&str>| AreaDefined {
            level,
            area: area.into(),
            parent: parent.map(Into::into),
            name: None,
        };
        let person =
            |id: &str, hh: &str, name: &str, sex, birth: &str, marital, residency, tags: Vec<Tag>| PersonRegistered {
                person: id.into(),
                household: hh.into(),
                name: name.into(),
                sex,
                birth_date: d(birth),
                id_number: None,
                phone: None,
                relation: None,
                marital,
                marital_since: None,
                residency,
                tags,
            };
        let events = vec![
            ("2020-01-01", area(Community, "c1", None)),
            ("2020-01-01", area(Zone, "z1", Some("c1"))),
            ("2020-01-01", area(Zone, "z2", Some("c1"))),
            ("2020-01-01", area(Grid, "g1", Some("z1"))),
            ("2020-01-01", area(Grid, "g2", Some("z2"))),
            (
                "2020-01-01",
                StaffAssigned {
                    staff: "k1".into(),
                    name: Some("张敏".into()),
                    role: StaffRole::Keeper,
                    level: Grid,
                    area: "g1".into(),
                },
            ),
            (
                "2020-01-01",
                StaffAssigned {
                    staff: "k2".into(),
                    name: Some("刘洋".into()),
                    role: StaffRole::Keeper,
                    level: Grid,
                    area: "g2".into(),
                },
            ),
            (
                "2020-02-01",
                HouseholdRegistered { household: "h1".into(), housing: HousingKind::Owner, place: Place::grid("g1") },
            ),
            (
                "2020-02-01",
                HouseholdRegistered { household: "h2".into(), housing: HousingKind::Rental, place: Place::grid("g2") },
            ),
            (
                "2020-02-01",
                person(
                    "p1",
                    "h1",
                    "李梅",
                    Sex::Female,
                    "1996-01-15",
                    MaritalStatus::Single,
                    Residency::Registered,
                    vec![],
                ),
            ),
            (
                "2020-02-01",
                person(
                    "p2",
                    "h1",
                    "王强",
                    Sex::Male,
                    "1994-07-20",
                    MaritalStatus::Single,
                    Residency::Registered,
                    vec![],
                ),
            ),
            (
                "2024-09-01",
                person(
                    "p3",
                    "h2",
                    "赵丽",
                    Sex::Female,
                    "2001-11-30",
                    MaritalStatus::Single,
                    Residency::Floating,
                    vec![Tag::key_population()],
                ),
            ),
            ("2021-05-20", Married { person: "p1".into(), spouse: Some("p2".into()) }),
            ("2021-05-21", CaseFileOpened { person: "p1".into() }),
            (
                "2023-03-10",
                PregnancyEnded {
                    person: "p1".into(),
                    outcome: PregnancyOutcome::LiveBirth,
                    children: vec![Child {
                        sex: Sex::Male,
                        birth_date: d("2023-03-10"),
                        order: 1,
                        relation: ChildRelation::Biological,
                    }],
                },
            ),
            ("2024-05-01", ProcedurePerformed { person: "p1".into(), procedure: Procedure::IudInsertion }),
            (
                "2024-06-03",
                VisitRecorded {
                    person: "p1".into(),
                    visit: "post_surgery".into(),
                    outcome: None,
                    visitor: Some("k1".into()),
                },
            ),
        ];
        let mut reg = Registry::new();
        for (i, (on, kind)) in events.into_iter().enumerate() {
            reg.apply(Event::new(format!("ex{:02}", i + 1), d(on), "k1", kind)).expect("the example is consistent");
        }
        reg
    }

    /// A canonical, order-free rendering of everything the registry knows, for equality.
    fn canonical(&self) -> Vec<String> {
        let st = &*self.state;
        let mut out = Vec::new();
        for level in crate::AreaLevel::ALL {
            for a in st.areas.all(*level) {
                out.push(format!("area {a:?}"));
            }
        }
        for s in st.areas.staff() {
            out.push(format!("staff {s:?}"));
        }
        for h in self.household_ids() {
            let rec = &st.households[st.household_ids.find(h).expect("listed") as usize];
            let moves: Vec<_> = rec.move_list().iter().map(|(d, p)| (date(*d), st.place_view(p))).collect();
            out.push(format!(
                "household {h} {:?} {:?} {:?} {:?} {moves:?}",
                rec.kind,
                st.place_view(&rec.place),
                date(rec.registered),
                date(rec.dissolved)
            ));
        }
        for p in self.persons() {
            out.push(format!("person {:?}", p.person()));
            let rec = &st.persons[p.ix as usize];
            out.push(format!(
                "start {} {:?} {:?} {:?} {} {:?}",
                p.id(),
                rec.residency,
                rec.marital,
                rec.method,
                rec.flags,
                st.tag_names(rec.tags)
            ));
            for f in st.facts_of(p.ix) {
                out.push(format!("fact {} {}", p.id(), st.fact_view(f)));
            }
        }
        for (i, v) in st.visits.iter().enumerate() {
            out.push(format!("visit {:?}", st.visit_view(i as u32, v)));
        }
        for v in &st.verifications {
            out.push(format!(
                "verification {} {} {} {:?}",
                st.origin_str(v.origin),
                v.date,
                st.household_ids.get_str(v.household),
                v.observed
            ));
        }
        for s in &st.surveys {
            out.push(format!(
                "survey {} {} {} {:?} {} {}",
                st.origin_str(s.origin),
                s.date,
                st.grid_str(s.grid),
                s.respondent,
                s.satisfied,
                s.knows_free_supply
            ));
        }
        for c in &st.consultations {
            let person = if c.person == NONE { "" } else { st.person_ids.get_str(c.person) };
            out.push(format!(
                "consultation {} {} {person} {} {:?}",
                st.origin_str(c.origin),
                c.date,
                st.grid_str(c.grid),
                c.topic
            ));
        }
        for m in st.ledger.movements() {
            out.push(format!("movement {m:?}"));
        }
        for r in &st.requests {
            out.push(format!("request {r:?}"));
        }
        for e in &self.log {
            out.push(format!("event {e:?}"));
        }
        for c in &self.conflicts {
            out.push(format!("conflict {} {}", c.event.id, c.reason));
        }
        out.sort();
        out
    }
}

/// The registry's folded state without its event log: what a store saves so that it can
/// reopen in milliseconds instead of replaying every event. Serde, in any format that keeps
/// struct fields in order (a compact binary one such as postcard, or JSON).
///
/// A registry rebuilt with [`Registry::from_checkpoint`] answers every question about the
/// state (persons, case files, schedules, rates) exactly as the registry it came from, and
/// accepts [`Registry::apply`]; its [`events`](Registry::events) and
/// [`conflicts`](Registry::conflicts) start empty (the store that saved it keeps the
/// events), like a registry built from snapshot rows.
///
/// # Example
///
/// ```
/// use famplan::{Checkpoint, Registry};
/// let reg = Registry::example();
/// let json = serde_json::to_string(&reg.checkpoint())?;
/// let back = Registry::from_checkpoint(serde_json::from_str::<Checkpoint>(&json)?);
/// let on = "2026-06-30".parse()?;
/// assert_eq!(back.case_file(&"p1".into(), on), reg.case_file(&"p1".into(), on));
/// assert!(back.events().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct Checkpoint(Arc<State>);

impl Serialize for Checkpoint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (CHECKPOINT_FORMAT, &*self.0).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Checkpoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let (format, state) = <(u32, State)>::deserialize(d)?;
        if format != CHECKPOINT_FORMAT {
            return Err(D::Error::custom(format!("checkpoint format {format}, this build reads {CHECKPOINT_FORMAT}")));
        }
        Ok(Checkpoint(Arc::new(state)))
    }
}

/// Bumped whenever the layout of [`State`] changes; an older checkpoint is then refused
/// (a store rebuilds it from the events).
const CHECKPOINT_FORMAT: u32 = 2;

impl Registry {
    /// The folded state, to save (see [`Checkpoint`]). Cheap: it shares the state.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let back = famplan::Registry::from_checkpoint(reg.checkpoint());
    /// assert_eq!(back.len(), reg.len());
    /// ```
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.state.clone())
    }

    /// A registry whose state is the checkpoint's and whose event log starts empty.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind, Registry};
    /// let reg = Registry::example();
    /// let mut back = Registry::from_checkpoint(reg.checkpoint());
    /// // An event applied before the checkpoint is still known: refused as a duplicate.
    /// let again = reg.events()[0].clone();
    /// assert!(back.apply(again).is_err());
    /// let e = Event::new("x1", "2026-07-01".parse()?, "k1", EventKind::Died { person: "p2".into() });
    /// back.apply(e)?;
    /// assert_eq!(back.events().len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_checkpoint(checkpoint: Checkpoint) -> Registry {
        Registry { state: checkpoint.0.clone(), base: checkpoint.0, ..Registry::default() }
    }
}

impl PartialEq for Registry {
    /// Two registries are equal when they know the same things, whatever order the
    /// events arrived in.
    fn eq(&self, other: &Self) -> bool {
        self.canonical() == other.canonical()
    }
}

impl State {
    pub(crate) fn grid_str(&self, g: u32) -> &str {
        if g == NONE { "" } else { &self.areas.grid_by_index(g).id }
    }

    pub(crate) fn place_view(&self, p: &PlaceRec) -> Place {
        let opt = |level, i: u32| (i != NONE).then(|| self.areas.all(level)[i as usize].id.clone());
        Place {
            grid: GridId::new(self.grid_str(p.grid)),
            group: opt(crate::AreaLevel::Group, p.group).map(crate::GroupId::new),
            building: opt(crate::AreaLevel::Building, p.building).map(crate::BuildingId::new),
            address: (p.address != NONE).then(|| self.addresses[p.address as usize].to_string()),
        }
    }

    pub(crate) fn visit_view(&self, i: u32, v: &VisitRec) -> Visit<'_> {
        Visit {
            id: self.visit_ids.get_str(i),
            person: self.person_ids.get_str(v.person),
            date: v.date,
            kind: self.visit_kinds.name(u32::from(v.kind)),
            outcome: (v.outcome != u16::MAX).then(|| self.outcomes.name(u32::from(v.outcome))),
            visitor: Some(self.visit_meta(i).visitor).filter(|&s| s != NONE).map(|s| self.staff.name(s)),
        }
    }

    fn fact_view(&self, f: &Fact) -> String {
        let detail = |i: u32| if i == NONE { None } else { Some(&self.details[i as usize]) };
        let change = match f.change {
            Change::MovedIn(r, h) => format!("MovedIn({r:?}, {})", self.household_ids.get_str(h)),
            Change::Rehoused(h) => format!("Rehoused({})", self.household_ids.get_str(h)),
            Change::Tag(t, on) => format!("Tag({}, {on})", self.tags.name(u32::from(t))),
            Change::PregnancyEnded(o, d) => format!("PregnancyEnded({o:?}, {:?})", detail(d)),
            Change::Supplies(d) | Change::Corrected(d) => format!("{:?}", detail(d)),
            c => format!("{c:?}"),
        };
        format!("{:?} {} {change}", date(f.date), self.origin_str(f.origin))
    }
}

/// A cheap handle on one person of a [`Registry`].
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let p = reg.persons().next().unwrap();
/// assert_eq!(p.id(), "p1");
/// ```
#[derive(Clone, Copy)]
pub struct PersonRef<'r> {
    pub(crate) st: &'r State,
    pub(crate) ix: u32,
}

impl std::fmt::Debug for PersonRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PersonRef({})", self.id())
    }
}

impl<'r> PersonRef<'r> {
    /// The person's id.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p3".into()).unwrap().id(), "p3");
    /// ```
    pub fn id(&self) -> &'r str {
        self.st.person_ids.get_str(self.ix)
    }

    /// Sex.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p2".into()).unwrap().sex(), famplan::Sex::Male);
    /// ```
    pub fn sex(&self) -> Sex {
        self.st.persons[self.ix as usize].sex
    }

    /// Birth date.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p1".into()).unwrap().birth_date().to_string(), "1996-01-15");
    /// ```
    pub fn birth_date(&self) -> NaiveDate {
        self.st.persons[self.ix as usize].birth
    }

    /// The full record.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p3".into()).unwrap().person().name, "赵丽");
    /// ```
    pub fn person(&self) -> Person {
        let st = self.st;
        let rec = &st.persons[self.ix as usize];
        let x = rec.extra.as_deref();
        let id_number = x.and_then(|x| x.id_number);
        let latest = st.fold_on(self.ix, NEVER - 1);
        Person {
            id: PersonId::new(self.id()),
            name: x.map(|x| x.name.clone()).unwrap_or_default(),
            sex: rec.sex,
            birth_date: rec.birth,
            id_number,
            phone: x.and_then(|x| x.phone.clone()),
            household: HouseholdId::new(st.household_ids.get_str(latest.household)),
            relation: x.and_then(|x| x.relation),
            registered_on: rec.registered,
            flags: id_number.map(|i| i.disagreements(rec.birth, rec.sex)).unwrap_or_default(),
        }
    }

    /// The state on a date; `None` before the person was registered.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let p = reg.get(&"p1".into()).unwrap();
    /// assert_eq!(p.state_on("2024-05-01".parse().unwrap()).unwrap().method, famplan::Method::Iud);
    /// assert_eq!(p.state_on("2024-04-30".parse().unwrap()).unwrap().method, famplan::Method::None);
    /// ```
    pub fn state_on(&self, on: NaiveDate) -> Option<PersonState<'r>> {
        let st = self.st;
        let rec = &st.persons[self.ix as usize];
        if on < rec.registered {
            return None;
        }
        let f = st.fold_on(self.ix, day(on));
        let place = st.households[f.household as usize].place_on(day(on));
        Some(PersonState {
            on,
            sex: rec.sex,
            age: crate::age_on(rec.birth, on),
            residency: f.residency,
            marital: f.marital,
            marital_since: date(f.marital_since),
            household: st.household_ids.get_str(f.household),
            grid: st.grid_str(place.grid),
            method: f.method,
            method_recorded: f.method_present,
            method_since: date(f.method_since),
            case_file: f.case_file,
            pregnant: f.pregnant,
            last_birth: date(f.last_birth),
            tags: Tags { bits: f.tags, names: &st.tags.names },
            grid_ix: place.grid,
            household_ix: f.household,
        })
    }

    /// The case file as of a date (DOMAIN §4): facts dated after it are not shown.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let cf = reg.get(&"p1".into()).unwrap().case_file("2026-01-01".parse().unwrap());
    /// assert_eq!(cf.procedures.len(), 1);
    /// ```
    pub fn case_file(&self, on: NaiveDate) -> CaseFile {
        let st = self.st;
        let f = st.fold_on(self.ix, day(on));
        let mut cf = CaseFile {
            person: PersonId::new(self.id()),
            on,
            status: f.case_file,
            opened: date(f.case_opened),
            method: f.method,
            method_since: date(f.method_since),
            methods: Vec::new(),
            stops: Vec::new(),
            pregnancies: Vec::new(),
            outcomes: Vec::new(),
            children: Vec::new(),
            procedures: Vec::new(),
            supplies: Vec::new(),
            certificates: Vec::new(),
            screenings: Vec::new(),
            last_verified: None,
        };
        let rec = &st.persons[self.ix as usize];
        if rec.flags & F_NO_METHOD_FIELD == 0 && rec.method != crate::Method::None {
            cf.methods.push(Dated { on: None, what: rec.method, event: None });
        }
        for fact in st.facts_of(self.ix) {
            if fact.date > day(on) {
                break;
            }
            let on = date(fact.date);
            let event = (fact.origin != NO_EVENT).then(|| EventId::new(st.origin_str(fact.origin)));
            fn dated<T>(on: Option<NaiveDate>, event: &Option<EventId>, what: T) -> Dated<T> {
                Dated { on, what, event: event.clone() }
            }
            match fact.change {
                Change::MethodStarted(m, _) => cf.methods.push(dated(on, &event, m)),
                Change::MethodStopped(r) => cf.stops.push(dated(on, &event, r)),
                Change::PregnancyReported => cf.pregnancies.push(dated(on, &event, ())),
                Change::PregnancyEnded(o, d) => {
                    cf.outcomes.push(dated(on, &event, o));
                    if let Some(Detail::Children(c)) = (d != NONE).then(|| &st.details[d as usize]) {
                        cf.children.extend(c.iter().cloned());
                    }
                }
                Change::Procedure(p) => {
                    cf.procedures.push(dated(on, &event, p));
                    if let Some(m) = p.starts() {
                        cf.methods.push(dated(on, &event, m));
                    }
                }
                Change::Supplies(d) => {
                    if let Detail::Supplies(s, _) = &st.details[d as usize] {
                        cf.supplies.push(dated(on, &event, s.clone()));
                    }
                }
                Change::Certificate(k, a) => cf.certificates.push(dated(on, &event, (k, a))),
                Change::Screening(k, referred) => cf.screenings.push(dated(on, &event, (k, referred))),
                _ => {}
            }
        }
        cf.last_verified = st
            .verifications
            .iter()
            .filter(|v| {
                v.date <= on && v.observed.iter().any(|o| o.person.as_ref().is_some_and(|p| p.as_str() == self.id()))
            })
            .map(|v| v.date)
            .max();
        if cf.status == CaseFileStatus::Missing && f.case_file != CaseFileStatus::Missing {
            cf.status = f.case_file;
        }
        cf
    }

    /// Internal index, stable for the registry's lifetime (used by schedules and rates).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.persons().nth(1).unwrap().index(), 1);
    /// ```
    pub fn index(&self) -> u32 {
        self.ix
    }

    /// The person's visits, newest recorded first.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.get(&"p1".into()).unwrap().visits().count(), 1);
    /// ```
    pub fn visits(&self) -> impl Iterator<Item = Visit<'r>> + 'r {
        self.into_visits()
    }

    fn into_visits(self) -> impl Iterator<Item = Visit<'r>> + 'r {
        let st = self.st;
        let mut v = st.persons[self.ix as usize].first_visit;
        std::iter::from_fn(move || {
            if v == NONE {
                return None;
            }
            let i = v;
            v = st.visits[i as usize].next;
            Some(st.visit_view(i, &st.visits[i as usize]))
        })
    }
}

#[cfg(test)]
mod checkpoint_tests {
    use super::*;

    #[test]
    fn a_checkpoint_of_another_format_is_refused() {
        let json = serde_json::to_string(&Registry::example().checkpoint()).unwrap();
        let other = json.replacen(&format!("[{CHECKPOINT_FORMAT},"), "[999,", 1);
        assert_ne!(json, other);
        let err = serde_json::from_str::<Checkpoint>(&other).unwrap_err();
        assert!(err.to_string().starts_with("checkpoint format 999, this build reads"), "{err}");
    }
}
