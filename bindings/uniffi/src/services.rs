//! Services (DOMAIN §9–§10) for the app: stock on hand and overdue applications.

use chrono::NaiveDate;

/// 库存 — units of one lot of one item at a distribution point on a date.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct StockLine {
    /// Distribution point (发放点).
    pub point: String,
    /// Item code.
    pub item: String,
    /// Lot (批号), if recorded.
    pub lot: Option<String>,
    /// Expiry date of the lot, if recorded.
    pub expires: Option<NaiveDate>,
    /// Units on hand.
    pub quantity: u64,
}

impl From<famplan::StockLine> for StockLine {
    fn from(l: famplan::StockLine) -> StockLine {
        StockLine { point: l.point, item: l.item, lot: l.lot, expires: l.expires, quantity: l.quantity }
    }
}

/// 申请 — one application for a document at the one-stop counter, on a date.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Application {
    /// Who applied.
    pub person: String,
    /// The document kind (`service_booklet`, `only_child_honour`, `birth_registration` …).
    pub kind: String,
    /// When.
    pub applied_on: NaiveDate,
    /// Its state on the date (`applied`, `under_review`, `issued`, `rejected`, `reissued`,
    /// `voided`).
    pub state: String,
    /// The day it must be decided by.
    pub due: NaiveDate,
    /// Days past `due` (0 when not overdue).
    pub days_overdue: u64,
}

impl Application {
    pub(crate) fn from_core(a: &famplan::Application, on: NaiveDate) -> Application {
        Application {
            person: a.person.to_string(),
            kind: a.kind.code().to_string(),
            applied_on: a.applied_on,
            state: a.state.code().to_string(),
            due: a.due,
            days_overdue: if a.is_overdue(on) { (on - a.due).num_days() as u64 } else { 0 },
        }
    }
}
