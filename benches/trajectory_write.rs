//! Per-frame write time and size of each trajectory format for the Pt-Fe study's system (30,804
//! atoms, inputs/build/ptfe_pair_paper.ron, with thermal velocities):
//!
//!     cargo bench --bench trajectory_write                    # extended XYZ and LAMMPS dump
//!     cargo bench --bench trajectory_write --features hdf5    # and H5MD
//!
//! Bytes per frame are printed before the timings (H5MD: compressed, from the file's growth over
//! 20 frames).

use std::io::Write;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use sintermd::io::dump::format_dump_frame;
use sintermd::io::ron::read_ron;
use sintermd::io::xyz::{format_xyz_frame, step_info};
use sintermd::md::SimRng;
use sintermd::md::velocity::maxwell_boltzmann;
use sintermd::structure::BuildSpec;
use sintermd::system::System;

fn paper_system() -> System {
    let spec: BuildSpec = read_ron(Path::new("inputs/build/ptfe_pair_paper.ron")).unwrap();
    let mut system = spec.build(Path::new("inputs/build")).unwrap().system;
    maxwell_boltzmann(&mut system, 1473.0, &mut SimRng::seed_from_u64(1));
    system
}

fn writes(c: &mut Criterion) {
    let system = paper_system();
    let n = system.len();
    let dir = tempfile::tempdir().unwrap();
    let xyz = format_xyz_frame(&system, &step_info(1000, 2.0), &[]);
    let dump = format_dump_frame(&system, 1000, 2.0);
    println!(
        "{n} atoms: extended XYZ {} bytes/frame, LAMMPS dump {} bytes/frame",
        xyz.len(),
        dump.len()
    );
    let mut group = c.benchmark_group(format!("trajectory frame ({n} atoms)"));
    group.sample_size(20);
    let mut out = std::io::BufWriter::new(std::fs::File::create(dir.path().join("t.xyz")).unwrap());
    group.bench_function("extended XYZ", |b| {
        b.iter(|| {
            out.write_all(format_xyz_frame(&system, &step_info(1000, 2.0), &[]).as_bytes())
                .unwrap();
            out.flush().unwrap();
        })
    });
    let mut out =
        std::io::BufWriter::new(std::fs::File::create(dir.path().join("t.lammpstrj")).unwrap());
    group.bench_function("LAMMPS dump", |b| {
        b.iter(|| {
            out.write_all(format_dump_frame(&system, 1000, 2.0).as_bytes())
                .unwrap();
            out.flush().unwrap();
        })
    });
    #[cfg(feature = "hdf5")]
    {
        use sintermd::io::h5md::{H5mdWriter, Provenance};
        let path = dir.path().join("size.h5md");
        let mut w = H5mdWriter::create(&path, &system, &Provenance::default()).unwrap();
        w.write_frame(&system, 0, 0.0, None).unwrap();
        let one = std::fs::metadata(&path).unwrap().len();
        for k in 1..21 {
            w.write_frame(&system, k, k as f64, None).unwrap();
        }
        let more = std::fs::metadata(&path).unwrap().len();
        println!("H5MD {} bytes/frame (compressed)", (more - one) / 20);
        let mut w = H5mdWriter::create(&dir.path().join("t.h5md"), &system, &Provenance::default())
            .unwrap();
        let mut step = 0;
        group.bench_function("H5MD (with neck and centres of mass)", |b| {
            b.iter(|| {
                step += 1;
                w.write_frame(&system, step, step as f64, None).unwrap();
            })
        });
        let mut bare = system.clone();
        bare.groups.clear();
        let mut w =
            H5mdWriter::create(&dir.path().join("b.h5md"), &bare, &Provenance::default()).unwrap();
        group.bench_function("H5MD (particles only)", |b| {
            b.iter(|| {
                step += 1;
                w.write_frame(&bare, step, step as f64, None).unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, writes);
criterion_main!(benches);
