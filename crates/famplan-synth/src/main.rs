//! `famplan-synth`: writes a synthetic snapshot directory, or the demo community's events.
//!
//! ```text
//! famplan-synth --persons 1000000 --seed 1 --out DIR [--names] [--floating-share 0.2]
//!               [--communities N] [--zones N] [--grids N]
//! famplan-synth --community --out FILE.jsonl|FILE.csv [--residents 10000] [--seed 1]
//!               [--end 2026-11-28] [--floating-share 0.2]
//! ```

use famplan::io::{EventFormat, write_events};
use famplan_synth::{CommunityConfig, SnapshotConfig, community_events, write_snapshot_dir};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: famplan-synth --persons N --seed S --out DIR [--names] [--floating-share F] \
                     [--communities N] [--zones N] [--grids N]\n       \
                     famplan-synth --community --out FILE.jsonl|FILE.csv [--residents N] [--seed S] \
                     [--end YYYY-MM-DD] [--floating-share F]";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("famplan-synth: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), String> {
    let mut persons: Option<u64> = None;
    let mut seed = 1u64;
    let mut out: Option<PathBuf> = None;
    let mut names = false;
    let mut floating: Option<f64> = None;
    let (mut communities, mut zones, mut grids) = (None, None, None);
    let (mut community, mut residents, mut end) = (false, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match a.as_str() {
            "--persons" => persons = Some(parse(&value("--persons")?, "--persons")?),
            "--seed" => seed = parse(&value("--seed")?, "--seed")?,
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--names" => names = true,
            "--floating-share" => floating = Some(parse(&value("--floating-share")?, "--floating-share")?),
            "--communities" => communities = Some(parse(&value("--communities")?, "--communities")?),
            "--zones" => zones = Some(parse(&value("--zones")?, "--zones")?),
            "--grids" => grids = Some(parse(&value("--grids")?, "--grids")?),
            "--community" => community = true,
            "--residents" => residents = Some(parse(&value("--residents")?, "--residents")?),
            "--end" => end = Some(parse(&value("--end")?, "--end")?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let out = out.ok_or("--out is required")?;
    if community {
        let mut cfg = CommunityConfig { seed, ..CommunityConfig::default() };
        if let Some(r) = residents {
            cfg.residents = r;
        }
        if let Some(e) = end {
            cfg.end = e;
        }
        if let Some(f) = floating {
            cfg.floating_share = f;
        }
        return write_community(&cfg, &out);
    }
    let persons = persons.ok_or("--persons is required")?;
    let mut cfg = SnapshotConfig::new(persons, seed);
    cfg.with_names = names;
    if let Some(f) = floating {
        cfg.floating_share = f;
    }
    if let Some(c) = communities {
        cfg.communities = c;
    }
    if let Some(z) = zones {
        cfg.zones_per_community = z;
    }
    if let Some(g) = grids {
        cfg.grids_per_zone = g;
    }
    let t = Instant::now();
    let n = write_snapshot_dir(&cfg, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "wrote {}: {} grids, {} households, {} persons ({} floating, {} WRA, {} married WRA), {} visits in {secs:.2} s",
        out.display(),
        n.grids,
        n.households,
        n.persons,
        n.floating,
        n.wra,
        n.married_wra,
        n.visits
    );
    Ok(())
}

fn write_community(cfg: &CommunityConfig, out: &std::path::Path) -> Result<(), String> {
    let name = out.display().to_string();
    let format = EventFormat::from_file_name(&name).ok_or_else(|| format!("{name}: use a .jsonl or .csv name"))?;
    let t = Instant::now();
    let events = community_events(cfg);
    let file = std::fs::File::create(out).map_err(|e| format!("{name}: {e}"))?;
    write_events(&events, std::io::BufWriter::new(file), format).map_err(|e| format!("{name}: {e}"))?;
    println!(
        "wrote {name}: {} events of a community of {} residents, {} to {}, in {:.2} s",
        events.len(),
        cfg.residents,
        events.first().map(|e| e.date.to_string()).unwrap_or_default(),
        cfg.end,
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

fn parse<T: std::str::FromStr>(s: &str, name: &str) -> Result<T, String> {
    s.parse().map_err(|_| format!("{name}: cannot read `{s}`"))
}
