//! One file per subcommand: its `Args` (clap derive) and its `run`.

pub mod applications;
pub mod demo;
pub mod disclose;
pub mod due;
pub mod events;
pub mod export;
pub mod id;
pub mod import;
pub mod person;
pub mod policy;
pub mod publicity;
pub mod report;
pub mod status;
pub mod supplies;
pub mod verify;

use chrono::NaiveDate;
use famplan_store::{Store, StoreError};
use std::path::Path;

/// Why a command failed; printed on stderr as `famplan: …`, exit status 1.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// Bad input (with its `file:line: field`) or a refused event.
    #[error("{0}")]
    Input(#[from] famplan::Error),
    /// A store-level problem, shown after the store's path.
    #[error("{}: {source}", path.display())]
    Store {
        /// The store file.
        path: std::path::PathBuf,
        /// What went wrong.
        source: StoreError,
    },
    /// Anything else, already worded.
    #[error("{0}")]
    Message(String),
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Message(format!("cannot write the output: {e}"))
    }
}

/// Wraps a store error, naming the store unless the error names its own file or input.
pub fn store_error(path: &Path) -> impl Fn(StoreError) -> Failure + '_ {
    move |e| match e {
        StoreError::Famplan(e) => Failure::Input(e),
        e @ (StoreError::NotAStore { .. } | StoreError::NewerSchema { .. } | StoreError::Io { .. }) => {
            Failure::Message(e.to_string())
        }
        source => Failure::Store { path: path.to_path_buf(), source },
    }
}

/// Opens a store that must already exist (reading commands never create one).
pub fn open_existing(path: &Path) -> Result<Store, Failure> {
    if !path.exists() {
        return Err(Failure::Message(format!(
            "{}: no store here (import a snapshot first, or name one with --db)",
            path.display()
        )));
    }
    Store::open(path).map_err(store_error(path))
}

/// The date to answer for: `--on`, or today (UTC).
pub fn date_or_today(on: Option<NaiveDate>) -> NaiveDate {
    on.unwrap_or_else(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).unwrap_or_default().date_naive()
    })
}

/// Parses `YYYY-MM-DD` for clap.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    famplan::parse_date(s).ok_or_else(|| format!("`{s}` is not a date YYYY-MM-DD"))
}
