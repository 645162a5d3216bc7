//! The MEAM pair function phi(r), derived from the reference structures.
//!
//! In the reference structure of a pair (a, b) at first-neighbour distance r, the energy per atom
//! must follow the universal curve E_u(r) (module [`super::rose`]). Every atom there has the
//! same known neighbourhood, so its embedding energy F(rhobar(r)) is known, and the equation
//!
//!   E_u(r) = F(rhobar(r)) + (Z/2) phi(r)             (first-neighbour MEAM)
//!
//! defines phi (Baskes, Phys. Rev. B 46, 2727 (1992)). With second neighbours (2NN MEAM, Lee &
//! Baskes, Phys. Rev. B 62, 8564 (2000), eq. 21; Lee, Baskes, Kim & Cho, Phys. Rev. B 64, 184102
//! (2001)) the partially screened second shell at a r adds Z2 S phi(a r) / 2, and solving the
//! recursion gives
//!
//!   phi(r) = phi_ref(r) + sum_{n>=1} (-Z2 S / Z1)^n phi_ref(a^n r),
//!
//! with phi_ref the first-neighbour expression. Alloy structures (B1, B2, L1_2, C11, ...) mix the
//! like-pair functions in; L1_2 (Kim, Koo & Lee, J. Mater. Res. 21, 199 (2006) use it for Fe-Pt)
//! counts its 2NN a-a and b-b bonds with the screening of their actual neighbourhoods.
//!
//! This module computes phi exactly as LAMMPS `pair_style meam` does at the points of its table;
//! [`super::table`] holds the table and LAMMPS's interpolation. Elements are indices into the
//! parameter set; "atom a" below is an atom of element a in the reference structure of (a, b).

use super::density::{atomic_densities, gamma_function};
use super::embedding::embedding_energy;
use super::lattice::Lattice;
use super::params::{MeamParams, TAveraging};
use super::rose::{rose_energy, zbl_blend, zbl_energy};
use super::screening::ellipse_screening;

/// Densities of the two atoms of a reference structure: index 0 is atom a, 1 is atom b.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ReferenceDensities {
    /// rho0 at atom a and at atom b.
    pub rho0: [f64; 2],
    /// Squared angular densities rho1^2, rho2^2, rho3^2 (before the t weights) at a and b.
    pub angular: [[f64; 3]; 2],
}

/// LAMMPS's "zero" for parameters and densities.
fn is_zero(x: f64) -> bool {
    x.abs() < 1e-20
}

fn element_atomic_densities(p: &MeamParams, a: usize, r: f64) -> [f64; 4] {
    let e = &p.elements[a];
    atomic_densities(e.density_scale, &e.beta, p.re[p.pair(a, a)], r)
}

/// The background density of element a's own reference structure at its equilibrium distance,
/// rho_ref = (Z rho0 + Z2 S rho0 exp(-beta0 (a2 - 1))) G(Gamma_ref), Gamma_ref = sum_l t(l)
/// s(l) / Z^2 (`compute_reference_density`).
pub fn reference_background_density(p: &MeamParams, a: usize) -> f64 {
    let e = &p.elements[a];
    let aa = p.pair(a, a);
    let lattice = p.lattice[aa];
    let z = lattice.first_neighbors() as f64;
    let gbar = if e.ibar <= 0 {
        1.0
    } else {
        let s = lattice.shape_factors(p.sin_half_angle[aa], p.cos_half_angle[aa]);
        let gam = (e.t[1] * s[0] + e.t[2] * s[1] + e.t[3] * s[2]) / (z * z);
        gamma_function(gam, e.ibar, p.gsmooth_factor).0
    };
    let mut rho0 = e.density_scale * z;
    if p.nn2[aa] {
        let aaa = p.triplet(a, a, a);
        let shell = lattice.second_shell(p.c_min[aaa], p.c_max[aaa], p.sin_half_angle[aa]);
        let rho_2nn = e.density_scale * (-e.beta[0] * (shell.distance_ratio - 1.0)).exp();
        rho0 += shell.count as f64 * rho_2nn * shell.screening;
    }
    rho0 * gbar
}

/// Partial densities at the two atoms of the reference structure of (a, b) at first-neighbour
/// distance `r` [A] (`get_densref`). The angular densities are those of the atomic partial
/// densities; for ialloy = 1 the L1_2 rho2 uses t-weighted densities as LAMMPS does.
pub fn reference_densities(p: &MeamParams, r: f64, a: usize, b: usize) -> ReferenceDensities {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let z = lattice.first_neighbors() as f64;
    let ra = element_atomic_densities(p, a, r);
    let rb = element_atomic_densities(p, b, r);
    let mut out = ReferenceDensities::default();
    let (rho0a, rho0b) = match lattice {
        Lattice::Fcc | Lattice::Hcp => (12.0 * rb[0], 12.0 * ra[0]),
        Lattice::Bcc | Lattice::B2 => (8.0 * rb[0], 8.0 * ra[0]),
        Lattice::B1 | Lattice::SimpleCubic => (6.0 * rb[0], 6.0 * ra[0]),
        Lattice::Diamond | Lattice::Diamond3 => (4.0 * rb[0], 4.0 * ra[0]),
        Lattice::Dimer => (rb[0], ra[0]),
        Lattice::C11 => (ra[0], rb[0]),
        Lattice::L12 => (8.0 * ra[0] + 4.0 * rb[0], 12.0 * ra[0]),
        Lattice::Ch4 => (4.0 * rb[0], ra[0]),
        Lattice::Linear | Lattice::ZigZag => (rb[0] * z, ra[0] * z),
        Lattice::Trimer => (rb[0], ra[0] * z),
    };
    out.rho0 = [rho0a, rho0b];
    reference_angular(p, a, b, [&ra, &rb], rho0a, &mut out.angular);
    if p.nn2[ab] {
        add_second_neighbor_rho0(p, r, a, b, &mut out.rho0);
    }
    out
}

/// The angular terms of the reference densities of (a, b) (`angular` as in
/// [`ReferenceDensities`]) from the atomic partial densities `ra`, `rb` of the two elements at
/// the first-neighbour distance; `rho0a` is a's first-shell density.
fn reference_angular(
    p: &MeamParams,
    a: usize,
    b: usize,
    [ra, rb]: [&[f64; 4]; 2],
    rho0a: f64,
    angular: &mut [[f64; 3]; 2],
) {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let sq = |x: f64| x * x;
    match lattice {
        Lattice::Diamond | Lattice::Diamond3 | Lattice::Hcp => {
            let s3 = lattice.shape_factors(1.0, 0.0)[2];
            angular[0][2] = s3 * sq(rb[3]);
            angular[1][2] = s3 * sq(ra[3]);
        }
        Lattice::Dimer => {
            let s = Lattice::Dimer.shape_factors(0.0, 0.0);
            for l in 0..3 {
                angular[0][l] = s[l] * sq(rb[l + 1]);
                angular[1][l] = s[l] * sq(ra[l + 1]);
            }
        }
        Lattice::C11 => {
            // C11 keeps the bare atomic densities; phi combines them itself.
            angular[0].copy_from_slice(&ra[1..]);
            angular[1].copy_from_slice(&rb[1..]);
        }
        Lattice::L12 => {
            angular[0][1] = if p.t_averaging == TAveraging::SquareWeighted {
                let (ta, tb) = (p.elements[a].t[2], p.elements[b].t[2]);
                let num = 8.0 / 3.0 * sq(ra[2] * ta - rb[2] * tb);
                let denom = 8.0 * ra[0] * ta * ta + 4.0 * rb[0] * tb * tb;
                if denom > 0.0 {
                    num / denom * rho0a
                } else {
                    num
                }
            } else {
                8.0 / 3.0 * sq(ra[2] - rb[2])
            };
        }
        Lattice::Ch4 => {
            let sh = Lattice::Dimer.shape_factors(0.0, 0.0);
            let sc = Lattice::Ch4.shape_factors(0.0, 0.0);
            for l in 0..3 {
                angular[1][l] = sh[l] * sq(ra[l + 1]);
                angular[0][l] = sc[l] * sq(rb[l + 1]);
            }
        }
        Lattice::Linear | Lattice::ZigZag => {
            let s = lattice.shape_factors(p.sin_half_angle[ab], p.cos_half_angle[ab]);
            for l in 0..3 {
                angular[1][l] = s[l] * sq(ra[l + 1]);
                angular[0][l] = s[l] * sq(rb[l + 1]);
            }
        }
        Lattice::Trimer => {
            let s = lattice.shape_factors(p.sin_half_angle[ab], p.cos_half_angle[ab]);
            let end = [1.0, 2.0 / 3.0, 1.0 - 0.6];
            for l in 0..3 {
                angular[1][l] = s[l] * sq(ra[l + 1]);
                angular[0][l] = end[l] * sq(rb[l + 1]);
            }
        }
        Lattice::Fcc | Lattice::Bcc | Lattice::B1 | Lattice::B2 | Lattice::SimpleCubic => {}
    }
}

/// Adds the second-neighbour shell to the first-shell densities `rho0` of the reference
/// structure of (a, b) at first-neighbour distance `r` [A] (nn2 = 1).
fn add_second_neighbor_rho0(p: &MeamParams, r: f64, a: usize, b: usize, rho0: &mut [f64; 2]) {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let aab = p.triplet(a, a, b);
    let shell = lattice.second_shell(p.c_min[aab], p.c_max[aab], p.sin_half_angle[ab]);
    let rr = shell.distance_ratio * r;
    let rho0a_nn = element_atomic_densities(p, a, rr)[0];
    let rho0b_nn = element_atomic_densities(p, b, rr)[0];
    if lattice == Lattice::L12 {
        // a-a second neighbours are screened by two a and two b atoms, b-b ones by four a.
        let (s11, s22) = l12_second_neighbor_screening(p, a, b);
        rho0[0] += 6.0 * s11 * rho0a_nn;
        rho0[1] += 6.0 * s22 * rho0b_nn;
    } else {
        // The second neighbours are of the atom's own element; the screening of b-b bonds
        // may differ from that of a-a bonds.
        rho0[0] += shell.count as f64 * shell.screening * rho0a_nn;
        let bba = p.triplet(b, b, a);
        let shell_b = lattice.second_shell(p.c_min[bba], p.c_max[bba], p.sin_half_angle[ab]);
        rho0[1] += shell_b.count as f64 * shell_b.screening * rho0b_nn;
    }
}

/// Screening of the a-a and b-b second-neighbour bonds of L1_2 A3B: each triplet at C = 1,
/// S_aa = S_aaa^2 S_aab^2, S_bb = S_bba^4.
fn l12_second_neighbor_screening(p: &MeamParams, a: usize, b: usize) -> (f64, f64) {
    let s = |i, j, k| {
        let t = p.triplet(i, j, k);
        ellipse_screening(1.0, p.c_min[t], p.c_max[t])
    };
    let (s111, s112, s221) = (s(a, a, a), s(a, a, b), s(b, b, a));
    (s111 * s111 * s112 * s112, s221.powi(4))
}

/// The t weights of the two atoms of the reference structure of (a, b) (`get_tavref`): their own
/// for ialloy = 2; for the other schemes every neighbour is of the other element, except in
/// L1_2, where atom a averages over 8 a and 4 b neighbours.
fn reference_t_weights(p: &MeamParams, r: f64, a: usize, b: usize) -> [[f64; 3]; 2] {
    let ta = [p.elements[a].t[1], p.elements[a].t[2], p.elements[a].t[3]];
    let tb = [p.elements[b].t[1], p.elements[b].t[2], p.elements[b].t[3]];
    if p.t_averaging == TAveraging::OwnElement {
        return [ta, tb];
    }
    match p.lattice[p.pair(a, b)] {
        Lattice::L12 => {
            let ra0 = element_atomic_densities(p, a, r)[0];
            let rb0 = element_atomic_densities(p, b, r)[0];
            let rho = 8.0 * ra0 + 4.0 * rb0;
            let at_a = if rho > 0.0 {
                [0, 1, 2].map(|l| (8.0 * ta[l] * ra0 + 4.0 * tb[l] * rb0) / rho)
            } else {
                [0, 1, 2].map(|l| (2.0 * ta[l] + tb[l]) / 3.0)
            };
            [at_a, ta]
        }
        Lattice::C11 => unreachable!("c11 weights are handled by the pair function"),
        _ => [tb, ta],
    }
}

/// Background densities of the two atoms of the C11 reference structure of (a, b) (a-b-a
/// layers), from their partial densities `dens`.
fn c11_backgrounds(p: &MeamParams, a: usize, b: usize, dens: &ReferenceDensities) -> (f64, f64) {
    let (aa, ab) = (p.pair(a, a), p.pair(a, b));
    let z12 = p.lattice[ab].first_neighbors();
    let [rho01, rho02] = dens.rho0;
    let (ea, eb) = (&p.elements[a], &p.elements[b]);
    let (t1, t2) = if p.t_averaging == TAveraging::OwnElement {
        ([ea.t[1], ea.t[2], ea.t[3]], [eb.t[1], eb.t[2], eb.t[3]])
    } else {
        let w = 1.0 / (rho01 + rho02);
        let mix = [1, 2, 3].map(|l| w * (ea.t[l] * rho01 + eb.t[l] * rho02));
        (mix, mix)
    };
    let [r1a, r2a, r3a] = dens.angular[0];
    let [r1b, r2b, r3b] = dens.angular[1];
    let half_z = (z12 / 2) as f64;
    let sq = |x: f64| x * x;
    if p.lattice[aa] == Lattice::Diamond {
        let rb1 = (sq(half_z * (rho02 + rho01))
            + t1[0] * sq(r1b - r1a)
            + t1[1] / 6.0 * sq(r2b + r2a)
            + 121.0 / 40.0 * t1[2] * sq(r3b - r3a))
        .sqrt();
        let rb2 = (sq(z12 as f64 * rho01) + 2.0 / 3.0 * t1[1] * sq(r2a)).sqrt();
        (rb1, rb2)
    } else {
        let rb2 = (sq(half_z * (rho01 + rho02))
            + t2[0] * sq(r1a - r1b)
            + t2[1] / 6.0 * sq(r2a + r2b)
            + 121.0 / 40.0 * t2[2] * sq(r3a - r3b))
        .sqrt();
        let rb1 = (sq(z12 as f64 * rho02) + 2.0 / 3.0 * t2[1] * sq(r2b)).sqrt();
        (rb1, rb2)
    }
}

/// Background densities of the two atoms of the reference structure of (a, b) (any lattice but
/// C11) at first-neighbour distance `r` [A], from their partial densities `dens`.
fn reference_backgrounds(
    p: &MeamParams,
    rho_ref: &[f64],
    r: f64,
    a: usize,
    b: usize,
    dens: &ReferenceDensities,
) -> (f64, f64) {
    let (aa, bb) = (p.pair(a, a), p.pair(b, b));
    let z1 = p.lattice[aa].first_neighbors() as f64;
    let z2 = p.lattice[bb].first_neighbors() as f64;
    let [rho01, rho02] = dens.rho0;
    let (ea, eb) = (&p.elements[a], &p.elements[b]);
    let [t1, t2] = reference_t_weights(p, r, a, b);
    let mut bkgd_mix = [0.0; 2];
    if p.mixture_ref_t {
        let g_of = |e: usize, t: &[f64; 3], z: f64| -> f64 {
            let el = &p.elements[e];
            if el.ibar <= 0 {
                1.0
            } else {
                let ee = p.pair(e, e);
                let s = p.lattice[ee].shape_factors(p.sin_half_angle[ee], p.cos_half_angle[ee]);
                let gam = (s[0] * t[0] + s[1] * t[1] + s[2] * t[2]) / (z * z);
                gamma_function(gam, el.ibar, p.gsmooth_factor).0
            }
        };
        bkgd_mix = [
            ea.density_scale * z1 * g_of(a, &t1, z1),
            eb.density_scale * z2 * g_of(b, &t2, z2),
        ];
    }
    let gam = |t: &[f64; 3], ang: &[f64; 3], rho0: f64| -> f64 {
        let g = t[0] * ang[0] + t[1] * ang[1] + t[2] * ang[2];
        if rho0 < 1e-14 { 0.0 } else { g / (rho0 * rho0) }
    };
    let g1 = gamma_function(gam(&t1, &dens.angular[0], rho01), ea.ibar, p.gsmooth_factor).0;
    let g2 = gamma_function(gam(&t2, &dens.angular[1], rho02), eb.ibar, p.gsmooth_factor).0;
    let (bkgd1, bkgd2) = if p.mixture_ref_t {
        (bkgd_mix[0], bkgd_mix[1])
    } else if p.background_dynamo {
        (ea.density_scale * z1, eb.density_scale * z2)
    } else {
        (rho_ref[a], rho_ref[b])
    };
    (rho01 / bkgd1 * g1, rho02 / bkgd2 * g2)
}

/// The pair energy that closes the energy balance of the reference structure of (a, b) at
/// first-neighbour distance `r` [A] [eV], given its energy per atom E_u and the embedding
/// energies F_a, F_b of its two atoms (`[eu, f1, f2]`, eV): phi = (2 E_u - F_a - F_b) / Z12 for
/// the simple lattices, with the terms of the lattices that mix shells or atoms.
fn energy_balance(
    p: &MeamParams,
    rho_ref: &[f64],
    r: f64,
    a: usize,
    b: usize,
    [eu, f1, f2]: [f64; 3],
) -> f64 {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let aa = p.pair(a, a);
    let z12 = lattice.first_neighbors();
    let z12f = z12 as f64;
    match lattice {
        Lattice::C11 => {
            if p.lattice[aa] == Lattice::Diamond {
                let phiaa = reference_pair_energy(p, rho_ref, r, a, a);
                (3.0 * eu - f2 - 2.0 * f1 - 5.0 * phiaa) / z12f
            } else {
                let phibb = reference_pair_energy(p, rho_ref, r, b, b);
                (3.0 * eu - f1 - 2.0 * f2 - 5.0 * phibb) / z12f
            }
        }
        Lattice::L12 => {
            // A3B: 4 E_u = 3 F_a + F_b + 12 phi_aa + 12 phi_ab per formula unit, with phi_aa
            // including its own second-neighbour series.
            let mut phiaa = reference_pair_energy(p, rho_ref, r, a, a);
            let aaa = p.triplet(a, a, a);
            let la = p.lattice[aa];
            let shell = la.second_shell(p.c_min[aaa], p.c_max[aaa], p.sin_half_angle[ab]);
            phiaa += second_neighbor_series(p, rho_ref, shell_terms(la, shell), a, a, r);
            eu / 3.0 - f1 / 4.0 - f2 / 12.0 - phiaa
        }
        Lattice::Ch4 => (5.0 * eu - f1 - 4.0 * f2) / 4.0,
        Lattice::ZigZag | Lattice::Trimer if a != b => {
            // Both chains count Z2 = 2 second neighbours per bond, each screened by one atom at
            // C = 1; LAMMPS divides the integers first: -(2 / 2) S.
            let b2nn = |i: usize, j: usize, k: usize| -> f64 {
                let t = p.triplet(i, j, k);
                -ellipse_screening(1.0, p.c_min[t], p.c_max[t])
            };
            let r2 = 2.0 * p.sin_half_angle[ab] * r;
            let phiaa = reference_pair_energy(p, rho_ref, r2, a, a);
            if lattice == Lattice::ZigZag {
                let phibb = reference_pair_energy(p, rho_ref, r2, b, b);
                (2.0 * eu - f1 - f2 + phiaa * b2nn(a, a, b) + phibb * b2nn(b, b, a)) / z12f
            } else {
                (3.0 * eu - 2.0 * f1 - f2 + phiaa * b2nn(a, a, b)) / z12f
            }
        }
        Lattice::Trimer => (3.0 * eu - 2.0 * f1 - f2) / z12f,
        _ => (2.0 * eu - f1 - f2) / z12f,
    }
}

/// phi_ref(r) of the pair (a, b) at first-neighbour distance `r` [A] [eV]: the pair function
/// from the reference structure's energy balance, before the second-neighbour series of the pair
/// itself (`phi_meam`). `rho_ref` holds each element's reference background density.
pub fn reference_pair_energy(p: &MeamParams, rho_ref: &[f64], r: f64, a: usize, b: usize) -> f64 {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let (aa, bb) = (p.pair(a, a), p.pair(b, b));
    let dens = reference_densities(p, r, a, b);
    let [rho01, rho02] = dens.rho0;
    if rho01 <= 1e-14 && rho02 <= 1e-14 {
        return 0.0;
    }
    let (ea, eb) = (&p.elements[a], &p.elements[b]);
    let (rhobar1, rhobar2) = if lattice == Lattice::C11 {
        c11_backgrounds(p, a, b, &dens)
    } else {
        reference_backgrounds(p, rho_ref, r, a, b, &dens)
    };

    let lin = p.embedding_linear_negative;
    let f1 = embedding_energy(ea.embedding_scale, p.ec[aa], rhobar1, lin).0;
    let f2 = embedding_energy(eb.embedding_scale, p.ec[bb], rhobar2, lin).0;
    let eu = rose_energy(
        r,
        p.re[ab],
        p.alpha[ab],
        p.ec[ab],
        p.repuls[ab],
        p.attrac[ab],
        p.rose_form,
    );
    let phi = energy_balance(p, rho_ref, r, a, b, [eu, f1, f2]);
    if is_zero(r) { 0.0 } else { phi }
}

/// The numbers entering a second-neighbour series: Z1, Z2, screening S and distance ratio a.
#[derive(Clone, Copy, Debug)]
struct SeriesTerms {
    z1: f64,
    z2: f64,
    screening: f64,
    ratio: f64,
}

fn shell_terms(lattice: Lattice, shell: super::lattice::SecondShell) -> SeriesTerms {
    SeriesTerms {
        z1: lattice.first_neighbors() as f64,
        z2: shell.count as f64,
        screening: shell.screening,
        ratio: shell.distance_ratio,
    }
}

/// sum_{n=1}^{10} (-Z2 S / Z1)^n phi_ref(a^n r), stopping at the first term of magnitude below
/// 1e-20 (`phi_meam_series`); zero when the second shell is fully screened.
fn second_neighbor_series(
    p: &MeamParams,
    rho_ref: &[f64],
    terms: SeriesTerms,
    a: usize,
    b: usize,
    r: f64,
) -> f64 {
    let mut sum = 0.0;
    if terms.screening > 0.0 {
        let b2nn = -terms.z2 * terms.screening / terms.z1;
        for n in 1..=10 {
            let term =
                b2nn.powi(n) * reference_pair_energy(p, rho_ref, r * terms.ratio.powi(n), a, b);
            if is_zero(term) {
                break;
            }
            sum += term;
        }
    }
    sum
}

/// The pair function phi(r) [eV] of elements (a, b), a <= b, at distance `r` [A], as LAMMPS
/// tabulates it: phi_ref plus the second-neighbour terms of the pair's structure (for B1, B2,
/// L1_2 and diamond, the like-pair functions of the second shell are subtracted), blended with
/// ZBL at short range when `zbl(a,b)` is set.
pub fn pair_function(p: &MeamParams, rho_ref: &[f64], r: f64, a: usize, b: usize) -> f64 {
    let ab = p.pair(a, b);
    let lattice = p.lattice[ab];
    let mut phi = reference_pair_energy(p, rho_ref, r, a, b);
    if p.nn2[ab] {
        let aab = p.triplet(a, a, b);
        let shell = lattice.second_shell(p.c_min[aab], p.c_max[aab], p.sin_half_angle[ab]);
        if matches!(
            lattice,
            Lattice::B1 | Lattice::B2 | Lattice::L12 | Lattice::Diamond
        ) {
            let rr = r * shell.distance_ratio;
            let like = |e: usize| -> f64 {
                let ee = p.pair(e, e);
                let eee = p.triplet(e, e, e);
                let le = p.lattice[ee];
                let sh = le.second_shell(p.c_min[eee], p.c_max[eee], p.sin_half_angle[ee]);
                reference_pair_energy(p, rho_ref, rr, e, e)
                    + second_neighbor_series(p, rho_ref, shell_terms(le, sh), e, e, rr)
            };
            let (phiaa, phibb) = (like(a), like(b));
            if lattice == Lattice::L12 {
                let (s11, s22) = l12_second_neighbor_screening(p, a, b);
                phi = phi - 0.75 * s11 * phiaa - 0.25 * s22 * phibb;
            } else {
                let z1 = lattice.first_neighbors() as f64;
                let bba = p.triplet(b, b, a);
                let shell_b =
                    lattice.second_shell(p.c_min[bba], p.c_max[bba], p.sin_half_angle[ab]);
                phi -= shell.count as f64 * shell.screening / (2.0 * z1) * phiaa;
                phi -= shell_b.count as f64 * shell_b.screening / (2.0 * z1) * phibb;
            }
        } else {
            phi += second_neighbor_series(p, rho_ref, shell_terms(lattice, shell), a, b, r);
        }
    }
    if p.zbl[ab] {
        let (za, zb) = (p.elements[a].atomic_number, p.elements[b].atomic_number);
        phi = zbl_blend(phi, || zbl_energy(r, za, zb), r, p.re[ab], p.alpha[ab]);
    }
    phi
}
