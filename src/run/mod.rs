//! `sintermd run`: executes an input file stage by stage and writes the run's folder.
//!
//! Output folder: `thermo.csv` and its plots, `trajectory.xyz` (if asked), one CSV and figure set
//! per stage analysis (`<stage>_<analysis>.csv`), per-particle files of an `EquilibrateParticles`
//! stage (`<stage>_particle<k>_...`), `final.data` (the last state as a LAMMPS data file),
//! `summary.json` ([`RunSummary`]) and `report.html` showing all figures with the input.
//!
//! A sintering study is one input: `structure: Build(Pair(...))` builds the two particles;
//! `EquilibrateParticles(...)` runs each on its own; `Assemble(...)` places the equilibrated
//! particles with the gap, their momenta removed; `Md(...)` sinters.
//!
//! The runner of each stage is in [`stages`] (one file per stage); `sintermd kmc` is [`kmc`], its
//! event loop, shared with the `Kmc` stage, [`kmc_loop`]; `sintermd eval` is [`eval`].

pub mod checkpoint;
pub mod eval;
pub mod kmc;
pub mod kmc_loop;
mod progress;
pub mod provenance;
pub mod stages;
pub mod stop;
mod track;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::analysis::phase::{ParticlePhase, Phase};
use crate::error::{Error, Result};
use crate::input::{Input, MdStage, StageSpec, in_stage, stage_label};
use crate::io::{read_text, write_lammps_data};
use crate::md::velocity::maxwell_boltzmann;
use crate::md::{SimRng, ThermoSample};
use crate::output::folder::check_name_part;
use crate::output::{Observer, OutputFolder, ThermoCsv, Trajectory, Trigger, pressure_is_defined};
use crate::potential::build_potential;
use crate::report::{Figure, Section, write_report};
use crate::structure::Particle;
use crate::system::{SpeciesTable, System, define_groups};
use progress::Progress;
pub use provenance::Provenance;
use stages::kmc::KmcProgress;
use std::collections::{BTreeMap, BTreeSet};
pub use stop::StopFlag;
use track::{SavedMdRun, SavedTrack, Track};

/// What `summary.json` records about a finished run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunSummary {
    /// `done`; `failed` for a run that stopped with an error; `interrupted` for a run stopped by
    /// a signal after writing a checkpoint (continue it with `--resume`).
    pub status: String,
    /// Why the run failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Number of atoms.
    pub atoms: usize,
    /// Steps run on the main system.
    pub steps: u64,
    /// Simulated time of the main system [ps].
    pub time_ps: f64,
    /// Wall-clock time of all stages [s].
    pub wall_time_s: f64,
    /// Atoms times steps per wall-clock second of the run's MD stage, when it has exactly one
    /// (null with several: stages of different sizes and kinds run at different rates, see
    /// `stages`).
    pub atom_steps_per_second: Option<f64>,
    /// The speed of each MD stage.
    #[serde(default)]
    pub stages: Vec<StageRate>,
    /// Worker threads used.
    pub threads: usize,
    /// Neighbour-list builds of the main system.
    pub neighbor_builds: u64,
    /// Thermodynamic state at the last step (energies [eV], temperature [K], pressure [bar]).
    #[serde(rename = "final")]
    pub final_thermo: ThermoSample,
    /// Time at which the neck between the particles first formed [ps], if a `Neck` analysis saw it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub neck_formed_ps: Option<f64>,
    /// The analyses' results at the end of their stages, by key (`final_neck_radius_A`,
    /// `shrinkage`, `com_drift_A`, `final_fcc_fraction`, `kmc_exponent`, ...): what
    /// `sweep collect` tabulates.
    #[serde(default)]
    pub outcomes: BTreeMap<String, f64>,
    /// The phase check of each particle at the end of each MD stage (stage, particle, verdict
    /// and the numbers behind it; see [`crate::analysis::phase`]).
    #[serde(default)]
    pub phases: Vec<ParticlePhase>,
    /// Checkpoints this process wrote (see "Long runs" in README.md).
    #[serde(default)]
    pub checkpoints: CheckpointStats,
    /// Files the run wrote in its folder; `--force` deletes them before a new run there.
    pub files: Vec<String>,
    /// Program, command line, start time, input hash, seeds, threads and potential files.
    pub provenance: Provenance,
}

/// How to run: into a folder holding another run's results (`force`), continuing from a
/// checkpoint there (`resume`), and the flag that asks the run to stop (see [`StopFlag`]).
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Clear a folder of an earlier run's files first instead of refusing it.
    pub force: bool,
    /// Continue from the newest valid checkpoint in the folder (from scratch when there is
    /// none; a finished run is left as it is).
    pub resume: bool,
    /// Raised (by a signal) to stop the run at the next step with a checkpoint.
    pub stop: StopFlag,
}

impl RunSummary {
    /// The summary a run wrote into `dir`, if it has written one that can be read.
    pub fn read(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// What writing checkpoints cost a run.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CheckpointStats {
    /// Checkpoints written.
    pub written: usize,
    /// Size of the last one [bytes].
    pub last_bytes: u64,
    /// Time spent writing them (serialising, writing, syncing) [s].
    pub total_seconds: f64,
    /// The longest write [s].
    pub max_seconds: f64,
}

/// Runs the input file at `input_path`, writing into `out_dir` (created if needed; a folder
/// holding another run's results is refused).
pub fn run_file(input_path: &Path, out_dir: &Path) -> Result<RunSummary> {
    run_file_opts(input_path, out_dir, &RunOptions::default())
}

/// [`run_file`]; with `force`, a folder holding another run's results is cleared of sintermd's
/// files first instead of refused (see [`OutputFolder`]).
pub fn run_file_with(input_path: &Path, out_dir: &Path, force: bool) -> Result<RunSummary> {
    let options = RunOptions {
        force,
        ..RunOptions::default()
    };
    run_file_opts(input_path, out_dir, &options)
}

/// [`run_file`] with [`RunOptions`].
pub fn run_file_opts(
    input_path: &Path,
    out_dir: &Path,
    options: &RunOptions,
) -> Result<RunSummary> {
    let text = read_text(input_path)?;
    let input = Input::parse(&text, input_path)?;
    let name = input_path.display().to_string();
    run_input_opts(
        &input,
        &input.base_dir(input_path),
        out_dir,
        options,
        Some((&name, &text)),
    )
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
    run_input_opts(input, base, out_dir, &RunOptions::default(), source)
}

/// [`run_input`], clearing a folder of an earlier run's files first if `force`.
pub fn run_input_with(
    input: &Input,
    base: &Path,
    out_dir: &Path,
    force: bool,
    source: Option<(&str, &str)>,
) -> Result<RunSummary> {
    let options = RunOptions {
        force,
        ..RunOptions::default()
    };
    run_input_opts(input, base, out_dir, &options, source)
}

/// [`run_input`] with [`RunOptions`]. Nothing in `out_dir` is touched until the structure,
/// potential and stages have been built and checked. A run that fails after that writes
/// `summary.json` with `status: "failed"` and the error, and keeps every row and frame written
/// so far; a run stopped by a signal writes a checkpoint and `status: "interrupted"`.
pub fn run_input_opts(
    input: &Input,
    base: &Path,
    out_dir: &Path,
    options: &RunOptions,
    source: Option<(&str, &str)>,
) -> Result<RunSummary> {
    let text = source.map(|s| s.1).unwrap_or("");
    let provenance = Provenance::now(input, text, base)?;
    let fingerprint = Fingerprint::of(input, &provenance)?;
    let policy = checkpoint::Policy::new(
        input.output.checkpoint_every,
        input.output.checkpoint_minutes,
        options.stop.clone(),
    )?;
    let start = Start {
        input,
        base,
        out_dir,
        input_name: source.map(|s| s.0).unwrap_or("INPUT").to_string(),
        input_text: text,
        fingerprint,
        policy,
        provenance,
    };
    let (mut runner, position) = if options.resume {
        match find_checkpoint(out_dir, &start.fingerprint, &start.provenance.input_sha256)? {
            Found::Finished(summary) => {
                eprintln!(
                    "sintermd: {} holds a finished run of this input; nothing to resume",
                    out_dir.display()
                );
                return Ok(*summary);
            }
            Found::Checkpoint(record, path) => {
                eprintln!(
                    "sintermd: resuming from {} (step {}, stage {})",
                    path.display(),
                    record.main.state.step,
                    record.position.stage() + 1
                );
                // A checkpoint that cannot be continued is named in the error.
                Runner::resume(start, *record).map_err(|e| e.in_file(&path))?
            }
            Found::Nothing => {
                eprintln!(
                    "sintermd: no checkpoint in {}: starting from scratch",
                    out_dir.display()
                );
                (Runner::new(start, true)?, Position::Between { next: 0 })
            }
        }
    } else {
        (
            Runner::new(start, options.force)?,
            Position::Between { next: 0 },
        )
    };
    match runner
        .run_stages(position)
        .and_then(|()| runner.finish(source))
    {
        Ok(summary) => Ok(summary),
        Err(e) => {
            let status = match e {
                Error::Interrupted(_) => "interrupted",
                _ => "failed",
            };
            // The run's error is what the user needs; a summary that cannot be written is named
            // after it.
            match runner.write_summary(status, Some(e.to_string())) {
                Ok(_) => Err(e),
                Err(w) => Err(Error::Physics(format!("{e}; {w}"))),
            }
        }
    }
}

/// What identifies a run's physics in its checkpoints: the SHA-256 of the canonical input (the
/// parsed input written back as RON, checkpoint intervals left out) and of every potential file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Fingerprint {
    input_sha256: String,
    potential_files: Vec<(String, String)>,
}

impl Fingerprint {
    fn of(input: &Input, provenance: &Provenance) -> Result<Self> {
        let mut canonical = input.clone();
        canonical.output.checkpoint_every = None;
        canonical.output.checkpoint_minutes = 0.0;
        let text = ron::to_string(&canonical)
            .map_err(|e| Error::invalid(format!("cannot write the canonical input: {e}")))?;
        Ok(Fingerprint {
            input_sha256: provenance::sha256_hex(text.as_bytes()),
            potential_files: provenance
                .potential_files
                .iter()
                .map(|f| (f.path.clone(), f.sha256.clone()))
                .collect(),
        })
    }

    /// Errors, naming the checkpoint at `path`, unless the run of `self` may continue from a
    /// checkpoint of `saved`.
    fn check(&self, saved: &Fingerprint, path: &Path) -> Result<()> {
        if self.input_sha256 != saved.input_sha256 {
            return Err(Error::file(
                path,
                "the input changed since this checkpoint was written (only checkpoint_every and \
                 checkpoint_minutes may change): the run cannot continue exactly; restore the \
                 input, or start again with --force",
            ));
        }
        for (name, sum) in &self.potential_files {
            match saved.potential_files.iter().find(|(n, _)| n == name) {
                Some((_, s)) if s == sum => {}
                _ => {
                    return Err(Error::file(
                        path,
                        format!(
                            "potential file {name} changed since this checkpoint was written: \
                             the run cannot continue exactly; restore the file, or start again \
                             with --force"
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Where a run stands at a checkpoint.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Position {
    /// Before stage `next` (all stages done when it is their count).
    Between { next: usize },
    /// Inside MD stage `stage` of the main system.
    Md { stage: usize, run: SavedMdRun },
    /// Inside an `EquilibrateParticles` stage.
    Particles {
        stage: usize,
        progress: Box<ParticlesProgress>,
    },
    /// Inside a `Kmc` stage.
    Kmc {
        stage: usize,
        progress: Box<KmcProgress>,
    },
}

impl Position {
    /// The stage the run is in, or will start next.
    fn stage(&self) -> usize {
        match self {
            Position::Between { next } => *next,
            Position::Md { stage, .. }
            | Position::Particles { stage, .. }
            | Position::Kmc { stage, .. } => *stage,
        }
    }
}

/// How far an `EquilibrateParticles` stage has come.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ParticlesProgress {
    /// The stage's report lines so far.
    facts: Vec<String>,
    /// The stage's figures so far.
    figures: Vec<Figure>,
    /// The particles equilibrated so far.
    relaxed: Vec<Particle>,
    /// The particle being equilibrated: its track and stage.
    current: Option<(SavedTrack<'static>, SavedMdRun)>,
}

/// What a run has done so far, besides its main system.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Tally {
    /// The two particles of a pair structure, as built or as last equilibrated.
    particles: Option<[Particle; 2]>,
    /// MD steps done, over the main system and the particles (for progress).
    steps_done: u64,
    /// The report's sections of the stages finished.
    sections: Vec<Section>,
    /// Wall-clock time of the stages finished [s].
    wall: f64,
    /// When a neck analysis saw the neck form [ps].
    neck_formed: Option<f64>,
    /// Results of the stages' analyses by key; a later stage's replace an earlier one's.
    outcomes: BTreeMap<String, f64>,
    /// `wall` when the current stage started.
    stage_wall_start: f64,
    /// The speed of each MD stage finished.
    stage_rates: Vec<StageRate>,
    /// The phase check of each particle at the end of each MD stage finished.
    phases: Vec<ParticlePhase>,
}

/// How fast an MD stage ran.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StageRate {
    /// The stage's name.
    pub stage: String,
    /// Atoms of the system (of both particles, for `EquilibrateParticles`).
    pub atoms: usize,
    /// MD steps of the stage (of each particle).
    pub steps: u64,
    /// Wall-clock time of the stage [s].
    pub wall_time_s: f64,
    /// Atoms times steps per wall-clock second.
    pub atom_steps_per_second: f64,
}

impl Tally {
    /// Books the phase checks made at the end of MD stage `stage` (each named `particle` when the
    /// particle ran alone), warns on standard error about every molten or partly crystalline
    /// particle, and returns the report's lines.
    fn phases_done(
        &mut self,
        stage: &str,
        particle: Option<&str>,
        phases: Vec<ParticlePhase>,
    ) -> Vec<String> {
        phases
            .into_iter()
            .map(|mut p| {
                p.stage = stage.to_string();
                if let Some(name) = particle {
                    p.particle = name.to_string();
                }
                let unsettled = match p.phase {
                    Phase::Molten => Some("molten"),
                    Phase::PartlyCrystalline => {
                        Some("partly crystalline (melting, freezing, or heavily defected)")
                    }
                    _ => None,
                };
                if let Some(state) = unsettled {
                    eprintln!(
                        "warning: {stage}: {} is {state} at the end of the stage (crystalline \
                         fraction of its interior {}, Lindemann index {}; see the phase check \
                         in report.html)",
                        p.particle,
                        p.interior_crystalline_fraction
                            .map_or("n/a".into(), |v| format!("{v:.2}")),
                        p.lindemann_interior
                            .map_or("n/a".into(), |v| format!("{v:.3}")),
                    );
                }
                let line = format!("phase check, {}", p.describe());
                self.phases.push(p);
                line
            })
            .collect()
    }

    /// Records the speed of MD stage `name`, finished now, and says it on standard error.
    fn stage_done(&mut self, name: &str, atoms: usize, steps: u64) {
        let wall = self.wall - self.stage_wall_start;
        let rate = if wall > 0.0 {
            atoms as f64 * steps as f64 / wall
        } else {
            0.0
        };
        eprintln!(
            "{name}: {steps} steps of {atoms} atoms in {wall:.2} s ({rate:.3e} atom-steps/s)"
        );
        self.stage_rates.push(StageRate {
            stage: name.to_string(),
            atoms,
            steps,
            wall_time_s: wall,
            atom_steps_per_second: rate,
        });
    }
}

/// Each MD stage's speed in words: `equilibrate 3.894e5, sinter 6.183e5` (`none` without MD).
pub fn stage_rates_text(stages: &[StageRate]) -> String {
    if stages.is_empty() {
        return "none".to_string();
    }
    stages
        .iter()
        .map(|s| format!("{} {:.3e}", s.stage, s.atom_steps_per_second))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A checkpoint: the whole run.
#[derive(Serialize, Deserialize)]
struct RunCheckpoint<'a> {
    fingerprint: Fingerprint,
    position: Position,
    main: SavedTrack<'a>,
    tally: Tally,
    folder_before: BTreeSet<String>,
    /// The run's provenance as JSON (it leaves out empty fields, which the checkpoint format
    /// cannot do).
    provenance: String,
}

/// The main system's step at the newest readable checkpoint in `dir`, if there is one.
pub fn checkpoint_step(dir: &Path) -> Option<u64> {
    let mut warnings = Vec::new();
    checkpoint::read_newest::<RunCheckpoint<'static>>(dir, &mut warnings)
        .ok()
        .flatten()
        .map(|(record, _)| record.main.state.step)
}

/// What `--resume` found in the output folder.
enum Found {
    /// A finished run of the same input (its summary).
    Finished(Box<RunSummary>),
    /// A checkpoint to continue from, and its file.
    Checkpoint(Box<RunCheckpoint<'static>>, PathBuf),
    /// No checkpoint.
    Nothing,
}

/// Looks for what to resume in `out_dir`; errors when the checkpoint is of another input or
/// potential, and, without a checkpoint, when the folder holds the results of another input or a
/// summary that cannot be read (a run killed before its first checkpoint, with no summary, is
/// started again).
fn find_checkpoint(out_dir: &Path, fingerprint: &Fingerprint, input_sha256: &str) -> Result<Found> {
    if !out_dir.is_dir() {
        return Ok(Found::Nothing);
    }
    let summary_path = out_dir.join("summary.json");
    // None: no summary; Some(None): one that cannot be read.
    let summary = summary_path.exists().then(|| RunSummary::read(out_dir));
    let mut warnings = Vec::new();
    let found = checkpoint::read_newest::<RunCheckpoint<'static>>(out_dir, &mut warnings);
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let finished = |s: &RunSummary| s.status == "done";
    let Some((record, path)) = found? else {
        return match summary {
            None => Ok(Found::Nothing),
            Some(Some(s)) if s.provenance.input_sha256 == input_sha256 => Ok(if finished(&s) {
                Found::Finished(Box::new(s))
            } else {
                Found::Nothing
            }),
            Some(_) => Err(Error::file(
                &summary_path,
                "no checkpoint to resume, and the folder holds the results of another input (or \
                 a summary sintermd cannot read); choose another folder, or use --force instead \
                 of --resume to replace them",
            )),
        };
    };
    fingerprint.check(&record.fingerprint, &path)?;
    match summary.flatten().filter(finished) {
        Some(s) => Ok(Found::Finished(Box::new(s))),
        None => Ok(Found::Checkpoint(Box::new(record), path)),
    }
}

/// What a run starts with, before its folder is touched.
struct Start<'a> {
    input: &'a Input,
    base: &'a Path,
    out_dir: &'a Path,
    /// How the input file is named (in the line that says how to resume).
    input_name: String,
    input_text: &'a str,
    fingerprint: Fingerprint,
    policy: checkpoint::Policy,
    provenance: Provenance,
}

/// A run in progress.
struct Runner<'a> {
    input: &'a Input,
    input_name: String,
    base: PathBuf,
    out_dir: PathBuf,
    folder: OutputFolder,
    /// The system the run is about.
    main: Track,
    /// What the run has done so far.
    tally: Tally,
    progress: Progress,
    /// When the current stage started (or resumed).
    stage_clock: Instant,
    provenance: Provenance,
    fingerprint: Fingerprint,
    policy: checkpoint::Policy,
    /// The checkpoints written by this process.
    checkpoints: Vec<checkpoint::Written>,
}

/// The system a run of `input` starts from: its structure, with its groups defined and the
/// initial velocities drawn.
pub fn initial_system(input: &Input, base: &Path) -> Result<System> {
    let mut system = input.structure.build(base)?;
    set_masses(input, base, &mut system.species)?;
    define_groups(&mut system, &input.groups)?;
    if let Some(v) = &input.velocities {
        maxwell_boltzmann(
            &mut system,
            v.temperature,
            &mut SimRng::seed_from_u64(v.seed),
        );
    }
    Ok(system)
}

/// Sets the species' masses as LAMMPS would for this input: those the potential's files give
/// (eam, eam/alloy, eam/fs and meam files carry masses, and LAMMPS's `pair_coeff` imposes them
/// over a data file's `Masses`), then the input's own `masses`.
pub fn set_masses(input: &Input, base: &Path, species: &mut SpeciesTable) -> Result<()> {
    let potential = build_potential(&input.potential, species, base)?;
    for (k, mass) in potential.file_masses().into_iter().enumerate() {
        if let (Some(m), Some(slot)) = (mass, species.masses.get_mut(k)) {
            *slot = m;
        }
    }
    for m in &input.masses {
        if !(m.mass.is_finite() && m.mass > 0.0) {
            return Err(Error::invalid(format!(
                "masses: species {} has mass {}: masses must be positive",
                m.species, m.mass
            )));
        }
        let k = species
            .require(&m.species)
            .map_err(|e| Error::invalid(format!("masses: {e}")))?;
        species.masses[k] = m.mass;
    }
    Ok(())
}

/// Writes the system a run of the input file at `input_path` starts from as a LAMMPS data file
/// (atoms, masses, velocities), e.g. to run the same start in LAMMPS; returns the atom count.
pub fn write_initial_state(input_path: &Path, data_path: &Path) -> Result<usize> {
    let input = Input::read(input_path)?;
    let system =
        initial_system(&input, &input.base_dir(input_path)).map_err(|e| e.in_file(input_path))?;
    write_lammps_data(
        data_path,
        &system,
        &format!(
            "initial state of {}, written by sintermd",
            input_path.display()
        ),
    )?;
    Ok(system.len())
}

impl<'a> Runner<'a> {
    /// Builds and checks everything the run needs (structure, potential, each stage's
    /// integrator and name) before preparing the output folder and opening the run-wide files.
    fn new(start: Start<'a>, force: bool) -> Result<Self> {
        let (input, base, out_dir) = (start.input, start.base, start.out_dir);
        let system = initial_system(input, base)?;
        let particles = pair_particles(input, base)?;
        check_stage_names(input)?;
        check_stages(input, &system, particles.as_ref())?;
        let (main_steps, particle_steps) = step_counts(input);
        let natoms = system.len();
        input.output.check_size(natoms, main_steps)?;
        if !cfg!(feature = "hdf5")
            && input
                .output
                .trajectory_formats
                .contains(&crate::output::TrajectoryFormatSpec::H5md)
            && input.output.trajectory_every > 0
        {
            return Err(crate::io::h5md_unavailable(
                &out_dir.join("trajectory.h5md"),
            ));
        }
        let potential = build_potential(&input.potential, &system.species, base)?;
        let mut main = Track::new(system, potential, input, Vec::new(), main_steps)?;

        let folder = OutputFolder::prepare(out_dir, force)?;
        main.set_observers(run_observers(&start, &main.state.system)?);
        eprintln!(
            "sintermd: {natoms} atoms, {main_steps} steps in {} stage(s){}, {} threads",
            input.stages.len(),
            if particle_steps > 0 {
                format!(" (+ {particle_steps} particle steps)")
            } else {
                String::new()
            },
            rayon::current_num_threads()
        );
        let tally = Tally {
            particles,
            ..Tally::default()
        };
        let provenance = start.provenance.clone();
        Ok(Runner::with(start, folder, main, tally, provenance))
    }

    /// A runner of `start` with its folder, main system, tally and provenance.
    fn with(
        start: Start<'a>,
        folder: OutputFolder,
        main: Track,
        tally: Tally,
        provenance: Provenance,
    ) -> Self {
        let (main_steps, particle_steps) = step_counts(start.input);
        let mut progress = Progress::new(main_steps.saturating_add(particle_steps));
        progress.update(tally.steps_done, String::new);
        Runner {
            input: start.input,
            input_name: start.input_name,
            base: start.base.to_path_buf(),
            out_dir: start.out_dir.to_path_buf(),
            folder,
            main,
            tally,
            progress,
            stage_clock: Instant::now(),
            provenance,
            fingerprint: start.fingerprint,
            policy: start.policy,
            checkpoints: Vec::new(),
        }
    }

    /// Continues the run of a checkpoint (`record`, already checked against the input): the
    /// main system and its files as they were then, the files cut back to that point.
    fn resume(start: Start<'a>, record: RunCheckpoint<'static>) -> Result<(Self, Position)> {
        let (input, base, out_dir) = (start.input, start.base, start.out_dir);
        check_stage_names(input)?;
        let potential = build_potential(&input.potential, &record.main.state.system.species, base)?;
        let integrator = |k: usize, system: &System| match input.stages.get(k) {
            Some(StageSpec::Md(md) | StageSpec::EquilibrateParticles(md)) => {
                md.integrator(system).map(Some)
            }
            _ => Ok(None),
        };
        // The folder is locked before the files are cut back to the checkpoint.
        let folder = OutputFolder::resume(out_dir, record.folder_before)?;
        let main = Track::restore(record.main, potential, input, &integrator, out_dir)?;
        let mut tally = record.tally;
        for f in tally.sections.iter_mut().flat_map(|s| s.figures.iter_mut()) {
            crate::output::append::rebase(&mut f.png, out_dir);
        }
        let mut provenance: Provenance = serde_json::from_str(&record.provenance).map_err(|e| {
            Error::invalid(format!("the checkpoint's provenance cannot be read: {e}"))
        })?;
        provenance.resumed.push(format!(
            "{} at step {} on {} threads as `{}`",
            start.provenance.start_time,
            main.state.step,
            rayon::current_num_threads(),
            start.provenance.command_line.join(" ")
        ));
        let runner = Runner::with(start, folder, main, tally, provenance);
        Ok((runner, record.position))
    }

    /// Runs the stages in order, from the start or from where a checkpoint's `position` says,
    /// writing a checkpoint at every stage boundary.
    fn run_stages(&mut self, position: Position) -> Result<()> {
        let input = self.input;
        let (first, mut inside) = match position {
            Position::Between { next } => (next, None),
            Position::Md { stage, .. }
            | Position::Particles { stage, .. }
            | Position::Kmc { stage, .. } => (stage, Some(position)),
        };
        for (k, stage) in input.stages.iter().enumerate().skip(first) {
            self.run_stage(k, stage, inside.take())?;
            self.stage_clock = Instant::now();
            self.checkpoint(Position::Between { next: k + 1 })?;
        }
        Ok(())
    }

    /// Writes a checkpoint of the run at `position`; when a signal asked the run to stop, then
    /// returns [`Error::Interrupted`] with the line that says how to resume.
    fn checkpoint(&mut self, position: Position) -> Result<()> {
        let record = RunCheckpoint {
            fingerprint: self.fingerprint.clone(),
            position,
            main: self.main.save()?,
            tally: Tally {
                wall: self.tally.wall + self.stage_clock.elapsed().as_secs_f64(),
                ..self.tally.clone()
            },
            folder_before: self.folder.before().clone(),
            provenance: serde_json::to_string(&self.provenance)
                .map_err(|e| Error::invalid(format!("cannot save the provenance: {e}")))?,
        };
        let written = checkpoint::write(&self.out_dir, &record)?;
        self.checkpoints.push(written);
        self.policy.written();
        if let Some(signal) = self.policy.stop().requested() {
            let stages = &self.input.stages;
            let place = match &record.position {
                Position::Between { next } if *next >= stages.len() => return Ok(()),
                Position::Between { next } => {
                    format!("before {}", stage_label(*next, &stages[*next]))
                }
                Position::Md { stage, .. } => format!(
                    "at step {} in {}",
                    self.main.state.step,
                    stage_label(*stage, &stages[*stage])
                ),
                Position::Particles { stage, .. } | Position::Kmc { stage, .. } => {
                    format!("in {}", stage_label(*stage, &stages[*stage]))
                }
            };
            return Err(Error::Interrupted(format!(
                "{} received: stopped {place} with a checkpoint in {}; continue with \
                 `{}sintermd run {} --out {} --resume`",
                stop::signal_name(signal),
                self.out_dir.display(),
                crate::domain::launcher_prefix(),
                self.input_name,
                self.out_dir.display()
            )));
        }
        Ok(())
    }

    fn finish(&mut self, source: Option<(&str, &str)>) -> Result<RunSummary> {
        self.progress.finish();
        let figures: Vec<Figure> = self.main.finish_observers()?;
        let main = &self.main;
        let system = &main.state.system;
        write_lammps_data(
            &self.out_dir.join("final.data"),
            system,
            &format!("sintermd final state, step {}", main.state.step),
        )?;
        let natoms = system.len();
        let mut summary = self.summary("done", None);
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
        let mut facts = vec![
            format!(
                "{natoms} atoms ({}), potential {}",
                composition.join(", "),
                main.engine.potential().name()
            ),
            format!(
                "{} steps, {:.4} ps simulated, {:.2} s wall time on {} threads; atom-steps/s of \
                 each MD stage: {}",
                summary.steps,
                summary.time_ps,
                summary.wall_time_s,
                summary.threads,
                stage_rates_text(&summary.stages)
            ),
            format!(
                "final: T = {:.2} K, potential {:.6} eV, kinetic {:.6} eV, total {:.6} eV",
                f.temperature, f.potential, f.kinetic, f.total
            ),
        ];
        if let Some(t) = summary.neck_formed_ps {
            facts.push(format!("neck formed at t = {t:.3} ps"));
        }
        let c = &summary.checkpoints;
        if c.written > 0 {
            facts.push(format!(
                "{} checkpoint(s) written, the last {}, in {:.3} s in all (longest {:.3} s)",
                c.written,
                crate::system::budget::human_bytes(c.last_bytes as f64),
                c.total_seconds,
                c.max_seconds
            ));
        }
        facts.push(summary.provenance.report_line());
        let mut sections = vec![Section {
            title: "Run".into(),
            facts,
            figures,
        }];
        sections.append(&mut self.tally.sections);
        let (name, text) = source.unwrap_or(("(input built in code)", ""));
        write_report(&self.out_dir, "sintermd run report", name, text, &sections)?;
        self.store_summary(&mut summary)?;
        Ok(summary)
    }

    /// The summary of the run as it stands, with `status` and, for a failed run, the `error`.
    fn summary(&self, status: &str, error: Option<String>) -> RunSummary {
        let main = &self.main;
        RunSummary {
            status: status.to_string(),
            error,
            atoms: main.state.system.len(),
            steps: main.state.step,
            time_ps: main.state.time,
            wall_time_s: self.tally.wall,
            atom_steps_per_second: match self.tally.stage_rates.as_slice() {
                [only] => Some(only.atom_steps_per_second),
                _ => None,
            },
            stages: self.tally.stage_rates.clone(),
            threads: rayon::current_num_threads(),
            neighbor_builds: main.engine.builds(),
            final_thermo: {
                // No pressure for a box that is mostly vacuum (as in thermo.csv).
                let mut last = main.measure();
                last.pressure = last
                    .pressure
                    .filter(|_| pressure_is_defined(&main.state.system));
                last
            },
            neck_formed_ps: self.tally.neck_formed,
            outcomes: self.tally.outcomes.clone(),
            phases: self.tally.phases.clone(),
            checkpoints: CheckpointStats {
                written: self.checkpoints.len(),
                last_bytes: self.checkpoints.last().map_or(0, |c| c.bytes),
                total_seconds: self.checkpoints.iter().map(|c| c.seconds).sum(),
                max_seconds: self
                    .checkpoints
                    .iter()
                    .map(|c| c.seconds)
                    .fold(0.0, f64::max),
            },
            files: Vec::new(),
            provenance: self.provenance.clone(),
        }
    }

    /// Writes `summary.json`, listing the files the run wrote (itself included).
    fn store_summary(&self, summary: &mut RunSummary) -> Result<()> {
        summary.files = self.folder.files_with_summary();
        crate::io::write_json(&self.out_dir.join("summary.json"), summary)
    }

    /// Writes `summary.json` of a run that stopped with `status` and `error`.
    fn write_summary(&mut self, status: &str, error: Option<String>) -> Result<()> {
        self.progress.finish();
        let mut summary = self.summary(status, error);
        self.store_summary(&mut summary)
    }
}

/// The two particles of the input's `Build(Pair(...))` structure, with the input's masses, if it
/// builds a pair.
fn pair_particles(input: &Input, base: &Path) -> Result<Option<[Particle; 2]>> {
    match input.pair() {
        Some(pair) => {
            let (mut a, mut b) = pair.particles(base)?;
            set_masses(input, base, &mut a.system.species)?;
            set_masses(input, base, &mut b.system.species)?;
            Ok(Some([a, b]))
        }
        None => Ok(None),
    }
}

/// Builds every MD stage's integrator and looks up its observers' groups (on `system`, or on
/// the first of the `particles` for `EquilibrateParticles`) before the first step, so that a bad
/// group or parameter in a late stage is reported at once and before the output folder is
/// touched.
fn check_stages(input: &Input, system: &System, particles: Option<&[Particle; 2]>) -> Result<()> {
    let check_observers = |md: &MdStage, system: &System| {
        md.observers.iter().try_for_each(|o| o.check_groups(system))
    };
    for (k, stage) in input.stages.iter().enumerate() {
        let label = || stage_label(k, stage);
        match stage {
            StageSpec::Md(md) => md
                .integrator(system)
                .and_then(|_| check_observers(md, system))
                .map_err(|e| in_stage(&label(), e))?,
            StageSpec::EquilibrateParticles(md) => match particles {
                Some([first, _]) => md
                    .integrator(&first.system)
                    .and_then(|_| check_observers(md, &first.system))
                    .map_err(|e| in_stage(&label(), e))?,
                None => {
                    return Err(in_stage(
                        &label(),
                        Error::invalid("EquilibrateParticles needs a pair of particles"),
                    ));
                }
            },
            StageSpec::Minimize(_)
            | StageSpec::Assemble(_)
            | StageSpec::WriteMesh(_)
            | StageSpec::Kmc(_) => {}
        }
    }
    Ok(())
}

/// The run-wide observers of `start`'s input: `thermo.csv` and the trajectory files, in the
/// output folder (prepared), of the main `system`.
fn run_observers(start: &Start<'_>, system: &System) -> Result<Vec<Box<dyn Observer>>> {
    let (input, out_dir) = (start.input, start.out_dir);
    let mut observers: Vec<Box<dyn Observer>> = vec![Box::new(ThermoCsv::create(
        out_dir,
        "",
        thermo_trigger(input),
    )?)];
    if input.output.trajectory_every > 0 {
        let record = start.provenance.record(start.input_text);
        for &format in &input.output.trajectory_formats {
            observers.push(Box::new(Trajectory::create(
                out_dir,
                format,
                system,
                &record,
                Trigger::Every(input.output.trajectory_every),
            )?));
        }
    }
    Ok(observers)
}

/// MD steps of the main system, and of the particles of `EquilibrateParticles` stages.
fn step_counts(input: &Input) -> (u64, u64) {
    let main_steps: u64 = input.stages.iter().map(StageSpec::steps).sum();
    let particle_steps: u64 = input
        .stages
        .iter()
        .map(|s| match s {
            StageSpec::EquilibrateParticles(md) => md.steps.saturating_mul(2),
            _ => 0,
        })
        .fold(0u64, u64::saturating_add);
    (main_steps, particle_steps)
}

/// How often the input writes thermo rows.
fn thermo_trigger(input: &Input) -> Trigger {
    match input.output.thermo_every {
        0 => Trigger::Ends,
        n => Trigger::Every(n),
    }
}

/// Checks that every stage's name can be part of a file name and that no two stages share one
/// (their files would overwrite each other).
fn check_stage_names(input: &Input) -> Result<()> {
    let mut seen = BTreeSet::new();
    for (k, stage) in input.stages.iter().enumerate() {
        let name = stage.name(k);
        check_name_part(&stage_label(k, stage), &name)?;
        if !seen.insert(name.clone()) {
            return Err(Error::invalid(format!(
                "{}: another stage is also named \"{name}\" (their files would overwrite each \
                 other); give each stage its own name",
                stage_label(k, stage)
            )));
        }
    }
    Ok(())
}
