//! `sintermd kmc`: sets up a two-particle KMC run, runs it, and writes its folder.
//!
//! Output folder:
//! - `neck.csv`: time [s], events, neck sites, area [A^2], r [A], r/R at log-spaced times;
//! - `neck_fit.png`, `neck_fit.svg`: log-log plot of r against t with the fit r^n = K t;
//! - `neck_fit_windows.csv`: n over a table of fit windows (see
//!   [`super::kmc_loop::fit_windows`]), to judge how much n depends on the window;
//! - `snapshots.xyz`: extended XYZ frames of the occupied sites at log-spaced times (key `Time`
//!   in s, `Events`), first and last included; `final.xyz`: the last one alone;
//! - `summary.json` ([`KmcSummary`]): sizes, events, null events, events per second, the fit
//!   and the window table.

use std::path::Path;

use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use super::kmc_loop::{EventLoop, LoopSetup, WindowFit, run_event_loop};
use crate::error::{Error, Result};
use crate::input::kmc::{KmcInput, SiteSpec};
use crate::io::write_json;
use crate::kmc::engine::KmcClock;
use crate::kmc::engine::{Engine, EngineChoice, occupied_system};
use crate::kmc::events::KmcEngine;
use crate::kmc::fit::PowerLawFit;
use crate::kmc::grid::FccGrid;
use crate::kmc::grid_engine::GridEngine;
use crate::kmc::mesh::{MeshReport, mesh_sites, read_mesh};
use crate::kmc::model::{BondCountingModel, RateMode};
use crate::kmc::neck::{SlabNeckProbe, SlabNeckSample};
use crate::kmc::pair::{PairConfiguration, SiteSource, build_pair};
use crate::md::SimRng;
use crate::output::OutputFolder;
use crate::structure::alloy::{exact_counts, random_assignment};
use crate::system::SpeciesTable;

/// Everything a run starts from.
pub struct KmcSetup {
    /// The engine, at time 0.
    pub engine: Box<dyn Engine>,
    /// The neck probe.
    pub probe: SlabNeckProbe,
    /// The species.
    pub species: SpeciesTable,
    /// What the pair construction found.
    pub pair: PairInfo,
    /// The mesh report (mesh sites).
    pub mesh: Option<MeshReport>,
}

/// Geometry of the initial pair, for the summary.
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    /// Wall-clock time of the whole run [s]: set-up (sites, pair, engine), event loop and
    /// output.
    pub total_time_s: f64,
    /// Events per wall-clock second of the event loop.
    pub events_per_second: f64,
    /// CPU time of the event loop [s] (None where the platform does not report it).
    pub cpu_time_s: Option<f64>,
    /// Events per CPU second of the event loop: the engine's speed independent of machine load.
    pub events_per_cpu_second: Option<f64>,
    /// Total rate at the end [1/s].
    pub final_total_rate: f64,
    /// Last neck sample.
    pub final_neck: SlabNeckSample,
    /// Atoms on sites with fewer neighbours than the stride at the end (on a crystal: the edge of
    /// the site region; should stay 0).
    pub atoms_on_edge_sites: usize,
    /// The fit, or why there is none.
    pub fit: std::result::Result<PowerLawFit, String>,
    /// The fit over a table of windows (as `neck_fit_windows.csv`): how n depends on the window.
    pub fit_windows: Vec<WindowFit>,
    /// Whether the run stopped because no atom could move.
    pub frozen: bool,
    /// The machine's load averages over 1, 5 and 15 minutes at the end of the run (Linux), to
    /// judge the wall-clock speed: above the number of cores, the run shared its core.
    pub load_average: Option<[f64; 3]>,
    /// Files the run wrote in its folder; `--force` deletes them before a new run there.
    pub files: Vec<String>,
}

/// A `summary.json` of `sintermd kmc` read back (by `sweep collect`): a finished run's
/// ([`KmcSummary`]) or a failed one's ([`KmcFailure`], whose fields past `pair` and `seed` are
/// absent).
#[derive(Clone, Debug, Deserialize)]
pub struct KmcRecord {
    /// `done` or `failed`.
    pub status: String,
    /// Why a failed run failed.
    #[serde(default)]
    pub error: Option<String>,
    pub pair: PairInfo,
    pub seed: u64,
    #[serde(default)]
    pub clock: Option<KmcClock>,
    #[serde(default)]
    pub null_event_fraction: Option<f64>,
    /// Event loop [s].
    #[serde(default)]
    pub wall_time_s: Option<f64>,
    /// The whole run [s] (absent in summaries written before 2026-12).
    #[serde(default)]
    pub total_time_s: Option<f64>,
    #[serde(default)]
    pub events_per_second: Option<f64>,
    #[serde(default)]
    pub final_neck: Option<SlabNeckSample>,
    /// The fit, or why there is none.
    #[serde(default)]
    pub fit: Option<std::result::Result<PowerLawFit, String>>,
    #[serde(default)]
    pub frozen: Option<bool>,
}

impl KmcRecord {
    /// The summary a KMC run wrote into `dir`, if it has written one that can be read.
    pub fn read(dir: &Path) -> Option<Self> {
        let text = std::fs::read_to_string(dir.join("summary.json")).ok()?;
        serde_json::from_str(&text).ok()
    }
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
    let (source, mesh_report) = site_source(input, base)?;
    let pair = build_pair(&input.particles, &source)?;
    let species = crate::structure::alloy::species_table(&input.species)?;
    let occupancy = assign_species(input, &pair)?;
    let model = input.model.build(species.len())?;
    let engine = build_engine(input, &pair, occupancy, model)?;
    let probe = neck_probe(engine.sites(), &pair)?;
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

/// The sites of `input`: its fcc lattice, or its mesh (read relative to `base`) with the mesh's
/// report.
fn site_source(input: &KmcInput, base: &Path) -> Result<(SiteSource, Option<MeshReport>)> {
    match &input.sites {
        SiteSpec::Fcc { .. } => Ok((
            SiteSource::Fcc(
                input
                    .sites
                    .lattice()?
                    .ok_or_else(|| Error::invalid("sites: Fcc sites give no lattice"))?,
            ),
            None,
        )),
        SiteSpec::Mesh {
            path,
            neighbors,
            replicate,
        } => {
            let p = base.join(path);
            let file = read_mesh(&p)?;
            let (sites, report) =
                mesh_sites(&file, neighbors, *replicate).map_err(|e| e.in_file(&p))?;
            Ok((SiteSource::Mesh(sites), Some(report)))
        }
    }
}

/// The engine for `pair` with `occupancy`: the fcc-grid engine when the input allows it (`Auto`,
/// one untilted lattice, one species, per-atom rates), the table engine otherwise.
fn build_engine(
    input: &KmcInput,
    pair: &PairConfiguration,
    occupancy: Vec<u8>,
    model: BondCountingModel,
) -> Result<Box<dyn Engine>> {
    let single_lattice = input.particles.second.is_identity();
    let use_grid = input.engine == EngineChoice::Auto
        && single_lattice
        && model.n_species == 1
        && model.mode == RateMode::PerAtom;
    Ok(match (&pair.lattice, use_grid) {
        (Some(lattice), true) => {
            let (grid, index) = FccGrid::covering(lattice, &pair.sites.positions)?;
            let mut in_use = vec![false; grid.len()];
            let mut occupied = vec![false; grid.len()];
            for (k, &i) in index.iter().enumerate() {
                in_use[i] = true;
                occupied[i] = occupancy[k] != 0;
            }
            Box::new(GridEngine::new(
                grid, &in_use, &occupied, model, input.seed,
            )?)
        }
        _ => Box::new(KmcEngine::new(
            pair.sites.clone(),
            occupancy,
            model,
            input.seed,
        )?),
    })
}

/// The neck probe on the engine's `sites`: the lattice plane of a crystal pair, the slab of a
/// mesh pair.
fn neck_probe(
    sites: &crate::kmc::lattice::SiteSet,
    pair: &PairConfiguration,
) -> Result<SlabNeckProbe> {
    match &pair.lattice {
        Some(l) => SlabNeckProbe::crystal(
            sites,
            l,
            pair.contact_point,
            pair.axis,
            pair.particle_radius,
        ),
        None => SlabNeckProbe::mesh(sites, pair.contact_point, pair.axis, pair.particle_radius),
    }
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

/// Runs the input file at `path`, writing into `out_dir`; a folder holding another run's
/// results is refused unless `force` (see [`crate::output::OutputFolder`]).
pub fn run_kmc_file(path: &Path, out_dir: &Path, force: bool) -> Result<KmcSummary> {
    let input = KmcInput::read(path)?;
    run_kmc_with(&input, &input.base_dir(path), out_dir, force).map_err(|e| e.in_file(path))
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
    let start = std::time::Instant::now();
    let setup = setup(input, base)?;
    let folder = OutputFolder::prepare(out_dir, force)?;
    let pair = setup.pair.clone();
    let summary_path = out_dir.join("summary.json");
    match run_prepared(input, setup, out_dir) {
        Ok(mut summary) => {
            summary.files = folder.files_with_summary();
            summary.total_time_s = start.elapsed().as_secs_f64();
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

/// The run after its output folder was prepared: the event loop, the final structure; the
/// summary it returns lists no files and no total time yet.
fn run_prepared(input: &KmcInput, setup: KmcSetup, out_dir: &Path) -> Result<KmcSummary> {
    let KmcSetup {
        mut engine,
        probe,
        species,
        pair,
        mesh,
    } = setup;
    announce(&pair, mesh.as_ref());
    let title = format!(
        "Neck growth: {} pair, R = {:.2} nm, {} K",
        match input.sites {
            SiteSpec::Fcc { .. } => "crystal",
            SiteSpec::Mesh { .. } => "mesh",
        },
        pair.particle_radius / 10.0,
        input.model.temperature
    );
    let event_loop = run_event_loop(
        engine.as_mut(),
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
    crate::io::write_structure(
        &out_dir.join("final.xyz"),
        &occupied_system(engine.as_ref(), &species),
    )?;
    Ok(summarise(input, engine.as_ref(), pair, mesh, event_loop))
}

/// Prints what the run starts from: the pair and, on a mesh, the mesh's analysis.
fn announce(pair: &PairInfo, mesh: Option<&MeshReport>) {
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
    if let Some(m) = mesh {
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
}

/// The summary of a finished run (no files listed and no total time yet).
fn summarise(
    input: &KmcInput,
    engine: &dyn Engine,
    pair: PairInfo,
    mesh: Option<MeshReport>,
    event_loop: EventLoop,
) -> KmcSummary {
    let EventLoop {
        samples,
        fit,
        windows,
        wall,
        cpu,
        frozen,
    } = event_loop;
    let clock = engine.clock().clone();
    let counts = engine.sites().neighbor_counts();
    let stride = engine.sites().stride() as u8;
    let atoms_on_edge_sites = engine
        .occupancy()
        .iter()
        .zip(counts)
        .filter(|&(&s, &c)| s != 0 && c < stride && mesh.is_none())
        .count();
    KmcSummary {
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
        total_time_s: 0.0,
        cpu_time_s: cpu,
        events_per_cpu_second: cpu.filter(|&c| c > 0.0).map(|c| clock.events as f64 / c),
        final_total_rate: engine.total_rate(),
        // Invariant: the event loop samples the neck at t = 0 before the first event.
        final_neck: *samples.last().expect("samples"),
        atoms_on_edge_sites,
        fit: fit.map_err(|e| e.to_string()),
        fit_windows: windows,
        frozen,
        clock,
        load_average: load_average(),
        files: Vec::new(),
    }
}
