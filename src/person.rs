//! People (DOMAIN §3): sex, marital status, residency, tags, and a person's state on a date.

use crate::{CaseFileStatus, HouseholdId, Method, PersonId, Phone, ResidentId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

macro_rules! code_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* #[serde(rename = $code $(, alias = $alias)*)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("assert!(!famplan::", stringify!($name), "::ALL.is_empty());")]
            /// ```
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in files (`snake_case`).
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("let first = famplan::", stringify!($name), "::ALL[0];")]
            #[doc = concat!("assert_eq!(first.code().parse::<famplan::", stringify!($name), ">(), Ok(first));")]
            /// ```
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// Parses a code as written in files; `None` if it is not one.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("let first = famplan::", stringify!($name), "::ALL[0];")]
            #[doc = concat!("assert_eq!(famplan::", stringify!($name), "::from_code(first.code()), Some(first));")]
            #[doc = concat!("assert_eq!(famplan::", stringify!($name), "::from_code(\"no such code\"), None);")]
            /// ```
            pub fn from_code(s: &str) -> Option<$name> {
                match s { $($code $(| $alias)* => Some($name::$variant),)+ _ => None }
            }

            /// The accepted codes, for error messages.
            ///
            /// # Example
            ///
            /// ```
            #[doc = concat!("assert!(famplan::", stringify!($name), "::codes().contains(famplan::", stringify!($name), "::ALL[0].code()));")]
            /// ```
            pub fn codes() -> String {
                [$($code),+].join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $name::from_code(s).ok_or_else(|| format!("`{s}` is not one of {}", $name::codes()))
            }
        }
    };
}
pub(crate) use code_enum;

code_enum!(
    /// Sex as recorded; files write `F` and `M`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Sex;
    /// assert_eq!("F".parse::<Sex>(), Ok(Sex::Female));
    /// assert_eq!(Sex::Male.code(), "M");
    /// ```
    Sex { /** 女 */ Female = "F" | "female", /** 男 */ Male = "M" | "male" }
);

code_enum!(
    /// 婚姻状况 — marital status.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::MaritalStatus;
    /// assert_eq!("widowed".parse::<MaritalStatus>(), Ok(MaritalStatus::Widowed));
    /// assert!("engaged".parse::<MaritalStatus>().is_err());
    /// ```
    MaritalStatus { /** 未婚 */ Single = "single", /** 已婚 */ Married = "married", /** 离婚 */ Divorced = "divorced", /** 丧偶 */ Widowed = "widowed" }
);

code_enum!(
    /// 户籍性质 — where a person's household registration is and where they live.
    ///
    /// The resident population on a date is `registered` + `floating`.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::Residency;
    /// assert!(Residency::Floating.is_resident());
    /// assert!(!Residency::MovedOut.is_resident());
    /// ```
    Residency {
        /** 户籍 — hukou here, lives here. */ Registered = "registered",
        /** 流入 — hukou elsewhere, lives here. */ Floating = "floating",
        /** 流出 — hukou here, lives elsewhere. */ MovedOut = "moved_out",
        /** Left the registry: moved away for good or died. */ Departed = "departed"
    }
);

impl Residency {
    /// Registered or floating: counted in the resident population.
    ///
    /// # Example
    ///
    /// ```
    /// assert!(famplan::Residency::Registered.is_resident());
    /// ```
    pub fn is_resident(self) -> bool {
        matches!(self, Residency::Registered | Residency::Floating)
    }
}

code_enum!(
    /// Relation to the head of the household.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!("spouse".parse::<famplan::Relation>(), Ok(famplan::Relation::Spouse));
    /// ```
    Relation {
        /** 户主 */ Head = "head", /** 配偶 */ Spouse = "spouse", /** 子女 */ Child = "child",
        /** 父母 */ Parent = "parent", /** 其他亲属 */ Relative = "relative", /** 其他 */ Other = "other"
    }
);

/// A tag on a person (DOMAIN §3): free text so a community can add its own.
///
/// Two tags have a meaning in the library: [`Tag::KEY_POPULATION`] (重点人群) and
/// [`Tag::SPECIAL_CLIENT`] (特殊对象, material delivered at home).
///
/// # Example
///
/// ```
/// use famplan::Tag;
/// let t = Tag::new("key_population");
/// assert_eq!(t, Tag::key_population());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tag(Box<str>);

impl Tag {
    /// 重点人群 — the key population.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::KEY_POPULATION, "key_population");
    /// ```
    pub const KEY_POPULATION: &'static str = "key_population";
    /// 特殊对象 — special client.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::SPECIAL_CLIENT, "special_client");
    /// ```
    pub const SPECIAL_CLIENT: &'static str = "special_client";

    /// Any tag.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::new("volunteer").as_str(), "volunteer");
    /// ```
    pub fn new(s: impl Into<String>) -> Tag {
        Tag(s.into().into_boxed_str())
    }
    /// The key-population tag.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::key_population().as_str(), "key_population");
    /// ```
    pub fn key_population() -> Tag {
        Tag::new(Tag::KEY_POPULATION)
    }
    /// The special-client tag.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::special_client().as_str(), "special_client");
    /// ```
    pub fn special_client() -> Tag {
        Tag::new(Tag::SPECIAL_CLIENT)
    }
    /// The tag's text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::Tag::new("x").as_str(), "x");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Tag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person as registered (after corrections), with no date-dependent state.
///
/// Get one from [`Registry::person`](crate::Registry::person); the state on a date is
/// [`PersonState`].
///
/// # Example
///
/// ```
/// use famplan::{Registry, Sex};
/// let reg = Registry::example();
/// let p = reg.person(&"p1".into()).unwrap();
/// assert_eq!(p.sex, Sex::Female);
/// assert_eq!(p.household.as_str(), "h1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Person {
    /// Registry id.
    pub id: PersonId,
    /// Full name; may be empty when a snapshot gave none.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Resident ID number, if known.
    pub id_number: Option<ResidentId>,
    /// Phone, if known.
    pub phone: Option<Phone>,
    /// The household the person belongs to now (latest known).
    pub household: HouseholdId,
    /// Relation to the head of that household.
    pub relation: Option<Relation>,
    /// The date the person entered the registry.
    pub registered_on: NaiveDate,
    /// Fields whose recorded value disagrees with the resident ID number (`birth_date`,
    /// `sex`): such a record is flagged for checking (DOMAIN §12).
    pub flags: Vec<&'static str>,
}

/// A person's state on one date (DOMAIN §3), derived from the events seen as of then.
///
/// It borrows ids from the registry, so building one allocates nothing: counting a million
/// people stays cheap.
///
/// # Example
///
/// ```
/// use famplan::{MaritalStatus, Registry, Residency};
/// let reg = Registry::example();
/// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
/// assert_eq!(s.age, 30);
/// assert!(s.is_wra() && s.is_married_wra());
/// assert_eq!(s.residency, Residency::Registered);
/// assert_eq!(s.grid, "g1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct PersonState<'r> {
    /// The date this state holds on.
    pub on: NaiveDate,
    /// Sex (from the record, corrections applied).
    pub sex: Sex,
    /// Completed years on `on`.
    pub age: u32,
    /// Residency on `on`.
    pub residency: Residency,
    /// Marital status on `on`.
    pub marital: MaritalStatus,
    /// Since when, if dated.
    pub marital_since: Option<NaiveDate>,
    /// Household on `on`.
    pub household: &'r str,
    /// Grid of that household on `on`.
    pub grid: &'r str,
    /// The contraceptive method in use (`none` if nothing or not recorded).
    pub method: Method,
    /// False when a snapshot left the method empty (not even `none`).
    pub method_recorded: bool,
    /// Since when, if dated.
    pub method_since: Option<NaiveDate>,
    /// The case file's status on `on`.
    pub case_file: CaseFileStatus,
    /// Pregnant on `on` (a pregnancy was reported and has not ended).
    pub pregnant: bool,
    /// Date of the most recent live birth on or before `on`.
    pub last_birth: Option<NaiveDate>,
    /// Tags on `on`.
    pub tags: Tags<'r>,
    #[serde(skip)]
    pub(crate) grid_ix: u32,
    #[serde(skip)]
    pub(crate) household_ix: u32,
}

impl PersonState<'_> {
    /// 育龄妇女: female and 15 ≤ age ≤ 49 (DOMAIN §3). Residency is not checked here:
    /// see [`PersonState::is_resident_wra`].
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert!(s.is_wra());
    /// ```
    pub fn is_wra(&self) -> bool {
        self.sex == Sex::Female && (15..=49).contains(&self.age)
    }

    /// A WRA who is part of the resident population (registered or floating).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert!(s.is_resident_wra());
    /// ```
    pub fn is_resident_wra(&self) -> bool {
        self.is_wra() && self.residency.is_resident()
    }

    /// 已婚育龄妇女: a WRA whose marital status is `married` (divorced and widowed excluded).
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert!(s.is_married_wra());
    /// ```
    pub fn is_married_wra(&self) -> bool {
        self.is_wra() && self.marital == MaritalStatus::Married
    }

    /// True when the person carries `tag` on this date.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p3".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert!(s.has_tag("key_population"));
    /// ```
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.contains(tag)
    }
}

/// The tags a person carries on a date: a set borrowed from the registry.
///
/// # Example
///
/// ```
/// let reg = famplan::Registry::example();
/// let s = reg.state(&"p3".into(), "2026-06-30".parse().unwrap()).unwrap();
/// assert_eq!(s.tags.iter().collect::<Vec<_>>(), ["key_population"]);
/// ```
#[derive(Clone, Copy)]
pub struct Tags<'r> {
    pub(crate) bits: u64,
    pub(crate) names: &'r [Box<str>],
}

impl<'r> Tags<'r> {
    /// True when the set holds `tag`.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert!(!s.tags.contains("key_population"));
    /// ```
    pub fn contains(&self, tag: &str) -> bool {
        self.iter().any(|t| t == tag)
    }

    /// The tags, in the order the registry first saw them.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let s = reg.state(&"p1".into(), "2026-06-30".parse().unwrap()).unwrap();
    /// assert_eq!(s.tags.iter().count(), 0);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = &'r str> + 'r {
        let (bits, names) = (self.bits, self.names);
        (0..names.len()).filter(move |i| bits & (1u64 << i) != 0).map(move |i| &*names[i])
    }

    /// True when there are none.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.state(&"p2".into(), "2026-06-30".parse().unwrap()).unwrap().tags.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.bits == 0
    }
}

impl PartialEq for Tags<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Tags<'_> {}

impl std::fmt::Debug for Tags<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl Serialize for Tags<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}
