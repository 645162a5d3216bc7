//! The KMC engine specialised to its most common case: one species, per-atom rates, one fcc
//! lattice (two particles of the same orientation). It runs the same model as
//! [`super::events::KmcEngine`] and, on the site set of the same grid, draws the same random
//! numbers in the same order and edits its class lists in the same order, so the two engines
//! produce the same trajectory bit for bit (a test checks this); it is only faster.
//!
//! What makes it faster is a small working set:
//! - neighbour indices are arithmetic ([`super::grid`]): site + one of 12 constant offsets, no
//!   neighbour table;
//! - the whole state of a site is one byte: coordination n (bits 0-3), occupied (bit 4), not a
//!   site in use (bit 5), and "edge" (bit 6: fewer than 12 neighbours in use); a 256-entry table
//!   maps a state byte to its rate class (n when occupied with an empty neighbour) and another to
//!   "qualifying destination" (empty, in use, n >= `min_neighbours_after_hop` + 1);
//! - the class of a site is not stored: it is a function of its state byte, so the class before
//!   an update is known from the state before it, and a site changes lists only when that
//!   function changes; each class list slot is a `u32` per site;
//! - for a hop along neighbour vector k, the neighbours the two sites share keep their
//!   coordination, so only the 7 + 7 exclusive neighbours (precomputed per direction) are looked
//!   at for class changes.
//!
//! Per site: 1 byte of state + 4 bytes of list slot, against 48 + 4 + 8 for the table engine.

use rand::SeedableRng;

use super::classes::{NO_CLASS, flat_select, flat_total};
use super::engine::{Engine, KmcClock, Selection};
use super::grid::{FCC_NEIGHBOR_VECTORS, FccGrid};
use super::lattice::SiteSet;
use super::model::{BondCountingModel, RateMode};
use super::random::{KmcRng, below, uniform, uniform_open};
use crate::error::{Error, Result};

const COORDINATION: u8 = 0x0f;
const OCCUPIED: u8 = 0x10;
const NOT_IN_USE: u8 = 0x20;
const EDGE: u8 = 0x40;

/// Key-table entry: no class.
const KEY_NONE: u8 = 0xff;
/// Key-table entry: occupied edge site, class from its own neighbour count.
const KEY_EDGE: u8 = 0xfe;

/// Coordination classes 0..=12.
const CLASSES: usize = 13;

/// Length of the weight array: the 13 classes padded to a multiple of 4 (as
/// [`super::classes::padded_len`]).
const WEIGHTS: usize = 16;

/// Neighbours of a site not shared with the site it hops to (or from), per hop direction.
const EXCLUSIVE: usize = 7;

/// The fcc-grid engine.
#[derive(Clone, Debug)]
pub struct GridEngine {
    sites: SiteSet,
    grid: FccGrid,
    model: BondCountingModel,
    /// One state byte per grid site.
    state: Vec<u8>,
    /// Neighbours in use of each site (read only for edge sites).
    in_use_neighbors: Vec<u8>,
    /// Class lists (site indices) of coordination classes 0..=12 in one array: class c's
    /// members are `lists[c * capacity..c * capacity + lens[c]]`. A class never has more
    /// members than there are atoms, so `capacity` = atoms and a push never reallocates.
    lists: Vec<u32>,
    capacity: usize,
    lens: [u32; CLASSES],
    member_rate: Vec<f64>,
    /// Weight members * rate of every class, padded with zeros to a multiple of 4.
    weights: [f64; WEIGHTS],
    /// Slot of each site in its class list (meaningless for sites in no class).
    slot: Vec<u32>,
    key_table: [u8; 256],
    destination_table: [u8; 256],
    offsets: [isize; 12],
    /// Index offsets, relative to the old site, of its neighbours that are not neighbours of
    /// the new site, per hop direction (in neighbour-row order).
    exclusive_from: [[isize; EXCLUSIVE]; 12],
    /// The same relative to the new site, for its neighbours that are not neighbours of the old.
    exclusive_to: [[isize; EXCLUSIVE]; 12],
    rng: KmcRng,
    clock: KmcClock,
}

fn dot(a: [i64; 3], b: [i64; 3]) -> i64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// The exclusive-neighbour offsets of both sites of a hop along each neighbour vector.
fn exclusive_offsets(
    offsets: &[isize; 12],
) -> ([[isize; EXCLUSIVE]; 12], [[isize; EXCLUSIVE]; 12]) {
    let mut from = [[0isize; EXCLUSIVE]; 12];
    let mut to = [[0isize; EXCLUSIVE]; 12];
    for (k, &v) in FCC_NEIGHBOR_VECTORS.iter().enumerate() {
        // A neighbour u of the old site is a neighbour of the new site (old + v) when
        // |u - v|^2 = 2 (units a/2), and is the new site when u = v.
        let (mut nf, mut nt) = (0, 0);
        for (m, &u) in FCC_NEIGHBOR_VECTORS.iter().enumerate() {
            let d = [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
            if u != v && dot(d, d) != 2 {
                from[k][nf] = offsets[m];
                nf += 1;
            }
            let s = [u[0] + v[0], u[1] + v[1], u[2] + v[2]];
            if s != [0, 0, 0] && dot(s, s) != 2 {
                to[k][nt] = offsets[m];
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
        let member_rate: Vec<f64> = (0..CLASSES)
            .map(|c| model.hop_rate(0, &[c as u8]))
            .collect();
        let (key_table, destination_table) = lookup_tables(model.min_neighbours_after_hop);
        let offsets = grid.offsets;
        let (exclusive_from, exclusive_to) = exclusive_offsets(&offsets);
        let (state, in_use_neighbors) = initial_state(&grid, &sites, in_use, occupied);
        let mut engine = GridEngine {
            sites,
            grid,
            model,
            state,
            in_use_neighbors,
            lists: vec![0; CLASSES * atoms],
            capacity: atoms,
            lens: [0; CLASSES],
            member_rate,
            weights: [0.0; WEIGHTS],
            slot: vec![NO_CLASS; n],
            key_table,
            destination_table,
            offsets,
            exclusive_from,
            exclusive_to,
            rng: KmcRng::seed_from_u64(seed),
            clock: KmcClock {
                time: 0.0,
                events: 0,
                null_events: 0,
            },
        };
        for i in 0..n {
            let key = engine.key(i, engine.state[i]);
            if key != NO_CLASS {
                engine.push(key, i);
            }
        }
        Ok(engine)
    }

    /// The grid.
    pub fn grid(&self) -> &FccGrid {
        &self.grid
    }

    /// Members of coordination class `class`, in list order.
    pub fn members(&self, class: usize) -> &[u32] {
        let start = class * self.capacity;
        &self.lists[start..start + self.lens[class] as usize]
    }

    /// Rate class of site `i` with state byte `b`, or [`NO_CLASS`].
    #[inline(always)]
    fn key(&self, i: usize, b: u8) -> u32 {
        match self.key_table[b as usize] {
            KEY_NONE => NO_CLASS,
            KEY_EDGE => {
                let n = b & COORDINATION;
                if n < self.in_use_neighbors[i] {
                    n as u32
                } else {
                    NO_CLASS
                }
            }
            c => c as u32,
        }
    }

    #[inline(always)]
    fn push(&mut self, class: u32, site: usize) {
        let c = class as usize;
        let len = self.lens[c];
        self.lists[c * self.capacity + len as usize] = site as u32;
        self.slot[site] = len;
        self.lens[c] = len + 1;
        self.weights[c] = (len + 1) as f64 * self.member_rate[c];
    }

    /// Swap-removes `site` from class `class` (the last member takes its slot).
    #[inline(always)]
    fn remove(&mut self, class: u32, site: usize) {
        let c = class as usize;
        let start = c * self.capacity;
        let len = self.lens[c] - 1;
        let s = self.slot[site];
        let last = self.lists[start + len as usize];
        self.lists[start + s as usize] = last;
        self.slot[last as usize] = s;
        self.lens[c] = len;
        self.weights[c] = len as f64 * self.member_rate[c];
    }

    /// Moves `site` from class `old` to class `new` when they differ (either may be
    /// [`NO_CLASS`]).
    #[inline(always)]
    fn reclass(&mut self, site: usize, old: u32, new: u32) {
        if old != new {
            if old != NO_CLASS {
                self.remove(old, site);
            }
            if new != NO_CLASS {
                self.push(new, site);
            }
        }
    }

    /// Chooses the next event with the total rate `total` > 0: the site, and the neighbour
    /// direction of its destination (None for a null event).
    #[inline(always)]
    fn select_with_total(&mut self, total: f64) -> (usize, Option<usize>) {
        let class = flat_select(&self.weights, uniform(&mut self.rng) * total);
        let pick = below(&mut self.rng, self.lens[class] as usize);
        let site = self.lists[class * self.capacity + pick] as usize;
        let mut mask = 0u32;
        for (k, &d) in self.offsets.iter().enumerate() {
            let b = self.state[(site as isize + d) as usize];
            mask |= (self.destination_table[b as usize] as u32) << k;
        }
        let m = mask.count_ones() as usize;
        if m == 0 {
            return (site, None);
        }
        for _ in 0..below(&mut self.rng, m) {
            mask &= mask - 1;
        }
        (site, Some(mask.trailing_zeros() as usize))
    }

    /// Chooses the next event without executing it, or None when no atom can move.
    pub fn select(&mut self) -> Option<Selection> {
        let total = self.total_rate();
        if !(total > 0.0) {
            return None;
        }
        let (site, dir) = self.select_with_total(total);
        Some(Selection {
            site: site as u32,
            destination: dir.map(|k| (site as isize + self.offsets[k]) as u32),
        })
    }

    /// Moves the atom on `from` to its empty neighbour `to` = from + offsets[`dir`], and updates
    /// coordinations and class lists in the order the table engine does: the old site leaves
    /// its class, the new site joins one, then the old site's exclusive neighbours and the new
    /// site's, each in neighbour-row order.
    ///
    /// Only the sites whose coordination changes are touched: the 4 neighbours the two sites
    /// share lose one occupied neighbour and gain one. The exclusive neighbours are updated
    /// first, and then the occupied ones among them (a bit mask, walked from its lowest bit) are
    /// reclassified, so there is no branch on each neighbour's occupancy.
    #[inline(always)]
    fn hop(&mut self, from: usize, to: usize, dir: usize) {
        let old_from = self.state[from];
        let old_to = self.state[to];
        debug_assert!(old_from & OCCUPIED != 0 && old_to & (OCCUPIED | NOT_IN_USE) == 0);
        // The old site loses its atom and gains the occupied neighbour `to`; the new site gains
        // the atom and loses the occupied neighbour `from`.
        self.state[from] = (old_from & !OCCUPIED) + 1;
        let new_to = (old_to | OCCUPIED) - 1;
        self.state[to] = new_to;
        let exclusive_from = self.exclusive_from[dir];
        let exclusive_to = self.exclusive_to[dir];
        let mut occupied_from = 0u32;
        for (m, &d) in exclusive_from.iter().enumerate() {
            let j = (from as isize + d) as usize;
            let b = self.state[j] - 1;
            self.state[j] = b;
            occupied_from |= (((b & OCCUPIED) >> 4) as u32) << m;
        }
        let mut occupied_to = 0u32;
        for (m, &d) in exclusive_to.iter().enumerate() {
            let j = (to as isize + d) as usize;
            let b = self.state[j] + 1;
            self.state[j] = b;
            occupied_to |= (((b & OCCUPIED) >> 4) as u32) << m;
        }
        let old_key = self.key(from, old_from);
        self.reclass(from, old_key, NO_CLASS);
        let new_key = self.key(to, new_to);
        self.reclass(to, NO_CLASS, new_key);
        while occupied_from != 0 {
            let m = occupied_from.trailing_zeros() as usize;
            occupied_from &= occupied_from - 1;
            let j = (from as isize + exclusive_from[m]) as usize;
            let b = self.state[j];
            let (old, new) = (self.key(j, b + 1), self.key(j, b));
            self.reclass(j, old, new);
        }
        while occupied_to != 0 {
            let m = occupied_to.trailing_zeros() as usize;
            occupied_to &= occupied_to - 1;
            let j = (to as isize + exclusive_to[m]) as usize;
            let b = self.state[j];
            let (old, new) = (self.key(j, b - 1), self.key(j, b));
            self.reclass(j, old, new);
        }
    }
}

/// The tables of a site's state byte: its class key (coordination, `KEY_EDGE`, or `KEY_NONE` for
/// an empty, unused or fully coordinated site) and whether it is a destination (empty, in use,
/// and with at least `min_neighbours_after_hop` + 1 occupied neighbours, the hopping atom
/// included).
fn lookup_tables(min_neighbours_after_hop: u8) -> ([u8; 256], [u8; 256]) {
    let min_destination = min_neighbours_after_hop as u32 + 1;
    let mut key_table = [KEY_NONE; 256];
    let mut destination_table = [0u8; 256];
    for w in 0..256usize {
        let b = w as u8;
        let coordination = (b & COORDINATION) as u32;
        if b & OCCUPIED != 0 && b & NOT_IN_USE == 0 {
            key_table[w] = if b & EDGE != 0 {
                KEY_EDGE
            } else if coordination < 12 {
                coordination as u8
            } else {
                KEY_NONE
            };
        }
        destination_table[w] =
            u8::from(b & (OCCUPIED | NOT_IN_USE) == 0 && coordination >= min_destination);
    }
    (key_table, destination_table)
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
        self.state
            .iter()
            .map(|&b| u8::from(b & OCCUPIED != 0))
            .collect()
    }

    /// Occupied-neighbour count of every grid site (cached).
    fn coordination(&self) -> Vec<u8> {
        self.state.iter().map(|&b| b & COORDINATION).collect()
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
        self.state.iter().filter(|&&b| b & OCCUPIED != 0).count()
    }

    /// Executes one event: selection, waiting time, hop. Returns the event, or None (and
    /// leaves everything unchanged) when no atom can move.
    #[inline]
    fn step(&mut self) -> Option<Selection> {
        let total = self.total_rate();
        if !(total > 0.0) {
            return None;
        }
        let (site, dir) = self.select_with_total(total);
        self.clock.time += -uniform_open(&mut self.rng).ln() / total;
        self.clock.events += 1;
        let destination = match dir {
            Some(k) => {
                let to = (site as isize + self.offsets[k]) as usize;
                self.hop(site, to, k);
                Some(to as u32)
            }
            None => {
                self.clock.null_events += 1;
                None
            }
        };
        Some(Selection {
            site: site as u32,
            destination,
        })
    }

    /// Checks every cached quantity against a recomputation from the occupancy: coordinations,
    /// class lists and slots, and the total rate against a brute-force sum over atoms.
    fn check_consistency(&self) -> std::result::Result<(), String> {
        let occupied: Vec<bool> = self.state.iter().map(|&b| b & OCCUPIED != 0).collect();
        let mut expected_total = 0.0;
        let mut listed = vec![NO_CLASS; self.state.len()];
        for c in 0..CLASSES {
            if self.weights[c] != self.lens[c] as f64 * self.member_rate[c] {
                return Err(format!("class {c}: weight differs from members * rate"));
            }
            for (s, &i) in self.members(c).iter().enumerate() {
                if self.slot[i as usize] != s as u32 {
                    return Err(format!(
                        "site {i} in class {c} slot {s} records slot {}",
                        self.slot[i as usize]
                    ));
                }
                listed[i as usize] = c as u32;
            }
        }
        for i in 0..self.state.len() {
            let b = self.state[i];
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
            let want = if mobile { n as u32 } else { NO_CLASS };
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
