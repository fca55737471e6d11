//! Calendar arithmetic (DOMAIN §1): completed ages, clamped month addition, periods.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Age in completed years (周岁) on `on` for someone born on `birth`.
///
/// The age goes up by one on the birthday; a person born on 29 February has the birthday
/// on 1 March in common years. Before the birth date the age is 0.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
/// // 2027 − 2012 = 15, but (2, 29) > (2, 28): the birthday has not come yet → 14.
/// assert_eq!(famplan::age_on(d("2012-02-29"), d("2027-02-28")), 14);
/// assert_eq!(famplan::age_on(d("2012-02-29"), d("2027-03-01")), 15);
/// assert_eq!(famplan::age_on(d("1990-06-30"), d("2026-06-30")), 36);
/// ```
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on <= birth {
        return 0;
    }
    let years = on.year() - birth.year();
    let before_birthday = (birth.month(), birth.day()) > (on.month(), on.day());
    (years - i32::from(before_birthday)).max(0) as u32
}

/// `date` plus `months` calendar months, clamped to the last day of a shorter month.
///
/// Never "30 days": 31 Jan + 1 month = 28 (or 29) Feb. Returns `None` only past the year
/// 262143.
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
/// assert_eq!(famplan::add_months(d("2026-01-31"), 1), Some(d("2026-02-28")));
/// assert_eq!(famplan::add_months(d("2024-02-29"), 12), Some(d("2025-02-28")));
/// assert_eq!(famplan::add_months(d("2025-12-31"), 6), Some(d("2026-06-30")));
/// assert_eq!(famplan::add_months(d("2026-03-31"), -1), Some(d("2026-02-28")));
/// ```
pub fn add_months(date: NaiveDate, months: i32) -> Option<NaiveDate> {
    if months >= 0 {
        date.checked_add_months(Months::new(months as u32))
    } else {
        date.checked_sub_months(Months::new(months.unsigned_abs()))
    }
}

/// Parses `YYYY-MM-DD` quickly, without going through a format string.
///
/// Returns `None` for anything else, including impossible days (`2026-02-30`).
///
/// # Example
///
/// ```
/// use chrono::NaiveDate;
/// assert_eq!(famplan::parse_date("2026-06-30"), NaiveDate::from_ymd_opt(2026, 6, 30));
/// assert_eq!(famplan::parse_date("2026-02-30"), None);
/// assert_eq!(famplan::parse_date("2026/06/30"), None);
/// ```
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    parse_date_bytes(s.as_bytes())
}

pub(crate) fn parse_date_bytes(b: &[u8]) -> Option<NaiveDate> {
    // Runs for every date of a snapshot (tens of millions): the four year digits are checked
    // and combined as one word, the rest byte by byte; no loops.
    let b: &[u8; 10] = b.try_into().ok()?;
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    // Each byte minus '0': a digit gives 0–9; anything else sets the byte's high bit here or
    // after adding 0x76 (118: 9 + 118 = 127, 10 + 118 = 128).
    let y = u32::from_le_bytes([b[0], b[1], b[2], b[3]]).wrapping_sub(0x3030_3030);
    let md = u32::from_le_bytes([b[5], b[6], b[8], b[9]]).wrapping_sub(0x3030_3030);
    if (y | y.wrapping_add(0x7676_7676) | md | md.wrapping_add(0x7676_7676)) & 0x8080_8080 != 0 {
        return None;
    }
    // [y0, y1, y2, y3] (y0 in the low byte) → [10·y0 + y1, 10·y2 + y3] → the year.
    let pairs = ((y & 0x0f0f_0f0f) * 10 + (y >> 8)) & 0x00ff_00ff;
    let year = (pairs & 0xff) * 100 + (pairs >> 16);
    let pairs = ((md & 0x0f0f_0f0f) * 10 + (md >> 8)) & 0x00ff_00ff;
    NaiveDate::from_ymd_opt(year as i32, pairs & 0xff, pairs >> 16)
}

/// An inclusive date range `[start, end]` (DOMAIN §1).
///
/// # Example
///
/// ```
/// use famplan::Period;
/// let q2 = Period::quarter(2026, 2).unwrap();
/// assert_eq!(q2.to_string(), "2026-04-01..2026-06-30");
/// assert!(q2.contains("2026-06-30".parse().unwrap()));
/// assert!(!q2.contains("2026-07-01".parse().unwrap()));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Period {
    /// First day, included.
    pub start: NaiveDate,
    /// Last day, included.
    pub end: NaiveDate,
}

impl Period {
    /// Any range; `None` if `end` is before `start`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Period;
    /// let p = Period::new("2026-06-01".parse().unwrap(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert_eq!(p.days(), 30);
    /// assert!(Period::new(p.end, p.start).is_none());
    /// ```
    pub fn new(start: NaiveDate, end: NaiveDate) -> Option<Period> {
        (start <= end).then_some(Period { start, end })
    }

    /// One calendar month (`month` 1–12).
    ///
    /// # Example
    ///
    /// ```
    /// let feb = famplan::Period::month(2024, 2).unwrap();
    /// assert_eq!(feb.end.to_string(), "2024-02-29");
    /// ```
    pub fn month(year: i32, month: u32) -> Option<Period> {
        let start = NaiveDate::from_ymd_opt(year, month, 1)?;
        let end = add_months(start, 1)?.pred_opt()?;
        Some(Period { start, end })
    }

    /// A calendar quarter (`quarter` 1–4; Q1 = Jan–Mar).
    ///
    /// # Example
    ///
    /// ```
    /// let q4 = famplan::Period::quarter(2025, 4).unwrap();
    /// assert_eq!(q4.to_string(), "2025-10-01..2025-12-31");
    /// assert!(famplan::Period::quarter(2025, 5).is_none());
    /// ```
    pub fn quarter(year: i32, quarter: u32) -> Option<Period> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let start = NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1)?;
        let end = add_months(start, 3)?.pred_opt()?;
        Some(Period { start, end })
    }

    /// A calendar year.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Period::year(2026).unwrap().days(), 365);
    /// ```
    pub fn year(year: i32) -> Option<Period> {
        Some(Period { start: NaiveDate::from_ymd_opt(year, 1, 1)?, end: NaiveDate::from_ymd_opt(year, 12, 31)? })
    }

    /// The legacy family-planning statistical year that *ends* in `year`:
    /// 1 October of `year − 1` to 30 September of `year` (DOMAIN §1, configurable by using
    /// [`Period::new`] instead).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Period::statistical_year(2026).unwrap().to_string(), "2025-10-01..2026-09-30");
    /// ```
    pub fn statistical_year(year: i32) -> Option<Period> {
        Some(Period {
            start: NaiveDate::from_ymd_opt(year.checked_sub(1)?, 10, 1)?,
            end: NaiveDate::from_ymd_opt(year, 9, 30)?,
        })
    }

    /// The month that holds `date`.
    ///
    /// # Example
    ///
    /// ```
    /// let m = famplan::Period::month_of("2026-06-17".parse().unwrap());
    /// assert_eq!(m.to_string(), "2026-06-01..2026-06-30");
    /// ```
    pub fn month_of(date: NaiveDate) -> Period {
        Period::month(date.year(), date.month()).expect("a valid date lies in a valid month")
    }

    /// The quarter that holds `date`.
    ///
    /// # Example
    ///
    /// ```
    /// let q = famplan::Period::quarter_of("2026-05-17".parse().unwrap());
    /// assert_eq!(q.to_string(), "2026-04-01..2026-06-30");
    /// ```
    pub fn quarter_of(date: NaiveDate) -> Period {
        Period::quarter(date.year(), (date.month() - 1) / 3 + 1).expect("a valid date lies in a valid quarter")
    }

    /// True when `date` lies inside the range (both ends included).
    ///
    /// # Example
    ///
    /// ```
    /// let m = famplan::Period::month(2026, 6).unwrap();
    /// assert!(m.contains(m.start) && m.contains(m.end));
    /// ```
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// Number of days, both ends included.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Period::quarter(2026, 1).unwrap().days(), 90);
    /// ```
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl std::str::FromStr for Period {
    type Err = String;

    /// Parses `START..END`, `START:END`, `YYYY`, `YYYY-MM`, `YYYY-Qn` or `SYYYY`
    /// (statistical year ending in September of YYYY).
    fn from_str(s: &str) -> Result<Period, String> {
        let s = s.trim();
        for sep in ["..", ":"] {
            if let Some((a, b)) = s.split_once(sep) {
                let a = parse_date(a.trim()).ok_or_else(|| format!("`{a}` is not a date YYYY-MM-DD"))?;
                let b = parse_date(b.trim()).ok_or_else(|| format!("`{b}` is not a date YYYY-MM-DD"))?;
                return Period::new(a, b).ok_or_else(|| format!("period `{s}` ends before it starts"));
            }
        }
        let bad = || format!("`{s}` is not a period (START..END, YYYY, YYYY-MM, YYYY-Qn or SYYYY)");
        if let Some(y) = s.strip_prefix('S') {
            return y.parse().ok().and_then(Period::statistical_year).ok_or_else(bad);
        }
        if let Some((y, q)) = s.split_once("-Q") {
            return match (y.parse(), q.parse()) {
                (Ok(y), Ok(q)) => Period::quarter(y, q).ok_or_else(bad),
                _ => Err(bad()),
            };
        }
        if let Some((y, m)) = s.split_once('-') {
            return match (y.parse(), m.parse()) {
                (Ok(y), Ok(m)) => Period::month(y, m).ok_or_else(bad),
                _ => Err(bad()),
            };
        }
        s.parse().ok().and_then(Period::year).ok_or_else(bad)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn leap_day_birthday_is_first_of_march_in_common_years() {
        assert_eq!(age_on(d("2004-02-29"), d("2023-02-28")), 18);
        assert_eq!(age_on(d("2004-02-29"), d("2023-03-01")), 19);
        assert_eq!(age_on(d("2004-02-29"), d("2024-02-29")), 20);
    }

    #[test]
    fn dates_parse_as_chrono_parses_them() {
        // Every (year, month, day) with month 0–13 and day 0–32 around the calendar's edges
        // (1900 is not a leap year, 2000 is), and every byte in every position.
        for year in (0..=12).chain(1895..=1905).chain(1995..=2005).chain(2095..=2105).chain(9990..=9999) {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}-{month:02}-{day:02}");
                    assert_eq!(parse_date(&text), NaiveDate::from_ymd_opt(year, month, day), "{text}");
                }
            }
        }
        let good = *b"2024-02-29";
        for at in 0..good.len() {
            for byte in 0..=255u8 {
                let mut t = good;
                t[at] = byte;
                let want = std::str::from_utf8(&t).ok().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
                // chrono's format also takes a sign or fewer digits; the file format is exactly
                // ten characters, digits where digits are.
                let strict = want.filter(|_| {
                    t.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
                });
                assert_eq!(parse_date_bytes(&t), strict, "{:?}", String::from_utf8_lossy(&t));
            }
        }
        assert_eq!(parse_date("2026-06-3"), None);
        assert_eq!(parse_date("2026-06-300"), None);
    }

    #[test]
    fn period_parsing() {
        assert_eq!("2026-Q2".parse::<Period>().unwrap(), Period::quarter(2026, 2).unwrap());
        assert_eq!("2026-06".parse::<Period>().unwrap(), Period::month(2026, 6).unwrap());
        assert_eq!("S2026".parse::<Period>().unwrap().start, d("2025-10-01"));
        assert_eq!("2026-04-01:2026-06-30".parse::<Period>().unwrap(), Period::quarter(2026, 2).unwrap());
        assert!("2026-13".parse::<Period>().is_err());
        assert!("2026-06-30..2026-06-01".parse::<Period>().is_err());
    }
}
