//! The MEAM embedding function (Baskes, Phys. Rev. B 46, 2727 (1992), eq. 4):
//!
//!   F(rhobar) = A Ec rhobar ln(rhobar)   for rhobar > 0,
//!
//! where rhobar = rho / rho_ref is the background density scaled by that of the reference
//! structure. For rhobar <= 0, F = 0, or F = -A Ec rhobar when `emb_lin_neg` is set (LAMMPS).

/// Embedding energy F [eV] and its derivative dF/drhobar [eV] at scaled density `rhobar`, for
/// embedding scale `a` and cohesive energy `ec` [eV].
#[inline]
pub fn embedding_energy(a: f64, ec: f64, rhobar: f64, linear_negative: bool) -> (f64, f64) {
    let aec = a * ec;
    if rhobar > 0.0 {
        let l = rhobar.ln();
        (aec * rhobar * l, aec * (1.0 + l))
    } else if linear_negative {
        (-aec * rhobar, -aec)
    } else {
        (0.0, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedding_values_and_slope() {
        assert_eq!(embedding_energy(0.9, 5.77, 1.0, false), (0.0, 0.9 * 5.77));
        assert_eq!(embedding_energy(0.9, 5.77, -0.1, false), (0.0, 0.0));
        let (f, df) = embedding_energy(0.9, 5.77, -0.1, true);
        assert!((f - 0.9 * 5.77 * 0.1).abs() < 1e-15 && df == -0.9 * 5.77);
        let h = 1e-6;
        let x = 0.7;
        let fd = (embedding_energy(0.9, 5.77, x + h, false).0
            - embedding_energy(0.9, 5.77, x - h, false).0)
            / (2.0 * h);
        assert!((embedding_energy(0.9, 5.77, x, false).1 - fd).abs() < 1e-8);
    }
}
