//! Scale-out: a shard's snapshot tables (CSV text) to partial rows, and the partial rows of
//! every shard to the final rate table with targets (`famplan.spark` calls these).

use crate::convert::{self, opt_period};
use crate::errors::invalid;
use crate::frame::{Columns, PyFrame};
use crate::rate::{PyTarget, code_of};
use arrow_array::BooleanArray;
use chrono::NaiveDate;
use famplan::io::{AreaRow, ImportMode, SnapshotBuilder, SnapshotFiles, read_snapshot};
use famplan::{AreaLevel, Measure, Params, PartialRow, Period, Registry};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use std::sync::Arc;

/// The rates asked, each with its parameters: a code, a `CustomRate`, or a `(rate, period)`
/// tuple giving that rate its own period.
pub(crate) fn jobs(
    rates: &Bound<'_, PyAny>,
    on: NaiveDate,
    period: Option<Period>,
    as_of: Option<NaiveDate>,
    basis: &str,
) -> PyResult<Vec<(Measure, Params)>> {
    let mut base = Params::new(on);
    if let Some(p) = period {
        base = base.period(p);
    }
    if let Some(a) = as_of {
        base = base.as_of(a);
    }
    base = base.basis(convert::code::<famplan::StateBasis>("basis", basis)?);
    let one = |item: &Bound<'_, PyAny>| -> PyResult<(Measure, Params)> {
        if let Ok(t) = item.cast::<PyTuple>() {
            if t.len() != 2 {
                return Err(invalid("rates", "a tuple is (rate, period)").into());
            }
            return Ok((convert::measure(&t.get_item(0)?)?, base.period(convert::period("rates", &t.get_item(1)?)?)));
        }
        Ok((convert::measure(item)?, base))
    };
    if rates.is_instance_of::<pyo3::types::PyString>() || rates.is_instance_of::<PyTuple>() {
        return Ok(vec![one(rates)?]);
    }
    rates.try_iter()?.map(|r| one(&r?)).collect()
}

fn rows_frame(rows: &[PartialRow]) -> PyFrame {
    Columns::default()
        .str("rate", rows.iter().map(|r| Some(r.rate.as_str())))
        .str("level", rows.iter().map(|r| Some(r.level.code())))
        .str("unit", rows.iter().map(|r| Some(r.unit.as_str())))
        .u64("numerator", rows.iter().map(|r| r.numerator))
        .u64("denominator", rows.iter().map(|r| r.denominator))
        .u64("start", rows.iter().map(|r| r.start))
        .u64("end", rows.iter().map(|r| r.end))
        .finish()
}

/// The partial rows of a registry (one shard, or a whole city on one machine).
#[allow(clippy::too_many_arguments)]
pub fn registry_partials(
    py: Python<'_>,
    reg: &Registry,
    rates: &Bound<'_, PyAny>,
    by: &str,
    on: NaiveDate,
    period: Option<&Bound<'_, PyAny>>,
    as_of: Option<NaiveDate>,
    basis: &str,
) -> PyResult<PyFrame> {
    let by = convert::group_by(by)?;
    let jobs = jobs(rates, on, opt_period("period", period)?, as_of, basis)?;
    Ok(py.detach(|| {
        let refs: Vec<(&Measure, Params)> = jobs.iter().map(|(m, p)| (m, *p)).collect();
        let rows: Vec<PartialRow> = reg.partials_each(&refs, by).iter().flat_map(|p| p.rows()).collect();
        rows_frame(&rows)
    }))
}

/// One shard's snapshot tables as CSV text (`name` is put before each file name in messages)
/// to its partial rows: columns `rate, level, unit, numerator, denominator, start, end`.
#[pyfunction]
#[pyo3(signature = (areas, households, persons, visits, rates, by = "grid", *, on, period = None, as_of = None, basis = "on_date", name = ""))]
#[allow(clippy::too_many_arguments)]
pub fn shard_partials(
    py: Python<'_>,
    areas: &[u8],
    households: &[u8],
    persons: &[u8],
    visits: &[u8],
    rates: &Bound<'_, PyAny>,
    by: &str,
    on: NaiveDate,
    period: Option<&Bound<'_, PyAny>>,
    as_of: Option<NaiveDate>,
    basis: &str,
    name: &str,
) -> PyResult<PyFrame> {
    let read = || {
        let files = SnapshotFiles::new()
            .areas(format!("{name}areas.csv"), areas)
            .households(format!("{name}households.csv"), households)
            .persons(format!("{name}persons.csv"), persons)
            .visits(format!("{name}visits.csv"), visits);
        read_snapshot(files, ImportMode::AllOrNothing)
    };
    let (reg, _) = py.detach(read).map_err(crate::errors::Failure::from)?;
    registry_partials(py, &reg, rates, by, on, period, as_of, basis)
}

/// A text column of a dict of columns.
fn text_column(d: &Bound<'_, PyDict>, table: &str, name: &str) -> PyResult<Vec<String>> {
    let col = d.get_item(name)?.ok_or_else(|| invalid(table, format!("column `{name}` missing")))?;
    let mut out = Vec::new();
    for (i, v) in col.try_iter()?.enumerate() {
        let v = v?;
        out.push(if v.is_none() { String::new() } else { v.str()?.to_string() });
        if out[i].is_empty() {
            return Err(invalid(&format!("{table}:{}", i + 1), format!("{name}: is empty")).into());
        }
    }
    Ok(out)
}

fn count_column(d: &Bound<'_, PyDict>, name: &str) -> PyResult<Vec<u64>> {
    let col = d.get_item(name)?.ok_or_else(|| invalid("partials", format!("column `{name}` missing")))?;
    col.try_iter()?
        .enumerate()
        .map(|(i, v)| {
            v?.extract::<u64>()
                .map_err(|_| invalid(&format!("partials:{}", i + 1), format!("{name}: not a count")).into())
        })
        .collect()
}

/// The area tree of `areas.csv` rows (`grid_id`, `zone_id`, `community_id` columns).
fn areas_of(d: &Bound<'_, PyDict>) -> PyResult<Registry> {
    let grids = text_column(d, "areas", "grid_id")?;
    let zones = text_column(d, "areas", "zone_id")?;
    let communities = text_column(d, "areas", "community_id")?;
    let mut b = SnapshotBuilder::new();
    for (i, ((g, z), c)) in grids.iter().zip(&zones).zip(&communities).enumerate() {
        b.add_area(&AreaRow { grid_id: g, zone_id: z, community_id: c }).map_err(|e| match e {
            famplan::Error::Invalid { at, reason } => invalid(&format!("areas:{}: {}", i + 1, at.field), reason).into(),
            other => PyErr::from(crate::errors::Failure::from(other)),
        })?;
    }
    Ok(b.finish().0)
}

/// The partial rows of every shard (a dict of columns as `shard_partials` gives, concatenated
/// in any order) reduced to the final table: one row per rate and unit of `by` (every unit of
/// `areas`) and one total row per rate, each with its target (given for the rate, level,
/// unit and period, else the catalogue default).
#[pyfunction]
#[pyo3(signature = (partials, areas, rates, by = "grid", *, on, period = None, as_of = None, basis = "on_date", targets = Vec::new()))]
#[allow(clippy::too_many_arguments)]
pub fn reduce_partials(
    py: Python<'_>,
    partials: &Bound<'_, PyDict>,
    areas: &Bound<'_, PyAny>,
    rates: &Bound<'_, PyAny>,
    by: &str,
    on: NaiveDate,
    period: Option<&Bound<'_, PyAny>>,
    as_of: Option<NaiveDate>,
    basis: &str,
    targets: Vec<PyRef<'_, PyTarget>>,
) -> PyResult<PyFrame> {
    let by_ = convert::group_by(by)?;
    let jobs = jobs(rates, on, opt_period("period", period)?, as_of, basis)?;
    let tree: famplan::Areas = if let Ok(r) = areas.cast::<crate::registry::PyRegistry>() {
        r.get().areas()
    } else {
        let d = areas
            .cast::<PyDict>()
            .map_err(|_| invalid("areas", "expected a Registry or a dict of columns grid_id, zone_id, community_id"))?;
        areas_of(d)?.areas().clone()
    };
    let rate = text_column(partials, "partials", "rate")?;
    let level = text_column(partials, "partials", "level")?;
    let unit_col = partials.get_item("unit")?.ok_or_else(|| invalid("partials", "column `unit` missing"))?;
    let units: Vec<String> = unit_col
        .try_iter()?
        .map(|v| v.and_then(|v| if v.is_none() { Ok(String::new()) } else { Ok(v.str()?.to_string()) }))
        .collect::<PyResult<_>>()?;
    let [n, den, s, e] = ["numerator", "denominator", "start", "end"].map(|c| count_column(partials, c));
    let (n, den, s, e) = (n?, den?, s?, e?);
    let mut rows = Vec::with_capacity(rate.len());
    for i in 0..rate.len() {
        let lv = convert::code::<AreaLevel>(&format!("partials:{}: level", i + 1), &level[i])?;
        rows.push(PartialRow {
            rate: rate[i].clone(),
            level: lv,
            unit: units.get(i).cloned().unwrap_or_default(),
            numerator: n[i],
            denominator: den[i],
            start: s[i],
            end: e[i],
        });
    }
    let targets: Vec<famplan::Target> = targets.iter().map(|t| t.0.clone()).collect();
    let refs: Vec<(&Measure, Params)> = jobs.iter().map(|(m, p)| (m, *p)).collect();
    let out =
        py.detach(|| famplan::reduce(&rows, &refs, &tree, by_, &targets)).map_err(crate::errors::Failure::from)?;
    let shown: Vec<String> = out.iter().map(|r| r.rate.to_string()).collect();
    let cmps: Vec<String> = out.iter().map(|r| code_of(&r.cmp)).collect();
    Ok(Columns::default()
        .str("code", out.iter().map(|r| Some(r.code.as_str())))
        .str("key", out.iter().map(|r| Some(r.key.as_str())))
        .bool("total", out.iter().map(|r| r.total))
        .u64("numerator", out.iter().map(|r| r.counts.numerator))
        .u64("denominator", out.iter().map(|r| r.counts.denominator))
        .u64("start", out.iter().map(|r| r.counts.start))
        .u64("end", out.iter().map(|r| r.counts.end))
        .f64("value", out.iter().map(|r| r.rate.value()))
        .str("rate", shown.iter().map(|s| Some(s.as_str())))
        .f64("target", out.iter().map(|r| r.target))
        .str("cmp", cmps.iter().map(|s| Some(s.as_str())))
        .bool("default_target", out.iter().map(|r| r.default_target))
        .push("met", Arc::new(out.iter().map(|r| r.met).collect::<BooleanArray>()))
        .f64("gap", out.iter().map(|r| r.gap))
        .finish())
}
