//! Progress of a run: a bar with the estimated time left when standard error is a terminal, plain
//! periodic log lines otherwise (batch jobs).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Reports progress over `total` steps.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: u64,
    start: Instant,
    last_log: Instant,
    next_fraction: u64,
}

/// Seconds between log lines in batch mode, at most.
const LOG_INTERVAL: Duration = Duration::from_secs(60);

impl Progress {
    /// Starts reporting.
    pub fn new(total: u64) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} steps, {eta} left  {msg}",
                )
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
        }
    }

    /// Reports reaching `step` (of the whole run); `message` describes the state (stage, energy).
    pub fn update(&mut self, step: u64, message: impl FnOnce() -> String) {
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

    /// Ends the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
    }
}
