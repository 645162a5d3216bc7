//! The communication model of the MPI domain decomposition (benches/README.md, "MPI"): ghost
//! counts of the real decomposition (`sintermd::domain`) for a pair of spherical Pt particles of
//! 500,000 atoms each (free boundaries, EAM Zhou 2004 Pt-Fe: cutoff 6.20 A, skin 1 A) on 8, 64
//! and 512 ranks, the bytes and messages per step they imply, and the parallel efficiency they
//! project for a given one-core speed and network. Efficiency is the one-core time over P times
//! the slowest rank's time: its atoms (own, and in the present scheme its ghosts, whose pairs
//! it computes too) at the one-core speed, plus the messages.
//!
//! Run: `cargo bench --bench mpi_model` (arguments after `--`: one-core speed in atom-steps/s,
//! default 1.06e6, this machine's eam_cu256k 1-thread figure; bandwidth in GB/s, default 12.5,
//! 100 Gb/s InfiniBand; latency in microseconds, default 2).

// The test helper that builds fcc spheres.
#[path = "../tests/common/clusters.rs"]
#[allow(dead_code)]
mod clusters;

use sintermd::domain::Decomposition;
use sintermd::system::{SimBox, Vec3};

/// Rank 0's serial work per atom and step in the present scheme [s]: integrating, packing the
/// ranks' positions and placing their forces (an assumption of the order of a few memory
/// passes over 24-byte vectors; not measured).
const SERIAL_PER_ATOM: f64 = 10e-9;

struct Counts {
    max_owned: usize,
    max_local: usize,
    total_local: usize,
    max_ghosts: usize,
}

fn counts(d: &Decomposition, positions: &[Vec3], reach: f64) -> Counts {
    let domains = d.domains(positions, reach);
    Counts {
        max_owned: domains.iter().map(|x| x.owned).max().unwrap_or(0),
        max_local: domains.iter().map(|x| x.index.len()).max().unwrap_or(0),
        total_local: domains.iter().map(|x| x.index.len()).sum(),
        max_ghosts: domains
            .iter()
            .map(|x| x.index.len() - x.owned)
            .max()
            .unwrap_or(0),
    }
}

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let rate = args.first().copied().unwrap_or(1.06e6);
    let bandwidth = args.get(1).copied().unwrap_or(12.5) * 1e9;
    let latency = args.get(2).copied().unwrap_or(2.0) * 1e-6;
    let (a, cutoff, skin) = (3.92, 6.198, 1.0);
    // 500,000 atoms per particle: 4 atoms per a^3.
    let radius = (500_000.0 * a * a * a * 3.0 / (16.0 * std::f64::consts::PI)).cbrt();
    // Two unjiggled fcc spheres (species do not matter here), the second moved along x.
    let sphere = clusters::fcc_cluster(a, radius, 0.0, 0.0, 1).positions;
    let shift = Vec3::new(2.0 * radius + 3.0, 0.0, 0.0);
    let mut positions = sphere.clone();
    positions.extend(sphere.iter().map(|x| x + shift));
    let n = positions.len();
    let simbox = SimBox::new(
        [-radius - 20.0; 3],
        [3.0 * radius + 23.0, radius + 20.0, radius + 20.0],
        [false; 3],
    )
    .unwrap();
    println!(
        "pair of spheres: {n} atoms (radius {radius:.1} A); one core {rate:.3e} atom-steps/s, \
         network {:.1} GB/s, latency {:.1} us",
        bandwidth / 1e9,
        latency * 1e6
    );
    println!(
        "ranks | grid | owned/rank (mean, max) | sintermd now: ghosts/rank (max), rank-0 bytes/step, \
         efficiency | neighbour exchange: ghosts/rank (max), bytes/step/rank, efficiency"
    );
    let t1 = n as f64 / rate;
    for ranks in [8usize, 64, 512] {
        // As the runs cut: slabs of equal atom counts along each cut axis.
        let mut d = Decomposition::new(&simbox, &positions, ranks);
        d.balance(&positions);
        // Now: ghosts to the cutoff plus the skin, every rank's local positions sent by rank 0
        // and its owned forces returned, every step, with the embedding slopes going through
        // rank 0 in between (8 B per owned atom in, 8 B per ghost out); each rank computes its
        // ghosts' pairs too.
        let now = counts(&d, &positions, cutoff + skin);
        let ghosts = (now.total_local - n) as f64;
        let bytes_now = 24.0 * (now.total_local + n) as f64 + 8.0 * (n as f64 + ghosts);
        let t_now = now.max_local as f64 / rate
            + bytes_now / bandwidth
            + 4.0 * (ranks - 1) as f64 * latency
            + n as f64 * SERIAL_PER_ATOM;
        // The target: ghosts to the cutoff plus the skin exchanged with the 26 neighbouring
        // subdomains (positions forward, forces and embedding slopes back: 3 x (24 + 8) B per
        // ghost a step, in 6 swaps each way), ghosts' work not repeated.
        let next = counts(&d, &positions, cutoff + skin);
        let owned_max = now.max_owned;
        let bytes_next = 3.0 * 32.0 * next.max_ghosts as f64;
        let t_next = owned_max as f64 / rate + bytes_next / bandwidth + 18.0 * latency;
        println!(
            "{ranks} | {:?} | {} , {} | {} , {:.1} MB, {:.0} % | {} , {:.2} MB, {:.0} %",
            d.grid().dims,
            n / ranks,
            now.max_owned,
            now.max_ghosts,
            bytes_now / 1e6,
            100.0 * t1 / (ranks as f64 * t_now),
            next.max_ghosts,
            bytes_next / 1e6,
            100.0 * t1 / (ranks as f64 * t_next),
        );
    }
}
