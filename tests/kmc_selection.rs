//! Rejection-free selection: over many draws, each event of a small system is chosen with
//! frequency rate / R_total, where the rates come from a from-scratch catalogue (no class lists)
//! and, in the per-atom mode, the destination is uniform among the qualifying empty neighbours
//! (a null event when there is none). Pearson chi-square over all outcomes, p > 0.001.

mod kmc_support;

use std::collections::HashMap;

use kmc_support::{A_PD, chi_square_p_value};
use nalgebra::Matrix3;
use sintermd::kmc::lattice::{FccLattice, SiteSet};
use sintermd::kmc::model::{ModelSpec, RateMode};
use sintermd::kmc::{Engine, KmcEngine};
use sintermd::system::{SimBox, Vec3};

/// A cluster of about 20 atoms (a sphere of radius 4.6 A around a site, plus two adatoms) on a
/// free block of fcc sites: coordinations from 3 to 12.
fn small_cluster(species: usize) -> (SiteSet, Vec<u8>) {
    let lattice = FccLattice {
        a: A_PD,
        rotation: Matrix3::identity(),
        origin: Vec3::zeros(),
    };
    let r = 3.0 * A_PD;
    let positions = lattice.sites_in(Vec3::repeat(-r), Vec3::repeat(r), |_| true);
    let simbox = SimBox::new([-r - 1.0; 3], [r + 1.0; 3], [false; 3]).unwrap();
    let sites = SiteSet::with_cutoff(positions, simbox, lattice.neighbor_cutoff(), 2.75).unwrap();
    let extra = [
        Vec3::new(0.0, 0.0, 2.0 * A_PD),
        Vec3::new(1.5 * A_PD, 0.5 * A_PD, 0.0),
    ];
    let occupancy = (0..sites.len())
        .map(|i| {
            let x = sites.positions[i];
            let inside = x.norm() < 4.6 || extra.iter().any(|e| (x - e).norm() < 1e-6);
            if inside { (1 + i % species) as u8 } else { 0 }
        })
        .collect();
    (sites, occupancy)
}

/// Expected probability of every outcome (site, destination or None) from the occupancy alone.
fn expected_outcomes(engine: &KmcEngine) -> HashMap<(u32, Option<u32>), f64> {
    let catalogue = engine.brute_force_catalogue();
    let total: f64 = catalogue.iter().map(|e| e.rate).sum();
    let sites = engine.sites();
    let occ = engine.occupancy();
    let min = engine.model().min_neighbours_after_hop as usize;
    let mut out = HashMap::new();
    for e in &catalogue {
        let p = e.rate / total;
        match engine.model().mode {
            RateMode::PerHop => {
                out.insert((e.site, e.destination), p);
            }
            RateMode::PerAtom => {
                let i = e.site as usize;
                let qualifying: Vec<u32> = sites
                    .neighbors(i)
                    .iter()
                    .copied()
                    .filter(|&j| {
                        occ[j as usize] == 0
                            && sites
                                .neighbors(j as usize)
                                .iter()
                                .filter(|&&k| occ[k as usize] != 0)
                                .count()
                                > min
                    })
                    .collect();
                if qualifying.is_empty() {
                    out.insert((e.site, None), p);
                } else {
                    for j in &qualifying {
                        out.insert((e.site, Some(*j)), p / qualifying.len() as f64);
                    }
                }
            }
        }
    }
    out
}

/// Returns the number of null outcomes (atoms with no qualifying destination).
fn chi_square_of_selection(spec: ModelSpec, species: usize, draws: usize, label: &str) -> usize {
    let (sites, occupancy) = small_cluster(species);
    let model = spec.build(species).unwrap();
    let mut engine = KmcEngine::new(sites, occupancy, model, 99).unwrap();
    engine.check_consistency().unwrap();
    let expected = expected_outcomes(&engine);
    let mut counts: HashMap<(u32, Option<u32>), usize> = HashMap::new();
    for _ in 0..draws {
        let s = engine.select().unwrap();
        *counts.entry((s.site, s.destination)).or_insert(0) += 1;
    }
    for k in counts.keys() {
        assert!(
            expected.contains_key(k),
            "{label}: outcome {k:?} has zero rate but was drawn"
        );
    }
    let n = draws as f64;
    let mut chi2 = 0.0;
    let mut min_expected = f64::INFINITY;
    for (k, &p) in &expected {
        let e = p * n;
        min_expected = min_expected.min(e);
        let o = *counts.get(k).unwrap_or(&0) as f64;
        chi2 += (o - e).powi(2) / e;
    }
    let dof = expected.len() - 1;
    let p = chi_square_p_value(chi2, dof);
    println!(
        "{label}: {} outcomes, {draws} draws, smallest expected count {min_expected:.1}, chi2 = {chi2:.1} for {dof} dof, p = {p:.3}",
        expected.len()
    );
    assert!(
        min_expected >= 5.0,
        "{label}: some outcomes too rare for chi-square"
    );
    assert!(
        p > 1e-3,
        "{label}: selection frequencies differ from rate / R (p = {p})"
    );
    expected.keys().filter(|k| k.1.is_none()).count()
}

#[test]
fn per_atom_events_are_chosen_with_rate_over_total() {
    let spec = ModelSpec {
        temperature: 2500.0,
        ..Default::default()
    };
    let nulls = chi_square_of_selection(spec, 1, 2_000_000, "per-atom, one species");
    // The lone adatom at (0, 0, 2a) has no neighbour: its events are null events.
    assert!(nulls > 0, "the test system should include null events");
}

#[test]
fn per_hop_events_are_chosen_with_rate_over_total() {
    let spec = ModelSpec {
        temperature: 2500.0,
        mode: RateMode::PerHop,
        ..Default::default()
    };
    let nulls = chi_square_of_selection(spec, 1, 3_000_000, "per-hop, one species");
    assert_eq!(nulls, 0, "the per-hop mode has no null events");
}

#[test]
fn alloy_events_are_chosen_with_rate_over_total() {
    let spec = ModelSpec {
        temperature: 2500.0,
        bond_energies: Some(vec![vec![0.1, 0.16], vec![0.16, 0.05]]),
        min_neighbours_after_hop: 1,
        ..Default::default()
    };
    chi_square_of_selection(spec, 2, 2_000_000, "per-atom, two species");
}
