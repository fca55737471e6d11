//! The snapshot directory (DOMAIN §15): reading, writing back, bad input.

use crate::util::d;
use famplan::io::{ImportMode, SnapshotFiles, SnapshotWriters, read_snapshot, write_snapshot};
use famplan::{CaseFileStatus, Error, MaritalStatus, Method, Registry, Residency};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/snapshot/small");

fn file(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

pub(crate) fn small() -> [String; 4] {
    [file("areas.csv"), file("households.csv"), file("persons.csv"), file("visits.csv")]
}

/// The small snapshot as a registry.
pub(crate) fn small_registry() -> Registry {
    read(&small(), ImportMode::AllOrNothing).unwrap().0
}

pub(crate) fn read(files: &[String; 4], mode: ImportMode) -> Result<(Registry, famplan::io::ImportSummary), Error> {
    read_with_visits(files, files[3].as_bytes(), mode)
}

/// The first three files from `files`, `visits.csv` from any reader.
fn read_with_visits(
    files: &[String; 4],
    visits: impl std::io::Read,
    mode: ImportMode,
) -> Result<(Registry, famplan::io::ImportSummary), Error> {
    read_snapshot(
        SnapshotFiles::new()
            .areas("areas.csv", files[0].as_bytes())
            .households("households.csv", files[1].as_bytes())
            .persons("persons.csv", files[2].as_bytes())
            .visits("visits.csv", visits),
        mode,
    )
}

fn write(reg: &Registry) -> [String; 4] {
    let (mut a, mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    write_snapshot(reg, None, SnapshotWriters { areas: &mut a, households: &mut h, persons: &mut p, visits: &mut v })
        .unwrap();
    [a, h, p, v].map(|b| String::from_utf8(b).unwrap())
}

#[test]
fn reads_the_small_snapshot() {
    let (reg, summary) = read(&small(), ImportMode::AllOrNothing).unwrap();
    assert_eq!((summary.areas, summary.households, summary.persons, summary.visits), (3, 4, 7, 5));
    // Undated: marital for 1, 2, 3, 6, 7 (4 and 5 have marital_since) = 5; residency for
    // everyone but 3 and 6 = 5; case files 1 and 5 (4 has case_file_opened) = 2; methods
    // without a start: 4 (none) and 5 (pill) = 2.
    assert_eq!(
        (summary.undated.marital, summary.undated.residency, summary.undated.case_file, summary.undated.method),
        (5, 5, 2, 2)
    );
    let on = d("2026-06-30");
    let s = |id: &str| reg.state(&id.into(), on).unwrap();
    assert!(s("1").is_married_wra() && s("1").method == Method::Iud && s("1").method_since == Some(d("2026-01-31")));
    // Person 3 was born on 29 Feb 2008: on 2023-02-28 she is 14, from 2023-03-01 she is 15.
    assert_eq!(reg.state(&"3".into(), d("2026-02-28")).unwrap().age, 17);
    assert_eq!(reg.state(&"3".into(), d("2026-03-01")).unwrap().age, 18);
    // She is floating only since 2025-03-01; before that she was not here.
    assert_eq!(reg.state(&"3".into(), d("2025-02-28")).unwrap().residency, Residency::Departed);
    assert_eq!(s("3").residency, Residency::Floating);
    assert!(s("3").has_tag("key_population"));
    // Divorced since 2019-06-01, case file opened 2020-01-05, method `none` undated.
    assert_eq!((s("4").marital, s("4").case_file), (MaritalStatus::Divorced, CaseFileStatus::Open));
    assert!(!s("4").is_married_wra());
    assert_eq!(reg.case_file(&"4".into(), d("2020-01-04")).unwrap().status, CaseFileStatus::Missing);
    // Person 5's ID number says 1949-12-31: flagged.
    assert_eq!(reg.person(&"5".into()).unwrap().flags, vec!["birth_date"]);
    assert_eq!(s("6").residency, Residency::MovedOut);
    assert_eq!(reg.state(&"6".into(), d("2023-12-31")).unwrap().residency, Residency::Registered);
    let rows = reg.population_by_grid(on);
    // g1011: persons 1 (F 36, married), 2 (M), 3 (F 18 floating), 4 (F 49 divorced) → 4 residents, 3 WRA, 1 married.
    // g1012: person 5 (F 30, married) → 1, 1, 1. g1021: 6 moved out, 7 a boy → 1 resident.
    let got: Vec<_> = rows.iter().map(|r| (r.grid.as_str(), r.resident, r.wra, r.married_wra)).collect();
    assert_eq!(got, [("1011", 4, 3, 1), ("1012", 1, 1, 1), ("1021", 1, 0, 0)]);
}

#[test]
fn writing_back_gives_the_same_files() {
    let files = small();
    let (reg, _) = read(&files, ImportMode::AllOrNothing).unwrap();
    let out = write(&reg);
    assert_eq!(out, files);
    let (again, _) = read(&out, ImportMode::AllOrNothing).unwrap();
    assert_eq!(again, reg);
}

/// One bad-input case: which file to spoil, how, and the first line of the error.
fn spoil(index: usize, f: impl Fn(&str) -> String) -> String {
    let mut files = small();
    files[index] = f(&files[index]);
    match read(&files, ImportMode::AllOrNothing) {
        Ok(_) => "accepted".to_string(),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_input_is_located_and_nothing_is_imported() {
    let cases = [
        spoil(2, |s| s.replace("birth_date", "born")),
        spoil(2, |s| s.replace("1990-05-01", "1990-02-30")),
        spoil(2, |s| s.replace(",F,1995", ",W,1995")),
        spoil(2, |s| s.replace("registered,1,pill", "registered,2,pill")),
        spoil(2, |s| s.replace("7,4,1021", "7,9,1021")),
        spoil(2, |s| s.replace("7,4,1021", "7,4,1011")),
        spoil(2, |s| s.replace("7,4,1021", "6,4,1021")),
        spoil(2, |s| s.replace(",iud,", ",coil,")),
        spoil(2, |s| s.replace("2026-01-31", "1980-01-01")),
        spoil(2, |s| s.replace("11010519491231002X", "11010519491231002Y")),
        spoil(2, |s| s.replace("13812345678", "1381234")),
        spoil(2, |s| s.lines().take(3).collect::<Vec<_>>().join("\n") + "\n8,4,1021,M"),
        spoil(3, |s| s.replace("4,1,2026-05-02", "4,99,2026-05-02")),
        spoil(3, |s| s.replace("5,5,2026-03-15", "1,5,2026-03-15")),
        spoil(1, |s| s.replace("4,1021,collective", "4,9999,collective")),
        spoil(0, |s| s.replace("1021,102,1", "1021,101,1\n1021,101,1")),
    ];
    insta::assert_snapshot!("snapshot_bad_input", cases.join("\n---\n"));
}

#[test]
fn non_utf8_and_extra_columns() {
    let mut files = small();
    files[3] = files[3].lines().map(|l| format!("{l},x\n")).collect::<String>().replacen(",x\n", ",note\n", 1);
    let (_, summary) = read(&files, ImportMode::AllOrNothing).unwrap();
    assert_eq!(summary.warnings, ["visits.csv: column `note` is not used and was ignored"]);
    let bytes: Vec<u8> = file("visits.csv")
        .replace("post_surgery", "post\u{1}")
        .into_bytes()
        .into_iter()
        .map(|b| if b == 1 { 0xff } else { b })
        .collect();
    // The tokenizer checks a record as a whole: the line is named, not the field.
    let err = read_with_visits(&small(), &bytes[..], ImportMode::AllOrNothing).unwrap_err();
    assert!(err.to_string().contains("visits.csv:2: row: not UTF-8 text (save the file as UTF-8)"), "{err}");
    // Only that row is refused: the next ones are read.
    let (reg, summary) = read_with_visits(&small(), &bytes[..], ImportMode::KeepGoing).unwrap();
    assert_eq!(summary.rejects.len(), bytes.split(|&b| b == b'\n').filter(|l| l.contains(&0xff)).count());
    assert_eq!(summary.visits as usize, file("visits.csv").lines().count() - 1 - summary.rejects.len());
    assert_eq!(reg.visits().count() as u64, summary.visits);
}

#[test]
fn keep_going_applies_good_rows_and_returns_every_reject() {
    let mut files = small();
    files[2] = files[2].replace("1990-05-01", "1990-02-30").replace("7,4,1021", "7,9,1021");
    let (reg, summary) = read(&files, ImportMode::KeepGoing).unwrap();
    assert_eq!(reg.len(), 5);
    let rejects: Vec<String> = summary.rejects.iter().map(|e| e.to_string()).collect();
    // Person 1's bad birth date also orphans her two visits.
    assert_eq!(
        rejects,
        [
            "persons.csv:2: birth_date: `1990-02-30` is not a date YYYY-MM-DD",
            "persons.csv:8: household_id: unknown household `9`",
            "visits.csv:2: person_id: unknown person `1`",
            "visits.csv:5: person_id: unknown person `1`",
        ]
    );
}

#[test]
fn events_file_in_a_snapshot_applies_after_the_rows() {
    let files = small();
    let events = r#"{"id":"e1","date":"2026-07-01","recorded_at":"2026-07-01T09:00:00","recorded_by":"k","kind":"divorced","person":"1"}
{"id":"e2","date":"2026-07-02","recorded_at":"2026-07-02T09:00:00","recorded_by":"k","kind":"divorced","person":"2"}
{"id":"e3","date":"2026-07-02","recorded_at":"2026-07-02T09:00:00","recorded_by":"k","kind":"married","person":"3"}
"#;
    let go = |events: &str| {
        read_snapshot(
            SnapshotFiles::new()
                .areas("areas.csv", files[0].as_bytes())
                .households("households.csv", files[1].as_bytes())
                .persons("persons.csv", files[2].as_bytes())
                .visits("visits.csv", files[3].as_bytes())
                .events("events.jsonl", events.as_bytes(), famplan::io::EventFormat::JsonLines),
            ImportMode::AllOrNothing,
        )
    };
    let (reg, summary) = go(events).unwrap();
    assert_eq!(summary.events, 3);
    assert_eq!(reg.state(&"1".into(), d("2026-07-01")).unwrap().marital, MaritalStatus::Divorced);
    let err = go(&events.replace(r#""kind":"married","person":"3""#, r#""kind":"widowed","person":"3""#)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "1 problem(s), nothing imported:\n  events.jsonl:3: event e3: person `3` is single, not married, on 2026-07-02"
    );
}

/// A reader that hands out at most `step` bytes a call and fails after `fail_at` bytes.
struct Trickle<'a> {
    data: &'a [u8],
    at: usize,
    step: usize,
    fail_at: Option<usize>,
}

impl std::io::Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.fail_at.is_some_and(|f| self.at >= f) {
            return Err(std::io::Error::other("disk went away"));
        }
        let n = buf.len().min(self.step).min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Many more rows than the CSV reader's buffer holds.
fn big_visits(rows: usize) -> String {
    let mut v = String::from("visit_id,person_id,date,kind\n");
    for i in 0..rows {
        v.push_str(&format!("{},{},2026-0{}-1{},floating_monthly_check\n", i + 1, [1, 2, 3][i % 3], 1 + i % 6, i % 10));
    }
    v
}

#[test]
fn large_files_read_in_any_chunking_give_the_same_registry() {
    let f = small();
    let visits = big_visits(60_000);
    let read_with = |step: usize| {
        let r = Trickle { data: visits.as_bytes(), at: 0, step, fail_at: None };
        read_with_visits(&f, r, ImportMode::AllOrNothing).unwrap()
    };
    let (whole, summary) = read_with(usize::MAX);
    assert_eq!(summary.visits, 60_000);
    for step in [1, 7, 4096] {
        let (reg, s) = read_with(step);
        assert_eq!(s.visits, 60_000, "step {step}");
        assert_eq!(write(&reg), write(&whole), "step {step}");
    }
}

#[test]
fn many_bad_rows_stop_at_the_cap_and_a_failing_reader_is_an_io_error() {
    let f = small();
    // Every row names an unknown person: all-or-nothing stops after 100 problems, in file order.
    let bad = big_visits(60_000).replace(",1,2026", ",77,2026");
    let err = read(&[f[0].clone(), f[1].clone(), f[2].clone(), bad], ImportMode::AllOrNothing).unwrap_err();
    let Error::Many(all) = err else { panic!("expected Many, got {err}") };
    assert_eq!(all.len(), 100);
    assert_eq!(all[0].to_string(), "visits.csv:2: person_id: unknown person `77`");
    assert_eq!(all[1].to_string(), "visits.csv:5: person_id: unknown person `77`");
    // A reader failing mid-file: the import fails with the I/O error naming the file.
    let visits = big_visits(60_000);
    let r = Trickle { data: visits.as_bytes(), at: 0, step: 1000, fail_at: Some(1_000_000) };
    let err = read_with_visits(&f, r, ImportMode::AllOrNothing).unwrap_err();
    assert!(err.to_string().contains("visits.csv") && err.to_string().contains("disk went away"), "{err}");
}
