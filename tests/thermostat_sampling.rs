//! Configurational sampling against exact answers: atoms tethered to fixed sites by separable
//! potentials V(u) = a u^2 + b u^4 per Cartesian component (double wells, harmonic and quartic
//! springs, two masses). The canonical averages <u^2> and <u^4> of each (species, axis) class are
//! one-dimensional integrals, computed by quadrature; Langevin (BAOAB) and CSVR trajectories must
//! reproduce them. <u^4>/<u^2>^2 differs across the classes (3 for a harmonic spring, near 1 for
//! a deep double well), so matching both moments checks the shape of the distribution, not just
//! its width. Langevin is also checked for the canonical
//! kinetic-energy distribution of the 3N degrees of freedom of atoms in an external field.
//!
//! CSVR rescales all velocities by one factor, so independent oscillators exchange energy only
//! through it, at a rate ~ 4 / (N_f tau): its test uses few atoms (8), a short tau and double
//! wells only (hops between wells randomise the oscillators' phases; identical harmonic springs
//! would keep theirs and never equilibrate among themselves, a property of the test system, not
//! of CSVR in an interacting system).

mod thermostat_support;

use rand::SeedableRng;
use sintermd::md::thermostat::{CsvrSpec, LangevinSpec, ThermostatSpec};
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, StageIntegrator};
use sintermd::neighbor::NeighborSettings;
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};
use sintermd::units::BOLTZMANN;
use thermostat_support::*;

const TEMPERATURE: f64 = 300.0;
const DT: f64 = 0.002;
const BLOCKS: usize = 20;

/// (a [eV/A^2], b [eV/A^4]) per axis for species A (10 g/mol) and B (40 g/mol); a double well
/// of barrier h and minima at +-w is a = -2h/w^2, b = h/w^4. With `harmonic`: a double well, a
/// harmonic spring and a quartic spring per species. Otherwise double wells only, of different
/// barriers and widths: identical oscillators rescaled by one common factor (CSVR) keep their
/// phase relations and equilibrate among themselves only slowly, while hops between wells
/// randomise them.
fn coefficients(kt: f64, harmonic: bool) -> Vec<[(f64, f64); 3]> {
    let well = |h: f64, w: f64| (-2.0 * h * kt / (w * w), h * kt / w.powi(4));
    if harmonic {
        vec![
            [well(2.0, 0.5), (1.0, 0.0), (0.5, 4.0)],
            [well(1.5, 0.4), (0.6, 0.0), (0.0, 6.0)],
        ]
    } else {
        vec![
            [well(2.0, 0.5), well(1.0, 0.3), well(3.0, 0.6)],
            [well(1.5, 0.4), well(1.0, 0.35), well(2.5, 0.45)],
        ]
    }
}

/// `per_side`^3 atoms on sites 5 A apart, alternating species, in a free box.
fn tethered_atoms(per_side: usize, harmonic: bool) -> (System, ForceEngine) {
    let species = SpeciesTable::new(vec!["A".into(), "B".into()], vec![10.0, 40.0]).unwrap();
    let edge = 5.0 * per_side as f64;
    let simbox = SimBox::new([-2.5; 3], [edge - 2.5; 3], [false; 3]).unwrap();
    let mut system = System::new(simbox, species);
    let mut sites = Vec::new();
    for i in 0..per_side.pow(3) {
        let x = Vec3::new(
            (i % per_side) as f64,
            (i / per_side % per_side) as f64,
            (i / per_side / per_side) as f64,
        ) * 5.0;
        system.push(i as u64 + 1, (i % 2) as u32, x, Vec3::zeros());
        sites.push(x);
    }
    let tether = Tether {
        sites,
        coefficients: coefficients(BOLTZMANN * TEMPERATURE, harmonic),
    };
    let engine = ForceEngine::new(Box::new(tether), NeighborSettings::default()).unwrap();
    (system, engine)
}

/// Block-averaged <u^2> and <u^4> of each of the 6 (species, axis) classes, with errors.
struct Moments {
    second: Vec<(f64, f64)>,
    fourth: Vec<(f64, f64)>,
}

fn run(
    per_side: usize,
    harmonic: bool,
    thermostat: &ThermostatSpec,
    steps: u64,
    seed: u64,
) -> (Moments, Vec<Sample>, f64) {
    let skip = 1000;
    let (mut system, mut engine) = tethered_atoms(per_side, harmonic);
    maxwell_boltzmann(&mut system, TEMPERATURE, &mut SimRng::seed_from_u64(seed));
    let sites = system.positions.clone();
    let mut state = SimulationState::new(system, seed + 1);
    engine.compute(&mut state.system, 0).unwrap();
    let integrator =
        StageIntegrator::new_in_external_field(DT, steps, Some(thermostat), &[], &state.system)
            .unwrap();
    let counts: Vec<f64> = (0..2)
        .map(|t| state.system.types.iter().filter(|&&x| x == t).count() as f64)
        .collect();
    let mut series = vec![Vec::new(); 12];
    let mut samples = Vec::new();
    run_with(&mut state, &mut engine, &integrator, skip, |s, t| {
        let mut sums = [0.0; 12];
        for (i, (x, site)) in s.system.positions.iter().zip(&sites).enumerate() {
            let ty = s.system.types[i] as usize;
            for k in 0..3 {
                let u2 = (x[k] - site[k]).powi(2);
                sums[ty * 3 + k] += u2;
                sums[6 + ty * 3 + k] += u2 * u2;
            }
        }
        for (c, sum) in sums.iter().enumerate() {
            series[c].push(sum / counts[c % 6 / 3]);
        }
        samples.push(Sample {
            kinetic: t.kinetic,
            temperature: t.temperature,
            conserved: t.conserved,
            potential: t.potential,
        });
    });
    let moments: Vec<(f64, f64)> = series.iter().map(|s| block_mean(s, BLOCKS)).collect();
    let moments = Moments {
        second: moments[..6].to_vec(),
        fourth: moments[6..].to_vec(),
    };
    (moments, samples, integrator.degrees_of_freedom())
}

/// Each measured <u^2> within `tolerance` (relative) of the exact one and <u^4> within twice
/// that, with statistical errors at most a third of the tolerance.
fn assert_exact(label: &str, m: &Moments, harmonic: bool, tolerance: f64) {
    let kt = BOLTZMANN * TEMPERATURE;
    let mut failures = Vec::new();
    for (c, ab) in coefficients(kt, harmonic).iter().flatten().enumerate() {
        let (u2, u4) = exact_moments(ab.0, ab.1, kt);
        let checks = [
            ("u^2", m.second[c], u2, tolerance),
            ("u^4", m.fourth[c], u4, 2.0 * tolerance),
        ];
        for (name, (value, error), exact, tol) in checks {
            let (ratio, rel_err) = (value / exact, error / exact);
            eprintln!(
                "{label} class {c} (a {:.3}, b {:.3}): <{name}>/exact = {ratio:.4} +- {rel_err:.4}",
                ab.0, ab.1
            );
            if rel_err > tol / 3.0 {
                failures.push(format!(
                    "class {c} <{name}>: error {rel_err:.4} too large to test"
                ));
            }
            if (ratio - 1.0).abs() > tol {
                failures.push(format!(
                    "class {c} <{name}>: {value:.5e} vs exact {exact:.5e}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{label}: {}", failures.join("; "));
}

#[test]
fn exact_moments_of_a_harmonic_spring() {
    // <u^2> = kT / 2a and <u^4> = 3 <u^2>^2 for V = a u^2.
    let (u2, u4) = exact_moments(0.7, 0.0, 0.03);
    assert!((u2 / (0.03 / 1.4) - 1.0).abs() < 1e-9);
    assert!((u4 / (3.0 * u2 * u2) - 1.0).abs() < 1e-9);
}

#[test]
fn langevin_samples_exact_configurational_distribution() {
    let spec = ThermostatSpec::Langevin(LangevinSpec {
        temperature: TEMPERATURE,
        end_temperature: None,
        friction: 20.0,
        group: "all".into(),
    });
    let (moments, samples, dof) = single_threaded(|| run(8, true, &spec, 50_000, 3));
    assert_exact("Langevin", &moments, true, 0.015);
    assert_eq!(dof, 3.0 * 512.0);
    let stats = canonical_statistics(&samples, dof, TEMPERATURE, BLOCKS);
    assert_canonical("Langevin, tethered atoms", &stats);
}

#[test]
fn csvr_samples_exact_configurational_distribution() {
    let spec = ThermostatSpec::Csvr(CsvrSpec {
        temperature: TEMPERATURE,
        end_temperature: None,
        tau: 0.005,
        group: "all".into(),
    });
    let (moments, _, dof) = single_threaded(|| run(2, false, &spec, 600_000, 5));
    assert_eq!(dof, 24.0);
    assert_exact("CSVR", &moments, false, 0.02);
}

/// A thermostat on a group acts on that group only, with the group's own degrees of freedom:
/// CSVR on the species-A atoms brings them to the target while the (independent) species-B atoms
/// keep their energy, as in NVE.
#[test]
fn group_thermostat_acts_on_its_group_only() {
    let (mut system, mut engine) = tethered_atoms(4, false);
    maxwell_boltzmann(&mut system, 100.0, &mut SimRng::seed_from_u64(8));
    let sites = system.positions.clone();
    system.groups.insert(
        "a".into(),
        (0..system.len() as u32).filter(|i| i % 2 == 0).collect(),
    );
    let mut state = SimulationState::new(system, 9);
    engine.compute(&mut state.system, 0).unwrap();
    let spec = ThermostatSpec::Csvr(CsvrSpec {
        temperature: TEMPERATURE,
        end_temperature: None,
        tau: 0.01,
        group: "a".into(),
    });
    let steps = 20_000;
    let integrator =
        StageIntegrator::new_in_external_field(DT, steps, Some(&spec), &[], &state.system).unwrap();
    assert_eq!(integrator.thermostat_degrees_of_freedom(), Some(3.0 * 32.0));
    let kt = BOLTZMANN * TEMPERATURE;
    let coefficients = coefficients(kt, false);
    // Energy of the B atoms: their kinetic energy plus their tether energy [eV].
    let energy_of_b = |s: &System| {
        (0..s.len())
            .filter(|i| i % 2 == 1)
            .map(|i| {
                let u = s.positions[i] - sites[i];
                let c = &coefficients[1];
                let tether: f64 = (0..3)
                    .map(|k| Tether::energy_force(c[k].0, c[k].1, u[k]).0)
                    .sum();
                0.5 * s.mass(i) * s.velocities[i].norm_squared() * sintermd::units::MVV2E + tether
            })
            .sum::<f64>()
    };
    let b0 = energy_of_b(&state.system);
    let mut worst_b: f64 = 0.0;
    let mut temperatures_a = Vec::new();
    single_threaded(|| {
        run_with(&mut state, &mut engine, &integrator, 1000, |s, _| {
            worst_b = worst_b.max((energy_of_b(&s.system) - b0).abs() / b0);
            let ke_a: f64 = (0..s.system.len())
                .filter(|i| i % 2 == 0)
                .map(|i| 0.5 * s.system.mass(i) * s.system.velocities[i].norm_squared())
                .sum::<f64>()
                * sintermd::units::MVV2E;
            temperatures_a.push(2.0 * ke_a / (3.0 * 32.0 * BOLTZMANN));
        })
    });
    let (t_a, t_err) = block_mean(&temperatures_a, BLOCKS);
    eprintln!(
        "group A: <T> = {t_a:.2} +- {t_err:.2} K (target {TEMPERATURE}); group B energy varies by \
         {worst_b:.1e} relative (NVE)"
    );
    assert!(t_err < 0.01 / 3.0 * TEMPERATURE);
    assert!((t_a / TEMPERATURE - 1.0).abs() < 0.01);
    // Velocity Verlet's energy fluctuation at this timestep is ~1e-3; a thermostat acting on B
    // (started at 100 K, target 300 K) would change its energy by order one.
    assert!(
        worst_b < 5e-3,
        "the unthermostatted atoms exchanged energy: {worst_b:e}"
    );
}
