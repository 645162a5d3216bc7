#!/usr/bin/env bash
# Checkpoints and exact resume at the study's scale (issue 15), with the release binary:
#
# 1. The quick study (inputs/ptfe_neck_quick.ron) run once without interruption, then killed half
#    way with SIGTERM and, separately, with SIGKILL, each resumed with --resume: every file the
#    runs write is compared with `cmp` (report.html, summary.json, the checkpoints and the
#    figures aside: they hold wall times, command lines and the resume's record).
# 2. The 30,804-atom paper system (inputs/ptfe_neck_paper_1473K.ron, 2NN MEAM) for 60 steps per
#    stage with a checkpoint every 20 steps: checkpoint size and write time from summary.json,
#    and their cost at the default interval (15 minutes).
#
#     cargo build --release && benches/checkpoints.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${SINTERMD:-$root/target/release/sintermd}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"

now() { date +%s.%N; }

echo "== quick study: uninterrupted"
t0=$(now)
"$bin" run inputs/ptfe_neck_quick.ron --out "$work/reference" 2>/dev/null
t1=$(now)
half=$(python3 -c "print(($t1 - $t0) / 2)")
echo "wall time $(python3 -c "print(round($t1 - $t0, 1))") s; signals at $(python3 -c "print(round($half, 1))") s"

compare() {
    local n=0 bad=0
    for f in "$work/reference"/*; do
        name=$(basename "$f")
        case "$name" in
            report.html | summary.json | checkpoint*.bin | *.png | *.svg) continue ;;
        esac
        n=$((n + 1))
        if ! cmp -s "$f" "$1/$name"; then
            echo "DIFFERS: $name"
            bad=$((bad + 1))
        fi
    done
    echo "$n files compared with cmp, $bad differ"
    [ "$bad" -eq 0 ]
}

for signal in TERM KILL; do
    echo "== quick study: SIG$signal half way, then --resume"
    out="$work/$signal"
    "$bin" run inputs/ptfe_neck_quick.ron --out "$out" 2>"$work/$signal.err" &
    pid=$!
    sleep "$half"
    kill -s "$signal" "$pid"
    status=0
    wait "$pid" || status=$?
    echo "exit status $status; $(grep -h 'received' "$work/$signal.err" || echo 'no message (SIGKILL)')"
    "$bin" run inputs/ptfe_neck_quick.ron --out "$out" --resume 2>&1 | grep -E "resuming|warning|error" || true
    compare "$out"
done

echo "== paper system: checkpoint size and write time"
sed -e 's/steps: 232500/steps: 60/g' \
    -e "s#\.\./potentials#$root/potentials#g" \
    -e 's/window: (116250, 232500)/window: (30, 60)/' \
    -e 's/output: (thermo_every: 500, trajectory_every: 25000),/output: (thermo_every: 20, trajectory_every: 30, checkpoint_every: 20),/' \
    inputs/ptfe_neck_paper_1473K.ron >"$work/paper.ron"
"$bin" run "$work/paper.ron" --out "$work/paper" 2>/dev/null
python3 - "$work/paper/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
c = s["checkpoints"]
print(f"{s['atoms']} atoms: {c['written']} checkpoints, the last {c['last_bytes'] / 1e6:.2f} MB; "
      f"write time mean {c['total_seconds'] / c['written']:.3f} s, longest {c['max_seconds']:.3f} s")
print(f"cost at the default interval (15 min): {100 * c['max_seconds'] / 900:.4f} % of the run")
EOF
