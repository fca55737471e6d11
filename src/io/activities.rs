//! The publicity activity log as CSV (DOMAIN §14).

use super::table::{Row, RowSource, Table};
use crate::{Activity, ActivityKind, Error};
use simd_csv::StringRecord;
use std::io::Read;

/// The columns of an activity log: `date` and `kind` are required.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::io::ACTIVITY_COLUMNS[..2], ["date", "kind"]);
/// ```
pub const ACTIVITY_COLUMNS: [&str; 6] = ["date", "kind", "theme", "audience", "materials", "brief_reported"];

/// Reads a publicity activity log (`date,kind,theme,audience,materials,brief_reported`;
/// `brief_reported` is `0`/`1`, empty means 0). `file` names the source in errors.
///
/// # Errors
///
/// [`Error::Invalid`] naming `file:line: column` for the first bad value (an unknown kind,
/// a bad date, a negative count), or [`Error::Many`] listing every bad row.
///
/// # Example
///
/// ```
/// use famplan::io::read_activities;
/// let csv = "date,kind,theme,materials,brief_reported\n2026-05-10,mothers_day,关爱母亲,120,1\n";
/// let log = read_activities("activities.csv", csv.as_bytes())?;
/// assert_eq!((log[0].kind, log[0].materials, log[0].brief_reported), (famplan::ActivityKind::MothersDay, 120, true));
///
/// let bad = "date,kind\n2026-05-10,parade\n";
/// let err = read_activities("activities.csv", bad.as_bytes()).unwrap_err();
/// assert!(err.to_string().starts_with("activities.csv:2: kind: `parade` is not one of blackboard,"));
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn read_activities<R: Read>(file: &str, reader: R) -> Result<Vec<Activity>, Error> {
    let mut t = Table::open(file, reader, &ACTIVITY_COLUMNS[..2], &ACTIVITY_COLUMNS[2..])?;
    let mut rec = StringRecord::new();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    while let Some(line) = t.next(&mut rec)? {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let row = Row::new(t.columns(), &rec, line);
        match activity(&row) {
            Ok(a) => out.push(a),
            Err(e) => errors.push(e),
        }
    }
    match errors.len() {
        0 => Ok(out),
        1 => Err(errors.pop().expect("one error")),
        _ => Err(Error::Many(errors)),
    }
}

fn activity(row: &Row<'_>) -> Result<Activity, Error> {
    let date = row.need(0, row.date(0)?)?;
    let kind: ActivityKind = row.need(1, row.parse(1)?)?;
    let brief = match row.opt(5)? {
        None | Some("0") => false,
        Some("1") => true,
        Some(other) => {
            return Err(Error::Invalid { at: row.loc(5), reason: format!("`{other}` is not 0 or 1") });
        }
    };
    Ok(Activity {
        date,
        kind,
        theme: row.text(2).to_string(),
        audience: row.text(3).to_string(),
        materials: row.parse(4)?.unwrap_or(0),
        brief_reported: brief,
    })
}
