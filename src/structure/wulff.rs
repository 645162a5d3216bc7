//! The Wulff construction: the equilibrium shape of a crystal is the inner envelope of the planes
//! `n . x = gamma(n)` over all facet normals `n` (Wulff 1901; Herring 1951), i.e. the convex
//! polyhedron `{x : n_i . x <= gamma_i for all i}`.
//!
//! Each family `{hkl}` is expanded by the crystal point group into its symmetry-equivalent
//! planes; the polyhedron's faces are found by clipping a large square in each plane against all
//! other planes; face areas (shoelace formula), the volume `V = sum_i A_i h_i / 3` (pyramids from
//! the Wulff point) and the area fraction of each family follow from the faces.
//!
//! Distances are normalised so that the closest plane sits at 1 (a dimensionless unit shape);
//! [`WulffPolyhedron::gauge`] gives the scale at which a point meets the surface, which is how a
//! particle of a given size is cut from a lattice.

use super::lattice::{Lattice, PointGroup, gcd};
use crate::error::{Error, Result};
use crate::system::Vec3;

/// One plane of the construction.
#[derive(Clone, Debug, PartialEq)]
pub struct WulffPlane {
    /// Representative Miller indices of the family as given.
    pub family: [i32; 3],
    /// Miller indices of this plane (a member of the family's orbit).
    pub miller: [i32; 3],
    /// Outward unit normal (crystal frame).
    pub normal: Vec3,
    /// Distance from the Wulff point, proportional to the surface energy (the lowest is 1).
    pub distance: f64,
}

/// A face of the polyhedron: its plane, its vertices (in order round the face) and its area, at
/// unit scale.
#[derive(Clone, Debug, PartialEq)]
pub struct WulffFace {
    /// The plane.
    pub plane: WulffPlane,
    /// Vertices in order round the face.
    pub vertices: Vec<Vec3>,
    /// Area at unit scale.
    pub area: f64,
}

/// A convex polyhedron bounded by Wulff planes, at unit scale.
#[derive(Clone, Debug, PartialEq)]
pub struct WulffPolyhedron {
    /// The families and their surface energies, in the order given.
    pub families: Vec<([i32; 3], f64)>,
    /// The faces with non-zero area (planes that do not touch the shape are left out).
    pub faces: Vec<WulffFace>,
    /// Volume at unit scale.
    pub volume: f64,
}

/// Faces smaller than this fraction of the total area are treated as absent (a plane touching
/// the polyhedron along an edge or at a vertex).
const MIN_FACE_FRACTION: f64 = 1e-9;

impl WulffPolyhedron {
    /// The Wulff shape of `lattice` for surface energies per family (any units, all positive),
    /// each family expanded by `group` (normally `lattice.point_group()`).
    pub fn from_surface_energies(
        lattice: &Lattice,
        group: PointGroup,
        energies: &[([i32; 3], f64)],
    ) -> Result<Self> {
        if energies.is_empty() {
            return Err(Error::invalid(
                "Wulff shape: give at least one surface energy",
            ));
        }
        let lowest = energies.iter().map(|e| e.1).fold(f64::INFINITY, f64::min);
        let mut planes: Vec<WulffPlane> = Vec::new();
        let mut seen: Vec<(Vec3, [i32; 3])> = Vec::new();
        for &(family, gamma) in energies {
            if !(gamma > 0.0) || !gamma.is_finite() {
                return Err(Error::invalid(format!(
                    "Wulff shape: surface energy {gamma} of {} must be positive",
                    miller_text(family)
                )));
            }
            lattice.plane_normal(family)?;
            for miller in group.orbit(family) {
                let normal = lattice.plane_normal(miller)?;
                if let Some((_, other)) = seen.iter().find(|(n, _)| (n - normal).norm() < 1e-9) {
                    if *other != family {
                        return Err(Error::invalid(format!(
                            "Wulff shape: families {} and {} are the same (equivalent by symmetry); give each once",
                            miller_text(*other),
                            miller_text(family)
                        )));
                    }
                    continue;
                }
                seen.push((normal, family));
                planes.push(WulffPlane {
                    family,
                    miller: reduced(miller),
                    normal,
                    distance: gamma / lowest,
                });
            }
        }
        let mut poly = Self::from_planes(planes)?;
        poly.families = energies.to_vec();
        Ok(poly)
    }

    /// The polyhedron `{x : n_i . x <= d_i}` of the given planes; errors if they do not enclose
    /// a bounded region.
    pub fn from_planes(planes: Vec<WulffPlane>) -> Result<Self> {
        let dmax = planes.iter().map(|p| p.distance).fold(0.0, f64::max);
        let reach = 1e3 * dmax;
        let mut faces = Vec::new();
        for (i, p) in planes.iter().enumerate() {
            let vertices = clip_face(p, &planes, i, reach);
            if vertices
                .iter()
                .any(|v| v.iter().any(|c| c.abs() > 0.5 * reach))
            {
                return Err(Error::invalid(
                    "Wulff shape: the facet families do not enclose a particle (add families that close it, e.g. {001} for a hexagonal prism)",
                ));
            }
            let area = polygon_area(&vertices, &p.normal);
            faces.push(WulffFace {
                plane: p.clone(),
                vertices,
                area,
            });
        }
        let total: f64 = faces.iter().map(|f| f.area).sum();
        faces.retain(|f| f.area > MIN_FACE_FRACTION * total);
        let volume = faces.iter().map(|f| f.area * f.plane.distance / 3.0).sum();
        let mut families: Vec<([i32; 3], f64)> = Vec::new();
        for p in &planes {
            if !families.iter().any(|f| f.0 == p.family) {
                families.push((p.family, p.distance));
            }
        }
        Ok(WulffPolyhedron {
            families,
            faces,
            volume,
        })
    }

    /// Total surface area at unit scale.
    pub fn area(&self) -> f64 {
        self.faces.iter().map(|f| f.area).sum()
    }

    /// Fraction of the surface area on each family, in the order of `families` (0 for a family
    /// that does not appear on the shape).
    pub fn area_fractions(&self) -> Vec<([i32; 3], f64)> {
        let total = self.area();
        self.families
            .iter()
            .map(|&(family, _)| {
                let a: f64 = self
                    .faces
                    .iter()
                    .filter(|f| f.plane.family == family)
                    .map(|f| f.area)
                    .sum();
                (family, a / total)
            })
            .collect()
    }

    /// The scale at which the surface passes through `x`: `max_i n_i . x / d_i` (the gauge
    /// function of the shape; `x` lies inside the shape at scale `s` when `gauge(x) <= s`).
    pub fn gauge(&self, x: &Vec3) -> f64 {
        self.faces
            .iter()
            .map(|f| f.plane.normal.dot(x) / f.plane.distance)
            .fold(0.0, f64::max)
    }

    /// How far `x` lies outside the shape at scale `s` [same unit as x]: `max_i (n_i . x - s d_i)`
    /// (negative inside).
    pub fn excess(&self, x: &Vec3, s: f64) -> f64 {
        self.faces
            .iter()
            .map(|f| f.plane.normal.dot(x) - s * f.plane.distance)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Largest |coordinate| of a vertex at unit scale (half the side of a bounding cube).
    pub fn extent(&self) -> f64 {
        self.faces
            .iter()
            .flat_map(|f| f.vertices.iter())
            .flat_map(|v| v.iter())
            .fold(0.0, |m: f64, c| m.max(c.abs()))
    }
}

/// Miller indices as written in input files: "(1, 1, 0)".
pub fn miller_text(h: [i32; 3]) -> String {
    format!("({}, {}, {})", h[0], h[1], h[2])
}

/// Miller indices divided by their greatest common divisor.
pub fn reduced(h: [i32; 3]) -> [i32; 3] {
    let g = gcd(
        gcd(h[0].unsigned_abs() as i64, h[1].unsigned_abs() as i64),
        h[2].unsigned_abs() as i64,
    ) as i32;
    if g <= 1 { h } else { h.map(|x| x / g) }
}

/// The face of plane `i`: a square of half-side `reach` in the plane, clipped by the half-spaces
/// of all other planes (Sutherland-Hodgman).
fn clip_face(p: &WulffPlane, planes: &[WulffPlane], i: usize, reach: f64) -> Vec<Vec3> {
    let n = p.normal;
    let helper = if n.x.abs() < 0.9 {
        Vec3::x()
    } else {
        Vec3::y()
    };
    let e1 = n.cross(&helper).normalize();
    let e2 = n.cross(&e1);
    let centre = n * p.distance;
    // Points as (u, v) in the plane: x = centre + u e1 + v e2.
    let mut poly: Vec<(f64, f64)> = vec![
        (-reach, -reach),
        (reach, -reach),
        (reach, reach),
        (-reach, reach),
    ];
    for (j, q) in planes.iter().enumerate() {
        if j == i || poly.is_empty() {
            continue;
        }
        // q.n . x <= q.d  <=>  a u + b v <= c.
        let a = q.normal.dot(&e1);
        let b = q.normal.dot(&e2);
        let c = q.distance - q.normal.dot(&centre);
        poly = clip_polygon(&poly, a, b, c);
    }
    poly.into_iter()
        .map(|(u, v)| centre + e1 * u + e2 * v)
        .collect()
}

/// The part of a convex polygon where `a u + b v <= c`.
fn clip_polygon(poly: &[(f64, f64)], a: f64, b: f64, c: f64) -> Vec<(f64, f64)> {
    let f = |p: &(f64, f64)| a * p.0 + b * p.1 - c;
    let tol = 1e-12 * (1.0 + c.abs());
    let mut out = Vec::with_capacity(poly.len() + 1);
    for k in 0..poly.len() {
        let p = poly[k];
        let q = poly[(k + 1) % poly.len()];
        let (fp, fq) = (f(&p), f(&q));
        if fp <= tol {
            out.push(p);
        }
        if (fp < -tol && fq > tol) || (fp > tol && fq < -tol) {
            let t = fp / (fp - fq);
            out.push((p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1)));
        }
    }
    out.dedup_by(|x, y| (x.0 - y.0).abs() < 1e-12 && (x.1 - y.1).abs() < 1e-12);
    if out.len() > 1 {
        let (f0, l) = (out[0], out[out.len() - 1]);
        if (f0.0 - l.0).abs() < 1e-12 && (f0.1 - l.1).abs() < 1e-12 {
            out.pop();
        }
    }
    out
}

/// Area of a planar polygon with unit normal `n`: |sum_k v_k x v_{k+1}| . n / 2.
fn polygon_area(vertices: &[Vec3], n: &Vec3) -> f64 {
    if vertices.len() < 3 {
        return 0.0;
    }
    let mut s = Vec3::zeros();
    for k in 0..vertices.len() {
        s += vertices[k].cross(&vertices[(k + 1) % vertices.len()]);
    }
    0.5 * s.dot(n).abs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structure::lattice::LatticeKind;

    fn fcc() -> Lattice {
        Lattice::new(LatticeKind::Fcc, 4.0, None).unwrap()
    }

    #[test]
    fn cube_and_octahedron() {
        let cube =
            WulffPolyhedron::from_surface_energies(&fcc(), PointGroup::Cubic, &[([1, 0, 0], 2.0)])
                .unwrap();
        assert_eq!(cube.faces.len(), 6);
        assert!((cube.volume - 8.0).abs() < 1e-12);
        assert!((cube.area() - 24.0).abs() < 1e-12);
        let oct =
            WulffPolyhedron::from_surface_energies(&fcc(), PointGroup::Cubic, &[([1, 1, 1], 1.0)])
                .unwrap();
        assert_eq!(oct.faces.len(), 8);
        // Octahedron with inradius 1: vertices at sqrt(3), volume 4/3 * 3^(3/2).
        assert!((oct.volume - 4.0 / 3.0 * 3f64.powf(1.5)).abs() < 1e-12);
        assert!((oct.gauge(&Vec3::new(3f64.sqrt(), 0.0, 0.0)) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn truncated_octahedron_fractions() {
        // Archimedean truncated octahedron: gamma100 / gamma111 = 2 / sqrt(3); 6 squares and 8
        // regular hexagons of equal edge e: areas 6 e^2 and 8 * 3 sqrt(3)/2 e^2.
        let p = WulffPolyhedron::from_surface_energies(
            &fcc(),
            PointGroup::Cubic,
            &[([1, 0, 0], 2.0 / 3f64.sqrt()), ([1, 1, 1], 1.0)],
        )
        .unwrap();
        let f = p.area_fractions();
        let expected = 6.0 / (6.0 + 12.0 * 3f64.sqrt());
        assert!((f[0].1 - expected).abs() < 1e-12, "{f:?}");
        // {110} too high to touch the shape: absent.
        let p = WulffPolyhedron::from_surface_energies(
            &fcc(),
            PointGroup::Cubic,
            &[([1, 0, 0], 1.0), ([1, 1, 0], 2.0)],
        )
        .unwrap();
        assert_eq!(p.area_fractions()[1].1, 0.0);
        assert_eq!(p.faces.len(), 6);
    }

    #[test]
    fn bad_families() {
        let e = WulffPolyhedron::from_surface_energies(
            &fcc(),
            PointGroup::Cubic,
            &[([1, 0, 0], 1.0), ([0, 1, 0], 1.1)],
        )
        .unwrap_err();
        assert!(e.to_string().contains("the same"), "{e}");
        let hcp = Lattice::new(LatticeKind::Hcp, 3.0, None).unwrap();
        let e = WulffPolyhedron::from_surface_energies(
            &hcp,
            PointGroup::Hexagonal,
            &[([1, 0, 0], 1.0)],
        )
        .unwrap_err();
        assert!(e.to_string().contains("do not enclose"), "{e}");
        let ok = WulffPolyhedron::from_surface_energies(
            &hcp,
            PointGroup::Hexagonal,
            &[([1, 0, 0], 1.0), ([0, 0, 1], 1.0)],
        )
        .unwrap();
        assert_eq!(ok.faces.len(), 8);
    }
}
