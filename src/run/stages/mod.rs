//! The stages of `sintermd run`, one file per variant of [`crate::input::StageSpec`]: each adds
//! the runner of its stage to the run's `Runner` (what it does to the main system, the files it
//! writes, its section of the report).
//!
//! - [`md`]: `Md`, molecular dynamics of the main system;
//! - [`equilibrate_particles`]: `EquilibrateParticles`, MD of each particle on its own;
//! - [`assemble`]: `Assemble`, the particles placed with the pair geometry;
//! - [`minimize`]: `Minimize`, FIRE energy minimisation;
//! - [`write_mesh`]: `WriteMesh`, the atoms written as the sites of a KMC mesh;
//! - [`kmc`]: `Kmc`, MD to KMC and back.

pub mod assemble;
pub mod equilibrate_particles;
pub mod kmc;
pub mod md;
pub mod minimize;
pub mod write_mesh;

use std::time::Instant;

use super::{Position, Runner};
use crate::error::Result;
use crate::input::StageSpec;

impl Runner<'_> {
    /// Runs stage `k`, from its start or, with `inside`, from where a checkpoint inside it
    /// stopped.
    pub(super) fn run_stage(
        &mut self,
        k: usize,
        stage: &StageSpec,
        inside: Option<Position>,
    ) -> Result<()> {
        let name = stage.name(k);
        self.stage_clock = Instant::now();
        if inside.is_none() {
            self.tally.stage_wall_start = self.tally.wall;
        }
        match (stage, inside) {
            (StageSpec::Md(md), Some(Position::Md { run, .. })) => {
                self.md_stage(k, &name, md, Some(run))
            }
            (StageSpec::Md(md), _) => self.md_stage(k, &name, md, None),
            (StageSpec::Minimize(m), _) => self.minimize_stage(k, &name, m),
            (StageSpec::EquilibrateParticles(md), Some(Position::Particles { progress, .. })) => {
                self.equilibrate_particles(k, &name, md, Some(*progress))
            }
            (StageSpec::EquilibrateParticles(md), _) => {
                self.equilibrate_particles(k, &name, md, None)
            }
            (StageSpec::Assemble(a), _) => self.assemble_stage(k, &name, a),
            (StageSpec::WriteMesh(w), _) => self.write_mesh_stage(k, &name, w),
            (StageSpec::Kmc(kmc), Some(Position::Kmc { progress, .. })) => {
                self.kmc_stage(k, &name, kmc, Some(*progress))
            }
            (StageSpec::Kmc(kmc), _) => self.kmc_stage(k, &name, kmc, None),
        }
    }
}
