//! The catalogue: every row of DOMAIN §7, with its definition and how it is counted.

use super::engine::{Cache, Ctx, Lite, Row, Screen, Sink, obligation_entry};
use super::{Counts, Reason, Scale};
use crate::person::code_enum;
use crate::registry::state::{Change, Detail, NONE, State, date, day};
use crate::{
    CertificateAction, CertificateKind, MaritalStatus, Method, ObligationState, PersonId, PregnancyOutcome, Procedure,
    Registry, Residency, RuleSet, Sex, StopReason, Tag,
};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

code_enum!(
    /// The code of a catalogue rate (DOMAIN §7).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::RateCode;
    /// assert_eq!("cpr".parse::<RateCode>(), Ok(RateCode::Cpr));
    /// assert_eq!(RateCode::ALL.len(), 24);
    /// assert_eq!(RateCode::CaseFileRate.info().zh, "个案建档率");
    /// ```
    RateCode {
        /** 个案建档率 */ CaseFileRate = "case_file_rate",
        /** 个案建档率(核查) */ CaseFileRateVerified = "case_file_rate_verified",
        /** 全员人口建档率 */ PopulationRecordRate = "population_record_rate",
        /** 个案信息准确率 */ AccuracyRate = "accuracy_rate",
        /** 随访率 */ FollowupRate = "followup_rate",
        /** 登门随访率 */ HomeVisitRate = "home_visit_rate",
        /** 重点人群随访率 */ KeyPopulationFollowupRate = "key_population_followup_rate",
        /** 药具随访率 */ SupplyFollowupRate = "supply_followup_rate",
        /** 药具应用率 */ SupplyUseRate = "supply_use_rate",
        /** 药具有效率 */ SupplyEffectiveRate = "supply_effective_rate",
        /** 综合避孕率 */ Cpr = "cpr",
        /** 避孕及时率 */ TimelyContraceptionRate = "timely_contraception_rate",
        /** 避孕有效率 */ ContraceptiveEffectiveRate = "contraceptive_effective_rate",
        /** 流动人口月查率 */ FloatingCheckRate = "floating_check_rate",
        /** 季度核对率 */ ReconciliationRate = "reconciliation_rate",
        /** 节育措施构成 */ MethodMix = "method_mix",
        /** 独生子女领证率 */ OnlyChildCertificateRate = "only_child_certificate_rate",
        /** 出生率 (‰) */ BirthRate = "birth_rate",
        /** 一般生育率 (‰) */ GeneralFertilityRate = "general_fertility_rate",
        /** 出生性别比 (×100) */ SexRatioAtBirth = "sex_ratio_at_birth",
        /** 妇女病普查率 */ ScreeningRate = "screening_rate",
        /** 群众满意率 */ SatisfactionRate = "satisfaction_rate",
        /** 政策知晓率 */ PolicyAwarenessRate = "policy_awareness_rate",
        /** 政策符合率 */ PolicyComplianceRate = "policy_compliance_rate"
    }
);

/// One row of the catalogue: names, definition and default target.
///
/// # Example
///
/// ```
/// use famplan::{RateCode, Scale};
/// let info = RateCode::BirthRate.info();
/// assert_eq!(info.scale, Scale::PerMille);
/// assert!(info.mean_population);
/// assert_eq!(RateCode::SupplyFollowupRate.info().default_target, Some(98.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateInfo {
    /// The code.
    pub code: RateCode,
    /// 中文名.
    pub zh: &'static str,
    /// English name.
    pub en: &'static str,
    /// What the numerator counts.
    pub numerator: &'static str,
    /// What the denominator counts.
    pub denominator: &'static str,
    /// When: `on D`, `P`, `month`, `quarter` or `year` (the period the row is meant for).
    pub when: &'static str,
    /// Display scale.
    pub scale: Scale,
    /// The default target in the display unit (`None` where DOMAIN sets none).
    pub default_target: Option<f64>,
    /// The denominator is a mean population `(start + end) / 2` (see [`Counts`]).
    pub mean_population: bool,
}

const fn row(
    code: RateCode,
    zh: &'static str,
    en: &'static str,
    numerator: &'static str,
    denominator: &'static str,
    when: &'static str,
    default_target: Option<f64>,
) -> RateInfo {
    RateInfo {
        code,
        zh,
        en,
        numerator,
        denominator,
        when,
        scale: Scale::Percent,
        default_target,
        mean_population: false,
    }
}

use RateCode as C;

static CATALOGUE: [RateInfo; 24] = [
    row(
        C::CaseFileRate,
        "个案建档率",
        "case file rate",
        "resident WRA with an open case file",
        "resident WRA",
        "on D",
        Some(100.0),
    ),
    row(
        C::CaseFileRateVerified,
        "个案建档率(核查)",
        "case file rate (verified)",
        "WRA observed in verifications in P who have an open case file on the verification date",
        "WRA observed in verifications in P (observed sex and birth date, else the registry's)",
        "P",
        Some(100.0),
    ),
    row(
        C::PopulationRecordRate,
        "全员人口建档率",
        "population record rate",
        "persons observed in verifications in P who are in the registry",
        "persons observed in verifications in P",
        "P",
        Some(100.0),
    ),
    row(
        C::AccuracyRate,
        "个案信息准确率",
        "record accuracy rate",
        "verified records in P whose observed key items all matched the registry",
        "verified records in P (observed persons found in the registry)",
        "P",
        Some(100.0),
    ),
    row(
        C::FollowupRate,
        "随访率",
        "follow-up rate",
        "obligations due in P (visit schedule, event-triggered rules fulfilled by a visit) done in window",
        "those obligations minus the ones still open (upcoming, due, overdue) or cancelled on A",
        "P",
        Some(95.0),
    ),
    row(
        C::HomeVisitRate,
        "登门随访率",
        "home visit rate",
        "as followup_rate, rules marriage + birth home visit",
        "same",
        "P",
        Some(95.0),
    ),
    row(
        C::KeyPopulationFollowupRate,
        "重点人群随访率",
        "key population follow-up rate",
        "as followup_rate, people tagged key population",
        "same",
        "P",
        Some(100.0),
    ),
    row(
        C::SupplyFollowupRate,
        "药具随访率",
        "supply follow-up rate",
        "as followup_rate, supply follow-up rule",
        "same",
        "P",
        Some(98.0),
    ),
    row(
        C::SupplyUseRate,
        "药具应用率",
        "supply correct-use rate",
        "supply follow-up visits in P whose outcome is `using_correctly`",
        "supply follow-up visits in P",
        "P",
        Some(98.0),
    ),
    row(
        C::SupplyEffectiveRate,
        "药具有效率",
        "supply effectiveness rate",
        "women who received supplies in P with no method failure (stopped: failure) in P",
        "women who received supplies in P",
        "P",
        Some(98.0),
    ),
    row(
        C::Cpr,
        "综合避孕率",
        "contraceptive prevalence rate",
        "resident married WRA with a current method other than none",
        "resident married WRA",
        "on D",
        None,
    ),
    row(
        C::TimelyContraceptionRate,
        "避孕及时率",
        "timely contraception rate",
        "births and induced abortions in P after which a method started within the window (birth 90 d, abortion 30 d)",
        "births and induced abortions in P whose window closed by A",
        "P",
        None,
    ),
    row(
        C::ContraceptiveEffectiveRate,
        "避孕有效率",
        "contraceptive effectiveness rate",
        "women who used a method in P without a failure in P",
        "resident women who used a method in P",
        "P",
        None,
    ),
    row(
        C::FloatingCheckRate,
        "流动人口月查率",
        "floating population monthly check rate",
        "floating persons with a floating_monthly_check visit in P",
        "floating persons on P's last day",
        "month",
        Some(100.0),
    ),
    row(
        C::ReconciliationRate,
        "季度核对率",
        "quarterly reconciliation rate",
        "quarterly reconciliation obligations (visit schedule rule `reconciliation`) due in P and done",
        "those obligations (rental / street-front households and households with a floating member), minus open or cancelled on A",
        "quarter",
        Some(100.0),
    ),
    row(
        C::MethodMix,
        "节育措施构成",
        "method mix",
        "users of the chosen method (Params::method; default: long-acting methods)",
        "resident married WRA using any method",
        "on D",
        None,
    ),
    row(
        C::OnlyChildCertificateRate,
        "独生子女领证率",
        "only-child certificate rate",
        "resident married WRA holding an issued, not voided, only-child honour certificate",
        "resident married WRA",
        "on D",
        None,
    ),
    RateInfo {
        scale: Scale::PerMille,
        mean_population: true,
        ..row(
            C::BirthRate,
            "出生率",
            "crude birth rate",
            "live births in P",
            "mean resident population of P ((start + end) / 2)",
            "year",
            None,
        )
    },
    RateInfo {
        scale: Scale::PerMille,
        mean_population: true,
        ..row(
            C::GeneralFertilityRate,
            "一般生育率",
            "general fertility rate",
            "live births in P",
            "mean resident WRA of P",
            "year",
            None,
        )
    },
    RateInfo {
        scale: Scale::Times100,
        ..row(
            C::SexRatioAtBirth,
            "出生性别比",
            "sex ratio at birth",
            "male live births in P",
            "female live births in P",
            "year",
            None,
        )
    },
    row(
        C::ScreeningRate,
        "妇女病普查率",
        "screening rate",
        "resident WRA screened in P",
        "resident WRA on P's last day",
        "year",
        None,
    ),
    row(
        C::SatisfactionRate,
        "群众满意率",
        "satisfaction rate",
        "survey responses in P that are satisfied",
        "survey responses in P (of Params::respondent if set)",
        "P",
        Some(90.0),
    ),
    row(
        C::PolicyAwarenessRate,
        "政策知晓率",
        "policy awareness rate",
        "survey responses in P that know the free-supply policy",
        "survey responses in P (of Params::respondent if set)",
        "P",
        Some(60.0),
    ),
    row(
        C::PolicyComplianceRate,
        "政策符合率",
        "policy compliance rate",
        "live-born children in P whose birth order was within the national policy in force on the birth date",
        "live-born children in P",
        "year",
        None,
    ),
];

/// Every row of the catalogue, in DOMAIN §7 order.
///
/// # Example
///
/// ```
/// let rows = famplan::catalogue();
/// assert_eq!(rows.len(), 24);
/// assert!(rows.iter().all(|r| r.code.info() == r));
/// ```
pub fn catalogue() -> &'static [RateInfo] {
    &CATALOGUE
}

impl RateCode {
    /// The catalogue row of this code.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::RateCode::Cpr.info().en, "contraceptive prevalence rate");
    /// ```
    pub fn info(self) -> &'static RateInfo {
        &CATALOGUE[self as usize]
    }
}

/// The visit kind of a supply follow-up whose outcome says the client uses the method correctly.
pub(crate) const USING_CORRECTLY: &str = "using_correctly";

/// A catalogue rate with its ids looked up.
pub(crate) struct Prepared<'m> {
    code: RateCode,
    floating_check: Option<u16>,
    supply_followup: Option<u16>,
    using_correctly: Option<u16>,
    _m: std::marker::PhantomData<&'m ()>,
}

impl<'m> Prepared<'m> {
    pub(crate) fn new(st: &State, code: RateCode) -> Prepared<'m> {
        let kind = |k: &str| st.visit_kinds.find(k).map(|i| i as u16);
        Prepared {
            code,
            floating_check: kind(FLOATING_CHECK),
            supply_followup: kind(SUPPLY_FOLLOWUP),
            using_correctly: st.outcomes.find(USING_CORRECTLY).map(|i| i as u16),
            _m: std::marker::PhantomData,
        }
    }

    pub(crate) fn per_person(&self) -> bool {
        !matches!(
            self.code,
            C::CaseFileRateVerified
                | C::PopulationRecordRate
                | C::AccuracyRate
                | C::ReconciliationRate
                | C::SatisfactionRate
                | C::PolicyAwarenessRate
                | C::FollowupRate
                | C::HomeVisitRate
                | C::KeyPopulationFollowupRate
                | C::SupplyFollowupRate
        )
    }

    /// Which persons without facts the rate can count: the population tests below, read off
    /// the record (each arm of [`person`](Self::person) that starts with one).
    pub(crate) fn screen(&self, ctx: &Ctx<'_>) -> Screen {
        match self.code {
            C::CaseFileRate => Screen::resident_wra(ctx.p.on),
            C::Cpr | C::MethodMix | C::OnlyChildCertificateRate => {
                Screen::resident_wra(ctx.p.on).marital(&[MaritalStatus::Married])
            }
            C::FloatingCheckRate => Screen::ANY.residency(&[Residency::Floating]),
            C::ScreeningRate => Screen::resident_wra(ctx.p.period.end),
            _ => Screen::EVERYONE,
        }
    }

    #[inline]
    pub(crate) fn person<'r, S: Sink<'r>>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, sink: &mut S) {
        let code = self.code;
        let p = cache.p;
        let row = || Row::person(p.id());
        match code {
            C::CaseFileRate => {
                let Some(s) = cache.at(ctx, ctx.p.on) else { return };
                if s.is_resident_wra() {
                    let ok = s.case_file.is_open();
                    sink.add(ctx.unit(&s), Counts::one(ok), |why| {
                        row().because(why, || {
                            let detail = match s.case_file {
                                crate::CaseFileStatus::Closed(r) => format!("no open case file (closed: {r})"),
                                _ => "no open case file".to_string(),
                            };
                            Reason::new(code.code(), "case_file", detail)
                        })
                    });
                }
            }
            C::Cpr | C::MethodMix | C::OnlyChildCertificateRate => {
                let Some(s) = cache.at(ctx, ctx.p.on) else { return };
                if !(s.is_married_wra() && s.residency.is_resident()) {
                    return;
                }
                let using = s.uses_method();
                match code {
                    C::Cpr => sink.add(ctx.unit(&s), Counts::one(using), |why| {
                        row().because(why, || {
                            let detail =
                                if s.method_recorded { "current method is none" } else { "no method recorded" };
                            Reason::new(code.code(), "contraceptive_method", detail)
                        })
                    }),
                    C::MethodMix if using => {
                        let hit = match ctx.p.method {
                            Some(m) => s.method == m,
                            None => s.method.is_long_acting(),
                        };
                        sink.add(ctx.unit(&s), Counts::one(hit), |why| {
                            row().because(why, || {
                                let want = ctx.p.method.map_or("a long-acting method".to_string(), |m| m.to_string());
                                let detail = format!("uses {}, not {want}", s.method);
                                Reason::new(code.code(), "contraceptive_method", detail)
                            })
                        });
                    }
                    C::OnlyChildCertificateRate => {
                        let upto = day(ctx.p.on).min(ctx.a);
                        let mut holds = false;
                        for f in ctx.st.facts_of(p.ix) {
                            if f.date > upto {
                                break;
                            }
                            if let Change::Certificate(CertificateKind::OnlyChildHonour, a) = f.change {
                                match a {
                                    CertificateAction::Issued | CertificateAction::Reissued => holds = true,
                                    CertificateAction::Voided => holds = false,
                                    CertificateAction::Applied
                                    | CertificateAction::UnderReview
                                    | CertificateAction::Rejected => {}
                                }
                            }
                        }
                        sink.add(ctx.unit(&s), Counts::one(holds), |why| {
                            row().because(why, || {
                                Reason::new(code.code(), "only_child_honour", "no issued only-child certificate")
                            })
                        });
                    }
                    _ => {}
                }
            }
            C::FloatingCheckRate => {
                let Some(s) = cache.at(ctx, ctx.p.period.end) else { return };
                if s.residency != Residency::Floating {
                    return;
                }
                let checked = self.floating_check.is_some_and(|k| ctx.has_visit(p.ix, k));
                sink.add(ctx.unit(&s), Counts::one(checked), |why| {
                    row().because(why, || {
                        let detail = format!("no floating_monthly_check visit in {}", ctx.p.period);
                        Reason::new(code.code(), "floating_monthly_check", detail)
                    })
                });
            }
            C::ScreeningRate => {
                let Some(s) = cache.at(ctx, ctx.p.period.end) else { return };
                if !s.is_resident_wra() {
                    return;
                }
                let screened = ctx
                    .st
                    .facts_of(p.ix)
                    .iter()
                    .any(|f| ctx.in_period(f.date) && matches!(f.change, Change::Screening(..)));
                sink.add(ctx.unit(&s), Counts::one(screened), |why| {
                    row().because(why, || {
                        let detail = format!("no screening in {}", ctx.p.period);
                        Reason::new(code.code(), "screening_done", detail)
                    })
                });
            }
            C::BirthRate | C::GeneralFertilityRate => {
                let wra_only = code == C::GeneralFertilityRate;
                let pop = |s: &Lite| s.residency.is_resident() && (!wra_only || s.is_wra());
                if let Some(s) = cache.at(ctx, ctx.p.period.start).filter(pop) {
                    sink.add(ctx.unit(&s), Counts { start: 1, ..Counts::default() }, |_| row());
                }
                if let Some(s) = cache.at(ctx, ctx.p.period.end).filter(pop) {
                    sink.add(ctx.unit(&s), Counts { end: 1, ..Counts::default() }, |_| row());
                }
                self.births(ctx, cache, sink);
            }
            C::SexRatioAtBirth | C::PolicyComplianceRate => self.births(ctx, cache, sink),
            C::SupplyEffectiveRate | C::ContraceptiveEffectiveRate => {
                if p.sex() != Sex::Female {
                    return;
                }
                let facts = ctx.st.facts_of(p.ix);
                let in_p = || facts.iter().filter(|f| ctx.in_period(f.date));
                let uses = if code == C::SupplyEffectiveRate {
                    in_p().any(|f| matches!(f.change, Change::Supplies(_)))
                } else {
                    let at_start = cache
                        .at(ctx, ctx.p.period.start)
                        .is_some_and(|s| s.method_recorded && s.method != Method::None);
                    at_start
                        || in_p().any(|f| match f.change {
                            Change::MethodStarted(m, _) => m != Method::None,
                            Change::Procedure(pr) => pr.starts().is_some(),
                            _ => false,
                        })
                };
                if !uses {
                    return;
                }
                let Some(s) = cache.at(ctx, ctx.p.period.end) else { return };
                if !s.residency.is_resident() && code == C::ContraceptiveEffectiveRate {
                    return;
                }
                let failure = in_p().find(|f| matches!(f.change, Change::MethodStopped(StopReason::Failure)));
                sink.add(ctx.unit(&s), Counts::one(failure.is_none()), |why| {
                    row().because(why, || {
                        let on = failure.and_then(|f| date(f.date)).map(|d| d.to_string()).unwrap_or_default();
                        Reason::new(
                            code.code(),
                            "method_stopped",
                            format!("method failure (pregnant while using) on {on}"),
                        )
                    })
                });
            }
            C::TimelyContraceptionRate => self.timely(ctx, cache, sink),
            C::SupplyUseRate => {
                let Some(k) = self.supply_followup else { return };
                for v in ctx.st.person_visits(p.ix) {
                    if v.kind != k || !ctx.in_period(day(v.date)) {
                        continue;
                    }
                    let Some(s) = cache.at(ctx, v.date) else { continue };
                    let ok = self.using_correctly.is_some_and(|o| v.outcome == o);
                    sink.add(ctx.unit(&s), Counts::one(ok), |why| {
                        let subject = format!("{} supply_followup {}", p.id(), v.date);
                        Row::subject(Some(Cow::Borrowed(p.id())), subject).because(why, || {
                            let outcome =
                                if v.outcome == u16::MAX { "none" } else { ctx.st.outcomes.name(u32::from(v.outcome)) };
                            let detail = format!("supply follow-up on {} has outcome {outcome}", v.date);
                            Reason::new(code.code(), "outcome", detail)
                        })
                    });
                }
            }
            C::FollowupRate
            | C::HomeVisitRate
            | C::KeyPopulationFollowupRate
            | C::SupplyFollowupRate
            | C::CaseFileRateVerified
            | C::PopulationRecordRate
            | C::AccuracyRate
            | C::ReconciliationRate
            | C::SatisfactionRate
            | C::PolicyAwarenessRate => {}
        }
    }

    /// Live births in P: birth and fertility rates count children, the sex ratio counts
    /// boys over girls, policy compliance judges each child's order on its date.
    fn births<'r, S: Sink<'r>>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, sink: &mut S) {
        let p = cache.p;
        let code = self.code;
        for f in ctx.st.facts_of(p.ix) {
            if f.date > ctx.p1.min(ctx.a) {
                break;
            }
            let Change::PregnancyEnded(PregnancyOutcome::LiveBirth, d) = f.change else { continue };
            if !ctx.in_period(f.date) {
                continue;
            }
            let on = date(f.date).expect("a dated birth");
            let unit = cache.at(ctx, on).map_or(ctx.none, |s| ctx.unit(&s));
            let children: &[crate::Child] = match (d != NONE).then(|| &ctx.st.details[d as usize]) {
                Some(Detail::Children(c)) => c,
                _ => &[],
            };
            let row = |i: usize| Row::subject(Some(Cow::Borrowed(p.id())), format!("{} birth {on} #{}", p.id(), i + 1));
            match code {
                C::BirthRate | C::GeneralFertilityRate => {
                    let n = children.len().max(1);
                    for i in 0..n {
                        sink.add(unit, Counts { numerator: 1, ..Counts::default() }, |_| row(i));
                    }
                }
                C::SexRatioAtBirth => {
                    for (i, c) in children.iter().enumerate() {
                        let boy = c.sex == Sex::Male;
                        let counts = Counts { numerator: boy as u64, denominator: !boy as u64, ..Counts::default() };
                        sink.add(unit, counts, |why| {
                            row(i).because(why, || Reason::new(code.code(), "sex", "female birth (denominator)"))
                        });
                    }
                }
                C::PolicyComplianceRate => {
                    let n = children.len().max(1);
                    for i in 0..n {
                        let order = children.get(i).map(|c| c.order);
                        let province = ctx.p.province.map(|p| format!("{p:02}"));
                        let verdict = ctx.policy.judge(province.as_deref(), on, order);
                        sink.add(unit, Counts::one(verdict == crate::Compliance::Compliant), |why| {
                            row(i).because(why, || {
                                let detail = match order {
                                    Some(o) => format!("birth order {o} on {on}: {verdict}"),
                                    None => format!("birth order not recorded on {on}: {verdict}"),
                                };
                                Reason::new(code.code(), "child.order", detail)
                            })
                        });
                    }
                }
                _ => {}
            }
        }
    }

    fn timely<'r, S: Sink<'r>>(&self, ctx: &Ctx<'r>, cache: &mut Cache<'r>, sink: &mut S) {
        let p = cache.p;
        let facts = ctx.st.facts_of(p.ix);
        for (i, f) in facts.iter().enumerate() {
            if !ctx.in_period(f.date) {
                continue;
            }
            let (what, window) = match f.change {
                Change::PregnancyEnded(PregnancyOutcome::LiveBirth, _) => ("birth", 90),
                Change::PregnancyEnded(PregnancyOutcome::InducedAbortion, _) => ("induced abortion", 30),
                Change::Procedure(Procedure::InducedAbortion) => {
                    // One abortion recorded both as a procedure and as an outcome counts once.
                    let twin = facts.iter().any(|g| {
                        g.date == f.date
                            && matches!(g.change, Change::PregnancyEnded(PregnancyOutcome::InducedAbortion, _))
                    });
                    if twin {
                        continue;
                    }
                    ("induced abortion", 30)
                }
                _ => continue,
            };
            let close = f.date + window;
            if close > ctx.a {
                continue; // window still open on A: right-censored
            }
            let started = facts[i..].iter().any(|g| {
                g.date >= f.date
                    && g.date <= close
                    && match g.change {
                        Change::MethodStarted(m, _) => m != Method::None,
                        Change::Procedure(pr) => pr.starts().is_some(),
                        _ => false,
                    }
            });
            let on = date(f.date).expect("dated");
            let unit = cache.at(ctx, on).map_or(ctx.none, |s| ctx.unit(&s));
            sink.add(unit, Counts::one(started), |why| {
                Row::subject(Some(Cow::Borrowed(p.id())), format!("{} {what} {on}", p.id())).because(why, || {
                    let detail = format!("no method started within {window} days after the {what} on {on}");
                    let mut r = Reason::new(self.code.code(), "method_started", detail);
                    r.due = date(close);
                    r
                })
            });
        }
    }

    /// Subjects that are not persons: verified records, households, survey responses.
    pub(crate) fn other<'r, S: Sink<'r>>(&self, reg: &'r Registry, ctx: &Ctx<'r>, sink: &mut S) {
        let code = self.code;
        let st = ctx.st;
        match code {
            C::SatisfactionRate | C::PolicyAwarenessRate => {
                for s in &st.surveys {
                    let d = day(s.date);
                    if !ctx.in_period(d) || ctx.p.respondent.is_some_and(|r| r != s.respondent) {
                        continue;
                    }
                    let yes = if code == C::SatisfactionRate { s.satisfied } else { s.knows_free_supply };
                    sink.add(ctx.grid_unit(s.grid), Counts::one(yes), |why| {
                        let subject = format!("survey {} ({})", st.origin_str(s.origin), s.respondent);
                        Row::subject(None, subject).because(why, || {
                            let (missing, detail) = if code == C::SatisfactionRate {
                                ("satisfied", "not satisfied")
                            } else {
                                ("knows_free_supply", "does not know the free-supply policy")
                            };
                            Reason::new(code.code(), missing, detail)
                        })
                    });
                }
            }
            C::CaseFileRateVerified | C::PopulationRecordRate | C::AccuracyRate => {
                super::verify::feed(reg, ctx, code, sink);
            }
            C::ReconciliationRate
            | C::FollowupRate
            | C::HomeVisitRate
            | C::KeyPopulationFollowupRate
            | C::SupplyFollowupRate => self.obligations(reg, ctx, sink),
            _ => {}
        }
    }

    /// The follow-up rates and the reconciliation rate, from the visit schedule's
    /// obligations due in `P` with their states on `A` ([`RuleSet::obligations`]): open
    /// (upcoming, due, overdue) and cancelled ones are left out, done ones are counted.
    fn obligations<'r, S: Sink<'r>>(&self, reg: &'r Registry, ctx: &Ctx<'r>, sink: &mut S) {
        let code = self.code;
        let st = ctx.st;
        let rules = RuleSet::default_rules();
        let key_bit = st.tags.find(Tag::KEY_POPULATION);
        for o in rules.obligations(reg, ctx.p.period, ctx.p.as_of) {
            let wanted = counts_rule(code, o.rule())
                && match code {
                    C::KeyPopulationFollowupRate => {
                        let Some(bit) = key_bit else { return };
                        o.person()
                            .and_then(|p| reg.get(&PersonId::new(p)))
                            .and_then(|p| ctx.known(p, ctx.p.on))
                            .is_some_and(|s| s.tags & (1 << bit) != 0)
                    }
                    _ => true,
                };
            let done = match o.state {
                ObligationState::Done => true,
                ObligationState::Missed => false,
                _ => continue, // open on A (right-censored) or cancelled
            };
            if !wanted {
                continue;
            }
            let unit = match ctx.level {
                crate::AreaLevel::Grid => st.areas.grid_index(o.grid()).unwrap_or(ctx.none),
                _ => st.household_ids.find(o.household()).map_or(ctx.none, |h| ctx.household_unit(h, o.due)),
            };
            sink.add(unit, Counts::one(done), |why| obligation_entry(code.code(), &o, why));
        }
    }
}

/// Whether the follow-up rate `code` (or the reconciliation rate) counts the obligations of
/// `rule` of the default rules, before any condition on the person (the key population rate
/// also wants her tagged). The rates count them ([`Prepared::obligations`]) and
/// [`VisitsRead`](super::VisitsRead) bounds the visits they read by this one test.
pub(crate) fn counts_rule(code: RateCode, rule: &crate::VisitRule) -> bool {
    let id = rule.id.as_str();
    // 随访: event-triggered obligations fulfilled by a visit (not the calendar checks, which
    // have their own rates, nor the new case file, fulfilled by opening it).
    let follow_up = rule.calendar.is_none() && !rule.triggers.is_empty() && rule.fulfilled_by.visit.is_some();
    match code {
        C::HomeVisitRate => id == "marriage_home" || id == "birth_home",
        C::SupplyFollowupRate => id == "supply_followup",
        C::ReconciliationRate => id == "reconciliation",
        C::FollowupRate | C::KeyPopulationFollowupRate => follow_up,
        _ => true,
    }
}

/// The visit kind the floating monthly check rate reads (流动人口月查).
pub(crate) const FLOATING_CHECK: &str = "floating_monthly_check";
/// The visit kind the supply use rate reads (药具随访).
pub(crate) const SUPPLY_FOLLOWUP: &str = "supply_followup";
