//! MEAM forces are the exact gradient of its energy (finite differences), including pairs that
//! are partially screened (0 < S_ij < 1, triplets inside the screening window), and they do not
//! depend on the number of threads.

mod common;

use std::path::Path;

use common::clusters::{cluster, fcc_cluster};

/// The atoms `atoms` of `system` as a free cluster (species, types and positions kept).
fn cluster_of(system: &System, atoms: &[usize]) -> System {
    let names: Vec<&str> = system.species.names.iter().map(String::as_str).collect();
    let types: Vec<u32> = atoms.iter().map(|&i| system.types[i]).collect();
    let positions: Vec<Vec3> = atoms.iter().map(|&i| system.positions[i]).collect();
    cluster(&names, &types, &positions)
}
use common::fd::{energy_forces, fourth_order_report};
use sintermd::neighbor::NeighborList;
use sintermd::potential::meam::Meam;
use sintermd::potential::{Configuration, Potential, lammps};
use sintermd::system::{SpeciesTable, System, Vec3};

fn fept(species: &SpeciesTable) -> Meam {
    let map: Vec<Option<usize>> = species
        .names
        .iter()
        .map(|n| Some(if n == "Pt" { 0 } else { 1 }))
        .collect();
    Meam::from_files(
        Path::new("potentials/FePt_Kim2006.library.meam"),
        &["Pt", "Fe"],
        Some(Path::new("potentials/FePt_Kim2006.meam")),
        &map,
    )
    .unwrap()
}

fn screened(meam: &mut Meam, system: &System) -> Vec<sintermd::potential::meam::ScreenedPair> {
    let mut list = NeighborList::new(meam.cutoff(), 0.5);
    list.build(&system.simbox, &system.positions).unwrap();
    meam.screened_pairs(
        Configuration {
            positions: &system.positions,
            types: &system.types,
        },
        &list,
    )
}

fn assert_fd(potential: &mut dyn Potential, system: &System, what: &str) {
    let n = system.len();
    let r = fourth_order_report(potential, system, 0..n, 1e-4);
    eprintln!(
        "{what}: {} components, max |F| {:.3} eV/A, max |F - F_fd| {:.2e} eV/A (atom {}, axis {})",
        r.checked, r.max_force, r.max_error, r.worst.0, r.worst.1
    );
    assert!(
        r.max_error < 1e-6 * r.max_force.max(1.0),
        "{what}: forces differ from finite differences by {:.3e} eV/A",
        r.max_error
    );
}

/// Three atoms with the third inside the screening ellipse of the first two (C = 2 for a k on
/// the bisector at X_ik = X_jk = 3/4), for each Fe/Pt combination, plus a fourth atom nearby.
#[test]
fn triplets_inside_the_screening_window() {
    let r = 2.6;
    let h = (0.75f64 - 0.25).sqrt() * r; // distance of k from the i-j midpoint for X = 3/4
    for (ti, tj, tk) in [
        (0, 0, 0),
        (1, 1, 1),
        (0, 1, 0),
        (1, 0, 1),
        (0, 0, 1),
        (1, 1, 0),
    ] {
        let pos = [
            Vec3::new(0.0, 0.0, 0.0),
            Vec3::new(r, 0.0, 0.0),
            Vec3::new(0.5 * r + 0.07, h, 0.05),
            Vec3::new(0.4 * r, -2.2, 0.9),
        ];
        let system = cluster(&["Pt", "Fe"], &[ti, tj, tk, 0], &pos);
        let mut meam = fept(&system.species);
        let pairs = screened(&mut meam, &system);
        let ij = pairs.iter().find(|p| p.i == 0 && p.j == 1).unwrap();
        assert!(
            ij.screening > 0.0 && ij.screening < 1.0,
            "types ({ti},{tj},{tk}): S_01 = {}",
            ij.screening
        );
        assert_fd(&mut meam, &system, &format!("triplet ({ti},{tj},{tk})"));
    }
}

/// A hot Pt-Fe fcc cluster (displacements up to 0.3 A): many partially screened pairs.
#[test]
fn fept_cluster_with_partial_screening() {
    let system = fcc_cluster(3.9, 6.0, 0.3, 0.3, 7);
    let mut meam = fept(&system.species);
    let pairs = screened(&mut meam, &system);
    let partial = pairs
        .iter()
        .filter(|p| p.screening > 0.0 && p.screening < 1.0)
        .count();
    eprintln!(
        "{} atoms, {} pairs, {partial} partially screened, {} fully screened",
        system.len(),
        pairs.len(),
        pairs.iter().filter(|p| p.screening == 0.0).count()
    );
    assert!(partial >= 20, "only {partial} partially screened pairs");
    assert_fd(&mut meam, &system, "Pt-Fe cluster");
}

/// Cu (first-neighbour MEAM, ZBL blending, augt1 = 1, ibar 0), compressed so that some pairs
/// fall in the ZBL range, and the synthetic potentials exercising ialloy 0 and 1,
/// mixture_ref_t and the other reference structures.
#[test]
fn other_parameter_sets() {
    let mut cu = fcc_cluster(3.1, 5.0, 0.0, 0.3, 11);
    cu.species = SpeciesTable::elements(&["Cu", "Fe"]).unwrap();
    let mut pot = lammps::build(
        "meam",
        &[
            "* * potentials/Cu_Baskes1992.library.meam Cu potentials/Cu_Baskes1992.meam Cu NULL"
                .to_string(),
        ],
        &[],
        &cu.species,
        Path::new("."),
    )
    .unwrap();
    assert_fd(pot.as_mut(), &cu, "Cu compressed");

    let dir = "tests/fixtures/meam/synthetic";
    for (elements, par) in [
        ("A B", "c11.meam"),
        ("D A", "c11_diamond.meam"),
        ("A C", "b1_nn2.meam"),
        ("A C", "l12_ialloy1.meam"),
        ("A B", "b2_nn2.meam"),
        ("G B", "zig.meam"),
    ] {
        let mut system = fcc_cluster(3.6, 5.0, 0.4, 0.2, 3);
        system.species = SpeciesTable::new(vec!["Q0".into(), "Q1".into()], vec![50.0; 2]).unwrap();
        let coeff = format!("* * {dir}/synthetic.library.meam {elements} {dir}/{par} {elements}");
        let mut pot =
            lammps::build("meam", &[coeff], &[], &system.species, Path::new(".")).unwrap();
        assert_fd(pot.as_mut(), &system, par);
    }
}

/// Forces, energies and virials are bitwise identical for 1, 2 and 3 threads.
#[test]
fn results_do_not_depend_on_thread_count() {
    let system = fcc_cluster(3.9, 12.0, 0.15, 0.2, 5);
    let run = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut meam = fept(&system.species);
        pool.install(|| energy_forces(&mut meam, &system))
    };
    let one = run(1);
    assert!(one.forces.iter().any(|f| f.norm() > 0.1));
    for threads in [2, 3] {
        let other = run(threads);
        assert_eq!(one, other, "{threads} threads differ from 1 thread");
    }
}

/// The forces-only evaluation (steps without thermodynamic output) gives the forces of the full
/// evaluation bit for bit, on any number of threads, and the full one after it is unchanged.
#[test]
fn forces_only_evaluation_matches_the_full_one() {
    let system = fcc_cluster(3.9, 12.0, 0.15, 0.2, 5);
    let mut list = NeighborList::new(fept(&system.species).cutoff(), 0.5);
    list.build(&system.simbox, &system.positions).unwrap();
    let config = Configuration {
        positions: &system.positions,
        types: &system.types,
    };
    let full = energy_forces(&mut fept(&system.species), &system);
    for threads in [1, 2, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut meam = fept(&system.species);
        let mut out = sintermd::potential::ForceOutput::default();
        pool.install(|| meam.compute_forces(config, &list, &mut out));
        assert_eq!(out.forces, full.forces, "{threads} threads");
        pool.install(|| meam.compute(config, &list, &mut out));
        assert_eq!(
            out, full,
            "full evaluation after a forces-only one, {threads} threads"
        );
    }
}

/// The screening search gives the same result bit for bit on the AVX2 lanes and on the portable
/// ones: forces, energies and virials of a free cluster and of the same atoms in a periodic
/// box, on 1 and 2 threads.
#[test]
fn portable_and_vector_screening_agree_bit_for_bit() {
    use sintermd::potential::lanes::KernelPath;
    let cluster = fcc_cluster(3.9, 12.0, 0.15, 0.2, 7);
    // A periodic crystal of 4 x 4 x 4 cells: the atoms of a larger cluster inside a box whose
    // faces lie a quarter cell from every lattice plane (farther than the jiggle).
    let a = 3.9;
    let (lo, hi) = (-2.25 * a, 1.75 * a);
    let big = fcc_cluster(a, 16.0, 0.15, 0.2, 7);
    let inside: Vec<usize> = (0..big.len())
        .filter(|&i| big.positions[i].iter().all(|&x| lo <= x && x < hi))
        .collect();
    assert_eq!(inside.len(), 256);
    let mut periodic = cluster_of(&big, &inside);
    periodic.simbox = sintermd::system::SimBox::new([lo; 3], [hi; 3], [true; 3]).unwrap();
    if !KernelPath::Avx2Fma.is_available() {
        println!("no AVX2 + FMA on this CPU: only the portable lanes run here");
        return;
    }
    for (name, system) in [("cluster", &cluster), ("periodic", &periodic)] {
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let run = |path: KernelPath| {
                let mut meam = fept(&system.species);
                meam.set_kernel_path(path).unwrap();
                pool.install(|| energy_forces(&mut meam, system))
            };
            let (vector, portable) = (run(KernelPath::Avx2Fma), run(KernelPath::Portable));
            assert!(portable.forces.iter().any(|f| f.norm() > 0.1), "{name}");
            assert!(
                portable.energy.is_finite() && portable.energy < 0.0,
                "{name}"
            );
            assert_eq!(vector, portable, "{name}, {threads} threads");
        }
    }
}
