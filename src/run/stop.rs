//! Stopping a run cleanly on a signal: SIGTERM, SIGINT and SIGUSR1 (what Slurm sends before the
//! wall-time limit with `--signal`) ask the run to finish its step, write a checkpoint, close its
//! files and exit with [`INTERRUPTED_EXIT_CODE`]. A second SIGINT ends the process at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};

use crate::error::{Error, Result};

/// Exit status of a run stopped by a signal after writing its checkpoint (`EX_TEMPFAIL` of
/// `sysexits.h`: try again later, here with `--resume`).
pub const INTERRUPTED_EXIT_CODE: i32 = 75;

/// Exit status after a second SIGINT (128 + 2, as a shell reports a process killed by SIGINT).
pub const SECOND_INTERRUPT_EXIT_CODE: i32 = 130;

/// Raised when the run has been asked to stop; holds the signal number (0 while not raised).
#[derive(Clone, Debug, Default)]
pub struct StopFlag {
    signal: Arc<AtomicUsize>,
}

impl StopFlag {
    /// A flag that only [`StopFlag::raise`] raises (library use, tests).
    pub fn new() -> Self {
        Self::default()
    }

    /// A flag raised by SIGTERM, SIGINT and SIGUSR1 of this process; a second SIGINT exits with
    /// [`SECOND_INTERRUPT_EXIT_CODE`] at once.
    pub fn from_signals() -> Result<Self> {
        let flag = StopFlag::new();
        let interrupted = Arc::new(AtomicBool::new(false));
        let fail =
            |e: std::io::Error| Error::invalid(format!("cannot install signal handlers: {e}"));
        // Registered first, so that it runs before the flag below is set: it exits only when an
        // earlier SIGINT set the flag already.
        signal_hook::flag::register_conditional_shutdown(
            SIGINT,
            SECOND_INTERRUPT_EXIT_CODE,
            Arc::clone(&interrupted),
        )
        .map_err(fail)?;
        signal_hook::flag::register(SIGINT, interrupted).map_err(fail)?;
        for signal in [SIGTERM, SIGINT, SIGUSR1] {
            signal_hook::flag::register_usize(signal, Arc::clone(&flag.signal), signal as usize)
                .map_err(fail)?;
        }
        Ok(flag)
    }

    /// Raises the flag as if `signal` had arrived.
    pub fn raise(&self, signal: i32) {
        self.signal.store(signal as usize, Ordering::SeqCst);
    }

    /// The signal that asked the run to stop, if one did.
    pub fn requested(&self) -> Option<i32> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s as i32),
        }
    }
}

/// The usual name of `signal` (`SIGTERM`, ...).
pub fn signal_name(signal: i32) -> String {
    match signal {
        SIGTERM => "SIGTERM".into(),
        SIGINT => "SIGINT".into(),
        SIGUSR1 => "SIGUSR1".into(),
        s => format!("signal {s}"),
    }
}
