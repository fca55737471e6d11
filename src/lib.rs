//! # famplan
//!
//! The engine under a community's population and family-planning services
//! (社区人口计生服务): households and people registered by grid keepers, a case file (个案)
//! for every woman of reproductive age, visits scheduled from life events, and the rates
//! the community is judged on.
//!
//! Everything is built from **events** ([`Event`]): a [`Registry`] applies them in date
//! order, refuses those that contradict it (changing nothing), and answers any question
//! *for a date* — who lives here, who is a married woman of reproductive age, which
//! method she uses, whether her case file is open.
//!
//! ```
//! use famplan::{Registry, Residency};
//!
//! let reg = Registry::example();
//! let on = "2026-06-30".parse()?;
//! let p1 = reg.state(&"p1".into(), on).unwrap();
//! assert!(p1.is_married_wra());
//! assert_eq!(p1.residency, Residency::Registered);
//! let cf = reg.case_file(&"p1".into(), on).unwrap();
//! assert_eq!(cf.method, famplan::Method::Iud);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Visits (随访) are scheduled by rules that are data ([`RuleSet`], shipped as
//! `rules/default.toml`): each obligation knows why it exists, who must visit, and its state
//! on any date.
//!
//! ```
//! use famplan::{ObligationState, Period, Registry, RuleSet};
//!
//! let reg = Registry::example();
//! let rules = RuleSet::default_rules();
//! let june = rules.obligations(&reg, Period::month(2026, 6).unwrap(), "2026-06-15".parse()?);
//! // p3's floating monthly check and h2's quarterly reconciliation, both due by 30 June.
//! assert_eq!(june.len(), 2);
//! assert!(june.iter().all(|o| o.state == ObligationState::Due && o.assignee().unwrap().as_str() == "k2"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The core is pure: no I/O beyond [`std::io::Read`] / [`std::io::Write`] and no clock
//! reads. The `csv` feature (on by default) reads and writes the snapshot directory of
//! spreadsheet ledgers and event files ([`io`]).
#![deny(missing_docs)]
#![warn(missing_debug_implementations)]

mod application;
mod area;
mod case_file;
mod date;
mod disclosure;
mod error;
mod event;
mod household;
mod id;
mod person;
mod policy;
mod publicity;
mod rate;
mod registry;
mod resident_id;
mod supplies;
mod visit;

#[cfg(feature = "csv")]
pub mod io;

/// The project's documents, included so that their code examples run as tests.
pub mod _documentation {
    #[doc = include_str!("../README.md")]
    pub mod readme {}
    #[doc = include_str!("../DESIGN.md")]
    pub mod design {}
}

pub use application::EligibilityFlag;
pub use application::{
    Application, FLOATING_CERTIFICATE_LEGACY_FROM, FLOATING_CERTIFICATE_VALID_YEARS, ONLY_CHILD_LAST_BIRTH,
    RequestChannel, ServiceRequest, TimeLimits,
};
pub use area::{Area, AreaLevel, AreaRef, Areas, Staff, StaffRole};
pub use case_file::{
    CaseFile, CaseFileStatus, CertificateAction, CertificateKind, Child, ChildRelation, CloseReason, Dated, Method,
    MethodSource, PregnancyOutcome, Procedure, StopReason, SupplyRecord,
};
pub use date::{Period, add_months, age_on, parse_date};
pub use disclosure::Hotline;
pub use disclosure::{
    Audience, Block, CountTable, DisclosureCategory, DisclosureOptions, DisclosurePage, LegalBasis, ListedPerson,
    MaskedAddress, MaskedId, MaskedName, MaskedPhone, Notices, PersonList, PublicCount, PublicItem, PublicText,
};
pub use error::{Error, Location, Prefix, Result};
pub use event::{
    ConsultationTopic, CorrectableField, Event, EventKind, Observation, RespondentKind, ScreeningKind, SupplyChannel,
};
pub use household::{Household, HousingKind, Place};
pub use id::{BuildingId, CommunityId, EventId, GridId, GroupId, HouseholdId, PersonId, StaffId, ZoneId};
pub use person::{MaritalStatus, Person, PersonState, Relation, Residency, Sex, Tag, Tags};
pub use policy::{BirthRule, Compliance, PolicySet, RewardPayment, RewardPeriod, RewardScheme};
pub use publicity::{
    Activity, ActivityKind, PlanOptions, PlanRow, PlanState, PlanView, PlannedActivity, PublicityPlan, mothers_day,
};
pub use rate::{
    Allocation, Assessment, Comparison, Counts, CustomRate, Entry, GroupBy, Measure, Params, Partial, PersonFilter,
    Rate, RateCode, RateInfo, Reason, Row, Scale, StateBasis, Table, Target, VerificationOutcome, VerifiedPerson,
    assess, catalogue,
};
// Reports for exchange: the report model, the data-value file, the report workbook, FHIR.
pub use rate::DrillDown;
pub use rate::VisitsRead;
#[cfg(feature = "fhir")]
pub use rate::fhir;
#[cfg(feature = "csv")]
pub use rate::write_data_values;
#[cfg(feature = "xlsx")]
pub use rate::write_report_xlsx;
pub use rate::{PartialRow, ReducedRow, merge_rows, reduce};
pub use rate::{RateReport, RateSection, Verdict, period_code};
pub use registry::{Checkpoint, Conflict, GridPopulation, MergeReport, PersonRef, Registry, Rejection, Visit};
pub use resident_id::{Phone, PhoneError, ResidentId, ResidentIdError};
pub use supplies::{COVER_WINDOW_DAYS, Cover, Movement, StockLine, StockMovement, SupplyLedger};
pub use visit::Scope;
pub use visit::{
    CalendarDay, Filter, Fulfilled, Fulfilment, MonthCalendar, Obligation, ObligationState, Offset, Recurrence,
    RuleSet, Schedule, StopEvent, Subject, Trigger, VisitRule, Why, WorkItem, WorkList,
};
