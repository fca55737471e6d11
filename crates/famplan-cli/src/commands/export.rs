//! `famplan export DIR` or `famplan export --format xlsx FILE`.

use super::{Failure, open_existing, store_error};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// What `export` writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A snapshot directory of CSV files plus `events.jsonl`.
    #[default]
    Csv,
    /// One workbook: a sheet per snapshot file, and `events`.
    Xlsx,
}

/// Export the store as a snapshot directory plus `events.jsonl`, or as one workbook.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The directory to write (created if missing; files in it are replaced), or the
    /// workbook file with --format xlsx (a name ending in .xlsx chooses it too).
    dir: PathBuf,
    /// The format: csv (a directory) or xlsx (a workbook).
    #[arg(long, value_enum)]
    format: Option<ExportFormat>,
}

/// Writes the snapshot files and the event log.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let xlsx = args.dir.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if args.format.unwrap_or(if xlsx { ExportFormat::Xlsx } else { ExportFormat::Csv }) == ExportFormat::Xlsx {
        store.export_snapshot_xlsx(&args.dir).map_err(store_error(db))?;
        println!("wrote the snapshot workbook {}", args.dir.display());
        return Ok(ExitCode::SUCCESS);
    }
    store.export_snapshot_dir(&args.dir).map_err(store_error(db))?;
    println!("wrote areas.csv, households.csv, persons.csv, visits.csv, events.jsonl to {}", args.dir.display());
    Ok(ExitCode::SUCCESS)
}
