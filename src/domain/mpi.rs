//! The MPI transport of the domain decomposition (cargo feature `mpi`, through rsmpi).
//!
//! `mpirun -n P sintermd run INPUT`: rank 0 runs the program as usual (stages, integrators,
//! thermostats, analyses, output, checkpoints); its force engines hand each force evaluation
//! to the P ranks. At a neighbour-list rebuild rank 0 cuts the box into P subdomains
//! ([`Decomposition`], balanced by atom counts) and sends every rank its local atoms (own and ghosts: species, the
//! positions its list is built from, the current positions); at the other steps only the
//! current positions of those atoms. Every rank, rank 0 included, computes the forces (and on
//! energy steps the per-atom energies and virials) of its own atoms with its copy of the
//! potential, on rayon threads, and returns them; rank 0 puts them in place and sums energies
//! and virial over atoms in the usual thread-independent order. For a potential with halo values
//! (EAM's embedding slopes) each evaluation has one more round in the middle: every rank sends
//! rank 0 its owned atoms' values, and rank 0 sends every rank its ghosts'.
//!
//! Results are bitwise reproducible for a given P; against the run without MPI they agree to
//! round-off (each rank sums an atom's pairs in its own list's order, not the whole system's).
//!
//! Every array a step's messages pass through is kept from step to step: allocated afresh, the
//! megabytes of a large system cost page faults on every step (a tenth of rank 0's time on
//! eam_cu256k).
//!
//! Messages from rank 0 start with a header of four `u64`: tag, engine id, two arguments.
//! Workers build their potential with the function `main` gives them (from the input file, the
//! same for every rank) for the species table rank 0 sends when an engine first distributes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use mpi::topology::SimpleCommunicator;
use mpi::traits::*;

use super::{
    Decomposition, LocalAtoms, LocalForces, LocalFrame, OwnedOutput, assemble, gather_halo,
};
use crate::error::{Error, Result};
use crate::neighbor::moved_beyond;
use crate::potential::{ForceOutput, Potential};
use crate::system::{SpeciesTable, System, Vec3};

/// Set on rank 0 while workers serve force evaluations (so that force engines distribute).
static ACTIVE: AtomicBool = AtomicBool::new(false);
/// Ids of distributing force engines (several can be alive at once: one per particle).
static NEXT_ENGINE: AtomicU64 = AtomicU64::new(1);

const SETUP: u64 = 1;
const ATOMS: u64 = 2;
const STEP: u64 = 3;
const DROP: u64 = 4;
const FINISH: u64 = 5;

/// What this process is in a run.
pub enum Role {
    /// Not launched by an MPI launcher, or alone: the usual program.
    Alone,
    /// Rank 0 of several: runs the program; its force engines distribute.
    Leader(Session),
    /// Another rank: serves force evaluations until rank 0 finishes.
    Worker(Session),
}

/// MPI, initialised for the life of the run.
pub struct Session {
    _universe: mpi::environment::Universe,
    world: SimpleCommunicator,
}

/// Initialises MPI when launched by an MPI launcher, and says what this rank does.
pub fn role() -> Result<Role> {
    if !super::mpi_launched() {
        return Ok(Role::Alone);
    }
    let universe = mpi::initialize()
        .ok_or_else(|| Error::invalid("MPI could not be initialised (already initialised?)"))?;
    let world = universe.world();
    if world.size() == 1 {
        return Ok(Role::Alone);
    }
    let rank = world.rank();
    let session = Session {
        _universe: universe,
        world,
    };
    if rank == 0 {
        ACTIVE.store(true, Ordering::SeqCst);
        Ok(Role::Leader(session))
    } else {
        Ok(Role::Worker(session))
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if self.world.rank() == 0 {
            ACTIVE.store(false, Ordering::SeqCst);
            for r in 1..self.world.size() {
                self.world.process_at_rank(r).send(&[FINISH, 0, 0, 0][..]);
            }
        }
    }
}

/// A worker's copy of one engine, with the arrays its messages pass through (kept: a step
/// reuses them instead of allocating megabytes afresh, which costs page faults).
struct WorkerEngine {
    potential: Box<dyn Potential>,
    local: LocalForces,
    values: Vec<f64>,
    positions: Vec<Vec3>,
}

/// Flattens positions into `out` for sending (its capacity reused).
fn flat_into(positions: &[Vec3], out: &mut Vec<f64>) {
    out.clear();
    out.extend(positions.iter().flat_map(|x| [x.x, x.y, x.z]));
}

/// Positions from flattened `values` into `out` (its capacity reused).
fn unflat_into(values: &[f64], out: &mut Vec<Vec3>) {
    out.clear();
    out.extend(values.chunks_exact(3).map(|c| Vec3::new(c[0], c[1], c[2])));
}

/// Receives the next message from `source` into `buf`, resized to it (its capacity reused).
fn receive_into_vec<T: Equivalence + Default + Clone>(source: &impl Source, buf: &mut Vec<T>) {
    let (message, status) = source.matched_probe();
    let count = usize::try_from(status.count(T::equivalent_datatype())).unwrap_or(0);
    buf.resize(count, T::default());
    message.matched_receive_into(&mut buf[..]);
}

/// Two local atoms closer than the overlap distance: their local indices and distance [A].
type Overlap = (usize, usize, f64);

/// A worker's answer: status (0 ok), whether an owned atom overlaps another (then the two
/// local indices and the distance's bits), then forces, energies and virials when ok (sent
/// through `buf`), or the error's text.
fn reply(
    world: &SimpleCommunicator,
    result: Result<(Option<Overlap>, &OwnedOutput)>,
    buf: &mut Vec<f64>,
) {
    let root = world.process_at_rank(0);
    match result {
        Ok((overlap, out)) => {
            let (o, i, j, d) = match overlap {
                Some((i, j, d)) => (1, i as u64, j as u64, d.to_bits()),
                None => (0, 0, 0, 0),
            };
            root.send(&[0, o, i, j, d][..]);
            flat_into(&out.forces, buf);
            root.send(&buf[..]);
            root.send(&out.energies[..]);
            buf.clear();
            buf.extend(out.virials.iter().flatten());
            root.send(&buf[..]);
        }
        Err(e) => {
            root.send(&[1u64, 0, 0, 0, 0][..]);
            root.send(e.to_string().as_bytes());
        }
    }
}

/// A worker's error for a message about an engine it does not have.
fn no_engine(id: u64) -> Error {
    Error::invalid(format!("no force engine {id} on this rank"))
}

/// The error of a rank whose halo exchange failed because another rank failed before it (that
/// rank's own error says why).
const HALO_FAILED: &str = "the halo exchange failed on another rank";

/// A worker's part of the exchange of halo values: sends rank 0 the values of its owned atoms
/// (status 0 then the values; status 1 and none when it failed before computing them) and
/// receives its ghosts' (status, values).
fn worker_exchange(world: &SimpleCommunicator, owned: Option<&[f64]>) -> Result<Vec<f64>> {
    let root = world.process_at_rank(0);
    root.send(&[u64::from(owned.is_none())][..]);
    root.send(owned.unwrap_or(&[]));
    let (status, _) = root.receive_vec::<u64>();
    let (ghosts, _) = root.receive_vec::<f64>();
    if status[0] != 0 {
        return Err(Error::invalid(HALO_FAILED));
    }
    Ok(ghosts)
}

/// Rank 0's part of the exchange of halo values (`width` per atom) over `domains`: receives
/// every other rank's owned values (into `received`, one array per rank, reused), puts them
/// with its own (`own`) in the system's order (into `global`, reused), and sends each rank its
/// ghosts' values; returns rank 0's ghosts'. Every rank gets an answer, failed or not.
fn root_exchange(
    world: &SimpleCommunicator,
    domains: &[LocalAtoms],
    width: usize,
    own: Option<&[f64]>,
    (received, global): (&mut Vec<Vec<f64>>, &mut Vec<f64>),
) -> Result<Vec<f64>> {
    let ranks = domains.len();
    received.resize_with(ranks, Vec::new);
    let mut ok = vec![own.is_some()];
    for (r, buf) in received.iter_mut().enumerate().skip(1) {
        let p = world.process_at_rank(r as i32);
        let (status, _) = p.receive_vec::<u64>();
        receive_into_vec(&p, buf);
        ok.push(status[0] == 0);
    }
    let gathered = if ok.iter().all(|&o| o) {
        let mut owned: Vec<&[f64]> = vec![own.unwrap_or(&[])];
        owned.extend(received[1..].iter().map(Vec::as_slice));
        gather_halo(domains, &owned, width, global)
    } else {
        Err(Error::invalid(HALO_FAILED))
    };
    for (r, d) in domains.iter().enumerate().skip(1) {
        let p = world.process_at_rank(r as i32);
        match &gathered {
            Ok(()) => {
                p.send(&[0u64][..]);
                p.send(&d.ghost_halo(global, width)[..]);
            }
            Err(_) => {
                p.send(&[1u64][..]);
                p.send(&[] as &[f64]);
            }
        }
    }
    gathered.map(|()| domains[0].ghost_halo(global, width))
}

impl Session {
    /// A worker's loop: serves force evaluations until rank 0 finishes, with potentials from
    /// `make` (the run's potential for a species table; every rank reads the same input).
    pub fn serve(
        &self,
        mut make: impl FnMut(&SpeciesTable) -> Result<Box<dyn Potential>>,
    ) -> Result<()> {
        // Stop signals are rank 0's to act on (it writes the checkpoint, then finishes the
        // workers); launchers send them to every rank.
        let ignored = std::sync::Arc::new(AtomicBool::new(false));
        for signal in [
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGINT,
            signal_hook::consts::SIGUSR1,
        ] {
            signal_hook::flag::register(signal, std::sync::Arc::clone(&ignored))
                .map_err(|e| Error::invalid(format!("cannot install signal handlers: {e}")))?;
        }
        let world = &self.world;
        let root = world.process_at_rank(0);
        let mut engines: BTreeMap<u64, WorkerEngine> = BTreeMap::new();
        let empty = OwnedOutput::default();
        let mut buf = Vec::new();
        loop {
            let (header, _) = root.receive_vec::<u64>();
            let (tag, id) = (header[0], header[1]);
            match tag {
                SETUP => {
                    let (species, _) = root.receive_vec::<u8>();
                    let made = (|| {
                        let species: SpeciesTable = ron::from_str(
                            std::str::from_utf8(&species)
                                .map_err(|e| Error::invalid(e.to_string()))?,
                        )
                        .map_err(|e| Error::invalid(format!("species from rank 0: {e}")))?;
                        let potential = make(&species)?;
                        let local = LocalForces::new(potential.as_ref(), f64::from_bits(header[2]));
                        engines.insert(
                            id,
                            WorkerEngine {
                                potential,
                                local,
                                values: Vec::new(),
                                positions: Vec::new(),
                            },
                        );
                        Ok(())
                    })();
                    reply(world, made.map(|()| (None, &empty)), &mut buf);
                }
                ATOMS => {
                    let (frame, _) = root.receive_vec::<f64>();
                    let (types, _) = root.receive_vec::<u32>();
                    let (reference, _) = root.receive_vec::<f64>();
                    let (positions, _) = root.receive_vec::<f64>();
                    let Some(e) = engines.get_mut(&id) else {
                        reply(world, Err(no_engine(id)), &mut buf);
                        continue;
                    };
                    let WorkerEngine {
                        potential,
                        local,
                        positions: at,
                        ..
                    } = e;
                    unflat_into(&positions, at);
                    let mut reference_at = Vec::new();
                    unflat_into(&reference, &mut reference_at);
                    let set = LocalFrame::from_array(&frame).and_then(|frame| {
                        local.set_atoms(&frame, &reference_at, types, header[3] as usize)
                    });
                    let done = match set {
                        Ok(()) => {
                            let overlap = local.first_overlap(at);
                            local
                                .compute(potential.as_mut(), at, header[2] != 0, &mut |owned| {
                                    worker_exchange(world, owned)
                                })
                                .map(|out| (overlap, out))
                        }
                        Err(err) => {
                            if potential.halo_width() > 0 {
                                // Take part in the exchange all the same.
                                let _ = worker_exchange(world, None);
                            }
                            Err(err)
                        }
                    };
                    reply(world, done, &mut buf);
                }
                STEP => {
                    let Some(e) = engines.get_mut(&id) else {
                        let _ = root.receive_vec::<f64>();
                        reply(world, Err(no_engine(id)), &mut buf);
                        continue;
                    };
                    let WorkerEngine {
                        potential,
                        local,
                        values,
                        positions,
                    } = e;
                    receive_into_vec(&root, values);
                    unflat_into(values, positions);
                    let done = local
                        .compute(
                            potential.as_mut(),
                            positions,
                            header[2] != 0,
                            &mut |owned| worker_exchange(world, owned),
                        )
                        .map(|out| (None, out));
                    reply(world, done, &mut buf);
                }
                DROP => {
                    engines.remove(&id);
                }
                FINISH => return Ok(()),
                other => {
                    return Err(Error::invalid(format!(
                        "unknown message {other} from rank 0"
                    )));
                }
            }
        }
    }
}

/// Rank 0's side of a distributing force engine.
pub struct MpiForces {
    id: u64,
    skin: f64,
    /// The grid of subdomains when given (`processors` in the input), else chosen.
    grid: Option<[usize; 3]>,
    set_up: bool,
    local: Option<LocalForces>,
    domains: Vec<LocalAtoms>,
    reference: Vec<Vec3>,
    builds: u64,
    results: Vec<OwnedOutput>,
    /// Arrays messages pass through, kept from step to step (see [`WorkerEngine`]).
    scratch: Vec<Vec3>,
    values: Vec<f64>,
    halo_received: Vec<Vec<f64>>,
    halo_global: Vec<f64>,
}

impl MpiForces {
    /// A distributing engine with neighbour skin `skin` [A], when this process is rank 0 of
    /// several.
    pub fn if_active(skin: f64) -> Option<Self> {
        if !ACTIVE.load(Ordering::SeqCst) {
            return None;
        }
        Some(MpiForces {
            id: NEXT_ENGINE.fetch_add(1, Ordering::SeqCst),
            skin,
            grid: None,
            set_up: false,
            local: None,
            domains: Vec::new(),
            reference: Vec::new(),
            builds: 0,
            results: Vec::new(),
            scratch: Vec::new(),
            values: Vec::new(),
            halo_received: Vec::new(),
            halo_global: Vec::new(),
        })
    }

    /// Sets the grid of subdomains (None: the one with the least surface), from the next
    /// decomposition on.
    pub fn set_grid(&mut self, dims: Option<[usize; 3]>) {
        self.grid = dims;
    }

    /// Forgets the decomposition: the next evaluation makes a new one.
    pub fn invalidate(&mut self) {
        self.domains.clear();
        self.reference.clear();
    }

    /// Whether the next evaluation at `positions` needs a new decomposition (none yet, or some
    /// atom has moved more than half the skin since the last one).
    pub fn needs_decomposition(&self, positions: &[Vec3]) -> bool {
        self.domains.is_empty() || moved_beyond(&self.reference, positions, 0.5 * self.skin)
    }

    /// Decompositions made so far (neighbour-list builds).
    pub fn builds(&self) -> u64 {
        self.builds
    }

    /// The positions [A] of the last decomposition.
    pub fn reference(&self) -> &[Vec3] {
        &self.reference
    }

    /// MPI_COMM_WORLD (a handle, not kept: an engine must be `Send`, the handle is not).
    fn world(&self) -> SimpleCommunicator {
        SimpleCommunicator::world()
    }

    fn ranks(&self) -> usize {
        self.world().size() as usize
    }

    fn set_up(&mut self, potential: &dyn Potential, system: &System) -> Result<()> {
        if self.set_up {
            return Ok(());
        }
        let species = ron::to_string(&system.species).map_err(|e| Error::invalid(e.to_string()))?;
        for r in 1..self.ranks() {
            let world = self.world();
            let p = world.process_at_rank(r as i32);
            p.send(&[SETUP, self.id, self.skin.to_bits(), 0][..]);
            p.send(species.as_bytes());
        }
        // Every rank's answer is received before an error is returned, so that none is left.
        self.results = vec![OwnedOutput::default(); self.ranks()];
        let answers: Vec<Result<Option<Overlap>>> = (1..self.ranks())
            .map(|r| self.receive(r, 0, false))
            .collect();
        answers.into_iter().collect::<Result<Vec<_>>>()?;
        self.local = Some(LocalForces::new(potential, self.skin));
        self.set_up = true;
        Ok(())
    }

    /// Receives rank `r`'s answer for `owned` atoms into `self.results[r]`: its overlap, or its
    /// error.
    fn receive(&mut self, r: usize, owned: usize, energies: bool) -> Result<Option<Overlap>> {
        let world = self.world();
        let p = world.process_at_rank(r as i32);
        let (status, _) = p.receive_vec::<u64>();
        if status[0] != 0 {
            let (text, _) = p.receive_vec::<u8>();
            return Err(Error::invalid(format!(
                "MPI rank {r}: {}",
                String::from_utf8_lossy(&text)
            )));
        }
        let out = &mut self.results[r];
        receive_into_vec(&p, &mut self.values);
        unflat_into(&self.values, &mut out.forces);
        receive_into_vec(&p, &mut out.energies);
        receive_into_vec(&p, &mut self.values);
        out.virials.clear();
        out.virials.extend(
            self.values
                .chunks_exact(6)
                .map(|c| [c[0], c[1], c[2], c[3], c[4], c[5]]),
        );
        if out.forces.len() != owned || (energies && out.energies.len() != owned) {
            return Err(Error::invalid(format!(
                "MPI rank {r} returned {} forces for {owned} atoms",
                out.forces.len()
            )));
        }
        Ok((status[1] != 0).then(|| {
            (
                status[2] as usize,
                status[3] as usize,
                f64::from_bits(status[4]),
            )
        }))
    }

    /// A new decomposition at `reference` [A] (the positions the lists are built from; the
    /// system's positions when called at a rebuild, a checkpoint's when restoring), counted as
    /// list build number `builds`, then the forces at the system's positions into `out`.
    pub fn decompose(
        &mut self,
        potential: &mut dyn Potential,
        system: &System,
        reference: Vec<Vec3>,
        builds: u64,
        energies: bool,
        out: &mut ForceOutput,
    ) -> Result<()> {
        self.set_up(potential, system)?;
        let ranks = self.ranks();
        let mut decomposition =
            Decomposition::with_grid(&system.simbox, &reference, ranks, self.grid)?;
        decomposition.balance(&reference);
        let reach = LocalForces::reach(potential, self.skin);
        self.domains = decomposition.domains(&reference, reach);
        let frame = decomposition.local_frame();
        self.reference = reference;
        self.builds = builds;
        for r in 1..ranks {
            let d = &self.domains[r];
            let world = self.world();
            let p = world.process_at_rank(r as i32);
            p.send(&[ATOMS, self.id, u64::from(energies), d.owned as u64][..]);
            p.send(&frame.to_array()[..]);
            p.send(&d.types(&system.types)[..]);
            d.positions_into(&self.reference, &mut self.scratch);
            flat_into(&self.scratch, &mut self.values);
            p.send(&self.values[..]);
            d.positions_into(&system.positions, &mut self.scratch);
            flat_into(&self.scratch, &mut self.values);
            p.send(&self.values[..]);
        }
        let own = &self.domains[0];
        own.positions_into(&self.reference, &mut self.scratch);
        let local = self.local.as_mut().expect("set up above");
        let set = local.set_atoms(&frame, &self.scratch, own.types(&system.types), own.owned);
        own.positions_into(&system.positions, &mut self.scratch);
        let overlap = match set {
            Ok(()) => local.first_overlap(&self.scratch).map(|o| (0, o)),
            Err(_) => None,
        };
        let set_failed = set.is_err();
        let result = set.and_then(|()| self.compute_own(potential, energies));
        if set_failed && potential.halo_width() > 0 {
            // Take part in the exchange all the same (`compute_own` does when it fails).
            let _ = root_exchange(
                &self.world(),
                &self.domains,
                potential.halo_width(),
                None,
                (&mut self.halo_received, &mut self.halo_global),
            );
        }
        let overlap = self.gather(result, overlap, energies)?;
        if let Some((r, (i, j, d))) = overlap {
            let ids = &self.domains[r].index;
            return Err(crate::neighbor::overlap_error(
                system.ids[ids[i] as usize],
                system.ids[ids[j] as usize],
                d,
            ));
        }
        assemble(&self.domains, &self.results, energies, out);
        Ok(())
    }

    /// Forces (and with `energies` energies and virials) at the system's positions into `out`,
    /// with the current decomposition.
    pub fn step(
        &mut self,
        potential: &mut dyn Potential,
        system: &System,
        energies: bool,
        out: &mut ForceOutput,
    ) -> Result<()> {
        let ranks = self.ranks();
        for r in 1..ranks {
            let world = self.world();
            let p = world.process_at_rank(r as i32);
            p.send(&[STEP, self.id, u64::from(energies), 0][..]);
            self.domains[r].positions_into(&system.positions, &mut self.scratch);
            flat_into(&self.scratch, &mut self.values);
            p.send(&self.values[..]);
        }
        self.domains[0].positions_into(&system.positions, &mut self.scratch);
        let result = self.compute_own(potential, energies);
        self.gather(result, None, energies)?;
        assemble(&self.domains, &self.results, energies, out);
        Ok(())
    }

    /// Rank 0's own part at its local positions (`self.scratch`), with the halo exchange when
    /// the potential has halo values, into `self.results[0]`.
    fn compute_own(&mut self, potential: &mut dyn Potential, energies: bool) -> Result<()> {
        let world = self.world();
        let width = potential.halo_width();
        let local = self.local.as_mut().expect("decomposed before computing");
        let (domains, received, global) = (
            &self.domains,
            &mut self.halo_received,
            &mut self.halo_global,
        );
        let own = local.compute(potential, &self.scratch, energies, &mut |owned| {
            root_exchange(
                &world,
                domains,
                width,
                owned,
                (&mut *received, &mut *global),
            )
        })?;
        self.results[0].assign(&own.forces, &own.energies, &own.virials);
        Ok(())
    }

    /// Puts every other rank's answer into `results` (rank 0's own is there already unless
    /// `result` failed), receiving every answer even after an error (so that no rank is left
    /// waiting); returns the first error, or the first overlap (rank 0's `own_overlap`, then the
    /// ranks' in order) as (rank, (local atom, local neighbour, distance)).
    fn gather(
        &mut self,
        result: Result<()>,
        own_overlap: Option<(usize, Overlap)>,
        energies: bool,
    ) -> Result<Option<(usize, Overlap)>> {
        let mut overlap = own_overlap;
        let mut errors: Vec<String> = result.err().map(|e| e.to_string()).into_iter().collect();
        for r in 1..self.ranks() {
            let owned = self.domains[r].owned;
            match self.receive(r, owned, energies) {
                Ok(o) => {
                    if overlap.is_none() {
                        overlap = o.map(|o| (r, o));
                    }
                }
                Err(e) => errors.push(e.to_string()),
            }
        }
        // The first error that says why, not one that only follows from another rank's.
        match errors
            .iter()
            .find(|e| !e.contains(HALO_FAILED))
            .or(errors.first())
        {
            Some(e) => Err(Error::invalid(e.clone())),
            None => Ok(overlap),
        }
    }
}

impl Drop for MpiForces {
    fn drop(&mut self) {
        if self.set_up && ACTIVE.load(Ordering::SeqCst) {
            for r in 1..self.ranks() {
                self.world()
                    .process_at_rank(r as i32)
                    .send(&[DROP, self.id, 0, 0][..]);
            }
        }
    }
}
