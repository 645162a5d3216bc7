//! Progress of a run: a bar with the estimated time left when standard error is a terminal, plain
//! periodic log lines otherwise (batch jobs). MD stages count steps ([`Progress::new`]), KMC
//! event loops count events ([`Progress::events`]).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Reports progress over `total` steps or events.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    start: Instant,
    last_log: Instant,
    next_fraction: u64,
    pace: Pace,
}

/// What a [`Progress`] counts and when it writes a log line in batch mode.
#[derive(Clone, Copy)]
enum Pace {
    /// MD steps: a line at every tenth of the run, and at least every [`LOG_INTERVAL`].
    Steps,
    /// KMC events: a line every this many seconds [s].
    Events { every: f64 },
}

/// Seconds between log lines of MD runs in batch mode, at most.
const LOG_INTERVAL: Duration = Duration::from_secs(60);

impl Progress {
    /// Starts reporting over `total` MD steps.
    pub fn new(total: u64) -> Self {
        Self::start(
            total,
            Pace::Steps,
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} steps, {eta} left  {msg}",
        )
    }

    /// Starts reporting over `total` KMC events, with a log line every `every` seconds [s] in
    /// batch mode.
    pub fn events(total: u64, every: f64) -> Self {
        Self::start(
            total,
            Pace::Events { every },
            "{elapsed_precise} [{wide_bar}] {human_pos}/{human_len} events, ETA {eta} {msg}",
        )
    }

    fn start(total: u64, pace: Pace, template: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        let now = Instant::now();
        Progress {
            bar,
            total,
            start: now,
            last_log: now,
            next_fraction: 1,
            pace,
        }
    }

    /// Reports reaching `step` (of the whole run, or events of the loop); `message` describes the
    /// state (stage, energy; KMC time and neck).
    pub fn update(&mut self, step: u64, message: impl FnOnce() -> String) {
        match self.pace {
            Pace::Steps => self.update_steps(step, message),
            Pace::Events { every } => self.update_events(step, every, message),
        }
    }

    fn update_steps(&mut self, step: u64, message: impl FnOnce() -> String) {
        if let Some(bar) = &self.bar {
            bar.set_position(step);
            if step.is_multiple_of(50) || step == self.total {
                bar.set_message(message());
            }
            return;
        }
        let tenth = (self.total * self.next_fraction) / 10;
        let due = step >= tenth || step == self.total || self.last_log.elapsed() >= LOG_INTERVAL;
        if !due {
            return;
        }
        while self.next_fraction <= 10 && (self.total * self.next_fraction) / 10 <= step {
            self.next_fraction += 1;
        }
        self.last_log = Instant::now();
        let elapsed = self.start.elapsed().as_secs_f64();
        let left = if step > 0 {
            elapsed * (self.total - step) as f64 / step as f64
        } else {
            f64::NAN
        };
        eprintln!(
            "step {step:>10} / {}  {:.1} s elapsed, {:.1} s left  {}",
            self.total,
            elapsed,
            left,
            message()
        );
    }

    fn update_events(&mut self, events: u64, every: f64, message: impl FnOnce() -> String) {
        if let Some(bar) = &self.bar {
            bar.set_position(events);
            bar.set_message(message());
        } else if self.last_log.elapsed().as_secs_f64() >= every {
            self.last_log = Instant::now();
            let wall = self.start.elapsed().as_secs_f64();
            let rate = events as f64 / wall.max(1e-9);
            let eta = (self.total.saturating_sub(events)) as f64 / rate.max(1e-9);
            eprintln!(
                "events {:>13} / {}  {}  ({:.1} s, {:.2e} events/s, ETA {:.0} s)",
                events,
                self.total,
                message(),
                wall,
                rate,
                eta
            );
        }
    }

    /// Ends the bar (an MD bar stays on screen, a KMC bar is cleared).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            match self.pace {
                Pace::Steps => bar.finish(),
                Pace::Events { .. } => bar.finish_and_clear(),
            }
        }
    }
}
