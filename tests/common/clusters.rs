//! Small test structures: free clusters in a large periodic box.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};

/// A free cluster (large periodic box) of `positions` with species indices `types`.
pub fn cluster(species: &[&str], types: &[u32], positions: &[Vec3]) -> System {
    let simbox = SimBox::new([-30.0; 3], [30.0; 3], [true; 3]).unwrap();
    let mut s = System::new(simbox, SpeciesTable::elements(species).unwrap());
    for (k, (&t, &x)) in types.iter().zip(positions).enumerate() {
        s.push(k as u64 + 1, t, x, Vec3::zeros());
    }
    s
}

/// An fcc chunk of lattice constant `a` within `radius` of the origin, species drawn with
/// probability `fe` of species 1, displaced by up to `jiggle` [A] per component.
pub fn fcc_cluster(a: f64, radius: f64, fe: f64, jiggle: f64, seed: u64) -> System {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pos = Vec::new();
    let mut ty = Vec::new();
    let basis = [
        [0.0, 0.0, 0.0],
        [0.5, 0.5, 0.0],
        [0.5, 0.0, 0.5],
        [0.0, 0.5, 0.5],
    ];
    let n = (radius / a).ceil() as i32 + 1;
    for i in -n..=n {
        for j in -n..=n {
            for k in -n..=n {
                for b in basis {
                    let x = Vec3::new(i as f64 + b[0], j as f64 + b[1], k as f64 + b[2]) * a;
                    if x.norm() <= radius {
                        let mut offset = || jiggle * (2.0 * rng.random::<f64>() - 1.0);
                        let d = Vec3::new(offset(), offset(), offset());
                        pos.push(x + d);
                        ty.push(u32::from(rng.random_bool(fe)));
                    }
                }
            }
        }
    }
    cluster(&["Pt", "Fe"], &ty, &pos)
}
