//! `famplan.Registry`: the registry of one community, and every question asked of it.

use crate::convert::{self, opt_period};
use crate::errors::{Failure, Result, invalid};
use crate::frame::{Columns, PyFrame};
use crate::rate::{PyCustomRate, PyTarget};
use crate::visit::{PyRuleSet, obligations_frame, work_list_frame};
use arrow_array::ArrayRef;
use chrono::{Datelike, NaiveDate};
use famplan::io::{EventFormat, ImportMode, ImportSummary, SnapshotFiles, read_snapshot};
use famplan::{Measure, Method, Params, Period, Registry, RespondentKind, Schedule};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// The registry of a community: every event applied, every question answered for a date.
#[derive(Debug)]
#[pyclass(name = "Registry", module = "famplan", frozen)]
pub struct PyRegistry {
    reg: RwLock<Registry>,
    as_of: Option<NaiveDate>,
    summary: Option<Summary>,
    /// The last schedule built for `work_list` (rules, horizon): rebuilt when they change,
    /// dropped when an event is applied.
    schedule: Mutex<Option<(usize, Period, Schedule)>>,
}

/// What a snapshot import took in.
#[derive(Debug)]
pub(crate) struct Summary {
    areas: u64,
    households: u64,
    persons: u64,
    visits: u64,
    events: u64,
    undated: u64,
    warnings: Vec<String>,
    rejects: Vec<String>,
}

impl Summary {
    /// The summary as the dict both `Registry.import_summary` and `Store.import_snapshot` give.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("areas", self.areas)?;
        d.set_item("households", self.households)?;
        d.set_item("persons", self.persons)?;
        d.set_item("visits", self.visits)?;
        d.set_item("events", self.events)?;
        d.set_item("undated", self.undated)?;
        d.set_item("warnings", self.warnings.clone())?;
        d.set_item("rejects", self.rejects.clone())?;
        Ok(d)
    }
}

impl From<ImportSummary> for Summary {
    fn from(s: ImportSummary) -> Summary {
        Summary {
            areas: s.areas,
            households: s.households,
            persons: s.persons,
            visits: s.visits,
            events: s.events,
            undated: s.undated.total(),
            warnings: s.warnings,
            rejects: s.rejects.iter().map(ToString::to_string).collect(),
        }
    }
}

impl PyRegistry {
    pub fn new(reg: Registry, as_of: Option<NaiveDate>) -> PyRegistry {
        PyRegistry { reg: RwLock::new(reg), as_of, summary: None, schedule: Mutex::new(None) }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.reg.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The area tree (for `famplan.reduce_partials`).
    pub(crate) fn areas(&self) -> famplan::Areas {
        self.read().areas().clone()
    }

    /// The registry to change; the cached schedule is dropped while the write lock is held
    /// (locks are taken registry first, then schedule, as in `with_schedule`).
    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        let reg = self.reg.write().unwrap_or_else(|e| e.into_inner());
        *self.schedule.lock().unwrap_or_else(|e| e.into_inner()) = None;
        reg
    }

    /// The reference date: the one given, else the registry's `as_of`, else the period's end.
    fn on(&self, on: Option<NaiveDate>, period: Option<Period>) -> Result<NaiveDate> {
        on.or(self.as_of)
            .or(period.map(|p| p.end))
            .ok_or_else(|| invalid("on", "give the reference date: this registry has no as_of"))
    }

    #[allow(clippy::too_many_arguments)]
    fn params(
        &self,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        method: Option<&str>,
        respondent: Option<&str>,
        basis: &str,
    ) -> PyResult<Params> {
        let period = opt_period("period", period)?;
        let mut p = Params::new(self.on(on, period)?);
        if let Some(period) = period {
            p = p.period(period);
        }
        if let Some(a) = as_of {
            p = p.as_of(a);
        }
        if let Some(m) = method {
            p = p.method(convert::code::<Method>("method", m)?);
        }
        if let Some(r) = respondent {
            p = p.respondent(convert::code::<RespondentKind>("respondent", r)?);
        }
        Ok(p.basis(convert::code::<famplan::StateBasis>("basis", basis)?))
    }

    /// The horizon of a schedule around `on`: the year before to the year after (as the
    /// `famplan due` command).
    fn horizon(on: NaiveDate, horizon: Option<&Bound<'_, PyAny>>) -> PyResult<Period> {
        if let Some(h) = opt_period("horizon", horizon)? {
            return Ok(h);
        }
        let start = Period::year(on.year() - 1).map(|p| p.start);
        let end = Period::year(on.year() + 1).map(|p| p.end);
        Ok(start.zip(end).and_then(|(a, b)| Period::new(a, b)).unwrap_or_else(|| Period::month_of(on)))
    }

    /// Runs `f` on the schedule of `rules` over `horizon`, building it when needed.
    fn with_schedule<T>(
        &self,
        rules: &Arc<famplan::RuleSet>,
        horizon: Period,
        f: impl FnOnce(&Registry, &Schedule) -> T,
    ) -> T {
        let reg = self.read();
        let mut cache = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        let key = Arc::as_ptr(rules) as usize;
        if !matches!(&*cache, Some((k, h, _)) if *k == key && *h == horizon) {
            *cache = Some((key, horizon, Schedule::new(&reg, famplan::RuleSet::clone(rules), horizon)));
        }
        let (_, _, s) = cache.as_ref().expect("just built");
        f(&reg, s)
    }
}

/// Reads a snapshot workbook (`.xlsx`), or a snapshot directory: `areas.csv`, `households.csv`, `persons.csv`, `visits.csv`
/// and an optional `events.jsonl` or `events.csv`.
fn load_snapshot(dir: &Path, mode: ImportMode) -> Result<(Registry, ImportSummary)> {
    if dir.is_file() && dir.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) {
        let name = dir.display().to_string();
        let file = std::fs::File::open(dir).map_err(|source| famplan::Error::Io { file: name.clone(), source })?;
        return Ok(famplan::io::read_snapshot_xlsx(&name, std::io::BufReader::new(file), mode)?);
    }
    if !dir.is_dir() {
        let source = std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory");
        return Err(famplan::Error::Io { file: dir.display().to_string(), source }.into());
    }
    let open = |name: &str| -> Result<(String, std::io::BufReader<std::fs::File>)> {
        let p = dir.join(name);
        let shown = p.display().to_string();
        match std::fs::File::open(&p) {
            Ok(f) => Ok((shown, std::io::BufReader::with_capacity(1 << 20, f))),
            Err(source) if source.kind() == std::io::ErrorKind::NotFound => Err(famplan::Error::Invalid {
                at: famplan::Location::new(shown, 0, "file"),
                reason: "required file missing".into(),
            }
            .into()),
            Err(source) => Err(famplan::Error::Io { file: shown, source }.into()),
        }
    };
    let (an, a) = open("areas.csv")?;
    let (hn, h) = open("households.csv")?;
    let (pn, p) = open("persons.csv")?;
    let (vn, v) = open("visits.csv")?;
    let mut files = SnapshotFiles::new().areas(an, a).households(hn, h).persons(pn, p).visits(vn, v);
    for (name, format) in [("events.jsonl", EventFormat::JsonLines), ("events.csv", EventFormat::Csv)] {
        if dir.join(name).is_file() {
            let (n, r) = open(name)?;
            files = files.events(n, r, format);
            break;
        }
    }
    Ok(read_snapshot(files, mode)?)
}

#[pymethods]
impl PyRegistry {
    /// An empty registry.
    #[new]
    #[pyo3(signature = (*, as_of = None))]
    fn py_new(as_of: Option<NaiveDate>) -> PyRegistry {
        PyRegistry::new(Registry::new(), as_of)
    }

    /// The small example community of the documentation (grids g1, g2; persons p1–p3).
    #[staticmethod]
    #[pyo3(signature = (*, as_of = None))]
    fn example(as_of: Option<NaiveDate>) -> PyRegistry {
        PyRegistry::new(Registry::example(), as_of)
    }

    /// Reads a snapshot directory (DOMAIN §15) or a snapshot workbook (`.xlsx`).
    #[staticmethod]
    #[pyo3(signature = (path, *, as_of = None, keep_going = false))]
    fn from_snapshot(py: Python<'_>, path: PathBuf, as_of: Option<NaiveDate>, keep_going: bool) -> Result<PyRegistry> {
        let mode = if keep_going { ImportMode::KeepGoing } else { ImportMode::AllOrNothing };
        let (reg, summary) = py.detach(|| load_snapshot(&path, mode))?;
        Ok(PyRegistry { summary: Some(summary.into()), ..PyRegistry::new(reg, as_of) })
    }

    /// A registry built from events: a path to a `.jsonl`/`.csv` file, or dicts.
    #[staticmethod]
    #[pyo3(signature = (events, *, as_of = None))]
    fn from_events(py: Python<'_>, events: &Bound<'_, PyAny>, as_of: Option<NaiveDate>) -> PyResult<PyRegistry> {
        let events = convert::events(py, events)?;
        let (reg, _) = py.detach(|| Registry::from_events(events));
        Ok(PyRegistry::new(reg, as_of))
    }

    /// The default reference date of every question (given at load).
    #[getter]
    fn as_of(&self) -> Option<NaiveDate> {
        self.as_of
    }

    /// What the snapshot import took in (None when not read from a snapshot).
    #[getter]
    fn import_summary<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        self.summary.as_ref().map(|s| s.to_dict(py)).transpose()
    }

    /// Persons ever registered.
    fn __len__(&self) -> usize {
        self.read().len()
    }

    fn __repr__(&self) -> String {
        let r = self.read();
        format!("Registry({} persons, {} households, {} events)", r.len(), r.household_count(), r.events().len())
    }

    /// Households ever registered.
    #[getter]
    fn household_count(&self) -> usize {
        self.read().household_count()
    }

    /// Applies one event (a dict in the JSON Lines form). A refused event changes nothing.
    fn apply(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let mut events = convert::events_from_dicts(py, vec![event.clone()], "event")?;
        let e = events.pop().expect("one dict, one event");
        Ok(py.detach(|| self.write().apply(e)).map_err(Failure::from)?)
    }

    /// Merges another device's events (a path or dicts): the union by id; those that do not
    /// fit are kept and reported as conflicts.
    fn merge<'py>(&self, py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let events = convert::events(py, events)?;
        let report = py.detach(|| self.write().merge(events));
        merge_report(py, &report)
    }

    /// Every event of the log, as dicts.
    fn events<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyAny>>> {
        self.read().events().iter().map(|e| convert::event_dict(py, e)).collect()
    }

    /// Events kept in the log that do not apply: event, date, kind, reason.
    fn conflicts(&self) -> PyFrame {
        let r = self.read();
        let c = r.conflicts();
        let reasons: Vec<String> = c.iter().map(|c| c.reason.to_string()).collect();
        Columns::default()
            .str("event", c.iter().map(|c| Some(c.event.id.as_str())))
            .date("date", c.iter().map(|c| Some(c.event.date)))
            .str("kind", c.iter().map(|c| Some(c.event.kind.code())))
            .str("reason", reasons.iter().map(|s| Some(s.as_str())))
            .finish()
    }

    /// Writes the report workbook (汇总, a sheet per rate against its default target, a
    /// list sheet per rate of the subjects) to `path`.
    #[pyo3(signature = (path, codes, by = "grid", *, on = None, period = None, as_of = None, basis = "on_date"))]
    #[allow(clippy::too_many_arguments)]
    fn report_xlsx(
        &self,
        py: Python<'_>,
        path: PathBuf,
        codes: &Bound<'_, PyAny>,
        by: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        basis: &str,
    ) -> PyResult<()> {
        let codes = crate::report::codes(convert::measures(codes)?)?;
        let by = convert::group_by(by)?;
        let params = self.params(on, period, as_of, None, None, basis)?;
        Ok(py.detach(|| crate::report::write_xlsx(&self.read(), params, &codes, by, &path))?)
    }

    /// The report as a FHIR R4 Bundle (a dict): a Measure per rate, a MeasureReport per rate
    /// and unit; with `subject_list`, the subjects as contained Lists.
    #[pyo3(signature = (codes, by = "grid", *, on = None, period = None, as_of = None, basis = "on_date", subject_list = false))]
    #[allow(clippy::too_many_arguments)]
    fn report_fhir<'py>(
        &self,
        py: Python<'py>,
        codes: &Bound<'_, PyAny>,
        by: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        basis: &str,
        subject_list: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let codes = crate::report::codes(convert::measures(codes)?)?;
        let by = convert::group_by(by)?;
        let params = self.params(on, period, as_of, None, None, basis)?;
        let text = py.detach(|| crate::report::fhir_json(&self.read(), params, &codes, by, subject_list));
        crate::report::loads(py, &text)
    }

    /// Rates grouped by `by`: one row per rate and unit, with the exact counts.
    #[pyo3(signature = (codes, by = "grid", *, on = None, period = None, as_of = None, method = None, respondent = None, basis = "on_date", province = None))]
    #[allow(clippy::too_many_arguments)]
    fn rates(
        &self,
        py: Python<'_>,
        codes: &Bound<'_, PyAny>,
        by: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        method: Option<&str>,
        respondent: Option<&str>,
        basis: &str,
        province: Option<u8>,
    ) -> PyResult<PyFrame> {
        let measures = convert::measures(codes)?;
        let by = convert::group_by(by)?;
        let mut params = self.params(on, period, as_of, method, respondent, basis)?;
        if let Some(p) = province {
            params = params.province(p);
        }
        Ok(py.detach(|| {
            let reg = self.read();
            let tables: Vec<famplan::Table> =
                reg.partials(&measures, &params, by).iter().map(|p| p.group(reg.areas(), by)).collect();
            rates_frame(&tables)
        }))
    }

    /// The partial rows of rates (a code, a `CustomRate`, or a `(rate, period)` tuple each):
    /// `rate, level, unit, numerator, denominator, start, end`, the input of
    /// `famplan.reduce_partials` (docs/scale-out.md).
    #[pyo3(signature = (rates, by = "grid", *, on = None, period = None, as_of = None, basis = "on_date"))]
    #[allow(clippy::too_many_arguments)]
    fn partials(
        &self,
        py: Python<'_>,
        rates: &Bound<'_, PyAny>,
        by: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        basis: &str,
    ) -> PyResult<PyFrame> {
        let on = self.on(on, opt_period("period", period)?)?;
        crate::shard::registry_partials(py, &self.read(), rates, by, on, period, as_of, basis)
    }

    /// The subjects behind one cell (`key` of `by`): counted or not, with the reason.
    #[pyo3(signature = (code, key, by = "grid", *, on = None, period = None, as_of = None, method = None, respondent = None, basis = "on_date"))]
    #[allow(clippy::too_many_arguments)]
    fn drill_down(
        &self,
        py: Python<'_>,
        code: &Bound<'_, PyAny>,
        key: &str,
        by: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        as_of: Option<NaiveDate>,
        method: Option<&str>,
        respondent: Option<&str>,
        basis: &str,
    ) -> PyResult<PyFrame> {
        let measure: Measure = convert::measure(code)?;
        let by = convert::group_by(by)?;
        let params = self.params(on, period, as_of, method, respondent, basis)?;
        Ok(py.detach(|| entries_frame(&self.read().drill_down_columns(&measure, &params, by, key))))
    }

    /// Residents, WRA and married WRA of every grid on a date.
    #[pyo3(signature = (on = None))]
    fn population_by_grid(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| {
            let rows = self.read().population_by_grid(on);
            Columns::default()
                .str("grid", rows.iter().map(|r| Some(r.grid.as_str())))
                .u64("resident", rows.iter().map(|r| u64::from(r.resident)))
                .u64("wra", rows.iter().map(|r| u64::from(r.wra)))
                .u64("married_wra", rows.iter().map(|r| u64::from(r.married_wra)))
                .finish()
        }))
    }

    /// Stock on hand per distribution point, item and lot on a date (药具台账).
    #[pyo3(signature = (on = None))]
    fn stock(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| crate::services::stock_frame(&self.read().supplies().stock(on))))
    }

    /// Days of cover per point and item on a date: stock over the last 90 days' use.
    #[pyo3(signature = (on = None))]
    fn supply_cover(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| crate::services::cover_frame(&self.read().supplies().cover(on))))
    }

    /// Lots on hand on a date that expire within `within` days.
    #[pyo3(signature = (on = None, *, within = 90))]
    fn expiring_supplies(&self, py: Python<'_>, on: Option<NaiveDate>, within: u32) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| crate::services::stock_frame(&self.read().supplies().expiring(on, within))))
    }

    /// One-stop applications known on a date (only the overdue ones with `overdue=True`).
    #[pyo3(signature = (on = None, *, overdue = false))]
    fn applications(&self, py: Python<'_>, on: Option<NaiveDate>, overdue: bool) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        let limits = famplan::TimeLimits::default();
        Ok(py.detach(|| {
            let reg = self.read();
            let apps = if overdue { reg.overdue_applications(on, &limits) } else { reg.applications(on, &limits) };
            crate::services::applications_frame(&apps, on)
        }))
    }

    /// Service requests (consultations, hotline calls) logged by a date, with their answer date.
    #[pyo3(signature = (on = None))]
    fn service_requests(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| crate::services::requests_frame(&self.read().service_requests(on))))
    }

    /// The public-disclosure notice page (DOMAIN §13) of `board` on a date, as Markdown or HTML.
    #[pyo3(signature = (on = None, *, format = "md", board = "community", notices = None, legal_basis = None, legal_basis_by = None))]
    #[allow(clippy::too_many_arguments)]
    fn disclosure_page(
        &self,
        py: Python<'_>,
        on: Option<NaiveDate>,
        format: &str,
        board: &str,
        notices: Option<&str>,
        legal_basis: Option<&str>,
        legal_basis_by: Option<&str>,
    ) -> Result<String> {
        let on = self.on(on, None)?;
        py.detach(|| {
            crate::publicity::disclosure_page(&self.read(), on, format, board, notices, legal_basis, legal_basis_by)
        })
    }

    /// One row per person registered on a date: where she lives and her state.
    #[pyo3(signature = (on = None))]
    fn persons(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        Ok(py.detach(|| persons_frame(&self.read(), on)))
    }

    /// The visit obligations of one person (个人随访计划) due in `period`, states on `on`.
    #[pyo3(signature = (person, on = None, *, period = None, rules = None))]
    fn schedule(
        &self,
        py: Python<'_>,
        person: &str,
        on: Option<NaiveDate>,
        period: Option<&Bound<'_, PyAny>>,
        rules: Option<PyRef<'_, PyRuleSet>>,
    ) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        let period = PyRegistry::horizon(on, period)?;
        let rules = PyRuleSet::or_default(rules.as_deref());
        let id = famplan::PersonId::new(person);
        py.detach(|| {
            let reg = self.read();
            if reg.get(&id).is_none() {
                return Err(Failure::Core(famplan::Error::NotFound { kind: "person", id: person.to_string() }).into());
            }
            Ok(obligations_frame(&rules.person_schedule(&reg, &id, period, on), None))
        })
    }

    /// Every obligation due in `period`, states on `as_of` (the input of the follow-up rates).
    #[pyo3(signature = (period, *, as_of = None, rules = None))]
    fn obligations(
        &self,
        py: Python<'_>,
        period: &Bound<'_, PyAny>,
        as_of: Option<NaiveDate>,
        rules: Option<PyRef<'_, PyRuleSet>>,
    ) -> PyResult<PyFrame> {
        let period = convert::period("period", period)?;
        let as_of = self.on(as_of, Some(period))?;
        let rules = PyRuleSet::or_default(rules.as_deref());
        Ok(py.detach(|| obligations_frame(&rules.obligations(&self.read(), period, as_of), None)))
    }

    /// A grid's work list (网格工作清单) on a date: due and overdue obligations, priority
    /// clients first.
    #[pyo3(signature = (grid, on = None, *, rules = None, horizon = None))]
    fn work_list(
        &self,
        py: Python<'_>,
        grid: &str,
        on: Option<NaiveDate>,
        rules: Option<PyRef<'_, PyRuleSet>>,
        horizon: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        let horizon = PyRegistry::horizon(on, horizon)?;
        let rules = PyRuleSet::or_default(rules.as_deref());
        let grid_id = famplan::GridId::new(grid);
        py.detach(|| {
            if self.read().areas().get(famplan::AreaLevel::Grid, grid).is_none() {
                return Err(Failure::Core(famplan::Error::NotFound { kind: "grid", id: grid.to_string() }).into());
            }
            Ok(self.with_schedule(&rules, horizon, |reg, s| work_list_frame(&s.work_list(reg, &grid_id, on))))
        })
    }

    /// A keeper's work list: the grids the staff member keeps, merged.
    #[pyo3(signature = (keeper, on = None, *, rules = None, horizon = None))]
    fn keeper_work_list(
        &self,
        py: Python<'_>,
        keeper: &str,
        on: Option<NaiveDate>,
        rules: Option<PyRef<'_, PyRuleSet>>,
        horizon: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        let horizon = PyRegistry::horizon(on, horizon)?;
        let rules = PyRuleSet::or_default(rules.as_deref());
        let keeper = famplan::StaffId::new(keeper);
        Ok(py.detach(|| {
            self.with_schedule(&rules, horizon, |reg, s| work_list_frame(&s.keeper_work_list(reg, &keeper, on)))
        }))
    }

    /// Every verification in `period` compared with the registry (DOMAIN §8).
    #[pyo3(signature = (period, *, as_of = None))]
    fn verify(&self, py: Python<'_>, period: &Bound<'_, PyAny>, as_of: Option<NaiveDate>) -> PyResult<PyFrame> {
        let period = convert::period("period", period)?;
        let as_of = self.on(as_of, Some(period))?;
        Ok(py.detach(|| verified_frame(&self.read().verify(period, as_of))))
    }

    /// Assesses targets: actual rate over each target's period, met, gap, score, rank.
    #[pyo3(signature = (targets, custom = Vec::new()))]
    fn assess(
        &self,
        py: Python<'_>,
        targets: Vec<PyRef<'_, PyTarget>>,
        custom: Vec<PyRef<'_, PyCustomRate>>,
    ) -> Result<PyFrame> {
        let targets: Vec<famplan::Target> = targets.iter().map(|t| t.0.clone()).collect();
        let custom: Vec<famplan::CustomRate> = custom.iter().map(|c| c.0.clone()).collect();
        let out = py.detach(|| famplan::assess(&self.read(), &targets, &custom))?;
        Ok(crate::rate::assessments_frame(&out))
    }

    /// Sets the community's birth policy from TOML text (as `rules/policy.toml`; `file` names
    /// it in errors): `policy_compliance_rate`, the eligibility of new applications and
    /// `eligibility_flags` judge by it. A bad file raises and changes nothing.
    #[pyo3(signature = (text, *, file = "policy.toml"))]
    fn set_policy(&self, text: &str, file: &str) -> Result<()> {
        let policy = famplan::PolicySet::from_toml_str(text, file)?;
        self.write().set_policy(policy);
        Ok(())
    }

    /// The province of the registry's policy (`None`: the national rules).
    #[getter]
    fn policy_province(&self) -> Option<String> {
        self.read().policy().province().map(str::to_string)
    }

    /// Applications the facts and the policy known now make ineligible on their application
    /// date (资格复核): `person, kind, applied_on, state, event, reason`.
    #[pyo3(signature = (on = None))]
    fn eligibility_flags(&self, py: Python<'_>, on: Option<NaiveDate>) -> PyResult<PyFrame> {
        let on = self.on(on, None)?;
        let limits = famplan::TimeLimits::default();
        Ok(py.detach(|| crate::services::flags_frame(&self.read().eligibility_flags(on, &limits))))
    }

    /// The only-child reward payments of one holder due in `period` under the registry's
    /// policy: `scheme, due, amount_fen`.
    #[pyo3(signature = (period, *, province = None))]
    fn reward_payments(&self, period: &Bound<'_, PyAny>, province: Option<&str>) -> PyResult<PyFrame> {
        let period = convert::period("period", period)?;
        Ok(crate::services::payments_frame(&self.read().policy().reward_payments(province, period)))
    }

    /// Allocates a target to the units of level `to` below its unit (`same` or
    /// `by_denominator`).
    #[pyo3(signature = (target, to, how = "same", custom = Vec::new()))]
    fn allocate(
        &self,
        py: Python<'_>,
        target: PyRef<'_, PyTarget>,
        to: &str,
        how: &str,
        custom: Vec<PyRef<'_, PyCustomRate>>,
    ) -> Result<Vec<PyTarget>> {
        let to = convert::group_by(to)?;
        let how = match how {
            "same" => famplan::Allocation::Same,
            "by_denominator" => famplan::Allocation::ByDenominator,
            other => return Err(invalid("how", format!("`{other}` is not one of same, by_denominator"))),
        };
        let custom: Vec<famplan::CustomRate> = custom.iter().map(|c| c.0.clone()).collect();
        let t = target.0.clone();
        let out = py.detach(|| t.allocate(&self.read(), to, how, &custom))?;
        Ok(out.into_iter().map(PyTarget).collect())
    }
}

pub fn merge_report<'py>(py: Python<'py>, r: &famplan::MergeReport) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("applied", r.applied)?;
    d.set_item("duplicates", r.duplicates)?;
    let conflicts: Vec<(String, String)> =
        r.conflicts.iter().map(|c| (c.event.id.as_str().to_string(), c.reason.to_string())).collect();
    d.set_item("conflicts", conflicts)?;
    Ok(d)
}

fn rates_frame(tables: &[famplan::Table]) -> PyFrame {
    let rows: Vec<(&str, &famplan::Row)> =
        tables.iter().flat_map(|t| t.rows.iter().map(move |r| (t.code.as_str(), r))).collect();
    let shown: Vec<String> = rows.iter().map(|(_, r)| r.rate.to_string()).collect();
    Columns::default()
        .str("code", rows.iter().map(|(c, _)| Some(*c)))
        .str("key", rows.iter().map(|(_, r)| Some(r.key.as_str())))
        .u64("numerator", rows.iter().map(|(_, r)| r.counts.numerator))
        .u64("denominator", rows.iter().map(|(_, r)| r.counts.denominator))
        .u64("start", rows.iter().map(|(_, r)| r.counts.start))
        .u64("end", rows.iter().map(|(_, r)| r.counts.end))
        .f64("value", rows.iter().map(|(_, r)| r.rate.value()))
        .str("rate", shown.iter().map(|s| Some(s.as_str())))
        .finish()
}

/// Drill-down columns as a frame: the unit and the reason's texts as views into their small
/// tables (no text copied per row), the person and subject ids inline; 1M rows are common.
fn entries_frame(d: &famplan::DrillDown<'_>) -> PyFrame {
    use arrow_array::builder::{Date32Builder, StringViewBuilder};
    let n = d.len();
    let mut person = StringViewBuilder::with_capacity(n);
    let mut subject = StringViewBuilder::with_capacity(n);
    let mut dates: [Date32Builder; 3] = std::array::from_fn(|_| Date32Builder::with_capacity(n));
    let mut reason = Vec::with_capacity(n);
    let day = |d: Option<chrono::NaiveDate>| d.map(crate::frame::days);
    for i in 0..n {
        person.append_option(d.person(i));
        subject.append_value(d.subject(i));
        let r = d.reason(i);
        reason.push(d.reason_index(i));
        dates[0].append_option(day(r.and_then(|r| r.due)));
        dates[1].append_option(day(r.and_then(|r| r.window).map(|w| w.start)));
        dates[2].append_option(day(r.and_then(|r| r.window).map(|w| w.end)));
    }
    let unit: Vec<Option<usize>> = d.unit_indices().iter().map(|&u| Some(u as usize)).collect();
    let reasons = d.reasons();
    let [due, start, end] = dates.map(|mut b| Arc::new(b.finish()) as ArrayRef);
    Columns::default()
        .indexed("unit", d.units().iter().map(String::as_str), &unit)
        .push("person", Arc::new(person.finish()))
        .push("subject", Arc::new(subject.finish()))
        .bool("counted", (0..n).map(|i| d.counted(i)))
        .indexed("rule", reasons.iter().map(|r| r.rule.as_str()), &reason)
        .indexed("missing", reasons.iter().map(|r| r.missing.as_str()), &reason)
        .indexed("detail", reasons.iter().map(|r| r.detail.as_str()), &reason)
        .push("due", due)
        .push("window_start", start)
        .push("window_end", end)
        .finish()
}

fn persons_frame(reg: &Registry, on: NaiveDate) -> PyFrame {
    let states: Vec<(&str, famplan::PersonState<'_>)> =
        reg.persons().filter_map(|p| p.state_on(on).map(|s| (p.id(), s))).collect();
    let s = &states;
    Columns::default()
        .str("person", s.iter().map(|(id, _)| Some(*id)))
        .str("household", s.iter().map(|(_, s)| Some(s.household)))
        .str("grid", s.iter().map(|(_, s)| Some(s.grid)))
        .str("sex", s.iter().map(|(_, s)| Some(s.sex.code())))
        .u64("age", s.iter().map(|(_, s)| u64::from(s.age)))
        .str("residency", s.iter().map(|(_, s)| Some(s.residency.code())))
        .str("marital", s.iter().map(|(_, s)| Some(s.marital.code())))
        .str("method", s.iter().map(|(_, s)| Some(s.method.code())))
        .date("method_since", s.iter().map(|(_, s)| s.method_since))
        .bool("case_file_open", s.iter().map(|(_, s)| s.case_file.is_open()))
        .bool("pregnant", s.iter().map(|(_, s)| s.pregnant))
        .date("last_birth", s.iter().map(|(_, s)| s.last_birth))
        .bool("wra", s.iter().map(|(_, s)| s.is_wra()))
        .bool("resident_wra", s.iter().map(|(_, s)| s.is_resident_wra()))
        .bool("married_wra", s.iter().map(|(_, s)| s.is_married_wra()))
        .finish()
}

fn verified_frame(v: &[famplan::VerifiedPerson]) -> PyFrame {
    use famplan::VerificationOutcome as O;
    let outcome = |o: &O| match o {
        O::Matched => "matched",
        O::Mismatched(_) => "mismatched",
        O::Unfiled => "unfiled",
        O::NotFound => "not_found",
    };
    let items: Vec<Option<String>> =
        v.iter().map(|x| if let O::Mismatched(i) = &x.outcome { Some(i.join(",")) } else { None }).collect();
    Columns::default()
        .str("event", v.iter().map(|x| Some(x.event.as_str())))
        .date("date", v.iter().map(|x| Some(x.date)))
        .str("household", v.iter().map(|x| Some(x.household.as_str())))
        .str("person", v.iter().map(|x| x.person.as_ref().map(|p| p.as_str())))
        .str("outcome", v.iter().map(|x| Some(outcome(&x.outcome))))
        .str("items", items.iter().map(|s| s.as_deref()))
        .bool("wra", v.iter().map(|x| x.wra))
        .bool("case_file", v.iter().map(|x| x.case_file))
        .finish()
}
