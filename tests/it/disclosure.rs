//! Public disclosure (DOMAIN §13): dynamic notices worked out by hand, masking, small-count
//! suppression, legal basis, escaping, and the property that no page leaks an ID number,
//! phone or full name.

use crate::util::{World, d};
use famplan::{
    Audience, Block, CertificateAction, CertificateKind, Child, ChildRelation, CountTable, DisclosureCategory,
    DisclosureOptions, DisclosurePage, Event, EventKind, LegalBasis, MaritalStatus, Notices, PregnancyOutcome,
    PublicText, Registry, Residency, Sex,
};
use proptest::prelude::*;

fn birth(w: &mut World, mother: &str, on: &str, children: u8) {
    let children = (1..=children)
        .map(|order| Child { sex: Sex::Female, birth_date: d(on), order, relation: ChildRelation::Biological })
        .collect();
    w.ok(on, EventKind::PregnancyEnded { person: mother.into(), outcome: PregnancyOutcome::LiveBirth, children });
}

/// A reward claim applied for and issued on the same day (an application comes first).
fn reward(w: &mut World, person: &str, on: &str) {
    for action in [CertificateAction::Applied, CertificateAction::Issued] {
        w.ok(on, EventKind::Certificate { person: person.into(), certificate: CertificateKind::RewardClaim, action });
    }
}

/// g1: five mothers, births in 2026 of 1+1+1+1+2 = 6 children (one pair of twins), plus one
/// in 2025 and one after the page date (neither counted); g2: one birth in 2026.
fn world() -> World {
    let mut w = World::new();
    for i in 1..=5 {
        w.person(&format!("m{i}"), Sex::Female, "1995-01-01", MaritalStatus::Married);
    }
    w.person_in("m6", "h2", Sex::Female, "1996-01-01", MaritalStatus::Married, Residency::Floating, "2010-01-01");
    birth(&mut w, "m1", "2025-12-31", 1); // last year
    for (i, on) in [(1, "2026-01-01"), (2, "2026-02-10"), (3, "2026-03-05"), (4, "2026-04-20")] {
        birth(&mut w, &format!("m{i}"), on, 1);
    }
    birth(&mut w, "m5", "2026-05-05", 2); // twins: two births
    birth(&mut w, "m6", "2026-03-03", 1);
    birth(&mut w, "m2", "2026-07-01", 1); // after the page date
    reward(&mut w, "m1", "2026-03-01");
    reward(&mut w, "m2", "2025-06-01"); // last year
    w
}

fn page(reg: &Registry, basis: Option<LegalBasis>) -> DisclosurePage {
    let opts = DisclosureOptions { legal_basis: basis, categories: vec![DisclosureCategory::Dynamic] };
    DisclosurePage::build(reg, &Notices::new(), &Audience::Community, d("2026-06-30"), &opts).unwrap()
}

fn table(item: &famplan::PublicItem) -> Vec<(String, String)> {
    let Block::Counts(t) = &item.body[0] else { panic!("first block is a table") };
    let mut rows: Vec<(String, String)> =
        t.rows().iter().map(|(l, c)| (l.as_str().to_string(), c.to_string())).collect();
    rows.push(("total".into(), t.total().to_string()));
    rows
}

#[test]
fn births_by_grid_with_complementary_suppression() {
    let w = world();
    let p = page(&w.reg, None);
    assert_eq!(p.items.len(), 2);
    assert_eq!(p.items[0].title.as_str(), "2026年出生情况公示");
    // g1 = 1+1+1+1+2 = 6, g2 = 1, total 7. g2 is under 5 → "<5"; with the total shown,
    // 7 − 6 would give g2 away, so the only other cell (g1) is withheld as "≥5".
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(table(&p.items[0]), [s("g1", "≥5"), s("g2", "<5"), s("total", "7")]);
    assert_eq!(p.items[0].publish_on, d("2026-06-30"));
    assert_eq!(p.items[0].expires_on, Some(d("2026-12-31")));
}

#[test]
fn rewards_counted_and_listed_only_with_a_legal_basis() {
    let w = world();
    // One reward in 2026 (m1, g1); m2's was in 2025. 1 → "<5", total 1 → "<5".
    let p = page(&w.reg, None);
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(table(&p.items[1]), [s("g1", "<5"), s("g2", "<5"), s("total", "<5")]);
    assert_eq!(p.items[1].body.len(), 1, "no list without a legal basis");

    let basis = LegalBasis::new("奖励对象公示决定（2026）", d("2026-01-05"), "k1".into()).unwrap();
    let p = page(&w.reg, Some(basis));
    let Block::People(list) = &p.items[1].body[1] else { panic!("a list with a legal basis") };
    assert_eq!(list.people().len(), 1);
    let m1 = &list.people()[0];
    // name-m1 → the first character and `**`.
    assert_eq!(m1.name.as_str(), "n**");
    assert_eq!(m1.address.as_ref().unwrap().as_str(), "c z g1");
    assert_eq!(m1.note.as_ref().unwrap().as_str(), "2026-03-01 奖励优惠发放");
    let md = p.to_markdown();
    assert!(md.contains("公开依据：奖励对象公示决定（2026）（k1 登记于 2026-01-05）"), "{md}");
}

#[test]
fn count_table_suppression_cases() {
    let t = |s: &str| PublicText::new(s).unwrap();
    let shown = |rows: Vec<(&str, u64)>| {
        let table = CountTable::new(t("c"), t("l"), t("n"), rows.into_iter().map(|(l, n)| (t(l), n)).collect());
        let mut v: Vec<String> = table.rows().iter().map(|(_, c)| c.to_string()).collect();
        v.push(table.total().to_string());
        v
    };
    // No small cell: nothing hidden.
    assert_eq!(shown(vec![("a", 5), ("b", 9)]), ["5", "9", "14"]);
    // Two small cells 1 + 3 = 4 of a total 14: each could be 0–4, nothing more to hide.
    assert_eq!(shown(vec![("a", 10), ("b", 1), ("c", 3)]), ["10", "<5", "<5", "14"]);
    // Two small cells 4 + 4 = 8: 18 − 10 = 8 = 2 × 4 forces both to 4, so the smallest shown
    // cell (10) is withheld.
    assert_eq!(shown(vec![("a", 10), ("b", 4), ("c", 4)]), ["≥5", "<5", "<5", "18"]);
    // Zeros only hide nobody: 0 + 0 needs no second suppression.
    assert_eq!(shown(vec![("a", 7), ("b", 0), ("c", 0)]), ["7", "<5", "<5", "7"]);
    // Total under 5: every cell is under 5 too.
    assert_eq!(shown(vec![("a", 2), ("b", 1)]), ["<5", "<5", "<5"]);
}

#[test]
fn audience_levels_and_dates_choose_the_notices() {
    let reg = Registry::example();
    let text = r#"
[[item]]
category = "service"
title = "g1 only"
audience = "grid:g1"
publish_on = "2026-01-01"

[[item]]
category = "service"
title = "z2 only"
audience = "zone:z2"
publish_on = "2026-01-01"

[[item]]
category = "policy"
title = "expired"
publish_on = "2025-01-01"
expires_on = "2026-06-29"

[[item]]
category = "policy"
title = "everyone"
publish_on = "2026-06-30"
"#;
    let notices = Notices::from_toml_str(text, "n.toml").unwrap();
    let opts = DisclosureOptions {
        categories: vec![DisclosureCategory::Policy, DisclosureCategory::Service],
        ..Default::default()
    };
    let titles = |board: Audience| {
        let p = DisclosurePage::build(&reg, &notices, &board, d("2026-06-30"), &opts).unwrap();
        p.items.iter().map(|i| i.title.as_str().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(titles(Audience::Community), ["everyone"]);
    assert_eq!(titles(Audience::Grid("g1".into())), ["everyone", "g1 only"]);
    assert_eq!(titles(Audience::Grid("g2".into())), ["everyone", "z2 only"]);
    assert_eq!(titles(Audience::Zone("z2".into())), ["everyone", "z2 only"]);
}

#[test]
fn bad_notices_are_refused_with_their_place() {
    let err = |text: &str| Notices::from_toml_str(text, "n.toml").unwrap_err().to_string();
    insta::assert_snapshot!(
        err("[[item]]\ncategory = \"gossip\"\ntitle = \"t\"\npublish_on = \"2026-01-01\"\n"),
        @"n.toml:1: item[1].category: unknown variant `gossip`, expected one of `policy`, `procedure`, `service`, `rights_protection`, `dynamic`"
    );
    insta::assert_snapshot!(
        err("[[item]]\ncategory = \"policy\"\ntitle = \"t\"\npublish_on = \"2026-01-01\"\n\n[[item]]\ncategory = \"policy\"\ntitle = \"t\"\naudience = \"street:1\"\npublish_on = \"2026-01-01\"\n"),
        @"n.toml:6: item[2].audience: `street:1` is not `community`, `zone:ID` or `grid:ID`"
    );
    insta::assert_snapshot!(
        err("[[item]]\ncategory = \"policy\"\ntitle = \"t\"\npublish_on = \"2026-02-30\"\n"),
        @"n.toml:1: item[1].publish_on: `2026-02-30` is not a date YYYY-MM-DD"
    );
    // A TOML date works as well as a string.
    let n = Notices::from_toml_str(
        "[[item]]\ncategory = \"policy\"\ntitle = \"t\"\npublish_on = 2026-01-01\nexpires_on = 2026-12-31\n",
        "n.toml",
    )
    .unwrap();
    assert_eq!((n.items()[0].publish_on, n.items()[0].expires_on), (d("2026-01-01"), Some(d("2026-12-31"))));
    insta::assert_snapshot!(
        err("[[item]]\ncategory = \"policy\"\ntitle = \"t\"\npublish_on = \"2026-01-01\"\ntext = [\"联系人 11010519491231002X\"]\n"),
        @"n.toml:1: item[1].text: holds a resident ID number (110***********002X); public text may not"
    );
}

#[test]
fn html_escapes_and_markdown_escapes_what_staff_typed() {
    let reg = Registry::example();
    let text = "[[item]]\ncategory = \"service\"\ntitle = \"<script>alert('x')</script>\"\npublish_on = \"2026-01-01\"\ntext = [\"a & b <b>bold</b> | *x*\"]\n";
    let notices = Notices::from_toml_str(text, "n.toml").unwrap();
    let p = DisclosurePage::build(&reg, &notices, &Audience::Community, d("2026-06-30"), &DisclosureOptions::default())
        .unwrap();
    let html = p.to_html();
    assert!(!html.contains("<script>") && !html.contains("<b>"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("a &amp; b &lt;b&gt;bold&lt;/b&gt; | *x*"));
    let md = p.to_markdown();
    assert!(md.contains(r"a \& b \<b\>bold\</b\> \| \*x\*"), "{md}");
}

#[test]
fn example_page_snapshots() {
    let mut reg = Registry::example();
    for (id, action) in [("r0", CertificateAction::Applied), ("r1", CertificateAction::Issued)] {
        let kind = EventKind::Certificate { person: "p1".into(), certificate: CertificateKind::RewardClaim, action };
        reg.apply(Event::new(id, d("2026-04-01"), "k1", kind)).unwrap();
    }
    let basis = LegalBasis::new("《某省人口与计划生育条例》奖励对象公示规定", d("2026-01-05"), "k1".into()).unwrap();
    let opts = DisclosureOptions { legal_basis: Some(basis), categories: vec![] };
    let p =
        DisclosurePage::build(&reg, &Notices::default_notices(), &Audience::Community, d("2026-06-30"), &opts).unwrap();
    insta::assert_snapshot!("disclosure_example_md", p.to_markdown());
    insta::assert_snapshot!("disclosure_example_html", p.to_html());
}

/// A small synthetic community, with reward claims issued to some of its people, so that
/// names, ID numbers and addresses reach the list.
fn synthetic(seed: u64, pick: &[usize]) -> (Registry, usize, usize) {
    let cfg =
        famplan_synth::CommunityConfig { residents: 120, seed, end: d("2026-06-30"), years: 1, ..Default::default() };
    let (mut reg, _) = Registry::from_events(famplan_synth::community_events(&cfg));
    // People living here on the day of the grant (a departed person's reward is refused).
    let ids: Vec<String> = reg
        .persons()
        .filter(|p| p.state_on(d("2026-03-01")).is_some_and(|s| s.residency.is_resident()))
        .map(|p| p.id().to_string())
        .collect();
    let mut granted = 0;
    // One claim per person: a second application on the same day would sort before the
    // first one's decision and be refused.
    let mut people = std::collections::BTreeSet::new();
    for (n, i) in pick.iter().enumerate() {
        let person = ids[i % ids.len()].clone();
        if !people.insert(person.clone()) {
            continue;
        }
        let step = |id: String, action| {
            let kind = EventKind::Certificate {
                person: person.as_str().into(),
                certificate: CertificateKind::RewardClaim,
                action,
            };
            Event::new(id, d("2026-03-01"), "k", kind)
        };
        // Applied for, then issued (an issue needs an application first).
        let applied = reg.apply(step(format!("reward-{n}-applied"), CertificateAction::Applied)).is_ok();
        granted += usize::from(applied && reg.apply(step(format!("reward-{n}"), CertificateAction::Issued)).is_ok());
    }
    (reg, granted, people.len())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    /// No generated page (Markdown or HTML) holds a registry person's unmasked ID number,
    /// phone or full name (of two characters or more).
    #[test]
    fn no_page_leaks_an_id_phone_or_name(seed in 0u64..1000, pick in proptest::collection::vec(0usize..500, 1..30)) {
        let (reg, granted, wanted) = synthetic(seed, &pick);
        let basis = LegalBasis::new("奖励对象公示决定", d("2026-01-05"), "k".into()).unwrap();
        let opts = DisclosureOptions { legal_basis: Some(basis), categories: vec![] };
        let page = DisclosurePage::build(&reg, &Notices::default_notices(), &Audience::Community, d("2026-06-30"), &opts).unwrap();
        // Every granted reward is on the list (masked), so names, IDs and addresses are exercised.
        let listed: usize = page.items.iter().flat_map(|i| &i.body)
            .map(|b| match b { Block::People(l) => l.people().len(), _ => 0 }).sum();
        prop_assert_eq!(listed, granted);
        prop_assert_eq!(granted, wanted);
        for text in [page.to_markdown(), page.to_html()] {
            for p in reg.persons() {
                let person = p.person();
                if let Some(id) = person.id_number {
                    prop_assert!(!text.contains(id.as_str()), "ID number of {} on the page", person.id);
                }
                if let Some(phone) = &person.phone {
                    prop_assert!(!text.contains(phone.as_str()), "phone of {} on the page", person.id);
                }
                if person.name.chars().count() >= 2 {
                    prop_assert!(!text.contains(&person.name), "name of {} on the page", person.id);
                }
            }
        }
    }
}
