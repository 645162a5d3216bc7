use sintermd::io::read_lammps_data;
use sintermd::neighbor::NeighborList;
use sintermd::potential::{Configuration, ForceOutput, lammps};
use std::path::Path;
fn main() {
    let mut sys =
        read_lammps_data(Path::new("inputs/bench/ptfe_np_4k.data"), [true; 3], None).unwrap();
    let mut pot = lammps::build(
        "meam",
        &[
            "* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe"
                .to_string(),
        ],
        &[],
        &sys.species,
        Path::new("."),
    )
    .unwrap();
    // jiggle
    let mut s = 12345u64;
    for x in sys.positions.iter_mut() {
        for k in 0..3 {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x[k] += ((s >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 0.3;
        }
    }
    let mut list = NeighborList::new(pot.cutoff(), 1.0);
    list.build(&sys.simbox, &sys.positions).unwrap();
    let mut out = ForceOutput::default();
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().unwrap())
        .unwrap_or(30);
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = std::time::Instant::now();
        pot.compute(
            Configuration {
                positions: &sys.positions,
                types: &sys.types,
            },
            &list,
            &mut out,
        );
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!("best {:.2} ms  E {}", best * 1e3, out.energy);
}
