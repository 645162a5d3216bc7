//! MD to KMC handoff: an fcc lattice fitted to each particle and every atom mapped onto a site.
//! On a built pair (exact lattices) with thermal-like noise, the fit recovers the lattice
//! parameter and the orientation and every atom maps within the tolerance; a `Kmc` stage in a
//! run input maps a short MD run, runs KMC and hands the atoms back.

use rand::SeedableRng;
use rand_distr::{Distribution, Normal};
use sintermd::kmc::handoff::{fit_fcc_lattice, map_two_particles, misorientation_degrees};
use sintermd::kmc::lattice::FccLattice;
use sintermd::md::SimRng;
use sintermd::structure::orientation::{axis_rotation, orientation_matrix};
use sintermd::system::Vec3;

/// Sites of `lattice` inside a sphere of `radius` around `centre`.
fn ball(lattice: &FccLattice, centre: Vec3, radius: f64) -> Vec<Vec3> {
    let r = Vec3::repeat(radius + 1.0);
    lattice.sites_in(centre - r, centre + r, |x| (x - centre).norm() <= radius)
}

fn jiggle(x: &mut [Vec3], sigma: f64, seed: u64) {
    let mut rng = SimRng::seed_from_u64(seed);
    let n = Normal::new(0.0, sigma).unwrap();
    for p in x {
        *p += Vec3::new(n.sample(&mut rng), n.sample(&mut rng), n.sample(&mut rng));
    }
}

#[test]
fn lattice_fit_recovers_parameter_orientation_and_origin() {
    let rotation = axis_rotation(&Vec3::new(0.2, -0.5, 1.0), 17.0)
        * orientation_matrix([1, 1, 0], [-1, 1, 0], [0, 0, 1]).unwrap();
    let lattice = FccLattice {
        a: 3.878,
        rotation,
        origin: Vec3::new(0.3, -0.7, 1.1),
    };
    let mut x = ball(&lattice, Vec3::new(1.0, 2.0, 3.0), 12.0);
    let exact = fit_fcc_lattice(&x, 0.25).unwrap();
    assert!((exact.a - 3.878).abs() < 1e-9, "a = {}", exact.a);
    assert!(exact.rms_residual < 1e-9);
    // Thermal-like noise (0.08 A per component).
    jiggle(&mut x, 0.08, 1);
    let fit = fit_fcc_lattice(&x, 0.25).unwrap();
    assert!((fit.a - 3.878).abs() < 0.015, "a = {}", fit.a);
    let l = fit.lattice();
    assert!(misorientation_degrees(&l.rotation, &rotation) < 0.5);
    // The fitted origin is a site of the true lattice.
    let c = rotation.transpose() * (l.origin - lattice.origin) * (2.0 / lattice.a);
    let p = c.map(f64::round);
    assert!(
        (c - p).norm() < 0.05 && (p.x + p.y + p.z) as i64 % 2 == 0,
        "{c:?}"
    );
    assert!(fit.rms_residual < 0.2, "rms {}", fit.rms_residual);
}

#[test]
fn two_particles_map_onto_their_own_lattices() {
    let a = 3.878;
    let l1 = FccLattice {
        a,
        rotation: orientation_matrix([1, 0, 0], [0, 1, 0], [0, 0, 1]).unwrap(),
        origin: Vec3::zeros(),
    };
    // Particle 2: twisted by 10 degrees about the contact axis x, touching particle 1.
    let l2 = FccLattice {
        a,
        rotation: axis_rotation(&Vec3::x(), 10.0) * l1.rotation,
        origin: Vec3::new(0.37, 0.11, -0.2),
    };
    let r = 10.0;
    let mut x = ball(&l1, Vec3::zeros(), r);
    let n1 = x.len();
    x.extend(ball(&l2, Vec3::new(2.0 * r + 1.5, 0.0, 0.0), r));
    jiggle(&mut x, 0.08, 2);
    let first: Vec<u32> = (0..n1 as u32).collect();
    let second: Vec<u32> = (n1 as u32..x.len() as u32).collect();
    let m = map_two_particles(&x, [&first, &second], 0.25, 3.0).unwrap();
    let rep = &m.report;
    assert_eq!(rep.atoms, x.len());
    assert_eq!(rep.within_tolerance, x.len(), "{rep:?}");
    assert_eq!(rep.collisions, 0);
    assert!(
        (rep.misorientation_degrees - 10.0).abs() < 0.5,
        "{}",
        rep.misorientation_degrees
    );
    for p in &rep.particles {
        assert!((p.a - a).abs() < 0.015, "a = {}", p.a);
    }
    // Every atom has its own site.
    let mut sites = m.site_of_atom.clone();
    sites.sort_unstable();
    sites.dedup();
    assert_eq!(sites.len(), x.len());
}

fn run(input: &str, out: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args(["run", input, "--out"])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

#[test]
fn kmc_stage_runs_after_md_and_hands_the_atoms_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = run("tests/kmc_inputs/md_then_kmc.ron", dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    for f in [
        "kmc_mapping.json",
        "kmc_kmc.json",
        "kmc_neck.csv",
        "kmc_snapshots.xyz",
        "kmc_final.data",
        "final.data",
        "report.html",
    ] {
        assert!(dir.path().join(f).exists(), "{f} missing");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("kmc_kmc.json")).unwrap())
            .unwrap();
    let m = &summary["mapping"];
    let atoms = m["atoms"].as_u64().unwrap();
    assert_eq!(atoms, 480);
    // The counts add up: within + beyond = atoms; every collision was resolved; the histogram
    // holds every atom.
    assert_eq!(
        m["within_tolerance"].as_u64().unwrap() + m["beyond_tolerance"].as_u64().unwrap(),
        atoms
    );
    assert_eq!(m["collisions"], m["resolved"]);
    let hist: u64 = m["distance_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(hist, atoms);
    for p in m["particles"].as_array().unwrap() {
        let a = p["a"].as_f64().unwrap();
        assert!((3.6..4.0).contains(&a), "fitted a = {a}");
    }
    assert_eq!(summary["clock"]["events"], 20000);
    assert!(summary["atoms_moved"].as_u64().unwrap() > 0);

    // The atoms come back: same ids and species, each on its own site (no two closer than a
    // fraction of the spacing), and the MD stage after the KMC ran from them.
    let before = sintermd::io::read_structure(&dir.path().join("kmc_final.data"), None).unwrap();
    let after = sintermd::io::read_structure(&dir.path().join("final.data"), None).unwrap();
    assert_eq!(before.len(), 480);
    assert_eq!(after.len(), 480);
    let mut ids = before.ids.clone();
    ids.sort_unstable();
    assert_eq!(ids, (1..=480).collect::<Vec<u64>>());
    let fe = |s: &sintermd::system::System| s.types.iter().filter(|&&t| t == 1).count();
    assert_eq!(fe(&before), fe(&after));
    let x = &before.positions;
    let mut closest = f64::INFINITY;
    for i in 0..x.len() {
        for j in 0..i {
            closest = closest.min((x[i] - x[j]).norm());
        }
    }
    assert!(closest > 2.0, "two atoms {closest} A apart after KMC");
    // The MD stage after the KMC started from the KMC structure: 20 steps move no atom far.
    let moved = before
        .ids
        .iter()
        .zip(&before.positions)
        .map(|(id, x)| {
            let k = after.ids.iter().position(|j| j == id).unwrap();
            (after.positions[k] - x).norm()
        })
        .fold(0.0, f64::max);
    assert!(
        moved > 0.0 && moved < 1.5,
        "largest move in 20 MD steps {moved} A"
    );
}

#[test]
fn kmc_stage_needs_the_particle_groups_and_a_valid_tolerance() {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/tests/kmc_inputs/md_then_kmc.ron"))
        .unwrap()
        .replace("../../potentials", &format!("{root}/potentials"));
    let bad = text.replace("Kmc(name: \"kmc\",", "Kmc(name: \"kmc\", tolerance: 0.7,");
    let path = dir.path().join("bad_tolerance.ron");
    std::fs::write(&path, bad).unwrap();
    let out = run(path.to_str().unwrap(), dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("tolerance 0.7 must lie in (0, 0.5)"), "{err}");
    let groups = text.replace(
        "Kmc(name: \"kmc\",",
        "Kmc(name: \"kmc\", particles: (\"left\", \"right\"),",
    );
    let path = dir.path().join("bad_groups.ron");
    std::fs::write(&path, groups).unwrap();
    let out = run(path.to_str().unwrap(), dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("no group \"left\""), "{err}");
}
