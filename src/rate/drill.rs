//! The drill-down in columns (明细): the subjects behind a cell as parallel arrays (unit
//! index, person, subject, counted, reason index) over two small tables (the unit names and
//! the distinct reasons), built without an allocation per counted person. A binding turns
//! them into Arrow columns directly; [`Registry::drill_down`] turns them into [`Entry`] rows.

use super::engine::{Row, Sink};
use super::{Counts, Entry, Reason};
use crate::PersonId;
use std::borrow::Cow;
use std::collections::HashMap;

/// The reason index of a counted subject (no reason).
const NO_REASON: u32 = u32::MAX;

/// 明细 — the subjects behind one cell, in columns: what [`Registry::drill_down`] lists as
/// [`Entry`] rows, kept as parallel arrays over a table of unit names and a table of the
/// distinct [`Reason`]s (a reason shared by many subjects is stored once). Person ids are
/// borrowed from the registry. Rows are in registry order, as the entries are.
///
/// [`Registry::drill_down`]: crate::Registry::drill_down
///
/// # Example
///
/// ```
/// use famplan::{GroupBy, Params, RateCode, Registry};
/// let reg = Registry::example();
/// let p = Params::new("2026-06-30".parse()?);
/// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Community, "c1");
/// assert_eq!(d.len(), 2);
/// assert_eq!((d.subject(0), d.counted(0), d.reason(0)), ("p1", true, None));
/// assert_eq!((d.subject(1), d.counted(1)), ("p3", false));
/// assert_eq!(d.reason(1).unwrap().missing, "case_file");
/// assert_eq!(d.unit(1), "g2");
/// // The same rows as the drill-down's entries.
/// let entries = reg.drill_down(&RateCode::CaseFileRate.into(), &p, GroupBy::Community, "c1");
/// assert_eq!(d.entries().collect::<Vec<_>>(), entries);
/// # Ok::<(), chrono::ParseError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DrillDown<'r> {
    units: Vec<String>,
    unit: Vec<u32>,
    person: Vec<Option<Cow<'r, str>>>,
    /// The subject when it is not the person's id.
    subject: Vec<Option<String>>,
    counted: Vec<bool>,
    reason: Vec<u32>,
    reasons: Vec<Reason>,
}

impl<'r> DrillDown<'r> {
    /// The number of subjects.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// assert_eq!(reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1").len(), 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn len(&self) -> usize {
        self.counted.len()
    }

    /// No subject at all.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// assert!(reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "nowhere").is_empty());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.counted.is_empty()
    }

    /// The unit (grid or group id) of row `i`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1");
    /// assert_eq!(d.unit(0), "g1");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn unit(&self, i: usize) -> &str {
        &self.units[self.unit[i] as usize]
    }

    /// The unit names, the table [`DrillDown::unit_indices`] points into (the last one is
    /// `""`, outside every unit).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1");
    /// assert_eq!(d.units()[d.unit_indices()[0] as usize], "g1");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn units(&self) -> &[String] {
        &self.units
    }

    /// Each row's index into [`DrillDown::units`].
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Community, "c1");
    /// assert_eq!(d.unit_indices().len(), d.len());
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn unit_indices(&self) -> &[u32] {
        &self.unit
    }

    /// The person of row `i`, when the subject is about one.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1");
    /// assert_eq!(d.person(0), Some("p1"));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn person(&self, i: usize) -> Option<&str> {
        self.person[i].as_deref()
    }

    /// What was counted in row `i`: the person's id, or a description of the obligation or
    /// record (as [`Entry::subject`]).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1");
    /// assert_eq!(d.subject(0), "p1");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn subject(&self, i: usize) -> &str {
        match &self.subject[i] {
            Some(s) => s,
            None => self.person(i).unwrap_or_default(),
        }
    }

    /// Row `i` is in the numerator.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g2");
    /// assert!(!d.counted(0));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn counted(&self, i: usize) -> bool {
        self.counted[i]
    }

    /// Why row `i` is not in the numerator (`None` when counted).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g2");
    /// assert_eq!(d.reason(0).unwrap().rule, "case_file_rate");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn reason(&self, i: usize) -> Option<&Reason> {
        self.reasons.get(self.reason[i] as usize)
    }

    /// The index into [`DrillDown::reasons`] of row `i`'s reason (`None` when counted).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Community, "c1");
    /// assert_eq!((d.reason_index(0), d.reason_index(1)), (None, Some(0)));
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn reason_index(&self, i: usize) -> Option<usize> {
        let r = self.reason[i];
        (r != NO_REASON).then_some(r as usize)
    }

    /// The distinct reasons, each stored once, in the order first met.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{CustomRate, GroupBy, Params, Registry};
    /// // Everyone, counted when male: the two women (p1, p3) have the same reason.
    /// let men = CustomRate::from_toml("code = \"m\"\n[denominator]\n[numerator]\nsex = \"M\"\n")?;
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse().unwrap());
    /// let d = reg.drill_down_columns(&men.into(), &p, GroupBy::Community, "c1");
    /// let women: Vec<_> = (0..d.len()).filter(|&i| !d.counted(i)).map(|i| d.subject(i)).collect();
    /// assert_eq!(women, ["p1", "p3"]);
    /// assert_eq!(d.reasons().len(), 1);
    /// assert_eq!(d.reasons()[0].missing, "sex");
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn reasons(&self) -> &[Reason] {
        &self.reasons
    }

    /// Row `i` as an [`Entry`] (owned strings).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Grid, "g1");
    /// assert_eq!(d.entry(0).subject, "p1");
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn entry(&self, i: usize) -> Entry {
        Entry {
            unit: self.unit(i).to_string(),
            person: self.person(i).map(PersonId::new),
            subject: self.subject(i).to_string(),
            counted: self.counted[i],
            reason: self.reason(i).cloned(),
        }
    }

    /// Every row as an [`Entry`], in order.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{GroupBy, Params, RateCode, Registry};
    /// let reg = Registry::example();
    /// let p = Params::new("2026-06-30".parse()?);
    /// let d = reg.drill_down_columns(&RateCode::CaseFileRate.into(), &p, GroupBy::Community, "c1");
    /// assert_eq!(d.entries().filter(|e| e.counted).count(), 1);
    /// # Ok::<(), chrono::ParseError>(())
    /// ```
    pub fn entries(&self) -> impl ExactSizeIterator<Item = Entry> + '_ {
        (0..self.len()).map(|i| self.entry(i))
    }
}

/// The explaining sink: the subjects of the units that roll up to the wanted key, in columns.
pub(crate) struct Explain<'r> {
    wanted: Vec<bool>,
    known: HashMap<Reason, u32>,
    out: DrillDown<'r>,
}

impl<'r> Explain<'r> {
    /// A sink keeping the subjects of the units whose `wanted` flag is set; `units` are their
    /// names (the last one `""`, outside every unit).
    pub(crate) fn new(units: Vec<String>, wanted: Vec<bool>) -> Explain<'r> {
        Explain { wanted, known: HashMap::new(), out: DrillDown { units, ..DrillDown::default() } }
    }

    pub(crate) fn finish(self) -> DrillDown<'r> {
        self.out
    }
}

impl<'r> Sink<'r> for Explain<'r> {
    fn add(&mut self, unit: u32, c: Counts, row: impl FnOnce(bool) -> Row<'r>) {
        if !self.wanted[unit as usize] || (c.denominator == 0 && c.numerator == 0) {
            return;
        }
        let counted = c.numerator > 0;
        let Row { person, subject, reason } = row(!counted);
        let reason = match reason.filter(|_| !counted) {
            None => NO_REASON,
            Some(r) => match self.known.get(&r) {
                Some(&ix) => ix,
                None => {
                    let ix = self.out.reasons.len() as u32;
                    self.out.reasons.push(r.clone());
                    self.known.insert(r, ix);
                    ix
                }
            },
        };
        let out = &mut self.out;
        out.unit.push(unit);
        out.person.push(person);
        out.subject.push(subject);
        out.counted.push(counted);
        out.reason.push(reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_counted_subject_is_never_asked_for_its_reason() {
        let mut sink = Explain::new(vec!["g1".into(), String::new()], vec![true, false]);
        let ask = |why: bool| {
            assert!(!why, "the reason of a counted subject was asked for");
            Row::person("p1")
        };
        sink.add(0, Counts::one(true), ask);
        // Outside the wanted units, or neither counted nor in the denominator: no row at all.
        sink.add(1, Counts::one(false), |_| panic!("an unwanted unit was described"));
        sink.add(0, Counts::default(), |_| panic!("an empty count was described"));
        // Two subjects missing the same thing share one reason.
        for p in ["p2", "p3"] {
            sink.add(0, Counts::one(false), |why| {
                Row::person(p).because(why, || Reason::new("everyone", "sex", "sex does not meet the condition"))
            });
        }
        let d = sink.finish();
        assert_eq!(d.len(), 3);
        assert_eq!((d.subject(0), d.counted(0), d.reason_index(0)), ("p1", true, None));
        assert_eq!((d.subject(2), d.reason_index(1), d.reason_index(2)), ("p3", Some(0), Some(0)));
        assert_eq!(d.reasons().len(), 1);
        assert_eq!(d.unit(2), "g1");
    }
}
