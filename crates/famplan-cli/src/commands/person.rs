//! `famplan person ID`.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

/// Show one person: the record, the state on a date, the case file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The person's id.
    id: String,
    /// The date to show the state and case file on (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

#[derive(serde::Serialize)]
struct View<'r> {
    record: famplan::Person,
    state: Option<famplan::PersonState<'r>>,
    case_file: famplan::CaseFile,
}

/// Prints the person, or fails with `unknown person`.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let reg = store.registry().map_err(store_error(db))?;
    let on = date_or_today(args.on);
    let id = famplan::PersonId::new(args.id.as_str());
    let (Some(record), Some(case_file)) = (reg.person(&id), reg.case_file(&id, on)) else {
        return Err(famplan::Error::NotFound { kind: "person", id: args.id }.into());
    };
    output::record(&View { record, state: reg.state(&id, on), case_file }, args.format)?;
    Ok(ExitCode::SUCCESS)
}
