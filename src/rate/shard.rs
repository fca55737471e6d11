//! Scale-out (docs/scale-out.md): a [`Partial`] as flat rows that a data-frame engine can
//! carry between machines, and [`reduce`], which merges the rows of every shard and gives the
//! final rate table with its targets.
//!
//! Every catalogue rate merges exactly from these rows. Most are sums of per-subject counts
//! (`numerator`, `denominator`); the two over a mean population (`birth_rate`,
//! `general_fertility_rate`) also carry the population on the period's first and last day
//! (`start`, `end`), so the merged rate is `2 × births / (Σ start + Σ end)`, not a mean of
//! shard rates.

use super::{Comparison, Counts, GroupBy, Measure, Params, Partial, Rate, Target};
use crate::{AreaLevel, Areas, Error, Location};
use serde::{Deserialize, Serialize};

/// 分片计数行 — one cell of a [`Partial`] as a flat row: the rate's code, the unit level and
/// id, and the counts. The rows of all shards, concatenated, are what [`reduce`] takes.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let p = reg.partial(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
/// let rows = p.rows();
/// assert_eq!((rows[0].rate.as_str(), rows[0].unit.as_str(), rows[0].numerator, rows[0].denominator), ("case_file_rate", "g1", 1, 1));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartialRow {
    /// The rate's code.
    pub rate: String,
    /// The level of `unit` (grid, or resident group).
    pub level: AreaLevel,
    /// The unit's id; `""` for subjects outside every unit.
    pub unit: String,
    /// Counted in the numerator.
    pub numerator: u64,
    /// Counted in the denominator.
    pub denominator: u64,
    /// Population on the period's first day (mean-population rates; else 0).
    pub start: u64,
    /// Population on the period's last day (mean-population rates; else 0).
    pub end: u64,
}

impl PartialRow {
    /// The counts of the row.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{AreaLevel, PartialRow};
    /// let r = PartialRow { rate: "birth_rate".into(), level: AreaLevel::Grid, unit: "g1".into(), numerator: 3, denominator: 0, start: 990, end: 1010 };
    /// assert_eq!(r.counts().start + r.counts().end, 2000);
    /// ```
    pub fn counts(&self) -> Counts {
        Counts { numerator: self.numerator, denominator: self.denominator, start: self.start, end: self.end }
    }
}

impl Partial {
    /// The cells as flat rows, in unit order.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = reg.partial(&RateCode::Cpr.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
    /// assert_eq!(p.rows().len(), p.cells.len());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn rows(&self) -> Vec<PartialRow> {
        self.cells
            .iter()
            .map(|(unit, c)| PartialRow {
                rate: self.measure.code().to_string(),
                level: self.level,
                unit: unit.clone(),
                numerator: c.numerator,
                denominator: c.denominator,
                start: c.start,
                end: c.end,
            })
            .collect()
    }

    /// Adds one flat row's counts to its unit (the caller checks rate and level).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{AreaLevel, Partial, PartialRow, RateCode};
    /// let mut p = Partial::empty(RateCode::Cpr.into(), AreaLevel::Grid);
    /// let row = PartialRow { rate: "cpr".into(), level: AreaLevel::Grid, unit: "g1".into(), numerator: 1, denominator: 2, start: 0, end: 0 };
    /// p.add_row(&row);
    /// p.add_row(&row);
    /// assert_eq!(p.cells["g1"].denominator, 4);
    /// ```
    pub fn add_row(&mut self, row: &PartialRow) {
        self.cells.entry(row.unit.clone()).or_default().add(&row.counts());
    }
}

/// 汇总表行 — one row of the final rate table: a unit's merged counts, its rate, and the target
/// it is judged against.
///
/// The target is the one given for the rate, level, unit and period, else the catalogue's
/// default target (`>=`), else none. `met` is `None` without a target and `Some(false)` with
/// no data (DOMAIN §7: no data is never a met target).
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry, reduce};
/// let reg = Registry::example();
/// let cf = RateCode::CaseFileRate.into();
/// let params = Params::new("2026-06-30".parse()?);
/// let rows = reg.partial(&cf, &params, GroupBy::Grid).rows();
/// let table = reduce(&rows, &[(&cf, params)], reg.areas(), GroupBy::Grid, &[])?;
/// let g2 = &table[1];
/// assert_eq!((g2.key.as_str(), g2.rate.to_string(), g2.target, g2.met), ("g2", "0.00%".to_string(), Some(100.0), Some(false)));
/// assert!(table[2].total);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReducedRow {
    /// The rate's code.
    pub code: String,
    /// The unit (area id or keeper id) the row is grouped by; `"total"` on the total row.
    pub key: String,
    /// True on the one row per rate that sums every unit.
    pub total: bool,
    /// The merged counts.
    pub counts: Counts,
    /// The rate of the counts.
    pub rate: Rate,
    /// The target value in the rate's display unit, if any.
    pub target: Option<f64>,
    /// How the target compares.
    pub cmp: Comparison,
    /// True when the target is the catalogue's default (no target was given for the unit).
    pub default_target: bool,
    /// Met (`None` without a target).
    pub met: Option<bool>,
    /// Rate − target in the display unit (`None` without a target or with no data).
    pub gap: Option<f64>,
}

fn bad_row(i: usize, field: &str, reason: String) -> Error {
    Error::Invalid { at: Location::new("partials", i as u64 + 1, field), reason }
}

/// Merges the partial rows of every shard (in any order, any split) into one [`Partial`] per
/// job, in job order; `by` says which unit level the rows must be kept at.
///
/// # Errors
///
/// [`Error::Invalid`] naming `partials:N` (1-based row) for a row of a rate that is not among
/// the jobs, or kept at another unit level than `by` needs.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry, merge_rows};
/// let reg = Registry::example();
/// let cpr = RateCode::Cpr.into();
/// let p = Params::new("2026-06-30".parse()?);
/// let rows = reg.partial(&cpr, &p, GroupBy::Grid).rows();
/// let twice: Vec<_> = rows.iter().chain(&rows).cloned().collect();
/// let merged = merge_rows(&twice, &[(&cpr, p)], GroupBy::Grid)?;
/// assert_eq!(merged[0].total().denominator, 2);
/// let err = merge_rows(&rows, &[], GroupBy::Grid).unwrap_err();
/// assert_eq!(err.to_string(), "partials:1: rate: `cpr` is not among the rates asked");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn merge_rows(rows: &[PartialRow], jobs: &[(&Measure, Params)], by: GroupBy) -> Result<Vec<Partial>, Error> {
    let level = by.unit_level();
    let mut parts: Vec<Partial> = jobs.iter().map(|(m, _)| Partial::empty((*m).clone(), level)).collect();
    for (i, row) in rows.iter().enumerate() {
        let Some(p) = parts.iter_mut().find(|p| p.measure.code() == row.rate) else {
            return Err(bad_row(i, "rate", format!("`{}` is not among the rates asked", row.rate)));
        };
        if row.level != level {
            return Err(bad_row(
                i,
                "level",
                format!("`{}`: grouping by {by} needs partials kept per {}", row.level, level),
            ));
        }
        p.add_row(row);
    }
    Ok(parts)
}

/// 汇总 — the final rate table from the partial rows of every shard: rows merged per rate and
/// unit ([`merge_rows`]), grouped by `by` over `areas` (every unit of that level gets a row),
/// one total row per rate, each row with its target (see [`ReducedRow`]).
///
/// A target applies to a row when its rate, level, unit and period (`start..end` = the job's
/// period) are the row's.
///
/// # Errors
///
/// As [`merge_rows`].
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry, Target, reduce};
/// let reg = Registry::example();
/// let cpr = RateCode::Cpr.into();
/// let p = Params::new("2026-06-30".parse()?);
/// let rows = reg.partial(&cpr, &p, GroupBy::Grid).rows();
/// let t = Target { rate: "cpr".into(), level: GroupBy::Zone, unit: "z1".into(), start: p.period.start,
///     end: p.period.end, cmp: Default::default(), value: 80.0, weight: 1.0 };
/// let table = reduce(&rows, &[(&cpr, p)], reg.areas(), GroupBy::Zone, &[t])?;
/// let z1 = &table[0];
/// assert_eq!((z1.key.as_str(), z1.rate.to_string(), z1.met, z1.gap), ("z1", "100.00%".to_string(), Some(true), Some(20.0)));
/// assert_eq!(table[1].target, None); // cpr has no default target
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn reduce(
    rows: &[PartialRow],
    jobs: &[(&Measure, Params)],
    areas: &Areas,
    by: GroupBy,
    targets: &[Target],
) -> Result<Vec<ReducedRow>, Error> {
    let parts = merge_rows(rows, jobs, by)?;
    let mut out = Vec::new();
    for (part, (measure, params)) in parts.iter().zip(jobs) {
        let table = part.group(areas, by);
        let default = match measure {
            Measure::Catalogue(c) => c.info().default_target,
            Measure::Custom(_) => None,
        };
        let code = measure.code();
        let period = params.period;
        let given = |key: &str| {
            targets.iter().find(|t| {
                t.rate == code && t.level == by && t.unit == key && t.start == period.start && t.end == period.end
            })
        };
        for (row, total) in table.rows.iter().map(|r| (r, false)).chain([(&table.total, true)]) {
            let explicit = if total { None } else { given(&row.key) };
            let (target, cmp) = match explicit {
                Some(t) => (Some(t.value), t.cmp),
                None => (default, Comparison::AtLeast),
            };
            let value = row.rate.value();
            out.push(ReducedRow {
                code: code.to_string(),
                key: row.key.clone(),
                total,
                counts: row.counts,
                rate: row.rate,
                target,
                cmp,
                default_target: explicit.is_none() && target.is_some(),
                met: target.map(|t| value.is_some_and(|v| cmp.holds(v, t))),
                gap: target.zip(value).map(|(t, v)| v - t),
            });
        }
    }
    Ok(out)
}
