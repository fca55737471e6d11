//! How results are printed: `--format table|csv|json`.

use serde::Serialize;
use serde_json::Value;
use std::io::Write;
use unicode_width::UnicodeWidthStr;

/// The output format of a command.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for people.
    #[default]
    Table,
    /// CSV with a header line.
    Csv,
    /// JSON.
    Json,
}

/// Flattens a JSON value into `(key, text)` pairs: nested objects as `a.b`, lists as JSON,
/// `null` as empty.
pub fn flatten(value: &Value) -> Vec<(String, String)> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                    walk(&key, v, out);
                }
            }
            Value::Null => out.push((prefix.to_string(), String::new())),
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    let mut out = Vec::new();
    walk("", value, &mut out);
    out
}

/// Prints one record: `key  value` lines, a two-line CSV, or pretty JSON.
pub fn record(value: &impl Serialize, format: Format) -> std::io::Result<()> {
    let value = serde_json::to_value(value).map_err(std::io::Error::other)?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?),
        Format::Csv => {
            let pairs = flatten(&value);
            let mut w = csv::Writer::from_writer(out);
            w.write_record(pairs.iter().map(|(k, _)| k))?;
            w.write_record(pairs.iter().map(|(_, v)| v))?;
            w.flush()
        }
        Format::Table => {
            let pairs = flatten(&value);
            let width = pairs.iter().map(|(k, _)| k.width()).max().unwrap_or(0);
            for (k, v) in pairs {
                writeln!(out, "{}", format!("{}  {v}", pad(&k, width)).trim_end())?;
            }
            Ok(())
        }
    }
}

/// Prints rows with a header: aligned columns, CSV, or a JSON array of objects.
pub fn rows(header: &[&str], rows: &[Vec<String>], format: Format) -> std::io::Result<()> {
    rows_to(&mut std::io::stdout().lock(), header, rows, format)
}

/// Writes rows with a header to `out`: aligned columns, CSV, or a JSON array of objects.
pub fn rows_to(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>], format: Format) -> std::io::Result<()> {
    match format {
        Format::Json => {
            let list: Vec<serde_json::Map<String, Value>> = rows
                .iter()
                .map(|r| header.iter().zip(r).map(|(h, v)| (h.to_string(), Value::String(v.clone()))).collect())
                .collect();
            writeln!(out, "{}", serde_json::to_string_pretty(&list).map_err(std::io::Error::other)?)
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(header)?;
            for r in rows {
                w.write_record(r)?;
            }
            w.flush()
        }
        Format::Table => {
            let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
            for r in rows {
                for (w, v) in widths.iter_mut().zip(r) {
                    *w = (*w).max(v.width());
                }
            }
            let line = |cells: &mut dyn Iterator<Item = &str>| {
                let text: Vec<String> = cells.zip(&widths).map(|(c, w)| pad(c, *w)).collect();
                text.join("  ").trim_end().to_string()
            };
            writeln!(out, "{}", line(&mut header.iter().copied()))?;
            for r in rows {
                writeln!(out, "{}", line(&mut r.iter().map(String::as_str)))?;
            }
            Ok(())
        }
    }
}

/// `text` padded with spaces to `width` terminal columns (a Chinese character takes two).
fn pad(text: &str, width: usize) -> String {
    let mut s = text.to_string();
    s.extend(std::iter::repeat_n(' ', width.saturating_sub(text.width())));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_padded_by_terminal_columns() {
        let mut out = Vec::new();
        let rows = [vec!["张丽".to_string(), "1".to_string()], vec!["Li".to_string(), "2".to_string()]];
        rows_to(&mut out, &["name", "n"], &rows, Format::Table).unwrap();
        // 张丽 is four columns wide, like `name`: the second column starts at the same place.
        assert_eq!(String::from_utf8(out).unwrap(), "name  n\n张丽  1\nLi    2\n");
    }
}
