//! 生育政策 — birth policy and reward schemes by effective date (DOMAIN §11).
//!
//! Policy is dated rule data keyed by jurisdiction (`national` or a province code), in TOML;
//! the defaults are `rules/policy.toml`. A birth is judged by the rule in force on its date;
//! nothing from a rule applies after its end.

use crate::person::code_enum;
use crate::{Error, Location, Period};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

pub(crate) const DEFAULT_POLICY: &str = include_str!("../rules/policy.toml");

code_enum!(
    /// 政策符合情况 — how a birth stands against the policy in force on its date.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Compliance::NeedsApproval.code(), "needs_approval");
    /// ```
    Compliance {
        /** 符合政策 */ Compliant = "compliant", /** 不符合政策 */ NonCompliant = "non_compliant",
        /** 需审批 */ NeedsApproval = "needs_approval", /** 无法判断 */ Unknown = "unknown"
    }
);

code_enum!(
    /// How often a reward scheme pays.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("year".parse::<famplan::RewardPeriod>(), Ok(famplan::RewardPeriod::Year));
    /// ```
    RewardPeriod { /** 每月 */ Month = "month", /** 每年 */ Year = "year" }
);

/// 生育政策条款 — one dated birth rule of a jurisdiction.
///
/// # Example
///
/// ```
/// let rule = famplan::PolicySet::builtin().birth_rule(None, "2017-05-01".parse().unwrap()).unwrap();
/// assert_eq!(rule.compliant_up_to, 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BirthRule {
    /// `national` or a province code (`"44"`).
    pub jurisdiction: String,
    /// What the rule is called.
    pub name: String,
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force; `None` = still in force.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Births of this order or lower are compliant.
    pub compliant_up_to: u8,
    /// Births above `compliant_up_to` up to this order need approval (再生育审批).
    #[serde(default)]
    pub approval_up_to: Option<u8>,
    /// Whether the social maintenance fee (社会抚养费) was levied.
    #[serde(default)]
    pub social_maintenance_fee: bool,
}

/// 奖励扶助方案 — a dated only-child reward scheme (独生子女父母奖励).
///
/// # Example
///
/// ```
/// let s = &famplan::PolicySet::builtin().reward_schemes()[0];
/// assert_eq!((s.amount_fen, s.per), (500, famplan::RewardPeriod::Month));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardScheme {
    /// `national` or a province code.
    pub jurisdiction: String,
    /// What the scheme is called.
    pub name: String,
    /// First day in force.
    pub from: NaiveDate,
    /// Last day in force; `None` = still in force.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Amount per period, in fen (分).
    pub amount_fen: u64,
    /// Paid monthly or yearly.
    pub per: RewardPeriod,
}

/// One reward payment that falls due: the scheme and the day.
///
/// # Example
///
/// ```
/// let p = famplan::PolicySet::builtin().reward_payments(None, famplan::Period::month(2026, 3).unwrap());
/// assert_eq!((p[0].due.to_string(), p[0].amount_fen), ("2026-03-01".to_string(), 500));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RewardPayment {
    /// The scheme's name.
    pub scheme: String,
    /// The day it falls due (the first day of a month or year).
    pub due: NaiveDate,
    /// Amount in fen.
    pub amount_fen: u64,
}

fn in_force(from: NaiveDate, to: Option<NaiveDate>, on: NaiveDate) -> bool {
    from <= on && to.is_none_or(|t| on <= t)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    province: Option<String>,
    #[serde(default)]
    birth: Vec<toml::Value>,
    #[serde(default)]
    reward: Vec<toml::Value>,
}

/// 生育政策 — every dated birth rule and reward scheme, keyed by jurisdiction.
///
/// # Example
///
/// ```
/// use famplan::{Compliance, PolicySet};
/// let p = PolicySet::builtin();
/// let d = |s: &str| s.parse().unwrap();
/// // A second child: needs approval under the 2002 rule, compliant from 2016-01-01.
/// assert_eq!(p.judge(None, d("2015-12-31"), Some(2)), Compliance::NeedsApproval);
/// assert_eq!(p.judge(None, d("2016-01-01"), Some(2)), Compliance::Compliant);
/// // A third child: non-compliant until 2021-08-19, compliant from 2021-08-20.
/// assert_eq!(p.judge(None, d("2021-08-19"), Some(3)), Compliance::NonCompliant);
/// assert_eq!(p.judge(None, d("2021-08-20"), Some(3)), Compliance::Compliant);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicySet {
    province: Option<String>,
    birth: Vec<BirthRule>,
    reward: Vec<RewardScheme>,
}

impl PolicySet {
    /// The defaults of `rules/policy.toml` (national rules; parsed once).
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PolicySet::builtin().birth_rules().len(), 3);
    /// ```
    pub fn builtin() -> &'static PolicySet {
        static BUILTIN: OnceLock<PolicySet> = OnceLock::new();
        BUILTIN.get_or_init(|| PolicySet::from_toml_str(DEFAULT_POLICY, "rules/policy.toml").expect("valid defaults"))
    }

    /// Parses policy data written in TOML (see `rules/policy.toml`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] naming the file, the line of the `[[birth]]` / `[[reward]]` entry,
    /// the field and the reason: an unknown field, a bad date, `to` before `from`, two
    /// rules of one jurisdiction in force on the same day, a jurisdiction that is neither
    /// `national` nor a province code, a top-level `province` that is not a province code.
    ///
    /// # Example
    ///
    /// ```
    /// let bad = "[[birth]]\njurisdiction = \"national\"\nname = \"x\"\nfrom = \"2016-01-01\"\nto = \"2015-01-01\"\ncompliant_up_to = 2\n";
    /// let err = famplan::PolicySet::from_toml_str(bad, "policy.toml").unwrap_err();
    /// assert_eq!(err.to_string(), "policy.toml:1: birth[0].to: 2015-01-01 is before from 2016-01-01");
    /// ```
    pub fn from_toml_str(text: &str, file: &str) -> Result<PolicySet, Error> {
        let invalid =
            |line: u64, field: String, reason: String| Error::Invalid { at: Location::new(file, line, field), reason };
        let parsed: PolicyFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1) as u64).unwrap_or(0);
            invalid(line, "policy".into(), e.message().to_string())
        })?;
        let headers = |h: &str| -> Vec<u64> {
            text.lines().enumerate().filter(|(_, l)| l.trim_start().starts_with(h)).map(|(n, _)| n as u64 + 1).collect()
        };
        let (birth_lines, reward_lines) = (headers("[[birth]]"), headers("[[reward]]"));
        let jurisdiction_ok = |j: &str| j == "national" || (j.len() == 2 && j.bytes().all(|b| b.is_ascii_digit()));
        if let Some(p) = parsed.province.as_deref().filter(|p| *p == "national" || !jurisdiction_ok(p)) {
            let line = headers("province").first().copied().unwrap_or(1);
            return Err(invalid(line, "province".into(), format!("`{p}` is not a two-digit province code")));
        }
        let line_of = |lines: &[u64], i: usize| lines.get(i).copied().unwrap_or(0);
        let field_of = |msg: &str, v: &toml::Value| bad_key(msg, v).map(|f| format!(".{f}")).unwrap_or_default();
        let mut birth: Vec<BirthRule> = Vec::new();
        for (i, v) in parsed.birth.into_iter().enumerate() {
            let line = line_of(&birth_lines, i);
            let r = BirthRule::deserialize(v.clone()).map_err(|e| {
                let f = field_of(e.message(), &v);
                invalid(line, format!("birth[{i}]{f}"), e.message().to_string())
            })?;
            let at = |f: &str| format!("birth[{i}].{f}");
            if !jurisdiction_ok(&r.jurisdiction) {
                let reason = format!("`{}` is neither `national` nor a two-digit province code", r.jurisdiction);
                return Err(invalid(line, at("jurisdiction"), reason));
            }
            if let Some(to) = r.to.filter(|&t| t < r.from) {
                return Err(invalid(line, at("to"), format!("{to} is before from {}", r.from)));
            }
            if r.approval_up_to.is_some_and(|a| a < r.compliant_up_to) {
                return Err(invalid(line, at("approval_up_to"), "must not be below compliant_up_to".into()));
            }
            if let Some(j) =
                birth.iter().position(|o| o.jurisdiction == r.jurisdiction && overlap(o.from, o.to, r.from, r.to))
            {
                let reason = format!("overlaps birth[{j}] `{}` of the same jurisdiction", birth[j].name);
                return Err(invalid(line, at("from"), reason));
            }
            birth.push(r);
        }
        let mut reward: Vec<RewardScheme> = Vec::new();
        for (i, v) in parsed.reward.into_iter().enumerate() {
            let line = line_of(&reward_lines, i);
            let r = RewardScheme::deserialize(v.clone()).map_err(|e| {
                let f = field_of(e.message(), &v);
                invalid(line, format!("reward[{i}]{f}"), e.message().to_string())
            })?;
            let at = |f: &str| format!("reward[{i}].{f}");
            if !jurisdiction_ok(&r.jurisdiction) {
                let reason = format!("`{}` is neither `national` nor a two-digit province code", r.jurisdiction);
                return Err(invalid(line, at("jurisdiction"), reason));
            }
            if let Some(to) = r.to.filter(|&t| t < r.from) {
                return Err(invalid(line, at("to"), format!("{to} is before from {}", r.from)));
            }
            reward.push(r);
        }
        Ok(PolicySet { province: parsed.province, birth, reward })
    }

    /// The community's own province, from the file's top-level `province = "44"`: the
    /// jurisdiction used when a caller names none (rates without
    /// [`Params::province`](crate::Params::province), application eligibility). `None` in
    /// the built-in file: the national rules.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::PolicySet;
    /// assert_eq!(PolicySet::builtin().province(), None);
    /// let own = PolicySet::from_toml_str("province = \"44\"\n", "policy.toml")?;
    /// assert_eq!(own.province(), Some("44"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn province(&self) -> Option<&str> {
        self.province.as_deref()
    }

    /// The reward schemes in force on a date for a province (its own when it has any,
    /// otherwise the national ones; `None` = the file's own [`province`](PolicySet::province)).
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::PolicySet::builtin();
    /// assert_eq!(p.reward_schemes_on(None, "2026-06-30".parse().unwrap()).len(), 1);
    /// assert!(p.reward_schemes_on(None, "2001-01-01".parse().unwrap()).is_empty());
    /// ```
    pub fn reward_schemes_on(&self, province: Option<&str>, on: NaiveDate) -> Vec<&RewardScheme> {
        let own = self.reward_jurisdiction(province);
        self.reward.iter().filter(|s| s.jurisdiction == own && in_force(s.from, s.to, on)).collect()
    }

    fn reward_jurisdiction<'a>(&'a self, province: Option<&'a str>) -> &'a str {
        province
            .or(self.province.as_deref())
            .filter(|p| self.reward.iter().any(|s| s.jurisdiction == *p))
            .unwrap_or("national")
    }

    /// Every birth rule, as written.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::PolicySet::builtin().birth_rules().iter().all(|r| r.jurisdiction == "national"));
    /// ```
    pub fn birth_rules(&self) -> &[BirthRule] {
        &self.birth
    }

    /// Every reward scheme, as written.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::PolicySet::builtin().reward_schemes().len(), 1);
    /// ```
    pub fn reward_schemes(&self) -> &[RewardScheme] {
        &self.reward
    }

    /// The birth rule in force on a date: the province's own rule when it has one for that
    /// date, otherwise the national one; `None` before the first rule. No province given
    /// means the file's own [`province`](PolicySet::province), if it names one.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::PolicySet::builtin();
    /// assert!(p.birth_rule(Some("44"), "2000-01-01".parse().unwrap()).is_none());
    /// assert_eq!(p.birth_rule(Some("44"), "2022-01-01".parse().unwrap()).unwrap().compliant_up_to, 3);
    /// ```
    pub fn birth_rule(&self, province: Option<&str>, on: NaiveDate) -> Option<&BirthRule> {
        let province = province.or(self.province.as_deref());
        let find = |j: &str| self.birth.iter().find(|r| r.jurisdiction == j && in_force(r.from, r.to, on));
        province.and_then(find).or_else(|| find("national"))
    }

    /// Judges a birth of the given order (1 = first child) on its date; `unknown` when the
    /// order is not recorded or no rule was in force.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Compliance;
    /// let p = famplan::PolicySet::builtin();
    /// assert_eq!(p.judge(None, "2019-01-01".parse().unwrap(), None), Compliance::Unknown);
    /// assert_eq!(p.judge(None, "2010-01-01".parse().unwrap(), Some(3)), Compliance::NonCompliant);
    /// ```
    pub fn judge(&self, province: Option<&str>, on: NaiveDate, order: Option<u8>) -> Compliance {
        let (Some(order), Some(rule)) = (order, self.birth_rule(province, on)) else { return Compliance::Unknown };
        if order <= rule.compliant_up_to {
            Compliance::Compliant
        } else if rule.approval_up_to.is_some_and(|a| order <= a) {
            Compliance::NeedsApproval
        } else {
            Compliance::NonCompliant
        }
    }

    /// True when the rule in force on a date has approvals (再生育审批): an extra-child
    /// approval can be applied for only then.
    ///
    /// # Example
    ///
    /// ```
    /// let p = famplan::PolicySet::builtin();
    /// assert!(p.has_approval(None, "2015-06-01".parse().unwrap()));
    /// assert!(!p.has_approval(None, "2016-06-01".parse().unwrap()));
    /// ```
    pub fn has_approval(&self, province: Option<&str>, on: NaiveDate) -> bool {
        self.birth_rule(province, on).is_some_and(|r| r.approval_up_to.is_some())
    }

    /// The reward payments of one holder that fall due in a period: each scheme pays on the
    /// first day of every month (or year) on which it is in force. A province with schemes
    /// of its own uses only those; others use the national ones (no province given: the
    /// file's own [`province`](PolicySet::province)).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Period, PolicySet};
    /// let p = PolicySet::builtin();
    /// let year = p.reward_payments(None, Period::year(2026).unwrap());
    /// // 12 months × 500 fen = 6000 fen (60 yuan).
    /// assert_eq!(year.iter().map(|x| x.amount_fen).sum::<u64>(), 6000);
    /// ```
    pub fn reward_payments(&self, province: Option<&str>, period: Period) -> Vec<RewardPayment> {
        let own = self.reward_jurisdiction(province);
        let mut out = Vec::new();
        for s in self.reward.iter().filter(|s| s.jurisdiction == own) {
            let mut due = match s.per {
                RewardPeriod::Month => NaiveDate::from_ymd_opt(period.start.year(), period.start.month(), 1),
                RewardPeriod::Year => NaiveDate::from_ymd_opt(period.start.year(), 1, 1),
            };
            while let Some(d) = due.filter(|&d| d <= period.end) {
                if d >= period.start && in_force(s.from, s.to, d) {
                    out.push(RewardPayment { scheme: s.name.clone(), due: d, amount_fen: s.amount_fen });
                }
                due = match s.per {
                    RewardPeriod::Month => d.checked_add_months(chrono::Months::new(1)),
                    RewardPeriod::Year => d.checked_add_months(chrono::Months::new(12)),
                };
            }
        }
        out.sort_by(|a, b| (a.due, &a.scheme).cmp(&(b.due, &b.scheme)));
        out
    }
}

/// The key a rule's deserialisation error is about: the one the message names for a missing
/// or unknown field, else the first key whose value does not read as its type.
fn bad_key(msg: &str, v: &toml::Value) -> Option<String> {
    if msg.starts_with("missing field") || msg.starts_with("unknown field") {
        return msg.split('`').nth(1).map(str::to_string);
    }
    fn fails<T: serde::de::DeserializeOwned>(v: &toml::Value) -> bool {
        T::deserialize(v.clone()).is_err()
    }
    v.as_table()?
        .iter()
        .find(|(k, x)| match k.as_str() {
            "jurisdiction" | "name" => fails::<String>(x),
            "from" | "to" => fails::<NaiveDate>(x),
            "compliant_up_to" | "approval_up_to" => fails::<u8>(x),
            "social_maintenance_fee" => fails::<bool>(x),
            "amount_fen" => fails::<u64>(x),
            "per" => fails::<RewardPeriod>(x),
            _ => false,
        })
        .map(|(k, _)| k.clone())
}

fn overlap(a0: NaiveDate, a1: Option<NaiveDate>, b0: NaiveDate, b1: Option<NaiveDate>) -> bool {
    a0 <= b1.unwrap_or(NaiveDate::MAX) && b0 <= a1.unwrap_or(NaiveDate::MAX)
}

impl crate::Registry {
    /// 本社区生育政策 — the birth policy this registry judges by: the community's own
    /// [`PolicySet`] when one was set ([`Registry::set_policy`]), else the built-in rules.
    ///
    /// Everything that judges policy reads it: `policy_compliance_rate` (with
    /// [`Params::province`](crate::Params::province) or the file's own province), the
    /// eligibility of a new application ([`Registry::apply`]) and the review list
    /// ([`Registry::eligibility_flags`]). Reward payments are
    /// [`reward_payments`](PolicySet::reward_payments) of this set.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.policy(), famplan::PolicySet::builtin());
    /// ```
    pub fn policy(&self) -> &PolicySet {
        self.policy.as_deref().unwrap_or_else(|| PolicySet::builtin())
    }

    /// Sets the community's birth policy. Nothing already recorded changes: the events stay
    /// as they are, rates are computed with the new rules from now on, new applications are
    /// judged by them, and applications the new rules make ineligible are listed by
    /// [`Registry::eligibility_flags`].
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{PolicySet, Registry};
    /// let text = "province = \"44\"\n[[birth]]\njurisdiction = \"44\"\nname = \"two\"\nfrom = \"2010-01-01\"\ncompliant_up_to = 2\n";
    /// let mut reg = Registry::example();
    /// reg.set_policy(PolicySet::from_toml_str(text, "policy.toml")?);
    /// assert_eq!(reg.policy().province(), Some("44"));
    /// # Ok::<(), famplan::Error>(())
    /// ```
    pub fn set_policy(&mut self, policy: PolicySet) {
        self.policy = Some(std::sync::Arc::new(policy));
    }

    /// The registry with the community's birth policy set (see [`Registry::set_policy`]).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example().with_policy(famplan::PolicySet::builtin().clone());
    /// assert_eq!(reg.policy().birth_rules().len(), 3);
    /// ```
    pub fn with_policy(mut self, policy: PolicySet) -> crate::Registry {
        self.set_policy(policy);
        self
    }
}
