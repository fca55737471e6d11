//! FHIR R4 for the rates (feature `fhir`): a `Measure` per rate and a `MeasureReport` per
//! rate and unit, in one `Bundle` of type `collection`.

use super::{GroupBy, RateReport, RateSection, Row, Scale};
use serde_json::{Value, json};

/// The code system of measure populations (`numerator`, `denominator` …).
///
/// # Example
///
/// ```
/// assert!(famplan::fhir::MEASURE_POPULATION.contains("measure-population"));
/// ```
pub const MEASURE_POPULATION: &str = "http://terminology.hl7.org/CodeSystem/measure-population";
/// The code system of measure scoring (`proportion`, `ratio` …).
///
/// # Example
///
/// ```
/// assert!(famplan::fhir::MEASURE_SCORING.contains("measure-scoring"));
/// ```
pub const MEASURE_SCORING: &str = "http://terminology.hl7.org/CodeSystem/measure-scoring";
/// The code system of improvement notation (`increase`, `decrease`).
///
/// # Example
///
/// ```
/// assert!(famplan::fhir::IMPROVEMENT_NOTATION.contains("measure-improvement-notation"));
/// ```
pub const IMPROVEMENT_NOTATION: &str = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation";
/// UCUM, the units of `measureScore`.
///
/// # Example
///
/// ```
/// assert!(famplan::fhir::UCUM.contains("unitsofmeasure"));
/// ```
pub const UCUM: &str = "http://unitsofmeasure.org";

/// The canonical URL of a rate's `Measure`: `urn:famplan:measure:case_file_rate`.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::fhir::measure_url(famplan::RateCode::Cpr), "urn:famplan:measure:cpr");
/// ```
pub fn measure_url(code: super::RateCode) -> String {
    format!("urn:famplan:measure:{code}")
}

/// A FHIR id (`[A-Za-z0-9\-\.]{1,64}`) from a rate code: `case-file-rate`.
fn fhir_id(code: super::RateCode) -> String {
    code.code().replace('_', "-")
}

fn coding(system: &str, code: &str) -> Value {
    json!({ "coding": [{ "system": system, "code": code }] })
}

fn scoring(s: &RateSection) -> &'static str {
    // A percentage counts part of its denominator; ‰ and ×100 rates divide by another population.
    if s.code.info().scale == Scale::Percent { "proportion" } else { "ratio" }
}

/// The `Measure` of a rate: its names, scoring and the text of its populations.
fn measure(s: &RateSection) -> Value {
    let info = s.code.info();
    let pop = |code: &str, text: &str| {
        json!({
            "code": coding(MEASURE_POPULATION, code),
            "description": text,
            "criteria": { "language": "text/plain", "expression": text },
        })
    };
    let name: String = info
        .code
        .code()
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_ascii_uppercase().to_string() + c.as_str()).unwrap_or_default()
        })
        .collect();
    json!({
        "resourceType": "Measure",
        "id": fhir_id(s.code),
        "url": measure_url(s.code),
        "name": name,
        "title": format!("{} {}", info.zh, info.en),
        "status": "active",
        "description": format!("{}: {} / {} ({})", info.en, info.numerator, info.denominator, info.when),
        "scoring": coding(MEASURE_SCORING, scoring(s)),
        "improvementNotation": coding(IMPROVEMENT_NOTATION, "increase"),
        "group": [{ "population": [pop("denominator", info.denominator), pop("numerator", info.numerator)] }],
    })
}

fn unit_system(by: GroupBy) -> String {
    format!("urn:famplan:{by}")
}

/// The score as a UCUM quantity: `%`, `[ppth]` (‰), or `1` (×100, males per 100 females).
fn score(s: &RateSection, row: &Row) -> Option<Value> {
    let v = row.rate.value()?;
    let (unit, code) = match s.code.info().scale {
        Scale::Percent => ("%", "%"),
        Scale::PerMille => ("‰", "[ppth]"),
        Scale::Times100 => ("per 100", "%"),
    };
    Some(json!({ "value": v, "unit": unit, "system": UCUM, "code": code }))
}

fn list(id: &str, title: &str, entries: Vec<Value>) -> Value {
    json!({ "resourceType": "List", "id": id, "status": "current", "mode": "snapshot", "title": title, "entry": entries })
}

/// One `MeasureReport`: a unit's (or the total's) counts and score, with the subjects as
/// contained `List`s when the report has them.
fn measure_report(report: &RateReport, s: &RateSection, row: &Row, id: String, total: bool) -> Value {
    let p = &report.params;
    let mut den = json!({ "code": coding(MEASURE_POPULATION, "denominator"), "count": row.rate.denominator });
    let mut num = json!({ "code": coding(MEASURE_POPULATION, "numerator"), "count": row.rate.numerator });
    let mut mr = json!({
        "resourceType": "MeasureReport",
        "id": id,
        "status": "complete",
        "type": if s.subjects.is_empty() { "summary" } else { "subject-list" },
        "measure": measure_url(s.code),
        "date": p.as_of.to_string(),
        "period": { "start": p.period.start.to_string(), "end": p.period.end.to_string() },
        "improvementNotation": coding(IMPROVEMENT_NOTATION, "increase"),
    });
    if !total {
        let subject = match row.key.as_str() {
            "" => json!({ "display": "(none): subjects outside every unit" }),
            key => json!({
                "identifier": { "system": unit_system(report.by), "value": key },
                "display": format!("{} {key}", report.by),
            }),
        };
        mr["subject"] = subject;
    }
    if !s.subjects.is_empty() {
        let mine = s.subjects.iter().filter(|(k, _)| total || *k == row.key).map(|(_, e)| e);
        let item = |e: &super::Entry| {
            let mut item = json!({ "display": e.subject });
            if let Some(person) = &e.person {
                item["identifier"] = json!({ "system": "urn:famplan:person", "value": person.as_str() });
            }
            let mut entry = json!({ "item": item });
            if let Some(why) = &e.reason {
                entry["flag"] = json!({ "text": why.to_string() });
            }
            entry
        };
        let all: Vec<Value> = mine.clone().map(item).collect();
        let counted: Vec<Value> = mine.filter(|e| e.counted).map(item).collect();
        den["subjectResults"] = json!({ "reference": "#denominator" });
        num["subjectResults"] = json!({ "reference": "#numerator" });
        mr["contained"] = json!([list("denominator", "denominator", all), list("numerator", "numerator", counted)]);
    }
    let mut group = json!({ "population": [den, num] });
    if let Some(score) = score(s, row) {
        group["measureScore"] = score;
    }
    mr["group"] = json!([group]);
    mr
}

/// The report as a FHIR R4 `Bundle` (type `collection`): a `Measure` per rate, then a
/// `MeasureReport` per rate and unit and one for the total (no subject). Populations are
/// `denominator` and `numerator` of the measure-population code system with the exact
/// counts (for ‰ rates over a mean population these are the doubled pair the rate divides,
/// as in every report); `measureScore` is the rate in its scale (`%`, `[ppth]`), absent
/// without data. When the report lists subjects, each `MeasureReport` is a `subject-list`
/// with the people (or obligations) of each population as contained `List`s, the reason of
/// those not counted in each entry's `flag`.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, RateReport, Registry};
/// let reg = Registry::example();
/// let r = RateReport::new(&reg, Params::new("2026-06-30".parse()?), &[RateCode::CaseFileRate], GroupBy::Grid, false);
/// let b = famplan::fhir::bundle(&r);
/// assert_eq!(b["type"], "collection");
/// let g1 = &b["entry"][1]["resource"];
/// assert_eq!((g1["resourceType"].as_str(), g1["subject"]["identifier"]["value"].as_str()), (Some("MeasureReport"), Some("g1")));
/// assert_eq!(g1["group"][0]["measureScore"]["value"], 100.0);
/// # Ok::<(), chrono::ParseError>(())
/// ```
pub fn bundle(report: &RateReport) -> Value {
    let mut entries: Vec<Value> = report.sections.iter().map(|s| json!({ "resource": measure(s) })).collect();
    for s in &report.sections {
        for (i, row) in s.table.rows.iter().enumerate() {
            let id = format!("{}-{}", fhir_id(s.code), i + 1);
            entries.push(json!({ "resource": measure_report(report, s, row, id, false) }));
        }
        let id = format!("{}-total", fhir_id(s.code));
        entries.push(json!({ "resource": measure_report(report, s, &s.table.total, id, true) }));
    }
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}
