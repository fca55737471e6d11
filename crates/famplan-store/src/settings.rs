//! The community's settings kept in the store (schema version 4), each as the TOML text it
//! was given: its birth policy (`famplan::PolicySet`), set on every registry the store loads
//! so rates and the counter's eligibility checks judge by it; and its notices
//! (`famplan::Notices`: the public-disclosure board's texts and its service hotline).

use crate::StoreError;
use famplan::{PolicySet, Registry};
use rusqlite::{Connection, OptionalExtension, params};

/// The key of the community's policy text.
pub(crate) const POLICY: &str = "policy";

/// The key of the community's notices text.
pub(crate) const NOTICES: &str = "notices";

/// The name stored notices text is parsed under.
pub(crate) const NOTICES_FILE: &str = "store setting notices";

/// The name stored policy text is parsed under (errors read `store setting policy:LINE: …`).
pub(crate) const POLICY_FILE: &str = "store setting policy";

/// A setting's value, `None` when it is not set.
pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<String>, StoreError> {
    Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
}

/// Sets (`Some`) or removes (`None`) a setting.
pub(crate) fn put(conn: &Connection, key: &str, value: Option<&str>) -> Result<(), StoreError> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, v],
        )?,
        None => conn.execute("DELETE FROM settings WHERE key = ?1", [key])?,
    };
    Ok(())
}

/// The stored policy, parsed; `None` when the store keeps none (the built-in rules apply).
pub(crate) fn policy(conn: &Connection) -> Result<Option<PolicySet>, StoreError> {
    match get(conn, POLICY)? {
        None => Ok(None),
        Some(text) => Ok(Some(PolicySet::from_toml_str(&text, POLICY_FILE)?)),
    }
}

/// Sets the stored policy (if any) on a registry the store just loaded.
pub(crate) fn apply_policy(conn: &Connection, reg: &mut Registry) -> Result<(), StoreError> {
    if let Some(p) = policy(conn)? {
        reg.set_policy(p);
    }
    Ok(())
}
