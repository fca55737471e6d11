//! The snapshot as one Excel workbook (feature `xlsx`): a sheet per file of DOMAIN §15
//! (`areas`, `households`, `persons`, `visits`, optionally `events`), read with calamine into
//! the same located row reader and [`SnapshotBuilder`](super::SnapshotBuilder) the CSV
//! directory goes through, and written back with rust_xlsxwriter.

use super::aliases::{SHEET_ALIASES, alias_of, column_of};
use super::events::{EVENT_COLUMNS, check_events, events_from_rows};
use super::snapshot::{EventSource, SnapshotTable, read_tables};
use super::table::{Columns, RowSource};
use super::{EventFormat, ImportMode, ImportSummary, SnapshotWriters, write_events, write_snapshot};
use crate::{Error, Event, Location, Registry};
use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, Xlsx};
use chrono::NaiveDate;
use simd_csv::StringRecord;
use std::io::{Read, Seek, Write};

/// Columns whose cells are dates (an Excel date, a serial number or a text date).
const DATE_COLUMNS: [&str; 7] =
    ["birth_date", "method_start", "last_birth_date", "marital_since", "residency_since", "case_file_opened", "date"];

/// How a column's cells become text for the row reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Plain text; whole numbers lose their `.0`.
    Text,
    /// A date, written back as `YYYY-MM-DD`.
    Date,
    /// A resident ID number: a number cell has lost digits past the 15th.
    IdNumber,
}

fn kind_of(column: &str) -> Kind {
    if DATE_COLUMNS.contains(&column) {
        Kind::Date
    } else if column == "id_number" {
        Kind::IdNumber
    } else {
        Kind::Text
    }
}

/// `2026-03-02`, `2026/3/2`, `2026.3.2`, `2026年3月2日` and `20260302` as a date.
fn text_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = s.parse().ok()?;
        return NaiveDate::from_ymd_opt((n / 10000) as i32, n / 100 % 100, n % 100);
    }
    let s = s.strip_suffix('日').unwrap_or(s);
    let mut parts = s.split(['-', '/', '.', '年', '月']);
    let mut num = || parts.next().filter(|p| !p.is_empty() && p.len() <= 4)?.parse::<u32>().ok();
    let (y, m, d) = (num()?, num()?, num()?);
    if parts.next().is_some() || y < 1000 {
        return None;
    }
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The date of an Excel serial number (days since 1899-12-30 in the 1900 system).
fn serial_date(dt: &ExcelDateTime) -> Option<NaiveDate> {
    if dt.as_f64() < 1.0 {
        return None;
    }
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
}

fn whole(f: f64) -> Option<i64> {
    (f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0).then_some(f as i64)
}

/// A cell as the text the row reader expects, or why it cannot be read.
fn cell_text(cell: &Data, kind: Kind) -> Result<String, String> {
    let date = |d: Option<NaiveDate>, what: &dyn std::fmt::Display| {
        d.map(|d| d.to_string()).ok_or_else(|| format!("`{what}` is not a date"))
    };
    Ok(match (cell, kind) {
        (Data::Empty, _) => String::new(),
        (Data::String(s), Kind::Date) => text_date(s).map(|d| d.to_string()).unwrap_or_else(|| s.clone()),
        (Data::String(s), _) => s.clone(),
        (Data::DateTime(dt), Kind::Date) => date(serial_date(dt), &dt.as_f64())?,
        (Data::DateTime(dt), _) => match serial_date(dt) {
            Some(d) if dt.as_f64().fract() == 0.0 => d.to_string(),
            Some(d) => {
                let (.., h, mi, s, _) = dt.to_ymd_hms_milli();
                format!("{d}T{h:02}:{mi:02}:{s:02}")
            }
            None => dt.as_f64().to_string(),
        },
        (Data::DateTimeIso(s), Kind::Date) => s.get(..10).unwrap_or(s).to_string(),
        (Data::DateTimeIso(s) | Data::DurationIso(s), _) => s.clone(),
        (Data::Int(n), Kind::Date) => cell_text(&Data::Float(*n as f64), kind)?,
        (Data::Float(f), Kind::Date) => match whole(*f) {
            // A date typed as the number 20260302.
            Some(n @ 10_000_101..=99_991_231) => date(text_date(&n.to_string()), f)?,
            _ => date(serial_date(&ExcelDateTime::new(*f, ExcelDateTimeType::DateTime, false)), f)?,
        },
        (Data::Float(f), Kind::IdNumber) if f.abs() >= 1e15 => {
            return Err(format!(
                "the ID number is stored as a number ({f:.0}), which keeps only 15 digits: format the column as text and type it again"
            ));
        }
        (Data::Float(f), _) => whole(*f).map(|n| n.to_string()).unwrap_or_else(|| f.to_string()),
        (Data::Int(n), _) => n.to_string(),
        (Data::Bool(b), _) => if *b { "1" } else { "0" }.to_string(),
        (Data::Error(e), _) => return Err(format!("the cell holds the Excel error {e}")),
    })
}

/// One worksheet as a row source: the header found, each cell converted, Chinese values
/// turned into codes.
struct SheetSource<'r> {
    columns: Columns,
    rows: std::iter::Skip<calamine::Rows<'r, Data>>,
    /// The 1-based sheet row of the next row.
    next: u64,
    /// Per table column: how to read it and its Chinese values.
    kinds: Vec<(Kind, Option<&'static super::ColumnAlias>)>,
}

impl<'r> SheetSource<'r> {
    fn new(
        sheet: &str,
        range: &'r Range<Data>,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<SheetSource<'r>, Error> {
        let (row0, col0) = range.start().unwrap_or((0, 0));
        let names_of = |row: &[Data]| -> Vec<String> {
            row.iter()
                .map(|c| {
                    let t = cell_text(c, Kind::Text).unwrap_or_default();
                    let t = t.trim();
                    column_of(t).map(str::to_string).unwrap_or_else(|| t.to_string())
                })
                .collect()
        };
        // The header is the first row naming a required column, among the first ten (a
        // ledger often has a title row above it); otherwise the first row.
        let header =
            range.rows().take(10).position(|r| names_of(r).iter().any(|n| required.contains(&n.as_str()))).unwrap_or(0);
        let names = range.rows().nth(header).map(names_of).unwrap_or_default();
        let line = u64::from(row0) + header as u64 + 1;
        let columns = Columns::resolve(sheet, names.clone(), required, optional, line, Some(col0))?;
        let kinds = names.iter().map(|n| (kind_of(n), alias_of(n).filter(|a| !a.values.is_empty()))).collect();
        Ok(SheetSource { columns, rows: range.rows().skip(header + 1), next: line + 1, kinds })
    }
}

impl RowSource for SheetSource<'_> {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.columns.warnings)
    }

    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error> {
        for row in self.rows.by_ref() {
            let line = self.next;
            self.next += 1;
            if row.iter().all(|c| matches!(c, Data::Empty) || matches!(c, Data::String(s) if s.trim().is_empty())) {
                continue;
            }
            rec.clear();
            for (i, cell) in row.iter().enumerate() {
                let (kind, alias) = self.kinds.get(i).copied().unwrap_or((Kind::Text, None));
                match cell_text(cell, kind) {
                    Ok(text) => match alias.and_then(|a| a.value(text.trim())) {
                        Some(code) => rec.push_field(code),
                        None => rec.push_field(&text),
                    },
                    Err(reason) => {
                        let field = self.columns.header_name(i);
                        return Ok(Some(Err(Error::Invalid { at: self.columns.at(line, Some(i), field), reason })));
                    }
                }
            }
            return Ok(Some(Ok(line)));
        }
        Ok(None)
    }
}

/// A snapshot workbook, opened: its sheets found by name (English or Chinese, see
/// [`SHEET_ALIASES`](super::SHEET_ALIASES)).
///
/// # Example
///
/// ```
/// use famplan::io::{ImportMode, SnapshotWorkbook, write_snapshot_xlsx};
/// let reg = famplan::Registry::example();
/// let mut book = Vec::new();
/// write_snapshot_xlsx(&reg, None, &[], &mut book)?;
/// let wb = SnapshotWorkbook::open("example.xlsx", std::io::Cursor::new(book))?;
/// assert!(!wb.has_events());
/// let (back, summary) = wb.read_snapshot(ImportMode::AllOrNothing)?;
/// assert_eq!((back.len(), summary.persons), (reg.len(), reg.len() as u64));
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Debug)]
pub struct SnapshotWorkbook {
    name: String,
    /// The snapshot's sheets in table order (`areas` … `events`): the name as written and its cells.
    sheets: [Option<(String, Range<Data>)>; 5],
    warnings: Vec<String>,
}

impl SnapshotWorkbook {
    /// Opens a workbook (`.xlsx`) and finds the snapshot's sheets.
    ///
    /// # Errors
    ///
    /// Bytes that are not an `.xlsx` workbook, a sheet that cannot be read.
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::io::SnapshotWorkbook::open("x.xlsx", std::io::Cursor::new(b"not a zip".to_vec())).unwrap_err();
    /// assert!(err.to_string().starts_with("x.xlsx: workbook: not an .xlsx workbook"));
    /// ```
    pub fn open(name: &str, reader: impl Read + Seek) -> Result<SnapshotWorkbook, Error> {
        let bad = |reason: String| Error::Invalid { at: Location::new(name, 0, "workbook"), reason };
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(reader).map_err(|e| bad(format!("not an .xlsx workbook ({e})")))?;
        let mut sheets: [Option<(String, Range<Data>)>; 5] = Default::default();
        let mut warnings = Vec::new();
        for sheet in book.sheet_names() {
            let key = sheet.trim().to_lowercase();
            let Some(i) = SHEET_ALIASES.iter().position(|(en, zh)| *en == key || zh.contains(&key.as_str())) else {
                warnings.push(format!("{name}: sheet `{sheet}` is not used and was ignored"));
                continue;
            };
            if let Some((first, _)) = &sheets[i] {
                return Err(bad(format!("sheets `{first}` and `{sheet}` are both the {} sheet", SHEET_ALIASES[i].0)));
            }
            let range = book.worksheet_range(&sheet).map_err(|e| bad(format!("sheet `{sheet}`: {e}")))?;
            sheets[i] = Some((sheet, range));
        }
        Ok(SnapshotWorkbook { name: name.to_string(), sheets, warnings })
    }

    /// Whether the workbook has an `events` sheet.
    ///
    /// # Example
    ///
    /// ```
    /// let mut book = Vec::new();
    /// let reg = famplan::Registry::example();
    /// famplan::io::write_snapshot_xlsx(&reg, None, reg.events(), &mut book)?;
    /// let wb = famplan::io::SnapshotWorkbook::open("b.xlsx", std::io::Cursor::new(book))?;
    /// assert!(wb.has_events());
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn has_events(&self) -> bool {
        self.sheets[4].is_some()
    }

    /// Reads the snapshot: the rows of the four sheets, then the events sheet, all checked
    /// and located as `sheet!A12: column: reason`; with [`ImportMode::AllOrNothing`] nothing
    /// is returned unless everything is valid.
    ///
    /// # Errors
    ///
    /// As [`read_snapshot`](super::read_snapshot), with cells for places.
    ///
    /// # Example
    ///
    /// ```
    /// # let mut book = Vec::new();
    /// # famplan::io::write_snapshot_xlsx(&famplan::Registry::example(), None, &[], &mut book)?;
    /// let wb = famplan::io::SnapshotWorkbook::open("b.xlsx", std::io::Cursor::new(book))?;
    /// let (reg, _) = wb.read_snapshot(Default::default())?;
    /// assert_eq!(reg.len(), 3);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn read_snapshot(&self, mode: ImportMode) -> Result<(Registry, ImportSummary), Error> {
        self.read(mode, true)
    }

    /// Reads the four row sheets only, leaving the events sheet aside (a store keeps the rows
    /// and the events apart).
    ///
    /// # Errors
    ///
    /// As [`SnapshotWorkbook::read_snapshot`].
    ///
    /// # Example
    ///
    /// ```
    /// # let mut book = Vec::new();
    /// let reg = famplan::Registry::example();
    /// famplan::io::write_snapshot_xlsx(&reg, None, reg.events(), &mut book)?;
    /// let wb = famplan::io::SnapshotWorkbook::open("b.xlsx", std::io::Cursor::new(book))?;
    /// let (rows, summary) = wb.read_rows(Default::default())?;
    /// assert_eq!((rows.events().len(), summary.events), (0, 0));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn read_rows(&self, mode: ImportMode) -> Result<(Registry, ImportSummary), Error> {
        self.read(mode, false)
    }

    fn read(&self, mode: ImportMode, with_events: bool) -> Result<(Registry, ImportSummary), Error> {
        for (i, sheet) in self.sheets[..4].iter().enumerate() {
            if sheet.is_none() {
                return Err(Error::Invalid {
                    at: Location::new(self.name.clone(), 0, "sheet"),
                    reason: format!("required sheet `{}` missing", SHEET_ALIASES[i].0),
                });
            }
        }
        let mut open = |table: SnapshotTable, required: &[&'static str], optional: &[&'static str]| {
            let (name, range) = self.sheets[table as usize].as_ref().expect("checked above");
            SheetSource::new(name, range, required, optional).map(|s| Box::new(s) as Box<dyn RowSource>)
        };
        let events = self.sheets[4].as_ref().filter(|_| with_events).map(|(name, range)| {
            let read: EventSource<'_> = Box::new(move || {
                let mut t = SheetSource::new(name, range, &EVENT_COLUMNS, &["data"])?;
                let (mut out, mut errors) = (Vec::new(), Vec::new());
                events_from_rows(&mut t, &mut out, &mut errors)?;
                Ok((name.clone(), check_events(name, out, errors)?))
            });
            read
        });
        let (reg, mut summary) = read_tables(&mut open, events, mode)?;
        summary.warnings.splice(0..0, self.warnings.iter().cloned());
        Ok((reg, summary))
    }
}

/// Reads a snapshot workbook (see [`SnapshotWorkbook`]) into a registry.
///
/// # Errors
///
/// As [`SnapshotWorkbook::open`] and [`SnapshotWorkbook::read_snapshot`].
///
/// # Example
///
/// ```
/// use famplan::io::{ImportMode, read_snapshot_xlsx, write_snapshot_xlsx};
/// let reg = famplan::Registry::example();
/// let mut book = Vec::new();
/// write_snapshot_xlsx(&reg, None, &[], &mut book)?;
/// let (back, _) = read_snapshot_xlsx("b.xlsx", std::io::Cursor::new(book), ImportMode::AllOrNothing)?;
/// assert_eq!(back.len(), reg.len());
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn read_snapshot_xlsx(
    name: &str,
    reader: impl Read + Seek,
    mode: ImportMode,
) -> Result<(Registry, ImportSummary), Error> {
    SnapshotWorkbook::open(name, reader)?.read_snapshot(mode)
}

pub(crate) fn xlsx_error(file: &str, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Io { file: file.to_string(), source: std::io::Error::other(e) }
}

/// Adds one CSV table as a sheet: a bold, frozen header row, dates as Excel dates, every
/// other cell as text (ids keep their leading zeros), columns fitted.
pub(crate) fn csv_sheet(book: &mut rust_xlsxwriter::Workbook, sheet: &str, csv_bytes: &[u8]) -> Result<(), Error> {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let err = |e| xlsx_error(sheet, e);
    let ws = book.add_worksheet();
    ws.set_name(sheet).map_err(err)?;
    let bold = Format::new().set_bold();
    let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_bytes);
    let mut dates: Vec<bool> = Vec::new();
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| super::table::io_error(sheet, e))?;
        let r = r as u32;
        for (c, text) in rec.iter().enumerate() {
            let c = c as u16;
            if r == 0 {
                dates.push(DATE_COLUMNS.contains(&text));
                ws.write_string_with_format(r, c, text, &bold).map_err(err)?;
                continue;
            }
            match crate::parse_date(text).filter(|_| dates.get(usize::from(c)) == Some(&true)) {
                Some(d) => {
                    use chrono::Datelike;
                    let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).map_err(err)?;
                    ws.write_datetime_with_format(r, c, &dt, &date_fmt).map_err(err)?;
                }
                None if text.is_empty() => {}
                None => {
                    ws.write_string(r, c, text).map_err(err)?;
                }
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(err)?;
    ws.autofit();
    Ok(())
}

/// Writes the registry as a snapshot workbook: the sheets `areas`, `households`, `persons`,
/// `visits` hold exactly what [`write_snapshot`] writes (dates as Excel dates), and `events`
/// the given events in the CSV events format when there are any. Reading it back with
/// [`read_snapshot_xlsx`] gives what reading the CSV files gives.
///
/// # Errors
///
/// [`Error::Io`] from the writer.
///
/// # Example
///
/// ```
/// let mut book = Vec::new();
/// famplan::io::write_snapshot_xlsx(&famplan::Registry::example(), None, &[], &mut book)?;
/// assert_eq!(&book[..2], b"PK"); // a zip archive
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn write_snapshot_xlsx<W: Write>(
    reg: &Registry,
    on: Option<NaiveDate>,
    events: &[Event],
    mut out: W,
) -> Result<(), Error> {
    let mut files: [Vec<u8>; 4] = Default::default();
    let [a, h, p, v] = &mut files;
    write_snapshot(reg, on, SnapshotWriters { areas: a, households: h, persons: p, visits: v })?;
    let mut book = rust_xlsxwriter::Workbook::new();
    for (i, bytes) in files.iter().enumerate() {
        csv_sheet(&mut book, SHEET_ALIASES[i].0, bytes)?;
    }
    if !events.is_empty() {
        let mut bytes = Vec::new();
        write_events(events, &mut bytes, EventFormat::Csv)?;
        csv_sheet(&mut book, "events", &bytes)?;
    }
    let buf = book.save_to_buffer().map_err(|e| xlsx_error("workbook", e))?;
    out.write_all(&buf).map_err(|source| Error::Io { file: "workbook".into(), source })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_dates_in_the_forms_keepers_type() {
        let d = |s| text_date(s).map(|d| d.to_string());
        for s in ["2026-03-02", "2026/3/2", "2026.03.02", "2026年3月2日", "20260302", " 2026-3-2 "] {
            assert_eq!(d(s).as_deref(), Some("2026-03-02"), "{s}");
        }
        for s in ["2026-02-30", "26/3/2", "2026-03", "2026-03-02-01", "March 2", ""] {
            assert_eq!(d(s), None, "{s}");
        }
    }

    #[test]
    fn serial_numbers_are_dates_in_the_1900_system() {
        // 45718 days after 1899-12-30 is 2025-03-02: 1899-12-30 + 45658 = 2025-01-01, + 60 = 2025-03-02.
        let cell = Data::Float(45718.0);
        assert_eq!(cell_text(&cell, Kind::Date).unwrap(), "2025-03-02");
        assert_eq!(cell_text(&Data::Float(20250302.0), Kind::Date).unwrap(), "2025-03-02");
        assert_eq!(cell_text(&Data::Float(101.0), Kind::Text).unwrap(), "101");
        assert_eq!(cell_text(&Data::Float(1.5), Kind::Text).unwrap(), "1.5");
        assert!(cell_text(&Data::Float(110105194912310020.0), Kind::IdNumber).unwrap_err().contains("15 digits"));
    }

    proptest::proptest! {
        /// Any date from 1900-03-01 on reads back from its serial number, from an Excel date
        /// cell and from each text form a keeper types.
        #[test]
        fn every_date_reads_back_in_every_form(days in 61i64..2_958_465) {
            use chrono::Datelike;
            let date = NaiveDate::from_ymd_opt(1899, 12, 30).unwrap() + chrono::Duration::days(days);
            let want = date.to_string();
            let serial = days as f64;
            proptest::prop_assert_eq!(cell_text(&Data::Float(serial), Kind::Date).unwrap(), want.clone());
            let cell = Data::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, false));
            proptest::prop_assert_eq!(cell_text(&cell, Kind::Date).unwrap(), want.clone());
            let (y, m, d) = (date.year(), date.month(), date.day());
            for text in [format!("{y}/{m}/{d}"), format!("{y}.{m:02}.{d:02}"), format!("{y}年{m}月{d}日"), format!("{y}{m:02}{d:02}")] {
                proptest::prop_assert_eq!(cell_text(&Data::String(text), Kind::Date).unwrap(), want.clone());
            }
        }
    }

    #[test]
    fn column_letters_run_past_z() {
        use super::super::table::column_letters;
        assert_eq!(
            [0, 25, 26, 27, 51, 52, 701, 702].map(column_letters),
            ["A", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]
        );
    }
}
