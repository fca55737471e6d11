//! Visit rules as data (DOMAIN §6): what triggers an obligation, when it is due, what
//! cancels it and which visit fulfils it.

use crate::person::code_enum;
use crate::{Error, HousingKind, Location, Method, Procedure, Residency, Sex, Tag};
use serde::{Deserialize, Serialize};

/// The default rules, as shipped in `rules/default.toml`.
pub(crate) const DEFAULT_RULES: &str = include_str!("../../rules/default.toml");

/// 随访规则 — one visit rule: trigger → due dates → window → the grid's keeper.
///
/// Rules are data: a community loads its own from TOML or JSON ([`RuleSet::from_toml_str`],
/// [`RuleSet::from_json_str`]); `rules/default.toml` documents every field.
///
/// # Example
///
/// ```
/// use famplan::{RuleSet, Trigger};
/// let rules = RuleSet::default_rules();
/// let iud = rules.get("iud_followup").unwrap();
/// assert!(matches!(iud.triggers[0], Trigger::Procedure { .. }));
/// assert_eq!(iud.due.iter().map(|o| o.months).collect::<Vec<_>>(), [1, 3, 6, 12]);
/// assert_eq!(iud.fulfilled_by.visit.as_deref(), Some("post_surgery"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRule {
    /// Unique code of the rule.
    pub id: String,
    /// Human name (中文 and English).
    #[serde(default)]
    pub name: String,
    /// Higher first among obligations whose windows close on the same day.
    #[serde(default)]
    pub priority: u8,
    /// The events that create obligations (empty for calendar rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// A calendar recurrence instead of triggers: one obligation per month or quarter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Recurrence>,
    /// A person, or (calendar rules only) a household.
    #[serde(default)]
    pub subject: Subject,
    /// Who the rule applies to.
    #[serde(default)]
    pub filter: Filter,
    /// Due offsets from the trigger, each with its window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub due: Vec<Offset>,
    /// After the last `due` offset: again every so often, counted from the trigger.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then_every: Option<Offset>,
    /// Events that cancel the remaining obligations of a trigger.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cancel_on: Vec<StopEvent>,
    /// Events after which a series cancelled by moving out goes on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resume_on: Vec<StopEvent>,
    /// What fulfils an obligation.
    pub fulfilled_by: Fulfilment,
}

/// What creates obligations of a rule (`on = "…"` in TOML).
///
/// # Example
///
/// ```
/// use famplan::Trigger;
/// let t: Trigger = toml::from_str(r#"on = "turns_age"
/// age = 15"#).unwrap();
/// assert_eq!(t, Trigger::TurnsAge { age: 15 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case", deny_unknown_fields)]
pub enum Trigger {
    /// 结婚 — a marriage.
    Married,
    /// 活产 — a live birth (in a snapshot: `last_birth_date`).
    LiveBirth,
    /// A person moves in (`person_moved_in`).
    MovedIn,
    /// A procedure (in a snapshot: a method with its `method_start`).
    Procedure {
        /// Which procedures.
        procedures: Vec<Procedure>,
    },
    /// Supplies dispensed.
    SuppliesDispensed {
        /// Item codes that count (empty: any item).
        #[serde(default)]
        items: Vec<String>,
        /// Only a dispense that starts a series: the first one, or the first after the
        /// series was cancelled.
        #[serde(default)]
        series: bool,
    },
    /// A method is started (`method_started`).
    MethodStarted {
        /// Which methods.
        methods: Vec<Method>,
    },
    /// The person reaches an age (completed years, 周岁) on her birthday.
    TurnsAge {
        /// The age.
        age: u32,
    },
}

code_enum!(
    /// A calendar recurrence.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("quarter".parse::<famplan::Recurrence>(), Ok(famplan::Recurrence::Quarter));
    /// ```
    Recurrence { /** 每月 */ Month = "month", /** 每季度 */ Quarter = "quarter" }
);

code_enum!(
    /// Who an obligation is about.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Subject::default(), famplan::Subject::Person);
    /// ```
    Subject { /** 个人 */ Person = "person", /** 户 */ Household = "household" }
);

#[allow(clippy::derivable_impls)] // the enum is declared by a macro
impl Default for Subject {
    fn default() -> Self {
        Subject::Person
    }
}

code_enum!(
    /// An event that cancels (or resumes) obligations.
    ///
    /// Leaving the registry (a floating person moving out, a permanent move), death and the
    /// closing of the case file always cancel; they need not be listed.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("iud_removal".parse::<famplan::StopEvent>(), Ok(famplan::StopEvent::IudRemoval));
    /// assert!("removal".parse::<famplan::StopEvent>().is_err());
    /// ```
    StopEvent {
        /** 取环 */ IudRemoval = "iud_removal",
        /** 取皮埋 */ ImplantRemoval = "implant_removal",
        /** 停用 */ MethodStopped = "method_stopped",
        /** Another method started. */ MethodChanged = "method_changed",
        /** A later dispense of the trigger's items. */ SuppliesDispensed = "supplies_dispensed",
        /** 建档 */ CaseFileOpened = "case_file_opened",
        /** 流出 — moved out (or left). */ MovedOut = "moved_out",
        /** Returned home or moved in again. */ Returned = "returned"
    }
);

/// One due offset with its window.
///
/// `due = trigger + months (clamped) + days + days_per_cycle × cycles`; the window is
/// `[due − before, due + after]` days.
///
/// # Example
///
/// ```
/// let o: famplan::Offset = toml::from_str("months = 1\nbefore = 7\nafter = 14").unwrap();
/// assert_eq!((o.months, o.days, o.before, o.after), (1, 0, 7, 14));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offset {
    /// Calendar months.
    #[serde(default)]
    pub months: i32,
    /// Days.
    #[serde(default)]
    pub days: i32,
    /// Days per dispensed cycle (pills: 28).
    #[serde(default)]
    pub days_per_cycle: i32,
    /// Window opens this many days before the due date.
    #[serde(default)]
    pub before: i32,
    /// Window closes this many days after the due date.
    #[serde(default)]
    pub after: i32,
}

/// Who a rule applies to; every condition that is set must hold.
///
/// # Example
///
/// ```
/// let f: famplan::Filter = toml::from_str(r#"sex = "F"
/// age = [15, 49]"#).unwrap();
/// assert_eq!(f.age, Some([15, 49]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Sex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    /// Age range in completed years, both ends included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<[u32; 2]>,
    /// Residency (empty: registered or floating).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub residency: Vec<Residency>,
    /// Any of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    /// Current method.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub methods: Vec<Method>,
    /// Whether the case file must be open (true) or not open (false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_file_open: Option<bool>,
    /// Household rules: housing kinds that qualify.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub housing: Vec<HousingKind>,
    /// Household rules: a resident member with one of these residencies qualifies the household.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub member_residency: Vec<Residency>,
}

/// What fulfils an obligation: a visit of a kind, opening the case file, or (household
/// rules) a verification of the household.
///
/// # Example
///
/// ```
/// let f: famplan::Fulfilment = toml::from_str("case_file_opened = true").unwrap();
/// assert!(f.case_file_opened && f.visit.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fulfilment {
    /// A visit of this kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    /// Opening the case file (`case_file_opened`).
    #[serde(default)]
    pub case_file_opened: bool,
    /// A `verification_recorded` event for the household.
    #[serde(default)]
    pub verification: bool,
}

/// A set of visit rules, checked.
///
/// # Example
///
/// ```
/// let rules = famplan::RuleSet::default_rules();
/// assert_eq!(rules.rules().len(), 14);
/// assert!(rules.get("pill_resupply").is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RuleList", into = "RuleList")]
pub struct RuleSet {
    pub(crate) rules: Vec<VisitRule>,
}

/// A rule set as serde sees it: `{ rule = [ … ] }`, checked on the way in.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleList {
    #[serde(default)]
    rule: Vec<VisitRule>,
}

impl TryFrom<RuleList> for RuleSet {
    type Error = Error;

    fn try_from(l: RuleList) -> Result<RuleSet, Error> {
        RuleSet::new(l.rule)
    }
}

impl From<RuleSet> for RuleList {
    fn from(r: RuleSet) -> RuleList {
        RuleList { rule: r.rules }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    #[serde(default)]
    rule: Vec<toml::Value>,
}

impl RuleSet {
    /// The built-in rules of DOMAIN §6 (`rules/default.toml`).
    ///
    /// # Example
    ///
    /// ```
    /// let rules = famplan::RuleSet::default_rules();
    /// assert_eq!(rules.get("new_case_file").unwrap().fulfilled_by.case_file_opened, true);
    /// ```
    pub fn default_rules() -> RuleSet {
        RuleSet::from_toml_str(DEFAULT_RULES, "rules/default.toml").expect("the default rules are valid")
    }

    /// Checked rules built in code.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the rule and the field, as for [`RuleSet::from_toml_str`].
    ///
    /// # Example
    ///
    /// ```
    /// let mut rules = famplan::RuleSet::default_rules().rules().to_vec();
    /// rules.truncate(1);
    /// assert_eq!(famplan::RuleSet::new(rules)?.rules().len(), 1);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn new(rules: Vec<VisitRule>) -> Result<RuleSet, Error> {
        RuleSet::new_in(rules, "", &[])
    }

    /// Parses rules written in TOML (`[[rule]]` tables); `file` names the source in errors.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file, the rule and the field: `rules.toml: rule
    /// `iud`: due[0].before: …`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::RuleSet;
    /// let bad = r#"
    /// [[rule]]
    /// id = "iud"
    /// triggers = [{ on = "procedure", procedures = ["iud_insertion"] }]
    /// due = [{ months = 1, before = -7, after = 14 }]
    /// fulfilled_by = { visit = "post_surgery" }
    /// "#;
    /// let err = RuleSet::from_toml_str(bad, "rules.toml").unwrap_err();
    /// assert_eq!(err.to_string(), "rules.toml:2: rule `iud`: due[0].before: must not be negative, found -7");
    /// # let ok = RuleSet::from_toml_str(&bad.replace("-7", "7"), "rules.toml")?;
    /// # assert_eq!(ok.rules().len(), 1);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn from_toml_str(text: &str, file: &str) -> Result<RuleSet, Error> {
        let parsed: RuleFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1) as u64).unwrap_or(0);
            invalid(Location::new(file, line, "rule"), e.message().to_string())
        })?;
        // The line of each `[[rule]]` header, so errors can point at the rule.
        let lines: Vec<u64> = text
            .lines()
            .enumerate()
            .filter(|(_, l)| l.trim_start().starts_with("[[rule]]"))
            .map(|(n, _)| n as u64 + 1)
            .collect();
        let line = |i: usize| lines.get(i).copied().unwrap_or(0);
        let mut rules = Vec::with_capacity(parsed.rule.len());
        for (i, v) in parsed.rule.into_iter().enumerate() {
            let id = v.get("id").and_then(|x| x.as_str()).unwrap_or("").to_string();
            let rule: VisitRule = VisitRule::deserialize(v)
                .map_err(|e| invalid(at(file, line(i), i, &id, field_of(e.message())), e.message().to_string()))?;
            rules.push(rule);
        }
        RuleSet::new_in(rules, file, &lines)
    }

    /// Parses rules written in JSON: `{"rule": [ … ]}` or a bare array of rules.
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file, the rule and the field.
    ///
    /// # Example
    ///
    /// ```
    /// let json = r#"[{"id": "m", "triggers": [{"on": "married"}], "due": [{"days": 30, "before": 30, "after": 15}],
    ///                 "fulfilled_by": {"visit": "marriage_home"}}]"#;
    /// let rules = famplan::RuleSet::from_json_str(json, "rules.json")?;
    /// assert_eq!(rules.get("m").unwrap().due[0].days, 30);
    /// let err = famplan::RuleSet::from_json_str(r#"[{"id": "m", "fulfilled_by": {}}]"#, "rules.json").unwrap_err();
    /// assert!(err.to_string().starts_with("rules.json: rule `m`: triggers:"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn from_json_str(text: &str, file: &str) -> Result<RuleSet, Error> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| invalid(Location::new(file, e.line() as u64, "rule"), e.to_string()))?;
        let list = match value {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(mut o) => match o.remove("rule") {
                Some(serde_json::Value::Array(a)) => a,
                _ => return Err(invalid(Location::new(file, 0, "rule"), "expected an array `rule`")),
            },
            _ => return Err(invalid(Location::new(file, 0, "rule"), "expected an array of rules")),
        };
        let mut rules = Vec::with_capacity(list.len());
        for (i, v) in list.into_iter().enumerate() {
            let id = v.get("id").and_then(|x| x.as_str()).unwrap_or("").to_string();
            let rule: VisitRule = serde_json::from_value(v).map_err(|e| {
                let msg = e.to_string();
                invalid(at(file, 0, i, &id, field_of(&msg)), msg)
            })?;
            rules.push(rule);
        }
        RuleSet::new_in(rules, file, &[])
    }

    fn new_in(rules: Vec<VisitRule>, file: &str, lines: &[u64]) -> Result<RuleSet, Error> {
        let line = |i: usize| lines.get(i).copied().unwrap_or(0);
        for (i, r) in rules.iter().enumerate() {
            validate(r, file, line(i), i)?;
            if rules[..i].iter().any(|o| o.id == r.id) {
                return Err(invalid(at(file, line(i), i, &r.id, "id"), format!("duplicate rule id `{}`", r.id)));
            }
        }
        if rules.len() > u16::MAX as usize {
            return Err(invalid(Location::new(file, 0, "rule"), "too many rules"));
        }
        Ok(RuleSet { rules })
    }

    /// Every rule, in file order.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::RuleSet::default_rules().rules()[0].id, "marriage_home");
    /// ```
    pub fn rules(&self) -> &[VisitRule] {
        &self.rules
    }

    /// A rule by id.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::RuleSet::default_rules().get("nope").is_none());
    /// ```
    pub fn get(&self, id: &str) -> Option<&VisitRule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The rules as TOML, in the format [`RuleSet::from_toml_str`] reads.
    ///
    /// # Example
    ///
    /// ```
    /// let rules = famplan::RuleSet::default_rules();
    /// let again = famplan::RuleSet::from_toml_str(&rules.to_toml(), "x.toml")?;
    /// assert_eq!(again, rules);
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn to_toml(&self) -> String {
        #[derive(Serialize)]
        struct Out<'a> {
            rule: &'a [VisitRule],
        }
        toml::to_string(&Out { rule: &self.rules }).expect("rules serialize")
    }
}

impl Default for RuleSet {
    fn default() -> Self {
        RuleSet::default_rules()
    }
}

fn at(file: &str, line: u64, i: usize, id: &str, field: &str) -> Location {
    let rule = if id.is_empty() { format!("rule[{i}]") } else { format!("rule `{id}`") };
    if file.is_empty() {
        Location::field(format!("{rule}: {field}"))
    } else {
        Location::new(file, line, format!("{rule}: {field}"))
    }
}

/// Picks the field name out of a serde message (`missing field `x``, `unknown field `x``,
/// `unknown variant `x`` …).
fn field_of(msg: &str) -> &str {
    for key in ["missing field `", "unknown field `"] {
        if let Some(rest) = msg.split_once(key).map(|(_, r)| r) {
            return rest.split('`').next().unwrap_or("rule");
        }
    }
    if msg.contains("variant") { "value" } else { "rule" }
}

fn validate(r: &VisitRule, file: &str, line: u64, i: usize) -> Result<(), Error> {
    let bad = |field: &str, reason: String| Err(invalid(at(file, line, i, &r.id, field), reason));
    if r.id.trim().is_empty() {
        return bad("id", "a rule needs an id".into());
    }
    match (r.calendar, r.triggers.is_empty()) {
        (None, true) => return bad("triggers", "a rule needs triggers or a calendar recurrence".into()),
        (Some(_), false) => return bad("calendar", "a calendar rule has no triggers".into()),
        (None, false) if r.due.is_empty() => {
            return bad("due", "a triggered rule needs at least one due offset".into());
        }
        _ => {}
    }
    if r.subject == Subject::Household && r.calendar.is_none() {
        return bad("subject", "only calendar rules can be about households".into());
    }
    if r.calendar.is_some() && (!r.due.is_empty() || r.then_every.is_some()) {
        return bad("due", "a calendar rule is due on the last day of each period; it takes no offsets".into());
    }
    let offsets = r.due.iter().map(|o| ("due", o)).chain(r.then_every.iter().map(|o| ("then_every", o)));
    for (k, (name, o)) in offsets.enumerate() {
        let field = if name == "due" { format!("due[{k}]") } else { name.to_string() };
        for (what, v) in [("before", o.before), ("after", o.after)] {
            if v < 0 {
                return bad(&format!("{field}.{what}"), format!("must not be negative, found {v}"));
            }
        }
        if (o.months.abs() > 1200) || (o.days.abs() > 36_500) || o.days_per_cycle.abs() > 366 {
            return bad(&field, "offset out of range (at most 1200 months or 36500 days)".into());
        }
    }
    if let Some(e) = r.then_every {
        if e.months <= 0 && e.days <= 0 {
            return bad("then_every", "the recurrence must move forward (months or days > 0)".into());
        }
    }
    if let Some([lo, hi]) = r.filter.age {
        if lo > hi {
            return bad("filter.age", format!("empty range [{lo}, {hi}]"));
        }
    }
    if r.subject == Subject::Person && (!r.filter.housing.is_empty() || !r.filter.member_residency.is_empty()) {
        return bad("filter.housing", "housing and member_residency apply to household rules only".into());
    }
    let f = &r.fulfilled_by;
    if f.visit.as_deref().is_some_and(|v| v.trim().is_empty()) {
        return bad("fulfilled_by.visit", "the visit kind is empty".into());
    }
    if f.visit.is_none() && !f.case_file_opened && !f.verification {
        return bad("fulfilled_by", "say what fulfils it: visit, case_file_opened or verification".into());
    }
    if f.verification && r.subject != Subject::Household {
        return bad("fulfilled_by.verification", "a verification fulfils household rules only".into());
    }
    for t in &r.triggers {
        match t {
            Trigger::Procedure { procedures } if procedures.is_empty() => {
                return bad("triggers.procedures", "list at least one procedure".into());
            }
            Trigger::MethodStarted { methods } if methods.is_empty() => {
                return bad("triggers.methods", "list at least one method".into());
            }
            Trigger::TurnsAge { age } if *age > 150 => {
                return bad("triggers.age", format!("{age} is not an age"));
            }
            _ => {}
        }
    }
    Ok(())
}

fn invalid(at: Location, reason: impl Into<String>) -> Error {
    Error::Invalid { at, reason: reason.into() }
}
