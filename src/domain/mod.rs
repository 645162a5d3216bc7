//! Spatial domain decomposition: the box cut into a grid of subdomains, one per MPI rank, each
//! rank computing the forces on the atoms of its subdomain from a local copy of them and of the
//! "ghost" atoms (other ranks' atoms and periodic images) within reach of it.
//!
//! [`ProcGrid`] picks the grid (least subdomain surface); [`Decomposition`] places its bounds
//! over a box (equal slabs, or with [`Decomposition::balance`] slabs of equal atom counts) and
//! says which rank owns an atom; [`Decomposition::domains`] lists, for every
//! rank, its own atoms (ascending index) and its ghosts (index and periodic shift). A
//! [`LocalForces`] holds one rank's copy of the potential and a neighbour list over its local
//! atoms and returns forces, energies and virials of the owned ones. The communication that
//! carries local atoms and results between ranks is in `mpi` (cargo feature `mpi`); everything
//! here is plain code, tested in one process by [`compute_decomposed`].
//!
//! Ghosts reach [`Potential::ghost_range`] plus the neighbour skin beyond a subdomain: deep
//! enough that a rank computes its atoms' forces completely by itself once it knows its ghosts'
//! halo values ([`Potential::halo_width`]; EAM's embedding slopes). An evaluation with halo
//! values runs in two parts ([`LocalForces::begin`], then the second part): in between, every
//! rank's owned atoms' values are put together ([`gather_halo`]) and each rank gets its ghosts'
//! ([`LocalAtoms::ghost_halo`]), LAMMPS's forward communication. Forces are summed on the
//! owners only (no reverse communication). MEAM has no halo values yet: its ghosts reach twice
//! the cutoff and every rank computes their densities and screening again. The local atoms are
//! chosen at a neighbour-list rebuild and kept until the next one; between rebuilds no atom
//! moves more than half the skin, so every atom that can act on an owned atom stays local.

#[cfg(feature = "mpi")]
pub mod mpi;

#[cfg(feature = "mpi")]
pub use mpi::MpiForces;

use crate::error::{Error, Result};
use crate::neighbor::NeighborList;
use crate::potential::{Configuration, ForceOutput, Potential};
use crate::system::{SimBox, Vec3, span_along};

/// The number of processes a launcher started this one among, from its environment (Open
/// MPI's `OMPI_COMM_WORLD_SIZE`, PMI's `PMI_SIZE`, srun's `SLURM_STEP_NUM_TASKS`), when set.
pub fn launcher_ranks() -> Option<usize> {
    [
        "OMPI_COMM_WORLD_SIZE",
        "PMI_SIZE",
        "PMIX_SIZE",
        "SLURM_STEP_NUM_TASKS",
    ]
    .iter()
    .find_map(|v| std::env::var(v).ok()?.parse().ok())
}

/// Whether an MPI launcher (mpirun, mpiexec, or srun with an MPI plugin) started this process:
/// the variables its processes find MPI's peers through.
pub fn mpi_launched() -> bool {
    [
        "OMPI_COMM_WORLD_SIZE",
        "PMI_SIZE",
        "PMIX_RANK",
        "PMI_RANK",
        "MPI_LOCALNRANKS",
    ]
    .iter()
    .any(|v| std::env::var_os(v).is_some())
}

/// How this run was started on several MPI ranks, as the prefix of a command that continues it
/// (`mpirun -n 4 `), or empty when it was not.
pub fn launcher_prefix() -> String {
    match launcher_ranks() {
        Some(ranks) if ranks > 1 && mpi_launched() => format!("mpirun -n {ranks} "),
        _ => String::new(),
    }
}

/// Refuses what several processes would only duplicate, each writing the same files: several
/// ranks of a program built without the `mpi` feature, a command other than `run`
/// (`command_is_run`) under an MPI launcher, or `run` as several srun tasks without an MPI
/// plugin.
pub fn check_launcher(command_is_run: bool) -> Result<()> {
    let Some(ranks) = launcher_ranks().filter(|&r| r > 1) else {
        return Ok(());
    };
    if !mpi_launched() && !command_is_run {
        // srun's tasks without MPI: independent programs, perhaps on purpose.
        return Ok(());
    }
    if !cfg!(feature = "mpi") {
        return Err(Error::invalid(format!(
            "started by an MPI launcher on {ranks} ranks, but this sintermd was built without the \
             mpi feature: build it with `cargo build --release --features mpi`, or run it \
             without mpirun"
        )));
    }
    if !command_is_run {
        return Err(Error::invalid(format!(
            "started by an MPI launcher on {ranks} ranks: only `sintermd run` uses MPI ranks; \
             start this command without mpirun"
        )));
    }
    if !mpi_launched() {
        return Err(Error::invalid(format!(
            "srun started {ranks} tasks without an MPI plugin, so each would run alone: add \
             --mpi=pmix (or export SLURM_MPI_TYPE=pmix), or run with --ntasks=1"
        )));
    }
    Ok(())
}

/// A grid of `dims[0] x dims[1] x dims[2]` subdomains; rank `(a * dims[1] + b) * dims[2] + c`
/// holds subdomain (a, b, c).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProcGrid {
    /// Subdomains along x, y, z.
    pub dims: [usize; 3],
}

impl ProcGrid {
    /// The grid of `ranks` subdomains over a region of edge `lengths` [A] with the least
    /// surface per subdomain (the ghost volume), as LAMMPS's `processors * * *`; among equal
    /// surfaces, the first in (x, y, z) lexicographic order.
    pub fn choose(ranks: usize, lengths: [f64; 3]) -> Self {
        let ranks = ranks.max(1);
        let mut best = ProcGrid {
            dims: [ranks, 1, 1],
        };
        let mut best_surface = f64::INFINITY;
        for a in 1..=ranks {
            if !ranks.is_multiple_of(a) {
                continue;
            }
            for b in 1..=ranks / a {
                if !(ranks / a).is_multiple_of(b) {
                    continue;
                }
                let c = ranks / a / b;
                let e = [
                    lengths[0] / a as f64,
                    lengths[1] / b as f64,
                    lengths[2] / c as f64,
                ];
                let surface = e[0] * e[1] + e[1] * e[2] + e[0] * e[2];
                if surface < best_surface * (1.0 - 1e-12) {
                    best_surface = surface;
                    best = ProcGrid { dims: [a, b, c] };
                }
            }
        }
        best
    }

    /// Number of subdomains.
    pub fn ranks(&self) -> usize {
        self.dims.iter().product()
    }

    /// The rank holding subdomain `cell`.
    pub fn rank_of(&self, cell: [usize; 3]) -> usize {
        (cell[0] * self.dims[1] + cell[1]) * self.dims[2] + cell[2]
    }
}

/// The subdomain bounds of a [`ProcGrid`] over a box: slabs of the box along periodic axes, of
/// the atoms' extent along free ones (the outermost subdomains of a free axis reach to
/// infinity, so that atoms that move out still have an owner); equal slabs, or slabs of equal
/// atom counts ([`Decomposition::balance`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Decomposition {
    grid: ProcGrid,
    /// The slab bounds along each axis [A]: `dims[k] + 1` ascending values, from the box's (or
    /// the atoms') low end to its high end.
    bounds: [Vec<f64>; 3],
    periodic: [bool; 3],
    /// The box's corners [A].
    box_lo: [f64; 3],
    box_hi: [f64; 3],
}

/// The box of a rank's local system: periodic, as the whole box, along the periodic axes the
/// grid does not cut (the rank sees periodic images there itself, as the program without MPI
/// does: no image ghosts), free elsewhere (ghosts are explicit copies).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalFrame {
    /// Periodicity of the local box along x, y, z.
    pub periodic: [bool; 3],
    /// The whole box's corners [A] (used along the periodic axes).
    pub lo: [f64; 3],
    pub hi: [f64; 3],
}

impl LocalFrame {
    /// The local box for atoms at `positions` [A]: the whole box's extent along periodic
    /// axes, the atoms' extent plus 1 A along free ones.
    pub fn simbox(&self, positions: &[Vec3]) -> Result<SimBox> {
        let mut b = SimBox::around(positions.iter().copied(), 1.0, self.periodic)?;
        for k in (0..3).filter(|&k| self.periodic[k]) {
            (b.lo[k], b.hi[k]) = (self.lo[k], self.hi[k]);
        }
        Ok(b)
    }

    /// The frame as nine numbers (for sending): lo, hi, then 1 or 0 per axis for periodic.
    pub fn to_array(&self) -> [f64; 9] {
        let p = self.periodic.map(|b| f64::from(u8::from(b)));
        [
            self.lo[0], self.lo[1], self.lo[2], self.hi[0], self.hi[1], self.hi[2], p[0], p[1],
            p[2],
        ]
    }

    /// The frame from [`LocalFrame::to_array`]'s numbers.
    pub fn from_array(a: &[f64]) -> Result<Self> {
        if a.len() != 9 {
            return Err(Error::invalid(format!(
                "a local frame has 9 numbers, got {}",
                a.len()
            )));
        }
        Ok(LocalFrame {
            lo: [a[0], a[1], a[2]],
            hi: [a[3], a[4], a[5]],
            periodic: [a[6] != 0.0, a[7] != 0.0, a[8] != 0.0],
        })
    }
}

/// The atoms one rank holds: `index[..owned]` are its own (ascending), the rest ghosts, each a
/// copy of atom `index[k]` moved by `shift[k]` (a periodic image; zero for another rank's atom
/// seen directly).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LocalAtoms {
    /// Number of owned atoms (the first entries).
    pub owned: usize,
    /// Global index of each local atom.
    pub index: Vec<u32>,
    /// Shift [A] added to the global position of each local atom.
    pub shift: Vec<Vec3>,
}

impl LocalAtoms {
    /// Local positions [A] from the global `positions`, into `out`.
    pub fn positions_into(&self, positions: &[Vec3], out: &mut Vec<Vec3>) {
        out.clear();
        out.extend(
            self.index
                .iter()
                .zip(&self.shift)
                .map(|(&i, s)| positions[i as usize] + s),
        );
    }

    /// Local species indices from the global `types`.
    pub fn types(&self, types: &[u32]) -> Vec<u32> {
        self.index.iter().map(|&i| types[i as usize]).collect()
    }

    /// The ghosts' halo values ([`Potential::halo_width`] = `width` per atom) from every
    /// atom's, `global` (an image has the values of its atom).
    pub fn ghost_halo(&self, global: &[f64], width: usize) -> Vec<f64> {
        self.index[self.owned..]
            .iter()
            .flat_map(|&i| {
                let i = i as usize;
                global[i * width..(i + 1) * width].iter().copied()
            })
            .collect()
    }
}

/// Every atom's halo values (`width` per atom, in the system's order) into `global` (resized;
/// its capacity reused), from each rank's values for its owned atoms (`owned[r]` for
/// `domains[r]`); an error if some rank sent a wrong number of values.
pub fn gather_halo(
    domains: &[LocalAtoms],
    owned: &[&[f64]],
    width: usize,
    global: &mut Vec<f64>,
) -> Result<()> {
    let n: usize = domains.iter().map(|d| d.owned).sum();
    global.resize(n * width, 0.0);
    for (r, (d, values)) in domains.iter().zip(owned).enumerate() {
        if values.len() != d.owned * width {
            return Err(Error::invalid(format!(
                "rank {r} sent {} halo values for {} atoms",
                values.len(),
                d.owned
            )));
        }
        for (k, &i) in d.index[..d.owned].iter().enumerate() {
            let i = i as usize;
            global[i * width..(i + 1) * width].copy_from_slice(&values[k * width..(k + 1) * width]);
        }
    }
    Ok(())
}

impl Decomposition {
    /// Subdomains for `ranks` ranks over `simbox` holding atoms at `positions` (wrapped along
    /// periodic axes), in the grid with the least surface.
    pub fn new(simbox: &SimBox, positions: &[Vec3], ranks: usize) -> Self {
        Self::with_grid(simbox, positions, ranks, None)
            .expect("a chosen grid always has `ranks` subdomains")
    }

    /// Like [`Decomposition::new`], in the grid `fixed` when given (LAMMPS's `processors`
    /// command), which must have `ranks` subdomains.
    pub fn with_grid(
        simbox: &SimBox,
        positions: &[Vec3],
        ranks: usize,
        fixed: Option<[usize; 3]>,
    ) -> Result<Self> {
        let mut lo = [0.0; 3];
        let mut extent = [0.0; 3];
        for k in 0..3 {
            if simbox.periodic[k] {
                lo[k] = simbox.lo[k];
                extent[k] = simbox.hi[k] - simbox.lo[k];
            } else {
                let (a, b) = span_along(positions, k);
                (lo[k], extent[k]) = if a.is_finite() {
                    (a, b - a)
                } else {
                    (0.0, 0.0)
                };
            }
        }
        // A flat axis (one layer of atoms) still gets a width, so that the grid stays defined.
        let sized = extent.map(|e| e.max(1e-6));
        let grid = match fixed {
            Some(dims) => {
                let grid = ProcGrid { dims };
                if grid.ranks() != ranks.max(1) || dims.contains(&0) {
                    return Err(Error::invalid(format!(
                        "processors: a {} x {} x {} grid has {} subdomains, but {ranks} ranks run",
                        dims[0],
                        dims[1],
                        dims[2],
                        grid.ranks()
                    )));
                }
                grid
            }
            None => ProcGrid::choose(ranks, sized),
        };
        let bounds = [0, 1, 2].map(|k| {
            let d = grid.dims[k];
            (0..=d)
                .map(|c| lo[k] + sized[k] * c as f64 / d as f64)
                .collect()
        });
        Ok(Decomposition {
            grid,
            bounds,
            periodic: simbox.periodic,
            box_lo: simbox.lo,
            box_hi: simbox.hi,
        })
    }

    /// The box every rank's local system lives in.
    pub fn local_frame(&self) -> LocalFrame {
        LocalFrame {
            periodic: [0, 1, 2].map(|k| self.periodic[k] && self.grid.dims[k] == 1),
            lo: self.box_lo,
            hi: self.box_hi,
        }
    }

    /// The grid of subdomains.
    pub fn grid(&self) -> ProcGrid {
        self.grid
    }

    /// Moves the cuts along every cut axis so that the slabs hold equal numbers of the atoms at
    /// `positions` (LAMMPS's `balance ... shift`: one axis at a time, so a 3-D grid over an
    /// uneven cloud, such as two spheres, is balanced per slab, not per subdomain). Cuts are
    /// placed from a histogram of the coordinates: slabs agree to within a bin's atoms.
    pub fn balance(&mut self, positions: &[Vec3]) {
        /// Histogram bins per slab.
        const BINS_PER_SLAB: usize = 256;
        for k in (0..3).filter(|&k| self.grid.dims[k] > 1) {
            let d = self.grid.dims[k];
            let (lo, hi) = (self.bounds[k][0], self.bounds[k][d]);
            let bins = BINS_PER_SLAB * d;
            let scale = bins as f64 / (hi - lo);
            let mut counts = vec![0usize; bins];
            for x in positions {
                let b = ((x[k] - lo) * scale).floor();
                // Atoms outside (free axes: moved since; NaN: none) go to the end bins.
                let b = if b > 0.0 {
                    (b as usize).min(bins - 1)
                } else {
                    0
                };
                counts[b] += 1;
            }
            let n = positions.len() as f64;
            let mut bin = 0;
            let mut below = 0usize;
            for c in 1..d {
                let target = n * c as f64 / d as f64;
                while bin < bins && (below + counts[bin]) as f64 <= target {
                    below += counts[bin];
                    bin += 1;
                }
                // Linear within the bin that holds the target.
                let inside = if bin < bins && counts[bin] > 0 {
                    (target - below as f64) / counts[bin] as f64
                } else {
                    0.0
                };
                let cut = lo + (bin as f64 + inside) / scale;
                // Strictly ascending, inside the range.
                let floor = self.bounds[k][c - 1] + 1e-9 * (hi - lo);
                self.bounds[k][c] = cut.max(floor).min(hi);
            }
        }
    }

    /// The subdomain along axis `k` holding coordinate `x`: the number of inner cuts at or below
    /// it.
    fn cell_along(&self, k: usize, x: f64) -> usize {
        let d = self.grid.dims[k];
        self.bounds[k][1..d].partition_point(|&cut| cut <= x)
    }

    /// The rank owning an atom at `x` [A].
    pub fn owner(&self, x: &Vec3) -> usize {
        self.grid
            .rank_of([0, 1, 2].map(|k| self.cell_along(k, x[k])))
    }

    /// Subdomains along axis `k` whose region widened by `reach` [A] contains `x`.
    fn cells_within(&self, k: usize, x: f64, reach: f64) -> std::ops::RangeInclusive<usize> {
        let d = self.grid.dims[k];
        let b = &self.bounds[k];
        // Subdomain c spans [b[c], b[c + 1]]: widened by `reach`, it holds x when
        // b[c] - reach <= x <= b[c + 1] + reach.
        let mut first = b[1..].partition_point(|&upper| upper + reach < x);
        let mut below = b[..d].partition_point(|&lower| lower - reach <= x);
        if !self.periodic[k] {
            // The outermost subdomains of a free axis reach to infinity.
            first = first.min(d - 1);
            below = below.max(1);
        }
        if first >= below {
            // An empty range.
            #[allow(clippy::reversed_empty_ranges)]
            return 1..=0;
        }
        first..=below - 1
    }

    /// Every rank's local atoms: its own, then every atom or periodic image within `reach` [A]
    /// of its subdomain along each axis, in order of atom index, then image.
    pub fn domains(&self, positions: &[Vec3], reach: f64) -> Vec<LocalAtoms> {
        let ranks = self.grid.ranks();
        let owners: Vec<usize> = positions.iter().map(|x| self.owner(x)).collect();
        let mut out = vec![LocalAtoms::default(); ranks];
        for (i, &owner) in owners.iter().enumerate() {
            let d = &mut out[owner];
            d.index.push(i as u32);
            d.shift.push(Vec3::zeros());
        }
        for d in &mut out {
            d.owned = d.index.len();
        }
        // Images along each cut periodic axis: enough box lengths to cover the reach (along an
        // uncut one the local box is periodic itself).
        let frame = self.local_frame();
        let length = [0, 1, 2].map(|k| self.box_hi[k] - self.box_lo[k]);
        let images = [0, 1, 2].map(|k| {
            if self.periodic[k] && !frame.periodic[k] {
                (reach / length[k]).ceil() as i64
            } else {
                0
            }
        });
        let mut offsets = Vec::new();
        for a in -images[0]..=images[0] {
            for b in -images[1]..=images[1] {
                for c in -images[2]..=images[2] {
                    offsets.push([a, b, c]);
                }
            }
        }
        for (i, (x, &owner)) in positions.iter().zip(&owners).enumerate() {
            for o in &offsets {
                let shift = Vec3::new(
                    o[0] as f64 * length[0],
                    o[1] as f64 * length[1],
                    o[2] as f64 * length[2],
                );
                let y = x + shift;
                let zero = *o == [0, 0, 0];
                for a in self.cells_within(0, y.x, reach) {
                    for b in self.cells_within(1, y.y, reach) {
                        for c in self.cells_within(2, y.z, reach) {
                            let r = self.grid.rank_of([a, b, c]);
                            if zero && r == owner {
                                continue;
                            }
                            out[r].index.push(i as u32);
                            out[r].shift.push(shift);
                        }
                    }
                }
            }
        }
        out
    }
}

/// Without the `mpi` feature no force engine distributes: this type has no values, so the
/// engine's distributed branches compile away.
#[cfg(not(feature = "mpi"))]
pub enum MpiForces {}

#[cfg(not(feature = "mpi"))]
impl MpiForces {
    /// Never: there are no other ranks.
    pub fn if_active(_skin: f64) -> Option<Self> {
        None
    }

    /// Unreachable (no values).
    pub fn invalidate(&mut self) {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn set_grid(&mut self, _dims: Option<[usize; 3]>) {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn needs_decomposition(&self, _positions: &[Vec3]) -> bool {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn builds(&self) -> u64 {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn reference(&self) -> &[Vec3] {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn decompose(
        &mut self,
        _potential: &mut dyn Potential,
        _system: &crate::system::System,
        _reference: Vec<Vec3>,
        _builds: u64,
        _energies: bool,
        _out: &mut ForceOutput,
    ) -> Result<()> {
        match *self {}
    }

    /// Unreachable (no values).
    pub fn step(
        &mut self,
        _potential: &mut dyn Potential,
        _system: &crate::system::System,
        _energies: bool,
        _out: &mut ForceOutput,
    ) -> Result<()> {
        match *self {}
    }
}

/// What a rank returns for its owned atoms.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OwnedOutput {
    /// Forces [eV/A].
    pub forces: Vec<Vec3>,
    /// Per-atom energies [eV] (with energies).
    pub energies: Vec<f64>,
    /// Per-atom virials [eV] (with energies).
    pub virials: Vec<[f64; 6]>,
}

impl OwnedOutput {
    /// Sets the arrays to copies of `forces`, `energies` and `virials` (their capacity reused).
    pub fn assign(&mut self, forces: &[Vec3], energies: &[f64], virials: &[[f64; 6]]) {
        self.forces.clear();
        self.forces.extend_from_slice(forces);
        self.energies.clear();
        self.energies.extend_from_slice(energies);
        self.virials.clear();
        self.virials.extend_from_slice(virials);
    }
}

/// A rank's part of the exchange of halo values: given its owned atoms' values (None when it
/// failed before computing them), returns its ghosts'.
pub type HaloExchange<'a> = dyn FnMut(Option<&[f64]>) -> Result<Vec<f64>> + 'a;

/// One rank's force computation over its local atoms, with the rank's copy of the potential
/// passed to each call.
pub struct LocalForces {
    list: NeighborList,
    output: ForceOutput,
    types: Vec<u32>,
    owned: usize,
    /// The owned atoms' results of the last evaluation (kept, so that each step reuses the
    /// arrays instead of allocating megabytes afresh).
    result: OwnedOutput,
    /// The owned atoms' halo values of the last first part.
    halo_owned: Vec<f64>,
}

impl LocalForces {
    /// A rank's computation for `potential` with neighbour skin `skin` [A].
    pub fn new(potential: &dyn Potential, skin: f64) -> Self {
        let list =
            NeighborList::with_kind(potential.cutoff(), skin, potential.neighbor_list_kind());
        LocalForces {
            list,
            output: ForceOutput::default(),
            types: Vec::new(),
            owned: 0,
            result: OwnedOutput::default(),
            halo_owned: Vec::new(),
        }
    }

    /// How far [A] beyond its subdomain a rank needs ghosts: the potential's ghost range plus
    /// the skin.
    pub fn reach(potential: &dyn Potential, skin: f64) -> f64 {
        potential.ghost_range() + skin
    }

    /// New local atoms in `frame`: species `types`, the first `owned` of them the rank's own, at
    /// `reference` [A], the positions the list is built from (those at the decomposition).
    pub fn set_atoms(
        &mut self,
        frame: &LocalFrame,
        reference: &[Vec3],
        types: Vec<u32>,
        owned: usize,
    ) -> Result<()> {
        let simbox = frame.simbox(reference)?;
        self.list.build(&simbox, reference)?;
        self.types = types;
        self.owned = owned;
        Ok(())
    }

    /// The first owned atom (local index) closer than [`crate::neighbor::OVERLAP_DISTANCE`] to
    /// another local atom at `positions`, with that atom and the distance [A].
    pub fn first_overlap(&self, positions: &[Vec3]) -> Option<(usize, usize, f64)> {
        self.list.first_overlap(self.owned, positions)
    }

    /// Forces (and, with `energies`, per-atom energies and virials) of the owned atoms at local
    /// `positions` [A], with `potential` (asked for per-atom virials). For a potential with halo
    /// values ([`Potential::halo_width`]), `exchange` gets the owned atoms' values (None if
    /// this rank failed before computing them: it must still take part) and returns the
    /// ghosts' (LAMMPS's forward communication); it is not called otherwise.
    pub fn compute(
        &mut self,
        potential: &mut dyn Potential,
        positions: &[Vec3],
        energies: bool,
        exchange: &mut HaloExchange<'_>,
    ) -> Result<&OwnedOutput> {
        if potential.halo_width() == 0 {
            self.check_positions(positions)?;
            self.finish(potential, positions, None, energies);
            return Ok(&self.result);
        }
        let begun = self.begin(potential, positions).map(|_| ());
        let ghosts = exchange(begun.is_ok().then_some(&self.halo_owned[..]));
        begun?;
        let ghosts = ghosts?;
        self.finish_with_halo(potential, positions, &ghosts, energies)
    }

    fn check_positions(&self, positions: &[Vec3]) -> Result<()> {
        if positions.len() != self.types.len() {
            return Err(Error::invalid(format!(
                "a rank got {} local positions for {} local atoms",
                positions.len(),
                self.types.len()
            )));
        }
        Ok(())
    }

    /// The first part of a split evaluation at local `positions` [A]: the halo values of
    /// every local atom; returns the owned atoms'.
    pub fn begin(&mut self, potential: &mut dyn Potential, positions: &[Vec3]) -> Result<&[f64]> {
        self.check_positions(positions)?;
        let config = Configuration {
            positions,
            types: &self.types,
        };
        potential.compute_halo(config, &self.list);
        let width = potential.halo_width();
        self.halo_owned.clear();
        self.halo_owned
            .extend_from_slice(&potential.halo()[..self.owned * width]);
        Ok(&self.halo_owned)
    }

    /// The second part of a split evaluation, after [`LocalForces::begin`] at the same
    /// `positions`, with the ghosts' halo values `ghosts`.
    pub fn finish_with_halo(
        &mut self,
        potential: &mut dyn Potential,
        positions: &[Vec3],
        ghosts: &[f64],
        energies: bool,
    ) -> Result<&OwnedOutput> {
        let width = potential.halo_width();
        let expected = (self.types.len() - self.owned) * width;
        if ghosts.len() != expected || potential.halo().len() != self.types.len() * width {
            return Err(Error::invalid(format!(
                "a rank got {} halo values for {} ghosts",
                ghosts.len(),
                self.types.len() - self.owned
            )));
        }
        self.finish(potential, positions, Some(ghosts), energies);
        Ok(&self.result)
    }

    /// The second part: with the ghosts' halo values `ghosts` (None: no halo values), the owned
    /// atoms' forces (and with `energies` their energies and virials) into `self.result`.
    fn finish(
        &mut self,
        potential: &mut dyn Potential,
        positions: &[Vec3],
        ghosts: Option<&[f64]>,
        energies: bool,
    ) {
        let config = Configuration {
            positions,
            types: &self.types,
        };
        potential.set_per_atom_virials(true);
        match ghosts {
            Some(g) => {
                let width = potential.halo_width();
                potential.halo()[self.owned * width..].copy_from_slice(g);
                potential.compute_after_halo(config, &self.list, &mut self.output, energies);
            }
            None if energies => potential.compute(config, &self.list, &mut self.output),
            None => potential.compute_forces(config, &self.list, &mut self.output),
        }
        let (n, out) = (self.owned, &self.output);
        // Energies and virials only on energy steps (else they are stale).
        let m = if energies { n } else { 0 };
        self.result.assign(
            &out.forces[..n],
            &out.per_atom_energy[..m],
            &out.per_atom_virial[..m],
        );
    }
}

/// Writes each rank's owned results into the global `out` (forces, and with `energies` the
/// per-atom energies and virials, then their sums in the usual thread-independent order).
pub fn assemble(
    domains: &[LocalAtoms],
    results: &[OwnedOutput],
    energies: bool,
    out: &mut ForceOutput,
) {
    let n: usize = domains.iter().map(|d| d.owned).sum();
    if energies {
        out.reset(n);
    } else {
        out.forces.resize(n, Vec3::zeros());
    }
    for (d, r) in domains.iter().zip(results) {
        for (k, &i) in d.index[..d.owned].iter().enumerate() {
            let i = i as usize;
            out.forces[i] = r.forces[k];
            if energies {
                out.per_atom_energy[i] = r.energies[k];
                out.per_atom_virial[i] = r.virials[k];
            }
        }
    }
    if energies {
        out.sum_per_atom();
    }
}

/// Forces, energies and virial of a whole system computed as `ranks` ranks would, one after
/// the other in this process, each with its own copy of the potential from `make` (for tests
/// of the decomposition, and to compare with a single evaluation).
pub fn compute_decomposed(
    make: &dyn Fn() -> Result<Box<dyn Potential>>,
    simbox: &SimBox,
    positions: &[Vec3],
    types: &[u32],
    ranks: usize,
    skin: f64,
) -> Result<ForceOutput> {
    let mut decomposition = Decomposition::new(simbox, positions, ranks);
    decomposition.balance(positions);
    let (reach, width) = {
        let p = make()?;
        (LocalForces::reach(p.as_ref(), skin), p.halo_width())
    };
    let domains = decomposition.domains(positions, reach);
    let frame = decomposition.local_frame();
    let mut ranks = Vec::new();
    for d in &domains {
        let potential = make()?;
        let mut forces = LocalForces::new(potential.as_ref(), skin);
        let mut local = Vec::new();
        d.positions_into(positions, &mut local);
        forces.set_atoms(&frame, &local, d.types(types), d.owned)?;
        ranks.push((potential, forces, local));
    }
    // Every rank's first part, the exchange of halo values (none for most potentials), then
    // every rank's second part.
    let owned = ranks
        .iter_mut()
        .map(|(potential, forces, local)| {
            forces.begin(potential.as_mut(), local).map(<[f64]>::to_vec)
        })
        .collect::<Result<Vec<_>>>()?;
    let owned: Vec<&[f64]> = owned.iter().map(Vec::as_slice).collect();
    let mut global = Vec::new();
    gather_halo(&domains, &owned, width, &mut global)?;
    let mut results = Vec::new();
    for ((potential, forces, local), d) in ranks.iter_mut().zip(&domains) {
        let ghosts = d.ghost_halo(&global, width);
        results.push(
            forces
                .finish_with_halo(potential.as_mut(), local, &ghosts, true)?
                .clone(),
        );
    }
    let mut out = ForceOutput::default();
    assemble(&domains, &results, true, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_grid_has_the_least_surface() {
        assert_eq!(ProcGrid::choose(1, [10.0; 3]).dims, [1, 1, 1]);
        assert_eq!(ProcGrid::choose(2, [10.0, 20.0, 10.0]).dims, [1, 2, 1]);
        assert_eq!(ProcGrid::choose(8, [10.0; 3]).dims, [2, 2, 2]);
        assert_eq!(ProcGrid::choose(4, [40.0, 10.0, 10.0]).dims, [4, 1, 1]);
        assert_eq!(ProcGrid::choose(12, [30.0, 20.0, 20.0]).dims, [3, 2, 2]);
        assert_eq!(ProcGrid::choose(7, [10.0; 3]).ranks(), 7);
    }

    #[test]
    fn a_given_grid_is_used_and_must_match_the_ranks() {
        let simbox = SimBox::new([0.0; 3], [10.0; 3], [true; 3]).unwrap();
        let positions = vec![Vec3::new(1.0, 1.0, 1.0), Vec3::new(6.0, 6.0, 6.0)];
        let d = Decomposition::with_grid(&simbox, &positions, 4, Some([1, 1, 4])).unwrap();
        assert_eq!(d.grid().dims, [1, 1, 4]);
        assert_eq!(d.owner(&positions[1]), 2);
        assert_eq!(d.local_frame().periodic, [true, true, false]);
        let e = Decomposition::with_grid(&simbox, &positions, 2, Some([2, 2, 1])).unwrap_err();
        assert!(
            e.to_string().contains("has 4 subdomains, but 2 ranks"),
            "{e}"
        );
        assert!(Decomposition::with_grid(&simbox, &positions, 0, Some([0, 1, 1])).is_err());
    }

    #[test]
    fn balanced_slabs_hold_equal_atom_counts() {
        // A cloud dense at low x: x = 40 u^2 over a grid of u, y, z.
        let mut positions = Vec::new();
        for a in 0..40 {
            for b in 0..10 {
                for c in 0..10 {
                    let u = a as f64 / 40.0;
                    positions.push(Vec3::new(40.0 * u * u, b as f64, c as f64));
                }
            }
        }
        let simbox = SimBox::new([-1.0; 3], [41.0, 11.0, 11.0], [false; 3]).unwrap();
        let owned = |d: &Decomposition| {
            let mut counts = vec![0usize; d.grid().ranks()];
            for x in &positions {
                counts[d.owner(x)] += 1;
            }
            counts
        };
        let mut d = Decomposition::with_grid(&simbox, &positions, 4, Some([4, 1, 1])).unwrap();
        // Equal slabs: the first holds about half the atoms.
        assert!(owned(&d)[0] >= 1900, "{:?}", owned(&d));
        d.balance(&positions);
        // Whole layers of 100 atoms: each slab within a layer of a quarter.
        for c in owned(&d) {
            assert!(c.abs_diff(1000) <= 100, "{:?}", owned(&d));
        }
    }

    #[test]
    fn every_atom_has_one_owner_and_ghosts_cover_the_reach() {
        let simbox = SimBox::new([0.0; 3], [12.0, 12.0, 12.0], [true, true, false]).unwrap();
        // A jittered grid of atoms.
        let mut positions = Vec::new();
        for a in 0..6 {
            for b in 0..6 {
                for c in 0..6 {
                    let j = ((a * 7 + b * 13 + c * 29) % 11) as f64 * 0.05;
                    positions.push(Vec3::new(
                        2.0 * a as f64 + j,
                        2.0 * b as f64 + 0.5 * j,
                        2.0 * c as f64 - j,
                    ));
                }
            }
        }
        for (ranks, balanced) in [1, 2, 3, 4, 6, 8]
            .into_iter()
            .flat_map(|r| [(r, false), (r, true)])
        {
            let mut d = Decomposition::new(&simbox, &positions, ranks);
            if balanced {
                d.balance(&positions);
            }
            let reach = 3.1;
            let domains = d.domains(&positions, reach);
            let mut owners = vec![0; positions.len()];
            for dom in &domains {
                for &i in &dom.index[..dom.owned] {
                    owners[i as usize] += 1;
                }
                assert!(dom.index[..dom.owned].windows(2).all(|w| w[0] < w[1]));
            }
            assert!(owners.iter().all(|&c| c == 1), "{ranks} ranks");
            // No ghost lies farther than `reach` from the box around its rank's atoms (plus the
            // 2.2 A the lattice leaves between that box and the subdomain's faces).
            for (r, dom) in domains.iter().enumerate() {
                let mut local = Vec::new();
                dom.positions_into(&positions, &mut local);
                let owned = &local[..dom.owned];
                for y in &local[dom.owned..] {
                    let near = (0..3).all(|k| {
                        let lo = owned.iter().map(|x| x[k]).fold(f64::INFINITY, f64::min);
                        let hi = owned.iter().map(|x| x[k]).fold(f64::NEG_INFINITY, f64::max);
                        y[k] >= lo - reach - 2.2 && y[k] <= hi + reach + 2.2
                    });
                    assert!(near, "{ranks} ranks: rank {r} holds a far ghost at {y:?}");
                }
            }
            // Every atom or image within `reach` of an owned atom is local to its rank: as a
            // copy, or along an uncut periodic axis as the atom itself (the local box is
            // periodic there).
            let frame = d.local_frame();
            let same = |z: &Vec3, y: &Vec3| {
                (0..3).all(|k| {
                    let mut dk = z[k] - y[k];
                    if frame.periodic[k] {
                        dk -= 12.0 * (dk / 12.0).round();
                    }
                    dk.abs() < 1e-9
                })
            };
            for dom in &domains {
                let mut local = Vec::new();
                dom.positions_into(&positions, &mut local);
                for &i in &dom.index[..dom.owned] {
                    let xi = positions[i as usize];
                    for (j, xj) in positions.iter().enumerate() {
                        for sx in -1..=1 {
                            for sy in -1..=1 {
                                let y = xj + Vec3::new(12.0 * sx as f64, 12.0 * sy as f64, 0.0);
                                if (y - xi).norm() < reach && (y - xi).norm() > 0.0 {
                                    assert!(
                                        local.iter().any(|z| same(z, &y)),
                                        "{ranks} ranks: atom {j} image ({sx}, {sy}) missing"
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
