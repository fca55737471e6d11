//! The values a public page may hold (DOMAIN §13): the type barrier between the registry's
//! sensitive data and a notice board.
//!
//! Every cell of a public item is one of the types below, and each has exactly one way in:
//! [`PublicText::new`] (text a staff member wrote, checked for resident ID numbers),
//! [`PublicCount::new`] (an aggregate, under 5 shown as `<5`), and the masking constructors
//! [`MaskedName::of`], [`MaskedId::of`], [`MaskedPhone::of`], [`MaskedAddress::of`]. Their
//! fields are private, and none of them converts from a contraceptive [`Method`](crate::Method),
//! a [`PregnancyOutcome`](crate::PregnancyOutcome), a [`Child`](crate::Child), a
//! [`Procedure`](crate::Procedure) or a [`CaseFile`](crate::CaseFile): sensitive data has no
//! path onto a page.
//!
//! ```compile_fail
//! // A method is not a public value: there is no conversion.
//! let cell: famplan::PublicText = famplan::Method::Iud.into();
//! ```
//!
//! ```compile_fail
//! // Nor can a masked value be built by hand around the real one.
//! let name = famplan::MaskedName("李梅".to_string());
//! ```
//!
//! ```compile_fail
//! // A listed person holds masked values only, never the record.
//! let reg = famplan::Registry::example();
//! let row = famplan::ListedPerson { name: reg.person(&"p1".into()).unwrap(), id: None, address: None, note: None };
//! ```

use crate::{Areas, Error, Location, Phone, Place, ResidentId, StaffId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Text that a staff member wrote for a notice (a policy's wording, a procedure's steps).
///
/// Checked on the way in: text that holds a resident ID number (18 characters with a valid
/// check character) is refused, so an ID pasted by mistake never reaches a board.
///
/// # Example
///
/// ```
/// use famplan::PublicText;
/// let t = PublicText::new("生育登记：凭身份证和结婚证到社区服务站办理")?;
/// assert!(t.as_str().starts_with("生育登记"));
/// assert!(PublicText::new("申请人 11010519491231002X").is_err());
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PublicText(String);

impl PublicText {
    /// Authored text.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (field `text`) when the text holds a resident ID number.
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::PublicText::new("见 440524188001010014").unwrap_err();
    /// assert_eq!(err.to_string(), "text: holds a resident ID number (440***********0014); public text may not");
    /// ```
    pub fn new(text: impl Into<String>) -> Result<PublicText, Error> {
        PublicText::checked(text.into(), Location::field("text"))
    }

    pub(crate) fn checked(text: String, at: Location) -> Result<PublicText, Error> {
        if let Some(id) = find_resident_id(&text) {
            return Err(Error::Invalid {
                at,
                reason: format!("holds a resident ID number ({}); public text may not", MaskedId::of(&id)),
            });
        }
        Ok(PublicText(text))
    }

    /// Text the library itself composes from public values (area ids, category names).
    pub(crate) fn composed(text: String) -> PublicText {
        PublicText(text)
    }

    /// The text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PublicText::new("x").unwrap().as_str(), "x");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PublicText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PublicText {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        PublicText::new(s).map_err(|e| serde::de::Error::custom(e.to_string().trim_start_matches("text: ").to_string()))
    }
}

/// The first run of 18 ID characters in `text` that is a valid resident ID number.
fn find_resident_id(text: &str) -> Option<ResidentId> {
    let b = text.as_bytes();
    let id_char = |c: u8| c.is_ascii_digit() || c == b'X' || c == b'x';
    let mut i = 0;
    while i < b.len() {
        if !id_char(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && id_char(b[i]) {
            i += 1;
        }
        let run = &text[start..i];
        for w in 0..run.len().saturating_sub(17) {
            if let Ok(id) = ResidentId::parse(&run[w..w + 18]) {
                return Some(id);
            }
        }
    }
    None
}

/// An aggregate count as published: under 5 it shows as `<5` (DOMAIN §13).
///
/// A count that is exact but withheld so that a small cell cannot be worked out from a
/// table's total (complementary suppression, see [`CountTable`](crate::CountTable)) shows
/// as `≥5`.
///
/// # Example
///
/// ```
/// use famplan::PublicCount;
/// assert_eq!(PublicCount::new(3).to_string(), "<5");
/// assert_eq!(PublicCount::new(0).to_string(), "<5");
/// assert_eq!(PublicCount::new(5).to_string(), "5");
/// assert_eq!(serde_json::to_string(&PublicCount::new(3)).unwrap(), "\"<5\"");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PublicCount {
    exact: u64,
    shown: Shown,
}

/// Serialized as published (`"12"`, `"<5"`, `"≥5"`): the exact number of a hidden count never
/// leaves the value.
impl Serialize for PublicCount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Exact,
    Under5,
    AtLeast5,
}

impl PublicCount {
    /// The smallest count shown as it is.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PublicCount::THRESHOLD, 5);
    /// ```
    pub const THRESHOLD: u64 = 5;

    /// A count; under [`PublicCount::THRESHOLD`] it is suppressed.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::PublicCount::new(4).is_suppressed());
    /// ```
    pub fn new(n: u64) -> PublicCount {
        let shown = if n < Self::THRESHOLD { Shown::Under5 } else { Shown::Exact };
        PublicCount { exact: n, shown }
    }

    /// True when the page does not show the exact number (`<5` or `≥5`).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::PublicCount::new(12).is_suppressed());
    /// ```
    pub fn is_suppressed(&self) -> bool {
        self.shown != Shown::Exact
    }

    pub(crate) fn exact(&self) -> u64 {
        self.exact
    }

    pub(crate) fn withhold(&mut self) {
        self.shown = Shown::AtLeast5;
    }
}

impl fmt::Display for PublicCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.shown {
            Shown::Exact => write!(f, "{}", self.exact),
            Shown::Under5 => f.write_str("<5"),
            Shown::AtLeast5 => f.write_str("≥5"),
        }
    }
}

/// Compound surnames (复姓) kept whole when a name is masked.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕",
    "令狐", "端木", "西门", "南宫", "独孤", "百里", "呼延", "司空", "澹台", "公冶", "申屠", "太史", "钟离", "闻人",
    "万俟",
];

/// A name masked to the surname (DOMAIN §13): the surname and `**`, whatever the length of
/// the given name (`张三丰` and `张三` both → `张**`), so the mask does not tell the length
/// either; a compound surname (`欧阳`) stays whole.
///
/// # Example
///
/// ```
/// use famplan::MaskedName;
/// assert_eq!(MaskedName::of("张三丰").as_str(), "张**");
/// assert_eq!(MaskedName::of("李梅").as_str(), "李**");
/// assert_eq!(MaskedName::of("欧阳娜娜").as_str(), "欧阳**");
/// assert_eq!(MaskedName::of("王").as_str(), "王**");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaskedName(String);

impl MaskedName {
    /// Masks a full name. Spaces are dropped; an empty name gives `**`.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::MaskedName::of("").as_str(), "**");
    /// assert_eq!(famplan::MaskedName::of(" 李 梅 ").as_str(), "李**");
    /// ```
    pub fn of(full_name: &str) -> MaskedName {
        let chars: Vec<char> = full_name.chars().filter(|c| !c.is_whitespace()).collect();
        let text: String = chars.iter().collect();
        let keep = COMPOUND_SURNAMES
            .iter()
            .find(|s| text.starts_with(*s) && chars.len() > s.chars().count())
            .map_or(1.min(chars.len()), |s| s.chars().count());
        let mut out: String = chars[..keep].iter().collect();
        out.push_str("**");
        MaskedName(out)
    }

    /// The masked text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::MaskedName::of("赵丽").as_str(), "赵**");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A resident ID number masked to its first 3 and last 4 characters:
/// `110***********1234` (DOMAIN §13).
///
/// # Example
///
/// ```
/// use famplan::{MaskedId, ResidentId};
/// let id: ResidentId = "11010519491231002X".parse()?;
/// assert_eq!(MaskedId::of(&id).as_str(), "110***********002X");
/// # Ok::<(), famplan::ResidentIdError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaskedId(String);

impl MaskedId {
    /// Masks a valid ID number.
    ///
    /// # Example
    ///
    /// ```
    /// let id = famplan::ResidentId::parse("440524188001010014").unwrap();
    /// assert_eq!(famplan::MaskedId::of(&id).to_string(), "440***********0014");
    /// ```
    pub fn of(id: &ResidentId) -> MaskedId {
        MaskedId(keep_ends(id.as_str(), 3, 4))
    }

    /// The masked text.
    ///
    /// # Example
    ///
    /// ```
    /// let id = famplan::ResidentId::parse("440524188001010014").unwrap();
    /// assert_eq!(famplan::MaskedId::of(&id).as_str().len(), 18);
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number masked to its first 3 and last 4 digits: `138****1234` (DOMAIN §13);
/// a landline keeps its first 3 and last 4 characters the same way.
///
/// # Example
///
/// ```
/// use famplan::{MaskedPhone, Phone};
/// let p = Phone::parse("13812341234").unwrap();
/// assert_eq!(MaskedPhone::of(&p).as_str(), "138****1234");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaskedPhone(String);

impl MaskedPhone {
    /// Masks a phone number.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Phone::parse("010-12345678").unwrap();
    /// assert_eq!(famplan::MaskedPhone::of(&p).as_str(), "010*****5678");
    /// ```
    pub fn of(phone: &Phone) -> MaskedPhone {
        MaskedPhone(keep_ends(phone.as_str(), 3, 4))
    }

    /// The masked text.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::Phone::parse("13912345678").unwrap();
    /// assert_eq!(famplan::MaskedPhone::of(&p).as_str(), "139****5678");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn keep_ends(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len().max(1));
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// Markers that end the building part of a written address (`3栋`, `12号楼`, `A座`).
const BUILDING_MARKERS: &[&str] = &["号楼", "栋", "幢", "座"];

/// An address masked to building level (DOMAIN §13): no unit, floor or room.
///
/// A written address keeps everything up to its last building marker (`栋`, `幢`, `号楼`,
/// `座`): `幸福路12号3栋2单元301室` → `幸福路12号3栋`. An address with no marker could name
/// a single house, so it is not used: the place is described by the area tree instead, from
/// the community down to the building (names where known, else ids), or to the grid when
/// the building is not known.
///
/// # Example
///
/// ```
/// use famplan::{MaskedAddress, Place, Registry};
/// let reg = Registry::example();
/// let mut place = Place::grid("g1");
/// place.address = Some("幸福路12号3栋2单元301室".into());
/// assert_eq!(MaskedAddress::of(&place, reg.areas()).as_str(), "幸福路12号3栋");
/// place.address = Some("幸福路12号".into());
/// assert_eq!(MaskedAddress::of(&place, reg.areas()).as_str(), "c1 z1 g1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct MaskedAddress(String);

impl MaskedAddress {
    /// Masks a household's place.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let mut place = famplan::Place::grid("g2");
    /// place.building = Some("b7".into());
    /// assert_eq!(famplan::MaskedAddress::of(&place, reg.areas()).as_str(), "c1 z2 g2 b7");
    /// ```
    pub fn of(place: &Place, areas: &Areas) -> MaskedAddress {
        if let Some(addr) = &place.address {
            let cut = BUILDING_MARKERS.iter().filter_map(|m| addr.rfind(m).map(|i| i + m.len())).max();
            if let Some(cut) = cut {
                return MaskedAddress(addr[..cut].to_string());
            }
        }
        use crate::AreaLevel::*;
        let name =
            |level, id: &str| areas.get(level, id).and_then(|a| a.name.clone()).unwrap_or_else(|| id.to_string());
        let grid = place.grid.as_str();
        let mut parts = Vec::new();
        if let Some(c) = areas.ancestor(Grid, grid, Community) {
            parts.push(name(Community, c));
        }
        if let Some(z) = areas.ancestor(Grid, grid, Zone) {
            parts.push(name(Zone, z));
        }
        parts.push(name(Grid, grid));
        if let Some(g) = &place.group {
            parts.push(name(Group, g.as_str()));
        }
        if let Some(b) = &place.building {
            parts.push(name(Building, b.as_str()));
        }
        MaskedAddress(parts.join(" "))
    }

    /// The masked text.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(famplan::MaskedAddress::of(&famplan::Place::grid("g1"), reg.areas()).as_str(), "c1 z1 g1");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )+};
}
display_as_str!(MaskedName, MaskedId, MaskedPhone, MaskedAddress);

/// The recorded legal basis that allows a list of people to be published (DOMAIN §13,
/// PIPL 2021): the law, regulation or decision, and who recorded it when.
///
/// # Example
///
/// ```
/// use famplan::LegalBasis;
/// let basis = LegalBasis::new("《某省人口与计划生育条例》第三十条：奖励对象公示", "2026-01-05".parse().unwrap(), "k1".into())?;
/// assert_eq!(basis.recorded_by().as_str(), "k1");
/// assert!(LegalBasis::new("  ", "2026-01-05".parse().unwrap(), "k1".into()).is_err());
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LegalBasis {
    reference: PublicText,
    recorded_on: NaiveDate,
    recorded_by: StaffId,
}

impl LegalBasis {
    /// A basis; the reference must not be empty.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] (field `legal_basis`) when the reference is empty or holds an ID
    /// number.
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::LegalBasis::new("", "2026-01-05".parse().unwrap(), "k1".into()).unwrap_err();
    /// assert_eq!(err.to_string(), "legal_basis: is empty; a list of people needs the law or decision that allows it");
    /// ```
    pub fn new(reference: &str, recorded_on: NaiveDate, recorded_by: StaffId) -> Result<LegalBasis, Error> {
        let at = Location::field("legal_basis");
        if reference.trim().is_empty() {
            return Err(Error::Invalid {
                at,
                reason: "is empty; a list of people needs the law or decision that allows it".into(),
            });
        }
        Ok(LegalBasis { reference: PublicText::checked(reference.trim().to_string(), at)?, recorded_on, recorded_by })
    }

    /// The law, regulation or decision.
    ///
    /// # Example
    ///
    /// ```
    /// let b = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// assert_eq!(b.reference().as_str(), "决定");
    /// ```
    pub fn reference(&self) -> &PublicText {
        &self.reference
    }

    /// When it was recorded.
    ///
    /// # Example
    ///
    /// ```
    /// let b = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// assert_eq!(b.recorded_on().to_string(), "2026-01-05");
    /// ```
    pub fn recorded_on(&self) -> NaiveDate {
        self.recorded_on
    }

    /// Who recorded it.
    ///
    /// # Example
    ///
    /// ```
    /// let b = famplan::LegalBasis::new("决定", "2026-01-05".parse().unwrap(), "k1".into()).unwrap();
    /// assert_eq!(b.recorded_by().as_str(), "k1");
    /// ```
    pub fn recorded_by(&self) -> &StaffId {
        &self.recorded_by
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_found_inside_longer_digit_runs_and_text() {
        // 20 digits whose characters 2..20 are a valid ID: still found.
        assert!(find_resident_id("号码0440524188001010014").is_some());
        assert!(find_resident_id("12356 热线").is_none());
        // Bad check character (expected 3): not an ID number, so allowed.
        assert!(find_resident_id("36042619910102009X").is_none());
    }

    #[test]
    fn keep_ends_lengths() {
        assert_eq!(keep_ends("13812341234", 3, 4), "138****1234");
        assert_eq!(keep_ends("1234567", 3, 4), "*******");
    }
}
