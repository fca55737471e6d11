//! The community's settings for the app (DOMAIN §10–§11, §13): its birth policy and its
//! notices (with the service hotline) as TOML text kept in the store, and the review list of
//! applications the facts or the policy known now make ineligible.

use crate::{FamplanError, FamplanStore};
use chrono::NaiveDate;

/// 资格复核 — an application (pending or issued) that the facts and the policy known now make
/// ineligible on its application date: a sibling's birth recorded late, an application
/// merged from another device.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EligibilityFlag {
    /// Who applied.
    pub person: String,
    /// The document kind (`only_child_honour`, `extra_child_approval` …).
    pub kind: String,
    /// When.
    pub applied_on: NaiveDate,
    /// Its state on the date asked (`applied`, `under_review`, `issued`, `reissued`).
    pub state: String,
    /// The event that started it.
    pub event: String,
    /// Why it is not eligible on its application date.
    pub reason: String,
}

impl From<famplan::EligibilityFlag> for EligibilityFlag {
    fn from(f: famplan::EligibilityFlag) -> EligibilityFlag {
        let a = f.application;
        EligibilityFlag {
            person: a.person.to_string(),
            kind: a.kind.code().to_string(),
            applied_on: a.applied_on,
            state: a.state.code().to_string(),
            event: a.event.to_string(),
            reason: f.reason,
        }
    }
}

#[uniffi::export]
impl FamplanStore {
    /// Keeps a policy file's text (TOML, as `rules/policy.toml`) as the community's birth
    /// policy: the compliance rate and the counter's eligibility checks judge by it. A bad
    /// file fails with `Invalid` (`policy.toml:LINE: field`) and changes nothing.
    pub fn set_policy(&self, toml: String) -> Result<(), FamplanError> {
        self.with_store(|s| Ok(s.set_policy(&toml, "policy.toml").map(drop)?))
    }

    /// The community's policy text kept in the store; `None` when the built-in rules apply.
    pub fn policy_text(&self) -> Result<Option<String>, FamplanError> {
        self.with_store(|s| Ok(s.policy_text()?))
    }

    /// Forgets the community's policy: the built-in rules apply again.
    pub fn clear_policy(&self) -> Result<(), FamplanError> {
        self.with_store(|s| Ok(s.clear_policy()?))
    }

    /// Keeps the community's notices (TOML, as `rules/disclosure.toml`, with its service
    /// `hotline`) for `disclosure_page`. A bad file fails with `Invalid`
    /// (`notices.toml:LINE: field`) and changes nothing.
    pub fn set_notices(&self, toml: String) -> Result<(), FamplanError> {
        self.with_store(|s| Ok(s.set_notices(&toml, "notices.toml").map(drop)?))
    }

    /// The applications to review on a date (资格复核), in person order.
    pub fn eligibility_flags(&self, on: NaiveDate) -> Result<Vec<EligibilityFlag>, FamplanError> {
        self.with_registry(|reg| {
            Ok(reg.eligibility_flags(on, &famplan::TimeLimits::default()).into_iter().map(Into::into).collect())
        })
    }
}
