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
use crate::input::{Input, StageSpec, base_dir};
use crate::io::write_lammps_data;
use crate::md::velocity::maxwell_boltzmann;
use crate::md::{ForceEngine, SimRng, SimulationState, ThermoSample, nve_step_with};
use crate::output::{Frame, Observer, ThermoCsv, TrajectoryXyz, Trigger};
use crate::potential::build_potential;

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

/// The state a run of `input` starts from: its structure, with the initial velocities drawn.
pub fn initial_state(input: &Input, base: &Path) -> Result<SimulationState> {
    let system = input.structure.build(base)?;
    let mut state = SimulationState::new(system, input.seed);
    if let Some(v) = &input.velocities {
        maxwell_boltzmann(
            &mut state.system,
            v.temperature,
            &mut SimRng::seed_from_u64(v.seed),
        );
    }
    Ok(state)
}

/// Writes the state a run of the input file at `input_path` starts from as a LAMMPS data file
/// (atoms, masses, velocities), e.g. to run the same start in LAMMPS.
pub fn write_initial_state(input_path: &Path, data_path: &Path) -> Result<usize> {
    let input = Input::read(input_path)?;
    let state = initial_state(&input, &base_dir(input_path)).map_err(|e| e.in_file(input_path))?;
    write_lammps_data(
        data_path,
        &state.system,
        &format!(
            "initial state of {}, written by sintermd",
            input_path.display()
        ),
    )?;
    Ok(state.system.len())
}

/// Runs `input`, resolving its relative paths against `base`, writing into `out_dir`.
pub fn run_input(input: &Input, base: &Path, out_dir: &Path) -> Result<RunSummary> {
    let mut state = initial_state(input, base)?;
    let potential = build_potential(&input.potential, &state.system.species, base)?;
    let mut engine = ForceEngine::new(potential, input.neighbor.clone())?;
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
    let natoms = state.system.len();
    eprintln!(
        "sintermd: {natoms} atoms, {total_steps} steps, {} threads",
        rayon::current_num_threads()
    );

    engine.compute(&mut state.system, 0)?;
    let mut last_thermo = observe(&mut observers, &state, &engine, total_steps == 0)?;
    let report_every = (total_steps / 10).max(1);
    let start = Instant::now();
    for (k, stage) in input.stages.iter().enumerate() {
        state.stage = k;
        state.stage_step = 0;
        state.stage_start_time = state.time;
        match stage {
            StageSpec::Md(md) => {
                for _ in 0..md.steps {
                    // Energies and virials are computed only for steps that are observed.
                    let next = state.step + 1;
                    let observed = observers
                        .iter()
                        .any(|o| o.trigger().fires(next, next == total_steps));
                    nve_step_with(&mut state, &mut engine, md.timestep, observed)?;
                    let last = state.step == total_steps;
                    if observers
                        .iter()
                        .any(|o| o.trigger().fires(state.step, last))
                    {
                        last_thermo = observe(&mut observers, &state, &engine, last)?;
                    }
                    if state.step.is_multiple_of(report_every) || last {
                        eprintln!(
                            "step {:>10} / {total_steps}  t = {:.4} ps  E = {:.6} eV  ({:.1} s)",
                            state.step,
                            state.time,
                            last_thermo.total,
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
        final_thermo: ThermoSample::measure(&state.system, engine.output(), state.step, state.time),
    };
    let path = out_dir.join("summary.json");
    let text = serde_json::to_string_pretty(&summary).map_err(|e| Error::invalid(e.to_string()))?;
    crate::io::write_text(&path, &text)?;
    Ok(summary)
}

/// Measures the thermodynamic state and calls every observer whose trigger fires.
fn observe(
    observers: &mut [Box<dyn Observer>],
    state: &SimulationState,
    engine: &ForceEngine,
    last: bool,
) -> Result<ThermoSample> {
    let thermo = ThermoSample::measure(&state.system, engine.output(), state.step, state.time);
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
