//! The Rust side of `bench/bench.py`: the same core calls the Python benchmark makes, timed
//! in-process, so that the binding's overhead is the difference.
//!
//! ```sh
//! cargo run --release -p famplan-python --example rust_calls -- RATES_DIR DRILL_DIR [REPEATS]
//! ```
//!
//! Prints one JSON line of the times in seconds of each run: `rates` (four rates by grid in
//! one pass, as `Registry.rates`) on RATES_DIR, `drill_down` (every person of community `1`
//! with the `everyone` rate, as entries) and `drill_down_columns` (the same in columns, as
//! `Registry.drill_down` calls it) on DRILL_DIR.

use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
use famplan::{CustomRate, GroupBy, Measure, Params, Period, RateCode, Registry};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

/// The rate the Python benchmark drills into: every person, counted when female.
pub const EVERYONE: &str = "code = \"everyone\"\nname = \"all persons\"\n[denominator]\n[numerator]\nsex = \"F\"\n";

fn load(dir: &Path) -> Result<Registry, Box<dyn std::error::Error>> {
    let open = |n: &str| -> std::io::Result<BufReader<File>> {
        Ok(BufReader::with_capacity(1 << 20, File::open(dir.join(n))?))
    };
    let files = SnapshotFiles::new()
        .areas("areas.csv", open("areas.csv")?)
        .households("households.csv", open("households.csv")?)
        .persons("persons.csv", open("persons.csv")?)
        .visits("visits.csv", open("visits.csv")?);
    Ok(read_snapshot(files, ImportMode::AllOrNothing)?.0)
}

fn time<T>(repeats: usize, mut f: impl FnMut() -> T) -> Vec<f64> {
    (0..repeats)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rates_dir, drill_dir, rest @ ..] = args.as_slice() else {
        return Err("usage: rust_calls RATES_DIR DRILL_DIR [REPEATS]".into());
    };
    let repeats: usize = rest.first().map(|r| r.parse()).transpose()?.unwrap_or(7);
    let d = |s: &str| s.parse::<chrono::NaiveDate>();
    let params = Params::new(d("2026-06-30")?).period(Period::month(2026, 6).ok_or("June")?).as_of(d("2026-07-15")?);

    let reg = load(Path::new(rates_dir))?;
    let codes = [RateCode::CaseFileRate, RateCode::Cpr, RateCode::FloatingCheckRate, RateCode::MethodMix];
    let measures: Vec<Measure> = codes.into_iter().map(Measure::from).collect();
    let rates = time(repeats, || {
        let parts = reg.partials(&measures, &params, GroupBy::Grid);
        parts.iter().map(|p| p.group(reg.areas(), GroupBy::Grid)).collect::<Vec<_>>()
    });
    drop(reg);

    let reg = load(Path::new(drill_dir))?;
    let everyone: Measure = CustomRate::from_toml(EVERYONE)?.into();
    let mut rows = 0;
    let drill = time(repeats, || {
        let e = reg.drill_down(&everyone, &params, GroupBy::Community, "1");
        rows = e.len();
        e
    });
    // In columns, as `Registry.drill_down` in Python calls it.
    let columns = time(repeats, || reg.drill_down_columns(&everyone, &params, GroupBy::Community, "1").len());
    println!(
        "{{\"impl\": \"rust\", \"rates_s\": {rates:?}, \"drill_down_s\": {drill:?}, \"drill_down_columns_s\": {columns:?}, \"drill_down_rows\": {rows}}}"
    );
    Ok(())
}
