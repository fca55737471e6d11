//! The snapshot writer: format, determinism and realism.

use chrono::NaiveDate;
use famplan::{ResidentId, Sex, age_on};
use famplan_synth::{
    AREAS_HEADER, HOUSEHOLDS_HEADER, PERSONS_HEADER, PERSONS_HEADER_WITH_NAMES, SnapshotConfig, SnapshotCounts,
    VISITS_HEADER, write_areas, write_population, write_snapshot_dir,
};
use std::collections::{HashMap, HashSet};

struct Files {
    areas: String,
    households: String,
    persons: String,
    visits: String,
    counts: SnapshotCounts,
}

fn generate(cfg: &SnapshotConfig) -> Files {
    let mut areas = Vec::new();
    write_areas(cfg, &mut areas).unwrap();
    let (mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new());
    let counts = write_population(cfg, &mut h, &mut p, &mut v).unwrap();
    let s = |b: Vec<u8>| String::from_utf8(b).unwrap();
    Files { areas: s(areas), households: s(h), persons: s(p), visits: s(v), counts }
}

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines().skip(1).map(|l| l.split(',').collect())
}

fn date(s: &str) -> NaiveDate {
    famplan::parse_date(s).unwrap_or_else(|| panic!("bad date `{s}`"))
}

#[test]
fn headers_are_exactly_those_of_six_rates() {
    assert_eq!(AREAS_HEADER, "grid_id,zone_id,community_id");
    assert_eq!(HOUSEHOLDS_HEADER, "household_id,grid_id,kind");
    assert_eq!(
        PERSONS_HEADER,
        "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date"
    );
    assert_eq!(VISITS_HEADER, "visit_id,person_id,date,kind");
    assert_eq!(PERSONS_HEADER_WITH_NAMES, format!("{PERSONS_HEADER},name,id_number,phone"));
    let f = generate(&SnapshotConfig::new(2_000, 1));
    assert_eq!(f.areas.lines().next(), Some(AREAS_HEADER));
    assert_eq!(f.households.lines().next(), Some(HOUSEHOLDS_HEADER));
    assert_eq!(f.persons.lines().next(), Some(PERSONS_HEADER));
    assert_eq!(f.visits.lines().next(), Some(VISITS_HEADER));
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let mut cfg = SnapshotConfig::new(5_000, 7);
    cfg.with_names = true;
    let a = generate(&cfg);
    let b = generate(&cfg);
    assert_eq!(a.persons, b.persons);
    assert_eq!(a.households, b.households);
    assert_eq!(a.visits, b.visits);
    assert_eq!(a.areas, b.areas);
    cfg.seed = 8;
    let c = generate(&cfg);
    assert_ne!(a.persons, c.persons);
    assert_ne!(a.visits, c.visits);
}

#[test]
fn the_directory_holds_the_same_bytes() {
    let cfg = SnapshotConfig::new(1_500, 3);
    let dir = std::env::temp_dir().join(format!("famplan-synth-test-{}", std::process::id()));
    let counts = write_snapshot_dir(&cfg, &dir).unwrap();
    let f = generate(&cfg);
    assert_eq!(std::fs::read_to_string(dir.join("persons.csv")).unwrap(), f.persons);
    assert_eq!(std::fs::read_to_string(dir.join("visits.csv")).unwrap(), f.visits);
    assert_eq!(std::fs::read_to_string(dir.join("areas.csv")).unwrap(), f.areas);
    assert_eq!(std::fs::read_to_string(dir.join("households.csv")).unwrap(), f.households);
    assert_eq!(counts, SnapshotCounts { grids: 18, ..f.counts });
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn values_are_in_the_contract_and_references_hold() {
    let cfg = SnapshotConfig::new(30_000, 11);
    let f = generate(&cfg);
    // Areas: zone = c*100+z, grid = zone*10+g, grid ids unique and ascending.
    let mut grids = Vec::new();
    for r in rows(&f.areas) {
        let (g, z, c): (u64, u64, u64) = (r[0].parse().unwrap(), r[1].parse().unwrap(), r[2].parse().unwrap());
        assert_eq!(g / 10, z);
        assert_eq!(z / 100, c);
        grids.push(g);
    }
    assert_eq!(grids.len() as u64, cfg.grids());
    assert!(grids.windows(2).all(|w| w[0] < w[1]));
    let grid_set: HashSet<u64> = grids.into_iter().collect();

    let mut household_grid = HashMap::new();
    for r in rows(&f.households) {
        assert_eq!(r.len(), 3);
        assert!(["registered", "rental", "street_front"].contains(&r[2]), "kind {}", r[2]);
        let g: u64 = r[1].parse().unwrap();
        assert!(grid_set.contains(&g));
        assert!(household_grid.insert(r[0].parse::<u64>().unwrap(), g).is_none(), "household ids unique");
    }
    assert_eq!(household_grid.len() as u64, f.counts.households);

    let mut ids = HashSet::new();
    for r in rows(&f.persons) {
        assert_eq!(r.len(), 11, "{r:?}");
        let pid: u64 = r[0].parse().unwrap();
        assert!(ids.insert(pid), "person ids unique");
        let h: u64 = r[1].parse().unwrap();
        let g: u64 = r[2].parse().unwrap();
        assert_eq!(household_grid[&h], g, "person {pid}: her grid is her household's");
        assert!(["F", "M"].contains(&r[3]));
        let birth = date(r[4]);
        assert!(birth <= cfg.reference_date);
        assert!(["single", "married", "divorced", "widowed"].contains(&r[5]));
        assert!(["registered", "floating"].contains(&r[6]));
        assert!(["0", "1"].contains(&r[7]));
        assert!(
            ["", "none", "iud", "sterilization", "implant", "injectable", "pill", "condom"].contains(&r[8]),
            "method {}",
            r[8]
        );
        if !r[9].is_empty() {
            let start = date(r[9]);
            assert!(start > birth && start <= cfg.extraction_date);
            assert!(!["", "none"].contains(&r[8]), "a start date without a method");
        }
        if !r[10].is_empty() {
            let b = date(r[10]);
            assert_eq!(r[3], "F");
            assert!(age_on(birth, b) >= 17 && b <= cfg.reference_date, "birth at {}", age_on(birth, b));
        }
        if r[3] == "M" {
            assert!(r[8].is_empty() && r[10].is_empty() && r[7] == "0");
        }
    }
    assert_eq!(ids.len() as u64, cfg.persons);

    let mut visit_ids = HashSet::new();
    for r in rows(&f.visits) {
        assert_eq!(r.len(), 4);
        assert!(visit_ids.insert(r[0].parse::<u64>().unwrap()));
        assert!(ids.contains(&r[1].parse::<u64>().unwrap()));
        assert!(date(r[2]) <= cfg.extraction_date);
        assert!(
            ["marriage_home", "birth_home", "post_surgery", "supply_followup", "floating_monthly_check"]
                .contains(&r[3])
        );
    }
    assert_eq!(visit_ids.len() as u64, f.counts.visits);
}

#[test]
fn names_ids_and_phones_are_valid_and_consistent() {
    let mut cfg = SnapshotConfig::new(20_000, 5);
    cfg.with_names = true;
    let f = generate(&cfg);
    assert_eq!(f.persons.lines().next(), Some(PERSONS_HEADER_WITH_NAMES));
    let mut n = 0;
    for r in rows(&f.persons) {
        assert_eq!(r.len(), 14);
        assert!(r[11].chars().count() >= 2 && r[11].chars().all(|c| !c.is_ascii()), "name {}", r[11]);
        let id = ResidentId::parse(r[12]).unwrap_or_else(|e| panic!("{}: {e}", r[12]));
        let sex: Sex = r[3].parse().unwrap();
        assert!(id.disagreements(date(r[4]), sex).is_empty(), "{} vs {} {}", r[12], r[4], r[3]);
        if !r[13].is_empty() {
            assert!(famplan::Phone::parse(r[13]).unwrap().is_mobile());
        }
        n += 1;
    }
    assert_eq!(n, 20_000);
}

#[test]
fn the_population_looks_like_a_chinese_urban_one() {
    let cfg = SnapshotConfig::new(100_000, 2);
    let f = generate(&cfg);
    let d = cfg.reference_date;
    let (mut males, mut females, mut floating, mut wra, mut married_wra, mut filed, mut users) = (0, 0, 0, 0, 0, 0, 0);
    let mut kinds_of_floating: HashMap<&str, u32> = HashMap::new();
    let kinds: HashMap<&str, &str> = rows(&f.households).map(|r| (r[0], r[2])).collect();
    let mut methods: HashMap<&str, u32> = HashMap::new();
    for r in rows(&f.persons) {
        if r[3] == "M" {
            males += 1;
        } else {
            females += 1;
        }
        if r[6] == "floating" {
            floating += 1;
            *kinds_of_floating.entry(kinds[r[1]]).or_default() += 1;
        }
        let age = age_on(date(r[4]), d);
        if r[3] == "F" && (15..=49).contains(&age) {
            wra += 1;
            filed += u32::from(r[7] == "1");
            if r[5] == "married" {
                married_wra += 1;
                users += u32::from(!["", "none"].contains(&r[8]));
                *methods.entry(r[8]).or_default() += 1;
            }
        }
    }
    let n = f64::from(males + females);
    let ratio = f64::from(males) / f64::from(females);
    assert!((1.0..=1.1).contains(&ratio), "sex ratio {ratio}");
    let share = f64::from(floating) / n;
    assert!((0.18..=0.22).contains(&share), "floating share {share}");
    let in_rentals = f64::from(kinds_of_floating["rental"] + kinds_of_floating["street_front"]) / f64::from(floating);
    assert!(in_rentals > 0.8, "floating in rentals and street fronts: {in_rentals}");
    let households_per_million = f.counts.households as f64 / n * 1e6;
    assert!((340_000.0..=400_000.0).contains(&households_per_million), "{households_per_million}");
    let filed = f64::from(filed) / f64::from(wra);
    assert!((0.95..=0.99).contains(&filed), "case file rate {filed}");
    let cpr = f64::from(users) / f64::from(married_wra);
    assert!((0.7..=0.85).contains(&cpr), "cpr {cpr}");
    assert!(f64::from(married_wra) / f64::from(wra) > 0.5);
    let most = methods.iter().filter(|(m, _)| !["", "none"].contains(m)).max_by_key(|(_, c)| **c).unwrap();
    assert_eq!(*most.0, "iud");
    let per_person = f.counts.visits as f64 / n;
    assert!((1.5..=1.9).contains(&per_person), "visits per person {per_person}");
}

#[test]
fn floating_share_is_a_parameter() {
    let mut cfg = SnapshotConfig::new(20_000, 9);
    cfg.floating_share = 0.0;
    assert_eq!(generate(&cfg).counts.floating, 0);
    cfg.floating_share = 0.4;
    let share = generate(&cfg).counts.floating as f64 / 20_000.0;
    assert!((0.36..=0.44).contains(&share), "{share}");
}

#[test]
fn bad_configurations_are_refused() {
    let mut cfg = SnapshotConfig::new(10, 1);
    cfg.grids_per_zone = 10;
    assert!(write_areas(&cfg, std::io::sink()).is_err());
    let mut cfg = SnapshotConfig::new(10, 1);
    cfg.zones_per_community = 100;
    assert!(write_population(&cfg, std::io::sink(), std::io::sink(), std::io::sink()).is_err());
}

#[test]
fn iud_follow_ups_are_mostly_on_time() {
    // The SIX_RATES IUD follow-up: due 1/3/6/12 months after the start in Q2, done within ±15 days.
    let cfg = SnapshotConfig::new(60_000, 4);
    let f = generate(&cfg);
    let mut post: HashMap<&str, Vec<NaiveDate>> = HashMap::new();
    for r in rows(&f.visits) {
        if r[3] == "post_surgery" {
            post.entry(r[1]).or_default().push(date(r[2]));
        }
    }
    let (i0, i1) = (date("2026-04-01"), date("2026-06-30"));
    let (mut due, mut done) = (0, 0);
    for r in rows(&f.persons) {
        if r[3] == "F" && r[8] == "iud" && !r[9].is_empty() {
            for k in [1, 3, 6, 12] {
                let dk = famplan::add_months(date(r[9]), k).unwrap();
                if dk >= i0 && dk <= i1 {
                    due += 1;
                    let hit = post.get(r[0]).is_some_and(|v| v.iter().any(|x| (*x - dk).num_days().abs() <= 15));
                    done += u32::from(hit);
                }
            }
        }
    }
    assert!(due > 300, "{due} due");
    let rate = f64::from(done) / f64::from(due);
    assert!((0.55..=0.9).contains(&rate), "iud follow-up rate {rate}");
}

#[test]
fn famplan_reads_the_snapshot_without_a_problem() {
    use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
    for with_names in [false, true] {
        let mut cfg = SnapshotConfig::new(8_000, 21);
        cfg.with_names = with_names;
        let f = generate(&cfg);
        let files = SnapshotFiles::new()
            .areas("areas.csv", f.areas.as_bytes())
            .households("households.csv", f.households.as_bytes())
            .persons("persons.csv", f.persons.as_bytes())
            .visits("visits.csv", f.visits.as_bytes());
        let (reg, summary) = read_snapshot(files, ImportMode::AllOrNothing).unwrap_or_else(|e| panic!("{e}"));
        assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
        assert_eq!(
            (summary.areas, summary.households, summary.persons, summary.visits),
            (f.counts.grids, f.counts.households, f.counts.persons, f.counts.visits)
        );
        let by_grid = reg.population_by_grid(cfg.reference_date);
        let resident: u32 = by_grid.iter().map(|g| g.resident).sum();
        let wra: u32 = by_grid.iter().map(|g| g.wra).sum();
        let married_wra: u32 = by_grid.iter().map(|g| g.married_wra).sum();
        assert_eq!(u64::from(resident), f.counts.persons);
        assert_eq!((u64::from(wra), u64::from(married_wra)), (f.counts.wra, f.counts.married_wra));
        if with_names {
            let p = reg.person(&"1".into()).unwrap();
            assert!(p.flags.is_empty() && p.id_number.is_some() && !p.name.is_empty());
        }
    }
}

#[test]
fn names_only_add_columns() {
    let mut cfg = SnapshotConfig::new(6_000, 13);
    let plain = generate(&cfg);
    cfg.with_names = true;
    let named = generate(&cfg);
    assert_eq!(plain.visits, named.visits);
    assert_eq!(plain.households, named.households);
    let stripped: Vec<String> =
        named.persons.lines().skip(1).map(|l| l.split(',').take(11).collect::<Vec<_>>().join(",")).collect();
    let plain_rows: Vec<&str> = plain.persons.lines().skip(1).collect();
    assert_eq!(stripped, plain_rows);
}
