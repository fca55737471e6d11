//! Households and people: what the keeper registers, and a person's file.

use crate::FamplanError;
use crate::visit::Obligation;
use chrono::NaiveDate;

pub use famplan::{CaseFileStatus, CloseReason, HousingKind, MaritalStatus, Method, Relation, Residency, Sex};

/// Sex (性别).
#[uniffi::remote(Enum)]
pub enum Sex {
    /// 女
    Female,
    /// 男
    Male,
}

/// Marital status (婚姻状况).
#[uniffi::remote(Enum)]
pub enum MaritalStatus {
    /// 未婚
    Single,
    /// 已婚
    Married,
    /// 离婚
    Divorced,
    /// 丧偶
    Widowed,
}

/// Residency (户籍性质): the resident population is registered + floating.
#[uniffi::remote(Enum)]
pub enum Residency {
    /// 户籍: hukou here, lives here.
    Registered,
    /// 流入: hukou elsewhere, lives here.
    Floating,
    /// 流出: hukou here, lives elsewhere.
    MovedOut,
    /// Left the registry: moved away for good or died.
    Departed,
}

/// Relation to the head of the household.
#[uniffi::remote(Enum)]
pub enum Relation {
    /// 户主
    Head,
    /// 配偶
    Spouse,
    /// 子女
    Child,
    /// 父母
    Parent,
    /// 其他亲属
    Relative,
    /// 其他
    Other,
}

/// Housing kind: rental and street-front households are reconciled every quarter.
#[uniffi::remote(Enum)]
pub enum HousingKind {
    /// 自有住房
    Owner,
    /// 出租房
    Rental,
    /// 街面房
    StreetFront,
    /// 集体户
    Collective,
}

/// Contraceptive method (national report categories).
#[uniffi::remote(Enum)]
pub enum Method {
    /// 男扎
    Vasectomy,
    /// 女扎
    TubalSterilization,
    /// 绝育 (partner not recorded)
    Sterilization,
    /// 放环
    Iud,
    /// 皮埋
    Implant,
    /// 注射
    Injectable,
    /// 口服药
    Pill,
    /// 避孕套
    Condom,
    /// 外用杀精剂
    Spermicide,
    /// 其他
    Other,
    /// 未避孕
    None,
}

/// Why a case file was closed.
#[uniffi::remote(Enum)]
pub enum CloseReason {
    /// Reached 50.
    AgedOut,
    /// Left the registry.
    Departed,
    /// Died.
    Died,
    /// Anything else.
    Other,
}

/// The status of a case file (个案) on a date.
#[uniffi::remote(Enum)]
pub enum CaseFileStatus {
    /// No case file was ever opened.
    Missing,
    /// Open.
    Open,
    /// Closed, with the reason.
    Closed(CloseReason),
}

/// A household to register (户).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NewHousehold {
    /// The household's id (unique in the community).
    pub id: String,
    /// The day it was registered.
    pub date: NaiveDate,
    /// The grid it lives in.
    pub grid: String,
    /// Housing kind.
    pub housing: HousingKind,
    /// The resident group, if known.
    pub group: Option<String>,
    /// The building, if known.
    pub building: Option<String>,
    /// The address, if known.
    pub address: Option<String>,
}

/// A person to register into an existing household.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NewPerson {
    /// The person's id in the registry (not the resident ID number).
    pub id: String,
    /// The day she or he entered the registry.
    pub date: NaiveDate,
    /// The household, already registered.
    pub household: String,
    /// Name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Resident ID number (公民身份号码, 18 characters, or 15 for a legacy one), checked.
    pub id_number: Option<String>,
    /// Mobile phone (11 digits; spaces, hyphens and +86 are removed), checked.
    pub phone: Option<String>,
    /// Relation to the head of the household.
    pub relation: Option<Relation>,
    /// Marital status.
    pub marital: MaritalStatus,
    /// Since when, if known (otherwise the status holds on every date until it changes).
    pub marital_since: Option<NaiveDate>,
    /// Registered or floating (or moved out).
    pub residency: Residency,
    /// Tags (`key_population`, `special_client`, or the community's own).
    pub tags: Vec<String>,
}

impl NewHousehold {
    pub(crate) fn into_kind(self) -> Result<(NaiveDate, famplan::EventKind), FamplanError> {
        non_empty("id", &self.id)?;
        non_empty("grid", &self.grid)?;
        let place = famplan::Place {
            grid: famplan::GridId::new(self.grid),
            group: self.group.map(famplan::GroupId::new),
            building: self.building.map(famplan::BuildingId::new),
            address: self.address,
        };
        let kind = famplan::EventKind::HouseholdRegistered {
            household: famplan::HouseholdId::new(self.id),
            housing: self.housing,
            place,
        };
        Ok((self.date, kind))
    }
}

impl NewPerson {
    pub(crate) fn into_kind(self) -> Result<(NaiveDate, famplan::EventKind), FamplanError> {
        non_empty("id", &self.id)?;
        non_empty("household", &self.household)?;
        let id_number = self
            .id_number
            .map(|s| famplan::ResidentId::parse(&s).map_err(|e| FamplanError::invalid("id_number", e.to_string())))
            .transpose()?;
        let phone = self
            .phone
            .map(|s| famplan::Phone::parse(&s).map_err(|e| FamplanError::invalid("phone", e.to_string())))
            .transpose()?;
        let kind = famplan::EventKind::PersonRegistered {
            person: famplan::PersonId::new(self.id),
            household: famplan::HouseholdId::new(self.household),
            name: self.name,
            sex: self.sex,
            birth_date: self.birth_date,
            id_number,
            phone,
            relation: self.relation,
            marital: self.marital,
            marital_since: self.marital_since,
            residency: self.residency,
            tags: self.tags.into_iter().map(famplan::Tag::new).collect(),
        };
        Ok((self.date, kind))
    }
}

pub(crate) fn non_empty(field: &str, value: &str) -> Result<(), FamplanError> {
    if value.trim().is_empty() { Err(FamplanError::invalid(field, "must not be empty")) } else { Ok(()) }
}

/// A person's state on a date.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PersonState {
    /// Completed years (周岁).
    pub age: u32,
    /// Residency.
    pub residency: Residency,
    /// Marital status.
    pub marital: MaritalStatus,
    /// Since when, if dated.
    pub marital_since: Option<NaiveDate>,
    /// Household.
    pub household: String,
    /// Grid of that household.
    pub grid: String,
    /// The method in use (`None` if nothing).
    pub method: Method,
    /// Since when, if dated.
    pub method_since: Option<NaiveDate>,
    /// The case file's status.
    pub case_file: CaseFileStatus,
    /// A pregnancy was reported and has not ended.
    pub pregnant: bool,
    /// The most recent live birth.
    pub last_birth: Option<NaiveDate>,
    /// A woman of reproductive age (15–49).
    pub wra: bool,
    /// Tags.
    pub tags: Vec<String>,
}

/// A person's file on a date: the record, her state, and her visit schedule with why each
/// visit is owed.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct PersonFile {
    /// The person's id.
    pub id: String,
    /// The date the file is shown for.
    pub on: NaiveDate,
    /// Name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Resident ID number, if recorded.
    pub id_number: Option<String>,
    /// Phone, if recorded.
    pub phone: Option<String>,
    /// The state on `on` (none before she entered the registry).
    pub state: Option<PersonState>,
    /// Every obligation of the schedule's horizon, in due order, with its state on `on`.
    pub obligations: Vec<Obligation>,
}

impl PersonState {
    pub(crate) fn from_core(s: &famplan::PersonState<'_>) -> PersonState {
        PersonState {
            age: s.age,
            residency: s.residency,
            marital: s.marital,
            marital_since: s.marital_since,
            household: s.household.to_string(),
            grid: s.grid.to_string(),
            method: s.method,
            method_since: s.method_since,
            case_file: s.case_file,
            pregnant: s.pregnant,
            last_birth: s.last_birth,
            wra: s.is_wra(),
            tags: s.tags.iter().map(str::to_string).collect(),
        }
    }
}
