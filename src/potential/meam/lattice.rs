//! Reference structures of MEAM: the crystal (or molecule) in which an element, or a pair of
//! elements, is assumed to sit when its pair function is derived from the universal energy curve.
//!
//! Each lattice fixes the number of first neighbours Z, and for second-nearest-neighbour MEAM
//! (Lee & Baskes, Phys. Rev. B 62, 8564 (2000); Lee, Baskes, Kim & Cho, Phys. Rev. B 64, 184102
//! (2001)) the number of second neighbours Z2, the ratio a = R2/R1 of second- to first-neighbour
//! distance, and how many first neighbours sit between a second-neighbour pair (and so screen it).
//! The names are those of LAMMPS `pair_style meam` (`fcc`, `bcc`, `hcp`, `dim`, `dia`, `dia3`,
//! `b1`, `c11`, `l12`, `b2`, `ch4`, `lin`, `zig`, `tri`, `sc`).

use super::screening::ellipse_screening;

/// A MEAM reference structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lattice {
    /// Face-centred cubic.
    Fcc,
    /// Body-centred cubic.
    Bcc,
    /// Hexagonal close packed (ideal c/a).
    Hcp,
    /// Dimer.
    Dimer,
    /// Diamond cubic (second neighbours at sqrt(8/3) R1).
    Diamond,
    /// Diamond cubic treated up to its third neighbours (sqrt(11/3) R1).
    Diamond3,
    /// Rock salt (NaCl), alloy only.
    B1,
    /// C11b (MoSi2), alloy only.
    C11,
    /// L1_2 (Cu3Au), alloy only; the first element is the majority one.
    L12,
    /// B2 (CsCl), alloy only.
    B2,
    /// Methane-like molecule (first element at the centre), alloy only.
    Ch4,
    /// Linear chain (bond angle 180 degrees).
    Linear,
    /// Zig-zag chain with bond angle `theta`.
    ZigZag,
    /// Trimer with bond angle `theta`.
    Trimer,
    /// Simple cubic.
    SimpleCubic,
}

/// The second-neighbour shell of a reference structure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SecondShell {
    /// Number of second neighbours Z2.
    pub count: u32,
    /// Distance ratio a = R2 / R1.
    pub distance_ratio: f64,
    /// Screening S of one second-neighbour bond by the first neighbours between them (product of
    /// the triplet screening factors, each at the ellipse parameter of the ideal geometry).
    pub screening: f64,
}

impl Lattice {
    /// Every lattice with its LAMMPS name.
    pub const ALL: [(Lattice, &'static str); 15] = [
        (Lattice::Fcc, "fcc"),
        (Lattice::Bcc, "bcc"),
        (Lattice::Hcp, "hcp"),
        (Lattice::Dimer, "dim"),
        (Lattice::Diamond, "dia"),
        (Lattice::Diamond3, "dia3"),
        (Lattice::B1, "b1"),
        (Lattice::C11, "c11"),
        (Lattice::L12, "l12"),
        (Lattice::B2, "b2"),
        (Lattice::Ch4, "ch4"),
        (Lattice::Linear, "lin"),
        (Lattice::ZigZag, "zig"),
        (Lattice::Trimer, "tri"),
        (Lattice::SimpleCubic, "sc"),
    ];

    /// The lattice called `name` (LAMMPS spelling), if any.
    pub fn from_name(name: &str) -> Option<Lattice> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|&(l, _)| l)
    }

    /// The LAMMPS name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(l, _)| *l == self)
            .map(|&(_, n)| n)
            // Invariant: ALL lists every variant.
            .unwrap()
    }

    /// True for structures of a single element (allowed in a library file); the others describe
    /// a pair of elements and only appear as `lattce(i,j)` in a parameter file.
    pub fn is_elemental(self) -> bool {
        !matches!(
            self,
            Lattice::B1 | Lattice::C11 | Lattice::L12 | Lattice::B2 | Lattice::Ch4
        )
    }

    /// Number of first neighbours Z of the reference structure.
    pub fn first_neighbors(self) -> u32 {
        match self {
            Lattice::Fcc | Lattice::Hcp | Lattice::L12 => 12,
            Lattice::Bcc | Lattice::B2 => 8,
            Lattice::Dimer => 1,
            Lattice::Diamond | Lattice::Diamond3 | Lattice::Ch4 => 4,
            Lattice::B1 | Lattice::SimpleCubic => 6,
            Lattice::C11 => 10,
            Lattice::Linear | Lattice::ZigZag | Lattice::Trimer => 2,
        }
    }

    /// Nearest-neighbour distance of an elemental reference structure with conventional lattice
    /// constant `alat` [A], as LAMMPS derives `re(i,i)` from the library file [A]. `None` for the
    /// alloy structures (their `re` must come from the parameter file).
    pub fn nearest_neighbor_distance(self, alat: f64) -> Option<f64> {
        match self {
            Lattice::Fcc => Some(alat / 2f64.sqrt()),
            Lattice::Bcc => Some(alat * 3f64.sqrt() / 2.0),
            Lattice::Diamond | Lattice::Diamond3 => Some(alat * 3f64.sqrt() / 4.0),
            Lattice::Hcp
            | Lattice::Dimer
            | Lattice::Ch4
            | Lattice::Linear
            | Lattice::ZigZag
            | Lattice::Trimer
            | Lattice::SimpleCubic => Some(alat),
            Lattice::B1 | Lattice::B2 | Lattice::C11 | Lattice::L12 => None,
        }
    }

    /// Geometry of the second-neighbour shell: (Z2, R2/R1, number of screening first neighbours,
    /// third-shell flag); `None` where the structure has no second shell in MEAM.
    ///
    /// `sin_half_angle` = sin(theta/2) of the bond angle (used by `zig` and `tri`, whose
    /// second-neighbour distance is 2 sin(theta/2) R1).
    fn second_shell_geometry(self, sin_half_angle: f64) -> Option<(u32, f64, u32, bool)> {
        let s2 = 2f64.sqrt();
        match self {
            Lattice::Fcc | Lattice::Hcp | Lattice::L12 => Some((6, s2, 4, false)),
            Lattice::Bcc | Lattice::B2 => Some((6, 2.0 / 3f64.sqrt(), 4, false)),
            Lattice::Diamond => Some((12, (8.0f64 / 3.0).sqrt(), 1, false)),
            Lattice::Diamond3 => Some((12, (11.0f64 / 3.0).sqrt(), 4, true)),
            Lattice::B1 => Some((12, s2, 2, false)),
            Lattice::SimpleCubic => Some((12, s2, 2, false)),
            Lattice::ZigZag => Some((2, 2.0 * sin_half_angle, 1, false)),
            Lattice::Trimer => Some((1, 2.0 * sin_half_angle, 2, false)),
            Lattice::Dimer | Lattice::C11 | Lattice::Ch4 | Lattice::Linear => None,
        }
    }

    /// The second-neighbour shell with its screening for the triplet limits `c_min`, `c_max`
    /// (those of the pair and its screening element), as LAMMPS `get_Zij2`: each of the
    /// screening first neighbours sits at the ellipse parameter C = 4/a^2 - 1 (C = 1 for `dia3`),
    /// and S is the product of their screening factors. Structures without a second shell give
    /// Z2 = 0 (and a zero ratio), so that they add no second-neighbour terms.
    pub fn second_shell(self, c_min: f64, c_max: f64, sin_half_angle: f64) -> SecondShell {
        match self.second_shell_geometry(sin_half_angle) {
            Some((count, ratio, screeners, third)) => {
                let c = if third {
                    1.0
                } else {
                    4.0 / (ratio * ratio) - 1.0
                };
                let s = ellipse_screening(c, c_min, c_max);
                SecondShell {
                    count,
                    distance_ratio: ratio,
                    screening: s.powi(screeners as i32),
                }
            }
            None => SecondShell {
                count: 0,
                distance_ratio: 0.0,
                screening: 0.0,
            },
        }
    }

    /// Angular shape factors s1, s2, s3 of the reference structure: the partial densities of
    /// order l in the reference structure are s_l rho_a^(l)^2 (Baskes, Phys. Rev. B 46, 2727
    /// (1992); values and Legendre corrections as in LAMMPS). Zero for the cubic structures.
    /// `sin_half_angle`, `cos_half_angle`: sin and cos of half the bond angle (zig, tri).
    pub fn shape_factors(self, sin_half_angle: f64, cos_half_angle: f64) -> [f64; 3] {
        match self {
            Lattice::Hcp => [0.0, 0.0, 1.0 / 3.0],
            Lattice::Diamond | Lattice::Diamond3 | Lattice::Ch4 => [0.0, 0.0, 32.0 / 9.0],
            // s3 = 1 - 0.6 (the Legendre correction of DYNAMO with its default 0.6).
            Lattice::Dimer => [1.0, 2.0 / 3.0, 0.40],
            Lattice::Linear => [0.0, 8.0 / 3.0, 0.0],
            Lattice::ZigZag | Lattice::Trimer => {
                let (s, c) = (sin_half_angle, cos_half_angle);
                let s1 = 4.0 * c.powi(2);
                let s2 = 4.0 * (c.powi(4) + s.powi(4) - 1.0 / 3.0);
                let s3 = 4.0 * (c.powi(2) * (3.0 * s.powi(4) + c.powi(4))) - 0.6 * s1;
                [s1, s2, s3]
            }
            _ => [0.0; 3],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (l, n) in Lattice::ALL {
            assert_eq!(Lattice::from_name(n), Some(l));
            assert_eq!(l.name(), n);
        }
        assert_eq!(Lattice::from_name("FCC"), None);
        assert!(!Lattice::L12.is_elemental());
        assert!(Lattice::Bcc.is_elemental());
    }

    #[test]
    fn fcc_second_shell_is_screened_by_four_atoms_at_c_one() {
        // C = 4/2 - 1 = 1: fully screened when Cmin > 1, unscreened when Cmax < 1.
        let full = Lattice::Fcc.second_shell(1.53, 2.8, 1.0);
        assert_eq!(full.count, 6);
        assert!((full.distance_ratio - 2f64.sqrt()).abs() < 1e-15);
        assert_eq!(full.screening, 0.0);
        let open = Lattice::Fcc.second_shell(0.2, 0.9, 1.0);
        assert_eq!(open.screening, 1.0);
        // bcc: a = 2/sqrt(3), C = 2; partial screening for Cmin = 0.36, Cmax = 2.8.
        let bcc = Lattice::Bcc.second_shell(0.36, 2.8, 1.0);
        let x: f64 = (2.0 - 0.36) / (2.8 - 0.36);
        let s = (1.0 - (1.0 - x).powi(4)).powi(2);
        assert!((bcc.screening - s.powi(4)).abs() < 1e-14);
        assert_eq!(Lattice::Dimer.second_shell(0.0, 2.8, 1.0).count, 0);
    }

    #[test]
    fn nearest_neighbor_distances() {
        assert!(
            (Lattice::Fcc.nearest_neighbor_distance(4.0).unwrap() - 2.0 * 2f64.sqrt()).abs()
                < 1e-15
        );
        assert!((Lattice::Bcc.nearest_neighbor_distance(2.0).unwrap() - 3f64.sqrt()).abs() < 1e-15);
        assert_eq!(Lattice::L12.nearest_neighbor_distance(4.0), None);
    }
}
