//! The part of the community a [`Schedule`](super::Schedule) holds, and how a schedule
//! decides, cheaply, which persons and households it need not compute.

use super::engine::Ob;
use crate::registry::state::{Change, NONE, State};
use crate::{GridId, PersonId, Registry, StaffId};

/// 范围 — the part of the community a [`Schedule`](super::Schedule) holds: everything, some
/// grids (a keeper's), or some persons.
///
/// A scoped schedule holds exactly the obligations of the whole community's schedule that
/// fall in its scope, computed only for the persons and households that can have one there,
/// and stays so through [`Schedule::refresh_after`](super::Schedule::refresh_after). A keeper's
/// phone builds the schedule of the keeper's grids (one of about twenty in a community) in a
/// fraction of the time of the whole community's.
///
/// # Example
///
/// ```
/// use famplan::{Period, Registry, RuleSet, Schedule, Scope};
/// let reg = Registry::example();
/// let year = Period::year(2026).unwrap();
/// let g2 = Schedule::scoped(&reg, RuleSet::default_rules(), year, Scope::Grids(vec!["g2".into()]));
/// let all = Schedule::new(&reg, RuleSet::default_rules(), year);
/// let on = "2026-06-10".parse()?;
/// assert_eq!(g2.work_list(&reg, &"g2".into(), on).items.len(), all.work_list(&reg, &"g2".into(), on).items.len());
/// // p1 lives in g1: outside the scope.
/// assert!(g2.person(&reg, &"p1".into(), on).is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Scope {
    /// 全社区 — every obligation.
    #[default]
    Community,
    /// 网格 — the obligations assigned to these grids: every person's and household's
    /// obligation whose grid (where the household lived on the due date) is one of them.
    Grids(Vec<GridId>),
    /// 个人 — the obligations of these persons (their own, not their households').
    Persons(Vec<PersonId>),
}

impl Scope {
    /// The grids a keeper keeps (网格责任人), from the area tree: the scope of the keeper's
    /// work list ([`Schedule::keeper_work_list`](super::Schedule::keeper_work_list)).
    ///
    /// # Example
    ///
    /// ```
    /// use famplan::{Registry, Scope};
    /// let reg = Registry::example();
    /// assert_eq!(Scope::keeper(&reg, &"k2".into()), Scope::Grids(vec!["g2".into()]));
    /// assert_eq!(Scope::keeper(&reg, &"nobody".into()), Scope::Grids(vec![]));
    /// ```
    pub fn keeper(reg: &Registry, keeper: &StaffId) -> Scope {
        Scope::Grids(reg.areas().grids_kept_by(keeper))
    }
}

/// A [`Scope`] resolved against a registry: grid and person indices.
#[derive(Clone, Debug)]
pub(crate) enum Resolved {
    All,
    /// Grid indices, sorted.
    Grids(Vec<u32>),
    /// Person indices, sorted.
    Persons(Vec<u32>),
}

impl Resolved {
    /// Resolves `scope` on `st`; ids the registry does not know (yet) are left out.
    pub(crate) fn new(scope: &Scope, st: &State) -> Resolved {
        let sorted = |mut v: Vec<u32>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        match scope {
            Scope::Community => Resolved::All,
            Scope::Grids(gs) => {
                Resolved::Grids(sorted(gs.iter().filter_map(|g| st.areas.grid_index(g.as_str())).collect()))
            }
            Scope::Persons(ps) => {
                Resolved::Persons(sorted(ps.iter().filter_map(|p| st.person_ids.find(p.as_str())).collect()))
            }
        }
    }

    /// Whether the scope holds this obligation.
    #[inline]
    pub(crate) fn holds(&self, ob: &Ob) -> bool {
        match self {
            Resolved::All => true,
            Resolved::Grids(gs) => gs.binary_search(&ob.grid).is_ok(),
            Resolved::Persons(ps) => ob.person != NONE && ps.binary_search(&ob.person).is_ok(),
        }
    }

    /// Whether the scope can hold household obligations at all.
    pub(crate) fn has_households(&self) -> bool {
        !matches!(self, Resolved::Persons(_))
    }

    /// Keeps the obligations of `obs[from..]` that the scope holds, in order.
    pub(crate) fn retain_from(&self, obs: &mut Vec<Ob>, from: usize) {
        if matches!(self, Resolved::All) {
            return;
        }
        let mut w = from;
        for r in from..obs.len() {
            if self.holds(&obs[r]) {
                obs[w] = obs[r];
                w += 1;
            }
        }
        obs.truncate(w);
    }

    /// Per household: whether it was ever placed in one of the scope's grids (every
    /// household for the whole community, none for persons). A household obligation's grid
    /// is one of its places, so a household outside this set has none in the scope.
    pub(crate) fn households(&self, st: &State) -> Vec<bool> {
        match self {
            Resolved::All => vec![true; st.households.len()],
            Resolved::Persons(_) => vec![false; st.households.len()],
            Resolved::Grids(gs) => st
                .households
                .iter()
                .map(|h| {
                    let inside = |g: u32| gs.binary_search(&g).is_ok();
                    inside(h.place.grid) || h.move_list().iter().any(|(_, p)| inside(p.grid))
                })
                .collect(),
        }
    }
}

/// Every household person `p` ever belongs to, without folding her facts: the one she was
/// registered into and every one she moved into or was rehoused to (a superset of the
/// households the engine's fold passes through, whatever the dates).
pub(crate) fn homes_of(st: &State, p: u32, out: &mut Vec<u32>) {
    out.clear();
    out.push(st.persons[p as usize].household);
    for f in st.facts_of(p) {
        if let Change::MovedIn(_, h) | Change::Rehoused(h) = f.change {
            if !out.contains(&h) {
                out.push(h);
            }
        }
    }
}
