//! A single adatom on a flat fcc (100) or (111) surface hops with the bond-counting rate
//! P = nu exp(-n E0 / kT) (n = 4 on the (100) hollow, 3 on the (111) fcc hollow), its waiting
//! times are exponential with mean 1/P, and it picks each of its in-plane destinations
//! (4 on (100), 6 on (111)) uniformly. Temperatures are low enough (200 K, 300 K) that the
//! substrate (8 or 9 bonds) effectively never moves; the tests check that it did not.

mod kmc_support;

use kmc_support::{A_PD, chi_square_p_value, fcc_slab, site_near};
use nalgebra::Matrix3;
use sintermd::kmc::model::{ModelSpec, arrhenius_rate, thermal_attempt_frequency, thermal_energy};
use sintermd::kmc::{Engine, KmcEngine};
use sintermd::structure::orientation::orientation_matrix;
use sintermd::system::Vec3;

struct AdatomRun {
    /// Waiting times of the adatom's hops [s].
    waits: Vec<f64>,
    /// Hop displacement directions, as indices into the list of distinct in-plane displacements.
    direction_counts: Vec<usize>,
}

#[allow(clippy::too_many_arguments)]
fn run_adatom(
    rotation: Matrix3<f64>,
    lx: f64,
    ly: f64,
    depth: f64,
    adatom: Vec3,
    temperature: f64,
    events: usize,
    seed: u64,
) -> (AdatomRun, f64, usize) {
    let (sites, mut occupancy) = fcc_slab(rotation, lx, ly, -depth, 2.0 * A_PD);
    let start = site_near(&sites, adatom);
    assert!(
        (sites.positions[start] - adatom).norm() < 1e-6,
        "the adatom position is a lattice site"
    );
    occupancy[start] = 1;
    let model = ModelSpec {
        temperature,
        ..Default::default()
    }
    .build(1)
    .unwrap();
    let mut engine = KmcEngine::new(sites, occupancy, model, seed).unwrap();
    let n_bonds = engine.coordination()[start];
    let predicted = arrhenius_rate(
        thermal_attempt_frequency(temperature),
        n_bonds as f64 * 0.1,
        thermal_energy(temperature),
    );
    let mut at = start;
    let mut waits = Vec::with_capacity(events);
    let mut directions: Vec<Vec3> = Vec::new();
    let mut direction_counts = Vec::new();
    let lengths = engine.sites().simbox.clone();
    for _ in 0..events {
        let t0 = engine.clock().time;
        let sel = engine.step().expect("the adatom can move");
        assert_eq!(sel.site as usize, at, "only the adatom moves");
        let to = sel.destination.expect("the adatom always has destinations") as usize;
        waits.push(engine.clock().time - t0);
        let d = lengths.minimum_image(engine.sites().positions[to] - engine.sites().positions[at]);
        assert!(d.z.abs() < 1e-9, "the adatom stays in its layer");
        let k = match directions.iter().position(|x| (x - d).norm() < 1e-6) {
            Some(k) => k,
            None => {
                directions.push(d);
                direction_counts.push(0);
                directions.len() - 1
            }
        };
        direction_counts[k] += 1;
        at = to;
    }
    (
        AdatomRun {
            waits,
            direction_counts,
        },
        predicted,
        n_bonds as usize,
    )
}

/// Checks mean, exponential shape (Kolmogorov-Smirnov) and uniform directions; prints numbers.
fn check(run: &AdatomRun, predicted_rate: f64, expected_directions: usize, label: &str) {
    let n = run.waits.len() as f64;
    let total: f64 = run.waits.iter().sum();
    let measured_rate = n / total;
    // Mean of n exponential waits: relative standard error 1/sqrt(n).
    let rel = measured_rate / predicted_rate - 1.0;
    println!(
        "{label}: measured hop rate {measured_rate:.6e} 1/s, predicted {predicted_rate:.6e} 1/s, ratio - 1 = {rel:+.2e} (1/sqrt(N) = {:.2e})",
        1.0 / n.sqrt()
    );
    assert!(rel.abs() < 4.0 / n.sqrt(), "{label}: rate off by {rel}");

    let mut sorted = run.waits.clone();
    sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let mut d_max: f64 = 0.0;
    for (k, &t) in sorted.iter().enumerate() {
        let cdf = 1.0 - (-predicted_rate * t).exp();
        d_max = d_max
            .max((cdf - k as f64 / n).abs())
            .max((cdf - (k + 1) as f64 / n).abs());
    }
    // KS critical value at p = 0.001: sqrt(-ln(0.0005) / 2) / sqrt(n) = 1.949 / sqrt(n).
    let critical = 1.949 / n.sqrt();
    println!(
        "{label}: KS distance to exp(-P t) {d_max:.2e} (critical {critical:.2e} at p = 0.001)"
    );
    assert!(
        d_max < critical,
        "{label}: waiting times are not exponential (D = {d_max})"
    );

    assert_eq!(
        run.direction_counts.len(),
        expected_directions,
        "{label}: hop directions"
    );
    let expected = n / expected_directions as f64;
    let chi2: f64 = run
        .direction_counts
        .iter()
        .map(|&c| (c as f64 - expected).powi(2) / expected)
        .sum();
    let p = chi_square_p_value(chi2, expected_directions - 1);
    println!(
        "{label}: direction counts {:?}, chi2 = {chi2:.2}, p = {p:.3}",
        run.direction_counts
    );
    assert!(p > 1e-3, "{label}: directions not uniform (p = {p})");
}

#[test]
fn adatom_on_fcc_100() {
    let a = A_PD;
    // Hollow site above the (100) surface at z = 0: 4 bonds.
    let (run, predicted, bonds) = run_adatom(
        Matrix3::identity(),
        6.0 * a,
        6.0 * a,
        2.0 * a,
        Vec3::new(0.5 * a, 0.0, 0.5 * a) + Vec3::new(2.0 * a, 2.0 * a, 0.0),
        200.0,
        200_000,
        100,
    );
    assert_eq!(bonds, 4);
    check(&run, predicted, 4, "(100) adatom, 200 K");
}

#[test]
fn adatom_on_fcc_111() {
    let a = A_PD;
    let rotation = orientation_matrix([1, -1, 0], [1, 1, -2], [1, 1, 1]).unwrap();
    let lx = 6.0 * a / 2f64.sqrt();
    let ly = 4.0 * a * 6f64.sqrt() / 2.0;
    // The next (111) plane is at z = a/sqrt(3); its lattice sites are the fcc hollows: 3 bonds.
    let (sites, _) = first_empty_111_site(rotation, lx, ly);
    let (run, predicted, bonds) = run_adatom(rotation, lx, ly, 2.0 * a, sites, 300.0, 200_000, 111);
    assert_eq!(bonds, 3);
    check(&run, predicted, 6, "(111) adatom, 300 K");
}

/// A lattice site of the first empty (111) plane near the middle of the surface.
fn first_empty_111_site(rotation: Matrix3<f64>, lx: f64, ly: f64) -> (Vec3, ()) {
    let (sites, _) = fcc_slab(rotation, lx, ly, -A_PD, 2.0 * A_PD);
    let z = A_PD / 3f64.sqrt();
    let i = site_near(&sites, Vec3::new(0.5 * lx, 0.5 * ly, z));
    let x = sites.positions[i];
    assert!((x.z - z).abs() < 1e-6);
    (x, ())
}
