#!/usr/bin/env bash
# Regenerates the committed example dumps in Examples/dumps/:
#   shop-heap{1,2,3}.json.gz     (gzip -9n) and their facts, shop-heap{1,2,3}.facts.json
# by running Examples/shop/shop.rb at scale 1 with 3 dumps. Needs only `ruby` and `gzip`.
#
#   Examples/shop/make_example_dumps.sh [RUBY]      (RUBY defaults to `ruby`)
#
# It runs from the repository root whatever the current directory, so that the allocation
# "file" in the dumps is exactly Examples/shop/shop.rb. Addresses, GC counts and a few counts
# change from run to run; update Examples/dumps/README.md after regenerating (the check script
# prints every number it quotes):
#   ruby Examples/shop/check_dumps.rb Examples/dumps/shop-heap{1,2,3}.json.gz
set -euo pipefail

RUBY="${1:-ruby}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

"$RUBY" --disable-gems Examples/shop/shop.rb "$TMP" --dumps 3 --scale 1 --prefix shop

mkdir -p Examples/dumps
for k in 1 2 3; do
  gzip -9n -c "$TMP/shop-heap$k.json" > "Examples/dumps/shop-heap$k.json.gz"
  cp "$TMP/shop-heap$k.facts.json" "Examples/dumps/shop-heap$k.facts.json"
done
ls -l Examples/dumps/shop-heap*
