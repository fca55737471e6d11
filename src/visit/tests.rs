//! Unit tests: rule files (good and malformed), calendar helpers, fulfilment, and
//! obligations triggered by snapshot rows (facts without an event).

use super::engine::{HOW_NONE, Ob, TrigKind, birthday};
use super::*;
use crate::registry::state::{Change, Fact};
use crate::{Method, ObligationState as S, PregnancyOutcome, Registry};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ob(rule: u16, seq: u16, due: &str, open: &str, close: &str) -> Ob {
    Ob {
        person: 0,
        household: 0,
        grid: NONE,
        rule,
        seq,
        kind: TrigKind::Married,
        how: HOW_NONE,
        trigger: day(d(open)),
        origin: NO_EVENT,
        due: day(d(due)),
        open: day(d(open)),
        close: day(d(close)),
        done: NEVER,
        done_by: NONE,
        cancel: NEVER,
        cancel_kind: "",
    }
}

#[test]
fn default_rules_cover_every_row_of_domain_section_6() {
    let rules = RuleSet::default_rules();
    let ids: Vec<&str> = rules.rules().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "marriage_home",
            "birth_home",
            "newborn_check",
            "postpartum_check",
            "iud_followup",
            "sterilization_followup",
            "implant_followup",
            "abortion_followup",
            "reinjection",
            "supply_followup",
            "pill_resupply",
            "floating_monthly_check",
            "reconciliation",
            "new_case_file",
        ]
    );
    let kinds: Vec<Option<&str>> = rules.rules().iter().map(|r| r.fulfilled_by.visit.as_deref()).collect();
    assert_eq!(
        kinds,
        [
            Some("marriage_home"),
            Some("birth_home"),
            Some("newborn_check"),
            Some("postpartum_check"),
            Some("post_surgery"),
            Some("post_surgery"),
            Some("post_surgery"),
            Some("post_surgery"),
            Some("injection"),
            Some("supply_followup"),
            Some("pill_resupply"),
            Some("floating_monthly_check"),
            Some("reconciliation"),
            None,
        ]
    );
    // The pill reminder: dispense + cycles × 28 − 14 days.
    let pill = rules.get("pill_resupply").unwrap();
    assert_eq!((pill.due[0].days, pill.due[0].days_per_cycle), (-14, 28));
}

#[test]
fn toml_and_json_round_trip() {
    let rules = RuleSet::default_rules();
    assert_eq!(RuleSet::from_toml_str(&rules.to_toml(), "again.toml").unwrap(), rules);
    let json = serde_json::to_string(&serde_json::json!({ "rule": rules.rules() })).unwrap();
    assert_eq!(RuleSet::from_json_str(&json, "rules.json").unwrap(), rules);
}

#[track_caller]
fn toml_err(text: &str) -> String {
    RuleSet::from_toml_str(text, "rules.toml").unwrap_err().to_string()
}

#[test]
fn malformed_rule_files_name_the_rule_and_the_field() {
    let head = "# rules\n[[rule]]\nid = \"x\"\n";
    assert_eq!(
        toml_err(&format!("{head}triggers = [{{ on = \"married\" }}]\nfulfilled_by = {{ visit = \"v\" }}\n")),
        "rules.toml:2: rule `x`: due: a triggered rule needs at least one due offset"
    );
    assert_eq!(
        toml_err(&format!("{head}triggers = [{{ on = \"married\" }}]\ndue = [{{ days = 1 }}]\n")),
        "rules.toml:2: rule `x`: fulfilled_by: missing field `fulfilled_by`"
    );
    assert_eq!(
        toml_err(&format!("{head}colour = 1\nfulfilled_by = {{ visit = \"v\" }}\n"))
            .split(", expected")
            .next()
            .unwrap(),
        "rules.toml:2: rule `x`: colour: unknown field `colour`"
    );
    let bad_proc = toml_err(&format!(
        "{head}triggers = [{{ on = \"procedure\", procedures = [\"iud\"] }}]\ndue = [{{ days = 1 }}]\nfulfilled_by = {{ visit = \"v\" }}\n"
    ));
    assert!(bad_proc.starts_with("rules.toml:2: rule `x`: value: unknown variant `iud`"), "{bad_proc}");
    let bad_stop = toml_err(&format!(
        "{head}triggers = [{{ on = \"married\" }}]\ndue = [{{ days = 1 }}]\ncancel_on = [\"divorce\"]\nfulfilled_by = {{ visit = \"v\" }}\n"
    ));
    assert!(bad_stop.starts_with("rules.toml:2: rule `x`: value: unknown variant `divorce`"), "{bad_stop}");
    assert_eq!(
        toml_err(&format!(
            "{head}calendar = \"month\"\nfilter = {{ age = [50, 15] }}\nfulfilled_by = {{ visit = \"v\" }}\n"
        )),
        "rules.toml:2: rule `x`: filter.age: empty range [50, 15]"
    );
    assert_eq!(
        toml_err(&format!(
            "{head}triggers = [{{ on = \"married\" }}]\ndue = [{{ days = 1 }}]\nthen_every = {{ days = 0 }}\nfulfilled_by = {{ visit = \"v\" }}\n"
        )),
        "rules.toml:2: rule `x`: then_every: the recurrence must move forward (months or days > 0)"
    );
    let dup = "[[rule]]\nid = \"a\"\ncalendar = \"month\"\nfulfilled_by = { visit = \"v\" }\n\n[[rule]]\nid = \"a\"\ncalendar = \"month\"\nfulfilled_by = { visit = \"v\" }\n";
    assert_eq!(toml_err(dup), "rules.toml:6: rule `a`: id: duplicate rule id `a`");
    assert!(toml_err("[[rule]\n").starts_with("rules.toml:1: rule: "));
    let json = RuleSet::from_json_str("{\"rule\": 3}", "r.json").unwrap_err().to_string();
    assert_eq!(json, "r.json: rule: expected an array `rule`");
    let syntax = RuleSet::from_json_str("[\n{", "r.json").unwrap_err().to_string();
    assert!(syntax.starts_with("r.json:2: rule: "), "{syntax}");
}

#[test]
fn birthdays_and_leap_days() {
    assert_eq!(birthday(d("2011-03-10"), 15), Some(d("2026-03-10")));
    assert_eq!(birthday(d("2012-02-29"), 15), Some(d("2027-03-01")));
    assert_eq!(birthday(d("2012-02-29"), 16), Some(d("2028-02-29")));
    for age in [14, 15, 16, 17] {
        let b = birthday(d("2012-02-29"), age).unwrap();
        assert_eq!(crate::age_on(d("2012-02-29"), b), age);
        assert_eq!(crate::age_on(d("2012-02-29"), b.pred_opt().unwrap()), age - 1);
    }
}

#[test]
fn one_visit_fulfils_the_earliest_open_obligation_only() {
    // Two overlapping windows of one rule; a visit inside both goes to the earlier due date.
    let mut obs =
        [ob(0, 1, "2026-03-10", "2026-03-01", "2026-03-20"), ob(0, 0, "2026-03-05", "2026-02-25", "2026-03-15")];
    engine_fulfil(&mut obs, 0, "2026-03-08");
    assert_eq!((obs[0].done, obs[1].done), (NEVER, day(d("2026-03-08"))));
    engine_fulfil(&mut obs, 0, "2026-03-09");
    assert_eq!(obs[0].done, day(d("2026-03-09")));
    // A third visit finds nothing open; another rule's obligations are never touched.
    let mut other = [ob(1, 0, "2026-03-10", "2026-03-01", "2026-03-20")];
    engine_fulfil(&mut other, 0, "2026-03-10");
    assert_eq!(other[0].done, NEVER);
}

fn engine_fulfil(obs: &mut [Ob], rule: u16, on: &str) {
    super::engine::fulfil_for_tests(obs, rule, day(d(on)));
}

#[test]
fn state_on_boundaries() {
    // Window [03-01, 03-20], due 03-10.
    let o = ob(0, 0, "2026-03-10", "2026-03-01", "2026-03-20");
    let at = |s: &str| state_on(&o, day(d(s)));
    assert_eq!(
        [at("2026-02-28"), at("2026-03-01"), at("2026-03-10"), at("2026-03-11"), at("2026-03-20"), at("2026-03-21")],
        [S::Upcoming, S::Due, S::Due, S::Overdue, S::Overdue, S::Missed]
    );
    let mut c = o;
    c.cancel = day(d("2026-03-05"));
    assert_eq!(state_on(&c, day(d("2026-03-04"))), S::Due);
    assert_eq!(state_on(&c, day(d("2026-03-30"))), S::Cancelled);
}

/// The example registry with snapshot rows added for p3 (a floating woman): an `iud`
/// method with `method_start` 2026-01-31, a `last_birth_date` 2025-12-20, and a snapshot
/// `post_surgery` visit on 2026-03-01.
fn snapshot_registry() -> Registry {
    let mut st = Registry::example().st().clone();
    let p = st.person_ids.find("p3").unwrap();
    let facts = [
        Fact {
            date: day(d("2025-12-20")),
            origin: NO_EVENT,
            change: Change::PregnancyEnded(PregnancyOutcome::LiveBirth, NONE),
        },
        Fact { date: day(d("2026-01-31")), origin: NO_EVENT, change: Change::MethodStarted(Method::Iud, None) },
    ];
    let all = st.check_insert(p, &facts).unwrap();
    st.set_facts(p, all);
    st.add_visit(p, "v-snap-1", d("2026-03-01"), "post_surgery", None, None, NO_EVENT).unwrap();
    Registry::from_base(st)
}

#[test]
fn snapshot_rows_trigger_rules_and_say_so() {
    let reg = snapshot_registry();
    let rules = RuleSet::default_rules();
    let obs = rules.obligations(&reg, Period::year(2026).unwrap(), d("2026-06-30"));
    // IUD from persons.csv method_start 2026-01-31: +1 month = 02-28 (window [02-21, 03-14]);
    // the snapshot post_surgery visit of 03-01 fulfils it. +3 = 04-30 ([04-16, 05-14]) missed.
    let iud: Vec<_> = obs.iter().filter(|o| o.rule().id == "iud_followup" && o.person() == Some("p3")).collect();
    assert_eq!(iud[0].why(), Why::Snapshot { field: "persons.csv method_start" });
    assert_eq!((iud[0].due, iud[0].state), (d("2026-02-28"), S::Done));
    assert_eq!(iud[0].fulfilled().unwrap().by, "v-snap-1");
    assert_eq!((iud[1].due, iud[1].state), (d("2026-04-30"), S::Missed));
    // +6 = 07-31 is still upcoming on 06-30; +12 = 2027-01-31 lies outside 2026.
    assert_eq!((iud[2].due, iud[2].state), (d("2026-07-31"), S::Upcoming));
    assert_eq!(iud.len(), 3);
    // p3 is floating: her IUD follow-ups are in g2, k2's.
    assert_eq!(iud[0].assignee().unwrap().as_str(), "k2");
}

#[test]
fn snapshot_birth_is_a_live_birth() {
    let reg = snapshot_registry();
    let rules = RuleSet::default_rules();
    // last_birth_date 2025-12-20: birth home visit due +7 = 12-27; newborn +28 = 2026-01-17;
    // postpartum +42 = 2026-01-31.
    let obs = rules.obligations(&reg, "2025-12-01..2026-02-28".parse().unwrap(), d("2026-02-28"));
    let got: Vec<(&str, NaiveDate, Why<'_>)> = obs
        .iter()
        .filter(|o| ["birth_home", "newborn_check", "postpartum_check"].contains(&o.rule().id.as_str()))
        .map(|o| (o.rule().id.as_str(), o.due, o.why()))
        .collect();
    let snap = Why::Snapshot { field: "persons.csv last_birth_date" };
    assert_eq!(
        got,
        [
            ("birth_home", d("2025-12-27"), snap),
            ("newborn_check", d("2026-01-17"), snap),
            ("postpartum_check", d("2026-01-31"), snap),
        ]
    );
}
