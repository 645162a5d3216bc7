//! One simulated system with its force engine, run-wide observers and current integrator: the
//! main system of a run, or a particle equilibrated on its own.

use std::borrow::Cow;
use std::path::Path;

use crate::error::{Error, Result};
use crate::input::{Input, MdStage};
use serde::{Deserialize, Serialize};

use crate::analysis::phase::ParticlePhase;
use crate::md::{
    BlowUpGuard, EngineRecord, ForceEngine, SimulationState, StageIntegrator, ThermoSample,
};
use crate::output::{Frame, Observer, ObserverSpec, SavedObserver, SharedAnalyses};
use crate::potential::Potential;
use crate::report::Figure;
use crate::system::System;

/// A system being simulated.
pub(super) struct Track {
    pub state: SimulationState,
    pub engine: ForceEngine,
    /// Observers over the whole track (thermo, trajectory), triggered by the track's step.
    observers: Vec<Box<dyn Observer>>,
    /// The current MD stage's integrator: its degrees of freedom and conserved quantity are what
    /// thermo output reports (None before the first stage and during minimisation).
    pub integrator: Option<StageIntegrator>,
    /// The stage whose integrator that is (to rebuild it when resuming).
    integrator_stage: Option<usize>,
    /// Thermodynamic quantities at the last run-wide observation.
    pub thermo: ThermoSample,
    total_steps: u64,
    /// Whether the first observation (step 0, taken once the first stage has started) was made.
    started: bool,
    /// Stops the run when a step blows up.
    guard: BlowUpGuard,
}

/// An MD stage in progress on a track.
pub(super) struct MdRun {
    /// Steps of the stage.
    steps: u64,
    /// The stage's analyses.
    observers: Vec<Box<dyn Observer>>,
    /// The ensemble, for the report.
    ensemble: Vec<String>,
}

impl MdRun {
    /// The stage's state for a checkpoint.
    pub fn save(&self) -> Result<SavedMdRun> {
        Ok(SavedMdRun {
            observers: save_observers(&self.observers)?,
            ensemble: self.ensemble.clone(),
        })
    }
}

/// A checkpoint's record of an MD stage in progress (the step counters and the integrator's
/// state are in the track's [`SimulationState`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct SavedMdRun {
    observers: Vec<SavedObserver>,
    ensemble: Vec<String>,
}

/// A checkpoint's record of a [`Track`]; written with the track's state borrowed (no copy of
/// the system), read back owned (`SavedTrack<'static>`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(super) struct SavedTrack<'a> {
    pub state: Cow<'a, SimulationState>,
    engine: EngineRecord,
    observers: Vec<SavedObserver>,
    integrator_stage: Option<usize>,
    thermo: ThermoSample,
    total_steps: u64,
    started: bool,
}

impl SavedTrack<'_> {
    /// The record with its own copy of the state.
    pub fn into_owned(self) -> SavedTrack<'static> {
        SavedTrack {
            state: Cow::Owned(self.state.into_owned()),
            engine: self.engine,
            observers: self.observers,
            integrator_stage: self.integrator_stage,
            thermo: self.thermo,
            total_steps: self.total_steps,
            started: self.started,
        }
    }
}

fn save_observers(observers: &[Box<dyn Observer>]) -> Result<Vec<SavedObserver>> {
    observers.iter().map(|o| o.save()).collect()
}

fn restore_observers(saved: &[SavedObserver], dir: &Path) -> Result<Vec<Box<dyn Observer>>> {
    saved.iter().map(|o| o.restore(dir)).collect()
}

/// What an MD stage of a track produced.
pub(super) struct MdOutcome {
    /// Figures of the stage's analyses.
    pub figures: Vec<Figure>,
    /// The ensemble, for the report.
    pub ensemble: Vec<String>,
    /// The analyses' notes, for the report.
    pub notes: Vec<String>,
    /// When a neck analysis saw the neck form [ps].
    pub neck_formed: Option<f64>,
    /// The analyses' results by key (see [`crate::output::Note`]).
    pub values: Vec<(&'static str, f64)>,
    /// The phase check of each particle at the stage's end.
    pub phases: Vec<ParticlePhase>,
}

impl Track {
    /// A track for `system` with `potential`, the input's neighbour settings and seed, and
    /// run-wide `observers`; `total_steps` is the number of MD steps it will take.
    pub fn new(
        system: System,
        potential: Box<dyn Potential>,
        input: &Input,
        observers: Vec<Box<dyn Observer>>,
        total_steps: u64,
    ) -> Result<Self> {
        let guard = BlowUpGuard::new(&input.safety, input.neighbor.skin);
        let mut engine = ForceEngine::new(potential, input.neighbor.clone())?;
        engine.set_processors(input.processors.map(|(a, b, c)| [a, b, c]));
        let mut state = SimulationState::new(system, input.seed);
        engine.compute(&mut state.system, 0)?;
        let thermo = ThermoSample::measure(&state.system, engine.output(), 0, 0.0);
        Ok(Track {
            state,
            engine,
            observers,
            integrator: None,
            integrator_stage: None,
            thermo,
            total_steps,
            started: false,
            guard,
        })
    }

    /// Sets the run-wide observers (once the output folder is ready).
    pub fn set_observers(&mut self, observers: Vec<Box<dyn Observer>>) {
        self.observers = observers;
    }

    /// Thermodynamic quantities now, with the current stage's degrees of freedom and conserved
    /// quantity.
    pub fn measure(&self) -> ThermoSample {
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

    /// Makes the first observation (step 0) once the first stage has started (so that stage-start
    /// momentum removal and the stage's degrees of freedom are reflected).
    pub fn observe_start(&mut self) -> Result<()> {
        if !self.started {
            self.started = true;
            self.observe(self.total_steps == 0)?;
        }
        Ok(())
    }

    /// Calls the run-wide observers whose trigger fires at the current step.
    fn observe(&mut self, last: bool) -> Result<()> {
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
            shared: SharedAnalyses::default(),
        };
        for o in self.observers.iter_mut() {
            if o.trigger().fires(step, step == 0, last) {
                o.observe(&frame)?;
            }
        }
        Ok(())
    }

    /// Starts MD stage `k` with `integrator`: removes momenta as the stage says, makes the first
    /// observations and creates the stage's `analyses` (their files `<prefix><analysis>.csv` in
    /// `out_dir`).
    pub fn start_md(
        &mut self,
        k: usize,
        md: &MdStage,
        analyses: &[ObserverSpec],
        integrator: StageIntegrator,
        out_dir: &Path,
        prefix: &str,
    ) -> Result<MdRun> {
        self.state.stage = k;
        self.state.stage_step = 0;
        self.state.stage_start_time = self.state.time;
        integrator.begin(&mut self.state);
        let ensemble = integrator.describe();
        self.integrator = Some(integrator);
        self.integrator_stage = Some(k);
        self.observe_start()?;
        let mut run = MdRun {
            steps: md.steps,
            observers: analyses
                .iter()
                .map(|spec| spec.build(&self.state.system, out_dir, prefix))
                .collect::<Result<Vec<_>>>()?,
            ensemble,
        };
        self.observe_stage(&mut run.observers, md.steps == 0)?;
        Ok(run)
    }

    /// Continues MD stage `k` as a checkpoint saved it (`saved`), with `integrator` rebuilt for
    /// the stage: the stage's analyses with their files in `out_dir`.
    pub fn resume_md(
        &mut self,
        k: usize,
        md: &MdStage,
        integrator: StageIntegrator,
        saved: &SavedMdRun,
        out_dir: &Path,
    ) -> Result<MdRun> {
        if self.state.stage != k || self.state.stage_step > md.steps {
            return Err(Error::invalid(format!(
                "the checkpoint is at step {} of stage {}, not inside stage {} of {} steps",
                self.state.stage_step,
                self.state.stage + 1,
                k + 1,
                md.steps
            )));
        }
        self.integrator = Some(integrator);
        self.integrator_stage = Some(k);
        Ok(MdRun {
            steps: md.steps,
            observers: restore_observers(&saved.observers, out_dir)?,
            ensemble: saved.ensemble.clone(),
        })
    }

    /// Runs steps of the stage until it ends (returns true) or, after a step, `pause` asks to
    /// stop for a checkpoint (returns false); `on_step` is called after every step.
    pub fn advance_md(
        &mut self,
        run: &mut MdRun,
        out_dir: &Path,
        on_step: &mut dyn FnMut(&Track),
        pause: &mut dyn FnMut(&Track) -> bool,
    ) -> Result<bool> {
        while self.state.stage_step < run.steps {
            // Energies and virials are computed only for steps somebody observes.
            let (next, next_stage) = (self.state.step + 1, self.state.stage_step + 1);
            let observed = self
                .observers
                .iter()
                .any(|o| o.trigger().fires(next, false, next == self.total_steps))
                || run.observers.iter().any(|o| {
                    o.trigger()
                        .fires(next_stage, false, next_stage == run.steps)
                });
            self.engine.set_energies_needed(observed);
            if let Some(integrator) = &self.integrator {
                self.guard.before_step(&self.state.system);
                integrator
                    .step(&mut self.state, &mut self.engine)
                    .and_then(|()| {
                        self.guard.check(
                            &self.state.system,
                            self.state.step,
                            integrator.degrees_of_freedom(),
                        )
                    })
                    .map_err(|e| self.blown_up(e, out_dir))?;
            }
            self.observe(self.state.step == self.total_steps)?;
            self.observe_stage(&mut run.observers, self.state.stage_step == run.steps)?;
            on_step(self);
            if self.state.stage_step < run.steps && pause(self) {
                self.engine.set_energies_needed(true);
                return Ok(false);
            }
        }
        self.engine.set_energies_needed(true);
        Ok(true)
    }

    /// Ends the stage: its analyses' figures and notes.
    pub fn finish_md(&mut self, mut run: MdRun) -> Result<MdOutcome> {
        let mut figures = Vec::new();
        let mut notes = Vec::new();
        let mut neck_formed = None;
        let mut values = Vec::new();
        let mut phases = Vec::new();
        for o in &mut run.observers {
            figures.extend(o.finish()?);
            phases.extend(o.phases());
            for note in o.notes() {
                if note.key == "neck_formed_ps" && neck_formed.is_none() {
                    neck_formed = note.value;
                }
                if let Some(v) = note.value {
                    values.push((note.key, v));
                }
                if !note.text.is_empty() {
                    notes.push(note.text);
                }
            }
        }
        Ok(MdOutcome {
            figures,
            ensemble: run.ensemble,
            notes,
            neck_formed,
            values,
            phases,
        })
    }

    /// The track's whole state for a checkpoint (the state borrowed).
    pub fn save(&self) -> Result<SavedTrack<'_>> {
        Ok(SavedTrack {
            state: Cow::Borrowed(&self.state),
            engine: self.engine.record(),
            observers: save_observers(&self.observers)?,
            integrator_stage: self.integrator_stage,
            thermo: self.thermo.clone(),
            total_steps: self.total_steps,
            started: self.started,
        })
    }

    /// A track continuing from `saved`, with `potential`, the input's settings, and the
    /// integrator of the stage it was in rebuilt by `integrator`; run-wide observers' files in
    /// `out_dir`.
    pub fn restore(
        saved: SavedTrack<'static>,
        potential: Box<dyn Potential>,
        input: &Input,
        integrator: &dyn Fn(usize, &System) -> Result<Option<StageIntegrator>>,
        out_dir: &Path,
    ) -> Result<Self> {
        let guard = BlowUpGuard::new(&input.safety, input.neighbor.skin);
        let mut engine = ForceEngine::new(potential, input.neighbor.clone())?;
        engine.set_processors(input.processors.map(|(a, b, c)| [a, b, c]));
        engine.restore(&saved.state.system, &saved.engine)?;
        let integrator = match saved.integrator_stage {
            Some(k) => integrator(k, &saved.state.system)?,
            None => None,
        };
        Ok(Track {
            observers: restore_observers(&saved.observers, out_dir)?,
            state: saved.state.into_owned(),
            engine,
            integrator,
            integrator_stage: saved.integrator_stage,
            thermo: saved.thermo,
            total_steps: saved.total_steps,
            started: saved.started,
            guard,
        })
    }

    /// Writes the offending frame of a step that failed with a physics error `e` to
    /// `blowup.xyz` in `out_dir`, and names that file in the error.
    fn blown_up(&self, e: Error, out_dir: &Path) -> Error {
        let Error::Physics(message) = e else {
            return e;
        };
        let path = out_dir.join("blowup.xyz");
        let info = [
            ("Step", self.state.step.to_string()),
            ("Time", format!("{:?}", self.state.time)),
        ];
        let frame = crate::io::xyz::format_xyz_frame(&self.state.system, &info, &[]);
        match crate::io::write_text(&path, &frame) {
            Ok(()) => Error::Physics(format!("{message}; frame written to {}", path.display())),
            Err(w) => Error::Physics(format!("{message}; {w}")),
        }
    }

    /// Calls the stage observers whose trigger fires at the current stage step.
    fn observe_stage(&self, observers: &mut [Box<dyn Observer>], last: bool) -> Result<()> {
        let step = self.state.stage_step;
        if !observers
            .iter()
            .any(|o| o.trigger().fires(step, step == 0, last))
        {
            return Ok(());
        }
        let thermo = self.measure();
        let frame = Frame {
            state: &self.state,
            forces: self.engine.output(),
            thermo: &thermo,
            shared: SharedAnalyses::default(),
        };
        for o in observers.iter_mut() {
            if o.trigger().fires(step, step == 0, last) {
                o.observe(&frame)?;
            }
        }
        Ok(())
    }

    /// Leaves the current stage's integrator (for a stage that is not MD).
    pub fn drop_integrator(&mut self) {
        self.integrator = None;
        self.integrator_stage = None;
    }

    /// Replaces the atoms (after an assembly), keeping the clock, and recomputes the forces.
    pub fn replace_system(&mut self, system: System) -> Result<()> {
        self.state.system = system;
        self.integrator = None;
        self.integrator_stage = None;
        self.engine
            .refresh(&mut self.state.system, self.state.step)?;
        Ok(())
    }

    /// Ends the run-wide observers and returns their figures.
    pub fn finish_observers(&mut self) -> Result<Vec<Figure>> {
        let mut figures = Vec::new();
        for o in &mut self.observers {
            figures.extend(o.finish()?);
        }
        Ok(figures)
    }
}
