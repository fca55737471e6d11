//! `famplan`: the command line over a community's store (`--db`, default `./famplan.db`).
//!
//! Each subcommand lives in its own file under `commands/` with its clap `Args` and a
//! `run`; adding one (`demo`, `report`, `due`, `verify` …) is a new file, one variant of
//! [`Command`] and one match arm in [`run`].

mod commands;
mod output;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Community population and family-planning services (社区人口计生服务): import ledgers,
/// look people up, check ID numbers, export.
#[derive(Debug, Parser)]
#[command(name = "famplan", version, propagate_version = true)]
struct Cli {
    /// The store file.
    #[arg(long, global = true, value_name = "PATH", default_value = "./famplan.db")]
    db: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate a realistic demo community into the store (9 zones, 18 grids, about 10,000
    /// residents, two years of events), then print the grid rates against their targets and
    /// one keeper's work list for today.
    Demo(commands::demo::Args),
    /// What the store holds: households, persons, open case files, events, conflicts.
    Status(commands::status::Args),
    /// Import a snapshot directory (areas.csv, households.csv, persons.csv, visits.csv,
    /// optional events.jsonl/events.csv) or merge an events file (.jsonl or .csv).
    Import(commands::import::Args),
    /// Export the store as a snapshot directory plus events.jsonl, which imports back to
    /// the same registry.
    Export(commands::export::Args),
    /// Check resident ID numbers (公民身份号码): normalised number, birth date and sex, or
    /// why a number is invalid (exit 1).
    Id(commands::id::Args),
    /// One person: the record, the state on a date, the case file and the visit schedule
    /// (obligations with their states and why).
    Person(commands::person::Args),
    /// The event log, or the events that arrived after a sync watermark.
    Events(commands::events::Args),
    /// Rates by zone, grid or keeper against the catalogue's default targets (met / not met /
    /// no data), as a table, CSV, JSON or one self-contained HTML page with bar charts.
    Report(commands::report::Args),
    /// A grid's or a keeper's work list for a date: due and overdue visits, key population
    /// and special clients first, each with why it is owed.
    Due(commands::due::Args),
    /// Record a verification (核查) from a CSV file and print how each person compares with
    /// the registry: matched, mismatched (which items), unfiled, not found.
    Verify(commands::verify::Args),
    /// The contraceptive supplies ledger (药具台账): record receipts, dispenses and losses;
    /// stock on hand, days of cover, lots expiring soon.
    Supplies(commands::supplies::Args),
    /// One-stop applications (一站式服务): list them (overdue ones too), record a step, log
    /// and answer service requests.
    Applications(commands::applications::Args),
    /// The public-disclosure notice page (政务公开) of a board on a date, as Markdown or HTML:
    /// the five categories, dynamic notices from the registry, personal data masked.
    Disclose(commands::disclose::Args),
    /// The year's publicity calendar (宣传) on a date: each planned activity done, due,
    /// late or upcoming against an activity log.
    Publicity(commands::publicity::Args),
    /// The community's birth policy (生育政策): the rules in force on a date, check a policy
    /// file, keep one in the store.
    Policy(commands::policy::Args),
}

fn run(cli: Cli) -> Result<ExitCode, commands::Failure> {
    match cli.command {
        Command::Demo(args) => commands::demo::run(&cli.db, args),
        Command::Status(args) => commands::status::run(&cli.db, args),
        Command::Import(args) => commands::import::run(&cli.db, args),
        Command::Export(args) => commands::export::run(&cli.db, args),
        Command::Id(args) => commands::id::run(args),
        Command::Person(args) => commands::person::run(&cli.db, args),
        Command::Events(args) => commands::events::run(&cli.db, args),
        Command::Report(args) => commands::report::run(&cli.db, args),
        Command::Due(args) => commands::due::run(&cli.db, args),
        Command::Verify(args) => commands::verify::run(&cli.db, args),
        Command::Supplies(args) => commands::supplies::run(&cli.db, args),
        Command::Applications(args) => commands::applications::run(&cli.db, args),
        Command::Disclose(args) => commands::disclose::run(&cli.db, args),
        Command::Publicity(args) => commands::publicity::run(args),
        Command::Policy(args) => commands::policy::run(&cli.db, args),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("famplan: {failure}");
            ExitCode::FAILURE
        }
    }
}
