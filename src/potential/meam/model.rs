//! Everything derived once from a parameter set: per-element constants, the tabulated pair
//! functions, screening bounds and ellipse limits, in the shapes the force loops read.

use super::density::{DensitySettings, ElementDensityConstants};
use super::params::{MeamParams, TAveraging};
use super::reference::{pair_function, reference_background_density};
use super::screening::{EllipseLimits, screening_sum_bound};
use super::table::{RadialTable, TABLE_POINTS};

/// Constants of one element used in the neighbour loops.
#[derive(Clone, Debug, PartialEq)]
pub struct ElementConstants {
    /// Density scale rho0.
    pub density_scale: f64,
    /// Decay constants beta(0..3).
    pub beta: [f64; 4],
    /// First-neighbour distance re(a,a) [A].
    pub re: f64,
    /// -beta(l) / re [1/A]: d ln rho_a^(l) / dr.
    pub log_slope: [f64; 4],
    /// Weights t(1..3) (augmented).
    pub t: [f64; 3],
    /// Factors applied to the atomic densities l = 0..3 (t(l) for ialloy = 1, else 1).
    pub density_weights: [f64; 4],
    /// Shape factors of the element's reference structure.
    pub shape: [f64; 3],
    /// The distinct values among beta(0..3) (the first `distinct_count`), and which of them
    /// each l uses: equal decay constants share one exponential.
    distinct_betas: [f64; 4],
    distinct_count: usize,
    beta_slot: [usize; 4],
    /// Constants of the density completion.
    pub density: ElementDensityConstants,
}

/// A MEAM parameter set prepared for evaluation.
#[derive(Clone, Debug)]
pub struct MeamModel {
    /// The completed parameters.
    pub params: MeamParams,
    /// Per-element constants.
    pub elements: Vec<ElementConstants>,
    /// Pair function tables, index `a * n + b` (both orders point to the same table).
    tables: Vec<RadialTable>,
    table_index: Vec<usize>,
    /// Squared screening bound per pair (`ebound`), index `a * n + b`.
    pub screening_bound: Vec<f64>,
    /// Bound on (r_ik^2 + r_jk^2) / r_ij^2 of a screening atom, per pair, index `a * n + b`.
    pub screening_sum_bound: Vec<f64>,
    /// Ellipse limits per triplet, index `(a * n + b) * n + c`.
    pub limits: Vec<EllipseLimits>,
    /// Shape factors used for the partner j of a pair owned by an atom of element a, index
    /// `a * n + b`: those of b's reference structure with a's bond angle (LAMMPS's convention;
    /// it matters only for zig and tri elements, and only with `mixture_ref_t`).
    partner_shapes: Vec<[f64; 3]>,
    /// Global switches of the density completion.
    pub settings: DensitySettings,
    /// Cutoff rc [A].
    pub cutoff: f64,
    /// Cutoff region width delr [A].
    pub cutoff_width: f64,
    /// Distance within which an atom can screen some pair [A]: rc sqrt(max ebound).
    pub screening_radius: f64,
}

impl ElementConstants {
    /// The constants of element `a` of `params`, whose reference background density is
    /// `rho_ref`.
    fn new(params: &MeamParams, a: usize, rho_ref: f64) -> Self {
        let e = &params.elements[a];
        let aa = params.pair(a, a);
        let re = params.re[aa];
        let lattice = params.lattice[aa];
        let shape = lattice.shape_factors(params.sin_half_angle[aa], params.cos_half_angle[aa]);
        let t = [e.t[1], e.t[2], e.t[3]];
        let (distinct_betas, distinct_count, beta_slot) = distinct_decays(&e.beta);
        ElementConstants {
            distinct_betas,
            distinct_count,
            beta_slot,
            density_scale: e.density_scale,
            beta: e.beta,
            re,
            log_slope: e.beta.map(|b| -b / re),
            t,
            density_weights: if params.t_averaging == TAveraging::SquareWeighted {
                [1.0, t[0], t[1], t[2]]
            } else {
                [1.0; 4]
            },
            shape,
            density: ElementDensityConstants {
                t,
                ibar: e.ibar,
                z: lattice.first_neighbors() as f64,
                shape,
                rho0: e.density_scale,
                rho_ref,
                embedding_scale: e.embedding_scale,
                cohesive_energy: params.ec[aa],
            },
        }
    }
}

/// The distinct values among `beta` (the first `count` of the array returned), and which of
/// them each l uses.
fn distinct_decays(beta: &[f64; 4]) -> ([f64; 4], usize, [usize; 4]) {
    let mut distinct = [0.0; 4];
    let mut count = 0;
    let mut slot = [0; 4];
    for l in 0..4 {
        slot[l] = match distinct[..count].iter().position(|&b| b == beta[l]) {
            Some(k) => k,
            None => {
                distinct[count] = beta[l];
                count += 1;
                count - 1
            }
        };
    }
    (distinct, count, slot)
}

/// The pair function of every element pair tabulated on [`TABLE_POINTS`] points up to 1.1 rc,
/// and the table of each pair, index `a * n + b` (both orders share a table).
fn pair_tables(params: &MeamParams, rho_ref: &[f64]) -> (Vec<RadialTable>, Vec<usize>) {
    let n = params.len();
    let spacing = 1.1 * params.cutoff / TABLE_POINTS as f64;
    let mut tables = Vec::new();
    let mut table_index = vec![0; n * n];
    for a in 0..n {
        for b in a..n {
            let values: Vec<f64> = (0..TABLE_POINTS)
                .map(|k| pair_function(params, rho_ref, k as f64 * spacing, a, b))
                .collect();
            table_index[a * n + b] = tables.len();
            table_index[b * n + a] = tables.len();
            tables.push(RadialTable::new(&values, spacing));
        }
    }
    (tables, table_index)
}

impl MeamModel {
    /// Prepares a completed parameter set (see [`MeamParams::complete`]).
    pub fn new(params: MeamParams) -> Self {
        let n = params.len();
        let rho_ref: Vec<f64> = (0..n)
            .map(|a| reference_background_density(&params, a))
            .collect();
        let elements = (0..n)
            .map(|a| ElementConstants::new(&params, a, rho_ref[a]))
            .collect();
        let (tables, table_index) = pair_tables(&params, &rho_ref);
        let screening_bound = params.screening_bounds();
        let screening_sum_bound = (0..n * n)
            .map(|ab| {
                (0..n)
                    .map(|c| screening_sum_bound(params.c_max[ab * n + c]))
                    .fold(0.0, f64::max)
            })
            .collect();
        let limits = params
            .c_min
            .iter()
            .zip(&params.c_max)
            .map(|(&c_min, &c_max)| EllipseLimits { c_min, c_max })
            .collect();
        let partner_shapes = (0..n * n)
            .map(|ab| {
                let (a, b) = (ab / n, ab % n);
                let (aa, bb) = (params.pair(a, a), params.pair(b, b));
                params.lattice[bb]
                    .shape_factors(params.sin_half_angle[aa], params.cos_half_angle[aa])
            })
            .collect();
        let max_bound = screening_bound.iter().copied().fold(1.0, f64::max);
        MeamModel {
            settings: DensitySettings {
                averaging: params.t_averaging,
                mixture_ref_t: params.mixture_ref_t,
                background_dynamo: params.background_dynamo,
                embedding_linear_negative: params.embedding_linear_negative,
                gsmooth: params.gsmooth_factor,
            },
            cutoff: params.cutoff,
            cutoff_width: params.cutoff_width,
            screening_radius: params.cutoff * max_bound.sqrt(),
            elements,
            tables,
            table_index,
            screening_bound,
            screening_sum_bound,
            limits,
            partner_shapes,
            params,
        }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.elements.len()
    }

    /// True when there are no elements.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
    }

    /// The tabulated pair function of elements (a, b).
    #[inline]
    pub fn pair_table(&self, a: usize, b: usize) -> &RadialTable {
        &self.tables[self.table_index[a * self.len() + b]]
    }

    /// Shape factors of the partner (element b) of a pair owned by an atom of element a.
    #[inline]
    pub fn partner_shape(&self, a: usize, b: usize) -> &[f64; 3] {
        &self.partner_shapes[a * self.len() + b]
    }

    /// Pair function phi [eV] and its derivative [eV/A] of elements (a, b) at `r` [A], as
    /// interpolated from the table (what the force loops use).
    pub fn pair_energy(&self, a: usize, b: usize, r: f64) -> (f64, f64) {
        self.pair_table(a, b).evaluate(r)
    }

    /// Atomic partial densities l = 0..3 of element `a` at distance `r` [A], with the factors
    /// t(l) applied for ialloy = 1 ([`super::density::atomic_densities`], computing one
    /// exponential per distinct decay constant).
    #[inline]
    pub fn atomic_densities(&self, a: usize, r: f64) -> [f64; 4] {
        let e = &self.elements[a];
        let x = r / e.re - 1.0;
        let mut decay = [0.0; 4];
        for k in 0..e.distinct_count {
            decay[k] = (-e.distinct_betas[k] * x).exp();
        }
        [0, 1, 2, 3].map(|l| e.density_scale * decay[e.beta_slot[l]] * e.density_weights[l])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::potential::meam::density::atomic_densities;
    use crate::potential::meam::reader::{parse_library, parse_parameters};
    use std::path::Path;

    #[test]
    fn shared_exponentials_give_the_atomic_densities() {
        let lib = std::fs::read_to_string("potentials/FePt_Kim2006.library.meam").unwrap();
        let par = std::fs::read_to_string("potentials/FePt_Kim2006.meam").unwrap();
        let mut p = MeamParams::with_defaults(
            parse_library(&lib, Path::new("lib"), &["Pt", "Fe"]).unwrap(),
        );
        parse_parameters(&par, Path::new("par"), &mut p).unwrap();
        let model = MeamModel::new(p.complete().unwrap());
        for a in 0..2 {
            let e = &model.params.elements[a];
            for &r in &[2.3, 2.77, 3.9, 4.4] {
                let direct = atomic_densities(e.density_scale, &e.beta, model.elements[a].re, r);
                assert_eq!(model.atomic_densities(a, r), direct);
            }
        }
        // The Pt-Fe pair function at the L1_2 first-neighbour distance: the table reproduces
        // the tabulated points exactly.
        let table = model.pair_table(0, 1);
        let k = 600;
        let r = k as f64 * table.spacing();
        let exact = crate::potential::meam::reference::pair_function(
            &model.params,
            &model
                .elements
                .iter()
                .map(|e| e.density.rho_ref)
                .collect::<Vec<_>>(),
            r,
            0,
            1,
        );
        assert!((table.evaluate(r).0 - exact).abs() < 1e-12);
    }
}
