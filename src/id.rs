//! Newtype ids. Ids are opaque strings in files (DOMAIN §15): often integers, never parsed.

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Box<str>);

        impl $name {
            /// Wraps an id as written in a file or sent by a device.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("let id = famplan::", stringify!($name), "::new(\"1203\");")]
            /// assert_eq!(id.as_str(), "1203");
            /// assert_eq!(id.to_string(), "1203");
            /// ```
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into().into_boxed_str())
            }

            /// The id as text.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("assert_eq!(famplan::", stringify!($name), "::new(\"a-1\").as_str(), \"a-1\");")]
            /// ```
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// What kind of thing this id names, for messages (`person`, `grid` …).
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("assert_eq!(famplan::", stringify!($name), "::KIND, \"", $kind, "\");")]
            /// ```
            pub const KIND: &'static str = $kind;
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::new(s))
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// 社区 — the id of a community.
    CommunityId, "community");
string_id!(
    /// 片区 — the id of a zone.
    ZoneId, "zone");
string_id!(
    /// 网格 — the id of a grid.
    GridId, "grid");
string_id!(
    /// 居民小组 — the id of a resident group.
    GroupId, "resident group");
string_id!(
    /// 楼栋 — the id of a building.
    BuildingId, "building");
string_id!(
    /// 户 — the id of a household.
    HouseholdId, "household");
string_id!(
    /// The id of a person in the registry (not the resident ID number, see [`crate::ResidentId`]).
    PersonId, "person");
string_id!(
    /// A staff member: a grid keeper (网格责任人), volunteer or informant.
    StaffId, "staff member");
string_id!(
    /// The id of an event: unique across devices (a UUID, or `device:sequence`).
    EventId, "event");
