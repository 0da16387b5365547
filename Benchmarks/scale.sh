#!/usr/bin/env bash
# Times `retention summary` of the ~5 GB dump (Benchmarks/make-bench-dumps.sh --large) beside
# the 1.16 GB benchmark dump, in the same run, with /usr/bin/time -v: wall time and peak RSS,
# median of RUNS runs, each per GB of dump. Target: the large dump within 10% per GB of the
# small one (time and memory proportional to the dump's size).
#
#   Benchmarks/scale.sh [RUNS]      (default 3 runs)
#   DATA=/path/to/dumps LARGE_DATA=/path/to/large Benchmarks/scale.sh
#
# Makes the large dump if it is missing (about 12 GB of disk while it is made, 5 GB kept):
# delete LARGE_DATA/large-heap3.json when done.
#
#   SCRATCH=.build-x Benchmarks/scale.sh     (the build directory; default .build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
DATA="${DATA:-$ROOT/Benchmarks/data}"
LARGE_DATA="${LARGE_DATA:-$ROOT/Benchmarks/data-large}"
cd "$ROOT"

"$ROOT/Benchmarks/make-bench-dumps.sh" "$DATA" >&2
"$ROOT/Benchmarks/make-bench-dumps.sh" --large "$LARGE_DATA" >&2
SCRATCH="${SCRATCH:-.build}"
swift build -c release --product retention --scratch-path "$SCRATCH" >&2
BIN="$(cd "$SCRATCH" && pwd)/release/retention"
SMALL="$DATA/bench-heap3.json"
LARGE="$LARGE_DATA/large-heap3.json"
LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT
# shellcheck source=Benchmarks/measure.sh
source "$ROOT/Benchmarks/measure.sh"

for ((i = 0; i < RUNS; i++)); do
  for name in small large; do
    dump="$SMALL"; [ "$name" = large ] && dump="$LARGE"
    cat "$dump" > /dev/null  # from the page cache, as far as it holds it
    measure "$name" "$BIN" summary -q "$dump"
  done
done

python3 - "$LOG/results" "$(wc -c < "$SMALL")" "$(wc -c < "$LARGE")" <<'PY'
import sys, statistics
rows = [l.split() for l in open(sys.argv[1])]
size = {"small": int(sys.argv[2]) / 1e9, "large": int(sys.argv[3]) / 1e9}
def med(name, i): return statistics.median(float(r[i]) for r in rows if r[0] == name)
print(f"{'summary of':<16}{'GB':>7}{'wall s':>9}{'s/GB':>8}{'peak MB':>10}{'MB/GB':>8}")
for name in ("small", "large"):
    w, r = med(name, 1), med(name, 2) / 1024
    print(f"{name:<16}{size[name]:>7.2f}{w:>9.2f}{w / size[name]:>8.2f}{r:>10.0f}{r / size[name]:>8.0f}")
t = (med("large", 1) / size["large"]) / (med("small", 1) / size["small"])
m = (med("large", 2) / size["large"]) / (med("small", 2) / size["small"])
print(f"large per GB / small per GB: time {t:.2f}, memory {m:.2f}; target within 10%: {'met' if abs(t - 1) <= 0.1 and abs(m - 1) <= 0.1 else 'NOT met'}")
PY
