//! Cell + Verlet lists against the O(N^2) search over all pairs and images, on random and lattice
//! configurations, periodic, free and mixed, including boxes with fewer than three cells per side
//! and boxes shorter than the list radius.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sintermd::neighbor::{ListKind, NeighborList, all_neighbors};
use sintermd::structure::{CubicLattice, block_sites};
use sintermd::system::{SimBox, Vec3};

fn list_entries(list: &NeighborList, simbox: &SimBox) -> Vec<(usize, usize, [i64; 3])> {
    let mut out = Vec::new();
    for i in 0..list.len() {
        for (j, img) in list.row(i).iter() {
            out.push((i, j as usize, list.shift_cells(img, simbox)));
        }
    }
    out.sort();
    out
}

/// Checks the full list against the brute-force search (entries, ownership, mirrors) and the half
/// list against the full one; returns the number of full-list entries.
fn check(simbox: &SimBox, positions: &mut [Vec3], cutoff: f64, skin: f64) -> usize {
    let mut img = [0; 3];
    for x in positions.iter_mut() {
        simbox.wrap(x, &mut img);
    }
    let entries = check_full(simbox, positions, cutoff, skin);
    check_half(simbox, positions, cutoff, skin);
    entries
}

/// A half list holds every pair exactly once (one of its two entries in the brute-force search),
/// the entries it owns, and rows are the same whatever the number of threads that built them.
fn check_half(simbox: &SimBox, positions: &[Vec3], cutoff: f64, skin: f64) {
    let build = |threads: usize| {
        let mut list = NeighborList::with_kind(cutoff, skin, ListKind::Half);
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| list.build(simbox, positions).unwrap());
        list
    };
    let list = build(1);
    assert_eq!(list.kind(), ListKind::Half);
    let mut pairs = Vec::new();
    for i in 0..list.len() {
        assert_eq!(list.owned_row(i).packed(), list.row(i).packed());
        for (j, im) in list.row(i).iter() {
            let j = j as usize;
            assert!(list.owns(i, j, im), "entry ({i},{j},{im}) not owned");
            assert!(!list.owns(j, i, list.mirror_image(im)));
            let s = list.shift_cells(im, simbox);
            pairs.push((i, j, s));
            pairs.push((j, i, s.map(|k| -k)));
        }
    }
    pairs.sort();
    let brute = all_neighbors(simbox, positions, cutoff + skin);
    assert_eq!(
        pairs, brute,
        "half list and its mirrors differ from all pairs"
    );
    let other = build(3);
    for i in 0..list.len() {
        assert_eq!(list.row(i).packed(), other.row(i).packed());
    }
}

fn check_full(simbox: &SimBox, positions: &[Vec3], cutoff: f64, skin: f64) -> usize {
    let mut list = NeighborList::new(cutoff, skin);
    list.build(simbox, positions).unwrap();
    let fast = list_entries(&list, simbox);
    let brute = all_neighbors(simbox, positions, cutoff + skin);
    assert_eq!(fast.len(), brute.len(), "entry counts differ");
    assert_eq!(fast, brute);
    // Every pair is owned exactly once, and the mirror entry exists.
    let mut owned = 0;
    for i in 0..list.len() {
        for (j, im) in list.row(i).iter() {
            let j = j as usize;
            let mirror = list.mirror_image(im);
            assert!(
                list.row(j)
                    .iter()
                    .any(|(k, m)| k as usize == i && m == mirror)
            );
            assert_ne!(
                list.owns(i, j, im),
                list.owns(j, i, mirror),
                "pair ({i},{j}) owned zero or two times"
            );
            owned += list.owns(i, j, im) as usize;
        }
    }
    assert_eq!(2 * owned, fast.len());
    fast.len()
}

fn random_positions(n: usize, lo: [f64; 3], hi: [f64; 3], seed: u64) -> Vec<Vec3> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            Vec3::new(
                rng.random_range(lo[0]..hi[0]),
                rng.random_range(lo[1]..hi[1]),
                rng.random_range(lo[2]..hi[2]),
            )
        })
        .collect()
}

#[test]
fn random_periodic_many_cells() {
    let b = SimBox::new([0.0; 3], [20.0, 22.0, 24.0], [true; 3]).unwrap();
    let mut x = random_positions(600, b.lo, b.hi, 1);
    assert!(check(&b, &mut x, 3.0, 0.5) > 0);
}

#[test]
fn random_periodic_one_and_two_cells_per_side() {
    // List radius 5: 9/5 -> 1 cell, 11/5 -> 2 cells, 16/5 -> 3 cells.
    let b = SimBox::new([-2.0, 0.0, 1.0], [7.0, 11.0, 17.0], [true; 3]).unwrap();
    let mut x = random_positions(150, b.lo, b.hi, 2);
    check(&b, &mut x, 4.0, 1.0);
}

#[test]
fn periodic_box_shorter_than_the_list_radius() {
    // Images of the same atom (and of itself) several box lengths away.
    let b = SimBox::new([0.0; 3], [3.0, 4.0, 9.0], [true; 3]).unwrap();
    let mut x = random_positions(12, b.lo, b.hi, 3);
    let n = check(&b, &mut x, 6.0, 1.0);
    assert!(n > 12 * 12, "expected many image entries, got {n}");
}

#[test]
fn free_boundaries_with_atoms_anywhere() {
    // Atoms outside the nominal box, one far away, a dense cluster.
    let b = SimBox::new([0.0; 3], [10.0; 3], [false; 3]).unwrap();
    let mut x = random_positions(300, [-5.0, -3.0, 2.0], [12.0, 8.0, 30.0], 4);
    x.push(Vec3::new(1000.0, -800.0, 5000.0));
    x.push(Vec3::new(1001.5, -800.0, 5000.0));
    check(&b, &mut x, 2.5, 0.5);
}

#[test]
fn mixed_periodic_and_free_axes() {
    let b = SimBox::new([0.0; 3], [12.0, 12.0, 40.0], [true, true, false]).unwrap();
    let mut x = random_positions(400, [0.0, 0.0, -10.0], [12.0, 12.0, 50.0], 5);
    check(&b, &mut x, 3.0, 1.0);
}

#[test]
fn fcc_lattice_periodic_and_free() {
    let a = 3.615;
    let mut x = block_sites(CubicLattice::Fcc, a, [4, 4, 4]);
    let l = 4.0 * a;
    let periodic = SimBox::new([0.0; 3], [l; 3], [true; 3]).unwrap();
    let n = check(&periodic, &mut x.clone(), 4.95, 1.0);
    // Cu fcc within 5.95 A: shells at a/sqrt2 (12), a (6), a sqrt(3/2) (24), a sqrt2 (12) and
    // a sqrt(5/2) = 5.72 A (24); the next, a sqrt3 = 6.26 A, is outside: 78 per atom.
    assert_eq!(n, 256 * 78);
    let free = SimBox::new([0.0; 3], [l; 3], [false; 3]).unwrap();
    check(&free, &mut x, 4.95, 1.0);
}

#[test]
fn rebuild_only_after_half_skin() {
    let b = SimBox::new([0.0; 3], [20.0; 3], [true; 3]).unwrap();
    let x = random_positions(50, b.lo, b.hi, 6);
    let mut list = NeighborList::new(3.0, 1.0);
    assert!(list.needs_rebuild(&x));
    list.build(&b, &x).unwrap();
    let mut y = x.clone();
    y[7].x += 0.49;
    assert!(!list.needs_rebuild(&y));
    y[7].x += 0.02;
    assert!(list.needs_rebuild(&y));
}
