//! Momentum control on a free cluster: heated by each thermostat with its linear and angular
//! momentum removed, an argon crystallite keeps both below 1e-10 (metal units: g/mol A/ps and
//! g/mol A^2/ps) at every step, and does not spin up or drift ("flying ice cube"). Its
//! temperature uses 3N - 6 degrees of freedom.
//!
//! Velocity-scaling thermostats and the forces keep zero momenta zero only up to round-off, which
//! random-walks: removed at the stage start alone, |L| of this cluster passes 1e-10 after a few
//! thousand steps (measured: 1.7e-10 after 3,000 CSVR steps). Periodic removal (every 100 steps;
//! every step under Langevin, whose random forces change the momenta at every step) holds them at
//! the round-off level.

mod thermostat_support;

use sintermd::md::momentum::{
    angular_momentum, linear_momentum, rotational_kinetic_energy, translational_kinetic_energy,
};
use sintermd::md::thermostat::{
    BerendsenSpec, CsvrSpec, LangevinSpec, NoseHooverSpec, ThermostatSpec,
};
use sintermd::system::Members;
use thermostat_support::*;

const DT: f64 = 0.01;
const STEPS: u64 = 3000;

/// Heats the crystallite from 10 K to 40 K with `thermostat` and momentum removal `every`
/// steps (0: at the start only); returns the largest |P|, |L| and rigid-body kinetic energy
/// seen after the start, and the final temperature.
fn heat(thermostat: ThermostatSpec, every: u64) -> (f64, f64, f64, f64) {
    let system = argon_crystallite(13.5);
    let mut engine = argon_engine(&system);
    let mut state = start(system, &mut engine, 10.0, 8, 9);
    let all = Members::All;
    // The initial velocities carry angular momentum: the removal has work to do.
    assert!(angular_momentum(&state.system, &all).norm() > 1.0);
    let momentum = [remove_all(true, every)];
    let (mut p_max, mut l_max, mut rigid_max, mut last_t) = (0.0f64, 0.0f64, 0.0f64, 0.0);
    let integrator =
        sintermd::md::StageIntegrator::new(DT, STEPS, Some(&thermostat), &momentum, &state.system)
            .unwrap();
    assert_eq!(integrator.degrees_of_freedom(), 3.0 * 321.0 - 6.0);
    single_threaded(|| {
        run_with(&mut state, &mut engine, &integrator, 0, |s, t| {
            p_max = p_max.max(linear_momentum(&s.system, &all).norm());
            l_max = l_max.max(angular_momentum(&s.system, &all).norm());
            let rigid = translational_kinetic_energy(&s.system, &all)
                + rotational_kinetic_energy(&s.system, &all);
            rigid_max = rigid_max.max(rigid);
            last_t = t.temperature;
        })
    });
    (p_max, l_max, rigid_max, last_t)
}

fn check(label: &str, thermostat: ThermostatSpec, every: u64) {
    let (p, l, rigid, t) = heat(thermostat, every);
    eprintln!(
        "{label}: max |P| = {p:.2e}, max |L| = {l:.2e}, max rigid-body KE = {rigid:.2e} eV, final T = {t:.1} K"
    );
    assert!(p < 1e-10, "{label}: linear momentum {p:e}");
    assert!(l < 1e-10, "{label}: angular momentum {l:e}");
    assert!(
        rigid < 1e-20,
        "{label}: rigid-body kinetic energy {rigid:e} eV"
    );
    assert!(t > 30.0, "{label}: not heated (T = {t} K)");
}

#[test]
fn berendsen_heating_does_not_spin_up() {
    let spec = ThermostatSpec::Berendsen(BerendsenSpec {
        temperature: 10.0,
        end_temperature: Some(40.0),
        tau: 0.1,
        group: "all".into(),
    });
    check("Berendsen, removal every 100 steps", spec, 100);
}

#[test]
fn csvr_heating_keeps_momenta_zero() {
    let spec = ThermostatSpec::Csvr(CsvrSpec {
        temperature: 10.0,
        end_temperature: Some(40.0),
        tau: 0.1,
        group: "all".into(),
    });
    check("CSVR, removal every 100 steps", spec, 100);
}

#[test]
fn nose_hoover_heating_keeps_momenta_zero() {
    let spec = ThermostatSpec::NoseHoover(NoseHooverSpec {
        temperature: 10.0,
        end_temperature: Some(40.0),
        damping: None,
        chain: 3,
        loops: 1,
        yoshida_order: 3,
        group: "all".into(),
    });
    check("NHC, removal every 100 steps", spec, 100);
}

#[test]
fn langevin_heating_with_removal_every_step() {
    let spec = ThermostatSpec::Langevin(LangevinSpec {
        temperature: 10.0,
        end_temperature: Some(40.0),
        friction: 1.0,
        group: "all".into(),
    });
    check("Langevin, removal every step", spec, 1);
}
