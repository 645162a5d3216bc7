//! The `EquilibrateParticles` stage: MD of each particle of a `Build(Pair(...))` structure on its
//! own, in its own free box, from Maxwell-Boltzmann velocities at the thermostat's start
//! temperature; the equilibrated particles replace the built ones for a later `Assemble`.

use std::time::Instant;

use rand::SeedableRng;

use crate::error::{Error, Result};
use crate::input::{MdStage, in_stage};
use crate::io::write_lammps_data;
use crate::md::SimRng;
use crate::md::velocity::maxwell_boltzmann;
use crate::output::{Observer, ThermoCsv};
use crate::potential::build_potential;
use crate::report::{Figure, Section};
use crate::run::track::{MdRun, Track};
use crate::run::{ParticlesProgress, Position, Runner, thermo_trigger};
use crate::structure::Particle;
use crate::system::System;

impl Runner<'_> {
    /// Runs `md` on each particle alone and keeps the equilibrated particles; continues from
    /// `saved` when resuming inside the stage.
    pub(in crate::run) fn equilibrate_particles(
        &mut self,
        k: usize,
        name: &str,
        md: &MdStage,
        saved: Option<ParticlesProgress>,
    ) -> Result<()> {
        let particles = self
            .tally
            .particles
            .clone()
            .ok_or_else(|| Error::invalid("EquilibrateParticles needs a pair of particles"))?;
        let temperature = self.start_temperature(md);
        let mut done = saved.unwrap_or_else(|| ParticlesProgress {
            facts: vec![format!(
                "each particle on its own: molecular dynamics, {} steps of {} ps ({} ps); initial velocities at {temperature} K",
                md.steps,
                md.timestep,
                md.steps as f64 * md.timestep
            )],
            figures: Vec::new(),
            relaxed: Vec::new(),
            current: None,
        });
        let start = Instant::now();
        for (p, particle) in particles.iter().enumerate().skip(done.relaxed.len()) {
            let label = format!("particle{}", p + 1);
            let (mut track, mut run) = self.open_particle(k, name, md, p, particle, &mut done)?;
            self.drive_particle(k, name, &label, &mut track, &mut run, &mut done)?;
            self.record_particle(name, md, p, &mut track, run, &mut done)?;
            done.relaxed
                .push(particle.with_relaxed_atoms(&track.state.system)?);
        }
        self.tally.wall += start.elapsed().as_secs_f64();
        let atoms = done.relaxed.iter().map(|p| p.system.len()).sum();
        self.tally.stage_done(name, atoms, md.steps);
        if let Some(r) = self.tally.stage_rates.last() {
            done.facts.push(format!(
                "{:.2} s wall time for both particles, {:.3e} atom-steps/s",
                r.wall_time_s, r.atom_steps_per_second
            ));
        }
        let [first, second]: [Particle; 2] = done
            .relaxed
            .try_into()
            .map_err(|_| Error::invalid("EquilibrateParticles: two particles expected"))?;
        self.tally.particles = Some([first, second]);
        self.tally.sections.push(Section {
            title: format!("Stage {}: {name}", k + 1),
            facts: done.facts,
            figures: done.figures,
        });
        Ok(())
    }

    /// The temperature of the particles' initial velocities [K]: the thermostat's start, else
    /// the input's velocities, else 0.
    fn start_temperature(&self, md: &MdStage) -> f64 {
        md.thermostat
            .as_ref()
            .map(|t| t.ramp().start)
            .or(self.input.velocities.as_ref().map(|v| v.temperature))
            .unwrap_or(0.0)
    }

    /// The track of particle `p` and its MD stage: resumed from the checkpoint's current
    /// particle in `done`, or started from the built atoms with velocities at the stage's start
    /// temperature (seed: the run's seed + 1 + p).
    fn open_particle(
        &self,
        k: usize,
        name: &str,
        md: &MdStage,
        p: usize,
        particle: &Particle,
        done: &mut ParticlesProgress,
    ) -> Result<(Track, MdRun)> {
        let label = format!("particle{}", p + 1);
        let prefix = format!("{name}_{label}_");
        let in_particle = |e| in_stage(&format!("stage {} (\"{name}\"), {label}", k + 1), e);
        let potential =
            build_potential(&self.input.potential, &particle.system.species, &self.base)?;
        match done.current.take() {
            Some((saved_track, saved_run)) => {
                let mut track = Track::restore(
                    saved_track,
                    potential,
                    self.input,
                    &|_, system: &System| md.integrator(system).map(Some),
                    &self.out_dir,
                )?;
                let integrator = md.integrator(&track.state.system).map_err(in_particle)?;
                let run = track.resume_md(k, md, integrator, &saved_run, &self.out_dir)?;
                Ok((track, run))
            }
            None => {
                let mut system = particle.system.clone();
                maxwell_boltzmann(
                    &mut system,
                    self.start_temperature(md),
                    &mut SimRng::seed_from_u64(self.input.seed.wrapping_add(1 + p as u64)),
                );
                let observers: Vec<Box<dyn Observer>> = vec![Box::new(ThermoCsv::create(
                    &self.out_dir,
                    &prefix,
                    thermo_trigger(self.input),
                )?)];
                let mut track = Track::new(system, potential, self.input, observers, md.steps)?;
                let integrator = md.integrator(&track.state.system).map_err(in_particle)?;
                let analyses = self.input.stage_observers(md, true);
                let run = track.start_md(k, md, &analyses, integrator, &self.out_dir, &prefix)?;
                Ok((track, run))
            }
        }
    }

    /// Runs the particle's steps, reporting progress and writing a checkpoint (with the
    /// particle's track as `done`'s current one) whenever the policy asks for one.
    fn drive_particle(
        &mut self,
        k: usize,
        name: &str,
        label: &str,
        track: &mut Track,
        run: &mut MdRun,
        done: &mut ParticlesProgress,
    ) -> Result<()> {
        loop {
            let (progress, steps, policy) =
                (&mut self.progress, &mut self.tally.steps_done, &self.policy);
            let finished = track.advance_md(
                run,
                &self.out_dir,
                &mut |t: &Track| {
                    *steps += 1;
                    progress.update(*steps, || {
                        format!(
                            "{name} {label}: t = {:.3} ps, T = {:.1} K",
                            t.state.time,
                            t.measure().temperature
                        )
                    });
                },
                &mut |t: &Track| policy.due(t.state.step),
            )?;
            if finished {
                return Ok(());
            }
            done.current = Some((track.save()?.into_owned(), run.save()?));
            let progress = Box::new(done.clone());
            done.current = None;
            self.checkpoint(Position::Particles { stage: k, progress })?;
        }
    }

    /// Ends particle `p`'s MD: its report lines and figures in `done`,
    /// `<stage>_particle<p+1>_final.data`.
    fn record_particle(
        &mut self,
        name: &str,
        md: &MdStage,
        p: usize,
        track: &mut Track,
        run: MdRun,
        done: &mut ParticlesProgress,
    ) -> Result<()> {
        let label = format!("particle{}", p + 1);
        let prefix = format!("{name}_{label}_");
        let outcome = track.finish_md(run)?;
        if p == 0 {
            done.facts.extend(outcome.ensemble);
        }
        let phases = self.tally.phases_done(name, Some(&label), outcome.phases);
        let final_thermo = track.measure();
        done.facts.push(format!(
            "{label}: {} atoms; final T = {:.2} K, potential energy {:.6} eV ({:.6} eV/atom)",
            track.state.system.len(),
            final_thermo.temperature,
            final_thermo.potential,
            final_thermo.potential / track.state.system.len() as f64
        ));
        done.facts.extend(phases);
        let labelled = |f: Figure| Figure {
            caption: format!("{label}: {}", f.caption),
            ..f
        };
        done.figures
            .extend(track.finish_observers()?.into_iter().map(labelled));
        done.figures
            .extend(outcome.figures.into_iter().map(labelled));
        write_lammps_data(
            &self.out_dir.join(format!("{prefix}final.data")),
            &track.state.system,
            &format!("sintermd {name}: {label} after {} steps", md.steps),
        )?;
        Ok(())
    }
}
