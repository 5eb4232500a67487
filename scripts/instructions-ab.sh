#!/usr/bin/env bash
# Instructions of a short training run under two ddpg binaries, counted by callgrind: a speed
# comparison that does not depend on what else the (shared, noisy) machine is doing, for
# changes that must not slow anything down (refactors). Prints each total and new/old.
# Usage: scripts/instructions-ab.sh OLD_BIN NEW_BIN [ENV]   (needs valgrind; about a minute)
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OLD_BIN NEW_BIN [ENV]" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "instructions-ab: valgrind not found (apt-get install valgrind)" >&2; exit 2; }
env_name=${3:-half_cheetah}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
declare -A total
for side in old new; do
  bin=$1; [ $side = new ] && bin=$2
  OPENBLAS_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/$side.out" \
    "$bin" train --env "$env_name" --steps 1500 --start-steps 500 --batch 64 --hidden 64,64 \
    --eval-every 1500 --eval-episodes 1 --buffer-size 5000 --quiet --seed 1 \
    --out "$tmp/run_$side" >"$tmp/$side.log" 2>&1
  total[$side]=$(sed -n 's/.*I *refs: *//p' "$tmp/$side.log" | tr -d ,)
  echo "$side: ${total[$side]} instructions ($bin)"
done
cmp -s "$tmp/run_old/checkpoint.ddpg" "$tmp/run_new/checkpoint.ddpg" &&
  echo "checkpoints: identical" || echo "checkpoints: DIFFER"
awk -v o="${total[old]}" -v n="${total[new]}" 'BEGIN {printf "new/old: %.5f\n", n / o}'
