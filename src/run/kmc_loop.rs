//! The KMC event loop shared by `sintermd kmc` ([`super::kmc`]) and the `Kmc` stage of
//! `sintermd run` ([`super::stages::kmc`]): events in chunks, the neck sampled and snapshots
//! written at log-spaced times ([`Trigger::LogSpaced`] on the KMC clock), progress, pauses for
//! checkpoints; at the end `neck.csv`, the power-law fit and its log-log plot.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::progress::Progress;
use crate::error::{Error, Result};
use crate::input::kmc::{FitWindow, KmcOutputSpec, RunLimits};
use crate::io::xyz::write_xyz_frame;
use crate::kmc::engine::{Engine, occupied_system};
use crate::kmc::fit::{PowerLawFit, fit_power_law};
use crate::kmc::neck::{SlabNeckProbe, SlabNeckSample};
use crate::output::Trigger;
use crate::output::append::AppendFile;
use crate::report::plot::{Plot, Series};
use crate::system::SpeciesTable;

/// CPU time consumed by the calling thread [s], where the platform reports it. Unlike wall
/// time it does not count time the thread waited for a core, so events per CPU second measure
/// the engine even on a busy machine.
pub fn thread_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime only writes the timespec we own and pass by pointer.
        let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
        (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// What [`run_event_loop`] measured.
pub struct EventLoop {
    /// Neck samples at log-spaced times (the first at t = 0, the last at the end).
    pub samples: Vec<SlabNeckSample>,
    /// The fit over the window of the output settings, or why there is none.
    pub fit: Result<PowerLawFit>,
    /// The fit over each window of [`fit_windows`] (the robustness of n to the window).
    pub windows: Vec<WindowFit>,
    /// Wall-clock time of the events [s] (output excluded).
    pub wall: f64,
    /// CPU time of the events [s], where the platform reports it.
    pub cpu: Option<f64>,
    /// Whether the run stopped because no atom could move.
    pub frozen: bool,
}

/// What an event loop works with besides its engine: the neck probe, the species, the limits,
/// the output settings, and where its files go (`out_dir`, names starting with `prefix`).
pub struct LoopSetup<'a> {
    pub probe: &'a SlabNeckProbe,
    pub species: &'a SpeciesTable,
    pub limits: &'a RunLimits,
    pub output: &'a KmcOutputSpec,
    pub out_dir: &'a Path,
    pub prefix: &'a str,
    /// Title of the neck-growth plot.
    pub title: &'a str,
}

impl LoopSetup<'_> {
    fn max_events(&self) -> u64 {
        // events: 0 with a time limit means "until the time limit".
        match self.limits.events {
            0 => u64::MAX,
            n => n,
        }
    }

    fn time_limit(&self) -> f64 {
        self.limits.time.unwrap_or(f64::INFINITY)
    }

    /// When the neck is sampled: log-spaced in time.
    fn sample_trigger(&self) -> Trigger {
        Trigger::LogSpaced {
            per_decade: self.output.samples_per_decade,
        }
    }

    /// When snapshots are written: log-spaced in time, or only at the ends.
    fn snapshot_trigger(&self) -> Trigger {
        match self.output.snapshots_per_decade {
            0 => Trigger::Ends,
            n => Trigger::LogSpaced { per_decade: n },
        }
    }
}

/// An event loop in progress: the neck samples so far, the next sampling and snapshot times,
/// the snapshot file, the time spent. Saved whole in checkpoints of `Kmc` stages.
#[derive(Debug, Serialize, Deserialize)]
pub struct LoopState {
    samples: Vec<SlabNeckSample>,
    next_sample: f64,
    next_snapshot: f64,
    snapshots: AppendFile,
    wall: f64,
    cpu: Option<f64>,
    frozen: bool,
}

/// Events run between two looks at the clock (and chances to write a checkpoint), at most.
const CHUNK_EVENTS: u64 = 1 << 20;

impl LoopState {
    /// Starts the loop: the neck sample and the snapshot at t = 0 (`<prefix>snapshots.xyz`).
    pub fn start(engine: &dyn Engine, setup: &LoopSetup<'_>) -> Result<Self> {
        let path = setup.out_dir.join(format!("{}snapshots.xyz", setup.prefix));
        let mut state = LoopState {
            samples: vec![setup.probe.measure(&engine.occupancy(), 0.0, 0)],
            next_sample: setup.sample_trigger().next_time(0.0),
            next_snapshot: setup.snapshot_trigger().next_time(0.0),
            snapshots: AppendFile::create(&path)?,
            wall: 0.0,
            cpu: thread_cpu_seconds().map(|_| 0.0),
            frozen: false,
        };
        state.write_snapshot(engine, setup.species)?;
        Ok(state)
    }

    /// Opens the snapshot file of a saved loop again in `dir`, cut back to the checkpoint.
    pub fn reopen(&mut self, dir: &Path) -> Result<()> {
        self.snapshots.reopen(dir)
    }

    fn write_snapshot(&mut self, engine: &dyn Engine, species: &SpeciesTable) -> Result<()> {
        let system = occupied_system(engine, species);
        let c = engine.clock();
        let mut frame = Vec::new();
        write_xyz_frame(
            &mut frame,
            &system,
            &[
                ("Time", format!("{:e}", c.time)),
                ("Events", c.events.to_string()),
            ],
        )
        .map_err(|e| Error::io(self.snapshots.path(), e))?;
        self.snapshots.write(&frame)
    }

    /// Runs events until the limits (returns true) or until, between two chunks of events,
    /// `pause` asks for a checkpoint (returns false). Where the loop pauses does not change the
    /// events it runs.
    pub fn advance(
        &mut self,
        engine: &mut dyn Engine,
        setup: &LoopSetup<'_>,
        pause: &mut dyn FnMut() -> bool,
    ) -> Result<bool> {
        let (max_events, time_limit) = (setup.max_events(), setup.time_limit());
        let (samples, snapshots) = (setup.sample_trigger(), setup.snapshot_trigger());
        let mut progress = Progress::events(max_events, setup.output.log_every_s);
        loop {
            let c = engine.clock().clone();
            if c.events >= max_events || c.time >= time_limit || self.frozen {
                break;
            }
            let stop_events = (c.events + CHUNK_EVENTS).min(max_events);
            let stop_time = self.next_sample.min(self.next_snapshot).min(time_limit);
            let t0 = Instant::now();
            let c0 = thread_cpu_seconds();
            self.frozen = !engine.run_until(stop_events, stop_time);
            self.wall += t0.elapsed().as_secs_f64();
            if let (Some(total), Some(c0), Some(c1)) = (self.cpu.as_mut(), c0, thread_cpu_seconds())
            {
                *total += c1 - c0;
            }
            let c = engine.clock().clone();
            if c.time >= self.next_sample {
                self.samples
                    .push(setup.probe.measure(&engine.occupancy(), c.time, c.events));
                self.next_sample = samples.next_time(c.time);
            }
            if c.time >= self.next_snapshot {
                self.write_snapshot(engine, setup.species)?;
                self.next_snapshot = snapshots.next_time(c.time);
            }
            // Invariant: `samples` starts with the sample at t = 0 and only grows.
            let neck = self.samples.last().expect("one sample at least");
            progress.update(c.events, || {
                format!(
                    "t = {:.3e} s, r/R = {:.3}",
                    c.time, neck.radius_over_particle
                )
            });
            let finished = c.events >= max_events || c.time >= time_limit || self.frozen;
            if !finished && pause() {
                progress.finish();
                return Ok(false);
            }
        }
        progress.finish();
        Ok(true)
    }

    /// Ends the loop: the last sample and snapshot, `<prefix>neck.csv`, the fit and the plot.
    pub fn finish(mut self, engine: &dyn Engine, setup: &LoopSetup<'_>) -> Result<EventLoop> {
        let clock = engine.clock().clone();
        if self
            .samples
            .last()
            .is_some_and(|s| s.events != clock.events)
        {
            self.samples.push(
                setup
                    .probe
                    .measure(&engine.occupancy(), clock.time, clock.events),
            );
            self.write_snapshot(engine, setup.species)?;
        }
        let (out_dir, prefix) = (setup.out_dir, setup.prefix);
        write_neck_csv(&out_dir.join(format!("{prefix}neck.csv")), &self.samples)?;
        let fit = fit_samples(&self.samples, &setup.output.fit);
        let windows = fit_windows(&self.samples, &setup.output.fit);
        write_windows_csv(
            &out_dir.join(format!("{prefix}neck_fit_windows.csv")),
            &windows,
        )?;
        let stem = format!("{prefix}neck_fit");
        if !plot_neck_growth(
            out_dir,
            &stem,
            setup.title,
            &self.samples,
            fit.as_ref().ok(),
        )? {
            eprintln!(
                "note: fewer than two neck samples after t = 0: neck_fit.png/.svg not written"
            );
        }
        Ok(EventLoop {
            samples: self.samples,
            fit,
            windows,
            wall: self.wall,
            cpu: self.cpu,
            frozen: self.frozen,
        })
    }
}

/// Runs `engine` until the limits of `setup`, sampling the neck and writing snapshots at
/// log-spaced times as its output settings say: `<prefix>snapshots.xyz`, `<prefix>neck.csv`,
/// `<prefix>neck_fit.png`/`.svg`.
pub fn run_event_loop(engine: &mut dyn Engine, setup: &LoopSetup<'_>) -> Result<EventLoop> {
    let mut state = LoopState::start(engine, setup)?;
    state.advance(engine, setup, &mut || false)?;
    state.finish(engine, setup)
}

/// Fits the samples over the window of `w`.
pub fn fit_samples(samples: &[SlabNeckSample], w: &FitWindow) -> Result<PowerLawFit> {
    let t_min = match w.t_min {
        Some(t) => t,
        None => samples
            .iter()
            .find(|s| s.time > 0.0 && s.neck_sites >= w.min_neck_sites)
            .map(|s| s.time)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "the neck never reached {} sites: no fit window",
                    w.min_neck_sites
                ))
            })?,
    };
    let mut t_max = w.t_max.unwrap_or(f64::INFINITY);
    if let Some(x) = w.max_radius_over_particle {
        // End at the last sample before the neck first exceeds x R.
        if let Some(k) = samples.iter().position(|s| s.radius_over_particle > x) {
            if samples[k].time <= t_min {
                return Err(Error::invalid(format!(
                    "the neck is already at r/R = {:.3} when the window opens, beyond its cap of \
                     {x} (the initial stage, where r^n = K t holds, ends near r/R = 0.3; set \
                     output.fit.max_radius_over_particle to fit later growth)",
                    samples[k].radius_over_particle
                )));
            }
            t_max = t_max.min(samples[k.saturating_sub(1)].time);
        }
    }
    let times: Vec<f64> = samples.iter().map(|s| s.time).collect();
    let radii: Vec<f64> = samples.iter().map(|s| s.radius).collect();
    fit_power_law(&times, &radii, t_min, t_max)
}

/// Largest r/R of the windows of [`fit_windows`] (None: no limit).
pub const WINDOW_CAPS: [Option<f64>; 4] = [Some(0.3), Some(0.5), Some(0.7), None];

/// One fit of the window table: where the window starts and ends, and the fit or why there is
/// none.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WindowFit {
    /// The window starts at the first sample with at least this many neck sites.
    pub min_neck_sites: usize,
    /// The window ends before the neck first exceeds this r/R (None: at the last sample).
    pub max_radius_over_particle: Option<f64>,
    /// The fit, or why there is none.
    pub fit: std::result::Result<PowerLawFit, String>,
}

/// The fit of r^n = K t over a table of windows, to show how n depends on the window: each cap
/// of [`WINDOW_CAPS`] on r/R, each starting at the first sample with a neck (one site: the early
/// transient included) and at `w.min_neck_sites` sites (excluded). `w`'s explicit times, if
/// any, are not used here: the table is about the neck-size criteria.
pub fn fit_windows(samples: &[SlabNeckSample], w: &FitWindow) -> Vec<WindowFit> {
    let mut starts = vec![1, w.min_neck_sites.max(1)];
    starts.dedup();
    let mut table = Vec::new();
    for &min_neck_sites in &starts {
        for cap in WINDOW_CAPS {
            let window = FitWindow {
                t_min: None,
                t_max: None,
                min_neck_sites,
                max_radius_over_particle: cap,
            };
            table.push(WindowFit {
                min_neck_sites,
                max_radius_over_particle: cap,
                fit: fit_samples(samples, &window).map_err(|e| e.to_string()),
            });
        }
    }
    table
}

fn write_windows_csv(path: &Path, windows: &[WindowFit]) -> Result<()> {
    let mut s = String::from(
        "start_neck_sites,max_radius_over_R,n,n_error,t_min_s,t_max_s,points,no_fit_reason\n",
    );
    for w in windows {
        let cap = w
            .max_radius_over_particle
            .map_or("none".to_string(), |x| x.to_string());
        match &w.fit {
            Ok(f) => s.push_str(&format!(
                "{},{cap},{:.6},{:.6},{:e},{:e},{},\n",
                w.min_neck_sites, f.exponent, f.exponent_error, f.t_min, f.t_max, f.points
            )),
            Err(e) => s.push_str(&format!(
                "{},{cap},,,,,,{}\n",
                w.min_neck_sites,
                crate::output::csv_cell(e)
            )),
        }
    }
    crate::io::write_text(path, &s)
}

fn write_neck_csv(path: &Path, samples: &[SlabNeckSample]) -> Result<()> {
    let mut s =
        String::from("time_s,events,neck_sites,neck_area_A2,neck_radius_A,neck_radius_over_R\n");
    for x in samples {
        s.push_str(&format!(
            "{:e},{},{},{:.6},{:.6},{:.6}\n",
            x.time, x.events, x.neck_sites, x.area, x.radius, x.radius_over_particle
        ));
    }
    crate::io::write_text(path, &s)
}

/// Log-log plot of neck radius against time with the power-law fit, as PNG and SVG.
/// Writes `stem.png` and `stem.svg` in `dir`: the samples with t > 0 and r > 0 as points, the
/// fit (if any) as a line over its window. Returns false (and writes nothing) with fewer than two
/// such samples.
pub fn plot_neck_growth(
    dir: &Path,
    stem: &str,
    title: &str,
    samples: &[SlabNeckSample],
    fit: Option<&PowerLawFit>,
) -> Result<bool> {
    let (t, r): (Vec<f64>, Vec<f64>) = samples
        .iter()
        .filter(|s| s.time > 0.0 && s.radius > 0.0)
        .map(|s| (s.time, s.radius))
        .unzip();
    if t.len() < 2 {
        return Ok(false);
    }
    let mut plot =
        Plot::new(title, "time [s]", "neck radius r [A]").with(Series::points("KMC", t, r));
    if let Some(f) = fit {
        let n = 50;
        let (ft, fr): (Vec<f64>, Vec<f64>) = (0..=n)
            .map(|k| {
                let t = f.t_min * (f.t_max / f.t_min).powf(k as f64 / n as f64);
                (t, f.radius_at(t))
            })
            .unzip();
        plot = plot.with(Series::line(
            format!(
                "fit r^n = K t: n = {:.2} +/- {:.2} ({:.1e} to {:.1e} s)",
                f.exponent, f.exponent_error, f.t_min, f.t_max
            ),
            ft,
            fr,
        ));
    }
    plot.log_x = true;
    plot.log_y = true;
    plot.write(&dir.join(stem))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(time: f64, neck_sites: usize, radius: f64, r_over_r: f64) -> SlabNeckSample {
        SlabNeckSample {
            time,
            events: 0,
            neck_sites,
            area: 0.0,
            radius,
            radius_over_particle: r_over_r,
        }
    }

    #[test]
    fn default_fit_window_starts_at_the_neck_threshold_and_stops_at_the_cap() {
        // r = t^(1/3) up to r/R = 0.5 at t = 8, then r = t^(1/6) * const.
        let mut samples = vec![sample(0.0, 1, 1.0, 0.0)];
        for k in 1..=40 {
            let t = 10f64.powf(-3.0 + 0.1 * k as f64);
            let r = if t <= 8.0 {
                t.cbrt()
            } else {
                2.0 * (t / 8.0).powf(1.0 / 6.0)
            };
            samples.push(sample(t, (k * 2) as usize, r, r / 4.0));
        }
        let w = FitWindow {
            max_radius_over_particle: Some(0.5),
            ..Default::default()
        };
        let f = fit_samples(&samples, &w).unwrap();
        assert!((f.exponent - 3.0).abs() < 1e-9, "{}", f.exponent);
        // The window starts at 10 neck sites (k = 5) and ends before r/R exceeds 0.5.
        assert!((f.t_min - 10f64.powf(-2.5)).abs() < 1e-12);
        assert!(f.t_max <= 8.0);
        let uncapped = FitWindow {
            max_radius_over_particle: None,
            ..Default::default()
        };
        let all = fit_samples(&samples, &uncapped).unwrap();
        assert!(all.exponent > 3.0);
        // The default cap (r/R = 0.3, reached at t = 1.728 here) ends the window earlier.
        let initial = fit_samples(&samples, &FitWindow::default()).unwrap();
        assert!((initial.exponent - 3.0).abs() < 1e-9 && initial.t_max < 1.728);
        // A neck already past the cap when the window opens: no fit, and the reason.
        let late: Vec<SlabNeckSample> = samples
            .iter()
            .map(|s| sample(s.time, s.neck_sites, s.radius, s.radius_over_particle + 0.5))
            .collect();
        let e = fit_samples(&late, &FitWindow::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("already at r/R") && !e.contains("  "), "{e}");
    }

    #[test]
    fn the_window_table_separates_the_transient_and_the_late_regime() {
        // A transient (r = 0.1 t^(1/2) while the neck holds fewer than 10 sites), then
        // r = t^(1/4) until r/R = 0.5, then r grows as t^(1/8).
        let mut samples = vec![sample(0.0, 0, 0.0, 0.0)];
        for k in 1..=80 {
            let t = 10f64.powf(-4.0 + 0.1 * k as f64);
            let (sites, r) = if k < 15 {
                (k / 2, 0.1 * t.sqrt())
            } else if t.powf(0.25) <= 2.0 {
                (10 + k, t.powf(0.25))
            } else {
                (10 + k, 2.0 * (t / 16.0).powf(0.125))
            };
            samples.push(sample(t, sites, r, r / 4.0));
        }
        let table = fit_windows(&samples, &FitWindow::default());
        assert_eq!(table.len(), 2 * WINDOW_CAPS.len());
        let n = |start: usize, cap: Option<f64>| {
            let w = table
                .iter()
                .find(|w| w.min_neck_sites == start && w.max_radius_over_particle == cap)
                .unwrap();
            w.fit.as_ref().map(|f| f.exponent)
        };
        // Past the transient and below r/R = 0.5: the law of the middle regime exactly.
        let middle = n(10, Some(0.5)).unwrap();
        assert!((middle - 4.0).abs() < 1e-9, "{middle}");
        // The late regime (n = 8) raises n without a cap; the transient (n = 2) lowers it.
        assert!(n(10, None).unwrap() > 4.5);
        assert!(n(1, Some(0.5)).unwrap() < 3.9);
        // A cap of 0.7 keeps part of the late regime: n between the two.
        let (capped, all) = (n(10, Some(0.7)).unwrap(), n(10, None).unwrap());
        assert!(capped > middle + 0.01 && capped < all, "{capped} {all}");
    }
}
