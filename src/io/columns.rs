//! The snapshot tables as text columns, as a data-frame engine holds them (Arrow batches on a
//! Spark worker): read by the same checks as the CSV files ([`read_snapshot`]), row by row
//! through the one [`SnapshotBuilder`](super::SnapshotBuilder), without writing CSV text first.
//!
//! [`read_snapshot`]: super::read_snapshot

use super::snapshot::{SnapshotTable, read_tables};
use super::table::{Columns, RowSource};
use super::{ImportMode, ImportSummary};
use crate::{Error, Location, Registry};
use simd_csv::StringRecord;

/// 列式表 — one snapshot table held as text columns of one length (a data frame's string
/// columns). A value is the text a CSV field would hold: an absent value (null) is the empty
/// string, and dates are `YYYY-MM-DD`. Line numbers in messages count rows as a file would
/// (the header is line 1, the first row line 2).
///
/// # Example
///
/// ```
/// use famplan::io::ColumnTable;
/// let areas = ColumnTable::new("areas")
///     .column("grid_id", vec!["101", "102"])
///     .column("zone_id", vec!["1", "1"])
///     .column("community_id", vec!["c", "c"]);
/// assert_eq!(areas.rows(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct ColumnTable<'a> {
    name: String,
    names: Vec<String>,
    columns: Vec<Vec<&'a str>>,
}

impl<'a> ColumnTable<'a> {
    /// An empty table; `name` is used in messages (`persons:14: sex: …`).
    ///
    /// # Example
    ///
    /// ```
    /// let t = famplan::io::ColumnTable::new("visits");
    /// assert_eq!((t.name(), t.rows()), ("visits", 0));
    /// ```
    pub fn new(name: impl Into<String>) -> ColumnTable<'a> {
        ColumnTable { name: name.into(), names: Vec::new(), columns: Vec::new() }
    }

    /// Adds a column (its name is trimmed, as a CSV header's). Columns the reader does not
    /// know are ignored with a warning, as in a file; a column of another length than the
    /// first is an error when the table is read.
    ///
    /// # Example
    ///
    /// ```
    /// let t = famplan::io::ColumnTable::new("areas").column(" grid_id ", vec!["101"]);
    /// assert_eq!(t.rows(), 1);
    /// ```
    pub fn column(mut self, name: impl Into<String>, values: Vec<&'a str>) -> ColumnTable<'a> {
        self.names.push(name.into().trim().to_string());
        self.columns.push(values);
        self
    }

    /// The name used in messages.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::io::ColumnTable::new("areas").name(), "areas");
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The number of rows (of the first column; 0 without columns).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::io::ColumnTable::new("areas").column("grid_id", vec!["1", "2", "3"]).rows(), 3);
    /// ```
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

/// 列式快照 — the four tables of a snapshot directory (DOMAIN §15) as [`ColumnTable`]s, for
/// [`read_snapshot_columns`].
///
/// # Example
///
/// ```
/// use famplan::io::{ColumnTable, SnapshotColumns};
/// let tables = SnapshotColumns::new().areas(ColumnTable::new("areas"));
/// # let _ = tables;
/// ```
#[derive(Clone, Debug, Default)]
pub struct SnapshotColumns<'a> {
    tables: [Option<ColumnTable<'a>>; 4],
}

impl<'a> SnapshotColumns<'a> {
    /// No tables yet.
    ///
    /// # Example
    ///
    /// ```
    /// let tables = famplan::io::SnapshotColumns::new();
    /// # let _ = tables;
    /// ```
    pub fn new() -> SnapshotColumns<'a> {
        SnapshotColumns::default()
    }

    fn set(mut self, table: SnapshotTable, t: ColumnTable<'a>) -> SnapshotColumns<'a> {
        self.tables[table as usize] = Some(t);
        self
    }

    /// Sets the areas table (`grid_id, zone_id, community_id`).
    ///
    /// # Example
    ///
    /// ```
    /// let tables = famplan::io::SnapshotColumns::new().areas(famplan::io::ColumnTable::new("areas"));
    /// # let _ = tables;
    /// ```
    pub fn areas(self, t: ColumnTable<'a>) -> SnapshotColumns<'a> {
        self.set(SnapshotTable::Areas, t)
    }

    /// Sets the households table (`household_id, grid_id, kind`).
    ///
    /// # Example
    ///
    /// ```
    /// let tables = famplan::io::SnapshotColumns::new().households(famplan::io::ColumnTable::new("households"));
    /// # let _ = tables;
    /// ```
    pub fn households(self, t: ColumnTable<'a>) -> SnapshotColumns<'a> {
        self.set(SnapshotTable::Households, t)
    }

    /// Sets the persons table ([`PERSON_COLUMNS`](super::PERSON_COLUMNS)).
    ///
    /// # Example
    ///
    /// ```
    /// let tables = famplan::io::SnapshotColumns::new().persons(famplan::io::ColumnTable::new("persons"));
    /// # let _ = tables;
    /// ```
    pub fn persons(self, t: ColumnTable<'a>) -> SnapshotColumns<'a> {
        self.set(SnapshotTable::Persons, t)
    }

    /// Sets the visits table (`visit_id, person_id, date, kind`).
    ///
    /// # Example
    ///
    /// ```
    /// let tables = famplan::io::SnapshotColumns::new().visits(famplan::io::ColumnTable::new("visits"));
    /// # let _ = tables;
    /// ```
    pub fn visits(self, t: ColumnTable<'a>) -> SnapshotColumns<'a> {
        self.set(SnapshotTable::Visits, t)
    }
}

/// The rows of a [`ColumnTable`], one [`StringRecord`] at a time.
struct ColumnRows<'t, 'a> {
    table: &'t ColumnTable<'a>,
    columns: Columns,
    next: usize,
}

impl<'t, 'a> ColumnRows<'t, 'a> {
    fn open(
        table: &'t ColumnTable<'a>,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<ColumnRows<'t, 'a>, Error> {
        let columns = Columns::resolve(&table.name, table.names.clone(), required, optional, 1, None)?;
        let rows = table.rows();
        if let Some((name, col)) = table.names.iter().zip(&table.columns).find(|(_, c)| c.len() != rows) {
            return Err(Error::Invalid {
                at: Location::new(table.name.clone(), 1, name.clone()),
                reason: format!("{} value(s), expected {rows} like column `{}`", col.len(), table.names[0]),
            });
        }
        Ok(ColumnRows { table, columns, next: 0 })
    }
}

impl RowSource for ColumnRows<'_, '_> {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.columns.warnings)
    }

    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error> {
        let i = self.next;
        if i >= self.table.rows() {
            return Ok(None);
        }
        rec.clear();
        for col in &self.table.columns {
            rec.push_field(col[i]);
        }
        self.next += 1;
        Ok(Some(Ok(i as u64 + 2)))
    }
}

/// Reads a snapshot held as text columns into a registry: the same checks, messages and
/// [`ImportMode`] as [`read_snapshot`](super::read_snapshot) on the CSV files of the same
/// text (each table's name stands for its file name), so a Spark worker can hand its Arrow
/// columns to famplan without writing CSV.
///
/// # Errors
///
/// A missing table or required column, columns of unequal length, and (all-or-nothing) any
/// bad row.
///
/// # Example
///
/// ```
/// use famplan::io::{ColumnTable, ImportMode, SnapshotColumns, read_snapshot_columns};
/// let persons = ColumnTable::new("persons")
///     .column("person_id", vec!["7"]).column("household_id", vec!["1"]).column("grid_id", vec!["101"])
///     .column("sex", vec!["F"]).column("birth_date", vec!["1990-05-01"]).column("marital_status", vec!["married"])
///     .column("residency", vec!["floating"]).column("case_file", vec!["1"])
///     .column("contraceptive_method", vec!["iud"]).column("method_start", vec!["2026-01-31"])
///     .column("last_birth_date", vec![""]);
/// let tables = SnapshotColumns::new()
///     .areas(ColumnTable::new("areas").column("grid_id", vec!["101"]).column("zone_id", vec!["1"]).column("community_id", vec!["c"]))
///     .households(ColumnTable::new("households").column("household_id", vec!["1"]).column("grid_id", vec!["101"]).column("kind", vec!["rental"]))
///     .persons(persons)
///     .visits(ColumnTable::new("visits").column("visit_id", vec!["1"]).column("person_id", vec!["7"])
///         .column("date", vec!["2026-03-02"]).column("kind", vec!["post_surgery"]));
/// let (reg, summary) = read_snapshot_columns(tables, ImportMode::AllOrNothing)?;
/// assert_eq!((summary.persons, summary.visits), (1, 1));
/// assert!(reg.state(&"7".into(), "2026-06-30".parse()?).unwrap().is_married_wra());
///
/// let bad = SnapshotColumns::new()
///     .areas(ColumnTable::new("areas").column("grid_id", vec!["101"]).column("zone_id", vec!["1"]).column("community_id", vec!["c"]))
///     .households(ColumnTable::new("households").column("household_id", vec!["1"]).column("grid_id", vec!["101"]).column("kind", vec!["villa"]))
///     .persons(ColumnTable::new("persons"))
///     .visits(ColumnTable::new("visits"));
/// let err = read_snapshot_columns(bad, ImportMode::AllOrNothing).unwrap_err();
/// assert!(err.to_string().contains("households:2: kind: `villa` is not one of owner, rental, street_front, collective"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_snapshot_columns(
    tables: SnapshotColumns<'_>,
    mode: ImportMode,
) -> Result<(Registry, ImportSummary), Error> {
    let names = ["areas", "households", "persons", "visits"];
    for (t, name) in tables.tables.iter().zip(names) {
        if t.is_none() {
            return Err(Error::Invalid {
                at: Location::new(name, 0, "table"),
                reason: "required table missing".into(),
            });
        }
    }
    let tables = &tables.tables;
    let mut open = |table: SnapshotTable, required: &[&'static str], optional: &[&'static str]| {
        let t = tables[table as usize].as_ref().expect("checked above");
        ColumnRows::open(t, required, optional).map(|r| Box::new(r) as Box<dyn RowSource + '_>)
    };
    read_tables(&mut open, None, mode)
}
