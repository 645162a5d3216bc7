//! Results are bitwise identical for any number of threads: `--threads 1` and `--threads 2` give
//! the same trajectory file byte for byte, and force evaluations agree bit for bit.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;
use sintermd::io::read_lammps_data;
use sintermd::potential::lammps;

fn run(threads: usize, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_sintermd"))
        .args([
            "run",
            "tests/inputs/determinism.ron",
            "--threads",
            &threads.to_string(),
            "--out",
        ])
        .arg(out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn trajectory_is_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    run(1, &a);
    run(2, &b);
    for file in ["trajectory.xyz", "thermo.csv", "final.data"] {
        let x = std::fs::read(a.join(file)).unwrap();
        let y = std::fs::read(b.join(file)).unwrap();
        assert!(!x.is_empty());
        assert!(x == y, "{file} differs between 1 and 2 threads");
    }
}

#[test]
fn forces_are_bitwise_identical_across_thread_pools() {
    let system = read_lammps_data(&fixture("lj/kob_andersen.data"), [true; 3], None).unwrap();
    let coeffs = ["1 1 0.1 2.5 6.25", "1 2 0.15 2.0 5.0", "2 2 0.05 2.2 5.5"].map(String::from);
    let eval_with = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut pot =
                lammps::build("lj/cut 6.25", &coeffs, &[], &system.species, Path::new("."))
                    .unwrap();
            evaluate(&mut system.clone(), pot.as_mut())
        })
    };
    let one = eval_with(1);
    for threads in [2, 3, 7] {
        let many = eval_with(threads);
        assert_eq!(one.energy.to_bits(), many.energy.to_bits());
        assert!(one == many, "force output differs with {threads} threads");
    }
}
