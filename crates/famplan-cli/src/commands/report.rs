//! `famplan report`: units × rates against the catalogue's default targets.

use super::{Failure, date_or_today, open_existing, parse_date, store_error};
use crate::output;
use chrono::NaiveDate;
use famplan::{GroupBy, Measure, Params, Period, Rate, RateCode, Registry, StateBasis};
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The rates reported when `--rates` is not given: those with a default target that a
/// store can answer.
pub const DEFAULT_RATES: &[RateCode] = &[
    RateCode::CaseFileRate,
    RateCode::FollowupRate,
    RateCode::HomeVisitRate,
    RateCode::SupplyFollowupRate,
    RateCode::FloatingCheckRate,
    RateCode::ReconciliationRate,
    RateCode::Cpr,
];

/// The output format of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// Aligned text for people.
    #[default]
    Table,
    /// CSV with a header line.
    Csv,
    /// JSON.
    Json,
    /// One self-contained HTML page: a table and, per rate, an SVG bar chart by unit with
    /// the target line.
    Html,
    /// An Excel workbook to file (needs --out): a summary, a sheet per rate with Chinese and
    /// English headers and met / not met coloured, a list sheet per rate of the subjects.
    Xlsx,
    /// FHIR R4 JSON: a Bundle of a Measure per rate and a MeasureReport per rate and unit
    /// (with --subject-list, the people behind each count as contained Lists).
    Fhir,
    /// The flat data-value CSV of aggregate platforms: period, orgunit, dataelement,
    /// numerator, denominator, value.
    Datavalues,
}

/// Rates by unit against their default targets (met / not met / no data).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rate codes, comma-separated (default: case_file_rate, followup_rate, home_visit_rate,
    /// supply_followup_rate, floating_check_rate, reconciliation_rate, cpr).
    #[arg(long, value_name = "CODE,CODE…", value_delimiter = ',')]
    rates: Vec<RateCode>,
    /// The units of the rows: zone, grid, keeper, community or group (resident group).
    #[arg(long, value_name = "UNIT", default_value = "grid")]
    by: GroupBy,
    /// Reference date D: stocks are counted on it (default: today).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    on: Option<NaiveDate>,
    /// Period P of the flows: 2026-Q2, 2026-06, 2026, S2026 or START..END (default: the
    /// month of --on).
    #[arg(long, value_name = "P")]
    period: Option<Period>,
    /// As-of date A: only events dated on or before it are seen (default: --on).
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<NaiveDate>,
    /// Which state of a person the conditions read: `on_date` (in effect on the date asked,
    /// the default) or `as_recorded` (as recorded on A, only ages on D — a ledger extract's row).
    #[arg(long, value_name = "BASIS", default_value = "on_date")]
    basis: StateBasis,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: ReportFormat,
    /// Write the report to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// FHIR: list the subjects behind each count (MeasureReport type subject-list).
    #[arg(long)]
    subject_list: bool,
    /// A policy file (as rules/policy.toml) judging policy_compliance_rate for this report,
    /// instead of the store's policy (`famplan policy set`) or the built-in rules.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// The province (two digits) whose rules judge policy_compliance_rate (default: the
    /// policy's own province, else national).
    #[arg(long, value_name = "CODE")]
    province: Option<u8>,
}

/// Whether a unit meets its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The rate is at or above the target.
    Met,
    /// The rate is below the target.
    NotMet,
    /// No denominator: nothing to count.
    NoData,
    /// The catalogue has no default target for the rate.
    NoTarget,
}

impl Verdict {
    /// The words printed in tables.
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not met",
            Verdict::NoData => "no data",
            Verdict::NoTarget => "no target",
        }
    }
}

/// One row of a report: a unit's rate against the default target.
#[derive(Clone, Debug, Serialize)]
pub struct ReportRow {
    /// The rate code.
    pub rate: RateCode,
    /// The rate's Chinese name.
    pub name: &'static str,
    /// The unit (grid, zone, keeper … id), `(none)` for subjects outside every unit, or
    /// `total` for all units.
    pub unit: String,
    /// The numerator.
    pub numerator: u64,
    /// The denominator.
    pub denominator: u64,
    /// The rate as printed (2 decimals and its scale; `-` when there is no data).
    pub value: String,
    /// The rate in its scale (% for most), `None` without data.
    #[serde(skip)]
    pub actual: Option<f64>,
    /// The catalogue's default target.
    pub target: Option<f64>,
    /// Met, not met, or no data.
    pub verdict: Verdict,
}

impl ReportRow {
    fn new(code: RateCode, unit: String, rate: Rate) -> ReportRow {
        let info = code.info();
        let actual = rate.value();
        let verdict = match (actual, info.default_target) {
            (Some(a), Some(t)) if a >= t => Verdict::Met,
            (Some(_), Some(_)) => Verdict::NotMet,
            (None, _) => Verdict::NoData,
            (Some(_), None) => Verdict::NoTarget,
        };
        ReportRow {
            rate: code,
            name: info.zh,
            unit,
            numerator: rate.numerator,
            denominator: rate.denominator,
            value: rate.to_string(),
            actual,
            target: info.default_target,
            verdict,
        }
    }

    /// Whether this is the all-units row.
    pub fn is_total(&self) -> bool {
        self.unit == TOTAL
    }
}

const TOTAL: &str = "total";
const NO_UNIT: &str = "(none)";

/// The report rows: for each rate, one row per unit of `by` and a `total` row.
pub fn rows_for(reg: &Registry, params: Params, codes: &[RateCode], by: GroupBy) -> Vec<ReportRow> {
    let mut out = Vec::new();
    for &code in codes {
        let table = reg.rate(&Measure::Catalogue(code), &params, by);
        for row in table.rows {
            // Subjects outside every unit (a grid without a keeper, for --by keeper).
            let unit = if row.key.is_empty() { NO_UNIT.to_string() } else { row.key };
            out.push(ReportRow::new(code, unit, row.rate));
        }
        out.push(ReportRow::new(code, TOTAL.to_string(), table.total.rate));
    }
    out
}

// The Chinese name last: its characters are wider than the alignment counts.
const HEADER: [&str; 8] = ["rate", "unit", "numerator", "denominator", "value", "target", "verdict", "name"];

/// A target as printed: `95%`, `-` when there is none.
fn target_text(code: RateCode, target: Option<f64>) -> String {
    let suffix = match code.info().scale {
        famplan::Scale::Percent => "%",
        famplan::Scale::PerMille => "‰",
        famplan::Scale::Times100 => "",
    };
    target.map(|t| format!("{t}{suffix}")).unwrap_or_else(|| "-".into())
}

fn cells(r: &ReportRow) -> Vec<String> {
    vec![
        r.rate.to_string(),
        r.unit.clone(),
        r.numerator.to_string(),
        r.denominator.to_string(),
        r.value.clone(),
        target_text(r.rate, r.target),
        r.verdict.text().to_string(),
        r.name.to_string(),
    ]
}

/// Prints the rows as an aligned table on standard output.
pub fn print_table(rows: &[ReportRow]) -> std::io::Result<()> {
    let cells: Vec<Vec<String>> = rows.iter().map(cells).collect();
    output::rows_to(&mut std::io::stdout().lock(), &HEADER, &cells, output::Format::Table)
}

/// Writes the rows in a format.
pub fn write_report(out: &mut dyn Write, rows: &[ReportRow], format: ReportFormat, title: &str) -> std::io::Result<()> {
    let table: Vec<Vec<String>> = rows.iter().map(cells).collect();
    match format {
        ReportFormat::Table => output::rows_to(out, &HEADER, &table, output::Format::Table),
        ReportFormat::Csv => output::rows_to(out, &HEADER, &table, output::Format::Csv),
        ReportFormat::Json => {
            writeln!(out, "{}", serde_json::to_string_pretty(rows).map_err(std::io::Error::other)?)
        }
        ReportFormat::Html => out.write_all(html(rows, title).as_bytes()),
        ReportFormat::Xlsx | ReportFormat::Fhir | ReportFormat::Datavalues => {
            Err(std::io::Error::other(format!("{format:?} is written from the registry, not from report rows")))
        }
    }
}

/// Runs the report.
pub fn run(db: &Path, args: Args) -> Result<ExitCode, Failure> {
    let mut store = open_existing(db)?;
    let view = store.view().map_err(store_error(db))?;
    let own;
    let reg = match &args.policy {
        Some(path) => {
            own = view.clone().with_policy(super::policy::read_file(path)?.1);
            &own
        }
        None => view,
    };
    let on = date_or_today(args.on);
    let period = args.period.unwrap_or_else(|| Period::month_of(on));
    let codes = if args.rates.is_empty() { DEFAULT_RATES } else { &args.rates };
    let as_of = args.as_of.unwrap_or(on);
    let mut params = Params::new(on).period(period).as_of(as_of).basis(args.basis);
    if let Some(p) = args.province {
        params = params.province(p);
    }
    if matches!(args.format, ReportFormat::Xlsx | ReportFormat::Fhir | ReportFormat::Datavalues) {
        return exchange(reg, params, codes, &args);
    }
    let rows = rows_for(reg, params, codes, args.by);
    let mut title = format!("famplan report by {}: D {on} · P {period} · A {as_of}", args.by);
    if args.basis != StateBasis::OnDate {
        title.push_str(&format!(" · {}", args.basis));
    }
    if let (ReportFormat::Table, None) = (args.format, &args.out) {
        print_table(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    match &args.out {
        Some(path) => {
            let mut file = std::fs::File::create(path)
                .map_err(|e| Failure::Message(format!("{}: cannot write: {e}", path.display())))?;
            write_report(&mut file, &rows, args.format, &title)?;
            file.flush()?;
        }
        None => write_report(&mut std::io::stdout().lock(), &rows, args.format, &title)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The exchange formats, written by the core from its report model.
fn exchange(reg: &Registry, params: Params, codes: &[RateCode], args: &Args) -> Result<ExitCode, Failure> {
    let subjects = match args.format {
        ReportFormat::Xlsx => true,
        ReportFormat::Fhir => args.subject_list,
        _ => false,
    };
    let report = famplan::RateReport::new(reg, params, codes, args.by, subjects);
    let mut buf = Vec::new();
    match args.format {
        ReportFormat::Xlsx if args.out.is_none() => {
            return Err(Failure::Message("--format xlsx writes a workbook: name it with --out FILE".into()));
        }
        ReportFormat::Xlsx => famplan::write_report_xlsx(&report, &mut buf)?,
        ReportFormat::Fhir => {
            serde_json::to_writer_pretty(&mut buf, &famplan::fhir::bundle(&report)).map_err(std::io::Error::other)?;
            buf.push(b'\n');
        }
        _ => famplan::write_data_values(&report, &mut buf)?,
    }
    match &args.out {
        Some(path) => {
            std::fs::write(path, buf).map_err(|e| Failure::Message(format!("{}: cannot write: {e}", path.display())))?
        }
        None => std::io::stdout().lock().write_all(&buf)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}\
td:nth-child(-n+2),th{text-align:left}.met{color:#176117}.not_met{color:#a11}.no_data{color:#777}\
svg{display:block;margin:1em 0}.bar{fill:#4a7ab5}.bar.not_met{fill:#c55}.target{stroke:#d80;stroke-width:2;stroke-dasharray:6 3}\
svg text{font-size:11px;fill:#333}";

/// One self-contained HTML page: per rate, an SVG bar chart of the rate by unit with the
/// target as a dashed line, and the table of its rows.
pub fn html(rows: &[ReportRow], title: &str) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n<title>{t}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{t}</h1>\n",
        t = esc(title)
    );
    let mut codes: Vec<RateCode> = rows.iter().map(|r| r.rate).collect();
    codes.dedup();
    for code in codes {
        let mine: Vec<&ReportRow> = rows.iter().filter(|r| r.rate == code).collect();
        let info = code.info();
        let _ = writeln!(h, "<section>\n<h2>{} <small>{} ({})</small></h2>", esc(info.zh), esc(info.en), code);
        h.push_str(&svg(&mine));
        h.push_str("<table>\n<tr><th>unit</th><th>numerator</th><th>denominator</th><th>rate</th><th>target</th><th>verdict</th></tr>\n");
        for r in &mine {
            let v =
                serde_json::to_value(r.verdict).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{v}\">{}</td></tr>",
                esc(&r.unit),
                r.numerator,
                r.denominator,
                esc(&r.value),
                target_text(r.rate, r.target),
                r.verdict.text()
            );
        }
        h.push_str("</table>\n</section>\n");
    }
    h.push_str("</body>\n</html>\n");
    h
}

fn svg(rows: &[&ReportRow]) -> String {
    let units: Vec<&&ReportRow> = rows.iter().filter(|r| !r.is_total()).collect();
    let (bar, gap, top, left, plot_h) = (28.0, 12.0, 16.0, 44.0, 160.0);
    let width = left + (units.len().max(1) as f64) * (bar + gap) + gap;
    let height = top + plot_h + 40.0;
    let target = rows.first().and_then(|r| r.target);
    let max = units.iter().filter_map(|r| r.actual).chain(target).fold(100.0_f64, f64::max);
    let y = |v: f64| top + plot_h - v / max * plot_h;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width:.0}\" height=\"{height:.0}\" viewBox=\"0 0 {width:.0} {height:.0}\" role=\"img\">"
    );
    for v in [0.0, max / 2.0, max] {
        let _ = writeln!(
            s,
            "<line x1=\"{left}\" x2=\"{width:.0}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v:.0}</text>",
            y = y(v),
            tx = left - 4.0,
            ty = y(v) + 4.0
        );
    }
    for (i, r) in units.iter().enumerate() {
        let x = left + gap + i as f64 * (bar + gap);
        let v = r.actual.unwrap_or(0.0);
        let class = if r.verdict == Verdict::NotMet { "bar not_met" } else { "bar" };
        let _ = writeln!(
            s,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{ry:.1}\" width=\"{bar}\" height=\"{bh:.1}\"><title>{u}: {val}</title></rect><text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\">{u}</text>",
            ry = y(v),
            bh = top + plot_h - y(v),
            u = esc(&r.unit),
            val = esc(&r.value),
            cx = x + bar / 2.0,
            ly = top + plot_h + 14.0
        );
    }
    if let (Some(t), Some(first)) = (target, rows.first()) {
        let _ = writeln!(
            s,
            "<line class=\"target\" x1=\"{left}\" x2=\"{width:.0}\" y1=\"{ty:.1}\" y2=\"{ty:.1}\"><title>target {text}</title></line><text x=\"{width:.0}\" y=\"{ly:.1}\" text-anchor=\"end\">target {text}</text>",
            text = target_text(first.rate, Some(t)),
            ty = y(t),
            ly = y(t) - 4.0
        );
    }
    s.push_str("</svg>\n");
    s
}
