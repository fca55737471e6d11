//! Reports for exchange (the report workbook, FHIR R4): conversions only, the core writes them.

use crate::errors::{Result, invalid};
use famplan::{GroupBy, Measure, Params, RateCode, RateReport, Registry};
use pyo3::prelude::*;

/// Catalogue codes only: the exchange formats carry the catalogue's names and targets.
pub fn codes(measures: Vec<Measure>) -> Result<Vec<RateCode>> {
    measures
        .into_iter()
        .map(|m| match m {
            Measure::Catalogue(c) => Ok(c),
            Measure::Custom(r) => {
                Err(invalid("codes", format!("`{}` is a custom rate: reports take catalogue codes", r.code)))
            }
        })
        .collect()
}

/// Writes the report workbook to `path`.
pub fn write_xlsx(
    reg: &Registry,
    params: Params,
    codes: &[RateCode],
    by: GroupBy,
    path: &std::path::Path,
) -> Result<()> {
    let report = RateReport::new(reg, params, codes, by, true);
    let mut buf = Vec::new();
    famplan::write_report_xlsx(&report, &mut buf)?;
    std::fs::write(path, buf).map_err(|source| famplan::Error::Io { file: path.display().to_string(), source })?;
    Ok(())
}

/// The FHIR Bundle as JSON text.
pub fn fhir_json(reg: &Registry, params: Params, codes: &[RateCode], by: GroupBy, subjects: bool) -> String {
    famplan::fhir::bundle(&RateReport::new(reg, params, codes, by, subjects)).to_string()
}

/// JSON text as Python objects (`json.loads`).
pub fn loads<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    py.import("json")?.call_method1("loads", (text,))
}
