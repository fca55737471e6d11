//! [`FamplanStore`]: the one object the app holds.

use crate::person::non_empty;
use crate::sync::{parse_events, to_json};
use crate::{
    EventBatch, FamplanError, NewHousehold, NewPerson, NewVisit, PersonFile, PersonState, RateResult, SyncConflict,
    SyncReport, WorkList,
};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use famplan::{AreaLevel, Comparison, Event, EventKind, GroupBy, Period, Registry, RuleSet, Schedule, Scope, Target};
use famplan_store::{Store, Watermark};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Any event of famplan's event catalogue (DOMAIN §5), for [`FamplanStore::record_events`].
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NewEvent {
    /// The day it happened.
    pub date: NaiveDate,
    /// The kind and its fields as a JSON object in famplan's event format, without `id`,
    /// `date`, `recorded_at` and `recorded_by` (the store sets them):
    /// `{"kind":"married","person":"p1"}`,
    /// `{"kind":"procedure_performed","person":"p1","procedure":"iud_insertion"}`.
    pub kind: String,
}

/// What a store holds, counted on a date.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StoreStatus {
    /// Households ever registered.
    pub households: u64,
    /// Persons ever registered (any residency).
    pub persons: u64,
    /// Case files open on the date.
    pub case_files: u64,
    /// Events in the log (applied and conflicting).
    pub events: u64,
    /// Events in the log that do not apply.
    pub conflicts: u64,
    /// The latest effective date of any event.
    pub last_event_date: Option<NaiveDate>,
    /// The sequence number of the newest event: export after it to get nothing.
    pub watermark: u64,
}

/// A community's (or a grid's) data on the phone: one SQLite file, answered with the core's
/// rules and rates, offline.
///
/// Thread-safe: calls are serialised. Call it from a worker thread, not the UI thread (a
/// cold open of a large store reads the whole file).
#[derive(Debug, uniffi::Object)]
pub struct FamplanStore {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    /// The installation's id: the prefix of every event id this device makes.
    device: String,
    /// Who records (the keeper's staff id): `recorded_by`, and the visitor of visits.
    user: String,
    /// The number of this device's next event.
    next: u64,
    schedule: Option<Cached>,
}

/// The visit schedule of one keeper's grids (its `Scope`), kept in step with the store's
/// registry.
#[derive(Debug)]
struct Cached {
    /// The horizon is this year ± 1.
    year: i32,
    /// The store's generation it was built at (see `Store::generation`).
    generation: u64,
    schedule: Schedule,
}

/// The schedule's horizon for a date: its year ± 1.
fn horizon(on: NaiveDate) -> Result<Period, FamplanError> {
    let year = on.year();
    Period::year(year - 1)
        .zip(Period::year(year + 1))
        .and_then(|(a, b)| Period::new(a.start, b.end))
        .ok_or_else(|| FamplanError::invalid("on", format!("{on} is out of range")))
}

/// `recorded_at`: the one place the binding reads the clock (UTC, to the microsecond).
fn now() -> NaiveDateTime {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    chrono::DateTime::from_timestamp(since.as_secs() as i64, since.subsec_micros() * 1000)
        .unwrap_or_default()
        .naive_utc()
}

/// The highest `N` of this device's `DEVICE:N` ids among `events`.
fn last_number<'i>(device: &str, ids: impl IntoIterator<Item = &'i str>) -> u64 {
    ids.into_iter().filter_map(|id| id.strip_prefix(device)?.strip_prefix(':')?.parse::<u64>().ok()).max().unwrap_or(0)
}

impl FamplanStore {
    /// Runs `f` on the store's state (`Store::view`: the checkpoint, not the whole log).
    pub(crate) fn with_registry<T>(
        &self,
        f: impl FnOnce(&Registry) -> Result<T, FamplanError>,
    ) -> Result<T, FamplanError> {
        let mut inner = self.lock();
        f(inner.store.view()?)
    }

    /// Runs `f` on the store itself (its settings: policy, notices).
    pub(crate) fn with_store<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, FamplanError>,
    ) -> Result<T, FamplanError> {
        f(&mut self.lock().store)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A panic inside a call leaves the store as committed; the cache is rebuilt as needed.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[uniffi::export]
impl FamplanStore {
    /// Opens the store file at `path`, creating it if it does not exist, for the device
    /// `device_id` and the user `user` (the keeper's staff id, recorded with every event).
    /// Reads the store's checkpoint of the state (milliseconds), not the whole event log.
    ///
    /// `device_id` is the prefix of every event id this device makes (`DEVICE:N`), so it must
    /// be unique among the devices that sync together: make it once per installation (a
    /// random UUID) and keep it.
    ///
    /// Waits up to 10 s for another process's write before failing with `Busy`.
    #[uniffi::constructor]
    pub fn open(path: String, device_id: String, user: String) -> Result<Arc<FamplanStore>, FamplanError> {
        FamplanStore::open_with_timeout(path, device_id, user, 10_000)
    }

    /// Like [`FamplanStore::open`], waiting at most `busy_timeout_ms` for another writer.
    #[uniffi::constructor]
    pub fn open_with_timeout(
        path: String,
        device_id: String,
        user: String,
        busy_timeout_ms: u32,
    ) -> Result<Arc<FamplanStore>, FamplanError> {
        non_empty("path", &path)?;
        non_empty("device_id", &device_id)?;
        non_empty("user", &user)?;
        if device_id.contains(char::is_whitespace) {
            return Err(FamplanError::invalid("device_id", "must not contain spaces"));
        }
        let store = Store::open_with_timeout(&path, Duration::from_millis(busy_timeout_ms.into()))?;
        let next =
            last_number(&device_id, store.event_ids_with_prefix(&format!("{device_id}:"))?.iter().map(String::as_str))
                + 1;
        let inner = Inner { store, device: device_id, user, next, schedule: None };
        Ok(Arc::new(FamplanStore { inner: Mutex::new(inner) }))
    }

    /// Registers a household; returns the new event's id.
    pub fn register_household(&self, household: NewHousehold) -> Result<String, FamplanError> {
        let kind = household.into_kind()?;
        Ok(self.lock().record(vec![kind])?.remove(0))
    }

    /// Registers a person into an existing household; returns the new event's id.
    /// A bad ID number or phone is refused with the field and the reason.
    pub fn register_person(&self, person: NewPerson) -> Result<String, FamplanError> {
        let kind = person.into_kind()?;
        Ok(self.lock().record(vec![kind])?.remove(0))
    }

    /// Records a visit with the day it happened; returns the new event's id.
    pub fn record_visit(&self, visit: NewVisit) -> Result<String, FamplanError> {
        let mut inner = self.lock();
        let kind = visit.into_kind(&inner.user)?;
        Ok(inner.record(vec![kind])?.remove(0))
    }

    /// Records a batch of events of any kind, all or nothing: each must fit what the store
    /// holds (in date order). Returns the new events' ids, in the order given.
    pub fn record_events(&self, events: Vec<NewEvent>) -> Result<Vec<String>, FamplanError> {
        let kinds = events
            .into_iter()
            .enumerate()
            .map(|(i, e)| Ok((e.date, parse_kind(i, &e.kind)?)))
            .collect::<Result<Vec<_>, FamplanError>>()?;
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        self.lock().record(kinds)
    }

    /// The work list of a keeper (网格责任人) on a date: every due and overdue visit of the
    /// grids they keep, key population and special clients first, each with why.
    pub fn work_list(&self, keeper: String, on: NaiveDate) -> Result<WorkList, FamplanError> {
        let mut inner = self.lock();
        let keeper_id = famplan::StaffId::new(keeper.as_str());
        // Before the schedule: an unknown keeper leaves the cached one alone.
        if !inner.store.view()?.areas().staff().iter().any(|s| s.id == keeper_id) {
            return Err(FamplanError::not_found("keeper", &keeper));
        }
        let (reg, schedule) = inner.schedule(on, &keeper_id)?;
        let list = schedule.keeper_work_list(reg, &keeper_id, on);
        Ok(WorkList::from_core(&keeper, &list))
    }

    /// A person's file on a date: record, state, and every obligation of her visit schedule
    /// (this year ± 1) with its state on the date and why it exists.
    pub fn person_file(&self, person: String, on: NaiveDate) -> Result<PersonFile, FamplanError> {
        let horizon = horizon(on)?;
        let mut inner = self.lock();
        let reg = inner.store.view()?;
        let id = famplan::PersonId::new(person.as_str());
        let record = reg.person(&id).ok_or_else(|| FamplanError::not_found("person", &person))?;
        // Her schedule alone (wherever she lived): a scope of one person is built in well
        // under a millisecond, and leaves the keeper's cached schedule alone.
        let schedule = Schedule::scoped(reg, RuleSet::default_rules(), horizon, Scope::Persons(vec![id.clone()]));
        Ok(PersonFile {
            id: person,
            on,
            name: record.name,
            sex: record.sex,
            birth_date: record.birth_date,
            id_number: record.id_number.map(|n| n.to_string()),
            phone: record.phone.map(|p| p.to_string()),
            state: reg.state(&id, on).as_ref().map(PersonState::from_core),
            obligations: schedule.person(reg, &id, on).iter().map(Into::into).collect(),
        })
    }

    /// The grid's rates over a period (`start` to `end`, both included; `end` is also the
    /// reference date) against the catalogue's default targets, with the rank among the
    /// zone's grids: every catalogue rate that has a target.
    pub fn grid_rates(&self, grid: String, start: NaiveDate, end: NaiveDate) -> Result<Vec<RateResult>, FamplanError> {
        if end < start {
            return Err(FamplanError::invalid("end", format!("{end} is before start {start}")));
        }
        let mut inner = self.lock();
        let reg = inner.store.view()?;
        if reg.areas().get(AreaLevel::Grid, &grid).is_none() {
            return Err(FamplanError::not_found("grid", &grid));
        }
        let with_target: Vec<(&famplan::RateInfo, f64)> =
            famplan::catalogue().iter().filter_map(|info| Some((info, info.default_target?))).collect();
        let targets: Vec<Target> = with_target
            .iter()
            .map(|(info, value)| Target {
                rate: info.code.code().to_string(),
                level: GroupBy::Grid,
                unit: grid.clone(),
                start,
                end,
                cmp: Comparison::AtLeast,
                value: *value,
                weight: 1.0,
            })
            .collect();
        let assessed = famplan::assess(reg, &targets, &[])?;
        Ok(assessed.iter().zip(&with_target).map(|(a, (info, _))| RateResult::from_core(a, info)).collect())
    }

    /// The events that arrived after `after` (0: all), to send to another device, and the
    /// watermark to ask from next time.
    pub fn export_events(&self, after: u64) -> Result<EventBatch, FamplanError> {
        let inner = self.lock();
        let (events, watermark) = inner.store.events_after(Watermark::new(after))?;
        Ok(EventBatch { events: events.iter().map(to_json).collect(), watermark: watermark.get() })
    }

    /// Takes in another device's events (an [`EventBatch`]'s `events`): the union by id.
    /// Events that do not fit are kept and returned as conflicts, never dropped; importing
    /// the same events again changes nothing. A malformed event refuses the whole batch.
    pub fn import_events(&self, events: Vec<String>) -> Result<SyncReport, FamplanError> {
        let events = parse_events(&events)?;
        let mut inner = self.lock();
        let mine = last_number(&inner.device, events.iter().map(|e| e.id.as_str()));
        let report = inner.store.merge(events)?;
        inner.next = inner.next.max(mine + 1);
        Ok(SyncReport {
            applied: report.applied as u64,
            duplicates: report.duplicates as u64,
            conflicts: report.conflicts.iter().map(SyncConflict::from).collect(),
        })
    }

    /// Every event in the store that does not fit (after syncs), with why.
    pub fn conflicts(&self) -> Result<Vec<SyncConflict>, FamplanError> {
        let mut inner = self.lock();
        Ok(inner.store.registry()?.conflicts().iter().map(SyncConflict::from).collect())
    }

    /// 库存 — stock on hand on a date, per distribution point, item and lot (药具台账).
    pub fn stock_on_hand(&self, on: NaiveDate) -> Result<Vec<crate::StockLine>, FamplanError> {
        let mut inner = self.lock();
        Ok(inner.store.view()?.supplies().stock(on).into_iter().map(Into::into).collect())
    }

    /// 超期申请 — applications still pending after their time limit on a date, the longest
    /// overdue first.
    pub fn applications_overdue(&self, on: NaiveDate) -> Result<Vec<crate::Application>, FamplanError> {
        let mut inner = self.lock();
        let reg = inner.store.view()?;
        let overdue = reg.overdue_applications(on, &famplan::TimeLimits::default());
        Ok(overdue.iter().map(|a| crate::Application::from_core(a, on)).collect())
    }

    /// What the store holds, with case files counted on `on`.
    pub fn status(&self, on: NaiveDate) -> Result<StoreStatus, FamplanError> {
        let s = self.lock().store.status_on(on)?;
        Ok(StoreStatus {
            households: s.households as u64,
            persons: s.persons as u64,
            case_files: s.case_files as u64,
            events: s.events as u64,
            conflicts: s.conflicts as u64,
            last_event_date: s.last_event_date,
            watermark: s.watermark.get(),
        })
    }
}

/// One [`NewEvent::kind`]: a JSON object with `kind`, without the fields the store sets.
fn parse_kind(i: usize, json: &str) -> Result<EventKind, FamplanError> {
    let field = format!("events[{i}].kind");
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| FamplanError::invalid(&field, e.to_string()))?;
    let object = value.as_object_mut().ok_or_else(|| FamplanError::invalid(&field, "expected a JSON object"))?;
    for set in ["id", "date", "recorded_at", "recorded_by"] {
        if object.contains_key(set) {
            return Err(FamplanError::invalid(&field, format!("`{set}` is set by the store: leave it out")));
        }
    }
    // The event's common fields, so that the core's own deserializer reads the kind.
    object.insert("id".into(), "-".into());
    object.insert("date".into(), "2000-01-01".into());
    object.insert("recorded_at".into(), "2000-01-01T00:00:00".into());
    object.insert("recorded_by".into(), "-".into());
    let event: Event = serde_json::from_value(value).map_err(|e| FamplanError::invalid(&field, e.to_string()))?;
    Ok(event.kind)
}

impl Inner {
    /// Records this device's events, all or nothing; returns their ids.
    fn record(&mut self, kinds: Vec<(NaiveDate, EventKind)>) -> Result<Vec<String>, FamplanError> {
        let at = now();
        let events: Vec<Event> = kinds
            .into_iter()
            .enumerate()
            .map(|(i, (date, kind))| Event {
                id: format!("{}:{}", self.device, self.next + i as u64).into(),
                date,
                recorded_at: at,
                recorded_by: self.user.clone(),
                kind,
            })
            .collect();
        let ids: Vec<String> = events.iter().map(|e| e.id.to_string()).collect();
        let written = events.clone();
        if events.len() == 1 {
            self.store.record(events.into_iter().next().expect("one"))?;
        } else {
            self.store.append(events)?;
        }
        self.next += ids.len() as u64;
        // Keep the schedule in step: the core knows what each event touches. Only if this
        // write was the one write since the schedule was built; else it is rebuilt when asked.
        let generation = self.store.generation()?;
        let reg = self.store.view()?;
        match &mut self.schedule {
            Some(cached) if cached.generation + 1 == generation => {
                for e in &written {
                    cached.schedule.refresh_after(reg, e);
                }
                cached.generation = generation;
            }
            _ => self.schedule = None,
        }
        Ok(ids)
    }

    /// The registry and the schedule of `keeper`'s grids (from the area tree) for the year
    /// of `on`, in step with it: rebuilt when the store changed behind it, the year differs,
    /// or the keeper's grids are others (another keeper, or a `staff_assigned` since).
    fn schedule(&mut self, on: NaiveDate, keeper: &famplan::StaffId) -> Result<(&Registry, &Schedule), FamplanError> {
        let horizon = horizon(on)?;
        let generation = self.store.generation()?;
        let reg = self.store.view()?;
        let year = on.year();
        let scope = Scope::keeper(reg, keeper);
        let fresh = matches!(&self.schedule,
            Some(c) if c.year == year && c.generation == generation && *c.schedule.scope() == scope);
        if !fresh {
            let schedule = Schedule::scoped(reg, RuleSet::default_rules(), horizon, scope);
            self.schedule = Some(Cached { year, generation, schedule });
        }
        let cached = self.schedule.as_ref().expect("just filled");
        Ok((reg, &cached.schedule))
    }
}
