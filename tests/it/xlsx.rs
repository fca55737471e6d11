//! Snapshot workbooks (feature `xlsx`): round trips, a ledger typed in Chinese by another
//! tool, bad cells reported by their address.

use famplan::io::{
    ImportMode, SnapshotWorkbook, SnapshotWriters, read_snapshot_xlsx, write_snapshot, write_snapshot_xlsx,
};
use famplan::{Error, Event, EventKind, Registry};
use rust_xlsxwriter::Workbook;
use std::io::Cursor;

const LEDGER_ZH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/xlsx/ledger_zh.xlsx");

fn small() -> Registry {
    crate::snapshot::small_registry()
}

/// What `write_snapshot` writes for a registry: the four CSV files.
fn csv_of(reg: &Registry) -> [String; 4] {
    let (mut a, mut h, mut p, mut v) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    write_snapshot(reg, None, SnapshotWriters { areas: &mut a, households: &mut h, persons: &mut p, visits: &mut v })
        .unwrap();
    [a, h, p, v].map(|b| String::from_utf8(b).unwrap())
}

fn xlsx_of(reg: &Registry, events: &[Event]) -> Vec<u8> {
    let mut book = Vec::new();
    write_snapshot_xlsx(reg, None, events, &mut book).unwrap();
    book
}

fn read_xlsx(book: Vec<u8>) -> Result<(Registry, famplan::io::ImportSummary), Error> {
    read_snapshot_xlsx("book.xlsx", Cursor::new(book), ImportMode::AllOrNothing)
}

#[test]
fn snapshot_to_xlsx_to_snapshot_is_identical() {
    let reg = small();
    let (back, summary) = read_xlsx(xlsx_of(&reg, &[])).unwrap();
    assert_eq!(csv_of(&back), csv_of(&reg));
    assert_eq!(back, reg);
    // The small snapshot's counts (tests/it/snapshot.rs): 3 grids, 4 households, 7 persons, 5 visits.
    assert_eq!((summary.areas, summary.households, summary.persons, summary.visits), (3, 4, 7, 5));
    assert!(summary.warnings.is_empty(), "{:?}", summary.warnings);
}

#[test]
fn the_events_sheet_goes_over_the_rows() {
    let base = small();
    let mut full = base.clone();
    let visit = Event::new(
        "e1",
        "2026-07-02".parse().unwrap(),
        "k1",
        EventKind::VisitRecorded {
            person: "3".into(),
            visit: "floating_monthly_check".into(),
            outcome: None,
            visitor: None,
        },
    );
    full.apply(visit).unwrap();
    let book = xlsx_of(&base, full.events());
    let wb = SnapshotWorkbook::open("book.xlsx", Cursor::new(book)).unwrap();
    assert!(wb.has_events());
    let (back, summary) = wb.read_snapshot(ImportMode::AllOrNothing).unwrap();
    assert_eq!(summary.events, 1);
    assert_eq!(back, full);
    let (rows, _) = wb.read_rows(ImportMode::AllOrNothing).unwrap();
    assert_eq!(rows, base);
}

#[test]
fn a_written_workbook_reads_back_with_calamine_cell_by_cell() {
    use calamine::{Data, Reader, Xlsx};
    let reg = small();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(xlsx_of(&reg, &[]))).unwrap();
    assert_eq!(book.sheet_names(), ["areas", "households", "persons", "visits"]);
    let persons = book.worksheet_range("persons").unwrap();
    let csv = &csv_of(&reg)[2];
    let mut lines = csv.lines();
    for row in persons.rows() {
        let want: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(row.len(), want.len());
        for (cell, want) in row.iter().zip(want) {
            let got = match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                // Dates are real Excel dates (serial numbers with a date format).
                Data::DateTime(dt) => {
                    let (y, m, d, ..) = dt.to_ymd_hms_milli();
                    format!("{y:04}-{m:02}-{d:02}")
                }
                other => panic!("unexpected cell {other:?}"),
            };
            assert_eq!(got, want);
        }
    }
    assert!(lines.next().is_none());
}

#[test]
fn a_ledger_typed_in_chinese_by_another_tool_imports_like_the_csv() {
    // testdata/xlsx/ledger_zh.xlsx is testdata/snapshot/small typed with openpyxl
    // (make_ledger_zh.py beside it): Chinese sheet names, headers and values, a title row,
    // Excel dates, bare serial numbers (person 2's 1988-02-11 is 32184), text dates
    // (2026/1/31, 2025年10月20日, 2019.6.1), 19761231 as a number, ids as numbers and text.
    let bytes = std::fs::read(LEDGER_ZH).unwrap();
    let (reg, summary) = read_xlsx(bytes).unwrap();
    assert_eq!(csv_of(&reg), csv_of(&small()));
    assert_eq!((summary.areas, summary.households, summary.persons, summary.visits), (3, 4, 7, 5));
    assert_eq!(summary.warnings, ["人员: column `备注` is not used and was ignored"]);
}

/// A workbook with the small snapshot's first three sheets and `persons` rows given here.
fn book_with_persons(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let sheets: [(&str, &[&[&str]]); 3] = [
        ("areas", &[&["grid_id", "zone_id", "community_id"], &["1011", "101", "1"]]),
        ("households", &[&["household_id", "grid_id", "kind"], &["1", "1011", "rental"]]),
        ("visits", &[&["visit_id", "person_id", "date", "kind"]]),
    ];
    let mut add = |name: &str, rows: &[&[&str]]| {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *text).unwrap();
            }
        }
    };
    add(sheets[0].0, sheets[0].1);
    add(sheets[1].0, sheets[1].1);
    add("persons", rows);
    add(sheets[2].0, sheets[2].1);
    wb.save_to_buffer().unwrap()
}

const HEADER: &[&str] =
    &["person_id", "household_id", "grid_id", "性别", "出生日期", "婚姻状况", "residency", "case_file"];

fn problems(e: Error) -> Vec<String> {
    match e {
        Error::Many(all) => all.iter().map(ToString::to_string).collect(),
        other => vec![other.to_string()],
    }
}

#[test]
fn bad_cells_are_reported_by_their_address_and_nothing_is_imported() {
    // contraceptive_method, method_start and last_birth_date are required: the header lacks them.
    let book = book_with_persons(&[HEADER, &["1", "1", "1011", "F", "1990-05-01", "married", "registered", "1"]]);
    assert_eq!(
        problems(read_xlsx(book).unwrap_err()),
        ["persons!1:1: contraceptive_method: required column missing (the header has: person_id, household_id, \
          grid_id, sex, birth_date, marital_status, residency, case_file)"]
    );
    let mut header = HEADER.to_vec();
    header.extend(["避孕措施", "措施开始日期", "末次生育日期"]);
    let book = book_with_persons(&[
        &header,
        &["1", "1", "1011", "女", "1990-05-01", "已婚", "registered", "1", "上环", "2020/13/01", ""],
        &["2", "1", "1011", "X", "1991-05-01", "married", "registered", "1", "", "", ""],
        &["3", "9", "1011", "F", "1992-05-01", "married", "registered", "2", "", "", ""],
        &["4", "1", "1011", "F", "1993-05-01", "married", "registered", "1", "", "", ""],
    ]);
    // Row 2: the text date 2020/13/01 has no month 13 (column J). Row 3: sex X (column D).
    // Row 4: case_file 2 (column H) is found first, before the unknown household.
    assert_eq!(
        problems(read_xlsx(book).unwrap_err()),
        [
            "persons!J2: method_start: `2020/13/01` is not a date YYYY-MM-DD",
            "persons!D3: sex: `X` is not one of F, M",
            "persons!H4: case_file: expected 0 or 1, found `2`",
        ]
    );
}

#[test]
fn a_checked_row_error_names_the_cell_of_its_field() {
    let mut header = HEADER.to_vec();
    header.extend(["contraceptive_method", "method_start", "last_birth_date"]);
    // The household 9 does not exist: the builder names household_id, column B of row 2.
    let book =
        book_with_persons(&[&header, &["1", "9", "1011", "F", "1990-05-01", "married", "registered", "0", "", "", ""]]);
    assert_eq!(problems(read_xlsx(book).unwrap_err()), ["persons!B2: household_id: unknown household `9`"]);
}

#[test]
fn an_id_number_typed_as_a_number_and_an_error_cell_are_refused() {
    let mut wb = Workbook::new();
    for (name, header, row) in [
        ("areas", vec!["grid_id", "zone_id", "community_id"], vec!["1011", "101", "1"]),
        ("households", vec!["household_id", "grid_id", "kind"], vec!["1", "1011", "rental"]),
        ("visits", vec!["visit_id", "person_id", "date", "kind"], vec![]),
    ] {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        ws.write_row(0, 0, header).unwrap();
        if !row.is_empty() {
            ws.write_row(1, 0, row).unwrap();
        }
    }
    let ws = wb.add_worksheet().set_name("人员").unwrap();
    ws.write_row(
        0,
        0,
        [
            "person_id",
            "household_id",
            "grid_id",
            "sex",
            "birth_date",
            "marital_status",
            "residency",
            "case_file",
            "contraceptive_method",
            "method_start",
            "last_birth_date",
            "身份证号",
        ],
    )
    .unwrap();
    ws.write_row(1, 0, ["1", "1", "1011", "F", "1990-05-01", "married", "registered", "0", "", "", ""]).unwrap();
    ws.write_number(1, 11, 110105194912310020.0).unwrap();
    ws.write_row(2, 0, ["2", "1", "1011", "F", "1990-05-01", "married", "registered", "0", "", "", ""]).unwrap();
    ws.write_formula(2, 4, "=1/0").unwrap();
    ws.set_formula_result(2, 4, "#DIV/0!");
    let all = problems(read_xlsx(wb.save_to_buffer().unwrap()).unwrap_err());
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all[0].starts_with("人员!L2: id_number: the ID number is stored as a number"), "{}", all[0]);
    assert!(all[1].starts_with("人员!E3: birth_date: the cell holds the Excel error"), "{}", all[1]);
}

#[test]
fn a_missing_sheet_is_named() {
    let mut wb = Workbook::new();
    wb.add_worksheet().set_name("areas").unwrap();
    let err = read_xlsx(wb.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(err.to_string(), "book.xlsx: sheet: required sheet `households` missing");
}

#[test]
fn a_table_that_does_not_start_at_a1_is_addressed_by_its_own_cells() {
    // The persons table starts at C3 (a title in A1, two empty columns): its header row is
    // sheet row 3, its first person row 4, and its fifth column (birth_date) is column G.
    let mut wb = Workbook::new();
    for (name, header, row) in [
        ("areas", vec!["grid_id", "zone_id", "community_id"], vec!["1011", "101", "1"]),
        ("households", vec!["household_id", "grid_id", "kind"], vec!["1", "1011", "rental"]),
    ] {
        let ws = wb.add_worksheet().set_name(name).unwrap();
        ws.write_row(0, 0, header).unwrap();
        ws.write_row(1, 0, row).unwrap();
    }
    let ws = wb.add_worksheet().set_name("persons").unwrap();
    ws.write_string(0, 0, "某社区台账").unwrap();
    ws.write_row(
        2,
        2,
        [
            "person_id",
            "household_id",
            "grid_id",
            "sex",
            "birth_date",
            "marital_status",
            "residency",
            "case_file",
            "contraceptive_method",
            "method_start",
            "last_birth_date",
        ],
    )
    .unwrap();
    ws.write_row(3, 2, ["1", "1", "1011", "F", "1990-02-30", "married", "registered", "0", "", "", ""]).unwrap();
    wb.add_worksheet().set_name("visits").unwrap().write_row(0, 0, ["visit_id", "person_id", "date", "kind"]).unwrap();
    let err = read_xlsx(wb.save_to_buffer().unwrap()).unwrap_err();
    assert_eq!(problems(err), ["persons!G4: birth_date: `1990-02-30` is not a date YYYY-MM-DD"]);
}
