//! The one error of the binding: only what an app acts on.

use famplan::Rejection;
use famplan_store::StoreError;

/// What went wrong, as the app acts on it. Whatever the error, nothing was written.
///
/// In Kotlin each variant is a subclass of `FamplanException` (`FamplanException.Invalid`
/// …); in Swift a case of `FamplanError`.
#[derive(Debug, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum FamplanError {
    /// Bad input: which field, and why (show it next to the field).
    #[error("{field}: {reason}")]
    Invalid {
        /// The field, as the app named it (`id_number`, `birth_date`, `events[3]: date` …).
        field: String,
        /// Why the value is refused.
        reason: String,
    },
    /// An id the store does not know (a person, a household, a grid, a keeper): sync first,
    /// or register it.
    #[error("unknown {kind} `{id}`")]
    NotFound {
        /// `person`, `household`, `grid`, `keeper` …
        kind: String,
        /// The id looked up.
        id: String,
    },
    /// The event contradicts what the store holds (a marriage of a married woman, a second
    /// registration of the same id …) and was refused.
    #[error("event {event}: {reason}")]
    Conflict {
        /// The refused event's id.
        event: String,
        /// Why it does not fit.
        reason: String,
    },
    /// Another process is writing to the store: try again shortly.
    #[error("store is busy: another process is writing to it (try again)")]
    Busy,
    /// Anything else: a file that is not a famplan store, a damaged store, a store written
    /// by a newer famplan, a failed disk write.
    #[error("{reason}")]
    Other {
        /// What happened.
        reason: String,
    },
}

impl FamplanError {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> FamplanError {
        FamplanError::Invalid { field: field.into(), reason: reason.into() }
    }

    pub(crate) fn not_found(kind: &str, id: &str) -> FamplanError {
        FamplanError::NotFound { kind: kind.into(), id: id.into() }
    }
}

impl From<famplan::Error> for FamplanError {
    fn from(e: famplan::Error) -> FamplanError {
        match e {
            famplan::Error::Invalid { at, reason } => {
                FamplanError::Invalid { field: at.to_string(), reason: reason.to_string() }
            }
            famplan::Error::Rejected { reason: Rejection::Unknown { kind, id }, .. } => {
                FamplanError::NotFound { kind: kind.into(), id }
            }
            famplan::Error::Rejected { event, reason, .. } => {
                FamplanError::Conflict { event, reason: reason.to_string() }
            }
            famplan::Error::NotFound { kind, id } => FamplanError::NotFound { kind: kind.into(), id },
            famplan::Error::Many(mut all) if !all.is_empty() => {
                // The first problem, typed; the rest named in its reason.
                let more = all.len() - 1;
                let rest: Vec<String> = all.iter().skip(1).map(ToString::to_string).collect();
                let mut first = FamplanError::from(all.swap_remove(0));
                if more > 0 {
                    let tail = format!(" (and {more} more: {})", rest.join("; "));
                    match &mut first {
                        FamplanError::Invalid { reason, .. }
                        | FamplanError::Conflict { reason, .. }
                        | FamplanError::Other { reason } => reason.push_str(&tail),
                        FamplanError::NotFound { .. } | FamplanError::Busy => {}
                    }
                }
                first
            }
            other => FamplanError::Other { reason: other.to_string() },
        }
    }
}

impl From<StoreError> for FamplanError {
    fn from(e: StoreError) -> FamplanError {
        match e {
            StoreError::Famplan(e) => e.into(),
            StoreError::Busy => FamplanError::Busy,
            other => FamplanError::Other { reason: other.to_string() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use famplan::{Location, Prefix};

    #[test]
    fn core_errors_map_to_what_the_app_acts_on() {
        let invalid = famplan::Error::Invalid { at: Location::field("phone"), reason: "too short".into() };
        assert_eq!(FamplanError::from(invalid), FamplanError::invalid("phone", "too short"));
        let unknown = famplan::Error::Rejected {
            at: Prefix::none(),
            event: "d:1".into(),
            reason: Rejection::Unknown { kind: "person", id: "p9".into() },
        };
        assert_eq!(FamplanError::from(unknown), FamplanError::not_found("person", "p9"));
        let dup =
            famplan::Error::Rejected { at: Prefix::none(), event: "d:2".into(), reason: Rejection::DuplicateEvent };
        assert_eq!(
            FamplanError::from(dup),
            FamplanError::Conflict { event: "d:2".into(), reason: "duplicate event id".into() }
        );
        assert_eq!(FamplanError::from(StoreError::Busy), FamplanError::Busy);
    }

    #[test]
    fn many_problems_keep_the_first_typed_and_name_the_rest() {
        let many = famplan::Error::Many(vec![
            famplan::Error::Invalid { at: Location::field("a"), reason: "x".into() },
            famplan::Error::Invalid { at: Location::field("b"), reason: "y".into() },
        ]);
        assert_eq!(FamplanError::from(many), FamplanError::invalid("a", "x (and 1 more: b: y)"));
    }
}
