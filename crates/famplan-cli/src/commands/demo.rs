//! `famplan demo`: a seeded, realistic community into the store, then the grid rates against
//! their targets and one keeper's work list for today.

use super::{Failure, date_or_today, parse_date, store_error};
use crate::output::{self, Format};
use chrono::NaiveDate;
use famplan::{AreaLevel, GroupBy, Measure, Params, Period, RateCode, RuleSet, Schedule};
use famplan_store::Store;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Generate a demo community (9 zones, 18 grids, about 10,000 residents, two years of events).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Residents to generate.
    #[arg(long, default_value_t = 10_000)]
    residents: u32,
    /// Random seed: the same seed gives the same community.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The last day of the two years of events, and the day of the work list (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<NaiveDate>,
}

/// Generates, stores, and prints.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let today = date_or_today(args.today);
    let started = Instant::now();
    let cfg =
        famplan_synth::CommunityConfig { residents: args.residents, seed: args.seed, end: today, ..Default::default() };
    let events = famplan_synth::community_events(&cfg);
    let generated = started.elapsed();
    let mut store = Store::open(db).map_err(store_error(db))?;
    let count = events.len();
    let report = store.merge(events).map_err(store_error(db))?;
    eprintln!(
        "famplan: generated {count} events in {:.1} s; {} new in {} ({} already there, {} conflicts), {:.1} s in all",
        generated.as_secs_f64(),
        report.applied,
        db.display(),
        report.duplicates,
        report.conflicts.len(),
        started.elapsed().as_secs_f64()
    );
    let reg = store.view().map_err(store_error(db))?;

    // The report's rates that have a target (目标管理责任制), over the last full month (the
    // reconciliation over the last full quarter), known as of today.
    let rates: Vec<RateCode> =
        super::report::DEFAULT_RATES.iter().copied().filter(|c| c.info().default_target.is_some()).collect();
    let month = Period::month_of(Period::month_of(today).start.pred_opt().expect("a day before"));
    let quarter = Period::quarter_of(Period::quarter_of(today).start.pred_opt().expect("a day before"));
    let tables: Vec<_> = rates
        .iter()
        .map(|&c| {
            let period = if c == RateCode::ReconciliationRate { quarter } else { month };
            reg.rate(&Measure::Catalogue(c), &Params::new(period.end).period(period).as_of(today), GroupBy::Grid)
        })
        .collect();
    let mut header = vec!["grid".to_string(), "keeper".to_string()];
    header.extend(rates.iter().map(|c| {
        let info = c.info();
        format!("{} ≥{}%", info.zh, info.default_target.unwrap_or(0.0))
    }));
    let mark = |rate: &famplan::Rate, target: Option<f64>| match (rate.percent(), target) {
        (None, _) => "no data".to_string(),
        (Some(_), None) => rate.to_string(),
        (Some(a), Some(t)) => format!("{rate} {}", if a >= t { "✓" } else { "✗" }),
    };
    let mut grids: Vec<_> = reg.areas().all(AreaLevel::Grid).iter().collect();
    grids.sort_by(|a, b| a.id.cmp(&b.id));
    let mut rows = Vec::new();
    for grid in &grids {
        let keeper = reg.areas().keeper(&grid.id.as_str().into()).and_then(|k| k.name.clone()).unwrap_or_default();
        let mut row = vec![grid.id.clone(), keeper];
        for (t, c) in tables.iter().zip(&rates) {
            row.push(
                t.row(&grid.id).map(|r| mark(&r.rate, c.info().default_target)).unwrap_or_else(|| "no data".into()),
            );
        }
        rows.push(row);
    }
    let mut total = vec!["all".to_string(), String::new()];
    total.extend(tables.iter().zip(&rates).map(|(t, c)| mark(&t.total.rate, c.info().default_target)));
    rows.push(total);
    println!("Rates by grid for {month} (quarterly reconciliation: {quarter}), as of {today}; ✓ = target met:\n");
    output::rows(&header.iter().map(String::as_str).collect::<Vec<_>>(), &rows, Format::Table)?;

    // Today's work list of the first grid's keeper.
    let first = grids.first().ok_or_else(|| Failure::Message("the store has no grid".into()))?;
    let keeper = reg
        .areas()
        .keeper(&first.id.as_str().into())
        .ok_or_else(|| Failure::Message(format!("grid {} has no keeper", first.id)))?;
    let horizon = Period::new(today - chrono::Days::new(400), today + chrono::Days::new(400)).expect("ordered");
    let schedule = Schedule::new(reg, RuleSet::default_rules(), horizon);
    let list = schedule.keeper_work_list(reg, &keeper.id, today);
    println!(
        "\nWork list of {} ({}, grid {}) for {today}: {} visits due or overdue\n",
        keeper.name.as_deref().unwrap_or(""),
        keeper.id,
        first.id,
        list.items.len()
    );
    let rows: Vec<Vec<String>> = list
        .items
        .iter()
        .take(20)
        .map(|item| {
            let o = &item.obligation;
            let who =
                o.person().map(|p| reg.person(&p.into()).map(|x| format!("{} {}", p, x.name)).unwrap_or_default());
            vec![
                if item.priority_client { "★".into() } else { String::new() },
                who.unwrap_or_else(|| format!("household {}", o.household())),
                o.rule().name.clone(),
                o.due.to_string(),
                o.window.end.to_string(),
                format!("{:?}", o.state).to_lowercase(),
                o.why().to_string(),
            ]
        })
        .collect();
    output::rows(&["", "who", "visit", "due", "window closes", "state", "because"], &rows, Format::Table)?;
    if list.items.len() > 20 {
        println!("… and {} more (famplan due --keeper {})", list.items.len() - 20, keeper.id);
    }
    Ok(ExitCode::SUCCESS)
}
