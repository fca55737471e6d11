//! `famplan disclose`: the public-disclosure notice page (政务公开, DOMAIN §13).

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use chrono::NaiveDate;
use famplan::{Audience, DisclosureCategory, DisclosureOptions, DisclosurePage, LegalBasis, Notices};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The page format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum PageFormat {
    /// Markdown.
    #[default]
    Md,
    /// One self-contained HTML page.
    Html,
}

/// The notice page of a board on a date: every current notice in the five categories, with
/// the dynamic ones generated from the registry; names, ID numbers, phones and addresses
/// masked, counts under 5 shown as "<5".
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The date of the page (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Whose board: `community`, `zone:ID` or `grid:ID`.
    #[arg(long, value_name = "BOARD", default_value = "community", value_parser = parse_audience)]
    board: Audience,
    /// Only these categories (repeat; default all five): policy, procedure, service,
    /// rights_protection, dynamic.
    #[arg(long, value_name = "CATEGORY", value_parser = parse_category)]
    category: Vec<DisclosureCategory>,
    /// The authored notices and the service hotline (TOML, see rules/disclosure.toml;
    /// default: those kept in the store, else the shipped ones).
    #[arg(long, value_name = "FILE")]
    notices: Option<PathBuf>,
    /// Keep the --notices file in the store: later pages (and the phone app) use it.
    #[arg(long, requires = "notices")]
    keep: bool,
    /// The recorded legal basis for publishing the list of reward recipients (masked);
    /// without it only counts are published.
    #[arg(long, value_name = "TEXT", requires = "legal_basis_by")]
    legal_basis: Option<String>,
    /// Who recorded the legal basis (staff id).
    #[arg(long, value_name = "STAFF", requires = "legal_basis")]
    legal_basis_by: Option<String>,
    /// When the legal basis was recorded (default: the page date).
    #[arg(long, value_name = "DATE", value_parser = parse_date, requires = "legal_basis")]
    legal_basis_on: Option<NaiveDate>,
    /// Page format.
    #[arg(long, value_enum, default_value_t)]
    format: PageFormat,
}

fn parse_audience(s: &str) -> Result<Audience, String> {
    s.parse::<Audience>().map_err(|e| e.to_string().trim_start_matches("audience: ").to_string())
}

fn parse_category(s: &str) -> Result<DisclosureCategory, String> {
    s.parse()
}

/// Prints the page.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let on = date_or_today(args.on);
    let mut store = open_existing(db)?;
    let notices = match &args.notices {
        None => store.notices().map_err(store_error(db))?,
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::Message(format!("{}: cannot read: {e}", path.display())))?;
            let file = path.display().to_string();
            if args.keep {
                store.set_notices(&text, &file).map_err(store_error(db))?
            } else {
                Notices::from_toml_str(&text, &file)?
            }
        }
    };
    let legal_basis = match (&args.legal_basis, &args.legal_basis_by) {
        (Some(text), Some(by)) => Some(LegalBasis::new(text, args.legal_basis_on.unwrap_or(on), by.as_str().into())?),
        _ => None,
    };
    let opts = DisclosureOptions { legal_basis, categories: args.category };
    let reg = store.view().map_err(store_error(db))?;
    let page = DisclosurePage::build(reg, &notices, &args.board, on, &opts)?;
    let text = match args.format {
        PageFormat::Md => page.to_markdown(),
        PageFormat::Html => page.to_html(),
    };
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
