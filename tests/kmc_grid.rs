//! The fcc-grid engine against the table engine: on the same grid, from the same seed, the two
//! produce the same trajectory bit for bit (occupancy, clock, generator state), and the grid
//! engine's incremental state equals a full recomputation after 10^5 events.

mod kmc_support;

use kmc_support::A_PD;
use nalgebra::Matrix3;
use sintermd::kmc::grid::FccGrid;
use sintermd::kmc::grid_engine::GridEngine;
use sintermd::kmc::lattice::FccLattice;
use sintermd::kmc::model::ModelSpec;
use sintermd::kmc::pair::{Contact, PairSpec, SiteSource, build_pair};
use sintermd::kmc::shapes::ShapeSpec;
use sintermd::kmc::{Engine, KmcEngine};
use sintermd::structure::Turn;
use sintermd::structure::orientation::orientation_matrix;
use sintermd::system::Vec3;

/// Both engines on the grid of a small pair of spheres of `diameter` [A] meeting along x with
/// `contact`, the lattice rotated by `rotation`.
fn engines(
    rotation: Matrix3<f64>,
    diameter: f64,
    contact: Contact,
    model: ModelSpec,
    seed: u64,
) -> (GridEngine, KmcEngine) {
    let lattice = FccLattice {
        a: A_PD,
        rotation,
        origin: Vec3::zeros(),
    };
    let spec = PairSpec {
        shape: ShapeSpec::Sphere { diameter },
        contact,
        axis: [1.0, 0.0, 0.0],
        second: Turn::default(),
        margin: None,
    };
    let pair = build_pair(&spec, &SiteSource::Fcc(lattice.clone())).unwrap();
    let (grid, index) =
        FccGrid::covering(pair.lattice.as_ref().unwrap(), &pair.sites.positions).unwrap();
    let mut in_use = vec![false; grid.len()];
    let mut occupied = vec![false; grid.len()];
    for (k, &i) in index.iter().enumerate() {
        in_use[i] = true;
        occupied[i] = pair.occupied[k];
    }
    let model = model.build(1).unwrap();
    let fast = GridEngine::new(grid, &in_use, &occupied, model.clone(), seed).unwrap();
    let occupancy = occupied.iter().map(|&o| u8::from(o)).collect();
    let table = KmcEngine::new(fast.sites().clone(), occupancy, model, seed).unwrap();
    (fast, table)
}

fn hot() -> ModelSpec {
    ModelSpec {
        temperature: 900.0,
        ..Default::default()
    }
}

#[test]
fn grid_and_table_engines_follow_the_same_trajectory() {
    for (rotation, contact, label) in [
        (
            Matrix3::identity(),
            Contact::SingleAtom,
            "cube axes, joined by one atom",
        ),
        (
            orientation_matrix([1, 1, 0], [-1, 1, 0], [0, 0, 1]).unwrap(),
            Contact::SingleAtom,
            "x = [110], joined by one atom",
        ),
        (
            orientation_matrix([1, 1, 1], [-1, 1, 0], [-1, -1, 2]).unwrap(),
            Contact::Touching,
            "x = [111], touching",
        ),
    ] {
        let (mut fast, mut table) = engines(rotation, 16.0, contact, hot(), 7);
        assert_eq!(fast.occupancy(), table.occupancy(), "{label}: start");
        assert_eq!(fast.total_rate(), table.total_rate(), "{label}: start");
        for chunk in 0..10 {
            for _ in 0..10_000 {
                let (a, b) = (fast.step(), table.step());
                assert_eq!(a, b, "{label}: chunk {chunk}");
            }
            assert_eq!(fast.clock(), table.clock(), "{label}: chunk {chunk}");
            assert_eq!(fast.rng(), table.rng(), "{label}: chunk {chunk}");
            assert_eq!(
                fast.occupancy(),
                table.occupancy(),
                "{label}: chunk {chunk}"
            );
            assert_eq!(fast.total_rate().to_bits(), table.total_rate().to_bits());
            for c in 0..13 {
                assert_eq!(
                    fast.members(c),
                    table.classes().members(c),
                    "{label}: class {c}"
                );
            }
        }
        assert!(fast.clock().null_events < fast.clock().events);
        println!(
            "{label}: {} events ({} null) identical, t = {:.3e} s",
            fast.clock().events,
            fast.clock().null_events,
            fast.clock().time
        );
    }
}

#[test]
fn grid_engine_state_equals_a_full_recomputation() {
    for (min, label) in [(2, "default"), (0, "detachment allowed")] {
        let model = ModelSpec {
            min_neighbours_after_hop: min,
            ..hot()
        };
        let (mut fast, _) = engines(Matrix3::identity(), 16.0, Contact::SingleAtom, model, 3);
        fast.check_consistency().unwrap();
        let atoms = fast.atoms();
        for k in 0..10 {
            assert_eq!(fast.run(10_000), 10_000);
            fast.check_consistency()
                .unwrap_or_else(|e| panic!("{label}, after {} events: {e}", (k + 1) * 10_000));
        }
        assert_eq!(fast.atoms(), atoms);
    }
}
