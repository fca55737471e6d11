//! Which visits a set of rates can read (`famplan::VisitsRead`): what `famplan.spark` keeps of
//! the visits before it routes them to their communities.

use crate::convert::opt_period;
use crate::shard::jobs;
use chrono::NaiveDate;
use famplan::{Measure, Params, VisitsRead};
use pyo3::prelude::*;

/// The visits the rates can read with their parameters (each a code, a `CustomRate` or a
/// `(rate, period)` tuple, as `shard_partials` takes them): `None` when every visit may be
/// read, else `(kind, first day, last day)` triples, kinds in order, ranges apart.
#[pyfunction]
#[pyo3(signature = (rates, *, on, period = None, as_of = None, basis = "on_date"))]
pub fn visits_read(
    rates: &Bound<'_, PyAny>,
    on: NaiveDate,
    period: Option<&Bound<'_, PyAny>>,
    as_of: Option<NaiveDate>,
    basis: &str,
) -> PyResult<Option<Vec<(String, NaiveDate, NaiveDate)>>> {
    let jobs = jobs(rates, on, opt_period("period", period)?, as_of, basis)?;
    let refs: Vec<(&Measure, Params)> = jobs.iter().map(|(m, p)| (m, *p)).collect();
    let read = VisitsRead::of(&refs);
    if read.is_all() {
        return Ok(None);
    }
    Ok(Some(read.pairs().map(|(k, r)| (k.to_string(), r.start, r.end)).collect()))
}
