//! Physics checks of MEAM: by construction, each reference structure has the energy per atom of
//! the universal curve E_u(r) = -Ec (1 + a* + d a*^3) exp(-a*), a* = alpha (r / re - 1), and its
//! minimum -Ec at r = re (Baskes 1992; Lee & Baskes 2000). Here the second and third neighbour
//! shells are either fully screened or beyond rc, so the identity holds exactly (up to the
//! interpolation of the pair-function table).

use std::path::Path;

use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, lammps};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

/// Energy per atom [eV] of a periodic cubic crystal: `basis` (fractional, with species) in
/// 3x3x3 cells of lattice constant `a` [A].
fn energy_per_atom(pair_coeff: &str, species: &[&str], basis: &[([f64; 3], u32)], a: f64) -> f64 {
    let n = 3;
    let simbox = SimBox::new([0.0; 3], [n as f64 * a; 3], [true; 3]).unwrap();
    let mut s = System::new(simbox, SpeciesTable::elements(species).unwrap());
    let mut id = 1;
    for i in 0..n {
        for j in 0..n {
            for k in 0..n {
                for (f, t) in basis {
                    let x = Vec3::new(i as f64 + f[0], j as f64 + f[1], k as f64 + f[2]) * a;
                    s.push(id, *t, x, Vec3::zeros());
                    id += 1;
                }
            }
        }
    }
    let mut pot = lammps::build(
        "meam",
        &[pair_coeff.to_string()],
        &[],
        &s.species,
        Path::new("."),
    )
    .unwrap();
    let mut list = NeighborList::new(pot.cutoff(), 0.5);
    list.build(&s.simbox, &s.positions).unwrap();
    let mut out = ForceOutput::default();
    pot.compute(
        Configuration {
            positions: &s.positions,
            types: &s.types,
        },
        &list,
        &mut out,
    );
    let fmax = out.forces.iter().map(|f| f.norm()).fold(0.0, f64::max);
    assert!(
        fmax < 1e-10,
        "perfect crystal has forces up to {fmax:e} eV/A"
    );
    out.energy / s.len() as f64
}

fn rose(r: f64, re: f64, alpha: f64, ec: f64, d: f64) -> f64 {
    let a = alpha * (r / re - 1.0);
    -ec * (1.0 + a + d * a * a * a) * (-a).exp()
}

const FCC: [[f64; 3]; 4] = [[0.0; 3], [0.5, 0.5, 0.0], [0.5, 0.0, 0.5], [0.0, 0.5, 0.5]];

#[test]
fn fcc_pt_follows_its_universal_curve() {
    let coeff = "* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe";
    let basis: Vec<_> = FCC.iter().map(|&f| (f, 0)).collect();
    let (re, alpha, ec) = (2.77, 6.4956062544, 5.77);
    for scale in [0.98, 1.0, 1.02] {
        let r = re * scale;
        let e = energy_per_atom(coeff, &["Pt", "Fe"], &basis, r * 2f64.sqrt());
        assert!(
            (e - rose(r, re, alpha, ec, 0.05)).abs() < 1e-9,
            "r = {r}: {e}"
        );
    }
}

#[test]
fn l12_pt3fe_follows_the_pair_universal_curve() {
    // L1_2: Fe on the cube corners, Pt on the face centres; Ec(1,2) = 5.86 eV at re = 2.7181 A.
    let coeff = "* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe";
    let basis: Vec<_> = FCC
        .iter()
        .enumerate()
        .map(|(k, &f)| (f, if k == 0 { 1 } else { 0 }))
        .collect();
    let (re, alpha, ec) = (2.7181, 5.97170757496089, 5.86);
    for scale in [0.99, 1.0, 1.01] {
        let r = re * scale;
        let e = energy_per_atom(coeff, &["Pt", "Fe"], &basis, r * 2f64.sqrt());
        assert!(
            (e - rose(r, re, alpha, ec, 0.05)).abs() < 1e-9,
            "r = {r}: {e}"
        );
    }
}

#[test]
fn fcc_cu_has_its_cohesive_energy_at_its_lattice_constant() {
    let coeff = "* * potentials/Cu_Baskes1992.library.meam Cu potentials/Cu_Baskes1992.meam Cu";
    let basis: Vec<_> = FCC.iter().map(|&f| (f, 0)).collect();
    let e = energy_per_atom(coeff, &["Cu"], &basis, 3.62);
    assert!((e + 3.54).abs() < 1e-9, "{e}");
}
