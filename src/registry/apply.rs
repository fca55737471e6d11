//! Turning one event into checked changes of the state.

use super::state::*;
use crate::{
    Area, AreaLevel, Event, EventKind, HouseholdId, MaritalStatus, Place, PregnancyOutcome, Rejection, Residency,
    Staff, SupplyRecord,
};

fn unknown(kind: &'static str, id: &str) -> Rejection {
    Rejection::Unknown { kind, id: id.to_string() }
}

impl State {
    /// Applies one event, or refuses it and changes nothing.
    pub(crate) fn apply(&mut self, e: &Event) -> Result<(), Rejection> {
        let origin = self.claim_event_id(e)?;
        let result = self.apply_inner(e, origin);
        if result.is_err() {
            self.event_ids.pop();
        }
        result
    }

    pub(crate) fn person_ix(&self, id: &str) -> Result<u32, Rejection> {
        self.person_ids.find(id).ok_or_else(|| unknown("person", id))
    }

    pub(crate) fn household_ix(&self, id: &HouseholdId) -> Result<u32, Rejection> {
        self.household_ids.find(id.as_str()).ok_or_else(|| unknown("household", id.as_str()))
    }

    /// Checks a place against the area tree; its address is kept only by [`State::keep_address`],
    /// once nothing else can refuse the change.
    pub(crate) fn place(&self, p: &Place) -> Result<PlaceRec, Rejection> {
        let grid = self.areas.grid_index(p.grid.as_str()).ok_or_else(|| unknown("grid", p.grid.as_str()))?;
        let group = match &p.group {
            Some(g) => self
                .areas
                .index_of(AreaLevel::Group, g.as_str())
                .ok_or_else(|| unknown("resident group", g.as_str()))?,
            None => NONE,
        };
        let building = match &p.building {
            Some(b) => {
                self.areas.index_of(AreaLevel::Building, b.as_str()).ok_or_else(|| unknown("building", b.as_str()))?
            }
            None => NONE,
        };
        Ok(PlaceRec { grid, group, building, address: NONE })
    }

    /// Stores a checked place's address and returns the place that points to it.
    pub(crate) fn keep_address(&mut self, mut rec: PlaceRec, p: &Place) -> PlaceRec {
        if let Some(a) = &p.address {
            rec.address = self.addresses.len() as u32;
            self.addresses.push(a.as_str().into());
        }
        rec
    }

    fn fact(&mut self, p: u32, f: Fact) -> Result<(), Rejection> {
        let all = self.check_insert(p, &[f])?;
        self.set_facts(p, all);
        Ok(())
    }

    fn apply_inner(&mut self, e: &Event, origin: u32) -> Result<(), Rejection> {
        let d = day(e.date);
        let at = |change| Fact { date: d, origin, change };
        match &e.kind {
            EventKind::AreaDefined { level, area, parent, name } => self
                .areas
                .define(Area { level: *level, id: area.clone(), parent: parent.clone(), name: name.clone() })
                .map_err(|reason| Rejection::Area { level: *level, reason }),
            EventKind::StaffAssigned { staff, name, role, level, area } => self
                .areas
                .attach(Staff { id: staff.clone(), name: name.clone(), role: *role, level: *level, area: area.clone() })
                .map_err(|reason| Rejection::Area { level: *level, reason }),
            EventKind::HouseholdRegistered { household, housing, place } => {
                if self.household_ids.find(household.as_str()).is_some() {
                    return Err(Rejection::Duplicate { kind: "household", id: household.to_string() });
                }
                let checked = self.place(place)?;
                let place = self.keep_address(checked, place);
                self.household_ids.intern(household.as_str());
                self.households.push(HouseholdRec {
                    registered: d,
                    dissolved: NEVER,
                    kind: *housing,
                    place,
                    moves: None,
                });
                Ok(())
            }
            EventKind::HouseholdMoved { household, place } => {
                let h = self.household_ix(household)?;
                self.household_ok(h, d)?;
                let checked = self.place(place)?;
                let place = self.keep_address(checked, place);
                self.households[h as usize].add_move(d, place);
                Ok(())
            }
            EventKind::HouseholdDissolved { household } => {
                let h = self.household_ix(household)?;
                self.household_ok(h, d)?;
                let members = (0..self.persons.len() as u32)
                    .filter(|&p| {
                        let f = self.fold_on(p, d);
                        f.household == h && f.residency.is_resident() && self.persons[p as usize].registered <= e.date
                    })
                    .count();
                if members > 0 {
                    return Err(Rejection::HouseholdHasMembers {
                        household: household.to_string(),
                        members,
                        on: e.date,
                    });
                }
                self.households[h as usize].dissolved = d;
                Ok(())
            }
            EventKind::PersonRegistered {
                person,
                household,
                name,
                sex,
                birth_date,
                id_number,
                phone,
                relation,
                marital,
                marital_since,
                residency,
                tags,
            } => {
                if self.person_ids.find(person.as_str()).is_some() {
                    return Err(Rejection::Duplicate { kind: "person", id: person.to_string() });
                }
                if e.date < *birth_date {
                    return Err(Rejection::BeforeBirth { person: person.to_string(), on: e.date, birth: *birth_date });
                }
                if *residency == Residency::Departed {
                    return Err(Rejection::InvalidValue {
                        field: "residency",
                        reason: "a person is registered as registered, floating or moved_out".into(),
                    });
                }
                let h = self.household_ix(household)?;
                self.household_ok(h, d)?;
                let mut bits = 0u64;
                let mut new_tags = Vec::new();
                for t in tags {
                    let i = match self.tags.find(t.as_str()) {
                        Some(i) => i,
                        None => {
                            if !new_tags.contains(&t.as_str()) {
                                new_tags.push(t.as_str());
                            }
                            (self.tags.names.len() + new_tags.iter().position(|n| *n == t.as_str()).expect("pushed"))
                                as u32
                        }
                    };
                    if i >= 64 {
                        return Err(Rejection::TooManyTags);
                    }
                    bits |= 1 << i;
                }
                if let Some(since) = marital_since {
                    if since < birth_date {
                        return Err(Rejection::BeforeBirth {
                            person: person.to_string(),
                            on: *since,
                            birth: *birth_date,
                        });
                    }
                }
                for t in new_tags {
                    self.tags.intern(t);
                }
                let (p, _) = self.person_ids.intern(person.as_str());
                let (initial_marital, dated) = match marital_since {
                    // Divorced and widowed women were married before; anyone else is taken as single.
                    Some(since) if matches!(marital, MaritalStatus::Divorced | MaritalStatus::Widowed) => {
                        (MaritalStatus::Married, Some(*since))
                    }
                    Some(since) => (MaritalStatus::Single, Some(*since)),
                    None => (*marital, None),
                };
                self.persons.push(PersonRec {
                    birth: *birth_date,
                    registered: e.date,
                    household: h,
                    facts_start: self.facts.len() as u32,
                    facts_len: 0,
                    first_visit: NONE,
                    tags: bits,
                    sex: *sex,
                    residency: *residency,
                    marital: initial_marital,
                    method: crate::Method::None,
                    flags: F_NO_METHOD_FIELD,
                    extra: Some(Box::new(PersonExtra {
                        name: name.clone(),
                        id_number: *id_number,
                        phone: phone.clone(),
                        relation: *relation,
                    })),
                });
                if let Some(since) = dated {
                    if *marital != MaritalStatus::Single {
                        let f = Fact { date: day(since), origin, change: Change::Marital(*marital) };
                        self.set_facts(p, vec![f]);
                    }
                }
                Ok(())
            }
            EventKind::PersonCorrected { person, field, old, new } => {
                self.correct(person.as_str(), *field, old, new, d, origin)
            }
            EventKind::PersonMovedIn { person, household, residency, .. } => {
                let p = self.person_ix(person.as_str())?;
                if !residency.is_resident() {
                    return Err(Rejection::InvalidValue {
                        field: "residency",
                        reason: format!("one moves in as registered or floating, not {residency}"),
                    });
                }
                let h = self.household_ix(household)?;
                self.fact(p, at(Change::MovedIn(*residency, h)))
            }
            EventKind::PersonMovedOut { person, permanent, .. } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::MovedOut { permanent: *permanent }))
            }
            EventKind::PersonReturned { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Returned))
            }
            EventKind::PersonRehoused { person, household, relation } => {
                let p = self.person_ix(person.as_str())?;
                let h = self.household_ix(household)?;
                self.fact(p, at(Change::Rehoused(h)))?;
                if let (Some(r), Some(x)) = (relation, self.persons[p as usize].extra.as_mut()) {
                    x.relation = Some(*r);
                }
                Ok(())
            }
            EventKind::Died { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Died))
            }
            EventKind::Married { person, spouse } => {
                let p = self.person_ix(person.as_str())?;
                if let Some(s) = spouse {
                    self.person_ix(s.as_str())?;
                }
                self.fact(p, at(Change::Marital(MaritalStatus::Married)))
            }
            EventKind::Divorced { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Marital(MaritalStatus::Divorced)))
            }
            EventKind::Widowed { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Marital(MaritalStatus::Widowed)))
            }
            EventKind::CaseFileOpened { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::CaseFileOpened))
            }
            EventKind::CaseFileClosed { person, reason } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::CaseFileClosed(*reason)))
            }
            EventKind::TagAdded { person, tag } | EventKind::TagRemoved { person, tag } => {
                let p = self.person_ix(person.as_str())?;
                let added = matches!(e.kind, EventKind::TagAdded { .. });
                let (t, new) = match self.tags.find(tag.as_str()) {
                    Some(t) => (t, false),
                    None if self.tags.names.len() >= 64 => return Err(Rejection::TooManyTags),
                    None => (self.tags.names.len() as u32, true),
                };
                self.fact(p, at(Change::Tag(t as u8, added)))?;
                if new {
                    self.tags.intern(tag.as_str());
                }
                Ok(())
            }
            EventKind::PregnancyReported { person } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::PregnancyReported))
            }
            EventKind::PregnancyEnded { person, outcome, children } => {
                let p = self.person_ix(person.as_str())?;
                if !children.is_empty() && *outcome != PregnancyOutcome::LiveBirth {
                    return Err(Rejection::InvalidValue {
                        field: "children",
                        reason: format!("a pregnancy ending in {outcome} has no children"),
                    });
                }
                if let Some(c) = children.iter().find(|c| c.birth_date != e.date) {
                    return Err(Rejection::InvalidValue {
                        field: "children",
                        reason: format!("a child born on {} in a birth dated {}", c.birth_date, e.date),
                    });
                }
                let detail = if children.is_empty() { NONE } else { self.details.len() as u32 };
                self.fact(p, at(Change::PregnancyEnded(*outcome, detail)))?;
                if detail != NONE {
                    self.details.push(Detail::Children(children.clone()));
                }
                Ok(())
            }
            EventKind::MethodStarted { person, method, source, .. } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::MethodStarted(*method, *source)))
            }
            EventKind::MethodStopped { person, reason } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::MethodStopped(*reason)))
            }
            EventKind::ProcedurePerformed { person, procedure } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Procedure(*procedure)))
            }
            EventKind::SuppliesDispensed { person, item, quantity, cycles, channel, point, lot } => {
                let p = self.person_ix(person.as_str())?;
                if *quantity == 0 {
                    return Err(Rejection::InvalidValue { field: "quantity", reason: "must be at least 1".into() });
                }
                // With a point, the same event takes the units out of the supplies ledger.
                let moved = point.as_ref().map(|point| crate::Movement {
                    event: e.id.clone(),
                    date: e.date,
                    recorded_at: e.recorded_at,
                    point: point.clone(),
                    item: item.clone(),
                    lot: lot.clone(),
                    movement: crate::StockMovement::Dispensed,
                    quantity: *quantity,
                    expires: None,
                    person: Some(person.clone()),
                });
                let pos = moved.as_ref().map(|m| self.ledger.check(m)).transpose()?;
                let detail = self.details.len() as u32;
                self.fact(p, at(Change::Supplies(detail)))?;
                self.details.push(Detail::Supplies(
                    SupplyRecord { item: item.clone(), quantity: *quantity, cycles: *cycles },
                    *channel,
                ));
                if let (Some(pos), Some(m)) = (pos, moved) {
                    self.ledger.insert(pos, m);
                }
                Ok(())
            }
            EventKind::StockMoved { point, item, lot, movement, quantity, expires } => {
                if *movement == crate::StockMovement::Dispensed {
                    let reason = "a dispense to a person is her supplies_dispensed event with a point".into();
                    return Err(Rejection::InvalidValue { field: "movement", reason });
                }
                if expires.is_some() && !movement.adds() {
                    let reason = "only a receipt gives a lot's expiry date".into();
                    return Err(Rejection::InvalidValue { field: "expires", reason });
                }
                let m = crate::Movement {
                    event: e.id.clone(),
                    date: e.date,
                    recorded_at: e.recorded_at,
                    point: point.clone(),
                    item: item.clone(),
                    lot: lot.clone(),
                    movement: *movement,
                    quantity: *quantity,
                    expires: *expires,
                    person: None,
                };
                let pos = self.ledger.check(&m)?;
                self.ledger.insert(pos, m);
                Ok(())
            }
            EventKind::Certificate { person, certificate, action } => {
                let p = self.person_ix(person.as_str())?;
                let f = at(Change::Certificate(*certificate, *action));
                let all = self.check_insert(p, &[f])?;
                crate::application::check_timeline(&all, *certificate, &f)?;
                self.set_facts(p, all);
                Ok(())
            }
            EventKind::ServiceRequested { request, channel, topic, person, grid } => {
                if request.is_empty() {
                    return Err(Rejection::InvalidValue { field: "request", reason: "must not be empty".into() });
                }
                if self.requests.iter().any(|r| r.request == *request) {
                    return Err(Rejection::Duplicate { kind: "service request", id: request.clone() });
                }
                if let Some(p) = person {
                    self.person_ix(p.as_str())?;
                }
                if let Some(g) = grid {
                    self.areas.grid_index(g.as_str()).ok_or_else(|| unknown("grid", g.as_str()))?;
                }
                self.requests.push(crate::application::RequestRec {
                    request: request.clone(),
                    date: e.date,
                    channel: *channel,
                    topic: *topic,
                    person: person.clone(),
                    grid: grid.clone(),
                    answered_on: None,
                });
                Ok(())
            }
            EventKind::ServiceAnswered { request } => {
                let r = self
                    .requests
                    .iter_mut()
                    .find(|r| r.request == *request)
                    .ok_or_else(|| unknown("service request", request))?;
                if let Some(on) = r.answered_on {
                    let reason = format!("request `{request}` was already answered on {on}");
                    return Err(Rejection::InvalidValue { field: "request", reason });
                }
                if e.date < r.date {
                    let reason = format!("answered on {} before the request came in on {}", e.date, r.date);
                    return Err(Rejection::InvalidValue { field: "date", reason });
                }
                r.answered_on = Some(e.date);
                Ok(())
            }
            EventKind::ScreeningDone { person, screening, referred } => {
                let p = self.person_ix(person.as_str())?;
                self.fact(p, at(Change::Screening(*screening, *referred)))
            }
            EventKind::VisitRecorded { person, visit, outcome, visitor } => {
                let p = self.person_ix(person.as_str())?;
                let visitor = visitor.as_ref().map(|v| v.as_str());
                self.add_visit(p, e.id.as_str(), e.date, visit, outcome.as_deref(), visitor, origin)
            }
            EventKind::VerificationRecorded { household, observed } => {
                let h = self.household_ix(household)?;
                self.household_ok(h, d)?;
                for o in observed {
                    if let Some(p) = &o.person {
                        self.person_ix(p.as_str())?;
                    }
                }
                self.verifications.push(VerificationRec {
                    date: e.date,
                    household: h,
                    observed: observed.clone(),
                    origin,
                });
                Ok(())
            }
            EventKind::ConsultationGiven { person, grid, topic } => {
                let p = match person {
                    Some(p) => self.person_ix(p.as_str())?,
                    None => NONE,
                };
                let g = match grid {
                    Some(g) => self.areas.grid_index(g.as_str()).ok_or_else(|| unknown("grid", g.as_str()))?,
                    None => NONE,
                };
                self.consultations.push(ConsultationRec { date: e.date, person: p, grid: g, topic: *topic, origin });
                Ok(())
            }
            EventKind::SurveyResponse { respondent, satisfied, knows_free_supply, grid } => {
                let g = match grid {
                    Some(g) => self.areas.grid_index(g.as_str()).ok_or_else(|| unknown("grid", g.as_str()))?,
                    None => NONE,
                };
                self.surveys.push(SurveyRec {
                    date: e.date,
                    grid: g,
                    respondent: *respondent,
                    satisfied: *satisfied,
                    knows_free_supply: *knows_free_supply,
                    origin,
                });
                Ok(())
            }
        }
    }

    /// Adds a visit after checking the person was here on its date.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn add_visit(
        &mut self,
        p: u32,
        id: &str,
        on: chrono::NaiveDate,
        kind: &str,
        outcome: Option<&str>,
        visitor: Option<&str>,
        origin: u32,
    ) -> Result<(), Rejection> {
        let rec = &self.persons[p as usize];
        let who = || self.person_ids.get_str(p).to_string();
        if on < rec.birth {
            return Err(Rejection::BeforeBirth { person: who(), on, birth: rec.birth });
        }
        if kind.is_empty() {
            return Err(Rejection::InvalidValue { field: "kind", reason: "a visit needs a kind".into() });
        }
        // Only a move out or a death makes a person "left": without one, no fold is needed
        // (a snapshot's persons have neither, and this runs for each of their visits).
        let may_have_left = self.facts_of(p).iter().any(|f| matches!(f.change, Change::MovedOut { .. } | Change::Died));
        if may_have_left && self.fold_on(p, day(on)).left {
            return Err(Rejection::Departed { person: who(), on });
        }
        if !self.visit_ids.intern(id).1 {
            return Err(Rejection::Duplicate { kind: "visit", id: id.to_string() });
        }
        let kind = self.visit_kinds.intern(kind) as u16;
        let outcome = outcome.map(|o| self.outcomes.intern(o) as u16).unwrap_or(u16::MAX);
        let visitor = visitor.map(|v| self.staff.intern(v)).unwrap_or(NONE);
        let next = self.persons[p as usize].first_visit;
        let v = self.push_visit(VisitRec { person: p, date: on, kind, outcome, next }, VisitMeta { origin, visitor });
        self.persons[p as usize].first_visit = v;
        Ok(())
    }

    fn correct(
        &mut self,
        person: &str,
        field: crate::CorrectableField,
        old: &str,
        new: &str,
        d: i32,
        origin: u32,
    ) -> Result<(), Rejection> {
        use crate::CorrectableField as F;
        let p = self.person_ix(person)?;
        let rec = self.persons[p as usize].clone();
        let extra = rec.extra.as_deref();
        let recorded = match field {
            F::Name => extra.map(|x| x.name.clone()).unwrap_or_default(),
            F::Sex => rec.sex.code().to_string(),
            F::BirthDate => rec.birth.to_string(),
            F::IdNumber => extra.and_then(|x| x.id_number).map(|i| i.to_string()).unwrap_or_default(),
            F::Phone => extra.and_then(|x| x.phone.as_ref()).map(|i| i.to_string()).unwrap_or_default(),
            F::Relation => extra.and_then(|x| x.relation).map(|r| r.code().to_string()).unwrap_or_default(),
        };
        if recorded != old {
            return Err(Rejection::CorrectionMismatch {
                person: person.to_string(),
                field: field.code(),
                recorded,
                old: old.to_string(),
            });
        }
        let bad = |reason: String| Rejection::InvalidValue { field: field.code(), reason };
        let mut changed = rec.clone();
        let x = changed.extra.get_or_insert_with(|| {
            Box::new(PersonExtra { name: String::new(), id_number: None, phone: None, relation: None })
        });
        match field {
            F::Name => x.name = new.to_string(),
            F::Sex => changed.sex = new.parse().map_err(bad)?,
            F::BirthDate => {
                changed.birth =
                    crate::parse_date(new).ok_or_else(|| bad(format!("`{new}` is not a date YYYY-MM-DD")))?
            }
            F::IdNumber => {
                x.id_number = if new.is_empty() {
                    None
                } else {
                    Some(new.parse().map_err(|e: crate::ResidentIdError| bad(e.to_string()))?)
                }
            }
            F::Phone => {
                x.phone = if new.is_empty() {
                    None
                } else {
                    Some(new.parse().map_err(|e: crate::PhoneError| bad(e.to_string()))?)
                }
            }
            F::Relation => x.relation = if new.is_empty() { None } else { Some(new.parse().map_err(bad)?) },
        }
        if changed.registered < changed.birth {
            return Err(Rejection::BeforeBirth {
                person: person.to_string(),
                on: changed.registered,
                birth: changed.birth,
            });
        }
        if let Some(v) = self.person_visits(p).find(|v| v.date < changed.birth) {
            return Err(Rejection::InvalidatesLater {
                later_kind: "visit_recorded",
                later_on: v.date,
                reason: Box::new(Rejection::BeforeBirth {
                    person: person.to_string(),
                    on: v.date,
                    birth: changed.birth,
                }),
            });
        }
        let detail = self.details.len() as u32;
        let fact = Fact { date: d, origin, change: Change::Corrected(detail) };
        self.persons[p as usize] = changed;
        match self.check_insert(p, &[fact]) {
            Ok(all) => {
                self.set_facts(p, all);
                self.details.push(Detail::Correction { field, old: old.to_string(), new: new.to_string() });
                Ok(())
            }
            Err(r) => {
                self.persons[p as usize] = rec;
                Err(r)
            }
        }
    }
}
