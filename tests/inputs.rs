//! Every input file shipped in inputs/ reads without error: run inputs (and their structures and
//! potentials build), build files, and KMC inputs.

use std::path::{Path, PathBuf};

use sintermd::input::Input;
use sintermd::input::KmcInput;
use sintermd::io::ron::{base_dir, read_ron};
use sintermd::potential::build_potential;
use sintermd::structure::BuildSpec;

fn ron_files(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    files
}

#[test]
fn run_inputs_parse_and_their_structures_and_potentials_build() {
    let mut checked = 0;
    for dir in ["inputs", "inputs/bench"] {
        for path in ron_files(dir) {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with("kmc_") {
                KmcInput::read(&path).unwrap_or_else(|e| panic!("{e}"));
                continue;
            }
            let input = Input::read(&path).unwrap_or_else(|e| panic!("{e}"));
            let base = base_dir(&path);
            let system = input
                .structure
                .build(&base)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            build_potential(&input.potential, &system.species, &base)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            checked += 1;
        }
    }
    assert!(checked >= 8, "only {checked} run inputs found");
}

#[test]
fn build_files_parse() {
    for path in ron_files("inputs/build") {
        let spec: BuildSpec = read_ron(&path).unwrap_or_else(|e| panic!("{e}"));
        // Building the paper pair takes a fraction of a second; build them all.
        spec.build(&base_dir(&path))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
}

#[test]
fn sweep_files_plan() {
    let files = ron_files("inputs/sweeps");
    assert!(files.len() >= 2, "{files:?}");
    for path in files {
        let sweep = sintermd::sweep::Sweep::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(sweep.points().unwrap().len() >= 3, "{}", path.display());
    }
}
