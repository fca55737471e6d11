//! The six rates of `SIX_RATES.md`, computed with the library's public API only: the snapshot
//! reader, the registry, a user-defined follow-up rule (`testdata/rates/iud_followup.toml`), and
//! the rate engine. Same command line and result file as `benches/compare/six_rates_polars.py`.
//!
//! ```sh
//! cargo run --release --example six_rates -- --data DIR --format csv --out RESULT.csv \
//!     [--ref-date 2026-06-30] [--float-period 2026-06-01:2026-06-30] [--iud-period 2026-04-01:2026-06-30]
//! ```

use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
use famplan::{AreaLevel, CustomRate, GroupBy, Measure, Params, Period, RateCode, StateBasis};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

const HEADER: &str = "grid_id,wra,married_wra,case_file_n,case_file_rate,cpr_n,cpr,floating_n,floating_checked_n,\
floating_check_rate,iud_due_n,iud_done_n,iud_followup_rate";

struct Args {
    data: PathBuf,
    out: PathBuf,
    on: chrono::NaiveDate,
    float: Period,
    iud: Period,
}

fn args() -> Result<Args, String> {
    let mut a = std::env::args().skip(1);
    let (mut data, mut out, mut format) = (None, None, "csv".to_string());
    let (mut on, mut float, mut iud) =
        ("2026-06-30".to_string(), "2026-06-01:2026-06-30".to_string(), "2026-04-01:2026-06-30".to_string());
    while let Some(flag) = a.next() {
        let mut value = || a.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => data = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--format" => format = value()?,
            "--ref-date" => on = value()?,
            "--float-period" => float = value()?,
            "--iud-period" => iud = value()?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if format != "csv" {
        return Err(format!("--format {format}: this program reads the CSV snapshot only"));
    }
    let mut data = data.ok_or("--data DIR is required")?;
    if data.join("csv").is_dir() {
        data = data.join("csv");
    }
    Ok(Args {
        data,
        out: out.ok_or("--out RESULT.csv is required")?,
        on: famplan::parse_date(&on).ok_or(format!("--ref-date: `{on}` is not a date YYYY-MM-DD"))?,
        float: float.parse().map_err(|e| format!("--float-period: {e}"))?,
        iud: iud.parse().map_err(|e| format!("--iud-period: {e}"))?,
    })
}

fn main() -> std::process::ExitCode {
    let start = Instant::now();
    match run(start) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn rate(n: u64, d: u64) -> String {
    if d == 0 { String::new() } else { format!("{:?}", n as f64 / d as f64) }
}

fn run(start: Instant) -> Result<(), Box<dyn std::error::Error>> {
    let a = args()?;
    let open = |name: &str| -> Result<BufReader<File>, String> {
        File::open(a.data.join(name))
            .map(|f| BufReader::with_capacity(1 << 20, f))
            .map_err(|e| format!("{}: {e}", a.data.join(name).display()))
    };
    let files = SnapshotFiles::new()
        .areas("areas.csv", open("areas.csv")?)
        .households("households.csv", open("households.csv")?)
        .persons("persons.csv", open("persons.csv")?)
        .visits("visits.csv", open("visits.csv")?);
    let (reg, _) = read_snapshot(files, ImportMode::AllOrNothing)?;
    let loaded = Instant::now();

    // The IUD follow-up is a user-defined visit rule set (SIX_RATES §3): 1/3/6/12 months, ±15 days.
    let iud: Measure = CustomRate::from_toml(include_str!("../testdata/rates/iud_followup.toml"))?.into();
    // SIX_RATES counts every follow-up due in the period, with the visits up to the extraction
    // (the last window closes 15 days after the period). On the day a window closes it is still
    // open (DOMAIN §6), so A is the day after: no follow-up of the period is left open.
    let as_of = a.iud.end.max(a.float.end).max(a.on) + chrono::Days::new(16);
    // SIX_RATES reads every condition from the person's row as extracted, so the attributes are
    // taken as recorded on A (a method started after D counts); ages are still taken on D.
    let base = Params::new(a.on).as_of(as_of).basis(StateBasis::AsRecorded);
    let measures: Vec<Measure> =
        vec![RateCode::CaseFileRate.into(), RateCode::Cpr.into(), RateCode::FloatingCheckRate.into(), iud];
    let params = [base.period(a.float), base.period(a.float), base.period(a.float), base.period(a.iud)];
    let jobs: Vec<(&Measure, Params)> = measures.iter().zip(params).collect();
    let parts = reg.partials_each(&jobs, GroupBy::Grid);
    let mut grids: Vec<&str> = reg.areas().all(AreaLevel::Grid).iter().map(|g| g.id.as_str()).collect();
    grids.sort_by_key(|g| (g.parse::<i64>().unwrap_or(i64::MAX), *g));
    // Each measure's cells go to their grid's row: (denominator, numerator) columns of the
    // result for the case file rate, CPR, floating check and IUD follow-up.
    let at: HashMap<&str, usize> = grids.iter().enumerate().map(|(k, g)| (*g, k)).collect();
    let columns = [(0, 2), (1, 3), (4, 5), (6, 7)];
    let mut rows: Vec<[u64; 8]> = vec![[0; 8]; grids.len()];
    for (part, (den, num)) in parts.iter().zip(columns) {
        for (g, c) in &part.cells {
            if let Some(&k) = at.get(g.as_str()) {
                rows[k][den] = c.denominator;
                rows[k][num] = c.numerator;
            }
        }
    }
    let computed = Instant::now();

    let mut w = BufWriter::new(File::create(&a.out).map_err(|e| format!("{}: {e}", a.out.display()))?);
    writeln!(w, "{HEADER}")?;
    let mut total = [0u64; 8];
    let line = |w: &mut BufWriter<File>, key: &str, c: &[u64; 8]| -> std::io::Result<()> {
        let [wra, married, cf_n, cpr_n, fl_n, fl_c, iud_due, iud_done] = *c;
        writeln!(
            w,
            "{key},{wra},{married},{cf_n},{},{cpr_n},{},{fl_n},{fl_c},{},{iud_due},{iud_done},{}",
            rate(cf_n, wra),
            rate(cpr_n, married),
            rate(fl_c, fl_n),
            rate(iud_done, iud_due)
        )
    };
    for (g, c) in grids.iter().zip(&rows) {
        line(&mut w, g, c)?;
        for (t, v) in total.iter_mut().zip(c) {
            *t += v;
        }
    }
    line(&mut w, "ALL", &total)?;
    w.flush()?;
    let written = Instant::now();
    println!(
        "{{\"impl\": \"rust\", \"format\": \"csv\", \"load_s\": {:.4}, \"compute_s\": {:.4}, \"write_s\": {:.4}, \"total_s\": {:.4}}}",
        (loaded - start).as_secs_f64(),
        (computed - loaded).as_secs_f64(),
        (written - computed).as_secs_f64(),
        (written - start).as_secs_f64()
    );
    Ok(())
}
