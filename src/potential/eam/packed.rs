//! The distance tables laid out for the force kernel: for one species, the coefficients the two
//! pair passes need at one grid point sit together in one cache line; for several, each
//! distinct function is stored once, so that the rows in use take as little cache as possible.
//!
//! Only the value coefficients (c3..c6 of [`super::spline`]) are stored, four to a 32-byte row
//! that one vector load fetches; derivatives are taken from them as
//! `((3 c3 p + 2 c4) p + c5) / dr`, which equals LAMMPS's precomputed `(c0 p + c1) p + c2` up to
//! round-off.

use super::spline::SplineTable;
use super::tables::EamTables;
use crate::error::Result;

/// The coefficient rows of one pair at one grid interval: each row holds the value coefficients
/// (c3, c4, c5, c6) of one cubic ([`super::spline`]), 32-byte aligned.
#[derive(Clone, Copy, Debug)]
pub struct PairRows<'a> {
    /// Density the neighbour j contributes at the centre atom i.
    pub density_at_i: &'a [f64; 4],
    /// Density i contributes at j.
    pub density_at_j: &'a [f64; 4],
    /// r * phi(r) [eV A].
    pub r_phi: &'a [f64; 4],
}

/// What the pair passes need from the tables.
pub trait PairTables: Sync {
    /// Whether the tables depend on species (false: the per-atom species are never read).
    const BY_SPECIES: bool;

    /// Whether the density at i due to j always equals that at j due to i (one density
    /// function for every species pair), so that it is evaluated once per pair.
    const SYMMETRIC: bool;

    /// Number of grid points.
    fn points(&self) -> usize;

    /// Number of species the tables cover (any number if they do not depend on species).
    fn species(&self) -> usize;

    /// The rows for species `ti` (centre atom) and `tj` (neighbour) in interval `m`.
    ///
    /// # Safety
    /// `m + 1` must be below the number of grid points and `ti`, `tj` below the number of
    /// species (the rows are read without bounds checks).
    unsafe fn rows(&self, ti: u32, tj: u32, m: usize) -> PairRows<'_>;
}

/// One grid point of a single-species potential: density and r*phi value coefficients.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(64))]
pub struct SingleRecord {
    density: [f64; 4],
    r_phi: [f64; 4],
}

/// Tables of a potential with one density function and one pair function (one species).
#[derive(Clone, Debug, PartialEq)]
pub struct SingleSpeciesTables {
    records: Vec<SingleRecord>,
}

/// The value coefficients of one cubic at one grid interval, 32-byte aligned: two to a cache
/// line, never split between two.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(32))]
pub struct Row([f64; 4]);

/// Tables of a multi-species potential: each distinct density function and each distinct
/// r*phi function once, a row per grid interval. An `eam/alloy` potential has one density
/// function per species, so the density rows of all species pairs take little cache; a pair's
/// density and r*phi rows come from two arrays.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiSpeciesTables {
    /// Density rows, function after function (`points` rows each).
    density: Vec<Row>,
    /// r*phi rows, function after function.
    r_phi: Vec<Row>,
    /// For species (ti, tj) at `ti * nspecies + tj`: first row of the density j contributes at
    /// i, of the density i contributes at j, and of r*phi.
    first_row: Vec<[usize; 3]>,
    nspecies: usize,
    /// Grid points (rows per function).
    points: usize,
}

fn values(t: &SplineTable, m: usize) -> [f64; 4] {
    let c = &t.coefficients[m];
    [c[3], c[4], c[5], c[6]]
}

impl SingleSpeciesTables {
    /// Packs the tables species 0 uses.
    pub fn new(tables: &EamTables) -> Result<Self> {
        let density = SplineTable::new(&tables.density[tables.density_of[0]], tables.dr)?;
        let r_phi = SplineTable::new(&tables.pair[tables.pair_of[0]], tables.dr)?;
        let records = (0..tables.nr)
            .map(|m| SingleRecord {
                density: values(&density, m),
                r_phi: values(&r_phi, m),
            })
            .collect();
        Ok(SingleSpeciesTables { records })
    }
}

impl PairTables for SingleSpeciesTables {
    const BY_SPECIES: bool = false;
    const SYMMETRIC: bool = true;

    fn points(&self) -> usize {
        self.records.len()
    }

    fn species(&self) -> usize {
        usize::MAX
    }

    #[inline(always)]
    unsafe fn rows(&self, _ti: u32, _tj: u32, m: usize) -> PairRows<'_> {
        debug_assert!(m < self.records.len());
        // SAFETY: there is a record per grid point, and m is below their number.
        let rec = unsafe { self.records.get_unchecked(m) };
        PairRows {
            density_at_i: &rec.density,
            density_at_j: &rec.density,
            r_phi: &rec.r_phi,
        }
    }
}

impl MultiSpeciesTables {
    /// Packs the tables of every species pair.
    pub fn new(tables: &EamTables) -> Result<Self> {
        let ns = tables.nspecies;
        let nr = tables.nr;
        // Appends the rows of table `t` of `source` to `rows` once; returns their first row.
        let place = |source: &[Vec<f64>],
                     t: usize,
                     placed: &mut Vec<(usize, usize)>,
                     rows: &mut Vec<Row>|
         -> Result<usize> {
            if let Some(&(_, first)) = placed.iter().find(|(u, _)| *u == t) {
                return Ok(first);
            }
            let spline = SplineTable::new(&source[t], tables.dr)?;
            let first = rows.len();
            rows.extend((0..nr).map(|m| Row(values(&spline, m))));
            placed.push((t, first));
            Ok(first)
        };
        let (mut density, mut r_phi) = (Vec::new(), Vec::new());
        let (mut placed_density, mut placed_pair) = (Vec::new(), Vec::new());
        let mut first_row = vec![[0; 3]; ns * ns];
        for ti in 0..ns {
            for tj in 0..ns {
                first_row[ti * ns + tj] = [
                    place(
                        &tables.density,
                        tables.density_of[tj * ns + ti],
                        &mut placed_density,
                        &mut density,
                    )?,
                    place(
                        &tables.density,
                        tables.density_of[ti * ns + tj],
                        &mut placed_density,
                        &mut density,
                    )?,
                    place(
                        &tables.pair,
                        tables.pair_of[ti * ns + tj],
                        &mut placed_pair,
                        &mut r_phi,
                    )?,
                ];
            }
        }
        Ok(MultiSpeciesTables {
            density,
            r_phi,
            first_row,
            nspecies: ns,
            points: nr,
        })
    }
}

impl PairTables for MultiSpeciesTables {
    const BY_SPECIES: bool = true;
    const SYMMETRIC: bool = false;

    fn points(&self) -> usize {
        self.points
    }

    fn species(&self) -> usize {
        self.nspecies
    }

    #[inline(always)]
    unsafe fn rows(&self, ti: u32, tj: u32, m: usize) -> PairRows<'_> {
        debug_assert!((ti as usize) < self.nspecies && (tj as usize) < self.nspecies);
        // SAFETY: there is an entry per species pair, and every first row starts a function of
        // one row per grid point, m below their number.
        unsafe {
            let [at_i, at_j, r_phi] = *self
                .first_row
                .get_unchecked(ti as usize * self.nspecies + tj as usize);
            debug_assert!(at_i.max(at_j) + m < self.density.len() && r_phi + m < self.r_phi.len());
            PairRows {
                density_at_i: &self.density.get_unchecked(at_i + m).0,
                density_at_j: &self.density.get_unchecked(at_j + m).0,
                r_phi: &self.r_phi.get_unchecked(r_phi + m).0,
            }
        }
    }
}
