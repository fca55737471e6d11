//! Every case under `testdata/bad/<case>/` holds the files that differ from
//! `testdata/good/` (and a `REMOVE` file listing good files to leave out). Each is refused
//! with every problem's `file:line: field: reason`, and the store is left empty.

use crate::util::{Fixture, copy_dir, rows, testdata};
use famplan::io::ImportMode;

#[track_caller]
fn check(case: &str) -> String {
    let mut f = Fixture::new();
    let dir = f.path(case);
    copy_dir(&testdata("good"), &dir);
    let bad = testdata(&format!("bad/{case}"));
    for entry in std::fs::read_dir(&bad).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name() == "REMOVE" {
            for name in std::fs::read_to_string(entry.path()).unwrap().split_whitespace() {
                std::fs::remove_file(dir.join(name)).unwrap();
            }
        } else {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    let err = f.store.import_snapshot_dir(&dir, ImportMode::AllOrNothing).unwrap_err();
    assert!(err.is_invalid_input(), "{case}: {err}");
    for table in ["snapshot_chunks", "events", "conflicts"] {
        assert_eq!(rows(&f.db(), table), 0, "{case}: {table} was written");
    }
    assert!(f.store.load().unwrap().is_empty());
    err.to_string().replace(&f.dir.path().display().to_string(), "DIR")
}

#[test]
fn every_bad_case_is_covered() {
    let mut cases: Vec<String> =
        std::fs::read_dir(testdata("bad")).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    cases.sort();
    for case in &cases {
        insta::assert_snapshot!(case.as_str(), check(case));
    }
    assert_eq!(cases.len(), 16);
}
