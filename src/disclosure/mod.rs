//! 政务公开 — public disclosure (阳光计生, DOMAIN §13): notices in five categories, each for an
//! audience (community, zone or grid) with a publish and an expiry date; "dynamic" notices
//! generated from the registry; and the Markdown and HTML notice pages.
//!
//! Privacy (PIPL 2021) is built into the types: a [`PublicItem`] holds only the values of
//! [`public`](self::public) — authored [`PublicText`], aggregate [`PublicCount`]s (under 5
//! shown as `<5`), and masked names, ID numbers, phones and addresses. A list of people
//! ([`PersonList`]) cannot be built without a [`LegalBasis`].

mod dynamic;
mod hotline;
pub(crate) mod public;
mod render;

pub use hotline::Hotline;
pub use public::{LegalBasis, MaskedAddress, MaskedId, MaskedName, MaskedPhone, PublicCount, PublicText};

use crate::person::code_enum;
use crate::{AreaLevel, Areas, Error, GridId, Location, Registry, ZoneId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

pub(crate) const DEFAULT_NOTICES: &str = include_str!("../../rules/disclosure.toml");

code_enum!(
    /// 公开类别 — the five categories of public disclosure (DOMAIN §13), in page order.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::DisclosureCategory;
    /// assert_eq!(DisclosureCategory::ALL.len(), 5);
    /// assert_eq!(DisclosureCategory::RightsProtection.zh(), "维权类");
    /// ```
    DisclosureCategory {
        /** 政策类 — policies and regulations. */ Policy = "policy",
        /** 程序类 — procedures: how to apply, time limits. */ Procedure = "procedure",
        /** 服务类 — services offered. */ Service = "service",
        /** 维权类 — rights protection: complaints, supervision. */ RightsProtection = "rights_protection",
        /** 动态类 — what happened: births, rewards granted, fees. */ Dynamic = "dynamic"
    }
);

impl DisclosureCategory {
    /// The Chinese name used on notice pages.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::DisclosureCategory::Dynamic.zh(), "动态类");
    /// ```
    pub fn zh(self) -> &'static str {
        match self {
            DisclosureCategory::Policy => "政策类",
            DisclosureCategory::Procedure => "程序类",
            DisclosureCategory::Service => "服务类",
            DisclosureCategory::RightsProtection => "维权类",
            DisclosureCategory::Dynamic => "动态类",
        }
    }
}

/// 公开范围 — who a notice is for: the whole community, one zone or one grid. Written
/// `community`, `zone:ID` or `grid:ID`.
///
/// # Example
///
/// ```
/// use famplan::Audience;
/// let a: Audience = "grid:g1".parse()?;
/// assert_eq!(a, Audience::Grid("g1".into()));
/// assert_eq!(a.to_string(), "grid:g1");
/// assert!("street:7".parse::<Audience>().is_err());
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The whole community.
    Community,
    /// One zone (片区).
    Zone(ZoneId),
    /// One grid (网格).
    Grid(GridId),
}

impl Audience {
    /// True when a notice for `self` belongs on the board of `board`: a community notice is on
    /// every board, a zone notice on the zone's board and its grids' boards, a grid notice on
    /// its grid's board only.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Audience, Registry};
    /// let reg = Registry::example();
    /// let zone = Audience::Zone("z1".into());
    /// assert!(zone.reaches(&Audience::Grid("g1".into()), reg.areas()));
    /// assert!(!zone.reaches(&Audience::Grid("g2".into()), reg.areas()));
    /// assert!(!zone.reaches(&Audience::Community, reg.areas()));
    /// assert!(Audience::Community.reaches(&Audience::Grid("g2".into()), reg.areas()));
    /// ```
    pub fn reaches(&self, board: &Audience, areas: &Areas) -> bool {
        match (self, board) {
            (Audience::Community, _) => true,
            (Audience::Zone(z), Audience::Zone(b)) => z == b,
            (Audience::Zone(z), Audience::Grid(g)) => {
                areas.ancestor(AreaLevel::Grid, g.as_str(), AreaLevel::Zone) == Some(z.as_str())
            }
            (Audience::Grid(g), Audience::Grid(b)) => g == b,
            _ => false,
        }
    }

    fn check(&self, areas: &Areas) -> Result<(), Error> {
        let (level, kind, id) = match self {
            Audience::Community => return Ok(()),
            Audience::Zone(z) => (AreaLevel::Zone, "zone", z.as_str()),
            Audience::Grid(g) => (AreaLevel::Grid, "grid", g.as_str()),
        };
        match areas.get(level, id) {
            Some(_) => Ok(()),
            None => Err(Error::NotFound { kind, id: id.to_string() }),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Audience::Community => f.write_str("community"),
            Audience::Zone(z) => write!(f, "zone:{z}"),
            Audience::Grid(g) => write!(f, "grid:{g}"),
        }
    }
}

impl std::str::FromStr for Audience {
    type Err = Error;
    fn from_str(s: &str) -> Result<Audience, Error> {
        match s.split_once(':') {
            None if s == "community" => Ok(Audience::Community),
            Some(("zone", id)) if !id.is_empty() => Ok(Audience::Zone(id.into())),
            Some(("grid", id)) if !id.is_empty() => Ok(Audience::Grid(id.into())),
            _ => Err(Error::Invalid {
                at: Location::field("audience"),
                reason: format!("`{s}` is not `community`, `zone:ID` or `grid:ID`"),
            }),
        }
    }
}

impl Serialize for Audience {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<Audience>().map_err(|e| serde::de::Error::custom(e.to_string().trim_start_matches("audience: ")))
    }
}

/// A table of aggregate counts on a public page: one labelled count per row and the total.
///
/// Counts under 5 show as `<5`. When the total would let a reader work out a hidden count
/// (exactly one hidden cell, or hidden cells that can only all be 4), the smallest shown
/// cell is withheld too and shows as `≥5` (complementary suppression).
///
/// # Example
///
/// ```
/// use famplan::{CountTable, PublicText};
/// let t = |s: &str| PublicText::new(s).unwrap();
/// let table = CountTable::new(t("出生人数"), t("网格"), t("人数"), vec![(t("g1"), 12), (t("g2"), 3), (t("g3"), 7)]);
/// let shown: Vec<String> = table.rows().iter().map(|(_, c)| c.to_string()).collect();
/// // g2 (3) is hidden; with the total 22 shown, 22 − 12 − 7 would give it away, so the
/// // smallest shown cell (g3, 7) is withheld too.
/// assert_eq!(shown, ["12", "<5", "≥5"]);
/// assert_eq!(table.total().to_string(), "22");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CountTable {
    caption: PublicText,
    label: PublicText,
    count: PublicText,
    rows: Vec<(PublicText, PublicCount)>,
    total: PublicCount,
}

impl CountTable {
    /// Builds the table from exact counts, suppressing as described above.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CountTable, PublicText};
    /// let t = |s: &str| PublicText::new(s).unwrap();
    /// let table = CountTable::new(t("c"), t("网格"), t("人数"), vec![(t("a"), 2), (t("b"), 2)]);
    /// assert_eq!(table.total().to_string(), "<5");
    /// ```
    pub fn new(caption: PublicText, label: PublicText, count: PublicText, rows: Vec<(PublicText, u64)>) -> CountTable {
        let total = PublicCount::new(rows.iter().map(|(_, n)| n).sum());
        let mut rows: Vec<(PublicText, PublicCount)> =
            rows.into_iter().map(|(l, n)| (l, PublicCount::new(n))).collect();
        if !total.is_suppressed() {
            let hidden: Vec<u64> = rows.iter().filter(|(_, c)| c.is_suppressed()).map(|(_, c)| c.exact()).collect();
            let sum: u64 = hidden.iter().sum();
            let k = hidden.len() as u64;
            let recoverable = sum > 0 && (k == 1 || sum == (PublicCount::THRESHOLD - 1) * k);
            if recoverable {
                let smallest =
                    rows.iter_mut().filter(|(_, c)| !c.is_suppressed()).min_by_key(|(_, c)| c.exact()).map(|(_, c)| c);
                if let Some(c) = smallest {
                    c.withhold();
                }
            }
        }
        CountTable { caption, label, count, rows, total }
    }

    /// The caption.
    ///
    /// # Example
    ///
    /// ```
    /// let t = |s: &str| famplan::PublicText::new(s).unwrap();
    /// assert_eq!(famplan::CountTable::new(t("c"), t("l"), t("n"), vec![]).caption().as_str(), "c");
    /// ```
    pub fn caption(&self) -> &PublicText {
        &self.caption
    }

    /// The rows: label and count as published.
    ///
    /// # Example
    ///
    /// ```
    /// let t = |s: &str| famplan::PublicText::new(s).unwrap();
    /// assert_eq!(famplan::CountTable::new(t("c"), t("l"), t("n"), vec![(t("a"), 9)]).rows()[0].1.to_string(), "9");
    /// ```
    pub fn rows(&self) -> &[(PublicText, PublicCount)] {
        &self.rows
    }

    /// The total, as published.
    ///
    /// # Example
    ///
    /// ```
    /// let t = |s: &str| famplan::PublicText::new(s).unwrap();
    /// assert_eq!(famplan::CountTable::new(t("c"), t("l"), t("n"), vec![]).total().to_string(), "<5");
    /// ```
    pub fn total(&self) -> PublicCount {
        self.total
    }
}

/// One person on a published list: masked values only.
///
/// # Example
///
/// ```
/// use famplan::{ListedPerson, MaskedName};
/// let row = ListedPerson { name: MaskedName::of("李梅"), id: None, address: None, note: None };
/// assert_eq!(row.name.as_str(), "李**");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ListedPerson {
    /// The name masked to the surname.
    pub name: MaskedName,
    /// The ID number, masked, when known.
    pub id: Option<MaskedId>,
    /// The address, masked to building level.
    pub address: Option<MaskedAddress>,
    /// What the listing is for (authored or composed public text).
    pub note: Option<PublicText>,
}

/// 名单公示 — a published list of people, which exists only with its recorded
/// [`LegalBasis`] (DOMAIN §13).
///
/// # Example
///
/// ```
/// use famplan::{LegalBasis, ListedPerson, MaskedName, PersonList, PublicText};
/// let basis = LegalBasis::new("奖励对象公示决定", "2026-01-05".parse().unwrap(), "k1".into())?;
/// let mut list = PersonList::new(PublicText::new("奖励对象名单")?, basis);
/// list.push(ListedPerson { name: MaskedName::of("李梅"), id: None, address: None, note: None });
/// assert_eq!(list.people().len(), 1);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PersonList {
    caption: PublicText,
    basis: LegalBasis,
    people: Vec<ListedPerson>,
}

impl PersonList {
    /// An empty list under a legal basis.
    ///
    /// # Example
    ///
    /// ```
    /// let basis = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// let list = famplan::PersonList::new(famplan::PublicText::new("名单").unwrap(), basis);
    /// assert!(list.people().is_empty());
    /// ```
    pub fn new(caption: PublicText, basis: LegalBasis) -> PersonList {
        PersonList { caption, basis, people: Vec::new() }
    }

    /// Adds a person.
    ///
    /// # Example
    ///
    /// ```
    /// let basis = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// let mut list = famplan::PersonList::new(famplan::PublicText::new("名单").unwrap(), basis);
    /// list.push(famplan::ListedPerson { name: famplan::MaskedName::of("王强"), id: None, address: None, note: None });
    /// assert_eq!(list.people()[0].name.as_str(), "王**");
    /// ```
    pub fn push(&mut self, person: ListedPerson) {
        self.people.push(person);
    }

    /// The caption.
    ///
    /// # Example
    ///
    /// ```
    /// let basis = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// let list = famplan::PersonList::new(famplan::PublicText::new("名单").unwrap(), basis);
    /// assert_eq!(list.caption().as_str(), "名单");
    /// ```
    pub fn caption(&self) -> &PublicText {
        &self.caption
    }

    /// The legal basis.
    ///
    /// # Example
    ///
    /// ```
    /// let basis = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// let list = famplan::PersonList::new(famplan::PublicText::new("名单").unwrap(), basis.clone());
    /// assert_eq!(list.basis(), &basis);
    /// ```
    pub fn basis(&self) -> &LegalBasis {
        &self.basis
    }

    /// The people listed.
    ///
    /// # Example
    ///
    /// ```
    /// let basis = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// assert!(famplan::PersonList::new(famplan::PublicText::new("名单").unwrap(), basis).people().is_empty());
    /// ```
    pub fn people(&self) -> &[ListedPerson] {
        &self.people
    }
}

/// One part of a notice's body.
///
/// # Example
///
/// ```
/// let block = famplan::Block::Text(famplan::PublicText::new("三孩政策").unwrap());
/// assert!(matches!(block, famplan::Block::Text(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Block {
    /// A paragraph.
    Text(PublicText),
    /// A table of counts.
    Counts(CountTable),
    /// A list of people (with its legal basis).
    People(PersonList),
}

/// 公开事项 — one public notice: category, audience, publish and expiry dates, title and body.
///
/// # Example
///
/// ```
/// use famplan::{Audience, Block, DisclosureCategory, PublicItem, PublicText};
/// let item = PublicItem {
///     category: DisclosureCategory::Policy,
///     title: PublicText::new("三孩生育政策")?,
///     audience: Audience::Community,
///     publish_on: "2021-08-20".parse().unwrap(),
///     expires_on: None,
///     body: vec![Block::Text(PublicText::new("一对夫妻可以生育三个子女。")?)],
/// };
/// assert!(item.is_current("2026-06-30".parse().unwrap()));
/// assert!(!item.is_current("2021-08-19".parse().unwrap()));
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PublicItem {
    /// One of the five categories.
    pub category: DisclosureCategory,
    /// The title.
    pub title: PublicText,
    /// Whose board it goes on.
    pub audience: Audience,
    /// First day on the board.
    pub publish_on: NaiveDate,
    /// Last day on the board; `None` until withdrawn.
    pub expires_on: Option<NaiveDate>,
    /// The body.
    pub body: Vec<Block>,
}

impl PublicItem {
    /// On the board on `on`: published by then and not expired.
    ///
    /// # Example
    ///
    /// ```
    /// let notices = famplan::Notices::default_notices();
    /// assert!(notices.items().iter().any(|i| i.is_current("2026-06-30".parse().unwrap())));
    /// ```
    pub fn is_current(&self, on: NaiveDate) -> bool {
        self.publish_on <= on && self.expires_on.is_none_or(|e| on <= e)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeFile {
    #[serde(default)]
    hotline: Option<String>,
    #[serde(default)]
    item: Vec<toml::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeRow {
    category: DisclosureCategory,
    title: PublicText,
    #[serde(default = "community")]
    audience: Audience,
    #[serde(deserialize_with = "toml_date")]
    publish_on: NaiveDate,
    #[serde(default, deserialize_with = "toml_opt_date")]
    expires_on: Option<NaiveDate>,
    #[serde(default)]
    text: Vec<PublicText>,
}

/// A date written as a TOML date (`2026-01-01`) or a string (`"2026-01-01"`).
fn toml_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let text = match &v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(dt) => dt.to_string(),
        other => return Err(serde::de::Error::custom(format!("expected a date YYYY-MM-DD, found {other}"))),
    };
    crate::parse_date(&text).ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a date YYYY-MM-DD")))
}

fn toml_opt_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    toml_date(d).map(Some)
}

const NOTICE_FIELDS: [&str; 6] = ["category", "title", "audience", "publish_on", "expires_on", "text"];

/// The first field of a notice whose value does not read as its type.
fn bad_field(v: &toml::Value) -> Option<&'static str> {
    fn fails<T: serde::de::DeserializeOwned>(v: &toml::Value, key: &str) -> bool {
        v.get(key).is_some_and(|x| T::deserialize(x.clone()).is_err())
    }
    NOTICE_FIELDS.into_iter().find(|f| match *f {
        "category" => fails::<DisclosureCategory>(v, f),
        "title" => fails::<PublicText>(v, f),
        "audience" => fails::<Audience>(v, f),
        "text" => fails::<Vec<PublicText>>(v, f),
        _ => v.get(f).is_some_and(|x| toml_date(x.clone()).is_err()),
    })
}

fn community() -> Audience {
    Audience::Community
}

/// The notices a community wrote (policy, procedure, service, rights protection — and any
/// dynamic notice written by hand), read from TOML.
///
/// ```toml
/// [[item]]
/// category = "policy"            # policy | procedure | service | rights_protection | dynamic
/// title = "三孩生育政策"
/// audience = "community"         # community | zone:ID | grid:ID (default community)
/// publish_on = "2021-08-20"
/// expires_on = "2030-12-31"      # optional
/// text = ["一对夫妻可以生育三个子女。"]
/// ```
///
/// The shipped set is `rules/disclosure.toml` ([`Notices::default_notices`]).
///
/// # Example
///
/// ```
/// let text = "[[item]]\ncategory = \"service\"\ntitle = \"免费药具\"\npublish_on = \"2026-01-01\"\ntext = [\"到服务站领取\"]\n";
/// let notices = famplan::Notices::from_toml_str(text, "notices.toml")?;
/// assert_eq!(notices.items()[0].category, famplan::DisclosureCategory::Service);
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Notices {
    hotline: Option<Hotline>,
    items: Vec<PublicItem>,
}

impl Notices {
    /// No notices.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Notices::new().items().is_empty());
    /// ```
    pub fn new() -> Notices {
        Notices::default()
    }

    /// The shipped notices (`rules/disclosure.toml`): one or more in each authored category.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{DisclosureCategory, Notices};
    /// let n = Notices::default_notices();
    /// for c in [DisclosureCategory::Policy, DisclosureCategory::Procedure, DisclosureCategory::Service, DisclosureCategory::RightsProtection] {
    ///     assert!(n.items().iter().any(|i| i.category == c));
    /// }
    /// ```
    pub fn default_notices() -> Notices {
        Notices::from_toml_str(DEFAULT_NOTICES, "rules/disclosure.toml").expect("the shipped notices are valid")
    }

    /// Reads notices from TOML; `file` names the source in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming `file:line: item[N].field` and the reason (an unknown
    /// category, a bad date, an expiry before the publish date, text holding an ID number).
    ///
    /// # Example
    ///
    /// ```
    /// let text = "[[item]]\ncategory = \"policy\"\ntitle = \"t\"\npublish_on = \"2026-03-01\"\nexpires_on = \"2026-02-01\"\n";
    /// let err = famplan::Notices::from_toml_str(text, "notices.toml").unwrap_err();
    /// assert_eq!(err.to_string(), "notices.toml:1: item[1].expires_on: 2026-02-01 is before publish_on 2026-03-01");
    /// ```
    pub fn from_toml_str(text: &str, file: &str) -> Result<Notices, Error> {
        let invalid =
            |line, field: &str, reason: String| Error::Invalid { at: Location::new(file, line, field), reason };
        let parsed: NoticeFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1) as u64).unwrap_or(0);
            invalid(line, "item", e.message().to_string())
        })?;
        let hotline = match parsed.hotline.as_deref().map(Hotline::parse) {
            None => None,
            Some(Ok(h)) => Some(h),
            Some(Err(e)) => {
                let line = text.lines().position(|l| l.trim_start().starts_with("hotline")).map_or(0, |n| n as u64 + 1);
                let reason = match e {
                    Error::Invalid { reason, .. } => reason,
                    other => other.to_string(),
                };
                return Err(invalid(line, "hotline", reason));
            }
        };
        let lines: Vec<u64> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[item]]"))
            .map(|(n, _)| n as u64 + 1)
            .collect();
        let mut items = Vec::with_capacity(parsed.item.len());
        for (i, v) in parsed.item.into_iter().enumerate() {
            let line = lines.get(i).copied().unwrap_or(0);
            let row = NoticeRow::deserialize(v.clone()).map_err(|e| {
                let msg = e.message().to_string();
                let field = NOTICE_FIELDS
                    .into_iter()
                    .find(|f| msg.contains(&format!("`{f}`")))
                    .or_else(|| bad_field(&v))
                    .unwrap_or("item");
                invalid(line, &format!("item[{}].{field}", i + 1), msg)
            })?;
            if let Some(e) = row.expires_on.filter(|e| *e < row.publish_on) {
                return Err(invalid(
                    line,
                    &format!("item[{}].expires_on", i + 1),
                    format!("{e} is before publish_on {}", row.publish_on),
                ));
            }
            items.push(PublicItem {
                category: row.category,
                title: row.title,
                audience: row.audience,
                publish_on: row.publish_on,
                expires_on: row.expires_on,
                body: row.text.into_iter().map(Block::Text).collect(),
            });
        }
        Ok(Notices { hotline, items })
    }

    /// Adds a notice.
    ///
    /// # Example
    ///
    /// ```
    /// let mut n = famplan::Notices::new();
    /// n.push(famplan::Notices::default_notices().items()[0].clone());
    /// assert_eq!(n.items().len(), 1);
    /// ```
    pub fn push(&mut self, item: PublicItem) {
        self.items.push(item);
    }

    /// 服务热线 — the community's service hotline (the file's top-level `hotline`), shown at
    /// the head of its notice pages; `None` shows none.
    ///
    /// # Example
    ///
    /// ```
    /// let n = famplan::Notices::from_toml_str("hotline = \"0755-12345678\"\n", "notices.toml")?;
    /// assert_eq!(n.hotline().unwrap().as_str(), "0755-12345678");
    /// let err = famplan::Notices::from_toml_str("\nhotline = \"12356 or 12345\"\n", "notices.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("notices.toml:2: hotline: `12356 or 12345` is not a service number"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn hotline(&self) -> Option<&Hotline> {
        self.hotline.as_ref()
    }

    /// Sets (or, with `None`, removes) the service hotline.
    ///
    /// # Example
    ///
    /// ```
    /// let mut n = famplan::Notices::default_notices();
    /// n.set_hotline(Some(famplan::Hotline::parse("12345")?));
    /// assert_eq!(n.hotline().map(|h| h.as_str()), Some("12345"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn set_hotline(&mut self, hotline: Option<Hotline>) {
        self.hotline = hotline;
    }

    /// Every notice, in file order.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::Notices::default_notices().items().is_empty());
    /// ```
    pub fn items(&self) -> &[PublicItem] {
        &self.items
    }
}

/// What a disclosure page shows besides the authored notices.
///
/// # Example
///
/// ```
/// let opts = famplan::DisclosureOptions::default();
/// assert!(opts.legal_basis.is_none() && opts.categories.is_empty());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisclosureOptions {
    /// The recorded legal basis for publishing the list of reward recipients; without one
    /// only the counts are published.
    pub legal_basis: Option<LegalBasis>,
    /// The categories to show; empty means all five.
    pub categories: Vec<DisclosureCategory>,
}

/// 公开栏 — the notice page of one board on one date: every current notice for it, authored
/// and dynamic, in category order.
///
/// # Example
///
/// ```
/// use famplan::{Audience, DisclosureCategory, DisclosureOptions, DisclosurePage, Notices, Registry};
/// let reg = Registry::example();
/// let page = DisclosurePage::build(&reg, &Notices::default_notices(), &Audience::Community, "2026-06-30".parse()?, &DisclosureOptions::default())?;
/// assert!(page.items.iter().any(|i| i.category == DisclosureCategory::Dynamic));
/// let md = page.to_markdown();
/// assert!(md.contains("## 动态类"));
/// assert!(!md.contains("李梅"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DisclosurePage {
    /// The date of the page.
    pub on: NaiveDate,
    /// Whose board.
    pub board: Audience,
    /// The community's service hotline ([`Notices::hotline`]), shown at the head of the page.
    pub hotline: Option<Hotline>,
    /// The notices, by category (in [`DisclosureCategory::ALL`] order), then publish date.
    pub items: Vec<PublicItem>,
}

impl DisclosurePage {
    /// Builds the page of `board` on `on`: the authored notices current on that date that
    /// reach the board, and the dynamic notices generated from the registry for the year of
    /// `on` up to `on` (births by grid, reward claims granted — see the module docs).
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] when the board names a zone or grid the registry does not know.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Audience, DisclosureOptions, DisclosurePage, Notices, Registry};
    /// let reg = Registry::example();
    /// let err = DisclosurePage::build(&reg, &Notices::new(), &Audience::Grid("g9".into()), "2026-06-30".parse()?, &DisclosureOptions::default()).unwrap_err();
    /// assert_eq!(err.to_string(), "unknown grid `g9`");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn build(
        reg: &Registry,
        notices: &Notices,
        board: &Audience,
        on: NaiveDate,
        options: &DisclosureOptions,
    ) -> Result<DisclosurePage, Error> {
        board.check(reg.areas())?;
        let wanted = |c: DisclosureCategory| options.categories.is_empty() || options.categories.contains(&c);
        let mut items: Vec<PublicItem> = notices
            .items
            .iter()
            .filter(|i| i.is_current(on) && wanted(i.category) && i.audience.reaches(board, reg.areas()))
            .cloned()
            .collect();
        if wanted(DisclosureCategory::Dynamic) {
            items.extend(dynamic::items(reg, on, options.legal_basis.as_ref()));
        }
        let rank = |c: DisclosureCategory| DisclosureCategory::ALL.iter().position(|x| *x == c);
        items.sort_by_key(|i| (rank(i.category), i.publish_on));
        Ok(DisclosurePage { on, board: board.clone(), hotline: notices.hotline.clone(), items })
    }

    /// The page as Markdown.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Audience, DisclosureOptions, DisclosurePage, Notices, Registry};
    /// let reg = Registry::example();
    /// let page = DisclosurePage::build(&reg, &Notices::new(), &Audience::Community, "2026-06-30".parse()?, &DisclosureOptions::default())?;
    /// assert!(page.to_markdown().starts_with("# 计划生育政务公开"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_markdown(&self) -> String {
        render::markdown(self)
    }

    /// The page as one self-contained HTML document; every text is escaped.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Audience, DisclosureOptions, DisclosurePage, Notices, Registry};
    /// let reg = Registry::example();
    /// let page = DisclosurePage::build(&reg, &Notices::new(), &Audience::Community, "2026-06-30".parse()?, &DisclosureOptions::default())?;
    /// assert!(page.to_html().starts_with("<!DOCTYPE html>"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_html(&self) -> String {
        render::html(self)
    }
}
