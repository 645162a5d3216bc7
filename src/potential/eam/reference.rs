//! A plain implementation of EAM, written for clarity: every atom loops over its whole
//! neighbour-list row and sums its own density, energy, force and virial, with LAMMPS's spline
//! coefficients used as LAMMPS uses them. Slow (each pair is evaluated from both sides); it
//! exists to cross-check the fast passes in [`super::passes`].

use super::spline::{SplineTable, derivative, locate, value};
use super::tables::EamTables;
use crate::error::Result;
use crate::neighbor::NeighborList;
use crate::potential::{Configuration, ForceOutput};

/// Energies, forces and virials of `config` with `tables`, into `out`.
pub fn compute(
    tables: &EamTables,
    config: Configuration<'_>,
    list: &NeighborList,
    out: &mut ForceOutput,
) -> Result<()> {
    let spline = |t: &Vec<f64>, d: f64| SplineTable::new(t, d);
    let embedding: Vec<SplineTable> = tables
        .embedding
        .iter()
        .map(|t| spline(t, tables.drho))
        .collect::<Result<_>>()?;
    let density: Vec<SplineTable> = tables
        .density
        .iter()
        .map(|t| spline(t, tables.dr))
        .collect::<Result<_>>()?;
    let pair: Vec<SplineTable> = tables
        .pair
        .iter()
        .map(|t| spline(t, tables.dr))
        .collect::<Result<_>>()?;
    let ns = tables.nspecies;
    let n = config.positions.len();
    let cut2 = tables.cutoff * tables.cutoff;
    let rdr = 1.0 / tables.dr;
    let at = |table: &SplineTable, r: f64| {
        let (m, p) = locate(r, rdr, tables.nr);
        let c = &table.coefficients[m];
        (value(c, p), derivative(c, p))
    };
    out.reset(n);

    let mut rho = vec![0.0; n];
    for (i, rho_i) in rho.iter_mut().enumerate() {
        let ti = config.types[i] as usize;
        for nb in list.iter_row(i, config.positions) {
            if nb.r2 < cut2 {
                let tj = config.types[nb.j] as usize;
                *rho_i += at(&density[tables.density_of[tj * ns + ti]], nb.r2.sqrt()).0;
            }
        }
    }

    let mut fp = vec![0.0; n];
    for i in 0..n {
        let table = &embedding[tables.embedding_of[config.types[i] as usize]];
        let (m, p) = locate(rho[i], 1.0 / tables.drho, tables.nrho);
        let c = &table.coefficients[m];
        fp[i] = derivative(c, p);
        let mut f = value(c, p);
        if rho[i] > tables.rho_max {
            f += fp[i] * (rho[i] - tables.rho_max);
        }
        out.per_atom_energy[i] = f;
    }

    for i in 0..n {
        let ti = config.types[i] as usize;
        for nb in list.iter_row(i, config.positions) {
            if nb.r2 >= cut2 {
                continue;
            }
            let j = nb.j;
            let tj = config.types[j] as usize;
            let r = nb.r2.sqrt();
            let slope_at_j = at(&density[tables.density_of[ti * ns + tj]], r).1;
            let slope_at_i = at(&density[tables.density_of[tj * ns + ti]], r).1;
            let (r_phi, r_phi_slope) = at(&pair[tables.pair_of[ti * ns + tj]], r);
            let phi = r_phi / r;
            let phi_slope = r_phi_slope / r - phi / r;
            let de_dr = fp[i] * slope_at_i + fp[j] * slope_at_j + phi_slope;
            let fpair = -de_dr / r;
            let d = nb.delta;
            out.forces[i] -= fpair * d;
            out.per_atom_energy[i] += 0.5 * phi;
            let w = &mut out.per_atom_virial[i];
            let h = 0.5 * fpair;
            w[0] += h * d.x * d.x;
            w[1] += h * d.y * d.y;
            w[2] += h * d.z * d.z;
            w[3] += h * d.x * d.y;
            w[4] += h * d.x * d.z;
            w[5] += h * d.y * d.z;
        }
    }
    out.sum_per_atom();
    Ok(())
}
