//! `famplan publicity`: the year's publicity calendar (宣传, DOMAIN §14) on a date.

use super::{Failure, date_or_today, parse_date};
use crate::output::{self, Format};
use chrono::{Datelike, NaiveDate};
use famplan::{PlanOptions, PublicityPlan};
use std::path::PathBuf;
use std::process::ExitCode;

/// The year's plan (monthly blackboard, staff training, the festival days with Mother's Day,
/// the service events, the annual meeting), each planned activity done, due, late or
/// upcoming on a date against the activity log.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The year of the plan (default: the year of --on).
    #[arg(long, value_name = "YEAR")]
    year: Option<i32>,
    /// The date of the view (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// The activity log: CSV with date,kind[,theme,audience,materials,brief_reported].
    #[arg(long, value_name = "FILE")]
    activities: Option<PathBuf>,
    /// Convenience service events a year (1 or 2).
    #[arg(long, value_name = "N", default_value_t = 2)]
    service_events: u8,
    /// Days before and after a festival day that an activity counts.
    #[arg(long, value_name = "DAYS", default_value_t = 7)]
    festival_window: u32,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

const HEADER: [&str; 7] = ["due", "kind", "title", "window_start", "window_end", "state", "done_on"];

/// Prints one line per planned activity. Reads no store: the plan is the calendar's, the log
/// is the file given.
pub fn run(args: Args) -> Result<ExitCode, Failure> {
    let on = date_or_today(args.on);
    let options = PlanOptions { service_events: args.service_events, festival_window_days: args.festival_window };
    let plan = PublicityPlan::for_year(args.year.unwrap_or(on.year()), &options)?;
    let log = match &args.activities {
        None => Vec::new(),
        Some(path) => {
            let file = std::fs::File::open(path)
                .map_err(|e| Failure::Message(format!("{}: cannot read: {e}", path.display())))?;
            famplan::io::read_activities(&path.display().to_string(), std::io::BufReader::new(file))?
        }
    };
    let view = plan.view(&log, on);
    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|r| {
            vec![
                r.planned.due.to_string(),
                r.planned.kind.code().to_string(),
                r.planned.title.clone(),
                r.planned.window.start.to_string(),
                r.planned.window.end.to_string(),
                r.state.code().to_string(),
                r.done_on.map(|d| d.to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    output::rows(&HEADER, &rows, args.format)?;
    Ok(ExitCode::SUCCESS)
}
