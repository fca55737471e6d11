//! Snapshot rows in their tables: written from the core's canonical snapshot writer, read
//! back through the core's row builder, and exported as the snapshot files again.

use crate::{Progress, StoreError};
use famplan::io::{AreaRow, HouseholdRow, PersonRow, SnapshotBuilder, SnapshotWriters, VisitRow, write_snapshot};
use famplan::{Location, Registry};
use rusqlite::{Connection, Row, params_from_iter};
use std::path::Path;

/// The columns of each table, in table order: the core's snapshot columns.
pub(crate) const AREAS: [&str; 3] = famplan::io::AREA_COLUMNS;
pub(crate) const HOUSEHOLDS: [&str; 3] = famplan::io::HOUSEHOLD_COLUMNS;
pub(crate) const PERSONS: [&str; 18] = famplan::io::PERSON_COLUMNS;
/// The first `PERSONS_REQUIRED` person columns are always written; the rest only when a row has a value.
const PERSONS_REQUIRED: usize = famplan::io::PERSON_REQUIRED_COLUMNS;
pub(crate) const VISITS: [&str; 4] = famplan::io::VISIT_COLUMNS;

/// The snapshot tables in load order, with their columns.
pub(crate) const TABLES: [(&str, &[&str]); 4] =
    [("areas", &AREAS), ("households", &HOUSEHOLDS), ("persons", &PERSONS), ("visits", &VISITS)];

/// Writes the rows of a registry built from snapshot rows only (no events).
pub(crate) fn insert(conn: &Connection, base: &Registry, progress: &mut dyn FnMut(Progress)) -> Result<(), StoreError> {
    let (mut a, mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    write_snapshot(base, None, SnapshotWriters { areas: &mut a, households: &mut h, persons: &mut p, visits: &mut v })?;
    let total =
        (base.areas().all(famplan::AreaLevel::Grid).len() + base.household_count() + base.len() + base.visit_count())
            as u64;
    let mut done = 0;
    for ((table, columns), text) in TABLES.iter().zip([a, h, p, v]) {
        let mut rdr = csv::ReaderBuilder::new().from_reader(&text[..]);
        let header = rdr.headers().map_err(|e| csv_error(table, e))?.clone();
        // The table columns repeat the core's snapshot columns: a column the core writes
        // and the table cannot hold would be lost, so it stops the import.
        if let Some(extra) = header.iter().find(|h| !columns.contains(h)) {
            return Err(famplan::Error::Invalid {
                at: Location::new(format!("{table}.csv"), 1, extra),
                reason: "the core writes a column this store cannot keep yet (a schema step is missing)".into(),
            }
            .into());
        }
        // For each table column, where it is in what the core wrote (optional ones may be absent).
        let at: Vec<Option<usize>> = columns.iter().map(|c| header.iter().position(|h| h == *c)).collect();
        let sql =
            format!("INSERT INTO {table} ({}) VALUES ({})", columns.join(", "), vec!["?"; columns.len()].join(", "));
        let mut stmt = conn.prepare_cached(&sql)?;
        let mut rec = csv::StringRecord::new();
        while rdr.read_record(&mut rec).map_err(|e| csv_error(table, e))? {
            let values = at.iter().map(|i| i.and_then(|i| rec.get(i)).filter(|s| !s.is_empty()));
            stmt.execute(params_from_iter(values))?;
            done += 1;
            if done % 10_000 == 0 {
                progress(Progress { stage: "write", done, total });
            }
        }
    }
    progress(Progress { stage: "write", done, total });
    Ok(())
}

fn csv_error(table: &str, e: csv::Error) -> StoreError {
    StoreError::Famplan(famplan::Error::Invalid {
        at: Location::new(format!("{table}.csv"), e.position().map_or(0, |p| p.line()), "row"),
        reason: format!("the core's snapshot writer wrote what it cannot read back: {e}"),
    })
}

/// How many person rows the store holds, when it holds any snapshot rows at all.
pub(crate) fn person_rows(conn: &Connection) -> Result<Option<u64>, StoreError> {
    let persons: u64 = conn.query_row("SELECT count(*) FROM persons", [], |r| r.get(0))?;
    let any: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM areas) OR EXISTS (SELECT 1 FROM households) OR EXISTS (SELECT 1 FROM visits)",
        [],
        |r| r.get(0),
    )?;
    Ok((persons > 0 || any).then_some(persons))
}

/// A stored row the core refuses: the table and rowid stand for file and line.
fn located(table: &str, rowid: i64, e: famplan::Error) -> famplan::Error {
    match e {
        famplan::Error::Invalid { at, reason } => famplan::Error::Invalid {
            at: Location::new(format!("store table {table}"), rowid as u64, at.field),
            reason,
        },
        other => other,
    }
}

/// Typed access to one stored row, with located errors.
struct Fields<'r, 's> {
    row: &'r Row<'s>,
    table: &'static str,
    columns: &'static [&'static str],
}

impl<'r> Fields<'r, '_> {
    fn opt(&self, i: usize) -> Result<Option<&'r str>, StoreError> {
        Ok(self.row.get_ref(i + 1)?.as_str_or_null()?.filter(|s| !s.is_empty()))
    }

    fn text(&self, i: usize) -> Result<&'r str, StoreError> {
        self.opt(i)?.ok_or_else(|| self.invalid(self.columns[i], "is empty".into()))
    }

    fn invalid(&self, field: &str, reason: String) -> StoreError {
        let rowid = self.row.get(0).unwrap_or(0);
        famplan::Error::Invalid {
            at: Location::new(format!("store table {}", self.table), rowid as u64, field),
            reason,
        }
        .into()
    }

    fn parse<T: std::str::FromStr>(&self, i: usize) -> Result<Option<T>, StoreError>
    where
        T::Err: std::fmt::Display,
    {
        self.opt(i)?.map(|s| s.parse().map_err(|e: T::Err| self.invalid(self.columns[i], e.to_string()))).transpose()
    }

    fn need<T>(&self, v: Option<T>, i: usize) -> Result<T, StoreError> {
        v.ok_or_else(|| self.invalid(self.columns[i], "is empty".into()))
    }

    fn date(&self, i: usize) -> Result<Option<chrono::NaiveDate>, StoreError> {
        self.opt(i)?
            .map(|s| {
                famplan::parse_date(s).ok_or_else(|| self.invalid(self.columns[i], format!("`{s}` is not a date")))
            })
            .transpose()
    }
}

fn each(
    conn: &Connection,
    table: &'static str,
    columns: &'static [&'static str],
    mut f: impl FnMut(&Fields<'_, '_>) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let sql = format!("SELECT rowid, {} FROM {table} ORDER BY rowid", columns.join(", "));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let fields = Fields { row, table, columns };
        f(&fields).map_err(|e| match e {
            StoreError::Famplan(e) => StoreError::Famplan(located(table, row.get(0).unwrap_or(0), e)),
            other => other,
        })?;
    }
    Ok(())
}

/// Feeds every stored row, in file order, to a snapshot builder.
pub(crate) fn load(conn: &Connection, b: &mut SnapshotBuilder) -> Result<(), StoreError> {
    let persons: usize = conn.query_row("SELECT count(*) FROM persons", [], |r| r.get(0))?;
    b.reserve(persons);
    each(conn, "areas", &AREAS, |r| {
        Ok(b.add_area(&AreaRow { grid_id: r.text(0)?, zone_id: r.text(1)?, community_id: r.text(2)? })?)
    })?;
    each(conn, "households", &HOUSEHOLDS, |r| {
        let kind = r.text(2)?.parse().map_err(|e: String| r.invalid("kind", e))?;
        Ok(b.add_household(&HouseholdRow { household_id: r.text(0)?, grid_id: r.text(1)?, kind })?)
    })?;
    each(conn, "persons", &PERSONS, |r| {
        let row = PersonRow {
            person_id: r.text(0)?,
            household_id: r.text(1)?,
            grid_id: r.text(2)?,
            sex: r.need(r.parse(3)?, 3)?,
            birth_date: r.need(r.date(4)?, 4)?,
            marital_status: r.need(r.parse(5)?, 5)?,
            residency: r.need(r.parse(6)?, 6)?,
            case_file: r.row.get::<_, i64>(8)? != 0,
            contraceptive_method: r.parse(8)?,
            method_start: r.date(9)?,
            last_birth_date: r.date(10)?,
            name: r.opt(11)?,
            id_number: r.parse(12)?,
            phone: r.parse(13)?,
            marital_since: r.date(14)?,
            residency_since: r.date(15)?,
            case_file_opened: r.date(16)?,
            tags: r.opt(17)?.map(|t| t.split(';').collect()).unwrap_or_default(),
        };
        Ok(b.add_person(&row)?)
    })?;
    each(conn, "visits", &VISITS, |r| {
        let date = r.date(2)?.ok_or_else(|| r.invalid("date", "is empty".into()))?;
        Ok(b.add_visit(&VisitRow { visit_id: r.text(0)?, person_id: r.text(1)?, date, kind: r.text(3)? })?)
    })?;
    Ok(())
}

/// Writes the stored rows as the snapshot files `areas.csv`, `households.csv`, `persons.csv`
/// and `visits.csv` in `dir`, as the core's writer wrote them.
pub(crate) fn export(conn: &Connection, dir: &Path) -> Result<(), StoreError> {
    for (table, columns) in TABLES {
        let path = dir.join(format!("{table}.csv"));
        let io = |source| StoreError::Io { path: path.clone(), source };
        let file = std::fs::File::create(&path).map_err(io)?;
        let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
        let wanted: Vec<usize> = if table == "persons" {
            let present = columns[PERSONS_REQUIRED..]
                .iter()
                .map(|c| format!("EXISTS (SELECT 1 FROM persons WHERE {c} IS NOT NULL)"))
                .collect::<Vec<_>>()
                .join(", ");
            let flags: Vec<bool> = conn.query_row(&format!("SELECT {present}"), [], |r| {
                (0..columns.len() - PERSONS_REQUIRED).map(|i| r.get(i)).collect()
            })?;
            (0..PERSONS_REQUIRED)
                .chain(flags.iter().enumerate().filter(|(_, on)| **on).map(|(i, _)| i + PERSONS_REQUIRED))
                .collect()
        } else {
            (0..columns.len()).collect()
        };
        let csv_io = |e: csv::Error| match e.into_kind() {
            csv::ErrorKind::Io(source) => io(source),
            other => io(std::io::Error::other(format!("{other:?}"))),
        };
        w.write_record(wanted.iter().map(|&i| columns[i])).map_err(csv_io)?;
        let sql = format!("SELECT {} FROM {table} ORDER BY rowid", columns.join(", "));
        let mut stmt = conn.prepare(&sql)?;
        let mut rows = stmt.query([])?;
        let mut fields: Vec<String> = Vec::with_capacity(wanted.len());
        while let Some(row) = rows.next()? {
            fields.clear();
            for &i in &wanted {
                fields.push(match row.get_ref(i)? {
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    v => v.as_str_or_null()?.unwrap_or_default().to_string(),
                });
            }
            w.write_record(&fields).map_err(csv_io)?;
        }
        w.flush().map_err(io)?;
    }
    Ok(())
}
