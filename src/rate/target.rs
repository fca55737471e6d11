//! Targets and assessment (目标管理责任制, DOMAIN §7): a target per unit, the actual rate,
//! met or not, the gap, a weighted score, the rank among siblings; allocation down the tree.
//!
//! The file formats are documented on [`Target`].

use super::{CustomRate, GroupBy, Measure, Params, Rate, RateCode, Table, roll_up};
use crate::{AreaLevel, Error, Location, Period, Registry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn invalid(at: Location, reason: impl Into<String>) -> Error {
    Error::Invalid { at, reason: reason.into() }
}
use std::collections::HashMap;

/// At least (`>=`) or at most (`<=`).
///
/// # Example
///
/// ```
/// use famplan::Comparison;
/// assert!(Comparison::AtLeast.holds(95.0, 95.0));
/// assert!(!Comparison::AtMost.holds(3.1, 3.0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    /// The actual value must be ≥ the target.
    #[default]
    #[serde(rename = ">=", alias = "at_least")]
    AtLeast,
    /// The actual value must be ≤ the target.
    #[serde(rename = "<=", alias = "at_most")]
    AtMost,
}

impl Comparison {
    /// True when `actual` meets `target`.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Comparison::AtMost.holds(1.0, 2.0));
    /// ```
    pub fn holds(self, actual: f64, target: f64) -> bool {
        match self {
            Comparison::AtLeast => actual >= target,
            Comparison::AtMost => actual <= target,
        }
    }

    fn better(self, a: f64, b: f64) -> bool {
        match self {
            Comparison::AtLeast => a > b,
            Comparison::AtMost => a < b,
        }
    }
}

fn one() -> f64 {
    1.0
}

/// A target: `{rate, unit (area or keeper), period, ≥ or ≤, value, weight}`.
///
/// `targets.csv` (optional in a snapshot, DOMAIN §15) has one header line and the columns
/// `rate,level,unit,start,end,cmp,value,weight`:
///
/// | column | meaning |
/// |---|---|
/// | `rate` | a catalogue code (`case_file_rate`…) or a user-defined rate's code |
/// | `level` | `community`, `zone`, `grid`, `group` or `keeper` |
/// | `unit` | the area id at that level, or the keeper's staff id |
/// | `start`, `end` | the period, `YYYY-MM-DD`, both included |
/// | `cmp` | `>=` (at least, the default when empty) or `<=` (at most) |
/// | `value` | the target in the rate's display unit (%, ‰ or ×100) |
/// | `weight` | the weight of the target in the score (1 when empty) |
///
/// The TOML form is an array of tables `[[target]]` with the same keys (dates as quoted
/// strings, `start = "2026-01-01"`).
///
/// # Example
///
/// ```
/// use famplan::Target;
/// let ts = Target::from_toml(r#"
///     [[target]]
///     rate = "case_file_rate"
///     level = "community"
///     unit = "c1"
///     start = "2026-01-01"
///     end = "2026-06-30"
///     value = 100
/// "#)?;
/// assert_eq!(ts[0].weight, 1.0);
/// assert_eq!(ts[0].period().unwrap().to_string(), "2026-01-01..2026-06-30");
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// The rate's code.
    pub rate: String,
    /// The unit's level (or keeper).
    pub level: GroupBy,
    /// The unit: area id or staff id.
    pub unit: String,
    /// First day of the period.
    pub start: NaiveDate,
    /// Last day of the period (also the reference date `D` and as-of `A`).
    pub end: NaiveDate,
    /// `>=` or `<=`.
    #[serde(default)]
    pub cmp: Comparison,
    /// The target value in the rate's display unit.
    pub value: f64,
    /// Weight in the score.
    #[serde(default = "one")]
    pub weight: f64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlTargets {
    #[serde(default)]
    target: Vec<Target>,
}

/// How a target is allocated to the units below it.
///
/// # Example
///
/// ```
/// assert_ne!(famplan::Allocation::Same, famplan::Allocation::ByDenominator);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Allocation {
    /// Every unit gets the same value and the same weight.
    Same,
    /// Every unit gets the same value; the weight is split in proportion to each unit's
    /// denominator over the period (equally when every denominator is 0).
    ByDenominator,
}

impl Target {
    /// The target's period; `None` when `end` is before `start`.
    ///
    /// # Example
    ///
    /// ```
    /// let t = famplan::Target { rate: "cpr".into(), level: famplan::GroupBy::Grid, unit: "g1".into(),
    ///     start: "2026-06-30".parse()?, end: "2026-06-01".parse()?, cmp: Default::default(), value: 80.0, weight: 1.0 };
    /// assert!(t.period().is_none());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn period(&self) -> Option<Period> {
        Period::new(self.start, self.end)
    }

    /// Reads `[[target]]` tables from TOML.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] with the TOML error.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Target::from_toml("[[target]]\nrate = 1").is_err());
    /// ```
    pub fn from_toml(s: &str) -> Result<Vec<Target>, Error> {
        let t: TomlTargets =
            toml::from_str(s).map_err(|e| invalid(Location::field("targets.toml"), e.to_string().trim_end()))?;
        Ok(t.target)
    }

    /// Reads `targets.csv` (columns above, on [`Target`]).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming `targets.csv:line`.
    ///
    /// # Example
    ///
    /// ```
    /// let csv = "rate,level,unit,start,end,cmp,value,weight\ncpr,zone,z1,2026-01-01,2026-12-31,>=,80,2\n";
    /// let ts = famplan::Target::read_csv(csv.as_bytes())?;
    /// assert_eq!((ts[0].value, ts[0].weight), (80.0, 2.0));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    #[cfg(feature = "csv")]
    pub fn read_csv(r: impl std::io::Read) -> Result<Vec<Target>, Error> {
        #[derive(Deserialize)]
        struct Line {
            rate: String,
            level: GroupBy,
            unit: String,
            start: NaiveDate,
            end: NaiveDate,
            cmp: Option<Comparison>,
            value: f64,
            weight: Option<f64>,
        }
        let mut rd = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(r);
        let mut out = Vec::new();
        for (i, row) in rd.deserialize::<Line>().enumerate() {
            let l = row.map_err(|e| {
                let line = e.position().map_or(i as u64 + 2, |p| p.line());
                invalid(Location::new("targets.csv", line, ""), e.to_string())
            })?;
            out.push(Target {
                rate: l.rate,
                level: l.level,
                unit: l.unit,
                start: l.start,
                end: l.end,
                cmp: l.cmp.unwrap_or_default(),
                value: l.value,
                weight: l.weight.unwrap_or(1.0),
            });
        }
        Ok(out)
    }

    /// Allocates this target to the units of level `to` below its unit.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown rate code; [`Error::Invalid`] when `to` is not below
    /// the target's level or the period is empty.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Allocation, GroupBy, Registry, Target};
    /// let t = Target { rate: "case_file_rate".into(), level: GroupBy::Community, unit: "c1".into(),
    ///     start: "2026-06-01".parse()?, end: "2026-06-30".parse()?, cmp: Default::default(), value: 100.0, weight: 4.0 };
    /// let reg = Registry::example();
    /// let grids = t.allocate(&reg, GroupBy::Grid, Allocation::ByDenominator, &[])?;
    /// assert_eq!(grids.iter().map(|g| (g.unit.as_str(), g.weight)).collect::<Vec<_>>(), [("g1", 2.0), ("g2", 2.0)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn allocate(
        &self,
        reg: &Registry,
        to: GroupBy,
        how: Allocation,
        custom: &[CustomRate],
    ) -> Result<Vec<Target>, Error> {
        let below = matches!(
            (self.level, to),
            (GroupBy::Community, GroupBy::Zone | GroupBy::Grid | GroupBy::Group)
                | (GroupBy::Zone, GroupBy::Grid | GroupBy::Group)
                | (GroupBy::Grid, GroupBy::Group)
        );
        if !below {
            return Err(invalid(
                Location::field("allocate"),
                format!("cannot allocate a {} target to {to}", self.level),
            ));
        }
        let measure = resolve(&self.rate, custom)?;
        let table = reg.rate(&measure, &params(self)?, to);
        let level = to.unit_level();
        let rows: Vec<_> = table
            .rows
            .iter()
            .filter(|r| !r.key.is_empty() && roll_up(reg.areas(), level, &r.key, self.level) == self.unit)
            .collect();
        let total: u64 = rows.iter().map(|r| weight_base(r)).sum();
        Ok(rows
            .iter()
            .map(|r| {
                let weight = match how {
                    Allocation::Same => self.weight,
                    Allocation::ByDenominator if total == 0 => self.weight / rows.len() as f64,
                    Allocation::ByDenominator => self.weight * weight_base(r) as f64 / total as f64,
                };
                Target { level: to, unit: r.key.clone(), weight, ..self.clone() }
            })
            .collect())
    }
}

fn weight_base(r: &super::Row) -> u64 {
    r.rate.denominator
}

fn resolve(code: &str, custom: &[CustomRate]) -> Result<Measure, Error> {
    if let Some(c) = custom.iter().find(|c| c.code == code) {
        return Ok(Measure::Custom(Box::new(c.clone())));
    }
    RateCode::from_code(code).map(Measure::Catalogue).ok_or_else(|| Error::NotFound { kind: "rate", id: code.into() })
}

fn params(t: &Target) -> Result<Params, Error> {
    let period = t
        .period()
        .ok_or_else(|| invalid(Location::field(format!("target {} {}", t.rate, t.unit)), "end is before start"))?;
    Ok(Params::new(t.end).period(period))
}

/// The assessment of one target.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Registry, Target, assess};
/// let t = |unit: &str| Target { rate: "case_file_rate".into(), level: GroupBy::Grid, unit: unit.into(),
///     start: "2026-06-01".parse().unwrap(), end: "2026-06-30".parse().unwrap(), cmp: Default::default(), value: 100.0, weight: 2.0 };
/// let a = assess(&Registry::example(), &[t("g1"), t("g2")], &[])?;
/// assert!(a[0].met && !a[1].met);
/// assert_eq!((a[0].score, a[1].score), (2.0, 0.0));
/// assert_eq!((a[0].rank, a[1].rank), (Some(1), Some(1))); // g1 and g2 are in different zones
/// assert_eq!(a[1].gap, Some(-100.0));
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    /// The target.
    pub target: Target,
    /// The unit's actual rate over the target's period.
    pub actual: Rate,
    /// Met (never with no data).
    pub met: bool,
    /// Actual − target in the display unit (`None` with no data).
    pub gap: Option<f64>,
    /// `weight` when met; otherwise `weight × actual / target` for `>=` and
    /// `weight × target / actual` for `<=` (0 with no data).
    pub score: f64,
    /// 1-based rank among the siblings with data (units of the same level under the same
    /// parent; all keepers for a keeper), best first; ties share a rank; `None` with no data.
    pub rank: Option<usize>,
    /// How many siblings (including the unit) have data.
    pub siblings: usize,
}

/// Assesses every target: actual rate over its period (with `D = A =` its end), met, gap,
/// weighted score, rank among siblings.
///
/// # Errors
///
/// [`Error::NotFound`] for an unknown rate code; [`Error::Invalid`] for an empty period.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Registry, Target, assess};
/// let t = Target { rate: "cpr".into(), level: GroupBy::Keeper, unit: "k2".into(),
///     start: "2026-06-01".parse().unwrap(), end: "2026-06-30".parse().unwrap(), cmp: Default::default(), value: 80.0, weight: 1.0 };
/// let a = assess(&Registry::example(), &[t], &[])?;
/// assert_eq!(a[0].actual.to_string(), "-");
/// assert_eq!((a[0].met, a[0].rank), (false, None));
/// # Ok::<(), famplan::Error>(())
/// ```
pub fn assess(reg: &Registry, targets: &[Target], custom: &[CustomRate]) -> Result<Vec<Assessment>, Error> {
    let mut tables: HashMap<(String, NaiveDate, NaiveDate, GroupBy), Table> = HashMap::new();
    let mut out = Vec::with_capacity(targets.len());
    for t in targets {
        let measure = resolve(&t.rate, custom)?;
        let p = params(t)?;
        let table =
            tables.entry((t.rate.clone(), t.start, t.end, t.level)).or_insert_with(|| reg.rate(&measure, &p, t.level));
        let actual = table.row(&t.unit).map(|r| r.rate).unwrap_or_else(|| measure.rate(&Default::default()));
        let value = actual.value();
        let met = value.is_some_and(|v| t.cmp.holds(v, t.value));
        let score = match value {
            None => 0.0,
            Some(_) if met => t.weight,
            Some(v) => {
                let share = match t.cmp {
                    Comparison::AtLeast if t.value > 0.0 => v / t.value,
                    Comparison::AtMost if v > 0.0 => t.value / v,
                    _ => 0.0,
                };
                t.weight * share.clamp(0.0, 1.0)
            }
        };
        let parent = |key: &str| parent_of(reg, t.level, key);
        let my_parent = parent(&t.unit);
        let sibs: Vec<f64> = table
            .rows
            .iter()
            .filter(|r| !r.key.is_empty() && parent(&r.key) == my_parent)
            .filter_map(|r| r.rate.value())
            .collect();
        let rank = value.map(|v| 1 + sibs.iter().filter(|&&s| t.cmp.better(s, v)).count());
        out.push(Assessment {
            target: t.clone(),
            actual,
            met,
            gap: value.map(|v| v - t.value),
            score,
            rank,
            siblings: sibs.len(),
        });
    }
    Ok(out)
}

fn parent_of(reg: &Registry, by: GroupBy, key: &str) -> Option<String> {
    let (level, up) = match by {
        GroupBy::Zone => (AreaLevel::Zone, AreaLevel::Community),
        GroupBy::Grid => (AreaLevel::Grid, AreaLevel::Zone),
        GroupBy::Group => (AreaLevel::Group, AreaLevel::Grid),
        GroupBy::Community | GroupBy::Keeper => return None,
    };
    reg.areas().ancestor(level, key, up).map(str::to_string)
}
