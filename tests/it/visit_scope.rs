//! Scoped schedules over the synthetic demo community: a keeper's schedule (or two grids')
//! is the whole community's schedule filtered to its grids — built at once, or built on the
//! events to September and kept up with the rest, households moving across the scope's
//! border included.

use chrono::NaiveDate;
use famplan::{AreaLevel, Event, EventKind, GridId, Obligation, Period, Place, Registry, RuleSet, Schedule, Scope};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn render(obs: Vec<Obligation<'_>>) -> Vec<String> {
    let mut v: Vec<String> = obs.iter().map(|o| format!("{o:?} {}", o.grid())).collect();
    v.sort();
    v
}

#[test]
fn a_keepers_schedule_is_the_communitys_filtered_to_their_grids() {
    let cfg = famplan_synth::CommunityConfig { residents: 1_200, ..Default::default() };
    let mut events = famplan_synth::community_events(&cfg);
    let (whole_reg, _) = Registry::from_events(events.clone());
    let mut grids: Vec<GridId> =
        whole_reg.areas().all(AreaLevel::Grid).iter().map(|g| GridId::new(g.id.as_str())).collect();
    grids.sort();
    let keeper = whole_reg.areas().keeper(&grids[0]).expect("every demo grid has a keeper").id.clone();
    let (inside, outside) = (grids[0].clone(), grids[1].clone());
    // Three households of each grid move to the other on 1 October 2026.
    let homes = |g: &GridId| -> Vec<String> {
        let registered = events.iter().filter_map(|e| match &e.kind {
            EventKind::HouseholdRegistered { household, place, .. } if place.grid == *g => Some(household.to_string()),
            _ => None,
        });
        registered.take(3).collect()
    };
    let moves: Vec<(String, &GridId)> = homes(&inside)
        .into_iter()
        .map(|h| (h, &outside))
        .chain(homes(&outside).into_iter().map(|h| (h, &inside)))
        .collect();
    assert_eq!(moves.len(), 6);
    for (k, (h, to)) in moves.into_iter().enumerate() {
        let kind = EventKind::HouseholdMoved { household: h.as_str().into(), place: Place::grid(to.as_str()) };
        events.push(Event::new(format!("move{k}"), d("2026-10-01"), "k", kind));
    }
    events.sort_by_key(|e| e.date);
    let cut = events.partition_point(|e| e.date < d("2026-09-01"));
    let tail = events.split_off(cut);
    assert!(tail.len() > 100, "a real stream of updates: {}", tail.len());

    let (mut reg, _) = Registry::from_events(events);
    let horizon = Period::new(d("2025-01-01"), d("2027-12-31")).unwrap();
    let rules = RuleSet::default_rules();
    let scopes = [Scope::keeper(&reg, &keeper), Scope::Grids(vec![outside.clone(), grids[2].clone()])];
    assert_eq!(scopes[0], Scope::Grids(vec![inside.clone()]));
    let mut kept: Vec<Schedule> =
        scopes.iter().map(|s| Schedule::scoped(&reg, rules.clone(), horizon, s.clone())).collect();
    for e in tail {
        if reg.apply(e.clone()).is_ok() {
            for s in &mut kept {
                s.refresh_after(&reg, &e);
            }
        }
    }
    let whole = Schedule::new(&reg, rules.clone(), horizon);
    for (scope, kept) in scopes.iter().zip(&kept) {
        let Scope::Grids(gs) = scope else { unreachable!() };
        let fresh = Schedule::scoped(&reg, rules.clone(), horizon, scope.clone());
        for on in ["2026-03-15", "2026-11-28", "2027-06-30"] {
            let all = whole.obligations(&reg, d(on));
            let want = render(all.iter().copied().filter(|o| gs.iter().any(|g| g.as_str() == o.grid())).collect());
            assert!(!want.is_empty() && want.len() * 4 < all.len(), "{} of {} in {gs:?}", want.len(), all.len());
            assert_eq!(render(kept.obligations(&reg, d(on))), want, "kept up, {gs:?} on {on}");
            assert_eq!(render(fresh.obligations(&reg, d(on))), want, "built, {gs:?} on {on}");
            for g in gs {
                let list = |s: &Schedule| format!("{:?}", s.work_list(&reg, g, d(on)).items);
                assert_eq!(list(kept), list(&whole), "work list of {g} on {on}");
                let month = |s: &Schedule| format!("{:?}", s.month(&reg, Some(g), 2026, 11, d(on)).days);
                assert_eq!(month(kept), month(&whole), "November of {g} on {on}");
            }
        }
    }
    let on = d("2026-11-28");
    let list = |s: &Schedule| format!("{:?}", s.keeper_work_list(&reg, &keeper, on).items);
    assert_eq!(list(&kept[0]), list(&whole));
    assert!(!whole.keeper_work_list(&reg, &keeper, on).items.is_empty());
}
