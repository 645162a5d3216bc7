//! The structure builder: exact compositions, reproducibility, adatoms, assembled gaps and
//! angles measured from the written files, minimum separations in every kind of build, relaxed
//! particles, bad input, and LAMMPS's reading of the written files (fixture).

use std::path::{Path, PathBuf};

use clap::Parser;
use nalgebra::{Matrix3, Rotation3, Unit};
use sintermd::io::ron::parse_ron;
use sintermd::io::write_lammps_data;
use sintermd::neighbor::NeighborList;
use sintermd::structure::build::{BuildSpec, Built, format_built};
use sintermd::structure::{Particle, ParticleSpec};
use sintermd::system::{System, Vec3};

fn parse_build(text: &str) -> BuildSpec {
    parse_ron(text, Path::new("test.ron")).unwrap()
}

fn build(text: &str) -> Built {
    parse_build(text).build(Path::new(".")).unwrap()
}

fn build_file(path: &str) -> Built {
    let spec: BuildSpec = sintermd::io::ron::read_ron(Path::new(path)).unwrap();
    spec.build(Path::new(path).parent().unwrap()).unwrap()
}

fn particle(text: &str) -> Particle {
    let spec: ParticleSpec = parse_ron(text, Path::new("test.ron")).unwrap();
    spec.build().unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("sintermd-build-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// One atom of a written extended XYZ file: species, position, particle, adatom flag.
struct XyzAtom {
    species: String,
    x: Vec3,
    particle: i64,
    adatom: bool,
}

/// Parses the extended XYZ text `format_built` writes, independently of sintermd's reader:
/// columns located from `Properties`.
fn parse_built_xyz(text: &str) -> Vec<XyzAtom> {
    let mut lines = text.lines();
    let n: usize = lines.next().unwrap().trim().parse().unwrap();
    let header = lines.next().unwrap();
    let props = header
        .split_whitespace()
        .find_map(|w| w.strip_prefix("Properties="))
        .unwrap();
    let fields: Vec<&str> = props.split(':').collect();
    let mut column = std::collections::HashMap::new();
    let mut k = 0;
    for f in fields.chunks(3) {
        column.insert(f[0].to_string(), k);
        k += f[2].parse::<usize>().unwrap();
    }
    let (sp, pos, par, ad) = (
        column["species"],
        column["pos"],
        column["particle"],
        column["adatom"],
    );
    let atoms: Vec<XyzAtom> = lines
        .map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(w.len(), k);
            XyzAtom {
                species: w[sp].to_string(),
                x: Vec3::new(
                    w[pos].parse().unwrap(),
                    w[pos + 1].parse().unwrap(),
                    w[pos + 2].parse().unwrap(),
                ),
                particle: w[par].parse().unwrap(),
                adatom: w[ad] == "1",
            }
        })
        .collect();
    assert_eq!(atoms.len(), n);
    atoms
}

/// Unit normal of the best plane through `points` (smallest singular vector), and the rms
/// distance of the points from it.
fn fit_plane(points: &[Vec3]) -> (Vec3, f64) {
    let c = points.iter().sum::<Vec3>() / points.len() as f64;
    let mut m = Matrix3::zeros();
    for p in points {
        m += (p - c) * (p - c).transpose();
    }
    let eig = m.symmetric_eigen();
    let k = eig.eigenvalues.imin();
    let n = eig.eigenvectors.column(k).into_owned();
    let rms = (eig.eigenvalues[k].max(0.0) / points.len() as f64).sqrt();
    (n, rms)
}

fn angle_deg(a: &Vec3, b: &Vec3) -> f64 {
    a.normalize()
        .dot(&b.normalize())
        .abs()
        .clamp(0.0, 1.0)
        .acos()
        .to_degrees()
}

/// Smallest distance between two atoms (periodic images included), if below `range`.
fn closest_pair(system: &System, range: f64) -> Option<f64> {
    let mut s = system.clone();
    s.wrap_positions();
    let mut list = NeighborList::new(range, 0.0);
    list.build(&s.simbox, &s.positions).unwrap();
    (0..s.len())
        .flat_map(|i| {
            list.iter_row(i, &s.positions)
                .map(|n| n.r2.sqrt())
                .collect::<Vec<_>>()
        })
        .fold(None, |m: Option<f64>, d| Some(m.map_or(d, |m| m.min(d))))
}

const PTFE: &str = r#"species: [(species: "Pt", fraction: 0.85), (species: "Fe", fraction: 0.15)]"#;

#[test]
fn compositions_are_exact() {
    let small = build_file("inputs/build/ptfe_pair_small.ron");
    for name in ["particle1", "particle2"] {
        let members = &small.system.groups[name];
        let fe = members
            .iter()
            .filter(|&&i| small.system.types[i as usize] == 1)
            .count();
        let expected = (0.15 * members.len() as f64).round() as usize;
        println!(
            "{name}: {} atoms, {fe} Fe (round(0.15 N) = {expected})",
            members.len()
        );
        assert_eq!(fe, expected);
    }
    // A ternary random alloy on a bcc sphere, a binary on an hcp particle with adatoms.
    let p = particle(
        r#"(lattice: Bcc, a: 2.87, shape: Sphere, size: Diameter(25.0), seed: 9,
            species: [(species: "Fe", fraction: 0.5), (species: "Cr", fraction: 0.3), (species: "Ni", fraction: 0.2)])"#,
    );
    let n = p.system.len();
    let count = |t: u32| p.system.types.iter().filter(|&&x| x == t).count();
    assert_eq!(count(2), (0.2 * n as f64).round() as usize);
    assert_eq!(count(1), (0.3 * n as f64).round() as usize);
    assert_eq!(count(0), n - count(1) - count(2));
    let h = particle(
        r#"(lattice: Hcp, a: 2.5, species: [(species: "Co", fraction: 0.9), (species: "Ni", fraction: 0.1)],
            shape: Wulff({(0, 0, 1): 1.0, (1, 0, 0): 1.1}), size: Atoms(900),
            adatoms: [(facet: (0, 0, 1), fraction: 0.5)])"#,
    );
    let ni = h.system.types.iter().filter(|&&t| t == 1).count();
    assert_eq!(ni, (0.1 * h.system.len() as f64).round() as usize);
    assert!(!h.adatoms.is_empty());
    // Ordered L1_2 Pt3Fe: Fe exactly on the cube corners of the conventional cells.
    let block = build(
        r#"Lattice(lattice: L12, a: 3.87, cells: (3, 3, 3), placement: Sublattices,
                   species: [(species: "Pt"), (species: "Fe")])"#,
    )
    .system;
    assert_eq!(block.types.iter().filter(|&&t| t == 1).count(), 27);
    for (x, &t) in block.positions.iter().zip(&block.types) {
        let corner = x
            .iter()
            .all(|c| ((c / 3.87) - (c / 3.87).round()).abs() < 1e-9);
        assert_eq!(corner, t == 1);
    }
}

#[test]
fn same_seed_same_bytes_different_seed_different_arrangement() {
    let text = std::fs::read_to_string("inputs/build/ptfe_pair_small.ron").unwrap();
    let a = build(&text);
    let b = build(&text);
    for name in ["a.data", "a.xyz"] {
        assert_eq!(
            format_built(Path::new(name), &a.system).as_bytes(),
            format_built(Path::new(name), &b.system).as_bytes()
        );
    }
    let other = build(&text.replace("seed: 2006", "seed: 2007"));
    assert_eq!(other.system.len(), a.system.len());
    let fe = |s: &System| -> Vec<u64> {
        (0..s.len())
            .filter(|&i| s.types[i] == 1)
            .map(|i| s.ids[i])
            .collect()
    };
    assert_eq!(fe(&a.system).len(), fe(&other.system).len());
    assert_ne!(fe(&a.system), fe(&other.system), "species arrangement");
    let adatom_positions = |s: &System| -> Vec<[u64; 3]> {
        s.groups["adatoms"]
            .iter()
            .map(|&i| s.positions[i as usize].map(|c| c.to_bits()).into())
            .collect()
    };
    assert_ne!(
        adatom_positions(&a.system),
        adatom_positions(&other.system),
        "adatoms kept"
    );
}

/// Builds `text` (a Pair), writes it as extended XYZ and measures, from the file, the gap between
/// the outermost planes of the facing facets (particle 1's along +x; particle 2's along its
/// facing normal `n2`) and the angle between the planes fitted to them.
fn measure_pair(text: &str, n2: Vec3) -> (f64, f64, usize) {
    let built = build(text);
    let atoms = parse_built_xyz(&format_built(Path::new("p.xyz"), &built.system));
    for (t, name) in built.system.species.names.iter().enumerate() {
        let in_file = atoms.iter().filter(|a| &a.species == name).count();
        assert_eq!(
            in_file,
            built
                .system
                .types
                .iter()
                .filter(|&&x| x as usize == t)
                .count()
        );
    }
    let core = |k: i64| -> Vec<Vec3> {
        atoms
            .iter()
            .filter(|a| a.particle == k && !a.adatom)
            .map(|a| a.x)
            .collect()
    };
    let (c1, c2) = (core(1), core(2));
    let top1 = c1.iter().map(|x| x.x).fold(f64::NEG_INFINITY, f64::max);
    let plane1: Vec<Vec3> = c1.iter().filter(|x| x.x > top1 - 1e-3).copied().collect();
    let top2 = c2
        .iter()
        .map(|x| n2.dot(x))
        .fold(f64::NEG_INFINITY, f64::max);
    let plane2: Vec<Vec3> = c2
        .iter()
        .filter(|x| n2.dot(x) > top2 - 1e-3)
        .copied()
        .collect();
    let gap = plane2.iter().map(|x| x.x).fold(f64::INFINITY, f64::min) - top1;
    let (m1, rms1) = fit_plane(&plane1);
    let (m2, rms2) = fit_plane(&plane2);
    assert!(rms1 < 1e-6 && rms2 < 1e-6 && plane1.len() >= 3 && plane2.len() >= 3);
    (gap, angle_deg(&m1, &m2), atoms.len())
}

#[test]
fn gap_and_facet_angle_measured_from_the_file() {
    let small = std::fs::read_to_string("inputs/build/ptfe_pair_small.ron").unwrap();
    // A tilt axis with an x component turns the facet by less than the tilt.
    let tilted_110 = Rotation3::from_axis_angle(
        &Unit::new_normalize(Vec3::new(1.0, 1.0, 0.0)),
        20f64.to_radians(),
    ) * -Vec3::x();
    let cases: Vec<(String, String, f64, Vec3, f64)> = vec![
        ("paper, small".into(), small.clone(), 5.5, -Vec3::x(), 0.0),
        (
            "twist 30".into(),
            small.replace("gap: 5.5,", "gap: 7.25, second: (twist: 30.0),"),
            7.25,
            -Vec3::x(),
            0.0,
        ),
        (
            "different particles, (111) on (110), twist 17".into(),
            format!(
                r#"Pair(first: (lattice: Fcc, a: 3.9, {PTFE}, shape: TruncatedOctahedron, size: Atoms(1500), seed: 1,
                               adatoms: [(facet: (1, 1, 1), fraction: 0.2)]),
                        second: (lattice: Fcc, a: 3.9, {PTFE}, shape: Wulff({{(1, 0, 0): 1.0, (1, 1, 0): 1.05, (1, 1, 1): 1.2}}),
                                 size: Atoms(2500), seed: 2, orientation: Rotation(axis: (1.0, 2.0, 3.0), degrees: 20.0)),
                        geometry: (facets: ((1, 1, 1), (1, 1, 0)), gap: 5.0, second: (twist: 17.0)))"#
            ),
            5.0,
            -Vec3::x(),
            0.0,
        ),
        (
            "tilt 10".into(),
            small.replace("gap: 5.5,", "gap: 6.0, second: (tilt: 10.0),"),
            6.0,
            Rotation3::from_axis_angle(&Vec3::z_axis(), 10f64.to_radians()) * -Vec3::x(),
            10.0,
        ),
        (
            "twist 30, tilt 10 about (0, 1, 1)".into(),
            small.replace(
                "gap: 5.5,",
                "gap: 6.0, second: (twist: 30, tilt: 10, tilt_axis: (0, 1, 1)),",
            ),
            6.0,
            Rotation3::from_axis_angle(
                &Unit::new_normalize(Vec3::new(0.0, 1.0, 1.0)),
                10f64.to_radians(),
            ) * -Vec3::x(),
            10.0,
        ),
        (
            "tilt 20 about (1, 1, 0)".into(),
            small.replace(
                "gap: 5.5,",
                "gap: 6.0, second: (tilt: 20.0, tilt_axis: (1.0, 1.0, 0.0)),",
            ),
            6.0,
            tilted_110,
            (-tilted_110.x).acos().to_degrees(),
        ),
    ];
    for (name, text, gap, n2, angle) in cases {
        let (measured, measured_angle, n) = measure_pair(&text, n2);
        println!(
            "{name}: {n} atoms, gap {measured:.6} A (asked {gap}), facets at {measured_angle:.6} degrees (asked {angle})"
        );
        assert!((measured - gap).abs() < 0.01, "{name}: gap {measured}");
        assert!(
            (measured_angle - angle).abs() < 0.01,
            "{name}: angle {measured_angle}"
        );
    }
    // Gap between the outermost atoms, adatoms included.
    let built = build(&small.replace("gap: 5.5,", "gap: 4.5, gap_between: OutermostAtoms,"));
    let atoms = parse_built_xyz(&format_built(Path::new("p.xyz"), &built.system));
    let max1 = atoms
        .iter()
        .filter(|a| a.particle == 1)
        .map(|a| a.x.x)
        .fold(f64::MIN, f64::max);
    let min2 = atoms
        .iter()
        .filter(|a| a.particle == 2)
        .map(|a| a.x.x)
        .fold(f64::MAX, f64::min);
    println!("outermost atoms: gap {:.6} A (asked 4.5)", min2 - max1);
    assert!((min2 - max1 - 4.5).abs() < 0.01);
    assert!(
        atoms
            .iter()
            .filter(|a| a.particle == 1)
            .any(|a| a.adatom && a.x.x == max1)
    );
}

#[test]
fn paper_system_counts() {
    let paper = build_file("inputs/build/ptfe_pair_paper.ron");
    let fe = paper.system.types.iter().filter(|&&t| t == 1).count();
    let adatoms = paper.system.groups["adatoms"].len();
    println!(
        "paper system: {} atoms ({fe} Fe, {adatoms} adatoms); gap {:?}, angle {:?}, closest approach {:?}",
        paper.system.len(),
        paper.report.gap,
        paper.report.facet_angle,
        paper.report.closest_approach
    );
    // The study: 30,802 atoms, 4,620 Fe.
    assert!(paper.system.len().abs_diff(30_802) <= 10);
    assert_eq!(fe, 4620);
    assert!((paper.report.gap.unwrap() - 5.5).abs() < 1e-9);
}

#[test]
fn no_two_atoms_closer_than_0_8_nearest_neighbour_distances() {
    let mut builds: Vec<(String, Built, f64)> = Vec::new();
    let lattices = [
        ("Fcc", "a: 3.9", PTFE, "Random"),
        (
            "Bcc",
            "a: 2.87",
            r#"species: [(species: "Fe", fraction: 0.7), (species: "Cr", fraction: 0.3)]"#,
            "Random",
        ),
        (
            "Sc",
            "a: 2.6",
            r#"species: [(species: "Po", mass: 209.0)]"#,
            "Random",
        ),
        (
            "Diamond",
            "a: 5.43",
            r#"species: [(species: "Si")]"#,
            "Random",
        ),
        (
            "L12",
            "a: 3.87",
            r#"species: [(species: "Pt"), (species: "Fe")]"#,
            "Sublattices",
        ),
        (
            "L10",
            "a: 3.86, c: 3.71",
            r#"species: [(species: "Fe"), (species: "Pt")]"#,
            "Sublattices",
        ),
    ];
    let shapes = [
        ("Cube", "(1, 0, 0)", 700),
        ("Octahedron", "(1, 1, 1)", 700),
        ("TruncatedOctahedron", "(1, 1, 1)", 700),
        (
            "Wulff({(1, 0, 0): 1.0, (1, 1, 1): 0.95, (1, 1, 0): 1.0})",
            "(1, 1, 0)",
            700,
        ),
        (
            "Wulff({(1, 0, 0): 1.0, (3, 1, 1): 1.02, (1, 1, 1): 0.97})",
            "(3, 1, 1)",
            5000,
        ),
        ("Sphere", "", 700),
    ];
    for (lat, params, species, placement) in lattices {
        for (shape, facet, size) in shapes {
            let adatoms = if facet.is_empty() {
                String::new()
            } else {
                format!(
                    "adatoms: [(facet: {facet}, fraction: 0.5), (facet: (-1, 0, 0), fraction: 0.3)],"
                )
            };
            let adatoms = if shape == "Octahedron" {
                format!("adatoms: [(facet: {facet}, fraction: 0.5)],")
            } else {
                adatoms
            };
            let text = format!(
                r#"Particle(particle: (lattice: {lat}, {params}, {species}, placement: {placement},
                   shape: {shape}, size: Atoms({size}), {adatoms} seed: 11,
                   orientation: Rotation(axis: (1.0, 2.0, 3.0), degrees: 17.0)))"#
            );
            let b = parse_build(&text)
                .build(Path::new("."))
                .unwrap_or_else(|e| panic!("{lat} {shape}: {e}"));
            let d_nn = ParticleSpec::lattice(&match parse_build(&text) {
                BuildSpec::Particle(p) => p.particle,
                _ => unreachable!(),
            })
            .unwrap()
            .nearest_neighbor_distance();
            builds.push((format!("{lat} {shape}"), b, d_nn));
        }
    }
    let hcp = r#"Particle(particle: (lattice: Hcp, a: 2.5, species: [(species: "Co")],
        shape: Wulff({(0, 0, 1): 1.0, (1, 0, 0): 1.05, (1, 0, 1): 1.1, (1, 1, 0): 1.1}), size: Atoms(1500),
        adatoms: [(facet: (0, 0, 1), fraction: 1.0), (facet: (1, 0, 0), fraction: 1.0), (facet: (1, 0, 1), fraction: 0.5)]))"#;
    builds.push(("Hcp Wulff".into(), build(hcp), 2.5));
    let small = std::fs::read_to_string("inputs/build/ptfe_pair_small.ron").unwrap();
    let d_ptfe = 3.878 / 2f64.sqrt();
    for (name, text) in [
        ("pair", small.clone()),
        // Twisted adatom layers meet unless the gap leaves room for them (see
        // overlapping_pairs_are_refused).
        (
            "pair, twist 45",
            small.replace("gap: 5.5,", "gap: 7.5, second: (twist: 45.0),"),
        ),
        (
            "pair, twist 30, offset",
            small.replace(
                "gap: 5.5,",
                "gap: 7.5, second: (twist: 30.0), offset: (3.0, -1.0),",
            ),
        ),
        (
            "pair, tilt 20",
            small.replace("gap: 5.5,", "gap: 7.5, second: (tilt: 20.0),"),
        ),
        (
            "pair, twist and tilt",
            small.replace("gap: 5.5,", "gap: 7.5, second: (twist: 10.0, tilt: -12.0),"),
        ),
        (
            "pair, outermost atoms",
            small.replace("gap: 5.5,", "gap: 2.6, gap_between: OutermostAtoms,"),
        ),
    ] {
        builds.push((name.into(), build(&text), d_ptfe));
    }
    builds.push((
        "paper".into(),
        build_file("inputs/build/ptfe_pair_paper.ron"),
        d_ptfe,
    ));
    builds.push((
        "pair_twist_tilt".into(),
        build_file("tests/fixtures/build/pair_twist_tilt.ron"),
        3.87 / 2f64.sqrt(),
    ));
    let co = sintermd::structure::Lattice::new(
        sintermd::structure::LatticeKind::Hcp,
        2.507,
        Some(4.070),
    );
    builds.push((
        "hcp_particle".into(),
        build_file("tests/fixtures/build/hcp_particle.ron"),
        co.unwrap().nearest_neighbor_distance(),
    ));
    builds.push((
        "l10_block".into(),
        build_file("tests/fixtures/build/l10_block.ron"),
        (3.86f64.powi(2) / 4.0 + 3.71f64.powi(2) / 4.0).sqrt(),
    ));
    builds.push((
        "fcc block [1-10] [11-2] [111]".into(),
        build(
            r#"Lattice(lattice: Fcc, a: 3.9, cells: (3, 2, 2), species: [(species: "Pt")],
                       orientation: Axes(x: (1, -1, 0), y: (1, 1, -2), z: (1, 1, 1)))"#,
        ),
        3.9 / 2f64.sqrt(),
    ));
    builds.push((
        "hcp block".into(),
        build(r#"Lattice(lattice: Hcp, a: 2.5, cells: (4, 3, 3), species: [(species: "Co")])"#),
        2.5,
    ));
    for (name, b, d_nn) in &builds {
        let closest = closest_pair(&b.system, d_nn * 1.001).unwrap_or(f64::INFINITY);
        println!(
            "{name}: {} atoms, closest pair {closest:.4} A, nearest-neighbour distance {d_nn:.4} A",
            b.system.len()
        );
        assert!(
            closest >= 0.8 * d_nn,
            "{name}: atoms {closest} A apart (nn {d_nn})"
        );
    }
    assert!(builds.len() >= 45);
}

#[test]
fn overlapping_pairs_are_refused() {
    let small = std::fs::read_to_string("inputs/build/ptfe_pair_small.ron").unwrap();
    // At 5.5 A between the facets the adatom layers are 1.62 A apart: twisted, some adatoms of
    // the two particles meet.
    let e = parse_build(&small.replace("gap: 5.5,", "gap: 5.5, second: (twist: 45.0),"))
        .build(Path::new("."))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("closer than 0.8 x the nearest-neighbour distance"),
        "{e}"
    );
    let e = parse_build(&small.replace("gap: 5.5,", "gap: 1.0,"))
        .build(Path::new("."))
        .unwrap_err()
        .to_string();
    assert!(e.contains("would be") && e.contains("widen the gap"), "{e}");
}

#[test]
fn adatoms_fill_the_hollows_of_their_facet() {
    let a: f64 = 3.9;
    for (shape, facet, support, spacing) in [
        ("Cube", "(1, 0, 0)", 4, a / 2.0),
        ("TruncatedOctahedron", "(1, 1, 1)", 3, a / 3f64.sqrt()),
        (
            "Wulff({(1, 0, 0): 1.0, (1, 1, 0): 1.0, (1, 1, 1): 1.0})",
            "(1, 1, 0)",
            5,
            a / 8f64.sqrt(),
        ),
    ] {
        let text = |fraction: f64| {
            format!(
                r#"(lattice: Fcc, a: {a}, species: [(species: "Pt")], shape: {shape}, size: VolumeOfAtoms(3000),
                    adatoms: [(facet: {facet}, fraction: {fraction})], seed: 4)"#
            )
        };
        let full = particle(&text(1.0));
        let part = particle(&text(0.2));
        assert_eq!(
            part.adatoms.len(),
            (0.2 * full.adatoms.len() as f64).round() as usize
        );
        let miller: Vec<i32> = facet
            .trim_matches(|c| c == '(' || c == ')')
            .split(',')
            .map(|s| s.trim().parse().unwrap())
            .collect();
        let f = full.facet([miller[0], miller[1], miller[2]]).unwrap();
        assert!((f.spacing - spacing).abs() < 1e-9);
        let core = full.core_atoms();
        for &i in &full.adatoms {
            let x = full.system.positions[i as usize];
            assert!((f.normal.dot(&x) - f.plane - spacing).abs() < 1e-9);
            let below = core
                .iter()
                .filter(|&&j| {
                    (full.system.positions[j as usize] - x).norm() < a / 2f64.sqrt() * 1.001
                })
                .count();
            assert_eq!(below, support, "{shape}: adatom support");
        }
        println!(
            "{shape} {facet}: full layer {} sites, 20 % kept: {}",
            full.adatoms.len(),
            part.adatoms.len()
        );
    }
}

#[test]
fn relaxed_particles_are_placed_by_their_measured_facets() {
    let spec_text = format!(
        r#"(lattice: Fcc, a: 3.878, {PTFE}, shape: Wulff({{(1, 0, 0): 1.0, (1, 1, 0): 1.3, (1, 1, 1): 1.5}}),
            size: Atoms(1500), adatoms: [(facet: (1, 0, 0), fraction: 0.2)], seed: 8)"#
    );
    let built = particle(&spec_text);
    // A "relaxed" copy: turned by 3 degrees, moved, jiggled by up to 0.004 A, velocities set, in a
    // periodic box that cuts through it (positions wrapped, image flags set), atoms reversed.
    let r = Rotation3::from_axis_angle(
        &Unit::new_normalize(Vec3::new(1.0, 1.0, 0.0)),
        3f64.to_radians(),
    );
    let mut relaxed = built.system.clone();
    for (i, x) in relaxed.positions.iter_mut().enumerate() {
        let jiggle = Vec3::new(
            ((i * 7919) % 9) as f64 - 4.0,
            ((i * 104729) % 9) as f64 - 4.0,
            ((i * 1299709) % 9) as f64 - 4.0,
        ) * 0.001;
        *x = r * *x + Vec3::new(40.0, -3.0, 2.0) + jiggle;
    }
    for (x, v) in relaxed.positions.iter().zip(relaxed.velocities.iter_mut()) {
        *v = Vec3::new(0.01, 0.0, 0.0) + Vec3::new(0.001, 0.002, -0.001).cross(x);
    }
    relaxed.simbox =
        sintermd::system::SimBox::new([0.0; 3], [60.0, 60.0, 60.0], [true; 3]).unwrap();
    relaxed.wrap_positions();
    let mut reversed = System::new(relaxed.simbox.clone(), relaxed.species.clone());
    for i in (0..relaxed.len()).rev() {
        reversed.push(
            relaxed.ids[i],
            relaxed.types[i],
            relaxed.positions[i],
            relaxed.velocities[i],
        );
        *reversed.images.last_mut().unwrap() = relaxed.images[i];
    }
    let dir = temp_dir("relaxed");
    write_lammps_data(&dir.join("eq.data"), &reversed, "relaxed").unwrap();
    let pair = format!(
        r#"Pair(first: {spec_text}, first_relaxed: "eq.data", second_relaxed: "eq.data",
                geometry: (facets: ((1, 0, 0), (1, 0, 0)), gap: 8.0))"#
    );
    let out = parse_build(&pair).build(&dir).unwrap();
    let s = &out.system;
    let f = built.facet([1, 0, 0]).unwrap();
    let n1 = built.system.len();
    let mean_x =
        |idx: Vec<usize>| idx.iter().map(|&i| s.positions[i].x).sum::<f64>() / idx.len() as f64;
    let plane1 = mean_x(f.plane_atoms.iter().map(|&i| i as usize).collect());
    let plane2 = mean_x(f.plane_atoms.iter().map(|&i| n1 + i as usize).collect());
    let pts = |off: usize| -> Vec<Vec3> {
        f.plane_atoms
            .iter()
            .map(|&i| s.positions[off + i as usize])
            .collect()
    };
    let angle = angle_deg(&fit_plane(&pts(0)).0, &fit_plane(&pts(n1)).0);
    println!(
        "relaxed pair: gap {:.5} A between mean planes, planes at {angle:.4} degrees",
        plane2 - plane1
    );
    assert!((plane2 - plane1 - 8.0).abs() < 0.01);
    assert!(angle < 0.05);
    // Linear and angular momentum removed.
    let mass: f64 = (0..n1).map(|i| s.mass(i)).sum();
    let com = (0..n1).map(|i| s.positions[i] * s.mass(i)).sum::<Vec3>() / mass;
    let p: Vec3 = (0..n1).map(|i| s.velocities[i] * s.mass(i)).sum();
    let l: Vec3 = (0..n1)
        .map(|i| (s.positions[i] - com).cross(&s.velocities[i]) * s.mass(i))
        .sum();
    let l_before: Vec3 = (0..n1)
        .map(|i| relaxed.positions[i].cross(&relaxed.velocities[i]) * relaxed.mass(i))
        .sum();
    println!(
        "momentum {:.2e}, angular momentum {:.2e} (before: {:.2e})",
        p.norm(),
        l.norm(),
        l_before.norm()
    );
    assert!(p.norm() < 1e-9 && l.norm() < 1e-9 * l_before.norm());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn blocks_are_periodic_and_ordered() {
    let b = build_file("tests/fixtures/build/l10_block.ron").system;
    // 3 x 3 x 4 periods of |[110]| a, |[-110]| a, c: 2 x 2 x 1 conventional cells each.
    assert_eq!(b.len(), 3 * 3 * 4 * 2 * 4);
    let l = b.simbox.lengths();
    assert!((l.x - 3.0 * 3.86 * 2f64.sqrt()).abs() < 1e-9 && (l.z - 4.0 * 3.71).abs() < 1e-9);
    for (x, &t) in b.positions.iter().zip(&b.types) {
        let layer = (x.z / (3.71 / 2.0)).round() as i64;
        assert_eq!(
            t as i64,
            layer.rem_euclid(2),
            "L1_0 layers alternate along c"
        );
    }
    let bad = parse_build(
        r#"Lattice(lattice: Fcc, a: 3.9, cells: (2, 2, 2), species: [(species: "Pt")],
                   orientation: Rotation(axis: (0.0, 0.0, 1.0), degrees: 10.0))"#,
    )
    .build(Path::new("."))
    .unwrap_err();
    assert!(bad.to_string().contains("only be oriented by crystal axes"));
}

#[test]
fn bad_build_inputs_give_one_line_errors() {
    let dir = Path::new("tests/bad_inputs/build");
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let text = std::fs::read_to_string(&path).unwrap();
        let expected = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("// error: "))
            .expect("first line: // error: <expected text>");
        let out = temp_dir("bad").join("out.data");
        let cli = sintermd::cli::Cli::parse_from([
            "sintermd",
            "build",
            path.to_str().unwrap(),
            "-o",
            out.to_str().unwrap(),
        ]);
        let e = sintermd::cli::main_with(cli).unwrap_err().to_string();
        println!("{}: {e}", path.display());
        assert!(e.contains(expected), "{}: got {e}", path.display());
        assert!(
            e.contains(path.to_str().unwrap()),
            "error names the file: {e}"
        );
        assert!(!e.contains('\n'));
        checked += 1;
    }
    assert!(checked >= 10);
}

#[test]
fn run_inputs_take_a_build_structure() {
    let input: sintermd::input::Input = parse_ron(
        r#"(
            structure: Build(Particle(particle: (lattice: Fcc, a: 5.26, species: [(species: "Ar")],
                                                 shape: Cube, size: Atoms(200)), vacuum: 10.0)),
            potential: Lammps(pair_style: "lj/cut 8.5", pair_coeff: ["1 1 0.0104 3.40"]),
            stages: [Md(steps: 2, timestep: 0.002)],
            output: (thermo_every: 1, trajectory_every: 0),
        )"#,
        Path::new("run.ron"),
    )
    .unwrap();
    let dir = temp_dir("run");
    let summary = sintermd::run::run_input(&input, Path::new("."), &dir, None).unwrap();
    let expected = particle(
        r#"(lattice: Fcc, a: 5.26, species: [(species: "Ar")], shape: Cube, size: Atoms(200))"#,
    );
    assert_eq!(summary.atoms, expected.system.len());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn lammps_read_the_written_files() {
    // tests/fixtures/build/lammps_read.json: LAMMPS read the data files `sintermd build` wrote
    // for these inputs; the builds must still give what LAMMPS read.
    let text = std::fs::read_to_string("tests/fixtures/build/lammps_read.json").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let builds = v["builds"].as_array().unwrap();
    assert!(builds.len() >= 5);
    for b in builds {
        let input = b["input"].as_str().unwrap();
        let ours = build_file(input).system;
        let lammps = &b["lammps"];
        assert_eq!(
            lammps["natoms"].as_u64().unwrap() as usize,
            ours.len(),
            "{input}"
        );
        assert_eq!(
            lammps["atom_types"].as_u64().unwrap() as usize,
            ours.species.len()
        );
        for (t, n) in lammps["per_type"].as_array().unwrap().iter().enumerate() {
            let count = ours.types.iter().filter(|&&x| x as usize == t).count();
            assert_eq!(
                n.as_u64().unwrap() as usize,
                count,
                "{input} type {}",
                t + 1
            );
        }
        if let Some(pe) = lammps.get("meam_pe_per_atom_eV").and_then(|p| p.as_f64()) {
            println!(
                "{input}: LAMMPS read {} atoms; MEAM energy {pe:.4} eV/atom",
                ours.len()
            );
        } else {
            println!("{input}: LAMMPS read {} atoms", ours.len());
        }
    }
}

/// A copy of `p` as if equilibrated: expanded by `scale` about its core centroid (thermal
/// expansion), every atom displaced by a deterministic pseudo-random offset of up to `jitter`
/// [A] per axis, and its outermost adatom pushed `protrusion` [A] further out.
fn warmed(p: &Particle, scale: f64, jitter: f64, protrusion: f64) -> Particle {
    let mut q = p.clone();
    let core = q.core_atoms();
    let centre = core
        .iter()
        .map(|&i| q.system.positions[i as usize])
        .sum::<Vec3>()
        / core.len() as f64;
    let mut state = 12345u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
    };
    for x in q.system.positions.iter_mut() {
        *x = centre + scale * (*x - centre) + jitter * Vec3::new(next(), next(), next());
    }
    let outward = p.facet([1, 0, 0]).unwrap().normal;
    let top = *q
        .adatoms
        .iter()
        .max_by(|&&a, &&b| {
            let h = |i: u32| outward.dot(&q.system.positions[i as usize]);
            h(a).total_cmp(&h(b))
        })
        .unwrap();
    q.system.positions[top as usize] += protrusion * outward;
    q
}

#[test]
fn facet_gap_is_the_same_for_particles_at_different_temperatures() {
    use sintermd::structure::{GapReference, PairGeometry, assemble};
    let cold = particle(
        r#"(lattice: Fcc, a: 3.878, species: [(species: "Pt")],
            shape: Wulff({(1, 0, 0): 1.0, (1, 1, 0): 1.3, (1, 1, 1): 1.5}), size: Atoms(800),
            centre: (0.25, 0.25, 0.25), adatoms: [(facet: (1, 0, 0), fraction: 0.2)], seed: 5)"#,
    );
    let geometry = |gap_between| PairGeometry {
        facets: ([1, 0, 0], [1, 0, 0]),
        gap: 7.3,
        gap_between,
        second: Default::default(),
        offset: [0.0; 2],
        vacuum: 15.0,
        boundary: "f f f".into(),
        remove_momentum: true,
    };
    // "Cool" and "hot" copies: the hot one expanded more, vibrating more, its top adatom out.
    let cool = warmed(&cold, 1.004, 0.05, 0.1);
    let hot = warmed(&cold, 1.010, 0.15, 0.6);
    let mut facet_separations = Vec::new();
    let mut outermost = Vec::new();
    for p in [&cold, &cool, &hot] {
        let a = assemble(p, p, &geometry(GapReference::Facets)).unwrap();
        let separation = a.planes[1] - a.planes[0];
        println!(
            "facet gap 7.3: facet planes {separation:.6} A apart, outermost atoms {:.4} A",
            a.outermost_gap
        );
        facet_separations.push(separation);
        outermost.push(a.outermost_gap);
    }
    // The facet planes (mean heights of the outermost layers) sit 7.3 A apart at every
    // temperature; the outermost atoms come closer the hotter the particles.
    for s in &facet_separations {
        assert!((s - 7.3).abs() < 1e-9, "{facet_separations:?}");
    }
    assert!(outermost[2] < outermost[1] - 0.5, "{outermost:?}");
    // Placed by their outermost atoms instead, the hot pair's facets start farther apart.
    let by_atoms = |p: &Particle| {
        let a = assemble(p, p, &geometry(GapReference::OutermostAtoms)).unwrap();
        a.planes[1] - a.planes[0]
    };
    assert!(by_atoms(&hot) > by_atoms(&cool) + 0.5);
}

#[test]
fn a_pair_records_its_facet_layers_and_a_saved_particle_keeps_them() {
    let built = build_file("inputs/build/ptfe_pair_small.ron");
    let s = &built.system;
    let (f1, f2) = (&s.groups["facet1"], &s.groups["facet2"]);
    assert!(
        f1.len() > 20 && f1.len() == f2.len(),
        "{} {}",
        f1.len(),
        f2.len()
    );
    // Each facet layer is one plane perpendicular to the joining axis x, facing the other.
    let xs = |g: &[u32]| {
        g.iter()
            .map(|&i| s.positions[i as usize].x)
            .collect::<Vec<f64>>()
    };
    for (g, sign) in [(f1, 1.0), (f2, -1.0)] {
        let x = xs(g);
        let (lo, hi) = x
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(hi - lo < 1e-6, "a facet layer is flat");
        assert!(
            sign * x[0] < 0.0,
            "facet layers face each other across x = 0"
        );
    }
    // A particle saved in a checkpoint (between its equilibration and the assembly) keeps the
    // atoms of its facets' outermost layers, which the facet gap is measured on.
    let p = particle(
        "(lattice: Fcc, a: 3.878, species: [(species: \"Pt\", fraction: 1.0)], \
         shape: Wulff({(1, 0, 0): 1.0, (1, 1, 1): 1.2}), size: Atoms(400))",
    );
    let bytes = postcard::to_allocvec(&p).unwrap();
    let back: Particle = postcard::from_bytes(&bytes).unwrap();
    assert!(!p.facets[0].plane_atoms.is_empty());
    for (a, b) in p.facets.iter().zip(&back.facets) {
        assert_eq!(a.plane_atoms, b.plane_atoms);
    }
}
