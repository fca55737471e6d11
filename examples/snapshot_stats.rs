//! Load a snapshot directory and print what it holds, how long loading took, the memory
//! the registry uses per person, and the residents / WRA / married WRA of each grid.
//!
//! ```sh
//! cargo run --release --example snapshot_stats -- DIR [YYYY-MM-DD]
//! cargo run --release --example snapshot_stats -- DIR 2026-06-30 --in-memory 7
//! ```
//!
//! With `--in-memory N` the four files are read into memory first and loaded N times; the
//! median load is printed (the parsing alone, without the disk or the kernel's copy).

use famplan::io::{EventFormat, ImportMode, SnapshotFiles, read_snapshot};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;
use std::time::Instant;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: snapshot_stats DIR [YYYY-MM-DD]")?;
    let on = args.next().unwrap_or_else(|| "2026-06-30".into()).parse()?;
    if let (Some(flag), Some(n)) = (args.next(), args.next()) {
        if flag != "--in-memory" {
            return Err(format!("unknown option `{flag}`").into());
        }
        return in_memory(Path::new(&dir), n.parse()?);
    }
    let dir = Path::new(&dir);
    let open = |name: &str| -> Result<BufReader<File>, Box<dyn std::error::Error>> {
        Ok(BufReader::with_capacity(1 << 20, File::open(dir.join(name)).map_err(|e| format!("{}: {e}", name))?))
    };
    let start = Instant::now();
    let mut files = SnapshotFiles::new()
        .areas("areas.csv", open("areas.csv")?)
        .households("households.csv", open("households.csv")?)
        .persons("persons.csv", open("persons.csv")?)
        .visits("visits.csv", open("visits.csv")?);
    for (name, format) in [("events.jsonl", EventFormat::JsonLines), ("events.csv", EventFormat::Csv)] {
        if dir.join(name).exists() {
            files = files.events(name, open(name)?, format);
        }
    }
    let (reg, summary) = read_snapshot(files, ImportMode::AllOrNothing)?;
    let load = start.elapsed();
    let start = Instant::now();
    let rows = reg.population_by_grid(on);
    let count = start.elapsed();
    let persons = reg.len().max(1);
    println!(
        "{} persons, {} households, {} visits, {} events; undated facts: {:?}",
        reg.len(),
        reg.household_count(),
        reg.visit_count(),
        summary.events,
        summary.undated
    );
    println!(
        "load {:.3} s ({:.0} persons/s); state ≈ {} bytes/person; counts by grid on {on}: {:.1} ms",
        load.as_secs_f64(),
        persons as f64 / load.as_secs_f64(),
        reg.heap_bytes() / persons,
        count.as_secs_f64() * 1e3
    );
    let (r, w, m) = rows.iter().fold((0, 0, 0), |(r, w, m), g| (r + g.resident, w + g.wra, m + g.married_wra));
    println!("{} grids: {r} residents, {w} WRA, {m} married WRA", rows.len());
    for w in &summary.warnings {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// Loads the snapshot `n` times from memory and prints the median.
fn in_memory(dir: &Path, n: usize) -> Result<(), Box<dyn std::error::Error>> {
    let read = |name: &str| std::fs::read(dir.join(name)).map_err(|e| format!("{name}: {e}"));
    let (a, h, p, v) = (read("areas.csv")?, read("households.csv")?, read("persons.csv")?, read("visits.csv")?);
    let mut times = Vec::new();
    for _ in 0..n.max(1) {
        let files = SnapshotFiles::new()
            .areas("areas.csv", &a[..])
            .households("households.csv", &h[..])
            .persons("persons.csv", &p[..])
            .visits("visits.csv", &v[..]);
        let start = Instant::now();
        let (reg, _) = read_snapshot(files, ImportMode::AllOrNothing)?;
        times.push(start.elapsed().as_secs_f64());
        drop(reg);
    }
    let all: Vec<String> = times.iter().map(|t| format!("{t:.3}")).collect();
    times.sort_by(f64::total_cmp);
    println!("in-memory load: median {:.3} s over {} runs ({})", times[times.len() / 2], times.len(), all.join(" "));
    Ok(())
}
