//! After 10^5 random events the cached coordinations, class lists and total rate equal a full
//! recomputation from the occupancy alone, in every mode (per-atom, per-hop, two species,
//! detachment allowed, a tilted grain-boundary pair with uneven neighbour counts, a mesh pair);
//! and a run is reproducible from its seed.

mod kmc_support;

use kmc_support::{A_PD, relaxed_random_mesh};
use nalgebra::Matrix3;
use sintermd::kmc::lattice::FccLattice;
use sintermd::kmc::mesh::{MeshNeighbors, mesh_sites};
use sintermd::kmc::model::{ModelSpec, RateMode};
use sintermd::kmc::pair::{Contact, PairSpec, SiteSource, build_pair};
use sintermd::kmc::shapes::ShapeSpec;
use sintermd::kmc::{Engine, KmcEngine};
use sintermd::structure::Turn;
use sintermd::system::Vec3;

fn lattice() -> SiteSource {
    SiteSource::Fcc(FccLattice {
        a: A_PD,
        rotation: Matrix3::identity(),
        origin: Vec3::zeros(),
    })
}

fn pair_spec(diameter: f64, second: Turn) -> PairSpec {
    PairSpec {
        shape: ShapeSpec::Sphere { diameter },
        contact: Contact::SingleAtom,
        axis: [1.0, 0.0, 0.0],
        second,
        margin: None,
    }
}

fn engine_on(
    source: &SiteSource,
    pair: &PairSpec,
    model: ModelSpec,
    species: usize,
    seed: u64,
) -> KmcEngine {
    let p = build_pair(pair, source).unwrap();
    let occupancy = p
        .occupied
        .iter()
        .enumerate()
        .map(|(i, &o)| if o { (1 + i % species) as u8 } else { 0 })
        .collect();
    KmcEngine::new(p.sites, occupancy, model.build(species).unwrap(), seed).unwrap()
}

fn run_and_check(mut engine: KmcEngine, events: u64, label: &str) -> KmcEngine {
    engine
        .check_consistency()
        .unwrap_or_else(|e| panic!("{label}, start: {e}"));
    let atoms = engine.atoms();
    let mut done = 0;
    while done < events {
        let n = engine.run(20_000.min(events - done));
        assert!(n > 0, "{label}: nothing can move");
        done += n;
        engine
            .check_consistency()
            .unwrap_or_else(|e| panic!("{label}, after {done} events: {e}"));
    }
    assert_eq!(engine.atoms(), atoms, "{label}: atoms are conserved");
    let c = engine.clock();
    println!(
        "{label}: {} events ({} null), t = {:.3e} s, consistent",
        c.events, c.null_events, c.time
    );
    engine
}

fn hot(mode: RateMode) -> ModelSpec {
    ModelSpec {
        temperature: 900.0,
        mode,
        ..Default::default()
    }
}

#[test]
fn per_atom_one_species() {
    let e = engine_on(
        &lattice(),
        &pair_spec(16.0, Turn::default()),
        hot(RateMode::PerAtom),
        1,
        1,
    );
    run_and_check(e, 100_000, "per-atom");
}

#[test]
fn per_hop_one_species() {
    let e = engine_on(
        &lattice(),
        &pair_spec(16.0, Turn::default()),
        hot(RateMode::PerHop),
        1,
        2,
    );
    run_and_check(e, 100_000, "per-hop");
}

#[test]
fn two_species_with_detachment() {
    let spec = ModelSpec {
        temperature: 1200.0,
        bond_energies: Some(vec![vec![0.1, 0.14], vec![0.14, 0.06]]),
        min_neighbours_after_hop: 0,
        ..Default::default()
    };
    let e = engine_on(&lattice(), &pair_spec(16.0, Turn::default()), spec, 2, 3);
    run_and_check(e, 100_000, "two species, min 0");
}

#[test]
fn two_species_per_hop() {
    let spec = ModelSpec {
        temperature: 900.0,
        bond_energies: Some(vec![vec![0.1, 0.14], vec![0.14, 0.06]]),
        mode: RateMode::PerHop,
        ..Default::default()
    };
    let e = engine_on(&lattice(), &pair_spec(14.0, Turn::default()), spec, 2, 4);
    run_and_check(e, 100_000, "two species, per-hop");
}

#[test]
fn tilted_pair_with_a_grain_boundary() {
    let second = Turn {
        twist: 10.0,
        tilt: 20.0,
        tilt_axis: [0.0, 0.0, 1.0],
    };
    let e = engine_on(
        &lattice(),
        &pair_spec(16.0, second),
        hot(RateMode::PerAtom),
        1,
        5,
    );
    run_and_check(e, 100_000, "tilted and twisted pair");
}

#[test]
fn mesh_pair() {
    let (mesh, _) = relaxed_random_mesh(1500, 0.068, 7);
    let (sites, report) = mesh_sites(&mesh, &MeshNeighbors::FirstMinimum, [2, 1, 1]).unwrap();
    println!("mesh: {}", report.neighbor_counts.line());
    let e = engine_on(
        &SiteSource::Mesh(sites),
        &pair_spec(14.0, Turn::default()),
        hot(RateMode::PerAtom),
        1,
        6,
    );
    run_and_check(e, 100_000, "mesh pair");
}

#[test]
fn runs_are_reproducible_from_the_seed() {
    let make = |seed| {
        engine_on(
            &lattice(),
            &pair_spec(12.0, Turn::default()),
            hot(RateMode::PerAtom),
            1,
            seed,
        )
    };
    let (mut a, mut b, mut c) = (make(11), make(11), make(12));
    a.run(20_000);
    b.run(20_000);
    c.run(20_000);
    assert_eq!(a.occupancy(), b.occupancy());
    assert_eq!(a.clock(), b.clock());
    assert_eq!(a.rng(), b.rng());
    assert_ne!(a.occupancy(), c.occupancy());
}
