//! Helpers for the thermostat tests: small argon systems, a test-only tether potential with an
//! exactly known canonical distribution, a sampling loop and block-averaged statistics.
#![allow(dead_code)]

use std::path::Path;

use rand::SeedableRng;
use sintermd::md::momentum::MomentumSpec;
use sintermd::md::thermostat::ThermostatSpec;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::md::{ForceEngine, SimRng, SimulationState, StageIntegrator, ThermoSample};
use sintermd::neighbor::{NeighborList, NeighborSettings};
use sintermd::potential::{Configuration, ForceOutput, Potential, lammps};
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, SpeciesTable, System, Vec3};
use sintermd::units::BOLTZMANN;

/// Lennard-Jones argon (epsilon 0.0104 eV, sigma 3.40 A), shifted, cut at 8.5 A (2.5 sigma).
pub fn argon_potential(species: &SpeciesTable) -> Box<dyn Potential> {
    lammps::build(
        "lj/cut 8.5",
        &["1 1 0.0104 3.40".to_string()],
        &["shift yes".to_string()],
        species,
        Path::new("."),
    )
    .unwrap()
}

/// A periodic block of fcc argon with `cells`^3 conventional cells of edge `a` [A].
pub fn argon_block(cells: usize, a: f64) -> System {
    let species = SpeciesTable::elements(&["Ar"]).unwrap();
    let edge = cells as f64 * a;
    let simbox = SimBox::new([0.0; 3], [edge; 3], [true; 3]).unwrap();
    let mut system = System::new(simbox, species);
    for (i, x) in block_sites(CubicLattice::Fcc, a, [cells; 3])
        .into_iter()
        .enumerate()
    {
        system.push(i as u64 + 1, 0, x, Vec3::zeros());
    }
    system
}

/// Liquid argon: 256 atoms at reduced density 0.81 (fcc spacing 5.8 A expanded from 5.26 A).
pub fn argon_liquid() -> System {
    argon_block(4, 5.8)
}

/// A free fcc argon crystallite: the lattice sites (a = 5.26 A) within `radius` [A] of a site,
/// centred in a non-periodic box.
pub fn argon_crystallite(radius: f64) -> System {
    let a = 5.26;
    let cells = (2.0 * radius / a).ceil() as usize + 2;
    let centre = Vec3::repeat(cells as f64 / 2.0 * a);
    let species = SpeciesTable::elements(&["Ar"]).unwrap();
    let edge = cells as f64 * a;
    let simbox = SimBox::new([0.0; 3], [edge; 3], [false; 3]).unwrap();
    let mut system = System::new(simbox, species);
    let mut id = 0;
    for x in block_sites(CubicLattice::Fcc, a, [cells; 3]) {
        if (x - centre).norm() <= radius {
            id += 1;
            system.push(id, 0, x, Vec3::zeros());
        }
    }
    system
}

/// A force engine for argon on `system`.
pub fn argon_engine(system: &System) -> ForceEngine {
    ForceEngine::new(
        argon_potential(&system.species),
        NeighborSettings::default(),
    )
    .unwrap()
}

/// A state for `system` with Maxwell–Boltzmann velocities at `temperature` [K] (seed
/// `velocity_seed`) and a run generator seeded with `seed`, and its forces computed.
pub fn start(
    mut system: System,
    engine: &mut ForceEngine,
    temperature: f64,
    velocity_seed: u64,
    seed: u64,
) -> SimulationState {
    maxwell_boltzmann(
        &mut system,
        temperature,
        &mut SimRng::seed_from_u64(velocity_seed),
    );
    let mut state = SimulationState::new(system, seed);
    engine.compute(&mut state.system, 0).unwrap();
    state
}

/// Momentum removal of every atom: linear, angular if asked, every `every` steps.
pub fn remove_all(angular: bool, every: u64) -> MomentumSpec {
    MomentumSpec {
        group: "all".into(),
        linear: true,
        angular,
        every,
    }
}

/// One observation per step: kinetic energy [eV], temperature [K], conserved quantity [eV].
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub kinetic: f64,
    pub temperature: f64,
    pub conserved: f64,
    pub potential: f64,
}

/// Runs a stage of `steps` steps of `dt` with `thermostat` and `momentum`, observing every step
/// after the first `skip`.
#[allow(clippy::too_many_arguments)]
pub fn run_stage(
    state: &mut SimulationState,
    engine: &mut ForceEngine,
    dt: f64,
    steps: u64,
    thermostat: Option<&ThermostatSpec>,
    momentum: &[MomentumSpec],
    skip: u64,
) -> (StageIntegrator, Vec<Sample>) {
    let integrator = StageIntegrator::new(dt, steps, thermostat, momentum, &state.system).unwrap();
    let mut samples = Vec::with_capacity((steps - skip.min(steps)) as usize);
    run_with(state, engine, &integrator, skip, |_, t| {
        samples.push(Sample {
            kinetic: t.kinetic,
            temperature: t.temperature,
            conserved: t.conserved,
            potential: t.potential,
        })
    });
    (integrator, samples)
}

/// Starts a stage with `integrator` and runs it, calling `observe` after every step past the
/// first `skip`.
pub fn run_with(
    state: &mut SimulationState,
    engine: &mut ForceEngine,
    integrator: &StageIntegrator,
    skip: u64,
    mut observe: impl FnMut(&SimulationState, &ThermoSample),
) {
    state.stage_step = 0;
    state.stage_start_time = state.time;
    integrator.begin(state);
    for k in 0..integrator.steps() {
        integrator.step(state, engine).unwrap();
        if k + 1 > skip {
            observe(state, &integrator.measure(state, engine.output()));
        }
    }
}

/// Mean of a series and its standard error from `blocks` block means (blocks much longer than
/// the correlation time make the block means independent).
pub fn block_mean(series: &[f64], blocks: usize) -> (f64, f64) {
    let len = series.len() / blocks;
    let means: Vec<f64> = (0..blocks)
        .map(|b| series[b * len..(b + 1) * len].iter().sum::<f64>() / len as f64)
        .collect();
    mean_and_error(&means)
}

/// Variance of a series and its standard error from `blocks` blocks: each block's mean square
/// deviation from the overall mean is one estimate.
pub fn block_variance(series: &[f64], blocks: usize) -> (f64, f64) {
    let len = series.len() / blocks;
    let n = len * blocks;
    let mean = series[..n].iter().sum::<f64>() / n as f64;
    let estimates: Vec<f64> = (0..blocks)
        .map(|b| {
            series[b * len..(b + 1) * len]
                .iter()
                .map(|x| (x - mean) * (x - mean))
                .sum::<f64>()
                / len as f64
        })
        .collect();
    mean_and_error(&estimates)
}

/// Mean and standard error of the mean of independent estimates.
pub fn mean_and_error(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Canonical statistics measured over a run.
#[derive(Debug)]
pub struct Canonical {
    /// Mean kinetic temperature over target, and its standard error.
    pub temperature_ratio: (f64, f64),
    /// Variance of the kinetic energy over N_f (kT)^2 / 2, and its standard error.
    pub variance_ratio: (f64, f64),
}

/// Compares the kinetic energies of `samples` with the canonical distribution of `dof` degrees
/// of freedom at `target` [K]: mean temperature, and variance of the kinetic energy.
pub fn canonical_statistics(samples: &[Sample], dof: f64, target: f64, blocks: usize) -> Canonical {
    let kt = BOLTZMANN * target;
    let temperatures: Vec<f64> = samples.iter().map(|s| s.temperature).collect();
    let kinetic: Vec<f64> = samples.iter().map(|s| s.kinetic).collect();
    let (t, t_err) = block_mean(&temperatures, blocks);
    let (v, v_err) = block_variance(&kinetic, blocks);
    let canonical = 0.5 * dof * kt * kt;
    Canonical {
        temperature_ratio: (t / target, t_err / target),
        variance_ratio: (v / canonical, v_err / canonical),
    }
}

/// Checks canonical statistics: mean T within 1 % and KE variance within 10 % of the canonical
/// values, and the statistical errors small enough (a third of each tolerance) that passing
/// means something.
pub fn assert_canonical(label: &str, c: &Canonical) {
    let (t, t_err) = c.temperature_ratio;
    let (v, v_err) = c.variance_ratio;
    eprintln!(
        "{label}: <T>/T0 = {t:.5} +- {t_err:.5}, var(KE)/(N_f (kT)^2/2) = {v:.4} +- {v_err:.4}"
    );
    assert!(
        t_err < 0.01 / 3.0 && v_err < 0.10 / 3.0,
        "{label}: run too short to test the tolerances (errors {t_err:.4}, {v_err:.4})"
    );
    assert!(
        (t - 1.0).abs() < 0.01,
        "{label}: mean temperature off by {:.3} %",
        100.0 * (t - 1.0)
    );
    assert!(
        (v - 1.0).abs() < 0.10,
        "{label}: KE variance off by {:.1} %",
        100.0 * (v - 1.0)
    );
}

/// Least-squares slope of `y` against its index.
pub fn slope(y: &[f64]) -> f64 {
    let n = y.len() as f64;
    let mx = (n - 1.0) / 2.0;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (i, v) in y.iter().enumerate() {
        let dx = i as f64 - mx;
        sxy += dx * (v - my);
        sxx += dx * dx;
    }
    sxy / sxx
}

/// A test-only potential: each atom is tethered to its own fixed site by a separable quartic
/// V(u) = a u^2 + b u^4 per Cartesian component of its displacement u from the site, with
/// coefficients per species. Its canonical distribution is known exactly (one-dimensional
/// integrals), and with a < 0 each component is a double well.
pub struct Tether {
    /// Fixed sites [A].
    pub sites: Vec<Vec3>,
    /// Per species: (a [eV/A^2], b [eV/A^4]) for x, y and z.
    pub coefficients: Vec<[(f64, f64); 3]>,
}

impl Tether {
    /// V(u) [eV] and -dV/du [eV/A].
    pub fn energy_force(a: f64, b: f64, u: f64) -> (f64, f64) {
        let u2 = u * u;
        (a * u2 + b * u2 * u2, -(2.0 * a * u + 4.0 * b * u2 * u))
    }
}

impl Potential for Tether {
    fn name(&self) -> &str {
        "test/tether"
    }

    fn cutoff(&self) -> f64 {
        1.0
    }

    fn compute(&mut self, config: Configuration<'_>, _list: &NeighborList, out: &mut ForceOutput) {
        let n = config.positions.len();
        out.reset(n);
        for i in 0..n {
            let u = config.positions[i] - self.sites[i];
            let c = &self.coefficients[config.types[i] as usize];
            for k in 0..3 {
                let (e, f) = Tether::energy_force(c[k].0, c[k].1, u[k]);
                out.per_atom_energy[i] += e;
                out.forces[i][k] = f;
            }
        }
        out.sum_per_atom();
    }
}

/// Canonical averages of u^2 and u^4 for V(u) = a u^2 + b u^4 at `kt` [eV], by quadrature.
pub fn exact_moments(a: f64, b: f64, kt: f64) -> (f64, f64) {
    let limit = 12.0;
    let steps = 200_000;
    let h = 2.0 * limit / steps as f64;
    let (mut z, mut m2, mut m4) = (0.0, 0.0, 0.0);
    for s in 0..=steps {
        let u = -limit + s as f64 * h;
        let w = if s == 0 || s == steps { 0.5 } else { 1.0 };
        let p = w * (-(a * u * u + b * u.powi(4)) / kt).exp();
        z += p;
        m2 += p * u * u;
        m4 += p * u.powi(4);
    }
    (m2 / z, m4 / z)
}

/// Runs `f` in a one-thread rayon pool: results do not depend on the thread count, and small
/// systems run faster without fork-join overhead (the test harness already runs tests in
/// parallel).
pub fn single_threaded<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(f)
}
