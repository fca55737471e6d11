//! Events as JSON Lines (one event per line) or CSV (`id,date,recorded_at,recorded_by,kind,data`
//! where `data` is a JSON object of the kind's own fields).

use crate::{Error, Event, Location};
use serde_json::{Map, Value};
use std::io::{BufRead, BufReader, Read, Write};

/// The format of an events file.
///
/// # Example
///
/// ```
/// use famplan::io::EventFormat;
/// assert_eq!(EventFormat::from_file_name("events.jsonl"), Some(EventFormat::JsonLines));
/// assert_eq!(EventFormat::from_file_name("events.csv"), Some(EventFormat::Csv));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventFormat {
    /// One JSON object per line.
    JsonLines,
    /// CSV with columns `id,date,recorded_at,recorded_by,kind,data`.
    Csv,
}

impl EventFormat {
    /// Guesses the format from a file name's ending (`.jsonl`, `.ndjson`, `.json`, `.csv`).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::io::EventFormat::from_file_name("x.txt"), None);
    /// ```
    pub fn from_file_name(name: &str) -> Option<EventFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") || lower.ends_with(".json") {
            Some(EventFormat::JsonLines)
        } else if lower.ends_with(".csv") {
            Some(EventFormat::Csv)
        } else {
            None
        }
    }
}

const COMMON: [&str; 4] = ["id", "date", "recorded_at", "recorded_by"];

fn json_error(file: &str, line: u64, e: serde_json::Error) -> Error {
    json_error_at(&|field| Location::new(file, line, field), e)
}

fn json_error_at(loc: &dyn Fn(&str) -> Location, e: serde_json::Error) -> Error {
    let syntax = matches!(e.classify(), serde_json::error::Category::Syntax | serde_json::error::Category::Eof);
    let msg = e.to_string();
    if syntax {
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        return Error::Invalid { at: loc("line"), reason: format!("not JSON: {msg}") };
    }
    // serde_json appends " at line L column C" for text it parsed itself; the line is ours.
    let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
    let field = msg
        .split('`')
        .nth(1)
        .filter(|_| {
            msg.starts_with("missing field") || msg.starts_with("unknown field") || msg.starts_with("duplicate field")
        })
        .unwrap_or(if msg.starts_with("unknown variant") { "kind" } else { "event" })
        .to_string();
    Error::Invalid { at: loc(&field), reason: msg }
}

/// Reads events, each with the line it was on.
pub(crate) fn read_events_located(
    file: &str,
    reader: impl Read,
    format: EventFormat,
) -> Result<Vec<(u64, Event)>, Error> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    match format {
        EventFormat::JsonLines => {
            for (i, line) in BufReader::new(reader).lines().enumerate() {
                let n = i as u64 + 1;
                let line = line.map_err(|e| match e.kind() {
                    std::io::ErrorKind::InvalidData => {
                        Error::Invalid { at: Location::new(file, n, "line"), reason: "not UTF-8 text".into() }
                    }
                    _ => Error::Io { file: file.into(), source: e },
                })?;
                if line.trim().is_empty() {
                    continue;
                }
                let parsed =
                    serde_json::from_str::<Value>(&line).map_err(|e| json_error(file, n, e)).and_then(|v| match v {
                        Value::Object(obj) => to_event(&|field| Location::new(file, n, field), obj),
                        _ => Err(Error::Invalid {
                            at: Location::new(file, n, "event"),
                            reason: "not a JSON object".into(),
                        }),
                    });
                match parsed {
                    Ok(e) => out.push((n, e)),
                    Err(e) => errors.push(e),
                }
            }
        }
        EventFormat::Csv => {
            let mut t = super::table::Table::open(file, reader, &EVENT_COLUMNS, &["data"])?;
            events_from_rows(&mut t, &mut out, &mut errors)?;
        }
    }
    check_events(file, out, errors)
}

/// The required columns of an events table (`data` is optional).
pub(crate) const EVENT_COLUMNS: [&str; 5] = ["id", "date", "recorded_at", "recorded_by", "kind"];

/// Reads the rows of an events table (CSV or worksheet).
pub(crate) fn events_from_rows(
    t: &mut dyn super::table::RowSource,
    out: &mut Vec<(u64, Event)>,
    errors: &mut Vec<Error>,
) -> Result<(), Error> {
    let mut rec = simd_csv::StringRecord::new();
    while let Some(n) = t.next_row(&mut rec)? {
        let n = match n {
            Ok(n) => n,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let row = super::table::Row::new(t.columns(), &rec, n);
        match csv_event(&row) {
            Ok(e) => out.push((n, e)),
            Err(e) => errors.push(e),
        }
    }
    Ok(())
}

/// Checks that event ids are unique; every problem found fails the read.
pub(crate) fn check_events(
    file: &str,
    out: Vec<(u64, Event)>,
    mut errors: Vec<Error>,
) -> Result<Vec<(u64, Event)>, Error> {
    let mut seen = std::collections::HashMap::new();
    for (n, e) in &out {
        if let Some(first) = seen.insert(e.id.clone(), *n) {
            errors.push(Error::Invalid {
                at: Location::new(file, *n, "id"),
                reason: format!("event id `{}` already used on line {first}", e.id),
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| match e {
            Error::Invalid { at, .. } => at.line,
            _ => 0,
        });
        errors.truncate(100);
        return Err(Error::Many(errors));
    }
    Ok(out)
}

fn csv_event(row: &super::table::Row<'_>) -> Result<Event, Error> {
    let mut obj = Map::new();
    for (i, name) in COMMON.iter().enumerate() {
        obj.insert((*name).into(), Value::String(row.required(i)?.to_string()));
    }
    obj.insert("kind".into(), Value::String(row.required(4)?.to_string()));
    if let Some(data) = row.opt(5)? {
        let Value::Object(fields) = serde_json::from_str::<Value>(data)
            .map_err(|e| Error::Invalid { at: row.loc(5), reason: format!("not JSON: {e}") })?
        else {
            return Err(Error::Invalid { at: row.loc(5), reason: "must be a JSON object".into() });
        };
        for (k, v) in fields {
            if obj.contains_key(&k) {
                return Err(Error::Invalid { at: row.loc(5), reason: format!("`{k}` belongs in its own column") });
            }
            obj.insert(k, v);
        }
    }
    to_event(&|field| row.loc_of(field.to_string()), obj)
}

/// Checks the common fields by name (so a bad date says `date`), then the kind's fields.
fn to_event(loc: &dyn Fn(&str) -> Location, obj: Map<String, Value>) -> Result<Event, Error> {
    let bad = |field: &str, reason: String| Error::Invalid { at: loc(field), reason };
    for field in ["id", "date", "recorded_at", "recorded_by", "kind"] {
        match obj.get(field) {
            None => return Err(bad(field, format!("missing field `{field}`"))),
            Some(Value::String(s)) => {
                let ok = match field {
                    "date" => crate::parse_date(s).is_some(),
                    "recorded_at" => s.parse::<chrono::NaiveDateTime>().is_ok(),
                    "id" | "kind" => !s.is_empty(),
                    _ => true,
                };
                if !ok {
                    let expected = match field {
                        "date" => "a date YYYY-MM-DD",
                        "recorded_at" => "a time YYYY-MM-DDTHH:MM:SS",
                        _ => "not empty",
                    };
                    return Err(bad(field, format!("`{s}` is not {expected}")));
                }
            }
            Some(other) => return Err(bad(field, format!("expected a string, found {other}"))),
        }
    }
    serde_json::from_value(Value::Object(obj)).map_err(|e| json_error_at(loc, e))
}

/// Reads events from JSON Lines or CSV. Every bad line is reported (`file:line: field:
/// reason`), and any bad line fails the whole read; blank JSON lines are skipped.
///
/// # Errors
///
/// [`Error::Many`] listing the bad lines; [`Error::Io`].
///
/// # Example
///
/// ```
/// use famplan::io::{EventFormat, read_events};
/// let text = r#"{"id":"e1","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"died","person":"p1"}
/// {"id":"e2","date":"2026-03-01","recorded_at":"2026-03-01T10:00:00","recorded_by":"k1","kind":"died"}"#;
/// let err = read_events("events.jsonl", text.as_bytes(), EventFormat::JsonLines).unwrap_err();
/// assert!(err.to_string().contains("events.jsonl:2: person: missing field `person`"));
/// ```
pub fn read_events(file: &str, reader: impl Read, format: EventFormat) -> Result<Vec<Event>, Error> {
    Ok(read_events_located(file, reader, format)?.into_iter().map(|(_, e)| e).collect())
}

/// Writes events as JSON Lines or CSV; what it writes reads back to the same events.
///
/// # Errors
///
/// [`Error::Io`] from the writer.
///
/// # Example
///
/// ```
/// use famplan::io::{EventFormat, read_events, write_events};
/// let events = famplan::Registry::example().events().to_vec();
/// let mut csv = Vec::new();
/// write_events(&events, &mut csv, EventFormat::Csv)?;
/// assert!(csv.starts_with(b"id,date,recorded_at,recorded_by,kind,data\n"));
/// assert_eq!(read_events("events.csv", &csv[..], EventFormat::Csv)?, events);
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn write_events(events: &[Event], writer: impl Write, format: EventFormat) -> Result<(), Error> {
    let io = |source| Error::Io { file: "events".into(), source };
    match format {
        EventFormat::JsonLines => {
            let mut w = std::io::BufWriter::new(writer);
            for e in events {
                serde_json::to_writer(&mut w, e).map_err(|e| io(e.into()))?;
                w.write_all(b"\n").map_err(io)?;
            }
            w.flush().map_err(io)?;
        }
        EventFormat::Csv => {
            let mut w = csv::Writer::from_writer(writer);
            w.write_record(["id", "date", "recorded_at", "recorded_by", "kind", "data"])
                .map_err(|e| super::table::io_error("events.csv", e))?;
            for e in events {
                let Value::Object(mut obj) = serde_json::to_value(e).map_err(|e| io(e.into()))? else {
                    unreachable!("an event serialises to an object")
                };
                let mut take = |k: &str| match obj.remove(k) {
                    Some(Value::String(s)) => s,
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                let fields = [take("id"), take("date"), take("recorded_at"), take("recorded_by"), take("kind")];
                let data = if obj.is_empty() { String::new() } else { Value::Object(obj).to_string() };
                w.write_record(fields.iter().map(String::as_str).chain([data.as_str()]))
                    .map_err(|e| super::table::io_error("events.csv", e))?;
            }
            w.flush().map_err(io)?;
        }
    }
    Ok(())
}
