//! The snapshot directory (DOMAIN §15): `areas.csv`, `households.csv`, `persons.csv`,
//! `visits.csv`, and optionally `events.csv` / `events.jsonl`.

use super::events::{EventFormat, read_events_located};
use super::table::{Bad, Row, RowSource, Table};
use crate::registry::state::*;
use crate::{
    Area, AreaLevel, CaseFileStatus, Error, Event, HousingKind, Location, MaritalStatus, Method, Phone,
    PregnancyOutcome, Registry, Rejection, Residency, ResidentId, Sex, Tag,
};
use chrono::NaiveDate;
use simd_csv::StringRecord;
use std::io::{Read, Write};

/// One row of `areas.csv`: a grid and its ancestry.
///
/// # Example
///
/// ```
/// let row = famplan::io::AreaRow { grid_id: "101", zone_id: "1", community_id: "c" };
/// assert_eq!(row.grid_id, "101");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AreaRow<'a> {
    /// Grid id.
    pub grid_id: &'a str,
    /// Its zone.
    pub zone_id: &'a str,
    /// The zone's community.
    pub community_id: &'a str,
}

/// One row of `households.csv`.
///
/// # Example
///
/// ```
/// let row = famplan::io::HouseholdRow { household_id: "1", grid_id: "101", kind: famplan::HousingKind::Rental };
/// assert_eq!(row.kind.code(), "rental");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HouseholdRow<'a> {
    /// Household id.
    pub household_id: &'a str,
    /// Its grid.
    pub grid_id: &'a str,
    /// Housing kind (`registered` in the file means owner-occupied).
    pub kind: HousingKind,
}

/// One row of `persons.csv`, required and optional columns.
///
/// # Example
///
/// ```
/// use famplan::{MaritalStatus, Residency, Sex, io::PersonRow};
/// let row = PersonRow::new("7", "1", "101", Sex::Female, "1990-05-01".parse().unwrap(), MaritalStatus::Married, Residency::Floating);
/// assert!(!row.case_file);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonRow<'a> {
    /// Person id.
    pub person_id: &'a str,
    /// Household id.
    pub household_id: &'a str,
    /// Grid id (must be the household's grid).
    pub grid_id: &'a str,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Marital status.
    pub marital_status: MaritalStatus,
    /// Residency.
    pub residency: Residency,
    /// Has an open case file.
    pub case_file: bool,
    /// Current method (empty in the file = `None`, distinct from `none`).
    pub contraceptive_method: Option<Method>,
    /// When the method started.
    pub method_start: Option<NaiveDate>,
    /// Date of the last live birth.
    pub last_birth_date: Option<NaiveDate>,
    /// Optional: name.
    pub name: Option<&'a str>,
    /// Optional: resident ID number.
    pub id_number: Option<ResidentId>,
    /// Optional: phone.
    pub phone: Option<Phone>,
    /// Optional: since when the marital status holds.
    pub marital_since: Option<NaiveDate>,
    /// Optional: since when the residency holds.
    pub residency_since: Option<NaiveDate>,
    /// Optional: when the case file was opened.
    pub case_file_opened: Option<NaiveDate>,
    /// Optional: tags (`;`-separated in the file).
    pub tags: Vec<&'a str>,
}

impl<'a> PersonRow<'a> {
    /// A row with the required columns and everything optional empty.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{MaritalStatus, Residency, Sex, io::PersonRow};
    /// let row = PersonRow::new("7", "1", "101", Sex::Male, "1990-05-01".parse().unwrap(), MaritalStatus::Single, Residency::Registered);
    /// assert!(row.name.is_none());
    /// ```
    pub fn new(
        person_id: &'a str,
        household_id: &'a str,
        grid_id: &'a str,
        sex: Sex,
        birth_date: NaiveDate,
        marital_status: MaritalStatus,
        residency: Residency,
    ) -> PersonRow<'a> {
        PersonRow {
            person_id,
            household_id,
            grid_id,
            sex,
            birth_date,
            marital_status,
            residency,
            case_file: false,
            contraceptive_method: None,
            method_start: None,
            last_birth_date: None,
            name: None,
            id_number: None,
            phone: None,
            marital_since: None,
            residency_since: None,
            case_file_opened: None,
            tags: Vec::new(),
        }
    }
}

/// One row of `visits.csv`.
///
/// # Example
///
/// ```
/// let row = famplan::io::VisitRow { visit_id: "1", person_id: "7", date: "2026-03-02".parse().unwrap(), kind: "post_surgery" };
/// assert_eq!(row.kind, "post_surgery");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VisitRow<'a> {
    /// Visit id.
    pub visit_id: &'a str,
    /// Who was visited.
    pub person_id: &'a str,
    /// When.
    pub date: NaiveDate,
    /// Visit kind.
    pub kind: &'a str,
}

/// How many facts came without a date of their own (DOMAIN §15): they hold on every date
/// until a dated event changes them. Nothing is invented: no date is made up for them.
///
/// # Example
///
/// ```
/// let u = famplan::io::UndatedCounts::default();
/// assert_eq!(u.total(), 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct UndatedCounts {
    /// Marital statuses with no `marital_since`.
    pub marital: u64,
    /// Residencies with no `residency_since`.
    pub residency: u64,
    /// Open case files with no `case_file_opened`.
    pub case_file: u64,
    /// Methods (other than empty) with no `method_start`.
    pub method: u64,
}

impl UndatedCounts {
    /// All undated facts.
    ///
    /// # Example
    ///
    /// ```
    /// let u = famplan::io::UndatedCounts { marital: 2, residency: 1, case_file: 0, method: 0 };
    /// assert_eq!(u.total(), 3);
    /// ```
    pub fn total(&self) -> u64 {
        self.marital + self.residency + self.case_file + self.method
    }
}

/// What an import took in, and what it refused or ignored.
///
/// # Example
///
/// ```
/// let s = famplan::io::ImportSummary::default();
/// assert!(s.rejects.is_empty());
/// ```
#[derive(Debug, Default)]
pub struct ImportSummary {
    /// Grid rows read.
    pub areas: u64,
    /// Households read.
    pub households: u64,
    /// Persons read.
    pub persons: u64,
    /// Visits read.
    pub visits: u64,
    /// Events applied from `events.csv` / `events.jsonl`.
    pub events: u64,
    /// Facts taken in without a date.
    pub undated: UndatedCounts,
    /// Notes that are not errors (ignored columns).
    pub warnings: Vec<String>,
    /// Rows refused in [`ImportMode::KeepGoing`], each with its place and reason.
    pub rejects: Vec<Error>,
}

/// What to do with bad rows.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::ImportMode::default(), famplan::io::ImportMode::AllOrNothing);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportMode {
    /// Any bad row fails the whole import, which returns every problem found (default).
    #[default]
    AllOrNothing,
    /// Good rows are applied; every refused row is returned in [`ImportSummary::rejects`].
    KeepGoing,
}

/// Builds a registry from snapshot rows, checking each as it comes. Used by the CSV reader
/// and by stores that keep snapshot rows in their own tables.
///
/// Rows must come in dependency order: areas, households, persons, visits.
///
/// # Example
///
/// ```
/// use famplan::{HousingKind, MaritalStatus, Residency, Sex};
/// use famplan::io::{AreaRow, HouseholdRow, PersonRow, SnapshotBuilder};
/// let mut b = SnapshotBuilder::new();
/// b.add_area(&AreaRow { grid_id: "101", zone_id: "1", community_id: "c" })?;
/// b.add_household(&HouseholdRow { household_id: "1", grid_id: "101", kind: HousingKind::Owner })?;
/// b.add_person(&PersonRow::new("7", "1", "101", Sex::Female, "1990-05-01".parse()?, MaritalStatus::Married, Residency::Registered))?;
/// let bad = PersonRow::new("8", "2", "101", Sex::Female, "1990-05-01".parse()?, MaritalStatus::Married, Residency::Registered);
/// assert_eq!(b.add_person(&bad).unwrap_err().to_string(), "household_id: unknown household `2`");
/// let (reg, summary) = b.finish();
/// assert_eq!((reg.len(), summary.persons), (1, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Default)]
pub struct SnapshotBuilder {
    st: State,
    summary: ImportSummary,
}

fn invalid(field: &str, reason: impl Into<String>) -> Error {
    Error::Invalid { at: Location::field(field), reason: reason.into() }
}

fn from_rejection(field: &str, r: Rejection) -> Error {
    invalid(field, r.to_string())
}

impl SnapshotBuilder {
    /// An empty builder.
    ///
    /// # Example
    ///
    /// ```
    /// let (reg, _) = famplan::io::SnapshotBuilder::new().finish();
    /// assert!(reg.is_empty());
    /// ```
    pub fn new() -> SnapshotBuilder {
        SnapshotBuilder::default()
    }

    /// Reserves room for about `persons` more persons (and visits in proportion: 1.7 a person).
    ///
    /// # Example
    ///
    /// ```
    /// let mut b = famplan::io::SnapshotBuilder::new();
    /// b.reserve(1000);
    /// ```
    pub fn reserve(&mut self, persons: usize) {
        self.st.persons.reserve(persons);
        self.st.person_ids.reserve(persons, persons * 8);
        self.st.facts.reserve(persons * 2);
        self.st.visits.reserve(persons * 17 / 10);
        self.st.visit_ids.reserve(persons * 17 / 10, persons * 14);
    }

    /// Adds a grid with its zone and community (created on first sight).
    ///
    /// # Errors
    ///
    /// A grid listed twice, or a zone already under another community.
    ///
    /// # Example
    ///
    /// ```
    /// let mut b = famplan::io::SnapshotBuilder::new();
    /// b.add_area(&famplan::io::AreaRow { grid_id: "101", zone_id: "1", community_id: "c" }).unwrap();
    /// assert!(b.add_area(&famplan::io::AreaRow { grid_id: "101", zone_id: "1", community_id: "c" }).is_err());
    /// ```
    pub fn add_area(&mut self, row: &AreaRow<'_>) -> Result<(), Error> {
        let areas = &mut self.st.areas;
        if areas.contains(AreaLevel::Grid, row.grid_id) {
            return Err(invalid("grid_id", format!("grid `{}` is listed twice", row.grid_id)));
        }
        let mut add = |level, id: &str, parent: Option<&str>, field| {
            areas
                .define(Area { level, id: id.to_string(), parent: parent.map(Into::into), name: None })
                .map_err(|e| invalid(field, e))
        };
        add(AreaLevel::Community, row.community_id, None, "community_id")?;
        add(AreaLevel::Zone, row.zone_id, Some(row.community_id), "zone_id")?;
        add(AreaLevel::Grid, row.grid_id, Some(row.zone_id), "grid_id")?;
        self.summary.areas += 1;
        Ok(())
    }

    /// Adds a household (undated: it exists on every date).
    ///
    /// # Errors
    ///
    /// A duplicate id or an unknown grid.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::io::{HouseholdRow, SnapshotBuilder};
    /// let mut b = SnapshotBuilder::new();
    /// let err = b.add_household(&HouseholdRow { household_id: "1", grid_id: "9", kind: famplan::HousingKind::Owner }).unwrap_err();
    /// assert_eq!(err.to_string(), "grid_id: unknown grid `9`");
    /// ```
    pub fn add_household(&mut self, row: &HouseholdRow<'_>) -> Result<(), Error> {
        let st = &mut self.st;
        let grid = st
            .areas
            .grid_index(row.grid_id)
            .ok_or_else(|| invalid("grid_id", format!("unknown grid `{}`", row.grid_id)))?;
        let (_, new) = st.household_ids.intern(row.household_id);
        if !new {
            return Err(invalid("household_id", format!("household `{}` is listed twice", row.household_id)));
        }
        st.households.push(HouseholdRec {
            registered: UNDATED,
            dissolved: NEVER,
            kind: row.kind,
            place: PlaceRec { grid, group: NONE, building: NONE, address: NONE },
            moves: None,
        });
        self.summary.households += 1;
        Ok(())
    }

    /// Adds a person. Each fact with its own date keeps it; facts without one are undated.
    ///
    /// # Errors
    ///
    /// A duplicate id, an unknown household, a grid that is not the household's, a date
    /// before the birth date, `method_start` without a method, `case_file_opened` without a
    /// case file, more than 64 distinct tags.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{MaritalStatus, Residency, Sex, io::PersonRow};
    /// let mut b = famplan::io::SnapshotBuilder::new();
    /// let mut row = PersonRow::new("7", "1", "101", Sex::Female, "1990-05-01".parse().unwrap(), MaritalStatus::Married, Residency::Registered);
    /// row.method_start = Some("2020-01-01".parse().unwrap());
    /// assert_eq!(b.add_person(&row).unwrap_err().to_string(), "method_start: given without contraceptive_method");
    /// ```
    pub fn add_person(&mut self, row: &PersonRow<'_>) -> Result<(), Error> {
        let st = &mut self.st;
        if row.method_start.is_some() && row.contraceptive_method.is_none() {
            return Err(invalid("method_start", "given without contraceptive_method"));
        }
        if row.case_file_opened.is_some() && !row.case_file {
            return Err(invalid("case_file_opened", "given but case_file is 0"));
        }
        let h = st
            .household_ids
            .find(row.household_id)
            .ok_or_else(|| invalid("household_id", format!("unknown household `{}`", row.household_id)))?;
        let hh_grid = st.households[h as usize].place.grid;
        if st.areas.grid_by_index(hh_grid).id != row.grid_id {
            return Err(invalid(
                "grid_id",
                format!(
                    "`{}` is not the grid of household `{}` (`{}`)",
                    row.grid_id,
                    row.household_id,
                    st.areas.grid_by_index(hh_grid).id
                ),
            ));
        }
        let mut bits = 0u64;
        for t in &row.tags {
            let i = match st.tags.find(t) {
                Some(i) => i,
                None if st.tags.names.len() >= 64 => return Err(from_rejection("tags", Rejection::TooManyTags)),
                None => st.tags.intern(t),
            };
            bits |= 1 << i;
        }
        // The dated attributes go straight to the end of the fact arena (no vector per
        // person), sorted there, and are truncated away if the person is refused.
        let start = st.facts.len();
        let at = |d: NaiveDate, change| Fact { date: day(d), origin: NO_EVENT, change };
        let mut rec = PersonRec {
            birth: row.birth_date,
            registered: row.birth_date,
            household: h,
            facts_start: st.facts.len() as u32,
            facts_len: 0,
            first_visit: NONE,
            tags: bits,
            sex: row.sex,
            residency: row.residency,
            marital: row.marital_status,
            method: Method::None,
            flags: 0,
            extra: None,
        };
        let undated = &mut self.summary.undated;
        match row.residency_since {
            Some(d) => {
                rec.residency =
                    if row.residency == Residency::MovedOut { Residency::Registered } else { Residency::Departed };
                st.facts.push(at(d, Change::Residency(row.residency)));
            }
            None => undated.residency += 1,
        }
        match row.marital_since {
            Some(d) => {
                // Before a dated status: divorced and widowed women were married (nothing else
                // can precede them); anyone else is taken as single.
                rec.marital = match row.marital_status {
                    MaritalStatus::Divorced | MaritalStatus::Widowed => MaritalStatus::Married,
                    _ => MaritalStatus::Single,
                };
                st.facts.push(at(d, Change::Marital(row.marital_status)));
            }
            None => undated.marital += 1,
        }
        if row.case_file {
            match row.case_file_opened {
                Some(d) => st.facts.push(at(d, Change::CaseFileOpened)),
                None => {
                    rec.flags |= F_CASE_FILE;
                    undated.case_file += 1;
                }
            }
        }
        match (row.contraceptive_method, row.method_start) {
            (None, _) => rec.flags |= F_NO_METHOD_FIELD,
            (Some(m), None) => {
                rec.method = m;
                undated.method += 1;
            }
            (Some(m), Some(d)) => {
                rec.flags |= F_NO_METHOD_FIELD;
                st.facts.push(at(d, Change::MethodStarted(m, None)));
            }
        }
        if let Some(d) = row.last_birth_date {
            st.facts.push(at(d, Change::PregnancyEnded(PregnancyOutcome::LiveBirth, NONE)));
        }
        if row.name.is_some() || row.id_number.is_some() || row.phone.is_some() {
            rec.extra = Some(Box::new(PersonExtra {
                name: row.name.unwrap_or_default().to_string(),
                id_number: row.id_number,
                phone: row.phone.clone(),
                relation: None,
            }));
        }
        st.facts[start..].sort_by(|a, b| a.date.cmp(&b.date).then(a.change.precedence().cmp(&b.change.precedence())));
        if !st.person_ids.intern(row.person_id).1 {
            st.facts.truncate(start);
            return Err(invalid("person_id", format!("person `{}` is listed twice", row.person_id)));
        }
        let checked = {
            let who = Who { id: WhoId::Text(row.person_id), sex: row.sex, birth: row.birth_date, state: st };
            let mut fold = Fold::start(&rec);
            st.facts[start..].iter().try_for_each(|f| fold.step(f, &who, true).map_err(|r| (f.change, r)))
        };
        if let Err((change, r)) = checked {
            st.person_ids.pop();
            st.facts.truncate(start);
            let field = match change {
                Change::Residency(_) => "residency_since",
                Change::Marital(_) => "marital_since",
                Change::CaseFileOpened => "case_file_opened",
                Change::MethodStarted(..) => "method_start",
                _ => "last_birth_date",
            };
            return Err(from_rejection(field, r));
        }
        rec.facts_len = (st.facts.len() - start) as u32;
        st.persons.push(rec);
        self.summary.persons += 1;
        Ok(())
    }

    /// Adds a visit.
    ///
    /// # Errors
    ///
    /// A duplicate id, an unknown person, a date before her birth, an empty kind.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::io::{SnapshotBuilder, VisitRow};
    /// let mut b = SnapshotBuilder::new();
    /// let err = b.add_visit(&VisitRow { visit_id: "1", person_id: "7", date: "2026-01-01".parse().unwrap(), kind: "x" }).unwrap_err();
    /// assert_eq!(err.to_string(), "person_id: unknown person `7`");
    /// ```
    pub fn add_visit(&mut self, row: &VisitRow<'_>) -> Result<(), Error> {
        let st = &mut self.st;
        let p = st
            .person_ids
            .find(row.person_id)
            .ok_or_else(|| invalid("person_id", format!("unknown person `{}`", row.person_id)))?;
        st.add_visit(p, row.visit_id, row.date, row.kind, None, None, NO_EVENT).map_err(|r| {
            let field = match r {
                Rejection::Duplicate { .. } => "visit_id",
                Rejection::InvalidValue { .. } => "kind",
                _ => "date",
            };
            from_rejection(field, r)
        })?;
        self.summary.visits += 1;
        Ok(())
    }

    /// The registry and what was taken in.
    ///
    /// # Example
    ///
    /// ```
    /// let (reg, summary) = famplan::io::SnapshotBuilder::new().finish();
    /// assert_eq!((reg.len(), summary.persons), (0, 0));
    /// ```
    pub fn finish(self) -> (Registry, ImportSummary) {
        (Registry::from_base(self.st), self.summary)
    }
}

type Source<'a> = Option<(String, Box<dyn Read + 'a>)>;

/// The files of a snapshot directory, as readers with the names to use in messages.
///
/// # Example
///
/// ```
/// let files = famplan::io::SnapshotFiles::new().areas("areas.csv", "grid_id,zone_id,community_id\n".as_bytes());
/// # let _ = files;
/// ```
#[derive(Default)]
pub struct SnapshotFiles<'a> {
    areas: Source<'a>,
    households: Source<'a>,
    persons: Source<'a>,
    visits: Source<'a>,
    events: Option<(String, Box<dyn Read + 'a>, EventFormat)>,
}

impl std::fmt::Debug for SnapshotFiles<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = |s: &Source<'_>| s.as_ref().map(|(n, _)| n.clone());
        f.debug_struct("SnapshotFiles")
            .field("areas", &name(&self.areas))
            .field("households", &name(&self.households))
            .field("persons", &name(&self.persons))
            .field("visits", &name(&self.visits))
            .field("events", &self.events.as_ref().map(|(n, _, _)| n.clone()))
            .finish()
    }
}

macro_rules! source_setter {
    ($name:ident, $file:literal) => {
        #[doc = concat!("Sets `", $file, "` (any name may be given for messages).")]
        ///
        /// # Example
        ///
        /// ```
        #[doc = concat!("let files = famplan::io::SnapshotFiles::new().", stringify!($name), "(\"", $file, "\", &b\"\"[..]);")]
        /// # let _ = files;
        /// ```
        pub fn $name(mut self, name: impl Into<String>, reader: impl Read + 'a) -> Self {
            self.$name = Some((name.into(), Box::new(reader)));
            self
        }
    };
}

impl<'a> SnapshotFiles<'a> {
    /// No files yet.
    ///
    /// # Example
    ///
    /// ```
    /// let files = famplan::io::SnapshotFiles::new();
    /// # let _ = files;
    /// ```
    pub fn new() -> Self {
        SnapshotFiles::default()
    }
    source_setter!(areas, "areas.csv");
    source_setter!(households, "households.csv");
    source_setter!(persons, "persons.csv");
    source_setter!(visits, "visits.csv");

    /// Sets the optional events file (`events.csv` or `events.jsonl`).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::io::{EventFormat, SnapshotFiles};
    /// let files = SnapshotFiles::new().events("events.jsonl", &b""[..], EventFormat::JsonLines);
    /// # let _ = files;
    /// ```
    pub fn events(mut self, name: impl Into<String>, reader: impl Read + 'a, format: EventFormat) -> Self {
        self.events = Some((name.into(), Box::new(reader), format));
        self
    }
}

/// The columns of `areas.csv`, in file order.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::AREA_COLUMNS[0], "grid_id");
/// ```
pub const AREA_COLUMNS: [&str; 3] = ["grid_id", "zone_id", "community_id"];
/// The columns of `households.csv`, in file order.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::HOUSEHOLD_COLUMNS[2], "kind");
/// ```
pub const HOUSEHOLD_COLUMNS: [&str; 3] = ["household_id", "grid_id", "kind"];
/// The columns of `persons.csv`, in file order: the first [`PERSON_REQUIRED_COLUMNS`] are
/// required, the rest optional.
///
/// # Example
///
/// ```
/// use famplan::io::{PERSON_COLUMNS, PERSON_REQUIRED_COLUMNS};
/// assert_eq!(PERSON_COLUMNS[PERSON_REQUIRED_COLUMNS - 1], "last_birth_date");
/// ```
pub const PERSON_COLUMNS: [&str; 18] = [
    "person_id",
    "household_id",
    "grid_id",
    "sex",
    "birth_date",
    "marital_status",
    "residency",
    "case_file",
    "contraceptive_method",
    "method_start",
    "last_birth_date",
    "name",
    "id_number",
    "phone",
    "marital_since",
    "residency_since",
    "case_file_opened",
    "tags",
];
/// How many of [`PERSON_COLUMNS`] are required.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::PERSON_REQUIRED_COLUMNS, 11);
/// ```
pub const PERSON_REQUIRED_COLUMNS: usize = 11;
/// The columns of `visits.csv`, in file order.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::VISIT_COLUMNS.len(), 4);
/// ```
pub const VISIT_COLUMNS: [&str; 4] = ["visit_id", "person_id", "date", "kind"];
const AREA_COLS: [&str; 3] = AREA_COLUMNS;
const HOUSEHOLD_COLS: [&str; 3] = HOUSEHOLD_COLUMNS;
const PERSON_REQUIRED: &[&str] = PERSON_COLUMNS.split_at(PERSON_REQUIRED_COLUMNS).0;
const PERSON_OPTIONAL: &[&str] = PERSON_COLUMNS.split_at(PERSON_REQUIRED_COLUMNS).1;
const VISIT_COLS: [&str; 4] = VISIT_COLUMNS;

struct Sink {
    mode: ImportMode,
    errors: Vec<Error>,
    cap: usize,
}

impl Sink {
    /// Records a row's error; returns `Err` when the import must stop now.
    fn push(&mut self, e: Error, summary: &mut ImportSummary) -> Result<(), Error> {
        match self.mode {
            ImportMode::KeepGoing => summary.rejects.push(e),
            ImportMode::AllOrNothing => {
                self.errors.push(e);
                if self.errors.len() >= self.cap {
                    return Err(Error::Many(std::mem::take(&mut self.errors)));
                }
            }
        }
        Ok(())
    }
}

fn locate(e: Error, row: &Row<'_>) -> Error {
    match e {
        Error::Invalid { at, reason } if at.file.is_empty() => Error::Invalid { at: row.loc_of(at.field), reason },
        other => other,
    }
}

fn each_row(
    t: &mut dyn RowSource,
    b: &mut SnapshotBuilder,
    sink: &mut Sink,
    mut f: impl FnMut(&mut SnapshotBuilder, &Row<'_>) -> Result<(), Error>,
) -> Result<(), Error> {
    b.summary.warnings.append(&mut t.take_warnings());
    let mut rec = StringRecord::new();
    while let Some(line) = t.next_row(&mut rec)? {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                sink.push(e, &mut b.summary)?;
                continue;
            }
        };
        let row = Row::new(t.columns(), &rec, line);
        if let Err(e) = f(b, &row) {
            sink.push(locate(e, &row), &mut b.summary)?;
        }
    }
    Ok(())
}

fn parse_case_file(row: &Row<'_>) -> Result<bool, Bad> {
    match row.required(7)? {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(row.err(7, format!("expected 0 or 1, found `{other}`"))),
    }
}

fn person_row<'a>(row: &Row<'a>) -> Result<PersonRow<'a>, Bad> {
    let sex = row.parse::<Sex>(3)?;
    let birth = row.date(4)?;
    let marital = row.parse::<MaritalStatus>(5)?;
    let residency = row.parse::<Residency>(6)?;
    Ok(PersonRow {
        person_id: row.required(0)?,
        household_id: row.required(1)?,
        grid_id: row.required(2)?,
        sex: row.need(3, sex)?,
        birth_date: row.need(4, birth)?,
        marital_status: row.need(5, marital)?,
        residency: row.need(6, residency)?,
        case_file: parse_case_file(row)?,
        contraceptive_method: row.parse::<Method>(8)?,
        method_start: row.date(9)?,
        last_birth_date: row.date(10)?,
        name: row.opt(11)?,
        id_number: row.parse::<ResidentId>(12)?,
        phone: row.parse::<Phone>(13)?,
        marital_since: row.date(14)?,
        residency_since: row.date(15)?,
        case_file_opened: row.date(16)?,
        tags: row.text(17).split([';', '|']).map(str::trim).filter(|t| !t.is_empty()).collect(),
    })
}

/// Reads a snapshot directory's files into a registry.
///
/// With [`ImportMode::AllOrNothing`] any bad row fails the import and every problem found
/// is returned ([`Error::Many`], at most 100); with [`ImportMode::KeepGoing`] the good rows
/// are kept and every refused row is listed in the summary. Events from the optional
/// events file are applied after the rows, in date order.
///
/// # Errors
///
/// A missing file or column, unreadable bytes, and (all-or-nothing) any bad row.
///
/// # Example
///
/// ```
/// use famplan::io::{ImportMode, SnapshotFiles, read_snapshot};
/// let files = SnapshotFiles::new()
///     .areas("areas.csv", "grid_id,zone_id,community_id\n101,1,c\n".as_bytes())
///     .households("households.csv", "household_id,grid_id,kind\n1,101,villa\n".as_bytes())
///     .persons("persons.csv", "person_id,household_id,grid_id,sex,birth_date,marital_status,residency,case_file,contraceptive_method,method_start,last_birth_date\n".as_bytes())
///     .visits("visits.csv", "visit_id,person_id,date,kind\n".as_bytes());
/// let err = read_snapshot(files, ImportMode::AllOrNothing).unwrap_err();
/// assert!(err.to_string().contains("households.csv:2: kind: `villa` is not one of owner, rental, street_front, collective"));
/// ```
pub fn read_snapshot(files: SnapshotFiles<'_>, mode: ImportMode) -> Result<(Registry, ImportSummary), Error> {
    let missing =
        |name: &str| Error::Invalid { at: Location::new(name, 0, "file"), reason: "required file missing".into() };
    let mut sources = [
        Some(files.areas.ok_or_else(|| missing("areas.csv"))?),
        Some(files.households.ok_or_else(|| missing("households.csv"))?),
        Some(files.persons.ok_or_else(|| missing("persons.csv"))?),
        Some(files.visits.ok_or_else(|| missing("visits.csv"))?),
    ];
    let mut open = |table: SnapshotTable, required: &[&'static str], optional: &[&'static str]| {
        let (name, reader) = sources[table as usize].take().expect("each table is opened once");
        Table::open(&name, reader, required, optional).map(|t| Box::new(t) as Box<dyn RowSource>)
    };
    let events = files.events.map(|(name, reader, format)| {
        let read: EventSource<'_> = Box::new(move || read_events_located(&name, reader, format).map(|e| (name, e)));
        read
    });
    read_tables(&mut open, events, mode)
}

/// The four tables of a snapshot, in the order they are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SnapshotTable {
    Areas = 0,
    Households = 1,
    Persons = 2,
    Visits = 3,
}

/// Opens one table of a snapshot with the columns it must and may have.
pub(crate) type TableOpener<'o, 'a> =
    dyn FnMut(SnapshotTable, &[&'static str], &[&'static str]) -> Result<Box<dyn RowSource + 'a>, Error> + 'o;
/// Reads the optional events: the name for messages and each event with its line.
pub(crate) type EventSource<'a> = Box<dyn FnOnce() -> Result<(String, Vec<(u64, Event)>), Error> + 'a>;

/// Reads a snapshot's tables from any source (CSV files, worksheets), each row checked by
/// the one builder, then applies the events: the one path every snapshot reader takes.
pub(crate) fn read_tables(
    open: &mut TableOpener<'_, '_>,
    events: Option<EventSource<'_>>,
    mode: ImportMode,
) -> Result<(Registry, ImportSummary), Error> {
    let mut b = SnapshotBuilder::new();
    let mut sink = Sink { mode, errors: Vec::new(), cap: 100 };
    // A file-level problem (missing column, unreadable bytes) stops the import; it is reported
    // after the row problems already found.
    fn run(sink: &mut Sink, f: impl FnOnce(&mut Sink) -> Result<(), Error>) -> Result<(), Error> {
        match f(sink) {
            Ok(()) => Ok(()),
            Err(Error::Many(all)) => Err(Error::Many(all)),
            Err(e) => {
                let mut all = std::mem::take(&mut sink.errors);
                all.push(e);
                Err(Error::Many(all))
            }
        }
    }
    run(&mut sink, |sink| {
        let mut t = open(SnapshotTable::Areas, &AREA_COLS, &[])?;
        each_row(&mut *t, &mut b, sink, |b, r| {
            b.add_area(&AreaRow { grid_id: r.required(0)?, zone_id: r.required(1)?, community_id: r.required(2)? })
        })
    })?;
    run(&mut sink, |sink| {
        let mut t = open(SnapshotTable::Households, &HOUSEHOLD_COLS, &[])?;
        each_row(&mut *t, &mut b, sink, |b, r| {
            let kind = r.parse::<HousingKind>(2)?;
            b.add_household(&HouseholdRow {
                household_id: r.required(0)?,
                grid_id: r.required(1)?,
                kind: r.need(2, kind)?,
            })
        })
    })?;
    run(&mut sink, |sink| {
        let mut t = open(SnapshotTable::Persons, PERSON_REQUIRED, PERSON_OPTIONAL)?;
        each_row(&mut *t, &mut b, sink, |b, r| b.add_person(&person_row(r)?))
    })?;
    run(&mut sink, |sink| {
        let mut t = open(SnapshotTable::Visits, &VISIT_COLS, &[])?;
        each_row(&mut *t, &mut b, sink, |b, r| {
            let date = r.date(2)?;
            b.add_visit(&VisitRow {
                visit_id: r.required(0)?,
                person_id: r.required(1)?,
                date: r.need(2, date)?,
                kind: r.required(3)?,
            })
        })
    })?;
    let (mut reg, mut summary) = b.finish();
    if let Some(read) = events {
        let (name, mut events) = read()?;
        events.sort_by(|(_, a), (_, b)| a.order_key().cmp(&b.order_key()));
        for (line, e) in events {
            match reg.apply(e) {
                Ok(()) => summary.events += 1,
                Err(Error::Rejected { event, reason, .. }) => {
                    let e = Error::Rejected { at: crate::Prefix::at(name.clone(), line), event, reason };
                    sink.push(e, &mut summary)?;
                }
                Err(other) => sink.push(other, &mut summary)?,
            }
        }
    }
    if !sink.errors.is_empty() {
        return Err(Error::Many(sink.errors));
    }
    Ok((reg, summary))
}

/// Where [`write_snapshot`] writes each file.
///
/// # Example
///
/// ```
/// let (mut a, mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
/// let w = famplan::io::SnapshotWriters { areas: &mut a, households: &mut h, persons: &mut p, visits: &mut v };
/// # let _ = w;
/// ```
#[derive(Debug)]
pub struct SnapshotWriters<'a, W: Write> {
    /// `areas.csv`.
    pub areas: &'a mut W,
    /// `households.csv`.
    pub households: &'a mut W,
    /// `persons.csv`.
    pub persons: &'a mut W,
    /// `visits.csv`.
    pub visits: &'a mut W,
}

fn csv_err(file: &str, e: csv::Error) -> Error {
    super::table::io_error(file, e)
}

fn d(x: Option<NaiveDate>) -> String {
    x.map(|d| d.to_string()).unwrap_or_default()
}

/// Writes the registry as a snapshot directory, each person as she is on `on` (`None`: after
/// every fact). Facts with a date keep it; undated ones stay undated. Optional person
/// columns are written when at least one person has a value.
///
/// Reading what this writes gives back the same registry when each person has at most one
/// dated fact of each kind (a snapshot keeps only the latest of each).
///
/// # Errors
///
/// [`Error::Io`] from the writers.
///
/// # Example
///
/// ```
/// use famplan::io::{SnapshotWriters, write_snapshot};
/// let reg = famplan::Registry::example();
/// let (mut a, mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
/// write_snapshot(&reg, None, SnapshotWriters { areas: &mut a, households: &mut h, persons: &mut p, visits: &mut v })?;
/// let persons = String::from_utf8(p).unwrap();
/// assert!(persons.lines().nth(1).unwrap().starts_with("p1,h1,g1,F,1996-01-15,married,registered,1,iud,2024-05-01,2023-03-10"));
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn write_snapshot<W: Write>(
    reg: &Registry,
    on: Option<NaiveDate>,
    out: SnapshotWriters<'_, W>,
) -> Result<(), Error> {
    let st = reg.st();
    let on_day = on.map(day).unwrap_or(NEVER - 1);
    let mut w = csv::Writer::from_writer(out.areas);
    w.write_record(AREA_COLS).map_err(|e| csv_err("areas.csv", e))?;
    for g in st.areas.all(AreaLevel::Grid) {
        let zone = g.parent.as_deref().unwrap_or("");
        let community = st.areas.get(AreaLevel::Zone, zone).and_then(|z| z.parent.as_deref()).unwrap_or("");
        w.write_record([g.id.as_str(), zone, community]).map_err(|e| csv_err("areas.csv", e))?;
    }
    w.flush().map_err(|source| Error::Io { file: "areas.csv".into(), source })?;

    let mut w = csv::Writer::from_writer(out.households);
    w.write_record(HOUSEHOLD_COLS).map_err(|e| csv_err("households.csv", e))?;
    for (i, h) in st.households.iter().enumerate() {
        let kind = if h.kind == HousingKind::Owner { "registered" } else { h.kind.code() };
        let grid = st.grid_str(h.place_on(on_day).grid);
        w.write_record([st.household_ids.get_str(i as u32), grid, kind]).map_err(|e| csv_err("households.csv", e))?;
    }
    w.flush().map_err(|source| Error::Io { file: "households.csv".into(), source })?;

    let has = |f: &dyn Fn(&PersonRec, &[Fact]) -> bool| {
        (0..st.persons.len() as u32).any(|p| f(&st.persons[p as usize], st.facts_of(p)))
    };
    fn extra(r: &PersonRec) -> Option<&PersonExtra> {
        r.extra.as_deref()
    }
    let optional: Vec<(&str, bool)> = vec![
        ("name", has(&|r, _| extra(r).is_some_and(|x| !x.name.is_empty()))),
        ("id_number", has(&|r, _| extra(r).is_some_and(|x| x.id_number.is_some()))),
        ("phone", has(&|r, _| extra(r).is_some_and(|x| x.phone.is_some()))),
        ("marital_since", has(&|_, f| f.iter().any(|f| matches!(f.change, Change::Marital(_))))),
        ("residency_since", has(&|_, f| f.iter().any(|f| f.date != UNDATED && is_residency(f.change)))),
        ("case_file_opened", has(&|_, f| f.iter().any(|f| matches!(f.change, Change::CaseFileOpened)))),
        ("tags", has(&|r, f| r.tags != 0 || f.iter().any(|f| matches!(f.change, Change::Tag(..))))),
    ];
    let mut w = csv::Writer::from_writer(out.persons);
    let header: Vec<&str> =
        PERSON_REQUIRED.iter().copied().chain(optional.iter().filter(|(_, on)| *on).map(|(n, _)| *n)).collect();
    w.write_record(&header).map_err(|e| csv_err("persons.csv", e))?;
    let mut fields: Vec<String> = Vec::with_capacity(header.len());
    for p in 0..st.persons.len() as u32 {
        let rec = &st.persons[p as usize];
        let f = st.fold_on(p, on_day);
        let facts = st.facts_of(p);
        let last_date = |pred: &dyn Fn(Change) -> bool| {
            facts.iter().filter(|x| x.date <= on_day && pred(x.change)).map(|x| x.date).next_back()
        };
        let residency_since = last_date(&|c| is_residency(c)).and_then(date);
        fields.clear();
        fields.push(st.person_ids.get_str(p).to_string());
        fields.push(st.household_ids.get_str(f.household).to_string());
        fields.push(st.grid_str(st.households[f.household as usize].place_on(on_day).grid).to_string());
        fields.push(rec.sex.code().to_string());
        fields.push(rec.birth.to_string());
        fields.push(f.marital.code().to_string());
        fields.push(f.residency.code().to_string());
        fields.push(if f.case_file == CaseFileStatus::Open { "1" } else { "0" }.to_string());
        fields.push(if f.method_present { f.method.code().to_string() } else { String::new() });
        fields.push(d(date(f.method_since)));
        fields.push(d(date(f.last_birth)));
        let x = extra(rec);
        for (name, on) in &optional {
            if !on {
                continue;
            }
            fields.push(match *name {
                "name" => x.map(|x| x.name.clone()).unwrap_or_default(),
                "id_number" => x.and_then(|x| x.id_number).map(|i| i.to_string()).unwrap_or_default(),
                "phone" => x.and_then(|x| x.phone.as_ref()).map(|i| i.to_string()).unwrap_or_default(),
                "marital_since" => d(date(f.marital_since)),
                "residency_since" => d(residency_since),
                "case_file_opened" => d(if f.case_file == CaseFileStatus::Open { date(f.case_opened) } else { None }),
                _ => st.tag_names(f.tags).iter().map(Tag::as_str).collect::<Vec<_>>().join(";"),
            });
        }
        w.write_record(&fields).map_err(|e| csv_err("persons.csv", e))?;
    }
    w.flush().map_err(|source| Error::Io { file: "persons.csv".into(), source })?;

    let mut w = csv::Writer::from_writer(out.visits);
    w.write_record(VISIT_COLS).map_err(|e| csv_err("visits.csv", e))?;
    for v in reg.visits() {
        if on.is_some_and(|on| v.date > on) {
            continue;
        }
        w.write_record([v.id, v.person, &v.date.to_string(), v.kind]).map_err(|e| csv_err("visits.csv", e))?;
    }
    w.flush().map_err(|source| Error::Io { file: "visits.csv".into(), source })?;
    Ok(())
}

fn is_residency(c: Change) -> bool {
    matches!(c, Change::Residency(_) | Change::MovedIn(..) | Change::MovedOut { .. } | Change::Returned | Change::Died)
}
