//! The universal energy curve of Rose et al. (Phys. Rev. B 29, 2963 (1984)) that defines the
//! energy of each MEAM reference structure, and the ZBL universal screened-nuclear repulsion
//! (Ziegler, Biersack & Littmark 1985) that MEAM can blend in at short range.

use super::params::RoseForm;
use super::screening::smooth_step;

/// Energy per atom of the reference structure at first-neighbour distance `r` [A] [eV]:
/// E_u(r) = -Ec (1 + a* + cubic(a*)) exp(-a*), a* = alpha (r/re - 1). The cubic term is
/// a3 a*^3 / (r/re) (form 0), (-attrac + repuls/r) a*^3 (form 1) or a3 a*^3 (form 2), with
/// a3 = attrac for a* >= 0 and repuls for a* < 0. Zero at r <= 0.
pub fn rose_energy(
    r: f64,
    re: f64,
    alpha: f64,
    ec: f64,
    repuls: f64,
    attrac: f64,
    form: RoseForm,
) -> f64 {
    if r <= 0.0 {
        return 0.0;
    }
    let astar = alpha * (r / re - 1.0);
    let a3 = if astar >= 0.0 { attrac } else { repuls };
    let cube = astar * astar * astar;
    let cubic = match form {
        RoseForm::ScaledCubic => a3 * cube / (r / re),
        RoseForm::Mixed => (-attrac + repuls / r) * cube,
        RoseForm::Cubic => a3 * cube,
    };
    -ec * (1.0 + astar + cubic) * (-astar).exp()
}

/// ZBL repulsion [eV] between nuclei of atomic numbers `z1`, `z2` at distance `r` [A]:
/// V = 14.3997 z1 z2 / r sum_i c_i exp(-d_i r / a), a = 0.4685 / (z1^0.23 + z2^0.23) [A],
/// with the constants LAMMPS's MEAM uses.
pub fn zbl_energy(r: f64, z1: u32, z2: u32) -> f64 {
    const C: [f64; 4] = [0.028171, 0.28022, 0.50986, 0.18175];
    const D: [f64; 4] = [0.20162, 0.40290, 0.94229, 3.1998];
    const A0: f64 = 0.4685;
    const E2: f64 = 14.3997;
    let a = A0 / ((z1 as f64).powf(0.23) + (z2 as f64).powf(0.23));
    let x = r / a;
    let sum: f64 = C.iter().zip(&D).map(|(c, d)| c * (-d * x).exp()).sum();
    if r > 0.0 {
        sum * (z1 * z2) as f64 / r * E2
    } else {
        sum
    }
}

/// Blends a MEAM pair value `phi` [eV] at distance `r` [A] with the ZBL repulsion `zbl` [eV]:
/// pure ZBL for a* = alpha (r/re - 1) <= -3, pure `phi` for a* >= -1, and
/// f_c(1 - (a* + 1)/(-2)) phi + (1 - f_c) zbl in between.
pub fn zbl_blend(phi: f64, zbl: impl FnOnce() -> f64, r: f64, re: f64, alpha: f64) -> f64 {
    let astar = alpha * (r / re - 1.0);
    if astar <= -3.0 {
        zbl()
    } else if astar < -1.0 {
        let frac = smooth_step(1.0 - (astar + 1.0) / (-3.0 + 1.0));
        frac * phi + (1.0 - frac) * zbl()
    } else {
        phi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rose_minimum_is_minus_ec_at_re() {
        for form in [RoseForm::ScaledCubic, RoseForm::Mixed, RoseForm::Cubic] {
            let e = rose_energy(2.77, 2.77, 6.5, 5.77, 0.05, 0.05, form);
            assert!((e + 5.77).abs() < 1e-14);
            let h = 1e-5;
            let slope = (rose_energy(2.77 + h, 2.77, 6.5, 5.77, 0.0, 0.0, form)
                - rose_energy(2.77 - h, 2.77, 6.5, 5.77, 0.0, 0.0, form))
                / (2.0 * h);
            assert!(slope.abs() < 1e-8);
        }
        assert_eq!(
            rose_energy(0.0, 2.77, 6.5, 5.77, 0.0, 0.0, RoseForm::Cubic),
            0.0
        );
    }

    #[test]
    fn zbl_tends_to_coulomb_at_short_range() {
        let r = 1e-7;
        let coulomb = 14.3997 * 29.0 * 29.0 / r;
        assert!((zbl_energy(r, 29, 29) / coulomb - 1.0).abs() < 1e-3);
        assert_eq!(zbl_blend(1.0, || 5.0, 2.0, 2.5, 5.0), 1.0);
        assert_eq!(zbl_blend(1.0, || 5.0, 0.5, 2.5, 5.0), 5.0);
    }
}
