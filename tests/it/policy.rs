//! A community's own birth policy (DOMAIN §11) reaching everything that judges policy: the
//! compliance rate, the one-stop counter's eligibility, the review list of applications a
//! later-recorded fact makes ineligible. Every expectation is worked out by hand.

use crate::util::{World, birth, cert, d};
use famplan::{
    CertificateAction, CertificateKind, GroupBy, MaritalStatus, Params, Period, PolicySet, RateCode, Registry, Sex,
    TimeLimits,
};

const COMMUNITY44: &str = include_str!("../../testdata/policy/community44.toml");

fn community44() -> PolicySet {
    PolicySet::from_toml_str(COMMUNITY44, "community44.toml").unwrap()
}

fn compliance(reg: &Registry, params: &Params) -> (u64, u64) {
    let c = reg.rate(&RateCode::PolicyComplianceRate.into(), params, GroupBy::Zone).total.counts;
    (c.numerator, c.denominator)
}

#[test]
fn a_community_policy_file_changes_the_compliance_numerator() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1985-01-01", MaritalStatus::Married);
    w.person("b", Sex::Female, "1988-01-01", MaritalStatus::Married);
    birth(&mut w, "a", "2015-06-01", 2); // national: needs approval; province 44: compliant
    birth(&mut w, "b", "2015-09-01", 1); // compliant everywhere
    birth(&mut w, "a", "2018-03-01", 3); // national: non-compliant; province 44: needs approval
    let params = Params::new(d("2018-12-31")).period(Period::new(d("2015-01-01"), d("2018-12-31")).unwrap());
    // Built-in (national) rules: only b's first child is compliant: 1 / 3.
    assert_eq!(compliance(&w.reg, &params), (1, 3));
    // The community's file names province 44: a's second child (2015-06-01, 44's two-child
    // rule from 2015-01-01) becomes compliant: (1 + 1) / 3 = 2 / 3. The third child needs
    // approval, which is not compliant.
    let reg = w.reg.clone().with_policy(community44());
    assert_eq!(compliance(&reg, &params), (2, 3));
    // A caller naming another province gets that province's (here: the national) rules: 1 / 3.
    assert_eq!(compliance(&reg, &params.province(11)), (1, 3));
    // The drill-down says which rule judged a's second child.
    let why: Vec<String> = reg
        .drill_down(&RateCode::PolicyComplianceRate.into(), &params.province(11), GroupBy::Zone, "z")
        .into_iter()
        .filter_map(|e| e.reason.map(|r| r.detail))
        .collect();
    assert!(why.contains(&"birth order 2 on 2015-06-01: needs_approval".to_string()), "{why:?}");
}

#[test]
fn the_community_policy_judges_new_applications() {
    use CertificateAction::*;
    let mut w = World::new();
    w.person("a", Sex::Female, "1985-01-01", MaritalStatus::Married);
    // 2017: the national two-child rule has no approval; province 44's keeps one for a third child.
    let before = w.reg.clone();
    let err = w.send("2017-06-01", cert("a", CertificateKind::ExtraChildApproval, Applied)).unwrap_err();
    assert!(err.to_string().ends_with("the birth policy in force has no approval (再生育审批)"), "{err}");
    assert_eq!(w.reg, before);
    w.reg.set_policy(community44());
    w.ok("2017-06-01", cert("a", CertificateKind::ExtraChildApproval, Applied));
    w.ok("2017-06-20", cert("a", CertificateKind::ExtraChildApproval, Issued));
    assert!(w.reg.eligibility_flags(d("2026-06-30"), &TimeLimits::default()).is_empty());
    // Back to the built-in rules: nothing recorded changes, the approval is listed for review.
    w.reg.set_policy(PolicySet::builtin().clone());
    assert_eq!(w.reg.applications(d("2026-06-30"), &TimeLimits::default())[0].state, Issued);
    let flags = w.reg.eligibility_flags(d("2026-06-30"), &TimeLimits::default());
    assert_eq!(flags.len(), 1);
    assert_eq!((flags[0].application.applied_on, flags[0].application.state), (d("2017-06-01"), Issued));
    assert_eq!(flags[0].reason, "the birth policy in force has no approval (再生育审批)");
}

#[test]
fn an_earlier_birth_recorded_later_flags_the_only_child_certificate() {
    use CertificateAction::*;
    let mut w = World::new();
    w.person("a", Sex::Female, "1985-01-01", MaritalStatus::Married);
    birth(&mut w, "a", "2012-03-01", 1);
    w.ok("2014-05-01", cert("a", CertificateKind::OnlyChildHonour, Applied));
    w.ok("2014-05-20", cert("a", CertificateKind::OnlyChildHonour, Issued));
    let limits = TimeLimits::default();
    assert!(w.reg.eligibility_flags(d("2026-06-30"), &limits).is_empty());
    // Recorded now, dated before the application: a sibling born 2013-08-01. The birth is a
    // fact and is accepted; the certificate stays issued and is listed for review.
    birth(&mut w, "a", "2013-08-01", 2);
    let flags = w.reg.eligibility_flags(d("2026-06-30"), &limits);
    assert_eq!(flags.len(), 1, "{flags:?}");
    let f = &flags[0];
    assert_eq!((f.application.person.as_str(), f.application.kind), ("a", CertificateKind::OnlyChildHonour));
    assert_eq!((f.application.applied_on, f.application.state), (d("2014-05-01"), Issued));
    // On 2014-05-01 two children are now known: 2012-03-01 and 2013-08-01.
    assert_eq!(f.reason, "2 children recorded, not an only child");
    // The log stays valid: replayed in canonical order (birth before the application), the
    // same registry, no conflict, the same flag.
    let (replayed, report) = Registry::from_events(w.reg.events().to_vec());
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert_eq!(replayed, w.reg);
    assert_eq!(replayed.eligibility_flags(d("2026-06-30"), &limits), flags);
    // Voiding it takes it off the list.
    w.ok("2026-07-01", cert("a", CertificateKind::OnlyChildHonour, Voided));
    assert!(w.reg.eligibility_flags(d("2026-07-01"), &limits).is_empty());
    // Before the sibling was known (the list as of 2014-06-01 still reads every fact known now).
    assert_eq!(w.reg.eligibility_flags(d("2014-06-01"), &limits).len(), 1);
}

#[test]
fn a_bad_policy_file_is_refused_with_its_line_and_the_registry_keeps_its_policy() {
    let mut reg = Registry::example().with_policy(community44());
    let before = reg.clone();
    // Line 7 is the second [[birth]], which overlaps the first one of the same jurisdiction.
    let bad = "province = \"44\"\n\n[[birth]]\njurisdiction = \"44\"\nname = \"a\"\nfrom = \"2015-01-01\"\n[[birth]]\njurisdiction = \"44\"\nname = \"b\"\nfrom = \"2016-01-01\"\ncompliant_up_to = 3\n";
    let bad = bad.replacen("from = \"2015-01-01\"\n", "from = \"2015-01-01\"\ncompliant_up_to = 2\n", 1);
    let err = PolicySet::from_toml_str(&bad, "mine.toml").unwrap_err();
    assert_eq!(err.to_string(), "mine.toml:8: birth[1].from: overlaps birth[0] `a` of the same jurisdiction");
    let err = PolicySet::from_toml_str("province = \"Guangdong\"\n", "mine.toml").unwrap_err();
    assert_eq!(err.to_string(), "mine.toml:1: province: `Guangdong` is not a two-digit province code");
    if let Ok(p) = PolicySet::from_toml_str(&bad, "mine.toml") {
        reg.set_policy(p);
    }
    assert_eq!(reg, before);
    assert_eq!(reg.policy(), &community44());
}
