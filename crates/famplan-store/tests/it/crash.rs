//! A child process (this test binary, re-run with `CHILD` set) imports a large snapshot and
//! is killed at chosen points; the store must open, pass `integrity_check`, and hold all of
//! the import or none of it.

use crate::ledger;
use famplan::io::ImportMode;
use famplan_store::Store;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};

const CHILD: &str = "FAMPLAN_STORE_CRASH_CHILD";
const PERSONS: usize = 20_000;

/// The child's side: does nothing unless re-run by `killed_imports_leave_all_or_nothing`.
/// `CHILD` is `db|dir|stage|done`: on the first progress report of `stage` at or past
/// `done`, the child says `stopped` and waits to be killed, in the middle of its work.
#[test]
fn crash_child() {
    let Ok(spec) = std::env::var(CHILD) else { return };
    let parts: Vec<&str> = spec.split('|').collect();
    let (db, dir, stage, at) = (parts[0], parts[1], parts[2], parts[3].parse::<u64>().unwrap());
    let mut store = Store::open(db).unwrap();
    let mut out = std::io::stdout();
    store
        .import_snapshot_dir_with_progress(dir, ImportMode::AllOrNothing, &mut |p| {
            writeln!(out, "progress {} {}", p.stage, p.done).unwrap();
            out.flush().unwrap();
            if p.stage == stage && p.done >= at {
                writeln!(out, "stopped").unwrap();
                out.flush().unwrap();
                loop {
                    std::thread::park();
                }
            }
        })
        .unwrap();
    writeln!(out, "imported").unwrap();
    out.flush().unwrap();
    loop {
        std::thread::park();
    }
}

/// Kills the child on drop, so a failing test leaves no process behind.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs the child until it prints a line starting with `until`, kills it, and returns the
/// lines it printed.
fn run_and_kill(db: &Path, dir: &Path, stage: &str, at: u64, until: &str) -> Vec<String> {
    let exe = std::env::current_exe().unwrap();
    let child = Command::new(exe)
        .args(["crash::crash_child", "--exact", "--nocapture", "--test-threads", "1"])
        .env(CHILD, format!("{}|{}|{stage}|{at}", db.display(), dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let mut lines = Vec::new();
    for line in BufReader::new(child.0.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let stop = line.starts_with(until);
        lines.push(line);
        if stop {
            break;
        }
    }
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    lines
}

fn persons_after_crash(db: &Path) -> usize {
    let mut store = Store::open(db).unwrap();
    store.check_integrity().unwrap();
    let conn = rusqlite::Connection::open(db).unwrap();
    let rows: i64 = conn
        .query_row("SELECT coalesce(sum(rows), 0) FROM snapshot_chunks WHERE tbl = 'persons'", [], |r| r.get(0))
        .unwrap();
    let persons = store.load().unwrap().len();
    assert_eq!(rows as usize, persons);
    persons
}

#[test]
fn killed_imports_leave_all_or_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("snapshot");
    ledger::write_dir(&dir, &ledger::snapshot(PERSONS));
    // (stage, done, what the store must hold after the kill)
    let stops: [(&str, u64, Option<usize>); 6] = [
        ("read", 1, Some(0)),        // while parsing and checking the files
        ("write", 10_000, Some(0)),  // in the transaction, among the person rows
        ("write", 30_000, Some(0)),  // among the visit rows
        ("commit", 0, Some(0)),      // every row written, not yet committed
        ("never", 0, Some(PERSONS)), // after the commit
        ("never", 0, None),          // at the first row written, without waiting: a race
    ];
    for (i, (stage, at, expect)) in stops.into_iter().enumerate() {
        let db = tmp.path().join(format!("crash-{i}.db"));
        let until = match (stage, expect) {
            ("never", Some(_)) => "imported",
            ("never", None) => "progress write",
            _ => "stopped",
        };
        let lines = run_and_kill(&db, &dir, stage, at, until);
        assert!(lines.last().is_some_and(|l| l.starts_with(until)), "case {i}: the child said {lines:?}");
        let persons = persons_after_crash(&db);
        match expect {
            Some(n) => assert_eq!(persons, n, "case {i}"),
            None => assert!(persons == 0 || persons == PERSONS, "case {i}: {persons} persons"),
        }
    }
}
