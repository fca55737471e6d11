//! `famplan verify FILE.csv`: record a verification round and compare it with the registry.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::{Event, EventKind, HouseholdId, Observation, Period, VerificationOutcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Record a verification (核查) from a CSV file, one row per person observed, as one
/// `verification_recorded` event per household; then print how each person compares with the
/// registry: matched, mismatched (which items), unfiled, or not found.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The CSV file: household_id, then any of person_id, name, sex, birth_date, id_number,
    /// relation, residency, marital_status, method, method_start (empty = not observed).
    file: PathBuf,
    /// The day of the verification (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Who verified (recorded_by of the events).
    #[arg(long, value_name = "STAFF", default_value = "cli")]
    by: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

const COLUMNS: [&str; 11] = [
    "household_id",
    "person_id",
    "name",
    "sex",
    "birth_date",
    "id_number",
    "relation",
    "residency",
    "marital_status",
    "method",
    "method_start",
];

/// Reads the file into `(household, observations)` in the order first seen.
fn read(path: &Path) -> Result<Vec<(String, Vec<Observation>)>, Failure> {
    let name = path.display().to_string();
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Failure::Message(format!("{name}: cannot read: {e}")))?;
    let headers = rdr.headers().map_err(|e| Failure::Message(format!("{name}:1: {e}")))?.clone();
    for h in &headers {
        if !COLUMNS.contains(&h) {
            return Err(Failure::Message(format!("{name}:1: {h}: unknown column (expected {})", COLUMNS.join(", "))));
        }
    }
    if !headers.iter().any(|h| h == "household_id") {
        return Err(Failure::Message(format!("{name}:1: household_id: missing column")));
    }
    let mut out: Vec<(String, Vec<Observation>)> = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| Failure::Message(format!("{name}:{line}: {e}")))?;
        let get = |col: &str| {
            headers.iter().position(|h| h == col).and_then(|j| rec.get(j)).filter(|v| !v.is_empty()).map(str::to_string)
        };
        fn field<T>(
            name: &str,
            line: usize,
            col: &str,
            v: Option<String>,
            parse: impl Fn(&str) -> Result<T, String>,
        ) -> Result<Option<T>, Failure> {
            v.map(|v| parse(&v).map_err(|e| Failure::Message(format!("{name}:{line}: {col}: {e}")))).transpose()
        }
        let date = |s: &str| famplan::parse_date(s).ok_or_else(|| format!("`{s}` is not a date YYYY-MM-DD"));
        let Some(household) = get("household_id") else {
            return Err(Failure::Message(format!("{name}:{line}: household_id: empty")));
        };
        let obs = Observation {
            person: get("person_id").map(|p| famplan::PersonId::new(p.as_str())),
            name: get("name"),
            sex: field(&name, line, "sex", get("sex"), |s| s.parse())?,
            birth_date: field(&name, line, "birth_date", get("birth_date"), date)?,
            id_number: field(&name, line, "id_number", get("id_number"), |s| s.parse().map_err(|e| format!("{e}")))?,
            relation: field(&name, line, "relation", get("relation"), |s| s.parse())?,
            residency: field(&name, line, "residency", get("residency"), |s| s.parse())?,
            marital: field(&name, line, "marital_status", get("marital_status"), |s| s.parse())?,
            method: field(&name, line, "method", get("method"), |s| s.parse())?,
            method_start: field(&name, line, "method_start", get("method_start"), date)?,
        };
        match out.iter_mut().find(|(h, _)| *h == household) {
            Some((_, list)) => list.push(obs),
            None => out.push((household, vec![obs])),
        }
    }
    Ok(out)
}

/// Records the verification (all households or none) and prints the comparison.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let households = read(&args.file)?;
    let on = date_or_today(args.on);
    let mut store = open_existing(db)?;
    let events: Vec<Event> = households
        .into_iter()
        .map(|(h, observed)| {
            let kind = EventKind::VerificationRecorded { household: HouseholdId::new(h.as_str()), observed };
            Event::new(format!("verify-{on}-{h}"), on, args.by.as_str(), kind)
        })
        .collect();
    let ids: Vec<String> = events.iter().map(|e| e.id.as_str().to_string()).collect();
    let report = store.append(events).map_err(store_error(db))?;
    let reg = store.view().map_err(store_error(db))?;
    let day = Period::new(on, on).ok_or_else(|| Failure::Message(format!("{on}: not a day")))?;
    let rows: Vec<Vec<String>> = reg
        .verify(day, on)
        .into_iter()
        .filter(|v| ids.iter().any(|id| id == v.event.as_str()))
        .map(|v| {
            let (outcome, items) = match &v.outcome {
                VerificationOutcome::Matched => ("matched", String::new()),
                VerificationOutcome::Mismatched(items) => ("mismatched", items.join(" ")),
                VerificationOutcome::Unfiled => ("unfiled", String::new()),
                VerificationOutcome::NotFound => ("not found", String::new()),
            };
            vec![
                v.household.as_str().to_string(),
                v.person.map(|p| p.as_str().to_string()).unwrap_or_else(|| "-".into()),
                outcome.to_string(),
                items,
            ]
        })
        .collect();
    output::rows(&["household", "person", "outcome", "items"], &rows, args.format)?;
    if args.format == Format::Table {
        eprintln!("recorded {} verification(s), {} already in the store", report.applied, report.duplicates);
    }
    Ok(ExitCode::SUCCESS)
}
