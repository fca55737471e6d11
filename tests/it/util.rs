//! Fixtures: a small world built from events, and date helpers.

use famplan::{
    AreaLevel, CertificateAction, CertificateKind, Child, ChildRelation, Error, Event, EventKind, HousingKind,
    MaritalStatus, Place, PregnancyOutcome, Registry, Residency, Sex, StaffRole,
};

pub fn d(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap_or_else(|e| panic!("bad test date {s}: {e}"))
}

/// Community `c`, zone `z`, grids `g1` (keeper `k1`) and `g2`; households `h1` (owner, g1)
/// and `h2` (rental, g2). Events are numbered `t1`, `t2`… in the order they are sent.
pub struct World {
    pub reg: Registry,
    n: u32,
}

impl World {
    pub fn new() -> World {
        let mut w = World { reg: Registry::new(), n: 0 };
        let area = |level, id: &str, parent: Option<&str>| EventKind::AreaDefined {
            level,
            area: id.into(),
            parent: parent.map(Into::into),
            name: None,
        };
        w.ok("2000-01-01", area(AreaLevel::Community, "c", None));
        w.ok("2000-01-01", area(AreaLevel::Zone, "z", Some("c")));
        w.ok("2000-01-01", area(AreaLevel::Grid, "g1", Some("z")));
        w.ok("2000-01-01", area(AreaLevel::Grid, "g2", Some("z")));
        w.ok(
            "2000-01-01",
            EventKind::StaffAssigned {
                staff: "k1".into(),
                name: None,
                role: StaffRole::Keeper,
                level: AreaLevel::Grid,
                area: "g1".into(),
            },
        );
        w.ok(
            "2000-01-01",
            EventKind::HouseholdRegistered {
                household: "h1".into(),
                housing: HousingKind::Owner,
                place: Place::grid("g1"),
            },
        );
        w.ok(
            "2000-01-01",
            EventKind::HouseholdRegistered {
                household: "h2".into(),
                housing: HousingKind::Rental,
                place: Place::grid("g2"),
            },
        );
        w
    }

    pub fn event(&mut self, on: &str, kind: EventKind) -> Event {
        self.n += 1;
        Event::new(format!("t{}", self.n), d(on), "k1", kind)
    }

    /// Sends an event; returns the registry's answer.
    pub fn send(&mut self, on: &str, kind: EventKind) -> Result<(), Error> {
        let e = self.event(on, kind);
        self.reg.apply(e)
    }

    #[track_caller]
    pub fn ok(&mut self, on: &str, kind: EventKind) {
        if let Err(e) = self.send(on, kind) {
            panic!("expected the event to apply: {e}");
        }
    }

    /// Registers a person in `h1` (registered residency) on 2010-01-01.
    #[track_caller]
    pub fn person(&mut self, id: &str, sex: Sex, birth: &str, marital: MaritalStatus) {
        self.person_in(id, "h1", sex, birth, marital, Residency::Registered, "2010-01-01");
    }

    #[track_caller]
    #[allow(clippy::too_many_arguments)]
    pub fn person_in(
        &mut self,
        id: &str,
        household: &str,
        sex: Sex,
        birth: &str,
        marital: MaritalStatus,
        residency: Residency,
        on: &str,
    ) {
        self.ok(
            on,
            EventKind::PersonRegistered {
                person: id.into(),
                household: household.into(),
                name: format!("name-{id}"),
                sex,
                birth_date: d(birth),
                id_number: None,
                phone: None,
                relation: None,
                marital,
                marital_since: None,
                residency,
                tags: vec![],
            },
        );
    }
}

/// A `certificate` event of `person`.
pub fn cert(person: &str, certificate: CertificateKind, action: CertificateAction) -> EventKind {
    EventKind::Certificate { person: person.into(), certificate, action }
}

/// A live birth of one girl of birth order `order` to `person` on `on`.
#[track_caller]
pub fn birth(w: &mut World, person: &str, on: &str, order: u8) {
    let child = Child { sex: Sex::Female, birth_date: d(on), order, relation: ChildRelation::Biological };
    w.ok(
        on,
        EventKind::PregnancyEnded {
            person: person.into(),
            outcome: PregnancyOutcome::LiveBirth,
            children: vec![child],
        },
    );
}
