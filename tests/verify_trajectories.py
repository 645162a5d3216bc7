#!/usr/bin/env python3
"""Reads one run's trajectories with the tools users have and checks that they agree.

Usage: python tests/verify_trajectories.py OUTPUT_DIR
where OUTPUT_DIR holds a run of tests/inputs/trajectory_formats.ron (trajectory.xyz,
trajectory.lammpstrj, trajectory.h5md, final.data). Needs numpy, ase, h5py, MDAnalysis and, where
installable, ovito (pip). Run by .ci/run.

Checks, for every frame: positions [A], velocities [A/ps], box and species from
  - h5py (H5MD, the reference here: absolute positions, velocities in A/ps),
  - MDAnalysis's H5MD reader,
  - ASE reading the extended XYZ (positions relative to the box corner, inside the cell;
    velocities from ASE's momenta and masses, converted from ASE's units) and the LAMMPS dump,
  - OVITO reading the extended XYZ and the dump,
agree with each other to 1e-9 A (and A/ps), and the last frame agrees with final.data. Prints one
line per check and "N passed, 0 failed" at the end; exits 1 on any failure.
"""
import os
import sys

import numpy as np

TOL = 1e-9
checks = []


def check(name, ok, detail=""):
    checks.append(ok)
    print(("ok    " if ok else "FAIL  ") + name + (f"  ({detail})" if detail else ""))


def close(name, a, b, tol=TOL):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        check(name, False, f"shapes {a.shape} vs {b.shape}")
        return
    d = float(np.max(np.abs(a - b))) if a.size else 0.0
    check(name, d <= tol, f"max deviation {d:.3e}")


def read_data(path):
    """Atoms (id -> species type, x, y, z) and velocities of a LAMMPS data file."""
    lines = open(path).read().splitlines()
    pos, vel, section = {}, {}, None
    for line in lines:
        s = line.split("#")[0].strip()
        if not s:
            continue
        w = s.split()
        if w[0] in ("Atoms", "Velocities", "Masses"):
            section = w[0]
            continue
        if section == "Atoms" and len(w) >= 5:
            pos[int(w[0])] = [float(x) for x in w[2:5]]
        elif section == "Velocities" and len(w) >= 4:
            vel[int(w[0])] = [float(x) for x in w[1:4]]
    return pos, vel


def main(out):
    import h5py

    h5 = os.path.join(out, "trajectory.h5md")
    xyz = os.path.join(out, "trajectory.xyz")
    dump = os.path.join(out, "trajectory.lammpstrj")

    # Reference: h5py.
    with h5py.File(h5, "r") as f:
        check("h5md version 1.1", list(f["h5md"].attrs["version"]) == [1, 1])
        check("h5md creator sintermd", f["h5md/creator"].attrs["name"] == "sintermd")
        all_ = f["particles/all"]
        x = all_["position/value"][()]
        v = all_["velocity/value"][()]
        steps = all_["position/step"][()]
        times = all_["position/time"][()]
        edges = all_["box/edges/value"][()]
        offset = all_["box/offset/value"][()]
        ids = all_["id/value"][0]
        species = all_["species/value"][0]
        constant = (all_["species/value"][()] == species).all() and (all_["id/value"][()] == ids).all()
        check("species and id constant in time", bool(constant))
        names = [s.decode() if isinstance(s, bytes) else s for s in f["parameters/species"][()]]
        check("position unit Angstrom", all_["position/value"].attrs["unit"] == "Angstrom")
        check("observables: temperature per frame", len(f["observables/temperature/value"]) == len(x))
        check("parameters: input text stored", len(f["parameters/input"][0]) > 0)
        check("parameters: potential file checksum", len(f["parameters/potential_sha256"]) >= 1)
    symbols = [names[t] for t in species]
    nframes = len(x)
    check("h5md has frames", nframes >= 2, f"{nframes} frames")

    # MDAnalysis's H5MD reader, with final.data as the topology (as users pair them).
    import MDAnalysis as mda
    u = mda.Universe(os.path.join(out, "final.data"), h5, topology_format="DATA",
                     atom_style="id type x y z", format="H5MD")
    check("MDAnalysis frame count", len(u.trajectory) == nframes)
    for k, ts in enumerate(u.trajectory):
        close(f"MDAnalysis frame {k} positions", ts.positions, x[k], 1e-4)  # MDAnalysis keeps float32
        close(f"MDAnalysis frame {k} velocities", ts.velocities, v[k], 1e-4)
        close(f"MDAnalysis frame {k} box", ts.dimensions[:3], edges[k], 1e-4)
        close(f"MDAnalysis frame {k} time", ts.time, times[k], 1e-6)

    # ASE: extended XYZ and LAMMPS dump.
    import ase.io
    from ase import units
    ase_ps = 1000.0 * units.fs  # one ps in ASE's time unit
    frames = ase.io.read(xyz, index=":")
    check("ASE xyz frame count", len(frames) == nframes)
    for k, a in enumerate(frames):
        cell = np.diag(a.cell.array)
        close(f"ASE xyz frame {k} cell", cell, edges[k])
        inside = np.all((a.positions >= -1e-9) & (a.positions <= cell + 1e-9))
        check(f"ASE xyz frame {k} atoms inside the cell", bool(inside))
        close(f"ASE xyz frame {k} positions", a.positions + offset[k], x[k])
        close(f"ASE xyz frame {k} velocities", a.get_velocities() * ase_ps, v[k])
        check(f"ASE xyz frame {k} species", a.get_chemical_symbols() == symbols)
        check(f"ASE xyz frame {k} pbc", list(a.pbc) == [False, False, False])
    frames = ase.io.read(dump, index=":", format="lammps-dump-text")
    check("ASE dump frame count", len(frames) == nframes)
    for k, a in enumerate(frames):
        order = np.argsort(a.arrays["id"]) if "id" in a.arrays else np.arange(len(a))
        close(f"ASE dump frame {k} positions", a.positions[order], x[k][np.argsort(ids)])
        close(f"ASE dump frame {k} velocities", a.get_velocities()[order] * ase_ps, v[k][np.argsort(ids)], 1e-8)
        check(f"ASE dump frame {k} species", [a.get_chemical_symbols()[i] for i in order]
              == [symbols[i] for i in np.argsort(ids)])

    # OVITO, where installed.
    try:
        from ovito.io import import_file
    except Exception as e:  # noqa: BLE001
        print(f"skip  OVITO not importable here ({e.__class__.__name__}: {e})")
    else:
        for path in (xyz, dump):
            pipe = import_file(path)
            check(f"OVITO {os.path.basename(path)} frame count", pipe.num_frames == nframes)
            for k in range(pipe.num_frames):
                d = pipe.compute(k)
                pid = np.asarray(d.particles["Particle Identifier"])
                order = np.argsort(pid)
                origin = np.asarray(d.cell[:, 3])
                p = np.asarray(d.particles.positions)[order]
                ref = x[k][np.argsort(ids)]
                shift = offset[k] - origin if path == xyz else 0.0
                close(f"OVITO {os.path.basename(path)} frame {k} positions", p + shift, ref)
                close(f"OVITO {os.path.basename(path)} frame {k} velocities",
                      np.asarray(d.particles["Velocity"])[order], v[k][np.argsort(ids)])
                close(f"OVITO {os.path.basename(path)} frame {k} cell",
                      [d.cell[0, 0], d.cell[1, 1], d.cell[2, 2]], edges[k])

    # The last frame is the final state.
    pos, vel = read_data(os.path.join(out, "final.data"))
    last = {int(i): (x[-1][j], v[-1][j]) for j, i in enumerate(ids)}
    close("final.data positions = last frame", [pos[i] for i in sorted(pos)],
          [last[i][0] for i in sorted(pos)])
    close("final.data velocities = last frame", [vel[i] for i in sorted(vel)],
          [last[i][1] for i in sorted(vel)])
    check("frame steps increase", bool(np.all(np.diff(steps) > 0)))

    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
