//! 一站式服务 — one-stop applications and service requests (DOMAIN §10).
//!
//! An application is the person's `certificate` events of one document kind: `applied` starts
//! it, then `under_review`, then `issued` or `rejected`; an issued document can be `reissued`
//! (补发) or `voided`. The registry refuses an illegal step or an ineligible application with
//! the reason and changes nothing. States are computed for a date, never stored.

use crate::person::code_enum;
use crate::registry::state::{Change, Fact, State, date};
use crate::{
    CertificateAction, CertificateKind, ConsultationTopic, Event, EventId, EventKind, GridId, PersonId, PolicySet,
    Registry, Rejection,
};
use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    /// How a service request came in.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::RequestChannel::Hotline.code(), "hotline");
    /// ```
    RequestChannel {
        /** 窗口 */ Counter = "counter", /** 电话 */ Phone = "phone", /** 热线 */ Hotline = "hotline",
        /** 网上 */ Online = "online", /** 上门 */ HomeVisit = "home_visit"
    }
);

/// Only-child honour certificates are not issued for children born after this day.
pub const ONLY_CHILD_LAST_BIRTH: NaiveDate = match NaiveDate::from_ymd_opt(2015, 12, 31) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// The floating-population marriage-and-childbearing certificate is legacy from this day on
/// (no applications after September 2021).
pub const FLOATING_CERTIFICATE_LEGACY_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2021, 10, 1) {
    Some(d) => d,
    None => panic!("valid date"),
};

/// Years a floating-population certificate is valid locally after issue.
pub const FLOATING_CERTIFICATE_VALID_YEARS: u32 = 3;

impl CertificateKind {
    /// True for documents a person may apply for again after one was issued (one per birth,
    /// per claim, per renewal); the others are held once (reissue or void the one held).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::CertificateKind;
    /// assert!(CertificateKind::BirthRegistration.repeatable());
    /// assert!(!CertificateKind::OnlyChildHonour.repeatable());
    /// ```
    pub fn repeatable(self) -> bool {
        !matches!(self, CertificateKind::OnlyChildHonour | CertificateKind::ServiceBooklet)
    }
}

impl CertificateAction {
    /// The state machine: true when this step may follow `current` (the last step of the
    /// person's latest application of that kind; `None` = none yet).
    ///
    /// `applied` starts an application when none is pending; `under_review`, `issued` and
    /// `rejected` follow `applied` (a counter can decide at once, 即办); `issued` and
    /// `rejected` follow `under_review`; `reissued` and `voided` follow `issued` or
    /// `reissued`. Everything else is illegal.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::CertificateAction::*;
    /// assert!(Applied.may_follow(None));
    /// assert!(Issued.may_follow(Some(UnderReview)));
    /// assert!(!Issued.may_follow(Some(Rejected)));
    /// assert!(!Reissued.may_follow(Some(Applied)));
    /// ```
    pub fn may_follow(self, current: Option<CertificateAction>) -> bool {
        use CertificateAction::*;
        match self {
            Applied => !matches!(current, Some(Applied | UnderReview)),
            UnderReview => current == Some(Applied),
            Issued | Rejected => matches!(current, Some(Applied | UnderReview)),
            Reissued | Voided => matches!(current, Some(Issued | Reissued)),
        }
    }

    /// Order of steps on one day (in the event order and in the person's timeline): an
    /// application, its review and its decision can all happen on the same day.
    pub(crate) fn precedence(self) -> u8 {
        use CertificateAction::*;
        match self {
            Applied => 57,
            UnderReview => 58,
            Issued | Rejected => 59,
            Reissued | Voided => 60,
        }
    }

    /// True while an application waits for a decision (`applied`, `under_review`).
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::CertificateAction::UnderReview.is_pending());
    /// ```
    pub fn is_pending(self) -> bool {
        matches!(self, CertificateAction::Applied | CertificateAction::UnderReview)
    }
}

/// 办结时限 — the time limit of each document kind, in calendar days from the application
/// **[D]** (configurable).
///
/// # Example
///
/// ```
/// use famplan::{CertificateKind, TimeLimits};
/// let limits = TimeLimits::default().with(CertificateKind::RewardClaim, 15);
/// assert_eq!(limits.days(CertificateKind::RewardClaim), 15);
/// assert_eq!(limits.days(CertificateKind::BirthRegistration), 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimeLimits {
    days: [u32; CertificateKind::ALL.len()],
}

impl Default for TimeLimits {
    /// Booklet, floating certificate and birth registration 5 days; only-child certificate
    /// 20; reward claims and extra-child approval 30.
    fn default() -> TimeLimits {
        let mut t = TimeLimits { days: [5; CertificateKind::ALL.len()] };
        t = t.with(CertificateKind::OnlyChildHonour, 20);
        t = t.with(CertificateKind::RewardClaim, 30);
        t.with(CertificateKind::ExtraChildApproval, 30)
    }
}

impl TimeLimits {
    fn ix(kind: CertificateKind) -> usize {
        CertificateKind::ALL.iter().position(|&k| k == kind).expect("every kind is listed")
    }

    /// The limit of a kind, in days.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::TimeLimits::default().days(famplan::CertificateKind::OnlyChildHonour), 20);
    /// ```
    pub fn days(&self, kind: CertificateKind) -> u32 {
        self.days[Self::ix(kind)]
    }

    /// The same limits with one kind changed.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CertificateKind, TimeLimits};
    /// assert_eq!(TimeLimits::default().with(CertificateKind::ServiceBooklet, 1).days(CertificateKind::ServiceBooklet), 1);
    /// ```
    pub fn with(mut self, kind: CertificateKind, days: u32) -> TimeLimits {
        self.days[Self::ix(kind)] = days;
        self
    }
}

/// 申请 — one application of one person for one document, as of a date.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// assert!(reg.applications("2026-06-30".parse().unwrap(), &Default::default()).is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Application {
    /// Who applied.
    pub person: PersonId,
    /// Which document.
    pub kind: CertificateKind,
    /// When.
    pub applied_on: NaiveDate,
    /// The event that started it.
    pub event: EventId,
    /// Its state on the date asked (the last step so far).
    pub state: CertificateAction,
    /// The date of that step.
    pub changed_on: NaiveDate,
    /// The day it must be decided by (`applied_on` + the kind's time limit).
    pub due: NaiveDate,
    /// A floating-population certificate's local validity: 3 years from its issue.
    pub valid_until: Option<NaiveDate>,
}

impl Application {
    /// 超期 — still pending after its due date.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Application, CertificateAction, CertificateKind};
    /// let d = |s: &str| s.parse().unwrap();
    /// let a = Application { person: "p1".into(), kind: CertificateKind::ServiceBooklet, applied_on: d("2026-03-02"),
    ///     event: "e".into(), state: CertificateAction::Applied, changed_on: d("2026-03-02"), due: d("2026-03-07"), valid_until: None };
    /// assert!(!a.is_overdue(d("2026-03-07")));
    /// assert!(a.is_overdue(d("2026-03-08")));
    /// ```
    pub fn is_overdue(&self, on: NaiveDate) -> bool {
        self.state.is_pending() && on > self.due
    }
}

/// 资格复核 — an application the facts known now make ineligible on its date (see
/// [`Registry::eligibility_flags`]).
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// assert!(reg.eligibility_flags("2026-06-30".parse().unwrap(), &Default::default()).is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EligibilityFlag {
    /// The application, as of the date asked.
    pub application: Application,
    /// Why it is not eligible on its application date.
    pub reason: String,
}

/// 咨询/热线记录 — a logged service request and when it was answered.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// assert!(reg.service_requests("2026-06-30".parse().unwrap()).is_empty());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ServiceRequest {
    /// Its id.
    pub request: String,
    /// When it came in.
    pub date: NaiveDate,
    /// How.
    pub channel: RequestChannel,
    /// About what.
    pub topic: ConsultationTopic,
    /// The person, if one of ours.
    pub person: Option<PersonId>,
    /// The grid, if known.
    pub grid: Option<GridId>,
    /// When it was answered (on or before the date asked); `None` = still open.
    pub answered_on: Option<NaiveDate>,
}

/// A service request as kept in the state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequestRec {
    pub request: String,
    pub date: NaiveDate,
    pub channel: RequestChannel,
    pub topic: ConsultationTopic,
    pub person: Option<PersonId>,
    pub grid: Option<GridId>,
    pub answered_on: Option<NaiveDate>,
}

/// Checks a person's certificate timeline of one kind with the new fact in place: every step
/// legal. Eligibility is not judged here (a replay must not re-judge it): see
/// [`check_new_application`].
pub(crate) fn check_timeline(all: &[Fact], kind: CertificateKind, new: &Fact) -> Result<(), Rejection> {
    let mut current: Option<CertificateAction> = None;
    for f in all {
        let Change::Certificate(k, action) = f.change else { continue };
        if k != kind {
            continue;
        }
        let on = date(f.date).unwrap_or(NaiveDate::MIN);
        let is_new = f == new;
        let refuse = |reason: Rejection| {
            if is_new {
                reason
            } else {
                Rejection::InvalidatesLater { later_kind: "certificate", later_on: on, reason: Box::new(reason) }
            }
        };
        let held = matches!(current, Some(CertificateAction::Issued | CertificateAction::Reissued));
        if action == CertificateAction::Applied && held && !kind.repeatable() {
            let reason = format!("{kind} is already held (reissue or void it first)");
            return Err(refuse(Rejection::NotEligible { certificate: kind, on, reason }));
        }
        if !action.may_follow(current) {
            let from = current.map_or("none", CertificateAction::code);
            return Err(refuse(Rejection::Transition { certificate: kind, from, action, on }));
        }
        current = Some(action);
    }
    Ok(())
}

/// The counter's eligibility check of a new application typed in ([`Registry::apply`]): an
/// `applied` certificate event of a known person is judged on its date against the facts
/// and the policy as they stand. Anything else passes (the state checks it next).
pub(crate) fn check_new_application(st: &State, policy: &PolicySet, e: &Event) -> Result<(), Rejection> {
    let EventKind::Certificate { person, certificate, action: CertificateAction::Applied } = &e.kind else {
        return Ok(());
    };
    match st.person_ids.find(person.as_str()) {
        Some(p) => eligible(st, policy, p, *certificate, e.date),
        None => Ok(()),
    }
}

/// The eligibility checks of an application on its date.
fn eligible(st: &State, policy: &PolicySet, p: u32, kind: CertificateKind, on: NaiveDate) -> Result<(), Rejection> {
    let not = |reason: String| Err(Rejection::NotEligible { certificate: kind, on, reason });
    match kind {
        CertificateKind::OnlyChildHonour => {
            let person = crate::PersonRef { st, ix: p };
            let children = person.case_file(on).children;
            if let Some(c) = children.iter().find(|c| c.birth_date > ONLY_CHILD_LAST_BIRTH) {
                return not(format!(
                    "no new only-child honour certificates for births after {ONLY_CHILD_LAST_BIRTH} (child born {})",
                    c.birth_date
                ));
            }
            // A snapshot may give only the last birth date, without the children.
            let last_birth = person.state_on(on).and_then(|s| s.last_birth);
            if let Some(b) = last_birth.filter(|&b| b > ONLY_CHILD_LAST_BIRTH) {
                return not(format!(
                    "no new only-child honour certificates for births after {ONLY_CHILD_LAST_BIRTH} (last birth {b})"
                ));
            }
            if children.len() > 1 {
                return not(format!("{} children recorded, not an only child", children.len()));
            }
            Ok(())
        }
        CertificateKind::FloatingMarriageBirth if on >= FLOATING_CERTIFICATE_LEGACY_FROM => {
            not("the floating-population marriage-and-childbearing certificate is legacy after 2021-09".into())
        }
        CertificateKind::ExtraChildApproval if !policy.has_approval(None, on) => {
            not("the birth policy in force has no approval (再生育审批)".into())
        }
        _ => Ok(()),
    }
}

impl Registry {
    /// 申请 — every application known on a date, in person order then by application date.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CertificateAction, CertificateKind, Event, EventKind, Registry, TimeLimits};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// let step = |id: &str, on: &str, action| Event::new(id, d(on), "k1",
    ///     EventKind::Certificate { person: "p1".into(), certificate: CertificateKind::ServiceBooklet, action });
    /// reg.apply(step("a1", "2026-07-01", CertificateAction::Applied))?;
    /// reg.apply(step("a2", "2026-07-02", CertificateAction::UnderReview))?;
    /// let apps = reg.applications(d("2026-07-10"), &TimeLimits::default());
    /// // applied 1 July + 5 days = due 6 July; still under review on 10 July: overdue.
    /// assert_eq!((apps[0].state, apps[0].due), (CertificateAction::UnderReview, d("2026-07-06")));
    /// assert!(apps[0].is_overdue(d("2026-07-10")));
    /// // Issued → under review is not a legal step: refused, nothing changes.
    /// reg.apply(step("a3", "2026-07-11", CertificateAction::Issued))?;
    /// assert!(reg.apply(step("a4", "2026-07-12", CertificateAction::UnderReview)).is_err());
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn applications(&self, on: NaiveDate, limits: &TimeLimits) -> Vec<Application> {
        let st = self.st();
        let mut out = Vec::new();
        for p in 0..st.persons.len() as u32 {
            let first = out.len();
            for f in st.facts_of(p) {
                let Change::Certificate(kind, action) = f.change else { continue };
                let Some(d) = date(f.date) else { continue };
                if d > on {
                    break;
                }
                if action == CertificateAction::Applied {
                    out.push(Application {
                        person: PersonId::new(st.person_ids.get_str(p)),
                        kind,
                        applied_on: d,
                        event: EventId::new(st.origin_str(f.origin)),
                        state: action,
                        changed_on: d,
                        due: d + Duration::days(i64::from(limits.days(kind))),
                        valid_until: None,
                    });
                } else if let Some(a) = out[first..].iter_mut().rev().find(|a| a.kind == kind) {
                    a.state = action;
                    a.changed_on = d;
                    if action == CertificateAction::Issued && kind == CertificateKind::FloatingMarriageBirth {
                        a.valid_until = d.checked_add_months(Months::new(12 * FLOATING_CERTIFICATE_VALID_YEARS));
                    }
                }
            }
        }
        out
    }

    /// 资格复核 — applications, pending or decided in the person's favour, that the facts and
    /// the policy known now make ineligible on their application date: the keeper's list of
    /// documents to review (void, or correct the record), in person order.
    ///
    /// Eligibility is judged when an application is typed in ([`Registry::apply`] refuses an
    /// ineligible one). A fact recorded later but dated earlier — a sibling's birth before an
    /// only-child certificate was applied for — or an application merged from another device
    /// cannot undo that decision: the event log stays as it is (a replay does not re-judge
    /// eligibility, so every arrival order gives the same registry) and the application is
    /// listed here with the reason, never dropped. Rejected and voided applications need
    /// nothing and are not listed.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CertificateAction, CertificateKind, Child, ChildRelation, Event, EventKind, PregnancyOutcome, Registry, Sex, TimeLimits};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// let child = Child { sex: Sex::Male, birth_date: d("2021-03-01"), order: 1, relation: ChildRelation::Biological };
    /// reg.apply(Event::new("b1", d("2021-03-01"), "k1", EventKind::PregnancyEnded {
    ///     person: "p1".into(), outcome: PregnancyOutcome::LiveBirth, children: vec![child] }))?;
    /// let apply = Event::new("c1", d("2022-05-01"), "k1", EventKind::Certificate {
    ///     person: "p1".into(), certificate: CertificateKind::OnlyChildHonour, action: CertificateAction::Applied });
    /// // Typed in at the counter: refused.
    /// assert!(reg.clone().apply(apply.clone()).is_err());
    /// // Merged from another device: kept in the log, and listed for review.
    /// assert!(reg.merge([apply]).conflicts.is_empty());
    /// let flags = reg.eligibility_flags(d("2026-06-30"), &TimeLimits::default());
    /// assert_eq!(flags[0].application.event.as_str(), "c1");
    /// assert!(flags[0].reason.ends_with("(child born 2021-03-01)"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn eligibility_flags(&self, on: NaiveDate, limits: &TimeLimits) -> Vec<EligibilityFlag> {
        let st = self.st();
        let policy = self.policy();
        self.applications(on, limits)
            .into_iter()
            .filter(|a| !matches!(a.state, CertificateAction::Rejected | CertificateAction::Voided))
            .filter_map(|a| {
                let p = st.person_ids.find(a.person.as_str())?;
                match eligible(st, policy, p, a.kind, a.applied_on) {
                    Err(Rejection::NotEligible { reason, .. }) => Some(EligibilityFlag { application: a, reason }),
                    _ => None,
                }
            })
            .collect()
    }

    /// 超期申请 — applications still pending after their time limit on a date, the longest
    /// overdue first.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.overdue_applications("2026-06-30".parse().unwrap(), &Default::default()).is_empty());
    /// ```
    pub fn overdue_applications(&self, on: NaiveDate, limits: &TimeLimits) -> Vec<Application> {
        let mut out: Vec<Application> =
            self.applications(on, limits).into_iter().filter(|a| a.is_overdue(on)).collect();
        out.sort_by(|a, b| (a.due, &a.person).cmp(&(b.due, &b.person)));
        out
    }

    /// 咨询/热线 — every service request logged on or before a date, with its answer date if
    /// answered by then, in date order.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ConsultationTopic, Event, EventKind, Registry, RequestChannel};
    /// let d = |s: &str| s.parse().unwrap();
    /// let mut reg = Registry::example();
    /// reg.apply(Event::new("q1", d("2026-07-01"), "k1", EventKind::ServiceRequested { request: "r1".into(),
    ///     channel: RequestChannel::Hotline, topic: ConsultationTopic::Policy, person: None, grid: None }))?;
    /// reg.apply(Event::new("q2", d("2026-07-03"), "k1", EventKind::ServiceAnswered { request: "r1".into() }))?;
    /// assert_eq!(reg.service_requests(d("2026-07-02"))[0].answered_on, None);
    /// assert_eq!(reg.service_requests(d("2026-07-03"))[0].answered_on, Some(d("2026-07-03")));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn service_requests(&self, on: NaiveDate) -> Vec<ServiceRequest> {
        let mut out: Vec<ServiceRequest> = self
            .st()
            .requests
            .iter()
            .filter(|r| r.date <= on)
            .map(|r| ServiceRequest {
                request: r.request.clone(),
                date: r.date,
                channel: r.channel,
                topic: r.topic,
                person: r.person.clone(),
                grid: r.grid.clone(),
                answered_on: r.answered_on.filter(|&a| a <= on),
            })
            .collect();
        out.sort_by(|a, b| (a.date, &a.request).cmp(&(b.date, &b.request)));
        out
    }
}
