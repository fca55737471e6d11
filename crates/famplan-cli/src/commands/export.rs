//! `famplan export DIR`.

use super::{Failure, open_existing, store_error};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Export the store as a snapshot directory plus `events.jsonl`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to write (created if missing; files in it are replaced).
    dir: PathBuf,
}

/// Writes the snapshot files and the event log.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    store.export_snapshot_dir(&args.dir).map_err(store_error(db))?;
    println!("wrote areas.csv, households.csv, persons.csv, visits.csv, events.jsonl to {}", args.dir.display());
    Ok(ExitCode::SUCCESS)
}
