//! The demo community: one community of 9 zones and 18 grids, two years of dated events.
//!
//! A small discrete-event simulation: actions wait in a queue ordered by date, and each one
//! looks at the simulated state on its own date before it emits events, so every event it
//! emits fits the registry (a visit never follows a departure, a removal always finds the
//! device in place …).

use crate::people::{Names, OTHER_AREAS, Rand, Weighted, birth_for_age, date_between, mobile, resident_id};
use crate::snapshot::{
    FLOATING_AGES, FLOATING_KEPT, FLOATING_SIZES, LOCAL_FLOATING, MARRIED_MIX, MEAN_FLOATING_SIZE,
    MEAN_REGISTERED_SIZE, METHODS, REGISTERED_AGES, REGISTERED_SIZES, UNMARRIED_MIX,
};
use chrono::{Datelike, Duration, NaiveDate, NaiveTime};
use famplan::{
    AreaLevel, CertificateAction, CertificateKind, Child, ChildRelation, CloseReason, ConsultationTopic, Event,
    EventKind, HousingKind, MaritalStatus, Method, MethodSource, Observation, Place, PregnancyOutcome, Procedure,
    Relation, Residency, RespondentKind, ScreeningKind, Sex, StaffRole, StopReason, SupplyChannel, Tag, add_months,
    age_on,
};
use rand::{Rng, SeedableRng};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// What [`community_events`] generates.
///
/// # Example
///
/// ```
/// let cfg = famplan_synth::CommunityConfig::default();
/// assert_eq!(cfg.residents, 10_000);
/// assert_eq!(cfg.end.to_string(), "2026-11-28");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct CommunityConfig {
    /// Residents registered at the start (births, deaths and moves change it a little).
    pub residents: u32,
    /// The seed: the same configuration gives the same events.
    pub seed: u64,
    /// The last day with events.
    pub end: NaiveDate,
    /// Years of history before `end` (the first events are dated `end` minus this many years).
    pub years: u32,
    /// Target share of floating residents.
    pub floating_share: f64,
    /// The community's number (1 = the demo community). Its zones are `c * 100 + 1 …`, its
    /// grids `zone * 10 + 1, 2`; every other id of community `c ≠ 1` (persons, households,
    /// staff, events) starts with `c{c}-`, so the events of several communities make one
    /// city without a clash.
    pub community: u32,
}

impl Default for CommunityConfig {
    fn default() -> Self {
        CommunityConfig {
            residents: 10_000,
            seed: 1,
            end: NaiveDate::from_ymd_opt(2026, 11, 28).expect("valid"),
            years: 2,
            floating_share: 0.2,
            community: 1,
        }
    }
}

/// The community's id: its zones are `101`–`109` (DOMAIN §15 numbering).
///
/// # Example
///
/// ```
/// assert_eq!(famplan_synth::COMMUNITY_ID, "1");
/// ```
pub const COMMUNITY_ID: &str = "1";

/// The 18 grid ids of the demo community (`zone * 10 + g`, zones `101`–`109`), in order.
///
/// # Example
///
/// ```
/// let g = famplan_synth::community_grids();
/// assert_eq!(g.len(), 18);
/// assert_eq!((g[0].as_str(), g[17].as_str()), ("1011", "1092"));
/// ```
pub fn community_grids() -> Vec<String> {
    (0..GRIDS).map(|g| grid_id(1, g)).collect()
}

const ZONES: u32 = 9;
const GRIDS: u32 = 18;

/// Zone `z` (0-based) of community `c`: `c * 100 + z + 1` (DOMAIN §15 numbering).
fn zone_id(c: u32, z: u32) -> String {
    format!("{}", c * 100 + 1 + z)
}

/// Grid `g` (0-based, two a zone) of community `c`: `zone * 10 + 1` or `+ 2`.
fn grid_id(c: u32, g: u32) -> String {
    format!("{}{}", zone_id(c, g / 2), g % 2 + 1)
}

fn keeper_id(c: u32, g: u32) -> String {
    format!("k{}", grid_id(c, g))
}

/// What the ids of community `c` start with: nothing for the demo community, else `c{c}-`.
fn id_prefix(c: u32) -> String {
    if c == 1 { String::new() } else { format!("c{c}-") }
}

/// Generates the demo community's events: the area tree and staff, households and persons,
/// case files, marriages, pregnancies and births, procedures and methods, supplies, visits,
/// moves, deaths, tags, verifications, screenings, certificates, consultations, corrections
/// and survey responses, from `end − years` to `end`.
///
/// Event ids are `demo-000001`, `demo-000002` … in date order; `recorded_at` is on or after
/// the event's date (and not after `end`); `recorded_by` is the grid's keeper. Every event
/// applies: [`famplan::Registry::from_events`] reports no conflict.
///
/// # Example
///
/// ```
/// use famplan_synth::{CommunityConfig, community_events};
/// let cfg = CommunityConfig { residents: 300, ..CommunityConfig::default() };
/// let events = community_events(&cfg);
/// assert_eq!(events[0].id.as_str(), "demo-000001");
/// let (reg, report) = famplan::Registry::from_events(events);
/// assert!(report.conflicts.is_empty());
/// assert!(reg.len() >= 300);
/// ```
pub fn community_events(cfg: &CommunityConfig) -> Vec<Event> {
    let mut sim = Sim::new(cfg);
    sim.run();
    // Number them in date order (the simulation emits a few a little out of order, such as
    // the households registered over the first days).
    let mut events = sim.events;
    events.sort_by_key(|e| e.date);
    let prefix = id_prefix(cfg.community);
    for (i, e) in events.iter_mut().enumerate() {
        e.id = format!("demo-{prefix}{:06}", i + 1).into();
    }
    events
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Tick,
    /// A visit, if the person is still here (and, when given, still uses that method).
    Visit {
        p: u32,
        kind: &'static str,
        method: Option<Method>,
    },
    OpenCaseFile {
        p: u32,
    },
    AgeOut {
        p: u32,
    },
    Conceive {
        p: u32,
    },
    Report {
        p: u32,
    },
    EndPregnancy {
        p: u32,
        outcome: PregnancyOutcome,
    },
    StartMethod {
        p: u32,
        method: Method,
    },
    WishChild {
        p: u32,
    },
    /// The `k`-th dispense of a series that began on `anchor` (every three months).
    Dispense {
        p: u32,
        method: Method,
        anchor: NaiveDate,
        k: u32,
    },
    Marry {
        p: u32,
    },
    Divorce {
        p: u32,
    },
    Die {
        p: u32,
    },
    LeaveHousehold {
        h: u32,
    },
    ReturnHousehold {
        h: u32,
    },
    MoveOutLocal {
        p: u32,
    },
    ComeBack {
        p: u32,
    },
    Arrive,
    Reconcile {
        h: u32,
    },
    Verify {
        h: u32,
    },
    Screen {
        p: u32,
    },
    Certificate {
        p: u32,
        kind: CertificateKind,
        action: CertificateAction,
    },
    Consult {
        p: u32,
    },
    CorrectPhone {
        p: u32,
    },
    Survey,
    RemoveTag {
        p: u32,
    },
    AddTag {
        p: u32,
    },
}

#[derive(Clone, Debug)]
struct Pn {
    id: String,
    name: String,
    surname: &'static str,
    sex: Sex,
    birth: NaiveDate,
    household: u32,
    residency: Residency,
    dead: bool,
    marital: MaritalStatus,
    spouse: Option<u32>,
    case_open: bool,
    pregnant: bool,
    method: Method,
    children: u8,
    phone: Option<String>,
    id_number: Option<famplan::ResidentId>,
    left_on: Option<NaiveDate>,
    tagged: bool,
}

impl Pn {
    fn here(&self) -> bool {
        !self.dead && self.residency.is_resident()
    }
}

#[derive(Clone, Debug)]
struct Hh {
    id: String,
    grid: u32,
    kind: HousingKind,
    members: Vec<u32>,
    surname: &'static str,
    floating: bool,
    origin: &'static str,
}

struct Sim<'c> {
    cfg: &'c CommunityConfig,
    rng: Rand,
    names: Names,
    start: NaiveDate,
    end: NaiveDate,
    events: Vec<Event>,
    persons: Vec<Pn>,
    households: Vec<Hh>,
    queue: BinaryHeap<Reverse<(NaiveDate, u8, u64, Action)>>,
    seq: u64,
    ages: [Weighted; 2],
    sizes: [Weighted; 2],
    married_mix: Weighted,
    unmarried_mix: Weighted,
}

impl<'c> Sim<'c> {
    fn new(cfg: &'c CommunityConfig) -> Sim<'c> {
        let end = cfg.end;
        let start = NaiveDate::from_ymd_opt(end.year() - cfg.years as i32, end.month(), end.day().min(28))
            .expect("a valid date");
        Sim {
            cfg,
            rng: Rand::seed_from_u64(cfg.seed ^ 0x5eed_c0de),
            names: Names::new(),
            start,
            end,
            events: Vec::new(),
            persons: Vec::new(),
            households: Vec::new(),
            queue: BinaryHeap::new(),
            seq: 0,
            ages: [Weighted::new(&REGISTERED_AGES), Weighted::new(&FLOATING_AGES)],
            sizes: [Weighted::new(&REGISTERED_SIZES), Weighted::new(&FLOATING_SIZES)],
            married_mix: Weighted::new(&MARRIED_MIX),
            unmarried_mix: Weighted::new(&UNMARRIED_MIX),
        }
    }

    // ---- plumbing -------------------------------------------------------------------

    fn at(&mut self, date: NaiveDate, a: Action) {
        if date <= self.end {
            self.seq += 1;
            // Leaving comes first on its day: the registry refuses anything dated on the day
            // a person leaves, so nothing else of theirs may be emitted for that day.
            let first = u8::from(!matches!(a, Action::Die { .. } | Action::LeaveHousehold { .. }));
            self.queue.push(Reverse((date, first, self.seq, a)));
        }
    }

    /// Schedules `a` between `lo` and `hi` days after `base`.
    fn after(&mut self, base: NaiveDate, lo: i64, hi: i64, a: Action) {
        let date = base + self.days(lo, hi);
        self.at(date, a);
    }

    fn emit(&mut self, date: NaiveDate, by: String, kind: EventKind) {
        let delay = match self.rng.random_range(0..100) {
            0..60 => 0,
            60..90 => self.rng.random_range(1..=3),
            _ => self.rng.random_range(4..=20),
        };
        let day = (date + Duration::days(delay)).min(self.end.max(date));
        let secs = self.rng.random_range(8 * 3600..19 * 3600);
        let time = NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).expect("in a day");
        let n = self.events.len() + 1;
        self.events.push(Event {
            id: format!("sim-{n}").into(),
            date,
            recorded_at: day.and_time(time),
            recorded_by: by,
            kind,
        });
    }

    fn keeper_of(&self, p: u32) -> String {
        keeper_id(self.cfg.community, self.households[self.persons[p as usize].household as usize].grid)
    }

    fn emit_for(&mut self, date: NaiveDate, p: u32, kind: EventKind) {
        let by = self.keeper_of(p);
        self.emit(date, by, kind);
    }

    fn pid(&self, p: u32) -> famplan::PersonId {
        self.persons[p as usize].id.as_str().into()
    }

    fn age(&self, p: u32, on: NaiveDate) -> u32 {
        age_on(self.persons[p as usize].birth, on)
    }

    fn is_wra(&self, p: u32, on: NaiveDate) -> bool {
        let x = &self.persons[p as usize];
        x.sex == Sex::Female && (15..=49).contains(&age_on(x.birth, on))
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn days(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::days(self.rng.random_range(lo..=hi))
    }

    /// A visit `due` with a window of `before`/`after` days: 85 % in the window, 9 % late, 6 % missed.
    fn visit_around(&mut self, p: u32, due: NaiveDate, before: i64, after: i64, kind: &'static str, m: Option<Method>) {
        let x = self.rng.random_range(0..100);
        let date = match x {
            0..85 => due + self.days(-before, after),
            85..94 => due + self.days(after + 1, after + 20),
            _ => return,
        };
        self.at(date, Action::Visit { p, kind, method: m });
    }

    // ---- the run --------------------------------------------------------------------

    fn run(&mut self) {
        self.define_areas();
        self.populate();
        let mut month = NaiveDate::from_ymd_opt(self.start.year(), self.start.month(), 1).expect("valid");
        month = add_months(month, 1).expect("in range");
        while month <= self.end {
            self.at(month, Action::Tick);
            month = add_months(month, 1).expect("in range");
        }
        while let Some(Reverse((date, _, _, action))) = self.queue.pop() {
            self.act(date, action);
        }
    }

    fn define_areas(&mut self) {
        let d = self.start;
        let admin = "admin".to_string();
        self.emit(
            d,
            admin.clone(),
            EventKind::AreaDefined {
                level: AreaLevel::Community,
                area: self.cfg.community.to_string(),
                parent: None,
                name: Some("和平社区".into()),
            },
        );
        for z in 0..ZONES {
            self.emit(
                d,
                admin.clone(),
                EventKind::AreaDefined {
                    level: AreaLevel::Zone,
                    area: zone_id(self.cfg.community, z),
                    parent: Some(self.cfg.community.to_string()),
                    name: Some(format!("第{}片区", z + 1)),
                },
            );
        }
        for g in 0..GRIDS {
            self.emit(
                d,
                admin.clone(),
                EventKind::AreaDefined {
                    level: AreaLevel::Grid,
                    area: grid_id(self.cfg.community, g),
                    parent: Some(zone_id(self.cfg.community, g / 2)),
                    name: Some(format!("第{}网格", g + 1)),
                },
            );
        }
        for g in 0..GRIDS {
            let sex = if self.chance(0.7) { Sex::Female } else { Sex::Male };
            let name = self.names.name(sex, &mut self.rng);
            self.emit(
                d,
                admin.clone(),
                EventKind::StaffAssigned {
                    staff: keeper_id(self.cfg.community, g).as_str().into(),
                    name: Some(name),
                    role: StaffRole::Keeper,
                    level: AreaLevel::Grid,
                    area: grid_id(self.cfg.community, g),
                },
            );
        }
        let mut n = 0;
        for g in 0..GRIDS {
            let helpers = self.rng.random_range(1..=3);
            for _ in 0..helpers {
                n += 1;
                let role = match self.rng.random_range(0..3) {
                    0 => StaffRole::Volunteer,
                    1 => StaffRole::Informant,
                    _ => StaffRole::AssociationMember,
                };
                let sex = if self.chance(0.6) { Sex::Female } else { Sex::Male };
                let name = self.names.name(sex, &mut self.rng);
                self.emit(
                    d,
                    admin.clone(),
                    EventKind::StaffAssigned {
                        staff: format!("{}v{n:02}", id_prefix(self.cfg.community)).as_str().into(),
                        name: Some(name),
                        role,
                        level: AreaLevel::Grid,
                        area: grid_id(self.cfg.community, g),
                    },
                );
            }
        }
    }

    fn floating_household_p(&self) -> f64 {
        let s = self.cfg.floating_share;
        let (mf, mr) = (MEAN_FLOATING_SIZE, MEAN_REGISTERED_SIZE);
        if s <= LOCAL_FLOATING {
            0.0
        } else if s >= FLOATING_KEPT {
            1.0
        } else {
            mr * (s - LOCAL_FLOATING) / (mf * (FLOATING_KEPT - s) + mr * (s - LOCAL_FLOATING))
        }
    }

    fn new_household(&mut self, date: NaiveDate, floating: bool, grid: Option<u32>) -> u32 {
        let kind = match (floating, self.rng.random_range(0..100)) {
            (true, 0..70) => HousingKind::Rental,
            (true, 70..95) => HousingKind::StreetFront,
            (true, _) => HousingKind::Owner,
            (false, 0..85) => HousingKind::Owner,
            (false, 85..93) => HousingKind::Rental,
            (false, 93..97) => HousingKind::StreetFront,
            (false, _) => HousingKind::Collective,
        };
        let grid = grid.unwrap_or_else(|| self.rng.random_range(0..GRIDS));
        let h = self.households.len() as u32;
        let id = format!("{}h{:05}", id_prefix(self.cfg.community), h + 1);
        let building = self.rng.random_range(1..=30);
        let address = format!("和平路{}号{}栋{}室", grid + 1, building, self.rng.random_range(101..=1804));
        let surname = self.names.surname(&mut self.rng);
        let origin = OTHER_AREAS[self.rng.random_range(0..OTHER_AREAS.len())];
        self.households.push(Hh { id: id.clone(), grid, kind, members: Vec::new(), surname, floating, origin });
        let place =
            Place { address: Some(address), ..Place::grid(famplan::GridId::new(grid_id(self.cfg.community, grid))) };
        self.emit(
            date,
            keeper_id(self.cfg.community, grid),
            EventKind::HouseholdRegistered { household: famplan::HouseholdId::new(id), housing: kind, place },
        );
        h
    }

    #[allow(clippy::too_many_arguments)]
    fn new_person(
        &mut self,
        date: NaiveDate,
        h: u32,
        sex: Sex,
        birth: NaiveDate,
        relation: Relation,
        marital: MaritalStatus,
        marital_since: Option<NaiveDate>,
        floating: bool,
        surname: Option<&'static str>,
    ) -> u32 {
        let p = self.persons.len() as u32;
        let id = format!("{}p{:06}", id_prefix(self.cfg.community), p + 1);
        let surname = surname.unwrap_or_else(|| self.names.surname(&mut self.rng));
        let name = self.names.with_surname(surname, sex, &mut self.rng);
        let id_number = resident_id(birth, sex, !floating, &mut self.rng);
        let phone = (age_on(birth, date) >= 16 && self.chance(0.95)).then(|| mobile(&mut self.rng));
        let residency = if floating { Residency::Floating } else { Residency::Registered };
        self.persons.push(Pn {
            id: id.clone(),
            name: name.clone(),
            surname,
            sex,
            birth,
            household: h,
            residency,
            dead: false,
            marital,
            spouse: None,
            case_open: false,
            pregnant: false,
            method: Method::None,
            children: 0,
            phone: phone.as_ref().map(|p| p.as_str().to_string()),
            id_number: Some(id_number),
            left_on: None,
            tagged: false,
        });
        self.households[h as usize].members.push(p);
        self.emit_for(
            date,
            p,
            EventKind::PersonRegistered {
                person: famplan::PersonId::new(id),
                household: self.households[h as usize].id.as_str().into(),
                name,
                sex,
                birth_date: birth,
                id_number: Some(id_number),
                phone,
                relation: Some(relation),
                marital,
                marital_since,
                residency,
                tags: Vec::new(),
            },
        );
        p
    }

    fn draw_age(&mut self, floating: bool) -> u32 {
        let band = self.ages[usize::from(floating)].pick(&mut self.rng) as u32;
        band * 5 + self.rng.random_range(0..5)
    }

    fn single_marital(&mut self, age: u32) -> MaritalStatus {
        crate::people::marital_by_age(age, &mut self.rng)
    }

    /// Registers one household of up to `max` persons on `date`; returns its members.
    fn household_with_members(&mut self, date: NaiveDate, floating: bool, max: u32) -> Vec<u32> {
        let h = self.new_household(date, floating, None);
        let size = (self.sizes[usize::from(floating)].pick(&mut self.rng) as u32 + 1).min(max.max(1));
        let mut ages: Vec<u32> = (0..size).map(|_| self.draw_age(floating)).collect();
        ages.sort_unstable_by(|a, b| b.cmp(a));
        if ages[0] < 20 {
            ages[0] = 20 + self.rng.random_range(0..25);
        }
        let couple = size >= 2 && ages[1] >= 20 && ages[0] - ages[1] <= 15 && self.chance(0.85);
        let head_sex = if self.chance(if couple { 0.6 } else { 0.5 }) { Sex::Male } else { Sex::Female };
        let surname = self.households[h as usize].surname;
        let mut out = Vec::new();
        let mut married_since = None;
        if couple {
            let younger = ages[1];
            let latest = date - Duration::days(30);
            let earliest = date - Duration::days(i64::from(younger.saturating_sub(20)) * 365);
            married_since = Some(date_between(earliest.min(latest), latest, &mut self.rng));
        }
        for (i, &age) in ages.iter().enumerate() {
            let (sex, relation) = match i {
                0 => (head_sex, Relation::Head),
                1 if couple => (if head_sex == Sex::Male { Sex::Female } else { Sex::Male }, Relation::Spouse),
                _ => {
                    let sex = if self.chance(0.52) { Sex::Male } else { Sex::Female };
                    let rel = if age > ages[0] { Relation::Parent } else { Relation::Child };
                    (sex, if age + 15 > ages[0] && age <= ages[0] { Relation::Relative } else { rel })
                }
            };
            let in_couple = couple && i < 2;
            let (marital, since) =
                if in_couple { (MaritalStatus::Married, married_since) } else { (self.single_marital(age), None) };
            let fl = if floating {
                self.chance(FLOATING_KEPT)
            } else {
                self.cfg.floating_share > 0.0 && self.chance(LOCAL_FLOATING)
            };
            let birth = birth_for_age(age, date, &mut self.rng);
            let surname = if relation == Relation::Spouse { None } else { Some(surname) };
            let p = self.new_person(date, h, sex, birth, relation, marital, since, fl, surname);
            out.push(p);
        }
        if couple {
            self.persons[out[0] as usize].spouse = Some(out[1]);
            self.persons[out[1] as usize].spouse = Some(out[0]);
        }
        // Children living here count as births of the women of the couple.
        for &p in &out {
            let x = &self.persons[p as usize];
            if x.sex == Sex::Female && x.marital != MaritalStatus::Single {
                let b = x.birth;
                let kids = out
                    .iter()
                    .filter(|&&c| {
                        let cb = self.persons[c as usize].birth;
                        cb >= b + Duration::days(18 * 365) && cb <= b + Duration::days(45 * 365)
                    })
                    .count() as u8;
                let extra = u8::from(kids == 0 && age_on(b, date) >= 28 && self.chance(0.7));
                self.persons[p as usize].children = kids + extra;
            }
        }
        out
    }

    /// The initial population, registered over the first days, with their case files,
    /// methods, tags and pregnancies.
    fn populate(&mut self) {
        let q = self.floating_household_p();
        let mut registered = 0;
        while registered < self.cfg.residents {
            let date = self.start + self.days(0, 2);
            let floating = self.chance(q);
            let members = self.household_with_members(date, floating, self.cfg.residents - registered);
            registered += members.len() as u32;
            for p in members {
                let on = date + self.days(0, 10);
                self.settle(p, on, true);
            }
        }
    }

    /// After a woman registers or moves in: the case file, the key-population tag, the
    /// current method and (at the start) a pregnancy under way.
    fn settle(&mut self, p: u32, date: NaiveDate, initial: bool) {
        if !self.is_wra(p, date) {
            return;
        }
        let floating = self.persons[p as usize].residency == Residency::Floating;
        if !self.persons[p as usize].case_open && self.chance(0.97) {
            self.at(date, Action::OpenCaseFile { p });
        }
        if floating {
            self.at(date, Action::AddTag { p });
        }
        if !initial {
            return;
        }
        let married = self.persons[p as usize].marital == MaritalStatus::Married;
        let age = self.age(p, date);
        let ix = if married { self.married_mix.pick(&mut self.rng) } else { self.unmarried_mix.pick(&mut self.rng) };
        let method = match METHODS[ix] {
            "iud" => Some(Method::Iud),
            "sterilization" if age < 25 => Some(Method::Iud),
            "sterilization" => Some(match self.rng.random_range(0..20) {
                0..16 => Method::TubalSterilization,
                16..19 => Method::Sterilization,
                _ => Method::Vasectomy,
            }),
            "condom" => Some(Method::Condom),
            "pill" => Some(Method::Pill),
            "implant" => Some(Method::Implant),
            "injectable" => Some(Method::Injectable),
            "none" => Some(Method::None),
            _ => None,
        };
        if married && method == Some(Method::None) && (20..=40).contains(&age) && self.chance(0.15) {
            // A pregnancy under way when the ledger begins.
            self.persons[p as usize].pregnant = true;
            self.after(date, 1, 20, Action::Report { p });
            return;
        }
        if let Some(m) = method {
            self.after(date, 1, 10, Action::StartMethod { p, method: m });
        }
    }

    // ---- actions --------------------------------------------------------------------

    fn act(&mut self, d: NaiveDate, a: Action) {
        match a {
            Action::Tick => self.tick(d),
            Action::Visit { p, kind, method } => {
                let x = &self.persons[p as usize];
                if x.here() && method.is_none_or(|m| x.method == m) && d >= x.birth {
                    let outcome = match kind {
                        "supply_followup" | "pill_resupply" => {
                            Some(if self.chance(0.96) { "using_correctly" } else { "not_using_correctly" })
                        }
                        _ if self.chance(0.05) => Some("not_home"),
                        _ => Some("done"),
                    };
                    let pid = self.pid(p);
                    let visitor = Some(self.keeper_of(p).as_str().into());
                    self.emit_for(
                        d,
                        p,
                        EventKind::VisitRecorded {
                            person: pid,
                            visit: kind.into(),
                            outcome: outcome.map(Into::into),
                            visitor,
                        },
                    );
                }
            }
            Action::OpenCaseFile { p } => {
                let x = &self.persons[p as usize];
                if x.here() && !x.case_open && x.sex == Sex::Female && age_on(x.birth, d) < 50 {
                    self.persons[p as usize].case_open = true;
                    let pid = self.pid(p);
                    self.emit_for(d, p, EventKind::CaseFileOpened { person: pid });
                }
            }
            Action::AgeOut { p } => {
                if self.persons[p as usize].here() && self.persons[p as usize].case_open {
                    self.persons[p as usize].case_open = false;
                    let pid = self.pid(p);
                    self.emit_for(d, p, EventKind::CaseFileClosed { person: pid, reason: CloseReason::AgedOut });
                }
            }
            Action::Conceive { p } => {
                let x = &self.persons[p as usize];
                if x.here() && !x.pregnant && x.marital == MaritalStatus::Married {
                    self.persons[p as usize].pregnant = true;
                    let report = d + self.days(40, 70);
                    self.at(report, Action::Report { p });
                }
            }
            Action::Report { p } => {
                if !self.persons[p as usize].here() {
                    // Left before the pregnancy was reported: nothing is recorded here.
                    self.persons[p as usize].pregnant = false;
                    return;
                }
                let pid = self.pid(p);
                self.emit_for(d, p, EventKind::PregnancyReported { person: pid.clone() });
                match self.persons[p as usize].method {
                    Method::None => {}
                    Method::Iud => {
                        self.remove_method(d, p, Procedure::IudRemoval);
                        self.tag(d, p);
                    }
                    Method::Implant => {
                        self.remove_method(d, p, Procedure::ImplantRemoval);
                        self.tag(d, p);
                    }
                    _ => {
                        self.persons[p as usize].method = Method::None;
                        self.emit_for(d, p, EventKind::MethodStopped { person: pid, reason: StopReason::Failure });
                        self.tag(d, p);
                    }
                }
                let (outcome, after) = match self.rng.random_range(0..100) {
                    0..85 => (PregnancyOutcome::LiveBirth, self.days(200, 230)),
                    85..95 => (PregnancyOutcome::InducedAbortion, self.days(5, 25)),
                    _ => (PregnancyOutcome::Miscarriage, self.days(5, 40)),
                };
                self.at(d + after, Action::EndPregnancy { p, outcome });
            }
            Action::EndPregnancy { p, outcome } => self.end_pregnancy(d, p, outcome),
            Action::StartMethod { p, method } => self.start_method(d, p, method),
            Action::WishChild { p } => {
                let x = &self.persons[p as usize];
                if !x.here() || x.pregnant {
                    return;
                }
                match x.method {
                    Method::Iud => self.remove_method(d, p, Procedure::IudRemoval),
                    Method::Implant => self.remove_method(d, p, Procedure::ImplantRemoval),
                    Method::Condom | Method::Pill | Method::Injectable => {
                        self.persons[p as usize].method = Method::None;
                        let pid = self.pid(p);
                        self.emit_for(d, p, EventKind::MethodStopped { person: pid, reason: StopReason::WishChild });
                    }
                    _ => {}
                }
            }
            Action::Dispense { p, method, anchor, k } => {
                let x = &self.persons[p as usize];
                if !x.here() || x.method != method {
                    return;
                }
                let (item, quantity, cycles) = match method {
                    Method::Pill => ("pill", 3, Some(3)),
                    Method::Injectable => ("dmpa", 1, None),
                    _ => ("condom", 30, None),
                };
                let channel = match self.rng.random_range(0..10) {
                    0..5 => SupplyChannel::Station,
                    5..8 => SupplyChannel::HomeDelivery,
                    _ => SupplyChannel::SelfService,
                };
                let pid = self.pid(p);
                self.emit_for(
                    d,
                    p,
                    EventKind::SuppliesDispensed {
                        person: pid,
                        item: item.into(),
                        quantity,
                        cycles,
                        channel: Some(channel),
                        point: None,
                        lot: None,
                    },
                );
                let m = Some(method);
                if k == 0 {
                    // 药具随访: one month after the first dispense, then every three months
                    // (a visit is dropped if she has stopped the method by then).
                    let mut j = 0;
                    while let Some(due) = add_months(anchor, 1 + 3 * j).filter(|due| *due <= self.end) {
                        self.visit_around(p, due, 14, 14, "supply_followup", m);
                        j += 1;
                    }
                }
                if method == Method::Pill {
                    // Resupply reminder: 14 days before the cycles run out.
                    let due = d + Duration::days(3 * 28 - 14);
                    self.visit_around(p, due, 3, 7, "pill_resupply", m);
                }
                let next = add_months(anchor, 3 * (k as i32 + 1)).expect("in range") + self.days(-7, 7);
                self.at(next, Action::Dispense { p, method, anchor, k: k + 1 });
            }
            Action::Marry { p } => self.marry(d, p),
            Action::Divorce { p } => {
                let x = &self.persons[p as usize];
                let Some(s) = x.spouse else { return };
                let y = &self.persons[s as usize];
                if x.here() && y.here() && x.marital == MaritalStatus::Married && y.marital == MaritalStatus::Married {
                    for q in [p, s] {
                        self.persons[q as usize].marital = MaritalStatus::Divorced;
                        self.persons[q as usize].spouse = None;
                        let pid = self.pid(q);
                        self.emit_for(d, q, EventKind::Divorced { person: pid });
                    }
                }
            }
            Action::Die { p } => {
                if !self.persons[p as usize].here() {
                    return;
                }
                if let Some(s) = self.persons[p as usize].spouse {
                    let y = &self.persons[s as usize];
                    if y.here() && y.marital == MaritalStatus::Married {
                        self.persons[s as usize].marital = MaritalStatus::Widowed;
                        self.persons[s as usize].spouse = None;
                        let sid = self.pid(s);
                        self.emit_for(d, s, EventKind::Widowed { person: sid });
                    }
                }
                self.close_file(d, p, CloseReason::Died);
                let x = &mut self.persons[p as usize];
                x.dead = true;
                x.residency = Residency::Departed;
                x.spouse = None;
                let pid = self.pid(p);
                self.emit_for(d, p, EventKind::Died { person: pid });
            }
            Action::LeaveHousehold { h } => {
                let members: Vec<u32> = self.households[h as usize]
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| self.persons[m as usize].here())
                    .collect();
                if members.is_empty()
                    || members.iter().any(|&m| self.persons[m as usize].residency != Residency::Floating)
                {
                    return;
                }
                let to = self.households[h as usize].origin.to_string();
                for m in members {
                    self.close_file(d, m, CloseReason::Departed);
                    let x = &mut self.persons[m as usize];
                    x.residency = Residency::Departed;
                    x.left_on = Some(d);
                    let pid = self.pid(m);
                    self.emit_for(
                        d,
                        m,
                        EventKind::PersonMovedOut { person: pid, to: Some(to.clone()), permanent: false },
                    );
                }
            }
            Action::ReturnHousehold { h } => {
                let back: Vec<u32> = self.households[h as usize]
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| {
                        let x = &self.persons[m as usize];
                        !x.dead
                            && x.residency == Residency::Departed
                            && x.left_on.is_some_and(|l| l + Duration::days(45) <= d)
                    })
                    .collect();
                if back.is_empty() {
                    return;
                }
                let from = self.households[h as usize].origin.to_string();
                for m in back {
                    self.persons[m as usize].residency = Residency::Floating;
                    self.persons[m as usize].left_on = None;
                    let pid = self.pid(m);
                    let household = self.households[h as usize].id.as_str().into();
                    self.emit_for(
                        d,
                        m,
                        EventKind::PersonMovedIn {
                            person: pid,
                            from: Some(from.clone()),
                            household,
                            residency: Residency::Floating,
                        },
                    );
                    let on = d + self.days(0, 25);
                    self.settle(m, on, false);
                }
            }
            Action::MoveOutLocal { p } => {
                let x = &self.persons[p as usize];
                if x.here() && x.residency == Residency::Registered && !x.pregnant {
                    self.persons[p as usize].residency = Residency::MovedOut;
                    self.persons[p as usize].left_on = Some(d);
                    let pid = self.pid(p);
                    let to = Some(OTHER_AREAS[self.rng.random_range(0..OTHER_AREAS.len())].to_string());
                    self.emit_for(d, p, EventKind::PersonMovedOut { person: pid, to, permanent: false });
                }
            }
            Action::ComeBack { p } => {
                let x = &self.persons[p as usize];
                if !x.dead
                    && x.residency == Residency::MovedOut
                    && x.left_on.is_some_and(|l| l + Duration::days(45) <= d)
                {
                    self.persons[p as usize].residency = Residency::Registered;
                    self.persons[p as usize].left_on = None;
                    let pid = self.pid(p);
                    self.emit_for(d, p, EventKind::PersonReturned { person: pid });
                }
            }
            Action::Arrive => {
                let members = self.household_with_members(d, true, 6);
                for p in members {
                    let on = d + self.days(0, 25);
                    self.settle(p, on, false);
                    if self.persons[p as usize].marital == MaritalStatus::Married && self.is_wra(p, d) {
                        let m = if self.chance(0.5) { Method::Iud } else { Method::Condom };
                        self.after(d, 30, 60, Action::StartMethod { p, method: m });
                    }
                }
            }
            Action::Reconcile { h } => {
                if let Some(&head) =
                    self.households[h as usize].members.iter().find(|&&m| self.persons[m as usize].here())
                {
                    self.at(d, Action::Visit { p: head, kind: "reconciliation", method: None });
                }
            }
            Action::Verify { h } => self.verify(d, h),
            Action::Screen { p } => {
                if self.persons[p as usize].here() && self.persons[p as usize].case_open {
                    let pid = self.pid(p);
                    let referred = self.chance(0.04);
                    self.emit_for(
                        d,
                        p,
                        EventKind::ScreeningDone { person: pid, screening: ScreeningKind::Gynaecological, referred },
                    );
                }
            }
            Action::Certificate { p, kind, action } => {
                if self.persons[p as usize].here() {
                    let pid = self.pid(p);
                    self.emit_for(d, p, EventKind::Certificate { person: pid, certificate: kind, action });
                    if action == CertificateAction::Applied {
                        let issued = d + self.days(3, 20);
                        self.at(issued, Action::Certificate { p, kind, action: CertificateAction::Issued });
                    }
                }
            }
            Action::Consult { p } => {
                if self.persons[p as usize].here() {
                    let pid = self.pid(p);
                    let grid = Some(famplan::GridId::new(grid_id(
                        self.cfg.community,
                        self.households[self.persons[p as usize].household as usize].grid,
                    )));
                    let topic =
                        if self.chance(0.6) { ConsultationTopic::HealthyBirth } else { ConsultationTopic::Policy };
                    self.emit_for(d, p, EventKind::ConsultationGiven { person: Some(pid), grid, topic });
                }
            }
            Action::CorrectPhone { p } => {
                let x = &self.persons[p as usize];
                if let (true, Some(old)) = (x.here(), x.phone.clone()) {
                    let new = mobile(&mut self.rng).as_str().to_string();
                    self.persons[p as usize].phone = Some(new.clone());
                    let pid = self.pid(p);
                    self.emit_for(
                        d,
                        p,
                        EventKind::PersonCorrected { person: pid, field: famplan::CorrectableField::Phone, old, new },
                    );
                }
            }
            Action::Survey => {
                let grid = self.rng.random_range(0..GRIDS);
                let respondent = if self.chance(0.4) { RespondentKind::Floating } else { RespondentKind::Registered };
                let satisfied = self.chance(0.92);
                let knows_free_supply = self.chance(0.7);
                self.emit(
                    d,
                    keeper_id(self.cfg.community, grid),
                    EventKind::SurveyResponse {
                        respondent,
                        satisfied,
                        knows_free_supply,
                        grid: Some(famplan::GridId::new(grid_id(self.cfg.community, grid))),
                    },
                );
            }
            Action::AddTag { p } => {
                if self.persons[p as usize].here() {
                    self.tag(d, p);
                }
            }
            Action::RemoveTag { p } => {
                if self.persons[p as usize].here() && self.persons[p as usize].tagged {
                    self.persons[p as usize].tagged = false;
                    let pid = self.pid(p);
                    self.emit_for(d, p, EventKind::TagRemoved { person: pid, tag: Tag::key_population() });
                }
            }
        }
    }

    fn tag(&mut self, d: NaiveDate, p: u32) {
        if !self.persons[p as usize].tagged {
            self.persons[p as usize].tagged = true;
            let pid = self.pid(p);
            self.emit_for(d, p, EventKind::TagAdded { person: pid, tag: Tag::key_population() });
            if self.persons[p as usize].residency != Residency::Floating {
                let off = d + Duration::days(365);
                self.at(off, Action::RemoveTag { p });
            }
        }
    }

    fn close_file(&mut self, d: NaiveDate, p: u32, reason: CloseReason) {
        if self.persons[p as usize].case_open {
            self.persons[p as usize].case_open = false;
            let pid = self.pid(p);
            self.emit_for(d, p, EventKind::CaseFileClosed { person: pid, reason });
        }
    }

    fn remove_method(&mut self, d: NaiveDate, p: u32, procedure: Procedure) {
        self.persons[p as usize].method = Method::None;
        let pid = self.pid(p);
        self.emit_for(d, p, EventKind::ProcedurePerformed { person: pid, procedure });
    }

    fn start_method(&mut self, d: NaiveDate, p: u32, method: Method) {
        let x = &self.persons[p as usize];
        if !x.here() || x.pregnant || x.sex != Sex::Female {
            return;
        }
        if matches!(
            x.method,
            Method::TubalSterilization | Method::Sterilization | Method::Vasectomy | Method::Iud | Method::Implant
        ) && method != x.method
        {
            // A long-acting method stays until it is removed.
            return;
        }
        let pid = self.pid(p);
        let procedure = match method {
            Method::Iud => Some(Procedure::IudInsertion),
            Method::Implant => Some(Procedure::ImplantInsertion),
            Method::TubalSterilization => Some(Procedure::TubalSterilization),
            Method::Vasectomy => Some(Procedure::Vasectomy),
            _ => None,
        };
        let initial = d <= self.start + Duration::days(30);
        if x.method == method {
            return;
        }
        self.persons[p as usize].method = method;
        match procedure {
            // Methods in place before the ledger began are recorded as such, not as procedures.
            Some(pr) if !initial => {
                self.emit_for(d, p, EventKind::ProcedurePerformed { person: pid, procedure: pr });
                self.tag(d, p);
                let m = Some(method);
                match pr {
                    Procedure::IudInsertion | Procedure::ImplantInsertion => {
                        let due = add_months(d, 1).expect("in range");
                        self.visit_around(p, due, 7, 14, "post_surgery", m);
                        for k in [3, 6] {
                            let due = add_months(d, k).expect("in range");
                            self.visit_around(p, due, 14, 14, "post_surgery", m);
                        }
                        let mut k = 12;
                        while let Some(due) = add_months(d, k).filter(|due| *due <= self.end + Duration::days(30)) {
                            self.visit_around(p, due, 30, 30, "post_surgery", m);
                            k += 12;
                        }
                    }
                    _ => {
                        for k in [1, 3] {
                            let due = add_months(d, k).expect("in range");
                            self.visit_around(p, due, 14, 14, "post_surgery", None);
                        }
                    }
                }
            }
            _ => {
                let source = match method {
                    Method::Condom | Method::Pill | Method::Injectable => Some(MethodSource::Free),
                    _ => None,
                };
                self.emit_for(d, p, EventKind::MethodStarted { person: pid, method, source, informed_choice: true });
                if source.is_some() {
                    self.at(d, Action::Dispense { p, method, anchor: d, k: 0 });
                }
            }
        }
    }

    fn end_pregnancy(&mut self, d: NaiveDate, p: u32, outcome: PregnancyOutcome) {
        let x = &self.persons[p as usize];
        if !x.here() || !x.pregnant {
            return;
        }
        self.persons[p as usize].pregnant = false;
        let pid = self.pid(p);
        match outcome {
            PregnancyOutcome::LiveBirth => {
                let order = self.persons[p as usize].children + 1;
                self.persons[p as usize].children = order;
                let sex = if self.chance(0.52) { Sex::Male } else { Sex::Female };
                let child = Child { sex, birth_date: d, order, relation: ChildRelation::Biological };
                self.emit_for(d, p, EventKind::PregnancyEnded { person: pid, outcome, children: vec![child] });
                let h = self.persons[p as usize].household;
                let floating = self.persons[p as usize].residency == Residency::Floating;
                // The father's surname when he is known, else the household's.
                let surname = self.persons[p as usize]
                    .spouse
                    .map(|s| self.persons[s as usize].surname)
                    .unwrap_or(self.households[h as usize].surname);
                self.new_person(d, h, sex, d, Relation::Child, MaritalStatus::Single, None, floating, Some(surname));
                self.visit_around(p, d + Duration::days(7), 7, 7, "birth_home", None);
                self.visit_around(p, d + Duration::days(28), 0, 2, "newborn_check", None);
                self.visit_around(p, d + Duration::days(42), 0, 14, "postpartum_check", None);
                self.after(
                    d,
                    5,
                    40,
                    Action::Certificate {
                        p,
                        kind: CertificateKind::BirthRegistration,
                        action: CertificateAction::Applied,
                    },
                );
                let method = match self.rng.random_range(0..100) {
                    0..45 => Method::Iud,
                    45..75 => Method::Condom,
                    75..83 => Method::Pill,
                    83..88 => Method::Implant,
                    88..98 if order >= 2 => Method::TubalSterilization,
                    88..98 => Method::Iud,
                    _ => Method::Injectable,
                };
                let start = d + self.days(42, 120);
                self.at(start, Action::StartMethod { p, method });
            }
            PregnancyOutcome::InducedAbortion => {
                self.emit_for(d, p, EventKind::PregnancyEnded { person: pid.clone(), outcome, children: Vec::new() });
                self.emit_for(
                    d,
                    p,
                    EventKind::ProcedurePerformed { person: pid, procedure: Procedure::InducedAbortion },
                );
                self.tag(d, p);
                for k in [1, 3, 6] {
                    let due = add_months(d, k).expect("in range");
                    self.visit_around(p, due, 14, 14, "post_surgery", None);
                }
                let method = if self.chance(0.5) { Method::Iud } else { Method::Condom };
                let start = d + self.days(1, 30);
                self.at(start, Action::StartMethod { p, method });
            }
            _ => {
                self.emit_for(d, p, EventKind::PregnancyEnded { person: pid, outcome, children: Vec::new() });
            }
        }
    }

    fn marry(&mut self, d: NaiveDate, p: u32) {
        let x = &self.persons[p as usize];
        if !x.here() || x.marital == MaritalStatus::Married || x.pregnant {
            return;
        }
        let age = age_on(x.birth, d);
        // A partner: an unmarried man living here, a little older.
        let n = self.persons.len() as u32;
        let from = self.rng.random_range(0..n);
        let partner = (0..n).map(|i| (from + i) % n).find(|&q| {
            let y = &self.persons[q as usize];
            let a = age_on(y.birth, d);
            y.here()
                && y.sex == Sex::Male
                && y.marital != MaritalStatus::Married
                && a + 2 >= age
                && a <= age + 8
                && a >= 22
                && y.household != x.household
        });
        let Some(q) = partner else { return };
        for (a, b) in [(p, q), (q, p)] {
            self.persons[a as usize].marital = MaritalStatus::Married;
            self.persons[a as usize].spouse = Some(b);
            let pid = self.pid(a);
            let spouse = Some(self.pid(b));
            self.emit_for(d, a, EventKind::Married { person: pid, spouse });
        }
        self.visit_around(p, d + Duration::days(30), 30, 15, "marriage_home", None);
        // She joins his household.
        let old = self.persons[p as usize].household;
        let new = self.persons[q as usize].household;
        self.households[old as usize].members.retain(|&m| m != p);
        self.households[new as usize].members.push(p);
        self.persons[p as usize].household = new;
        let pid = self.pid(p);
        let household = self.households[new as usize].id.as_str().into();
        self.emit_for(d, p, EventKind::PersonRehoused { person: pid, household, relation: Some(Relation::Spouse) });
        if self.is_wra(p, d) && !self.persons[p as usize].case_open {
            self.after(d, 0, 20, Action::OpenCaseFile { p });
        }
        if self.chance(0.3) {
            self.after(d, 5, 30, Action::StartMethod { p, method: Method::Condom });
        }
    }

    fn verify(&mut self, d: NaiveDate, h: u32) {
        let members: Vec<u32> =
            self.households[h as usize].members.iter().copied().filter(|&m| self.persons[m as usize].here()).collect();
        if members.is_empty() {
            return;
        }
        let mut observed = Vec::new();
        for &m in &members {
            if self.chance(0.05) {
                continue; // not at home and not reported: `not_found`
            }
            let x = &self.persons[m as usize];
            let mut o = Observation {
                person: Some(x.id.as_str().into()),
                name: Some(x.name.clone()),
                sex: Some(x.sex),
                birth_date: Some(x.birth),
                id_number: x.id_number,
                residency: Some(x.residency),
                marital: Some(x.marital),
                ..Observation::default()
            };
            if x.case_open {
                o.method = Some(x.method);
            }
            let marital = x.marital;
            if self.chance(0.04) {
                // A key item that does not match the registry.
                o.marital = Some(match marital {
                    MaritalStatus::Married => MaritalStatus::Single,
                    _ => MaritalStatus::Married,
                });
            }
            observed.push(o);
        }
        if self.chance(0.08) {
            // Someone living here who is not in the registry (`unfiled`).
            let sex = if self.chance(0.5) { Sex::Female } else { Sex::Male };
            let birth = birth_for_age(self.rng.random_range(18..60), d, &mut self.rng);
            observed.push(Observation {
                name: Some(self.names.name(sex, &mut self.rng)),
                sex: Some(sex),
                birth_date: Some(birth),
                residency: Some(Residency::Floating),
                ..Observation::default()
            });
        }
        let household = self.households[h as usize].id.as_str().into();
        let by = keeper_id(self.cfg.community, self.households[h as usize].grid);
        self.emit(d, by, EventKind::VerificationRecorded { household, observed });
    }

    /// The first of each month: what may happen to each person during the month.
    fn tick(&mut self, m: NaiveDate) {
        let month_end = (add_months(m, 1).expect("in range") - Duration::days(1)).min(self.end);
        let any_day = |s: &mut Self| date_between(m, month_end, &mut s.rng);
        let n = self.persons.len() as u32;
        let mut floating_here = 0u32;
        for p in 0..n {
            let x = self.persons[p as usize].clone();
            if x.dead {
                continue;
            }
            if x.residency == Residency::MovedOut {
                if self.chance(0.04) {
                    let d = any_day(self);
                    self.at(d, Action::ComeBack { p });
                }
                continue;
            }
            if !x.here() {
                continue;
            }
            let age = age_on(x.birth, m);
            // Deaths.
            let yearly_death = match age {
                0..50 => 0.0005,
                50..60 => 0.004,
                60..70 => 0.01,
                70..80 => 0.03,
                80..90 => 0.08,
                _ => 0.18,
            };
            if self.chance(yearly_death / 12.0) {
                let d = any_day(self);
                self.at(d, Action::Die { p });
            }
            if x.residency == Residency::Floating {
                floating_here += 1;
                // 每月一查.
                if self.chance(0.9) {
                    let d = any_day(self);
                    self.at(d, Action::Visit { p, kind: "floating_monthly_check", method: None });
                }
            } else if (20..40).contains(&age) && !x.pregnant && self.chance(0.02 / 12.0) {
                let d = any_day(self);
                self.at(d, Action::MoveOutLocal { p });
            }
            if x.sex == Sex::Female {
                // Case files open at 15 and close at 50.
                let b15 = add_months(x.birth, 15 * 12).expect("in range");
                if b15 >= m && b15 <= month_end {
                    let d = b15
                        + match self.rng.random_range(0..100) {
                            0..90 => self.days(0, 30),
                            90..97 => self.days(31, 60),
                            _ => Duration::days(10_000),
                        };
                    self.at(d, Action::OpenCaseFile { p });
                }
                let b50 = add_months(x.birth, 50 * 12).expect("in range");
                if b50 >= m && b50 <= month_end {
                    let d = b50 + self.days(0, 30);
                    self.at(d, Action::AgeOut { p });
                }
                // The yearly gynaecological screening (妇女病普查) in April and May.
                if (15..=49).contains(&age) && x.case_open && m.month() == 4 && self.chance(0.6) {
                    let d = date_between(m, m + Duration::days(55), &mut self.rng);
                    self.at(d, Action::Screen { p });
                }
                // Marriage.
                if (20..=40).contains(&age) && x.marital != MaritalStatus::Married && self.chance(0.07 / 12.0) {
                    let d = any_day(self);
                    self.at(d, Action::Marry { p });
                }
                // Children.
                if x.marital == MaritalStatus::Married && (20..=42).contains(&age) && !x.pregnant {
                    let wish = if x.children == 0 {
                        0.012
                    } else if x.children == 1 {
                        0.005
                    } else {
                        0.0008
                    };
                    match x.method {
                        Method::None => {
                            let p_conceive = if x.children >= 2 { 0.002 } else { 0.03 };
                            if self.chance(p_conceive) {
                                let d = any_day(self);
                                self.at(d, Action::Conceive { p });
                            }
                        }
                        Method::Iud | Method::Implant | Method::Condom | Method::Pill | Method::Injectable => {
                            let failure =
                                if matches!(x.method, Method::Iud | Method::Implant) { 0.0004 } else { 0.002 };
                            if self.chance(failure) {
                                let d = any_day(self);
                                self.at(d, Action::Conceive { p });
                            } else if self.chance(wish) {
                                let d = any_day(self);
                                self.at(d, Action::WishChild { p });
                            }
                        }
                        _ => {}
                    }
                }
                // Divorce.
                if x.marital == MaritalStatus::Married && x.spouse.is_some() && self.chance(0.004 / 12.0) {
                    let d = any_day(self);
                    self.at(d, Action::Divorce { p });
                }
            }
            if age >= 18 && self.chance(0.002) {
                let d = any_day(self);
                self.at(d, Action::CorrectPhone { p });
            }
            if age >= 18 && self.chance(0.003) {
                let d = any_day(self);
                self.at(d, Action::Consult { p });
            }
        }
        // Households: floating ones leave and come back; rentals are reconciled each quarter.
        let quarter_start = matches!(m.month(), 1 | 4 | 7 | 10);
        for h in 0..self.households.len() as u32 {
            let hh = &self.households[h as usize];
            let (hh_floating, needs) = (hh.floating, hh.kind.needs_reconciliation());
            let here: Vec<u32> = hh.members.iter().copied().filter(|&q| self.persons[q as usize].here()).collect();
            let has_floating = here.iter().any(|&q| self.persons[q as usize].residency == Residency::Floating);
            if hh_floating {
                if !here.is_empty() && self.chance(0.01) {
                    let d = any_day(self);
                    self.at(d, Action::LeaveHousehold { h });
                } else if here.is_empty() && self.chance(0.03) {
                    let d = any_day(self);
                    self.at(d, Action::ReturnHousehold { h });
                }
            }
            if quarter_start && !here.is_empty() && (needs || has_floating) {
                let quarter_end = add_months(m, 3).expect("in range") - Duration::days(1);
                let d = date_between(m, quarter_end.min(self.end), &mut self.rng);
                match self.rng.random_range(0..100) {
                    0..82 => self.at(d, Action::Reconcile { h }),
                    82..88 => self.at(d, Action::Verify { h }),
                    _ => {}
                }
            } else if quarter_start && !here.is_empty() && self.chance(0.005) {
                let d = date_between(m, month_end, &mut self.rng);
                self.at(d, Action::Verify { h });
            }
        }
        // New floating households keep the floating share steady.
        let target = f64::from(self.cfg.residents) * self.cfg.floating_share;
        let arrivals = if self.cfg.floating_share > 0.0 {
            ((target - f64::from(floating_here)) / MEAN_FLOATING_SIZE).max(0.0) / 3.0
                + f64::from(self.cfg.residents) * 0.0004
        } else {
            0.0
        };
        let whole = arrivals.floor() as u32 + u32::from(self.chance(arrivals.fract()));
        for _ in 0..whole {
            let d = any_day(self);
            self.at(d, Action::Arrive);
        }
        // Survey responses (请流动人口评计生) in June and December.
        if matches!(m.month(), 6 | 12) {
            for _ in 0..(self.cfg.residents / 60).max(5) {
                let d = any_day(self);
                self.at(d, Action::Survey);
            }
        }
    }
}
