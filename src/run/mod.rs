//! `sintermd run`: executes an input file stage by stage and writes the run's folder.
//!
//! Output folder: `thermo.csv` and its plots, `trajectory.xyz` (if asked), one CSV and figure set
//! per stage analysis (`<stage>_<analysis>.csv`), `final.data` (the last state as a LAMMPS data
//! file), `summary.json` ([`RunSummary`]) and `report.html` showing all figures with the input.

pub mod eval;
mod progress;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use serde::Serialize;

use crate::error::{Error, Result};
use crate::input::{Input, MdStage, MinimizeStage, StageSpec, base_dir, in_stage, stage_label};
use crate::io::{read_text, write_lammps_data};
use crate::md::minimize::fire_minimize;
use crate::md::velocity::maxwell_boltzmann;
use crate::md::{ForceEngine, SimRng, SimulationState, StageIntegrator, ThermoSample};
use crate::output::{Figure, Frame, Observer, ThermoCsv, TrajectoryXyz, Trigger};
use crate::potential::build_potential;
use crate::report::{Section, write_report};
use crate::system::define_groups;
use progress::Progress;

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
    let text = read_text(input_path)?;
    let input = Input::parse(&text, input_path)?;
    let name = input_path.display().to_string();
    run_input(&input, &base_dir(input_path), out_dir, Some((&name, &text)))
        .map_err(|e| e.in_file(input_path))
}

/// Runs `input`, resolving its relative paths against `base`, writing into `out_dir`.
/// `source` (name, text) of the input file is shown in the report.
pub fn run_input(
    input: &Input,
    base: &Path,
    out_dir: &Path,
    source: Option<(&str, &str)>,
) -> Result<RunSummary> {
    let mut runner = Runner::new(input, base, out_dir)?;
    // Every MD stage's integrator is built before the first step, so that a bad group or
    // parameter in a late stage is reported at once.
    let integrators = input
        .stages
        .iter()
        .enumerate()
        .map(|(k, stage)| match stage {
            StageSpec::Md(md) => md
                .integrator(&runner.state.system)
                .map(Some)
                .map_err(|e| in_stage(&stage_label(k, stage), e)),
            StageSpec::Minimize(_) => Ok(None),
        })
        .collect::<Result<Vec<_>>>()?;
    for (k, (stage, integrator)) in input.stages.iter().zip(integrators).enumerate() {
        match (stage, integrator) {
            (StageSpec::Md(md), Some(integrator)) => {
                runner.md_stage(k, &stage.name(k), md, integrator)?
            }
            (StageSpec::Minimize(m), _) => runner.minimize_stage(k, &stage.name(k), m)?,
            (StageSpec::Md(_), None) => unreachable!("every MD stage has an integrator"),
        }
    }
    runner.finish(source)
}

/// A run in progress.
struct Runner {
    out_dir: PathBuf,
    state: SimulationState,
    engine: ForceEngine,
    observers: Vec<Box<dyn Observer>>,
    progress: Progress,
    total_steps: u64,
    thermo: ThermoSample,
    /// The current MD stage's integrator: its degrees of freedom and conserved quantity are
    /// what thermo output reports (None before the first stage and during minimisation: NVE
    /// conventions).
    integrator: Option<StageIntegrator>,
    /// Whether the run's first observation (step 0, taken once the first stage has started)
    /// was made.
    started: bool,
    sections: Vec<Section>,
    wall: f64,
}

impl Runner {
    fn new(input: &Input, base: &Path, out_dir: &Path) -> Result<Self> {
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
        let mut observers: Vec<Box<dyn Observer>> =
            vec![Box::new(ThermoCsv::create(out_dir, thermo_trigger)?)];
        if input.output.trajectory_every > 0 {
            observers.push(Box::new(TrajectoryXyz::create(
                &out_dir.join("trajectory.xyz"),
                Trigger::Every(input.output.trajectory_every),
            )?));
        }
        let total_steps: u64 = input.stages.iter().map(StageSpec::steps).sum();
        eprintln!(
            "sintermd: {} atoms, {total_steps} steps in {} stage(s), {} threads",
            state.system.len(),
            input.stages.len(),
            rayon::current_num_threads()
        );
        engine.compute(&mut state.system, 0)?;
        let thermo = ThermoSample::measure(&state.system, engine.output(), 0, 0.0);
        Ok(Runner {
            out_dir: out_dir.to_path_buf(),
            state,
            engine,
            observers,
            progress: Progress::new(total_steps),
            total_steps,
            thermo,
            integrator: None,
            started: false,
            sections: Vec::new(),
            wall: 0.0,
        })
    }

    /// Thermodynamic quantities now, with the current stage's degrees of freedom and conserved
    /// quantity.
    fn measure(&self) -> ThermoSample {
        match &self.integrator {
            Some(integrator) => integrator.measure(&self.state, self.engine.output()),
            None => ThermoSample::measure(
                &self.state.system,
                self.engine.output(),
                self.state.step,
                self.state.time,
            ),
        }
    }

    /// Makes the run's first observation (step 0) once the first stage has started (so that
    /// stage-start momentum removal and the stage's degrees of freedom are reflected).
    fn observe_start(&mut self) -> Result<()> {
        if !self.started {
            self.started = true;
            self.observe_run(self.total_steps == 0)?;
        }
        Ok(())
    }

    /// Calls the run-wide observers whose trigger fires at the current step.
    fn observe_run(&mut self, last: bool) -> Result<()> {
        let step = self.state.step;
        if !self
            .observers
            .iter()
            .any(|o| o.trigger().fires(step, step == 0, last))
        {
            return Ok(());
        }
        self.thermo = self.measure();
        let frame = Frame {
            state: &self.state,
            forces: self.engine.output(),
            thermo: &self.thermo,
        };
        for o in self.observers.iter_mut() {
            if o.trigger().fires(step, step == 0, last) {
                o.observe(&frame)?;
            }
        }
        Ok(())
    }

    fn md_stage(
        &mut self,
        k: usize,
        name: &str,
        md: &MdStage,
        integrator: StageIntegrator,
    ) -> Result<()> {
        self.state.stage = k;
        self.state.stage_step = 0;
        self.state.stage_start_time = self.state.time;
        integrator.begin(&mut self.state);
        let ensemble = integrator.describe();
        self.integrator = Some(integrator);
        self.observe_start()?;
        let mut stage_observers = md
            .observers
            .iter()
            .map(|spec| spec.build(&self.state.system, &self.out_dir, &format!("{name}_")))
            .collect::<Result<Vec<_>>>()?;
        let thermo = || self.measure();
        observe_stage(
            &mut stage_observers,
            &self.state,
            &self.engine,
            thermo,
            md.steps == 0,
        )?;
        let start = Instant::now();
        for _ in 0..md.steps {
            if let Some(integrator) = &self.integrator {
                integrator.step(&mut self.state, &mut self.engine)?;
            }
            let last_of_stage = self.state.stage_step == md.steps;
            self.observe_run(self.state.step == self.total_steps)?;
            let thermo = || self.measure();
            observe_stage(
                &mut stage_observers,
                &self.state,
                &self.engine,
                thermo,
                last_of_stage,
            )?;
            let (state, engine) = (&self.state, &self.engine);
            self.progress.update(state.step, || {
                let energy =
                    engine.output().energy + crate::md::thermo::kinetic_energy(&state.system);
                format!("{name}: t = {:.3} ps, E = {energy:.6} eV", state.time)
            });
        }
        self.wall += start.elapsed().as_secs_f64();
        let mut figures = Vec::new();
        for o in &mut stage_observers {
            figures.extend(o.finish()?);
        }
        self.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: vec![format!(
                "molecular dynamics, {} steps of {} ps ({} ps)",
                md.steps,
                md.timestep,
                md.steps as f64 * md.timestep
            )]
            .into_iter()
            .chain(ensemble)
            .collect(),
            figures,
        });
        Ok(())
    }

    fn minimize_stage(&mut self, k: usize, name: &str, stage: &MinimizeStage) -> Result<()> {
        self.state.stage = k;
        self.state.stage_step = 0;
        self.integrator = None;
        self.observe_start()?;
        let start = Instant::now();
        let report = fire_minimize(&mut self.state.system, &mut self.engine, &stage.fire)?;
        self.wall += start.elapsed().as_secs_f64();
        eprintln!(
            "{name}: FIRE minimisation, {} iterations, E {:.6} -> {:.6} eV, |F| = {:.3e} eV/A (stopped by {})",
            report.iterations,
            report.initial_energy,
            report.final_energy,
            report.final_force_norm,
            report.stopped_by
        );
        self.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: vec![
                format!("FIRE minimisation: {} iterations, stopped by the {} criterion", report.iterations, report.stopped_by),
                format!("energy {:.6} eV -> {:.6} eV; final |F| = {:.3e} eV/A, largest component {:.3e} eV/A", report.initial_energy, report.final_energy, report.final_force_norm, report.final_max_force),
            ],
            figures: Vec::new(),
        });
        Ok(())
    }

    fn finish(mut self, source: Option<(&str, &str)>) -> Result<RunSummary> {
        self.progress.finish();
        let mut figures: Vec<Figure> = Vec::new();
        for o in &mut self.observers {
            figures.extend(o.finish()?);
        }
        let system = &self.state.system;
        write_lammps_data(
            &self.out_dir.join("final.data"),
            system,
            &format!("sintermd final state, step {}", self.state.step),
        )?;
        let natoms = system.len();
        let summary = RunSummary {
            atoms: natoms,
            steps: self.state.step,
            time_ps: self.state.time,
            wall_time_s: self.wall,
            atom_steps_per_second: if self.wall > 0.0 {
                natoms as f64 * self.state.step as f64 / self.wall
            } else {
                0.0
            },
            threads: rayon::current_num_threads(),
            neighbor_builds: self.engine.list().builds(),
            final_thermo: self.measure(),
        };
        let text =
            serde_json::to_string_pretty(&summary).map_err(|e| Error::invalid(e.to_string()))?;
        crate::io::write_text(&self.out_dir.join("summary.json"), &text)?;

        let composition: Vec<String> = system
            .species
            .names
            .iter()
            .enumerate()
            .map(|(t, n)| {
                format!(
                    "{} {n}",
                    system.types.iter().filter(|&&x| x as usize == t).count()
                )
            })
            .collect();
        let f = &summary.final_thermo;
        let mut sections = vec![Section {
            title: "Run".into(),
            facts: vec![
                format!(
                    "{natoms} atoms ({}), potential {}",
                    composition.join(", "),
                    self.engine.potential().name()
                ),
                format!(
                    "{} steps, {:.4} ps simulated, {:.2} s wall time, {:.3e} atom-steps/s on {} threads",
                    summary.steps,
                    summary.time_ps,
                    summary.wall_time_s,
                    summary.atom_steps_per_second,
                    summary.threads
                ),
                format!(
                    "final: T = {:.2} K, potential {:.6} eV, kinetic {:.6} eV, total {:.6} eV",
                    f.temperature, f.potential, f.kinetic, f.total
                ),
            ],
            figures,
        }];
        sections.append(&mut self.sections);
        let (name, text) = source.unwrap_or(("(input built in code)", ""));
        write_report(&self.out_dir, "sintermd run report", name, text, &sections)?;
        Ok(summary)
    }
}

/// Calls the stage observers whose trigger fires at the current stage step.
fn observe_stage(
    observers: &mut [Box<dyn Observer>],
    state: &SimulationState,
    engine: &ForceEngine,
    measure: impl FnOnce() -> ThermoSample,
    last: bool,
) -> Result<()> {
    let step = state.stage_step;
    if !observers
        .iter()
        .any(|o| o.trigger().fires(step, step == 0, last))
    {
        return Ok(());
    }
    let thermo = measure();
    let frame = Frame {
        state,
        forces: engine.output(),
        thermo: &thermo,
    };
    for o in observers.iter_mut() {
        if o.trigger().fires(step, step == 0, last) {
            o.observe(&frame)?;
        }
    }
    Ok(())
}
