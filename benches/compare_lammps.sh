#!/usr/bin/env bash
# Side-by-side speed of sintermd and LAMMPS on the benchmark inputs, in atom-steps per second.
#
# Usage: benches/compare_lammps.sh [NAME ...]      (default: every benchmark below)
# Environment: REPEATS (default 3: each program runs that many times, interleaved, and its best
#              run counts), THREADS (default 2: sintermd threads, LAMMPS MPI ranks / OpenMP
#              threads), LMP (required: the LAMMPS launcher, a command that takes LAMMPS's
#              arguments and an optional leading `--np N` for N MPI ranks, such as the reference
#              environment's `lmp` script).
#
# For each benchmark, sintermd writes the initial state of the input (atoms and velocities,
# `sintermd prepare`) and LAMMPS runs that very state with the same potential file, timestep,
# neighbour settings and number of steps, in its two best 2-core configurations: `-sf opt` on
# 2 MPI ranks and `-sf omp -pk omp 2`. Timings are the stepping loop only (LAMMPS "Loop time",
# sintermd summary.json). Peak memory is the maximum resident set size (GNU time's %M) of each
# run, the smallest of the repeats: for sintermd and LAMMPS omp that of the one process; for
# LAMMPS on N MPI ranks N times that of the largest rank. The last lines are
#   RESULT <name> sintermd=<atom-steps/s> lammps=<best LAMMPS atom-steps/s> ratio=<x>
#          threads_1_to_<THREADS>=<sintermd's speed-up over its 1-thread run>
#          rss_sintermd=<MB> rss_lammps_opt=<MB> rss_lammps_omp=<MB>
#
# With MPI=1, sintermd is built with the `mpi` feature (into target/mpi) and each repeat also
# runs `mpirun -n THREADS sintermd run --threads 1` and LAMMPS `-sf opt` on 1 MPI rank: strong
# scaling from 1 to THREADS ranks of both programs, in one more line
#   MPI <name> sintermd_1=<..> sintermd_ranks=<..> sintermd_scaling=<x>
#       lammps_1=<..> lammps_ranks=<..> lammps_scaling=<x>
# (sintermd's 1-rank figure is its 1-thread run: one rank is the program without MPI).
#
# Each benchmark is one function `bench_<name>` that calls `compare`; add one in the same form.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
REPEATS=${REPEATS:-3}
THREADS=${THREADS:-2}
if [ -z "${LMP:-}" ]; then
  echo "compare_lammps.sh: LMP is not set: set it to the LAMMPS launcher, e.g. LMP=/path/to/oracle/lmp" >&2
  exit 2
fi
if ! command -v "$LMP" >/dev/null 2>&1; then
  echo "compare_lammps.sh: LMP=$LMP is not an executable command" >&2
  exit 2
fi
if [ ! -x /usr/bin/time ]; then
  echo "compare_lammps.sh: GNU time (/usr/bin/time) is needed for the memory column: apt-get install time" >&2
  exit 2
fi
MPI=${MPI:-0}
if [ "$MPI" = 1 ]; then
  CARGO_TARGET_DIR=$ROOT/target/mpi cargo build --release --quiet --features mpi
  SINTERMD=$ROOT/target/mpi/release/sintermd
  # OpenMPI refuses to start as root (containers) unless told.
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
else
  cargo build --release --quiet
  SINTERMD=$ROOT/target/release/sintermd
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
RESULTS=()

# atom-steps/s of one LAMMPS run: $1 = log file.
lammps_rate() {
  awk '/^Loop time of/ { print $9 * $12 / $4 }' "$1"
}

# Peak memory [MB] from GNU time's %M (kB) in file $1, times $2 processes.
rss_mb() {
  python3 -c "import sys; print(f'{int(open(sys.argv[1]).read().split()[-1]) * int(sys.argv[2]) / 1024:.1f}')" "$1" "$2"
}

# compare NAME INPUT BOUNDARY PAIR_STYLE PAIR_COEFF TIMESTEP STEPS SKIN
#   Runs INPUT (a sintermd RON file) with sintermd, and the same start with LAMMPS using
#   PAIR_STYLE / PAIR_COEFF (paths relative to the repository root).
compare() {
  local name=$1 input=$2 boundary=$3 style=$4 coeff=$5 dt=$6 steps=$7 skin=$8
  local dir=$TMP/$name
  mkdir -p "$dir"
  "$SINTERMD" prepare "$input" -o "$dir/start.data" 2>/dev/null
  cat > "$dir/in.lmp" <<LAMMPS
units metal
atom_style atomic
atom_modify map array
boundary $boundary
read_data $dir/start.data
pair_style $style
pair_coeff $coeff
neighbor $skin bin
neigh_modify every 1 delay 0 check yes
timestep $dt
thermo 50
fix 1 all nve
run $steps
LAMMPS
  local best_s=0 best_1=0 best_opt=0 best_omp=0 r m
  local mem_s=1e18 mem_opt=1e18 mem_omp=1e18
  local best_mpi=0 best_lmp1=0
  for k in $(seq "$REPEATS"); do
    if [ "$MPI" = 1 ]; then
      mpirun -n "$THREADS" --oversubscribe "$SINTERMD" run "$input" --threads 1 \
        --out "$dir/sintermd_mpi" --force >/dev/null
      r=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stages'][0]['atom_steps_per_second'])" "$dir/sintermd_mpi/summary.json")
      echo "  $name run $k: sintermd, $THREADS MPI ranks x 1 thread $r atom-steps/s"
      best_mpi=$(python3 -c "print(max($best_mpi, $r))")
      (cd "$dir" && "$LMP" --np 1 -sf opt -in in.lmp -log opt1.log -screen none)
      r=$(lammps_rate "$dir/opt1.log")
      echo "  $name run $k: LAMMPS -sf opt, 1 MPI rank    $r atom-steps/s"
      best_lmp1=$(python3 -c "print(max($best_lmp1, $r))")
    fi
    if [ "$THREADS" -gt 1 ]; then
      "$SINTERMD" run "$input" --threads 1 --out "$dir/sintermd1" --force >/dev/null
      r=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stages'][0]['atom_steps_per_second'])" "$dir/sintermd1/summary.json")
      echo "  $name run $k: sintermd (1 thread)      $r atom-steps/s"
      best_1=$(python3 -c "print(max($best_1, $r))")
    fi
    /usr/bin/time -f %M -o "$dir/rss" \
      "$SINTERMD" run "$input" --threads "$THREADS" --out "$dir/sintermd" --force >/dev/null
    r=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['stages'][0]['atom_steps_per_second'])" "$dir/sintermd/summary.json")
    m=$(rss_mb "$dir/rss" 1)
    echo "  $name run $k: sintermd ($THREADS threads)     $r atom-steps/s, $m MB"
    best_s=$(python3 -c "print(max($best_s, $r))")
    mem_s=$(python3 -c "print(min($mem_s, $m))")
    (cd "$dir" && /usr/bin/time -f %M -o rss \
      "$LMP" --np "$THREADS" -sf opt -in in.lmp -log opt.log -screen none)
    r=$(lammps_rate "$dir/opt.log")
    m=$(rss_mb "$dir/rss" "$THREADS")
    echo "  $name run $k: LAMMPS -sf opt, $THREADS MPI ranks $r atom-steps/s, $m MB"
    best_opt=$(python3 -c "print(max($best_opt, $r))")
    mem_opt=$(python3 -c "print(min($mem_opt, $m))")
    (cd "$dir" && OMP_NUM_THREADS=$THREADS /usr/bin/time -f %M -o rss \
      "$LMP" -sf omp -pk omp "$THREADS" -in in.lmp -log omp.log -screen none)
    r=$(lammps_rate "$dir/omp.log")
    m=$(rss_mb "$dir/rss" 1)
    echo "  $name run $k: LAMMPS -sf omp, $THREADS threads   $r atom-steps/s, $m MB"
    best_omp=$(python3 -c "print(max($best_omp, $r))")
    mem_omp=$(python3 -c "print(min($mem_omp, $m))")
  done
  local lammps ratio scaling
  lammps=$(python3 -c "print(max($best_opt, $best_omp))")
  ratio=$(python3 -c "print(f'{$best_s / $lammps:.2f}')")
  scaling=$(python3 -c "print(f'{$best_s / $best_1:.2f}' if $best_1 > 0 else '-')")
  printf '%s: sintermd %.4g (1 thread %.4g), LAMMPS opt %.4g, LAMMPS omp %.4g atom-steps/s (best of %s); peak memory sintermd %.0f, LAMMPS opt %.0f, LAMMPS omp %.0f MB\n' \
    "$name" "$best_s" "$best_1" "$best_opt" "$best_omp" "$REPEATS" "$mem_s" "$mem_opt" "$mem_omp"
  RESULTS+=("$(printf 'RESULT %s sintermd=%.4g lammps=%.4g ratio=%s threads_1_to_%s=%s rss_sintermd=%.0f rss_lammps_opt=%.0f rss_lammps_omp=%.0f' \
    "$name" "$best_s" "$lammps" "$ratio" "$THREADS" "$scaling" "$mem_s" "$mem_opt" "$mem_omp")")
  if [ "$MPI" = 1 ]; then
    RESULTS+=("$(python3 -c "print(f'MPI $name sintermd_1={$best_1:.4g} sintermd_ranks={$best_mpi:.4g} sintermd_scaling={$best_mpi / $best_1:.2f} lammps_1={$best_lmp1:.4g} lammps_ranks={$best_opt:.4g} lammps_scaling={$best_opt / $best_lmp1:.2f}')")")
  fi
}

# The pair_coeff lines of the potentials the benchmarks use.
CU_ZHOU="* * $ROOT/potentials/Cu_Zhou04.eam.alloy Cu"
FEPT_MEAM="* * $ROOT/potentials/FePt_Kim2006.library.meam Pt Fe $ROOT/potentials/FePt_Kim2006.meam Pt Fe"

# LAMMPS bench/in.eam with the Zhou 2004 Cu potential: 32,000 atoms, 100 steps.
bench_eam_cu32k() {
  compare eam_cu32k inputs/bench/eam_cu32k.ron "p p p" eam/alloy "$CU_ZHOU" 0.005 100 1.0
}

# A free Pt85Fe15 particle of 4,033 atoms with the Zhou 2004 Pt-Fe potential, 200 steps.
bench_eam_ptfe_np() {
  compare eam_ptfe_np inputs/bench/eam_ptfe_np.ron "f f f" eam/alloy \
    "* * $ROOT/potentials/PtFe_Zhou04.eam.alloy Pt Fe" 0.002 200 1.0
}

# The same particle with the 2NN MEAM Fe-Pt potential of Kim, Koo & Lee (2006), 200 steps.
# LAMMPS has no opt or omp variant of pair_style meam: its suffix runs fall back to plain `meam`
# (2 MPI ranks for the "opt" line, 1 rank for the "omp" line), the best of which counts.
bench_meam_ptfe_np() {
  compare meam_ptfe_np inputs/bench/meam_ptfe_np.ron "f f f" meam "$FEPT_MEAM" 0.002 200 1.0
}

# bench/in.eam 8 times larger: 256,000 atoms, 50 steps (where memory per atom is compared).
bench_eam_cu256k() {
  compare eam_cu256k inputs/bench/eam_cu256k.ron "p p p" eam/alloy "$CU_ZHOU" 0.005 50 1.0
}

# The study's pair (inputs/ptfe_neck_paper_1473K.ron as built, 30,804 atoms) with the 2NN MEAM,
# 100 steps; LAMMPS as in meam_ptfe_np.
bench_meam_ptfe_pair30k() {
  compare meam_ptfe_pair30k inputs/bench/meam_ptfe_pair30k.ron "f f f" meam "$FEPT_MEAM" \
    0.002 100 1.0
}

ALL=(eam_cu32k eam_ptfe_np meam_ptfe_np eam_cu256k meam_ptfe_pair30k)
NAMES=("$@")
[ ${#NAMES[@]} -gt 0 ] || NAMES=("${ALL[@]}")
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for name in "${NAMES[@]}"; do
  declare -F "bench_$name" >/dev/null || { echo "no benchmark $name (have: ${ALL[*]})" >&2; exit 2; }
  "bench_$name"
done
printf '%s\n' "${RESULTS[@]}"
