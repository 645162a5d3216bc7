//! Neck measurement on constructed necks of known radius: a cylinder of occupied sites of radius
//! r0 through the contact plane must measure r = sqrt(N / (sigma pi)) exactly (N counted by brute
//! force in the contact lattice plane) and r close to r0, on (100) and (111) crystal planes and
//! on an amorphous mesh.

mod kmc_support;

use kmc_support::{A_PD, relaxed_random_mesh};
use nalgebra::Matrix3;
use sintermd::kmc::lattice::{FccLattice, SiteSet};
use sintermd::kmc::mesh::{MeshNeighbors, mesh_sites};
use sintermd::kmc::neck::SlabNeckProbe;
use sintermd::structure::orientation::orientation_matrix;
use sintermd::system::{SimBox, Vec3};

fn block(lattice: &FccLattice, half: f64) -> SiteSet {
    let positions = lattice.sites_in(Vec3::repeat(-half), Vec3::repeat(half), |_| true);
    let simbox = SimBox::new([-half - 1.0; 3], [half + 1.0; 3], [false; 3]).unwrap();
    SiteSet::with_cutoff(
        positions,
        simbox,
        lattice.neighbor_cutoff(),
        lattice.nearest_neighbor_distance(),
    )
    .unwrap()
}

/// Occupancy of a cylinder of radius `r0` about the x axis.
fn cylinder(sites: &SiteSet, r0: f64) -> Vec<u8> {
    sites
        .positions
        .iter()
        .map(|x| u8::from(x.y * x.y + x.z * x.z <= r0 * r0))
        .collect()
}

fn crystal_necks(rotation: Matrix3<f64>, plane_spacing: f64, label: &str) {
    let lattice = FccLattice {
        a: A_PD,
        rotation,
        origin: Vec3::zeros(),
    };
    let sites = block(&lattice, 40.0);
    // The contact point lies between lattice planes: the probe must pick the plane through x = 0.
    let contact = Vec3::new(0.3 * plane_spacing, 0.0, 0.0);
    let probe = SlabNeckProbe::crystal(&sites, &lattice, contact, Vec3::x(), 37.5).unwrap();
    assert!(
        (probe.thickness - plane_spacing).abs() < 1e-12,
        "{label}: plane spacing"
    );
    assert!(
        probe.plane_point.x.abs() < 1e-9,
        "{label}: contact plane through the origin"
    );
    let sigma = 4.0 / A_PD.powi(3) * plane_spacing;
    for r0 in [15.0, 20.0, 30.0] {
        let occupancy = cylinder(&sites, r0);
        let in_plane = sites
            .positions
            .iter()
            .zip(&occupancy)
            .filter(|&(x, &o)| o != 0 && x.x.abs() < 1e-6)
            .count();
        let s = probe.measure(&occupancy, 0.0, 0);
        assert_eq!(
            s.neck_sites, in_plane,
            "{label}: sites in the contact plane"
        );
        let exact = (in_plane as f64 / (sigma * std::f64::consts::PI)).sqrt();
        assert!(
            (s.radius - exact).abs() < 1e-12 * exact,
            "{label}: r from N"
        );
        let rel = s.radius / r0 - 1.0;
        println!(
            "{label}: r0 = {r0} A: {in_plane} sites, r = {:.3} A ({rel:+.2e}), r/R = {:.4}",
            s.radius, s.radius_over_particle
        );
        assert!(rel.abs() < 0.03, "{label}: r = {} for r0 = {r0}", s.radius);
        assert!((s.radius_over_particle - s.radius / 37.5).abs() < 1e-15);
    }
}

#[test]
fn neck_on_100_planes() {
    crystal_necks(Matrix3::identity(), A_PD / 2.0, "(100)");
}

#[test]
fn neck_on_111_planes() {
    let r = orientation_matrix([1, 1, 1], [1, -1, 0], [1, 1, -2]).unwrap();
    crystal_necks(r, A_PD / 3f64.sqrt(), "(111)");
}

#[test]
fn neck_on_a_mesh() {
    let (mesh, _) = relaxed_random_mesh(4000, 0.068, 21);
    let (sites, _) = mesh_sites(&mesh, &MeshNeighbors::FirstMinimum, [1, 1, 1]).unwrap();
    let l = sites.simbox.lengths();
    let centre = Vec3::from(sites.simbox.lo) + 0.5 * l;
    let r0 = 15.0;
    let occupancy: Vec<u8> = sites
        .positions
        .iter()
        .map(|x| {
            let d = x - centre;
            u8::from(d.y * d.y + d.z * d.z <= r0 * r0)
        })
        .collect();
    // Average over ten slab positions along the cylinder: the amorphous sampling noise averages out.
    let mut sum = 0.0;
    let positions = 10;
    for k in 0..positions {
        let contact = centre + Vec3::new((k as f64 / positions as f64 - 0.5) * 0.8 * l.x, 0.0, 0.0);
        let probe = SlabNeckProbe::mesh(&sites, contact, Vec3::x(), 20.0).unwrap();
        let s = probe.measure(&occupancy, 0.0, 0);
        assert!(
            (s.radius / r0 - 1.0).abs() < 0.12,
            "one slab: r = {}",
            s.radius
        );
        sum += s.radius;
    }
    let mean = sum / positions as f64;
    println!(
        "mesh: r0 = {r0} A, mean r over {positions} slabs = {mean:.3} A ({:+.2e})",
        mean / r0 - 1.0
    );
    assert!((mean / r0 - 1.0).abs() < 0.04, "mesh: mean r = {mean}");
}
