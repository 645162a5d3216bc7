//! The KMC engine specialised to its most common case: one species, per-atom rates, one fcc
//! lattice (two particles of the same orientation). It runs the same model as
//! [`super::events::KmcEngine`] and, on the site set of the same grid, draws the same random
//! numbers in the same order and edits its class lists in the same order, so the two engines
//! produce the same trajectory bit for bit (a test checks this); it is only faster.
//!
//! What makes it faster is a small working set and few branches:
//! - neighbour indices are arithmetic ([`super::grid`]): no neighbour table;
//! - the per-site arrays are kept in tiles of 4 x 4 x 4 grid points ([`super::tiles`]), so that
//!   a site's neighbours are a few cache lines apart and the part of the arrays in use grows with
//!   the particles' surface, not their volume (the class lists hold these cells; sites are
//!   translated at the engine's interface);
//! - the whole state of a site is one byte: coordination n (bits 0-3), occupied (bit 4), not a
//!   site in use (bit 5), and "edge" (bit 6: fewer than 12 neighbours in use); a 256-entry table
//!   maps a state byte to "qualifying destination" (empty, in use, n >= `min_neighbours_after_hop`
//!   + 1);
//! - the class of an atom is not stored: it is a function of its state byte (n, or for an edge
//!   site n when n is below its count of neighbours in use), so the class before an update is
//!   known from the state before it;
//! - every atom has a class: those that cannot move (every neighbour in use occupied) sit in a
//!   sink class of rate 0, whose weight is 0 and so adds nothing to the total rate (x + 0 = x
//!   exactly) and is never selected. A neighbour whose coordination changes then always leaves
//!   one list and joins another, with no test of either;
//! - for a hop along neighbour vector k, the neighbours the two sites share keep their
//!   coordination, so only the 7 + 7 exclusive neighbours (precomputed per direction) are looked
//!   at, in one loop over the occupied ones;
//! - the destination among the qualifying neighbours is the n-th set bit of a 12-bit mask, found
//!   by table lookup rather than a loop of data-dependent length;
//! - the per-cell arrays are read without bounds checks (see [`GridEngine`] for why every cell
//!   reached is in range).
//!
//! - a site's state byte and the slot of its atom in its class list share one `u32` (slot in bits
//!   8-31), so that the neighbour whose class changes has its slot in the cache line its state
//!   was just read from.
//!
//! Per site: 4 bytes (state and list slot) and 1 byte (neighbours in use, read at edge sites
//! only), against 48 + 4 + 8 for the table engine.

use rand::SeedableRng;

use super::classes::{NO_CLASS, flat_select, flat_total};
use super::engine::{Engine, KmcClock, Selection};
use super::grid::{FCC_NEIGHBOR_VECTORS, FccGrid};
use super::lattice::SiteSet;
use super::model::{BondCountingModel, RateMode};
use super::random::{KmcRng, below, uniform, uniform_open};
use super::tiles::TiledLayout;
use crate::error::{Error, Result};

const COORDINATION: u8 = 0x0f;
const OCCUPIED: u8 = 0x10;
const NOT_IN_USE: u8 = 0x20;
const EDGE: u8 = 0x40;

/// Coordination classes 0..=12 (12 stays empty: a fully coordinated atom cannot move).
const CLASSES: usize = 13;

/// The sink class of the atoms that cannot move (rate 0).
const SINK: usize = CLASSES;

/// Length of the class arrays (weights, rates, lengths): the 13 classes and the sink padded to a
/// multiple of 4 (as [`super::classes::padded_len`]), and a power of two, so that a class masked
/// to 4 bits indexes them without a bounds check.
const WEIGHTS: usize = 16;

/// Most atoms the engine holds: a slot takes the 24 upper bits of a cell's word.
const MAX_ATOMS: usize = 1 << 24;

/// Neighbours of a site not shared with the site it hops to (or from), per hop direction.
const EXCLUSIVE: usize = 7;

/// The fcc-grid engine.
///
/// Every cell an event reads or writes is in range of the per-cell arrays (`cells` and
/// `in_use_neighbors`, both `layout.len()` long): it is a class-list member (an atom,
/// on a site in use) or a neighbour of one, and sites in use lie off the grid's outer layer
/// ([`FccGrid::site_set`] refuses others), so their neighbours are grid sites. Every list index
/// is below `capacity` (a class never has more members than there are atoms). The hot accessors
/// rely on this and skip bounds checks; debug builds check.
#[derive(Clone, Debug)]
pub struct GridEngine {
    sites: SiteSet,
    grid: FccGrid,
    model: BondCountingModel,
    /// The cells of the grid's sites: every per-site array below is indexed by cell.
    layout: TiledLayout,
    /// Per cell: the state byte (bits 0-7; padding cells: not in use) and, for an atom, its slot
    /// in its class list (bits 8-31).
    cells: Vec<u32>,
    /// Neighbours in use of each site (read only for edge sites).
    in_use_neighbors: Vec<u8>,
    /// Class lists (cells) of coordination classes 0..=12 and the sink in one array: class c's
    /// members are `lists[c * capacity..c * capacity + lens[c]]`. A class never has more
    /// members than there are atoms, so `capacity` = atoms and a push never reallocates.
    lists: Vec<u32>,
    capacity: usize,
    lens: [u32; WEIGHTS],
    /// Rate of each member of a class [1/s] (0 for the sink and the padding).
    member_rate: [f64; WEIGHTS],
    /// Weight members * rate of every class (0 for the sink and the padding).
    weights: [f64; WEIGHTS],
    destination_table: [u8; 256],
    /// The neighbours (as indices into [`FCC_NEIGHBOR_VECTORS`]) of the old site that are not
    /// neighbours of the new site, per hop direction (in neighbour-row order; rows 12..16 are
    /// padding, so that a direction masked to 4 bits indexes it without a bounds check).
    exclusive_from: [[u8; EXCLUSIVE]; 16],
    /// The same for the new site, its neighbours that are not neighbours of the old.
    exclusive_to: [[u8; EXCLUSIVE]; 16],
    rng: KmcRng,
    clock: KmcClock,
}

fn dot(a: [i64; 3], b: [i64; 3]) -> i64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The exclusive neighbours (neighbour-vector indices) of both sites of a hop along each
/// neighbour vector.
fn exclusive_neighbors() -> ([[u8; EXCLUSIVE]; 16], [[u8; EXCLUSIVE]; 16]) {
    let mut from = [[0u8; EXCLUSIVE]; 16];
    let mut to = [[0u8; EXCLUSIVE]; 16];
    for (k, &v) in FCC_NEIGHBOR_VECTORS.iter().enumerate() {
        // A neighbour u of the old site is a neighbour of the new site (old + v) when
        // |u - v|^2 = 2 (units a/2), and is the new site when u = v.
        let (mut nf, mut nt) = (0, 0);
        for (m, &u) in FCC_NEIGHBOR_VECTORS.iter().enumerate() {
            let d = [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
            if u != v && dot(d, d) != 2 {
                from[k][nf] = m as u8;
                nf += 1;
            }
            let s = [u[0] + v[0], u[1] + v[1], u[2] + v[2]];
            if s != [0, 0, 0] && dot(s, s) != 2 {
                to[k][nt] = m as u8;
                nt += 1;
            }
        }
        assert!(nf == EXCLUSIVE && nt == EXCLUSIVE);
    }
    (from, to)
}

impl GridEngine {
    /// An engine on `grid` with the sites `in_use` (the others are never occupied), `occupied`
    /// sites holding an atom, a one-species per-atom `model`, and the generator seeded from
    /// `seed`.
    pub fn new(
        grid: FccGrid,
        in_use: &[bool],
        occupied: &[bool],
        model: BondCountingModel,
        seed: u64,
    ) -> Result<Self> {
        if model.n_species != 1 || model.mode != RateMode::PerAtom {
            return Err(Error::invalid(
                "the fcc-grid engine runs one species with per-atom rates",
            ));
        }
        let n = grid.len();
        if in_use.len() != n || occupied.len() != n {
            return Err(Error::invalid(format!(
                "{} in-use and {} occupancy flags for {n} grid sites",
                in_use.len(),
                occupied.len()
            )));
        }
        if let Some(i) = (0..n).find(|&i| occupied[i] && !in_use[i]) {
            return Err(Error::invalid(format!(
                "grid site {i} is occupied but not in use"
            )));
        }
        let sites = grid.site_set(in_use)?;
        let atoms = occupied.iter().filter(|&&o| o).count();
        let mut member_rate = [0.0; WEIGHTS];
        for (c, rate) in member_rate.iter_mut().enumerate().take(CLASSES) {
            *rate = model.hop_rate(0, &[c as u8]);
        }
        let destination_table = destination_table(model.min_neighbours_after_hop);
        let (exclusive_from, exclusive_to) = exclusive_neighbors();
        let layout = TiledLayout::new(&grid);
        let (site_state, site_in_use_neighbors) = initial_state(&grid, &sites, in_use, occupied);
        if atoms > MAX_ATOMS {
            return Err(Error::invalid(format!(
                "{atoms} atoms: the fcc-grid engine holds at most {MAX_ATOMS} (engine: Table \
                 runs any number)"
            )));
        }
        let mut cells = vec![NOT_IN_USE as u32; layout.len()];
        let mut in_use_neighbors = vec![0u8; layout.len()];
        layout.for_each_site(|site, cell| {
            cells[cell] = site_state[site] as u32;
            in_use_neighbors[cell] = site_in_use_neighbors[site];
        });
        let mut engine = GridEngine {
            sites,
            grid,
            model,
            layout,
            cells,
            in_use_neighbors,
            lists: vec![0; (SINK + 1) * atoms],
            capacity: atoms,
            lens: [0; WEIGHTS],
            member_rate,
            weights: [0.0; WEIGHTS],
            destination_table,
            exclusive_from,
            exclusive_to,
            rng: KmcRng::seed_from_u64(seed),
            clock: KmcClock {
                time: 0.0,
                events: 0,
                null_events: 0,
            },
        };
        // The lists are filled in site order, as the table engine fills its own: the same
        // members in the same slots.
        for i in 0..n {
            let cell = engine.layout.cell(i);
            let b = engine.cells[cell] as u8;
            if b & OCCUPIED != 0 {
                engine.push(engine.atom_class(cell, b), cell);
            }
        }
        Ok(engine)
    }

    /// The grid.
    pub fn grid(&self) -> &FccGrid {
        &self.grid
    }

    /// Grid site of a cell that holds one.
    #[inline]
    fn site_of(&self, cell: usize) -> usize {
        self.layout
            .site(cell)
            .expect("a cell in use holds a grid site")
    }

    /// The cells of class `class` (0..=12 or the sink), in list order.
    fn list(&self, class: usize) -> &[u32] {
        let start = class * self.capacity;
        &self.lists[start..start + self.lens[class] as usize]
    }

    /// Members of coordination class `class` (0..=12; grid sites), in list order.
    pub fn members(&self, class: usize) -> Vec<u32> {
        assert!(class < CLASSES, "coordination class {class} of 0..=12");
        self.list(class)
            .iter()
            .map(|&cell| self.site_of(cell as usize) as u32)
            .collect()
    }

    /// A per-site array (grid site order) of `f` applied to each site's state byte.
    fn per_site(&self, f: impl Fn(u8) -> u8) -> Vec<u8> {
        let mut out = vec![0u8; self.grid.len()];
        self.layout
            .for_each_site(|site, cell| out[site] = f(self.cells[cell] as u8));
        out
    }

    /// The word of `cell`: state byte and slot (in range: see [`GridEngine`]).
    #[inline(always)]
    fn word(&self, cell: usize) -> u32 {
        debug_assert!(cell < self.cells.len());
        // SAFETY: every cell an event reaches is below `cells.len()` (see `GridEngine`).
        unsafe { *self.cells.get_unchecked(cell) }
    }

    /// Sets the word of `cell` (in range: see [`GridEngine`]).
    #[inline(always)]
    fn set_word(&mut self, cell: usize, w: u32) {
        debug_assert!(cell < self.cells.len());
        // SAFETY: as `word`.
        unsafe { *self.cells.get_unchecked_mut(cell) = w }
    }

    /// State byte of `cell`.
    #[inline(always)]
    fn state_at(&self, cell: usize) -> u8 {
        self.word(cell) as u8
    }

    /// Slot of the atom in `cell` in its class list.
    #[inline(always)]
    fn slot_at(&self, cell: usize) -> u32 {
        self.word(cell) >> 8
    }

    #[inline(always)]
    fn set_slot(&mut self, cell: usize, s: u32) {
        self.set_word(cell, (self.word(cell) & 0xff) | (s << 8));
    }

    /// Entry `slot` of class `class`'s list (`class` <= the sink, `slot` < `capacity`).
    #[inline(always)]
    fn list_at(&self, class: usize, slot: usize) -> u32 {
        let k = class * self.capacity + slot;
        debug_assert!(class <= SINK && slot < self.capacity);
        // SAFETY: `lists` holds `capacity` entries for each class and the sink.
        unsafe { *self.lists.get_unchecked(k) }
    }

    #[inline(always)]
    fn set_list(&mut self, class: usize, slot: usize, cell: u32) {
        let k = class * self.capacity + slot;
        debug_assert!(class <= SINK && slot < self.capacity);
        // SAFETY: as `list_at`.
        unsafe { *self.lists.get_unchecked_mut(k) = cell }
    }

    /// Class of the atom in `cell` with state byte `b`: its coordination n when it has an empty
    /// neighbour in use (n < 12, or for an edge site n below its neighbours in use), else the
    /// sink.
    #[inline(always)]
    fn atom_class(&self, cell: usize, b: u8) -> usize {
        let n = (b & COORDINATION) as usize;
        let limit = if b & EDGE != 0 {
            debug_assert!(cell < self.in_use_neighbors.len());
            // SAFETY: `in_use_neighbors` is as long as `cells`; see `word`.
            unsafe { *self.in_use_neighbors.get_unchecked(cell) as usize }
        } else {
            12
        };
        if n < limit { n } else { SINK }
    }

    /// Appends the atom in `cell` to class `class`.
    #[inline(always)]
    fn push(&mut self, class: usize, cell: usize) {
        let c = class & (WEIGHTS - 1);
        let len = self.lens[c];
        self.set_list(c, len as usize, cell as u32);
        self.set_slot(cell, len);
        self.lens[c] = len + 1;
        self.weights[c] = (len + 1) as f64 * self.member_rate[c];
    }

    /// Swap-removes the atom in `cell` from class `class` (the last member takes its slot).
    #[inline(always)]
    fn remove(&mut self, class: usize, cell: usize) {
        let c = class & (WEIGHTS - 1);
        let len = self.lens[c] - 1;
        let s = self.slot_at(cell);
        let last = self.list_at(c, len as usize);
        self.set_list(c, s as usize, last);
        self.set_slot(last as usize, s);
        self.lens[c] = len;
        self.weights[c] = len as f64 * self.member_rate[c];
    }

    /// Chooses the next event with the total rate `total` > 0: the cell of the site, and the
    /// neighbour direction of its destination (None for a null event).
    #[inline(always)]
    fn select_with_total(&mut self, total: f64) -> (usize, Option<usize>) {
        let class = flat_select(&self.weights, uniform(&mut self.rng) * total) & (WEIGHTS - 1);
        let pick = below(&mut self.rng, self.lens[class] as usize);
        let cell = self.list_at(class, pick) as usize;
        let mut mask = 0u32;
        for (k, &d) in self.layout.neighbor_deltas(cell)[..12].iter().enumerate() {
            let b = self.state_at((cell as isize + d) as usize);
            mask |= (self.destination_table[b as usize] as u32) << k;
        }
        let m = mask.count_ones() as usize;
        if m == 0 {
            return (cell, None);
        }
        (cell, Some(nth_set_bit(mask, below(&mut self.rng, m))))
    }

    /// The cell of the neighbour in direction `dir` (< 12) of the site in `cell`.
    #[inline(always)]
    fn neighbor(&self, cell: usize, dir: usize) -> usize {
        (cell as isize + self.layout.neighbor_deltas(cell)[dir & 15]) as usize
    }

    /// Chooses the next event without executing it, or None when no atom can move.
    pub fn select(&mut self) -> Option<Selection> {
        let total = self.total_rate();
        if !(total > 0.0) {
            return None;
        }
        let (cell, dir) = self.select_with_total(total);
        Some(Selection {
            site: self.site_of(cell) as u32,
            destination: dir.map(|k| self.site_of(self.neighbor(cell, k)) as u32),
        })
    }

    /// Executes one event (selection, waiting time, hop) and returns the cells of the site and
    /// of its destination (None for a null event), or None (leaving everything unchanged) when
    /// no atom can move.
    #[inline(always)]
    fn event(&mut self) -> Option<(usize, Option<usize>)> {
        let total = self.total_rate();
        if !(total > 0.0) {
            return None;
        }
        let (cell, dir) = self.select_with_total(total);
        self.clock.time += -uniform_open(&mut self.rng).ln() / total;
        self.clock.events += 1;
        let destination = match dir {
            Some(k) => {
                let to = self.neighbor(cell, k);
                self.hop(cell, to, k);
                Some(to)
            }
            None => {
                self.clock.null_events += 1;
                None
            }
        };
        Some((cell, destination))
    }

    /// Moves the atom in cell `from` to its empty neighbour `to` in direction `dir`, and updates
    /// coordinations and class lists in the order the table engine does: the old site leaves
    /// its class, the new site joins one, then the old site's exclusive neighbours and the new
    /// site's, each in neighbour-row order.
    ///
    /// Only the sites whose coordination changes are touched: the 4 neighbours the two sites
    /// share lose one occupied neighbour and gain one. The exclusive neighbours are updated
    /// first, and then the occupied ones among them (a 14-bit mask: the old site's in bits 0-6,
    /// the new site's in bits 7-13, walked from its lowest bit) move from the class of their
    /// old coordination to that of the new one, so there is no branch on each neighbour's
    /// occupancy or class.
    #[inline(always)]
    fn hop(&mut self, from: usize, to: usize, dir: usize) {
        let (word_from, word_to) = (self.word(from), self.word(to));
        let (old_from, old_to) = (word_from as u8, word_to as u8);
        debug_assert!(old_from & OCCUPIED != 0 && old_to & (OCCUPIED | NOT_IN_USE) == 0);
        // The old site loses its atom and gains the occupied neighbour `to`; the new site gains
        // the atom and loses the occupied neighbour `from` (coordination counts never carry out
        // of their 4 bits, so the words can be counted on directly).
        self.set_word(from, (word_from & !(OCCUPIED as u32)) + 1);
        let new_to = (old_to | OCCUPIED) - 1;
        self.set_word(to, (word_to | OCCUPIED as u32) - 1);
        let dir = dir & 15;
        let (deltas_from, deltas_to) = (
            self.layout.neighbor_deltas(from),
            self.layout.neighbor_deltas(to),
        );
        let mut cells = [0usize; 2 * EXCLUSIVE];
        let mut occupied = 0u32;
        for m in 0..EXCLUSIVE {
            let k = self.exclusive_from[dir][m] as usize & 15;
            cells[m] = (from as isize + deltas_from[k]) as usize;
            let k = self.exclusive_to[dir][m] as usize & 15;
            cells[EXCLUSIVE + m] = (to as isize + deltas_to[k]) as usize;
        }
        for (m, &j) in cells.iter().enumerate() {
            // The old site's exclusive neighbours lose an occupied neighbour, the new site's
            // gain one.
            let w = if m < EXCLUSIVE {
                self.word(j) - 1
            } else {
                self.word(j) + 1
            };
            self.set_word(j, w);
            occupied |= ((w & OCCUPIED as u32) >> 4) << m;
        }
        self.remove(self.atom_class(from, old_from), from);
        self.push(self.atom_class(to, new_to), to);
        while occupied != 0 {
            let m = occupied.trailing_zeros() as usize;
            occupied &= occupied - 1;
            let j = cells[m & 15];
            let b = self.state_at(j);
            let before = if m < EXCLUSIVE { b + 1 } else { b - 1 };
            self.remove(self.atom_class(j, before), j);
            self.push(self.atom_class(j, b), j);
        }
    }
}

/// Position of the set bit of rank `n` (0: the lowest) of a 12-bit `mask` with more than `n`
/// bits set, as clearing the lowest set bit `n` times would find it: by lookup in each 6-bit
/// half, without a loop of data-dependent length.
#[inline(always)]
fn nth_set_bit(mask: u32, n: usize) -> usize {
    let low = (mask & 0x3f) as usize;
    let in_low = low.count_ones() as usize;
    let (half, rank, base) = if n < in_low {
        (low, n, 0)
    } else {
        ((mask >> 6) as usize & 0x3f, n - in_low, 6)
    };
    base + NTH_BIT[half][rank & 7] as usize
}

/// `NTH_BIT[m][r]`: position of the set bit of rank r of the 6-bit mask m (0 past its bits;
/// rows of 8 so that a rank masked to 3 bits indexes them without a bounds check).
const NTH_BIT: [[u8; 8]; 64] = {
    let mut table = [[0u8; 8]; 64];
    let mut m = 0;
    while m < 64 {
        let (mut bit, mut rank) = (0, 0);
        while bit < 6 {
            if m & (1 << bit) != 0 {
                table[m][rank] = bit as u8;
                rank += 1;
            }
            bit += 1;
        }
        m += 1;
    }
    table
};

/// Whether a site with a given state byte is a destination: empty, in use, and with at least
/// `min_neighbours_after_hop` + 1 occupied neighbours (the hopping atom included).
fn destination_table(min_neighbours_after_hop: u8) -> [u8; 256] {
    let min_destination = min_neighbours_after_hop as u32 + 1;
    let mut table = [0u8; 256];
    for (w, entry) in table.iter_mut().enumerate() {
        let b = w as u8;
        let coordination = (b & COORDINATION) as u32;
        *entry = u8::from(b & (OCCUPIED | NOT_IN_USE) == 0 && coordination >= min_destination);
    }
    table
}

/// The state byte of every grid site (in use, edge, occupied, coordination) and the number of
/// in-use neighbours of each site in use.
fn initial_state(
    grid: &FccGrid,
    sites: &SiteSet,
    in_use: &[bool],
    occupied: &[bool],
) -> (Vec<u8>, Vec<u8>) {
    let n = grid.len();
    let mut state = vec![0u8; n];
    let mut in_use_neighbors = vec![0u8; n];
    for i in 0..n {
        let mut b = 0u8;
        if !in_use[i] {
            b |= NOT_IN_USE;
        } else {
            let c = sites.neighbor_count(i);
            in_use_neighbors[i] = c;
            if c < 12 {
                b |= EDGE;
            }
        }
        if occupied[i] {
            b |= OCCUPIED;
        }
        state[i] = b;
    }
    // Coordination of every grid site (sites not in use too: hops update them like the
    // others). Near the grid's edge an offset could wrap around, so neighbours are found by
    // their crystal coordinates here.
    for (i, b) in state.iter_mut().enumerate() {
        let c = grid.coords(i);
        let count = FCC_NEIGHBOR_VECTORS
            .iter()
            .filter_map(|v| grid.index([c[0] + v[0], c[1] + v[1], c[2] + v[2]]))
            .filter(|&j| occupied[j])
            .count();
        *b |= count as u8;
    }
    (state, in_use_neighbors)
}

impl Engine for GridEngine {
    fn kind(&self) -> &'static str {
        "fcc-grid"
    }

    /// The site set of the grid (every grid site; those not in use have no neighbours).
    fn sites(&self) -> &SiteSet {
        &self.sites
    }

    /// The model.
    fn model(&self) -> &BondCountingModel {
        &self.model
    }

    /// Occupancy of every grid site (0 empty, 1 occupied).
    fn occupancy(&self) -> Vec<u8> {
        self.per_site(|b| u8::from(b & OCCUPIED != 0))
    }

    /// Occupied-neighbour count of every grid site (cached).
    fn coordination(&self) -> Vec<u8> {
        self.per_site(|b| b & COORDINATION)
    }

    /// Clock and counters.
    fn clock(&self) -> &KmcClock {
        &self.clock
    }

    /// The generator.
    fn rng(&self) -> &KmcRng {
        &self.rng
    }

    /// Total rate R [1/s].
    #[inline]
    fn total_rate(&self) -> f64 {
        flat_total(&self.weights)
    }

    /// Number of atoms.
    fn atoms(&self) -> usize {
        self.cells
            .iter()
            .filter(|&&w| w as u8 & OCCUPIED != 0)
            .count()
    }

    /// Executes one event: selection, waiting time, hop. Returns the event, or None (and
    /// leaves everything unchanged) when no atom can move.
    #[inline]
    fn step(&mut self) -> Option<Selection> {
        let (cell, destination) = self.event()?;
        Some(Selection {
            site: self.site_of(cell) as u32,
            destination: destination.map(|to| self.site_of(to) as u32),
        })
    }

    /// Runs up to `n` events; returns how many ran (fewer when nothing can move). As the
    /// provided loop, without translating each event's cells to sites.
    fn run(&mut self, n: u64) -> u64 {
        for k in 0..n {
            if self.event().is_none() {
                return k;
            }
        }
        n
    }

    /// Runs events until `events` have run in total or the time reaches `time_limit` [s].
    /// Returns false when nothing can move. As the provided loop, without translating each
    /// event's cells to sites.
    fn run_until(&mut self, events: u64, time_limit: f64) -> bool {
        while self.clock.events < events && self.clock.time < time_limit {
            if self.event().is_none() {
                return false;
            }
        }
        true
    }

    /// Checks every cached quantity against a recomputation from the occupancy: coordinations,
    /// class lists and slots, and the total rate against a brute-force sum over atoms.
    fn check_consistency(&self) -> std::result::Result<(), String> {
        let occupied: Vec<bool> = self.occupancy().iter().map(|&o| o != 0).collect();
        let mut expected_total = 0.0;
        let mut listed = vec![NO_CLASS; occupied.len()];
        if self.weights[SINK] != 0.0 || self.weights[SINK + 1..].iter().any(|&w| w != 0.0) {
            return Err("the sink or the padding has a weight".into());
        }
        for c in 0..=SINK {
            if self.weights[c] != self.lens[c] as f64 * self.member_rate[c] {
                return Err(format!("class {c}: weight differs from members * rate"));
            }
            for (s, &cell) in self.list(c).iter().enumerate() {
                let Some(i) = self.layout.site(cell as usize) else {
                    return Err(format!("class {c} slot {s} holds padding cell {cell}"));
                };
                let recorded = self.cells[cell as usize] >> 8;
                if recorded != s as u32 {
                    return Err(format!(
                        "site {i} in class {c} slot {s} records slot {recorded}"
                    ));
                }
                listed[i] = c as u32;
            }
        }
        if let Some(cell) = (0..self.cells.len())
            .find(|&cell| self.layout.site(cell).is_none() && self.cells[cell] != NOT_IN_USE as u32)
        {
            return Err(format!(
                "padding cell {cell} has state {}",
                self.cells[cell]
            ));
        }
        for i in 0..occupied.len() {
            let b = self.cells[self.layout.cell(i)] as u8;
            if b & NOT_IN_USE != 0 {
                if occupied[i] {
                    return Err(format!("site {i} is not in use but occupied"));
                }
                continue;
            }
            let row = self.sites.neighbors(i);
            let n = row.iter().filter(|&&j| occupied[j as usize]).count();
            if n != (b & COORDINATION) as usize {
                return Err(format!(
                    "site {i}: cached coordination {} but {n} occupied neighbours",
                    b & COORDINATION
                ));
            }
            let mobile = occupied[i] && n < row.len();
            let want = match (occupied[i], mobile) {
                (true, true) => n as u32,
                (true, false) => SINK as u32,
                (false, _) => NO_CLASS,
            };
            if listed[i] != want {
                return Err(format!(
                    "site {i}: listed in class {} but its state gives {want}",
                    listed[i]
                ));
            }
            if mobile {
                expected_total += self.model.hop_rate(0, &[n as u8]);
            }
        }
        let total = self.total_rate();
        let scale = total.abs().max(expected_total.abs()).max(f64::MIN_POSITIVE);
        if (total - expected_total).abs() > 1e-9 * scale {
            return Err(format!(
                "total rate {total} differs from the brute-force sum {expected_total}"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nth_set_bit_matches_clearing_the_lowest_bits() {
        for mask in 1u32..(1 << 12) {
            for n in 0..mask.count_ones() as usize {
                let mut m = mask;
                for _ in 0..n {
                    m &= m - 1;
                }
                assert_eq!(nth_set_bit(mask, n), m.trailing_zeros() as usize);
            }
        }
    }
}
