//! Crystal lattices: a conventional (orthogonal) cell with its basis and sublattices, the cell that
//! Miller indices refer to, the crystal point group, and lattice planes.
//!
//! Glossary: `a`, `c` lattice parameters [A]; conventional cell = the orthogonal cell sites are
//! generated from (cubic a x a x a; tetragonal a x a x c for L1_0; orthohexagonal a x sqrt(3) a x c
//! for hcp); Miller cell = the cell `(hkl)` and `[uvw]` refer to (the conventional cell, except the
//! hexagonal a1, a2, c cell for hcp); a site is labelled by its conventional cell and basis index.

use nalgebra::Matrix3;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::system::Vec3;

/// The lattices sintermd builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LatticeKind {
    /// Simple cubic, 1 atom per cell.
    Sc,
    /// Body-centred cubic, 2 atoms per cell.
    Bcc,
    /// Face-centred cubic, 4 atoms per cell.
    Fcc,
    /// Diamond, 8 atoms per cell.
    Diamond,
    /// Hexagonal close packed (ABAB along c), 4 atoms per orthohexagonal cell; `c` defaults to the
    /// ideal sqrt(8/3) a.
    Hcp,
    /// L1_2 (Cu3Au type, e.g. Pt3Fe): fcc with sublattice 0 on the face centres (3 per cell, the
    /// majority species) and sublattice 1 on the corners (1 per cell).
    L12,
    /// L1_0 (CuAu type, e.g. FePt): fcc-derived tetragonal a x a x c cell, alternating (001) layers:
    /// sublattice 0 at z = 0, sublattice 1 at z = c/2; `c` defaults to `a`.
    L10,
}

/// Lattice kinds that old inputs name `CubicLattice`.
pub type CubicLattice = LatticeKind;

/// Crystal point groups, acting on Miller indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PointGroup {
    /// m-3m (48 operations).
    Cubic,
    /// 4/mmm about z (16 operations).
    Tetragonal,
    /// 6/mmm about c (24 operations), on three-index hexagonal Miller indices.
    Hexagonal,
}

/// An integer 3x3 matrix acting on Miller indices as columns.
pub type MillerOperation = [[i32; 3]; 3];

fn apply(op: &MillerOperation, h: [i32; 3]) -> [i32; 3] {
    [0, 1, 2].map(|r| op[r][0] * h[0] + op[r][1] * h[1] + op[r][2] * h[2])
}

fn compose(p: &MillerOperation, q: &MillerOperation) -> MillerOperation {
    let mut out = [[0; 3]; 3];
    for (r, row) in out.iter_mut().enumerate() {
        for (c, v) in row.iter_mut().enumerate() {
            *v = (0..3).map(|k| p[r][k] * q[k][c]).sum();
        }
    }
    out
}

impl PointGroup {
    /// Generators acting on Miller indices (h' = M h): a rotation of highest order, a second
    /// rotation, and the inversion.
    fn generators(self) -> [MillerOperation; 3] {
        let inversion = [[-1, 0, 0], [0, -1, 0], [0, 0, -1]];
        match self {
            // 4-fold about z: (h, k, l) -> (-k, h, l); 3-fold about [111]: (h, k, l) -> (l, h, k).
            PointGroup::Cubic => [
                [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
                [[0, 0, 1], [1, 0, 0], [0, 1, 0]],
                inversion,
            ],
            // 4-fold about z; 2-fold about x: (h, k, l) -> (h, -k, -l).
            PointGroup::Tetragonal => [
                [[0, -1, 0], [1, 0, 0], [0, 0, 1]],
                [[1, 0, 0], [0, -1, 0], [0, 0, -1]],
                inversion,
            ],
            // 6-fold about c: a1 -> a1 + a2, a2 -> -a1, so (h, k, l) -> (-k, h + k, l);
            // 2-fold about a1: a2 -> -a1 - a2, c -> -c, so (h, k, l) -> (h, -h - k, -l).
            PointGroup::Hexagonal => [
                [[0, -1, 0], [1, 1, 0], [0, 0, 1]],
                [[1, 0, 0], [-1, -1, 0], [0, 0, -1]],
                inversion,
            ],
        }
    }

    /// All operations of the group on Miller indices, the identity first.
    pub fn operations(self) -> Vec<MillerOperation> {
        let identity = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
        let generators = self.generators();
        let mut group = vec![identity];
        let mut k = 0;
        while k < group.len() {
            for g in &generators {
                let p = compose(g, &group[k]);
                if !group.contains(&p) {
                    group.push(p);
                }
            }
            k += 1;
        }
        group
    }

    /// The Miller indices equivalent to `hkl` under the group, `hkl` first.
    pub fn orbit(self, hkl: [i32; 3]) -> Vec<[i32; 3]> {
        let mut out: Vec<[i32; 3]> = Vec::new();
        for op in self.operations() {
            let h = apply(&op, hkl);
            if !out.contains(&h) {
                out.push(h);
            }
        }
        out
    }
}

/// A site: conventional cell index and basis index.
pub type SiteLabel = ([i32; 3], u8);

/// A lattice with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Lattice {
    /// The kind of lattice.
    pub kind: LatticeKind,
    /// Lattice parameter a [A].
    pub a: f64,
    /// Lattice parameter c [A] (equal to `a` for cubic lattices).
    pub c: f64,
}

/// Lattice parameters sintermd accepts [A]: every crystal's lie well inside; outside it a
/// structure would have no atom or more than any machine holds, and plane geometry underflows.
pub const LATTICE_PARAMETER_RANGE: (f64, f64) = (0.5, 100.0);

impl Lattice {
    /// A lattice of `kind` with parameter `a` [A] and, for hcp and L1_0, `c` [A].
    pub fn new(kind: LatticeKind, a: f64, c: Option<f64>) -> Result<Self> {
        if !(LATTICE_PARAMETER_RANGE.0..=LATTICE_PARAMETER_RANGE.1).contains(&a) {
            return Err(Error::invalid(format!(
                "lattice parameter a = {a:?} A must be between {:?} and {:?} A",
                LATTICE_PARAMETER_RANGE.0, LATTICE_PARAMETER_RANGE.1
            )));
        }
        let c = match (kind, c) {
            (LatticeKind::Hcp, None) => (8.0f64 / 3.0).sqrt() * a,
            (LatticeKind::L10, None) => a,
            (LatticeKind::Hcp | LatticeKind::L10, Some(c)) => {
                if !(LATTICE_PARAMETER_RANGE.0..=LATTICE_PARAMETER_RANGE.1).contains(&c) {
                    return Err(Error::invalid(format!(
                        "lattice parameter c = {c:?} A must be between {:?} and {:?} A",
                        LATTICE_PARAMETER_RANGE.0, LATTICE_PARAMETER_RANGE.1
                    )));
                }
                c
            }
            (_, None) => a,
            (k, Some(_)) => {
                return Err(Error::invalid(format!(
                    "lattice {k:?} is cubic: give only a, not c"
                )));
            }
        };
        Ok(Lattice { kind, a, c })
    }

    /// Edges of the conventional (orthogonal) cell [A].
    pub fn cell_lengths(&self) -> [f64; 3] {
        match self.kind {
            LatticeKind::Hcp => [self.a, 3f64.sqrt() * self.a, self.c],
            LatticeKind::L10 => [self.a, self.a, self.c],
            _ => [self.a; 3],
        }
    }

    /// Basis of the conventional cell in fractions of its edges.
    pub fn basis(&self) -> &'static [[f64; 3]] {
        const FCC: [[f64; 3]; 4] = [
            [0.0, 0.0, 0.0],
            [0.5, 0.5, 0.0],
            [0.5, 0.0, 0.5],
            [0.0, 0.5, 0.5],
        ];
        match self.kind {
            LatticeKind::Sc => &[[0.0, 0.0, 0.0]],
            LatticeKind::Bcc => &[[0.0, 0.0, 0.0], [0.5, 0.5, 0.5]],
            LatticeKind::Fcc | LatticeKind::L12 | LatticeKind::L10 => &FCC,
            LatticeKind::Diamond => &[
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 0.0, 0.5],
                [0.0, 0.5, 0.5],
                [0.25, 0.25, 0.25],
                [0.75, 0.75, 0.25],
                [0.75, 0.25, 0.75],
                [0.25, 0.75, 0.75],
            ],
            // A layer: (0, 0), (a/2, sqrt(3) a/2); B layer over the centroids of A triangles.
            LatticeKind::Hcp => &[
                [0.0, 0.0, 0.0],
                [0.5, 0.5, 0.0],
                [0.5, 1.0 / 6.0, 0.5],
                [0.0, 2.0 / 3.0, 0.5],
            ],
        }
    }

    /// Sublattice of each basis site (ordered alloys have several; see [`LatticeKind`]).
    pub fn sublattice_of_basis(&self) -> &'static [usize] {
        match self.kind {
            LatticeKind::L12 => &[1, 0, 0, 0],
            LatticeKind::L10 => &[0, 0, 1, 1],
            LatticeKind::Sc => &[0],
            LatticeKind::Bcc => &[0, 0],
            LatticeKind::Fcc | LatticeKind::Hcp => &[0, 0, 0, 0],
            LatticeKind::Diamond => &[0; 8],
        }
    }

    /// Number of sublattices.
    pub fn sublattice_count(&self) -> usize {
        match self.kind {
            LatticeKind::L12 | LatticeKind::L10 => 2,
            _ => 1,
        }
    }

    /// Position of site `(cell, b)` [A] (the site of cell 0, basis 0 is the origin).
    pub fn site(&self, site: SiteLabel) -> Vec3 {
        let (cell, b) = site;
        let l = self.cell_lengths();
        let f = self.basis()[b as usize];
        Vec3::new(
            (cell[0] as f64 + f[0]) * l[0],
            (cell[1] as f64 + f[1]) * l[1],
            (cell[2] as f64 + f[2]) * l[2],
        )
    }

    /// Volume per atom [A^3].
    pub fn atomic_volume(&self) -> f64 {
        self.cell_lengths().iter().product::<f64>() / self.basis().len() as f64
    }

    /// Nearest-neighbour sites of each basis site: `(cell offset, basis index)`, within
    /// [`Lattice::nearest_neighbor_distance`] (1e-6 relative), sorted.
    pub fn neighbor_offsets(&self) -> Vec<Vec<SiteLabel>> {
        let d = self.nearest_neighbor_distance() * (1.0 + 1e-6);
        let n = self.basis().len();
        (0..n)
            .map(|b| {
                let x0 = self.site(([0; 3], b as u8));
                let mut out = Vec::new();
                for i in -2..=2 {
                    for j in -2..=2 {
                        for k in -2..=2 {
                            for b2 in 0..n {
                                let s = ([i, j, k], b2 as u8);
                                let r = (self.site(s) - x0).norm();
                                if r > 1e-9 && r < d {
                                    out.push(s);
                                }
                            }
                        }
                    }
                }
                out.sort();
                out
            })
            .collect()
    }

    /// Nearest-neighbour distance [A].
    pub fn nearest_neighbor_distance(&self) -> f64 {
        let n = self.basis().len();
        let mut best = f64::INFINITY;
        for b in 0..n {
            let x0 = self.site(([0; 3], b as u8));
            for i in -1..=1 {
                for j in -1..=1 {
                    for k in -1..=1 {
                        for b2 in 0..n {
                            let r = (self.site(([i, j, k], b2 as u8)) - x0).norm();
                            if r > 1e-9 {
                                best = best.min(r);
                            }
                        }
                    }
                }
            }
        }
        best
    }

    /// The crystal point group.
    pub fn point_group(&self) -> PointGroup {
        match self.kind {
            LatticeKind::Hcp => PointGroup::Hexagonal,
            LatticeKind::L10 => PointGroup::Tetragonal,
            _ => PointGroup::Cubic,
        }
    }

    /// True for lattices whose conventional cell is a cube or a tetragonal prism (Miller indices
    /// on the conventional cell).
    pub fn is_cubic_like(&self) -> bool {
        self.kind != LatticeKind::Hcp
    }

    /// The cell Miller indices and directions refer to, as columns [A]: the conventional cell, or
    /// for hcp a1 = a (1, 0, 0), a2 = a (-1/2, sqrt(3)/2, 0), a3 = c (0, 0, 1).
    pub fn miller_cell(&self) -> Matrix3<f64> {
        match self.kind {
            LatticeKind::Hcp => Matrix3::new(
                self.a,
                -0.5 * self.a,
                0.0,
                0.0,
                0.5 * 3f64.sqrt() * self.a,
                0.0,
                0.0,
                0.0,
                self.c,
            ),
            _ => {
                let l = self.cell_lengths();
                Matrix3::from_diagonal(&Vec3::new(l[0], l[1], l[2]))
            }
        }
    }

    /// Cartesian vector of the direction `[uvw]` on the Miller cell [A].
    pub fn direction(&self, uvw: [i32; 3]) -> Vec3 {
        self.miller_cell() * Vec3::new(uvw[0] as f64, uvw[1] as f64, uvw[2] as f64)
    }

    /// Reciprocal vector `h b1 + k b2 + l b3` of the plane family `(hkl)` (with a_i . b_j =
    /// delta_ij) [1/A]; its length is 1 / (Bravais spacing of the Miller cell's planes).
    fn reciprocal(&self, hkl: [i32; 3]) -> Vec3 {
        let b = self
            .miller_cell()
            .try_inverse()
            // Invariant: Lattice::new keeps a and c within LATTICE_PARAMETER_RANGE, so the
            // Miller cell's determinant (a few a^3) is far from 0.
            .expect("cell is not singular")
            .transpose();
        b * Vec3::new(hkl[0] as f64, hkl[1] as f64, hkl[2] as f64)
    }

    /// Unit normal of the planes `(hkl)` (crystal frame).
    pub fn plane_normal(&self, hkl: [i32; 3]) -> Result<Vec3> {
        if hkl == [0, 0, 0] {
            return Err(Error::invalid("Miller indices (0, 0, 0) name no plane"));
        }
        Ok(self.reciprocal(hkl).normalize())
    }

    /// Position (along the unit normal of `(hkl)`, from the origin site) of the first lattice
    /// plane beyond `p` [A], i.e. the smallest `n . x` over sites `x` with `n . x > p + 1e-6`.
    ///
    /// Sites project to `k d0 + n . s_b` for integers `k` and basis sites `s_b`, where `d0` is
    /// the spacing of the conventional cell's translations along `n`:
    /// `d0 = gcd(c) / |h b|` with `c_k = h . (M^-1 t_k)`, `t_k` the conventional cell edges and `M`
    /// the Miller cell (integers, as conventional translations are lattice translations).
    pub fn next_plane_above(&self, hkl: [i32; 3], p: f64) -> f64 {
        let g = self.reciprocal(hkl);
        let n = g.normalize();
        let m_inv = self
            .miller_cell()
            .try_inverse()
            // Invariant: see `reciprocal`.
            .expect("cell is not singular");
        let l = self.cell_lengths();
        let mut gcd_c = 0i64;
        for (k, len) in l.iter().enumerate() {
            let mut t = Vec3::zeros();
            t[k] = *len;
            let u = m_inv * t;
            let c =
                (hkl[0] as f64 * u[0] + hkl[1] as f64 * u[1] + hkl[2] as f64 * u[2]).round() as i64;
            gcd_c = gcd(gcd_c, c.abs());
        }
        let d0 = gcd_c as f64 / g.norm();
        self.basis()
            .iter()
            .enumerate()
            .map(|(b, _)| {
                let off = n.dot(&self.site(([0; 3], b as u8)));
                let k = ((p + 1e-6 - off) / d0).floor() + 1.0;
                off + k * d0
            })
            .fold(f64::INFINITY, f64::min)
    }
}

/// Greatest common divisor of two non-negative integers.
pub fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Sites of `cells` conventional cells of a `kind` lattice with parameter `a` (and the default
/// `c`) [A], starting at the origin, ordered cell by cell (x slowest) and by basis within a cell.
pub fn block_sites(kind: LatticeKind, a: f64, cells: [usize; 3]) -> Vec<Vec3> {
    match Lattice::new(kind, a, None) {
        Ok(lattice) => lattice_block_sites(&lattice, cells)
            .into_iter()
            .map(|s| s.0)
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Sites of `cells` conventional cells of `lattice` starting at the origin, with their
/// sublattices, ordered cell by cell (x slowest) and by basis within a cell [A].
pub fn lattice_block_sites(lattice: &Lattice, cells: [usize; 3]) -> Vec<(Vec3, usize)> {
    let nb = lattice.basis().len();
    let sub = lattice.sublattice_of_basis();
    let mut out = Vec::with_capacity(cells.iter().product::<usize>() * nb);
    for i in 0..cells[0] as i32 {
        for j in 0..cells[1] as i32 {
            for k in 0..cells[2] as i32 {
                for (b, &sublattice) in sub.iter().enumerate() {
                    out.push((lattice.site(([i, j, k], b as u8)), sublattice));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_orders() {
        assert_eq!(PointGroup::Cubic.operations().len(), 48);
        assert_eq!(PointGroup::Tetragonal.operations().len(), 16);
        assert_eq!(PointGroup::Hexagonal.operations().len(), 24);
        assert_eq!(PointGroup::Cubic.orbit([1, 0, 0]).len(), 6);
        assert_eq!(PointGroup::Cubic.orbit([1, 1, 1]).len(), 8);
        assert_eq!(PointGroup::Cubic.orbit([1, 1, 0]).len(), 12);
        assert_eq!(PointGroup::Cubic.orbit([3, 2, 1]).len(), 48);
        assert_eq!(PointGroup::Tetragonal.orbit([1, 0, 0]).len(), 4);
        assert_eq!(PointGroup::Tetragonal.orbit([0, 0, 1]).len(), 2);
        // {10-10} prism: 6 planes; (0001) basal: 2.
        assert_eq!(PointGroup::Hexagonal.orbit([1, 0, 0]).len(), 6);
        assert_eq!(PointGroup::Hexagonal.orbit([0, 0, 1]).len(), 2);
    }

    #[test]
    fn hexagonal_operations_are_rotations_in_cartesian_space() {
        // Every operation maps the normal of (hkl) to the normal of (h'k'l') by a rotation: the
        // angle between two planes is kept.
        let l = Lattice::new(LatticeKind::Hcp, 2.7, Some(4.4)).unwrap();
        let h1 = [1, 0, 1];
        let h2 = [0, 1, 2];
        let cos = l
            .plane_normal(h1)
            .unwrap()
            .dot(&l.plane_normal(h2).unwrap());
        for op in PointGroup::Hexagonal.operations() {
            let n1 = l.plane_normal(apply(&op, h1)).unwrap();
            let n2 = l.plane_normal(apply(&op, h2)).unwrap();
            assert!((n1.dot(&n2) - cos).abs() < 1e-12);
        }
    }

    #[test]
    fn nearest_neighbours() {
        let a = 4.0;
        let fcc = Lattice::new(LatticeKind::Fcc, a, None).unwrap();
        assert!((fcc.nearest_neighbor_distance() - a / 2f64.sqrt()).abs() < 1e-12);
        assert!(fcc.neighbor_offsets().iter().all(|n| n.len() == 12));
        let bcc = Lattice::new(LatticeKind::Bcc, a, None).unwrap();
        assert!((bcc.nearest_neighbor_distance() - a * 3f64.sqrt() / 2.0).abs() < 1e-12);
        assert!(bcc.neighbor_offsets().iter().all(|n| n.len() == 8));
        let hcp = Lattice::new(LatticeKind::Hcp, a, None).unwrap();
        assert!((hcp.nearest_neighbor_distance() - a).abs() < 1e-12);
        assert!(hcp.neighbor_offsets().iter().all(|n| n.len() == 12));
        let dia = Lattice::new(LatticeKind::Diamond, a, None).unwrap();
        assert!(dia.neighbor_offsets().iter().all(|n| n.len() == 4));
        assert!(Lattice::new(LatticeKind::Fcc, a, Some(3.0)).is_err());
        assert!(Lattice::new(LatticeKind::Fcc, -1.0, None).is_err());
    }

    #[test]
    fn plane_positions() {
        let a = 4.0;
        let fcc = Lattice::new(LatticeKind::Fcc, a, None).unwrap();
        // fcc (100) planes every a/2, (111) every a/sqrt(3), (110) every a/(2 sqrt(2)).
        assert!((fcc.next_plane_above([1, 0, 0], 0.0) - a / 2.0).abs() < 1e-12);
        assert!((fcc.next_plane_above([1, 1, 1], 0.0) - a / 3f64.sqrt()).abs() < 1e-12);
        assert!((fcc.next_plane_above([1, 1, 0], 0.0) - a / 8f64.sqrt()).abs() < 1e-12);
        assert!((fcc.next_plane_above([1, 0, 0], 3.0 * a) - 3.5 * a).abs() < 1e-12);
        let hcp = Lattice::new(LatticeKind::Hcp, a, None).unwrap();
        assert!((hcp.next_plane_above([0, 0, 1], 0.0) - hcp.c / 2.0).abs() < 1e-12);
        let dia = Lattice::new(LatticeKind::Diamond, a, None).unwrap();
        assert!((dia.next_plane_above([1, 1, 1], 0.0) - a * 3f64.sqrt() / 4.0).abs() < 1e-12);
    }
}
