//! 服务热线 — the community's service hotline, shown on its notice pages (DOMAIN §10: the
//! number is configuration; 12356, once the family-planning line, is now a
//! psychological-assistance line).

use crate::Error;
use serde::Serialize;
use std::fmt;

/// 服务热线 — a public service number: 3 to 20 digits, with optional hyphens or spaces
/// between groups (`12345`, `0755-12345678`, `400 123 4567`). An organisation's number is
/// public: it is shown as written, never masked.
///
/// It is the community's configuration: the top-level `hotline` of its notices file
/// ([`Notices::hotline`](crate::Notices::hotline)), shown at the head of every notice page.
///
/// # Example
///
/// ```
/// use famplan::Hotline;
/// assert_eq!(Hotline::parse("0755-12345678")?.as_str(), "0755-12345678");
/// assert!(Hotline::parse("call us").is_err());
/// assert!(Hotline::parse("12").is_err());
/// # Ok::<(), famplan::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Hotline(String);

impl Hotline {
    /// Checks a hotline number; surrounding spaces are trimmed.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] at the field `hotline` when it holds anything but digits and
    /// single hyphens or spaces between them, or fewer than 3 or more than 20 digits.
    ///
    /// # Example
    ///
    /// ```
    /// let err = famplan::Hotline::parse("12-").unwrap_err();
    /// assert_eq!(err.to_string(), "hotline: `12-` is not a service number (3-20 digits, hyphens or spaces between groups)");
    /// ```
    pub fn parse(text: &str) -> Result<Hotline, Error> {
        let t = text.trim();
        let digits = t.bytes().filter(u8::is_ascii_digit).count();
        let groups_ok = t.split(['-', ' ']).all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
        if !groups_ok || !(3..=20).contains(&digits) {
            return Err(Error::Invalid {
                at: crate::Location::field("hotline"),
                reason: format!("`{t}` is not a service number (3-20 digits, hyphens or spaces between groups)"),
            });
        }
        Ok(Hotline(t.to_string()))
    }

    /// The number as written.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Hotline::parse(" 12345 ")?.as_str(), "12345");
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hotline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
