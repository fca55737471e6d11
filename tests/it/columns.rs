//! The snapshot tables as text columns (what a Spark worker hands over, docs/scale-out.md):
//! read exactly as the CSV files of the same text, good rows and bad.

use crate::snapshot::{read, small};
use famplan::Error;
use famplan::io::{ColumnTable, ImportMode, ImportSummary, SnapshotColumns, read_snapshot_columns};
use famplan::{GroupBy, Measure, Params, Period, RateCode, Registry};

const NAMES: [&str; 4] = ["areas.csv", "households.csv", "persons.csv", "visits.csv"];

/// A CSV text as its header and its columns of owned text.
fn columns_of(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(str::to_string).collect();
    let mut cols = vec![Vec::new(); header.len()];
    for rec in rdr.records() {
        for (c, v) in cols.iter_mut().zip(rec.unwrap().iter()) {
            c.push(v.to_string());
        }
    }
    (header, cols)
}

fn table<'a>(name: &str, (header, cols): &'a (Vec<String>, Vec<Vec<String>>)) -> ColumnTable<'a> {
    header
        .iter()
        .zip(cols)
        .fold(ColumnTable::new(name), |t, (h, c)| t.column(h.clone(), c.iter().map(String::as_str).collect()))
}

/// The four files read as columns, each table named as its file (so messages compare equal).
fn read_columns(files: &[String; 4], mode: ImportMode) -> Result<(Registry, ImportSummary), Error> {
    let parsed: Vec<_> = files.iter().map(|f| columns_of(f)).collect();
    let [a, h, p, v] = [0, 1, 2, 3].map(|i| table(NAMES[i], &parsed[i]));
    read_snapshot_columns(SnapshotColumns::new().areas(a).households(h).persons(p).visits(v), mode)
}

fn counts(s: &ImportSummary) -> [u64; 9] {
    let u = &s.undated;
    [s.areas, s.households, s.persons, s.visits, s.events, u.marital, u.residency, u.case_file, u.method]
}

#[test]
fn columns_give_the_registry_of_the_csv_files() {
    let files = small();
    let (want, ws) = read(&files, ImportMode::AllOrNothing).unwrap();
    let (got, gs) = read_columns(&files, ImportMode::AllOrNothing).unwrap();
    assert_eq!(got, want);
    assert_eq!(counts(&gs), counts(&ws));
    // testdata/snapshot/small: 7 person rows, 5 visit rows (line counts minus the header).
    assert_eq!((gs.persons, gs.visits), (7, 5));
    // And the rates of both, cell for cell.
    let every: Vec<Measure> = RateCode::ALL.iter().map(|c| Measure::from(*c)).collect();
    let p = Params::new(crate::util::d("2026-06-30"))
        .period(Period::new(crate::util::d("2026-01-01"), crate::util::d("2026-06-30")).unwrap());
    assert_eq!(got.partials(&every, &p, GroupBy::Grid), want.partials(&every, &p, GroupBy::Grid));
}

/// Spoils one file, reads it both ways, and gives both messages.
fn both(index: usize, f: impl Fn(&str) -> String, mode: ImportMode) -> (String, String) {
    let mut files = small();
    files[index] = f(&files[index]);
    let show = |r: Result<(Registry, ImportSummary), Error>| match r {
        Ok((_, s)) => s.rejects.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"),
        Err(e) => e.to_string(),
    };
    (show(read(&files, mode)), show(read_columns(&files, mode)))
}

#[test]
fn bad_rows_are_refused_with_the_messages_of_the_csv_files() {
    type Spoil = fn(&str) -> String;
    let cases: [(usize, Spoil); 14] = [
        (2, |s| s.replace("birth_date", "born")),
        (2, |s| s.replace("1990-05-01", "1990-02-30")),
        (2, |s| s.replace(",F,1995", ",W,1995")),
        (2, |s| s.replace("registered,1,pill", "registered,2,pill")),
        (2, |s| s.replace("7,4,1021", "7,9,1021")),
        (2, |s| s.replace("7,4,1021", "7,4,1011")),
        (2, |s| s.replace("7,4,1021", "6,4,1021")),
        (2, |s| s.replace(",iud,", ",coil,")),
        (2, |s| s.replace("2026-01-31", "1980-01-01")),
        (2, |s| s.replace("13812345678", "1381234")),
        (3, |s| s.replace("4,1,2026-05-02", "4,99,2026-05-02")),
        (3, |s| s.replace("5,5,2026-03-15", "1,5,2026-03-15")),
        (1, |s| s.replace("4,1021,collective", "4,9999,collective")),
        (0, |s| s.replace("1021,102,1", "1021,101,1\n1021,101,1")),
    ];
    for (i, (file, f)) in cases.into_iter().enumerate() {
        for mode in [ImportMode::AllOrNothing, ImportMode::KeepGoing] {
            let (csv, cols) = both(file, f, mode);
            assert!(!csv.is_empty(), "case {i}: the spoiled files were accepted");
            assert_eq!(cols, csv, "case {i}, {mode:?}");
        }
    }
    // One message in full: the line counts rows as the file does (header = line 1).
    let (_, cols) = both(2, |s| s.replace(",F,1995", ",W,1995"), ImportMode::AllOrNothing);
    assert!(cols.contains("\n  persons.csv:6: sex: `W` is not one of"), "{cols}");
}

#[test]
fn unequal_columns_a_missing_table_and_an_unknown_column() {
    let areas = || {
        ColumnTable::new("areas")
            .column("grid_id", vec!["101"])
            .column("zone_id", vec!["1"])
            .column("community_id", vec!["c"])
    };
    let households = || {
        ColumnTable::new("households")
            .column("household_id", vec!["1", "2"])
            .column("grid_id", vec!["101"])
            .column("kind", vec!["owner", "rental"])
    };
    let visits = || {
        ColumnTable::new("visits")
            .column("visit_id", vec![])
            .column("person_id", vec![])
            .column("date", vec![])
            .column("kind", vec![])
    };
    let persons = || {
        famplan::io::PERSON_COLUMNS[..famplan::io::PERSON_REQUIRED_COLUMNS]
            .iter()
            .fold(ColumnTable::new("persons"), |t, c| t.column(*c, vec![]))
    };
    let tables = SnapshotColumns::new().areas(areas()).households(households()).persons(persons()).visits(visits());
    let err = read_snapshot_columns(tables, ImportMode::AllOrNothing).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 problem(s), nothing imported:\n  households:1: grid_id: 1 value(s), expected 2 like column `household_id`"
    );

    let tables = SnapshotColumns::new().areas(areas()).persons(persons()).visits(visits());
    let err = read_snapshot_columns(tables, ImportMode::AllOrNothing).unwrap_err();
    assert_eq!(err.to_string(), "households: table: required table missing");

    let one = ColumnTable::new("households").column("household_id", vec!["1"]).column("grid_id", vec!["101"]);
    let tables = SnapshotColumns::new()
        .areas(areas().column("note", vec!["x"]))
        .households(one.column("kind", vec!["rental"]))
        .persons(persons())
        .visits(visits());
    let (reg, summary) = read_snapshot_columns(tables, ImportMode::AllOrNothing).unwrap();
    assert_eq!((reg.len(), summary.households), (0, 1));
    assert_eq!(summary.warnings, ["areas: column `note` is not used and was ignored"]);
}
