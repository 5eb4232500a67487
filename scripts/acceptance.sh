#!/usr/bin/env bash
# Acceptance runs of the training system (issue: training system), recorded in
# results/acceptance/: reacher 100k steps and half-cheetah 150k steps with the default
# (cleanrl) configuration, seed 0, one BLAS thread, OpenBLAS free to pick its kernel.
# Usage: scripts/acceptance.sh [reacher|half_cheetah]...   (default: both; resumable)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${ACCEPTANCE_RUNS:-runs/acceptance}
BIN=${DDPG:-build/ddpg}
mkdir -p "$out" results/acceptance
run() { # env steps
  local env=$1 steps=$2 dir="$out/$1"
  if [ -f "$dir/checkpoint.ddpg" ]; then
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$BIN" train --resume "$dir" --steps "$steps" || true
  else
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$BIN" train --env "$env" --steps "$steps" --seed 0 --out "$dir"
  fi
  mkdir -p "results/acceptance/$env"
  cp "$dir/eval.csv" "results/acceptance/$env/eval.csv"
  grep -v '^episode' "$dir/progress.csv" > "results/acceptance/$env/learner.csv" || true
}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(reacher half_cheetah)
for t in "${targets[@]}"; do
  case $t in
    reacher) run reacher 100000 ;;
    half_cheetah) run half_cheetah 150000 ;;
    *) echo "acceptance.sh: unknown target $t (reacher or half_cheetah)" >&2; exit 2 ;;
  esac
done
