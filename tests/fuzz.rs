//! Mutation fuzzing of every reader (issue 14): valid files, mutated at random (lines deleted,
//! duplicated or swapped, numbers replaced by NaN, infinities, huge or negative values, bytes
//! inserted or removed, files truncated), must give a value or a typed one-line error, never a
//! panic, an abort or a hang. Fixed seeds; 10,000 inputs per reader; a few seconds each in release
//! mode. Each test prints its counts (inputs tried / accepted / typed errors / panics).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};

/// Inputs per reader.
const CASES: u32 = 10_000;

/// Words that break readers: non-finite, huge, negative, zero, out-of-range counts, and the
/// keywords and punctuation the formats use.
const NASTY: &[&str] = &[
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e-300",
    "0",
    "-1",
    "-0",
    "18446744073709551615",
    "18446744073709551616",
    "4294967296",
    "9223372036854775807",
    "99999999999",
    "1.5",
    "",
    " ",
    "#",
    "\t",
    "(",
    ")",
    "[",
    "]",
    ",",
    "\"",
    "'",
    ":",
    "=",
    "Atoms",
    "Velocities",
    "Masses",
    "Sites",
    "Some(",
    "None",
    "..",
    "/",
    "\u{0}",
    "é",
];

/// One edit of a text; positions are taken modulo the text's size.
#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Truncate(usize),
    /// Replaces the k-th whitespace-separated word.
    ReplaceWord(usize, usize),
    /// Replaces the k-th number-like word.
    ReplaceNumber(usize, usize),
    InsertText(usize, usize),
    InsertBytes(usize, Vec<u8>),
    DeleteBytes(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let n = NASTY.len();
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 0..n).prop_map(|(a, b)| Mutation::ReplaceWord(a, b)),
        (any::<usize>(), 0..n).prop_map(|(a, b)| Mutation::ReplaceNumber(a, b)),
        (any::<usize>(), 0..n).prop_map(|(a, b)| Mutation::ReplaceNumber(a, b)),
        (any::<usize>(), 0..n).prop_map(|(a, b)| Mutation::InsertText(a, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(a, b)| Mutation::InsertBytes(a, b)),
        (any::<usize>(), 1usize..64).prop_map(|(a, b)| Mutation::DeleteBytes(a, b)),
    ]
}

fn is_number(w: &str) -> bool {
    w.trim_matches(|c| "(),[]".contains(c))
        .parse::<f64>()
        .is_ok()
}

/// Applies `m` to `text`; invalid UTF-8 from byte edits is replaced lossily (the readers take
/// `&str`, as files are read with `read_to_string`).
fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let nl = lines.len().max(1);
    let join = |v: Vec<&str>| v.join("\n");
    match m {
        Mutation::DeleteLine(k) => {
            let mut v = lines.clone();
            v.remove(k % nl);
            join(v)
        }
        Mutation::DuplicateLine(k) => {
            let mut v = lines.clone();
            v.insert(k % nl, lines[k % nl]);
            join(v)
        }
        Mutation::SwapLines(a, b) => {
            let mut v = lines.clone();
            v.swap(a % nl, b % nl);
            join(v)
        }
        Mutation::Truncate(k) => {
            let cut = k % (text.len() + 1);
            String::from_utf8_lossy(&text.as_bytes()[..cut]).into_owned()
        }
        Mutation::ReplaceWord(k, w) | Mutation::ReplaceNumber(k, w) => {
            let numbers_only = matches!(m, Mutation::ReplaceNumber(..));
            // Word spans of the text.
            let mut spans = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices() {
                match (c.is_whitespace(), start) {
                    (false, None) => start = Some(i),
                    (true, Some(s)) => {
                        spans.push((s, i));
                        start = None;
                    }
                    _ => {}
                }
            }
            if let Some(s) = start {
                spans.push((s, text.len()));
            }
            spans.retain(|&(s, e)| !numbers_only || is_number(&text[s..e]));
            if spans.is_empty() {
                return text.to_string();
            }
            let (s, e) = spans[k % spans.len()];
            // Keep brackets around a number (RON tuples), replace the rest.
            let word = &text[s..e];
            let lead = word.len() - word.trim_start_matches(|c| "([".contains(c)).len();
            let trail = word.len() - word.trim_end_matches(|c| ")],".contains(c)).len();
            let (s2, e2) = if numbers_only && lead + trail < word.len() {
                (s + lead, e - trail)
            } else {
                (s, e)
            };
            format!("{}{}{}", &text[..s2], NASTY[*w], &text[e2..])
        }
        Mutation::InsertText(k, w) => {
            let mut at = k % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            format!("{}{}{}", &text[..at], NASTY[*w], &text[at..])
        }
        Mutation::InsertBytes(k, bytes) => {
            let mut b = text.as_bytes().to_vec();
            let at = k % (b.len() + 1);
            b.splice(at..at, bytes.iter().copied());
            String::from_utf8_lossy(&b).into_owned()
        }
        Mutation::DeleteBytes(k, n) => {
            let mut b = text.as_bytes().to_vec();
            let at = k % (b.len() + 1);
            let end = (at + n).min(b.len());
            b.drain(at..end);
            String::from_utf8_lossy(&b).into_owned()
        }
    }
}

/// Feeds `CASES` mutations of `seed` (1 to 4 edits each) to `read`, which returns whether the
/// reader accepted the text, or its error message. Fails on a panic or a multi-line error.
fn fuzz(name: &str, seed_number: u8, seed: &str, read: &dyn Fn(&str) -> Result<(), String>) {
    read(seed).unwrap_or_else(|e| panic!("{name}: the unmutated seed must be valid: {e}"));
    let config = Config {
        cases: CASES,
        failure_persistence: None,
        ..Config::default()
    };
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[seed_number; 32]);
    let mut runner = TestRunner::new_with_rng(config, rng);
    let (tried, accepted, errors) = (Cell::new(0u32), Cell::new(0u32), Cell::new(0u32));
    // Panics are caught and reported as failures; keep the default hook's message quiet.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = runner.run(&prop::collection::vec(mutation(), 1..5), |mutations| {
        let text = mutations.iter().fold(seed.to_string(), |t, m| apply(&t, m));
        tried.set(tried.get() + 1);
        match catch_unwind(AssertUnwindSafe(|| read(&text))) {
            Ok(Ok(())) => accepted.set(accepted.get() + 1),
            Ok(Err(e)) => {
                errors.set(errors.get() + 1);
                if e.contains('\n') || e.is_empty() {
                    return Err(TestCaseError::fail(format!("error is not one line: {e:?}")));
                }
            }
            Err(p) => {
                let message = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                return Err(TestCaseError::fail(format!("panic: {message}")));
            }
        }
        Ok(())
    });
    std::panic::set_hook(hook);
    println!(
        "{name}: {} inputs tried, {} accepted, {} typed errors, 0 panics",
        tried.get(),
        accepted.get(),
        errors.get()
    );
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    assert!(tried.get() >= CASES);
}

fn text_of(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn message<T>(r: sintermd::error::Result<T>) -> Result<(), String> {
    r.map(|_| ()).map_err(|e| e.to_string())
}

/// A small setfl (or Finnis–Sinclair) file of two elements with 6-point tables.
fn small_setfl(fs: bool) -> String {
    let table = |scale: f64| {
        (0..6)
            .map(|k| format!("{:.6}", scale * (1.0 - k as f64 / 6.0)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut s = String::from("small\nfile\nfor fuzzing\n2 Cu Ni\n6 0.1 6 0.5 2.5\n");
    for (z, m, a) in [(29, 63.546, 3.615), (28, 58.693, 3.52)] {
        s += &format!("{z} {m} {a} fcc\n{}\n", table(-1.0));
        for _ in 0..(if fs { 2 } else { 1 }) {
            s += &format!("{}\n", table(0.1));
        }
    }
    for _ in 0..3 {
        s += &format!("{}\n", table(2.0));
    }
    s
}

fn small_funcfl() -> String {
    let table = |scale: f64| {
        (0..6)
            .map(|k| format!("{:.6}", scale * (1.0 - k as f64 / 6.0)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    format!(
        "Cu for fuzzing\n29 63.546 3.615 fcc\n6 0.1 6 0.5 2.5\n{}\n{}\n{}\n",
        table(-1.0),
        table(1.0),
        table(0.1)
    )
}

#[test]
fn ron_input_reader() {
    let seed = text_of("inputs/lj_quickstart.ron");
    fuzz("RON input (lj_quickstart)", 1, &seed, &|t| {
        message(sintermd::input::Input::parse(t, Path::new("x.ron")))
    });
    let seed = text_of("inputs/ptfe_neck_quick.ron");
    fuzz("RON input (ptfe_neck_quick)", 2, &seed, &|t| {
        message(sintermd::input::Input::parse(t, Path::new("x.ron")))
    });
}

#[test]
fn sweep_reader_and_field_paths() {
    let seed = text_of("inputs/sweeps/lj_tiny.ron");
    fuzz("RON sweep file (lj_tiny)", 21, &seed, &|t| {
        message(sintermd::sweep::Sweep::parse(
            t,
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/sweeps/x.ron"),
        ))
    });
    // Setting a field by its path in any text: a one-line error or a text, never a panic.
    let seed = text_of("inputs/ptfe_neck_quick.ron");
    fuzz("RON field paths (ptfe_neck_quick)", 22, &seed, &|t| {
        let _ = sintermd::sweep::ron_edit::get(t, "stages[2].thermostat.temperature");
        sintermd::sweep::ron_edit::set(t, "structure.geometry.gap", "10.0")
            .and_then(|t| sintermd::sweep::ron_edit::set(&t, "seed", "4"))
            .map(|_| ())
    });
}

#[test]
fn kmc_and_build_input_readers() {
    let seed = text_of("inputs/kmc_crystal_pair.ron");
    fuzz("RON KMC input", 12, &seed, &|t| {
        let input: sintermd::input::KmcInput =
            sintermd::io::ron::parse_ron(t, Path::new("x.ron")).map_err(|e| e.to_string())?;
        message(input.check())
    });
    let seed = text_of("inputs/build/ptfe_pair_small.ron");
    fuzz("RON build input", 13, &seed, &|t| {
        message(
            sintermd::io::ron::parse_ron::<sintermd::structure::BuildSpec>(t, Path::new("x.ron")),
        )
    });
}

#[test]
fn lammps_data_reader() {
    let seed = text_of("tests/bad_inputs/data/ar32.data");
    fuzz("LAMMPS data", 3, &seed, &|t| {
        message(sintermd::io::lammps_data::parse_lammps_data(
            t, [true; 3], None,
        ))
    });
    fuzz("LAMMPS data (free box)", 4, &seed, &|t| {
        message(sintermd::io::lammps_data::parse_lammps_data(
            t, [false; 3], None,
        ))
    });
}

#[test]
fn funcfl_reader() {
    fuzz("funcfl", 5, &small_funcfl(), &|t| {
        message(sintermd::potential::eam::FuncflFile::parse(
            Path::new("x.eam"),
            t,
        ))
    });
}

#[test]
fn setfl_reader() {
    use sintermd::potential::eam::{SetflFile, SetflLayout};
    fuzz("setfl (eam/alloy)", 6, &small_setfl(false), &|t| {
        message(SetflFile::parse(
            Path::new("x.eam.alloy"),
            t,
            SetflLayout::Alloy,
        ))
    });
}

#[test]
fn fs_reader() {
    use sintermd::potential::eam::{SetflFile, SetflLayout};
    fuzz("fs (eam/fs)", 7, &small_setfl(true), &|t| {
        message(SetflFile::parse(
            Path::new("x.eam.fs"),
            t,
            SetflLayout::FinnisSinclair,
        ))
    });
}

#[test]
fn meam_library_reader() {
    use sintermd::potential::meam::reader::parse_library;
    let seed = text_of("potentials/FePt_Kim2006.library.meam");
    fuzz("MEAM library", 8, &seed, &|t| {
        message(parse_library(t, Path::new("x.library.meam"), &["Pt", "Fe"]))
    });
}

#[test]
fn meam_parameter_reader() {
    use sintermd::potential::meam::params::MeamParams;
    use sintermd::potential::meam::reader::{parse_library, parse_parameters};
    let library = text_of("potentials/FePt_Kim2006.library.meam");
    let elements = parse_library(&library, Path::new("lib"), &["Pt", "Fe"]).unwrap();
    let seed = text_of("potentials/FePt_Kim2006.meam");
    fuzz("MEAM parameters", 9, &seed, &|t| {
        let mut params = MeamParams::with_defaults(elements.clone());
        message(parse_parameters(t, Path::new("x.meam"), &mut params))
    });
}

#[test]
fn extended_xyz_reader() {
    let data = sintermd::io::lammps_data::parse_lammps_data(
        &text_of("tests/bad_inputs/data/ar32.data"),
        [true; 3],
        None,
    )
    .unwrap();
    let seed = sintermd::io::xyz::format_xyz_frame(&data, &[("Step", "0".into())], &[]);
    fuzz("extended XYZ", 10, &seed, &|t| {
        message(sintermd::io::xyz::parse_xyz(t, None))
    });
}

#[test]
fn kmc_mesh_reader() {
    let seed = text_of("tests/kmc_inputs/tiny_mesh.mesh");
    fuzz("KMC mesh", 11, &seed, &|t| {
        message(sintermd::kmc::mesh::parse_mesh(t, Path::new("x.mesh")))
    });
}

/// Runs the sintermd binary on `CLI_CASES` mutations of each shipped input (`prepare` for run
/// inputs, `build` for build inputs): every run must exit 0, or 1 with one `error: ` line; never
/// a panic, an abort or a signal.
#[test]
fn cli_on_mutated_shipped_inputs() {
    const CLI_CASES: u32 = 40;
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs: Vec<(String, &str)> = Vec::new();
    for (dir, command) in [("inputs", "prepare"), ("inputs/build", "build")] {
        let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".ron") && !n.starts_with("kmc_"))
            .collect();
        names.sort();
        inputs.extend(names.into_iter().map(|n| (format!("{dir}/{n}"), command)));
    }
    let work = tempfile::tempdir().unwrap();
    let (mut tried, mut ok, mut errors) = (0u32, 0u32, 0u32);
    for (k, (input, command)) in inputs.iter().enumerate() {
        let seed = text_of(input);
        let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[100 + k as u8; 32]);
        let mut runner = TestRunner::new_with_rng(
            Config {
                cases: CLI_CASES,
                failure_persistence: None,
                ..Config::default()
            },
            rng,
        );
        let strategy = prop::collection::vec(mutation(), 1..4);
        for _ in 0..CLI_CASES {
            let mutations: Vec<Mutation> = strategy.new_tree(&mut runner).unwrap().current();
            let text = mutations.iter().fold(seed.clone(), |t, m| apply(&t, m));
            // `prepare` and `build` read no file the shipped inputs name, so a temporary folder
            // does (and nothing is written into the repository).
            let path = work.path().join(Path::new(input).file_name().unwrap());
            std::fs::write(&path, &text).unwrap();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_sintermd"))
                .args([command, path.to_str().unwrap(), "-o"])
                .arg(work.path().join("out.data"))
                .current_dir(root)
                .output()
                .unwrap();
            tried += 1;
            let stderr = String::from_utf8_lossy(&out.stderr);
            let error_lines = stderr.lines().filter(|l| l.starts_with("error: ")).count();
            match out.status.code() {
                Some(0) => ok += 1,
                Some(1) if error_lines == 1 => errors += 1,
                _ => panic!(
                    "{command} {input} mutated by {mutations:?}: status {:?}, stderr: {stderr}\ninput:\n{text}",
                    out.status
                ),
            }
            assert!(
                !stderr.contains("internal error") && !stderr.contains("panicked"),
                "{stderr}"
            );
        }
    }
    println!(
        "CLI on shipped inputs: {tried} runs, {ok} succeeded, {errors} typed errors, 0 panics"
    );
    assert!(tried >= CLI_CASES * 3);
}
