//! `famplan import DIR|FILE`.

use super::{Failure, store_error};
use famplan::io::ImportMode;
use famplan_store::{Progress, Store};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Import a snapshot directory or workbook, or merge an events file.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A snapshot directory, a snapshot workbook (`.xlsx`), or an events file (`.jsonl` or `.csv`).
    path: PathBuf,
    /// Snapshot only: import the good rows and list the refused ones, instead of refusing
    /// the whole import when any row is bad.
    #[arg(long)]
    keep_going: bool,
}

/// Imports and prints what was taken in; a bad input changes nothing (a store created for
/// the import is removed again).
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let created = !db.exists();
    let store = Store::open(db).map_err(store_error(db))?;
    let result = import(store, db, args);
    if created && result.is_err() {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = db.as_os_str().to_owned();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
    result
}

fn import(mut store: Store, db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mode = if args.keep_going { ImportMode::KeepGoing } else { ImportMode::AllOrNothing };
    let workbook = args.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if args.path.is_dir() || workbook {
        let summary = if workbook {
            store.import_snapshot_xlsx(&args.path, mode).map_err(store_error(db))?
        } else {
            let bar = Bar::new();
            let summary = store
                .import_snapshot_dir_with_progress(&args.path, mode, &mut |p| bar.show(p))
                .map_err(store_error(db))?;
            bar.finish();
            summary
        };
        for w in &summary.warnings {
            eprintln!("warning: {w}");
        }
        for r in &summary.rejects {
            eprintln!("refused: {r}");
        }
        println!(
            "imported {} grid(s), {} household(s), {} person(s), {} visit(s), {} event(s); {} undated fact(s); {} row(s) refused",
            summary.areas,
            summary.households,
            summary.persons,
            summary.visits,
            summary.events,
            summary.undated.total(),
            summary.rejects.len()
        );
    } else {
        let report = store.import_events(&args.path).map_err(store_error(db))?;
        for c in &report.conflicts {
            eprintln!("conflict: event {}: {}", c.event.id, c.reason);
        }
        println!(
            "merged {}: {} applied, {} duplicate(s), {} conflict(s) kept in the log",
            args.path.display(),
            report.applied,
            report.duplicates,
            report.conflicts.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr, only when stderr is a terminal.
struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(None);
        }
        let bar = indicatif::ProgressBar::new(0);
        let style = indicatif::ProgressStyle::with_template("{msg:8} [{bar:40}] {pos}/{len}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar());
        bar.set_style(style);
        Bar(Some(bar))
    }

    fn show(&self, p: Progress) {
        if let Some(bar) = &self.0 {
            bar.set_message(p.stage);
            bar.set_length(p.total);
            bar.set_position(p.done);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
