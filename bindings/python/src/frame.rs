//! Results as columns: an Arrow record batch built in Rust, handed to Python through the
//! Arrow PyCapsule stream interface (polars, pyarrow, pandas read it without a Python object
//! per row), or as a dict of Python lists when no DataFrame library is installed.

use arrow_array::builder::StringViewBuilder;
use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, RecordBatchIterator,
    StringViewArray, UInt64Array,
};
use arrow_schema::ffi::FFI_ArrowSchema;
use arrow_schema::{DataType, Field, Schema};
use chrono::NaiveDate;
use pyo3::exceptions::PyImportError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyDict, PyList};
use std::sync::Arc;

/// A table of results: named, typed columns of equal length.
#[derive(Debug)]
#[pyclass(name = "Frame", module = "famplan", frozen)]
pub struct PyFrame {
    batch: RecordBatch,
}

/// Builds a [`PyFrame`] column by column.
#[derive(Debug, Default)]
pub struct Columns {
    fields: Vec<Field>,
    arrays: Vec<ArrayRef>,
}

const EPOCH: NaiveDate = NaiveDate::from_ymd_opt(1970, 1, 1).expect("a date");

/// A date as Arrow's `date32`: days since 1970-01-01.
pub fn days(d: NaiveDate) -> i32 {
    (d - EPOCH).num_days() as i32
}

impl Columns {
    /// A column built elsewhere.
    pub fn push(mut self, name: &str, array: ArrayRef) -> Self {
        self.fields.push(Field::new(name, array.data_type().clone(), true));
        self.arrays.push(array);
        self
    }

    /// A text column (`None` is null). Arrow's string views: polars' own layout (read
    /// without a copy), and short ids (≤ 12 bytes) need no second buffer.
    pub fn str<'a>(self, name: &str, values: impl IntoIterator<Item = Option<&'a str>>) -> Self {
        let values = values.into_iter();
        let mut b = StringViewBuilder::with_capacity(values.size_hint().0);
        for v in values {
            b.append_option(v);
        }
        self.push(name, Arc::new(b.finish()))
    }

    /// A text column of values from a small table: `index` gives each row's position in
    /// `table` (`None` is null). The table's strings are stored once and every row is a
    /// 16-byte view into them, so a million rows sharing a few values copy no text.
    pub fn indexed<'a>(self, name: &str, table: impl IntoIterator<Item = &'a str>, index: &[Option<usize>]) -> Self {
        let table = StringViewArray::from_iter_values(table);
        let views = table.views();
        let rows: Vec<u128> = index.iter().map(|i| i.map_or(0, |i| views[i])).collect();
        let nulls =
            index.iter().any(Option::is_none).then(|| index.iter().map(Option::is_some).collect::<Vec<_>>().into());
        let array = StringViewArray::try_new(rows.into(), table.data_buffers().to_vec(), nulls)
            .expect("views into the table's own buffers");
        self.push(name, Arc::new(array))
    }

    /// An unsigned count column.
    pub fn u64(self, name: &str, values: impl IntoIterator<Item = u64>) -> Self {
        self.push(name, Arc::new(values.into_iter().collect::<UInt64Array>()))
    }

    /// A signed integer column (`None` is null).
    pub fn i64(self, name: &str, values: impl IntoIterator<Item = Option<i64>>) -> Self {
        self.push(name, Arc::new(values.into_iter().collect::<Int64Array>()))
    }

    /// A float column (`None` is null).
    pub fn f64(self, name: &str, values: impl IntoIterator<Item = Option<f64>>) -> Self {
        self.push(name, Arc::new(values.into_iter().collect::<Float64Array>()))
    }

    /// A boolean column.
    pub fn bool(self, name: &str, values: impl IntoIterator<Item = bool>) -> Self {
        self.push(name, Arc::new(values.into_iter().map(Some).collect::<BooleanArray>()))
    }

    /// A date column (`None` is null).
    pub fn date(self, name: &str, values: impl IntoIterator<Item = Option<NaiveDate>>) -> Self {
        self.push(name, Arc::new(values.into_iter().map(|d| d.map(days)).collect::<Date32Array>()))
    }

    /// The finished table.
    pub fn finish(self) -> PyFrame {
        let schema = Arc::new(Schema::new(self.fields));
        let batch = RecordBatch::try_new(schema, self.arrays).expect("columns of one length and their own types");
        PyFrame { batch }
    }
}

fn to_list<'py>(py: Python<'py>, a: &dyn Array) -> PyResult<Bound<'py, PyList>> {
    macro_rules! list {
        ($t:ty, $conv:expr) => {{
            let a = a.as_any().downcast_ref::<$t>().expect("the type the data type says");
            let items: Vec<Option<_>> = (0..a.len()).map(|i| a.is_valid(i).then(|| $conv(a.value(i)))).collect();
            PyList::new(py, items)
        }};
    }
    match a.data_type() {
        DataType::Utf8View => list!(StringViewArray, |v: &str| v.to_string()),
        DataType::UInt64 => list!(UInt64Array, |v: u64| v),
        DataType::Int64 => list!(Int64Array, |v: i64| v),
        DataType::Float64 => list!(Float64Array, |v: f64| v),
        DataType::Boolean => list!(BooleanArray, |v: bool| v),
        DataType::Date32 => list!(Date32Array, |v: i32| EPOCH + chrono::Days::new(v as u64)),
        other => unreachable!("no column is built as {other}"),
    }
}

fn missing(module: &str, method: &str) -> impl FnOnce(PyErr) -> PyErr {
    let message = format!("Frame.{method}() needs {module}: pip install {module}");
    move |_| PyImportError::new_err(message)
}

#[pymethods]
impl PyFrame {
    /// The number of rows.
    fn __len__(&self) -> usize {
        self.batch.num_rows()
    }

    fn __repr__(&self) -> String {
        let names: Vec<&str> = self.batch.schema_ref().fields().iter().map(|f| f.name().as_str()).collect();
        format!("Frame({} rows: {})", self.batch.num_rows(), names.join(", "))
    }

    /// The column names, in order.
    #[getter]
    fn column_names(&self) -> Vec<String> {
        self.batch.schema_ref().fields().iter().map(|f| f.name().clone()).collect()
    }

    /// One column as a list of Python values (dates as `datetime.date`, nulls as `None`).
    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        let a = self.batch.column_by_name(name).ok_or_else(|| {
            PyErr::from(crate::errors::invalid(
                "name",
                format!("no column `{name}` (columns: {})", self.column_names().join(", ")),
            ))
        })?;
        to_list(py, a.as_ref())
    }

    /// Every column as a list of Python values, by name.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (f, a) in self.batch.schema_ref().fields().iter().zip(self.batch.columns()) {
            d.set_item(f.name(), to_list(py, a.as_ref())?)?;
        }
        Ok(d)
    }

    /// The rows as dicts (for small results; DataFrames are the way for large ones).
    fn rows<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let cols: Vec<Bound<'py, PyList>> =
            self.batch.columns().iter().map(|a| to_list(py, a.as_ref())).collect::<PyResult<_>>()?;
        let names = self.column_names();
        (0..self.batch.num_rows())
            .map(|i| {
                let d = PyDict::new(py);
                for (n, c) in names.iter().zip(&cols) {
                    d.set_item(n, c.get_item(i)?)?;
                }
                Ok(d)
            })
            .collect()
    }

    /// The Arrow schema, as a PyCapsule (the Arrow PyCapsule interface).
    fn __arrow_c_schema__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyCapsule>> {
        let schema = FFI_ArrowSchema::try_from(self.batch.schema_ref().as_ref())
            .map_err(|e| crate::errors::invalid("schema", e.to_string()))?;
        PyCapsule::new_with_value(py, schema, c"arrow_schema")
    }

    /// The table as an Arrow stream, as a PyCapsule (the Arrow PyCapsule interface):
    /// `polars.DataFrame(frame)`, `pyarrow.table(frame)` read it without copying rows into
    /// Python objects. `requested_schema` is ignored: the columns keep their types.
    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema;
        let reader = RecordBatchIterator::new([Ok(self.batch.clone())], self.batch.schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new_with_value(py, stream, c"arrow_array_stream")
    }

    /// A polars DataFrame (needs polars; no row-by-row copy).
    fn to_polars<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pl = slf.py().import("polars").map_err(missing("polars", "to_polars"))?;
        pl.call_method1("DataFrame", (slf,))
    }

    /// A pyarrow Table (needs pyarrow; no row-by-row copy).
    fn to_arrow<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let pa = slf.py().import("pyarrow").map_err(missing("pyarrow", "to_arrow"))?;
        pa.call_method1("table", (slf,))
    }

    /// A pandas DataFrame (needs pandas; through pyarrow in columns when it is installed,
    /// else from lists). Dates are `datetime.date` objects, nulls `None`/NaN.
    fn to_pandas<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let pd = py.import("pandas").map_err(missing("pandas", "to_pandas"))?;
        match py.import("pyarrow") {
            Ok(pa) => pa.call_method1("table", (slf,))?.call_method0("to_pandas"),
            Err(_) => pd.call_method1("DataFrame", (slf.get().to_dict(py)?,)),
        }
    }
}
