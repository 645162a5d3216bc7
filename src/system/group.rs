//! Named groups of atoms: the sets that thermostats, momentum removal and analysis act on.
//!
//! A group is a sorted list of atom indices stored by name in [`System::groups`]. Groups come
//! from the structure (each particle of an assembly is stored as a group) or from the input file,
//! where a [`GroupSpec`] selects atoms by stored group, species, region, id or index, and by
//! unions, intersections and complements of those. The name `all` always means every atom and
//! cannot be redefined.
//!
//! Groups are static: a region selects the atoms inside it when the group is defined (at the
//! start of the run), as LAMMPS's `group ID region` does; atoms keep their membership as they
//! move.
//!
//! ```ron
//! groups: [
//!     (name: "top", select: Region(Slab(axis: Z, lo: 20.0, hi: 40.0))),
//!     (name: "core", select: Region(Sphere(centre: (0.0, 0.0, 0.0), radius: 8.0))),
//!     (name: "fe", select: Species(["Fe"])),
//!     (name: "shell", select: Intersection([Group("particle1"), Not(Group("core"))])),
//! ]
//! ```

use serde::{Deserialize, Serialize};

use super::{System, Vec3};
use crate::error::{Error, Result};

/// The name that always means every atom.
pub const ALL: &str = "all";

/// A group defined in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Name by which thermostats, momentum removal and analysis address the group.
    pub name: String,
    /// Which atoms belong to it.
    pub select: Selection,
}

/// A rule selecting atoms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Selection {
    /// Every atom.
    All,
    /// The atoms of a group stored with the structure (a particle) or defined earlier.
    Group(String),
    /// Atoms of these species, by name.
    Species(Vec<String>),
    /// Atoms inside a region, at the positions they have when the group is defined.
    Region(Region),
    /// Atoms with these ids (the ids of the data file; 1-based for lattices).
    Ids(Vec<u64>),
    /// Atoms with ids from the first to the second, both included.
    IdRange(u64, u64),
    /// Atoms at these 0-based positions in the system.
    Indices(Vec<u32>),
    /// Atoms selected by any of the rules.
    Union(Vec<Selection>),
    /// Atoms selected by every one of the rules.
    Intersection(Vec<Selection>),
    /// Atoms not selected by the rule.
    Not(Box<Selection>),
}

/// A region of space; boundaries are included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Region {
    /// An axis-aligned block from `lo` to `hi` [A].
    Block {
        /// Lower corner [A].
        lo: [f64; 3],
        /// Upper corner [A].
        hi: [f64; 3],
    },
    /// A sphere.
    Sphere {
        /// Centre [A].
        centre: [f64; 3],
        /// Radius [A].
        radius: f64,
    },
    /// The slab `lo <= x[axis] <= hi` [A], unbounded along the other two axes.
    Slab {
        /// Axis normal to the slab.
        axis: Axis,
        /// Lower bound [A].
        lo: f64,
        /// Upper bound [A].
        hi: f64,
    },
}

/// A Cartesian axis.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Axis {
    X,
    Y,
    Z,
}

impl Axis {
    fn index(self) -> usize {
        match self {
            Axis::X => 0,
            Axis::Y => 1,
            Axis::Z => 2,
        }
    }
}

impl Region {
    /// Whether the point `x` [A] lies in the region (boundaries included).
    pub fn contains(&self, x: &Vec3) -> bool {
        match self {
            Region::Block { lo, hi } => (0..3).all(|k| lo[k] <= x[k] && x[k] <= hi[k]),
            Region::Sphere { centre, radius } => {
                (x - Vec3::from(*centre)).norm_squared() <= radius * radius
            }
            Region::Slab { axis, lo, hi } => {
                let c = x[axis.index()];
                *lo <= c && c <= *hi
            }
        }
    }

    fn check(&self) -> Result<()> {
        let ok = match self {
            Region::Block { lo, hi } => (0..3).all(|k| lo[k] <= hi[k]),
            Region::Sphere { radius, .. } => *radius >= 0.0,
            Region::Slab { lo, hi, .. } => lo <= hi,
        };
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(format!(
                "region {self:?} is empty: lower bounds must not exceed upper bounds and radii must be >= 0"
            )))
        }
    }
}

impl Selection {
    /// The selected atoms as a mask over the atoms of `system`.
    pub fn mask(&self, system: &System) -> Result<Vec<bool>> {
        let n = system.len();
        Ok(match self {
            Selection::All => vec![true; n],
            Selection::Group(name) => {
                let mut mask = vec![false; n];
                for i in group_indices(system, name)? {
                    mask[i as usize] = true;
                }
                mask
            }
            Selection::Species(names) => {
                let wanted = names
                    .iter()
                    .map(|s| system.species.require(s).map(|t| t as u32))
                    .collect::<Result<Vec<_>>>()?;
                system.types.iter().map(|t| wanted.contains(t)).collect()
            }
            Selection::Region(region) => {
                region.check()?;
                system
                    .positions
                    .iter()
                    .map(|x| region.contains(x))
                    .collect()
            }
            Selection::Ids(ids) => ids_mask(system, ids)?,
            Selection::IdRange(first, last) => {
                if first > last {
                    return Err(Error::invalid(format!(
                        "group selection IdRange({first}, {last}): the first id exceeds the last"
                    )));
                }
                system
                    .ids
                    .iter()
                    .map(|id| first <= id && id <= last)
                    .collect()
            }
            Selection::Indices(indices) => indices_mask(n, indices)?,
            Selection::Union(parts) => combined_mask(system, parts, false, |m, s| *m |= s)?,
            Selection::Intersection(parts) => combined_mask(system, parts, true, |m, s| *m &= s)?,
            Selection::Not(inner) => inner.mask(system)?.into_iter().map(|m| !m).collect(),
        })
    }

    /// The selected atoms as sorted indices.
    pub fn select(&self, system: &System) -> Result<Vec<u32>> {
        Ok(self
            .mask(system)?
            .into_iter()
            .enumerate()
            .filter_map(|(i, m)| m.then_some(i as u32))
            .collect())
    }
}

/// The mask of the atoms whose ids are in `ids`; every id must be an atom's.
fn ids_mask(system: &System, ids: &[u64]) -> Result<Vec<bool>> {
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    let mask: Vec<bool> = system
        .ids
        .iter()
        .map(|id| sorted.binary_search(id).is_ok())
        .collect();
    let found = mask.iter().filter(|&&m| m).count();
    sorted.dedup();
    if found != sorted.len() {
        let missing = sorted.iter().find(|id| !system.ids.contains(id));
        return Err(Error::invalid(format!(
            "group selection Ids: no atom has id {}",
            missing.copied().unwrap_or_default()
        )));
    }
    Ok(mask)
}

/// The mask of `indices` (0-based) over `n` atoms; every index must be below `n`.
fn indices_mask(n: usize, indices: &[u32]) -> Result<Vec<bool>> {
    let mut mask = vec![false; n];
    for &i in indices {
        if i as usize >= n {
            return Err(Error::invalid(format!(
                "group selection Indices: index {i} is beyond the {n} atoms (indices start at 0)"
            )));
        }
        mask[i as usize] = true;
    }
    Ok(mask)
}

/// The masks of `parts` combined atom by atom with `combine`, starting from `start` (false
/// for a union, true for an intersection).
fn combined_mask(
    system: &System,
    parts: &[Selection],
    start: bool,
    combine: impl Fn(&mut bool, bool),
) -> Result<Vec<bool>> {
    let mut mask = vec![start; system.len()];
    for p in parts {
        for (m, s) in mask.iter_mut().zip(p.mask(system)?) {
            combine(m, s);
        }
    }
    Ok(mask)
}

/// The sorted atom indices of the stored group `name` (or of every atom for `all`), or an error
/// listing the groups that exist.
pub fn group_indices(system: &System, name: &str) -> Result<Vec<u32>> {
    if name == ALL {
        return Ok((0..system.len() as u32).collect());
    }
    system.groups.get(name).cloned().ok_or_else(|| {
        let known: Vec<&str> = std::iter::once(ALL)
            .chain(system.groups.keys().map(String::as_str))
            .collect();
        Error::invalid(format!(
            "unknown group \"{name}\" (groups: {})",
            known.join(", ")
        ))
    })
}

/// Evaluates `specs` in order (a group may use the ones before it) and stores each in
/// `system.groups`. A name may be defined only once and never as `all`.
pub fn define_groups(system: &mut System, specs: &[GroupSpec]) -> Result<()> {
    for spec in specs {
        let name = spec.name.trim();
        if name.is_empty() || name != spec.name || name.contains(char::is_whitespace) {
            return Err(Error::invalid(format!(
                "group name \"{}\" must be non-empty and have no spaces",
                spec.name
            )));
        }
        if name == ALL {
            return Err(Error::invalid(
                "group \"all\" is built in (every atom) and cannot be redefined",
            ));
        }
        if system.groups.contains_key(name) {
            return Err(Error::invalid(format!(
                "group \"{name}\" is defined twice (or already stored with the structure)"
            )));
        }
        let members = spec.select.select(system).map_err(|e| match e {
            Error::Invalid(m) => Error::invalid(format!("group \"{name}\": {m}")),
            other => other,
        })?;
        system.groups.insert(name.to_string(), members);
    }
    Ok(())
}

/// The atoms something acts on: every atom of the system, or a sorted list of indices that is
/// not every atom.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Members {
    /// Every atom.
    All,
    /// Sorted atom indices, fewer than all atoms.
    Indices(Vec<u32>),
}

impl Members {
    /// The members of the group `name` of `system` (`all` or a stored group).
    pub fn of_group(system: &System, name: &str) -> Result<Self> {
        Ok(Self::from_indices(
            group_indices(system, name)?,
            system.len(),
        ))
    }

    /// Members from sorted indices out of `natoms` atoms; a list covering every atom becomes
    /// [`Members::All`].
    pub fn from_indices(indices: Vec<u32>, natoms: usize) -> Self {
        if indices.len() == natoms {
            Members::All
        } else {
            Members::Indices(indices)
        }
    }

    /// Number of members among `natoms` atoms.
    pub fn count(&self, natoms: usize) -> usize {
        match self {
            Members::All => natoms,
            Members::Indices(v) => v.len(),
        }
    }

    /// True when every atom is a member.
    pub fn is_all(&self) -> bool {
        matches!(self, Members::All)
    }

    /// The member indices, in increasing order, among `natoms` atoms.
    pub fn iter(&self, natoms: usize) -> impl Iterator<Item = usize> + '_ {
        let (range, list) = match self {
            Members::All => (0..natoms, None),
            Members::Indices(v) => (0..0, Some(v.iter().map(|&i| i as usize))),
        };
        range.chain(list.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{SimBox, SpeciesTable};

    fn line_of_atoms() -> System {
        let species = SpeciesTable::elements(&["Pt", "Fe"]).unwrap();
        let simbox = SimBox::new([0.0; 3], [10.0; 3], [false; 3]).unwrap();
        let mut s = System::new(simbox, species);
        for i in 0..10u64 {
            let x = Vec3::new(i as f64 + 0.5, 5.0, 5.0);
            s.push(i + 1, (i % 2) as u32, x, Vec3::zeros());
        }
        s.groups.insert("particle1".into(), vec![0, 1, 2, 3, 4]);
        s
    }

    #[test]
    fn selections_pick_the_right_atoms() {
        let s = line_of_atoms();
        let sel = |x: Selection| x.select(&s).unwrap();
        assert_eq!(sel(Selection::Species(vec!["Fe".into()])), [1, 3, 5, 7, 9]);
        let slab = Region::Slab {
            axis: Axis::X,
            lo: 2.0,
            hi: 4.5,
        };
        assert_eq!(sel(Selection::Region(slab)), [2, 3, 4]);
        let sphere = Region::Sphere {
            centre: [0.5, 5.0, 5.0],
            radius: 1.0,
        };
        assert_eq!(sel(Selection::Region(sphere)), [0, 1]);
        let block = Region::Block {
            lo: [8.0, 0.0, 0.0],
            hi: [10.0, 10.0, 10.0],
        };
        assert_eq!(sel(Selection::Region(block)), [8, 9]);
        assert_eq!(sel(Selection::Ids(vec![10, 1])), [0, 9]);
        assert_eq!(sel(Selection::IdRange(3, 5)), [2, 3, 4]);
        assert_eq!(sel(Selection::Indices(vec![7, 2])), [2, 7]);
        let shell = Selection::Intersection(vec![
            Selection::Group("particle1".into()),
            Selection::Not(Box::new(Selection::Species(vec!["Pt".into()]))),
        ]);
        assert_eq!(sel(shell), [1, 3]);
        let either = Selection::Union(vec![Selection::Indices(vec![9]), Selection::IdRange(1, 2)]);
        assert_eq!(sel(either), [0, 1, 9]);
        assert_eq!(sel(Selection::All).len(), 10);
    }

    #[test]
    fn bad_selections_are_errors() {
        let mut s = line_of_atoms();
        let err = |x: Selection| x.select(&s).unwrap_err().to_string();
        assert_eq!(
            err(Selection::Group("nope".into())),
            "unknown group \"nope\" (groups: all, particle1)"
        );
        assert_eq!(
            err(Selection::Ids(vec![3, 42])),
            "group selection Ids: no atom has id 42"
        );
        assert!(err(Selection::Indices(vec![10])).contains("index 10 is beyond the 10 atoms"));
        assert!(err(Selection::Species(vec!["Au".into()])).contains("unknown species Au"));
        let spec = |name: &str| GroupSpec {
            name: name.into(),
            select: Selection::All,
        };
        let e = define_groups(&mut s, &[spec("all")]).unwrap_err();
        assert!(e.to_string().contains("cannot be redefined"));
        let e = define_groups(&mut s, &[spec("particle1")]).unwrap_err();
        assert!(e.to_string().contains("defined twice"));
        let e = define_groups(&mut s, &[spec("a b")]).unwrap_err();
        assert!(e.to_string().contains("no spaces"));
    }

    #[test]
    fn groups_are_defined_in_order_and_members_normalise() {
        let mut s = line_of_atoms();
        let specs = [
            GroupSpec {
                name: "left".into(),
                select: Selection::Region(Region::Slab {
                    axis: Axis::X,
                    lo: 0.0,
                    hi: 3.0,
                }),
            },
            GroupSpec {
                name: "rest".into(),
                select: Selection::Not(Box::new(Selection::Group("left".into()))),
            },
            GroupSpec {
                name: "everything".into(),
                select: Selection::Union(vec![
                    Selection::Group("left".into()),
                    Selection::Group("rest".into()),
                ]),
            },
        ];
        define_groups(&mut s, &specs).unwrap();
        assert_eq!(s.groups["left"], [0, 1, 2]);
        assert_eq!(s.groups["rest"], [3, 4, 5, 6, 7, 8, 9]);
        assert_eq!(Members::of_group(&s, "everything").unwrap(), Members::All);
        let left = Members::of_group(&s, "left").unwrap();
        assert_eq!(left.count(10), 3);
        assert_eq!(left.iter(10).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(Members::All.iter(3).collect::<Vec<_>>(), [0, 1, 2]);
    }
}
