#!/usr/bin/env bash
# The results of docs/sim2real.md for the crawler (docs/robots/crawler.yaml, a robot that can
# fall: an episode ends when it flips): three seeds trained without and with domain
# randomization (60k steps, the guide's settings), each checkpoint's robustness grid, the
# stripped checkpoints and eval.csv in results/sim2real/crawler/, and the side-by-side table.
# Training is skipped for a run directory that already holds a checkpoint.
# Usage: scripts/sim2real-results.sh [RUNS_DIR]   (default runs/)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs}
bin=${DDPG_BIN:-build/ddpg}
[ -x "$bin" ] || { echo "sim2real-results: run scripts/build.sh first" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1
R="mass=0.7:1.3,friction=0.5:1.5,damping=0.8:1.2,armature=0.8:1.2,gain=0.8:1.2,obs_noise=0.02,jitter=1,action_noise=0.05"
common=(--env docs/robots/crawler.yaml --steps 60000 --start-steps 1000 --hidden 64,64
        --batch 64 --sync 1 --eval-every 5000 --eval-episodes 10 --quiet)
out=results/sim2real/crawler
rows=()
for kind in plain rand; do
  for s in 1 2 3; do
    d="$runs/crawler_${kind}_seed$s"
    extra=()
    [ $kind = rand ] && extra=(--randomize "$R")
    [ -f "$d/checkpoint.ddpg" ] || "$bin" train "${common[@]}" --seed "$s" "${extra[@]}" --out "$d"
    o="$out/${kind}_seed$s"
    mkdir -p "$o"
    cp "$d/eval.csv" "$d/config.txt" "$o/"
    rm -f "$o/checkpoint.ddpg"
    "$bin" strip --checkpoint "$d/checkpoint.ddpg" --out "$o/checkpoint.ddpg" >/dev/null
    "$bin" robustness --checkpoint "$o/checkpoint.ddpg" --episodes 10 --out "$o" >"$o/robustness.txt"
    rows+=("$kind seed $s=$o/robustness.csv")
  done
done
scripts/sim2real-summary.sh "${rows[@]}" | tee "$out/summary.md"
