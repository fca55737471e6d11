//! Sync between devices: events after a watermark out, another device's events in,
//! conflicts returned.

use crate::FamplanError;
use chrono::NaiveDate;

/// The events a store received after a watermark, to send to another device.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct EventBatch {
    /// One event per string, in arrival order, in famplan's JSON event format (the lines of
    /// an `events.jsonl` file). Opaque to the app: send them as they are.
    pub events: Vec<String>,
    /// Ask for the events after this watermark next time.
    pub watermark: u64,
}

/// An event that does not fit what the store holds: kept in the log, never dropped,
/// reported until a later event resolves it.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncConflict {
    /// The event's id.
    pub event_id: String,
    /// The event's kind (`married` …).
    pub kind: String,
    /// The event's date.
    pub date: NaiveDate,
    /// Who recorded it.
    pub recorded_by: String,
    /// The person it is about, if any.
    pub person: Option<String>,
    /// Why it does not fit.
    pub reason: String,
    /// The event itself, in the JSON event format.
    pub event: String,
}

impl From<&famplan::Conflict> for SyncConflict {
    fn from(c: &famplan::Conflict) -> SyncConflict {
        SyncConflict {
            event_id: c.event.id.to_string(),
            kind: c.event.kind.code().to_string(),
            date: c.event.date,
            recorded_by: c.event.recorded_by.clone(),
            person: c.event.person().map(|p| p.to_string()),
            reason: c.reason.to_string(),
            event: to_json(&c.event),
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct SyncReport {
    /// Events new to this store.
    pub applied: u64,
    /// Events the store already had (a re-sent batch).
    pub duplicates: u64,
    /// Every event that does not fit, after the import (kept in the log).
    pub conflicts: Vec<SyncConflict>,
}

pub(crate) fn to_json(e: &famplan::Event) -> String {
    serde_json::to_string(e).expect("an event serialises to JSON: its keys are strings")
}

/// Parses a batch of events in the JSON event format; every bad one is reported by its
/// index, and none is taken if one is bad.
pub(crate) fn parse_events(events: &[String]) -> Result<Vec<famplan::Event>, FamplanError> {
    let mut out = Vec::with_capacity(events.len());
    let mut bad = Vec::new();
    for (i, line) in events.iter().enumerate() {
        match serde_json::from_str::<famplan::Event>(line) {
            Ok(e) => out.push(e),
            Err(e) => bad.push(famplan::Error::Invalid {
                at: famplan::Location::field(format!("events[{i}]")),
                reason: e.to_string(),
            }),
        }
    }
    match bad.len() {
        0 => Ok(out),
        1 => Err(bad.remove(0).into()),
        _ => Err(famplan::Error::Many(bad).into()),
    }
}
