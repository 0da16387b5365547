#!/usr/bin/env bash
# Times a release build of `retention` on large real dumps, beside `wc -l` of the same files
# in the same run, with /usr/bin/time -v: wall time and peak RSS, median of RUNS runs. These
# machines are shared and noisy, so the figures that count are the ratios to `wc -l` taken
# in the same run (per run, then the median), and peak RSS as a share of the dump's size.
#
#   Benchmarks/run.sh [RUNS]        (default 3 runs; dumps from Benchmarks/make-bench-dumps.sh)
#   DATA=/path/to/dumps Benchmarks/run.sh
#
# Targets (issue #15): `summary` of the 1.1 GB dump in at most 6x the time of `wc -l` on it;
# `leaks` of the three dumps (0.7, 0.9, 1.1 GB) in at most 8x `wc -l` of the three together;
# `why` and `top` (the load, then root paths, the dominator tree and retained sizes, and for
# `top` the totals) at most 0.6 s more than `summary` (the load, then a tally and one search
# from the roots); peak RSS of `summary` and `leaks` at most 0.3x the largest dump's size.
# Kept from before: `top` of a real dump holding a linked list a million objects deep in
# under 2 s; `diff` of the three dumps in at most the time of `summary` of each of them
# together, `waste` of the largest in at most 1.2x `summary` of it. Each target is printed
# with whether it holds.
# `report` of the three is shown beside `leaks` (what it adds: the waste, the icicle, the
# retainers and the top), with the size of its page (at most 5 MB).
#
#   SCRATCH=.build-x Benchmarks/run.sh     (the build directory; default .build)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUNS="${1:-3}"
DATA="${DATA:-$ROOT/Benchmarks/data}"
cd "$ROOT"

"$ROOT/Benchmarks/make-bench-dumps.sh" "$DATA" >&2
CHAIN="$DATA/chain-1m.json"
if [ ! -s "$CHAIN" ]; then
  # A real dump of a Ruby linked list a million Arrays deep, held by a global.
  ruby --disable-gems -robjspace -e '
    head = nil
    1_000_000.times { head = [head] }
    $chain = head
    GC.start
    File.open(ARGV[0] + ".tmp", "w") { |f| ObjectSpace.dump_all(output: f) }
    File.rename(ARGV[0] + ".tmp", ARGV[0])' "$CHAIN"
fi
SCRATCH="${SCRATCH:-.build}"
swift build -c release --product retention --scratch-path "$SCRATCH" >&2
BIN="$(cd "$SCRATCH" && pwd)/release/retention"
DUMP="$DATA/bench-heap3.json"
ALL=("$DATA/bench-heap1.json" "$DATA/bench-heap2.json" "$DATA/bench-heap3.json")
# The object `why` is asked about: the leaking Hash, as the program recorded it.
HASH=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accumulation_points"][0]["address"])' "$DATA/bench-heap3.facts.json")
LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT

# shellcheck source=Benchmarks/measure.sh
source "$ROOT/Benchmarks/measure.sh"

cat "${ALL[@]}" > /dev/null  # warm the page cache, as for every later run
for ((i = 0; i < RUNS; i++)); do
  measure "wc" wc -l "$DUMP"
  measure "summary" "$BIN" summary -q "$DUMP"
  measure "why" "$BIN" why -q "$HASH" "$DUMP"
  measure "top" "$BIN" top -q "$DUMP"
  measure "wc3" wc -l "${ALL[@]}"
  measure "leaks" "$BIN" leaks -q "${ALL[@]}"
  measure "chain" "$BIN" top -q "$CHAIN"
  measure "summary1" "$BIN" summary -q "${ALL[0]}"
  measure "summary2" "$BIN" summary -q "${ALL[1]}"
  measure "diff" "$BIN" diff -q "${ALL[@]}"
  measure "waste" "$BIN" waste -q "$DUMP"
  measure "report" "$BIN" report -q -o "$LOG/report.html" "${ALL[@]}"
done
REPORT_BYTES=$(wc -c < "$LOG/report.html")

python3 - "$LOG/results" "$(wc -c < "$DUMP")" "$DUMP" "$RUNS" "$REPORT_BYTES" <<'PY'
import sys, statistics, platform, os, datetime
rows = [l.split() for l in open(sys.argv[1])]
size = int(sys.argv[2])
def med(name, i):
    return statistics.median(float(r[i]) for r in rows if r[0] == name)
wc, wc_rss = med("wc", 1), med("wc", 2)
s, s_rss = med("summary", 1), med("summary", 2)
wc3 = med("wc3", 1)
t, t_rss = med("top", 1), med("top", 2)
y, y_rss = med("why", 1), med("why", 2)
c, c_rss = med("chain", 1), med("chain", 2)
l, l_rss = med("leaks", 1), med("leaks", 2)
# Paired in each run: a ratio or a difference per run, then the median of those.
per_run = {}
for r in rows:
    per_run.setdefault(r[0], []).append(float(r[1]))
def paired(f, *names):
    return statistics.median(f(*xs) for xs in zip(*(per_run[n] for n in names)))
s_x = paired(lambda a, b: a / b, "summary", "wc")
l_x = paired(lambda a, b: a / b, "leaks", "wc3")
y_d = paired(lambda a, b: a - b, "why", "summary")
t_d = paired(lambda a, b: a - b, "top", "summary")
print(f"machine: {os.cpu_count()} cores, {platform.machine()}, {datetime.date.today()}; dump {sys.argv[3]} ({size/1e6:.0f} MB); median of {sys.argv[4]} runs")
print(f"{'command':<22}{'wall s':>9}{'peak RSS MB':>13}{'x wc -l':>9}{'RSS/dump':>10}")
print(f"{'wc -l':<22}{wc:>9.2f}{wc_rss/1024:>13.1f}{1:>9.1f}{'':>10}")
print(f"{'retention summary':<22}{s:>9.2f}{s_rss/1024:>13.1f}{s_x:>9.1f}{s_rss*1024/size:>10.2f}")
print(f"{'retention why':<22}{y:>9.2f}{y_rss/1024:>13.1f}{y/wc:>9.1f}{y_rss*1024/size:>10.2f}   (+{y_d:.2f} s over summary)")
print(f"{'retention top':<22}{t:>9.2f}{t_rss/1024:>13.1f}{t/wc:>9.1f}{t_rss*1024/size:>10.2f}   (+{t_d:.2f} s over summary)")
print(f"{'wc -l (3 dumps)':<22}{wc3:>9.2f}{'':>13}{1:>9.1f}{'':>10}")
print(f"{'retention leaks':<22}{l:>9.2f}{l_rss/1024:>13.1f}{l_x:>9.1f}{l_rss*1024/size:>10.2f}")
print(f"{'top, 1M-deep chain':<22}{c:>9.2f}{c_rss/1024:>13.1f}")
# Same-run ratios: each run's diff over that run's three summaries, waste over its summary.
runs = per_run
diff_ratio = statistics.median(d / (a + b + x) for d, a, b, x in zip(runs["diff"], runs["summary1"], runs["summary2"], runs["summary"]))
waste_ratio = statistics.median(w / x for w, x in zip(runs["waste"], runs["summary"]))
d, d_rss = med("diff", 1), med("diff", 2)
w, w_rss = med("waste", 1), med("waste", 2)
s3 = med("summary1", 1) + med("summary2", 1) + s
print(f"{'retention diff (3)':<22}{d:>9.2f}{d_rss/1024:>13.1f}{d/wc3:>9.1f}{d_rss*1024/size:>10.2f}   ({diff_ratio:.2f}x the three summaries, {s3:.2f} s)")
print(f"{'retention waste':<22}{w:>9.2f}{w_rss/1024:>13.1f}{w/wc:>9.1f}{w_rss*1024/size:>10.2f}   ({waste_ratio:.2f}x summary)")
report_ratio = statistics.median(p / l for p, l in zip(runs["report"], runs["leaks"]))
p, p_rss = med("report", 1), med("report", 2)
print(f"{'retention report (3)':<22}{p:>9.2f}{p_rss/1024:>13.1f}{p/wc3:>9.1f}{p_rss*1024/size:>10.2f}   ({report_ratio:.2f}x leaks; the page {int(sys.argv[5])/1e3:.0f} kB)")
targets = [
    ("summary at most 6x wc -l", s_x <= 6),
    ("leaks at most 8x wc -l of the three", l_x <= 8),
    ("why within 0.6 s of summary", y_d <= 0.6),
    ("top within 0.6 s of summary", t_d <= 0.6),
    ("summary and leaks peak RSS at most 0.3x the dump", max(s_rss, l_rss) * 1024 / size <= 0.3),
    ("1M-deep chain under 2 s", c < 2),
    ("diff within the three summaries", diff_ratio <= 1),
    ("waste within 1.2x summary", waste_ratio <= 1.2),
    ("report page at most 5 MB", int(sys.argv[5]) <= 5_000_000),
]
for name, held in targets:
    print(f"target: {name}: {'met' if held else 'NOT met'}")
PY
