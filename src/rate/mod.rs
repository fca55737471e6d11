//! Rates and targets (DOMAIN §7): every indicator as an exact `numerator / denominator`,
//! counted per area unit in one pass over the registry, mergeable, grouped by any level
//! and by keeper, with the people behind every cell.
//!
//! The moving parts:
//! - [`Rate`]: the exact pair, displayed rounded (%, ‰ or ×100, see [`Scale`]);
//! - [`RateCode`] / [`RateInfo`]: the catalogue of DOMAIN §7;
//! - [`CustomRate`]: a user-defined rate from population filters and follow-up rules;
//! - [`Measure`]: either of the two, what [`Registry::partial`] and friends compute;
//! - [`Params`]: reference date `D`, period `P`, as-of `A`, and the [`StateBasis`];
//! - [`Partial`]: counts per unit, merged by [`Partial::merge`], grouped by [`Partial::group`];
//! - [`PartialRow`] / [`reduce`]: partials as flat rows across machines, reduced to the final table;
//! - [`Entry`]: one subject behind a cell, with its [`Reason`] when it is not counted;
//! - [`VisitsRead`]: which visits a set of measures can read (what a Spark job may drop).

mod catalogue;
mod custom;
mod drill;
mod engine;
#[cfg(feature = "fhir")]
pub mod fhir;
mod reads;
mod report;
mod shard;
mod target;
mod verify;
#[cfg(feature = "xlsx")]
mod xlsx;

#[cfg(test)]
mod tests;

pub use catalogue::{RateCode, RateInfo, catalogue};
pub use custom::{CustomRate, PersonFilter};
pub use drill::DrillDown;
pub use reads::VisitsRead;
#[cfg(feature = "csv")]
pub use report::write_data_values;
pub use report::{RateReport, RateSection, Verdict, period_code};
pub use shard::{PartialRow, ReducedRow, merge_rows, reduce};
pub use target::{Allocation, Assessment, Comparison, Target, assess};
pub use verify::{VerificationOutcome, VerifiedPerson};
#[cfg(feature = "xlsx")]
pub use xlsx::write_report_xlsx;

use crate::{AreaLevel, Areas, GridId, Method, Period, PersonId, RespondentKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// How a rate is displayed: as a percentage, per mille (births per 1000) or ×100 (sex ratio).
///
/// The scale changes only the display; the [`Rate`] keeps the exact pair.
///
/// # Example
///
/// ```
/// use famplan::{Rate, Scale};
/// assert_eq!(Rate::new(3, 1000).with_scale(Scale::PerMille).to_string(), "3.00‰");
/// assert_eq!(Scale::Times100.factor(), 100.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scale {
    /// Percent (%), the default.
    #[default]
    Percent,
    /// Per mille (‰): birth rate, general fertility rate.
    PerMille,
    /// Times 100 (no unit): sex ratio at birth (males per 100 females).
    Times100,
}

impl Scale {
    /// The factor applied to `numerator / denominator` for display.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Scale::PerMille.factor(), 1000.0);
    /// ```
    pub fn factor(self) -> f64 {
        match self {
            Scale::Percent | Scale::Times100 => 100.0,
            Scale::PerMille => 1000.0,
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Scale::Percent => "%",
            Scale::PerMille => "‰",
            Scale::Times100 => "",
        }
    }
}

/// A rate as the exact pair `numerator / denominator`; never a stored percentage.
///
/// A zero denominator is "no data": [`Rate::percent`] is `None` and it displays as `-`.
///
/// # Example
///
/// ```
/// use famplan::Rate;
/// let r = Rate::new(1, 3);
/// assert_eq!(r.to_string(), "33.33%");
/// assert_eq!(r.ratio(), Some(1.0 / 3.0));
/// assert_eq!(Rate::new(0, 0).percent(), None);
/// assert_eq!(Rate::new(0, 0).to_string(), "-");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Rate {
    /// Counted in the numerator.
    pub numerator: u64,
    /// Counted in the denominator.
    pub denominator: u64,
    /// How it is displayed.
    #[serde(default)]
    pub scale: Scale,
}

impl Rate {
    /// A percentage rate.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Rate::new(19, 20).percent(), Some(95.0));
    /// ```
    pub fn new(numerator: u64, denominator: u64) -> Rate {
        Rate { numerator, denominator, scale: Scale::Percent }
    }

    /// The same pair with another display scale.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Rate, Scale};
    /// assert_eq!(Rate::new(106, 100).with_scale(Scale::Times100).to_string(), "106.00");
    /// ```
    pub fn with_scale(self, scale: Scale) -> Rate {
        Rate { scale, ..self }
    }

    /// `numerator / denominator` as the IEEE double, `None` when the denominator is 0.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Rate::new(34, 41).ratio(), Some(34.0 / 41.0));
    /// ```
    pub fn ratio(&self) -> Option<f64> {
        (self.denominator != 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    /// The ratio × 100 (whatever the scale), `None` when the denominator is 0.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Rate::new(1, 4).percent(), Some(25.0));
    /// ```
    pub fn percent(&self) -> Option<f64> {
        self.ratio().map(|r| r * 100.0)
    }

    /// The ratio in the rate's own scale (%, ‰ or ×100), `None` when the denominator is 0.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Rate, Scale};
    /// assert_eq!(Rate::new(12, 1000).with_scale(Scale::PerMille).value(), Some(12.0));
    /// ```
    pub fn value(&self) -> Option<f64> {
        self.ratio().map(|r| r * self.scale.factor())
    }

    /// True when there is no data (denominator 0).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Rate::new(0, 0).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.denominator == 0
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value() {
            None => f.write_str("-"),
            Some(v) => write!(f, "{v:.2}{}", self.scale.suffix()),
        }
    }
}

/// The parameters of a computation (DOMAIN §1): reference date `D`, period `P`, as-of `A`.
///
/// Stocks are counted on `D`; flows over `P`; only events dated `≤ A` are seen.
/// [`Params::new`] sets `P` to the month of `D` and `A = D`.
///
/// # Example
///
/// ```
/// use famplan::{Params, Period};
/// let d = "2026-06-30".parse()?;
/// let p = Params::new(d).period(Period::quarter(2026, 2).unwrap()).as_of("2026-07-15".parse()?);
/// assert_eq!(p.period.start.to_string(), "2026-04-01");
/// assert_eq!(Params::new(d).as_of, d);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    /// Reference date `D`.
    pub on: NaiveDate,
    /// Period `P`.
    pub period: Period,
    /// As-of `A`: only events dated on or before it are seen.
    pub as_of: NaiveDate,
    /// For `method_mix`: the method whose share is wanted; `None` = long-acting methods.
    #[serde(default)]
    pub method: Option<Method>,
    /// For `satisfaction_rate` / `policy_awareness_rate`: only this respondent kind.
    #[serde(default)]
    pub respondent: Option<RespondentKind>,
    /// Which state of a person the conditions read: the one in effect on the date asked
    /// (default) or the one recorded on `A`.
    #[serde(default)]
    pub basis: StateBasis,
    /// For `policy_compliance_rate`: the province code (`44`) whose dated birth rules judge
    /// the births (DOMAIN §11); `None` = the province of the registry's
    /// [policy](crate::Registry::policy), else the national rules. The rules themselves are
    /// the registry's ([`Registry::set_policy`](crate::Registry::set_policy)).
    #[serde(default)]
    pub province: Option<u8>,
}

/// Which state of a person a rate's conditions read.
///
/// A person's attributes (marital status, method, residency, household, case file) change
/// over time. By default a rate reads them **on the date it asks about** — `D` for stocks, the
/// event's date for flows — as known on `A`: a method started on 3 July does not count in a
/// contraceptive prevalence on 30 June, even if it was recorded by the extraction on 15 July.
///
/// [`StateBasis::AsRecorded`] reads every attribute **as recorded on `A`**, whatever its date,
/// and only the age on the date asked. That is what a spreadsheet over a ledger extract counts,
/// and what `SIX_RATES.md` specifies ("all conditions on that person's own row").
///
/// # Example
///
/// ```
/// use famplan::{Params, StateBasis};
/// let p = Params::new("2026-06-30".parse()?).as_of("2026-07-15".parse()?);
/// assert_eq!(p.basis, StateBasis::OnDate);
/// assert_eq!(p.basis(StateBasis::AsRecorded).basis, StateBasis::AsRecorded);
/// assert_eq!("as_recorded".parse::<StateBasis>(), Ok(StateBasis::AsRecorded));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateBasis {
    /// The state in effect on the date asked, as known on `A` (DOMAIN §1).
    #[default]
    OnDate,
    /// The state recorded on `A`; only the age is taken on the date asked.
    AsRecorded,
}

impl StateBasis {
    /// The name used in files and on the command line: `on_date` or `as_recorded`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::StateBasis::OnDate.as_str(), "on_date");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            StateBasis::OnDate => "on_date",
            StateBasis::AsRecorded => "as_recorded",
        }
    }
}

impl fmt::Display for StateBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for StateBasis {
    type Err = String;

    fn from_str(s: &str) -> Result<StateBasis, String> {
        match s {
            "on_date" => Ok(StateBasis::OnDate),
            "as_recorded" => Ok(StateBasis::AsRecorded),
            other => Err(format!("`{other}` is not a state basis (on_date, as_recorded)")),
        }
    }
}

impl Params {
    /// `D = on`, `P` = the month of `on`, `A = on`.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Params::new("2026-06-15".parse()?);
    /// assert_eq!(p.period.to_string(), "2026-06-01..2026-06-30");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn new(on: NaiveDate) -> Params {
        Params {
            on,
            period: Period::month_of(on),
            as_of: on,
            method: None,
            respondent: None,
            basis: StateBasis::OnDate,
            province: None,
        }
    }

    /// Sets the period `P`.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Params::new("2026-06-30".parse()?).period(famplan::Period::year(2026).unwrap());
    /// assert_eq!(p.period.days(), 365);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn period(self, period: Period) -> Params {
        Params { period, ..self }
    }

    /// Sets the as-of date `A`.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Params::new("2026-06-30".parse()?).as_of("2026-07-15".parse()?);
    /// assert_eq!(p.as_of.to_string(), "2026-07-15");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn as_of(self, as_of: NaiveDate) -> Params {
        Params { as_of, ..self }
    }

    /// Sets the method of `method_mix`.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Params::new("2026-06-30".parse()?).method(famplan::Method::Iud);
    /// assert_eq!(p.method, Some(famplan::Method::Iud));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn method(self, method: Method) -> Params {
        Params { method: Some(method), ..self }
    }

    /// Restricts survey rates to one respondent kind.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::RespondentKind;
    /// let p = famplan::Params::new("2026-06-30".parse()?).respondent(RespondentKind::Floating);
    /// assert_eq!(p.respondent, Some(RespondentKind::Floating));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn respondent(self, respondent: RespondentKind) -> Params {
        Params { respondent: Some(respondent), ..self }
    }

    /// Sets which state of a person the conditions read (see [`StateBasis`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Params, StateBasis};
    /// let p = Params::new("2026-06-30".parse()?).basis(StateBasis::AsRecorded);
    /// assert_eq!(p.basis, StateBasis::AsRecorded);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn basis(self, basis: StateBasis) -> Params {
        Params { basis, ..self }
    }

    /// Sets the province whose birth rules judge `policy_compliance_rate` (see
    /// [`PolicySet::birth_rule`](crate::PolicySet::birth_rule)).
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Params::new("2026-06-30".parse()?).province(44);
    /// assert_eq!(p.province, Some(44));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn province(self, province: u8) -> Params {
        Params { province: Some(province), ..self }
    }
}

/// What a grouped result is grouped by: an area level or the grid keeper.
///
/// # Example
///
/// ```
/// use famplan::GroupBy;
/// assert_eq!("keeper".parse::<GroupBy>(), Ok(GroupBy::Keeper));
/// assert_eq!(GroupBy::Zone.to_string(), "zone");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// 社区
    Community,
    /// 片区
    Zone,
    /// 网格
    Grid,
    /// 居民小组
    Group,
    /// 网格责任人
    Keeper,
}

impl GroupBy {
    fn code(self) -> &'static str {
        match self {
            GroupBy::Community => "community",
            GroupBy::Zone => "zone",
            GroupBy::Grid => "grid",
            GroupBy::Group => "group",
            GroupBy::Keeper => "keeper",
        }
    }

    /// The unit level counts must be kept at to group by `self`: resident group for
    /// [`GroupBy::Group`], grid for everything else.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{AreaLevel, GroupBy};
    /// assert_eq!(GroupBy::Keeper.unit_level(), AreaLevel::Grid);
    /// assert_eq!(GroupBy::Group.unit_level(), AreaLevel::Group);
    /// ```
    pub fn unit_level(self) -> AreaLevel {
        if self == GroupBy::Group { AreaLevel::Group } else { AreaLevel::Grid }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for GroupBy {
    type Err = String;
    fn from_str(s: &str) -> Result<GroupBy, String> {
        Ok(match s {
            "community" => GroupBy::Community,
            "zone" => GroupBy::Zone,
            "grid" => GroupBy::Grid,
            "group" | "resident_group" => GroupBy::Group,
            "keeper" => GroupBy::Keeper,
            _ => return Err(format!("`{s}` is not one of community, zone, grid, group, keeper")),
        })
    }
}

/// The counts of one cell. Adding counts is associative and commutative, so cells of
/// shards computed apart add up to the cell of the whole.
///
/// `start` and `end` are used only by the rates over a mean population (`birth_rate`,
/// `general_fertility_rate`): the population on the period's first and last day.
///
/// # Example
///
/// ```
/// use famplan::Counts;
/// let mut a = Counts { numerator: 1, denominator: 2, ..Counts::default() };
/// a.add(&Counts { numerator: 3, denominator: 3, ..Counts::default() });
/// assert_eq!((a.numerator, a.denominator), (4, 5));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Counts {
    /// Counted in the numerator.
    pub numerator: u64,
    /// Counted in the denominator.
    pub denominator: u64,
    /// Population on the period's first day (mean-population rates).
    #[serde(default)]
    pub start: u64,
    /// Population on the period's last day (mean-population rates).
    #[serde(default)]
    pub end: u64,
}

impl Counts {
    /// Adds `other` into `self`.
    ///
    /// # Example
    ///
    /// ```
    /// let mut a = famplan::Counts { start: 10, end: 12, ..Default::default() };
    /// a.add(&famplan::Counts { start: 1, end: 1, ..Default::default() });
    /// assert_eq!((a.start, a.end), (11, 13));
    /// ```
    pub fn add(&mut self, other: &Counts) {
        self.numerator += other.numerator;
        self.denominator += other.denominator;
        self.start += other.start;
        self.end += other.end;
    }

    pub(crate) const fn one(counted: bool) -> Counts {
        Counts { numerator: counted as u64, denominator: 1, start: 0, end: 0 }
    }
}

/// What to compute: a catalogue rate or a user-defined one.
///
/// # Example
///
/// ```
/// use famplan::{Measure, RateCode};
/// let m: Measure = RateCode::Cpr.into();
/// assert_eq!(m.code(), "cpr");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Measure {
    /// A row of DOMAIN §7.
    Catalogue(RateCode),
    /// A user-defined rate.
    Custom(Box<CustomRate>),
}

impl Measure {
    /// The rate's code.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Measure::from(famplan::RateCode::BirthRate).code(), "birth_rate");
    /// ```
    pub fn code(&self) -> &str {
        match self {
            Measure::Catalogue(c) => c.code(),
            Measure::Custom(c) => &c.code,
        }
    }

    /// The rate of a cell's counts, in the measure's scale. Mean-population rates give
    /// `2 × births / (start + end)`, which is `births / ((start + end) / 2)` exactly.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Counts, Measure, RateCode};
    /// let c = Counts { numerator: 3, start: 1000, end: 1000, ..Counts::default() };
    /// assert_eq!(Measure::from(RateCode::BirthRate).rate(&c).to_string(), "3.00‰");
    /// ```
    pub fn rate(&self, c: &Counts) -> Rate {
        match self {
            Measure::Catalogue(code) if code.info().mean_population => {
                Rate::new(2 * c.numerator, c.start + c.end).with_scale(code.info().scale)
            }
            Measure::Catalogue(code) => Rate::new(c.numerator, c.denominator).with_scale(code.info().scale),
            Measure::Custom(r) => Rate::new(c.numerator, c.denominator).with_scale(r.scale),
        }
    }
}

impl From<RateCode> for Measure {
    fn from(c: RateCode) -> Measure {
        Measure::Catalogue(c)
    }
}

impl From<CustomRate> for Measure {
    fn from(c: CustomRate) -> Measure {
        Measure::Custom(Box::new(c))
    }
}

/// Counts per unit (grid, or resident group), keyed by the unit's id; `""` holds subjects
/// that belong to no unit. Partials of shards computed apart [`merge`](Partial::merge) into
/// the partial of the whole; [`group`](Partial::group) rolls them up to any level.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let p = reg.partial(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
/// let table = p.group(reg.areas(), GroupBy::Zone);
/// assert_eq!(table.total.rate.to_string(), "50.00%");
/// assert_eq!(table.rows.len(), 2);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    /// The measure these counts belong to.
    pub measure: Measure,
    /// The unit level of the keys (grid or group).
    pub level: AreaLevel,
    /// Counts per unit id.
    pub cells: BTreeMap<String, Counts>,
}

impl Partial {
    /// Adds another shard's counts (same measure and level) into this one.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{AreaLevel, Counts, Partial, RateCode};
    /// let mut a = Partial::empty(RateCode::Cpr.into(), AreaLevel::Grid);
    /// a.cells.insert("g1".into(), Counts { numerator: 1, denominator: 2, ..Counts::default() });
    /// let mut b = Partial::empty(RateCode::Cpr.into(), AreaLevel::Grid);
    /// b.cells.insert("g1".into(), Counts { numerator: 1, denominator: 1, ..Counts::default() });
    /// a.merge(&b);
    /// assert_eq!(a.cells["g1"].denominator, 3);
    /// ```
    pub fn merge(&mut self, other: &Partial) {
        for (k, c) in &other.cells {
            self.cells.entry(k.clone()).or_default().add(c);
        }
    }

    /// A partial with no cells.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{AreaLevel, Partial, RateCode};
    /// assert!(Partial::empty(RateCode::Cpr.into(), AreaLevel::Grid).cells.is_empty());
    /// ```
    pub fn empty(measure: Measure, level: AreaLevel) -> Partial {
        Partial { measure, level, cells: BTreeMap::new() }
    }

    /// The sum of every cell.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = reg.partial(&RateCode::Cpr.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
    /// assert_eq!(p.total().denominator, 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for c in self.cells.values() {
            t.add(c);
        }
        t
    }

    /// Rolls the cells up to `by`. Every unit of that level defined in `areas` gets a row,
    /// even with no subjects (no data); subjects outside every unit go to a row keyed `""`.
    /// The total is the sum of the rows.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = reg.partial(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Keeper);
    /// let t = p.group(reg.areas(), GroupBy::Keeper);
    /// assert_eq!(t.rows.iter().map(|r| r.key.as_str()).collect::<Vec<_>>(), ["k1", "k2"]);
    /// assert_eq!(t.rows[1].rate.to_string(), "0.00%");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn group(&self, areas: &Areas, by: GroupBy) -> Table {
        let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
        match by {
            GroupBy::Keeper => {
                for g in areas.all(AreaLevel::Grid) {
                    rows.entry(keeper_of(areas, &g.id)).or_default();
                }
            }
            _ => {
                let level = area_level(by);
                for a in areas.all(level) {
                    rows.entry(a.id.clone()).or_default();
                }
            }
        }
        for (unit, c) in &self.cells {
            let key = roll_up(areas, self.level, unit, by);
            rows.entry(key).or_default().add(c);
        }
        rows.retain(|k, c| !k.is_empty() || *c != Counts::default());
        let mut total = Counts::default();
        let rows: Vec<Row> = rows
            .into_iter()
            .map(|(key, counts)| {
                total.add(&counts);
                Row { rate: self.measure.rate(&counts), key, counts }
            })
            .collect();
        Table {
            code: self.measure.code().to_string(),
            by,
            rows,
            total: Row { key: "total".into(), counts: total, rate: self.measure.rate(&total) },
        }
    }
}

fn area_level(by: GroupBy) -> AreaLevel {
    match by {
        GroupBy::Community => AreaLevel::Community,
        GroupBy::Zone => AreaLevel::Zone,
        GroupBy::Grid | GroupBy::Keeper => AreaLevel::Grid,
        GroupBy::Group => AreaLevel::Group,
    }
}

pub(crate) fn keeper_of(areas: &Areas, grid: &str) -> String {
    areas.keeper(&GridId::new(grid)).map(|s| s.id.as_str().to_string()).unwrap_or_default()
}

/// The key of `unit` (at `level`) when grouped by `by`; `""` when it has no such ancestor.
pub(crate) fn roll_up(areas: &Areas, level: AreaLevel, unit: &str, by: GroupBy) -> String {
    if unit.is_empty() {
        return String::new();
    }
    match by {
        GroupBy::Keeper => {
            let grid = if level == AreaLevel::Grid { Some(unit) } else { areas.ancestor(level, unit, AreaLevel::Grid) };
            grid.map(|g| keeper_of(areas, g)).unwrap_or_default()
        }
        _ => {
            let up = area_level(by);
            if up == level { unit.to_string() } else { areas.ancestor(level, unit, up).unwrap_or("").to_string() }
        }
    }
}

/// One row of a grouped result.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let t = reg.rate(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
/// let g1 = &t.rows[0];
/// assert_eq!((g1.key.as_str(), g1.counts.numerator, g1.counts.denominator), ("g1", 1, 1));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Row {
    /// The unit's id (area id, or keeper's staff id); `""` for subjects outside every unit.
    pub key: String,
    /// The counts.
    pub counts: Counts,
    /// The rate of the counts.
    pub rate: Rate,
}

/// A rate grouped by one level, with its total (the sum of the rows).
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let t = reg.rate(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Community);
/// assert_eq!(t.rows.len(), 1);
/// assert_eq!(t.rows[0].counts, t.total.counts);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The rate's code.
    pub code: String,
    /// What the rows are.
    pub by: GroupBy,
    /// One row per unit, ordered by key.
    pub rows: Vec<Row>,
    /// The sum of the rows.
    pub total: Row,
}

impl Table {
    /// The row of `key`, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let t = reg.rate(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid);
    /// assert_eq!(t.row("g2").unwrap().counts.denominator, 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }
}

/// Why a subject in the denominator is not in the numerator (or why an obligation exists):
/// the rule, what is missing, and the dates that matter.
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let entries = reg.drill_down(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Grid, "g2");
/// let why = entries[0].reason.as_ref().unwrap();
/// assert_eq!(why.missing, "case_file");
/// assert!(why.to_string().contains("no open case file"));
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reason {
    /// The rule or rate condition that was not met.
    pub rule: String,
    /// The missing field or event (`case_file`, `contraceptive_method`, a visit kind…).
    pub missing: String,
    /// Human-readable detail.
    pub detail: String,
    /// The due date, for an obligation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<NaiveDate>,
    /// The window, for an obligation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<Period>,
}

impl Reason {
    pub(crate) fn new(rule: impl Into<String>, missing: impl Into<String>, detail: impl Into<String>) -> Reason {
        Reason { rule: rule.into(), missing: missing.into(), detail: detail.into(), due: None, window: None }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.rule, self.detail)?;
        if let Some(d) = self.due {
            write!(f, " (due {d}")?;
            if let Some(w) = self.window {
                write!(f, ", window {w}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// One subject behind a cell: a person, an obligation, a birth, a household, a survey
/// response or a verified record, counted in the numerator or not (then with a reason).
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let all = reg.drill_down(&RateCode::CaseFileRate.into(), &Params::new("2026-06-30".parse()?), GroupBy::Community, "c1");
/// assert_eq!(all.len(), 2);
/// let counted: Vec<_> = all.iter().filter(|e| e.counted).map(|e| e.subject.as_str()).collect();
/// assert_eq!(counted, ["p1"]);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The unit (grid or group id) the subject was counted in.
    pub unit: String,
    /// The person, when the subject is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    /// What was counted: a person id, or a description of the obligation / record.
    pub subject: String,
    /// In the numerator.
    pub counted: bool,
    /// Why it is not in the numerator (`None` when counted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}
