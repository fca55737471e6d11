//! `famplan.Store`: the SQLite store (crate `famplan-store`).

use crate::convert;
use crate::errors::Result;
use crate::registry::{PyRegistry, merge_report};
use chrono::NaiveDate;
use famplan::io::ImportMode;
use famplan_store::Store;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Mutex;

/// The store: one SQLite file with the event log and the snapshot rows. Every write is one
/// transaction, checked by the core first.
#[derive(Debug)]
#[pyclass(name = "Store", module = "famplan", frozen)]
pub struct PyStore(Mutex<Store>);

impl PyStore {
    fn run<T: Send>(&self, py: Python<'_>, f: impl FnOnce(&mut Store) -> Result<T> + Send) -> Result<T> {
        py.detach(|| f(&mut self.0.lock().unwrap_or_else(|e| e.into_inner())))
    }
}

#[pymethods]
impl PyStore {
    /// Opens the store at `path`, creating it when the file does not exist.
    #[new]
    fn new(py: Python<'_>, path: PathBuf) -> Result<PyStore> {
        Ok(PyStore(Mutex::new(py.detach(|| Store::open(&path))?)))
    }

    /// The file the store lives in.
    #[getter]
    fn path(&self) -> PathBuf {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).path().to_path_buf()
    }

    /// The registry as stored (a copy: later writes to the store do not change it).
    #[pyo3(signature = (*, as_of = None))]
    fn registry(&self, py: Python<'_>, as_of: Option<NaiveDate>) -> Result<PyRegistry> {
        let reg = self.run(py, |s| Ok(s.load()?))?;
        Ok(PyRegistry::new(reg, as_of))
    }

    /// Keeps TOML text (as `rules/policy.toml`; `file` names it in errors) as the community's
    /// birth policy: every registry loaded from the store judges by it. A bad file raises and
    /// changes nothing.
    #[pyo3(signature = (text, *, file = "policy.toml"))]
    fn set_policy(&self, py: Python<'_>, text: &str, file: &str) -> Result<()> {
        self.run(py, |s| Ok(s.set_policy(text, file).map(drop)?))
    }

    /// The community's policy text kept in the store, `None` when the built-in rules apply.
    fn policy_text(&self, py: Python<'_>) -> Result<Option<String>> {
        self.run(py, |s| Ok(s.policy_text()?))
    }

    /// Forgets the community's policy: the built-in rules apply again.
    fn clear_policy(&self, py: Python<'_>) -> Result<()> {
        self.run(py, |s| Ok(s.clear_policy()?))
    }

    /// Records one event of this device; a refused event writes nothing.
    fn record(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<()> {
        let e = convert::events_from_dicts(py, vec![event.clone()], "event")?.pop().expect("one event");
        Ok(self.run(py, |s| Ok(s.record(e)?))?)
    }

    /// Appends this device's events (a path or dicts): all are written or none.
    fn append<'py>(&self, py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let events = convert::events(py, events)?;
        let report = self.run(py, |s| Ok(s.append(events)?))?;
        merge_report(py, &report)
    }

    /// Merges another device's events (a path or dicts): those that do not fit are kept
    /// and reported as conflicts.
    fn merge<'py>(&self, py: Python<'py>, events: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyDict>> {
        let events = convert::events(py, events)?;
        let report = self.run(py, |s| Ok(s.merge(events)?))?;
        merge_report(py, &report)
    }

    /// Imports a snapshot directory or workbook (`.xlsx`) into a store that holds none yet.
    #[pyo3(signature = (path, *, keep_going = false))]
    fn import_snapshot<'py>(&self, py: Python<'py>, path: PathBuf, keep_going: bool) -> PyResult<Bound<'py, PyDict>> {
        let mode = if keep_going { ImportMode::KeepGoing } else { ImportMode::AllOrNothing };
        let workbook = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
        let s = match workbook {
            true => self.run(py, |s| Ok(s.import_snapshot_xlsx(&path, mode)?))?,
            false => self.run(py, |s| Ok(s.import_snapshot_dir(&path, mode)?))?,
        };
        crate::registry::Summary::from(s).to_dict(py)
    }

    /// Writes the store out as a snapshot directory plus `events.jsonl`.
    fn export_snapshot(&self, py: Python<'_>, path: PathBuf) -> Result<()> {
        self.run(py, |s| Ok(s.export_snapshot_dir(&path)?))
    }

    /// What the store holds, with the case files counted on `on` (default: the latest
    /// event's date).
    #[pyo3(signature = (on = None))]
    fn status<'py>(&self, py: Python<'py>, on: Option<NaiveDate>) -> PyResult<Bound<'py, PyDict>> {
        let s = self.run(py, |s| match on {
            Some(on) => Ok(s.status_on(on)?),
            None => Ok(s.status()?),
        })?;
        let d = PyDict::new(py);
        d.set_item("on", s.on)?;
        d.set_item("households", s.households)?;
        d.set_item("persons", s.persons)?;
        d.set_item("case_files", s.case_files)?;
        d.set_item("events", s.events)?;
        d.set_item("conflicts", s.conflicts)?;
        d.set_item("schema_version", s.schema_version)?;
        d.set_item("last_event_date", s.last_event_date)?;
        d.set_item("watermark", s.watermark.get())?;
        Ok(d)
    }
}
