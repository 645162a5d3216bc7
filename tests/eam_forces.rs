//! EAM forces and virials are derivatives of the energy (central finite differences), for every
//! file format; the scheduled parallel passes agree with the plain implementation on a system
//! large enough to be split into many blocks, for any number of threads.

mod common;

use common::lammps_fixture::{fixture, root, test_potential};
use rand::{RngExt, SeedableRng};
use sintermd::io::read_lammps_data;
use sintermd::neighbor::{ListKind, NeighborList};
use sintermd::potential::args::LammpsPair;
use sintermd::potential::eam::lammps::from_lammps;
use sintermd::potential::eam::{Eam, KernelPath};
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

/// Finite-difference step [A] and the tolerance on each force component [eV/A]: the tables are
/// piecewise cubics whose second derivative jumps at the grid points, so a central difference
/// is accurate to about h times those jumps.
const H: f64 = 1e-5;
const TOL: f64 = 1e-6;

fn potential(style: &str, coeff: &str, system: &System) -> Eam {
    let coeffs = vec![coeff.to_string()];
    let pair = LammpsPair::parse(style, &coeffs, &[]).unwrap();
    from_lammps(&pair, &system.species, root()).unwrap()
}

fn fixture_system(name: &str, periodic: [bool; 3]) -> System {
    read_lammps_data(&fixture(&format!("eam/{name}.data")), periodic, None).unwrap()
}

#[test]
fn funcfl_forces_and_virial() {
    let sys = fixture_system("pt_funcfl_bulk", [true; 3]);
    let mut pot = potential(
        "eam",
        &format!("* * {}", test_potential("Pt_johnson.eam")),
        &sys,
    );
    let worst = common::fd::check_forces(&sys, &mut pot, &[0, 17, 101, 255], H, TOL);
    let w = common::fd::check_virial(&sys, &mut pot, 1e-6, 1e-6 * 100.0);
    println!("funcfl: worst force deviation {worst:e} eV/A, virial {w:e} eV");
}

#[test]
fn funcfl_mixture_forces_and_virial() {
    let sys = fixture_system("cu_pt_funcfl_mix", [true; 3]);
    let coeffs = vec![
        format!("1 1 {}", test_potential("Cu_johnson.eam")),
        format!("2 2 {}", test_potential("Pt_johnson.eam")),
    ];
    let pair = LammpsPair::parse("eam", &coeffs, &[]).unwrap();
    let mut pot = from_lammps(&pair, &sys.species, root()).unwrap();
    let worst = common::fd::check_forces(&sys, &mut pot, &[0, 1, 2, 3, 64, 200], H, TOL);
    let w = common::fd::check_virial(&sys, &mut pot, 1e-6, 1e-4);
    println!("funcfl mix: worst force deviation {worst:e} eV/A, virial {w:e} eV");
}

#[test]
fn setfl_forces_on_a_free_particle() {
    let sys = fixture_system("ptfe_zhou04_particle", [false; 3]);
    let mut pot = potential(
        "eam/alloy",
        "* * potentials/PtFe_Zhou04.eam.alloy Pt Fe",
        &sys,
    );
    let fe: Vec<usize> = (0..sys.len())
        .filter(|&i| sys.types[i] == 1)
        .take(4)
        .collect();
    let mut atoms = vec![0, 50, 120];
    atoms.extend(fe);
    let worst = common::fd::check_forces(&sys, &mut pot, &atoms, H, TOL);
    println!("setfl: worst force deviation {worst:e} eV/A");
}

#[test]
fn finnis_sinclair_forces_and_virial() {
    let sys = fixture_system("cuzr_fs_disordered", [true; 3]);
    let mut pot = potential(
        "eam/fs",
        &format!("* * {} Cu Zr", test_potential("CuZr_analytic.eam.fs")),
        &sys,
    );
    let zr: Vec<usize> = (0..sys.len())
        .filter(|&i| sys.types[i] == 1)
        .take(3)
        .collect();
    let mut atoms = vec![0, 1, 2];
    atoms.extend(zr);
    let worst = common::fd::check_forces(&sys, &mut pot, &atoms, H, TOL);
    let w = common::fd::check_virial(&sys, &mut pot, 1e-6, 1e-4);
    println!("fs: worst force deviation {worst:e} eV/A, virial {w:e} eV");
}

/// A 4,000-atom Pt85Fe15 alloy block with random displacements, split into many blocks by the
/// parallel schedule.
fn large_alloy() -> System {
    alloy_block([10, 10, 10])
}

/// A Pt85Fe15 alloy block of `cells` fcc cells with random displacements, periodic along x and
/// y, free along z.
fn alloy_block(cells: [usize; 3]) -> System {
    let a = 3.9;
    let sites = block_sites(CubicLattice::Fcc, a, cells);
    let species = SpeciesTable::elements(&["Pt", "Fe"]).unwrap();
    let l = cells.map(|c| c as f64 * a);
    let simbox = SimBox::new([0.0; 3], l, [true, true, false]).unwrap();
    let mut sys = System::new(simbox, species);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    for (i, x) in sites.into_iter().enumerate() {
        let t = u32::from(rng.random::<f64>() < 0.15);
        let d = Vec3::new(
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
        );
        sys.push(i as u64 + 1, t, x + 0.3 * d, Vec3::zeros());
    }
    sys
}

#[test]
fn scheduled_passes_match_the_plain_implementation_for_any_thread_count() {
    let mut sys = large_alloy();
    sys.wrap_positions();
    let pot = potential(
        "eam/alloy",
        "* * potentials/PtFe_Zhou04.eam.alloy Pt Fe",
        &sys,
    );
    let mut list = NeighborList::new(pot.cutoff(), 1.0);
    list.build(&sys.simbox, &sys.positions).unwrap();
    assert!(
        list.schedule().blocks() > 27,
        "{} blocks",
        list.schedule().blocks()
    );
    let config = Configuration {
        positions: &sys.positions,
        types: &sys.types,
    };
    let mut plain = ForceOutput::default();
    pot.compute_reference(config, &list, &mut plain).unwrap();
    let run = |threads: usize| {
        let mut p = pot.clone();
        let mut out = ForceOutput::default();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| p.compute(config, &list, &mut out));
        out
    };
    let one = run(1);
    let df = one
        .forces
        .iter()
        .zip(&plain.forces)
        .map(|(a, b)| (a - b).amax())
        .fold(0.0, f64::max);
    assert!(df < 1e-11, "fast vs plain forces differ by {df:e}");
    assert!((one.energy - plain.energy).abs() < 1e-12 * plain.energy.abs());
    for threads in [2, 3, 5] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
    // Forces alone are the same, bit for bit.
    let mut p = pot.clone();
    let mut forces = ForceOutput::default();
    p.compute_forces(config, &list, &mut forces);
    assert_eq!(forces.forces, one.forces);
}

/// Forces, energies and virials of `sys` with a list of `kind`, with `threads` threads and the
/// lane implementation `path`; forces alone too.
fn evaluate_with(
    pot: &Eam,
    sys: &System,
    kind: ListKind,
    threads: usize,
    path: KernelPath,
) -> (ForceOutput, ForceOutput) {
    let mut list = NeighborList::with_kind(pot.cutoff(), 1.0, kind);
    list.build(&sys.simbox, &sys.positions).unwrap();
    let config = Configuration {
        positions: &sys.positions,
        types: &sys.types,
    };
    let mut p = pot.clone();
    p.set_kernel_path(path).unwrap();
    let (mut all, mut forces) = (ForceOutput::default(), ForceOutput::default());
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| {
            p.compute(config, &list, &mut all);
            p.compute_forces(config, &list, &mut forces);
        });
    (all, forces)
}

/// A copper block (one species: the symmetric table layout) with random displacements.
fn copper_block(cells: [usize; 3]) -> (System, Eam) {
    let a = 3.615;
    let species = SpeciesTable::elements(&["Cu"]).unwrap();
    let l = cells.map(|c| c as f64 * a);
    let simbox = SimBox::new([0.0; 3], l, [true; 3]).unwrap();
    let mut sys = System::new(simbox, species);
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    for (i, x) in block_sites(CubicLattice::Fcc, a, cells)
        .into_iter()
        .enumerate()
    {
        let d = Vec3::new(
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
            rng.random::<f64>() - 0.5,
        );
        sys.push(i as u64 + 1, 0, x + 0.3 * d, Vec3::zeros());
    }
    sys.wrap_positions();
    let pot = potential("eam/alloy", "* * potentials/Cu_Zhou04.eam.alloy Cu", &sys);
    (sys, pot)
}

#[test]
fn half_list_passes_match_the_plain_implementation_for_any_thread_count() {
    // 24 cells along z: the schedule runs two interleaved sweeps (at least 9 blocks along the
    // longest axis), whose conflicting blocks must still run in order.
    let mut sys = alloy_block([6, 6, 24]);
    sys.wrap_positions();
    let pot = potential(
        "eam/alloy",
        "* * potentials/PtFe_Zhou04.eam.alloy Pt Fe",
        &sys,
    );
    let mut full = NeighborList::new(pot.cutoff(), 1.0);
    full.build(&sys.simbox, &sys.positions).unwrap();
    let config = Configuration {
        positions: &sys.positions,
        types: &sys.types,
    };
    let mut plain = ForceOutput::default();
    pot.compute_reference(config, &full, &mut plain).unwrap();
    let path = KernelPath::detect();
    let (one, forces) = evaluate_with(&pot, &sys, ListKind::Half, 1, path);
    let df = one
        .forces
        .iter()
        .zip(&plain.forces)
        .map(|(a, b)| (a - b).amax())
        .fold(0.0, f64::max);
    assert!(df < 1e-11, "fast vs plain forces differ by {df:e}");
    assert!((one.energy - plain.energy).abs() < 1e-12 * plain.energy.abs());
    for k in 0..6 {
        assert!((one.virial[k] - plain.virial[k]).abs() < 1e-11 * plain.virial[0].abs());
    }
    assert_eq!(forces.forces, one.forces);
    for threads in [2, 3, 4] {
        let (all, f) = evaluate_with(&pot, &sys, ListKind::Half, threads, path);
        assert_eq!(all, one, "{threads} threads");
        assert_eq!(f.forces, one.forces, "{threads} threads, forces only");
    }
}

#[test]
fn portable_and_vector_kernels_agree_bit_for_bit() {
    if !KernelPath::Avx2Fma.is_available() {
        println!("no AVX2 + FMA on this CPU: only the portable kernel runs here");
        return;
    }
    let mut alloy = alloy_block([6, 6, 8]);
    alloy.wrap_positions();
    let alloy_pot = potential(
        "eam/alloy",
        "* * potentials/PtFe_Zhou04.eam.alloy Pt Fe",
        &alloy,
    );
    // A cluster: a list with one image, whose codes the passes do not read.
    let mut cluster = alloy_block([6, 6, 6]);
    cluster.simbox = SimBox::new(cluster.simbox.lo, cluster.simbox.hi, [false; 3]).unwrap();
    let (copper, copper_pot) = copper_block([6, 6, 6]);
    for (name, sys, pot) in [
        ("Pt-Fe", &alloy, &alloy_pot),
        ("Pt-Fe cluster", &cluster, &alloy_pot),
        ("Cu", &copper, &copper_pot),
    ] {
        for kind in [ListKind::Full, ListKind::Half] {
            for threads in [1, 2] {
                let v = evaluate_with(pot, sys, kind, threads, KernelPath::Avx2Fma);
                let p = evaluate_with(pot, sys, kind, threads, KernelPath::Portable);
                assert_eq!(v.0, p.0, "{name}, {kind:?} list, {threads} threads");
                assert_eq!(v.1.forces, p.1.forces, "{name}, {kind:?} list, forces only");
                assert!(v.0.energy.is_finite() && v.0.energy < 0.0);
            }
        }
    }
}
