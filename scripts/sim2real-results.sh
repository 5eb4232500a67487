#!/usr/bin/env bash
# The results of docs/sim2real.md for the robots that can fall (an episode ends when they do):
# the crawler (docs/robots/crawler.yaml; 3 seeds, 60k steps, the guide's settings) and hopper
# (2 seeds, 300k steps, 64x64 networks), each trained without and with domain randomization;
# every checkpoint's robustness grid, the stripped checkpoints, eval.csv and config.txt in
# results/sim2real/ROBOT/, and the side-by-side table ROBOT/summary.md. Training is skipped
# for a run directory that already holds a checkpoint.
# Usage: scripts/sim2real-results.sh [crawler|hopper ...]   (default both; runs in runs/)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${DDPG_BIN:-build/ddpg}
[ -x "$bin" ] || { echo "sim2real-results: run scripts/build.sh first" >&2; exit 2; }
export OPENBLAS_NUM_THREADS=1
R="mass=0.7:1.3,friction=0.5:1.5,damping=0.8:1.2,armature=0.8:1.2,gain=0.8:1.2,obs_noise=0.02,jitter=1,action_noise=0.05"

# robot NAME SEEDS ARGS...: train, strip, robustness and the table of one robot
robot() {
  local name=$1 seeds=$2
  shift 2
  local out=results/sim2real/$name rows=() kind s d o
  for kind in plain rand; do
    for s in $seeds; do
      d="runs/${name}_${kind}_seed$s"
      local extra=()
      [ $kind = rand ] && extra=(--randomize "$R")
      [ -f "$d/checkpoint.ddpg" ] || "$bin" train "$@" --seed "$s" "${extra[@]}" --out "$d"
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
}

for r in "${@:-crawler hopper}"; do
  for name in $r; do
    case $name in
      crawler) robot crawler "1 2 3" --env docs/robots/crawler.yaml --steps 60000 --start-steps 1000 \
                 --hidden 64,64 --batch 64 --sync 1 --eval-every 5000 --eval-episodes 10 \
                 --learner-threads 1 --quiet ;;
      hopper) robot hopper "1 2" --env hopper --steps 300000 --start-steps 10000 --hidden 64,64 \
                --batch 64 --sync 1 --eval-every 10000 --eval-episodes 10 --learner-threads 1 --quiet ;;
      *) echo "sim2real-results: unknown robot $name (crawler or hopper)" >&2; exit 2 ;;
    esac
  done
done
