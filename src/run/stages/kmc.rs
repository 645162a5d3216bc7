//! The `Kmc` stage of `sintermd run`: the MD to KMC handoff and back, so that one input runs MD
//! and then carries the sintering on to long times with the bond-counting KMC
//! (docs/science.md, section 2).
//!
//! 1. The two particles (groups `particle1` and `particle2` of a `Pair` structure by default)
//!    each get an fcc lattice fitted to them (lattice parameter, orientation, origin), and every
//!    atom is mapped onto the nearest site of the bicrystal of the two lattices
//!    ([`crate::kmc::handoff::map_two_particles`]): atoms within the tolerance, beyond it, and those
//!    whose site was taken (collisions, moved to the nearest free site) are counted.
//! 2. KMC runs on those sites with the atoms' species, each atom keeping its identity (a label
//!    carried by its hops), and the neck in the contact plane is sampled at log-spaced times.
//! 3. The atoms are put back on the sites they ended on: the result becomes the system of the
//!    run (ids, species and velocities kept; positions are the site positions), so that later
//!    stages (e.g. a `Minimize` and more `Md`) continue from it; it is also written as
//!    `<name>_final.data`, a LAMMPS data file an MD run can start from.
//!
//! ```ron
//! Kmc(name: "kmc", model: (temperature: 600.0), run: (events: 1000000), tolerance: 0.25)
//! ```
//!
//! The neck is KMC's slab neck (occupied sites of the contact plane, [`crate::kmc::neck`]);
//! `kmc.json` also gives the bond neck MD analyses measure ([`crate::analysis::neck`]) of the
//! atoms before and after KMC, as the two definitions differ on the same atoms.
//!
//! Files (prefix `<name>_`): `mapping.json` ([`MappingReport`]), `kmc.json`
//! ([`KmcStageSummary`]), `neck.csv`, `neck_fit.png`/`.svg`, `neck_fit_windows.csv`,
//! `snapshots.xyz`, `final.data`.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::analysis::neck::{NeckGeometry, measure_neck};
use crate::error::{Error, Result};
use crate::input::{KmcStage, in_stage};
use crate::io::{write_json, write_lammps_data};
use crate::kmc::engine::Engine;
use crate::kmc::engine::KmcClock;
use crate::kmc::events::{KmcEngine, KmcEngineState, NO_LABEL};
use crate::kmc::fit::PowerLawFit;
use crate::kmc::handoff::{Mapping, MappingReport, low_index_direction, map_two_particles};
use crate::kmc::lattice::SiteSet;
use crate::kmc::neck::{SlabNeckProbe, SlabNeckSample};
use crate::report::{Figure, Section};
use crate::run::kmc_loop::{EventLoop, LoopSetup, LoopState, WindowFit};
use crate::run::{Position, Runner};
use crate::system::{System, Vec3};

impl Runner<'_> {
    /// Maps the particles onto lattices, runs KMC and makes the result the system; continues
    /// from `saved` when resuming inside the stage.
    pub(in crate::run) fn kmc_stage(
        &mut self,
        k: usize,
        name: &str,
        stage: &KmcStage,
        saved: Option<KmcProgress>,
    ) -> Result<()> {
        let start = Instant::now();
        let label = format!("stage {} (\"{name}\")", k + 1);
        let system = self.main.state.system.clone();
        let out_dir = self.out_dir.clone();
        let outcome = stage
            .run(
                &system,
                &out_dir,
                name,
                saved,
                &mut KmcStageCheckpoints {
                    runner: self,
                    stage: k,
                },
            )
            .map_err(|e| in_stage(&label, e))?;
        self.tally.wall += start.elapsed().as_secs_f64();
        for line in &outcome.facts {
            eprintln!("{name}: {line}");
        }
        let s = &outcome.summary;
        let outcomes = &mut self.tally.outcomes;
        outcomes.insert("kmc_final_neck_radius_A".into(), s.final_neck.radius);
        outcomes.insert("kmc_time_s".into(), s.clock.time);
        if let Ok(fit) = &s.fit {
            outcomes.insert("kmc_exponent".into(), fit.exponent);
        }
        self.main
            .replace_system(outcome.system)
            .map_err(|e| in_stage(&label, e))?;
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: outcome.facts,
            figures: outcome.figures,
        });
        Ok(())
    }
}

/// Writes the checkpoints of a `Kmc` stage of a run.
struct KmcStageCheckpoints<'r, 'a> {
    runner: &'r mut Runner<'a>,
    stage: usize,
}

impl KmcCheckpoints for KmcStageCheckpoints<'_, '_> {
    fn due(&self) -> bool {
        self.runner.policy.due_by_time()
    }

    fn save(&mut self, progress: KmcProgress) -> Result<()> {
        self.runner.checkpoint(Position::Kmc {
            stage: self.stage,
            progress: Box::new(progress),
        })
    }
}

/// Largest angle [degrees] between the contact axis and a low-index direction of particle 1 for
/// the neck to be measured in that lattice plane; otherwise a slab one spacing thick is used.
const LATTICE_AXIS_DEGREES: f64 = 3.0;

/// What `<name>_kmc.json` records.
#[derive(Clone, Debug, Serialize)]
pub struct KmcStageSummary {
    /// How the atoms were mapped onto sites.
    pub mapping: MappingReport,
    /// Clock at the end: time [s], events, null events.
    pub clock: KmcClock,
    /// Wall-clock time of the events [s].
    pub wall_time_s: f64,
    /// Events per wall-clock second.
    pub events_per_second: f64,
    /// Atoms that ended on another site than the one they were mapped to.
    pub atoms_moved: usize,
    /// How the neck was measured: "lattice plane [h k l]" or "slab".
    pub neck_plane: String,
    /// First and last neck samples.
    pub first_neck: SlabNeckSample,
    /// Last neck sample.
    pub final_neck: SlabNeckSample,
    /// The bond neck radius [A] of the atoms before KMC: the neck as MD analyses measure it
    /// (bonds crossing the narrowest plane, [`crate::analysis::neck`]), where the slab neck
    /// above counts occupied sites of the contact plane; None where it cannot be measured.
    pub bond_neck_before: Option<f64>,
    /// The bond neck radius [A] of the atoms after KMC, on their sites (same bond geometry as
    /// before).
    pub bond_neck_after: Option<f64>,
    /// The fit of r^n = K t, or why there is none.
    pub fit: std::result::Result<PowerLawFit, String>,
    /// The fit over a table of windows (as `<name>_neck_fit_windows.csv`).
    pub fit_windows: Vec<WindowFit>,
    /// Whether the run stopped because no atom could move.
    pub frozen: bool,
}

/// What the stage produced.
#[derive(Clone, Debug)]
pub struct KmcStageOutcome {
    /// The system with every atom on the site where KMC left it.
    pub system: System,
    /// The summary (also in `<name>_kmc.json`).
    pub summary: KmcStageSummary,
    /// Lines for the run report.
    pub facts: Vec<String>,
    /// Figures (the neck growth plot).
    pub figures: Vec<Figure>,
}

/// How far a `Kmc` stage has come, for checkpoints: the engine's state and the event loop's
/// (samples, snapshot file length), encoded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KmcProgress {
    state: Vec<u8>,
}

/// Where a `Kmc` stage writes its checkpoints.
pub trait KmcCheckpoints {
    /// Whether to write one now.
    fn due(&self) -> bool;
    /// Writes one with the stage's `progress`.
    fn save(&mut self, progress: KmcProgress) -> Result<()>;
}

/// Never writes checkpoints.
pub struct NoCheckpoints;

impl KmcCheckpoints for NoCheckpoints {
    fn due(&self) -> bool {
        false
    }

    fn save(&mut self, _: KmcProgress) -> Result<()> {
        Ok(())
    }
}

impl KmcStage {
    /// Maps the two particles of `system` onto sites, runs KMC and returns the system with the
    /// atoms on their final sites; files go to `out_dir` with names starting with `<name>_`.
    /// Continues from `saved` (of a checkpoint of this stage on this `system`) when given, and
    /// writes checkpoints through `checkpoints` between chunks of events.
    pub fn run(
        &self,
        system: &System,
        out_dir: &Path,
        name: &str,
        saved: Option<KmcProgress>,
        checkpoints: &mut dyn KmcCheckpoints,
    ) -> Result<KmcStageOutcome> {
        let mapping = self.map_atoms(system)?;
        let bond_geometry = NeckGeometry::from_structure(system).ok();
        let (occupancy, labels) = occupancy_of(system, &mapping)?;
        let model = self
            .model
            .build(system.species.len())
            .map_err(|e| Error::invalid(format!("Kmc: {e}")))?;
        let (probe, neck_plane) = neck_probe(&mapping)?;
        let Mapping {
            sites,
            site_of_atom,
            particle_radius,
            report,
            ..
        } = mapping;
        let mut table = KmcEngine::new(sites, occupancy, model, self.seed)?;
        table.track_atoms(labels)?;
        let title = format!(
            "Neck growth after MD: R = {:.2} nm, {} K",
            particle_radius / 10.0,
            self.model.temperature
        );
        let prefix = format!("{name}_");
        let setup = LoopSetup {
            probe: &probe,
            species: &system.species,
            limits: &self.run,
            output: &self.output,
            out_dir,
            prefix: &prefix,
            title: &title,
        };
        let start = Instant::now();
        let event_loop = run_events(&mut table, &setup, saved, checkpoints)?;
        let elapsed = start.elapsed().as_secs_f64();
        let (back, atoms_moved) = atoms_back(system, &table, &site_of_atom);
        write_lammps_data(
            &out_dir.join(format!("{name}_final.data")),
            &back,
            &format!(
                "sintermd: atoms after the KMC stage {name} (t = {:e} s)",
                table.clock().time
            ),
        )?;
        let mut summary = stage_summary(report, &table, event_loop, atoms_moved, neck_plane);
        if let Some(geometry) = &bond_geometry {
            summary.bond_neck_before = self.bond_neck_radius(system, geometry);
            summary.bond_neck_after = self.bond_neck_radius(&back, geometry);
        }
        write_json(
            &out_dir.join(format!("{name}_mapping.json")),
            &summary.mapping,
        )?;
        write_json(&out_dir.join(format!("{name}_kmc.json")), &summary)?;
        let facts = self.facts(&summary, elapsed);
        let figures = neck_figures(out_dir, name, &summary);
        Ok(KmcStageOutcome {
            system: back,
            summary,
            facts,
            figures,
        })
    }

    /// Fits lattices to the two particles of `system` and maps every atom onto a site.
    fn map_atoms(&self, system: &System) -> Result<Mapping> {
        let group = |g: &str| {
            system.groups.get(g).ok_or_else(|| {
                Error::invalid(format!(
                    "Kmc: no group \"{g}\": the stage needs the atoms of the two particles (groups particle1 and particle2 of a Pair structure, or name them in `particles`)"
                ))
            })
        };
        let (g1, g2) = (group(&self.particles.0)?, group(&self.particles.1)?);
        let positions: Vec<Vec3> = system
            .positions
            .iter()
            .zip(&system.images)
            .map(|(x, im)| system.simbox.unwrap(x, im))
            .collect();
        map_two_particles(&positions, [g1, g2], self.tolerance, self.margin)
    }

    /// The bond neck radius [A] between the two particles' groups of `system` (see
    /// [`crate::analysis::neck`]), or None where it cannot be measured.
    fn bond_neck_radius(&self, system: &System, geometry: &NeckGeometry) -> Option<f64> {
        let p1 = system.groups.get(&self.particles.0)?;
        let p2 = system.groups.get(&self.particles.1)?;
        measure_neck(system, p1, p2, geometry)
            .ok()
            .map(|n| n.neck_radius)
    }

    /// Lines for the run report: the lattices, the mapping, the events, the neck, the fit.
    fn facts(&self, summary: &KmcStageSummary, elapsed: f64) -> Vec<String> {
        let atoms_moved = summary.atoms_moved;
        let m = &summary.mapping;
        let p = &m.particles;
        let mut facts = vec![
            format!(
                "lattices fitted: particle 1 a = {:.4} A ({} atoms, rms residual {:.3} A), particle 2 a = {:.4} A ({} atoms, rms {:.3} A), misorientation {:.2} degrees",
                p[0].a,
                p[0].atoms,
                p[0].rms_residual,
                p[1].a,
                p[1].atoms,
                p[1].rms_residual,
                m.misorientation_degrees
            ),
            format!(
                "{} atoms mapped onto {} sites: {} ({:.3} %) within the tolerance {:.3} A, {} beyond (largest distance {:.3} A, rms {:.3} A); {} collisions, {} resolved (largest move {:.3} A)",
                m.atoms,
                m.sites,
                m.within_tolerance,
                100.0 * m.fraction_within_tolerance,
                m.tolerance,
                m.beyond_tolerance,
                m.max_distance,
                m.rms_distance,
                m.collisions,
                m.resolved,
                m.max_resolved_displacement
            ),
            format!(
                "KMC at {} K: {} events ({} null) to t = {:.4e} s in {:.2} s ({:.3e} events/s); {} atoms moved",
                self.model.temperature,
                summary.clock.events,
                summary.clock.null_events,
                summary.clock.time,
                elapsed,
                summary.events_per_second,
                atoms_moved
            ),
            format!(
                "neck ({}): r = {:.3} A (r/R = {:.3}) at the start, r = {:.3} A (r/R = {:.3}) at the end",
                summary.neck_plane,
                summary.first_neck.radius,
                summary.first_neck.radius_over_particle,
                summary.final_neck.radius,
                summary.final_neck.radius_over_particle
            ),
        ];
        match &summary.fit {
            Ok(f) => facts.push(format!(
                "fit r^n = K t from {:.3e} to {:.3e} s: n = {:.3} +/- {:.3}",
                f.t_min, f.t_max, f.exponent, f.exponent_error
            )),
            Err(e) => facts.push(format!("no fit: {e}")),
        }
        facts
    }
}

/// Occupancy (species + 1) and atom labels (atom index) of every site of `mapping`.
fn occupancy_of(system: &System, mapping: &Mapping) -> Result<(Vec<u8>, Vec<u32>)> {
    let n_sites = mapping.sites.len();
    if system.species.len() > 255 {
        return Err(Error::invalid("Kmc: at most 255 species"));
    }
    let mut occupancy = vec![0u8; n_sites];
    let mut labels = vec![NO_LABEL; n_sites];
    for (i, &s) in mapping.site_of_atom.iter().enumerate() {
        occupancy[s as usize] = system.types[i] as u8 + 1;
        labels[s as usize] = i as u32;
    }
    Ok((occupancy, labels))
}

/// The neck plane and how it was chosen: the lattice plane of particle 1 across the contact
/// axis when the axis is (within [`LATTICE_AXIS_DEGREES`]) a low-index direction, else a slab
/// one spacing thick.
fn neck_probe(mapping: &Mapping) -> Result<(SlabNeckProbe, String)> {
    let (sites, report): (&SiteSet, &MappingReport) = (&mapping.sites, &mapping.report);
    let l1 = report.particles[0].lattice();
    let axis = Vec3::from(report.axis);
    let contact = Vec3::from(report.contact_point);
    let dir = low_index_direction(&(l1.rotation.transpose() * axis));
    let lattice_axis = l1.rotation
        * Vec3::new(
            dir.indices[0] as f64,
            dir.indices[1] as f64,
            dir.indices[2] as f64,
        )
        .normalize();
    let low_index = dir.indices.iter().all(|&k| k.abs() <= 1);
    Ok(if low_index && dir.off_degrees <= LATTICE_AXIS_DEGREES {
        (
            SlabNeckProbe::crystal(sites, &l1, contact, lattice_axis, mapping.particle_radius)?,
            format!("lattice plane {:?} of particle 1", dir.indices),
        )
    } else {
        (
            SlabNeckProbe::slab(
                sites,
                contact,
                axis,
                sites.spacing,
                l1.density(),
                mapping.particle_radius,
            )?,
            "slab one spacing thick".to_string(),
        )
    })
}

/// Runs the event loop on `table` from the start or from `saved`, writing checkpoints through
/// `checkpoints` between chunks of events.
fn run_events(
    table: &mut KmcEngine,
    setup: &LoopSetup<'_>,
    saved: Option<KmcProgress>,
    checkpoints: &mut dyn KmcCheckpoints,
) -> Result<EventLoop> {
    let mut state = match saved {
        Some(saved) => {
            let (engine_state, mut loop_state): (KmcEngineState, LoopState) =
                postcard::from_bytes(&saved.state).map_err(|e| {
                    Error::invalid(format!("the checkpoint's KMC state cannot be read: {e}"))
                })?;
            table.restore(engine_state)?;
            loop_state.reopen(setup.out_dir)?;
            loop_state
        }
        None => LoopState::start(table, setup)?,
    };
    while !state.advance(table, setup, &mut || checkpoints.due())? {
        let bytes = postcard::to_allocvec(&(table.save(), &state))
            .map_err(|e| Error::invalid(format!("cannot save the KMC state: {e}")))?;
        checkpoints.save(KmcProgress { state: bytes })?;
    }
    state.finish(table, setup)
}

/// `system` with each atom on the site KMC left it on (wrapped into the box, forces zero), and
/// the number of atoms that ended on another site than the one they were mapped to
/// (`site_of_atom`).
fn atoms_back(system: &System, table: &KmcEngine, site_of_atom: &[u32]) -> (System, usize) {
    // Invariant: the stage builds its table engine with atom labels on (see `run`).
    let labels = table.labels().expect("labels are tracked");
    let sites = table.sites();
    let mut back = system.clone();
    let mut atoms_moved = 0;
    for (s, &label) in labels.iter().enumerate() {
        if label == NO_LABEL {
            continue;
        }
        let i = label as usize;
        if site_of_atom[i] as usize != s {
            atoms_moved += 1;
        }
        let mut x = sites.positions[s];
        let mut image = [0; 3];
        back.simbox.wrap(&mut x, &mut image);
        back.positions[i] = x;
        back.images[i] = image;
        back.forces[i] = Vec3::zeros();
    }
    (back, atoms_moved)
}

/// What `<name>_kmc.json` records, from the mapping, the engine at the end and the event loop.
fn stage_summary(
    mapping: MappingReport,
    table: &KmcEngine,
    event_loop: EventLoop,
    atoms_moved: usize,
    neck_plane: String,
) -> KmcStageSummary {
    let EventLoop {
        samples,
        fit,
        windows,
        wall,
        cpu: _,
        frozen,
    } = event_loop;
    let clock = table.clock().clone();
    KmcStageSummary {
        mapping,
        events_per_second: if wall > 0.0 {
            clock.events as f64 / wall
        } else {
            0.0
        },
        clock,
        wall_time_s: wall,
        atoms_moved,
        neck_plane,
        first_neck: samples[0],
        // Invariant: the event loop samples the neck at t = 0 before the first event.
        final_neck: *samples.last().expect("samples"),
        fit: fit.map_err(|e| e.to_string()),
        fit_windows: windows,
        frozen,
        bond_neck_before: None,
        bond_neck_after: None,
    }
}

/// The neck-growth figure, if the event loop wrote it.
fn neck_figures(out_dir: &Path, name: &str, summary: &KmcStageSummary) -> Vec<Figure> {
    let png = out_dir.join(format!("{name}_neck_fit.png"));
    if png.exists() {
        vec![Figure {
            png,
            caption: match &summary.fit {
                Ok(f) => format!(
                    "Neck radius against KMC time (log-log) with the power-law fit r^n = K t: \
                         n = {:.3} +/- {:.3} over {:.3e} to {:.3e} s ({} points).",
                    f.exponent, f.exponent_error, f.t_min, f.t_max, f.points
                ),
                Err(e) => format!("Neck radius against KMC time (log-log). No fit: {e}."),
            },
        }]
    } else {
        Vec::new()
    }
}
