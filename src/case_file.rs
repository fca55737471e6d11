//! 个案 — the case file of a woman of reproductive age (DOMAIN §4).

use crate::person::code_enum;
use crate::{EventId, PersonId, Sex};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// 节育措施 — contraceptive method, in the national report categories.
    ///
    /// `sterilization` is accepted when the partner is not recorded. A couple counts once, on
    /// the woman's file, whichever partner uses the method.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Method;
    /// assert!(Method::Iud.is_long_acting());
    /// assert!(!Method::Pill.is_long_acting());
    /// assert_eq!("tubal_sterilization".parse::<Method>(), Ok(Method::TubalSterilization));
    /// ```
    Method {
        /** 男扎 */ Vasectomy = "vasectomy",
        /** 女扎 */ TubalSterilization = "tubal_sterilization",
        /** 绝育 (partner not recorded) */ Sterilization = "sterilization",
        /** 放环 */ Iud = "iud",
        /** 皮埋 */ Implant = "implant",
        /** 注射 */ Injectable = "injectable",
        /** 口服药 */ Pill = "pill",
        /** 避孕套 */ Condom = "condom",
        /** 外用杀精剂 */ Spermicide = "spermicide",
        /** 其他 */ Other = "other",
        /** 未避孕 */ None = "none"
    }
);

impl Method {
    /// Sterilization (either partner), IUD or implant.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Method::Vasectomy.is_long_acting());
    /// ```
    pub fn is_long_acting(self) -> bool {
        matches!(
            self,
            Method::Vasectomy | Method::TubalSterilization | Method::Sterilization | Method::Iud | Method::Implant
        )
    }
}

code_enum!(
    /// Where the method's supplies come from.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::MethodSource::Free.code(), "free");
    /// ```
    MethodSource { /** 免费发放 */ Free = "free", /** 自购 */ SelfBought = "self_bought" }
);

code_enum!(
    /// Why a method was stopped.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("failure".parse::<famplan::StopReason>(), Ok(famplan::StopReason::Failure));
    /// ```
    StopReason {
        /** Wishes a child. */ WishChild = "wish_child",
        /** Side effects. */ SideEffects = "side_effects",
        /** Pregnant while using (method failure). */ Failure = "failure",
        /** The method expired. */ Expired = "expired",
        /** Anything else. */ Other = "other"
    }
);

code_enum!(
    /// A procedure performed (手术).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Method, Procedure};
    /// assert_eq!(Procedure::IudInsertion.starts(), Some(Method::Iud));
    /// assert_eq!(Procedure::IudRemoval.stops(), Some(Method::Iud));
    /// ```
    Procedure {
        /** 放环 */ IudInsertion = "iud_insertion",
        /** 取环 */ IudRemoval = "iud_removal",
        /** 女扎 */ TubalSterilization = "tubal_sterilization",
        /** 男扎 */ Vasectomy = "vasectomy",
        /** 皮埋 */ ImplantInsertion = "implant_insertion",
        /** 取皮埋 */ ImplantRemoval = "implant_removal",
        /** 人工流产 */ InducedAbortion = "induced_abortion"
    }
);

impl Procedure {
    /// The method this procedure puts in place, if any.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Procedure::Vasectomy.starts(), Some(famplan::Method::Vasectomy));
    /// ```
    pub fn starts(self) -> Option<Method> {
        match self {
            Procedure::IudInsertion => Some(Method::Iud),
            Procedure::TubalSterilization => Some(Method::TubalSterilization),
            Procedure::Vasectomy => Some(Method::Vasectomy),
            Procedure::ImplantInsertion => Some(Method::Implant),
            _ => None,
        }
    }

    /// The method this procedure ends, if any.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Procedure::ImplantRemoval.stops(), Some(famplan::Method::Implant));
    /// ```
    pub fn stops(self) -> Option<Method> {
        match self {
            Procedure::IudRemoval => Some(Method::Iud),
            Procedure::ImplantRemoval => Some(Method::Implant),
            _ => None,
        }
    }
}

code_enum!(
    /// How a pregnancy ended.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PregnancyOutcome::LiveBirth.code(), "live_birth");
    /// ```
    PregnancyOutcome {
        /** 活产 */ LiveBirth = "live_birth",
        /** 人工流产 */ InducedAbortion = "induced_abortion",
        /** 自然流产 */ Miscarriage = "miscarriage",
        /** 死产 */ Stillbirth = "stillbirth"
    }
);

code_enum!(
    /// How a child is related to the woman.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ChildRelation::default(), famplan::ChildRelation::Biological);
    /// ```
    ChildRelation { /** 亲生 */ Biological = "biological", /** 收养 */ Adopted = "adopted", /** 继子女 */ Step = "step" }
);

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for ChildRelation {
    fn default() -> Self {
        ChildRelation::Biological
    }
}

/// A child on a case file.
///
/// # Example
///
/// ```
/// use famplan::{Child, ChildRelation, Sex};
/// let c = Child { sex: Sex::Male, birth_date: "2025-03-02".parse().unwrap(), order: 1, relation: ChildRelation::Biological };
/// assert_eq!(c.order, 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Child {
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Birth order (1 for the first child).
    pub order: u8,
    /// Biological, adopted or step.
    #[serde(default)]
    pub relation: ChildRelation,
}

code_enum!(
    /// Why a case file was closed.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::CloseReason::AgedOut.code(), "aged_out");
    /// ```
    CloseReason { /** Reached 50. */ AgedOut = "aged_out", /** Left the registry. */ Departed = "departed", /** Died. */ Died = "died", /** Anything else. */ Other = "other" }
);

/// The status of a case file on a date.
///
/// # Example
///
/// ```
/// use famplan::CaseFileStatus;
/// assert!(CaseFileStatus::Open.is_open());
/// assert!(!CaseFileStatus::Missing.is_open());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "status", content = "reason")]
pub enum CaseFileStatus {
    /// No case file was ever opened.
    Missing,
    /// Open.
    Open,
    /// Closed, with the reason.
    Closed(CloseReason),
}

impl CaseFileStatus {
    /// True when open.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::CaseFileStatus::Open.is_open());
    /// ```
    pub fn is_open(self) -> bool {
        self == CaseFileStatus::Open
    }
}

code_enum!(
    /// Documents issued at the one-stop counter (DOMAIN §10).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::CertificateKind::OnlyChildHonour.code(), "only_child_honour");
    /// ```
    CertificateKind {
        /** 生殖保健服务手册 */ ServiceBooklet = "service_booklet",
        /** 独生子女父母光荣证 */ OnlyChildHonour = "only_child_honour",
        /** 流动人口婚育证明 */ FloatingMarriageBirth = "floating_marriage_birth",
        /** 生育登记 */ BirthRegistration = "birth_registration",
        /** 奖励优惠申报 */ RewardClaim = "reward_claim",
        /** 再生育审批 */ ExtraChildApproval = "extra_child_approval"
    }
);

code_enum!(
    /// What happened to a certificate.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::CertificateAction::Issued.code(), "issued");
    /// ```
    CertificateAction {
        /** 申请 */ Applied = "applied", /** 审核中 */ UnderReview = "under_review", /** 发放 */ Issued = "issued",
        /** 不予受理/驳回 */ Rejected = "rejected", /** 补发 */ Reissued = "reissued", /** 作废 */ Voided = "voided"
    }
);

/// A past event on the case file: what happened, when, and which event recorded it.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let cf = reg.case_file(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
/// assert_eq!(cf.methods[0].what, famplan::Method::Iud);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Dated<T> {
    /// When it took effect; `None` for an undated fact from a snapshot.
    pub on: Option<NaiveDate>,
    /// What it was.
    pub what: T,
    /// The event that recorded it, when known.
    pub event: Option<EventId>,
}

/// Supplies handed to a person (药具发放).
///
/// # Example
///
/// ```
/// let s = famplan::SupplyRecord { item: "condom".into(), quantity: 30, cycles: None };
/// assert_eq!(s.quantity, 30);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyRecord {
    /// Item code (`condom`, `pill`, `injectable` …).
    pub item: String,
    /// Quantity handed out.
    pub quantity: u32,
    /// Cycles covered (pills: 28 days each), when meaningful.
    pub cycles: Option<u32>,
}

/// 个案 — the case file of one woman, as of a date (DOMAIN §4).
///
/// A view built from the registry's events: it is never stored, so it cannot go stale.
///
/// # Example
///
/// ```
/// use famplan::{CaseFileStatus, Method, Registry};
/// let reg = Registry::example();
/// let cf = reg.case_file(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
/// assert_eq!(cf.status, CaseFileStatus::Open);
/// assert_eq!(cf.method, Method::Iud);
/// assert_eq!(cf.children.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CaseFile {
    /// Whose file.
    pub person: PersonId,
    /// The date the view is for.
    pub on: NaiveDate,
    /// Open, closed or missing on that date.
    pub status: CaseFileStatus,
    /// Date opened, if dated.
    pub opened: Option<NaiveDate>,
    /// Current method.
    pub method: Method,
    /// Since when, if dated.
    pub method_since: Option<NaiveDate>,
    /// Every method start, oldest first.
    pub methods: Vec<Dated<Method>>,
    /// Every method stop, oldest first.
    pub stops: Vec<Dated<StopReason>>,
    /// Pregnancies reported (date reported).
    pub pregnancies: Vec<Dated<()>>,
    /// How pregnancies ended.
    pub outcomes: Vec<Dated<PregnancyOutcome>>,
    /// Children born (from live births), oldest first.
    pub children: Vec<Child>,
    /// Procedures performed.
    pub procedures: Vec<Dated<Procedure>>,
    /// Supplies received.
    pub supplies: Vec<Dated<SupplyRecord>>,
    /// Certificates applied for, issued or voided.
    pub certificates: Vec<Dated<(CertificateKind, CertificateAction)>>,
    /// Screenings done, and whether findings were referred onwards.
    pub screenings: Vec<Dated<(crate::ScreeningKind, bool)>>,
    /// The last date a verification observed her (DOMAIN §8).
    pub last_verified: Option<NaiveDate>,
}

impl CaseFile {
    /// True when the file is open on its date.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.case_file(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap().is_open());
    /// ```
    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }
}
