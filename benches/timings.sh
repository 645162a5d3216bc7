#!/usr/bin/env bash
# Times every input shipped in inputs/ as README.md tells a user to run it, and writes the table
# README.md shows (between its "timings" markers) and benches/timings.md, so that the stated run
# times are measured ones and are regenerated, not remembered.
#
#   benches/timings.sh            # every input except the full study (hours each)
#   FULL=1 benches/timings.sh     # the full study's four inputs too
#
# Outputs go where README says they go (output/<input name>/, output/*.data for builds); the
# logs of each run are in benches/timings-output/. The wall times depend on the machine and on
# what else it is doing: the table states the cores and the load average it was measured with.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
BIN=target/release/sintermd
LOGS=benches/timings-output
rm -rf "$LOGS"
mkdir -p "$LOGS" output

ROWS=()
# time_one NAME DESCRIPTION ARGS...: runs `sintermd ARGS...`, adds a table row.
time_one() {
    local name=$1 what=$2
    shift 2
    local t0 t1 secs status
    t0=$(date +%s.%N)
    if "$BIN" "$@" >"$LOGS/$name.log" 2>&1; then status=""; else status=" (failed: see $LOGS/$name.log)"; fi
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
    echo "$name: $secs s$status" >&2
    ROWS+=("| \`sintermd $*\` | $what | $secs$status |")
}

time_one lj_quickstart "Lennard-Jones argon crystal, 864 atoms, 2,000 NVE steps" \
    run inputs/lj_quickstart.ron
time_one lj_nvt_example "the same, 4 x 2,000 steps under four thermostats" \
    run inputs/lj_nvt_example.ron
time_one ptfe_neck_quick "the showcase: the sintering study scaled down, 2 x 1,974 Pt-Fe atoms (MEAM), 5,000 + 7,500 steps" \
    run inputs/ptfe_neck_quick.ron
time_one ptfe_neck_quick_eam "its EAM variant at 973 K: 2 x 7,996 Pt-Fe atoms (Zhou 2004 EAM), 1,500 + 2,500 steps" \
    run inputs/ptfe_neck_quick_eam.ron
time_one ptfe_md_then_kmc "MD sintering of 2 x 1,974 atoms, relaxation, 10^7 KMC events" \
    run inputs/ptfe_md_then_kmc.ron
time_one glass_mesh_quench "melt and quench of a 10,976-atom LJ glass, writes the KMC mesh" \
    run inputs/glass_mesh_quench.ron
time_one kmc_crystal_pair "bond-counting KMC on an fcc lattice, 10^8 events" \
    kmc inputs/kmc_crystal_pair.ron
time_one kmc_glass_pair "KMC on the glass mesh (needs glass_mesh_quench first), 10^8 events" \
    kmc inputs/kmc_glass_pair.ron
time_one build_pair_small "builds two 2,000-atom Wulff particles" \
    build inputs/build/ptfe_pair_small.ron -o output/ptfe_pair_small.data
time_one build_pair_paper "builds the study's 30,804-atom pair" \
    build inputs/build/ptfe_pair_paper.ron -o output/ptfe_pair_paper.data
time_one eam_cu32k "benchmark: 32,000 Cu atoms (EAM), 100 steps" \
    run inputs/bench/eam_cu32k.ron
time_one eam_ptfe_np "benchmark: 4,000-atom Pt-Fe particle (EAM), 200 steps" \
    run inputs/bench/eam_ptfe_np.ron
time_one meam_ptfe_np "benchmark: the same particle under MEAM, 200 steps" \
    run inputs/bench/meam_ptfe_np.ron

# The full study: 30,804 atoms under MEAM, 232,500 equilibration + 232,500 sintering steps.
# Without FULL=1 its time is projected by benches/protocol_time.sh (the 1473 K study at 1/100 of
# its steps, everything else as written), once for the four inputs (the same atoms and steps).
if [[ "${FULL:-0}" != 1 ]]; then
    benches/protocol_time.sh inputs/ptfe_neck_paper_1473K.ron >"$LOGS/protocol_time.log" 2>&1
    hours=$(sed -n 's/^PROTOCOL total_hours=\([0-9.]*\).*/\1/p' "$LOGS/protocol_time.log")
fi
for input in inputs/ptfe_neck_paper_*.ron; do
    name=$(basename "$input" .ron)
    if [[ "${FULL:-0}" == 1 ]]; then
        time_one "$name" "the full study (30,804 atoms, MEAM, 465,000 steps)" run "$input"
    else
        ROWS+=("| \`sintermd run $input\` | the full study (30,804 atoms, MEAM, 465,000 steps) | not run; about $hours h (\`benches/protocol_time.sh\`: the 1473 K study at 1/100 of its steps, projected) |")
    fi
done

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
{
    echo "Measured by \`benches/timings.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "load average $load at the end (the machine may have been shared), wall-clock seconds"
    echo "including start-up and writing every output; a release build, default threads."
    echo
    echo "| command | what it runs | wall time [s] |"
    echo "|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} >benches/timings.md

# Replace the table between the markers in README.md.
awk -v table=benches/timings.md '
    /<!-- timings:begin -->/ { print; while ((getline line < table) > 0) print line; skip = 1; next }
    /<!-- timings:end -->/ { skip = 0 }
    !skip { print }
' README.md >README.md.new
mv README.md.new README.md
echo "wrote benches/timings.md and the table in README.md" >&2
