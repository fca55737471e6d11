//! 户 — households (DOMAIN §3).

use crate::person::code_enum;
use crate::{BuildingId, GridId, GroupId, HouseholdId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Housing kind. Rentals and street-front rooms ("三多") get the quarterly reconciliation.
    ///
    /// Snapshot files write owner-occupied as `registered`; `owner` is accepted too.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::HousingKind;
    /// assert_eq!("registered".parse::<HousingKind>(), Ok(HousingKind::Owner));
    /// assert!(HousingKind::Rental.needs_reconciliation());
    /// ```
    HousingKind {
        /** 自有住房 */ Owner = "owner" | "registered",
        /** 出租房 */ Rental = "rental",
        /** 街面房 */ StreetFront = "street_front",
        /** 集体户 */ Collective = "collective"
    }
);

impl HousingKind {
    /// Rental and street-front households are reconciled every quarter whatever their members.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(!famplan::HousingKind::Owner.needs_reconciliation());
    /// ```
    pub fn needs_reconciliation(self) -> bool {
        matches!(self, HousingKind::Rental | HousingKind::StreetFront)
    }
}

/// Where a household is: its grid and, optionally, resident group and building.
///
/// # Example
///
/// ```
/// let place = famplan::Place::grid("g1");
/// assert_eq!(place.grid.as_str(), "g1");
/// assert!(place.group.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Place {
    /// The grid.
    pub grid: GridId,
    /// The resident group, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// The building, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub building: Option<BuildingId>,
    /// The address, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

impl Place {
    /// A place known only by its grid.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Place::grid("7").address, None);
    /// ```
    pub fn grid(grid: impl Into<GridId>) -> Place {
        Place { grid: grid.into(), group: None, building: None, address: None }
    }
}

/// A household as it is now (latest known place).
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let h = reg.household(&"h1".into()).unwrap();
/// assert_eq!(h.place.grid.as_str(), "g1");
/// assert_eq!(h.members.len(), 2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Household {
    /// Id.
    pub id: HouseholdId,
    /// Housing kind.
    pub kind: HousingKind,
    /// Where it is now.
    pub place: Place,
    /// The date it was registered.
    pub registered_on: NaiveDate,
    /// The date it was dissolved, if it was.
    pub dissolved_on: Option<NaiveDate>,
    /// Everyone whose latest household this is (any residency).
    pub members: Vec<crate::PersonId>,
}
