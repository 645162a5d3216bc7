//! Analysis against OVITO (g(r) per bin, adaptive CNA per atom) on committed periodic fixtures
//! (tests/fixtures/analysis, made by make_fixtures.py there), and on constructed cases with known
//! answers: perfect crystals and clusters.

mod common;

use common::fixture;
use serde::Deserialize;
use sintermd::analysis::cna::{Structure, adaptive_cna, structure_counts};
use sintermd::analysis::coordination::coordination_numbers;
use sintermd::analysis::rdf::{RdfAccumulator, RdfNormalization};
use sintermd::analysis::{PairView, com};
use sintermd::io::read_lammps_data;
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

#[derive(Deserialize)]
struct OvitoReference {
    cutoff: f64,
    bins: usize,
    r: Vec<f64>,
    total: Vec<f64>,
    partial: Vec<Vec<f64>>,
    structure_types: Vec<u8>,
    counts: [usize; 5],
}

fn load(name: &str) -> (System, OvitoReference) {
    let s = read_lammps_data(&fixture(&format!("analysis/{name}.data")), [true; 3], None).unwrap();
    let text = std::fs::read_to_string(fixture(&format!("analysis/{name}.json"))).unwrap();
    (s, serde_json::from_str(&text).unwrap())
}

fn check_rdf(name: &str) {
    let (s, r) = load(name);
    let mut acc = RdfAccumulator::new(r.cutoff, r.bins, s.species.len());
    acc.add(&s, RdfNormalization::Box).unwrap();
    let g = acc.result();
    let worst = |a: &[f64], b: &[f64]| {
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max)
    };
    for (x, y) in g.r.iter().zip(&r.r) {
        assert!((x - y).abs() < 1e-12);
    }
    let dt = worst(&g.total, &r.total);
    assert!(dt < 1e-6, "{name}: total g(r) differs from OVITO by {dt:e}");
    for (k, (_, gp)) in g.pairs.iter().enumerate() {
        let dp = worst(gp, &r.partial[k]);
        assert!(
            dp < 1e-6,
            "{name}: partial g(r) {k} differs from OVITO by {dp:e}"
        );
    }
}

fn check_cna(name: &str) {
    let (s, r) = load(name);
    let view = PairView::new(&s, 6.0).unwrap();
    let types = adaptive_cna(&view);
    let ids: Vec<u8> = types
        .iter()
        .map(|t| Structure::ALL.iter().position(|x| x == t).unwrap() as u8)
        .collect();
    assert_eq!(
        structure_counts(&types),
        r.counts,
        "{name}: CNA counts differ from OVITO"
    );
    assert_eq!(
        ids, r.structure_types,
        "{name}: per-atom CNA types differ from OVITO"
    );
}

#[test]
fn rdf_matches_ovito_per_bin() {
    for name in ["fcc_binary", "disordered", "hcp", "bcc"] {
        check_rdf(name);
    }
}

#[test]
fn adaptive_cna_matches_ovito_per_atom() {
    for name in ["fcc_binary", "disordered", "hcp", "bcc"] {
        check_cna(name);
    }
}

fn crystal(lattice: CubicLattice, a: f64, n: usize) -> System {
    let l = n as f64 * a;
    let mut s = System::new(
        SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap(),
        SpeciesTable::elements(&["Cu"]).unwrap(),
    );
    for (i, x) in block_sites(lattice, a, [n; 3]).into_iter().enumerate() {
        s.push(i as u64 + 1, 0, x, Vec3::zeros());
    }
    s
}

#[test]
fn perfect_fcc_peaks_and_coordination() {
    let a = 3.615;
    let s = crystal(CubicLattice::Fcc, a, 5);
    let view = PairView::new(&s, 6.0).unwrap();
    let z = coordination_numbers(&view, 0.5 * (1.0 + 2f64.sqrt()) * a / 2f64.sqrt());
    assert!(z.iter().all(|&c| c == 12));
    // g(r) is zero except in the bins of the neighbour shells a/sqrt2, a, a sqrt(3/2), a sqrt 2.
    let mut acc = RdfAccumulator::new(6.0, 600, 1);
    acc.add(&s, RdfNormalization::Box).unwrap();
    let g = acc.result();
    let peaks: Vec<f64> =
        g.r.iter()
            .zip(&g.total)
            .filter(|(_, v)| **v > 0.0)
            .map(|(r, _)| *r)
            .collect();
    let shells = [
        a / 2f64.sqrt(),
        a,
        a * 1.5f64.sqrt(),
        a * 2f64.sqrt(),
        a * 2.5f64.sqrt(),
    ];
    assert_eq!(peaks.len(), shells.len());
    for (p, s) in peaks.iter().zip(shells) {
        assert!((p - s).abs() < 0.005 + 1e-12, "peak at {p}, shell at {s}");
    }
    // The first peak integrates to 12 neighbours: 4 pi r^2 rho g dr summed over the bin.
    let rho = s.len() as f64 / s.simbox.volume();
    let k = g.total.iter().position(|&v| v > 0.0).unwrap();
    let lo = k as f64 * 0.01;
    let n1 =
        g.total[k] * rho * 4.0 / 3.0 * std::f64::consts::PI * ((lo + 0.01).powi(3) - lo.powi(3));
    assert!((n1 - 12.0).abs() < 1e-9, "first shell holds {n1}");
    assert!(adaptive_cna(&view).iter().all(|&t| t == Structure::Fcc));
}

#[test]
fn perfect_bcc_and_hcp_are_recognised() {
    let s = crystal(CubicLattice::Bcc, 2.8665, 5);
    let view = PairView::new(&s, 5.0).unwrap();
    assert!(adaptive_cna(&view).iter().all(|&t| t == Structure::Bcc));

    // hcp, ideal c/a, orthorhombic cell of 4 atoms.
    let a = 2.95;
    let c = a * (8.0f64 / 3.0).sqrt();
    let cell = [a, a * 3f64.sqrt(), c];
    let basis = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 1.0 / 6.0, 0.5],
        [0.0, 2.0 / 3.0, 0.5],
    ];
    let reps = [6, 4, 4];
    let hi = [0, 1, 2].map(|k| cell[k] * reps[k] as f64);
    let mut h = System::new(
        SimBox::new([0.0; 3], hi, [true; 3]).unwrap(),
        SpeciesTable::elements(&["Ti"]).unwrap(),
    );
    for i in 0..reps[0] {
        for j in 0..reps[1] {
            for k in 0..reps[2] {
                for b in basis {
                    let x = Vec3::new(
                        (i as f64 + b[0]) * cell[0],
                        (j as f64 + b[1]) * cell[1],
                        (k as f64 + b[2]) * cell[2],
                    );
                    h.push(h.len() as u64 + 1, 0, x, Vec3::zeros());
                }
            }
        }
    }
    let view = PairView::new(&h, 5.0).unwrap();
    assert!(adaptive_cna(&view).iter().all(|&t| t == Structure::Hcp));
}

/// A free cluster of `points`.
fn cluster(points: &[Vec3]) -> System {
    let mut s = System::new(
        SimBox::new([-30.0; 3], [30.0; 3], [false; 3]).unwrap(),
        SpeciesTable::elements(&["Pt"]).unwrap(),
    );
    for (i, &x) in points.iter().enumerate() {
        s.push(i as u64 + 1, 0, x, Vec3::zeros());
    }
    s
}

#[test]
fn cluster_centres_fcc_hcp_bcc_and_icosahedral() {
    // 13-atom icosahedron: vertices (0, +-1, +-phi) and cyclic permutations.
    let phi = (1.0 + 5f64.sqrt()) / 2.0;
    let scale = 2.7 / (1.0 + phi * phi).sqrt();
    let mut ico = vec![Vec3::zeros()];
    for s1 in [-1.0, 1.0] {
        for s2 in [-1.0, 1.0] {
            ico.push(Vec3::new(0.0, s1, s2 * phi) * scale);
            ico.push(Vec3::new(s1, s2 * phi, 0.0) * scale);
            ico.push(Vec3::new(s2 * phi, 0.0, s1) * scale);
        }
    }
    let view = PairView::new(&cluster(&ico), 5.0).unwrap();
    let t = adaptive_cna(&view);
    assert_eq!(t[0], Structure::Ico);
    assert!(
        t[1..].iter().all(|&x| x == Structure::Other),
        "surface atoms have too few neighbours"
    );

    // Clusters cut from crystals: the centre atom has a complete shell, the surface does not.
    for (lattice, a, want) in [
        (CubicLattice::Fcc, 3.92, Structure::Fcc),
        (CubicLattice::Bcc, 2.87, Structure::Bcc),
    ] {
        let sites = block_sites(lattice, a, [4, 4, 4]);
        let centre = sites
            .iter()
            .copied()
            .min_by(|p, q| {
                (p - Vec3::repeat(2.0 * a))
                    .norm()
                    .total_cmp(&(q - Vec3::repeat(2.0 * a)).norm())
            })
            .unwrap();
        let pts: Vec<Vec3> = sites
            .iter()
            .map(|x| x - centre)
            .filter(|x| x.norm() < 1.5 * a)
            .collect();
        let centre_index = pts.iter().position(|x| x.norm() < 1e-9).unwrap();
        let view = PairView::new(&cluster(&pts), 5.0).unwrap();
        assert_eq!(adaptive_cna(&view)[centre_index], want);
    }
}

#[test]
fn finite_cluster_rdf_tends_to_one_for_a_uniform_sphere() {
    // Many points uniform in a sphere: with the sphere normalisation g(r) ~ 1 at all r.
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let radius = 20.0;
    let mut pts = Vec::new();
    while pts.len() < 3000 {
        let x = Vec3::new(
            rng.random_range(-1.0..1.0),
            rng.random_range(-1.0..1.0),
            rng.random_range(-1.0..1.0),
        ) * radius;
        if x.norm() < radius {
            pts.push(x);
        }
    }
    let s = cluster(&pts);
    assert!((com::radius_of_gyration(&s, None) * (5.0f64 / 3.0).sqrt() - radius).abs() < 0.3);
    let mut acc = RdfAccumulator::new(30.0, 15, 1);
    acc.add(&s, RdfNormalization::FiniteSphere).unwrap();
    let g = acc.result();
    for (r, v) in g.r.iter().zip(&g.total).skip(1) {
        assert!((v - 1.0).abs() < 0.06, "g({r}) = {v}");
    }
}

#[test]
fn a_cluster_in_a_vacuum_box_is_normalised_by_the_material_density() {
    // A perfect fcc block placed in a periodic box 8 times its volume: `Auto` must not use the
    // box density; with the material's density the first shell holds exactly 12 neighbours
    // for an interior atom, so the first peak integrates to 12 times the fraction of atoms'
    // bonds present (less than 12 because of the surface).
    let a = 3.615;
    let mut s = crystal(CubicLattice::Fcc, a, 4);
    let filled = s.clone();
    s.simbox = SimBox::new([0.0; 3], [8.0 * a; 3], [true; 3]).unwrap();
    let first_shell = |s: &System, norm: RdfNormalization| {
        let mut acc = RdfAccumulator::new(6.0, 600, 1);
        acc.add(s, norm).unwrap();
        let g = acc.result();
        let k = g.total.iter().position(|&v| v > 0.0).unwrap();
        (g.total[k], k)
    };
    let (auto, k) = first_shell(&s, RdfNormalization::Auto);
    let (material, _) = first_shell(&s, RdfNormalization::Material);
    let (boxed, _) = first_shell(&s, RdfNormalization::Box);
    assert_eq!(
        auto, material,
        "Auto should pick the material density for a cluster in a box"
    );
    assert!(
        (boxed / material - 8.0).abs() < 1e-9,
        "box density is 8 times lower"
    );
    // Integrate the first shell with the material density 4/a^3.
    let lo = k as f64 * 0.01;
    let shell = 4.0 / 3.0 * std::f64::consts::PI * ((lo + 0.01).powi(3) - lo.powi(3));
    let z = material * 4.0 / a.powi(3) * shell;
    let bonds_per_atom = {
        let view = PairView::new(&s, 3.0).unwrap();
        coordination_numbers(&view, 3.0).iter().sum::<u32>() as f64 / s.len() as f64
    };
    assert!(
        (z - bonds_per_atom).abs() < 1e-9,
        "first shell {z} vs mean coordination {bonds_per_atom}"
    );
    // A box the atoms fill keeps the box density, as OVITO and LAMMPS do.
    let (auto_filled, _) = first_shell(&filled, RdfNormalization::Auto);
    let (box_filled, _) = first_shell(&filled, RdfNormalization::Box);
    assert_eq!(auto_filled, box_filled);
}
