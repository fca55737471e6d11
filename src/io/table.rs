//! A CSV table with named columns, read as bytes and checked field by field.

use crate::{Error, Location};
use csv::StringRecord;
use std::io::Read;

/// The columns a reader wants, found in a table's header: shared by the CSV reader and the
/// workbook reader (feature `xlsx`), so both check and locate alike.
pub(crate) struct Columns {
    pub file: String,
    /// For each wanted column, its index in the table.
    pub cols: Vec<Option<usize>>,
    pub names: Vec<&'static str>,
    /// The header as written, to name the column of a bad byte.
    header: Vec<String>,
    pub warnings: Vec<String>,
    /// For a worksheet: the 0-based sheet column of the table's first column; places are
    /// then cells (`persons!E12: birth_date`). `None` for a file (`persons.csv:12: birth_date`).
    pub col0: Option<u32>,
}

/// `A`, `B` … `Z`, `AA` … for a 0-based column.
pub(crate) fn column_letters(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Columns {
    /// Finds `required` and `optional` columns in `names` (already trimmed, aliases resolved);
    /// the header is on `line`.
    pub(crate) fn resolve(
        file: &str,
        names: Vec<String>,
        required: &[&'static str],
        optional: &[&'static str],
        line: u64,
        col0: Option<u32>,
    ) -> Result<Columns, Error> {
        let mut c = Columns {
            file: file.to_string(),
            cols: Vec::new(),
            names: required.iter().chain(optional).copied().collect(),
            header: Vec::new(),
            warnings: Vec::new(),
            col0,
        };
        if names.iter().all(|n| n.is_empty()) {
            return Err(Error::Invalid { at: c.at(line, None, "header"), reason: "the file is empty".into() });
        }
        let mut missing = Vec::new();
        for name in required.iter().chain(optional) {
            let idx = names.iter().position(|n| n == name);
            if idx.is_none() && required.contains(name) {
                missing.push(*name);
            }
            c.cols.push(idx);
        }
        if let Some(first) = missing.first() {
            return Err(Error::Invalid {
                at: c.at(line, None, *first),
                reason: format!("required column missing (the header has: {})", names.join(", ")),
            });
        }
        for (i, n) in names.iter().enumerate() {
            // A worksheet's header often has blank cells between or after the columns.
            let blank = col0.is_some() && n.is_empty();
            if !blank && names[..i].contains(n) {
                return Err(Error::Invalid {
                    at: c.at(line, Some(i), n.clone()),
                    reason: "column appears twice".into(),
                });
            }
        }
        c.warnings = names
            .iter()
            .filter(|n| !(col0.is_some() && n.is_empty()))
            .filter(|n| !required.contains(&n.as_str()) && !optional.contains(&n.as_str()))
            .map(|n| format!("{file}: column `{n}` is not used and was ignored"))
            .collect();
        c.header = names;
        Ok(c)
    }

    /// The header of table column `i` as written (aliases resolved), or `column N`.
    #[cfg(feature = "xlsx")]
    pub(crate) fn header_name(&self, i: usize) -> String {
        match self.header.get(i) {
            Some(h) if !h.is_empty() => h.clone(),
            _ => format!("column {}", i + 1),
        }
    }

    /// The place of `field` on `line`, in table column `col` (`None`: the whole row).
    pub(crate) fn at(&self, line: u64, col: Option<usize>, field: impl Into<String>) -> Location {
        match self.col0 {
            None => Location::new(self.file.clone(), line, field),
            Some(c0) => Location::new(cell_ref(&self.file, line, col.map(|c| c0 + c as u32)), 0, field),
        }
    }
}

/// `sheet!E12` for a cell, `sheet!12:12` (the whole row, as Excel writes it) without a column.
pub(crate) fn cell_ref(sheet: &str, line: u64, col: Option<u32>) -> String {
    match col {
        Some(c) => format!("{sheet}!{}{line}", column_letters(c)),
        None => format!("{sheet}!{line}:{line}"),
    }
}

/// Where rows come from: a CSV file or a worksheet.
pub(crate) trait RowSource {
    /// The columns found in the header.
    fn columns(&self) -> &Columns;
    /// The warnings found so far (taken once).
    fn take_warnings(&mut self) -> Vec<String>;
    /// Reads the next row into `rec`: its line (row number); `Ok(None)` at the end. A row
    /// that cannot be read is an error of that row only (`Ok(Some(Err(..)))`).
    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error>;
}

pub(crate) struct Table<R: Read> {
    pub columns: Columns,
    rdr: csv::Reader<R>,
}

pub(crate) fn io_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io { file: file.to_string(), source },
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => Error::Invalid {
            at: Location::new(file, line, "row"),
            reason: format!("{len} field(s), expected {expected_len} like the header (a truncated or misquoted row?)"),
        },
        csv::ErrorKind::Utf8 { err, .. } => Error::Invalid {
            at: Location::new(file, line, format!("field {}", err.field() + 1)),
            reason: "not UTF-8 text".into(),
        },
        other => Error::Invalid { at: Location::new(file, line, "row"), reason: format!("{other:?}") },
    }
}

impl<R: Read> Table<R> {
    /// Opens a table; `required` columns must be in the header, `optional` ones may be.
    pub(crate) fn open(
        file: &str,
        reader: R,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Table<R>, Error> {
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(reader);
        let header = rdr.byte_headers().map_err(|e| io_error(file, e))?.clone();
        let mut names: Vec<String> = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let h = std::str::from_utf8(h).map_err(|_| Error::Invalid {
                at: Location::new(file, 1, format!("column {}", i + 1)),
                reason: "header is not UTF-8 text".into(),
            })?;
            names.push(h.trim_start_matches('\u{feff}').trim().to_string());
        }
        let columns = Columns::resolve(file, names, required, optional, 1, None)?;
        Ok(Table { columns, rdr })
    }

    /// Reads the next row (checked as UTF-8 once, as a whole); `Ok(None)` at the end.
    /// A row that is not UTF-8 is an error of that row only (`Ok(Some(Err(..)))`): reading
    /// goes on with the next one.
    pub(crate) fn next(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error> {
        match self.rdr.read_record(rec) {
            Ok(true) => Ok(Some(Ok(rec.position().map(|p| p.line()).unwrap_or(0)))),
            Ok(false) => Ok(None),
            Err(e) => {
                if let csv::ErrorKind::Utf8 { pos, err } = e.kind() {
                    let line = pos.as_ref().map(|p| p.line()).unwrap_or(0);
                    let c = &self.columns;
                    let column =
                        c.header.get(err.field()).cloned().unwrap_or_else(|| format!("field {}", err.field() + 1));
                    let at = Location::new(c.file.clone(), line, column);
                    return Ok(Some(Err(Error::Invalid { at, reason: "not UTF-8 text".into() })));
                }
                Err(io_error(&self.columns.file, e))
            }
        }
    }
}

impl<R: Read> RowSource for Table<R> {
    fn columns(&self) -> &Columns {
        &self.columns
    }

    fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.columns.warnings)
    }

    fn next_row(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error> {
        self.next(rec)
    }
}

/// A field's error, boxed: the accessors run for every field of a snapshot, and an
/// [`Error`] by value would make each of their results 150 bytes wide.
pub(crate) type Bad = Box<Error>;

/// A view of one row with typed, located field access.
pub(crate) struct Row<'a> {
    pub rec: &'a StringRecord,
    pub cols: &'a [Option<usize>],
    pub names: &'a [&'static str],
    pub line: u64,
    columns: &'a Columns,
}

impl<'a> Row<'a> {
    pub(crate) fn new(c: &'a Columns, rec: &'a StringRecord, line: u64) -> Row<'a> {
        Row { rec, cols: &c.cols, names: &c.names, line, columns: c }
    }

    pub(crate) fn loc(&self, col: usize) -> Location {
        self.columns.at(self.line, self.cols[col], self.names[col])
    }

    /// The place of a field named by the builder (a column name, or any other word).
    pub(crate) fn loc_of(&self, field: String) -> Location {
        let col = self.names.iter().position(|n| *n == field).and_then(|i| self.cols[i]);
        self.columns.at(self.line, col, field)
    }

    fn err(&self, col: usize, reason: impl Into<String>) -> Bad {
        Box::new(Error::Invalid { at: self.loc(col), reason: reason.into() })
    }

    /// The raw text of a column (empty when the column is absent or the field empty),
    /// without surrounding whitespace. It cannot fail: the record was checked as UTF-8 once.
    #[inline]
    pub(crate) fn text(&self, col: usize) -> &'a str {
        let Some(i) = self.cols[col] else { return "" };
        let text = self.rec.get(i).unwrap_or("");
        let b = text.as_bytes();
        match (b.first(), b.last()) {
            (Some(&a), Some(&z)) if a > b' ' && a < 0x7f && z > b' ' && z < 0x7f => text,
            (None, _) | (_, None) => "",
            _ => text.trim(),
        }
    }

    #[inline]
    pub(crate) fn required(&self, col: usize) -> Result<&'a str, Bad> {
        let t = self.text(col);
        if t.is_empty() {
            return Err(self.err(col, "is empty"));
        }
        Ok(t)
    }

    #[inline]
    pub(crate) fn opt(&self, col: usize) -> Result<Option<&'a str>, Bad> {
        let t = self.text(col);
        Ok((!t.is_empty()).then_some(t))
    }

    pub(crate) fn date(&self, col: usize) -> Result<Option<chrono::NaiveDate>, Bad> {
        match self.opt(col)? {
            None => Ok(None),
            Some(t) => crate::date::parse_date_bytes(t.as_bytes())
                .map(Some)
                .ok_or_else(|| self.err(col, format!("`{t}` is not a date YYYY-MM-DD"))),
        }
    }

    pub(crate) fn parse<T: std::str::FromStr>(&self, col: usize) -> Result<Option<T>, Bad>
    where
        T::Err: std::fmt::Display,
    {
        match self.opt(col)? {
            None => Ok(None),
            Some(t) => t.parse().map(Some).map_err(|e: T::Err| self.err(col, e.to_string())),
        }
    }

    pub(crate) fn need<T>(&self, col: usize, v: Option<T>) -> Result<T, Bad> {
        v.ok_or_else(|| self.err(col, "is empty"))
    }
}
