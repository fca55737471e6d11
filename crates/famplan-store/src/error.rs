//! The one error type of the store.

use std::path::PathBuf;

/// Everything that can go wrong in a [`Store`](crate::Store).
///
/// Bad input and refused events come from the core ([`StoreError::Famplan`], with their
/// `file:line: field` place); the rest are about the database file itself. Messages are
/// lowercase, give the place first and the cause after.
///
/// # Example
///
/// ```
/// use famplan_store::StoreError;
/// let err = StoreError::NewerSchema { path: "famplan.db".into(), found: 9, supported: 1 };
/// assert_eq!(
///     err.to_string(),
///     "famplan.db: store schema version 9 is newer than this famplan supports (1): upgrade famplan"
/// );
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Bad input or a refused event, with its place; nothing was written.
    #[error(transparent)]
    Famplan(#[from] famplan::Error),
    /// Another process held the store for longer than the busy timeout; nothing was written.
    #[error("store is busy: another process is writing to it (try again)")]
    Busy,
    /// The file is not a famplan store (not SQLite, or another application's SQLite file).
    #[error("{}: not a famplan store: {reason}", path.display())]
    NotAStore {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        reason: String,
    },
    /// The store was written by a newer famplan; it is left untouched.
    #[error("{}: store schema version {found} is newer than this famplan supports ({supported}): upgrade famplan", path.display())]
    NewerSchema {
        /// The file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// The database file is damaged (SQLite reports a malformed image).
    #[error("store is damaged: {reason}")]
    Corrupt {
        /// SQLite's message.
        reason: String,
    },
    /// A snapshot can only be imported into a store that holds none yet.
    #[error("the store already holds a snapshot ({persons} person row(s)); import into a new store")]
    SnapshotExists {
        /// Person rows already in the store.
        persons: u64,
    },
    /// Any other SQLite failure.
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    /// Reading or writing a file next to the store failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode::*;
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            Some(DatabaseCorrupt | NotADatabase) => StoreError::Corrupt { reason: e.to_string() },
            _ => StoreError::Sqlite(e),
        }
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(e: rusqlite::types::FromSqlError) -> StoreError {
        StoreError::from(rusqlite::Error::from(e))
    }
}

impl StoreError {
    /// True when the error is about the input (bad rows, refused events), not the store.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan_store::StoreError::Busy.is_invalid_input());
    /// ```
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, StoreError::Famplan(e) if e.is_invalid_input())
    }
}
