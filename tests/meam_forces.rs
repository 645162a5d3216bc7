//! MEAM forces are the exact gradient of its energy (finite differences), including pairs that
//! are partially screened (0 < S_ij < 1, triplets inside the screening window), and they do not
//! depend on the number of threads.

mod common;

use std::path::Path;

use common::clusters::{cluster, fcc_cluster};
use common::fd::{energy_forces, fourth_order_report as check_forces};
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
    let r = check_forces(potential, system, 0..n, 1e-4);
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
