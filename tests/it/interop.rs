//! Reports for exchange: the report workbook (read back with calamine), the flat data-value
//! file, and FHIR R4 (parsed back and checked field by field against the rates).

use famplan::{GroupBy, Params, RateCode, RateReport, Registry, write_data_values};

fn small() -> Registry {
    crate::snapshot::small_registry()
}

const CODES: [RateCode; 3] = [RateCode::CaseFileRate, RateCode::Cpr, RateCode::FloatingCheckRate];

fn report(subjects: bool) -> RateReport {
    let params = Params::new("2026-06-30".parse().unwrap()).period("2026-06".parse().unwrap());
    RateReport::new(&small(), params, &CODES, GroupBy::Grid, subjects)
}

#[test]
fn the_report_counts_are_the_hand_counted_ones() {
    let r = report(true);
    let cf = &r.sections[0];
    // Resident WRA on 2026-06-30 (15–49, registered or floating): 1 (36, grid 1011, case file),
    // 3 (18, 1011, none), 4 (49, 1011, case file), 5 (30, 1012, case file); 6 is moved out.
    // Grid 1011: 2 of 3; 1012: 1 of 1; 1021: none.
    let got: Vec<_> = cf.table.rows.iter().map(|r| (r.key.as_str(), r.rate.numerator, r.rate.denominator)).collect();
    assert_eq!(got, [("1011", 2, 3), ("1012", 1, 1), ("1021", 0, 0)]);
    let missing: Vec<_> =
        cf.subjects.iter().filter(|(_, e)| !e.counted).map(|(k, e)| (k.as_str(), e.subject.as_str())).collect();
    assert_eq!(missing, [("1011", "3")]);
}

#[test]
fn data_values_are_one_line_per_rate_and_unit() {
    let mut out = Vec::new();
    write_data_values(&report(false), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "period,orgunit,dataelement,numerator,denominator,value");
    // 3 rates × 3 grids; 2/3 = 66.67 %; no WRA in 1021: an empty value, never 0.
    assert_eq!(lines.len(), 1 + 9);
    assert_eq!(lines[1], "202606,1011,case_file_rate,2,3,66.67");
    assert_eq!(lines[3], "202606,1021,case_file_rate,0,0,");
}

#[cfg(feature = "xlsx")]
#[test]
fn the_report_workbook_reads_back_with_calamine() {
    use calamine::{Data, Reader, Xlsx};
    let r = report(true);
    let mut buf = Vec::new();
    famplan::write_report_xlsx(&r, &mut buf).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(buf)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "汇总 summary",
            "case_file_rate",
            "cpr",
            "floating_check_rate",
            "case_file_rate 名单",
            "cpr 名单",
            "floating_check_rate 名单"
        ]
    );
    let ws = book.worksheet_range("case_file_rate").unwrap();
    let cell = |r: u32, c: u32| ws.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    assert_eq!(cell(1, 0), Data::String("单位".into()));
    assert_eq!(cell(2, 5), Data::String("met".into()));
    // Grid 1011: 2/3 = 66.67 % against 100 %: not met.
    assert_eq!(cell(3, 0), Data::String("1011".into()));
    assert_eq!((cell(3, 1), cell(3, 2)), (Data::Float(2.0), Data::Float(3.0)));
    assert_eq!(cell(3, 3), Data::Float(66.67));
    assert_eq!(cell(3, 4), Data::Float(100.0));
    assert_eq!(cell(3, 5), Data::String("未达标 not met".into()));
    assert_eq!(cell(4, 5), Data::String("达标 met".into()));
    assert_eq!((cell(5, 3), cell(5, 5)), (Data::String("-".into()), Data::String("无数据 no data".into())));
    // Total: 3 of 4 = 75 %.
    assert_eq!(
        (cell(6, 0), cell(6, 1), cell(6, 2), cell(6, 3)),
        (Data::String("合计 total".into()), Data::Float(3.0), Data::Float(4.0), Data::Float(75.0))
    );
    let list = book.worksheet_range("case_file_rate 名单").unwrap();
    let rows: Vec<Vec<String>> = list.rows().skip(3).map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 4);
    let person3 = rows.iter().find(|r| r[1] == "3").unwrap();
    assert_eq!((person3[0].as_str(), person3[3].as_str(), person3[5].as_str()), ("1011", "否 no", "case_file"));
}

#[cfg(feature = "fhir")]
mod fhir {
    use super::*;
    use famplan::fhir::{MEASURE_POPULATION, MEASURE_SCORING, UCUM, bundle, measure_url};
    use serde_json::Value;

    fn id_ok(id: &str) -> bool {
        (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    }

    fn code_of(v: &Value) -> (&str, &str) {
        let c = &v["coding"][0];
        (c["system"].as_str().unwrap(), c["code"].as_str().unwrap())
    }

    fn count(group: &Value, code: &str) -> u64 {
        let pops = group["population"].as_array().unwrap();
        let p = pops.iter().find(|p| code_of(&p["code"]) == (MEASURE_POPULATION, code)).unwrap();
        p["count"].as_u64().unwrap()
    }

    #[test]
    fn measure_reports_parse_back_to_the_rates_field_by_field() {
        let r = report(false);
        let text = serde_json::to_string_pretty(&bundle(&r)).unwrap();
        let b: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((b["resourceType"].as_str(), b["type"].as_str()), (Some("Bundle"), Some("collection")));
        let resources: Vec<&Value> = b["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
        // 3 Measures, then per rate 3 grids + the total.
        assert_eq!(resources.len(), 3 + 3 * 4);
        for (m, code) in resources[..3].iter().zip(CODES) {
            assert_eq!(m["resourceType"], "Measure");
            assert!(id_ok(m["id"].as_str().unwrap()));
            assert_eq!(m["url"].as_str().unwrap(), measure_url(code));
            assert_eq!(m["status"], "active"); // Measure.status is required (1..1)
            let name = m["name"].as_str().unwrap();
            assert!(
                name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric())
            );
            assert_eq!(code_of(&m["scoring"]), (MEASURE_SCORING, "proportion"));
            for p in m["group"][0]["population"].as_array().unwrap() {
                assert!(["denominator", "numerator"].contains(&code_of(&p["code"]).1));
                // criteria and its language are required in R4.
                assert_eq!(p["criteria"]["language"], "text/plain");
                assert!(p["criteria"]["expression"].as_str().is_some_and(|e| !e.is_empty()));
            }
        }
        let mut seen = 0;
        for mr in &resources[3..] {
            assert_eq!(mr["resourceType"], "MeasureReport");
            assert!(id_ok(mr["id"].as_str().unwrap()), "{}", mr["id"]);
            // status, type, measure and period are required (1..1).
            assert_eq!((mr["status"].as_str(), mr["type"].as_str()), (Some("complete"), Some("summary")));
            assert_eq!(
                (mr["period"]["start"].as_str(), mr["period"]["end"].as_str()),
                (Some("2026-06-01"), Some("2026-06-30"))
            );
            let section = r.sections.iter().find(|s| measure_url(s.code) == mr["measure"].as_str().unwrap()).unwrap();
            let row = match mr["subject"]["identifier"]["value"].as_str() {
                Some(unit) => {
                    assert_eq!(mr["subject"]["identifier"]["system"], "urn:famplan:grid");
                    section.table.row(unit).unwrap()
                }
                None => &section.table.total,
            };
            let g = &mr["group"][0];
            assert_eq!((count(g, "numerator"), count(g, "denominator")), (row.rate.numerator, row.rate.denominator));
            match row.rate.value() {
                Some(v) => {
                    assert_eq!(g["measureScore"]["value"].as_f64(), Some(v));
                    assert_eq!(
                        (g["measureScore"]["system"].as_str(), g["measureScore"]["code"].as_str()),
                        (Some(UCUM), Some("%"))
                    );
                }
                None => assert!(g.get("measureScore").is_none()),
            }
            seen += 1;
        }
        assert_eq!(seen, 12);
        // Spot check by hand: case_file_rate in grid 1011 is 2/3 = 66.666…%.
        let g1011 = resources.iter().find(|m| m["id"] == "case-file-rate-1").map(|m| &m["group"][0]).unwrap();
        assert_eq!((count(g1011, "numerator"), count(g1011, "denominator")), (2, 3));
        assert!((g1011["measureScore"]["value"].as_f64().unwrap() - 200.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn subject_lists_are_contained_lists_of_the_people() {
        let r = report(true);
        let b = bundle(&r);
        let mr = b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["resource"])
            .find(|m| m["id"] == "case-file-rate-1")
            .unwrap();
        assert_eq!(mr["type"], "subject-list");
        let g = &mr["group"][0];
        let refs: Vec<&str> = g["population"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["subjectResults"]["reference"].as_str().unwrap())
            .collect();
        assert_eq!(refs, ["#denominator", "#numerator"]);
        let list = |id: &str| {
            let l = mr["contained"].as_array().unwrap().iter().find(|l| l["id"] == id).unwrap();
            assert_eq!(
                (l["resourceType"].as_str(), l["status"].as_str(), l["mode"].as_str()),
                (Some("List"), Some("current"), Some("snapshot"))
            );
            l["entry"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    assert_eq!(e["item"]["identifier"]["system"], "urn:famplan:person");
                    e["item"]["identifier"]["value"].as_str().unwrap().to_string()
                })
                .collect::<Vec<_>>()
        };
        // Grid 1011's resident WRA: 1, 3, 4; 3 has no case file.
        assert_eq!(list("denominator"), ["1", "3", "4"]);
        assert_eq!(list("numerator"), ["1", "4"]);
        let den = mr["contained"][0]["entry"].as_array().unwrap();
        let three = den.iter().find(|e| e["item"]["identifier"]["value"] == "3").unwrap();
        assert!(three["flag"]["text"].as_str().unwrap().contains("no open case file"));
    }
}
