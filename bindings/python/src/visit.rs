//! Visit rules and schedules: `famplan.RuleSet`, obligations and work lists as frames.

use crate::errors::Result;
use crate::frame::{Columns, PyFrame};
use famplan::{Obligation, RuleSet, WorkList};
use pyo3::prelude::*;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// Visit rules (DOMAIN §6) as data: the defaults, or rules read from TOML or JSON.
#[derive(Debug)]
#[pyclass(name = "RuleSet", module = "famplan", frozen)]
pub struct PyRuleSet(pub Arc<RuleSet>);

impl PyRuleSet {
    /// The given rules, or the default ones (one shared copy, so that schedules built with
    /// them are reused).
    pub fn or_default(rules: Option<&PyRuleSet>) -> Arc<RuleSet> {
        static DEFAULT: OnceLock<Arc<RuleSet>> = OnceLock::new();
        match rules {
            Some(r) => r.0.clone(),
            None => DEFAULT.get_or_init(|| Arc::new(RuleSet::default_rules())).clone(),
        }
    }
}

#[pymethods]
impl PyRuleSet {
    /// The built-in rules of DOMAIN §6 (`rules/default.toml`).
    #[staticmethod]
    fn default() -> PyRuleSet {
        PyRuleSet(PyRuleSet::or_default(None))
    }

    /// Rules written in TOML (`[[rule]]` tables); `file` names the source in errors.
    #[staticmethod]
    #[pyo3(signature = (text, file = "rules.toml"))]
    fn from_toml(text: &str, file: &str) -> Result<PyRuleSet> {
        Ok(PyRuleSet(Arc::new(RuleSet::from_toml_str(text, file)?)))
    }

    /// Rules written in JSON (`{"rule": [...]}` or a bare array).
    #[staticmethod]
    #[pyo3(signature = (text, file = "rules.json"))]
    fn from_json(text: &str, file: &str) -> Result<PyRuleSet> {
        Ok(PyRuleSet(Arc::new(RuleSet::from_json_str(text, file)?)))
    }

    /// Reads a rules file (`.json` as JSON, anything else as TOML).
    #[staticmethod]
    fn read(path: PathBuf) -> Result<PyRuleSet> {
        let name = path.display().to_string();
        let text =
            std::fs::read_to_string(&path).map_err(|source| famplan::Error::Io { file: name.clone(), source })?;
        if name.ends_with(".json") { PyRuleSet::from_json(&text, &name) } else { PyRuleSet::from_toml(&text, &name) }
    }

    /// The rule ids, in file order.
    #[getter]
    fn ids(&self) -> Vec<String> {
        self.0.rules().iter().map(|r| r.id.clone()).collect()
    }

    fn __len__(&self) -> usize {
        self.0.rules().len()
    }

    fn __repr__(&self) -> String {
        format!("RuleSet({})", self.ids().join(", "))
    }

    /// The rules as TOML, in the format `from_toml` reads.
    fn to_toml(&self) -> String {
        self.0.to_toml()
    }
}

/// Obligations as a frame; `priority` is the work list's priority-client flag, if any.
pub fn obligations_frame(obs: &[Obligation<'_>], priority: Option<&[bool]>) -> PyFrame {
    let why: Vec<String> = obs.iter().map(|o| o.why().to_string()).collect();
    let fulfilled: Vec<_> = obs.iter().map(Obligation::fulfilled).collect();
    let cancelled: Vec<_> = obs.iter().map(Obligation::cancelled).collect();
    let mut c = Columns::default()
        .str("rule", obs.iter().map(|o| Some(o.rule().id.as_str())))
        .str("person", obs.iter().map(Obligation::person))
        .str("household", obs.iter().map(|o| Some(o.household())))
        .str("grid", obs.iter().map(|o| Some(o.grid())))
        .str("assignee", obs.iter().map(|o| o.assignee().map(|s| s.as_str())))
        .date("due", obs.iter().map(|o| Some(o.due)))
        .date("window_start", obs.iter().map(|o| Some(o.window.start)))
        .date("window_end", obs.iter().map(|o| Some(o.window.end)))
        .str("state", obs.iter().map(|o| Some(o.state.code())))
        .str("why", why.iter().map(|s| Some(s.as_str())))
        .date("trigger_date", obs.iter().map(|o| Some(o.trigger_date())))
        .date("fulfilled_on", fulfilled.iter().map(|f| f.map(|f| f.date)))
        .str("fulfilled_by", fulfilled.iter().map(|f| f.map(|f| f.by)))
        .date("cancelled_on", cancelled.iter().map(|c| c.map(|c| c.0)))
        .str("cancelled_by", cancelled.iter().map(|c| c.map(|c| c.1)));
    if let Some(p) = priority {
        c = c.bool("priority_client", p.iter().copied());
    }
    c.finish()
}

/// A work list as a frame, in its order.
pub fn work_list_frame(list: &WorkList<'_>) -> PyFrame {
    let obs: Vec<Obligation<'_>> = list.items.iter().map(|i| i.obligation).collect();
    let priority: Vec<bool> = list.items.iter().map(|i| i.priority_client).collect();
    obligations_frame(&obs, Some(&priority))
}
