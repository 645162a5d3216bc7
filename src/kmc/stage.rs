//! The `Kmc` stage of `sintermd run`: the MD to KMC handoff and back, so that one input runs MD
//! and then carries the sintering on to long times with the bond-counting KMC
//! (docs/science.md, section 2).
//!
//! 1. The two particles (groups `particle1` and `particle2` of a `Pair` structure by default)
//!    each get an fcc lattice fitted to them (lattice parameter, orientation, origin), and every
//!    atom is mapped onto the nearest site of the bicrystal of the two lattices
//!    ([`super::handoff::map_two_particles`]): atoms within the tolerance, beyond it, and those
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
//! Files (prefix `<name>_`): `mapping.json` ([`MappingReport`]), `kmc.json`
//! ([`KmcStageSummary`]), `neck.csv`, `neck_fit.png`/`.svg`, `snapshots.xyz`, `final.data`.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::engine::Engine;
use super::events::KmcEngineState;
use super::events::{KmcClock, KmcEngine, NO_LABEL};
use super::fit::PowerLawFit;
use super::handoff::{MappingReport, low_index_direction, map_two_particles};
use super::input::{KmcOutputSpec, RunLimits};
use super::model::ModelSpec;
use super::neck::{NeckProbe, NeckSample};
use super::run::{EventLoop, LoopSetup, LoopState};
use crate::error::{Error, Result};
use crate::io::write_lammps_data;
use crate::output::Figure;
use crate::system::{System, Vec3};

/// A `Kmc` stage as written in an input file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmcStage {
    /// Name used in logs and file names.
    #[serde(default)]
    pub name: Option<String>,
    /// Groups holding the atoms of the two particles. Default ("particle1", "particle2").
    #[serde(default = "default_particles")]
    pub particles: (String, String),
    /// Mapping tolerance in nearest-neighbour spacings of particle 1's fitted lattice: an atom
    /// closer than this to its site counts as on the lattice. Default 0.25; in (0, 0.5).
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Empty sites kept beyond the outermost atoms, in nearest-neighbour spacings. Default 3.
    #[serde(default = "default_margin")]
    pub margin: f64,
    /// The bond-counting model (defaults: 400 K, E0 = 0.1 eV, nu = kT/h).
    #[serde(default)]
    pub model: ModelSpec,
    /// Seed of the KMC generator.
    #[serde(default)]
    pub seed: u64,
    /// When to stop (events and/or simulated time [s]).
    pub run: RunLimits,
    /// Neck samples, snapshots and fit window.
    #[serde(default)]
    pub output: KmcOutputSpec,
}

fn default_particles() -> (String, String) {
    ("particle1".into(), "particle2".into())
}

fn default_tolerance() -> f64 {
    0.25
}

fn default_margin() -> f64 {
    3.0
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
    pub first_neck: NeckSample,
    /// Last neck sample.
    pub final_neck: NeckSample,
    /// The fit of r^n = K t, or why there is none.
    pub fit: std::result::Result<PowerLawFit, String>,
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
    /// Checks values serde cannot.
    pub fn check(&self) -> Result<()> {
        if !(self.tolerance > 0.0 && self.tolerance < 0.5) {
            return Err(Error::invalid(format!(
                "Kmc: tolerance {} must lie in (0, 0.5) nearest-neighbour spacings",
                self.tolerance
            )));
        }
        if !(self.margin >= 1.0 && self.margin.is_finite()) {
            return Err(Error::invalid(format!(
                "Kmc: margin {} must be at least 1 nearest-neighbour spacing",
                self.margin
            )));
        }
        if self.run.events == 0 && self.run.time.is_none() {
            return Err(Error::invalid("Kmc: run: events must be at least 1"));
        }
        if let Some(t) = self.run.time
            && !(t > 0.0)
        {
            return Err(Error::invalid(format!(
                "Kmc: run: time {t} s must be positive"
            )));
        }
        if self.output.samples_per_decade == 0 || !(self.output.log_every_s > 0.0) {
            return Err(Error::invalid(
                "Kmc: output: samples_per_decade must be at least 1 and log_every_s positive",
            ));
        }
        // Species-dependent energies are checked once the species are known.
        if self.model.bond_energies.is_none() {
            self.model
                .build(1)
                .map_err(|e| Error::invalid(format!("Kmc: {e}")))?;
        }
        Ok(())
    }

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
        let mapping = map_two_particles(&positions, [g1, g2], self.tolerance, self.margin)?;
        let report = mapping.report.clone();
        let sites = mapping.sites;
        let n_species = system.species.len();
        if n_species > 255 {
            return Err(Error::invalid("Kmc: at most 255 species"));
        }
        let mut occupancy = vec![0u8; sites.len()];
        let mut labels = vec![NO_LABEL; sites.len()];
        for (i, &s) in mapping.site_of_atom.iter().enumerate() {
            occupancy[s as usize] = system.types[i] as u8 + 1;
            labels[s as usize] = i as u32;
        }
        let model = self
            .model
            .build(n_species)
            .map_err(|e| Error::invalid(format!("Kmc: {e}")))?;

        // The neck plane: the lattice plane of particle 1 across the contact axis when the axis
        // is (within a few degrees) a low-index direction, else a slab one spacing thick.
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
        let (probe, neck_plane) = if low_index && dir.off_degrees <= LATTICE_AXIS_DEGREES {
            (
                NeckProbe::crystal(&sites, &l1, contact, lattice_axis, mapping.particle_radius)?,
                format!("lattice plane {:?} of particle 1", dir.indices),
            )
        } else {
            (
                NeckProbe::slab(
                    &sites,
                    contact,
                    axis,
                    sites.spacing,
                    l1.density(),
                    mapping.particle_radius,
                )?,
                "slab one spacing thick".to_string(),
            )
        };

        let mut table = KmcEngine::new(sites, occupancy, model, self.seed)?;
        table.track_atoms(labels)?;
        let title = format!(
            "Neck growth after MD: R = {:.2} nm, {} K",
            mapping.particle_radius / 10.0,
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
        let (mut engine, mut state) = match saved {
            Some(saved) => {
                let (engine_state, mut loop_state): (KmcEngineState, LoopState) =
                    postcard::from_bytes(&saved.state).map_err(|e| {
                        Error::invalid(format!("the checkpoint's KMC state cannot be read: {e}"))
                    })?;
                table.restore(engine_state)?;
                loop_state.reopen(out_dir)?;
                (Engine::Table(Box::new(table)), loop_state)
            }
            None => {
                let engine = Engine::Table(Box::new(table));
                let state = LoopState::start(&engine, &setup)?;
                (engine, state)
            }
        };
        while !state.advance(&mut engine, &setup, &mut || checkpoints.due())? {
            let Engine::Table(table) = &engine else {
                unreachable!("the stage builds a table engine")
            };
            let bytes = postcard::to_allocvec(&(table.save(), &state))
                .map_err(|e| Error::invalid(format!("cannot save the KMC state: {e}")))?;
            checkpoints.save(KmcProgress { state: bytes })?;
        }
        let EventLoop {
            samples,
            fit,
            wall,
            cpu: _,
            frozen,
        } = state.finish(&engine, &setup)?;
        let elapsed = start.elapsed().as_secs_f64();
        let Engine::Table(table) = engine else {
            unreachable!("the stage builds a table engine")
        };
        // Invariant: the stage builds its table engine with atom labels on (see above).
        let labels = table.labels().expect("labels are tracked");
        let sites = table.sites();

        // Back to atoms: each atom on its final site.
        let mut back = system.clone();
        let mut atoms_moved = 0;
        for (s, &label) in labels.iter().enumerate() {
            if label == NO_LABEL {
                continue;
            }
            let i = label as usize;
            if mapping.site_of_atom[i] as usize != s {
                atoms_moved += 1;
            }
            let mut x = sites.positions[s];
            let mut image = [0; 3];
            back.simbox.wrap(&mut x, &mut image);
            back.positions[i] = x;
            back.images[i] = image;
            back.forces[i] = Vec3::zeros();
        }
        write_lammps_data(
            &out_dir.join(format!("{name}_final.data")),
            &back,
            &format!(
                "sintermd: atoms after the KMC stage {name} (t = {:e} s)",
                table.clock().time
            ),
        )?;

        let clock = table.clock().clone();
        let summary = KmcStageSummary {
            mapping: report,
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
            frozen,
        };
        write_json(
            &out_dir.join(format!("{name}_mapping.json")),
            &summary.mapping,
        )?;
        write_json(&out_dir.join(format!("{name}_kmc.json")), &summary)?;

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
        let png = out_dir.join(format!("{name}_neck_fit.png"));
        let figures = if png.exists() {
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
        };
        Ok(KmcStageOutcome {
            system: back,
            summary,
            facts,
            figures,
        })
    }
}

/// Writes `value` as pretty JSON at `path`.
fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::invalid(e.to_string()))?;
    crate::io::write_text(path, &text)
}
