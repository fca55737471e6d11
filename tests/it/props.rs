//! Properties of the event log: arrival order, merge, round trips, refusals.

use famplan::io::{EventFormat, read_events, write_events};
use famplan::{
    AreaLevel, Event, EventKind as K, HousingKind, MaritalStatus as M, Method, Place, PregnancyOutcome, Procedure,
    Registry, Residency, Sex, StopReason, Tag,
};
use proptest::prelude::*;

const PEOPLE: [&str; 4] = ["p0", "p1", "p2", "p3"];

fn setup() -> Vec<Event> {
    let mk = |i: usize, kind| Event::new(format!("s{i}"), "2000-01-01".parse().unwrap(), "k", kind);
    let mut out = vec![
        mk(0, K::AreaDefined { level: AreaLevel::Community, area: "c".into(), parent: None, name: None }),
        mk(1, K::AreaDefined { level: AreaLevel::Zone, area: "z".into(), parent: Some("c".into()), name: None }),
        mk(2, K::AreaDefined { level: AreaLevel::Grid, area: "g".into(), parent: Some("z".into()), name: None }),
        mk(3, K::HouseholdRegistered { household: "h".into(), housing: HousingKind::Rental, place: Place::grid("g") }),
    ];
    for (i, p) in PEOPLE.iter().enumerate() {
        out.push(mk(
            10 + i,
            K::PersonRegistered {
                person: (*p).into(),
                household: "h".into(),
                name: String::new(),
                sex: if i == 3 { Sex::Male } else { Sex::Female },
                birth_date: "1985-06-15".parse().unwrap(),
                id_number: None,
                phone: None,
                relation: None,
                marital: M::Single,
                marital_since: None,
                residency: if i % 2 == 0 { Residency::Registered } else { Residency::Floating },
                tags: vec![],
            },
        ));
    }
    out
}

/// A random event about one of the people, dated in 2001–2026, recorded at a random time.
fn arb_event() -> impl Strategy<Value = Event> {
    let kind = (0usize..PEOPLE.len(), 0u8..14).prop_map(|(p, k)| {
        let person = PEOPLE[p].into();
        match k {
            0 => K::Married { person, spouse: None },
            1 => K::Divorced { person },
            2 => K::Widowed { person },
            3 => K::CaseFileOpened { person },
            4 => K::PregnancyReported { person },
            5 => K::PregnancyEnded { person, outcome: PregnancyOutcome::LiveBirth, children: vec![] },
            6 => K::ProcedurePerformed { person, procedure: Procedure::IudInsertion },
            7 => K::ProcedurePerformed { person, procedure: Procedure::IudRemoval },
            8 => K::MethodStarted { person, method: Method::Condom, source: None, informed_choice: true },
            9 => K::MethodStopped { person, reason: StopReason::Other },
            10 => K::PersonMovedOut { person, to: None, permanent: false },
            11 => K::PersonReturned { person },
            12 => K::TagAdded { person, tag: Tag::key_population() },
            _ => K::VisitRecorded { person, visit: "floating_monthly_check".into(), outcome: None, visitor: None },
        }
    });
    (kind, 0u32..9000, 0u32..86_400, any::<u32>()).prop_map(|(kind, day, secs, id)| {
        let date = chrono::NaiveDate::from_ymd_opt(2001, 1, 1).unwrap() + chrono::Days::new(u64::from(day));
        let mut e = Event::new(format!("r{id:08x}"), date, "k", kind);
        e.recorded_at = date.and_hms_opt(0, 0, 0).unwrap() + chrono::Duration::seconds(i64::from(secs));
        e
    })
}

fn arb_log() -> impl Strategy<Value = Vec<Event>> {
    prop::collection::vec(arb_event(), 0..40).prop_map(|mut v| {
        let mut seen = std::collections::HashSet::new();
        v.retain(|e| seen.insert(e.id.clone()));
        let mut all = setup();
        all.extend(v);
        all
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any arrival order gives the same registry (including the same conflicts).
    #[test]
    fn arrival_order_does_not_matter(log in arb_log(), seed in any::<u64>()) {
        let (a, _) = Registry::from_events(log.clone());
        let mut shuffled = log;
        shuffle(&mut shuffled, seed);
        let (b, _) = Registry::from_events(shuffled);
        prop_assert_eq!(a, b);
    }

    /// Merging is commutative and idempotent.
    #[test]
    fn merge_is_commutative_and_idempotent(log in arb_log(), split in any::<u64>()) {
        let (left, right): (Vec<Event>, Vec<Event>) =
            log.into_iter().enumerate().partition(|(i, _)| (split >> (i % 64)) & 1 == 0).into_iter_pair();
        let (mut ab, _) = Registry::from_events(left.clone());
        ab.merge(right.clone());
        let (mut ba, _) = Registry::from_events(right.clone());
        ba.merge(left.clone());
        prop_assert_eq!(&ab, &ba);
        let again = ab.clone();
        let report = ab.merge(left.into_iter().chain(right));
        prop_assert_eq!(report.applied, 0);
        prop_assert!(report.conflicts.is_empty());
        prop_assert_eq!(ab, again);
    }

    /// A valid log (its conflicts removed) applies event by event in date order with no refusal,
    /// and gives the same registry as the merge.
    #[test]
    fn applying_one_by_one_equals_merging(log in arb_log()) {
        let (merged, _) = Registry::from_events(log);
        let conflicts: std::collections::HashSet<_> = merged.conflicts().iter().map(|c| c.event.id.clone()).collect();
        let valid: Vec<Event> = merged.events().iter().filter(|e| !conflicts.contains(&e.id)).cloned().collect();
        let mut one = Registry::new();
        for e in valid.clone() {
            prop_assert!(one.apply(e.clone()).is_ok(), "{:?} refused", e);
        }
        let (clean, report) = Registry::from_events(valid);
        prop_assert!(report.conflicts.is_empty());
        prop_assert_eq!(one, clean);
    }

    /// A refused event leaves the registry exactly as it was.
    #[test]
    fn a_refused_event_changes_nothing(log in arb_log(), extra in arb_event()) {
        let (mut reg, _) = Registry::from_events(log);
        let before = reg.clone();
        if reg.apply(extra).is_err() {
            prop_assert_eq!(reg, before);
        }
    }

    /// Serde (JSON Lines) and CSV round trips.
    #[test]
    fn event_files_round_trip(log in arb_log()) {
        for format in [EventFormat::JsonLines, EventFormat::Csv] {
            let mut buf = Vec::new();
            write_events(&log, &mut buf, format).unwrap();
            prop_assert_eq!(&read_events("events", &buf[..], format).unwrap(), &log);
        }
    }
}

fn shuffle(v: &mut [Event], mut seed: u64) {
    for i in (1..v.len()).rev() {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        v.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

trait IntoIterPair {
    fn into_iter_pair(self) -> (Vec<Event>, Vec<Event>);
}

impl IntoIterPair for (Vec<(usize, Event)>, Vec<(usize, Event)>) {
    fn into_iter_pair(self) -> (Vec<Event>, Vec<Event>) {
        (self.0.into_iter().map(|(_, e)| e).collect(), self.1.into_iter().map(|(_, e)| e).collect())
    }
}
