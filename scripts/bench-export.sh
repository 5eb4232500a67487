#!/usr/bin/env bash
# bench-export: ns per action and sizes of exported headers (float, int8, int8 with float
# activations) for the 256-256 half_cheetah actor (an untrained checkpoint has the deployed
# shape and the same cost), each compiled with every flag set in FLAGS, on one pinned core.
# usage: scripts/bench-export.sh [path/to/ddpg]      (env: CC=cc, FLAGS="-O2;-O3 -march=native")
# Results go in docs/export.md ("Benchmark").
set -euo pipefail
BIN=${1:-build/ddpg}
CC=${CC:-cc}
FLAGS=${FLAGS:-"-O2;-O3 -march=native"}
HERE=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
PIN=""
if command -v taskset >/dev/null; then PIN="taskset -c 0"; fi

"$BIN" train --env half_cheetah --steps 1 --out "$TMP/hc" --quiet >"$TMP/train.log" 2>&1 ||
  { cat "$TMP/train.log"; exit 1; }
"$BIN" export --checkpoint "$TMP/hc/checkpoint.ddpg" --out "$TMP/hc_float.h" --name hc_float >/dev/null
"$BIN" export --checkpoint "$TMP/hc/checkpoint.ddpg" --out "$TMP/hc_int8.h" --name hc_int8 --int8 >/dev/null
"$BIN" export --checkpoint "$TMP/hc/checkpoint.ddpg" --out "$TMP/hc_int8f.h" --name hc_int8f \
  --int8 --int8-act float >/dev/null

echo "half_cheetah 17-256-256-6 actor, $($CC --version | head -1), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
IFS=';' read -ra SETS <<<"$FLAGS"
for flags in "${SETS[@]}"; do
  for id in hc_float hc_int8 hc_int8f; do
    uid=$(echo "$id" | tr a-z A-Z)
    # shellcheck disable=SC2086
    $CC -std=c11 $flags -I"$TMP" -DHEADER="\"$id.h\"" -DID="$id" -DUID="$uid" \
      "$HERE/tools/bench_export.c" -o "$TMP/bench_$id" -lm
    printf '%-22s %-9s header %8d bytes   %s\n' "$flags" "${id#hc_}" "$(wc -c <"$TMP/$id.h")" \
      "$($PIN "$TMP/bench_$id")"
  done
done
