//! What every pair style shares: the neighbour loops and the per-type-pair parameter table.
//!
//! A pair potential is a [`PairKernel`]: squared distance in, energy and `-(1/r) dV/dr` out. Two
//! loops evaluate a kernel, both with LAMMPS's conventions (each atom gets half of each pair's
//! energy and virial):
//! - [`compute_pair`] reads a full list in parallel over atoms; each atom accumulates only its
//!   own force, energy and virial, so no two threads write the same memory and the sums run in
//!   list order whatever the number of threads. Every pair is evaluated twice (once from each
//!   side).
//! - [`compute_pair_half`] visits each pair once (the owned entries of each row) and adds its
//!   share to both atoms, block by block in the order of the list's
//!   [`crate::neighbor::HalfListSchedule`]: no races, and the same sums for any number of
//!   threads. Half the kernel calls, and a half list is built in about half the time.
//!
//! A style declares the list it reads through [`super::Potential::neighbor_list_kind`] and in
//! its registry entry ([`super::lammps::STYLES`]).
//!
//! The parameters of a style live in a [`PairTable`], one entry per species pair, filled from
//! `pair_coeff I J ...` lines with LAMMPS type ranges ([`read_pair_coeffs`]) or from named
//! species (RON inputs), completed by mixing the like pairs ([`Mixing`], [`PairCoeffs::mix`]).
//! [`global_cutoff`] reads `pair_style NAME RC` and [`read_pair_modify`] the `shift` and `mix`
//! keywords of `pair_modify`.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::args::{LammpsPair, number, type_range};
use super::{Configuration, ForceOutput};
use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::system::Vec3;

/// Atoms per rayon work unit in force loops.
pub const ATOM_CHUNK: usize = 64;

/// Below this many atoms [`compute_pair_half`] runs on the calling thread (the order of sums is
/// the same either way).
const PARALLEL_ATOMS: usize = 1000;

/// A radial pair interaction between species.
pub trait PairKernel: Send + Sync {
    /// Squared cutoff [A^2] of the species pair `(a, b)`; 0 when they do not interact.
    fn cutoff_squared(&self, a: u32, b: u32) -> f64;

    /// Pair energy V(r) [eV] and `-(1/r) dV/dr` [eV/A^2] of species `(a, b)` at squared
    /// distance `r2` [A^2], for `r2` below the cutoff.
    fn energy_force(&self, a: u32, b: u32, r2: f64) -> (f64, f64);
}

/// Energies, forces and virial of a pair potential from a full neighbour list (LAMMPS
/// conventions: each atom gets half of each pair's energy and virial).
pub fn compute_pair<K: PairKernel>(
    kernel: &K,
    config: Configuration<'_>,
    list: &NeighborList,
    out: &mut ForceOutput,
) {
    let n = config.positions.len();
    out.reset(n);
    let ForceOutput {
        per_atom_energy,
        forces,
        per_atom_virial,
        ..
    } = out;
    forces
        .par_chunks_mut(ATOM_CHUNK)
        .zip(per_atom_energy.par_chunks_mut(ATOM_CHUNK))
        .zip(per_atom_virial.par_chunks_mut(ATOM_CHUNK))
        .enumerate()
        .for_each(|(chunk, ((f, e), w))| {
            let first = chunk * ATOM_CHUNK;
            for k in 0..f.len() {
                let i = first + k;
                let ti = config.types[i];
                let mut fi = Vec3::zeros();
                let mut ei = 0.0;
                let mut wi = [0.0; 6];
                for nb in list.iter_row(i, config.positions) {
                    let tj = config.types[nb.j];
                    if nb.r2 >= kernel.cutoff_squared(ti, tj) {
                        continue;
                    }
                    let (energy, fpair) = kernel.energy_force(ti, tj, nb.r2);
                    let d = nb.delta;
                    // Force on i is fpair * (x_i - x_j) = -fpair * delta.
                    fi -= fpair * d;
                    ei += 0.5 * energy;
                    let h = 0.5 * fpair;
                    wi[0] += h * d.x * d.x;
                    wi[1] += h * d.y * d.y;
                    wi[2] += h * d.z * d.z;
                    wi[3] += h * d.x * d.y;
                    wi[4] += h * d.x * d.z;
                    wi[5] += h * d.y * d.z;
                }
                f[k] = fi;
                e[k] = ei;
                w[k] = wi;
            }
        });
    out.sum_per_atom();
}

/// A raw pointer that threads may share; every use must write disjoint elements.
#[derive(Clone, Copy)]
struct SharedMut<T>(*mut T);
// SAFETY: used only by the scheduled loop, whose concurrent blocks touch disjoint atoms.
unsafe impl<T> Send for SharedMut<T> {}
unsafe impl<T> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    /// # Safety
    /// `k` must be in bounds, and no other thread may access element `k` meanwhile.
    #[inline(always)]
    #[allow(clippy::mut_from_ref)]
    unsafe fn at(&self, k: usize) -> &mut T {
        unsafe { &mut *self.0.add(k) }
    }
}

/// Energies, forces and virial of a pair potential, each pair evaluated once: the owned entries
/// of every row of `list` (half or full, [`NeighborList::owned_row`]), each pair's force,
/// half energy and half virial added to both atoms in the order of the list's schedule. The
/// result is the same for any number of threads; it may differ from [`compute_pair`]'s in the
/// last bits (other summation order).
pub fn compute_pair_half<K: PairKernel>(
    kernel: &K,
    config: Configuration<'_>,
    list: &NeighborList,
    out: &mut ForceOutput,
) {
    let n = config.positions.len();
    assert_eq!(
        list.len(),
        n,
        "neighbour list built for {} atoms, evaluated with {n}",
        list.len()
    );
    assert_eq!(config.types.len(), n);
    out.reset(n);
    let forces = SharedMut(out.forces.as_mut_ptr());
    let energy = SharedMut(out.per_atom_energy.as_mut_ptr());
    let virial = SharedMut(out.per_atom_virial.as_mut_ptr());
    let shifts = list.shifts();
    list.schedule().for_each_block(
        n >= PARALLEL_ATOMS,
        || (),
        |_, atoms| {
            for &i in atoms {
                let i = i as usize;
                let ti = config.types[i];
                let xi = config.positions[i];
                let mut fi = Vec3::zeros();
                let mut ei = 0.0;
                let mut wi = [0.0; 6];
                for (j, image) in list.owned_row(i).iter() {
                    let j = j as usize;
                    let tj = config.types[j];
                    let d = config.positions[j] + shifts[image as usize] - xi;
                    let r2 = d.norm_squared();
                    if r2 >= kernel.cutoff_squared(ti, tj) {
                        continue;
                    }
                    let (pair_energy, fpair) = kernel.energy_force(ti, tj, r2);
                    let fd = fpair * d;
                    let h = 0.5 * fpair;
                    let w = [
                        h * d.x * d.x,
                        h * d.y * d.y,
                        h * d.z * d.z,
                        h * d.x * d.y,
                        h * d.x * d.z,
                        h * d.y * d.z,
                    ];
                    // Force on i is fpair * (x_i - x_j) = -fpair * d; on j, +fpair * d.
                    fi -= fd;
                    ei += 0.5 * pair_energy;
                    for c in 0..6 {
                        wi[c] += w[c];
                    }
                    // SAFETY: j is an atom of this block or a neighbouring one (a list built for
                    // these atoms, checked above), which no other thread touches meanwhile.
                    unsafe {
                        *forces.at(j) += fd;
                        *energy.at(j) += 0.5 * pair_energy;
                        let vj = virial.at(j);
                        for c in 0..6 {
                            vj[c] += w[c];
                        }
                    }
                }
                // SAFETY: as above, for the block's own atom i.
                unsafe {
                    *forces.at(i) += fi;
                    *energy.at(i) += ei;
                    let vi = virial.at(i);
                    for c in 0..6 {
                        vi[c] += wi[c];
                    }
                }
            }
        },
    );
    out.sum_per_atom();
}

/// Rule for the parameters of unlisted unlike pairs (LAMMPS `pair_modify mix`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mixing {
    /// Energies and lengths as geometric means (e.g. Lennard-Jones epsilon = sqrt(e_i e_j),
    /// sigma = sqrt(s_i s_j), r_c = sqrt(rc_i rc_j)).
    #[default]
    Geometric,
    /// Energies as geometric, lengths as arithmetic means (e.g. Lennard-Jones
    /// epsilon = sqrt(e_i e_j), sigma = (s_i + s_j)/2, r_c = (rc_i + rc_j)/2).
    Arithmetic,
}

/// The parameters of one species pair of a pair style.
pub trait PairCoeffs: Copy {
    /// Cutoff [A].
    fn cutoff(&self) -> f64;

    /// Parameters of an unlike pair mixed from the like pairs `a` and `b` with `rule`, or None
    /// for styles that do not mix (every pair must then be given).
    fn mix(a: &Self, b: &Self, rule: Mixing) -> Option<Self>;
}

/// Parameters per species pair, symmetric, some possibly not yet given.
#[derive(Clone, Debug, PartialEq)]
pub struct PairTable<P> {
    ntypes: usize,
    entries: Vec<Option<P>>,
}

impl<P: PairCoeffs> PairTable<P> {
    /// A table for `ntypes` species with no pair given.
    pub fn new(ntypes: usize) -> Self {
        PairTable {
            ntypes,
            entries: vec![None; ntypes * ntypes],
        }
    }

    /// Number of species.
    pub fn ntypes(&self) -> usize {
        self.ntypes
    }

    /// Sets the parameters of species pair `(a, b)` (0-based) and `(b, a)`, replacing earlier
    /// ones.
    pub fn set(&mut self, a: usize, b: usize, params: P) {
        self.entries[a * self.ntypes + b] = Some(params);
        self.entries[b * self.ntypes + a] = Some(params);
    }

    /// Every pair's parameters, row-major (`a * ntypes + b`): unlike pairs not given mixed from
    /// the like pairs with `rule`. Fails where a like pair is missing, or an unlike pair is
    /// missing and `P` does not mix; errors name the `style` and the species (`names`).
    pub fn complete(mut self, style: &str, rule: Mixing, names: &[String]) -> Result<Vec<P>> {
        let n = self.ntypes;
        if let Some(i) = (0..n).find(|&i| self.entries[i * n + i].is_none()) {
            return Err(Error::invalid(format!(
                "{style}: no coefficients for the like pair {0}-{0}",
                names[i]
            )));
        }
        for i in 0..n {
            for j in 0..n {
                if self.entries[i * n + j].is_some() {
                    continue;
                }
                // Invariant: every like pair was checked above.
                let (a, b) = (
                    self.entries[i * n + i].expect("like pair"),
                    self.entries[j * n + j].expect("like pair"),
                );
                let mixed = P::mix(&a, &b, rule).ok_or_else(|| {
                    Error::invalid(format!(
                        "{style}: no coefficients for the pair {}-{} ({style} does not mix unlike \
                         pairs: give every pair)",
                        names[i], names[j]
                    ))
                })?;
                self.entries[i * n + j] = Some(mixed);
            }
        }
        Ok(self.entries.into_iter().flatten().collect())
    }
}

/// The cutoff [A] of `pair_style NAME RC`, the style's only argument.
pub fn global_cutoff(pair: &LammpsPair<'_>) -> Result<f64> {
    let style = pair.style;
    match pair.style_args.as_slice() {
        [rc] => number(rc, &format!("pair_style {style} cutoff")),
        _ => Err(Error::invalid(format!(
            "pair_style {style} takes one argument: the cutoff"
        ))),
    }
}

/// Reads every `pair_coeff I J ARGS...` line of `pair` into a table for `ntypes` species: `I`
/// and `J` are LAMMPS type ranges; `parse(ARGS)` gives the parameters, after a check that the
/// line has between `min_args` and `max_args` ARGS (else an error quoting the line and
/// `usage`, e.g. `I J epsilon sigma [cutoff]`). Later lines replace earlier ones.
pub fn read_pair_coeffs<P: PairCoeffs>(
    pair: &LammpsPair<'_>,
    ntypes: usize,
    (min_args, max_args): (usize, usize),
    usage: &str,
    parse: impl Fn(&[&str]) -> Result<P>,
) -> Result<PairTable<P>> {
    let mut table = PairTable::new(ntypes);
    for c in &pair.coeffs {
        if c.len() < 2 + min_args || c.len() > 2 + max_args {
            return Err(Error::invalid(format!(
                "pair_coeff \"{}\": {} needs {usage}",
                c.join(" "),
                pair.style
            )));
        }
        let (ilo, ihi) = type_range(c[0], ntypes)?;
        let (jlo, jhi) = type_range(c[1], ntypes)?;
        let params = parse(&c[2..])?;
        let mut count = 0;
        for i in ilo..=ihi {
            for j in jlo.max(i)..=jhi {
                table.set(i - 1, j - 1, params);
                count += 1;
            }
        }
        if count == 0 {
            // LAMMPS: "Incorrect args for pair coefficients" (I > J sets no pair).
            return Err(Error::invalid(format!(
                "pair_coeff \"{}\": the type range sets no pair (write the lower type first, I <= J)",
                c.join(" ")
            )));
        }
    }
    Ok(table)
}

/// The `pair_modify` settings pair styles read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PairModify {
    /// `shift yes`: energies shifted to zero at each pair's cutoff.
    pub shift: bool,
    /// `mix geometric|arithmetic`.
    pub mixing: Mixing,
}

/// Reads the `pair_modify` lines of `pair`: `shift yes|no` and `mix geometric|arithmetic`
/// (LAMMPS's defaults: no shift, geometric); any other keyword is an error naming the style.
pub fn read_pair_modify(pair: &LammpsPair<'_>) -> Result<PairModify> {
    let mut settings = PairModify::default();
    for m in &pair.modify {
        let mut w = m.iter();
        while let Some(&key) = w.next() {
            let value = w.next().copied().unwrap_or("");
            match (key, value) {
                ("shift", "yes") => settings.shift = true,
                ("shift", "no") => settings.shift = false,
                ("mix", "geometric") => settings.mixing = Mixing::Geometric,
                ("mix", "arithmetic") => settings.mixing = Mixing::Arithmetic,
                _ => {
                    return Err(Error::invalid(format!(
                        "pair_modify \"{key} {value}\" is not supported for {}",
                        pair.style
                    )));
                }
            }
        }
    }
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq)]
    struct Plain {
        depth: f64,
        cutoff: f64,
    }

    impl PairCoeffs for Plain {
        fn cutoff(&self) -> f64 {
            self.cutoff
        }
        fn mix(a: &Self, b: &Self, rule: Mixing) -> Option<Self> {
            (rule == Mixing::Arithmetic).then(|| Plain {
                depth: 0.5 * (a.depth + b.depth),
                cutoff: a.cutoff.max(b.cutoff),
            })
        }
    }

    fn names() -> Vec<String> {
        vec!["A".into(), "B".into(), "C".into()]
    }

    fn read(coeffs: &[&str]) -> Result<PairTable<Plain>> {
        let coeffs: Vec<String> = coeffs.iter().map(|c| c.to_string()).collect();
        let pair = LammpsPair::parse("plain 3.0", &coeffs, &[])?;
        read_pair_coeffs(&pair, 3, (1, 2), "I J depth [cutoff]", |a| {
            Ok(Plain {
                depth: number(a[0], "depth")?,
                cutoff: a.get(1).map_or(Ok(3.0), |r| number(r, "cutoff"))?,
            })
        })
    }

    #[test]
    fn ranges_fill_both_orders_and_later_lines_win() {
        let table = read(&["* * 1.0", "2 3 2.0 4.0"]).unwrap();
        let all = table
            .complete("plain", Mixing::Geometric, &names())
            .unwrap();
        assert_eq!(all[0].depth, 1.0);
        assert_eq!(
            all[3 + 2],
            Plain {
                depth: 2.0,
                cutoff: 4.0
            }
        );
        assert_eq!(
            all[2 * 3 + 1],
            Plain {
                depth: 2.0,
                cutoff: 4.0
            }
        );
        assert_eq!(all[2 * 3 + 2].cutoff, 3.0);
    }

    #[test]
    fn missing_pairs_are_mixed_or_refused() {
        let table = read(&["1 1 1.0", "2 2 3.0", "3 3 1.0 4.0"]).unwrap();
        let mixed = table
            .clone()
            .complete("plain", Mixing::Arithmetic, &names())
            .unwrap();
        assert_eq!(
            mixed[1],
            Plain {
                depth: 2.0,
                cutoff: 3.0
            }
        );
        let err = table
            .complete("plain", Mixing::Geometric, &names())
            .unwrap_err();
        assert!(err.to_string().contains("A-B"), "{err}");
        let err = read(&["1 1 1.0"])
            .unwrap()
            .complete("plain", Mixing::Arithmetic, &names())
            .unwrap_err();
        assert!(err.to_string().contains("like pair B-B"), "{err}");
    }

    #[test]
    fn bad_lines_are_refused() {
        assert!(read(&["1 1"]).is_err());
        assert!(read(&["1 1 1.0 2.0 3.0"]).is_err());
        assert!(read(&["1 4 1.0"]).is_err());
        assert!(read(&["1 1 x"]).is_err());
        let err = read(&["2 1 1.0"]).unwrap_err();
        assert!(err.to_string().contains("I <= J"), "{err}");
        assert!(read(&["2*3 1*2 1.0"]).is_ok(), "sets 2-2");
    }

    #[test]
    fn modify_keywords() {
        let modify = vec!["shift yes mix arithmetic".to_string()];
        let pair = LammpsPair::parse("plain 3.0", &[], &modify).unwrap();
        assert_eq!(
            read_pair_modify(&pair).unwrap(),
            PairModify {
                shift: true,
                mixing: Mixing::Arithmetic
            }
        );
        let modify = vec!["tail yes".to_string()];
        let pair = LammpsPair::parse("plain 3.0", &[], &modify).unwrap();
        assert!(read_pair_modify(&pair).is_err());
        assert_eq!(global_cutoff(&pair).unwrap(), 3.0);
    }
}
