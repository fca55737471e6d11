//! A snapshot import reads the files the fast way (the rows once, kept as read) when it can,
//! and the core's way otherwise; either way the store holds what the core's reader reads,
//! and says what it says.

use crate::util::{Fixture, copy_dir};
use famplan::io::{EventFormat, ImportMode, ImportSummary, SnapshotFiles, read_snapshot};
use std::path::{Path, PathBuf};

/// The workspace's smallest complete snapshot: every optional person column, tags, an ID
/// number, a phone, dated and undated facts, Chinese names.
fn small() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/snapshot/small")
}

fn core_read(dir: &Path, mode: ImportMode) -> (famplan::Registry, ImportSummary) {
    let open = |n: &str| std::fs::File::open(dir.join(n)).unwrap();
    let mut files = SnapshotFiles::new()
        .areas(dir.join("areas.csv").display().to_string(), open("areas.csv"))
        .households(dir.join("households.csv").display().to_string(), open("households.csv"))
        .persons(dir.join("persons.csv").display().to_string(), open("persons.csv"))
        .visits(dir.join("visits.csv").display().to_string(), open("visits.csv"));
    if dir.join("events.jsonl").is_file() {
        files =
            files.events(dir.join("events.jsonl").display().to_string(), open("events.jsonl"), EventFormat::JsonLines);
    }
    read_snapshot(files, mode).unwrap()
}

fn summary_text(s: &ImportSummary) -> String {
    let rejects: Vec<String> = s.rejects.iter().map(ToString::to_string).collect();
    format!(
        "{} {} {} {} {} {:?} {:?} {:?}",
        s.areas, s.households, s.persons, s.visits, s.events, s.undated, s.warnings, rejects
    )
}

/// Imports `dir` into a fresh store and checks it against the core's reader: the same
/// summary, the same registry now and after reopening, and an export that imports back to it.
fn same_as_core(dir: &Path, mode: ImportMode) -> ImportSummary {
    let (expected, core_summary) = core_read(dir, mode);
    let mut f = Fixture::new();
    let summary = f.store.import_snapshot_dir(dir, mode).unwrap();
    assert_eq!(summary_text(&summary), summary_text(&core_summary), "{}", dir.display());
    assert_eq!(f.store.load().unwrap(), expected);
    let (db, out, copy) = (f.db(), f.path("out"), f.path("copy.db"));
    drop(f.store);
    let mut store = famplan_store::Store::open(&db).unwrap();
    assert_eq!(store.load().unwrap(), expected);
    store.export_snapshot_dir(&out).unwrap();
    let mut copy = famplan_store::Store::open(copy).unwrap();
    copy.import_snapshot_dir(&out, ImportMode::AllOrNothing).unwrap();
    assert_eq!(copy.load().unwrap(), expected);
    summary
}

/// Rewrites a CSV file: the header and each row's fields through `f` (index, text).
fn rewrite(path: &Path, bom: bool, f: impl Fn(usize, &str) -> String, reverse: bool) {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_path(path).unwrap();
    let rows: Vec<Vec<String>> =
        rdr.records().map(|r| r.unwrap().iter().enumerate().map(|(i, s)| f(i, s)).collect()).collect();
    let mut w = csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(Vec::new());
    for mut row in rows {
        if reverse {
            row.reverse();
        }
        w.write_record(&row).unwrap();
    }
    let mut out = if bom { "\u{feff}".as_bytes().to_vec() } else { Vec::new() };
    out.extend(w.into_inner().unwrap());
    std::fs::write(path, out).unwrap();
}

#[test]
fn the_small_snapshot_as_it_is() {
    let f = Fixture::new();
    copy_dir(&small(), &f.path("in"));
    let s = same_as_core(&f.path("in"), ImportMode::AllOrNothing);
    assert_eq!(s.persons, 7);
}

#[test]
fn padded_quoted_reordered_fields_with_a_bom_read_as_the_core_reads_them() {
    let f = Fixture::new();
    let dir = f.path("in");
    copy_dir(&small(), &dir);
    for name in ["areas.csv", "households.csv", "persons.csv", "visits.csv"] {
        let pad =
            |_: usize, s: &str| if s.is_empty() { String::new() } else { format!("  {} ", s.replace(';', " | ")) };
        rewrite(&dir.join(name), true, pad, name == "persons.csv");
    }
    let s = same_as_core(&dir, ImportMode::AllOrNothing);
    assert_eq!(s.persons, 7);
}

#[test]
fn a_column_the_core_ignores_is_warned_about() {
    let f = Fixture::new();
    let dir = f.path("in");
    copy_dir(&small(), &dir);
    let text = std::fs::read_to_string(dir.join("households.csv")).unwrap();
    let with_notes: String =
        text.lines().enumerate().map(|(i, l)| format!("{l},{}\n", if i == 0 { "notes" } else { "x" })).collect();
    std::fs::write(dir.join("households.csv"), with_notes).unwrap();
    let s = same_as_core(&dir, ImportMode::AllOrNothing);
    assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
}

#[test]
fn keep_going_keeps_the_good_rows() {
    let f = Fixture::new();
    let dir = f.path("in");
    copy_dir(&small(), &dir);
    let text = std::fs::read_to_string(dir.join("persons.csv")).unwrap();
    std::fs::write(dir.join("persons.csv"), text.replacen("2,1,1011,M,", "2,1,1011,X,", 1)).unwrap();
    let s = same_as_core(&dir, ImportMode::KeepGoing);
    assert_eq!((s.persons, s.rejects.len()), (6, 1));
}

#[test]
fn rows_with_an_events_file() {
    let f = Fixture::new();
    let dir = f.path("in");
    copy_dir(&crate::util::testdata("good"), &dir);
    let mut out = Vec::new();
    famplan::io::write_events(&crate::roundtrip::marriage_and_visit(), &mut out, EventFormat::JsonLines).unwrap();
    std::fs::write(dir.join("events.jsonl"), out).unwrap();
    let s = same_as_core(&dir, ImportMode::AllOrNothing);
    assert_eq!((s.persons, s.events), (3, 2));
}

#[test]
fn a_large_generated_snapshot_spans_many_chunks() {
    let f = Fixture::new();
    crate::ledger::write_dir(&f.path("in"), &crate::ledger::snapshot(40_000));
    let s = same_as_core(&f.path("in"), ImportMode::AllOrNothing);
    assert_eq!(s.persons, 40_000);
}
