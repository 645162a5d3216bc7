//! Trajectory files: every writer read back by sintermd's own readers (extended XYZ, LAMMPS dump,
//! H5MD with the `hdf5` feature) agrees with the run and with final.data; `sintermd convert`
//! between them; starting a run from a trajectory frame; masses taken from the potential file as
//! LAMMPS does (a 100-step NVE trajectory against LAMMPS). The same run is read by ASE, OVITO,
//! h5py and MDAnalysis in tests/verify_trajectories.py (run by .ci/run).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use common::cli::sintermd;
use common::lammps_fixture::{fixture, load_reference, position_deviation};
use sintermd::input::Input;
use sintermd::io::{Snapshot, read_frames, read_lammps_data};
use sintermd::output::TrajectoryFormatSpec;
use sintermd::run::run_input;

/// The tests of this file run one at a time: the HDF5 library opens files without close-on-exec,
/// so a child process started by one test (the CLI) would inherit, and keep locked, an H5MD file
/// another test is writing.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

/// `sintermd run INPUT --out OUT`, which must succeed.
fn run_cli(input: &Path, out: &Path) {
    let result = sintermd(&[
        "run",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(result.status.success(), "{result:?}");
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs tests/inputs/trajectory_formats.ron writing `formats` into `out`.
fn run_with(formats: Vec<TrajectoryFormatSpec>, out: &Path) {
    let path = root().join("tests/inputs/trajectory_formats.ron");
    let mut input = Input::read(&path).unwrap();
    input.output.trajectory_formats = formats;
    let base = path.parent().unwrap();
    run_input(&input, base, out, None).unwrap();
}

fn max_dev(a: &Snapshot, b: &Snapshot) -> f64 {
    assert_eq!(a.system.ids, b.system.ids);
    assert_eq!(a.system.types, b.system.types);
    assert_eq!(a.system.species.names, b.system.species.names);
    assert_eq!(a.system.simbox.periodic, b.system.simbox.periodic);
    let mut d: f64 = 0.0;
    for k in 0..3 {
        d = d.max((a.system.simbox.lo[k] - b.system.simbox.lo[k]).abs());
        d = d.max((a.system.simbox.hi[k] - b.system.simbox.hi[k]).abs());
    }
    for (x, y) in a.system.positions.iter().zip(&b.system.positions) {
        d = d.max((x - y).amax());
    }
    for (x, y) in a.system.velocities.iter().zip(&b.system.velocities) {
        d = d.max((x - y).amax());
    }
    d
}

#[test]
fn xyz_and_dump_read_back_as_written_and_end_at_final_data() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    run_with(
        vec![TrajectoryFormatSpec::Xyz, TrajectoryFormatSpec::Dump],
        dir.path(),
    );
    let xyz = read_frames(&dir.path().join("trajectory.xyz")).unwrap();
    let dump = read_frames(&dir.path().join("trajectory.lammpstrj")).unwrap();
    assert_eq!(xyz.len(), 5);
    assert_eq!(dump.len(), 5);
    for (a, b) in xyz.iter().zip(&dump) {
        assert_eq!((a.step, a.time), (b.step, b.time));
        // The dump holds the numbers as they are; the XYZ file positions relative to the box
        // corner, so it differs by the rounding of that shift.
        let d = max_dev(a, b);
        assert!(d < 1e-12, "step {}: xyz and dump differ by {d:e}", a.step);
        assert_eq!(a.system.species.masses, b.system.species.masses);
    }
    assert_eq!(dump[4].step, 100);
    let final_data = read_lammps_data(&dir.path().join("final.data"), [false; 3], None).unwrap();
    let last = Snapshot {
        system: final_data,
        step: 100,
        time: 0.2,
    };
    assert_eq!(
        max_dev(&dump[4], &last),
        0.0,
        "last dump frame vs final.data"
    );
    assert_eq!(dump[4].system.images, last.system.images);
    // Masses as the potential file gives them.
    assert_eq!(last.system.species.masses, vec![195.08, 55.847]);
}

#[test]
fn convert_between_formats_keeps_every_number() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    run_with(vec![TrajectoryFormatSpec::Dump], dir.path());
    let d = |name: &str| dir.path().join(name);
    let to_str = |p: &PathBuf| p.to_str().unwrap().to_string();
    for (from, to) in [
        ("trajectory.lammpstrj", "copy.xyz"),
        ("copy.xyz", "copy.lammpstrj"),
    ] {
        let out = sintermd(&["convert", &to_str(&d(from)), &to_str(&d(to))]);
        assert!(out.status.success(), "{out:?}");
    }
    let a = read_frames(&d("trajectory.lammpstrj")).unwrap();
    let b = read_frames(&d("copy.lammpstrj")).unwrap();
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert!(max_dev(x, y) < 1e-12);
        assert_eq!((x.step, x.time), (y.step, y.time));
    }
    let out = sintermd(&[
        "convert",
        &to_str(&d("trajectory.lammpstrj")),
        &to_str(&d("frame2.data")),
        "--frame",
        "2",
    ]);
    assert!(out.status.success(), "{out:?}");
    let data = read_lammps_data(&d("frame2.data"), [false; 3], None).unwrap();
    assert_eq!(data.positions, a[2].system.positions);
    assert_eq!(data.velocities, a[2].system.velocities);

    let out = sintermd(&[
        "convert",
        &to_str(&d("trajectory.lammpstrj")),
        &to_str(&d("x.data")),
        "--frame",
        "9",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        err.contains("trajectory.lammpstrj") && err.contains("frame 9 does not exist"),
        "{err}"
    );
    let out = sintermd(&["convert", &to_str(&d("final.data")), &to_str(&d("x.pdb"))]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("x.pdb: unknown format"),
        "{err}"
    );
}

#[test]
fn a_run_starts_from_a_trajectory_frame() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    run_with(vec![TrajectoryFormatSpec::Dump], dir.path());
    let frames = read_frames(&dir.path().join("trajectory.lammpstrj")).unwrap();
    let input = format!(
        r#"(
    structure: Trajectory(path: "{}", frame: 2),
    potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * {}/potentials/PtFe_Zhou04.eam.alloy Pt Fe"]),
    stages: [Md(steps: 0, timestep: 0.002)],
    output: (trajectory_every: 0),
)"#,
        dir.path().join("trajectory.lammpstrj").display(),
        root().display()
    );
    let path = dir.path().join("restart.ron");
    std::fs::write(&path, input).unwrap();
    let out_dir = dir.path().join("restart");
    run_cli(&path, &out_dir);
    let data = read_lammps_data(&out_dir.join("final.data"), [false; 3], None).unwrap();
    assert_eq!(data.positions, frames[2].system.positions);
    assert_eq!(data.velocities, frames[2].system.velocities);
}

/// LAMMPS's eam/alloy sets the masses from the potential file, over the data file's (Fe 55.847,
/// not 55.845): 100 NVE steps then agree with LAMMPS to round-off.
#[test]
fn masses_come_from_the_potential_file_as_in_lammps() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let data = fixture("eam/ptfe_zhou04_table_masses.data");
    let reference = load_reference(&fixture("eam/ptfe_zhou04_table_masses.json"));
    let input = format!(
        r#"(
    structure: DataFile(path: "{}", boundary: "f f f"),
    potential: Lammps(pair_style: "eam/alloy", pair_coeff: ["* * {}/potentials/PtFe_Zhou04.eam.alloy Pt Fe"]),
    stages: [Md(steps: {}, timestep: {})],
    output: (thermo_every: 0, trajectory_every: 0),
)"#,
        data.display(),
        root().display(),
        reference.nve_steps.unwrap(),
        reference.dt.unwrap()
    );
    let path = dir.path().join("nve.ron");
    std::fs::write(&path, input).unwrap();
    let out_dir = dir.path().join("out");
    run_cli(&path, &out_dir);
    let fin = read_lammps_data(&out_dir.join("final.data"), [false; 3], None).unwrap();
    assert_eq!(fin.species.masses, vec![195.08, 55.847]);
    let last = reference.final_state.as_ref().unwrap();
    let dx = position_deviation(&fin.positions, last);
    println!("100 NVE steps with the file's masses: positions differ from LAMMPS by {dx:.3e} A");
    assert!(dx < 1e-9, "positions differ from LAMMPS by {dx:e} A");

    // With the table's masses (a `masses` override) the trajectory leaves LAMMPS's.
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "stages:",
        "masses: [(species: \"Fe\", mass: 55.845)],\n    stages:",
    );
    std::fs::write(&path, text).unwrap();
    let out_dir = dir.path().join("override");
    run_cli(&path, &out_dir);
    let fin = read_lammps_data(&out_dir.join("final.data"), [false; 3], None).unwrap();
    assert_eq!(fin.species.masses, vec![195.08, 55.845]);
}

#[cfg(not(feature = "hdf5"))]
#[test]
fn h5md_without_the_feature_is_a_one_line_error() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let path = root().join("tests/inputs/trajectory_formats.ron");
    let out = sintermd(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    // Refused before the output folder is made.
    assert!(!out_dir.exists());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    let last = err.lines().last().unwrap_or("");
    assert!(
        last.contains("trajectory.h5md")
            && last.contains("hdf5 feature")
            && last.contains("apt-get install libhdf5-dev"),
        "{err}"
    );
}

#[cfg(feature = "hdf5")]
#[test]
fn h5md_reads_back_bit_for_bit() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    run_with(
        vec![TrajectoryFormatSpec::Dump, TrajectoryFormatSpec::H5md],
        dir.path(),
    );
    let dump = read_frames(&dir.path().join("trajectory.lammpstrj")).unwrap();
    let h5 = read_frames(&dir.path().join("trajectory.h5md")).unwrap();
    assert_eq!(h5.len(), dump.len());
    for (a, b) in h5.iter().zip(&dump) {
        assert_eq!((a.step, a.time), (b.step, b.time));
        // Positions and velocities bit for bit; the box as offset + edges, to round-off.
        assert!(max_dev(a, b) < 1e-13);
        assert_eq!(a.system.positions, b.system.positions);
        assert_eq!(a.system.velocities, b.system.velocities);
        assert_eq!(a.system.images, b.system.images);
        assert_eq!(a.system.species.masses, b.system.species.masses);
    }
    // convert H5MD -> XYZ -> H5MD.
    let to = |n: &str| dir.path().join(n).to_str().unwrap().to_string();
    for (from, into) in [("trajectory.h5md", "c.xyz"), ("c.xyz", "c.h5md")] {
        let out = sintermd(&["convert", &to(from), &to(into)]);
        assert!(out.status.success(), "{out:?}");
    }
    let back = read_frames(&dir.path().join("c.h5md")).unwrap();
    for (a, b) in back.iter().zip(&h5) {
        assert!(max_dev(a, b) < 1e-12);
    }
}
