#!/usr/bin/env bash
# Builds the libFuzzer targets with the Swift toolchain (-sanitize=fuzzer,address) and runs
# each for a bounded time, seeded from the real dumps in Tests/Fixtures and Examples/dumps.
#
#   Fuzz/run.sh [SECONDS_PER_TARGET]      (default 120)
#
# Fails (non-zero) on a crash, a leak report, or an input that takes more than 10 s; the
# input that did it is left in .build-fuzz/artifacts/. Minimise one with
#   .build-fuzz/fuzz-reader -minimize_crash=1 -runs=10000 .build-fuzz/artifacts/crash-…
# and add it as a regression test (Tests/GraphModelTests/FuzzRegressionTests.swift).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_TARGET="${1:-120}"
OUT="$ROOT/.build-fuzz"
cd "$ROOT"
mkdir -p "$OUT/corpus-reader" "$OUT/corpus-leaks" "$OUT/artifacts"

FLAGS=(-sanitize=fuzzer,address -parse-as-library -g -O -package-name retention
       -Xcc -fmodule-map-file="$ROOT/Sources/CZlib/module.modulemap" -I "$ROOT/Sources/CZlib")
# ld.gold warns about ASan's local symbols on every link: not ours, so filtered out.
quiet_link() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }
quiet_link swiftc "${FLAGS[@]}" -module-name GraphModel -emit-module -emit-module-path "$OUT/GraphModel.swiftmodule" \
  -emit-library -static -o "$OUT/libGraphModel.a" Sources/GraphModel/*.swift
quiet_link swiftc "${FLAGS[@]}" -module-name Retention -I "$OUT" -emit-module -emit-module-path "$OUT/Retention.swiftmodule" \
  -emit-library -static -o "$OUT/libRetention.a" Sources/Retention/*.swift
quiet_link swiftc "${FLAGS[@]}" -module-name FuzzReader -I "$OUT" -L "$OUT" -lGraphModel -lRetention -lz \
  Fuzz/FuzzFiles.swift Fuzz/ReaderFuzz.swift -o "$OUT/fuzz-reader"
# The leaks target is compiled with the command-line library (the renderers of text, JSON
# and DOT); the executable's `main` is a target of its own.
CLI=$(find Sources/GraphCLI -name '*.swift' | sort)
quiet_link swiftc "${FLAGS[@]}" -module-name FuzzLeaks -I "$OUT" -L "$OUT" -lGraphModel -lRetention -lz \
  $CLI Fuzz/FuzzFiles.swift Fuzz/LeaksFuzz.swift -o "$OUT/fuzz-leaks"

# Seeds: the first 40 lines of each real dump (small inputs fuzz faster).
for f in Tests/Fixtures/ruby-dumps/*.json.gz Examples/dumps/*.json.gz; do
  name=$(basename "$f" .json.gz)
  { gzip -dc "$f" 2>/dev/null || true; } | head -n 40 > "$OUT/corpus-reader/$name.json"
done
for v in 2.7.4 3.1.2 3.3.8; do
  for k in 1 2 3; do
    { gzip -dc Tests/Fixtures/ruby-dumps/todo-$v-heap$k.json.gz 2>/dev/null || true; } | head -n 60
    [ "$k" = 3 ] || printf '\xff\xfe'
  done > "$OUT/corpus-leaks/todo-$v.bin"
done

status=0
for target in reader leaks; do
  echo "fuzz-$target: ${SECONDS_PER_TARGET} s"
  "$OUT/fuzz-$target" "$OUT/corpus-$target" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 \
    -rss_limit_mb=4096 -max_len=16384 -artifact_prefix="$OUT/artifacts/$target-" -print_final_stats=1 \
    2> "$OUT/fuzz-$target.log" || status=$?
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|ERROR|SUMMARY" "$OUT/fuzz-$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "fuzz-$target failed (exit $status); see $OUT/fuzz-$target.log and $OUT/artifacts/" >&2
    tail -40 "$OUT/fuzz-$target.log" >&2
    exit "$status"
  fi
done
echo "fuzzing passed"
