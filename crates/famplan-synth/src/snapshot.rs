//! The snapshot writer: `areas.csv`, `households.csv`, `persons.csv` and `visits.csv` in the
//! format of SIX_RATES §1 (DOMAIN §15), streamed household by household.

use crate::people::{Names, Rand, Weighted, birth_for_age, date_between, mobile, push_date, push_u64, resident_id};
use chrono::{Datelike, Duration, NaiveDate};
use famplan::{MaritalStatus, Sex, add_months};
use rand::{Rng, SeedableRng};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Header of `areas.csv`.
pub const AREAS_HEADER: &str = "grid_id,zone_id,community_id";
/// Header of `households.csv`.
pub const HOUSEHOLDS_HEADER: &str = "household_id,grid_id,kind";
/// Header of `persons.csv` (the columns of SIX_RATES §1).
///
/// # Example
///
/// ```
/// assert_eq!(famplan_synth::PERSONS_HEADER.split(',').count(), 11);
/// ```
pub const PERSONS_HEADER: &str = "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date";
/// Header of `persons.csv` with [`SnapshotConfig::with_names`]: the optional DOMAIN §15
/// columns `name`, `id_number` and `phone` follow the required ones.
pub const PERSONS_HEADER_WITH_NAMES: &str = "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date,name,id_number,phone";
/// Header of `visits.csv`.
pub const VISITS_HEADER: &str = "visit_id,person_id,date,kind";

/// What to generate. Build one with [`SnapshotConfig::new`] and change fields as needed.
///
/// Ids follow DOMAIN §15: communities are numbered from 1, zone = `community * 100 + z`,
/// grid = `zone * 10 + g` (so at most 99 zones per community and 9 grids per zone).
///
/// # Example
///
/// ```
/// let cfg = famplan_synth::SnapshotConfig::new(25_000, 7);
/// assert_eq!(cfg.communities, 3);
/// assert_eq!(cfg.grids(), 3 * 9 * 2);
/// assert_eq!(cfg.reference_date.to_string(), "2026-06-30");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SnapshotConfig {
    /// Number of persons (exact).
    pub persons: u64,
    /// Number of communities.
    pub communities: u32,
    /// Zones in each community (1–99).
    pub zones_per_community: u32,
    /// Grids in each zone (1–9).
    pub grids_per_zone: u32,
    /// The seed: the same seed and configuration give the same bytes.
    pub seed: u64,
    /// Target share of floating persons (流入), about 0.2.
    pub floating_share: f64,
    /// The reference date D on which ages and stocks hold.
    pub reference_date: NaiveDate,
    /// The extraction date: visits run up to it (after D).
    pub extraction_date: NaiveDate,
    /// Add the optional `name`, `id_number` and `phone` columns to `persons.csv` (every other
    /// column and file is the same with or without them).
    pub with_names: bool,
}

impl SnapshotConfig {
    /// Defaults for `persons` persons: one community of 9 zones × 2 grids per 10,000
    /// persons, 20 % floating, D = 2026-06-30, extraction 2026-07-15, no names.
    ///
    /// # Example
    ///
    /// ```
    /// let cfg = famplan_synth::SnapshotConfig::new(1_000_000, 1);
    /// assert_eq!(cfg.communities, 100);
    /// assert!(!cfg.with_names);
    /// ```
    pub fn new(persons: u64, seed: u64) -> SnapshotConfig {
        SnapshotConfig {
            persons,
            communities: persons.div_ceil(10_000).max(1) as u32,
            zones_per_community: 9,
            grids_per_zone: 2,
            seed,
            floating_share: 0.2,
            reference_date: NaiveDate::from_ymd_opt(2026, 6, 30).expect("valid"),
            extraction_date: NaiveDate::from_ymd_opt(2026, 7, 15).expect("valid"),
            with_names: false,
        }
    }

    /// Number of grids (rows of `areas.csv`).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan_synth::SnapshotConfig::new(10, 1).grids(), 18);
    /// ```
    pub fn grids(&self) -> u64 {
        u64::from(self.communities) * u64::from(self.zones_per_community) * u64::from(self.grids_per_zone)
    }

    fn validate(&self) -> io::Result<()> {
        let bad = |m: &str| Err(io::Error::new(io::ErrorKind::InvalidInput, m.to_string()));
        if self.communities == 0 || !(1..=99).contains(&self.zones_per_community) {
            return bad("communities must be ≥ 1 and zones_per_community in 1..=99");
        }
        if !(1..=9).contains(&self.grids_per_zone) {
            return bad("grids_per_zone must be in 1..=9");
        }
        if !(0.0..=1.0).contains(&self.floating_share) {
            return bad("floating_share must be in 0..=1");
        }
        if self.extraction_date < self.reference_date {
            return bad("the extraction date must not be before the reference date");
        }
        Ok(())
    }

    /// Every grid as `(grid_id, zone_id, community_id)`, in ascending order.
    fn grid_ids(&self) -> impl Iterator<Item = (u64, u64, u64)> + '_ {
        (1..=u64::from(self.communities)).flat_map(move |c| {
            (1..=u64::from(self.zones_per_community)).flat_map(move |z| {
                let zone = c * 100 + z;
                (1..=u64::from(self.grids_per_zone)).map(move |g| (zone * 10 + g, zone, c))
            })
        })
    }
}

/// What a snapshot holds, as counted while writing it.
///
/// # Example
///
/// ```
/// let cfg = famplan_synth::SnapshotConfig::new(2_000, 1);
/// let mut sink = std::io::sink();
/// let n = famplan_synth::write_population(&cfg, &mut std::io::sink(), &mut sink, &mut std::io::sink())?;
/// assert_eq!(n.persons, 2_000);
/// # Ok::<(), std::io::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SnapshotCounts {
    /// Rows of `areas.csv`.
    pub grids: u64,
    /// Rows of `households.csv`.
    pub households: u64,
    /// Rows of `persons.csv`.
    pub persons: u64,
    /// Floating persons.
    pub floating: u64,
    /// Women aged 15–49 on D.
    pub wra: u64,
    /// Married women aged 15–49 on D.
    pub married_wra: u64,
    /// Rows of `visits.csv`.
    pub visits: u64,
}

/// Writes `areas.csv` (header and one row per grid); returns the number of grids.
///
/// # Errors
///
/// An invalid configuration ([`io::ErrorKind::InvalidInput`]) or a write error.
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// let n = famplan_synth::write_areas(&famplan_synth::SnapshotConfig::new(100, 1), &mut out)?;
/// assert_eq!(n, 18);
/// assert!(String::from_utf8(out).unwrap().starts_with("grid_id,zone_id,community_id\n1011,101,1\n1012,101,1\n1021,102,1\n"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_areas(cfg: &SnapshotConfig, mut w: impl Write) -> io::Result<u64> {
    cfg.validate()?;
    let mut w = BufWriter::new(&mut w);
    writeln!(w, "{AREAS_HEADER}")?;
    let mut n = 0;
    for (g, z, c) in cfg.grid_ids() {
        writeln!(w, "{g},{z},{c}")?;
        n += 1;
    }
    w.flush()?;
    Ok(n)
}

/// Writes `households.csv`, `persons.csv` and `visits.csv` together, one household at a time
/// (memory does not grow with the number of persons).
///
/// Each writer is buffered internally; pass files or any [`Write`] (use [`io::sink`] for a
/// file you do not want: the other files are the same whichever you keep).
///
/// # Errors
///
/// An invalid configuration ([`io::ErrorKind::InvalidInput`]) or a write error.
///
/// # Example
///
/// ```
/// let cfg = famplan_synth::SnapshotConfig::new(500, 42);
/// let (mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new());
/// let n = famplan_synth::write_population(&cfg, &mut h, &mut p, &mut v)?;
/// let persons = String::from_utf8(p).unwrap();
/// assert_eq!(persons.lines().count() as u64, n.persons + 1);
/// assert!(persons.starts_with(famplan_synth::PERSONS_HEADER));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_population(
    cfg: &SnapshotConfig,
    households: impl Write,
    persons: impl Write,
    visits: impl Write,
) -> io::Result<SnapshotCounts> {
    cfg.validate()?;
    let mut g = Generator::new(cfg);
    let mut out = Outputs {
        households: BufWriter::with_capacity(1 << 16, households),
        persons: BufWriter::with_capacity(1 << 17, persons),
        visits: BufWriter::with_capacity(1 << 17, visits),
    };
    writeln!(out.households, "{HOUSEHOLDS_HEADER}")?;
    writeln!(out.persons, "{}", if cfg.with_names { PERSONS_HEADER_WITH_NAMES } else { PERSONS_HEADER })?;
    writeln!(out.visits, "{VISITS_HEADER}")?;
    let quotas = g.quotas();
    for ((grid, _, _), quota) in cfg.grid_ids().zip(quotas) {
        let mut left = quota;
        while left > 0 {
            left -= g.household(grid, left, &mut out)?;
        }
    }
    out.households.flush()?;
    out.persons.flush()?;
    out.visits.flush()?;
    g.counts.grids = cfg.grids();
    Ok(g.counts)
}

/// Writes only `households.csv` (the same bytes as [`write_population`] writes).
///
/// # Errors
///
/// An invalid configuration or a write error.
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// famplan_synth::write_households(&famplan_synth::SnapshotConfig::new(100, 1), &mut out)?;
/// assert!(out.starts_with(b"household_id,grid_id,kind\n1,1011,"));
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_households(cfg: &SnapshotConfig, w: impl Write) -> io::Result<SnapshotCounts> {
    write_population(cfg, w, io::sink(), io::sink())
}

/// Writes only `persons.csv` (the same bytes as [`write_population`] writes).
///
/// # Errors
///
/// An invalid configuration or a write error.
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// let n = famplan_synth::write_persons(&famplan_synth::SnapshotConfig::new(100, 1), &mut out)?;
/// assert_eq!(String::from_utf8(out).unwrap().lines().count() as u64, n.persons + 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_persons(cfg: &SnapshotConfig, w: impl Write) -> io::Result<SnapshotCounts> {
    write_population(cfg, io::sink(), w, io::sink())
}

/// Writes only `visits.csv` (the same bytes as [`write_population`] writes).
///
/// # Errors
///
/// An invalid configuration or a write error.
///
/// # Example
///
/// ```
/// let mut out = Vec::new();
/// let n = famplan_synth::write_visits(&famplan_synth::SnapshotConfig::new(1_000, 1), &mut out)?;
/// assert_eq!(String::from_utf8(out).unwrap().lines().count() as u64, n.visits + 1);
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_visits(cfg: &SnapshotConfig, w: impl Write) -> io::Result<SnapshotCounts> {
    write_population(cfg, io::sink(), io::sink(), w)
}

/// Writes the four files into `dir` (created if missing) and returns the counts.
///
/// # Errors
///
/// An invalid configuration or an I/O error.
///
/// # Example
///
/// ```
/// let dir = std::env::temp_dir().join(format!("famplan-synth-doc-{}", std::process::id()));
/// let n = famplan_synth::write_snapshot_dir(&famplan_synth::SnapshotConfig::new(300, 1), &dir)?;
/// assert!(dir.join("persons.csv").exists() && n.households > 0);
/// std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_snapshot_dir(cfg: &SnapshotConfig, dir: &Path) -> io::Result<SnapshotCounts> {
    cfg.validate()?;
    std::fs::create_dir_all(dir)?;
    let grids = write_areas(cfg, File::create(dir.join("areas.csv"))?)?;
    let mut counts = write_population(
        cfg,
        File::create(dir.join("households.csv"))?,
        File::create(dir.join("persons.csv"))?,
        File::create(dir.join("visits.csv"))?,
    )?;
    counts.grids = grids;
    Ok(counts)
}

struct Outputs<H: Write, P: Write, V: Write> {
    households: BufWriter<H>,
    persons: BufWriter<P>,
    visits: BufWriter<V>,
}

/// Age weights by five-year band (0–4 … 95–99), per mille: a Chinese urban population
/// (the bulge of the 1960s–1990s births, few children, a growing old age).
pub(crate) const REGISTERED_AGES: [u32; 20] =
    [42, 52, 53, 46, 44, 56, 80, 78, 72, 82, 88, 76, 62, 58, 42, 28, 18, 9, 4, 1];
/// Floating residents: mostly working-age adults and their young children.
pub(crate) const FLOATING_AGES: [u32; 20] =
    [50, 40, 28, 50, 140, 170, 160, 120, 90, 70, 45, 25, 8, 3, 1, 0, 0, 0, 0, 0];

/// Household sizes 1–6 (per mille) for local and floating households.
pub(crate) const REGISTERED_SIZES: [u32; 6] = [150, 280, 300, 150, 80, 40];
pub(crate) const FLOATING_SIZES: [u32; 6] = [350, 300, 250, 100, 0, 0];
pub(crate) const MEAN_REGISTERED_SIZE: f64 = 2.85;
pub(crate) const MEAN_FLOATING_SIZE: f64 = 2.10;
/// Share of the members of a floating household who are floating (a local spouse …).
pub(crate) const FLOATING_KEPT: f64 = 0.97;
/// Share of floating members in a local household (a nanny, a relative from elsewhere).
pub(crate) const LOCAL_FLOATING: f64 = 0.02;

/// Contraceptive method codes as written (`""` = missing).
pub(crate) const METHODS: [&str; 8] = ["iud", "sterilization", "condom", "pill", "implant", "injectable", "none", ""];
pub(crate) const MARRIED_MIX: [u32; 8] = [420, 170, 150, 30, 20, 10, 120, 80];
pub(crate) const UNMARRIED_MIX: [u32; 8] = [0, 0, 50, 20, 0, 0, 80, 850];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Head,
    Spouse,
    Other,
}

#[derive(Clone, Debug)]
struct Member {
    age: u32,
    sex: Sex,
    birth: NaiveDate,
    marital: MaritalStatus,
    role: Role,
    floating: bool,
}

struct Generator<'c> {
    cfg: &'c SnapshotConfig,
    rng: Rand,
    /// A separate stream for names, ID numbers and phones, so that the other columns are the
    /// same with and without names.
    name_rng: Rand,
    names: Names,
    registered_ages: Weighted,
    floating_ages: Weighted,
    registered_sizes: Weighted,
    floating_sizes: Weighted,
    married_mix: Weighted,
    unmarried_mix: Weighted,
    floating_household_p: f64,
    next_household: u64,
    next_person: u64,
    next_visit: u64,
    counts: SnapshotCounts,
    members: Vec<Member>,
    visits: Vec<(NaiveDate, &'static str)>,
    row: Vec<u8>,
    visits_from: NaiveDate,
    checks_from: NaiveDate,
}

impl<'c> Generator<'c> {
    fn new(cfg: &'c SnapshotConfig) -> Generator<'c> {
        let s = cfg.floating_share;
        // Floating households keep 97 % of their members floating and local ones have 2 %
        // floating members: solve for the share of floating households giving `s` overall.
        let (mf, mr) = (MEAN_FLOATING_SIZE, MEAN_REGISTERED_SIZE);
        let floating_household_p = if s <= LOCAL_FLOATING {
            0.0
        } else if s >= FLOATING_KEPT {
            1.0
        } else {
            mr * (s - LOCAL_FLOATING) / (mf * (FLOATING_KEPT - s) + mr * (s - LOCAL_FLOATING))
        };
        let ext = cfg.extraction_date;
        Generator {
            cfg,
            rng: Rand::seed_from_u64(cfg.seed),
            name_rng: Rand::seed_from_u64(cfg.seed ^ 0x6e61_6d65_7321),
            names: Names::new(),
            registered_ages: Weighted::new(&REGISTERED_AGES),
            floating_ages: Weighted::new(&FLOATING_AGES),
            registered_sizes: Weighted::new(&REGISTERED_SIZES),
            floating_sizes: Weighted::new(&FLOATING_SIZES),
            married_mix: Weighted::new(&MARRIED_MIX),
            unmarried_mix: Weighted::new(&UNMARRIED_MIX),
            floating_household_p,
            next_household: 1,
            next_person: 1,
            next_visit: 1,
            counts: SnapshotCounts::default(),
            members: Vec::with_capacity(8),
            visits: Vec::with_capacity(16),
            row: Vec::with_capacity(256),
            // The visit ledger covers the two years before extraction; monthly checks the
            // extraction year.
            visits_from: NaiveDate::from_ymd_opt(ext.year() - 2, ext.month(), 1).expect("valid"),
            checks_from: NaiveDate::from_ymd_opt(ext.year(), 1, 1).expect("valid"),
        }
    }

    /// Persons per grid: random weights 0.6–1.4 (a few grids empty), summing to `persons`.
    fn quotas(&mut self) -> Vec<u64> {
        let n = self.cfg.grids() as usize;
        let weights: Vec<f64> = (0..n)
            .map(|_| if n >= 20 && self.rng.random_bool(0.005) { 0.0 } else { self.rng.random_range(0.6..1.4) })
            .collect();
        let total: f64 = weights.iter().sum();
        let persons = self.cfg.persons;
        let mut quotas: Vec<u64> = weights.iter().map(|w| (w / total * persons as f64).floor() as u64).collect();
        let mut rest = persons - quotas.iter().sum::<u64>();
        let mut i = 0;
        while rest > 0 {
            if weights[i % n] > 0.0 {
                quotas[i % n] += 1;
                rest -= 1;
            }
            i += 1;
        }
        quotas
    }

    fn age(&mut self, floating: bool) -> u32 {
        let band =
            if floating { self.floating_ages.pick(&mut self.rng) } else { self.registered_ages.pick(&mut self.rng) };
        band as u32 * 5 + self.rng.random_range(0..5)
    }

    fn adult_age(&mut self, floating: bool) -> u32 {
        for _ in 0..50 {
            let a = self.age(floating);
            if a >= 20 {
                return a;
            }
        }
        30
    }

    /// Generates and writes one household of at most `max` persons; returns its size.
    fn household<H: Write, P: Write, V: Write>(
        &mut self,
        grid: u64,
        max: u64,
        out: &mut Outputs<H, P, V>,
    ) -> io::Result<u64> {
        let rng_floating = self.rng.random_bool(self.floating_household_p);
        let size = if rng_floating {
            self.floating_sizes.pick(&mut self.rng) + 1
        } else {
            self.registered_sizes.pick(&mut self.rng) + 1
        };
        let size = (size as u64).min(max) as usize;
        let kind = {
            let x: u32 = self.rng.random_range(0..100);
            if rng_floating {
                match x {
                    0..70 => "rental",
                    70..95 => "street_front",
                    _ => "registered",
                }
            } else {
                match x {
                    0..88 => "registered",
                    88..96 => "rental",
                    _ => "street_front",
                }
            }
        };
        let hid = self.next_household;
        self.next_household += 1;
        self.counts.households += 1;
        self.row.clear();
        push_u64(&mut self.row, hid);
        self.row.push(b',');
        push_u64(&mut self.row, grid);
        self.row.push(b',');
        self.row.extend_from_slice(kind.as_bytes());
        self.row.push(b'\n');
        out.households.write_all(&self.row)?;

        self.compose(size, rng_floating);
        let surname = if self.cfg.with_names { self.names.surname(&mut self.name_rng) } else { "" };
        for i in 0..self.members.len() {
            self.person(i, hid, grid, surname, out)?;
        }
        Ok(size as u64)
    }

    /// Fills `self.members`: ages from the pyramid, the oldest is the head, often with a spouse.
    fn compose(&mut self, size: usize, floating: bool) {
        let d = self.cfg.reference_date;
        let mut ages: Vec<u32> = (0..size).map(|_| self.age(floating)).collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));
        if ages[0] < 20 {
            ages[0] = self.adult_age(floating);
        }
        let couple = size >= 2 && ages[1] >= 20 && ages[0] - ages[1] <= 15 && self.rng.random_bool(0.85);
        let head_sex = if self.rng.random_bool(if couple { 0.55 } else { 0.5 }) { Sex::Male } else { Sex::Female };
        self.members.clear();
        for (i, &age) in ages.iter().enumerate() {
            let role = match i {
                0 => Role::Head,
                1 if couple => Role::Spouse,
                _ => Role::Other,
            };
            let sex = match role {
                Role::Head => head_sex,
                Role::Spouse if head_sex == Sex::Male => Sex::Female,
                Role::Spouse => Sex::Male,
                Role::Other if self.rng.random_bool(0.527) => Sex::Male,
                Role::Other => Sex::Female,
            };
            let marital = if role != Role::Other && couple { MaritalStatus::Married } else { self.marital(age) };
            let member_floating = if floating {
                self.rng.random_bool(FLOATING_KEPT)
            } else {
                self.cfg.floating_share > 0.0 && self.rng.random_bool(LOCAL_FLOATING)
            };
            let birth = birth_for_age(age, d, &mut self.rng);
            self.members.push(Member { age, sex, birth, marital, role, floating: member_floating });
        }
    }

    fn marital(&mut self, age: u32) -> MaritalStatus {
        crate::people::marital_by_age(age, &mut self.rng)
    }

    fn person<H: Write, P: Write, V: Write>(
        &mut self,
        i: usize,
        hid: u64,
        grid: u64,
        surname: &'static str,
        out: &mut Outputs<H, P, V>,
    ) -> io::Result<()> {
        let cfg = self.cfg;
        let d = cfg.reference_date;
        let m = self.members[i].clone();
        let pid = self.next_person;
        self.next_person += 1;
        let wra = m.sex == Sex::Female && (15..=49).contains(&m.age);
        let married = m.marital == MaritalStatus::Married;
        self.counts.persons += 1;
        self.counts.floating += u64::from(m.floating);
        self.counts.wra += u64::from(wra);
        self.counts.married_wra += u64::from(wra && married);

        let case_file = if wra {
            self.rng.random_bool(0.97)
        } else {
            m.sex == Sex::Female && (50..=51).contains(&m.age) && self.rng.random_bool(0.3)
        };

        // The last live birth: the youngest child living here, or an earlier birth.
        let mut last_birth = None;
        if m.sex == Sex::Female && m.age >= 18 && (m.marital != MaritalStatus::Single || self.rng.random_bool(0.03)) {
            let lo = m.birth + Duration::days(18 * 365);
            let hi = m.birth + Duration::days(45 * 365);
            last_birth = self
                .members
                .iter()
                .filter(|c| c.role == Role::Other && c.birth >= lo && c.birth <= hi)
                .map(|c| c.birth)
                .max();
            if last_birth.is_none() && m.age >= 20 {
                let p = match m.age {
                    20..25 => 0.25,
                    25..30 => 0.45,
                    30..35 => 0.7,
                    _ => 0.85,
                };
                if self.rng.random_bool(p) {
                    let from = m.birth + Duration::days(20 * 365);
                    let to = (m.birth + Duration::days(40 * 365)).min(d);
                    last_birth = Some(date_between(from, to, &mut self.rng));
                }
            }
        }

        // Contraception: women 15–55.
        let mut method = "";
        let mut method_start = None;
        if m.sex == Sex::Female && (15..=55).contains(&m.age) && (case_file || m.age > 49) {
            let ix =
                if married { self.married_mix.pick(&mut self.rng) } else { self.unmarried_mix.pick(&mut self.rng) };
            method = METHODS[ix];
            if m.age > 49 && !matches!(method, "iud" | "sterilization") {
                method = "";
            }
            if method == "sterilization" && m.age < 25 {
                method = "iud";
            }
            if last_birth.is_some_and(|b| b + Duration::days(42) > d) && !matches!(method, "") {
                // Less than 42 days after a birth: no method yet.
                method = "none";
            }
            if !matches!(method, "" | "none") && self.rng.random_bool(0.97) {
                let long_acting = matches!(method, "iud" | "implant" | "sterilization");
                method_start = Some(self.method_start(&m, last_birth, long_acting));
            }
        }

        self.row.clear();
        let r = &mut self.row;
        push_u64(r, pid);
        r.push(b',');
        push_u64(r, hid);
        r.push(b',');
        push_u64(r, grid);
        r.push(b',');
        r.extend_from_slice(m.sex.code().as_bytes());
        r.push(b',');
        push_date(r, m.birth);
        r.push(b',');
        r.extend_from_slice(m.marital.code().as_bytes());
        r.push(b',');
        r.extend_from_slice(if m.floating { b"floating" } else { b"registered" });
        r.push(b',');
        r.push(if case_file { b'1' } else { b'0' });
        r.push(b',');
        r.extend_from_slice(method.as_bytes());
        r.push(b',');
        if let Some(s) = method_start {
            push_date(r, s);
        }
        r.push(b',');
        if let Some(b) = last_birth {
            push_date(r, b);
        }
        if cfg.with_names {
            let name = if m.role == Role::Spouse {
                self.names.name(m.sex, &mut self.name_rng)
            } else {
                self.names.with_surname(surname, m.sex, &mut self.name_rng)
            };
            let id = resident_id(m.birth, m.sex, !m.floating, &mut self.name_rng);
            let phone = (m.age >= 16 && self.name_rng.random_bool(0.95)).then(|| mobile(&mut self.name_rng));
            let r = &mut self.row;
            r.push(b',');
            r.extend_from_slice(name.as_bytes());
            r.push(b',');
            r.extend_from_slice(id.as_str().as_bytes());
            r.push(b',');
            if let Some(p) = phone {
                r.extend_from_slice(p.as_str().as_bytes());
            }
        }
        self.row.push(b'\n');
        out.persons.write_all(&self.row)?;

        self.person_visits(&m, wra && married, method, method_start, last_birth, case_file);
        self.visits.sort_unstable_by_key(|v| v.0);
        for &(date, kind) in &self.visits {
            self.row.clear();
            push_u64(&mut self.row, self.next_visit);
            self.row.push(b',');
            push_u64(&mut self.row, pid);
            self.row.push(b',');
            push_date(&mut self.row, date);
            self.row.push(b',');
            self.row.extend_from_slice(kind.as_bytes());
            self.row.push(b'\n');
            out.visits.write_all(&self.row)?;
            self.next_visit += 1;
        }
        self.counts.visits += self.visits.len() as u64;
        Ok(())
    }

    /// When the current method started: a fair share in the last 12 months, the rest spread
    /// over the years since she was 18 (at most 20 years back).
    /// A long-acting method always starts after the last birth; a short-acting one mostly.
    fn method_start(&mut self, m: &Member, last_birth: Option<NaiveDate>, long_acting: bool) -> NaiveDate {
        let (d, ext) = (self.cfg.reference_date, self.cfg.extraction_date);
        // Not before 18, or for a younger woman within the last month.
        let adult = (m.birth + Duration::days(18 * 365 + 5)).min(d - Duration::days(30));
        let year_ago = ext - Duration::days(365);
        let mut lo = adult.max(ext - Duration::days(20 * 365));
        if let Some(b) = last_birth {
            if long_acting || self.rng.random_bool(0.7) {
                lo = lo.max(b + Duration::days(42));
            }
        }
        if self.rng.random_bool(0.18) || lo >= year_ago {
            // Recent: mostly up to D, a few between D and extraction.
            let to = if self.rng.random_bool(0.03) { ext } else { d };
            let from = year_ago.max(adult).max(lo).min(to);
            return date_between(from, to, &mut self.rng);
        }
        date_between(lo, year_ago - Duration::days(1), &mut self.rng)
    }

    fn offset(&mut self, within: i64, outside: i64) -> Duration {
        let days = if self.rng.random_bool(0.85) {
            self.rng.random_range(-within..=within)
        } else {
            let o = self.rng.random_range(within + 1..=outside);
            if self.rng.random_bool(0.5) { o } else { -o }
        };
        Duration::days(days)
    }

    /// Fills `self.visits` with the person's visits up to the extraction date.
    fn person_visits(
        &mut self,
        m: &Member,
        married_wra: bool,
        method: &str,
        start: Option<NaiveDate>,
        last_birth: Option<NaiveDate>,
        case_file: bool,
    ) {
        self.visits.clear();
        let ext = self.cfg.extraction_date;
        let from = self.visits_from;
        let push = |v: &mut Vec<(NaiveDate, &'static str)>, date: NaiveDate, kind: &'static str| {
            if date >= from
                && date <= ext
                && date >= m.birth
                && start.is_none_or(|s| kind != "post_surgery" || date >= s)
            {
                v.push((date, kind));
            }
        };
        // Marriage home visits for some recently married young women.
        if married_wra && (20..35).contains(&m.age) && self.rng.random_bool(0.08) {
            let day = date_between(from, ext, &mut self.rng);
            push(&mut self.visits, day, "marriage_home");
        }
        // Birth home visits within a week or two of a recent birth.
        if let Some(b) = last_birth {
            if b + Duration::days(14) >= from && self.rng.random_bool(0.9) {
                let day = b + Duration::days(self.rng.random_range(0..=14));
                push(&mut self.visits, day, "birth_home");
                if self.rng.random_bool(0.1) {
                    let day = b + Duration::days(self.rng.random_range(20..=40));
                    push(&mut self.visits, day, "birth_home");
                }
            }
        }
        // Post-procedure follow-ups.
        if let Some(s) = start {
            let recent = s + Duration::days(400) >= ext;
            let schedule: &[u32] = match method {
                "iud" | "implant" if recent => &[1, 3, 6, 12],
                "sterilization" if recent => &[1, 3],
                _ => &[],
            };
            for &k in schedule {
                let due = add_months(s, k as i32).expect("in range");
                if self.rng.random_bool(0.9) {
                    let day = due + self.offset(15, 25);
                    push(&mut self.visits, day, "post_surgery");
                }
            }
            if matches!(method, "iud" | "implant") && !recent {
                // Yearly follow-ups on the anniversaries that fall in the ledger.
                let mut k = 12;
                loop {
                    let due = add_months(s, k).expect("in range");
                    if due > ext + Duration::days(30) {
                        break;
                    }
                    if due + Duration::days(30) >= from && self.rng.random_bool(0.6) {
                        let day = due + Duration::days(self.rng.random_range(-30..=30));
                        push(&mut self.visits, day, "post_surgery");
                    }
                    k += 12;
                }
            }
            if method == "iud" && self.rng.random_bool(0.02) {
                let day = date_between(ext - Duration::days(365), ext, &mut self.rng);
                push(&mut self.visits, day, "post_surgery");
            }
            // Supply follow-ups every three months while she receives supplies.
            if case_file && matches!(method, "condom" | "pill" | "injectable") {
                let mut due = add_months(s, 1).expect("in range");
                while due <= ext + Duration::days(14) {
                    if due + Duration::days(14) >= from && self.rng.random_bool(0.85) {
                        let day = due + Duration::days(self.rng.random_range(-14..=14));
                        push(&mut self.visits, day, "supply_followup");
                    }
                    due = add_months(due, 3).expect("in range");
                }
            }
        }
        // The floating monthly check (每月一查) in the extraction year.
        if m.floating {
            let mut month = self.checks_from;
            while month <= ext {
                let end = add_months(month, 1).expect("in range") - Duration::days(1);
                let last = end.min(ext);
                let share = (last - month).num_days() as f64 / (end - month).num_days().max(1) as f64;
                let p = 0.9 * share.clamp(0.0, 1.0);
                if self.rng.random_bool(p) {
                    let day = date_between(month, last, &mut self.rng);
                    push(&mut self.visits, day, "floating_monthly_check");
                    if self.rng.random_bool(0.18) {
                        let day = date_between(month, last, &mut self.rng);
                        push(&mut self.visits, day, "floating_monthly_check");
                    }
                }
                month = add_months(month, 1).expect("in range");
            }
        }
    }
}
