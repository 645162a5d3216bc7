//! Domain decomposition in one process: forces, energies and virials computed rank by rank
//! (each rank its own atoms plus ghosts, `sintermd::domain`) agree with one evaluation of the
//! whole system to round-off, for LJ, EAM and MEAM, periodic and free, on 1 to 8 ranks. This is
//! the computation every MPI rank runs (tests/mpi.rs runs it across processes).

mod common;

use std::path::Path;

use common::clusters::fcc_cluster;
use sintermd::domain::compute_decomposed;
use sintermd::error::Result;
use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, Potential, lammps};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

/// A LAMMPS pair style for `species`, with files from potentials/.
fn style(style: &str, coeff: &str, species: &SpeciesTable) -> Result<Box<dyn Potential>> {
    lammps::build(
        style,
        &[coeff.to_string()],
        &[],
        species,
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("potentials")
            .as_path(),
    )
}

/// fcc of lattice constant `a`, `cells` unit cells per edge, periodic, atoms displaced by up
/// to `jiggle` [A] (deterministically).
fn periodic_fcc(a: f64, cells: usize, jiggle: f64, species: &[&str]) -> System {
    let l = a * cells as f64;
    let simbox = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
    let mut s = System::new(simbox, SpeciesTable::elements(species).unwrap());
    let basis = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ];
    let mut k = 0u64;
    for i in 0..cells {
        for j in 0..cells {
            for m in 0..cells {
                for b in basis {
                    let h = |c: u64| ((k * 2654435761 + c * 40503) % 1000) as f64 / 1000.0 - 0.5;
                    let x = Vec3::new(
                        (i as f64 + b[0]) * a + jiggle * h(1),
                        (j as f64 + b[1]) * a + jiggle * h(2),
                        (m as f64 + b[2]) * a + jiggle * h(3),
                    );
                    let ty = (k.is_multiple_of(3) && species.len() > 1) as u32;
                    s.push(k + 1, ty, x, Vec3::zeros());
                    k += 1;
                }
            }
        }
    }
    s.wrap_positions();
    s
}

/// The same system in a box free along every axis.
fn free(mut s: System) -> System {
    let lo = [-40.0; 3];
    let hi = [40.0; 3];
    s.simbox = SimBox::new(lo, hi, [false; 3]).unwrap();
    s
}

fn whole(potential: &mut dyn Potential, s: &System) -> ForceOutput {
    let mut list = NeighborList::with_kind(potential.cutoff(), 0.1, potential.neighbor_list_kind());
    list.build(&s.simbox, &s.positions).unwrap();
    potential.set_per_atom_virials(true);
    let mut out = ForceOutput::default();
    potential.compute(
        Configuration {
            positions: &s.positions,
            types: &s.types,
        },
        &list,
        &mut out,
    );
    out
}

/// Decomposed results on 1, 2, 3, 4 and 8 ranks against one evaluation.
fn check(what: &str, s: &System, make: &dyn Fn() -> Result<Box<dyn Potential>>) {
    let reference = whole(make().unwrap().as_mut(), s);
    let fmax = reference
        .forces
        .iter()
        .map(|f| f.amax())
        .fold(0.0, f64::max);
    let wmax = reference.virial.iter().map(|w| w.abs()).fold(0.0, f64::max);
    assert!(fmax > 0.05, "{what}: the test needs forces ({fmax})");
    for ranks in [1, 2, 3, 4, 8] {
        let got = compute_decomposed(make, &s.simbox, &s.positions, &s.types, ranks, 0.1).unwrap();
        let df = got
            .forces
            .iter()
            .zip(&reference.forces)
            .map(|(a, b)| (a - b).amax())
            .fold(0.0, f64::max);
        let de = (got.energy - reference.energy).abs() / reference.energy.abs();
        let dw = got
            .virial
            .iter()
            .zip(&reference.virial)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        let dpe = got
            .per_atom_energy
            .iter()
            .zip(&reference.per_atom_energy)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        eprintln!(
            "{what}, {} atoms, {ranks} ranks: max |dF| {df:.2e} of {fmax:.2e} eV/A, energy {de:.2e} \
             relative, per-atom energy {dpe:.2e} eV, virial {dw:.2e} of {wmax:.2e} eV",
            s.len()
        );
        assert!(
            df <= 1e-12 * fmax,
            "{what}, {ranks} ranks: forces differ by {df:e}"
        );
        assert!(
            de <= 1e-12,
            "{what}, {ranks} ranks: energy differs by {de:e}"
        );
        assert!(dpe <= 1e-12 * reference.energy.abs() / s.len() as f64 * 10.0);
        assert!(
            dw <= 1e-12 * wmax,
            "{what}, {ranks} ranks: virial differs by {dw:e}"
        );
    }
}

#[test]
fn lennard_jones_periodic_and_free() {
    let s = periodic_fcc(5.26, 4, 0.8, &["Ar"]);
    let make = || style("lj/cut 8.5", "1 1 0.0104 3.4", &s.species);
    check("LJ periodic", &s, &make);
    let f = free(s.clone());
    check("LJ free", &f, &make);
}

#[test]
fn eam_periodic_and_free() {
    let s = periodic_fcc(3.615, 5, 0.25, &["Cu"]);
    let make = || style("eam/alloy", "* * Cu_Zhou04.eam.alloy Cu", &s.species);
    check("EAM Cu periodic", &s, &make);
    let c = fcc_cluster(3.9, 11.0, 0.3, 0.15, 7);
    let make = || style("eam/alloy", "* * PtFe_Zhou04.eam.alloy Pt Fe", &c.species);
    check("EAM Pt-Fe cluster", &c, &make);
}

#[test]
fn meam_periodic_and_free() {
    let c = fcc_cluster(3.9, 10.0, 0.3, 0.2, 11);
    let make = || {
        style(
            "meam",
            "* * FePt_Kim2006.library.meam Pt Fe FePt_Kim2006.meam Pt Fe",
            &c.species,
        )
    };
    check("MEAM Pt-Fe cluster", &c, &make);
    let s = periodic_fcc(3.92, 4, 0.2, &["Pt", "Fe"]);
    let make = || {
        style(
            "meam",
            "* * FePt_Kim2006.library.meam Pt Fe FePt_Kim2006.meam Pt Fe",
            &s.species,
        )
    };
    check("MEAM Pt-Fe periodic", &s, &make);
}
