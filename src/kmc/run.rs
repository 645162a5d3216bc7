//! `sintermd kmc`: sets up a two-particle KMC run, runs it, and writes its folder.
//!
//! Output folder:
//! - `neck.csv`: time [s], events, neck sites, area [A^2], r [A], r/R at log-spaced times;
//! - `neck_fit.png`, `neck_fit.svg`: log-log plot of r against t with the fit r^n = K t;
//! - `snapshots.xyz`: extended XYZ frames of the occupied sites at log-spaced times (key `Time`
//!   in s, `Events`), first and last included; `final.xyz`: the last one alone;
//! - `summary.json` ([`KmcSummary`]): sizes, events, null events, events per second, the fit.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Instant;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::engine::{Engine, EngineChoice};
use super::events::{KmcClock, KmcEngine};
use super::fit::{PowerLawFit, fit_power_law};
use super::grid::FccGrid;
use super::grid_engine::GridEngine;
use super::input::{KmcInput, KmcOutputSpec, RunLimits, SiteSpec};
use super::mesh::{MeshReport, mesh_sites, read_mesh};
use super::model::RateMode;
use super::neck::{NeckProbe, NeckSample};
use super::pair::{PairConfiguration, SiteSource, build_pair};
use super::plot::plot_neck_growth;
use crate::error::{Error, Result};
use crate::input::base_dir;
use crate::io::xyz::write_xyz_frame;
use crate::md::SimRng;
use crate::output::OutputFolder;
use crate::output::append::AppendFile;
use crate::structure::alloy::{exact_counts, random_assignment};
use crate::system::{SpeciesTable, System, Vec3};

/// CPU time consumed by the calling thread [s], where the platform reports it. Unlike wall
/// time it does not count time the thread waited for a core, so events per CPU second measure
/// the engine even on a busy machine.
pub fn thread_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes the timespec we own and pass by pointer.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// Everything a run starts from.
pub struct KmcSetup {
    /// The engine, at time 0.
    pub engine: Engine,
    /// The neck probe.
    pub probe: NeckProbe,
    /// The species.
    pub species: SpeciesTable,
    /// What the pair construction found.
    pub pair: PairInfo,
    /// The mesh report (mesh sites).
    pub mesh: Option<MeshReport>,
}

/// Geometry of the initial pair, for the summary.
#[derive(Clone, Debug, Serialize)]
pub struct PairInfo {
    /// Sites in the site set.
    pub sites: usize,
    /// Atoms.
    pub atoms: usize,
    /// Sites of particle 1 and 2.
    pub particle_sites: [usize; 2],
    /// Centre distance [A].
    pub separation: f64,
    /// Particle radius R [A].
    pub particle_radius: f64,
    /// Bonds between the particles at the start.
    pub bonds_between: usize,
    /// Whether a joining atom was placed.
    pub joining_atom: bool,
    /// Neighbour-table stride (largest neighbour count).
    pub max_neighbors: usize,
    /// Sites in the neck slab.
    pub neck_slab_sites: usize,
    /// The engine: "table" (neighbour table) or "fcc-grid" (one fcc lattice, arithmetic
    /// neighbours).
    pub engine: String,
    /// Sites the engine keeps (the fcc grid's box holds a few more than the sites in use).
    pub engine_sites: usize,
}

/// What `summary.json` records.
#[derive(Clone, Debug, Serialize)]
pub struct KmcSummary {
    /// `done` (a run that fails writes [`KmcFailure`] instead).
    pub status: &'static str,
    /// The pair.
    pub pair: PairInfo,
    /// The mesh, if any.
    pub mesh: Option<MeshReport>,
    /// Seed.
    pub seed: u64,
    /// Clock at the end: time [s], events, null events.
    pub clock: KmcClock,
    /// Null events / events.
    pub null_event_fraction: f64,
    /// Wall-clock time of the event loop [s] (output excluded).
    pub wall_time_s: f64,
    /// Events per wall-clock second of the event loop.
    pub events_per_second: f64,
    /// CPU time of the event loop [s] (None where the platform does not report it).
    pub cpu_time_s: Option<f64>,
    /// Events per CPU second of the event loop: the engine's speed independent of machine load.
    pub events_per_cpu_second: Option<f64>,
    /// Total rate at the end [1/s].
    pub final_total_rate: f64,
    /// Last neck sample.
    pub final_neck: NeckSample,
    /// Atoms on sites with fewer neighbours than the stride at the end (on a crystal: the edge of
    /// the site region; should stay 0).
    pub atoms_on_edge_sites: usize,
    /// The fit, or why there is none.
    pub fit: std::result::Result<PowerLawFit, String>,
    /// Whether the run stopped because no atom could move.
    pub frozen: bool,
    /// The machine's load averages over 1, 5 and 15 minutes at the end of the run (Linux), to
    /// judge the wall-clock speed: above the number of cores, the run shared its core.
    pub load_average: Option<[f64; 3]>,
    /// Files the run wrote in its folder; `--force` deletes them before a new run there.
    pub files: Vec<String>,
}

/// What `summary.json` records about a run that failed after its output folder was prepared.
#[derive(Clone, Debug, Serialize)]
pub struct KmcFailure {
    /// `failed`.
    pub status: &'static str,
    /// Why the run failed.
    pub error: String,
    /// The pair.
    pub pair: PairInfo,
    /// Seed.
    pub seed: u64,
    /// Files the run wrote in its folder; `--force` deletes them before a new run there.
    pub files: Vec<String>,
}

/// Load averages over 1, 5 and 15 minutes from `/proc/loadavg` (None where unavailable).
pub fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut words = text.split_whitespace().map(|w| w.parse::<f64>().ok());
    Some([words.next()??, words.next()??, words.next()??])
}

/// Builds the engine, probe and species of `input`; relative paths resolve against `base`.
pub fn setup(input: &KmcInput, base: &Path) -> Result<KmcSetup> {
    let (source, mesh_report) = match &input.sites {
        SiteSpec::Fcc { .. } => (
            SiteSource::Fcc(
                input
                    .sites
                    .lattice()?
                    .ok_or_else(|| Error::invalid("sites: Fcc sites give no lattice"))?,
            ),
            None,
        ),
        SiteSpec::Mesh {
            path,
            neighbors,
            replicate,
        } => {
            let p = base.join(path);
            let file = read_mesh(&p)?;
            let (sites, report) =
                mesh_sites(&file, neighbors, *replicate).map_err(|e| e.in_file(&p))?;
            (SiteSource::Mesh(sites), Some(report))
        }
    };
    let pair = build_pair(&input.particles, &source)?;
    let species = crate::structure::alloy::species_table(&input.species)?;
    let occupancy = assign_species(input, &pair)?;
    let model = input.model.build(species.len())?;
    let single_lattice = input
        .particles
        .second
        .tilt
        .as_ref()
        .is_none_or(|t| t.degrees == 0.0)
        && input.particles.second.twist_degrees == 0.0;
    let use_grid = input.engine == EngineChoice::Auto
        && single_lattice
        && model.n_species == 1
        && model.mode == RateMode::PerAtom;
    let engine = match (&pair.lattice, use_grid) {
        (Some(lattice), true) => {
            let (grid, index) = FccGrid::covering(lattice, &pair.sites.positions)?;
            let mut in_use = vec![false; grid.len()];
            let mut occupied = vec![false; grid.len()];
            for (k, &i) in index.iter().enumerate() {
                in_use[i] = true;
                occupied[i] = occupancy[k] != 0;
            }
            let engine = GridEngine::new(grid, &in_use, &occupied, model, input.seed)?;
            Engine::FccGrid(Box::new(engine))
        }
        _ => Engine::Table(Box::new(KmcEngine::new(
            pair.sites.clone(),
            occupancy,
            model,
            input.seed,
        )?)),
    };
    let probe_sites = engine.sites();
    let probe = match &pair.lattice {
        Some(l) => NeckProbe::crystal(
            probe_sites,
            l,
            pair.contact_point,
            pair.axis,
            pair.particle_radius,
        )?,
        None => NeckProbe::mesh(
            probe_sites,
            pair.contact_point,
            pair.axis,
            pair.particle_radius,
        )?,
    };
    let info = PairInfo {
        sites: pair.sites.len(),
        atoms: pair.occupied.iter().filter(|&&o| o).count(),
        particle_sites: pair.particle_sites,
        separation: pair.separation,
        particle_radius: pair.particle_radius,
        bonds_between: pair.bonds_between,
        joining_atom: pair.joining_site.is_some(),
        max_neighbors: pair.sites.stride(),
        neck_slab_sites: probe.slab_sites().len(),
        engine: engine.kind().to_string(),
        engine_sites: engine.sites().len(),
    };
    Ok(KmcSetup {
        engine,
        probe,
        species,
        pair: info,
        mesh: mesh_report,
    })
}

/// Occupancy (0 empty, s + 1) with exact species counts placed at random from the seed.
fn assign_species(input: &KmcInput, pair: &PairConfiguration) -> Result<Vec<u8>> {
    let occupied: Vec<usize> = (0..pair.occupied.len())
        .filter(|&i| pair.occupied[i])
        .collect();
    let fractions: Vec<f64> = input.species.iter().map(|c| c.fraction).collect();
    let counts = exact_counts(&fractions, occupied.len())?;
    let types = if counts.len() == 1 {
        vec![0; occupied.len()]
    } else {
        random_assignment(&counts, &mut SimRng::seed_from_u64(input.seed))
    };
    let mut occupancy = vec![0u8; pair.occupied.len()];
    for (&i, &t) in occupied.iter().zip(&types) {
        occupancy[i] = t as u8 + 1;
    }
    Ok(occupancy)
}

/// The occupied sites as an atomic structure (ids 1.., zero velocities) in the sites' box.
pub fn occupied_system(engine: &Engine, species: &SpeciesTable) -> System {
    let sites = engine.sites();
    let mut system = System::new(sites.simbox.clone(), species.clone());
    let mut id = 0;
    for (i, &s) in engine.occupancy().iter().enumerate() {
        if s != 0 {
            id += 1;
            system.push(id, s as u32 - 1, sites.positions[i], Vec3::zeros());
        }
    }
    system
}

/// Smallest time of the log grid 10^(k / per_decade) strictly above `t` [s].
pub fn next_log_time(t: f64, per_decade: u32) -> f64 {
    if !(t > 0.0) {
        return f64::MIN_POSITIVE;
    }
    let pd = per_decade as f64;
    let mut k = (t.log10() * pd).floor() + 1.0;
    let mut next = 10f64.powf(k / pd);
    while next <= t {
        k += 1.0;
        next = 10f64.powf(k / pd);
    }
    next
}

/// Runs the input file at `path`, writing into `out_dir`; a folder holding another run's
/// results is refused unless `force` (see [`crate::output::OutputFolder`]).
pub fn run_kmc_file(path: &Path, out_dir: &Path, force: bool) -> Result<KmcSummary> {
    let input = KmcInput::read(path)?;
    run_kmc_with(&input, &base_dir(path), out_dir, force).map_err(|e| e.in_file(path))
}

struct Progress {
    bar: Option<indicatif::ProgressBar>,
    start: Instant,
    last_log: Instant,
    every: f64,
    total: u64,
}

impl Progress {
    fn new(total: u64, every: f64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total);
            if let Ok(style) = indicatif::ProgressStyle::with_template(
                "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} events, ETA {eta} {msg}",
            ) {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            start: Instant::now(),
            last_log: Instant::now(),
            every,
            total,
        }
    }

    fn update(&mut self, clock: &KmcClock, neck: &NeckSample) {
        let msg = format!(
            "t = {:.3e} s, r/R = {:.3}",
            clock.time, neck.radius_over_particle
        );
        if let Some(bar) = &self.bar {
            bar.set_position(clock.events);
            bar.set_message(msg);
        } else if self.last_log.elapsed().as_secs_f64() >= self.every {
            self.last_log = Instant::now();
            let wall = self.start.elapsed().as_secs_f64();
            let rate = clock.events as f64 / wall.max(1e-9);
            let eta = (self.total.saturating_sub(clock.events)) as f64 / rate.max(1e-9);
            eprintln!(
                "events {:>13} / {}  {msg}  ({:.1} s, {:.2e} events/s, ETA {:.0} s)",
                clock.events, self.total, wall, rate, eta
            );
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// Runs `input`, resolving paths against `base`, writing into `out_dir` (created if needed; a
/// folder holding another run's results is refused).
pub fn run_kmc(input: &KmcInput, base: &Path, out_dir: &Path) -> Result<KmcSummary> {
    run_kmc_with(input, base, out_dir, false)
}

/// [`run_kmc`]; with `force`, sintermd's files in a folder holding another run's results are
/// deleted first instead of the folder being refused. The folder is touched only once the input
/// has been set up. A run that fails after that writes `summary.json` ([`KmcFailure`]) with
/// `status: "failed"`, the error and the files written so far, and keeps those files.
pub fn run_kmc_with(
    input: &KmcInput,
    base: &Path,
    out_dir: &Path,
    force: bool,
) -> Result<KmcSummary> {
    let setup = setup(input, base)?;
    let folder = OutputFolder::prepare(out_dir, force)?;
    let pair = setup.pair.clone();
    let summary_path = out_dir.join("summary.json");
    match run_prepared(input, setup, out_dir) {
        Ok(mut summary) => {
            summary.files = folder.files_with_summary();
            write_json(&summary_path, &summary)?;
            Ok(summary)
        }
        Err(e) => {
            let failure = KmcFailure {
                status: "failed",
                error: e.to_string(),
                pair,
                seed: input.seed,
                files: folder.files_with_summary(),
            };
            // The run's error is what the user needs; a summary that cannot be written is named
            // after it.
            match write_json(&summary_path, &failure) {
                Ok(()) => Err(e),
                Err(w) => Err(Error::Physics(format!("{e}; {w}"))),
            }
        }
    }
}

/// Writes `value` as pretty JSON, atomically.
fn write_json(path: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::invalid(e.to_string()))?;
    crate::io::write_text(path, &text)
}

/// The run after its output folder was prepared: the event loop, the final structure; the
/// summary it returns lists no files yet.
fn run_prepared(input: &KmcInput, setup: KmcSetup, out_dir: &Path) -> Result<KmcSummary> {
    let KmcSetup {
        mut engine,
        probe,
        species,
        pair,
        mesh,
    } = setup;
    eprintln!(
        "sintermd kmc ({} engine): {} sites, {} atoms ({} + {} in the particles{}), separation {:.3} A, R = {:.3} A, neck slab {} sites",
        pair.engine,
        pair.sites,
        pair.atoms,
        pair.particle_sites[0],
        pair.particle_sites[1],
        if pair.joining_atom {
            " + 1 joining atom"
        } else {
            ""
        },
        pair.separation,
        pair.particle_radius,
        pair.neck_slab_sites
    );
    if let Some(m) = &mesh {
        eprintln!(
            "mesh: {} sites, g(r) first peak {:.3} A, cutoff {:.3} A{}; {}",
            m.sites,
            m.first_peak,
            m.cutoff,
            if m.detected {
                " (first minimum of g(r))"
            } else {
                ""
            },
            m.neighbor_counts.line()
        );
        if let Some(f) = &m.structure_fractions {
            let parts: Vec<String> = f
                .iter()
                .map(|(k, v)| format!("{k} {:.1} %", 100.0 * v))
                .collect();
            eprintln!("mesh structure (adaptive CNA): {}", parts.join(", "));
        }
    }

    let title = format!(
        "Neck growth: {} pair, R = {:.2} nm, {} K",
        match input.sites {
            SiteSpec::Fcc { .. } => "crystal",
            SiteSpec::Mesh { .. } => "mesh",
        },
        pair.particle_radius / 10.0,
        input.model.temperature
    );
    let EventLoop {
        samples,
        fit,
        wall,
        cpu,
        frozen,
    } = run_event_loop(
        &mut engine,
        &LoopSetup {
            probe: &probe,
            species: &species,
            limits: &input.run,
            output: &input.output,
            out_dir,
            prefix: "",
            title: &title,
        },
    )?;
    let clock = engine.clock().clone();
    let final_path = out_dir.join("final.xyz");
    crate::io::write_structure(&final_path, &occupied_system(&engine, &species))?;

    let counts = engine.sites().neighbor_counts();
    let stride = engine.sites().stride() as u8;
    let atoms_on_edge_sites = engine
        .occupancy()
        .iter()
        .zip(counts)
        .filter(|&(&s, &c)| s != 0 && c < stride && mesh.is_none())
        .count();
    Ok(KmcSummary {
        status: "done",
        pair,
        mesh,
        seed: input.seed,
        null_event_fraction: clock.null_events as f64 / (clock.events.max(1)) as f64,
        events_per_second: if wall > 0.0 {
            clock.events as f64 / wall
        } else {
            0.0
        },
        wall_time_s: wall,
        cpu_time_s: cpu,
        events_per_cpu_second: cpu.filter(|&c| c > 0.0).map(|c| clock.events as f64 / c),
        final_total_rate: engine.total_rate(),
        // Invariant: the event loop samples the neck at t = 0 before the first event.
        final_neck: *samples.last().expect("samples"),
        atoms_on_edge_sites,
        fit: fit.map_err(|e| e.to_string()),
        frozen,
        clock,
        load_average: load_average(),
        files: Vec::new(),
    })
}

/// What [`run_event_loop`] measured.
pub struct EventLoop {
    /// Neck samples at log-spaced times (the first at t = 0, the last at the end).
    pub samples: Vec<NeckSample>,
    /// The fit over the window of the output settings, or why there is none.
    pub fit: Result<PowerLawFit>,
    /// Wall-clock time of the events [s] (output excluded).
    pub wall: f64,
    /// CPU time of the events [s], where the platform reports it.
    pub cpu: Option<f64>,
    /// Whether the run stopped because no atom could move.
    pub frozen: bool,
}

/// What an event loop works with besides its engine: the neck probe, the species, the limits,
/// the output settings, and where its files go (`out_dir`, names starting with `prefix`).
pub struct LoopSetup<'a> {
    pub probe: &'a NeckProbe,
    pub species: &'a SpeciesTable,
    pub limits: &'a RunLimits,
    pub output: &'a KmcOutputSpec,
    pub out_dir: &'a Path,
    pub prefix: &'a str,
    /// Title of the neck-growth plot.
    pub title: &'a str,
}

impl LoopSetup<'_> {
    fn max_events(&self) -> u64 {
        // events: 0 with a time limit means "until the time limit".
        match self.limits.events {
            0 => u64::MAX,
            n => n,
        }
    }

    fn time_limit(&self) -> f64 {
        self.limits.time.unwrap_or(f64::INFINITY)
    }
}

/// An event loop in progress: the neck samples so far, the next sampling and snapshot times,
/// the snapshot file, the time spent. Saved whole in checkpoints of `Kmc` stages.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoopState {
    samples: Vec<NeckSample>,
    next_sample: f64,
    next_snapshot: f64,
    snapshots: AppendFile,
    wall: f64,
    cpu: Option<f64>,
    frozen: bool,
}

/// Events run between two looks at the clock (and chances to write a checkpoint), at most.
const CHUNK_EVENTS: u64 = 1 << 20;

impl LoopState {
    /// Starts the loop: the neck sample and the snapshot at t = 0 (`<prefix>snapshots.xyz`).
    pub fn start(engine: &Engine, setup: &LoopSetup<'_>) -> Result<Self> {
        let path = setup.out_dir.join(format!("{}snapshots.xyz", setup.prefix));
        let mut state = LoopState {
            samples: vec![setup.probe.measure(&engine.occupancy(), 0.0, 0)],
            next_sample: next_log_time(0.0, setup.output.samples_per_decade),
            next_snapshot: match setup.output.snapshots_per_decade {
                0 => f64::INFINITY,
                n => next_log_time(0.0, n),
            },
            snapshots: AppendFile::create(&path)?,
            wall: 0.0,
            cpu: thread_cpu_seconds().map(|_| 0.0),
            frozen: false,
        };
        state.write_snapshot(engine, setup.species)?;
        Ok(state)
    }

    /// Opens the snapshot file of a saved loop again in `dir`, cut back to the checkpoint.
    pub fn reopen(&mut self, dir: &Path) -> Result<()> {
        self.snapshots.reopen(dir)
    }

    fn write_snapshot(&mut self, engine: &Engine, species: &SpeciesTable) -> Result<()> {
        let system = occupied_system(engine, species);
        let c = engine.clock();
        let mut frame = Vec::new();
        write_xyz_frame(
            &mut frame,
            &system,
            &[
                ("Time", format!("{:e}", c.time)),
                ("Events", c.events.to_string()),
            ],
        )
        .map_err(|e| Error::io(self.snapshots.path(), e))?;
        self.snapshots.write(&frame)
    }

    /// Runs events until the limits (returns true) or until, between two chunks of events,
    /// `pause` asks for a checkpoint (returns false). Where the loop pauses does not change the
    /// events it runs.
    pub fn advance(
        &mut self,
        engine: &mut Engine,
        setup: &LoopSetup<'_>,
        pause: &mut dyn FnMut() -> bool,
    ) -> Result<bool> {
        let (max_events, time_limit) = (setup.max_events(), setup.time_limit());
        let (spd, snap_pd) = (
            setup.output.samples_per_decade,
            setup.output.snapshots_per_decade,
        );
        let mut progress = Progress::new(max_events, setup.output.log_every_s);
        loop {
            let c = engine.clock().clone();
            if c.events >= max_events || c.time >= time_limit || self.frozen {
                break;
            }
            let stop_events = (c.events + CHUNK_EVENTS).min(max_events);
            let stop_time = self.next_sample.min(self.next_snapshot).min(time_limit);
            let t0 = Instant::now();
            let c0 = thread_cpu_seconds();
            self.frozen = !engine.run_until(stop_events, stop_time);
            self.wall += t0.elapsed().as_secs_f64();
            if let (Some(total), Some(c0), Some(c1)) = (self.cpu.as_mut(), c0, thread_cpu_seconds())
            {
                *total += c1 - c0;
            }
            let c = engine.clock().clone();
            if c.time >= self.next_sample {
                self.samples
                    .push(setup.probe.measure(&engine.occupancy(), c.time, c.events));
                self.next_sample = next_log_time(c.time, spd);
            }
            if c.time >= self.next_snapshot {
                self.write_snapshot(engine, setup.species)?;
                self.next_snapshot = next_log_time(c.time, snap_pd);
            }
            // Invariant: `samples` starts with the sample at t = 0 and only grows.
            progress.update(&c, self.samples.last().expect("one sample at least"));
            let finished = c.events >= max_events || c.time >= time_limit || self.frozen;
            if !finished && pause() {
                progress.finish();
                return Ok(false);
            }
        }
        progress.finish();
        Ok(true)
    }

    /// Ends the loop: the last sample and snapshot, `<prefix>neck.csv`, the fit and the plot.
    pub fn finish(mut self, engine: &Engine, setup: &LoopSetup<'_>) -> Result<EventLoop> {
        let clock = engine.clock().clone();
        if self
            .samples
            .last()
            .is_some_and(|s| s.events != clock.events)
        {
            self.samples.push(
                setup
                    .probe
                    .measure(&engine.occupancy(), clock.time, clock.events),
            );
            self.write_snapshot(engine, setup.species)?;
        }
        let (out_dir, prefix) = (setup.out_dir, setup.prefix);
        write_neck_csv(&out_dir.join(format!("{prefix}neck.csv")), &self.samples)?;
        let fit = fit_samples(&self.samples, &setup.output.fit);
        let stem = format!("{prefix}neck_fit");
        if !plot_neck_growth(
            out_dir,
            &stem,
            setup.title,
            &self.samples,
            fit.as_ref().ok(),
        )? {
            eprintln!(
                "note: fewer than two neck samples after t = 0: neck_fit.png/.svg not written"
            );
        }
        Ok(EventLoop {
            samples: self.samples,
            fit,
            wall: self.wall,
            cpu: self.cpu,
            frozen: self.frozen,
        })
    }
}

/// Runs `engine` until the limits of `setup`, sampling the neck and writing snapshots at
/// log-spaced times as its output settings say: `<prefix>snapshots.xyz`, `<prefix>neck.csv`,
/// `<prefix>neck_fit.png`/`.svg`.
pub fn run_event_loop(engine: &mut Engine, setup: &LoopSetup<'_>) -> Result<EventLoop> {
    let mut state = LoopState::start(engine, setup)?;
    state.advance(engine, setup, &mut || false)?;
    state.finish(engine, setup)
}

/// Fits the samples over the window of `w`.
pub fn fit_samples(samples: &[NeckSample], w: &super::input::FitWindow) -> Result<PowerLawFit> {
    let t_min = match w.t_min {
        Some(t) => t,
        None => samples
            .iter()
            .find(|s| s.time > 0.0 && s.neck_sites >= w.min_neck_sites)
            .map(|s| s.time)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "the neck never reached {} sites: no fit window",
                    w.min_neck_sites
                ))
            })?,
    };
    let mut t_max = w.t_max.unwrap_or(f64::INFINITY);
    if let Some(x) = w.max_radius_over_particle {
        // End at the last sample before the neck first exceeds x R.
        if let Some(k) = samples.iter().position(|s| s.radius_over_particle > x) {
            t_max = t_max.min(samples[k.saturating_sub(1)].time);
        }
    }
    let times: Vec<f64> = samples.iter().map(|s| s.time).collect();
    let radii: Vec<f64> = samples.iter().map(|s| s.radius).collect();
    fit_power_law(&times, &radii, t_min, t_max)
}

fn write_neck_csv(path: &Path, samples: &[NeckSample]) -> Result<()> {
    let mut s =
        String::from("time_s,events,neck_sites,neck_area_A2,neck_radius_A,neck_radius_over_R\n");
    for x in samples {
        s.push_str(&format!(
            "{:e},{},{},{:.6},{:.6},{:.6}\n",
            x.time, x.events, x.neck_sites, x.area, x.radius, x.radius_over_particle
        ));
    }
    crate::io::write_text(path, &s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kmc::input::FitWindow;

    fn sample(time: f64, neck_sites: usize, radius: f64, r_over_r: f64) -> NeckSample {
        NeckSample {
            time,
            events: 0,
            neck_sites,
            area: 0.0,
            radius,
            radius_over_particle: r_over_r,
        }
    }

    #[test]
    fn log_grid_steps_past_the_current_time() {
        assert_eq!(next_log_time(0.0, 10), f64::MIN_POSITIVE);
        let t = next_log_time(1.0, 10);
        assert!((t - 10f64.powf(0.1)).abs() < 1e-12);
        let t = next_log_time(3.0e-7, 1);
        assert!((t - 1e-6).abs() < 1e-18);
        assert!(next_log_time(1e-6, 1) > 1e-6);
    }

    #[test]
    fn default_fit_window_starts_at_the_neck_threshold_and_stops_at_the_cap() {
        // r = t^(1/3) up to r/R = 0.5 at t = 8, then r = t^(1/6) * const.
        let mut samples = vec![sample(0.0, 1, 1.0, 0.0)];
        for k in 1..=40 {
            let t = 10f64.powf(-3.0 + 0.1 * k as f64);
            let r = if t <= 8.0 {
                t.cbrt()
            } else {
                2.0 * (t / 8.0).powf(1.0 / 6.0)
            };
            samples.push(sample(t, (k * 2) as usize, r, r / 4.0));
        }
        let w = FitWindow {
            max_radius_over_particle: Some(0.5),
            ..Default::default()
        };
        let f = fit_samples(&samples, &w).unwrap();
        assert!((f.exponent - 3.0).abs() < 1e-9, "{}", f.exponent);
        // The window starts at 10 neck sites (k = 5) and ends before r/R exceeds 0.5.
        assert!((f.t_min - 10f64.powf(-2.5)).abs() < 1e-12);
        assert!(f.t_max <= 8.0);
        let all = fit_samples(&samples, &FitWindow::default()).unwrap();
        assert!(all.exponent > 3.0);
    }
}
