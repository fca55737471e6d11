//! The grid's rates against their targets (目标管理责任制).

use chrono::NaiveDate;

/// One rate of a grid over a period, against its target.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct RateResult {
    /// The rate's code (`case_file_rate`, `followup_rate` …).
    pub code: String,
    /// 中文名 (个案建档率 …).
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The people (or events) counted in the numerator.
    pub numerator: u64,
    /// The population counted in the denominator (0: no data).
    pub denominator: u64,
    /// The value in the rate's display unit (%, ‰ or ×100); none when there is no data.
    pub value: Option<f64>,
    /// The value as published: two decimals and the unit (`95.24%`), `-` with no data.
    pub display: String,
    /// The target, in the display unit.
    pub target: f64,
    /// Met (never with no data).
    pub met: bool,
    /// Value − target (none with no data).
    pub gap: Option<f64>,
    /// 1-based rank among the grids of the same zone with data, best first.
    pub rank: Option<u32>,
    /// How many grids of the zone (this one included) have data.
    pub siblings: u32,
    /// The period's first day.
    pub start: NaiveDate,
    /// The period's last day (also the reference date and as-of date).
    pub end: NaiveDate,
}

impl RateResult {
    pub(crate) fn from_core(a: &famplan::Assessment, info: &famplan::RateInfo) -> RateResult {
        RateResult {
            code: a.target.rate.clone(),
            name_zh: info.zh.to_string(),
            name_en: info.en.to_string(),
            numerator: a.actual.numerator,
            denominator: a.actual.denominator,
            value: a.actual.value(),
            display: a.actual.to_string(),
            target: a.target.value,
            met: a.met,
            gap: a.gap,
            rank: a.rank.map(|r| r as u32),
            siblings: a.siblings as u32,
            start: a.target.start,
            end: a.target.end,
        }
    }
}
