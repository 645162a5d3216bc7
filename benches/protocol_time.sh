#!/usr/bin/env bash
# How long the study's whole protocol takes on this machine, measured rather than inferred from
# one benchmark's rate: runs the study input with every stage's step count divided by SCALE,
# everything else as written (the same 30,804 atoms, thermostat, momentum removal, analyses at
# their own intervals, thermo, trajectory and checkpoints), and projects each MD stage's wall
# time back to its full step count.
#
# Usage: benches/protocol_time.sh [INPUT]      (default inputs/ptfe_neck_paper_1473K.ron)
# Environment: SCALE (default 100), THREADS (default: all cores).
#
# Analyses whose interval is longer than a scaled stage still run at its start and end, so they
# weigh more here than in the full run: the projection is an upper bound by that much (a few
# tenths of a second per analysis). The last lines are
#   PROTOCOL stage=<name> atoms=<n> steps=<full steps> rate=<atom-steps/s> hours=<projected>
#   PROTOCOL total_hours=<sum over the MD stages> fixed_seconds=<the rest of the scaled run:
#            building, assembling, plots, report> input=<INPUT> scale=<SCALE> threads=<n>
set -euo pipefail
cd "$(dirname "$0")/.."
INPUT=${1:-inputs/ptfe_neck_paper_1473K.ron}
SCALE=${SCALE:-100}
THREADS=${THREADS:-$(nproc)}
if [ ! -f "$INPUT" ]; then
  echo "protocol_time.sh: no input file $INPUT" >&2
  exit 2
fi
cargo build --release --quiet
# The scaled input sits beside the original, so that its relative paths (potential files) hold.
SCALED=$(dirname "$INPUT")/.protocol_time_$$.ron
TMP=$(mktemp -d)
trap 'rm -rf "$TMP" "$SCALED"' EXIT
python3 - "$INPUT" "$SCALED" "$SCALE" <<'PY'
import re, sys
src, dst, scale = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(src).read()
def scaled(m):
    return f"{m.group(1)}{max(1, int(m.group(2)) // scale)}"
# Stage lengths, and step windows of the analyses (e.g. Rdf's), in steps.
text, n = re.subn(r"(\bsteps:\s*)(\d+)", scaled, text)
if n == 0:
    sys.exit(f"protocol_time.sh: {src} has no `steps:` to scale")
text = re.sub(r"(\bwindow:\s*\(\s*)(\d+)(\s*,\s*)(\d+)",
              lambda m: f"{m.group(1)}{int(m.group(2)) // scale}{m.group(3)}{max(1, int(m.group(4)) // scale)}",
              text)
open(dst, "w").write(text)
PY
START=$(date +%s.%N)
target/release/sintermd run "$SCALED" --out "$TMP/run" --threads "$THREADS" >"$TMP/log" 2>&1 || {
  cat "$TMP/log" >&2
  echo "protocol_time.sh: the scaled run of $INPUT failed (log above)" >&2
  exit 1
}
END=$(date +%s.%N)
python3 - "$TMP/run/summary.json" "$SCALE" "$START" "$END" "$INPUT" "$THREADS" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
scale, start, end = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
total, staged = 0.0, 0.0
for s in summary["stages"]:
    hours = s["wall_time_s"] * scale / 3600
    total += hours
    staged += s["wall_time_s"]
    print(f"PROTOCOL stage={s['stage']} atoms={s['atoms']} steps={s['steps'] * scale} "
          f"rate={s['atom_steps_per_second']:.3e} hours={hours:.2f}")
print(f"PROTOCOL total_hours={total:.2f} fixed_seconds={end - start - staged:.1f} "
      f"input={sys.argv[5]} scale={scale} threads={sys.argv[6]}")
PY
