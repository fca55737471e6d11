//! `famplan id NUMBER...`.

use super::Failure;
use crate::output::{self, Format};
use famplan::ResidentId;
use std::process::ExitCode;

/// Check resident ID numbers (GB 11643-1999, 15 or 18 characters).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The numbers to check.
    #[arg(required = true, value_name = "NUMBER")]
    numbers: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: Format,
}

/// Prints each valid number normalised, with birth date and sex; each invalid one on
/// stderr with the reason. Exit 1 when any is invalid.
pub fn run(args: Args) -> Result<ExitCode, Failure> {
    let mut rows = Vec::new();
    let mut invalid = 0;
    for n in &args.numbers {
        match ResidentId::parse(n) {
            Ok(id) => rows.push(vec![id.to_string(), id.birth_date().to_string(), id.sex().code().to_string()]),
            Err(e) => {
                invalid += 1;
                eprintln!("famplan: {n}: {e}");
            }
        }
    }
    if !rows.is_empty() {
        output::rows(&["id_number", "birth_date", "sex"], &rows, args.format)?;
    }
    Ok(if invalid == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
