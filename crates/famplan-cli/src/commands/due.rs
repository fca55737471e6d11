//! `famplan due`: a grid's or a keeper's work list for a date.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::{AreaLevel, GridId, Period, Registry, RuleSet, Schedule, StaffId, WorkList};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

/// The work list: due and overdue visits, key population and special clients first, then
/// by the day the window closes, each with why it is owed.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("whose").required(true).args(["grid", "keeper"])))]
pub struct Args {
    /// The grid whose work list to show.
    #[arg(long, value_name = "G")]
    grid: Option<String>,
    /// The keeper (网格责任人) whose work list to show: every grid they keep.
    #[arg(long, value_name = "K")]
    keeper: Option<String>,
    /// The date of the work list (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// The schedule the CLI answers with: the default rules over the year of `on` ± 1 year.
pub fn schedule_for(reg: &Registry, on: NaiveDate) -> Schedule {
    use chrono::Datelike;
    let start = Period::year(on.year() - 1).map(|p| p.start);
    let end = Period::year(on.year() + 1).map(|p| p.end);
    let horizon = start.zip(end).and_then(|(a, b)| Period::new(a, b)).unwrap_or_else(|| Period::month_of(on));
    Schedule::new(reg, RuleSet::default_rules(), horizon)
}

const HEADER: [&str; 10] =
    ["priority", "person", "household", "grid", "rule", "due", "window_start", "window_end", "state", "why"];

/// Prints a work list: one line per item with person, rule, due date, window, state and why.
pub fn print_work_list(out: &mut dyn Write, list: &WorkList<'_>, format: Format) -> std::io::Result<()> {
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .map(|item| {
            let o = &item.obligation;
            vec![
                if item.priority_client { "key" } else { "" }.to_string(),
                o.person().unwrap_or("-").to_string(),
                o.household().to_string(),
                o.grid().to_string(),
                o.rule().id.clone(),
                o.due.to_string(),
                o.window.start.to_string(),
                o.window.end.to_string(),
                o.state.code().to_string(),
                o.why().to_string(),
            ]
        })
        .collect();
    output::rows_to(out, &HEADER, &rows, format)
}

/// Prints the work list, or fails with `unknown grid` / `unknown keeper`.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let reg = store.view().map_err(store_error(db))?;
    let on = date_or_today(args.on);
    let schedule = schedule_for(reg, on);
    let list = match (&args.grid, &args.keeper) {
        (Some(g), _) => {
            if reg.areas().get(AreaLevel::Grid, g).is_none() {
                return Err(famplan::Error::NotFound { kind: "grid", id: g.clone() }.into());
            }
            schedule.work_list(reg, &GridId::new(g.as_str()), on)
        }
        (None, Some(k)) => {
            if !reg.areas().staff().iter().any(|s| s.id.as_str() == k) {
                return Err(famplan::Error::NotFound { kind: "keeper", id: k.clone() }.into());
            }
            schedule.keeper_work_list(reg, &StaffId::new(k.as_str()), on)
        }
        (None, None) => return Err(Failure::Message("name a --grid or a --keeper".into())),
    };
    print_work_list(&mut std::io::stdout().lock(), &list, args.format)?;
    Ok(ExitCode::SUCCESS)
}
