#!/usr/bin/env bash
# Side-by-side speed of sintermd and LAMMPS on the benchmark inputs, in one run.
#
# Usage: benches/compare_lammps.sh [NAME ...]      (default: every benchmark below)
# Needs the oracle environment (LAMMPS via /work/shared/oracle/lmp, see ../shared/oracle/README.md).
# Each block runs sintermd with 2 threads and LAMMPS on 2 MPI ranks on the same atoms, potential
# and steps, REPEAT times (default 3, alternating which goes first), prints atom-steps/s of each
# run and ends with the best rate of each:
#   RESULT <name> sintermd=<atom-steps/s> lammps=<atom-steps/s> ratio=<sintermd/lammps>
# The machine may be shared: compare ratios from the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# The shared folder sits beside the repository (main checkout) or two levels up (worktrees).
if [ -z "${LMP:-}" ]; then
  for d in "$ROOT/../shared" "$ROOT/../../shared"; do
    if [ -x "$d/oracle/lmp" ]; then LMP="$d/oracle/lmp"; break; fi
  done
fi
[ -n "${LMP:-}" ] || { echo "no LAMMPS: set LMP or provide ../shared/oracle/lmp" >&2; exit 2; }
REPEAT=${REPEAT:-3}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

cargo build --release --quiet
SINTERMD=$ROOT/target/release/sintermd

# atom-steps/s of a sintermd run folder (stepping loop only, like LAMMPS's "Loop time").
sintermd_rate() {
  sed -n 's/.*"atom_steps_per_second": *\([0-9.eE+-]*\).*/\1/p' "$1/summary.json" |
    awk '{printf "%.0f\n", $1}'
}

# atom-steps/s from a LAMMPS log: atoms * steps / loop time.
lammps_rate() {
  awk '/^Loop time of/ {t=$4; s=$9; n=$12} END {printf "%.6g\n", n*s/t}' "$1"
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f\n", a/b}'
}

# sintermd on inputs/bench/NAME.ron with 2 threads; prints atom-steps/s.
run_sintermd() {
  "$SINTERMD" run "$ROOT/inputs/bench/$1.ron" --threads 2 --out "$WORK/out.$1" > "$WORK/sintermd.$1.log" 2>&1
  sintermd_rate "$WORK/out.$1"
}

# LAMMPS on $WORK/in.NAME with 2 MPI ranks; prints atom-steps/s.
run_lammps() {
  "$LMP" --np 2 -in "$WORK/in.$1" -log "$WORK/log.$1" > /dev/null 2>&1
  lammps_rate "$WORK/log.$1"
}

# ---------------------------------------------------------------------------------------------
# meam_ptfe_np: Pt85Fe15 Wulff particle (4,033 atoms), 2NN MEAM Fe-Pt (Kim, Koo & Lee 2006),
# 1473 K, NVE, 2 fs, 200 steps.
bench_meam_ptfe_np() {
  local name=meam_ptfe_np steps=200
  cat > "$WORK/in.$name" <<LMP
units metal
atom_style atomic
boundary p p p
read_data $ROOT/inputs/bench/ptfe_np_4k.data
pair_style meam
pair_coeff * * $ROOT/potentials/FePt_Kim2006.library.meam Pt Fe $ROOT/potentials/FePt_Kim2006.meam Pt Fe
neighbor 1.0 bin
neigh_modify every 1 delay 0 check yes
velocity all create 1473.0 2026 mom yes rot yes dist gaussian
timestep 0.002
fix nve all nve
thermo 50
run $steps
LMP
  local best_ours=0 best_theirs=0 ours theirs
  for rep in $(seq "$REPEAT"); do
    # Alternate which program runs first, so that a change in the machine's load between the
    # two runs does not always favour the same one.
    if [ $((rep % 2)) -eq 1 ]; then
      ours=$(run_sintermd "$name"); theirs=$(run_lammps "$name")
    else
      theirs=$(run_lammps "$name"); ours=$(run_sintermd "$name")
    fi
    echo "$name run $rep: sintermd (2 threads) $ours atom-steps/s, LAMMPS meam (2 MPI ranks) $theirs atom-steps/s, ratio $(ratio "$ours" "$theirs")"
    best_ours=$(awk -v a="$ours" -v b="$best_ours" 'BEGIN {print (a > b) ? a : b}')
    best_theirs=$(awk -v a="$theirs" -v b="$best_theirs" 'BEGIN {print (a > b) ? a : b}')
  done
  # Best of the repetitions for each (the run least disturbed by other work on the machine).
  echo "RESULT $name sintermd=$best_ours lammps=$best_theirs ratio=$(ratio "$best_ours" "$best_theirs")"
}

# ---------------------------------------------------------------------------------------------
ALL=(meam_ptfe_np)
for name in "${@:-${ALL[@]}}"; do
  "bench_$name"
done
