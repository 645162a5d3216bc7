//! The canonical thermostats sample the canonical ensemble: on liquid argon (256 atoms, periodic)
//! and on a free argon crystallite (321 atoms), the mean kinetic temperature is within 1 % of
//! the target and the variance of the kinetic energy within 10 % of N_f (kT)^2 / 2, with N_f
//! from the degrees-of-freedom rule (3N - 3 for the periodic liquid, 3N for Langevin without
//! momentum removal, 3N - 6 for the crystallite with its angular momentum removed).
//!
//! Statistical errors come from block averages (20 blocks, each hundreds of correlation times
//! long), and each test also asserts that they are below a third of the tolerance, so a pass is
//! meaningful. The couplings are stronger than the input defaults (NHC damping 5 timesteps,
//! Langevin friction 10 ps^-1, CSVR tau 2 timesteps) because the kinetic energy then decorrelates
//! in a few steps and ten thousand steps suffice; the canonical distribution does not depend on
//! the coupling, only the time it takes to sample it. Seeds are fixed, so the results are
//! reproducible. Each test runs in a one-thread pool (results do not depend on the thread count;
//! the harness runs tests side by side).

mod thermostat_support;

use sintermd::md::thermostat::{CsvrSpec, LangevinSpec, NoseHooverSpec, ThermostatSpec};
use sintermd::system::System;
use thermostat_support::*;

const DT: f64 = 0.01;
const EQUILIBRATION: u64 = 1000;
const BLOCKS: usize = 20;

fn liquid() -> (System, f64) {
    (argon_liquid(), 120.0)
}

fn crystallite() -> (System, f64) {
    (argon_crystallite(13.5), 25.0)
}

fn nose_hoover(t: f64) -> ThermostatSpec {
    ThermostatSpec::NoseHoover(NoseHooverSpec {
        temperature: t,
        end_temperature: None,
        damping: Some(5.0 * DT),
        chain: 3,
        loops: 1,
        yoshida_order: 3,
        group: "all".into(),
    })
}

fn langevin(t: f64) -> ThermostatSpec {
    ThermostatSpec::Langevin(LangevinSpec {
        temperature: t,
        end_temperature: None,
        friction: 10.0,
        group: "all".into(),
    })
}

fn csvr(t: f64) -> ThermostatSpec {
    ThermostatSpec::Csvr(CsvrSpec {
        temperature: t,
        end_temperature: None,
        tau: 2.0 * DT,
        group: "all".into(),
    })
}

/// Equilibrates, samples `steps` steps, checks the canonical statistics and returns N_f.
fn check(
    label: &str,
    (system, target): (System, f64),
    thermostat: fn(f64) -> ThermostatSpec,
    momentum: &[sintermd::md::momentum::MomentumSpec],
    steps: u64,
) -> f64 {
    let mut engine = argon_engine(&system);
    let mut state = start(system, &mut engine, target, 1, 2);
    let spec = thermostat(target);
    let (integrator, samples) = single_threaded(|| {
        run_stage(
            &mut state,
            &mut engine,
            DT,
            EQUILIBRATION + steps,
            Some(&spec),
            momentum,
            EQUILIBRATION,
        )
    });
    let dof = integrator.degrees_of_freedom();
    assert_eq!(integrator.thermostat_degrees_of_freedom(), Some(dof));
    let stats = canonical_statistics(&samples, dof, target, BLOCKS);
    assert_canonical(&format!("{label} (N_f = {dof})"), &stats);
    dof
}

#[test]
fn nose_hoover_liquid_is_canonical() {
    let dof = check("NHC liquid", liquid(), nose_hoover, &[], 11_000);
    assert_eq!(dof, 3.0 * 256.0 - 3.0);
}

#[test]
fn nose_hoover_crystallite_is_canonical() {
    let momentum = [remove_all(true, 0)];
    let dof = check(
        "NHC crystallite",
        crystallite(),
        nose_hoover,
        &momentum,
        11_000,
    );
    assert_eq!(dof, 3.0 * 321.0 - 6.0);
}

#[test]
fn langevin_liquid_is_canonical() {
    let dof = check("Langevin liquid", liquid(), langevin, &[], 11_000);
    assert_eq!(dof, 3.0 * 256.0);
}

#[test]
fn langevin_crystallite_is_canonical() {
    let momentum = [remove_all(true, 1)];
    let dof = check(
        "Langevin crystallite",
        crystallite(),
        langevin,
        &momentum,
        11_000,
    );
    assert_eq!(dof, 3.0 * 321.0 - 6.0);
}

#[test]
fn csvr_liquid_is_canonical() {
    let dof = check("CSVR liquid", liquid(), csvr, &[], 9_000);
    assert_eq!(dof, 3.0 * 256.0 - 3.0);
}

#[test]
fn csvr_crystallite_is_canonical() {
    let momentum = [remove_all(true, 0)];
    let dof = check("CSVR crystallite", crystallite(), csvr, &momentum, 9_000);
    assert_eq!(dof, 3.0 * 321.0 - 6.0);
}
