//! The parameters of a MEAM potential: one set per element (the library file), one per pair of
//! elements and one per triplet (the parameter file), and global switches, with the defaults
//! LAMMPS `pair_style meam` documents.
//!
//! Element indices are 0-based positions in the element list of `pair_coeff` (the parameter file
//! numbers them from 1). Units: lengths [A], energies [eV]; everything else is dimensionless.

use super::lattice::Lattice;
use super::screening::screening_bound;
use crate::error::{Error, Result};

/// Parameters of one element, from a line of the MEAM library file (Baskes 1992 notation).
#[derive(Clone, Debug, PartialEq)]
pub struct ElementParams {
    /// Element name as in the library file (e.g. `Pt`).
    pub name: String,
    /// Reference structure.
    pub lattice: Lattice,
    /// Atomic number (used by the ZBL repulsion).
    pub atomic_number: u32,
    /// Atomic mass [g/mol].
    pub mass: f64,
    /// alpha = sqrt(9 B Omega / Ec) of the element's universal energy curve.
    pub alpha: f64,
    /// Decay constants beta(0..3) of the atomic partial densities.
    pub beta: [f64; 4],
    /// Lattice constant of the reference structure [A].
    pub alat: f64,
    /// Cohesive (sublimation) energy Ec [eV].
    pub cohesive_energy: f64,
    /// Embedding-function scale A.
    pub embedding_scale: f64,
    /// Weights t(0..3) of the partial densities (t0 must be 1).
    pub t: [f64; 4],
    /// Density scaling rho0 (overridden by `rho0(i)` in the parameter file).
    pub density_scale: f64,
    /// Form of G(Gamma) (`ibar`: 0, 1, 3, 4 or -5).
    pub ibar: i32,
}

/// Which form of the universal energy curve E_u(r) is used (`erose_form`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoseForm {
    /// 0: E_u = -Ec (1 + a* + a3 a*^3 / (r/re)) exp(-a*).
    ScaledCubic,
    /// 1: E_u = -Ec (1 + a* + (-attrac + repuls/r) a*^3) exp(-a*).
    Mixed,
    /// 2: E_u = -Ec (1 + a* + a3 a*^3) exp(-a*).
    Cubic,
}

/// How the weights t(l) of an atom are averaged over its neighbours (`ialloy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TAveraging {
    /// 0: t_i = sum_j t_j rho0_j / sum_j rho0_j.
    DensityWeighted,
    /// 1: t_i = sum_j t_j rho0_j / sum_j t_j^2 rho0_j (and t in the atomic densities).
    SquareWeighted,
    /// 2: t_i = t of the atom's own element.
    OwnElement,
}

/// A complete MEAM parameter set for `n` elements, as read (before derived quantities).
///
/// Pair and triplet arrays are stored in full (index `a * n + b`, `(a * n + b) * n + c`);
/// [`MeamParams::complete`] fills the symmetric entries and defaults exactly as LAMMPS does.
#[derive(Clone, Debug, PartialEq)]
pub struct MeamParams {
    /// Elements in `pair_coeff` order.
    pub elements: Vec<ElementParams>,
    /// Cohesive energy of each pair's reference structure, Ec(a,b) [eV] (0 = unset).
    pub ec: Vec<f64>,
    /// First-neighbour distance of each pair's reference structure, re(a,b) [A] (0 = unset).
    pub re: Vec<f64>,
    /// alpha(a,b) of the pair's universal energy curve (0 = unset).
    pub alpha: Vec<f64>,
    /// Heat of formation delta(a,b) [eV], used to default Ec(a,b).
    pub delta: Vec<f64>,
    /// Reference structure of each pair, lattce(a,b).
    pub lattice: Vec<Lattice>,
    /// Cubic attraction term d of E_u for a* >= 0, attrac(a,b).
    pub attrac: Vec<f64>,
    /// Cubic repulsion term of E_u for a* < 0, repuls(a,b).
    pub repuls: Vec<f64>,
    /// Second-nearest-neighbour treatment of the pair, nn2(a,b).
    pub nn2: Vec<bool>,
    /// ZBL blending at short range, zbl(a,b).
    pub zbl: Vec<bool>,
    /// sin(theta/2) of the pair's bond angle (zig, tri reference structures).
    pub sin_half_angle: Vec<f64>,
    /// cos(theta/2) of the pair's bond angle.
    pub cos_half_angle: Vec<f64>,
    /// Cmin(a,b,c): screening of pair a-b by an atom c is complete below this C.
    pub c_min: Vec<f64>,
    /// Cmax(a,b,c): an atom c does not screen pair a-b above this C.
    pub c_max: Vec<f64>,
    /// Cutoff radius rc [A].
    pub cutoff: f64,
    /// Width of the radial cutoff region delr [A].
    pub cutoff_width: f64,
    /// Add 3/5 t3 to t1 (`augt1`).
    pub augment_t1: bool,
    /// Smoothing exponent of G(Gamma) for ibar 0 and 4 (`gsmooth_factor`).
    pub gsmooth_factor: f64,
    /// t averaging scheme (`ialloy`).
    pub t_averaging: TAveraging,
    /// Use the averaged t in the reference-structure background density (`mixture_ref_t`).
    pub mixture_ref_t: bool,
    /// Form of the universal energy curve (`erose_form`).
    pub rose_form: RoseForm,
    /// Linear embedding function for negative background density (`emb_lin_neg`).
    pub embedding_linear_negative: bool,
    /// Background density rho0 Z as in DYNAMO instead of the reference structure's (`bkgd_dyn`).
    pub background_dynamo: bool,
}

impl MeamParams {
    /// Parameters of `elements` with every pair and global setting at the LAMMPS default:
    /// rc = 4.0, delr = 0.1, Cmin = 2.0, Cmax = 2.8, attrac = repuls = 0, nn2 = 0, zbl = 1,
    /// augt1 = 1, gsmooth_factor = 99, ialloy = 0, mixture_ref_t = 0, erose_form = 0,
    /// emb_lin_neg = 0, bkgd_dyn = 0, theta = 180; re(a,a), Ec(a,a), alpha(a,a) and lattce(a,a)
    /// from the library file.
    pub fn with_defaults(elements: Vec<ElementParams>) -> Self {
        let n = elements.len();
        let mut p = MeamParams {
            ec: vec![0.0; n * n],
            re: vec![0.0; n * n],
            alpha: vec![0.0; n * n],
            delta: vec![0.0; n * n],
            lattice: vec![Lattice::Fcc; n * n],
            attrac: vec![0.0; n * n],
            repuls: vec![0.0; n * n],
            nn2: vec![false; n * n],
            zbl: vec![true; n * n],
            sin_half_angle: vec![1.0; n * n],
            cos_half_angle: vec![0.0; n * n],
            c_min: vec![2.0; n * n * n],
            c_max: vec![2.8; n * n * n],
            cutoff: 4.0,
            cutoff_width: 0.1,
            augment_t1: true,
            gsmooth_factor: 99.0,
            t_averaging: TAveraging::DensityWeighted,
            mixture_ref_t: false,
            rose_form: RoseForm::ScaledCubic,
            embedding_linear_negative: false,
            background_dynamo: false,
            elements,
        };
        for a in 0..n {
            let e = &p.elements[a];
            let aa = a * n + a;
            p.lattice[aa] = e.lattice;
            p.alpha[aa] = e.alpha;
            p.ec[aa] = e.cohesive_energy;
            p.re[aa] = e.lattice.nearest_neighbor_distance(e.alat).unwrap_or(0.0);
        }
        p
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// Index of pair (a, b) in the pair arrays.
    #[inline]
    pub fn pair(&self, a: usize, b: usize) -> usize {
        a * self.len() + b
    }

    /// Index of triplet (a, b; c) in the triplet arrays.
    #[inline]
    pub fn triplet(&self, a: usize, b: usize, c: usize) -> usize {
        (a * self.len() + b) * self.len() + c
    }

    /// Fills what the files leave open, as LAMMPS `meam_setup_done` does: augments t1 when
    /// `augt1` is set; for a < b, unset Ec(a,b) defaults from the elements' Ec and delta(a,b)
    /// (weighted 3:1 for l12, 2:1 for c11), unset alpha(a,b) and re(a,b) to the mean of the two
    /// elements'; entries (b,a) of re, Ec, alpha, lattce, nn2 and theta copy (a,b); Cmin and Cmax
    /// of triplets (b,a;c) copy (a,b;c). The parameters not copied (attrac, repuls, zbl, delta)
    /// are read from the (a,b), a <= b, entry where used.
    pub fn complete(mut self) -> Result<Self> {
        let n = self.len();
        if self.augment_t1 {
            for e in &mut self.elements {
                e.t[1] += 3.0 / 5.0 * e.t[3];
            }
        }
        for a in 0..n {
            for b in 0..n {
                let (ab, ba) = (self.pair(a, b), self.pair(b, a));
                if a > b {
                    self.re[ab] = self.re[ba];
                    self.ec[ab] = self.ec[ba];
                    self.alpha[ab] = self.alpha[ba];
                    self.lattice[ab] = self.lattice[ba];
                    self.nn2[ab] = self.nn2[ba];
                    self.sin_half_angle[ab] = self.sin_half_angle[ba];
                    self.cos_half_angle[ab] = self.cos_half_angle[ba];
                } else if b > a {
                    let (aa, bb) = (self.pair(a, a), self.pair(b, b));
                    if is_unset(self.ec[ab]) {
                        let (ea, eb) = (self.ec[aa], self.ec[bb]);
                        self.ec[ab] = match self.lattice[ab] {
                            Lattice::L12 => (3.0 * ea + eb) / 4.0,
                            Lattice::C11 if self.lattice[aa] == Lattice::Diamond => {
                                (2.0 * ea + eb) / 3.0
                            }
                            Lattice::C11 => (ea + 2.0 * eb) / 3.0,
                            _ => (ea + eb) / 2.0,
                        } - self.delta[ab];
                    }
                    if is_unset(self.alpha[ab]) {
                        self.alpha[ab] = (self.alpha[aa] + self.alpha[bb]) / 2.0;
                    }
                    if is_unset(self.re[ab]) {
                        self.re[ab] = (self.re[aa] + self.re[bb]) / 2.0;
                    }
                }
            }
        }
        for a in 1..n {
            for b in 0..a {
                for c in 0..n {
                    let (abc, bac) = (self.triplet(a, b, c), self.triplet(b, a, c));
                    self.c_min[abc] = self.c_min[bac];
                    self.c_max[abc] = self.c_max[bac];
                }
            }
        }
        self.validate()?;
        Ok(self)
    }

    /// Checks that the completed parameters describe a computable potential.
    fn validate(&self) -> Result<()> {
        let n = self.len();
        let name = |a: usize| self.elements[a].name.as_str();
        if !(self.cutoff > 0.0) || !(self.cutoff_width > 0.0) {
            return Err(Error::invalid(format!(
                "MEAM: rc = {} and delr = {} must both be positive",
                self.cutoff, self.cutoff_width
            )));
        }
        for e in &self.elements {
            if !matches!(e.ibar, 0 | 1 | 3 | 4 | -5) {
                return Err(Error::invalid(format!(
                    "MEAM: element {} has ibar = {}; supported: 0, 1, 3, 4, -5",
                    e.name, e.ibar
                )));
            }
        }
        for a in 0..n {
            for b in a..n {
                let ab = self.pair(a, b);
                if !(self.re[ab] > 0.0) {
                    return Err(Error::invalid(format!(
                        "MEAM: re({},{}) is not set (needed for lattce {} of {}-{})",
                        a + 1,
                        b + 1,
                        self.lattice[ab].name(),
                        name(a),
                        name(b)
                    )));
                }
                if !self.nn2[ab] {
                    continue;
                }
                let lattice = self.lattice[ab];
                let mut needs = vec![lattice];
                if matches!(
                    lattice,
                    Lattice::B1 | Lattice::B2 | Lattice::L12 | Lattice::Diamond
                ) {
                    needs.push(self.lattice[self.pair(a, a)]);
                    needs.push(self.lattice[self.pair(b, b)]);
                }
                if let Some(l) = needs
                    .iter()
                    .find(|l| l.second_shell(0.0, 2.0, 1.0).count == 0)
                {
                    return Err(Error::invalid(format!(
                        "MEAM: nn2({},{}) = 1 needs reference structures with a second-neighbour \
                         shell, but {} has none",
                        a + 1,
                        b + 1,
                        l.name()
                    )));
                }
            }
        }
        Ok(())
    }

    /// For each pair (a, b), the largest squared-distance screening bound over the screening
    /// element c.
    pub fn screening_bounds(&self) -> Vec<f64> {
        let n = self.len();
        let mut out = vec![0.0f64; n * n];
        for a in 0..n {
            for b in 0..n {
                for c in 0..n {
                    let eb = screening_bound(self.c_max[self.triplet(a, b, c)]);
                    let ab = self.pair(a, b);
                    out[ab] = out[ab].max(eb);
                }
            }
        }
        out
    }
}

/// LAMMPS treats a pair parameter of magnitude below 1e-20 as "not given".
pub fn is_unset(x: f64) -> bool {
    x.abs() < 1e-20
}
