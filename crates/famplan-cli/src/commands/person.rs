//! `famplan person ID`.

use super::due::schedule_for;
use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use std::path::Path;
use std::process::ExitCode;

/// Show one person: the record, the state on a date, the case file and the visit schedule
/// (the obligations, their states on the date and why each is owed).
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
struct Record<'r> {
    record: famplan::Person,
    state: Option<famplan::PersonState<'r>>,
    case_file: famplan::CaseFile,
}

/// One obligation as printed (issue 3's shape).
#[derive(serde::Serialize)]
struct Owed<'r> {
    rule: &'r str,
    due: NaiveDate,
    window: [NaiveDate; 2],
    state: &'static str,
    because: String,
    fulfilled_by: Option<famplan::Fulfilled<'r>>,
}

#[derive(serde::Serialize)]
struct View<'r> {
    person: Record<'r>,
    obligations: Vec<Owed<'r>>,
}

/// Prints the person, or fails with `unknown person`.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let reg = store.view().map_err(store_error(db))?;
    let on = date_or_today(args.on);
    let id = famplan::PersonId::new(args.id.as_str());
    let (Some(record), Some(case_file)) = (reg.person(&id), reg.case_file(&id, on)) else {
        return Err(famplan::Error::NotFound { kind: "person", id: args.id }.into());
    };
    let schedule = schedule_for(reg, on);
    let obligations: Vec<Owed<'_>> = schedule
        .person(reg, &id, on)
        .iter()
        .map(|o| Owed {
            rule: o.rule().id.as_str(),
            due: o.due,
            window: [o.window.start, o.window.end],
            state: o.state.code(),
            because: o.why().to_string(),
            fulfilled_by: o.fulfilled(),
        })
        .collect();
    let person = Record { record, state: reg.state(&id, on), case_file };
    match args.format {
        Format::Json => output::record(&View { person, obligations }, Format::Json)?,
        Format::Csv => output::record(&person, Format::Csv)?,
        Format::Table => {
            output::record(&person, Format::Table)?;
            let rows: Vec<Vec<String>> = obligations
                .iter()
                .map(|o| {
                    vec![
                        o.rule.to_string(),
                        o.due.to_string(),
                        o.window[0].to_string(),
                        o.window[1].to_string(),
                        o.state.to_string(),
                        o.because.clone(),
                        o.fulfilled_by.map(|f| format!("{} {} {}", f.how, f.by, f.date)).unwrap_or_default(),
                    ]
                })
                .collect();
            println!();
            let header = ["rule", "due", "window_start", "window_end", "state", "because", "fulfilled_by"];
            output::rows(&header, &rows, Format::Table)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
