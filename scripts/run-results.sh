#!/usr/bin/env bash
# Run (or continue) the training runs behind results/, one after another, and collect each
# into results/ when it stops (finished or not). A run lives in runs/results/ROBOT_PRESET_seedK;
# when that directory already holds a checkpoint the run is resumed from it, so this script
# can be re-run after any interruption. The checkpoints in runs/ keep the replay buffer (the
# default), so a resume there is exact; results/ gets a copy without it (`ddpg strip`), and a
# run continued from that copy on another machine refills its buffer (docs/training.md).
# Usage: [DDPG_BIN=path] [DDPG_LEARNER_THREADS=N] scripts/run-results.sh ROBOT:PRESET:SEED[:STEPS] ...
#   DDPG_LEARNER_THREADS: --learner-threads of a new run (default: ddpg's own, auto); set it
#   to 1 when two queues share the machine. A resumed run keeps its stored count.
#   e.g. scripts/run-results.sh half_cheetah:ourddpg:2 reacher:td3:1
#   STEPS defaults to the protocol of results/README.md: 1000000 (half_cheetah), 300000 (reacher).
# OpenBLAS runs one thread with the kernel it picks for the CPU (OPENBLAS_CORETYPE unset;
# docs/performance.md).
set -uo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: $0 ROBOT:PRESET:SEED[:STEPS] ..." >&2; exit 2; }
# DDPG_BIN runs a copy of the binary, so that rebuilding build/ while a queue of long runs
# goes on does not change the program the later runs of the queue use
bin=${DDPG_BIN:-build/ddpg}
# a copied binary finds no models beside it: use this checkout's (src/paths.h)
export DDPG_MODEL_PATH=${DDPG_MODEL_PATH:-$PWD/models}
[ -x "$bin" ] || { echo "run-results: $bin missing; run scripts/build.sh first" >&2; exit 2; }
for spec in "$@"; do
  IFS=: read -r robot preset seed steps <<<"$spec"
  case "$robot" in
    half_cheetah) steps=${steps:-1000000} ;;
    reacher) steps=${steps:-300000} ;;
    *) steps=${steps:-1000000} ;;
  esac
  case "$preset" in cleanrl|ourddpg|td3|paper) ;; *)
    echo "run-results: unknown preset '$preset' in '$spec' (cleanrl, ourddpg, td3, paper)" >&2; exit 2 ;;
  esac
  [[ "$seed" =~ ^[0-9]+$ ]] || { echo "run-results: seed '$seed' in '$spec' is not a number" >&2; exit 2; }
  dir="runs/results/${robot}_${preset}_seed$seed"
  echo "=== run-results: $robot $preset seed $seed to $steps steps ($dir)"
  if [ -f "$dir/checkpoint.ddpg" ]; then
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$bin" train --resume "$dir" --steps "$steps"
  else
    env -u OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS=1 "$bin" train --env "$robot" \
      --preset "$preset" --steps "$steps" --seed "$seed" --checkpoint-every 25000 \
      ${DDPG_LEARNER_THREADS:+--learner-threads "$DDPG_LEARNER_THREADS"} --out "$dir"
  fi
  rc=$?
  # collect whatever the run reached (a partial run is published with its step count)
  [ -f "$dir/eval.csv" ] && scripts/collect-results.sh "$robot" "$preset" "$seed" "$dir"
  [ $rc -eq 0 ] || echo "run-results: $spec stopped with status $rc (re-run to continue)" >&2
done
