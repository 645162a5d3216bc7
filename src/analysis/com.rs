//! Centres of mass, radius of gyration, the distance between particle centres, and the rigid
//! rotation that best maps one set of points onto another.

use nalgebra::Matrix3;

use crate::system::{System, Vec3};

/// Mass-weighted centre [A] of the atoms `members` (all atoms when None), from unwrapped
/// positions: R = sum m_i x_i / sum m_i.
pub fn centre_of_mass(system: &System, members: Option<&[u32]>) -> Vec3 {
    let mut total = 0.0;
    let mut sum = Vec3::zeros();
    let mut add = |i: usize| {
        let m = system.mass(i);
        total += m;
        sum += m * system
            .simbox
            .unwrap(&system.positions[i], &system.images[i]);
    };
    match members {
        Some(list) => list.iter().for_each(|&i| add(i as usize)),
        None => (0..system.len()).for_each(add),
    }
    if total > 0.0 {
        sum / total
    } else {
        Vec3::zeros()
    }
}

/// Mass-weighted radius of gyration [A]: Rg^2 = sum m_i |x_i - R|^2 / sum m_i.
pub fn radius_of_gyration(system: &System, members: Option<&[u32]>) -> f64 {
    let c = centre_of_mass(system, members);
    let mut total = 0.0;
    let mut sum = 0.0;
    let mut add = |i: usize| {
        let m = system.mass(i);
        total += m;
        sum += m
            * (system
                .simbox
                .unwrap(&system.positions[i], &system.images[i])
                - c)
                .norm_squared();
    };
    match members {
        Some(list) => list.iter().for_each(|&i| add(i as usize)),
        None => (0..system.len()).for_each(add),
    }
    if total > 0.0 {
        (sum / total).sqrt()
    } else {
        0.0
    }
}

/// Unweighted radius of gyration [A] of a set of points: sqrt(mean |x - mean x|^2).
pub fn gyration_of_points(points: &[Vec3]) -> f64 {
    if points.is_empty() {
        return 0.0;
    }
    let n = points.len() as f64;
    let c: Vec3 = points.iter().sum::<Vec3>() / n;
    (points.iter().map(|x| (x - c).norm_squared()).sum::<f64>() / n).sqrt()
}

/// Total linear momentum [g/mol A/ps] of `members` (all atoms when None).
pub fn linear_momentum(system: &System, members: Option<&[u32]>) -> Vec3 {
    let p = |i: usize| system.mass(i) * system.velocities[i];
    match members {
        Some(list) => list.iter().map(|&i| p(i as usize)).sum(),
        None => (0..system.len()).map(p).sum(),
    }
}

/// The rotation `R` minimising `sum_i |R (p_i - p0) - (q_i - q0)|^2` (centroids `p0`, `q0`):
/// `R = V diag(1, 1, det(V U^T)) U^T` from the SVD `H = U S V^T` of
/// `H = sum_i (p_i - p0)(q_i - q0)^T` (Kabsch 1976).
pub fn kabsch_rotation(p: &[Vec3], q: &[Vec3]) -> Matrix3<f64> {
    let n = p.len().max(1) as f64;
    let p0 = p.iter().sum::<Vec3>() / n;
    let q0 = q.iter().sum::<Vec3>() / n;
    let mut h = Matrix3::zeros();
    for (a, b) in p.iter().zip(q) {
        h += (a - p0) * (b - q0).transpose();
    }
    let svd = h.svd(true, true);
    // Invariant: svd(true, true) computes both U and V^T.
    let (u, vt) = (svd.u.expect("u"), svd.v_t.expect("v_t"));
    let v = vt.transpose();
    let d = (v * u.transpose()).determinant().signum();
    v * Matrix3::from_diagonal(&Vec3::new(1.0, 1.0, d)) * u.transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{SimBox, SpeciesTable};

    #[test]
    fn com_of_a_known_arrangement() {
        let sp = SpeciesTable::new(vec!["A".into(), "B".into()], vec![1.0, 3.0]).unwrap();
        let b = SimBox::new([0.0; 3], [10.0; 3], [true; 3]).unwrap();
        let mut s = System::new(b, sp);
        s.push(1, 0, Vec3::new(1.0, 0.0, 0.0), Vec3::zeros());
        s.push(2, 1, Vec3::new(5.0, 4.0, 0.0), Vec3::zeros());
        // Atom 2 has crossed the +x boundary once: its unwrapped x is 15.
        s.images[1] = [1, 0, 0];
        let c = centre_of_mass(&s, None);
        assert!((c - Vec3::new((1.0 + 3.0 * 15.0) / 4.0, 3.0, 0.0)).norm() < 1e-14);
        let c1 = centre_of_mass(&s, Some(&[0]));
        assert_eq!(c1, Vec3::new(1.0, 0.0, 0.0));
        // Rg^2 = (1 * |(1,0)-c|^2 + 3 * |(15,4)-c|^2) / 4
        let d1 = (Vec3::new(1.0, 0.0, 0.0) - c).norm_squared();
        let d2 = (Vec3::new(15.0, 4.0, 0.0) - c).norm_squared();
        assert!((radius_of_gyration(&s, None) - ((d1 + 3.0 * d2) / 4.0).sqrt()).abs() < 1e-12);
    }
}
