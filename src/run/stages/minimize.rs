//! The `Minimize` stage: FIRE energy minimisation of the main system (velocities are zero
//! afterwards).

use std::time::Instant;

use crate::error::Result;
use crate::input::MinimizeStage;
use crate::md::minimize::fire_minimize;
use crate::report::Section;
use crate::run::Runner;

impl Runner<'_> {
    /// Minimises the main system's energy with FIRE.
    pub(in crate::run) fn minimize_stage(
        &mut self,
        k: usize,
        name: &str,
        stage: &MinimizeStage,
    ) -> Result<()> {
        let track = &mut self.main;
        track.state.stage = k;
        track.state.stage_step = 0;
        track.drop_integrator();
        track.observe_start()?;
        let start = Instant::now();
        let report = fire_minimize(&mut track.state.system, &mut track.engine, &stage.fire)?;
        self.tally.wall += start.elapsed().as_secs_f64();
        eprintln!(
            "{name}: FIRE minimisation, {} iterations, E {:.6} -> {:.6} eV, |F| = {:.3e} eV/A (stopped by {})",
            report.iterations,
            report.initial_energy,
            report.final_energy,
            report.final_force_norm,
            report.stopped_by
        );
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: vec![
                format!("FIRE minimisation: {} iterations, stopped by the {} criterion", report.iterations, report.stopped_by),
                format!(
                    "energy {:.6} eV -> {:.6} eV; final |F| = {:.3e} eV/A, largest component {:.3e} eV/A",
                    report.initial_energy, report.final_energy, report.final_force_norm, report.final_max_force
                ),
            ],
            figures: Vec::new(),
        });
        Ok(())
    }
}
