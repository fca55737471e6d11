//! A CSV table with named columns, read as bytes and checked field by field.

use crate::{Error, Location};
use simd_csv::StringRecord;
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

/// A CSV table, tokenized by `simd-csv` (SIMD searches for separators: a third less time
/// than `csv`'s state machine on a snapshot's files).
pub(crate) struct Table<R: Read> {
    pub columns: Columns,
    rdr: simd_csv::Reader<Sniff<R>>,
    /// How many fields the header has: a row with another count is refused.
    width: usize,
    /// The line the next record starts on (before any blank line).
    line: u64,
    /// How lines end, as the header's did: 1 byte (`\n`) or 2 (`\r\n`).
    eol: u64,
    /// Whether the header quoted every name (then every field is taken as quoted).
    quote_all: bool,
}

/// A reader that notes whether the text starts with a byte-order mark (which the tokenizer
/// skips without saying).
struct Sniff<R> {
    inner: R,
    bom: Option<bool>,
}

impl<R: Read> Read for Sniff<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.bom.is_none() && n > 0 {
            self.bom = Some(buf[..n].starts_with(b"\xef\xbb\xbf"));
        }
        Ok(n)
    }
}

/// The `csv` writer's errors, located.
pub(crate) fn io_error(file: &str, e: csv::Error) -> Error {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.into_kind() {
        csv::ErrorKind::Io(source) => Error::Io { file: file.to_string(), source },
        other => Error::Invalid { at: Location::new(file, line, "row"), reason: format!("{other:?}") },
    }
}

fn read_error(file: &str, line: u64, e: simd_csv::Error) -> Error {
    match e.into_kind() {
        simd_csv::ErrorKind::Io(source) => Error::Io { file: file.to_string(), source },
        other => Error::Invalid { at: Location::new(file, line, "row"), reason: format!("{other:?}") },
    }
}

/// The bytes of a record's fields and the separators between them, as an unquoted line.
fn text_len<'a>(fields: impl Iterator<Item = &'a [u8]>) -> u64 {
    fields.map(|f| f.len() as u64 + 1).sum::<u64>().saturating_sub(1)
}

/// The bytes a record's quotes took in the file: two for each quoted field and one for each
/// doubled quote in it. A field is taken as quoted when it must be (a separator, quote or
/// line break in it), or always under `quote_all`.
fn quote_bytes<'a>(fields: impl Iterator<Item = &'a [u8]>, quote_all: bool) -> u64 {
    fields
        .map(|f| {
            let quotes = f.iter().filter(|&&b| b == b'"').count() as u64;
            let must = quotes > 0 || f.iter().any(|&b| matches!(b, b',' | b'\n' | b'\r'));
            if quote_all || must { 2 + quotes } else { 0 }
        })
        .sum()
}

impl<R: Read> Table<R> {
    /// Opens a table; `required` columns must be in the header, `optional` ones may be.
    pub(crate) fn open(
        file: &str,
        reader: R,
        required: &[&'static str],
        optional: &[&'static str],
    ) -> Result<Table<R>, Error> {
        let mut rdr = simd_csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            // As large as the buffer a caller most often wraps a file in (a `BufReader` of
            // 1 MiB here and there): a read that size bypasses it instead of copying through.
            .buffer_capacity(1 << 20)
            .from_reader(Sniff { inner: reader, bom: None });
        let header = rdr.byte_headers().map_err(|e| read_error(file, 1, e))?.clone();
        let mut names: Vec<String> = Vec::new();
        for (i, h) in header.iter().enumerate() {
            let h = std::str::from_utf8(h).map_err(|_| Error::Invalid {
                at: Location::new(file, 1, format!("column {}", i + 1)),
                reason: "header is not UTF-8 text".into(),
            })?;
            names.push(h.trim_start_matches('\u{feff}').trim().to_string());
        }
        let columns = Columns::resolve(file, names, required, optional, 1, None)?;
        // What the header took beyond its text and byte-order mark: its quotes and its line
        // end. The combination that adds up tells how lines end and whether every field is
        // quoted.
        let bom = if rdr.get_ref().bom == Some(true) { 3 } else { 0 };
        let extra = rdr.position().saturating_sub(text_len(header.iter()) + bom);
        let (eol, quote_all) = [(1, false), (2, false), (1, true), (2, true)]
            .into_iter()
            .find(|&(eol, all)| extra == eol + quote_bytes(header.iter(), all))
            .unwrap_or((1, false));
        let width = header.len();
        Ok(Table { columns, rdr, width, line: 2, eol, quote_all })
    }

    /// Reads the next row; `Ok(None)` at the end. A row that is not UTF-8 is an error of
    /// that row only (`Ok(Some(Err(..)))`): reading goes on with the next one.
    ///
    /// The tokenizer does not count lines: a record's line comes from the bytes it took.
    /// Beyond its text, a record takes its line end and quotes, and blank lines before it
    /// (skipped); a line break inside a quoted field is in its text. The quotes are those a
    /// writer must put (or all of them, when the header had them all), so a row after blank
    /// lines in a file quoted otherwise may be placed a line or two early.
    pub(crate) fn next(&mut self, rec: &mut StringRecord) -> Result<Option<Result<u64, Error>>, Error> {
        let start = self.rdr.position();
        let read = self.rdr.read_record(rec);
        let took = self.rdr.position() - start;
        let at = self.line;
        let ok = match read {
            Ok(true) => true,
            Ok(false) => return Ok(None),
            Err(e) if matches!(e.kind(), simd_csv::ErrorKind::Utf8Error) => false,
            Err(e) => return Err(read_error(&self.columns.file, at, e)),
        };
        // A record without quotes is copied with its separators: its bytes are its line.
        let (here, next) = if ok && took == rec.as_byte_record().as_slice().len() as u64 + self.eol {
            (at, at + 1)
        } else if ok {
            // Quotes, blank lines, line breaks in fields, or the last line without its end.
            let fields = || rec.iter().map(str::as_bytes);
            let text = text_len(fields());
            let inside = fields().map(|f| f.iter().filter(|&&b| b == b'\n').count() as u64).sum::<u64>();
            let blank = took.saturating_sub(text + quote_bytes(fields(), self.quote_all) + self.eol) / self.eol;
            (at + blank, at + blank + inside + 1)
        } else {
            // Not UTF-8 (the record was emptied): its bytes are lines of their own.
            (at, at + 1)
        };
        self.line = next;
        if !ok {
            let at = Location::new(self.columns.file.clone(), here, "row");
            return Ok(Some(Err(Error::Invalid { at, reason: "not UTF-8 text (save the file as UTF-8)".into() })));
        }
        if rec.len() != self.width {
            return Err(Error::Invalid {
                at: Location::new(self.columns.file.clone(), here, "row"),
                reason: format!(
                    "{} field(s), expected {} like the header (a truncated or misquoted row?)",
                    rec.len(),
                    self.width
                ),
            });
        }
        Ok(Some(Ok(here)))
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

    pub(crate) fn err(&self, col: usize, reason: impl Into<String>) -> Bad {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The line of each row of `text`, and its first field (or the error of a row).
    fn lines(text: &[u8]) -> Vec<Result<(u64, String), String>> {
        let mut t = Table::open("t.csv", text, &["a"], &["b"]).unwrap();
        let mut rec = StringRecord::new();
        let mut out = Vec::new();
        while let Some(row) = t.next(&mut rec).unwrap() {
            out.push(row.map(|line| (line, rec.get(0).unwrap_or("").to_string())).map_err(|e| e.to_string()));
        }
        out
    }

    fn ok(rows: &[(u64, &str)]) -> Vec<Result<(u64, String), String>> {
        rows.iter().map(|&(l, a)| Ok((l, a.to_string()))).collect()
    }

    #[test]
    fn rows_are_placed_on_their_lines_whatever_the_line_ends() {
        let want = ok(&[(2, "1"), (3, "3"), (4, "5")]);
        assert_eq!(lines(b"a,b\n1,2\n3,4\n5,6\n"), want);
        assert_eq!(lines(b"a,b\r\n1,2\r\n3,4\r\n5,6\r\n"), want);
        assert_eq!(lines(b"\xef\xbb\xbfa,b\r\n1,2\r\n3,4\r\n5,6"), want, "byte-order mark, no last line end");
    }

    #[test]
    fn blank_lines_and_quoted_line_breaks_are_counted() {
        // Line 3 is blank; the quoted field of line 4 runs over line 5; lines 7–8 are blank.
        let text = b"a,b\n1,2\n\n\"x\ny\",4\n5,\"say \"\"hi\"\", then go\"\n\n\n7,8\n";
        assert_eq!(lines(text), ok(&[(2, "1"), (4, "x\ny"), (6, "5"), (9, "7")]));
        let crlf = String::from_utf8(text.to_vec()).unwrap().replace('\n', "\r\n");
        // In a CRLF file the quoted field keeps its own CRLF.
        assert_eq!(lines(crlf.as_bytes()), ok(&[(2, "1"), (4, "x\r\ny"), (6, "5"), (9, "7")]));
        // Every field quoted (as the header was): blank lines are still counted.
        let all = b"\"a\",\"b\"\n\"1\",\"2\"\n\n\"3\",\"4\"\n\n\n\"5\",\"a,b\"\n";
        assert_eq!(lines(all), ok(&[(2, "1"), (4, "3"), (7, "5")]));
        // As a spreadsheet saves it: byte-order mark and CRLF (the header alone cannot tell
        // these 5 bytes from quotes and a line end).
        let saved = b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n3,\"4,5\"\r\n";
        assert_eq!(lines(saved), ok(&[(2, "1"), (4, "3")]));
        let quoted = String::from_utf8(all.to_vec()).unwrap().replace('\n', "\r\n");
        assert_eq!(lines(quoted.as_bytes()), ok(&[(2, "1"), (4, "3"), (7, "5")]));
    }

    #[test]
    fn a_row_that_is_not_utf8_is_refused_alone_and_one_of_another_width_stops_the_file() {
        let rows = lines(b"a,b\n1,2\n\xff,4\n5,6\n");
        assert_eq!(rows[0], Ok((2, "1".into())));
        assert_eq!(rows[1], Err("t.csv:3: row: not UTF-8 text (save the file as UTF-8)".into()));
        assert_eq!(rows[2], Ok((4, "5".into())));
        let mut t = Table::open("t.csv", &b"a,b\n1,2\n3\n"[..], &["a"], &["b"]).unwrap();
        let mut rec = StringRecord::new();
        assert_eq!(t.next(&mut rec).unwrap().unwrap().unwrap(), 2);
        let err = t.next(&mut rec).unwrap_err().to_string();
        assert_eq!(err, "t.csv:3: row: 1 field(s), expected 2 like the header (a truncated or misquoted row?)");
    }

    proptest::proptest! {
        /// Fields and lines of files as writers make them: fields with separators, quotes
        /// and line breaks, quoted when they must be or always (written by the `csv` crate),
        /// LF or CRLF, a byte-order mark or not, blank lines. (The `csv` reader itself places
        /// a row after blank lines on the first blank line: the lines are counted here.)
        #[test]
        fn rows_are_read_back_on_the_lines_they_were_written_on(
            rows in proptest::collection::vec(
                (proptest::collection::vec("[a-c ,\"\n\r中]{0,4}", 2), 0usize..3),
                0..12,
            ),
            crlf: bool,
            all: bool,
            bom: bool,
        ) {
            let record = |fields: &[&str]| {
                let mut w = csv::WriterBuilder::new()
                    .terminator(if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') })
                    .quote_style(if all { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
                    .from_writer(Vec::new());
                w.write_record(fields).unwrap();
                w.into_inner().unwrap()
            };
            let eol: &[u8] = if crlf { b"\r\n" } else { b"\n" };
            let mut text: Vec<u8> = if bom { b"\xef\xbb\xbf".to_vec() } else { Vec::new() };
            text.extend(record(&["a", "b"]));
            let mut want = Vec::new();
            let mut line = 2;
            for (fields, blanks) in &rows {
                for _ in 0..*blanks {
                    text.extend(eol);
                }
                line += *blanks as u64;
                let bytes = record(&[fields[0].as_str(), fields[1].as_str()]);
                want.push(Ok((line, fields[0].clone())));
                line += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
                text.extend(bytes);
            }
            proptest::prop_assert_eq!(lines(&text), want);
        }
    }
}
