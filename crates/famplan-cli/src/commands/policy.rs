//! `famplan policy`: the community's birth policy (生育政策, DOMAIN §11) — show the rules in
//! force on a date, check a policy file, keep one in the store (or forget it).

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::PolicySet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The birth policy and reward schemes by date.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Sub,
}

#[derive(Debug, clap::Subcommand)]
enum Sub {
    /// The birth rule and reward schemes in force on a date for a province: from --file, else
    /// the store's policy, else the built-in rules.
    Show {
        /// The date (default: today).
        #[arg(long, value_name = "DATE", value_parser = parse_date)]
        on: Option<NaiveDate>,
        /// A two-digit province code (default: the policy's own province, else national).
        #[arg(long, value_name = "CODE")]
        province: Option<String>,
        /// A policy file to read instead of the store's.
        #[arg(long, value_name = "FILE")]
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check a policy file: an error is reported as FILE:LINE: field: reason; nothing is stored.
    Check {
        /// The policy file (TOML, as rules/policy.toml).
        file: PathBuf,
    },
    /// Keep a policy file in the store as the community's policy (checked first; a bad file
    /// changes nothing).
    Set {
        /// The policy file (TOML, as rules/policy.toml).
        file: PathBuf,
    },
    /// Forget the store's policy: the built-in rules apply again.
    Clear,
}

/// Reads and checks a policy file; errors name the file as given.
pub fn read_file(path: &Path) -> Result<(String, PolicySet), Failure> {
    let text =
        std::fs::read_to_string(path).map_err(|e| Failure::Message(format!("{}: cannot read: {e}", path.display())))?;
    let policy = PolicySet::from_toml_str(&text, &path.display().to_string())?;
    Ok((text, policy))
}

/// Runs a `policy` subcommand.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    match args.command {
        Sub::Show { on, province, file, format } => {
            let policy = match file {
                Some(path) => read_file(&path)?.1,
                None if db.exists() => open_existing(db)?.view().map_err(store_error(db))?.policy().clone(),
                None => PolicySet::builtin().clone(),
            };
            let on = date_or_today(on);
            let province = province.as_deref();
            let mut rows: Vec<Vec<String>> = Vec::new();
            if let Some(r) = policy.birth_rule(province, on) {
                let fee = if r.social_maintenance_fee { "yes" } else { "no" };
                rows.push(vec![
                    "birth".into(),
                    r.jurisdiction.clone(),
                    r.name.clone(),
                    r.from.to_string(),
                    r.to.map(|d| d.to_string()).unwrap_or_default(),
                    format!(
                        "compliant up to {}, approval up to {}, fee {fee}",
                        r.compliant_up_to,
                        r.approval_up_to.map_or("-".into(), |a| a.to_string())
                    ),
                ]);
            }
            for s in policy.reward_schemes_on(province, on) {
                rows.push(vec![
                    "reward".into(),
                    s.jurisdiction.clone(),
                    s.name.clone(),
                    s.from.to_string(),
                    s.to.map(|d| d.to_string()).unwrap_or_default(),
                    format!("{} fen per {}", s.amount_fen, s.per),
                ]);
            }
            output::rows(&["kind", "jurisdiction", "name", "from", "to", "terms"], &rows, format)?;
        }
        Sub::Check { file } => {
            let (_, policy) = read_file(&file)?;
            let province = policy.province().map_or("national".to_string(), |p| format!("province {p}"));
            println!(
                "{}: ok: {} birth rule(s), {} reward scheme(s), {province}",
                file.display(),
                policy.birth_rules().len(),
                policy.reward_schemes().len()
            );
        }
        Sub::Set { file } => {
            let (text, _) = read_file(&file)?;
            let mut store = open_existing(db)?;
            let policy = store.set_policy(&text, &file.display().to_string()).map_err(store_error(db))?;
            let province = policy.province().map_or("national".to_string(), |p| format!("province {p}"));
            println!("kept {} as the community's policy ({province})", file.display());
        }
        Sub::Clear => {
            open_existing(db)?.clear_policy().map_err(store_error(db))?;
            println!("forgot the community's policy: the built-in rules apply");
        }
    }
    Ok(ExitCode::SUCCESS)
}
