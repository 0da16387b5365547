#!/usr/bin/env bash
# Builds the libFuzzer targets with the Swift toolchain (-sanitize=fuzzer,address) and runs
# each for a bounded time: the reader and leaks targets seeded from the real dumps in
# Tests/Fixtures and Examples/dumps, the record target (one record against Foundation's
# JSONSerialization, Fuzz/RecordFuzz.swift) from Fuzz/corpus-record with Fuzz/records.dict.
#
#   Fuzz/run.sh [SECONDS_PER_TARGET]      (default 120; the record target runs
#                                          RECORD_SECONDS, default 60)
#   Fuzz/run.sh --record-only SECONDS     only the record target, for a long run
#
# RECORD_SANITIZE=fuzzer builds the record target without AddressSanitizer, about three
# times faster (the long runs; the reader target keeps ASan on the same code).
# Fails (non-zero) on a crash, a difference, a leak report, or an input that takes more than
# 10 s; the input that did it is left in .build-fuzz/artifacts/. Minimise one with
#   .build-fuzz/fuzz-reader -minimize_crash=1 -runs=10000 .build-fuzz/artifacts/crash-…
# and add it as a regression test (Tests/GraphModelTests/FuzzRegressionTests.swift, or
# RecordFuzzRegressionTests.swift for the record target).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RECORD_ONLY=false
if [ "${1:-}" = "--record-only" ]; then
  RECORD_ONLY=true
  RECORD_SECONDS="${2:?usage: Fuzz/run.sh --record-only SECONDS}"
fi
SECONDS_PER_TARGET="${1:-120}"
RECORD_SECONDS="${RECORD_SECONDS:-60}"
OUT="$ROOT/.build-fuzz"
cd "$ROOT"
mkdir -p "$OUT/corpus-reader" "$OUT/corpus-leaks" "$OUT/corpus-record" "$OUT/artifacts"

FLAGS=(-sanitize=fuzzer,address -parse-as-library -g -O -package-name retention
       -Xcc -fmodule-map-file="$ROOT/Sources/CZlib/module.modulemap" -I "$ROOT/Sources/CZlib")
# ld.gold warns about ASan's local symbols on every link: not ours, so filtered out.
quiet_link() { "$@" 2> >(grep -v "Cannot export local symbol" >&2); }
quiet_link swiftc "${FLAGS[@]}" -module-name GraphModel -emit-module -emit-module-path "$OUT/GraphModel.swiftmodule" \
  -emit-library -static -o "$OUT/libGraphModel.a" Sources/GraphModel/*.swift
# The record target needs GraphModel only; it may be built without ASan (RECORD_SANITIZE).
RECORD_FLAGS=("${FLAGS[@]}")
if [ "${RECORD_SANITIZE:-fuzzer,address}" != "fuzzer,address" ]; then
  RECORD_FLAGS=(-sanitize="$RECORD_SANITIZE" "${FLAGS[@]:1}")
  mkdir -p "$OUT/record"
  quiet_link swiftc "${RECORD_FLAGS[@]}" -module-name GraphModel -emit-module -emit-module-path "$OUT/record/GraphModel.swiftmodule" \
    -emit-library -static -o "$OUT/record/libGraphModel.a" Sources/GraphModel/*.swift
  RECORD_LIB="$OUT/record"
else
  RECORD_LIB="$OUT"
fi
quiet_link swiftc "${RECORD_FLAGS[@]}" -module-name FuzzRecord -I "$RECORD_LIB" -L "$RECORD_LIB" -lGraphModel -lz \
  Fuzz/RecordOracle.swift Fuzz/RecordFuzz.swift Fuzz/RecordMutator.swift -o "$OUT/fuzz-record"
# The seeds (records of the real dumps), and the inputs the long runs found that reach code
# the seeds do not (Fuzz/corpus-record-grown, merged with -merge=1: 2,441 inputs, 2.1 MB).
cp Fuzz/corpus-record/* Fuzz/corpus-record-grown/* "$OUT/corpus-record/"
TARGETS=(reader leaks record)
if $RECORD_ONLY; then
  TARGETS=(record)
else
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

fi

status=0
# Swift's own crash handler would print a second, slower report after libFuzzer's.
export SWIFT_BACKTRACE=enable=no
for target in "${TARGETS[@]}"; do
  seconds="$SECONDS_PER_TARGET"
  extra=(-max_len=16384)
  if [ "$target" = record ]; then
    seconds="$RECORD_SECONDS"
    extra=(-max_len=4096 -dict=Fuzz/records.dict)
  fi
  echo "fuzz-$target: ${seconds} s"
  "$OUT/fuzz-$target" "$OUT/corpus-$target" -max_total_time="$seconds" -timeout=10 \
    -rss_limit_mb=4096 "${extra[@]}" -artifact_prefix="$OUT/artifacts/$target-" -print_final_stats=1 \
    2> "$OUT/fuzz-$target.log" || status=$?
  grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb|ERROR|SUMMARY|RECORD DIFFERENCE" \
    "$OUT/fuzz-$target.log" || true
  echo "corpus-$target: $(ls "$OUT/corpus-$target" | wc -l) inputs"
  if [ "$status" -ne 0 ]; then
    echo "fuzz-$target failed (exit $status); see $OUT/fuzz-$target.log and $OUT/artifacts/" >&2
    tail -40 "$OUT/fuzz-$target.log" >&2
    exit "$status"
  fi
done
echo "fuzzing passed"
