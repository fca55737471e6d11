//! 统计报表 — a report of rates by unit against their default targets, with the subjects
//! behind each cell: the one model the exchange formats are written from (the report
//! workbook, FHIR MeasureReport, the flat data-value file).

use super::{Entry, GroupBy, Params, RateCode, Row, Scale, Table};
use crate::{Period, Registry};
use chrono::Datelike;

/// 统计报表 — rates grouped by one level, each with its default target and, when asked, the
/// subjects behind every cell.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, RateReport, Registry, Verdict};
/// let reg = Registry::example();
/// let report = RateReport::new(&reg, Params::new("2026-06-30".parse()?), &[RateCode::CaseFileRate], GroupBy::Grid, true);
/// let s = &report.sections[0];
/// // g1: p1 has a case file (1/1 = 100% ≥ 100%); g2: p3 has none (0/1 = 0% < 100%).
/// assert_eq!(s.verdict(&s.table.rows[0]), Verdict::Met);
/// assert_eq!(s.verdict(&s.table.rows[1]), Verdict::NotMet);
/// assert_eq!(s.subjects.len(), 2);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RateReport {
    /// The reference date, period and as-of date the rates were counted with.
    pub params: Params,
    /// What the rows are.
    pub by: GroupBy,
    /// One section per rate, in the order asked.
    pub sections: Vec<RateSection>,
}

/// One rate of a [`RateReport`]: its table by unit, and the subjects behind the cells.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, RateReport, Registry};
/// let reg = Registry::example();
/// let report = RateReport::new(&reg, Params::new("2026-06-30".parse()?), &[RateCode::Cpr], GroupBy::Zone, false);
/// assert_eq!(report.sections[0].code, RateCode::Cpr);
/// assert!(report.sections[0].subjects.is_empty());
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct RateSection {
    /// The rate.
    pub code: RateCode,
    /// Its rows by unit, and the total.
    pub table: Table,
    /// Every subject of every cell with the key of its row (`""` outside every unit); empty
    /// unless the report was asked for them.
    pub subjects: Vec<(String, Entry)>,
}

/// 是否达标 — whether a row meets the rate's default target.
///
/// # Example
///
/// ```
/// assert_eq!(famplan::Verdict::NotMet.zh(), "未达标");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 达标 — at or above the target.
    Met,
    /// 未达标 — below the target.
    NotMet,
    /// 无数据 — no denominator.
    NoData,
    /// 无目标 — the rate has no default target.
    NoTarget,
}

impl Verdict {
    /// The English words.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Verdict::NoData.en(), "no data");
    /// ```
    pub fn en(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::NotMet => "not met",
            Verdict::NoData => "no data",
            Verdict::NoTarget => "no target",
        }
    }

    /// The Chinese words.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Verdict::Met.zh(), "达标");
    /// ```
    pub fn zh(self) -> &'static str {
        match self {
            Verdict::Met => "达标",
            Verdict::NotMet => "未达标",
            Verdict::NoData => "无数据",
            Verdict::NoTarget => "无目标",
        }
    }
}

impl RateReport {
    /// Counts `codes` grouped by `by`; with `subjects`, also lists every subject of every
    /// cell (one more pass per rate).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, RateReport, Registry};
    /// let reg = Registry::example();
    /// let r = RateReport::new(&reg, Params::new("2026-06-30".parse()?), &[RateCode::CaseFileRate, RateCode::Cpr], GroupBy::Community, false);
    /// assert_eq!(r.sections.len(), 2);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(reg: &Registry, params: Params, codes: &[RateCode], by: GroupBy, subjects: bool) -> RateReport {
        let measures: Vec<super::Measure> = codes.iter().map(|&c| c.into()).collect();
        let partials = reg.partials(&measures, &params, by);
        let sections = codes
            .iter()
            .zip(partials)
            .zip(&measures)
            .map(|((&code, partial), measure)| RateSection {
                code,
                table: partial.group(reg.areas(), by),
                subjects: if subjects { reg.drill_down_all(measure, &params, by) } else { Vec::new() },
            })
            .collect();
        RateReport { params, by, sections }
    }
}

impl RateSection {
    /// The catalogue's default target, in the rate's scale.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, RateReport, Registry};
    /// let r = RateReport::new(&Registry::example(), Params::new("2026-06-30".parse()?), &[RateCode::FollowupRate], GroupBy::Grid, false);
    /// assert_eq!(r.sections[0].target(), Some(95.0));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn target(&self) -> Option<f64> {
        self.code.info().default_target
    }

    /// Whether `row` meets the default target (at or above it).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, RateReport, Registry, Verdict};
    /// let r = RateReport::new(&Registry::example(), Params::new("2026-06-30".parse()?), &[RateCode::Cpr], GroupBy::Zone, false);
    /// let s = &r.sections[0];
    /// assert_eq!(s.verdict(s.table.row("z1").unwrap()), Verdict::NoTarget);
    /// assert_eq!(s.verdict(s.table.row("z2").unwrap()), Verdict::NoData);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn verdict(&self, row: &Row) -> Verdict {
        match (row.rate.value(), self.target()) {
            (None, _) => Verdict::NoData,
            (Some(_), None) => Verdict::NoTarget,
            (Some(a), Some(t)) if super::Comparison::AtLeast.holds(a, t) => Verdict::Met,
            (Some(_), Some(_)) => Verdict::NotMet,
        }
    }

    /// The rate's unit as printed after a value: `%`, `‰`, or nothing (×100).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, RateReport, Registry};
    /// let r = RateReport::new(&Registry::example(), Params::new("2026-06-30".parse()?), &[RateCode::BirthRate], GroupBy::Grid, false);
    /// assert_eq!(r.sections[0].unit(), "‰");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn unit(&self) -> &'static str {
        match self.code.info().scale {
            Scale::Percent => "%",
            Scale::PerMille => "‰",
            Scale::Times100 => "",
        }
    }
}

/// A period as aggregate platforms (DHIS2) name it: `202606` (month), `2026Q2` (quarter),
/// `2026` (year), `2025Oct` (the statistical year October 2025 – September 2026), otherwise
/// `START..END`.
///
/// # Example
///
/// ```
/// use famplan::{Period, period_code};
/// assert_eq!(period_code(Period::month(2026, 6).unwrap()), "202606");
/// assert_eq!(period_code(Period::quarter(2026, 2).unwrap()), "2026Q2");
/// assert_eq!(period_code(Period::year(2026).unwrap()), "2026");
/// assert_eq!(period_code("S2026".parse().unwrap()), "2025Oct");
/// assert_eq!(period_code("2026-01-05..2026-01-09".parse().unwrap()), "2026-01-05..2026-01-09");
/// ```
pub fn period_code(p: Period) -> String {
    let (y, m) = (p.start.year(), p.start.month());
    if Period::month(y, m) == Some(p) {
        format!("{y}{m:02}")
    } else if m % 3 == 1 && Period::quarter(y, m.div_ceil(3)) == Some(p) {
        format!("{y}Q{}", m.div_ceil(3))
    } else if Period::year(y) == Some(p) {
        y.to_string()
    } else if Period::statistical_year(y + 1) == Some(p) {
        format!("{y}Oct")
    } else {
        p.to_string()
    }
}

/// The flat data-value file aggregate platforms import (DHIS2 style): one line per rate and
/// unit, `period,orgunit,dataelement,numerator,denominator,value`, the value rounded to 2
/// decimals in the rate's scale and empty without data. Rows are the units of the report;
/// its `total` row and subjects outside every unit are left out (the platform adds units up).
///
/// # Errors
///
/// [`Error::Io`](crate::Error::Io) from the writer.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, RateReport, Registry, write_data_values};
/// let reg = Registry::example();
/// let p = Params::new("2026-06-30".parse()?).period("2026-06".parse()?);
/// let r = RateReport::new(&reg, p, &[RateCode::CaseFileRate], GroupBy::Grid, false);
/// let mut out = Vec::new();
/// write_data_values(&r, &mut out)?;
/// assert_eq!(String::from_utf8(out)?, "period,orgunit,dataelement,numerator,denominator,value\n\
///     202606,g1,case_file_rate,1,1,100.00\n202606,g2,case_file_rate,0,1,0.00\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "csv")]
pub fn write_data_values(report: &RateReport, out: impl std::io::Write) -> Result<(), crate::Error> {
    let io = |e: csv::Error| crate::Error::Io { file: "data values".into(), source: std::io::Error::other(e) };
    let mut w = csv::Writer::from_writer(out);
    w.write_record(["period", "orgunit", "dataelement", "numerator", "denominator", "value"]).map_err(io)?;
    let period = period_code(report.params.period);
    for s in &report.sections {
        for row in s.table.rows.iter().filter(|r| !r.key.is_empty()) {
            let value = row.rate.value().map(|v| format!("{v:.2}")).unwrap_or_default();
            w.write_record([
                period.as_str(),
                &row.key,
                s.code.code(),
                &row.rate.numerator.to_string(),
                &row.rate.denominator.to_string(),
                &value,
            ])
            .map_err(io)?;
        }
    }
    w.flush().map_err(|source| crate::Error::Io { file: "data values".into(), source })
}
