//! Size limits checked before anything is allocated: a structure's atom (or site) count is
//! estimated from the input and refused when it cannot be indexed (atom indices are `u32`) or
//! cannot fit in the machine's available memory, with the estimate in the message.

use crate::error::{Error, Result};

/// Memory an atom costs in a run, roughly [bytes]: positions, velocities, forces, images, ids
/// and types (about 100 bytes), a neighbour list row of about 80 neighbours, the potential's
/// per-atom buffers and the copies the analyses keep.
pub const BYTES_PER_ATOM: f64 = 2048.0;

/// Most atoms or sites a structure may have: atom indices are stored as `u32`.
pub const MAX_ATOMS: f64 = u32::MAX as f64;

/// Checks that about `estimate` atoms (or sites) of `what` can be indexed and fit in memory.
pub fn check_atom_count(what: &str, estimate: f64) -> Result<()> {
    if !(estimate <= MAX_ATOMS) {
        return Err(Error::invalid(format!(
            "{what} would hold about {estimate:.3e} atoms, more than the {MAX_ATOMS} sintermd can \
             index"
        )));
    }
    let bytes = estimate * BYTES_PER_ATOM;
    if let Some(available) = available_memory()
        && bytes > available
    {
        return Err(Error::invalid(format!(
            "{what} would hold about {estimate:.3e} atoms, needing about {} of memory ({} per \
             atom), more than the {} available",
            human_bytes(bytes),
            human_bytes(BYTES_PER_ATOM),
            human_bytes(available)
        )));
    }
    Ok(())
}

/// Memory available to a new allocation [bytes] (Linux `MemAvailable`), if known.
pub fn available_memory() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024.0)
}

/// `bytes` as e.g. `3.2 GB`.
pub fn human_bytes(bytes: f64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = bytes;
    let mut k = 0;
    while v >= 1000.0 && k + 1 < units.len() {
        v /= 1000.0;
        k += 1;
    }
    if k == 0 {
        format!("{v:.0} {}", units[k])
    } else {
        format!("{v:.1} {}", units[k])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_beyond_indices_or_memory_are_refused_with_the_estimate() {
        check_atom_count("a block", 1.0e5).unwrap();
        let e = check_atom_count("a block", 1.8e19).unwrap_err().to_string();
        assert!(e.contains("1.800e19 atoms") && e.contains("index"), "{e}");
        let e = check_atom_count("a block", f64::INFINITY)
            .unwrap_err()
            .to_string();
        assert!(e.contains("inf atoms"), "{e}");
        if available_memory().is_some() {
            let e = check_atom_count("a block", 4.0e9).unwrap_err().to_string();
            assert!(e.contains("of memory"), "{e}");
        }
        assert_eq!(human_bytes(3.2e10), "32.0 GB");
    }
}
