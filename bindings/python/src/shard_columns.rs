//! Scale-out without CSV text: a shard's snapshot tables as Arrow text columns (the buffers of
//! pyarrow string arrays, as a Spark worker holds them) read by the core's column reader
//! (`famplan::io::read_snapshot_columns`), then to partial rows as `shard_partials` gives.

use crate::errors::{Failure, invalid};
use crate::frame::PyFrame;
use crate::shard::registry_partials;
use chrono::NaiveDate;
use famplan::io::{ColumnTable, ImportMode, SnapshotColumns, read_snapshot_columns};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedBytes;

/// One Arrow text column as Python hands it: `(name, offsets, data, validity, offset, length,
/// large)`.
type ArrowTuple = (String, PyBackedBytes, Option<PyBackedBytes>, Option<PyBackedBytes>, usize, usize, bool);

/// One Arrow text column: its name, the buffers of a `string` (32-bit offsets) or
/// `large_string` (64-bit) array, the array's offset and length.
pub struct ArrowText {
    name: String,
    offsets: PyBackedBytes,
    data: Option<PyBackedBytes>,
    validity: Option<PyBackedBytes>,
    offset: usize,
    length: usize,
    large: bool,
}

impl From<ArrowTuple> for ArrowText {
    fn from((name, offsets, data, validity, offset, length, large): ArrowTuple) -> ArrowText {
        ArrowText { name, offsets, data, validity, offset, length, large }
    }
}

impl ArrowText {
    fn offset_at(&self, i: usize) -> Option<usize> {
        if self.large {
            let b = self.offsets.get(i * 8..i * 8 + 8)?;
            usize::try_from(i64::from_le_bytes(b.try_into().ok()?)).ok()
        } else {
            let b = self.offsets.get(i * 4..i * 4 + 4)?;
            usize::try_from(i32::from_le_bytes(b.try_into().ok()?)).ok()
        }
    }

    /// The values as text, a null as the empty string (as a CSV field). The data buffer is
    /// checked as UTF-8 once; each value is a slice of it.
    fn values(&self, table: &str) -> Result<Vec<&str>, Failure> {
        let bad = || invalid(&format!("{table}: {}", self.name), "not an Arrow text column (bad buffers)");
        let (first, last) = (self.offset, self.offset + self.length);
        let (a0, z0) = (self.offset_at(first).ok_or_else(bad)?, self.offset_at(last).ok_or_else(bad)?);
        let data: &[u8] = self.data.as_deref().unwrap_or_default();
        let text = std::str::from_utf8(data.get(a0..z0).ok_or_else(bad)?)
            .map_err(|_| invalid(&format!("{table}: {}", self.name), "not UTF-8 text"))?;
        let mut out = Vec::with_capacity(self.length);
        let mut a = a0;
        for i in first..last {
            let z = self.offset_at(i + 1).ok_or_else(bad)?;
            let valid = self.validity.as_ref().is_none_or(|v| v.get(i / 8).is_some_and(|b| (b >> (i % 8)) & 1 == 1));
            out.push(if valid { text.get(a.wrapping_sub(a0)..z.wrapping_sub(a0)).ok_or_else(bad)? } else { "" });
            a = z;
        }
        Ok(out)
    }
}

fn texts(cols: Vec<ArrowTuple>) -> Vec<ArrowText> {
    cols.into_iter().map(ArrowText::from).collect()
}

fn table<'a>(name: &str, cols: &'a [ArrowText]) -> Result<ColumnTable<'a>, Failure> {
    let mut t = ColumnTable::new(name);
    for c in cols {
        t = t.column(c.name.clone(), c.values(name)?);
    }
    Ok(t)
}

/// One shard's snapshot tables as Arrow text columns (`name` is put before each table name in
/// messages) to its partial rows: columns `rate, level, unit, numerator, denominator, start,
/// end`, the same as `shard_partials` of the tables written as CSV.
#[pyfunction]
#[pyo3(signature = (areas, households, persons, visits, rates, by = "grid", *, on, period = None, as_of = None, basis = "on_date", name = ""))]
#[allow(clippy::too_many_arguments)]
pub fn shard_partials_columns(
    py: Python<'_>,
    areas: Vec<ArrowTuple>,
    households: Vec<ArrowTuple>,
    persons: Vec<ArrowTuple>,
    visits: Vec<ArrowTuple>,
    rates: &Bound<'_, PyAny>,
    by: &str,
    on: NaiveDate,
    period: Option<&Bound<'_, PyAny>>,
    as_of: Option<NaiveDate>,
    basis: &str,
    name: &str,
) -> PyResult<PyFrame> {
    let [areas, households, persons, visits] = [areas, households, persons, visits].map(texts);
    let read = || -> Result<_, Failure> {
        let tables = SnapshotColumns::new()
            .areas(table(&format!("{name}areas"), &areas)?)
            .households(table(&format!("{name}households"), &households)?)
            .persons(table(&format!("{name}persons"), &persons)?)
            .visits(table(&format!("{name}visits"), &visits)?);
        Ok(read_snapshot_columns(tables, ImportMode::AllOrNothing)?.0)
    };
    let reg = py.detach(read)?;
    registry_partials(py, &reg, rates, by, on, period, as_of, basis)
}
