//! Rate definitions: the catalogue, user-defined rates and targets.

use crate::errors::{Result, invalid};
use crate::frame::{Columns, PyFrame};
use chrono::NaiveDate;
use famplan::{Assessment, CustomRate, Target};
use pyo3::prelude::*;

/// The code of a unit enum of the core as it is written in files (`>=`, `grid`, `per_mille`).
pub fn code_of<T: serde::Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(e) => e.to_string(),
    }
}

/// A user-defined rate (population filters, follow-up rules), from TOML.
#[derive(Debug)]
#[pyclass(name = "CustomRate", module = "famplan", frozen)]
pub struct PyCustomRate(pub CustomRate);

#[pymethods]
impl PyCustomRate {
    /// Reads a rate definition written in TOML.
    #[staticmethod]
    fn from_toml(text: &str) -> Result<PyCustomRate> {
        Ok(PyCustomRate(CustomRate::from_toml(text)?))
    }

    /// The rate's code.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// The rate's name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    fn __repr__(&self) -> String {
        format!("CustomRate({:?})", self.0.code)
    }

    /// Pickling (Spark ships the rates asked to its workers): through the JSON form.
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let json = serde_json::to_string(&self.0).map_err(|e| invalid("custom rate", e.to_string()))?;
        Ok((py.get_type::<PyCustomRate>().getattr("_from_json")?, (json,)))
    }

    /// The inverse of pickling's JSON form.
    #[staticmethod]
    fn _from_json(text: &str) -> Result<PyCustomRate> {
        let r: CustomRate = serde_json::from_str(text).map_err(|e| invalid("custom rate", e.to_string()))?;
        r.check()?;
        Ok(PyCustomRate(r))
    }
}

/// A target: `{rate, unit (area or keeper), period, >= or <=, value, weight}`.
#[derive(Debug)]
#[pyclass(name = "Target", module = "famplan", frozen)]
pub struct PyTarget(pub Target);

#[pymethods]
impl PyTarget {
    /// Reads `[[target]]` tables from TOML.
    #[staticmethod]
    fn from_toml(text: &str) -> Result<Vec<PyTarget>> {
        Ok(Target::from_toml(text)?.into_iter().map(PyTarget).collect())
    }

    /// Reads `targets.csv` text (`rate,level,unit,start,end,cmp,value,weight`).
    #[staticmethod]
    fn from_csv(text: &str) -> Result<Vec<PyTarget>> {
        Ok(Target::read_csv(text.as_bytes())?.into_iter().map(PyTarget).collect())
    }

    /// The rate's code.
    #[getter]
    fn rate(&self) -> &str {
        &self.0.rate
    }
    /// The unit's level: community, zone, grid, group or keeper.
    #[getter]
    fn level(&self) -> String {
        self.0.level.to_string()
    }
    /// The unit: area id or staff id.
    #[getter]
    fn unit(&self) -> &str {
        &self.0.unit
    }
    /// First day of the period.
    #[getter]
    fn start(&self) -> NaiveDate {
        self.0.start
    }
    /// Last day of the period.
    #[getter]
    fn end(&self) -> NaiveDate {
        self.0.end
    }
    /// `>=` or `<=`.
    #[getter]
    fn cmp(&self) -> String {
        code_of(&self.0.cmp)
    }
    /// The target value in the rate's display unit.
    #[getter]
    fn value(&self) -> f64 {
        self.0.value
    }
    /// Weight in the score.
    #[getter]
    fn weight(&self) -> f64 {
        self.0.weight
    }

    fn __repr__(&self) -> String {
        let t = &self.0;
        format!(
            "Target({} {} {} {}..{} {} {} weight {})",
            t.rate,
            t.level,
            t.unit,
            t.start,
            t.end,
            self.cmp(),
            t.value,
            t.weight
        )
    }
}

/// The catalogue of rates (DOMAIN §7): code, names, definition, scale, default target.
#[pyfunction]
pub fn catalogue() -> PyFrame {
    let c = famplan::catalogue();
    let codes: Vec<String> = c.iter().map(|r| r.code.to_string()).collect();
    let scales: Vec<String> = c.iter().map(|r| code_of(&r.scale)).collect();
    Columns::default()
        .str("code", codes.iter().map(|s| Some(s.as_str())))
        .str("zh", c.iter().map(|r| Some(r.zh)))
        .str("en", c.iter().map(|r| Some(r.en)))
        .str("numerator", c.iter().map(|r| Some(r.numerator)))
        .str("denominator", c.iter().map(|r| Some(r.denominator)))
        .str("when", c.iter().map(|r| Some(r.when)))
        .str("scale", scales.iter().map(|s| Some(s.as_str())))
        .f64("default_target", c.iter().map(|r| r.default_target))
        .bool("mean_population", c.iter().map(|r| r.mean_population))
        .finish()
}

/// Assessments as a frame, one row per target.
pub fn assessments_frame(a: &[Assessment]) -> PyFrame {
    let levels: Vec<String> = a.iter().map(|x| x.target.level.to_string()).collect();
    let cmps: Vec<String> = a.iter().map(|x| code_of(&x.target.cmp)).collect();
    let shown: Vec<String> = a.iter().map(|x| x.actual.to_string()).collect();
    Columns::default()
        .str("rate", a.iter().map(|x| Some(x.target.rate.as_str())))
        .str("level", levels.iter().map(|s| Some(s.as_str())))
        .str("unit", a.iter().map(|x| Some(x.target.unit.as_str())))
        .date("start", a.iter().map(|x| Some(x.target.start)))
        .date("end", a.iter().map(|x| Some(x.target.end)))
        .str("cmp", cmps.iter().map(|s| Some(s.as_str())))
        .f64("target", a.iter().map(|x| Some(x.target.value)))
        .f64("weight", a.iter().map(|x| Some(x.target.weight)))
        .u64("numerator", a.iter().map(|x| x.actual.numerator))
        .u64("denominator", a.iter().map(|x| x.actual.denominator))
        .f64("actual", a.iter().map(|x| x.actual.value()))
        .str("rate_shown", shown.iter().map(|s| Some(s.as_str())))
        .bool("met", a.iter().map(|x| x.met))
        .f64("gap", a.iter().map(|x| x.gap))
        .f64("score", a.iter().map(|x| Some(x.score)))
        .i64("rank", a.iter().map(|x| x.rank.map(|r| r as i64)))
        .u64("siblings", a.iter().map(|x| x.siblings as u64))
        .finish()
}

/// A checked resident ID number (公民身份号码, GB 11643-1999).
#[derive(Debug)]
#[pyclass(name = "ResidentId", module = "famplan", frozen)]
pub struct PyResidentId(famplan::ResidentId);

#[pymethods]
impl PyResidentId {
    /// The normalised 18-character number.
    #[getter]
    fn number(&self) -> &str {
        self.0.as_str()
    }
    /// The 6-digit area code.
    #[getter]
    fn area_code(&self) -> &str {
        self.0.area_code()
    }
    /// The birth date it encodes.
    #[getter]
    fn birth_date(&self) -> NaiveDate {
        self.0.birth_date()
    }
    /// `F` or `M` (17th character even or odd).
    #[getter]
    fn sex(&self) -> &'static str {
        self.0.sex().code()
    }
    /// The items (`birth_date`, `sex`) that disagree with a person's record.
    fn disagreements(&self, birth_date: NaiveDate, sex: &str) -> Result<Vec<&'static str>> {
        let sex = crate::convert::code::<famplan::Sex>("sex", sex)?;
        Ok(self.0.disagreements(birth_date, sex))
    }
    fn __repr__(&self) -> String {
        format!("ResidentId({:?})", self.0.as_str())
    }
    fn __str__(&self) -> &str {
        self.0.as_str()
    }
}

/// Checks a resident ID number (18 characters, or a legacy 15 converted); with `today`, a
/// birth date after it is refused too.
#[pyfunction]
#[pyo3(signature = (number, today = None))]
pub fn validate_resident_id(number: &str, today: Option<NaiveDate>) -> Result<PyResidentId> {
    let parsed = match today {
        Some(t) => famplan::ResidentId::parse_on(number, t),
        None => famplan::ResidentId::parse(number),
    };
    parsed.map(PyResidentId).map_err(|e| invalid("resident_id", format!("`{}`: {e}", number.trim())))
}
