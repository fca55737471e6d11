//! A CSV table with named columns, read as bytes and checked field by field.

use crate::{Error, Location};
use csv::StringRecord;
use std::io::Read;

pub(crate) struct Table<R: Read> {
    pub file: String,
    rdr: csv::Reader<R>,
    /// For each wanted column, its index in the file.
    pub cols: Vec<Option<usize>>,
    names: Vec<&'static str>,
    /// The header as written, to name the column of a bad byte.
    header: Vec<String>,
    pub warnings: Vec<String>,
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
        if names.iter().all(|n| n.is_empty()) {
            return Err(Error::Invalid { at: Location::new(file, 1, "header"), reason: "the file is empty".into() });
        }
        let mut cols = Vec::new();
        let mut missing = Vec::new();
        for name in required.iter().chain(optional) {
            let idx = names.iter().position(|n| n == name);
            if idx.is_none() && required.contains(name) {
                missing.push(*name);
            }
            cols.push(idx);
        }
        if let Some(first) = missing.first() {
            return Err(Error::Invalid {
                at: Location::new(file, 1, *first),
                reason: format!("required column missing (the header has: {})", names.join(", ")),
            });
        }
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(Error::Invalid {
                    at: Location::new(file, 1, n.clone()),
                    reason: "column appears twice".into(),
                });
            }
        }
        let warnings = names
            .iter()
            .filter(|n| !required.contains(&n.as_str()) && !optional.contains(&n.as_str()))
            .map(|n| format!("{file}: column `{n}` is not used and was ignored"))
            .collect();
        Ok(Table {
            file: file.to_string(),
            rdr,
            cols,
            names: required.iter().chain(optional).copied().collect(),
            header: names,
            warnings,
        })
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
                    let column =
                        self.header.get(err.field()).cloned().unwrap_or_else(|| format!("field {}", err.field() + 1));
                    let at = Location::new(self.file.clone(), line, column);
                    return Ok(Some(Err(Error::Invalid { at, reason: "not UTF-8 text".into() })));
                }
                Err(io_error(&self.file, e))
            }
        }
    }
}

/// A view of one row with typed, located field access.
pub(crate) struct Row<'a> {
    pub rec: &'a StringRecord,
    pub cols: &'a [Option<usize>],
    pub file: &'a str,
    pub names: &'a [&'static str],
    pub line: u64,
}

impl<'a> Row<'a> {
    pub(crate) fn new<R: Read>(t: &'a Table<R>, rec: &'a StringRecord, line: u64) -> Row<'a> {
        Row { rec, cols: &t.cols, file: &t.file, names: &t.names, line }
    }

    pub(crate) fn loc(&self, col: usize) -> Location {
        Location::new(self.file, self.line, self.names[col])
    }

    fn err(&self, col: usize, reason: impl Into<String>) -> Error {
        Error::Invalid { at: self.loc(col), reason: reason.into() }
    }

    /// The raw text of a column (empty when the column is absent or the field empty).
    pub(crate) fn text(&self, col: usize) -> Result<&'a str, Error> {
        let Some(i) = self.cols[col] else { return Ok("") };
        let text = self.rec.get(i).unwrap_or("");
        let b = text.as_bytes();
        match (b.first(), b.last()) {
            (Some(a), Some(z))
                if a.is_ascii_whitespace() || z.is_ascii_whitespace() || !a.is_ascii() || !z.is_ascii() =>
            {
                Ok(text.trim())
            }
            _ => Ok(text),
        }
    }

    pub(crate) fn required(&self, col: usize) -> Result<&'a str, Error> {
        let t = self.text(col)?;
        if t.is_empty() {
            return Err(self.err(col, "is empty"));
        }
        Ok(t)
    }

    pub(crate) fn opt(&self, col: usize) -> Result<Option<&'a str>, Error> {
        let t = self.text(col)?;
        Ok((!t.is_empty()).then_some(t))
    }

    pub(crate) fn date(&self, col: usize) -> Result<Option<chrono::NaiveDate>, Error> {
        match self.opt(col)? {
            None => Ok(None),
            Some(t) => crate::date::parse_date_bytes(t.as_bytes())
                .map(Some)
                .ok_or_else(|| self.err(col, format!("`{t}` is not a date YYYY-MM-DD"))),
        }
    }

    pub(crate) fn parse<T: std::str::FromStr>(&self, col: usize) -> Result<Option<T>, Error>
    where
        T::Err: std::fmt::Display,
    {
        match self.opt(col)? {
            None => Ok(None),
            Some(t) => t.parse().map(Some).map_err(|e: T::Err| self.err(col, e.to_string())),
        }
    }

    pub(crate) fn need<T>(&self, col: usize, v: Option<T>) -> Result<T, Error> {
        v.ok_or_else(|| self.err(col, "is empty"))
    }
}
