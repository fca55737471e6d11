//! `famplan status`.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

/// Show what the store holds.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Count open case files on this date (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Prints the store's [`famplan_store::StoreStatus`].
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let status = store.status_on(date_or_today(args.on)).map_err(store_error(db))?;
    output::record(&status, args.format)?;
    Ok(ExitCode::SUCCESS)
}
