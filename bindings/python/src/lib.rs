//! The Python binding of famplan: `import famplan`.
//!
//! A thin layer: every method converts its arguments, calls the core (or the store), and
//! converts the result back. Results are `Frame`s: Arrow columns built here and read by
//! polars, pyarrow or pandas in columns. Errors become one exception tree (`errors.rs`).
//! Long computations run with the GIL released (`Python::detach`).

mod convert;
mod errors;
mod frame;
mod publicity;
mod rate;
mod reads;
mod registry;
mod report;
mod services;
mod shard;
mod shard_columns;
mod store;
mod visit;

use pyo3::prelude::*;

#[pymodule]
fn _famplan(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add_class::<frame::PyFrame>()?;
    m.add_class::<registry::PyRegistry>()?;
    m.add_class::<store::PyStore>()?;
    m.add_class::<visit::PyRuleSet>()?;
    m.add_class::<rate::PyCustomRate>()?;
    m.add_class::<rate::PyTarget>()?;
    m.add_class::<rate::PyResidentId>()?;
    m.add_function(wrap_pyfunction!(rate::catalogue, m)?)?;
    m.add_function(wrap_pyfunction!(rate::validate_resident_id, m)?)?;
    m.add_function(wrap_pyfunction!(read_events, m)?)?;
    m.add_function(wrap_pyfunction!(publicity::publicity_plan, m)?)?;
    m.add_function(wrap_pyfunction!(shard::shard_partials, m)?)?;
    m.add_function(wrap_pyfunction!(shard_columns::shard_partials_columns, m)?)?;
    m.add_function(wrap_pyfunction!(shard::reduce_partials, m)?)?;
    m.add_function(wrap_pyfunction!(reads::visits_read, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

/// Reads an events file (`.jsonl` or `.csv`) into event dicts.
#[pyfunction]
fn read_events<'py>(py: Python<'py>, path: std::path::PathBuf) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let events = convert::events_file(py, path)?;
    events.iter().map(|e| convert::event_dict(py, e)).collect()
}
