//! 公民身份号码 — the resident ID number (GB 11643-1999, DOMAIN §12) and phone numbers.

use crate::person::Sex;
use chrono::NaiveDate;
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// Province codes that may open an ID number (first two digits); `9x` is a foreign permanent
/// resident.
fn valid_area(a: &[u8]) -> bool {
    let p = u32::from(a[0] - b'0') * 10 + u32::from(a[1] - b'0');
    matches!(p, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 90..=99)
}

/// 公民身份号码 — an 18-character resident ID number, normalised (`x` → `X`).
///
/// Holds only numbers whose area, birth date and check character are valid; a legacy
/// 15-digit number is converted on parsing.
///
/// # Example
///
/// ```
/// use famplan::{ResidentId, Sex};
///
/// let id: ResidentId = "11010519491231002x".parse()?;
/// assert_eq!(id.as_str(), "11010519491231002X");
/// assert_eq!(id.birth_date().to_string(), "1949-12-31");
/// assert_eq!(id.sex(), Sex::Female);
/// # Ok::<(), famplan::ResidentIdError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId([u8; 18]);

/// Why a resident ID number is invalid: each variant names the part that is wrong.
///
/// # Example
///
/// ```
/// use famplan::{ResidentId, ResidentIdError};
///
/// let err = "36042619910102009X".parse::<ResidentId>().unwrap_err();
/// assert_eq!(err, ResidentIdError::Checksum { expected: '3', found: 'X' });
/// assert_eq!(err.to_string(), "check character is `X`, expected `3`");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResidentIdError {
    /// Not 15 or 18 characters.
    #[error("length is {0}, expected 18 (or a legacy 15)")]
    Length(usize),
    /// A character other than a digit (or a final `X`).
    #[error("character {position} is `{found}`, expected a digit")]
    Character {
        /// 1-based position.
        position: usize,
        /// What was there.
        found: char,
    },
    /// The first two digits are not a province (or 9 for a foreign permanent resident).
    #[error("area code `{0}` does not start with a province code")]
    Area(String),
    /// Characters 7–14 (or 7–12 of a legacy number) are not a real date.
    #[error("birth date `{0}` is not a real date")]
    Date(String),
    /// The birth date lies after the date the number was checked on.
    #[error("birth date {0} is in the future")]
    FutureDate(NaiveDate),
    /// The check character does not match (ISO 7064 MOD 11-2).
    #[error("check character is `{found}`, expected `{expected}`")]
    Checksum {
        /// The check character the first 17 digits call for.
        expected: char,
        /// The check character written.
        found: char,
    },
}

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
    CHECK[(sum % 11) as usize]
}

impl ResidentId {
    /// Parses and validates an 18-character or legacy 15-character number.
    ///
    /// Spaces around the number are ignored; a lower-case `x` is accepted. The birth date is
    /// not compared with today (the core never reads the clock): use
    /// [`ResidentId::parse_on`] for that.
    ///
    /// # Errors
    ///
    /// [`ResidentIdError`], naming the part that is wrong.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::ResidentId;
    /// // A legacy 15-digit number: insert "19", append the check character.
    /// let id = ResidentId::parse("110105491231002")?;
    /// assert_eq!(id.as_str(), "11010519491231002X");
    /// assert!(ResidentId::parse("440524188001010014").is_ok());
    /// assert!(ResidentId::parse("4405241880010100").is_err());
    /// # Ok::<(), famplan::ResidentIdError>(())
    /// ```
    pub fn parse(s: &str) -> Result<ResidentId, ResidentIdError> {
        let s = s.trim();
        let chars = s.chars().count();
        if chars != 18 && chars != 15 {
            return Err(ResidentIdError::Length(chars));
        }
        for (i, c) in s.chars().enumerate() {
            let last = chars == 18 && i == 17;
            if !(c.is_ascii_digit() || (last && (c == 'x' || c == 'X'))) {
                return Err(ResidentIdError::Character { position: i + 1, found: c });
            }
        }
        let b = s.as_bytes();
        let mut out = [0u8; 18];
        if b.len() == 15 {
            out[..6].copy_from_slice(&b[..6]);
            out[6..8].copy_from_slice(b"19");
            out[8..17].copy_from_slice(&b[6..15]);
        } else {
            out.copy_from_slice(b);
            out[17] = out[17].to_ascii_uppercase();
        }
        if !valid_area(&out[..2]) {
            return Err(ResidentIdError::Area(String::from_utf8_lossy(&out[..6]).into_owned()));
        }
        let digits = |r: std::ops::Range<usize>| out[r].iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        let date = NaiveDate::from_ymd_opt(digits(6..10) as i32, digits(10..12), digits(12..14))
            .filter(|d| d.year_ce().1 >= 1800);
        if date.is_none() {
            let text = if b.len() == 15 { &b[6..12] } else { &b[6..14] };
            return Err(ResidentIdError::Date(String::from_utf8_lossy(text).into_owned()));
        }
        let expected = check_char(&out[..17]);
        if b.len() == 15 {
            out[17] = expected;
        } else if out[17] != expected {
            return Err(ResidentIdError::Checksum { expected: expected as char, found: out[17] as char });
        }
        Ok(ResidentId(out))
    }

    /// Like [`ResidentId::parse`], and also refuses a birth date after `today`.
    ///
    /// # Errors
    ///
    /// [`ResidentIdError::FutureDate`] besides those of `parse`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ResidentId, ResidentIdError};
    /// let id = ResidentId::from_parts("110105", "2030-01-01".parse().unwrap(), 2).unwrap();
    /// let err = ResidentId::parse_on(id.as_str(), "2026-11-28".parse().unwrap()).unwrap_err();
    /// assert!(matches!(err, ResidentIdError::FutureDate(_)));
    /// ```
    pub fn parse_on(s: &str, today: NaiveDate) -> Result<ResidentId, ResidentIdError> {
        let id = ResidentId::parse(s)?;
        if id.birth_date() > today {
            return Err(ResidentIdError::FutureDate(id.birth_date()));
        }
        Ok(id)
    }

    /// Builds a valid number from an area code, a birth date and a 3-digit sequence
    /// (odd = male, even = female), computing the check character. Used by generators
    /// of synthetic data.
    ///
    /// # Errors
    ///
    /// When the area is not six digits starting with a province, the date is before 1800
    /// or after 9999, or the sequence is over 999.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ResidentId, Sex};
    /// let id = ResidentId::from_parts("110105", "1949-12-31".parse().unwrap(), 2)?;
    /// assert_eq!(id.as_str(), "11010519491231002X");
    /// assert_eq!(id.sex(), Sex::Female);
    /// # Ok::<(), famplan::ResidentIdError>(())
    /// ```
    pub fn from_parts(area: &str, birth: NaiveDate, sequence: u16) -> Result<ResidentId, ResidentIdError> {
        if area.len() != 6 || !area.bytes().all(|c| c.is_ascii_digit()) {
            return Err(ResidentIdError::Area(area.to_string()));
        }
        if sequence > 999 {
            return Err(ResidentIdError::Length(19));
        }
        let body = format!("{area}{}{sequence:03}", birth.format("%Y%m%d"));
        if body.len() != 17 {
            return Err(ResidentIdError::Date(birth.to_string()));
        }
        let check = check_char(body.as_bytes()) as char;
        ResidentId::parse(&format!("{body}{check}"))
    }

    /// The normalised 18 characters.
    ///
    /// # Example
    ///
    /// ```
    /// let id = famplan::ResidentId::parse("440524188001010014").unwrap();
    /// assert_eq!(id.as_str().len(), 18);
    /// ```
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("only ASCII digits and X are stored")
    }

    /// The six-digit administrative area code.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::ResidentId::parse("440524188001010014").unwrap().area_code(), "440524");
    /// ```
    pub fn area_code(&self) -> &str {
        &self.as_str()[..6]
    }

    /// The birth date written in the number.
    ///
    /// # Example
    ///
    /// ```
    /// let id = famplan::ResidentId::parse("440524188001010014").unwrap();
    /// assert_eq!(id.birth_date().to_string(), "1880-01-01");
    /// ```
    pub fn birth_date(&self) -> NaiveDate {
        crate::date::parse_date(&format!(
            "{}-{}-{}",
            &self.as_str()[6..10],
            &self.as_str()[10..12],
            &self.as_str()[12..14]
        ))
        .expect("validated on parsing")
    }

    /// The sex written in the number: the 17th character is odd for men, even for women.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ResidentId, Sex};
    /// assert_eq!(ResidentId::parse("440524188001010014").unwrap().sex(), Sex::Male);
    /// ```
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 { Sex::Male } else { Sex::Female }
    }

    /// The fields of a person's record that disagree with the number: `birth_date`, `sex`,
    /// both or none (DOMAIN §12: such a record is flagged).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{ResidentId, Sex};
    /// let id = ResidentId::parse("11010519491231002X").unwrap();
    /// assert!(id.disagreements("1949-12-31".parse().unwrap(), Sex::Female).is_empty());
    /// assert_eq!(id.disagreements("1949-12-30".parse().unwrap(), Sex::Male), vec!["birth_date", "sex"]);
    /// ```
    pub fn disagreements(&self, birth_date: NaiveDate, sex: Sex) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.birth_date() != birth_date {
            out.push("birth_date");
        }
        if self.sex() != sex {
            out.push("sex");
        }
        out
    }
}

use chrono::Datelike;

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.as_str())
    }
}

impl std::str::FromStr for ResidentId {
    type Err = ResidentIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidentId::parse(s)
    }
}

impl serde::Serialize for ResidentId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for ResidentId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        ResidentId::parse(&s).map_err(|e| serde::de::Error::custom(format!("id_number: {e}")))
    }
}

/// A phone number, normalised (DOMAIN §12): an 11-digit mobile number `1[3-9]XXXXXXXXX`
/// or a landline `0AA(A)-NNNNNNN(N)`.
///
/// Spaces, hyphens (for mobiles), a `+86`/`0086` prefix and full-width digits are removed
/// or converted before checking.
///
/// # Example
///
/// ```
/// use famplan::Phone;
/// assert_eq!(Phone::parse("+86 138-1234-5678")?.as_str(), "13812345678");
/// assert_eq!(Phone::parse("１３８１２３４５６７８")?.as_str(), "13812345678");
/// assert_eq!(Phone::parse("010-12345678")?.as_str(), "010-12345678");
/// assert!(Phone::parse("12812345678").is_err());
/// # Ok::<(), famplan::PhoneError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Phone(Box<str>);

/// Why a phone number is invalid.
///
/// # Example
///
/// ```
/// let err = famplan::Phone::parse("1381234567").unwrap_err();
/// assert_eq!(err.to_string(), "`1381234567` is neither a mobile number (11 digits 1[3-9]…) nor a landline 0AA(A)-NNNNNNN(N)");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is neither a mobile number (11 digits 1[3-9]…) nor a landline 0AA(A)-NNNNNNN(N)")]
pub struct PhoneError(pub String);

impl Phone {
    /// Normalises and validates.
    ///
    /// # Errors
    ///
    /// [`PhoneError`] with the text as given.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Phone::parse("0086 13912345678").unwrap().as_str(), "13912345678");
    /// ```
    pub fn parse(s: &str) -> Result<Phone, PhoneError> {
        let mut t: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '－' | '—' => '-',
                '＋' => '+',
                c => c,
            })
            .collect();
        if let Some(rest) = t.strip_prefix("+86").or_else(|| t.strip_prefix("0086")) {
            t = rest.trim_start_matches('-').to_string();
        }
        let digits: String = t.chars().filter(|c| *c != '-').collect();
        let b = digits.as_bytes();
        if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) && b.iter().all(u8::is_ascii_digit) {
            return Ok(Phone(digits.into_boxed_str()));
        }
        if let Some((area, local)) = t.split_once('-') {
            // `00` opens an international prefix, never an area code: `0086-1200860` would
            // lose its `0086` on the next parse.
            let ok_area = area.starts_with('0')
                && !area.starts_with("00")
                && (3..=4).contains(&area.len())
                && area.bytes().all(|c| c.is_ascii_digit());
            let ok_local = (7..=8).contains(&local.len()) && local.bytes().all(|c| c.is_ascii_digit());
            if ok_area && ok_local {
                return Ok(Phone(format!("{area}-{local}").into_boxed_str()));
            }
        }
        Err(PhoneError(s.to_string()))
    }

    /// The normalised text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Phone::parse("139 1234 5678").unwrap().as_str(), "13912345678");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for a mobile number.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Phone::parse("13912345678").unwrap().is_mobile());
    /// assert!(!famplan::Phone::parse("0755-1234567").unwrap().is_mobile());
    /// ```
    pub fn is_mobile(&self) -> bool {
        !self.0.contains('-')
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Phone {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl serde::Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Phone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Phone::parse(&s).map_err(|e| serde::de::Error::custom(format!("phone: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_examples() {
        let a = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!((a.birth_date().to_string().as_str(), a.sex()), ("1949-12-31", Sex::Female));
        let b = ResidentId::parse("440524188001010014").unwrap();
        assert_eq!((b.birth_date().to_string().as_str(), b.sex()), ("1880-01-01", Sex::Male));
        assert_eq!(
            ResidentId::parse("36042619910102009X"),
            Err(ResidentIdError::Checksum { expected: '3', found: 'X' })
        );
    }

    #[test]
    fn each_part_is_named() {
        assert_eq!(ResidentId::parse("1101051949123100"), Err(ResidentIdError::Length(16)));
        assert_eq!(
            ResidentId::parse("1101051949123A002X"),
            Err(ResidentIdError::Character { position: 14, found: 'A' })
        );
        assert_eq!(ResidentId::parse("001051194912310020"), Err(ResidentIdError::Area("001051".into())));
        assert_eq!(ResidentId::parse("110105194902300020"), Err(ResidentIdError::Date("19490230".into())));
    }
}
