//! The publicity calendar (DOMAIN §14): Mother's Day, the year's plan, and done / due / late.

use crate::util::d;
use famplan::io::read_activities;
use famplan::{Activity, ActivityKind, PlanOptions, PlanState, PublicityPlan, mothers_day};

#[test]
fn mothers_day_is_the_second_sunday_of_may() {
    // 1 May: 2024 Wednesday → Sundays 5, 12; 2025 Thursday → 4, 11; 2027 Saturday → 2, 9;
    // 2022 Sunday → 1, 8; 2021 Saturday → 2, 9.
    for (year, day) in
        [(2024, "2024-05-12"), (2025, "2025-05-11"), (2027, "2027-05-09"), (2022, "2022-05-08"), (2021, "2021-05-09")]
    {
        assert_eq!(mothers_day(year), Some(d(day)), "{year}");
    }
}

#[test]
fn the_plan_of_a_year() {
    let plan = PublicityPlan::for_year(2026, &PlanOptions::default()).unwrap();
    let of = |k: ActivityKind| plan.items.iter().filter(|i| i.kind == k).collect::<Vec<_>>();
    assert_eq!(of(ActivityKind::Blackboard).len(), 12);
    let feb = of(ActivityKind::Blackboard)[1];
    assert_eq!((feb.window.start, feb.due), (d("2026-02-01"), d("2026-02-28")));
    let mum = of(ActivityKind::MothersDay)[0];
    // 10 May ± 7 days.
    assert_eq!((mum.due, mum.window.start, mum.window.end), (d("2026-05-10"), d("2026-05-03"), d("2026-05-17")));
    assert_eq!(mum.title, "2026年母亲节（5月10日）");
    let events = of(ActivityKind::ServiceEvent);
    assert_eq!(events.len(), 2);
    assert_eq!((events[0].window.end, events[1].window.start), (d("2026-06-30"), d("2026-07-01")));
    let one = PublicityPlan::for_year(2026, &PlanOptions { service_events: 1, festival_window_days: 3 }).unwrap();
    assert_eq!(one.items.len(), 20);
    let aids = one.items.iter().find(|i| i.kind == ActivityKind::AidsDay).unwrap();
    assert_eq!((aids.window.start, aids.window.end), (d("2026-11-28"), d("2026-12-04")));
    assert!(PublicityPlan::for_year(2026, &PlanOptions { service_events: 0, ..Default::default() }).is_err());
}

#[test]
fn done_due_late_on_a_date() {
    let plan = PublicityPlan::for_year(2026, &PlanOptions::default()).unwrap();
    let a = |on: &str, kind| Activity::new(d(on), kind, "theme");
    let log = vec![
        a("2026-01-05", ActivityKind::Blackboard),
        a("2026-01-25", ActivityKind::Blackboard), // a second January issue fulfils nothing
        a("2026-03-31", ActivityKind::Blackboard),
        a("2026-05-15", ActivityKind::MothersDay), // 10 May + 5 days: inside ± 7
        a("2026-07-20", ActivityKind::PopulationDay), // 11 July + 9 days: outside
        a("2026-03-03", ActivityKind::ServiceEvent),
        a("2026-08-01", ActivityKind::Blackboard), // after the view date: not seen
    ];
    let view = plan.view(&log, d("2026-07-30"));
    let state = |title: &str| {
        let r = view.rows.iter().find(|r| r.planned.title == title).unwrap_or_else(|| panic!("{title}"));
        (r.state, r.done_on)
    };
    assert_eq!(state("2026年1月黑板报"), (PlanState::Done, Some(d("2026-01-05"))));
    assert_eq!(state("2026年2月黑板报"), (PlanState::Late, None));
    assert_eq!(state("2026年3月黑板报"), (PlanState::Done, Some(d("2026-03-31"))));
    assert_eq!(state("2026年7月黑板报"), (PlanState::Due, None));
    assert_eq!(state("2026年8月黑板报"), (PlanState::Upcoming, None));
    assert_eq!(state("2026年母亲节（5月10日）"), (PlanState::Done, Some(d("2026-05-15"))));
    assert_eq!(state("2026年世界人口日（7月11日）"), (PlanState::Late, None));
    assert_eq!(state("2026年上半年便民服务活动"), (PlanState::Done, Some(d("2026-03-03"))));
    assert_eq!(state("2026年下半年便民服务活动"), (PlanState::Due, None));
    // Done: Jan, Mar blackboards, Mother's Day, H1 event = 4.
    // Late: Feb, Apr, May, Jun blackboards, member day (29 May), population day = 6.
    // Due: Jul blackboard, training, H2 event, meeting = 4.
    // Upcoming: Aug–Dec blackboards, men's health day, AIDS day = 7. 4 + 6 + 4 + 7 = 21.
    let counts: Vec<usize> =
        [PlanState::Done, PlanState::Late, PlanState::Due, PlanState::Upcoming].map(|s| view.count(s)).to_vec();
    assert_eq!(counts, [4, 6, 4, 7]);
}

#[test]
fn activity_log_csv_and_its_errors() {
    let csv = "date,kind,theme,audience,materials,brief_reported,notes\n\
               2026-05-29,member_day,会员活动日,计生协会会员,80,1,x\n\
               2026-06-01,blackboard,,,,,\n";
    let log = read_activities("activities.csv", csv.as_bytes()).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!((log[0].audience.as_str(), log[0].materials, log[0].brief_reported), ("计生协会会员", 80, true));
    assert_eq!((log[1].theme.as_str(), log[1].materials), ("", 0));

    let bad = "date,kind,materials,brief_reported\n2026-02-30,blackboard,1,0\n2026-03-01,blackboard,-4,0\n2026-03-02,blackboard,1,yes\n";
    insta::assert_snapshot!(read_activities("activities.csv", bad.as_bytes()).unwrap_err().to_string(), @r"
    3 problem(s), nothing imported:
      activities.csv:2: date: `2026-02-30` is not a date YYYY-MM-DD
      activities.csv:3: materials: invalid digit found in string
      activities.csv:4: brief_reported: `yes` is not 0 or 1
    ");
    let missing = "date,theme\n2026-03-01,x\n";
    insta::assert_snapshot!(read_activities("activities.csv", missing.as_bytes()).unwrap_err().to_string(),
        @"activities.csv:1: kind: required column missing (the header has: date, theme)");
}
