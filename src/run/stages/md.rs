//! The `Md` stage: molecular dynamics of the main system with the stage's integrator and
//! analyses, paused for checkpoints.

use std::time::Instant;

use crate::error::Result;
use crate::input::{MdStage, in_stage, stage_label};
use crate::report::Section;
use crate::run::track::{MdOutcome, MdRun, SavedMdRun, Track};
use crate::run::{Position, Runner};

impl Runner<'_> {
    /// Runs MD stage `k` (`name`) on the main system; continues from `saved` when resuming
    /// inside the stage.
    pub(in crate::run) fn md_stage(
        &mut self,
        k: usize,
        name: &str,
        md: &MdStage,
        saved: Option<SavedMdRun>,
    ) -> Result<()> {
        let start = Instant::now();
        let mut run = self.open_md_run(k, name, md, saved)?;
        self.drive_md(k, name, &mut run)?;
        let outcome = self.main.finish_md(run)?;
        self.tally.wall += start.elapsed().as_secs_f64();
        self.record_md(k, name, md, outcome);
        Ok(())
    }

    /// Starts the stage on the main system, or resumes it from `saved`.
    fn open_md_run(
        &mut self,
        k: usize,
        name: &str,
        md: &MdStage,
        saved: Option<SavedMdRun>,
    ) -> Result<MdRun> {
        let label = || stage_label(k, &self.input.stages[k]);
        let integrator = md
            .integrator(&self.main.state.system)
            .map_err(|e| in_stage(&label(), e))?;
        match saved {
            Some(saved) => self
                .main
                .resume_md(k, md, integrator, &saved, &self.out_dir),
            None => self.main.start_md(
                k,
                md,
                &self.input.stage_observers(md, false),
                integrator,
                &self.out_dir,
                &format!("{name}_"),
            ),
        }
    }

    /// Runs the stage's steps, reporting progress and writing a checkpoint whenever the policy
    /// asks for one.
    fn drive_md(&mut self, k: usize, name: &str, run: &mut MdRun) -> Result<()> {
        loop {
            let (progress, done, policy) =
                (&mut self.progress, &mut self.tally.steps_done, &self.policy);
            let finished = self.main.advance_md(
                run,
                &self.out_dir,
                &mut |t: &Track| {
                    *done += 1;
                    // Only when the line is printed: the kinetic energy is a reduction over all
                    // atoms.
                    progress.update(*done, || {
                        // Energies are computed only on observed steps: the temperature is
                        // current, the total energy is that of the last thermo sample (with its
                        // step).
                        let last = &t.thermo;
                        format!(
                            "{name}: t = {:.3} ps, T = {:.1} K, E = {:.6} eV at step {}",
                            t.state.time,
                            t.measure().temperature,
                            last.total,
                            last.step
                        )
                    });
                },
                &mut |t: &Track| policy.due(t.state.step),
            )?;
            if finished {
                return Ok(());
            }
            let run = run.save()?;
            self.checkpoint(Position::Md { stage: k, run })?;
        }
    }

    /// Books the finished stage: its speed, its analyses' results and its report section.
    fn record_md(&mut self, k: usize, name: &str, md: &MdStage, outcome: MdOutcome) {
        let atoms = self.main.state.system.len();
        self.tally.stage_done(name, atoms, md.steps);
        if self.tally.neck_formed.is_none() {
            self.tally.neck_formed = outcome.neck_formed;
        }
        for (key, value) in &outcome.values {
            self.tally.outcomes.insert(key.to_string(), *value);
        }
        let phases = self.tally.phases_done(name, None, outcome.phases);
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: std::iter::once(format!(
                "molecular dynamics, {} steps of {} ps ({} ps){}",
                md.steps,
                md.timestep,
                md.steps as f64 * md.timestep,
                self.tally
                    .stage_rates
                    .last()
                    .map(|r| format!(
                        "; {:.2} s wall time, {:.3e} atom-steps/s",
                        r.wall_time_s, r.atom_steps_per_second
                    ))
                    .unwrap_or_default()
            ))
            .chain(outcome.ensemble)
            .chain(outcome.notes)
            .chain(phases)
            .collect(),
            figures: outcome.figures,
        });
    }
}
