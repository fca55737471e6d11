//! Services (DOMAIN §9–§11): the supplies ledger, one-stop applications and service
//! requests, dated policy. Every expectation is worked out by hand.

use crate::util::{World, birth, cert, d};
use famplan::{
    CertificateAction, CertificateKind, Compliance, ConsultationTopic, Error, EventKind, GroupBy, MaritalStatus,
    Params, Period, PolicySet, RateCode, Registry, Rejection, RequestChannel, RuleSet, Schedule, Sex, StockMovement,
    TimeLimits,
};
use proptest::prelude::*;

fn receive(point: &str, item: &str, lot: Option<&str>, quantity: u32, expires: Option<&str>) -> EventKind {
    EventKind::StockMoved {
        point: point.into(),
        item: item.into(),
        lot: lot.map(Into::into),
        movement: StockMovement::Received,
        quantity,
        expires: expires.map(d),
    }
}

fn out(movement: StockMovement, lot: Option<&str>, quantity: u32) -> EventKind {
    EventKind::StockMoved {
        point: "s1".into(),
        item: "condom".into(),
        lot: lot.map(Into::into),
        movement,
        quantity,
        expires: None,
    }
}

fn dispense(person: &str, quantity: u32, lot: Option<&str>) -> EventKind {
    EventKind::SuppliesDispensed {
        person: person.into(),
        item: "condom".into(),
        quantity,
        cycles: None,
        channel: None,
        point: Some("s1".into()),
        lot: lot.map(Into::into),
    }
}

/// A woman `a` (born 1990) in `h1`, married, and two lots of condoms at station `s1`:
/// L1 100 units expiring 2026-12-31, L2 50 units expiring 2026-09-30, both received 5 Jan.
fn stocked() -> World {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
    w.ok("2026-01-05", receive("s1", "condom", Some("L1"), 100, Some("2026-12-31")));
    w.ok("2026-01-05", receive("s1", "condom", Some("L2"), 50, Some("2026-09-30")));
    w
}

#[test]
fn stock_on_hand_cover_and_expiring_by_hand() {
    let mut w = stocked();
    // 1 Feb: 30 dispensed to `a`, no lot named: first expiry first out, all from L2 (50 → 20).
    w.ok("2026-02-01", dispense("a", 30, None));
    // 1 Mar: 10 of L1 returned upstream (100 → 90).
    w.ok("2026-03-01", out(StockMovement::Returned, Some("L1"), 10));
    // 1 Apr: 5 lost, no lot: from L2 again (20 → 15).
    w.ok("2026-04-01", out(StockMovement::Lost, None, 5));
    let l = w.reg.supplies();
    // 150 received − 30 dispensed − 10 returned − 5 lost = 105.
    assert_eq!(l.on_hand("s1", "condom", d("2026-04-01")), 105);
    assert_eq!(l.on_hand("s1", "condom", d("2026-03-31")), 110);
    assert_eq!(l.on_hand("s1", "condom", d("2026-01-04")), 0);
    let lots: Vec<_> = l.stock(d("2026-04-01")).into_iter().map(|s| (s.lot.unwrap(), s.quantity)).collect();
    // Ordered by first expiry: L2 (30 Sep) before L1 (31 Dec).
    assert_eq!(lots, [("L2".to_string(), 15), ("L1".to_string(), 90)]);
    // Cover on 30 Apr: use in the 90 days 31 Jan..30 Apr = 30; 105 × 90 / 30 = 315 days.
    let c = &l.cover(d("2026-04-30"))[0];
    assert_eq!((c.on_hand, c.used, c.days), (105, 30, Some(315)));
    // On 1 May the window is 1 Feb..1 May: the dispense of 1 Feb is still in it.
    assert_eq!(l.cover(d("2026-05-01"))[0].used, 30);
    // On 2 May it is 2 Feb..2 May: no use, no data (not "infinite").
    assert_eq!(l.cover(d("2026-05-02"))[0].days, None);
    // Expiring: 1 Jul + 91 days = 30 Sep, L2's expiry; with 90 days nothing.
    let soon = l.expiring(d("2026-07-01"), 91);
    assert_eq!(soon.iter().map(|s| s.lot.as_deref().unwrap()).collect::<Vec<_>>(), ["L2"]);
    assert!(l.expiring(d("2026-07-01"), 90).is_empty());
    // The dispense is the person's supply event too: on her case file.
    let cf = w.reg.case_file(&"a".into(), d("2026-04-01")).unwrap();
    assert_eq!(cf.supplies.len(), 1);
    assert_eq!(cf.supplies[0].what.quantity, 30);
}

#[test]
fn a_dispense_from_the_ledger_creates_the_supply_followup() {
    let mut w = stocked();
    w.ok("2026-02-01", dispense("a", 30, None));
    let schedule = Schedule::new(&w.reg, RuleSet::default_rules(), Period::year(2026).unwrap());
    let obligations = schedule.person(&w.reg, &"a".into(), d("2026-02-01"));
    let supply: Vec<_> = obligations.iter().filter(|o| o.rule().id == "supply_followup").collect();
    // The first follow-up: 1 Feb + 1 month = 1 Mar.
    assert_eq!(supply.first().map(|o| o.due), Some(d("2026-03-01")));
}

#[test]
fn stock_never_goes_negative_and_a_refusal_changes_nothing() {
    let mut w = stocked();
    let before = w.reg.clone();
    let ledger_before = w.reg.supplies().clone();
    // 151 wanted, 150 on hand.
    let err = w.send("2026-02-01", dispense("a", 151, None)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event t11: stock of `condom` at `s1` would be negative on 2026-02-01: 151 wanted, 150 on hand"
    );
    assert_eq!(w.reg, before);
    assert_eq!(w.reg.supplies(), &ledger_before);
    // The person's record did not get the dispense either.
    assert!(w.reg.case_file(&"a".into(), d("2026-02-01")).unwrap().supplies.is_empty());
    // A lot named: only that lot counts (L2 has 50).
    let err = w.send("2026-02-01", out(StockMovement::Expired, Some("L2"), 51)).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("stock of `condom` (lot `L2`) at `s1` would be negative on 2026-02-01: 51 wanted, 50 on hand"),
        "{err}"
    );
    // A loss recorded late, dated before a dispense it would leave short, is refused too:
    // 150 − 140 = 10 on 10 Jan, then 30 wanted on 1 Feb.
    w.ok("2026-02-01", dispense("a", 30, None));
    let before = w.reg.clone();
    let err = w.send("2026-01-10", out(StockMovement::Lost, None, 140)).unwrap_err();
    assert!(matches!(err, Error::Rejected { reason: Rejection::InvalidatesLater { .. }, .. }), "{err}");
    assert_eq!(w.reg, before);
}

#[test]
fn bad_stock_events_are_refused() {
    let mut w = stocked();
    let cases = [
        (
            out(StockMovement::Dispensed, None, 1),
            "movement: a dispense to a person is her supplies_dispensed event with a point",
        ),
        (
            EventKind::StockMoved {
                point: "s1".into(),
                item: "condom".into(),
                lot: Some("L1".into()),
                movement: StockMovement::Lost,
                quantity: 1,
                expires: Some(d("2027-01-01")),
            },
            "expires: only a receipt gives a lot's expiry date",
        ),
        (
            receive("s1", "condom", Some("L1"), 5, Some("2027-06-30")),
            "expires: lot `L1` of `condom` expires 2026-12-31, not 2027-06-30",
        ),
        (receive("s1", "condom", None, 0, None), "quantity: must be at least 1"),
        (receive("", "condom", None, 1, None), "point: must not be empty"),
        (
            out(StockMovement::Lost, Some("L9"), 1),
            "stock of `condom` (lot `L9`) at `s1` would be negative on 2026-03-01: 1 wanted, 0 on hand",
        ),
    ];
    for (kind, want) in cases {
        let before = w.reg.clone();
        let err = w.send("2026-03-01", kind).unwrap_err().to_string();
        assert!(err.ends_with(want), "{err}");
        assert_eq!(w.reg, before);
    }
}

#[derive(Clone, Debug)]
enum Op {
    Receive(usize, u32),
    Dispense(Option<usize>, u32),
    Out(StockMovement, Option<usize>, u32),
}

const LOTS: [(&str, &str); 2] = [("A", "2026-05-31"), ("B", "2026-03-31")];

fn op() -> impl Strategy<Value = (u32, Op)> {
    let lot = prop_oneof![Just(None), (0..2usize).prop_map(Some)];
    let movement = prop_oneof![Just(StockMovement::Returned), Just(StockMovement::Expired), Just(StockMovement::Lost)];
    (
        0..60u32,
        prop_oneof![
            (0..2usize, 1..40u32).prop_map(|(l, q)| Op::Receive(l, q)),
            (lot.clone(), 1..30u32).prop_map(|(l, q)| Op::Dispense(l, q)),
            (movement, lot, 1..30u32).prop_map(|(m, l, q)| Op::Out(m, l, q)),
        ],
    )
}

fn events(ops: &[(u32, Op)]) -> Vec<famplan::Event> {
    ops.iter()
        .enumerate()
        .map(|(i, (day, op))| {
            let kind = match op {
                Op::Receive(l, q) => receive("s1", "condom", Some(LOTS[*l].0), *q, Some(LOTS[*l].1)),
                Op::Dispense(l, q) => dispense("a", *q, l.map(|l| LOTS[l].0)),
                Op::Out(m, l, q) => out(*m, l.map(|l| LOTS[l].0), *q),
            };
            let on = d("2026-01-01") + chrono::Duration::days(i64::from(*day));
            famplan::Event::new(format!("s{i:03}"), on, "k1", kind)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Stock = received − dispensed − returned − expired − lost over the movements that
    /// applied, never below zero, on every date; and the same whatever the arrival order.
    #[test]
    fn stock_is_the_fold_of_the_events_in_any_order(
        ops in prop::collection::vec(op(), 1..30),
        order in Just(()).prop_perturb(|_, mut rng| rng.random::<u64>()),
    ) {
        let evs = events(&ops);
        let mut w = World::new();
        w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
        let base = w.reg.clone();
        // One by one in the given order …
        let mut one = base.clone();
        for e in &evs {
            one.merge(vec![e.clone()]);
        }
        // … and one by one in a shuffled order.
        let mut shuffled = evs.clone();
        let mut state = order;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut two = base.clone();
        for e in shuffled {
            two.merge(vec![e]);
        }
        prop_assert!(one == two);
        let conflicted: std::collections::HashSet<_> = one.conflicts().iter().map(|c| c.event.id.clone()).collect();
        let mut applied: Vec<_> = evs.iter().filter(|e| !conflicted.contains(&e.id)).collect();
        applied.sort_by_key(|e| e.date);
        for day in 0..61 {
            let on = d("2026-01-01") + chrono::Duration::days(day);
            let mut total: i64 = 0;
            for e in applied.iter().filter(|e| e.date <= on) {
                total += match &e.kind {
                    EventKind::StockMoved { movement: StockMovement::Received, quantity, .. } => i64::from(*quantity),
                    EventKind::StockMoved { quantity, .. } | EventKind::SuppliesDispensed { quantity, .. } => -i64::from(*quantity),
                    _ => 0,
                };
            }
            prop_assert!(total >= 0, "negative stock {total} on {on}");
            prop_assert_eq!(one.supplies().on_hand("s1", "condom", on) as i64, total);
            prop_assert_eq!(one.supplies().stock(on), two.supplies().stock(on));
            let by_lots: u64 = one.supplies().stock(on).iter().map(|l| l.quantity).sum();
            prop_assert_eq!(by_lots as i64, total);
        }
    }
}

// ---------------------------------------------------------------- applications

#[test]
fn applications_and_overdue_by_hand() {
    use CertificateAction::*;
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
    w.ok("2026-01-10", cert("a", CertificateKind::RewardClaim, Applied));
    w.ok("2026-03-02", cert("a", CertificateKind::ServiceBooklet, Applied));
    w.ok("2026-03-03", cert("a", CertificateKind::ServiceBooklet, UnderReview));
    w.ok("2026-03-05", cert("a", CertificateKind::ServiceBooklet, Issued));
    let limits = TimeLimits::default();
    // Reward claim: 10 Jan + 30 days = due 9 Feb; pending on 9 Feb is not overdue, on 10 Feb it is.
    assert!(w.reg.overdue_applications(d("2026-02-09"), &limits).is_empty());
    let late = w.reg.overdue_applications(d("2026-02-10"), &limits);
    assert_eq!(late.len(), 1);
    assert_eq!((late[0].kind, late[0].due), (CertificateKind::RewardClaim, d("2026-02-09")));
    // The booklet: 2 Mar + 5 days = due 7 Mar; issued on 5 Mar, never overdue.
    let apps = w.reg.applications(d("2026-03-31"), &limits);
    let booklet = apps.iter().find(|a| a.kind == CertificateKind::ServiceBooklet).unwrap();
    assert_eq!((booklet.state, booklet.changed_on, booklet.due), (Issued, d("2026-03-05"), d("2026-03-07")));
    // On 4 Mar it was under review.
    let apps = w.reg.applications(d("2026-03-04"), &limits);
    assert_eq!(apps.iter().find(|a| a.kind == CertificateKind::ServiceBooklet).unwrap().state, UnderReview);
    // A shorter limit makes the reward claim late earlier: 10 Jan + 10 = 20 Jan.
    let short = limits.clone().with(CertificateKind::RewardClaim, 10);
    assert_eq!(w.reg.overdue_applications(d("2026-01-21"), &short).len(), 1);
    // A floating-population certificate issued 10 May 2020 is valid until 10 May 2023.
    w.ok("2020-05-01", cert("a", CertificateKind::FloatingMarriageBirth, Applied));
    w.ok("2020-05-10", cert("a", CertificateKind::FloatingMarriageBirth, Issued));
    let apps = w.reg.applications(d("2026-03-31"), &limits);
    let floating = apps.iter().find(|a| a.kind == CertificateKind::FloatingMarriageBirth).unwrap();
    assert_eq!(floating.valid_until, Some(d("2023-05-10")));
}

/// The state machine written out by hand: the steps allowed after each state.
fn allowed(state: Option<CertificateAction>, action: CertificateAction) -> bool {
    use CertificateAction::*;
    matches!(
        (state, action),
        (None | Some(Rejected) | Some(Voided) | Some(Issued) | Some(Reissued), Applied)
            | (Some(Applied), UnderReview | Issued | Rejected)
            | (Some(UnderReview), Issued | Rejected)
            | (Some(Issued) | Some(Reissued), Reissued | Voided)
    )
}

#[test]
fn every_illegal_transition_is_refused_and_changes_nothing() {
    use CertificateAction::*;
    // A path to each state, one step a day from 1 Mar 2026 (birth registration repeats).
    let paths: [(Option<CertificateAction>, &[CertificateAction]); 7] = [
        (None, &[]),
        (Some(Applied), &[Applied]),
        (Some(UnderReview), &[Applied, UnderReview]),
        (Some(Issued), &[Applied, UnderReview, Issued]),
        (Some(Rejected), &[Applied, Rejected]),
        (Some(Reissued), &[Applied, Issued, Reissued]),
        (Some(Voided), &[Applied, Issued, Voided]),
    ];
    let mut refused = 0;
    for (state, path) in paths {
        let mut w = World::new();
        w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
        for (i, step) in path.iter().enumerate() {
            w.ok(&format!("2026-03-0{}", i + 1), cert("a", CertificateKind::BirthRegistration, *step));
        }
        for &action in CertificateAction::ALL {
            let before = w.reg.clone();
            let result = w.send("2026-03-09", cert("a", CertificateKind::BirthRegistration, action));
            if allowed(state, action) {
                assert!(result.is_ok(), "{state:?} → {action}: {result:?}");
                w.reg = before;
            } else {
                refused += 1;
                let err = result.unwrap_err();
                assert!(matches!(err, Error::Rejected { reason: Rejection::Transition { .. }, .. }), "{err}");
                let from = state.map_or("none", |s| s.code());
                assert!(
                    err.to_string()
                        .ends_with(&format!("birth_registration: `{action}` cannot follow `{from}` on 2026-03-09")),
                    "{err}"
                );
                assert_eq!(w.reg, before);
            }
        }
    }
    // 7 states × 6 steps = 42; allowed: none 1, applied 3, under_review 2, issued 3,
    // rejected 1, reissued 3, voided 1 = 14; so 28 refused.
    assert_eq!(refused, 28);
}

#[test]
fn a_decision_on_the_day_of_the_application_is_in_order_whatever_the_ids() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
    let mut events = w.reg.events().to_vec();
    let at = |id: &str, action| {
        famplan::Event::new(id, d("2026-03-01"), "k1", cert("a", CertificateKind::BirthRegistration, action))
    };
    // Ids that sort against the steps: the issue ("a…") before the application ("z…").
    events.push(at("z-applied", CertificateAction::Applied));
    events.push(at("a-issued", CertificateAction::Issued));
    let (reg, report) = Registry::from_events(events);
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert_eq!(reg.applications(d("2026-03-01"), &TimeLimits::default())[0].state, CertificateAction::Issued);
}

#[test]
fn eligibility_is_checked_on_the_application_date() {
    use CertificateAction::*;
    let mut w = World::new();
    w.person("old", Sex::Female, "1980-01-01", MaritalStatus::Married);
    w.person("new", Sex::Female, "1985-01-01", MaritalStatus::Married);
    birth(&mut w, "old", "2015-12-31", 1);
    birth(&mut w, "new", "2016-01-01", 1);
    // Born on the last day: eligible; born a day later: not.
    w.ok("2016-03-01", cert("old", CertificateKind::OnlyChildHonour, Applied));
    let before = w.reg.clone();
    let err = w.send("2016-03-01", cert("new", CertificateKind::OnlyChildHonour, Applied)).unwrap_err();
    assert!(err.to_string().ends_with(
        "only_child_honour on 2016-03-01: no new only-child honour certificates for births after 2015-12-31 (child born 2016-01-01)"
    ), "{err}");
    assert_eq!(w.reg, before);
    // Held once: a second application while the first is issued is refused.
    w.ok("2016-03-10", cert("old", CertificateKind::OnlyChildHonour, Issued));
    let err = w.send("2017-01-01", cert("old", CertificateKind::OnlyChildHonour, Applied)).unwrap_err();
    assert!(err.to_string().ends_with("only_child_honour is already held (reissue or void it first)"), "{err}");
    // The floating-population certificate: legacy after September 2021.
    w.ok("2021-09-30", cert("new", CertificateKind::FloatingMarriageBirth, Applied));
    let err = w.send("2021-10-01", cert("old", CertificateKind::FloatingMarriageBirth, Applied)).unwrap_err();
    assert!(err.to_string().contains("legacy after 2021-09"), "{err}");
    // Extra-child approval: only while the birth policy has approvals (until 2015-12-31).
    w.ok("2015-06-01", cert("new", CertificateKind::ExtraChildApproval, Applied));
    let err = w.send("2016-06-01", cert("old", CertificateKind::ExtraChildApproval, Applied)).unwrap_err();
    assert!(err.to_string().ends_with("the birth policy in force has no approval (再生育审批)"), "{err}");
}

#[test]
fn service_requests_are_logged_and_answered() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1990-01-01", MaritalStatus::Married);
    let ask = |id: &str| EventKind::ServiceRequested {
        request: id.into(),
        channel: RequestChannel::Hotline,
        topic: ConsultationTopic::Policy,
        person: Some("a".into()),
        grid: Some("g1".into()),
    };
    w.ok("2026-03-01", ask("r1"));
    w.ok("2026-03-02", ask("r2"));
    w.ok("2026-03-04", EventKind::ServiceAnswered { request: "r1".into() });
    let open: Vec<_> = w
        .reg
        .service_requests(d("2026-03-04"))
        .into_iter()
        .filter(|r| r.answered_on.is_none())
        .map(|r| r.request)
        .collect();
    assert_eq!(open, ["r2"]);
    let refusals = [
        (
            EventKind::ServiceAnswered { request: "r1".into() },
            "2026-03-05",
            "request `r1` was already answered on 2026-03-04",
        ),
        (EventKind::ServiceAnswered { request: "r9".into() }, "2026-03-05", "unknown service request `r9`"),
        (
            EventKind::ServiceAnswered { request: "r2".into() },
            "2026-03-01",
            "answered on 2026-03-01 before the request came in on 2026-03-02",
        ),
        (ask("r1"), "2026-03-05", "service request `r1` already exists"),
    ];
    for (kind, on, want) in refusals {
        let before = w.reg.clone();
        let err = w.send(on, kind).unwrap_err().to_string();
        assert!(err.ends_with(want), "{err}");
        assert_eq!(w.reg, before);
    }
}

// ---------------------------------------------------------------- policy

fn province_policy() -> PolicySet {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/policy/province.toml")).unwrap();
    PolicySet::from_toml_str(&text, "province.toml").unwrap()
}

#[test]
fn a_birth_is_judged_by_the_rule_of_its_date_and_province() {
    let p = province_policy();
    // Province 44 allowed two children from 2015-01-01; the nation from 2016-01-01.
    assert_eq!(p.judge(Some("44"), d("2015-06-01"), Some(2)), Compliance::Compliant);
    assert_eq!(p.judge(None, d("2015-06-01"), Some(2)), Compliance::NeedsApproval);
    assert_eq!(p.judge(Some("11"), d("2015-06-01"), Some(2)), Compliance::NeedsApproval);
    // Before the province's rule, the national one.
    assert_eq!(p.judge(Some("44"), d("2014-12-31"), Some(2)), Compliance::NeedsApproval);
    assert_eq!(p.judge(Some("44"), d("2014-12-31"), Some(3)), Compliance::NonCompliant);
    assert_eq!(p.judge(Some("44"), d("2002-08-31"), Some(1)), Compliance::Unknown);
}

#[test]
fn nothing_from_a_repealed_reward_scheme_applies_after_its_end() {
    let p = province_policy();
    let period = Period::new(d("2021-07-01"), d("2022-06-30")).unwrap();
    let pay = p.reward_payments(Some("44"), period);
    // Monthly 1000 fen on 1 Jul … 1 Dec 2021 (6 payments, repealed after 31 Dec 2021) and the
    // yearly 12000 fen on 1 Jan 2022: 6 × 1000 + 12000 = 18000 fen.
    assert_eq!(pay.iter().map(|x| x.amount_fen).sum::<u64>(), 18_000);
    assert!(pay.iter().filter(|x| x.scheme == "province 44 only-child reward").all(|x| x.due <= d("2021-12-31")));
    // The national 5 yuan does not step in for a province with schemes of its own.
    assert!(pay.iter().all(|x| x.scheme.starts_with("province 44")));
    // Elsewhere the national scheme (none in this file): nothing.
    assert!(p.reward_payments(Some("11"), period).is_empty());
}

#[test]
fn bad_policy_files_name_the_line_and_field() {
    let head = "[[birth]]\njurisdiction = \"national\"\nname = \"a\"\nfrom = \"2016-01-01\"\ncompliant_up_to = 2\n";
    let cases = [
        (
            format!("{head}colour = 1\n"),
            "p.toml:1: birth[0].colour: unknown field `colour`, expected one of `jurisdiction`, `name`, `from`, `to`, `compliant_up_to`, `approval_up_to`, `social_maintenance_fee`",
        ),
        (
            head.replace("national", "Guangdong"),
            "p.toml:1: birth[0].jurisdiction: `Guangdong` is neither `national` nor a two-digit province code",
        ),
        (
            format!(
                "{head}\n[[birth]]\njurisdiction = \"national\"\nname = \"b\"\nfrom = \"2020-01-01\"\ncompliant_up_to = 3\n"
            ),
            "p.toml:7: birth[1].from: overlaps birth[0] `a` of the same jurisdiction",
        ),
        (head.replace("2016-01-01", "2016-13-01"), "p.toml:1: birth[0].from: input is out of range"),
        (
            head.replace("compliant_up_to = 2", "compliant_up_to = \"two\""),
            "p.toml:1: birth[0].compliant_up_to: invalid type: string \"two\", expected u8",
        ),
        (format!("{head}approval_up_to = 1\n"), "p.toml:1: birth[0].approval_up_to: must not be below compliant_up_to"),
    ];
    for (text, want) in cases {
        let err = PolicySet::from_toml_str(&text, "p.toml").unwrap_err().to_string();
        assert_eq!(err, want);
    }
}

#[test]
fn policy_compliance_rate_uses_the_rule_in_force() {
    let mut w = World::new();
    w.person("a", Sex::Female, "1985-01-01", MaritalStatus::Married);
    // A second child on 2015-12-31 (needs approval: not compliant) and a third on
    // 2021-08-20 (compliant under the three-child rule).
    birth(&mut w, "a", "2015-12-31", 2);
    birth(&mut w, "a", "2021-08-20", 3);
    let rate = |year: i32| {
        let on = d(&format!("{year}-12-31"));
        let params = Params::new(on).period(Period::year(year).unwrap());
        w.reg.rate(&RateCode::PolicyComplianceRate.into(), &params, GroupBy::Zone).total.counts
    };
    // 2015: 0 of 1; 2021: 1 of 1.
    assert_eq!((rate(2015).numerator, rate(2015).denominator), (0, 1));
    assert_eq!((rate(2021).numerator, rate(2021).denominator), (1, 1));
}
