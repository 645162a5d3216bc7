//! Amorphous meshes: the site file round trip, neighbours from the file or a cutoff, the g(r)
//! first minimum on an amorphous packing and on a thermally perturbed fcc crystal, the
//! neighbour-count report, and bad site files with their error messages.

mod kmc_support;

use std::path::Path;

use kmc_support::{A_PD, relaxed_random_mesh};
use nalgebra::Matrix3;
use sintermd::kmc::KmcRng;
use sintermd::kmc::lattice::FccLattice;
use sintermd::kmc::mesh::{
    MeshFile, MeshNeighbors, RadialDistribution, format_mesh, mesh_sites, neighbor_rows,
    parse_mesh, read_mesh,
};
use sintermd::kmc::random::uniform_open;
use sintermd::system::{SimBox, Vec3};

#[test]
fn site_file_round_trip() {
    let (mut mesh, _) = relaxed_random_mesh(300, 0.068, 1);
    mesh.cutoff = Some(3.4);
    mesh.neighbors = Some(neighbor_rows(&mesh.simbox, &mesh.positions, 3.4).unwrap());
    let text = format_mesh(&mesh);
    let back = parse_mesh(&text, Path::new("round.mesh")).unwrap();
    assert_eq!(back, mesh);
    let (from_file, _) = mesh_sites(&back, &MeshNeighbors::FromFile, [1, 1, 1]).unwrap();
    let (from_cutoff, _) = mesh_sites(&back, &MeshNeighbors::Cutoff(3.4), [1, 1, 1]).unwrap();
    // The cutoff build reorders sites spatially: compare neighbour sets by position.
    let key = |x: &Vec3| [x.x, x.y, x.z].map(|c| (c * 1e6).round() as i64);
    let sets = |s: &sintermd::kmc::lattice::SiteSet| {
        let mut v: Vec<(Vec<i64>, Vec<Vec<i64>>)> = (0..s.len())
            .map(|i| {
                let mut nb: Vec<Vec<i64>> = s
                    .neighbors(i)
                    .iter()
                    .map(|&j| key(&s.positions[j as usize]).to_vec())
                    .collect();
                nb.sort();
                (key(&s.positions[i]).to_vec(), nb)
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(sets(&from_file), sets(&from_cutoff));
}

#[test]
fn tiny_mesh_file_reads_with_its_neighbours() {
    let mesh = read_mesh(Path::new("tests/kmc_inputs/tiny_mesh.mesh")).unwrap();
    assert_eq!(mesh.positions.len(), 27);
    assert_eq!(mesh.cutoff, Some(2.5));
    let (sites, report) = mesh_sites(&mesh, &MeshNeighbors::FromFile, [1, 1, 1]).unwrap();
    assert!(sites.neighbor_counts().iter().all(|&c| c == 6));
    assert_eq!(report.neighbor_counts.histogram.get(&6), Some(&27));
    let (cut, _) = mesh_sites(&mesh, &MeshNeighbors::Cutoff(2.5), [1, 1, 1]).unwrap();
    assert!(cut.neighbor_counts().iter().all(|&c| c == 6));
}

#[test]
fn first_minimum_of_an_amorphous_packing() {
    let (mesh, d0) = relaxed_random_mesh(3000, 0.068, 5);
    let (sites, report) = mesh_sites(&mesh, &MeshNeighbors::FirstMinimum, [1, 1, 1]).unwrap();
    println!(
        "amorphous packing, d0 = {d0:.3} A: g(r) first peak {:.3} A, first minimum {:.3} A; {}",
        report.first_peak,
        report.cutoff,
        report.neighbor_counts.line()
    );
    assert!(report.detected);
    assert!(
        (report.first_peak / d0 - 1.0).abs() < 0.1,
        "first peak {}",
        report.first_peak
    );
    assert!(
        report.cutoff > 1.2 * d0 && report.cutoff < 1.8 * d0,
        "first minimum {}",
        report.cutoff
    );
    assert!(report.neighbor_counts.mean > 10.0 && report.neighbor_counts.mean < 16.0);
    assert_eq!(
        report.neighbor_counts.histogram.values().sum::<usize>(),
        sites.len()
    );
    // Not a crystal: neighbour counts spread over several values, and common-neighbour analysis
    // finds no more than 5 % fcc, hcp or bcc sites.
    assert!(report.neighbor_counts.histogram.len() >= 5);
    let f = report.structure_fractions.as_ref().unwrap();
    println!("amorphous packing, adaptive CNA fractions: {f:?}");
    for s in ["fcc", "hcp", "bcc"] {
        assert!(f[s] <= 0.05, "{s} fraction {}", f[s]);
    }
}

#[test]
fn first_minimum_of_a_perturbed_crystal_lies_between_its_shells() {
    let lattice = FccLattice {
        a: A_PD,
        rotation: Matrix3::identity(),
        origin: Vec3::zeros(),
    };
    let l = 6.0 * A_PD;
    let mut rng = <KmcRng as rand::SeedableRng>::seed_from_u64(3);
    let simbox = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
    let positions: Vec<Vec3> = lattice
        .sites_in(Vec3::repeat(-1e-6), Vec3::repeat(l - 1e-6), |_| true)
        .into_iter()
        .map(|x| {
            // Gaussian displacements of 0.05 a per axis (Box-Muller).
            let g = |rng: &mut KmcRng| {
                (-2.0 * uniform_open(rng).ln()).sqrt()
                    * (2.0 * std::f64::consts::PI * uniform_open(rng)).cos()
            };
            let mut y = x + 0.05 * A_PD * Vec3::new(g(&mut rng), g(&mut rng), g(&mut rng));
            let mut image = [0; 3];
            simbox.wrap(&mut y, &mut image);
            y
        })
        .collect();
    let rdf = RadialDistribution::compute(&simbox, &positions, 1.6 * A_PD, 0.01 * A_PD).unwrap();
    let peak = rdf.first_peak();
    let min = rdf.first_minimum().unwrap();
    println!(
        "perturbed fcc: first peak {:.3} a, first minimum {:.3} a",
        peak / A_PD,
        min / A_PD
    );
    assert!((peak / (A_PD / 2f64.sqrt()) - 1.0).abs() < 0.05);
    assert!(min > 0.75 * A_PD && min < 0.97 * A_PD);
    let mesh = MeshFile {
        simbox,
        positions,
        cutoff: None,
        neighbors: None,
    };
    let (_, report) = mesh_sites(&mesh, &MeshNeighbors::FirstMinimum, [1, 1, 1]).unwrap();
    println!(
        "perturbed fcc: cutoff {:.3} a; {}",
        report.cutoff / A_PD,
        report.neighbor_counts.line()
    );
    // Thermal noise moves a few second-shell pairs inside the cutoff and first-shell pairs out:
    // most sites keep their 12 neighbours.
    let twelve = report.neighbor_counts.histogram[&12] as f64 / report.sites as f64;
    assert!(twelve > 0.5, "fraction with 12 neighbours {twelve}");
    assert!((report.neighbor_counts.mean - 12.0).abs() < 0.6);
    // Common-neighbour analysis still sees the crystal (about half the sites under displacements
    // of 0.087 a rms), far above the 5 % an amorphous mesh may have: the check discriminates.
    let f = report.structure_fractions.as_ref().unwrap();
    println!("perturbed fcc, adaptive CNA fractions: {f:?}");
    assert!(f["fcc"] > 0.3, "fcc fraction {}", f["fcc"]);
}

#[test]
fn bad_site_files_are_named_with_their_problem() {
    let cases = [
        (
            "bad_header.mesh",
            "bad_header.mesh:1: expected the header \"sintermd-mesh 1\"",
        ),
        (
            "missing_site.mesh",
            "missing_site.mesh: Sites section ends after 2 of 3 sites",
        ),
        (
            "asymmetric.mesh",
            "site 1 lists 2 as a neighbour but not the other way round",
        ),
        (
            "bad_number.mesh",
            "bad_number.mesh:7: \"x\" is not a number",
        ),
    ];
    for (file, expected) in cases {
        let path = Path::new("tests/kmc_inputs").join(file);
        let result = read_mesh(&path)
            .and_then(|m| mesh_sites(&m, &MeshNeighbors::FromFile, [1, 1, 1]).map(|_| ()));
        let e = result.unwrap_err().to_string();
        assert!(e.contains(expected), "{file}: got \"{e}\"");
    }
}
