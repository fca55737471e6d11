//! The exception tree, built in one match over the core's and the store's errors.

use famplan::Error;
use famplan_store::StoreError as StoreErr;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(famplan, FamplanError, PyException, "The base of every famplan error.");
create_exception!(
    famplan,
    InvalidInputError,
    FamplanError,
    "Bad input: a malformed value, with its place (`persons.csv:14: birth_date: reason`)."
);
create_exception!(famplan, NotFoundError, FamplanError, "An unknown id, or a missing file or directory.");
create_exception!(
    famplan,
    ConflictError,
    FamplanError,
    "An event that contradicts the registry (nothing was changed), or a snapshot into a store that has one."
);
create_exception!(
    famplan,
    StoreError,
    FamplanError,
    "The store file itself: busy, damaged, not a famplan store, written by a newer famplan."
);

/// Any failure of a call: from the core or from the store. A local type, so that it can
/// become a `PyErr` (the orphan rule forbids `From<famplan::Error> for PyErr` here).
#[derive(Debug)]
pub enum Failure {
    /// The core's error.
    Core(Error),
    /// The store's error.
    Store(StoreErr),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Core(e)
    }
}

impl From<StoreErr> for Failure {
    fn from(e: StoreErr) -> Failure {
        Failure::Store(e)
    }
}

/// The Python class of each kind of failure.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Base,
    Invalid,
    NotFound,
    Conflict,
    Store,
}

fn core_class(e: &Error) -> Class {
    match e {
        Error::Invalid { .. } => Class::Invalid,
        Error::Rejected { .. } => Class::Conflict,
        Error::NotFound { .. } => Class::NotFound,
        Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => Class::NotFound,
        // Several problems of one import: their common class, else the base class.
        Error::Many(all) => {
            let mut classes = all.iter().map(core_class);
            let first = classes.next().unwrap_or(Class::Base);
            if classes.all(|c| c == first) { first } else { Class::Base }
        }
        _ => Class::Base,
    }
}

fn class(f: &Failure) -> Class {
    match f {
        Failure::Core(e) | Failure::Store(StoreErr::Famplan(e)) => core_class(e),
        Failure::Store(StoreErr::SnapshotExists { .. }) => Class::Conflict,
        Failure::Store(StoreErr::Io { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => Class::NotFound,
        Failure::Store(_) => Class::Store,
    }
}

impl From<Failure> for PyErr {
    fn from(f: Failure) -> PyErr {
        let message = match &f {
            Failure::Core(e) => e.to_string(),
            Failure::Store(e) => e.to_string(),
        };
        match class(&f) {
            Class::Invalid => InvalidInputError::new_err(message),
            Class::NotFound => NotFoundError::new_err(message),
            Class::Conflict => ConflictError::new_err(message),
            Class::Store => StoreError::new_err(message),
            Class::Base => FamplanError::new_err(message),
        }
    }
}

/// Bad input found by the binding while converting an argument: the same error as the
/// core's, naming the argument as the field.
pub fn invalid(field: &str, reason: impl Into<String>) -> Failure {
    Failure::Core(Error::Invalid { at: famplan::Location::field(field), reason: reason.into() })
}

/// The result type of every binding call.
pub type Result<T, E = Failure> = std::result::Result<T, E>;

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FamplanError", py.get_type::<FamplanError>())?;
    m.add("InvalidInputError", py.get_type::<InvalidInputError>())?;
    m.add("NotFoundError", py.get_type::<NotFoundError>())?;
    m.add("ConflictError", py.get_type::<ConflictError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    Ok(())
}
