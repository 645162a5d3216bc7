//! The force engine: a potential, its neighbour list and the latest force evaluation.

use serde::{Deserialize, Serialize};

use crate::domain::MpiForces;
use crate::error::{Error, Result};
pub use crate::neighbor::OVERLAP_DISTANCE;
use crate::neighbor::{NeighborList, NeighborSettings, overlap_error};
use crate::potential::{Configuration, ForceOutput, Potential};
use crate::system::{System, Vec3};

/// What a checkpoint records of a [`ForceEngine`]: the positions its neighbour list was last built
/// from, and the build count. Lists are rebuilt only when atoms have moved far enough since the
/// last build, so a resumed run must continue with the same list to take the same steps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineRecord {
    /// Positions of the list's last build [A] (empty: never built).
    reference: Vec<Vec3>,
    builds: u64,
}

/// Computes forces for a system, maintaining the neighbour list.
pub struct ForceEngine {
    potential: Box<dyn Potential>,
    list: NeighborList,
    settings: NeighborSettings,
    output: ForceOutput,
    /// Whether [`ForceEngine::compute`] computes energies and virials (see
    /// [`ForceEngine::set_energies_needed`]).
    energies_needed: bool,
    /// Under MPI (rank 0 of several): the ranks that compute the forces, over a domain
    /// decomposition that replaces `list` ([`crate::domain`]).
    distributed: Option<MpiForces>,
}

impl ForceEngine {
    /// An engine for `potential` with neighbour-list `settings`.
    pub fn new(mut potential: Box<dyn Potential>, settings: NeighborSettings) -> Result<Self> {
        if !(settings.skin >= 0.0) || settings.every == 0 {
            return Err(Error::invalid(
                "neighbor: skin must be >= 0 and every must be >= 1",
            ));
        }
        let list = NeighborList::with_kind(
            potential.cutoff(),
            settings.skin,
            potential.neighbor_list_kind(),
        );
        let distributed = MpiForces::if_active(settings.skin);
        if distributed.is_some() {
            potential.set_per_atom_virials(true);
        }
        Ok(ForceEngine {
            potential,
            list,
            settings,
            output: ForceOutput::default(),
            energies_needed: true,
            distributed,
        })
    }

    /// The potential.
    pub fn potential(&self) -> &dyn Potential {
        self.potential.as_ref()
    }

    /// Under MPI, the grid of subdomains to use (LAMMPS's `processors`; None: the one with the
    /// least surface). Without MPI it has no effect.
    pub fn set_processors(&mut self, dims: Option<[usize; 3]>) {
        if let Some(d) = &mut self.distributed {
            d.set_grid(dims);
        }
    }

    /// The neighbour list (empty under MPI, where each rank keeps its own).
    pub fn list(&self) -> &NeighborList {
        &self.list
    }

    /// Neighbour-list builds so far (under MPI: domain decompositions).
    pub fn builds(&self) -> u64 {
        match &self.distributed {
            Some(d) => d.builds(),
            None => self.list.builds(),
        }
    }

    /// The latest force evaluation: energies and virial. Its forces are not kept here (the
    /// output's `forces` is empty): they are moved into `system.forces`, so that one array holds
    /// them (6 MB per 256,000 atoms saved).
    pub fn output(&self) -> &ForceOutput {
        &self.output
    }

    /// Forgets the neighbour list, forcing a rebuild at the next evaluation (after atoms were
    /// added, removed or moved by something other than the integrator).
    pub fn invalidate(&mut self) {
        if let Some(d) = &mut self.distributed {
            d.invalidate();
        }
        self.list = NeighborList::with_kind(
            self.potential.cutoff(),
            self.settings.skin,
            self.potential.neighbor_list_kind(),
        );
    }

    /// Rebuilds the neighbour list now (wrapping positions) and recomputes the forces. A checkpoint
    /// written right after this call restarts bit for bit: the restored run's first evaluation
    /// builds exactly the same list from exactly the same positions.
    pub fn refresh(&mut self, system: &mut System, step: u64) -> Result<&ForceOutput> {
        self.invalidate();
        self.evaluate(system, step, true)
    }

    /// The engine's record for a checkpoint.
    pub fn record(&self) -> EngineRecord {
        let reference = match &self.distributed {
            Some(d) => d.reference(),
            None => self.list.reference(),
        };
        EngineRecord {
            reference: reference.to_vec(),
            builds: self.builds(),
        }
    }

    /// Continues from a checkpoint's `record` for `system` as saved with it: rebuilds the list the
    /// saved run had and evaluates the forces at the current positions, which must equal the
    /// saved forces bit for bit (else the checkpoint does not continue the run exactly, and the
    /// error says so).
    pub fn restore(&mut self, system: &System, record: &EngineRecord) -> Result<()> {
        self.invalidate();
        if record.reference.is_empty() {
            return Ok(());
        }
        if record.reference.len() != system.len() {
            return Err(Error::invalid(format!(
                "the checkpoint's neighbour list is for {} atoms, its system has {}",
                record.reference.len(),
                system.len()
            )));
        }
        if let Some(d) = &mut self.distributed {
            d.decompose(
                self.potential.as_mut(),
                system,
                record.reference.clone(),
                record.builds,
                true,
                &mut self.output,
            )?;
        } else {
            self.list
                .rebuild_as(&system.simbox, &record.reference, record.builds)?;
            let config = Configuration {
                positions: &system.positions,
                types: &system.types,
            };
            self.potential.compute(config, &self.list, &mut self.output);
        }
        let same = self.output.forces.iter().zip(&system.forces).all(|(a, b)| {
            a.iter()
                .zip(b.iter())
                .all(|(x, y)| x.to_bits() == y.to_bits())
        });
        // Under MPI a checkpoint may be resumed on another number of ranks, whose forces differ
        // from the saved ones in the last digits (each rank sums in its own order): those are
        // accepted, and the run goes on from the saved forces.
        let close = || {
            let largest = system.forces.iter().map(|f| f.amax()).fold(0.0, f64::max);
            let worst = self
                .output
                .forces
                .iter()
                .zip(&system.forces)
                .map(|(a, b)| (a - b).amax())
                .fold(0.0, f64::max);
            worst <= 1e-9 * largest.max(1.0)
        };
        let accepted = same || (self.distributed.is_some() && close());
        // The run goes on from the saved forces; the output keeps none (see `output`).
        self.output.forces = Vec::new();
        if !accepted {
            return Err(Error::invalid(
                "the forces recomputed from the checkpoint differ from the saved ones: the \
                 potential or the program changed since it was written",
            ));
        }
        Ok(())
    }

    /// Says whether the next calls of [`ForceEngine::compute`] must compute energies and virials
    /// (default yes). A driver that knows nobody reads them at a step turns them off for it: the
    /// forces, hence the trajectory, are identical either way.
    pub fn set_energies_needed(&mut self, needed: bool) {
        self.energies_needed = needed;
    }

    /// Computes forces (and, unless turned off with [`ForceEngine::set_energies_needed`],
    /// energies and virial) at the current positions into `system.forces` (the returned output
    /// has the energies and virial, see [`ForceEngine::output`]). At steps that are multiples
    /// of `every`, rebuilds the list if some atom has moved more than half the skin, wrapping
    /// positions into the box first.
    pub fn compute(&mut self, system: &mut System, step: u64) -> Result<&ForceOutput> {
        self.evaluate(system, step, self.energies_needed)
    }

    /// Like [`ForceEngine::compute`], but energies and virials of the output may be stale (for
    /// steps whose energies nobody reads); forces are identical.
    pub fn compute_forces(&mut self, system: &mut System, step: u64) -> Result<&ForceOutput> {
        self.evaluate(system, step, false)
    }

    fn evaluate(&mut self, system: &mut System, step: u64, energies: bool) -> Result<&ForceOutput> {
        // The system's force array is lent to the output, which the potential overwrites, and
        // returned with the new forces, whatever happens.
        std::mem::swap(&mut self.output.forces, &mut system.forces);
        let result = self.evaluate_into_output(system, step, energies);
        std::mem::swap(&mut self.output.forces, &mut system.forces);
        result?;
        Ok(&self.output)
    }

    /// [`ForceEngine::evaluate`] with the forces left in the output (the system's `forces` are
    /// lent to it meanwhile: not to be read).
    fn evaluate_into_output(
        &mut self,
        system: &mut System,
        step: u64,
        energies: bool,
    ) -> Result<()> {
        if let Some(d) = &mut self.distributed {
            let rebuild = d.reference().len() != system.len()
                || (step.is_multiple_of(self.settings.every)
                    && d.needs_decomposition(&system.positions));
            if rebuild {
                system.wrap_positions();
                let builds = d.builds() + 1;
                d.decompose(
                    self.potential.as_mut(),
                    system,
                    system.positions.clone(),
                    builds,
                    energies,
                    &mut self.output,
                )?;
            } else {
                d.step(self.potential.as_mut(), system, energies, &mut self.output)?;
            }
            return self.finish(system, step, energies);
        }
        let stale = self.list.len() != system.len();
        if stale
            || (step.is_multiple_of(self.settings.every)
                && self.list.needs_rebuild(&system.positions))
        {
            system.wrap_positions();
            self.list.build(&system.simbox, &system.positions)?;
            check_overlaps(system, &self.list)?;
        }
        let config = Configuration {
            positions: &system.positions,
            types: &system.types,
        };
        if energies {
            self.potential.compute(config, &self.list, &mut self.output);
        } else {
            self.potential
                .compute_forces(config, &self.list, &mut self.output);
        }
        self.finish(system, step, energies)
    }

    /// Checks the evaluation's numbers.
    fn finish(&self, system: &System, step: u64, energies: bool) -> Result<()> {
        if let Some(i) = self.output.first_non_finite(energies) {
            return Err(Error::Physics(format!(
                "step {step}: the force or energy of atom {} is not finite (atoms too close, or a \
                 timestep too large?)",
                system.ids[i]
            )));
        }
        Ok(())
    }
}

/// Errors if two atoms are closer than [`crate::neighbor::OVERLAP_DISTANCE`].
fn check_overlaps(system: &System, list: &NeighborList) -> Result<()> {
    match list.first_overlap(system.len(), &system.positions) {
        Some((i, j, d)) => Err(overlap_error(system.ids[i], system.ids[j], d)),
        None => Ok(()),
    }
}
