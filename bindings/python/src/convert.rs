//! Arguments from Python to the core's types: periods, codes, events. Every bad value is an
//! `InvalidInputError` naming the argument.

use crate::errors::{Failure, Result, invalid};
use chrono::NaiveDate;
use famplan::io::{EventFormat, read_events};
use famplan::{Event, GroupBy, Measure, Period, RateCode};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString, PyTuple};
use std::path::PathBuf;

/// A period: `"2026-Q2"`, `"2026-06"`, `"2026"`, `"S2026"`, `"2026-04-01..2026-06-30"`, or a
/// `(start, end)` tuple of dates.
pub fn period(name: &str, v: &Bound<'_, PyAny>) -> PyResult<Period> {
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(s.to_str()?.parse::<Period>().map_err(|e| invalid(name, e))?);
    }
    if let Ok(t) = v.cast::<PyTuple>() {
        if let Ok((a, b)) = t.extract::<(NaiveDate, NaiveDate)>() {
            return Ok(
                Period::new(a, b).ok_or_else(|| invalid(name, format!("period {a}..{b} ends before it starts")))?
            );
        }
    }
    Err(invalid(
        name,
        "expected a period string (2026-Q2, 2026-06, 2026, S2026, START..END) or a (start, end) tuple of dates",
    )
    .into())
}

pub fn opt_period(name: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Period>> {
    v.filter(|v| !v.is_none()).map(|v| period(name, v)).transpose()
}

/// `community`, `zone`, `grid`, `group` or `keeper`.
pub fn group_by(by: &str) -> Result<GroupBy> {
    by.parse::<GroupBy>().map_err(|e| invalid("by", e))
}

/// A code enum of the core from its snake_case code.
pub fn code<T: std::str::FromStr>(field: &str, s: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| invalid(field, e.to_string()))
}

/// A rate: a catalogue code or a user-defined `CustomRate`.
pub fn measure(v: &Bound<'_, PyAny>) -> PyResult<Measure> {
    if let Ok(c) = v.cast::<crate::rate::PyCustomRate>() {
        return Ok(c.get().0.clone().into());
    }
    let s: String = v.extract().map_err(|_| invalid("codes", "expected a rate code (str) or a CustomRate"))?;
    Ok(code::<RateCode>("codes", &s)?.into())
}

/// One rate or a sequence of them.
pub fn measures(v: &Bound<'_, PyAny>) -> PyResult<Vec<Measure>> {
    if v.is_instance_of::<PyString>() || v.is_instance_of::<crate::rate::PyCustomRate>() {
        return Ok(vec![measure(v)?]);
    }
    v.try_iter()?.map(|m| measure(&m?)).collect()
}

/// `str` or `os.PathLike`.
pub fn path(v: &Bound<'_, PyAny>) -> Option<PathBuf> {
    if v.is_instance_of::<PyString>() || v.hasattr("__fspath__").unwrap_or(false) {
        v.extract::<PathBuf>().ok()
    } else {
        None
    }
}

/// Events read from a file (`.jsonl`/`.ndjson`/`.json` as JSON Lines, `.csv`).
pub fn events_file(py: Python<'_>, p: PathBuf) -> Result<Vec<Event>> {
    let name = p.display().to_string();
    let format = EventFormat::from_file_name(&name).ok_or_else(|| {
        Failure::Core(famplan::Error::Invalid {
            at: famplan::Location::new(name.clone(), 0, "file"),
            reason: "unknown events format: name it .jsonl or .csv".into(),
        })
    })?;
    py.detach(|| {
        let file = std::fs::File::open(&p).map_err(|source| famplan::Error::Io { file: name.clone(), source })?;
        Ok(read_events(&name, std::io::BufReader::new(file), format)?)
    })
}

/// Events from dicts (as in the JSON Lines format; dates may be `datetime.date`): each dict
/// becomes one JSON line, read by the core's reader, so an error names `events:N: field`
/// with N the 1-based position in the sequence.
pub fn events_from_dicts(py: Python<'_>, items: Vec<Bound<'_, PyAny>>, name: &str) -> PyResult<Vec<Event>> {
    let json = py.import("json")?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("default", py.import("builtins")?.getattr("str")?)?;
    kwargs.set_item("ensure_ascii", false)?;
    let mut text = String::new();
    for item in items {
        if !item.is_instance_of::<PyDict>() {
            return Err(invalid(name, "expected an event dict").into());
        }
        let line: String = json.call_method("dumps", (item,), Some(&kwargs))?.extract()?;
        text.push_str(&line);
        text.push('\n');
    }
    let name = name.to_string();
    Ok(py.detach(|| read_events(&name, text.as_bytes(), EventFormat::JsonLines)).map_err(Failure::from)?)
}

/// Events from a path, or from a sequence of dicts.
pub fn events(py: Python<'_>, v: &Bound<'_, PyAny>) -> PyResult<Vec<Event>> {
    if let Some(p) = path(v) {
        return Ok(events_file(py, p)?);
    }
    if v.is_instance_of::<PyDict>() {
        return events_from_dicts(py, vec![v.clone()], "events");
    }
    let items: Vec<Bound<'_, PyAny>> = v.try_iter()?.collect::<PyResult<_>>()?;
    events_from_dicts(py, items, "events")
}

/// An event as a dict (through its JSON form).
pub fn event_dict<'py>(py: Python<'py>, e: &Event) -> PyResult<Bound<'py, PyAny>> {
    let text = serde_json::to_string(e).expect("an event serialises to JSON");
    py.import("json")?.call_method1("loads", (text,))
}
