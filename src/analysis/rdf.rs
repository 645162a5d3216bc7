//! Radial distribution function g(r), total and per species pair, averaged over frames.
//!
//! Histograms count ordered pairs (i, j), i != j, in uniform bins on [0, cutoff). g(r) compares
//! them with an ideal gas of density rho: g(r) = n(r) / (N rho dV(r)), and for species a, b
//! g_ab(r) = n_ab(r) / (N_a rho_b dV(r)), where n_ab counts pairs with i in a and j in b,
//! rho_b = x_b rho, and dV is the shell volume of the bin. The density comes from
//! [`RdfNormalization`]:
//! - `Box`: N/V of the periodic box, as LAMMPS `compute rdf` and OVITO's coordination analysis
//!   do; right for bulk liquids, glasses and crystals that fill their box;
//! - `Material`: the density of the material itself, 1/Omega with Omega = d_nn^3 / sqrt 2 the
//!   volume per atom of close packing at the median nearest-neighbour distance d_nn. This is the
//!   normalisation for a finite cluster in a box (free axes, or a periodic box mostly vacuum):
//!   the box volume means nothing there. The peaks then compare directly with a bulk g(r); beyond
//!   the cluster's size g(r) falls to zero, and near its surface atoms have fewer neighbours;
//! - `FiniteSphere`: an ideal gas filling a sphere of the atoms' (unweighted) radius of
//!   gyration, R = sqrt(5/3) Rg, with each shell reduced by the fraction of it that lies inside
//!   such a sphere on average, gamma(r) = 1 - 3r/(4R) + r^3/(16R^3) for r < 2R (the distance
//!   distribution of uniform points in a sphere), so that g(r) -> 1 at large r for one compact
//!   uniform cluster;
//! - `Auto` (the default of the `Rdf` observer): `Box` when every axis is periodic and the atoms
//!   at the material's density would fill at least half the box, `Material` otherwise.
//!
//! Frames are averaged by summing histograms and normalisations separately.

use serde::{Deserialize, Serialize};

use super::PairView;
use super::com::gyration_of_points;
use super::coordination::median_nearest_neighbor_distance;
use super::unwrapped_positions;
use crate::error::{Error, Result};
use crate::system::System;

/// How g(r) is normalised (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RdfNormalization {
    /// `Box` for a periodic box the atoms fill, `Material` otherwise.
    #[default]
    Auto,
    /// Number density of the periodic box.
    Box,
    /// Density of close packing at the median nearest-neighbour distance.
    Material,
    /// Ideal gas in a sphere with the atoms' radius of gyration.
    FiniteSphere,
}

/// Accumulates g(r) over frames.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RdfAccumulator {
    cutoff: f64,
    bins: usize,
    species: usize,
    total: Vec<f64>,
    total_norm: Vec<f64>,
    /// Per unordered species pair (a <= b), in `pair_index` order.
    pairs: Vec<Vec<f64>>,
    pairs_norm: Vec<Vec<f64>>,
    frames: usize,
    /// The normalisation the last frame used (`Auto` resolved).
    used: Option<RdfNormalization>,
    /// Sums over frames of the density g(r) was normalised by and of the box's N/V [1/A^3].
    density_sum: f64,
    box_density_sum: f64,
}

/// A finished g(r).
#[derive(Clone, Debug, PartialEq)]
pub struct Rdf {
    /// Bin centres [A].
    pub r: Vec<f64>,
    /// Total g(r).
    pub total: Vec<f64>,
    /// g(r) of each species pair (a, b), a <= b.
    pub pairs: Vec<((usize, usize), Vec<f64>)>,
    /// Frames averaged.
    pub frames: usize,
    /// The normalisation used (`Auto` resolved; `Auto` itself only when no frame was added).
    pub normalization: RdfNormalization,
    /// Mean number density g(r) was normalised by [1/A^3].
    pub density: f64,
    /// Mean number density of the box, N/V [1/A^3] (what LAMMPS and OVITO normalise by).
    pub box_density: f64,
}

impl Rdf {
    /// A sentence on the normalisation: the density used and, when it is not the box's, the
    /// factor that turns these g(r) into the box-normalised g(r) of LAMMPS and OVITO.
    pub fn normalization_note(&self) -> String {
        let what = match self.normalization {
            RdfNormalization::Auto => return "no frames were averaged".into(),
            RdfNormalization::Box => {
                return format!(
                    "normalised by the box's number density N/V = {:.5} /A^3, as LAMMPS and OVITO do",
                    self.density
                );
            }
            RdfNormalization::Material => {
                "the material's density (close packing at the median nearest-neighbour distance)"
            }
            RdfNormalization::FiniteSphere => {
                "an ideal gas filling a sphere of the atoms' radius of gyration"
            }
        };
        format!(
            "normalised by {what}, {:.5} /A^3, not by the box's N/V = {:.5} /A^3: the g(r) of \
             LAMMPS or OVITO for this box is {:.3} times the values here",
            self.density,
            self.box_density,
            self.density / self.box_density
        )
    }
}

impl RdfAccumulator {
    /// An empty accumulator with `bins` bins up to `cutoff` [A] for `species` species.
    pub fn new(cutoff: f64, bins: usize, species: usize) -> Self {
        let npairs = species * (species + 1) / 2;
        RdfAccumulator {
            cutoff,
            bins,
            species,
            total: vec![0.0; bins],
            total_norm: vec![0.0; bins],
            pairs: vec![vec![0.0; bins]; npairs],
            pairs_norm: vec![vec![0.0; bins]; npairs],
            frames: 0,
            used: None,
            density_sum: 0.0,
            box_density_sum: 0.0,
        }
    }

    fn pair_index(&self, a: usize, b: usize) -> usize {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        a * self.species - a * (a + 1) / 2 + b
    }

    /// Adds one frame.
    pub fn add(&mut self, system: &System, normalization: RdfNormalization) -> Result<()> {
        let view = PairView::new(system, self.cutoff)?;
        let dr = self.cutoff / self.bins as f64;
        let mut hist = vec![0.0; self.bins];
        let mut pair_hist = vec![vec![0.0; self.bins]; self.pairs.len()];
        for i in 0..system.len() {
            let ti = system.types[i] as usize;
            for nb in view.list.iter_row(i, &view.positions) {
                let r = nb.r2.sqrt();
                let bin = (r / dr) as usize;
                if bin >= self.bins {
                    continue;
                }
                hist[bin] += 1.0;
                let tj = system.types[nb.j] as usize;
                if ti <= tj {
                    pair_hist[self.pair_index(ti, tj)][bin] += 1.0;
                }
            }
        }
        let n = system.len() as f64;
        let mut counts = vec![0.0; self.species];
        for &t in &system.types {
            counts[t as usize] += 1.0;
        }
        let material_volume = || -> Result<f64> {
            let d = median_nearest_neighbor_distance(&view).ok_or_else(|| {
                Error::invalid(format!(
                    "g(r): no atom has a neighbour within the cutoff {} A, so the material's density is unknown",
                    self.cutoff
                ))
            })?;
            Ok(n * d.powi(3) / 2f64.sqrt())
        };
        let normalization = match normalization {
            RdfNormalization::Auto => {
                if fills_periodic_box(system, &view)? {
                    RdfNormalization::Box
                } else {
                    RdfNormalization::Material
                }
            }
            other => other,
        };
        let (volume, sphere_radius) = match normalization {
            RdfNormalization::Auto | RdfNormalization::Box => (system.simbox.volume(), None),
            RdfNormalization::Material => (material_volume()?, None),
            RdfNormalization::FiniteSphere => {
                let r = (5.0f64 / 3.0).sqrt() * unweighted_gyration(system);
                (4.0 / 3.0 * std::f64::consts::PI * r.powi(3), Some(r))
            }
        };
        for bin in 0..self.bins {
            let (lo, hi) = (bin as f64 * dr, (bin + 1) as f64 * dr);
            let shell = match sphere_radius {
                None => 4.0 / 3.0 * std::f64::consts::PI * (hi.powi(3) - lo.powi(3)),
                Some(r) => sphere_shell_volume(lo, hi, r),
            };
            self.total[bin] += hist[bin];
            self.total_norm[bin] += n * n / volume * shell;
            for a in 0..self.species {
                for b in a..self.species {
                    let k = self.pair_index(a, b);
                    self.pairs[k][bin] += pair_hist[k][bin];
                    self.pairs_norm[k][bin] += counts[a] * counts[b] / volume * shell;
                }
            }
        }
        self.frames += 1;
        self.used = Some(normalization);
        self.density_sum += n / volume;
        self.box_density_sum += n / system.simbox.volume();
        Ok(())
    }

    /// g(r) averaged over the frames added so far.
    pub fn result(&self) -> Rdf {
        let dr = self.cutoff / self.bins as f64;
        let ratio = |h: &[f64], n: &[f64]| -> Vec<f64> {
            h.iter()
                .zip(n)
                .map(|(&h, &n)| if n > 0.0 { h / n } else { 0.0 })
                .collect()
        };
        let mut pairs = Vec::new();
        for a in 0..self.species {
            for b in a..self.species {
                let k = self.pair_index(a, b);
                pairs.push(((a, b), ratio(&self.pairs[k], &self.pairs_norm[k])));
            }
        }
        Rdf {
            r: (0..self.bins).map(|b| (b as f64 + 0.5) * dr).collect(),
            total: ratio(&self.total, &self.total_norm),
            pairs,
            frames: self.frames,
            normalization: self.used.unwrap_or_default(),
            density: self.density_sum / self.frames.max(1) as f64,
            box_density: self.box_density_sum / self.frames.max(1) as f64,
        }
    }
}

/// Whether every axis is periodic and the atoms, at their material's density (close packing at
/// the median nearest-neighbour distance of `view`), fill at least half of the box. Otherwise
/// the box is mostly vacuum (or open) and its volume means nothing: not for g(r), not for the
/// pressure. Errs when no atom has a neighbour within the view's radius.
pub fn fills_periodic_box(system: &System, view: &PairView) -> Result<bool> {
    if !system.simbox.fully_periodic() {
        return Ok(false);
    }
    let d = median_nearest_neighbor_distance(view).ok_or_else(|| {
        Error::invalid(
            "no atom has a neighbour within the cutoff, so the material's density is unknown",
        )
    })?;
    Ok(fills_box_at_spacing(system, d))
}

/// Whether the atoms of `system`, close-packed at nearest-neighbour distance `d` [A], fill at
/// least half of its box.
pub fn fills_box_at_spacing(system: &System, d: f64) -> bool {
    let material_volume = system.len() as f64 * d.powi(3) / 2f64.sqrt();
    material_volume >= 0.5 * system.simbox.volume()
}

fn unweighted_gyration(system: &System) -> f64 {
    gyration_of_points(&unwrapped_positions(system))
}

/// Shell volume [A^3] between `lo` and `hi` weighted by the in-sphere fraction
/// gamma(r) = 1 - 3r/(4R) + r^3/(16 R^3) (0 beyond 2R): the integral of 4 pi r^2 gamma(r) dr.
pub fn sphere_shell_volume(lo: f64, hi: f64, radius: f64) -> f64 {
    let antiderivative = |r: f64| {
        let r = r.min(2.0 * radius);
        4.0 * std::f64::consts::PI
            * (r.powi(3) / 3.0 - 3.0 * r.powi(4) / (16.0 * radius)
                + r.powi(6) / (96.0 * radius.powi(3)))
    };
    antiderivative(hi) - antiderivative(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sphere_shells_add_up_to_the_pair_count() {
        // Integral of gamma(r) 4 pi r^2 over [0, 2R] equals V (every pair is somewhere).
        let r: f64 = 7.0;
        let v = 4.0 / 3.0 * std::f64::consts::PI * r.powi(3);
        assert!((sphere_shell_volume(0.0, 2.0 * r, r) - v).abs() < 1e-9 * v);
        assert_eq!(sphere_shell_volume(15.0, 20.0, r), 0.0);
    }
}
