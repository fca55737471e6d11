//! The compact state behind a [`Registry`](crate::Registry): dense records, one fact arena,
//! and the fold that turns a person's facts into her state on a date.

use super::interner::IdTable;
use crate::{
    Areas, CaseFileStatus, CertificateAction, CertificateKind, Child, CloseReason, Event, HousingKind, MaritalStatus,
    Method, MethodSource, Observation, Phone, PregnancyOutcome, Procedure, Rejection, Relation, Residency, ResidentId,
    RespondentKind, ScreeningKind, Sex, StopReason, SupplyChannel, SupplyRecord, Tag,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The date of an undated fact (DOMAIN §15): it sorts first and holds on every date.
pub(crate) const UNDATED: i32 = i32::MIN;
/// No event recorded this fact (it came from a snapshot row).
pub(crate) const NO_EVENT: u32 = u32::MAX;
pub(crate) const NONE: u32 = u32::MAX;
pub(crate) const NEVER: i32 = i32::MAX;

pub(crate) fn day(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

pub(crate) fn date(d: i32) -> Option<NaiveDate> {
    (d != UNDATED && d != NEVER).then(|| NaiveDate::from_num_days_from_ce_opt(d).expect("stored from a date"))
}

use chrono::Datelike;

/// One dated change of a person. 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Fact {
    pub date: i32,
    pub origin: u32,
    pub change: Change,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Change {
    Residency(Residency),
    MovedIn(Residency, u32),
    MovedOut { permanent: bool },
    Returned,
    Rehoused(u32),
    Died,
    Marital(MaritalStatus),
    CaseFileOpened,
    CaseFileClosed(CloseReason),
    Tag(u8, bool),
    PregnancyReported,
    PregnancyEnded(PregnancyOutcome, u32),
    MethodStarted(Method, Option<MethodSource>),
    MethodStopped(StopReason),
    Procedure(Procedure),
    Supplies(u32),
    Certificate(CertificateKind, CertificateAction),
    Screening(ScreeningKind, bool),
    Corrected(u32),
}

impl Change {
    pub(crate) fn precedence(self) -> u8 {
        match self {
            Change::Residency(_) | Change::MovedIn(..) | Change::Returned => 31,
            Change::Rehoused(_) => 32,
            Change::Corrected(_) => 33,
            Change::Marital(_) => 40,
            Change::CaseFileOpened => 41,
            Change::Tag(..) => 42,
            Change::PregnancyReported => 50,
            Change::PregnancyEnded(..) => 51,
            Change::Procedure(_) => 52,
            Change::MethodStopped(_) => 53,
            Change::MethodStarted(..) => 54,
            Change::Supplies(_) => 55,
            Change::Certificate(_, action) => action.precedence(),
            Change::Screening(..) => 60,
            Change::CaseFileClosed(_) => 70,
            Change::MovedOut { .. } => 80,
            Change::Died => 81,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Change::Residency(_) => "residency",
            Change::MovedIn(..) => "person_moved_in",
            Change::MovedOut { .. } => "person_moved_out",
            Change::Returned => "person_returned",
            Change::Rehoused(_) => "person_rehoused",
            Change::Died => "died",
            Change::Marital(MaritalStatus::Married) => "married",
            Change::Marital(MaritalStatus::Divorced) => "divorced",
            Change::Marital(MaritalStatus::Widowed) => "widowed",
            Change::Marital(MaritalStatus::Single) => "marital_status",
            Change::CaseFileOpened => "case_file_opened",
            Change::CaseFileClosed(_) => "case_file_closed",
            Change::Tag(_, true) => "tag_added",
            Change::Tag(_, false) => "tag_removed",
            Change::PregnancyReported => "pregnancy_reported",
            Change::PregnancyEnded(..) => "pregnancy_ended",
            Change::MethodStarted(..) => "method_started",
            Change::MethodStopped(_) => "method_stopped",
            Change::Procedure(_) => "procedure_performed",
            Change::Supplies(_) => "supplies_dispensed",
            Change::Certificate(..) => "certificate",
            Change::Screening(..) => "screening_done",
            Change::Corrected(_) => "person_corrected",
        }
    }
}

/// Data too large for a [`Fact`], kept once in a side table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Detail {
    Children(Vec<Child>),
    Supplies(SupplyRecord, Option<SupplyChannel>),
    Correction { field: crate::CorrectableField, old: String, new: String },
}

pub(crate) const F_CASE_FILE: u8 = 1;
pub(crate) const F_NO_METHOD_FIELD: u8 = 2;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PersonExtra {
    pub name: String,
    pub id_number: Option<ResidentId>,
    pub phone: Option<Phone>,
    pub relation: Option<Relation>,
}

/// A person's undated starting point; everything dated is a fact. 48 bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PersonRec {
    #[serde(with = "days")]
    pub birth: NaiveDate,
    #[serde(with = "days")]
    pub registered: NaiveDate,
    pub household: u32,
    pub facts_start: u32,
    pub facts_len: u32,
    pub first_visit: u32,
    pub tags: u64,
    pub sex: Sex,
    pub residency: Residency,
    pub marital: MaritalStatus,
    pub method: Method,
    pub flags: u8,
    pub extra: Option<Box<PersonExtra>>,
}

/// Where a household lives: area indexes and its street address, 16 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PlaceRec {
    pub grid: u32,
    pub group: u32,
    pub building: u32,
    /// Index into [`State::addresses`], or `NONE`.
    pub address: u32,
}

/// A household, 40 bytes: most never move, so their moves cost one null pointer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct HouseholdRec {
    pub registered: i32,
    pub dissolved: i32,
    pub kind: HousingKind,
    pub place: PlaceRec,
    /// The moves, in date order; `None` for a household that never moved. Boxed so that
    /// the field is one pointer (8 bytes) instead of a vector's 24.
    #[allow(clippy::box_collection)]
    pub moves: Option<Box<Vec<(i32, PlaceRec)>>>,
}

impl HouseholdRec {
    /// The moves, in date order.
    pub(crate) fn move_list(&self) -> &[(i32, PlaceRec)] {
        self.moves.as_deref().map(Vec::as_slice).unwrap_or(&[])
    }

    pub(crate) fn place_on(&self, d: i32) -> &PlaceRec {
        self.move_list().iter().rev().find(|(on, _)| *on <= d).map(|(_, p)| p).unwrap_or(&self.place)
    }

    pub(crate) fn current(&self) -> &PlaceRec {
        self.move_list().last().map(|(_, p)| p).unwrap_or(&self.place)
    }

    /// Adds a move dated `d`, after any move on the same day.
    pub(crate) fn add_move(&mut self, d: i32, place: PlaceRec) {
        let moves = self.moves.get_or_insert_with(Default::default);
        let pos = moves.partition_point(|(on, _)| *on <= d);
        moves.insert(pos, (d, place));
    }
}

/// One visit, 16 bytes. `next` chains the visits of one person, newest first. Who made it
/// and which event recorded it are in [`VisitMeta`], apart: a snapshot's visits have neither.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VisitRec {
    pub person: u32,
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub kind: u16,
    pub outcome: u16,
    pub next: u32,
}

/// The event that recorded a visit and the staff member who made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VisitMeta {
    pub origin: u32,
    pub visitor: u32,
}

impl VisitMeta {
    /// A visit from a snapshot row: no event, no visitor.
    pub(crate) const NONE: VisitMeta = VisitMeta { origin: NO_EVENT, visitor: NONE };
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct VerificationRec {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub household: u32,
    #[serde(with = "observations")]
    pub observed: Vec<Observation>,
    pub origin: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct SurveyRec {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub grid: u32,
    pub respondent: RespondentKind,
    pub satisfied: bool,
    pub knows_free_supply: bool,
    pub origin: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ConsultationRec {
    #[serde(with = "days")]
    pub date: NaiveDate,
    pub person: u32,
    pub grid: u32,
    pub topic: crate::ConsultationTopic,
    pub origin: u32,
}

/// A small string interner for codes (visit kinds, outcomes, staff). Serialised as its
/// names; the index is rebuilt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Box<str>>", into = "Vec<Box<str>>")]
pub(crate) struct Codes {
    pub names: Vec<Box<str>>,
    #[serde(skip)]
    index: hashbrown::HashMap<Box<str>, u32>,
}

impl From<Codes> for Vec<Box<str>> {
    fn from(c: Codes) -> Vec<Box<str>> {
        c.names
    }
}

impl From<Vec<Box<str>>> for Codes {
    fn from(names: Vec<Box<str>>) -> Codes {
        let index = names.iter().enumerate().map(|(i, n)| (n.clone(), i as u32)).collect();
        Codes { names, index }
    }
}

impl Codes {
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if let Some(i) = self.find(s) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(s.into());
        self.index.insert(s.into(), i);
        i
    }
    pub(crate) fn find(&self, s: &str) -> Option<u32> {
        // A handful of codes (visit kinds, outcomes) is found faster by comparing than by
        // hashing: this runs once for each visit of a snapshot.
        if self.names.len() <= 16 {
            return self.names.iter().position(|n| **n == *s).map(|i| i as u32);
        }
        self.index.get(s).copied()
    }
    pub(crate) fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(crate) struct State {
    pub areas: Areas,
    pub household_ids: IdTable,
    pub households: Vec<HouseholdRec>,
    /// The street addresses of [`PlaceRec::address`], as given.
    pub addresses: Vec<Box<str>>,
    pub person_ids: IdTable,
    pub persons: Vec<PersonRec>,
    pub facts: Vec<Fact>,
    pub garbage: usize,
    pub details: Vec<Detail>,
    pub visit_ids: IdTable,
    pub visits: Vec<VisitRec>,
    /// Parallel to `visits` up to its length; a visit past it has [`VisitMeta::NONE`]. Empty
    /// for a snapshot, so its visits cost 16 bytes each, not 24.
    pub visit_meta: Vec<VisitMeta>,
    pub visit_kinds: Codes,
    pub outcomes: Codes,
    pub staff: Codes,
    pub tags: Codes,
    pub event_ids: IdTable,
    pub verifications: Vec<VerificationRec>,
    pub surveys: Vec<SurveyRec>,
    pub consultations: Vec<ConsultationRec>,
    pub ledger: crate::SupplyLedger,
    pub requests: Vec<crate::application::RequestRec>,
}

/// A person's state after folding some facts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fold {
    pub residency: Residency,
    pub left: bool,
    pub dead: bool,
    pub marital: MaritalStatus,
    pub marital_since: i32,
    pub household: u32,
    pub case_file: CaseFileStatus,
    pub case_opened: i32,
    pub method: Method,
    pub method_present: bool,
    pub method_since: i32,
    pub pregnant: bool,
    pub last_birth: i32,
    pub tags: u64,
}

impl Fold {
    pub(crate) fn start(p: &PersonRec) -> Fold {
        Fold {
            residency: p.residency,
            left: false,
            dead: false,
            marital: p.marital,
            marital_since: UNDATED,
            household: p.household,
            case_file: if p.flags & F_CASE_FILE != 0 { CaseFileStatus::Open } else { CaseFileStatus::Missing },
            case_opened: UNDATED,
            method: p.method,
            method_present: p.flags & F_NO_METHOD_FIELD == 0,
            method_since: UNDATED,
            pregnant: false,
            last_birth: UNDATED,
            tags: p.tags,
        }
    }

    /// Applies one fact; with `check`, first refuses a fact that contradicts the state.
    pub(crate) fn step(&mut self, f: &Fact, who: &Who<'_>, check: bool) -> Result<(), Rejection> {
        let on = || date(f.date).unwrap_or(who.birth);
        let person = || who.id();
        if check {
            if f.date != UNDATED && f.date < day(who.birth) {
                return Err(Rejection::BeforeBirth { person: person(), on: on(), birth: who.birth });
            }
            let allowed_after_leaving = matches!(f.change, Change::MovedIn(..) | Change::Corrected(_));
            if self.left && !allowed_after_leaving {
                return Err(Rejection::Departed { person: person(), on: on() });
            }
            let female_only = matches!(
                f.change,
                Change::CaseFileOpened
                    | Change::PregnancyReported
                    | Change::Procedure(
                        Procedure::IudInsertion | Procedure::TubalSterilization | Procedure::InducedAbortion
                    )
            ) || (matches!(f.change, Change::PregnancyEnded(..)) && f.origin != NO_EVENT);
            if female_only && who.sex != Sex::Female {
                return Err(match f.change {
                    Change::Procedure(procedure) => Rejection::Procedure { person: person(), procedure },
                    _ => Rejection::NotFemale { person: person() },
                });
            }
        }
        match f.change {
            Change::Residency(r) => self.residency = r,
            Change::MovedIn(r, h) => {
                if check {
                    if self.dead || !matches!(self.residency, Residency::Departed | Residency::MovedOut) {
                        return Err(Rejection::Residency {
                            person: person(),
                            residency: self.residency,
                            on: on(),
                            reason: "only someone who has left can move in",
                        });
                    }
                    who.household_ok(h, f.date)?;
                }
                self.residency = r;
                self.household = h;
                self.left = false;
            }
            Change::MovedOut { permanent } => {
                if check && !self.residency.is_resident() {
                    return Err(Rejection::Residency {
                        person: person(),
                        residency: self.residency,
                        on: on(),
                        reason: "only a resident can move out",
                    });
                }
                if permanent || self.residency == Residency::Floating {
                    self.residency = Residency::Departed;
                    self.left = true;
                } else {
                    self.residency = Residency::MovedOut;
                }
            }
            Change::Returned => {
                if check && self.residency != Residency::MovedOut {
                    return Err(Rejection::Residency {
                        person: person(),
                        residency: self.residency,
                        on: on(),
                        reason: "only someone who moved out can return",
                    });
                }
                self.residency = Residency::Registered;
            }
            Change::Rehoused(h) => {
                if check {
                    who.household_ok(h, f.date)?;
                }
                self.household = h;
            }
            Change::Died => {
                self.residency = Residency::Departed;
                self.left = true;
                self.dead = true;
            }
            Change::Marital(m) => {
                if check {
                    match m {
                        MaritalStatus::Married if self.marital == MaritalStatus::Married => {
                            return Err(Rejection::AlreadyMarried { person: person(), on: on() });
                        }
                        MaritalStatus::Divorced | MaritalStatus::Widowed if self.marital != MaritalStatus::Married => {
                            return Err(Rejection::NotMarried { person: person(), status: self.marital, on: on() });
                        }
                        _ => {}
                    }
                }
                self.marital = m;
                self.marital_since = f.date;
            }
            Change::CaseFileOpened => {
                if check && self.case_file.is_open() {
                    return Err(Rejection::CaseFile { person: person(), state: "already open", on: on() });
                }
                self.case_file = CaseFileStatus::Open;
                self.case_opened = f.date;
            }
            Change::CaseFileClosed(reason) => {
                if check && !self.case_file.is_open() {
                    return Err(Rejection::CaseFile { person: person(), state: "not open", on: on() });
                }
                self.case_file = CaseFileStatus::Closed(reason);
            }
            Change::Tag(t, on_) => {
                if on_ {
                    self.tags |= 1 << t;
                } else {
                    self.tags &= !(1 << t);
                }
            }
            Change::PregnancyReported => {
                if check && self.pregnant {
                    return Err(Rejection::AlreadyPregnant { person: person(), on: on() });
                }
                self.pregnant = true;
            }
            Change::PregnancyEnded(outcome, _) => {
                self.pregnant = false;
                if outcome == PregnancyOutcome::LiveBirth {
                    self.last_birth = f.date;
                }
            }
            Change::MethodStarted(m, _) => {
                self.method = m;
                self.method_present = true;
                self.method_since = f.date;
            }
            Change::MethodStopped(_) => {
                if check && (!self.method_present || self.method == Method::None) {
                    return Err(Rejection::WrongMethod {
                        person: person(),
                        method: self.method,
                        expected: "a method".into(),
                        on: on(),
                    });
                }
                self.method = Method::None;
                self.method_present = true;
                self.method_since = f.date;
            }
            Change::Procedure(p) => {
                if let Some(m) = p.stops() {
                    if check && self.method != m {
                        return Err(Rejection::WrongMethod {
                            person: person(),
                            method: self.method,
                            expected: m.to_string(),
                            on: on(),
                        });
                    }
                    self.method = Method::None;
                    self.method_present = true;
                    self.method_since = f.date;
                }
                if let Some(m) = p.starts() {
                    self.method = m;
                    self.method_present = true;
                    self.method_since = f.date;
                }
            }
            Change::Supplies(_) | Change::Certificate(..) | Change::Screening(..) | Change::Corrected(_) => {}
        }
        Ok(())
    }
}

/// What validation needs to know about the person and the households.
pub(crate) struct Who<'a> {
    pub id: WhoId<'a>,
    pub sex: Sex,
    pub birth: NaiveDate,
    pub state: &'a State,
}

/// A person's id as a [`Who`] holds it: only a message names her, so an indexed person's id
/// is looked up then (the lookup missed the cache for every person a rate pass folded).
#[derive(Clone, Copy)]
pub(crate) enum WhoId<'a> {
    /// An id not yet interned (the snapshot reader checks a person before adding her).
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    Text(&'a str),
    Person(u32),
}

impl Who<'_> {
    /// The person's id, for a message.
    pub(crate) fn id(&self) -> String {
        match self.id {
            WhoId::Text(id) => id.to_string(),
            WhoId::Person(p) => self.state.person_ids.get_str(p).to_string(),
        }
    }

    fn household_ok(&self, h: u32, d: i32) -> Result<(), Rejection> {
        self.state.household_ok(h, d)
    }
}

impl State {
    pub(crate) fn facts_of(&self, p: u32) -> &[Fact] {
        let r = &self.persons[p as usize];
        &self.facts[r.facts_start as usize..(r.facts_start + r.facts_len) as usize]
    }

    pub(crate) fn household_ok(&self, h: u32, d: i32) -> Result<(), Rejection> {
        let rec = &self.households[h as usize];
        let id = || self.household_ids.get_str(h).to_string();
        if d != UNDATED && rec.registered != UNDATED && d < rec.registered {
            return Err(Rejection::InvalidValue {
                field: "household",
                reason: format!(
                    "household `{}` is registered only on {}",
                    id(),
                    date(rec.registered).map(|d| d.to_string()).unwrap_or_default()
                ),
            });
        }
        if d >= rec.dissolved {
            return Err(Rejection::HouseholdDissolved { household: id(), on: date(rec.dissolved).expect("dated") });
        }
        Ok(())
    }

    pub(crate) fn who(&self, p: u32) -> Who<'_> {
        let r = &self.persons[p as usize];
        Who { id: WhoId::Person(p), sex: r.sex, birth: r.birth, state: self }
    }

    /// The person's state after every fact dated on or before `on`.
    pub(crate) fn fold_on(&self, p: u32, on: i32) -> Fold {
        let rec = &self.persons[p as usize];
        let mut f = Fold::start(rec);
        if rec.facts_len == 0 {
            return f;
        }
        let who = self.who(p);
        for fact in self.facts_of(p) {
            if fact.date > on {
                break;
            }
            let _ = f.step(fact, &who, false);
        }
        f
    }

    /// Canonical position order of two facts of one person.
    pub(crate) fn fact_cmp(&self, a: &Fact, b: &Fact) -> std::cmp::Ordering {
        a.date
            .cmp(&b.date)
            .then(a.change.precedence().cmp(&b.change.precedence()))
            .then_with(|| self.origin_str(a.origin).cmp(self.origin_str(b.origin)))
    }

    pub(crate) fn origin_str(&self, o: u32) -> &str {
        if o == NO_EVENT { "" } else { self.event_ids.get_str(o) }
    }

    /// Checks a person's whole timeline with `new` facts inserted; returns the merged,
    /// ordered list, or the reason (naming the later fact when it is the one that breaks).
    pub(crate) fn check_insert(&self, p: u32, new: &[Fact]) -> Result<Vec<Fact>, Rejection> {
        let mut all: Vec<Fact> = self.facts_of(p).to_vec();
        for f in new {
            let pos = all.partition_point(|x| self.fact_cmp(x, f) != std::cmp::Ordering::Greater);
            all.insert(pos, *f);
        }
        let rec = &self.persons[p as usize];
        let who = self.who(p);
        let mut fold = Fold::start(rec);
        for f in &all {
            if let Err(reason) = fold.step(f, &who, true) {
                let is_new = new.iter().any(|n| n == f);
                return Err(if is_new {
                    reason
                } else {
                    Rejection::InvalidatesLater {
                        later_kind: f.change.name(),
                        later_on: date(f.date).unwrap_or(rec.birth),
                        reason: Box::new(reason),
                    }
                });
            }
        }
        // Visits must not fall after the person has left.
        let mut v = rec.first_visit;
        let mut fold2 = Fold::start(rec);
        let mut visits: Vec<&VisitRec> = Vec::new();
        while v != NONE {
            visits.push(&self.visits[v as usize]);
            v = self.visits[v as usize].next;
        }
        if !visits.is_empty() {
            visits.sort_by_key(|x| x.date);
            let mut i = 0;
            for vr in visits {
                let d = day(vr.date);
                while i < all.len() && all[i].date <= d {
                    let _ = fold2.step(&all[i], &who, false);
                    i += 1;
                }
                if fold2.left {
                    return Err(Rejection::InvalidatesLater {
                        later_kind: "visit_recorded",
                        later_on: vr.date,
                        reason: Box::new(Rejection::Departed { person: who.id(), on: vr.date }),
                    });
                }
            }
        }
        Ok(all)
    }

    /// Replaces a person's facts with `all` (already ordered and checked).
    pub(crate) fn set_facts(&mut self, p: u32, all: Vec<Fact>) {
        let rec = &self.persons[p as usize];
        let (start, len) = (rec.facts_start as usize, rec.facts_len as usize);
        if start + len == self.facts.len() {
            self.facts.truncate(start);
        } else {
            self.garbage += len;
        }
        let new_start = self.facts.len() as u32;
        self.facts.extend_from_slice(&all);
        let rec = &mut self.persons[p as usize];
        rec.facts_start = new_start;
        rec.facts_len = all.len() as u32;
        if self.garbage > 1024 && self.garbage * 2 > self.facts.len() {
            self.compact_facts();
        }
    }

    fn compact_facts(&mut self) {
        let mut out = Vec::with_capacity(self.facts.len() - self.garbage);
        for rec in &mut self.persons {
            let s = rec.facts_start as usize;
            let new_start = out.len() as u32;
            out.extend_from_slice(&self.facts[s..s + rec.facts_len as usize]);
            rec.facts_start = new_start;
        }
        self.facts = out;
        self.garbage = 0;
    }

    pub(crate) fn tag_names(&self, bits: u64) -> Vec<Tag> {
        (0..64).filter(|i| bits & (1u64 << i) != 0).map(|i| Tag::new(self.tags.name(i))).collect()
    }

    /// The event and visitor of visit `v`.
    pub(crate) fn visit_meta(&self, v: u32) -> VisitMeta {
        self.visit_meta.get(v as usize).copied().unwrap_or(VisitMeta::NONE)
    }

    /// Appends a visit: the one place `visits` and `visit_meta` grow.
    pub(crate) fn push_visit(&mut self, rec: VisitRec, meta: VisitMeta) -> u32 {
        let v = self.visits.len() as u32;
        if meta != VisitMeta::NONE {
            self.visit_meta.resize(v as usize, VisitMeta::NONE);
            self.visit_meta.push(meta);
        }
        self.visits.push(rec);
        v
    }

    pub(crate) fn person_visits(&self, p: u32) -> impl Iterator<Item = &VisitRec> + '_ {
        let mut v = self.persons[p as usize].first_visit;
        std::iter::from_fn(move || {
            if v == NONE {
                return None;
            }
            let r = &self.visits[v as usize];
            v = r.next;
            Some(r)
        })
    }

    /// Interns an event's id, failing if it was applied before.
    pub(crate) fn claim_event_id(&mut self, e: &Event) -> Result<u32, Rejection> {
        let (i, new) = self.event_ids.intern(e.id.as_str());
        if !new {
            return Err(Rejection::DuplicateEvent);
        }
        Ok(i)
    }

    /// Approximate heap bytes, for the memory goal (≤ 200 bytes a person).
    pub(crate) fn heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let extras: usize = self
            .persons
            .iter()
            .filter_map(|p| p.extra.as_ref())
            .map(|e| size_of::<PersonExtra>() + e.name.capacity())
            .sum();
        self.persons.capacity() * size_of::<PersonRec>()
            + extras
            + self.person_ids.heap_bytes()
            + self.households.capacity() * size_of::<HouseholdRec>()
            + self.household_ids.heap_bytes()
            + self.facts.capacity() * size_of::<Fact>()
            + self.visits.capacity() * size_of::<VisitRec>()
            + self.visit_meta.capacity() * size_of::<VisitMeta>()
            + self.visit_ids.heap_bytes()
            + self.event_ids.heap_bytes()
            + self.details.capacity() * size_of::<Detail>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_stay_small() {
        assert_eq!(std::mem::size_of::<Fact>(), 16);
        assert!(std::mem::size_of::<PersonRec>() <= 56, "{}", std::mem::size_of::<PersonRec>());
        assert_eq!(std::mem::size_of::<PlaceRec>(), 16);
        assert_eq!(std::mem::size_of::<HouseholdRec>(), 40);
        assert_eq!(std::mem::size_of::<VisitRec>(), 16);
    }
}

/// Observations in a checkpoint: every field in place, as a tuple (their own serde form
/// skips empty fields, which a compact binary format cannot read back).
mod observations {
    use crate::{MaritalStatus, Method, Observation, PersonId, Relation, Residency, ResidentId, Sex};
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    type Row = (
        Option<PersonId>,
        Option<String>,
        Option<Sex>,
        Option<NaiveDate>,
        Option<ResidentId>,
        Option<Relation>,
        Option<Residency>,
        Option<MaritalStatus>,
        Option<Method>,
        Option<NaiveDate>,
    );

    pub(super) fn serialize<S: Serializer>(v: &[Observation], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|o| {
            let o = o.clone();
            let row: Row = (
                o.person,
                o.name,
                o.sex,
                o.birth_date,
                o.id_number,
                o.relation,
                o.residency,
                o.marital,
                o.method,
                o.method_start,
            );
            row
        }))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Observation>, D::Error> {
        let rows = Vec::<Row>::deserialize(d)?;
        Ok(rows
            .into_iter()
            .map(|(person, name, sex, birth_date, id_number, relation, residency, marital, method, method_start)| {
                Observation {
                    person,
                    name,
                    sex,
                    birth_date,
                    id_number,
                    relation,
                    residency,
                    marital,
                    method,
                    method_start,
                }
            })
            .collect())
    }
}

/// Dates in a checkpoint: the day number, not text (parsing text was a tenth of a load).
mod days {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i32(super::day(*d))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let n = i32::deserialize(d)?;
        NaiveDate::from_num_days_from_ce_opt(n).ok_or_else(|| serde::de::Error::custom(format!("day {n} out of range")))
    }
}
