//! Centres of mass, radius of gyration and the distance between particle centres.

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
