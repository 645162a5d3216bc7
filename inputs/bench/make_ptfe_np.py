#!/usr/bin/env python3
"""Writes ptfe_np_4k.data: a free-standing Pt85Fe15 Wulff particle of about 4,000 atoms.

Made with WulffPack + ASE from the oracle environment (../shared/oracle/setup.sh):
    ~/.cache/md-oracle/bin/python inputs/bench/make_ptfe_np.py inputs/bench/ptfe_np_4k.data
fcc, a = 3.90 A, surface energies {100}: 1.0, {111}: 0.9; exactly round(0.15 N) Fe placed at
random (seed 2006); centred in a box with 15 A of vacuum on every side.
"""
import sys

import numpy as np
from ase.build import bulk
from wulffpack import SingleCrystal

out = sys.argv[1] if len(sys.argv) > 1 else "ptfe_np_4k.data"
particle = SingleCrystal({(1, 0, 0): 1.0, (1, 1, 1): 0.9},
                         primitive_structure=bulk("Pt", "fcc", a=3.90), natoms=4000)
atoms = particle.atoms
n = len(atoms)
rng = np.random.default_rng(2006)
nfe = int(round(0.15 * n))
types = np.ones(n, dtype=int)
types[rng.choice(n, size=nfe, replace=False)] = 2
pos = atoms.get_positions()
pos -= pos.mean(axis=0)
margin = 15.0
lo = pos.min(axis=0) - margin
hi = pos.max(axis=0) + margin
with open(out, "w") as f:
    f.write(f"Pt85Fe15 Wulff particle, {n} atoms ({nfe} Fe), made by inputs/bench/make_ptfe_np.py\n\n")
    f.write(f"{n} atoms\n2 atom types\n\n")
    for k, ax in enumerate("xyz"):
        f.write(f"{lo[k]:.10f} {hi[k]:.10f} {ax}lo {ax}hi\n")
    f.write("\nMasses\n\n1 195.08 # Pt\n2 55.845 # Fe\n\nAtoms # atomic\n\n")
    for i in range(n):
        f.write(f"{i + 1} {types[i]} {pos[i, 0]:.10f} {pos[i, 1]:.10f} {pos[i, 2]:.10f}\n")
print(f"{out}: {n} atoms, {nfe} Fe")
