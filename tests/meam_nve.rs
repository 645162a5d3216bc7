//! Energy conservation with MEAM: velocity-Verlet NVE runs of Pt85Fe15 particles at 1473 K with
//! the 2 fs timestep of the sintering study.
//!
//! The drift is the change of the total energy between the first and last tenth of the run
//! (each averaged, which removes the bounded Verlet fluctuation), relative to the mean kinetic
//! energy. Default suite: a ~200-atom particle, 2,000 steps. The acceptance run (10,000 steps of
//! the 4,033-atom benchmark particle) is `cargo test --release --test meam_nve -- --ignored`.

mod common;

use std::path::Path;

use common::clusters::fcc_cluster;
use rand::SeedableRng;
use sintermd::io::read_lammps_data;
use sintermd::md::thermo::kinetic_energy;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, nve_step};
use sintermd::neighbor::NeighborSettings;
use sintermd::potential::lammps;
use sintermd::system::System;

struct Drift {
    /// (<E>_last tenth - <E>_first tenth) / <KE>.
    drift: f64,
    /// max |E(t) - E(0)| / <KE>.
    excursion: f64,
    mean_kinetic: f64,
    seconds: f64,
}

fn nve_drift(mut system: System, steps: usize, dt: f64) -> Drift {
    let potential = lammps::build(
        "meam",
        &[
            "* * potentials/FePt_Kim2006.library.meam Pt Fe potentials/FePt_Kim2006.meam Pt Fe"
                .to_string(),
        ],
        &[],
        &system.species,
        Path::new("."),
    )
    .unwrap();
    maxwell_boltzmann(&mut system, 1473.0, &mut SimRng::seed_from_u64(2026));
    let mut engine = ForceEngine::new(
        potential,
        NeighborSettings {
            skin: 1.0,
            every: 1,
        },
    )
    .unwrap();
    let mut state = SimulationState::new(system, 1);
    let start = std::time::Instant::now();
    let pe = engine.compute(&mut state.system, 0).unwrap().energy;
    let mut total = vec![pe + kinetic_energy(&state.system)];
    let mut kinetic = vec![kinetic_energy(&state.system)];
    for _ in 0..steps {
        nve_step(&mut state, &mut engine, dt).unwrap();
        let ke = kinetic_energy(&state.system);
        total.push(engine.output().energy + ke);
        kinetic.push(ke);
    }
    let seconds = start.elapsed().as_secs_f64();
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len() as f64;
    let tenth = total.len() / 10;
    let mean_kinetic = mean(&kinetic);
    Drift {
        drift: (mean(&total[total.len() - tenth..]) - mean(&total[..tenth])) / mean_kinetic,
        excursion: total
            .iter()
            .map(|e| (e - total[0]).abs())
            .fold(0.0, f64::max)
            / mean_kinetic,
        mean_kinetic,
        seconds,
    }
}

fn report(what: &str, steps: usize, d: &Drift) {
    eprintln!(
        "{what}: {steps} steps in {:.1} s, <KE> {:.3} eV, drift {:+.2e} <KE>, largest excursion \
         {:.2e} <KE>",
        d.seconds, d.mean_kinetic, d.drift, d.excursion
    );
}

#[test]
fn small_particle_conserves_energy() {
    let system = fcc_cluster(3.9, 9.0, 0.15, 0.0, 21);
    let n = system.len();
    let d = nve_drift(system, 2000, 0.002);
    report(
        &format!("{n}-atom Pt85Fe15 particle, 1473 K, 2 fs"),
        2000,
        &d,
    );
    assert!(
        d.drift.abs() < 1e-4,
        "drift {:.3e} of the kinetic energy",
        d.drift
    );
}

#[test]
#[ignore = "acceptance run, minutes in release mode: cargo test --release --test meam_nve -- --ignored"]
fn benchmark_particle_conserves_energy_over_10000_steps() {
    let system =
        read_lammps_data(Path::new("inputs/bench/ptfe_np_4k.data"), [true; 3], None).unwrap();
    let n = system.len();
    let d = nve_drift(system, 10_000, 0.002);
    report(
        &format!("{n}-atom Pt85Fe15 particle, 1473 K, 2 fs"),
        10_000,
        &d,
    );
    assert!(
        d.drift.abs() < 1e-4,
        "drift {:.3e} of the kinetic energy",
        d.drift
    );
}
