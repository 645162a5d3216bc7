//! The distance tables laid out for the force kernel: for each species pair, the coefficients
//! the two pair passes need at one grid point sit together in one or two cache lines.
//!
//! Only the value coefficients (c3..c6 of [`super::spline`]) are stored, four to a 32-byte row
//! that one vector load fetches; derivatives are taken from them as
//! `((3 c3 p + 2 c4) p + c5) / dr`, which equals LAMMPS's precomputed `(c0 p + c1) p + c2` up to
//! round-off.

use super::spline::SplineTable;
use super::tables::EamTables;
use crate::error::Result;
use crate::potential::eam::setfl::pair_index;

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

    /// The rows for species `ti` (centre atom) and `tj` (neighbour) in interval `m`
    /// (`m + 1` below the number of grid points).
    fn rows(&self, ti: u32, tj: u32, m: usize) -> PairRows<'_>;
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

/// One grid point of a species pair (a, b), a <= b: density of b at a, of a at b, and r*phi.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(64))]
pub struct PairRecord {
    density_at_a: [f64; 4],
    density_at_b: [f64; 4],
    r_phi: [f64; 4],
}

/// Tables of a multi-species potential: one record array per unordered species pair.
#[derive(Clone, Debug, PartialEq)]
pub struct MultiSpeciesTables {
    /// Record arrays, one per unordered species pair.
    records: Vec<Vec<PairRecord>>,
    /// For species (ti, tj) at `ti * nspecies + tj`: record array index.
    pair_of: Vec<u32>,
    nspecies: usize,
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

    #[inline(always)]
    fn rows(&self, _ti: u32, _tj: u32, m: usize) -> PairRows<'_> {
        let rec = &self.records[m];
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
        let mut records = Vec::new();
        let mut pair_of = vec![0u32; ns * ns];
        for a in 0..ns {
            for b in a..ns {
                let at_a =
                    SplineTable::new(&tables.density[tables.density_of[b * ns + a]], tables.dr)?;
                let at_b =
                    SplineTable::new(&tables.density[tables.density_of[a * ns + b]], tables.dr)?;
                let r_phi = SplineTable::new(&tables.pair[tables.pair_of[a * ns + b]], tables.dr)?;
                let k = pair_index(a, b) as u32;
                pair_of[a * ns + b] = k;
                pair_of[b * ns + a] = k;
                let record = (0..tables.nr)
                    .map(|m| PairRecord {
                        density_at_a: values(&at_a, m),
                        density_at_b: values(&at_b, m),
                        r_phi: values(&r_phi, m),
                    })
                    .collect::<Vec<_>>();
                records.push((k, record));
            }
        }
        // Stored in lower-triangular order, as `pair_index` numbers them.
        records.sort_by_key(|(k, _)| *k);
        Ok(MultiSpeciesTables {
            records: records.into_iter().map(|(_, r)| r).collect(),
            pair_of,
            nspecies: ns,
        })
    }

    #[inline(always)]
    fn record(&self, ti: u32, tj: u32, m: usize) -> &PairRecord {
        let k = self.pair_of[ti as usize * self.nspecies + tj as usize] as usize;
        &self.records[k][m]
    }
}

impl PairTables for MultiSpeciesTables {
    const BY_SPECIES: bool = true;
    const SYMMETRIC: bool = false;

    #[inline(always)]
    fn rows(&self, ti: u32, tj: u32, m: usize) -> PairRows<'_> {
        let rec = self.record(ti, tj, m);
        // The record is stored for (a, b) = (min, max) of the two species.
        let (density_at_i, density_at_j) = if ti <= tj {
            (&rec.density_at_a, &rec.density_at_b)
        } else {
            (&rec.density_at_b, &rec.density_at_a)
        };
        PairRows {
            density_at_i,
            density_at_j,
            r_phi: &rec.r_phi,
        }
    }
}
