//! Frames of the services (DOMAIN §9–§10): supplies ledger, applications, service requests.

use crate::frame::{Columns, PyFrame};
use famplan::{Application, Cover, ServiceRequest, StockLine};

/// `point, item, lot, expires, quantity`.
pub fn stock_frame(lines: &[StockLine]) -> PyFrame {
    Columns::default()
        .str("point", lines.iter().map(|l| Some(l.point.as_str())))
        .str("item", lines.iter().map(|l| Some(l.item.as_str())))
        .str("lot", lines.iter().map(|l| l.lot.as_deref()))
        .date("expires", lines.iter().map(|l| l.expires))
        .u64("quantity", lines.iter().map(|l| l.quantity))
        .finish()
}

/// `point, item, on_hand, used, days` (days null when nothing was used).
pub fn cover_frame(rows: &[Cover]) -> PyFrame {
    Columns::default()
        .str("point", rows.iter().map(|c| Some(c.point.as_str())))
        .str("item", rows.iter().map(|c| Some(c.item.as_str())))
        .u64("on_hand", rows.iter().map(|c| c.on_hand))
        .u64("used", rows.iter().map(|c| c.used))
        .i64("days", rows.iter().map(|c| c.days.map(|d| d as i64)))
        .finish()
}

/// `person, kind, applied_on, state, changed_on, due, overdue, valid_until`.
pub fn applications_frame(apps: &[Application], on: chrono::NaiveDate) -> PyFrame {
    Columns::default()
        .str("person", apps.iter().map(|a| Some(a.person.as_str())))
        .str("kind", apps.iter().map(|a| Some(a.kind.code())))
        .date("applied_on", apps.iter().map(|a| Some(a.applied_on)))
        .str("state", apps.iter().map(|a| Some(a.state.code())))
        .date("changed_on", apps.iter().map(|a| Some(a.changed_on)))
        .date("due", apps.iter().map(|a| Some(a.due)))
        .bool("overdue", apps.iter().map(|a| a.is_overdue(on)))
        .date("valid_until", apps.iter().map(|a| a.valid_until))
        .finish()
}

/// `request, date, channel, topic, person, answered_on`.
pub fn requests_frame(rows: &[ServiceRequest]) -> PyFrame {
    Columns::default()
        .str("request", rows.iter().map(|r| Some(r.request.as_str())))
        .date("date", rows.iter().map(|r| Some(r.date)))
        .str("channel", rows.iter().map(|r| Some(r.channel.code())))
        .str("topic", rows.iter().map(|r| Some(r.topic.code())))
        .str("person", rows.iter().map(|r| r.person.as_ref().map(|p| p.as_str())))
        .date("answered_on", rows.iter().map(|r| r.answered_on))
        .finish()
}

/// `person, kind, applied_on, state, event, reason`.
pub fn flags_frame(rows: &[famplan::EligibilityFlag]) -> PyFrame {
    Columns::default()
        .str("person", rows.iter().map(|f| Some(f.application.person.as_str())))
        .str("kind", rows.iter().map(|f| Some(f.application.kind.code())))
        .date("applied_on", rows.iter().map(|f| Some(f.application.applied_on)))
        .str("state", rows.iter().map(|f| Some(f.application.state.code())))
        .str("event", rows.iter().map(|f| Some(f.application.event.as_str())))
        .str("reason", rows.iter().map(|f| Some(f.reason.as_str())))
        .finish()
}

/// `scheme, due, amount_fen`.
pub fn payments_frame(rows: &[famplan::RewardPayment]) -> PyFrame {
    Columns::default()
        .str("scheme", rows.iter().map(|r| Some(r.scheme.as_str())))
        .date("due", rows.iter().map(|r| Some(r.due)))
        .u64("amount_fen", rows.iter().map(|r| r.amount_fen))
        .finish()
}
