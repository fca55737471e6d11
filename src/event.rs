//! Events — the only way state changes (DOMAIN §5).

use crate::person::code_enum;
use crate::{
    AreaLevel, CertificateAction, CertificateKind, Child, CloseReason, EventId, GridId, HouseholdId, HousingKind,
    MaritalStatus, Method, MethodSource, PersonId, Phone, Place, PregnancyOutcome, Procedure, Relation, Residency,
    ResidentId, Sex, StaffId, StaffRole, StopReason, Tag,
};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// One dated change, as recorded by a keeper's device or imported from a file.
///
/// The event's `date` is when the thing happened (it may be long before `recorded_at`).
/// Events are applied in the order (date, kind precedence, recorded_at, id), never in
/// arrival order, so any arrival order gives the same registry.
///
/// In JSON the kind's fields sit beside the common ones:
///
/// ```
/// use famplan::{Event, EventKind};
/// let line = r#"{"id":"e1","date":"2026-03-01","recorded_at":"2026-03-02T09:00:00","recorded_by":"k1","kind":"married","person":"p1"}"#;
/// let e: Event = serde_json::from_str(line)?;
/// assert!(matches!(e.kind, EventKind::Married { .. }));
/// assert_eq!(serde_json::to_string(&e)?, r#"{"id":"e1","date":"2026-03-01","recorded_at":"2026-03-02T09:00:00","recorded_by":"k1","kind":"married","person":"p1"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Unique across devices.
    pub id: EventId,
    /// The effective date: when it happened.
    pub date: NaiveDate,
    /// When it was recorded (audit only; the core never reads the clock, callers pass it).
    pub recorded_at: NaiveDateTime,
    /// Who recorded it.
    pub recorded_by: String,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    /// Builds an event recorded at midnight of its own date by `recorded_by`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind};
    /// let e = Event::new("e1", "2026-03-01".parse().unwrap(), "k1", EventKind::Married { person: "p1".into(), spouse: None });
    /// assert_eq!(e.recorded_at.to_string(), "2026-03-01 00:00:00");
    /// ```
    pub fn new(id: impl Into<EventId>, date: NaiveDate, recorded_by: impl Into<String>, kind: EventKind) -> Event {
        Event {
            id: id.into(),
            date,
            recorded_at: date.and_hms_opt(0, 0, 0).expect("midnight exists"),
            recorded_by: recorded_by.into(),
            kind,
        }
    }

    /// The person the event is about, if it is about one person.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Event, EventKind};
    /// let e = Event::new("e1", "2026-03-01".parse().unwrap(), "k1", EventKind::Died { person: "p9".into() });
    /// assert_eq!(e.person().map(|p| p.as_str()), Some("p9"));
    /// ```
    pub fn person(&self) -> Option<&PersonId> {
        self.kind.person()
    }

    /// The canonical order key: date, then kind precedence, then recorded_at, then id.
    pub(crate) fn order_key(&self) -> (NaiveDate, u8, NaiveDateTime, &str) {
        (self.date, self.kind.precedence(), self.recorded_at, self.id.as_str())
    }
}

impl From<String> for EventId {
    fn from(s: String) -> Self {
        EventId::new(s)
    }
}

code_enum!(
    /// How supplies reached the person.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::SupplyChannel::HomeDelivery.code(), "home_delivery");
    /// ```
    SupplyChannel { /** 送药上门 */ HomeDelivery = "home_delivery", /** 服务站 */ Station = "station", /** 自助发放机 */ SelfService = "self_service" }
);

code_enum!(
    /// A screening programme.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ScreeningKind::Gynaecological.code(), "gynaecological");
    /// ```
    ScreeningKind { /** 妇女病检查 */ Gynaecological = "gynaecological", /** 生殖健康普查 */ ReproductiveHealthCensus = "reproductive_health_census" }
);

code_enum!(
    /// What a consultation was about.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ConsultationTopic::Policy.code(), "policy");
    /// ```
    ConsultationTopic { /** 优生优育 */ HealthyBirth = "healthy_birth", /** 政策 */ Policy = "policy", /** 其他 */ Other = "other" }
);

code_enum!(
    /// Who answered a survey (请流动人口农民工评计生, 民主评议).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::RespondentKind::Floating.code(), "floating");
    /// ```
    RespondentKind { /** 户籍居民 */ Registered = "registered", /** 流动人口/农民工 */ Floating = "floating" }
);

/// What a keeper observed about one person during a verification (DOMAIN §8).
///
/// Items left `None` were not observed and are not compared.
///
/// # Example
///
/// ```
/// let o = famplan::Observation { person: Some("p1".into()), name: Some("李梅".into()), ..Default::default() };
/// assert!(o.sex.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// The registry id, when the keeper matched the person to a record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<PersonId>,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Birth date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// Resident ID number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<ResidentId>,
    /// Relation to the head.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    /// Residency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residency: Option<Residency>,
    /// Marital status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital: Option<MaritalStatus>,
    /// For a WRA: current method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<Method>,
    /// For a WRA: when it started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method_start: Option<NaiveDate>,
}

code_enum!(
    /// A field of a person's record that can be corrected.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("birth_date".parse::<famplan::CorrectableField>(), Ok(famplan::CorrectableField::BirthDate));
    /// ```
    CorrectableField {
        /** 姓名 */ Name = "name", /** 性别 */ Sex = "sex", /** 出生日期 */ BirthDate = "birth_date",
        /** 身份证号 */ IdNumber = "id_number", /** 电话 */ Phone = "phone", /** 与户主关系 */ Relation = "relation"
    }
);

/// Every kind of event (DOMAIN §5), with its fields.
///
/// In files the kind is written `snake_case` in a `kind` field. Two kinds extend DOMAIN §5
/// so that the area tree, too, is built from events: `area_defined` and `staff_assigned`.
///
/// # Example
///
/// ```
/// use famplan::{EventKind, Method};
/// let k = EventKind::MethodStarted { person: "p1".into(), method: Method::Iud, source: None, informed_choice: true };
/// assert_eq!(k.code(), "method_started");
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// A node of the area tree is defined (or renamed).
    AreaDefined {
        /// Level.
        level: AreaLevel,
        /// Id.
        area: String,
        /// Parent id (none for a community).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        parent: Option<String>,
        /// Name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// A keeper, building head, volunteer, informant or association member is attached to an area.
    StaffAssigned {
        /// Staff id.
        staff: StaffId,
        /// Name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// Role.
        role: StaffRole,
        /// Level of the area.
        level: AreaLevel,
        /// Area id.
        area: String,
    },
    /// A household is registered.
    HouseholdRegistered {
        /// Id.
        household: HouseholdId,
        /// Housing kind.
        housing: HousingKind,
        /// Where.
        place: Place,
    },
    /// A household moves to another grid (or group, building, address): one event, nothing below rewritten.
    HouseholdMoved {
        /// Id.
        household: HouseholdId,
        /// The new place.
        place: Place,
    },
    /// A household is dissolved (it must have no resident members left).
    HouseholdDissolved {
        /// Id.
        household: HouseholdId,
    },
    /// A person enters the registry.
    PersonRegistered {
        /// Id.
        person: PersonId,
        /// Household.
        household: HouseholdId,
        /// Name.
        #[serde(default)]
        name: String,
        /// Sex.
        sex: Sex,
        /// Birth date.
        birth_date: NaiveDate,
        /// Resident ID number.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id_number: Option<ResidentId>,
        /// Phone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        phone: Option<Phone>,
        /// Relation to the head.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relation: Option<Relation>,
        /// Marital status.
        marital: MaritalStatus,
        /// Since when, if known; otherwise the status is undated (holds on every date until changed).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        marital_since: Option<NaiveDate>,
        /// Residency (registered, floating or moved out).
        residency: Residency,
        /// Tags.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        tags: Vec<Tag>,
    },
    /// A field of a person's record is corrected (a fix, not a change in life: it holds on every date).
    PersonCorrected {
        /// Person.
        person: PersonId,
        /// Which field.
        field: CorrectableField,
        /// The value being replaced (must equal the record).
        old: String,
        /// The new value.
        new: String,
    },
    /// A person who had left comes to live here (again): floating or registered.
    PersonMovedIn {
        /// Person.
        person: PersonId,
        /// Area code they came from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// Household they join.
        household: HouseholdId,
        /// Registered or floating.
        residency: Residency,
    },
    /// A person leaves: a registered resident becomes `moved_out` (流出); a floating one, or
    /// anyone leaving for good (`permanent`), becomes `departed`.
    PersonMovedOut {
        /// Person.
        person: PersonId,
        /// Where to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<String>,
        /// Leaves the registry for good.
        #[serde(default)]
        permanent: bool,
    },
    /// A moved-out person comes back home: `registered` again.
    PersonReturned {
        /// Person.
        person: PersonId,
    },
    /// A person joins another household of the community.
    PersonRehoused {
        /// Person.
        person: PersonId,
        /// New household.
        household: HouseholdId,
        /// Relation to its head.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        relation: Option<Relation>,
    },
    /// A person died.
    Died {
        /// Person.
        person: PersonId,
    },
    /// 结婚.
    Married {
        /// Person.
        person: PersonId,
        /// Spouse, if in the registry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spouse: Option<PersonId>,
    },
    /// 离婚.
    Divorced {
        /// Person.
        person: PersonId,
    },
    /// 丧偶.
    Widowed {
        /// Person.
        person: PersonId,
    },
    /// A case file is opened (women only).
    CaseFileOpened {
        /// Person.
        person: PersonId,
    },
    /// A case file is closed.
    CaseFileClosed {
        /// Person.
        person: PersonId,
        /// Why.
        reason: CloseReason,
    },
    /// A tag is added.
    TagAdded {
        /// Person.
        person: PersonId,
        /// Tag.
        tag: Tag,
    },
    /// A tag is removed.
    TagRemoved {
        /// Person.
        person: PersonId,
        /// Tag.
        tag: Tag,
    },
    /// A pregnancy is reported.
    PregnancyReported {
        /// Person.
        person: PersonId,
    },
    /// A pregnancy ended.
    PregnancyEnded {
        /// Person.
        person: PersonId,
        /// How.
        outcome: PregnancyOutcome,
        /// Children born alive (live birth only).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        children: Vec<Child>,
    },
    /// A method is started, with informed choice (知情选择) recorded.
    MethodStarted {
        /// Person.
        person: PersonId,
        /// Method.
        method: Method,
        /// Free or self-bought.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<MethodSource>,
        /// Informed choice was recorded.
        #[serde(default)]
        informed_choice: bool,
    },
    /// The method in use is stopped.
    MethodStopped {
        /// Person.
        person: PersonId,
        /// Why.
        reason: StopReason,
    },
    /// A procedure was performed (insertions start their method, removals stop it).
    ProcedurePerformed {
        /// Person.
        person: PersonId,
        /// Which.
        procedure: Procedure,
    },
    /// Supplies were handed out.
    SuppliesDispensed {
        /// Person.
        person: PersonId,
        /// Item code.
        item: String,
        /// Quantity.
        quantity: u32,
        /// Cycles covered (pills).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cycles: Option<u32>,
        /// Channel.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        channel: Option<SupplyChannel>,
        /// The distribution point (发放点) whose stock it leaves; `None` = not kept in the
        /// supplies ledger (DOMAIN §9).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        point: Option<String>,
        /// The lot it comes from; `None` = first expiry first out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot: Option<String>,
    },
    /// 药具出入库 — stock of a distribution point received, returned upstream, expired or
    /// lost (DOMAIN §9). A dispense to a person is her `supplies_dispensed` event with a `point`.
    StockMoved {
        /// Distribution point (发放点).
        point: String,
        /// Item code.
        item: String,
        /// Lot (批号); for an outflow `None` = first expiry first out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lot: Option<String>,
        /// Received, returned, expired or lost.
        movement: crate::StockMovement,
        /// Units.
        quantity: u32,
        /// Expiry date of the lot (receipts).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires: Option<NaiveDate>,
    },
    /// A visit took place.
    VisitRecorded {
        /// Person.
        person: PersonId,
        /// The visit kind (any rule's visit kind: `marriage_home`, `post_surgery` …).
        visit: String,
        /// Outcome (`using_correctly`, `not_home` …).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
        /// Who visited.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visitor: Option<StaffId>,
    },
    /// A verification of a household (DOMAIN §8): what was observed. It never edits the registry.
    VerificationRecorded {
        /// Household.
        household: HouseholdId,
        /// Each person observed.
        observed: Vec<Observation>,
    },
    /// A certificate was applied for, issued or voided.
    Certificate {
        /// Person.
        person: PersonId,
        /// Which document.
        certificate: CertificateKind,
        /// What happened.
        action: CertificateAction,
    },
    /// A screening took place.
    ScreeningDone {
        /// Person.
        person: PersonId,
        /// Which programme.
        screening: ScreeningKind,
        /// Findings referred onwards.
        #[serde(default)]
        referred: bool,
    },
    /// A consultation was given.
    ConsultationGiven {
        /// Person, if one of ours.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        person: Option<PersonId>,
        /// Grid where it was given.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grid: Option<GridId>,
        /// Topic.
        topic: ConsultationTopic,
    },
    /// 咨询/热线 — a service request (a policy consultation, a hotline call) is logged (DOMAIN §10).
    ServiceRequested {
        /// The request's id (unique).
        request: String,
        /// How it came in.
        channel: crate::RequestChannel,
        /// Topic.
        topic: ConsultationTopic,
        /// Person, if one of ours.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        person: Option<PersonId>,
        /// Grid, if known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grid: Option<GridId>,
    },
    /// A logged service request is answered (on the event's date).
    ServiceAnswered {
        /// The request's id.
        request: String,
    },
    /// A survey response.
    SurveyResponse {
        /// Respondent kind.
        respondent: RespondentKind,
        /// Satisfied.
        satisfied: bool,
        /// Knows the free-supply policy.
        knows_free_supply: bool,
        /// Grid where it was collected.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        grid: Option<GridId>,
    },
}

impl EventKind {
    /// The kind's code as written in files.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::EventKind::Died { person: "p".into() }.code(), "died");
    /// ```
    pub fn code(&self) -> &'static str {
        use EventKind::*;
        match self {
            AreaDefined { .. } => "area_defined",
            StaffAssigned { .. } => "staff_assigned",
            HouseholdRegistered { .. } => "household_registered",
            HouseholdMoved { .. } => "household_moved",
            HouseholdDissolved { .. } => "household_dissolved",
            PersonRegistered { .. } => "person_registered",
            PersonCorrected { .. } => "person_corrected",
            PersonMovedIn { .. } => "person_moved_in",
            PersonMovedOut { .. } => "person_moved_out",
            PersonReturned { .. } => "person_returned",
            PersonRehoused { .. } => "person_rehoused",
            Died { .. } => "died",
            Married { .. } => "married",
            Divorced { .. } => "divorced",
            Widowed { .. } => "widowed",
            CaseFileOpened { .. } => "case_file_opened",
            CaseFileClosed { .. } => "case_file_closed",
            TagAdded { .. } => "tag_added",
            TagRemoved { .. } => "tag_removed",
            PregnancyReported { .. } => "pregnancy_reported",
            PregnancyEnded { .. } => "pregnancy_ended",
            MethodStarted { .. } => "method_started",
            MethodStopped { .. } => "method_stopped",
            ProcedurePerformed { .. } => "procedure_performed",
            SuppliesDispensed { .. } => "supplies_dispensed",
            VisitRecorded { .. } => "visit_recorded",
            VerificationRecorded { .. } => "verification_recorded",
            Certificate { .. } => "certificate",
            ScreeningDone { .. } => "screening_done",
            ConsultationGiven { .. } => "consultation_given",
            SurveyResponse { .. } => "survey_response",
            StockMoved { .. } => "stock_moved",
            ServiceRequested { .. } => "service_requested",
            ServiceAnswered { .. } => "service_answered",
        }
    }

    /// The person the event is about, if any.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::EventKind;
    /// assert!(EventKind::HouseholdDissolved { household: "h".into() }.person().is_none());
    /// ```
    pub fn person(&self) -> Option<&PersonId> {
        use EventKind::*;
        match self {
            PersonRegistered { person, .. }
            | PersonCorrected { person, .. }
            | PersonMovedIn { person, .. }
            | PersonMovedOut { person, .. }
            | PersonReturned { person }
            | PersonRehoused { person, .. }
            | Died { person }
            | Married { person, .. }
            | Divorced { person }
            | Widowed { person }
            | CaseFileOpened { person }
            | CaseFileClosed { person, .. }
            | TagAdded { person, .. }
            | TagRemoved { person, .. }
            | PregnancyReported { person }
            | PregnancyEnded { person, .. }
            | MethodStarted { person, .. }
            | MethodStopped { person, .. }
            | ProcedurePerformed { person, .. }
            | SuppliesDispensed { person, .. }
            | VisitRecorded { person, .. }
            | Certificate { person, .. }
            | ScreeningDone { person, .. } => Some(person),
            ConsultationGiven { person, .. } | ServiceRequested { person, .. } => person.as_ref(),
            _ => None,
        }
    }

    /// Order among events of the same date: the area tree, then households, then people,
    /// then what happens to them, and leaving or dying last.
    pub(crate) fn precedence(&self) -> u8 {
        use EventKind::*;
        match self {
            AreaDefined { level, .. } => *level as u8,
            StaffAssigned { .. } => 10,
            HouseholdRegistered { .. } => 20,
            HouseholdMoved { .. } => 21,
            PersonRegistered { .. } => 30,
            PersonMovedIn { .. } | PersonReturned { .. } => 31,
            PersonRehoused { .. } => 32,
            PersonCorrected { .. } => 33,
            Married { .. } | Divorced { .. } | Widowed { .. } => 40,
            CaseFileOpened { .. } => 41,
            TagAdded { .. } | TagRemoved { .. } => 42,
            PregnancyReported { .. } => 50,
            PregnancyEnded { .. } => 51,
            ProcedurePerformed { .. } => 52,
            MethodStopped { .. } => 53,
            MethodStarted { .. } => 54,
            SuppliesDispensed { .. } => 55,
            StockMoved { movement, .. } => movement.precedence(),
            ServiceRequested { .. } => 60,
            ServiceAnswered { .. } => 62,
            Certificate { action, .. } => action.precedence(),
            ScreeningDone { .. } | ConsultationGiven { .. } | SurveyResponse { .. } => 60,
            VisitRecorded { .. } | VerificationRecorded { .. } => 61,
            CaseFileClosed { .. } => 70,
            PersonMovedOut { .. } => 80,
            Died { .. } => 81,
            HouseholdDissolved { .. } => 90,
        }
    }
}
