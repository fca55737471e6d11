//! Why an event is refused.

use crate::{AreaLevel, CertificateAction, CertificateKind, MaritalStatus, Method, Procedure, Residency};
use chrono::NaiveDate;

/// Why the registry refused an event (DOMAIN §5). A refused event changes nothing.
///
/// # Example
///
/// ```
/// use famplan::{Event, EventKind, Rejection, Registry};
/// let mut reg = Registry::example();
/// let e = Event::new("x1", "2026-07-01".parse().unwrap(), "k1", EventKind::Married { person: "p1".into(), spouse: None });
/// let err = reg.apply(e).unwrap_err();
/// assert!(matches!(err, famplan::Error::Rejected { reason: Rejection::AlreadyMarried { .. }, .. }));
/// assert_eq!(err.to_string(), "event x1: person `p1` is already married on 2026-07-01");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Rejection {
    /// The event id was already applied.
    #[error("duplicate event id")]
    DuplicateEvent,
    /// An id that must exist does not.
    #[error("unknown {kind} `{id}`")]
    Unknown {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// An id that must be new already exists.
    #[error("{kind} `{id}` already exists")]
    Duplicate {
        /// What kind of thing.
        kind: &'static str,
        /// The id.
        id: String,
    },
    /// An area-tree change that does not fit the tree.
    #[error("{level}: {reason}")]
    Area {
        /// Level.
        level: AreaLevel,
        /// Why.
        reason: String,
    },
    /// The person has left the registry (moved away for good or died) on that date.
    #[error("person `{person}` has left the registry by {on}")]
    Departed {
        /// Person.
        person: String,
        /// The event's date.
        on: NaiveDate,
    },
    /// The event is dated before the person was born.
    #[error("{on} is before `{person}` was born on {birth}")]
    BeforeBirth {
        /// Person.
        person: String,
        /// The event's date.
        on: NaiveDate,
        /// Birth date.
        birth: NaiveDate,
    },
    /// Married while married.
    #[error("person `{person}` is already married on {on}")]
    AlreadyMarried {
        /// Person.
        person: String,
        /// Date.
        on: NaiveDate,
    },
    /// Divorced or widowed while not married.
    #[error("person `{person}` is {status}, not married, on {on}")]
    NotMarried {
        /// Person.
        person: String,
        /// Status then.
        status: MaritalStatus,
        /// Date.
        on: NaiveDate,
    },
    /// Only women have case files, pregnancies and births.
    #[error("person `{person}` is not a woman")]
    NotFemale {
        /// Person.
        person: String,
    },
    /// A case file opened twice or closed when not open.
    #[error("case file of `{person}` is {state} on {on}")]
    CaseFile {
        /// Person.
        person: String,
        /// `already open` or `not open`.
        state: &'static str,
        /// Date.
        on: NaiveDate,
    },
    /// A method stopped or removed that is not in use.
    #[error("person `{person}` uses {method}, not {expected}, on {on}")]
    WrongMethod {
        /// Person.
        person: String,
        /// Method in use.
        method: Method,
        /// Method the event expects.
        expected: String,
        /// Date.
        on: NaiveDate,
    },
    /// A second pregnancy reported before the first ended.
    #[error("person `{person}` is already pregnant on {on}")]
    AlreadyPregnant {
        /// Person.
        person: String,
        /// Date.
        on: NaiveDate,
    },
    /// A move that does not fit the residency then.
    #[error("person `{person}` is {residency} on {on}: {reason}")]
    Residency {
        /// Person.
        person: String,
        /// Residency then.
        residency: Residency,
        /// Date.
        on: NaiveDate,
        /// What was expected.
        reason: &'static str,
    },
    /// A correction whose `old` value is not the recorded one.
    #[error("{field} of `{person}` is `{recorded}`, not `{old}`")]
    CorrectionMismatch {
        /// Person.
        person: String,
        /// Field.
        field: &'static str,
        /// Value in the record.
        recorded: String,
        /// Value the correction claims.
        old: String,
    },
    /// A field value is malformed.
    #[error("{field}: {reason}")]
    InvalidValue {
        /// Field.
        field: &'static str,
        /// Why.
        reason: String,
    },
    /// The household is dissolved on that date.
    #[error("household `{household}` is dissolved by {on}")]
    HouseholdDissolved {
        /// Household.
        household: String,
        /// Date.
        on: NaiveDate,
    },
    /// A household cannot be dissolved while people live in it.
    #[error("household `{household}` still has {members} resident member(s) on {on}")]
    HouseholdHasMembers {
        /// Household.
        household: String,
        /// How many.
        members: usize,
        /// Date.
        on: NaiveDate,
    },
    /// The event is valid on its own date, but a later recorded event would no longer be.
    #[error("it would invalidate the later {later_kind} on {later_on}: {reason}")]
    InvalidatesLater {
        /// Kind of the later fact.
        later_kind: &'static str,
        /// Its date.
        later_on: NaiveDate,
        /// What would be wrong with it.
        reason: Box<Rejection>,
    },
    /// A registry holds at most 64 distinct tags.
    #[error("more than 64 distinct tags")]
    TooManyTags,
    /// A procedure for the other sex.
    #[error("{procedure} is not possible for `{person}`")]
    Procedure {
        /// Person.
        person: String,
        /// Procedure.
        procedure: Procedure,
    },
    /// A stock movement would take more than is on hand (DOMAIN §9: stock never goes negative).
    #[error("stock of `{item}`{} at `{point}` would be negative on {on}: {wanted} wanted, {available} on hand", lot.as_ref().map(|l| format!(" (lot `{l}`)")).unwrap_or_default())]
    Stock {
        /// Distribution point.
        point: String,
        /// Item.
        item: String,
        /// Lot, when the movement names one.
        lot: Option<String>,
        /// The day it would go negative.
        on: NaiveDate,
        /// Units the movement takes.
        wanted: u64,
        /// Units on hand then.
        available: u64,
    },
    /// A step of an application that its state does not allow (DOMAIN §10).
    #[error("{certificate}: `{action}` cannot follow `{from}` on {on}")]
    Transition {
        /// The document.
        certificate: CertificateKind,
        /// The state of the person's latest application of that kind (`none` when none).
        from: &'static str,
        /// The step refused.
        action: CertificateAction,
        /// Its date.
        on: NaiveDate,
    },
    /// An application the person is not eligible for on its date (DOMAIN §10).
    #[error("{certificate} on {on}: {reason}")]
    NotEligible {
        /// The document.
        certificate: CertificateKind,
        /// The application date.
        on: NaiveDate,
        /// Why.
        reason: String,
    },
}
