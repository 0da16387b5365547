#!/usr/bin/env bash
# Generates large real heap dumps for benchmarks (never committed):
#   OUT_DIR/bench-heap{1,2,3}.json        three ObjectSpace.dump_all dumps of Examples/shop/shop.rb
#   OUT_DIR/bench-heap{1,2,3}.facts.json  what the program knows about each (see shop.rb)
#   OUT_DIR/bench-dumps.complete          marker written last: scale, Ruby, time taken, file sizes
#
#   Benchmarks/make-bench-dumps.sh [OUT_DIR]          (default OUT_DIR: Benchmarks/data)
#   SCALE=200 RUBY=ruby Benchmarks/make-bench-dumps.sh [OUT_DIR]
#
# At the default scale (200) on Ruby 3.1.2 the three dumps are 731, 945 and 1,159 MB (10^6 bytes)
# with 2.18, 2.82 and 3.46 million objects and 3.08, 3.96 and 4.84 million references (about 335
# bytes and 1.40 references per object). Generation took 132-142 s (one core), 2.8 GB of disk and a
# peak of 1.5 GB of memory. Count a dump with:
#   ruby Examples/shop/check_dumps.rb --counts-only Benchmarks/data/bench-heap3.json
#
# On demand, one larger dump for the scale benchmark (Benchmarks/scale.sh), never committed:
#   Benchmarks/make-bench-dumps.sh --large [OUT_DIR]   OUT_DIR/large-heap3.json and its facts
#   (SCALE defaults to 860 there: about 5.0 GB, 14.9 million objects). The program writes three
#   dumps as always and the first two are deleted as soon as it is done: about 12 GB of disk
#   while it runs, 5 GB kept, a peak of about 7 GB of memory, 22 minutes on one core. Delete it
#   when done.
#
# If the marker exists and every file still has the size it records, nothing is regenerated
# (delete the marker to force it). Runs from the repository root whatever the current directory,
# so that the allocation "file" in the dumps is Examples/shop/shop.rb.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LARGE=0
if [ "${1:-}" = "--large" ]; then
  LARGE=1
  shift
fi
OUT="${1:-$ROOT/Benchmarks/data}"
RUBY="${RUBY:-ruby}"
if [ "$LARGE" = 1 ]; then
  SCALE="${SCALE:-860}"
  PREFIX=large
  MARKER_NAME=large-dump.complete
  KEPT="3"        # the dumps kept, by number
else
  SCALE="${SCALE:-200}"
  PREFIX=bench
  MARKER_NAME=bench-dumps.complete
  KEPT="1 2 3"
fi

mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
MARKER="$OUT/$MARKER_NAME"

complete() {
  [ -f "$MARKER" ] || return 1
  local name size n=0
  while read -r name size; do
    case "$name" in "$PREFIX"-heap*) ;; *) continue ;; esac
    [ -f "$OUT/$name" ] || return 1
    [ "$(wc -c < "$OUT/$name")" -eq "$size" ] || return 1
    n=$((n + 1))
  done < <(sed -n 's/^file //p' "$MARKER")
  [ "$n" -eq $(( $(echo $KEPT | wc -w) * 2 )) ]
}

if complete; then
  echo "make-bench-dumps: $OUT is complete ($MARKER_NAME), nothing to do"
  exit 0
fi

rm -f "$MARKER" "$OUT/$PREFIX"-heap*.json
cd "$ROOT"
start=$(date +%s)
"$RUBY" --disable-gems Examples/shop/shop.rb "$OUT" --dumps 3 --scale "$SCALE" --prefix "$PREFIX"
end=$(date +%s)
for k in 1 2 3; do
  case " $KEPT " in *" $k "*) ;; *) rm -f "$OUT/$PREFIX-heap$k.json" "$OUT/$PREFIX-heap$k.facts.json" ;; esac
done

{
  echo "scale $SCALE"
  echo "ruby $("$RUBY" -e 'print RUBY_DESCRIPTION')"
  echo "generated $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((end - start)) s"
  for k in $KEPT; do
    for f in "$PREFIX-heap$k.json" "$PREFIX-heap$k.facts.json"; do
      echo "file $f $(wc -c < "$OUT/$f")"
    done
  done
} > "$MARKER.tmp"
mv "$MARKER.tmp" "$MARKER"
cat "$MARKER"
