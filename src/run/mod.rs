//! `sintermd run`: executes an input file stage by stage and writes the run's folder.
//!
//! Output folder: `thermo.csv`, `trajectory.xyz` (if asked), `final.data` (the last state as a
//! LAMMPS data file) and `summary.json` ([`RunSummary`]).

pub mod eval;

use std::path::Path;
use std::time::Instant;

use rand::SeedableRng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::{Input, StageSpec, base_dir, in_stage, stage_label};
use crate::io::write_lammps_data;
use crate::md::velocity::maxwell_boltzmann;
use crate::md::{ForceEngine, SimRng, SimulationState, StageIntegrator, ThermoSample};
use crate::output::{Frame, Observer, ThermoCsv, TrajectoryXyz, Trigger};
use crate::potential::build_potential;
use crate::system::define_groups;

/// What `summary.json` records about a finished run.
#[derive(Clone, Debug, Serialize)]
pub struct RunSummary {
    /// Number of atoms.
    pub atoms: usize,
    /// Steps run.
    pub steps: u64,
    /// Simulated time [ps].
    pub time_ps: f64,
    /// Wall-clock time of the stepping loop [s].
    pub wall_time_s: f64,
    /// Atoms times steps per wall-clock second.
    pub atom_steps_per_second: f64,
    /// Worker threads used.
    pub threads: usize,
    /// Neighbour-list builds.
    pub neighbor_builds: u64,
    /// Thermodynamic state at the last step (energies [eV], temperature [K], pressure [bar]).
    #[serde(rename = "final")]
    pub final_thermo: ThermoSample,
}

/// Runs the input file at `input_path`, writing into `out_dir` (created if needed).
pub fn run_file(input_path: &Path, out_dir: &Path) -> Result<RunSummary> {
    let input = Input::read(input_path)?;
    run_input(&input, &base_dir(input_path), out_dir).map_err(|e| e.in_file(input_path))
}

/// Runs `input`, resolving its relative paths against `base`, writing into `out_dir`.
pub fn run_input(input: &Input, base: &Path, out_dir: &Path) -> Result<RunSummary> {
    let system = input.structure.build(base)?;
    let potential = build_potential(&input.potential, &system.species, base)?;
    let mut engine = ForceEngine::new(potential, input.neighbor.clone())?;
    let mut state = SimulationState::new(system, input.seed);
    define_groups(&mut state.system, &input.groups)?;
    if let Some(v) = &input.velocities {
        maxwell_boltzmann(
            &mut state.system,
            v.temperature,
            &mut SimRng::seed_from_u64(v.seed),
        );
    }
    std::fs::create_dir_all(out_dir).map_err(|e| Error::io(out_dir, e))?;

    let thermo_trigger = match input.output.thermo_every {
        0 => Trigger::Ends,
        n => Trigger::Every(n),
    };
    let mut observers: Vec<Box<dyn Observer>> = vec![Box::new(ThermoCsv::create(
        &out_dir.join("thermo.csv"),
        thermo_trigger,
    )?)];
    if input.output.trajectory_every > 0 {
        observers.push(Box::new(TrajectoryXyz::create(
            &out_dir.join("trajectory.xyz"),
            Trigger::Every(input.output.trajectory_every),
        )?));
    }

    let total_steps: u64 = input
        .stages
        .iter()
        .map(|s| match s {
            StageSpec::Md(md) => md.steps,
        })
        .sum();
    // Every stage's integrator is built before the first step, so that a bad group or parameter
    // in a late stage is reported at once.
    let integrators = input
        .stages
        .iter()
        .enumerate()
        .map(|(k, s)| match s {
            StageSpec::Md(md) => md
                .integrator(&state.system)
                .map_err(|e| in_stage(&stage_label(k, s), e)),
        })
        .collect::<Result<Vec<_>>>()?;
    let natoms = state.system.len();
    eprintln!(
        "sintermd: {natoms} atoms, {total_steps} steps, {} threads",
        rayon::current_num_threads()
    );

    engine.compute(&mut state.system, 0)?;
    let mut last_thermo = None;
    let report_every = (total_steps / 10).max(1);
    let start = Instant::now();
    for (k, (stage, integrator)) in input.stages.iter().zip(&integrators).enumerate() {
        state.stage = k;
        state.stage_step = 0;
        state.stage_start_time = state.time;
        integrator.begin(&mut state);
        if k == 0 {
            let last = total_steps == 0;
            last_thermo = Some(observe(&mut observers, &state, &engine, integrator, last)?);
        }
        match stage {
            StageSpec::Md(md) => {
                for _ in 0..md.steps {
                    integrator.step(&mut state, &mut engine)?;
                    let last = state.step == total_steps;
                    if observers
                        .iter()
                        .any(|o| o.trigger().fires(state.step, last))
                    {
                        last_thermo =
                            Some(observe(&mut observers, &state, &engine, integrator, last)?);
                    }
                    if state.step.is_multiple_of(report_every) || last {
                        let energy = last_thermo.as_ref().map_or(f64::NAN, |t| t.total);
                        eprintln!(
                            "step {:>10} / {total_steps}  t = {:.4} ps  E = {energy:.6} eV  ({:.1} s)",
                            state.step,
                            state.time,
                            start.elapsed().as_secs_f64()
                        );
                    }
                }
            }
        }
    }
    let wall = start.elapsed().as_secs_f64();
    for o in &mut observers {
        o.finish()?;
    }
    write_lammps_data(
        &out_dir.join("final.data"),
        &state.system,
        &format!("sintermd final state, step {}", state.step),
    )?;
    let summary = RunSummary {
        atoms: natoms,
        steps: state.step,
        time_ps: state.time,
        wall_time_s: wall,
        atom_steps_per_second: if wall > 0.0 {
            natoms as f64 * state.step as f64 / wall
        } else {
            0.0
        },
        threads: rayon::current_num_threads(),
        neighbor_builds: engine.list().builds(),
        final_thermo: match integrators.last() {
            Some(integrator) => integrator.measure(&state, engine.output()),
            None => ThermoSample::measure(&state.system, engine.output(), state.step, state.time),
        },
    };
    let path = out_dir.join("summary.json");
    let text = serde_json::to_string_pretty(&summary).map_err(|e| Error::invalid(e.to_string()))?;
    crate::io::write_text(&path, &text)?;
    Ok(summary)
}

/// Measures the thermodynamic state (with the degrees of freedom and conserved quantity of the
/// current stage's `integrator`) and calls every observer whose trigger fires.
fn observe(
    observers: &mut [Box<dyn Observer>],
    state: &SimulationState,
    engine: &ForceEngine,
    integrator: &StageIntegrator,
    last: bool,
) -> Result<ThermoSample> {
    let thermo = integrator.measure(state, engine.output());
    let frame = Frame {
        state,
        forces: engine.output(),
        thermo: &thermo,
    };
    for o in observers.iter_mut() {
        if o.trigger().fires(state.step, last) {
            o.observe(&frame)?;
        }
    }
    Ok(thermo)
}
