//! EAM against LAMMPS: energies, per-atom energies, forces and virials on committed fixtures
//! (tests/fixtures/eam, made by make_fixtures.py), a short NVE trajectory, the plain reference
//! implementation, and independence from the number of threads.

mod common;

use common::lammps_fixture::{
    Reference, deviations, fixture, load_reference, position_deviation, root, test_potential,
};
use sintermd::io::read_lammps_data;
use sintermd::md::{ForceEngine, SimulationState, nve_step};
use sintermd::neighbor::{ListKind, NeighborList, NeighborSettings};
use sintermd::potential::args::LammpsPair;
use sintermd::potential::eam::Eam;
use sintermd::potential::eam::lammps::from_lammps;
use sintermd::potential::{Configuration, ForceOutput, Potential};
use sintermd::system::{System, parse_boundary};

/// Relative tolerance on the total energy and the virial.
const ENERGY_RELATIVE: f64 = 1e-9;
/// Tolerance on each force component [eV/A].
const FORCE: f64 = 1e-8;
/// Tolerance on each per-atom energy [eV].
const PER_ATOM_ENERGY: f64 = 1e-9;

struct Case {
    system: System,
    potential: Eam,
    reference: Reference,
}

fn load(name: &str, style: &str, coeffs: &[String]) -> Case {
    let reference = load_reference(&fixture(&format!("eam/{name}.json")));
    let periodic = parse_boundary(&reference.boundary).unwrap();
    let system = read_lammps_data(&fixture(&format!("eam/{name}.data")), periodic, None).unwrap();
    let pair = LammpsPair::parse(style, coeffs, &[]).unwrap();
    let potential = from_lammps(&pair, &system.species, root()).unwrap();
    assert_eq!(reference.pair_style, style);
    assert_eq!(
        reference.pair_coeff, coeffs,
        "{name}: the fixture was made with other potential files"
    );
    Case {
        system,
        potential,
        reference,
    }
}

fn evaluate(system: &mut System, potential: &mut Eam) -> (ForceOutput, ForceOutput) {
    evaluate_with(system, potential, ListKind::Full)
}

/// The fast passes and the plain implementation with a list of `kind` (the plain one always
/// reads a full list).
fn evaluate_with(
    system: &mut System,
    potential: &mut Eam,
    kind: ListKind,
) -> (ForceOutput, ForceOutput) {
    system.wrap_positions();
    let mut list = NeighborList::with_kind(potential.cutoff(), 1.0, kind);
    let mut full = NeighborList::new(potential.cutoff(), 1.0);
    full.build(&system.simbox, &system.positions).unwrap();
    list.build(&system.simbox, &system.positions).unwrap();
    let config = Configuration {
        positions: &system.positions,
        types: &system.types,
    };
    let mut fast = ForceOutput::default();
    potential.compute(config, &list, &mut fast);
    let mut plain = ForceOutput::default();
    potential
        .compute_reference(config, &full, &mut plain)
        .unwrap();
    (fast, plain)
}

/// Checks a case against LAMMPS, and the fast passes against the plain implementation, with a
/// full and with a half neighbour list.
fn check(name: &str, mut case: Case) {
    for kind in [ListKind::Full, ListKind::Half] {
        check_with(&format!("{name} ({kind:?} list)"), &mut case, kind);
    }
}

fn check_with(name: &str, case: &mut Case, kind: ListKind) {
    let (fast, plain) = evaluate_with(&mut case.system, &mut case.potential, kind);
    let d = deviations(&fast, &case.reference.initial);
    println!("{name}: {d:?}");
    assert!(d.energy_relative < ENERGY_RELATIVE, "{name}: {d:?}");
    assert!(d.force < FORCE, "{name}: {d:?}");
    assert!(d.per_atom_energy < PER_ATOM_ENERGY, "{name}: {d:?}");
    assert!(d.virial_relative < ENERGY_RELATIVE, "{name}: {d:?}");
    // The two implementations differ only in the order of sums and in how the spline
    // derivative is evaluated.
    let d = deviations(
        &plain,
        &common::Snapshot {
            natoms: fast.forces.len(),
            energy: fast.energy,
            kinetic_energy: 0.0,
            per_atom_energy: fast.per_atom_energy.clone(),
            forces: fast.forces.iter().map(|f| [f.x, f.y, f.z]).collect(),
            positions: Vec::new(),
            virial: fast.virial,
        },
    );
    assert!(
        d.energy_relative < 1e-13 && d.force < 1e-11,
        "{name} plain vs fast: {d:?}"
    );
}

#[test]
fn funcfl_pt_bulk() {
    let coeff = vec![format!("1 1 {}", test_potential("Pt_johnson.eam"))];
    check("pt_funcfl_bulk", load("pt_funcfl_bulk", "eam", &coeff));
}

#[test]
fn funcfl_pt_density_past_the_table() {
    let coeff = vec![format!("1 1 {}", test_potential("Pt_johnson.eam"))];
    let mut case = load("pt_funcfl_squeezed", "eam", &coeff);
    // The centre's density lies past the tabulated range, where LAMMPS extrapolates linearly.
    let _ = evaluate(&mut case.system, &mut case.potential);
    let rho_max = case.potential.tables().rho_max;
    assert!(case.potential.densities()[0] > rho_max);
    check("pt_funcfl_squeezed", case);
}

#[test]
fn funcfl_two_elements_mixed() {
    let coeff = vec![
        format!("1 1 {}", test_potential("Cu_johnson.eam")),
        format!("2 2 {}", test_potential("Pt_johnson.eam")),
    ];
    check("cu_pt_funcfl_mix", load("cu_pt_funcfl_mix", "eam", &coeff));
}

#[test]
fn setfl_zhou04_ptfe_particle_with_the_generated_file() {
    let coeff = vec!["* * potentials/PtFe_Zhou04.eam.alloy Pt Fe".to_string()];
    check(
        "ptfe_zhou04_particle",
        load("ptfe_zhou04_particle", "eam/alloy", &coeff),
    );
}

#[test]
fn finnis_sinclair_cuzr_disordered() {
    let coeff = vec![format!(
        "* * {} Cu Zr",
        test_potential("CuZr_analytic.eam.fs")
    )];
    check(
        "cuzr_fs_disordered",
        load("cuzr_fs_disordered", "eam/fs", &coeff),
    );
}

#[test]
fn nve_trajectory_follows_lammps() {
    let coeff = vec!["* * potentials/PtFe_Zhou04.eam.alloy Pt Fe".to_string()];
    let case = load("ptfe_zhou04_particle", "eam/alloy", &coeff);
    let steps = case.reference.nve_steps.unwrap();
    let dt = case.reference.dt.unwrap();
    let last = case.reference.final_state.as_ref().unwrap();
    let mut engine =
        ForceEngine::new(Box::new(case.potential), NeighborSettings::default()).unwrap();
    let mut state = SimulationState::new(case.system, 0);
    engine.compute(&mut state.system, 0).unwrap();
    for _ in 0..steps {
        nve_step(&mut state, &mut engine, dt).unwrap();
    }
    // The engine moves the forces into the system; its output keeps energies and virial.
    let out = ForceOutput {
        forces: state.system.forces.clone(),
        ..engine.output().clone()
    };
    let d = deviations(&out, last);
    println!("after {steps} steps: {d:?}");
    assert!(
        d.energy_relative < ENERGY_RELATIVE && d.force < 1e-7,
        "{d:?}"
    );
    let sys = &state.system;
    let dx = position_deviation(&sys.positions, last);
    assert!(dx < 1e-9, "positions differ from LAMMPS by {dx:e} A");
    let ke = sintermd::md::thermo::kinetic_energy(sys);
    assert!(
        (ke - last.kinetic_energy).abs() < 1e-9 * last.kinetic_energy,
        "{ke} vs {}",
        last.kinetic_energy
    );
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let coeff = vec![format!(
        "* * {} Cu Zr",
        test_potential("CuZr_analytic.eam.fs")
    )];
    let case = load("cuzr_fs_disordered", "eam/fs", &coeff);
    let run = |threads: usize| {
        let mut sys = case.system.clone();
        let mut pot = case.potential.clone();
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| evaluate(&mut sys, &mut pot).0)
    };
    let one = run(1);
    for threads in [2, 3, 4] {
        assert_eq!(run(threads), one, "{threads} threads");
    }
}

#[test]
fn a_missing_fixture_names_the_file_and_the_script_that_makes_it() {
    let message = |rel: &'static str| {
        let err = std::panic::catch_unwind(|| fixture(rel)).unwrap_err();
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    let m = message("eam/no_such_case.json");
    assert!(
        m.contains("tests/fixtures/eam/no_such_case.json")
            && m.contains("tests/fixtures/eam/make_fixtures.py"),
        "{m}"
    );
    let m = message("eam/potentials/No_such.eam");
    assert!(
        m.contains("tests/fixtures/eam/potentials/No_such.eam")
            && m.contains("tests/fixtures/eam/make_potentials.py"),
        "{m}"
    );
}
