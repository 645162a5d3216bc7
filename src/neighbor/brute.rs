//! O(N^2) reference neighbour search over all atom pairs and all periodic images; slow and simple,
//! for checking the cell and Verlet lists.

use crate::system::{SimBox, Vec3};

/// Every `(i, j, shift)` with `|x_j + shift * L - x_i| < radius` [A], `shift` in whole box lengths,
/// excluding an atom's zero-shift self entry; sorted.
pub fn all_neighbors(
    simbox: &SimBox,
    positions: &[Vec3],
    radius: f64,
) -> Vec<(usize, usize, [i64; 3])> {
    let l = simbox.lengths();
    let reach = [0, 1, 2].map(|k| {
        if simbox.periodic[k] {
            (radius / l[k]).ceil() as i64 + 1
        } else {
            0
        }
    });
    let mut out = Vec::new();
    let r2 = radius * radius;
    for (i, xi) in positions.iter().enumerate() {
        for (j, xj) in positions.iter().enumerate() {
            for sx in -reach[0]..=reach[0] {
                for sy in -reach[1]..=reach[1] {
                    for sz in -reach[2]..=reach[2] {
                        if i == j && sx == 0 && sy == 0 && sz == 0 {
                            continue;
                        }
                        let shift = simbox.translation([sx, sy, sz]);
                        if (xj + shift - xi).norm_squared() < r2 {
                            out.push((i, j, [sx, sy, sz]));
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out
}
