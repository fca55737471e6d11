//! 网格化管理 — the area tree (DOMAIN §2): community → zone → grid → resident group → building.
//!
//! Each record holds only its parent's id; the ancestry is derived.

use crate::person::code_enum;
use crate::{BuildingId, CommunityId, GridId, GroupId, StaffId, ZoneId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

code_enum!(
    /// A level of the area tree, also a way to group rates.
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::AreaLevel;
    /// assert_eq!(AreaLevel::Grid.parent(), Some(AreaLevel::Zone));
    /// assert_eq!(AreaLevel::Community.parent(), None);
    /// ```
    AreaLevel {
        /** 社区 */ Community = "community",
        /** 片区 */ Zone = "zone",
        /** 网格 */ Grid = "grid",
        /** 居民小组 */ Group = "group" | "resident_group",
        /** 楼栋 */ Building = "building"
    }
);

impl AreaLevel {
    /// The level above, if any.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::AreaLevel::Building.parent(), Some(famplan::AreaLevel::Group));
    /// ```
    pub fn parent(self) -> Option<AreaLevel> {
        match self {
            AreaLevel::Community => None,
            AreaLevel::Zone => Some(AreaLevel::Community),
            AreaLevel::Grid => Some(AreaLevel::Zone),
            AreaLevel::Group => Some(AreaLevel::Grid),
            AreaLevel::Building => Some(AreaLevel::Group),
        }
    }
}

code_enum!(
    /// The role of a staff member or helper attached to an area.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::StaffRole::Keeper.code(), "keeper");
    /// ```
    StaffRole {
        /** 网格责任人 — one per grid, also data collector and informant (一岗多责). */ Keeper = "keeper",
        /** 楼栋长 — leads a resident group. */ BuildingHead = "building_head",
        /** 志愿者 */ Volunteer = "volunteer",
        /** 信息员 */ Informant = "informant",
        /** 计生协会会员 */ AssociationMember = "association_member"
    }
);

/// One node of the area tree.
///
/// # Example
///
/// ```
/// use famplan::{AreaLevel, Registry};
/// let reg = Registry::example();
/// let g = reg.areas().get(AreaLevel::Grid, "g1").unwrap();
/// assert_eq!(g.parent.as_deref(), Some("z1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// The level.
    pub level: AreaLevel,
    /// The id (unique within its level).
    pub id: String,
    /// The parent's id (none for a community).
    pub parent: Option<String>,
    /// A display name.
    pub name: Option<String>,
}

/// A staff member or helper and the area they are attached to.
///
/// # Example
///
/// ```
/// use famplan::{Registry, StaffRole};
/// let reg = Registry::example();
/// let k = reg.areas().keeper(&"g1".into()).unwrap();
/// assert_eq!(k.role, StaffRole::Keeper);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    /// The staff id.
    pub id: StaffId,
    /// Name.
    pub name: Option<String>,
    /// Role.
    pub role: StaffRole,
    /// The level of the area they are attached to.
    pub level: AreaLevel,
    /// The area's id.
    pub area: String,
}

/// The area tree and the staff attached to it.
///
/// # Example
///
/// ```
/// use famplan::{AreaLevel, Registry};
/// let reg = Registry::example();
/// assert_eq!(reg.areas().ancestor(AreaLevel::Grid, "g1", AreaLevel::Community), Some("c1"));
/// assert_eq!(reg.areas().children(AreaLevel::Zone, "z1").count(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "AreasData", into = "AreasData")]
pub struct Areas {
    levels: [Vec<Area>; 5],
    index: [HashMap<String, u32>; 5],
    staff: Vec<Staff>,
}

/// The serialised form of [`Areas`]: the nodes and the staff; the index is rebuilt.
#[derive(Serialize, Deserialize)]
struct AreasData {
    levels: [Vec<Area>; 5],
    staff: Vec<Staff>,
}

impl From<Areas> for AreasData {
    fn from(a: Areas) -> AreasData {
        AreasData { levels: a.levels, staff: a.staff }
    }
}

impl From<AreasData> for Areas {
    fn from(d: AreasData) -> Areas {
        let index =
            std::array::from_fn(|l| d.levels[l].iter().enumerate().map(|(i, a)| (a.id.clone(), i as u32)).collect());
        Areas { levels: d.levels, index, staff: d.staff }
    }
}

fn slot(level: AreaLevel) -> usize {
    level as usize
}

impl Areas {
    /// Looks a node up.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert!(reg.areas().get(famplan::AreaLevel::Zone, "nope").is_none());
    /// ```
    pub fn get(&self, level: AreaLevel, id: &str) -> Option<&Area> {
        self.index[slot(level)].get(id).map(|&i| &self.levels[slot(level)][i as usize])
    }

    /// Every node of a level, in the order they were defined.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.areas().all(famplan::AreaLevel::Grid).len(), 2);
    /// ```
    pub fn all(&self, level: AreaLevel) -> &[Area] {
        &self.levels[slot(level)]
    }

    /// The children of a node.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// let grids: Vec<_> = reg.areas().children(famplan::AreaLevel::Zone, "z1").map(|a| a.id.as_str()).collect();
    /// assert_eq!(grids, ["g1"]);
    /// ```
    pub fn children<'a>(&'a self, level: AreaLevel, id: &'a str) -> impl Iterator<Item = &'a Area> + 'a {
        let below = match level {
            AreaLevel::Community => Some(AreaLevel::Zone),
            AreaLevel::Zone => Some(AreaLevel::Grid),
            AreaLevel::Grid => Some(AreaLevel::Group),
            AreaLevel::Group => Some(AreaLevel::Building),
            AreaLevel::Building => None,
        };
        below.map(|b| self.all(b)).unwrap_or(&[]).iter().filter(move |a| a.parent.as_deref() == Some(id))
    }

    /// The id of the ancestor of a node at a higher level (or the node itself when
    /// `up == level`).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::AreaLevel;
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.areas().ancestor(AreaLevel::Grid, "g2", AreaLevel::Zone), Some("z2"));
    /// assert_eq!(reg.areas().ancestor(AreaLevel::Grid, "g2", AreaLevel::Grid), Some("g2"));
    /// ```
    pub fn ancestor<'a>(&'a self, level: AreaLevel, id: &'a str, up: AreaLevel) -> Option<&'a str> {
        let mut node = self.get(level, id)?;
        while node.level != up {
            let parent = node.level.parent()?;
            node = self.get(parent, node.parent.as_deref()?)?;
        }
        Some(&node.id)
    }

    /// The keeper of a grid (网格责任人), if one is assigned.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.areas().keeper(&"g1".into()).unwrap().id.as_str(), "k1");
    /// ```
    pub fn keeper(&self, grid: &GridId) -> Option<&Staff> {
        self.staff
            .iter()
            .rev()
            .find(|s| s.role == StaffRole::Keeper && s.level == AreaLevel::Grid && s.area == grid.as_str())
    }

    /// The grids a staff member keeps (网格责任人: the grid's keeper is they, with the role
    /// keeper), in the order the grids were defined.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.areas().grids_kept_by(&"k1".into()), ["g1".into()]);
    /// assert!(reg.areas().grids_kept_by(&"nobody".into()).is_empty());
    /// ```
    pub fn grids_kept_by(&self, keeper: &StaffId) -> Vec<GridId> {
        self.all(AreaLevel::Grid)
            .iter()
            .map(|g| GridId::new(g.id.as_str()))
            .filter(|g| self.keeper(g).is_some_and(|k| k.id == *keeper && k.role == StaffRole::Keeper))
            .collect()
    }

    /// Every staff member and helper.
    ///
    /// # Example
    ///
    /// ```
    /// let reg = famplan::Registry::example();
    /// assert_eq!(reg.areas().staff().len(), 2);
    /// ```
    pub fn staff(&self) -> &[Staff] {
        &self.staff
    }

    pub(crate) fn contains(&self, level: AreaLevel, id: &str) -> bool {
        self.index[slot(level)].contains_key(id)
    }

    /// Adds or renames a node. Returns a reason when its parent is unknown or it would move
    /// under a different parent (use a new id for that).
    pub(crate) fn define(&mut self, area: Area) -> Result<(), String> {
        match (area.level.parent(), &area.parent) {
            (None, Some(p)) => return Err(format!("a community has no parent, found `{p}`")),
            (Some(pl), None) => return Err(format!("a {} needs a parent {}", area.level, pl)),
            (Some(pl), Some(p)) if !self.contains(pl, p) => return Err(format!("unknown {pl} `{p}`")),
            _ => {}
        }
        let s = slot(area.level);
        if let Some(&i) = self.index[s].get(&area.id) {
            let old = &mut self.levels[s][i as usize];
            if old.parent != area.parent {
                return Err(format!(
                    "{} `{}` is already under `{}`",
                    area.level,
                    area.id,
                    old.parent.as_deref().unwrap_or("")
                ));
            }
            if area.name.is_some() {
                old.name = area.name;
            }
            return Ok(());
        }
        self.index[s].insert(area.id.clone(), self.levels[s].len() as u32);
        self.levels[s].push(area);
        Ok(())
    }

    pub(crate) fn attach(&mut self, staff: Staff) -> Result<(), String> {
        if !self.contains(staff.level, &staff.area) {
            return Err(format!("unknown {} `{}`", staff.level, staff.area));
        }
        self.staff.retain(|s| !(s.id == staff.id && s.role == staff.role && s.area == staff.area));
        self.staff.push(staff);
        Ok(())
    }

    pub(crate) fn grid_index(&self, id: &str) -> Option<u32> {
        self.index[slot(AreaLevel::Grid)].get(id).copied()
    }

    pub(crate) fn grid_by_index(&self, i: u32) -> &Area {
        &self.levels[slot(AreaLevel::Grid)][i as usize]
    }

    pub(crate) fn index_of(&self, level: AreaLevel, id: &str) -> Option<u32> {
        self.index[slot(level)].get(id).copied()
    }
}

/// Typed ids of the area levels, for callers that prefer them to strings.
///
/// # Example
///
/// ```
/// use famplan::{AreaRef, GridId};
/// let r = AreaRef::Grid(GridId::new("g1"));
/// assert_eq!(r.id(), "g1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AreaRef {
    /// A community.
    Community(CommunityId),
    /// A zone.
    Zone(ZoneId),
    /// A grid.
    Grid(GridId),
    /// A resident group.
    Group(GroupId),
    /// A building.
    Building(BuildingId),
}

impl AreaRef {
    /// The id as text.
    ///
    /// # Example
    ///
    /// ```
    /// assert_eq!(famplan::AreaRef::Zone("z9".into()).id(), "z9");
    /// ```
    pub fn id(&self) -> &str {
        match self {
            AreaRef::Community(i) => i.as_str(),
            AreaRef::Zone(i) => i.as_str(),
            AreaRef::Grid(i) => i.as_str(),
            AreaRef::Group(i) => i.as_str(),
            AreaRef::Building(i) => i.as_str(),
        }
    }
}
