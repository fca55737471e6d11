//! `famplan events [--after N]`.

use super::{Failure, open_existing, store_error};
use crate::output::{self, Format};
use famplan::io::{EventFormat, write_events};
use famplan_store::Watermark;
use std::path::Path;
use std::process::ExitCode;

/// Print the events that arrived after a watermark (all by default), in arrival order.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The sync watermark: the sequence number of the last event already seen.
    #[arg(long, value_name = "N", default_value = "0")]
    after: Watermark,
    /// `json`: JSON Lines (the events file format, the default); `csv`: the events CSV
    /// format; `table`: one line per event.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    format: Format,
}

/// Prints the events; the new watermark goes to stderr as `watermark: N`.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let store = open_existing(db)?;
    let (events, watermark) = store.events_after(args.after).map_err(store_error(db))?;
    match args.format {
        Format::Json => write_events(&events, std::io::stdout().lock(), EventFormat::JsonLines)?,
        Format::Csv => write_events(&events, std::io::stdout().lock(), EventFormat::Csv)?,
        Format::Table => {
            let rows: Vec<Vec<String>> = events
                .iter()
                .map(|e| {
                    let person = e.person().map(|p| p.to_string()).unwrap_or_default();
                    vec![e.date.to_string(), e.kind.code().to_string(), person, e.id.to_string()]
                })
                .collect();
            output::rows(&["date", "kind", "person", "id"], &rows, Format::Table)?;
        }
    }
    eprintln!("watermark: {watermark}");
    Ok(ExitCode::SUCCESS)
}
