//! Electron densities of MEAM (Baskes, Phys. Rev. B 46, 2727 (1992); Lee & Baskes, Phys. Rev. B
//! 62, 8564 (2000)).
//!
//! Each neighbour j contributes atomic partial densities rho_a^(l)(r) = rho0_j
//! exp(-beta_l (r/re_j - 1)), l = 0..3, weighted by the pair's screening S_ij. An atom i sums
//!
//!   rho0 = sum_j S rho_a^(0),
//!   A1_a = sum_j S rho_a^(1) x_a / r,
//!   A2_ab = sum_j S rho_a^(2) x_a x_b / r^2,   A2b = sum_j S rho_a^(2),
//!   A3_abc = sum_j S rho_a^(3) x_a x_b x_c / r^3,   A3b_a = sum_j S rho_a^(3) x_a / r,
//!
//! (x = r_j - r_i) and forms the angular densities
//!
//!   rho1^2 = sum_a A1_a^2,   rho2^2 = sum_ab A2_ab^2 - A2b^2 / 3,
//!   rho3^2 = sum_abc A3_abc^2 - 3/5 sum_a A3b_a^2.
//!
//! With weights t(l) (averaged over neighbours as `ialloy` says) Gamma = sum_l t(l) rho_l^2 /
//! rho0^2, and the background density is rho = rho0 G(Gamma), scaled by the reference
//! structure's rho_ref: rhobar = rho / rho_ref.
//!
//! Glossary (LAMMPS names): `rho0`, `arho1` = A1, `arho2` = A2 (6 Voigt components),
//! `arho2b` = A2b, `arho3` = A3 (10 components), `arho3b` = A3b, `t_ave`, `tsq_ave`, `gamma`,
//! `dgamma1..3`, `frhop` = dF/drhobar.

use rayon::prelude::*;

use super::embedding::embedding_energy;
use super::model::MeamModel;
use super::neighbors::{BLOCK, CloseList, PairLinks};
use super::params::TAveraging;
use super::screening::PairState;
use crate::system::Vec3;

/// The 6 distinct components (a <= b) of a symmetric 3x3 tensor, in LAMMPS's order.
pub const VOIGT2: [(usize, usize); 6] = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (2, 2)];
/// How often each of [`VOIGT2`] appears in the full tensor.
pub const VOIGT2_MULTIPLICITY: [f64; 6] = [1.0, 2.0, 2.0, 1.0, 2.0, 1.0];
/// The 10 distinct components (a <= b <= c) of a symmetric rank-3 tensor, in LAMMPS's order.
pub const VOIGT3: [(usize, usize, usize); 10] = [
    (0, 0, 0),
    (0, 0, 1),
    (0, 0, 2),
    (0, 1, 1),
    (0, 1, 2),
    (0, 2, 2),
    (1, 1, 1),
    (1, 1, 2),
    (1, 2, 2),
    (2, 2, 2),
];
/// How often each of [`VOIGT3`] appears in the full tensor.
pub const VOIGT3_MULTIPLICITY: [f64; 10] = [1.0, 3.0, 3.0, 3.0, 6.0, 3.0, 1.0, 3.0, 3.0, 1.0];

/// Index into [`VOIGT2`] of the component (a, b), any order.
pub const fn voigt2_index(a: usize, b: usize) -> usize {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    match (a, b) {
        (0, 0) => 0,
        (0, 1) => 1,
        (0, 2) => 2,
        (1, 1) => 3,
        (1, 2) => 4,
        _ => 5,
    }
}

/// Index into [`VOIGT3`] of the component (a, b, c), any order.
pub const fn voigt3_index(a: usize, b: usize, c: usize) -> usize {
    // Count how many indices equal 1 and 2; the sorted triple is determined by the counts.
    let ones = (a == 1) as usize + (b == 1) as usize + (c == 1) as usize;
    let twos = (a == 2) as usize + (b == 2) as usize + (c == 2) as usize;
    match (ones, twos) {
        (0, 0) => 0,
        (1, 0) => 1,
        (0, 1) => 2,
        (2, 0) => 3,
        (1, 1) => 4,
        (0, 2) => 5,
        (3, 0) => 6,
        (2, 1) => 7,
        (1, 2) => 8,
        _ => 9,
    }
}

/// Atomic partial densities rho_a^(l)(r) = rho0 exp(-beta_l (r / re - 1)), l = 0..3, of an
/// element with density scale `rho0`, decay constants `beta` and first-neighbour distance `re`
/// [A], at distance `r` [A] (dimensionless densities).
#[inline]
pub fn atomic_densities(rho0: f64, beta: &[f64; 4], re: f64, r: f64) -> [f64; 4] {
    let x = r / re - 1.0;
    [
        rho0 * (-beta[0] * x).exp(),
        rho0 * (-beta[1] * x).exp(),
        rho0 * (-beta[2] * x).exp(),
        rho0 * (-beta[3] * x).exp(),
    ]
}

/// G(Gamma) of the background density for the form `ibar` (LAMMPS numbering):
/// 0 and 4: sqrt(1 + Gamma), continued below Gamma = -g/(g+1) by sqrt((1/(g+1)) ((-g/(g+1)) /
/// Gamma)^g) with g = `gsmooth_factor`; 1: exp(Gamma/2); 3: 2 / (1 + exp(-Gamma));
/// -5: sign(1 + Gamma) sqrt(|1 + Gamma|). Returns (G, dG/dGamma).
pub fn gamma_function(gamma: f64, ibar: i32, gsmooth: f64) -> (f64, f64) {
    match ibar {
        0 | 4 => {
            let switch = -gsmooth / (gsmooth + 1.0);
            if gamma < switch {
                let g = (1.0 / (gsmooth + 1.0) * (switch / gamma).powf(gsmooth)).sqrt();
                (g, -gsmooth * g / (2.0 * gamma))
            } else {
                let g = (1.0 + gamma).sqrt();
                (g, 1.0 / (2.0 * g))
            }
        }
        1 => {
            let g = (gamma / 2.0).exp();
            (g, g / 2.0)
        }
        3 => {
            let g = 2.0 / (1.0 + (-gamma).exp());
            (g, g * (2.0 - g) / 2.0)
        }
        -5 => {
            if 1.0 + gamma >= 0.0 {
                let g = (1.0 + gamma).sqrt();
                (g, 1.0 / (2.0 * g))
            } else {
                let g = -(-1.0 - gamma).sqrt();
                (g, -1.0 / (2.0 * g))
            }
        }
        _ => unreachable!("ibar is validated when the parameters are read"),
    }
}

/// What an atom sums over its neighbours (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PartialDensities {
    /// rho0 = sum S rho_a^(0).
    pub rho0: f64,
    /// A1 (vector).
    pub arho1: [f64; 3],
    /// A2 (6 Voigt components).
    pub arho2: [f64; 6],
    /// A2b = sum S rho_a^(2).
    pub arho2b: f64,
    /// A3 (10 Voigt components).
    pub arho3: [f64; 10],
    /// A3b (vector).
    pub arho3b: [f64; 3],
    /// sum t_j(l) S rho_a^(0) for l = 1..3 (ialloy 0, 1).
    pub t_sum: [f64; 3],
    /// sum t_j(l)^2 S rho_a^(0) for l = 1..3 (ialloy 1).
    pub tsq_sum: [f64; 3],
}

impl PartialDensities {
    /// Adds the contribution of a neighbour at separation `d` [A] (distance `r`), pair weight
    /// `s` (screening times radial cutoff), atomic densities `rhoa` of its element at r (already
    /// multiplied by its t(l) for ialloy = 1) and weights `t` of its element.
    #[inline]
    pub fn add_neighbor(
        &mut self,
        d: Vec3,
        r: f64,
        s: f64,
        rhoa: &[f64; 4],
        t: &[f64; 3],
        averaging: TAveraging,
    ) {
        let inv_r = 1.0 / r;
        let rho0 = s * rhoa[0];
        let a1 = s * rhoa[1] * inv_r;
        let a2 = s * rhoa[2] * (inv_r * inv_r);
        let a3 = s * rhoa[3] * (inv_r * inv_r * inv_r);
        let a3b = s * rhoa[3] * inv_r;
        self.rho0 += rho0;
        if averaging != TAveraging::OwnElement {
            for l in 0..3 {
                self.t_sum[l] += t[l] * rho0;
            }
        }
        if averaging == TAveraging::SquareWeighted {
            for l in 0..3 {
                self.tsq_sum[l] += t[l] * t[l] * rho0;
            }
        }
        self.arho2b += s * rhoa[2];
        let d = [d.x, d.y, d.z];
        for m in 0..3 {
            self.arho1[m] += a1 * d[m];
            self.arho3b[m] += a3b * d[m];
        }
        for (k, &(m, n)) in VOIGT2.iter().enumerate() {
            self.arho2[k] += a2 * d[m] * d[n];
        }
        for (k, &(m, n, p)) in VOIGT3.iter().enumerate() {
            self.arho3[k] += a3 * d[m] * d[n] * d[p];
        }
    }

    /// The squared angular densities (rho1^2, rho2^2, rho3^2) (the module's rho_l^2).
    pub fn angular(&self) -> [f64; 3] {
        let rho1: f64 = self.arho1.iter().map(|a| a * a).sum();
        let mut rho2 = -self.arho2b * self.arho2b / 3.0;
        for k in 0..6 {
            rho2 += VOIGT2_MULTIPLICITY[k] * self.arho2[k] * self.arho2[k];
        }
        let mut rho3 = 0.0;
        for m in 0..3 {
            rho3 -= 3.0 / 5.0 * self.arho3b[m] * self.arho3b[m];
        }
        for k in 0..10 {
            rho3 += VOIGT3_MULTIPLICITY[k] * self.arho3[k] * self.arho3[k];
        }
        [rho1, rho2, rho3]
    }
}

/// Per-element constants the density completion needs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ElementDensityConstants {
    /// Weights t(1..3) of the element (t1 already augmented when `augt1` is set).
    pub t: [f64; 3],
    /// Form of G(Gamma).
    pub ibar: i32,
    /// First neighbours Z of the element's reference structure.
    pub z: f64,
    /// Shape factors s(1..3) of the element's reference structure.
    pub shape: [f64; 3],
    /// Density scale rho0 of the element.
    pub rho0: f64,
    /// Background density of the reference structure, rho_ref (`rho_ref_meam`).
    pub rho_ref: f64,
    /// Embedding scale A.
    pub embedding_scale: f64,
    /// Cohesive energy Ec(a,a) [eV].
    pub cohesive_energy: f64,
}

/// Global switches of the density completion.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DensitySettings {
    /// t averaging (`ialloy`).
    pub averaging: TAveraging,
    /// `mixture_ref_t`.
    pub mixture_ref_t: bool,
    /// `bkgd_dyn`.
    pub background_dynamo: bool,
    /// `emb_lin_neg`.
    pub embedding_linear_negative: bool,
    /// `gsmooth_factor`.
    pub gsmooth: f64,
}

/// An atom's completed density state, as the force pass needs it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct AtomDensity {
    /// rho0 = sum S rho_a^(0).
    pub rho0: f64,
    /// A1 (vector).
    pub arho1: [f64; 3],
    /// A2, its 6 distinct components in [`VOIGT2`] order (component (m, n) at
    /// [`voigt2_index`]`(m, n)`; stored once, so the state is 296 bytes, not 456).
    pub arho2: [f64; 6],
    /// A2b = sum S rho_a^(2).
    pub arho2b: f64,
    /// A3, its 10 distinct components in [`VOIGT3`] order (component (m, n, q) at
    /// [`voigt3_index`]`(m, n, q)`).
    pub arho3: [f64; 10],
    /// A3b (vector).
    pub arho3b: [f64; 3],
    /// Squared angular densities rho1^2, rho2^2, rho3^2.
    pub angular: [f64; 3],
    /// Averaged weights t(1..3).
    pub t: [f64; 3],
    /// sum t^2 rho_a^(0) (ialloy 1), for the derivative of t.
    pub tsq_sum: [f64; 3],
    /// d rhobar / d rho0 at fixed angular sums: (G - 2 Gamma dG/dGamma) / rho_bkgd.
    pub dgamma1: f64,
    /// d rhobar / d (sum t rho_l^2): dG/dGamma / (rho0 rho_bkgd).
    pub dgamma2: f64,
    /// Term of `mixture_ref_t` through the reference background density.
    pub dgamma3: f64,
    /// dF/drhobar [eV].
    pub embedding_derivative: f64,
}

/// Completes the density of an atom of element constants `el` from its neighbour sums: averages
/// t, forms Gamma, G and rhobar, and returns the atom's state and its embedding energy [eV].
pub fn complete_density(
    partial: &PartialDensities,
    el: &ElementDensityConstants,
    settings: &DensitySettings,
) -> (AtomDensity, f64) {
    let rho0 = partial.rho0;
    let angular = partial.angular();
    let mut t = [0.0; 3];
    if rho0 > 0.0 {
        for l in 0..3 {
            t[l] = match settings.averaging {
                TAveraging::SquareWeighted => {
                    if partial.tsq_sum[l].abs() < 1e-20 {
                        0.0
                    } else {
                        partial.t_sum[l] / partial.tsq_sum[l]
                    }
                }
                TAveraging::OwnElement => el.t[l],
                TAveraging::DensityWeighted => partial.t_sum[l] / rho0,
            };
        }
    }
    let mut gamma = t[0] * angular[0] + t[1] * angular[1] + t[2] * angular[2];
    if rho0 > 0.0 {
        gamma /= rho0 * rho0;
    }
    let (g, dg) = gamma_function(gamma, el.ibar, settings.gsmooth);
    let rho = rho0 * g;

    let mut dgamma3 = 0.0;
    let rho_bkgd = if settings.mixture_ref_t {
        let (gbar, dgbar) = if el.ibar <= 0 {
            (1.0, 0.0)
        } else {
            let gam =
                (t[0] * el.shape[0] + t[1] * el.shape[1] + t[2] * el.shape[2]) / (el.z * el.z);
            gamma_function(gam, el.ibar, settings.gsmooth)
        };
        let bkgd = el.rho0 * el.z * gbar;
        dgamma3 = rho0 * g * dgbar / (gbar * el.z * el.z) / bkgd;
        bkgd
    } else if settings.background_dynamo {
        el.rho0 * el.z
    } else {
        el.rho_ref
    };
    let rhobar = rho / rho_bkgd;
    let dgamma1 = (g - 2.0 * dg * gamma) / rho_bkgd;
    let dgamma2 = if rho0.abs() < 1e-20 {
        0.0
    } else {
        dg / rho0 / rho_bkgd
    };
    let (energy, slope) = embedding_energy(
        el.embedding_scale,
        el.cohesive_energy,
        rhobar,
        settings.embedding_linear_negative,
    );
    (
        AtomDensity {
            rho0,
            arho1: partial.arho1,
            arho2: partial.arho2,
            arho2b: partial.arho2b,
            arho3: partial.arho3,
            arho3b: partial.arho3b,
            angular,
            t,
            tsq_sum: partial.tsq_sum,
            dgamma1,
            dgamma2,
            dgamma3,
            embedding_derivative: slope,
        },
        energy,
    )
}

/// The density state and embedding energy [eV] of atom `i` (zero for an atom the potential
/// ignores).
#[inline(never)]
fn atom_density(
    model: &MeamModel,
    close: &CloseList,
    links: &PairLinks,
    pairs: &[PairState],
    i: usize,
) -> (AtomDensity, f64) {
    let ei = close.atom_element[i];
    if ei == u16::MAX {
        return (AtomDensity::default(), 0.0);
    }
    let mut partial = PartialDensities::default();
    let (rows, range) = close.row(i);
    for e in range {
        let entry = &rows.entries[e];
        if !entry.interacting {
            continue;
        }
        let p = &pairs[links.pair(i / BLOCK, e) as usize];
        if p.weight == 0.0 {
            continue;
        }
        let side = usize::from(!entry.owned);
        partial.add_neighbor(
            rows.delta(e),
            p.r,
            p.weight,
            &p.atomic[side],
            &model.elements[entry.element as usize].t,
            model.settings.averaging,
        );
    }
    complete_density(
        &partial,
        &model.elements[ei as usize].density,
        &model.settings,
    )
}

/// The density pass: every atom sums its neighbours' partial densities, with the pair weights
/// and atomic densities the screening pass stored per pair, and completes them: per atom, its
/// density state and embedding energy [eV]. Blocks of atoms write only their own atoms.
pub fn density_pass(
    model: &MeamModel,
    close: &CloseList,
    links: &PairLinks,
    pairs: &[PairState],
    states: &mut [AtomDensity],
    embedding: &mut [f64],
) {
    states
        .par_chunks_mut(BLOCK)
        .zip(embedding.par_chunks_mut(BLOCK))
        .with_max_len(1)
        .enumerate()
        .for_each(|(b, (states, embedding))| {
            for (i, (state, energy)) in close.block_atoms(b).zip(states.iter_mut().zip(embedding)) {
                (*state, *energy) = atom_density(model, close, links, pairs, i);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voigt_indices() {
        for (k, &(a, b)) in VOIGT2.iter().enumerate() {
            assert_eq!(voigt2_index(a, b), k);
            assert_eq!(voigt2_index(b, a), k);
        }
        for (k, &(a, b, c)) in VOIGT3.iter().enumerate() {
            for (x, y, z) in [
                (a, b, c),
                (a, c, b),
                (b, a, c),
                (b, c, a),
                (c, a, b),
                (c, b, a),
            ] {
                assert_eq!(voigt3_index(x, y, z), k);
            }
        }
        // Multiplicities count the full tensor: 3^2 and 3^3 components.
        assert_eq!(VOIGT2_MULTIPLICITY.iter().sum::<f64>(), 9.0);
        assert_eq!(VOIGT3_MULTIPLICITY.iter().sum::<f64>(), 27.0);
    }

    #[test]
    fn g_functions_and_derivatives() {
        for ibar in [0, 1, 3, 4, -5] {
            for &gam in &[-0.995, -0.5, 0.0, 0.3, 2.0, -1.5] {
                if ibar == -5 && (gam == -1.0) {
                    continue;
                }
                let h = 1e-7;
                let (g, dg) = gamma_function(gam, ibar, 99.0);
                let fd = (gamma_function(gam + h, ibar, 99.0).0
                    - gamma_function(gam - h, ibar, 99.0).0)
                    / (2.0 * h);
                assert!(g.is_finite());
                assert!(
                    (dg - fd).abs() < 1e-5 * (1.0 + dg.abs()),
                    "ibar {ibar} gamma {gam}: {dg} vs {fd}"
                );
            }
        }
        assert_eq!(gamma_function(0.0, 3, 99.0), (1.0, 0.5));
    }

    #[test]
    fn isotropic_shell_has_no_angular_density() {
        // Six neighbours on the axes: A1 = A3 = 0, and rho2^2 = sum A2^2 - A2b^2/3 = 0.
        let mut p = PartialDensities::default();
        for d in [
            Vec3::x(),
            -Vec3::x(),
            Vec3::y(),
            -Vec3::y(),
            Vec3::z(),
            -Vec3::z(),
        ] {
            p.add_neighbor(
                2.0 * d,
                2.0,
                1.0,
                &[1.0, 0.5, 0.25, 0.125],
                &[1.0; 3],
                TAveraging::OwnElement,
            );
        }
        let ang = p.angular();
        assert!((p.rho0 - 6.0).abs() < 1e-15);
        for a in ang {
            assert!(a.abs() < 1e-14, "{ang:?}");
        }
    }
}
