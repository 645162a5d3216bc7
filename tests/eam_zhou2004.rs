//! The Zhou 2004 generator: the shipped files are exactly what the command writes, and the
//! tabulated potentials give the published lattice energies.

use std::path::Path;

use sintermd::neighbor::NeighborList;
use sintermd::potential::eam::zhou2004::{self, element, lattice_constant};
use sintermd::potential::{Configuration, ForceOutput, PotentialSpec, build_potential};
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

#[test]
fn shipped_files_are_what_the_command_writes() {
    for (elements, file) in [
        (&["Pt", "Fe"][..], "PtFe_Zhou04.eam.alloy"),
        (&["Cu"][..], "Cu_Zhou04.eam.alloy"),
    ] {
        let path = format!("potentials/{file}");
        let command = format!(
            "sintermd potential zhou2004 {} -o {path}",
            elements.join(" ")
        );
        let text = zhou2004::tabulate(elements, &command).unwrap().format();
        let shipped =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(&path)).unwrap();
        assert!(
            text == shipped,
            "{path} differs from what `{command}` writes"
        );
    }
}

/// Energy per atom [eV] of a perfect cubic crystal of `symbol` at its Zhou lattice constant,
/// through a RON potential specification and the generated file.
fn lattice_energy(symbol: &str, lattice: CubicLattice, file: &str) -> f64 {
    let a = lattice_constant(element(symbol).unwrap());
    let sites = block_sites(lattice, a, [6, 6, 6]);
    let species = SpeciesTable::elements(&[symbol]).unwrap();
    let mut sys = System::new(
        SimBox::new([0.0; 3], [6.0 * a; 3], [true; 3]).unwrap(),
        species,
    );
    for (i, x) in sites.into_iter().enumerate() {
        sys.push(i as u64 + 1, 0, x, Vec3::zeros());
    }
    let spec: PotentialSpec = sintermd::io::ron::parse_ron(
        &format!("Eam(Alloy(file: \"{file}\"))"),
        Path::new("spec.ron"),
    )
    .unwrap();
    let mut pot =
        build_potential(&spec, &sys.species, Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let mut list = NeighborList::new(pot.cutoff(), 0.5);
    list.build(&sys.simbox, &sys.positions).unwrap();
    let mut out = ForceOutput::default();
    pot.compute(
        Configuration {
            positions: &sys.positions,
            types: &sys.types,
        },
        &list,
        &mut out,
    );
    // In fcc the fifth neighbour shell lies exactly at the cutoff (sqrt(5/2) a = sqrt(5) r_e),
    // where round-off decides which of its atoms are counted: tiny forces remain.
    let fmax = out.forces.iter().map(|f| f.amax()).fold(0.0, f64::max);
    assert!(fmax < 1e-4, "perfect lattice has forces {fmax:e}");
    out.energy / sys.len() as f64
}

#[test]
fn cohesive_energies_of_the_generated_potentials() {
    // Zhou, Johnson & Wadley (2004), Table: cohesive energies of Cu 3.54, Pt 5.77, Fe 4.29 eV.
    let dir = std::env::temp_dir().join(format!("sintermd-zhou-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cu = lattice_energy("Cu", CubicLattice::Fcc, "potentials/Cu_Zhou04.eam.alloy");
    assert!((cu + 3.54).abs() < 0.01, "Cu {cu}");
    let pt = lattice_energy("Pt", CubicLattice::Fcc, "potentials/PtFe_Zhou04.eam.alloy");
    let fe_file = dir.join("Fe.eam.alloy");
    std::fs::write(
        &fe_file,
        zhou2004::tabulate(&["Fe"], "test").unwrap().format(),
    )
    .unwrap();
    let fe = lattice_energy("Fe", CubicLattice::Bcc, fe_file.to_str().unwrap());
    println!("E/atom: Cu {cu:.4}, Pt {pt:.4}, Fe {fe:.4} eV");
    assert!((pt + 5.77).abs() < 0.01, "Pt {pt}");
    assert!((fe + 4.29).abs() < 0.01, "Fe {fe}");
    std::fs::remove_dir_all(&dir).ok();
}
