//! The `famplan` binary run as a user would: real processes in a temporary directory, with
//! outputs and error messages pinned by insta.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// A temporary working directory holding `famplan.db` (the default `--db`).
struct Dir(tempfile::TempDir);

/// What a run printed, and how it ended.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// All of it, for a snapshot.
    fn all(&self) -> String {
        format!("exit {}\n--- stdout\n{}--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

impl Dir {
    fn new() -> Dir {
        Dir(tempfile::tempdir().unwrap())
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.path().join(rel)
    }

    fn run(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_famplan")).args(args).current_dir(self.0.path()).output().unwrap();
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: String::from_utf8(out.stderr).unwrap(),
        }
    }

    /// Copies `famplan-store/testdata/<rel>` to `<to>` in this directory.
    fn testdata(&self, rel: &str, to: &str) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../famplan-store/testdata").join(rel);
        std::fs::create_dir_all(self.path(to)).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), self.path(to).join(e.file_name())).unwrap();
        }
    }

    /// A store holding the project's `testdata/snapshot/small` (grids 1011, 1012, 1021).
    fn with_small_store() -> Dir {
        let d = Dir::new();
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/snapshot/small");
        std::fs::create_dir_all(d.path("small")).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), d.path("small").join(e.file_name())).unwrap();
        }
        let run = d.run(&["import", "small"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        d
    }

    /// A store holding `testdata/good`.
    fn with_good_store() -> Dir {
        let d = Dir::new();
        d.testdata("good", "good");
        assert_eq!(d.run(&["import", "good"]).code, 0);
        d
    }
}

const EVENTS: &str = r#"{"id":"e1","date":"2026-02-14","recorded_at":"2026-02-15T09:00:00","recorded_by":"k1","kind":"married","person":"p3"}
{"id":"e2","date":"2026-03-10","recorded_at":"2026-03-10T16:30:00","recorded_by":"k1","kind":"visit_recorded","person":"p3","visit":"marriage_home"}
"#;

#[test]
fn every_command_has_help() {
    let d = Dir::new();
    let mut all = d.run(&["--help"]).stdout;
    for cmd in [
        "status",
        "import",
        "export",
        "id",
        "person",
        "events",
        "report",
        "due",
        "verify",
        "supplies",
        "applications",
        "disclose",
        "publicity",
        "policy",
    ] {
        let run = d.run(&[cmd, "--help"]);
        assert_eq!(run.code, 0, "{cmd}");
        all.push_str(&format!("\n===== famplan {cmd} --help\n{}", run.stdout));
    }
    insta::assert_snapshot!(all);
    assert!(!d.path("famplan.db").exists(), "--help created a store");
}

#[test]
fn id_numbers_are_checked_and_an_invalid_one_fails() {
    let d = Dir::new();
    let run = d.run(&["id", "11010519491231002x", "110105491231002", "36042619910102009X", "12345"]);
    insta::assert_snapshot!(run.all(), @r"
    exit 1
    --- stdout
    id_number           birth_date  sex
    11010519491231002X  1949-12-31  F
    11010519491231002X  1949-12-31  F
    --- stderr
    famplan: 36042619910102009X: check character is `X`, expected `3`
    famplan: 12345: length is 5, expected 18 (or a legacy 15)
    ");
    let run = d.run(&["id", "440524188001010014", "--format", "json"]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!(run.stdout, @r#"
    [
      {
        "birth_date": "1880-01-01",
        "id_number": "440524188001010014",
        "sex": "M"
      }
    ]
    "#);
    assert!(!d.path("famplan.db").exists(), "`id` created a store");
}

#[test]
fn import_status_person_events_export() {
    let d = Dir::with_good_store();
    std::fs::write(d.path("phone.jsonl"), EVENTS).unwrap();
    insta::assert_snapshot!(d.run(&["import", "phone.jsonl"]).all(), @r"
    exit 0
    --- stdout
    merged phone.jsonl: 2 applied, 0 duplicate(s), 0 conflict(s) kept in the log
    --- stderr
    ");
    insta::assert_snapshot!(d.run(&["status", "--on", "2026-06-30"]).all(), @r"
    exit 0
    --- stdout
    case_files       2
    conflicts        0
    events           2
    households       2
    last_event_date  2026-03-10
    on               2026-06-30
    persons          3
    schema_version   4
    watermark        2
    --- stderr
    ");
    let run = d.run(&["status", "--on", "2026-06-30", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!((json["persons"].as_u64(), json["events"].as_u64()), (Some(3), Some(2)));
    insta::assert_snapshot!(d.run(&["status", "--on", "2026-06-30", "--format", "csv"]).stdout, @r"
    case_files,conflicts,events,households,last_event_date,on,persons,schema_version,watermark
    2,0,2,2,2026-03-10,2026-06-30,3,4,2
    ");

    let run = d.run(&["person", "p3", "--on", "2026-06-30", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["person"]["state"]["marital"], "married");
    assert_eq!(json["person"]["record"]["name"], "张丽");
    assert_eq!(json["person"]["case_file"]["status"]["status"], "open");
    assert!(json["obligations"].is_array());
    insta::assert_snapshot!(d.run(&["person", "p3", "--on", "2026-01-01"]).stdout);
    insta::assert_snapshot!(d.run(&["person", "nobody"]).all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: unknown person `nobody`
    ");

    insta::assert_snapshot!(d.run(&["events", "--after", "1", "--format", "table"]).all(), @r"
    exit 0
    --- stdout
    date        kind            person  id
    2026-03-10  visit_recorded  p3      e2
    --- stderr
    watermark: 2
    ");
    assert_eq!(d.run(&["events"]).stdout, EVENTS);

    assert_eq!(d.run(&["export", "out"]).code, 0);
    assert_eq!(std::fs::read_to_string(d.path("out/events.jsonl")).unwrap(), EVENTS);
    let copy = d.run(&["--db", "copy.db", "import", "out"]);
    assert_eq!(copy.code, 0, "{}", copy.stderr);
    assert_eq!(
        d.run(&["--db", "copy.db", "status", "--on", "2026-06-30"]).stdout,
        d.run(&["status", "--on", "2026-06-30"]).stdout
    );
}

#[test]
fn bad_input_fails_with_its_place_and_leaves_the_store_unchanged() {
    let d = Dir::with_good_store();
    let before = d.run(&["status", "--on", "2026-06-30"]).stdout;

    std::fs::write(d.path("bad.jsonl"), "{\"id\":\"e1\",\"date\":\"2026-03-01\",\"kind\":\"married\"}\n").unwrap();
    insta::assert_snapshot!(d.run(&["import", "bad.jsonl"]).all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: 1 problem(s), nothing imported:
      bad.jsonl:1: recorded_at: missing field `recorded_at`
    ");

    d.testdata("good", "second");
    d.testdata("bad/bad_date", "second");
    let run = d.run(&["--db", "other.db", "import", "second"]);
    insta::assert_snapshot!(run.all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: 4 problem(s), nothing imported:
      second/persons.csv:2: birth_date: `1990-02-30` is not a date YYYY-MM-DD
      second/persons.csv:3: birth_date: `10/02/1988` is not a date YYYY-MM-DD
      second/visits.csv:2: person_id: unknown person `p1`
      second/visits.csv:3: person_id: unknown person `p3`
    ");
    assert!(!d.path("other.db").exists(), "a store created for a failed import is removed");

    insta::assert_snapshot!(d.run(&["import", "good"]).all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: ./famplan.db: the store already holds a snapshot (3 person row(s)); import into a new store
    ");
    assert_eq!(d.run(&["status", "--on", "2026-06-30"]).stdout, before);
}

#[test]
fn what_is_not_a_store_is_refused() {
    let d = Dir::new();
    insta::assert_snapshot!(d.run(&["status"]).all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: ./famplan.db: no store here (import a snapshot first, or name one with --db)
    ");
    std::fs::write(d.path("notes.txt"), "not a database").unwrap();
    insta::assert_snapshot!(d.run(&["--db", "notes.txt", "status"]).all(), @r"
    exit 1
    --- stdout
    --- stderr
    famplan: notes.txt: not a famplan store: not an SQLite database
    ");
    insta::assert_snapshot!(d.run(&["status", "--on", "2026-02-30"]).all(), @r"
    exit 2
    --- stdout
    --- stderr
    error: invalid value '2026-02-30' for '--on <DATE>': `2026-02-30` is not a date YYYY-MM-DD

    For more information, try '--help'.
    ");
}

#[test]
fn keep_going_imports_the_good_rows_and_lists_the_refused_ones() {
    let d = Dir::new();
    d.testdata("good", "snap");
    d.testdata("bad/unknown_household", "snap");
    insta::assert_snapshot!(d.run(&["import", "snap", "--keep-going"]).all(), @r"
    exit 0
    --- stdout
    imported 2 grid(s), 2 household(s), 1 person(s), 1 visit(s), 0 event(s); 3 undated fact(s); 2 row(s) refused
    --- stderr
    refused: snap/persons.csv:3: household_id: unknown household `h9`
    refused: snap/visits.csv:3: person_id: unknown person `p3`
    ");
    std::fs::write(d.path("phone.jsonl"), EVENTS).unwrap();
    insta::assert_snapshot!(d.run(&["import", "phone.jsonl"]).all(), @r"
    exit 0
    --- stdout
    merged phone.jsonl: 0 applied, 0 duplicate(s), 2 conflict(s) kept in the log
    --- stderr
    conflict: event e1: unknown person `p3`
    conflict: event e2: unknown person `p3`
    ");
    insta::assert_snapshot!(d.run(&["events", "--format", "csv"]).all(), @r#"
    exit 0
    --- stdout
    id,date,recorded_at,recorded_by,kind,data
    e1,2026-02-14,2026-02-15T09:00:00,k1,married,"{""person"":""p3""}"
    e2,2026-03-10,2026-03-10T16:30:00,k1,visit_recorded,"{""person"":""p3"",""visit"":""marriage_home""}"
    --- stderr
    watermark: 2
    "#);
}

#[test]
fn demo_fills_the_store_and_prints_rates_and_a_work_list() {
    let d = Dir::new();
    let run = d.run(&["demo", "--residents", "400", "--today", "2026-11-28"]);
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(run.stdout.starts_with("Rates by grid for 2026-10-01..2026-10-31"), "{}", run.stdout);
    // One row per grid (18) plus the total, under the header.
    assert_eq!(run.stdout.lines().filter(|l| l.starts_with("10")).count(), 18, "{}", run.stdout);
    assert!(run.stdout.lines().any(|l| l.starts_with("all ")), "{}", run.stdout);
    assert!(
        run.stdout.contains("Work list of ") && run.stdout.contains("(k1011, grid 1011) for 2026-11-28"),
        "{}",
        run.stdout
    );
    assert!(run.stderr.contains("0 conflicts"), "{}", run.stderr);
    // A second run adds nothing: every event is already there.
    let again = d.run(&["demo", "--residents", "400", "--today", "2026-11-28"]);
    assert!(again.stderr.contains(" 0 new in "), "{}", again.stderr);
    assert_eq!(again.stdout, run.stdout);
    let status = d.run(&["status", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&status.stdout).unwrap();
    assert_eq!(v["conflicts"], 0);
    assert!(v["events"].as_u64().unwrap() > 1000, "{}", status.stdout);
}

#[test]
fn report_prints_rates_by_unit_against_targets() {
    let d = Dir::with_small_store();
    let table = d.run(&["report", "--on", "2026-06-30", "--period", "2026-Q2"]);
    insta::assert_snapshot!(table.all());
    let by_zone = d.run(&[
        "report",
        "--on",
        "2026-06-30",
        "--period",
        "2026-Q2",
        "--by",
        "zone",
        "--rates",
        "case_file_rate,cpr",
    ]);
    insta::assert_snapshot!(by_zone.all());
    // The small snapshot names no keepers: everyone is outside every keeper's grids.
    let by_keeper = d.run(&["report", "--on", "2026-06-30", "--by", "keeper", "--rates", "case_file_rate"]);
    insta::assert_snapshot!(by_keeper.all(), @r"
    exit 0
    --- stdout
    rate            unit    numerator  denominator  value   target  verdict  name
    case_file_rate  (none)  3          4            75.00%  100%    not met  个案建档率
    case_file_rate  total   3          4            75.00%  100%    not met  个案建档率
    --- stderr
    ");
    let csv = d.run(&["report", "--on", "2026-06-30", "--rates", "floating_check_rate", "--format", "csv"]);
    insta::assert_snapshot!(csv.all());
    let json = d.run(&["report", "--on", "2026-06-30", "--rates", "case_file_rate", "--format", "json"]);
    assert_eq!(json.code, 0, "{}", json.stderr);
    let rows: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let total = rows.as_array().unwrap().iter().find(|r| r["unit"] == "total").unwrap();
    assert_eq!(total["rate"], "case_file_rate");
    assert!(total["denominator"].as_u64().unwrap() > 0);
    insta::assert_snapshot!(json.stdout);

    let html = d.run(&["report", "--on", "2026-06-30", "--period", "2026-Q2", "--format", "html", "--out", "r.html"]);
    assert_eq!((html.code, html.stdout.as_str()), (0, ""), "{}", html.stderr);
    let page = std::fs::read_to_string(d.path("r.html")).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 7, "one chart per default rate");
    // Every default rate but cpr has a default target in the catalogue.
    assert_eq!(page.matches("class=\"target\"").count(), 6, "each chart with a target has its line");
    assert!(!page.contains("<script") && !page.contains("src=") && !page.contains("<link"), "self-contained");
    insta::assert_snapshot!(page);
}

#[test]
fn report_refuses_bad_options() {
    let d = Dir::with_small_store();
    insta::assert_snapshot!(d.run(&["report", "--period", "2026-Q5"]).all());
    insta::assert_snapshot!(d.run(&["report", "--rates", "cpr,nope"]).all());
    insta::assert_snapshot!(d.run(&["report", "--by", "street"]).all());
}

#[test]
fn due_prints_the_work_list_with_why() {
    let d = Dir::with_small_store();
    insta::assert_snapshot!(d.run(&["due", "--grid", "1011", "--on", "2026-06-10"]).all());
    insta::assert_snapshot!(d.run(&["due", "--grid", "1012", "--on", "2026-06-10", "--format", "csv"]).all());
    let json = d.run(&["due", "--grid", "1011", "--on", "2026-06-10", "--format", "json"]);
    let items: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["state"] == "due" || i["state"] == "overdue"));
    // key population first
    let key: Vec<bool> = items.iter().map(|i| i["priority"] == "key").collect();
    assert!(key.windows(2).all(|w| w[0] >= w[1]), "{key:?}");
}

#[test]
fn due_refuses_an_unknown_grid_or_keeper() {
    let d = Dir::with_small_store();
    insta::assert_snapshot!(d.run(&["due", "--grid", "9999", "--on", "2026-06-10"]).all());
    insta::assert_snapshot!(d.run(&["due", "--keeper", "nobody"]).all());
    insta::assert_snapshot!(d.run(&["due", "--on", "2026-06-10"]).all());
}

#[test]
fn person_json_has_the_obligations() {
    let d = Dir::with_small_store();
    let run = d.run(&["person", "1", "--on", "2026-06-10", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["person"]["record"]["name"], "李梅");
    let obs = json["obligations"].as_array().unwrap();
    // IUD inserted 2026-01-31: follow-ups due 2026-02-28, 04-30, 07-31, 2027-01-31.
    let iud: Vec<&str> =
        obs.iter().filter(|o| o["rule"] == "iud_followup").map(|o| o["due"].as_str().unwrap()).collect();
    assert_eq!(&iud[..2], ["2026-02-28", "2026-04-30"]);
    let first = obs.iter().find(|o| o["rule"] == "iud_followup").unwrap();
    assert_eq!(first["state"], "done");
    assert_eq!(first["window"].as_array().unwrap().len(), 2);
    assert_eq!(first["because"], "persons.csv method_start");
    assert_eq!(first["fulfilled_by"]["by"], "1");
    insta::assert_snapshot!(run.stdout);
    insta::assert_snapshot!(d.run(&["person", "1", "--on", "2026-06-10"]).stdout);
}

const VERIFICATION: &str =
    "household_id,person_id,name,sex,birth_date,id_number,relation,residency,marital_status,method,method_start
1,1,李梅,F,1990-05-01,,,registered,married,iud,2026-01-31
1,2,王强,M,1988-02-11,,,registered,single,,
1,,李小,F,2026-03-01,,child,registered,single,,
2,3,,F,2008-02-29,,,floating,single,,
";

#[test]
fn verify_records_the_round_and_compares_it() {
    let d = Dir::with_small_store();
    std::fs::write(d.path("v.csv"), VERIFICATION).unwrap();
    // 1 matches; 2 is recorded married, observed single; 李小 is not filed; 4 was not seen.
    insta::assert_snapshot!(d.run(&["verify", "v.csv", "--on", "2026-06-15"]).all());
    let events = d.run(&["events"]).stdout;
    assert_eq!(events.matches("verification_recorded").count(), 2, "one event per household");
    // Sent again: the same events, recorded once.
    let again = d.run(&["verify", "v.csv", "--on", "2026-06-15", "--format", "csv"]);
    insta::assert_snapshot!(again.all());
    assert_eq!(d.run(&["events"]).stdout, events);
}

#[test]
fn verify_refuses_bad_rows_and_unknown_households_writing_nothing() {
    let d = Dir::with_small_store();
    std::fs::write(d.path("bad.csv"), "household_id,person_id,sex\n1,1,F\n1,2,X\n").unwrap();
    insta::assert_snapshot!(d.run(&["verify", "bad.csv", "--on", "2026-06-15"]).all());
    std::fs::write(d.path("cols.csv"), "household_id,colour\n1,red\n").unwrap();
    insta::assert_snapshot!(d.run(&["verify", "cols.csv", "--on", "2026-06-15"]).all());
    std::fs::write(d.path("nohh.csv"), "household_id,person_id\n1,1\n99,1\n").unwrap();
    insta::assert_snapshot!(d.run(&["verify", "nohh.csv", "--on", "2026-06-15"]).all());
    assert_eq!(d.run(&["events"]).stdout, "", "nothing recorded");
}

/// Two `famplan import` processes at once on one store: each either lands whole or is told
/// the store is busy, and the store ends up with exactly the events of those that landed.
#[test]
fn two_processes_importing_at_once_lose_nothing() {
    let d = Dir::with_good_store();
    let events = |prefix: &str, person: &str| -> String {
        (0..5_000)
            .map(|i| {
                format!(
                    r#"{{"id":"{prefix}{i}","date":"2026-0{}-{:02}","recorded_at":"2026-06-30T09:00:00","recorded_by":"k1","kind":"visit_recorded","person":"{person}","visit":"floating_monthly_check"}}"#,
                    1 + i % 6,
                    1 + i % 28
                ) + "\n"
            })
            .collect()
    };
    std::fs::write(d.path("a.jsonl"), events("a", "p1")).unwrap();
    std::fs::write(d.path("b.jsonl"), events("b", "p2")).unwrap();
    let spawn = |file: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_famplan"))
            .args(["import", file])
            .current_dir(d.0.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn("a.jsonl"), spawn("b.jsonl"));
    let mut landed = 0;
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() {
            landed += 5_000;
        } else {
            assert!(stderr.contains("store is busy"), "a failed import must say the store is busy: {stderr}");
        }
    }
    assert!(landed > 0, "at least one of the two imports lands");
    let run = d.run(&["status", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["events"].as_u64(), Some(landed));
    assert_eq!(json["conflicts"].as_u64(), Some(0));
}

#[test]
fn supplies_record_movements_and_report_stock_cover_and_expiry() {
    let d = Dir::with_small_store();
    let ok = |args: &[&str]| {
        let run = d.run(args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    };
    ok(&[
        "supplies",
        "receive",
        "--point",
        "st1",
        "--item",
        "condom",
        "--quantity",
        "100",
        "--lot",
        "L1",
        "--expires",
        "2026-07-31",
        "--on",
        "2026-05-01",
    ]);
    ok(&[
        "supplies",
        "dispense",
        "--point",
        "st1",
        "--item",
        "condom",
        "--quantity",
        "30",
        "--person",
        "1",
        "--on",
        "2026-06-01",
    ]);
    ok(&[
        "supplies",
        "remove",
        "--point",
        "st1",
        "--item",
        "condom",
        "--quantity",
        "5",
        "--reason",
        "lost",
        "--on",
        "2026-06-02",
    ]);
    // 100 − 30 − 5 = 65 on hand; 30 used in the 90 days to 10 June: 65 × 90 / 30 = 195 days;
    // L1 expires 31 July, within 90 days of 10 June.
    let before = d.run(&["events", "--format", "table"]).stdout;
    let refused = d.run(&[
        "supplies",
        "dispense",
        "--point",
        "st1",
        "--item",
        "condom",
        "--quantity",
        "66",
        "--person",
        "1",
        "--on",
        "2026-06-03",
        "--id",
        "too-many",
    ]);
    assert_eq!(d.run(&["events", "--format", "table"]).stdout, before, "a refused dispense wrote nothing");
    let mut all = refused.all();
    for args in [
        &["supplies", "stock", "--on", "2026-06-10"][..],
        &["supplies", "cover", "--on", "2026-06-10"],
        &["supplies", "expiring", "--on", "2026-06-10", "--format", "csv"],
    ] {
        all.push_str(&format!("\n===== {}\n{}", args.join(" "), d.run(args).all()));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn applications_record_steps_refuse_illegal_ones_and_list_the_overdue() {
    let d = Dir::with_small_store();
    let step = |kind: &str, step: &str, on: &str| {
        d.run(&["applications", "record", "--person", "1", "--kind", kind, "--step", step, "--on", on])
    };
    assert_eq!(step("service_booklet", "applied", "2026-06-01").code, 0);
    assert_eq!(step("reward_claim", "applied", "2026-06-01").code, 0);
    assert_eq!(step("reward_claim", "issued", "2026-06-05").code, 0);
    let mut all = step("service_booklet", "reissued", "2026-06-02").all();
    all.push_str(&step("only_child_honour", "applied", "2026-06-02").all());
    assert_eq!(
        d.run(&[
            "applications",
            "request",
            "--request",
            "r1",
            "--channel",
            "hotline",
            "--topic",
            "policy",
            "--on",
            "2026-06-03"
        ])
        .code,
        0
    );
    // The booklet: 1 June + 5 days = due 6 June; pending on 10 June: 4 days overdue.
    for args in [
        &["applications", "list", "--on", "2026-06-10"][..],
        &["applications", "list", "--on", "2026-06-10", "--overdue", "--format", "csv"],
        &["applications", "requests", "--on", "2026-06-10", "--open"],
    ] {
        all.push_str(&format!("\n===== {}\n{}", args.join(" "), d.run(args).all()));
    }
    insta::assert_snapshot!(all);
}

#[test]
fn disclose_prints_the_notice_page_masked() {
    let d = Dir::with_small_store();
    let md = d.run(&["disclose", "--on", "2026-06-30", "--category", "dynamic"]);
    insta::assert_snapshot!(md.all());
    let html = d.run(&["disclose", "--on", "2026-06-30", "--format", "html", "--board", "grid:1011"]);
    assert_eq!(html.code, 0, "{}", html.stderr);
    assert!(html.stdout.starts_with("<!DOCTYPE html>") && html.stdout.contains("<h2>维权类</h2>"));
    insta::assert_snapshot!(d.run(&["disclose", "--on", "2026-06-30", "--board", "grid:9999"]).all());
    insta::assert_snapshot!(d.run(&["disclose", "--on", "2026-06-30", "--legal-basis", "决定"]).all());
}

#[test]
fn publicity_prints_the_plan_against_the_log() {
    let d = Dir::new();
    std::fs::write(d.path("a.csv"), "date,kind,theme\n2026-01-10,blackboard,新年\n2026-05-12,mothers_day,关爱母亲\n")
        .unwrap();
    let run = d.run(&["publicity", "--year", "2026", "--on", "2026-06-01", "--activities", "a.csv", "--format", "csv"]);
    insta::assert_snapshot!(run.all());
    std::fs::write(d.path("bad.csv"), "date,kind\n2026-01-10,parade\n").unwrap();
    insta::assert_snapshot!(d.run(&["publicity", "--on", "2026-06-01", "--activities", "bad.csv"]).all());
    assert!(!d.path("famplan.db").exists(), "publicity reads no store");
}

#[test]
fn workbooks_in_and_out_and_the_exchange_formats() {
    let d = Dir::with_small_store();
    let values = |d: &Dir, db: &str| {
        let run = d.run(&["--db", db, "report", "--on", "2026-06-30", "--format", "datavalues"]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        run.stdout
    };
    let from_csv = values(&d, "famplan.db");
    assert!(
        from_csv.starts_with(
            "period,orgunit,dataelement,numerator,denominator,value\n202606,1011,case_file_rate,2,3,66.67\n"
        )
    );
    // The Chinese ledger made with openpyxl (testdata/xlsx) is the same snapshot.
    let ledger = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/xlsx/ledger_zh.xlsx");
    let run = d.run(&["--db", "zh.db", "import", ledger.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "warning: 人员: column `备注` is not used and was ignored\n");
    assert_eq!(values(&d, "zh.db"), from_csv);
    // export --format xlsx, then import: the same numbers.
    let run = d.run(&["export", "--format", "xlsx", "out.xlsx"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "wrote the snapshot workbook out.xlsx\n"), "{}", run.stderr);
    assert_eq!(d.run(&["--db", "back.db", "import", "out.xlsx"]).code, 0);
    assert_eq!(values(&d, "back.db"), from_csv);

    let run = d.run(&["report", "--on", "2026-06-30", "--format", "xlsx"]);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (1, "famplan: --format xlsx writes a workbook: name it with --out FILE\n")
    );
    let run = d.run(&["report", "--on", "2026-06-30", "--format", "xlsx", "--out", "r.xlsx"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(&std::fs::read(d.path("r.xlsx")).unwrap()[..2], b"PK");

    let run =
        d.run(&["report", "--on", "2026-06-30", "--rates", "case_file_rate", "--format", "fhir", "--subject-list"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let b: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let kinds: Vec<&str> =
        b["entry"].as_array().unwrap().iter().map(|e| e["resource"]["resourceType"].as_str().unwrap()).collect();
    // One Measure, then a MeasureReport per grid (1011, 1012, 1021) and the total.
    assert_eq!(kinds, ["Measure", "MeasureReport", "MeasureReport", "MeasureReport", "MeasureReport"]);
    assert_eq!(b["entry"][1]["resource"]["type"], "subject-list");
}

#[test]
fn policy_check_set_show_and_a_report_judged_by_a_file() {
    let d = Dir::with_small_store();
    let good = include_str!("../../../testdata/policy/community44.toml");
    std::fs::write(d.path("mine.toml"), good).unwrap();
    // The second [[birth]] (line 8) overlaps the first of the same jurisdiction.
    let bad = "province = \"44\"\n\n[[birth]]\njurisdiction = \"44\"\nname = \"a\"\nfrom = \"2015-01-01\"\ncompliant_up_to = 2\n[[birth]]\njurisdiction = \"44\"\nname = \"b\"\nfrom = \"2016-01-01\"\ncompliant_up_to = 3\n";
    std::fs::write(d.path("bad.toml"), bad).unwrap();
    let want = "famplan: bad.toml:8: birth[1].from: overlaps birth[0] `a` of the same jurisdiction\n";
    let run = d.run(&["policy", "check", "bad.toml"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, want));
    let run = d.run(&["policy", "check", "mine.toml"]);
    assert_eq!(
        (run.code, run.stdout.as_str()),
        (0, "mine.toml: ok: 4 birth rule(s), 1 reward scheme(s), province 44\n")
    );
    // A bad file is refused by `set` with its place, and the store keeps the built-in rules.
    let show = || d.run(&["policy", "show", "--on", "2015-06-01", "--format", "csv"]).stdout;
    let before = show();
    assert!(before.contains("一孩政策"), "{before}");
    let run = d.run(&["policy", "set", "bad.toml"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, want));
    assert_eq!(show(), before);
    // The good file is kept: on 2015-06-01 province 44's own two-child rule is in force.
    let run = d.run(&["policy", "set", "mine.toml"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "kept mine.toml as the community's policy (province 44)\n"));
    let after = show();
    assert!(after.contains("birth,44,\"province 44: two children from 2015"), "{after}");
    assert!(after.contains("reward,44,province 44 only-child reward,2010-01-01,,1000 fen per month"), "{after}");
    // Another province on the command line: the national rule.
    let other = d.run(&["policy", "show", "--on", "2015-06-01", "--province", "11", "--format", "csv"]).stdout;
    assert!(other.contains("birth,national,one child"), "{other}");
    // A report judged by a file: a bad one fails with its place and writes nothing.
    let run = d.run(&["report", "--rates", "policy_compliance_rate", "--on", "2026-06-30", "--policy", "bad.toml"]);
    assert_eq!((run.code, run.stderr.as_str()), (1, want));
    let run = d.run(&[
        "report",
        "--rates",
        "policy_compliance_rate",
        "--on",
        "2026-06-30",
        "--policy",
        "mine.toml",
        "--province",
        "44",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(d.run(&["policy", "clear"]).code, 0);
    assert_eq!(show(), before);
    // Nothing to review in the small store.
    let run = d.run(&["applications", "review", "--on", "2026-06-30", "--format", "csv"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, "person,kind,applied_on,state,event,reason\n"));
}

#[test]
fn disclose_shows_the_kept_hotline() {
    let d = Dir::with_small_store();
    std::fs::write(d.path("board.toml"), "hotline = \"0755-12345678\"\n").unwrap();
    std::fs::write(d.path("bad.toml"), "\nhotline = \"12356 or 12345\"\n").unwrap();
    let run = d.run(&["disclose", "--on", "2026-06-30", "--notices", "bad.toml", "--keep"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with("famplan: bad.toml:2: hotline: `12356 or 12345` is not a service number"),
        "{}",
        run.stderr
    );
    let run = d.run(&["disclose", "--on", "2026-06-30"]);
    assert!(!run.stdout.contains("服务热线："), "{}", run.stdout);
    let run = d.run(&["disclose", "--on", "2026-06-30", "--notices", "board.toml", "--keep"]);
    assert!(run.stdout.contains("服务热线：0755-12345678"), "{}", run.stdout);
    // Kept: the next page shows it without --notices.
    let run = d.run(&["disclose", "--on", "2026-06-30", "--format", "html"]);
    assert!(run.stdout.contains("<p class=\"meta\">服务热线：0755-12345678</p>"), "{}", run.stdout);
}
