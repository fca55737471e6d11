//! The one error type of the core crate.

use std::fmt;

/// Where bad input was found: `persons.csv:14: birth_date`.
///
/// For input that does not come from a file (an event handed to
/// [`Registry::apply`](crate::Registry::apply)), `file` is empty and `line` is 0,
/// and only the field is shown.
///
/// # Example
///
/// ```
/// use famplan::Location;
///
/// let at = Location::new("persons.csv", 14, "birth_date");
/// assert_eq!(at.to_string(), "persons.csv:14: birth_date");
/// assert_eq!(Location::field("sex").to_string(), "sex");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file (or sheet) name as the caller named it; empty when there is none.
    pub file: String,
    /// The 1-based line in that file (the header is line 1); 0 when there is none.
    pub line: u64,
    /// The column or field.
    pub field: String,
}

impl Location {
    /// A location in a named file.
    ///
    /// # Example
    ///
    /// ```
    /// let at = famplan::Location::new("visits.csv", 3, "date");
    /// assert_eq!(at.line, 3);
    /// ```
    pub fn new(file: impl Into<String>, line: u64, field: impl Into<String>) -> Location {
        Location { file: file.into(), line, field: field.into() }
    }

    /// A location that is only a field (input that did not come from a file).
    ///
    /// # Example
    ///
    /// ```
    /// let at = famplan::Location::field("phone");
    /// assert!(at.file.is_empty());
    /// ```
    pub fn field(field: impl Into<String>) -> Location {
        Location { file: String::new(), line: 0, field: field.into() }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.file.is_empty(), self.line) {
            (true, _) => write!(f, "{}", self.field),
            (false, 0) => write!(f, "{}: {}", self.file, self.field),
            (false, line) => write!(f, "{}:{}: {}", self.file, line, self.field),
        }
    }
}

/// Everything that can go wrong in the core.
///
/// Messages are lowercase, give the place first and the cause after, and never end with
/// a period.
///
/// # Example
///
/// ```
/// use famplan::{Error, Location};
///
/// let err = Error::Invalid { at: Location::new("persons.csv", 7, "sex"), reason: "expected F or M, found `X`".into() };
/// assert_eq!(err.to_string(), "persons.csv:7: sex: expected F or M, found `X`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value in the input is malformed or out of range.
    #[error("{at}: {reason}")]
    Invalid {
        /// Where it was found.
        at: Location,
        /// Why it is wrong.
        reason: String,
    },
    /// An event contradicts the registry (DOMAIN §5); nothing was changed.
    #[error("{at}event {event}: {reason}")]
    Rejected {
        /// Where the event came from (`events.csv:12: `), or empty.
        at: Prefix,
        /// The event's id.
        event: String,
        /// Why it was refused.
        reason: crate::Rejection,
    },
    /// An id that the registry does not know.
    #[error("unknown {kind} `{id}`")]
    NotFound {
        /// What kind of thing (`person`, `household`, `grid` …).
        kind: &'static str,
        /// The id that was looked up.
        id: String,
    },
    /// Several problems found in one import; nothing was imported. Each is listed with its
    /// place (`persons.csv:14: birth_date: …`).
    #[error("{} problem(s), nothing imported:\n{}", .0.len(), list(.0))]
    Many(Vec<Error>),
    /// Reading or writing failed.
    #[error("{file}: {source}")]
    Io {
        /// The file being read or written, as the caller named it.
        file: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// A boxed error unboxed: the CSV readers box the errors of single fields, which are rare,
/// to keep their results narrow.
impl From<Box<Error>> for Error {
    fn from(e: Box<Error>) -> Error {
        *e
    }
}

impl Error {
    /// True when the error is about malformed input ([`Error::Invalid`]) or an event the
    /// registry refused ([`Error::Rejected`]).
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::Error::NotFound { kind: "person", id: "7".into() };
    /// assert!(!err.is_invalid_input());
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        match self {
            Error::Invalid { .. } | Error::Rejected { .. } => true,
            Error::Many(all) => all.iter().all(Error::is_invalid_input),
            _ => false,
        }
    }
}

fn list(errors: &[Error]) -> String {
    errors.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n")
}

/// An optional `file:line: ` in front of a rejection message.
///
/// # Example
///
/// ```
/// let p = famplan::Prefix::at("events.jsonl", 4);
/// assert_eq!(p.to_string(), "events.jsonl:4: ");
/// assert_eq!(famplan::Prefix::none().to_string(), "");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefix(Option<(String, u64)>);

impl Prefix {
    /// No location.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Prefix::none(), famplan::Prefix::default());
    /// ```
    pub fn none() -> Prefix {
        Prefix(None)
    }
    /// A file and line.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Prefix::at("a.csv", 2).line(), Some(2));
    /// ```
    pub fn at(file: impl Into<String>, line: u64) -> Prefix {
        Prefix(Some((file.into(), line)))
    }
    /// The line, if there is one.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Prefix::none().line(), None);
    /// ```
    pub fn line(&self) -> Option<u64> {
        self.0.as_ref().map(|(_, l)| *l)
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some((file, line)) => write!(f, "{file}:{line}: "),
            None => Ok(()),
        }
    }
}

/// The result type of the core crate.
///
/// # Example
///
/// ```
/// fn check(s: &str) -> famplan::Result<chrono::NaiveDate> {
///     famplan::parse_date(s).ok_or_else(|| famplan::Error::NotFound { kind: "date", id: s.into() })
/// }
/// assert!(check("2026-02-30").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
