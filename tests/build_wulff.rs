//! Wulff particles against WulffPack (tests/fixtures/build/wulffpack.json, made by
//! tests/fixtures/build/make_fixtures.py with the oracle's WulffPack).
//!
//! WulffPack sizes a particle by `natoms`: the polyhedron's volume is `natoms` atomic volumes and
//! it is centred on an atom; its atom count then differs from `natoms` (by up to ~30 % for small
//! cubes). sintermd's `Size::VolumeOfAtoms(natoms)` is the same sizing, so "counts within 1 %"
//! compares the two atom counts for the same target. The facet area fractions compared here are
//! those of sintermd's own geometric Wulff polyhedron.

use std::path::Path;

use serde::Deserialize;
use sintermd::io::ron::parse_ron;
use sintermd::structure::ParticleSpec;

#[derive(Deserialize)]
struct Fixture {
    sets: Vec<EnergySet>,
}

#[derive(Deserialize)]
struct EnergySet {
    name: String,
    lattice: String,
    a: f64,
    surface_energies: Vec<Energy>,
    sizes: Vec<SizeEntry>,
}

#[derive(Deserialize)]
struct Energy {
    miller: [i32; 3],
    energy: f64,
}

#[derive(Deserialize)]
struct SizeEntry {
    natoms: usize,
    count: usize,
    facet_fractions: std::collections::BTreeMap<String, f64>,
}

fn fixture() -> Fixture {
    let path = Path::new("tests/fixtures/build/wulffpack.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn spec(set: &EnergySet, size: &str) -> ParticleSpec {
    let energies: Vec<String> = set
        .surface_energies
        .iter()
        .map(|e| {
            format!(
                "({}, {}, {}): {}",
                e.miller[0], e.miller[1], e.miller[2], e.energy
            )
        })
        .collect();
    let lattice = match set.lattice.as_str() {
        "fcc" => "Fcc",
        "bcc" => "Bcc",
        other => panic!("lattice {other}"),
    };
    let text = format!(
        "(lattice: {lattice}, a: {}, species: [(species: \"Pt\")], shape: Wulff({{{}}}), size: {size})",
        set.a,
        energies.join(", ")
    );
    parse_ron(&text, Path::new("test")).unwrap()
}

#[test]
fn atom_counts_match_wulffpack_within_one_percent() {
    let fixture = fixture();
    let mut worst: f64 = 0.0;
    let mut cases = 0;
    println!(
        "{:<18} {:>7} {:>9} {:>9} {:>8}",
        "set", "natoms", "WulffPack", "sintermd", "diff %"
    );
    for set in &fixture.sets {
        for s in &set.sizes {
            let p = spec(set, &format!("VolumeOfAtoms({})", s.natoms))
                .build()
                .unwrap();
            let ours = p.system.len();
            let diff = 100.0 * (ours as f64 - s.count as f64) / s.count as f64;
            println!(
                "{:<18} {:>7} {:>9} {:>9} {:>8.3}",
                set.name, s.natoms, s.count, ours, diff
            );
            worst = worst.max(diff.abs());
            cases += 1;
            assert!(
                diff.abs() <= 1.0,
                "{} natoms {}: WulffPack {} atoms, sintermd {ours}",
                set.name,
                s.natoms,
                s.count
            );
        }
    }
    assert!(cases >= 50 && fixture.sets.iter().all(|s| s.sizes.len() == 7));
    println!("{cases} cases, largest difference {worst:.3} %");
}

#[test]
fn facet_families_and_area_fractions_match_wulffpack() {
    for set in &fixture().sets {
        let poly = spec(set, "Atoms(1000)").polyhedron().unwrap().unwrap();
        let ours = poly.area_fractions();
        // WulffPack's fractions do not depend on size; check every size's record anyway.
        for s in &set.sizes {
            let present: Vec<String> = ours
                .iter()
                .filter(|(_, f)| *f > 0.0)
                .map(|(m, _)| format!("{},{},{}", m[0], m[1], m[2]))
                .collect();
            let mut theirs: Vec<String> = s.facet_fractions.keys().cloned().collect();
            let mut mine = present.clone();
            theirs.sort();
            mine.sort();
            assert_eq!(mine, theirs, "{}: facet families present", set.name);
            for (m, f) in &ours {
                let key = format!("{},{},{}", m[0], m[1], m[2]);
                let wp = s.facet_fractions.get(&key).copied().unwrap_or(0.0);
                assert!(
                    (f - wp).abs() < 0.05,
                    "{} {key}: area fraction {f} vs WulffPack {wp}",
                    set.name
                );
            }
        }
        let line: Vec<String> = ours
            .iter()
            .map(|(m, f)| {
                let wp = set.sizes[0]
                    .facet_fractions
                    .get(&format!("{},{},{}", m[0], m[1], m[2]))
                    .copied()
                    .unwrap_or(0.0);
                format!("{m:?} {f:.6} (WulffPack {wp:.6})")
            })
            .collect();
        println!("{}: {}", set.name, line.join(", "));
    }
}

#[test]
fn atoms_sizing_is_the_closest_count_the_shape_allows() {
    // Independent check of Size::Atoms: enumerate the sites of a large block, order them by the
    // scale at which the polyhedron reaches them (its gauge), group equal scales into shells, and
    // find the shell boundary nearest the target.
    for set in fixture().sets.iter().take(5) {
        for target in [500usize, 777, 1500] {
            let s = spec(set, &format!("Atoms({target})"));
            let built = s.build().unwrap().system.len();
            let poly = s.polyhedron().unwrap().unwrap();
            let lattice = s.lattice().unwrap();
            let mut gauges = Vec::new();
            for i in -12..=12 {
                for j in -12..=12 {
                    for k in -12..=12 {
                        for b in 0..lattice.basis().len() {
                            gauges.push(poly.gauge(&lattice.site(([i, j, k], b as u8))));
                        }
                    }
                }
            }
            gauges.sort_by(f64::total_cmp);
            let limit = gauges[gauges.len() / 4]; // well inside the block
            let achievable: Vec<usize> = (1..gauges.len())
                .filter(|&c| gauges[c - 1] < limit && gauges[c] - gauges[c - 1] > 1e-7)
                .collect();
            let best = achievable
                .iter()
                .min_by_key(|&&c| (c.abs_diff(target), c))
                .copied()
                .unwrap();
            assert_eq!(built, best, "{} Atoms({target})", set.name);
        }
    }
}
