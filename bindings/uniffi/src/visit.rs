//! Visits: what the keeper records, the work list and the obligations with their *why*.

use crate::FamplanError;
use crate::person::non_empty;
use chrono::NaiveDate;

pub use famplan::ObligationState;

/// The state of an obligation on a date: computed for the date asked, never stored.
#[uniffi::remote(Enum)]
pub enum ObligationState {
    /// 未到期: the window has not opened.
    Upcoming,
    /// 到期: window open, due date not passed.
    Due,
    /// 逾期: due date passed, window still open.
    Overdue,
    /// 已完成: fulfilled inside the window.
    Done,
    /// 漏访: the window closed unfulfilled.
    Missed,
    /// 已取消: superseded before the window closed.
    Cancelled,
}

/// A visit that took place, recorded with the day it happened (which may be long before it
/// is recorded: a late-recorded visit still fulfils the obligation whose window held it).
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct NewVisit {
    /// The person visited.
    pub person: String,
    /// The day of the visit.
    pub date: NaiveDate,
    /// The visit kind: a rule's visit kind (`marriage_home`, `birth_home`, `post_surgery`,
    /// `supply_followup`, `floating_monthly_check` …), as in the obligation's `visit_kind`.
    pub kind: String,
    /// Outcome (`using_correctly`, `not_home` …), if any.
    pub outcome: Option<String>,
}

impl NewVisit {
    pub(crate) fn into_kind(self, visitor: &str) -> Result<(NaiveDate, famplan::EventKind), FamplanError> {
        non_empty("person", &self.person)?;
        non_empty("kind", &self.kind)?;
        let kind = famplan::EventKind::VisitRecorded {
            person: famplan::PersonId::new(self.person),
            visit: self.kind,
            outcome: self.outcome,
            visitor: Some(famplan::StaffId::new(visitor)),
        };
        Ok((self.date, kind))
    }
}

/// Why an obligation exists.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Why {
    /// An event of the log triggered it.
    Event {
        /// The event's id.
        id: String,
        /// The event's kind (`married`, `procedure_performed` …).
        kind: String,
    },
    /// A row of an imported snapshot (`persons.csv method_start`).
    Snapshot {
        /// File and column.
        field: String,
    },
    /// A birthday: a woman turns 15.
    Birthday {
        /// The age reached.
        age: u32,
    },
    /// Membership of a calendar rule's population (every floating person, every rental
    /// household …).
    Member {
        /// Which population.
        of: String,
    },
}

impl From<famplan::Why<'_>> for Why {
    fn from(w: famplan::Why<'_>) -> Why {
        match w {
            famplan::Why::Event { id, kind } => Why::Event { id: id.into(), kind: kind.into() },
            famplan::Why::Snapshot { field } => Why::Snapshot { field: field.into() },
            famplan::Why::Birthday { age } => Why::Birthday { age },
            famplan::Why::Member { of } => Why::Member { of: of.into() },
        }
    }
}

/// One obligation (随访任务): a rule's visit owed to a person or a household in a window.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Obligation {
    /// The rule's id (`iud_followup`, `floating_monthly_check` …).
    pub rule: String,
    /// The rule's name, for people.
    pub rule_name: String,
    /// The visit kind that fulfils it (record a [`NewVisit`] with this `kind`); none when
    /// something else fulfils it (opening a case file).
    pub visit_kind: Option<String>,
    /// The person, or none for a household obligation.
    pub person: Option<String>,
    /// The household.
    pub household: String,
    /// The grid.
    pub grid: String,
    /// The due date.
    pub due: NaiveDate,
    /// First day of the window.
    pub window_start: NaiveDate,
    /// Last day of the window.
    pub window_end: NaiveDate,
    /// The state on the date asked.
    pub state: ObligationState,
    /// Why it exists.
    pub why: Why,
    /// Why, in words (`event e-100 (married)`).
    pub because: String,
    /// The visit (or event) that fulfilled it, if done.
    pub fulfilled_by: Option<String>,
    /// The day it was fulfilled, if done.
    pub fulfilled_on: Option<NaiveDate>,
}

impl From<&famplan::Obligation<'_>> for Obligation {
    fn from(o: &famplan::Obligation<'_>) -> Obligation {
        let fulfilled = o.fulfilled();
        let rule = o.rule();
        Obligation {
            rule: rule.id.clone(),
            rule_name: rule.name.clone(),
            visit_kind: rule.fulfilled_by.visit.clone(),
            person: o.person().map(str::to_string),
            household: o.household().to_string(),
            grid: o.grid().to_string(),
            due: o.due,
            window_start: o.window.start,
            window_end: o.window.end,
            state: o.state,
            why: o.why().into(),
            because: o.why().to_string(),
            fulfilled_by: fulfilled.map(|f| f.by.to_string()),
            fulfilled_on: fulfilled.map(|f| f.date),
        }
    }
}

/// One line of a work list.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorkItem {
    /// The obligation, due or overdue on the work list's date.
    pub obligation: Obligation,
    /// Key population (重点人群) or special client (特殊对象): listed first.
    pub priority_client: bool,
}

/// 工作清单: a keeper's work list for a date: due and overdue visits, key population and
/// special clients first, then by the day the window closes.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct WorkList {
    /// The keeper.
    pub keeper: String,
    /// The date.
    pub on: NaiveDate,
    /// The items, in order.
    pub items: Vec<WorkItem>,
}

impl WorkList {
    pub(crate) fn from_core(keeper: &str, list: &famplan::WorkList<'_>) -> WorkList {
        let items = list
            .items
            .iter()
            .map(|i| WorkItem { obligation: (&i.obligation).into(), priority_client: i.priority_client })
            .collect();
        WorkList { keeper: keeper.to_string(), on: list.on, items }
    }
}
