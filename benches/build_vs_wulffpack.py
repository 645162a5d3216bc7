#!/usr/bin/env python3
"""Side-by-side build times: sintermd's Wulff particle against WulffPack's, same shape and size.

    cargo build --release
    ~/.cache/md-oracle/bin/python benches/build_vs_wulffpack.py [NATOMS ...]

For each size: WulffPack SingleCrystal(...).atoms (fcc, a = 3.9 A, {100}: 1.0, {111}: 0.9,
{110}: 1.1, sized by natoms) and `sintermd build` of the same particle (VolumeOfAtoms(natoms),
which gives the same atoms), written to a LAMMPS data file; wall times in one run, and their
ratio. The machine is shared: quote the ratio.
"""
import os
import subprocess
import sys
import tempfile
import time

from ase.build import bulk
from wulffpack import SingleCrystal

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SINTERMD = os.path.join(ROOT, "target", "release", "sintermd")
ENERGIES = {(1, 0, 0): 1.0, (1, 1, 1): 0.9, (1, 1, 0): 1.1}


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [5000, 50000]
    print(f"{'natoms':>8} {'atoms':>8} {'WulffPack s':>12} {'sintermd s':>11} {'ratio':>7}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            t0 = time.perf_counter()
            atoms = SingleCrystal(ENERGIES, primitive_structure=bulk("Pt", "fcc", a=3.9), natoms=n).atoms
            t_wp = time.perf_counter() - t0
            ron = os.path.join(tmp, "p.ron")
            with open(ron, "w") as f:
                f.write('Particle(particle: (lattice: Fcc, a: 3.9, species: [(species: "Pt")], '
                        'shape: Wulff({(1, 0, 0): 1.0, (1, 1, 1): 0.9, (1, 1, 0): 1.1}), '
                        f'size: VolumeOfAtoms({n})))\n')
            t0 = time.perf_counter()
            subprocess.run([SINTERMD, "build", ron, "-o", os.path.join(tmp, "p.data")],
                           check=True, capture_output=True)
            t_us = time.perf_counter() - t0
            print(f"{n:>8} {len(atoms):>8} {t_wp:>12.3f} {t_us:>11.3f} {t_wp / t_us:>7.1f}")


if __name__ == "__main__":
    main()
