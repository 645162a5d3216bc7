//! Helpers shared by the KMC tests: slabs, small pairs, statistics.
#![allow(dead_code)]

use nalgebra::Matrix3;
use sintermd::kmc::lattice::{FccLattice, SiteSet};
use sintermd::system::{SimBox, Vec3};

/// Pd lattice parameter [A].
pub const A_PD: f64 = 3.89;

/// An fcc slab periodic in x and y with its free surface normal to z at z = 0: lattice sites in
/// [0, lx) x [0, ly) x [z_lo, z_hi]; sites with z <= 0 are occupied.
pub fn fcc_slab(
    rotation: Matrix3<f64>,
    lx: f64,
    ly: f64,
    z_lo: f64,
    z_hi: f64,
) -> (SiteSet, Vec<u8>) {
    let lattice = FccLattice {
        a: A_PD,
        rotation,
        origin: Vec3::zeros(),
    };
    let eps = 1e-6;
    let mut positions = lattice.sites_in(
        Vec3::new(-eps, -eps, z_lo - eps),
        Vec3::new(lx - eps, ly - eps, z_hi + eps),
        |_| true,
    );
    let simbox = SimBox::new(
        [0.0, 0.0, z_lo - 1.0],
        [lx, ly, z_hi + 1.0],
        [true, true, false],
    )
    .unwrap();
    for x in &mut positions {
        let mut image = [0; 3];
        simbox.wrap(x, &mut image);
    }
    let occupancy = positions.iter().map(|x| u8::from(x.z <= eps)).collect();
    let sites = SiteSet::with_cutoff(
        positions,
        simbox,
        lattice.neighbor_cutoff(),
        lattice.nearest_neighbor_distance(),
    )
    .unwrap();
    (sites, occupancy)
}

/// Index of the site nearest to `x`.
pub fn site_near(sites: &SiteSet, x: Vec3) -> usize {
    (0..sites.len())
        .min_by(|&i, &j| {
            (sites.positions[i] - x)
                .norm()
                .partial_cmp(&(sites.positions[j] - x).norm())
                .unwrap()
        })
        .unwrap()
}

/// Upper-tail p-value of a chi-square statistic with `dof` degrees of freedom
/// (regularised upper incomplete gamma Q(dof/2, chi2/2), series and continued fraction).
pub fn chi_square_p_value(chi2: f64, dof: usize) -> f64 {
    let a = dof as f64 / 2.0;
    let x = chi2 / 2.0;
    if x <= 0.0 {
        return 1.0;
    }
    let ln_gamma_a = ln_gamma(a);
    if x < a + 1.0 {
        // Series for P(a, x).
        let mut sum = 1.0 / a;
        let mut term = sum;
        let mut n = a;
        for _ in 0..10_000 {
            n += 1.0;
            term *= x / n;
            sum += term;
            if term < sum * 1e-16 {
                break;
            }
        }
        1.0 - sum * (-x + a * x.ln() - ln_gamma_a).exp()
    } else {
        // Lentz continued fraction for Q(a, x).
        let tiny = 1e-300;
        let mut b = x + 1.0 - a;
        let mut c = 1.0 / tiny;
        let mut d = 1.0 / b;
        let mut h = d;
        for i in 1..10_000 {
            let an = -(i as f64) * (i as f64 - a);
            b += 2.0;
            d = an * d + b;
            if d.abs() < tiny {
                d = tiny;
            }
            c = b + an / c;
            if c.abs() < tiny {
                c = tiny;
            }
            d = 1.0 / d;
            let del = d * c;
            h *= del;
            if (del - 1.0).abs() < 1e-16 {
                break;
            }
        }
        (-x + a * x.ln() - ln_gamma_a).exp() * h
    }
}

/// ln Gamma(x) for x > 0 (Lanczos approximation, g = 7, 9 terms).
pub fn ln_gamma(x: f64) -> f64 {
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut s = C[0];
    for (i, &c) in C.iter().enumerate().skip(1) {
        s += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + s.ln()
}

#[test]
fn chi_square_p_values_match_tables() {
    // Textbook critical values: chi2(0.05; 1) = 3.841, chi2(0.01; 10) = 23.209, chi2(0.001; 3) = 16.266.
    assert!((chi_square_p_value(3.841, 1) - 0.05).abs() < 1e-4);
    assert!((chi_square_p_value(23.209, 10) - 0.01).abs() < 1e-4);
    assert!((chi_square_p_value(16.266, 3) - 0.001).abs() < 1e-5);
    assert!((chi_square_p_value(2.0, 4) - 0.735_758_882).abs() < 1e-8);
}

/// An amorphous periodic packing of `n` sites at number density `density` [1/A^3]: random
/// positions pushed apart until no two are closer than a sphere diameter d0 at packing fraction
/// 0.6 (repeated overlap removal, soft-sphere style). Returns the mesh and d0.
pub fn relaxed_random_mesh(
    n: usize,
    density: f64,
    seed: u64,
) -> (sintermd::kmc::mesh::MeshFile, f64) {
    use rand::SeedableRng;
    use sintermd::kmc::KmcRng;
    use sintermd::kmc::random::uniform;
    use sintermd::neighbor::NeighborList;
    let l = (n as f64 / density).cbrt();
    let d0 = (6.0 * 0.6 / (std::f64::consts::PI * density)).cbrt();
    let simbox = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
    let mut rng = KmcRng::seed_from_u64(seed);
    let mut x: Vec<Vec3> = (0..n)
        .map(|_| {
            Vec3::new(
                uniform(&mut rng) * l,
                uniform(&mut rng) * l,
                uniform(&mut rng) * l,
            )
        })
        .collect();
    for _ in 0..400 {
        let mut list = NeighborList::new(d0, 0.0);
        list.build(&simbox, &x).unwrap();
        let mut shift = vec![Vec3::zeros(); n];
        let mut overlap: f64 = 0.0;
        for (i, s) in shift.iter_mut().enumerate() {
            for nb in list.iter_row(i, &x) {
                let r = nb.r2.sqrt();
                overlap = overlap.max(d0 - r);
                *s -= 0.5 * (d0 - r) * nb.delta / r.max(1e-9);
            }
        }
        for (xi, s) in x.iter_mut().zip(&shift) {
            *xi += 0.5 * s;
            let mut image = [0; 3];
            simbox.wrap(xi, &mut image);
        }
        if overlap < 1e-3 * d0 {
            break;
        }
    }
    (
        sintermd::kmc::mesh::MeshFile {
            simbox,
            positions: x,
            cutoff: None,
            neighbors: None,
        },
        d0,
    )
}
