# Sourced by Benchmarks/run.sh and Benchmarks/scale.sh (needs $LOG, a scratch directory).
# measure NAME COMMAND...: one run under /usr/bin/time -v; appends "NAME wall_seconds peak_kb"
# to $LOG/results.
measure() {
  local name="$1"; shift
  /usr/bin/time -v "$@" > /dev/null 2> "$LOG/time.txt" || {
    echo "$(basename "$0"): '$*' failed:" >&2; cat "$LOG/time.txt" >&2; exit 1; }
  python3 - "$name" "$LOG/time.txt" >> "$LOG/results" <<'PY'
import sys, re
text = open(sys.argv[2]).read()
wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
secs = 0.0
for part in wall.split(":"):
    secs = secs * 60 + float(part)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
print(sys.argv[1], secs, rss)
PY
}
