#!/usr/bin/env bash
# The randomized half-cheetah run of results/sim2real into results/: its stripped checkpoint,
# eval.csv, config.txt and robustness files under results/sim2real/half_cheetah/with_<N>k
# (N: the step it reached), the learning curves and the summary table (docs/sim2real.md).
# Usage: scripts/sim2real-finalize-hc.sh [RUN_DIR]   (default runs/hc_rand_seed1)
set -euo pipefail
cd "$(dirname "$0")/.."
export OPENBLAS_NUM_THREADS=1
d=${1:-runs/hc_rand_seed1}
[ -f "$d/checkpoint.ddpg" ] || { echo "sim2real-finalize-hc: $d/checkpoint.ddpg missing" >&2; exit 2; }
N=$(build/ddpg info --checkpoint "$d/checkpoint.ddpg" | sed -n 's/^training *step \([0-9]*\) .*/\1/p')
o=results/sim2real/half_cheetah/with_$((N / 1000))k
mkdir -p "$o"
cp "$d/eval.csv" "$d/config.txt" "$o/"
rm -f "$o/checkpoint.ddpg"
build/ddpg strip --checkpoint "$d/checkpoint.ddpg" --out "$o/checkpoint.ddpg"
build/ddpg robustness --checkpoint "$o/checkpoint.ddpg" --episodes 10 --out "$o" | tee "$o/robustness.txt"
gnuplot -e "without='results/half_cheetah/cleanrl/seed1/eval.csv'; with='$o/eval.csv'; out='results/sim2real/half_cheetah/curves.png'" scripts/plot-sim2real-curves.gp
rows=("without (1M steps)=results/sim2real/half_cheetah/without_1M/robustness.csv")
for w in $(ls -dv results/sim2real/half_cheetah/with_*k); do
  k=${w##*with_}
  rows+=("with (${k} steps)=$w/robustness.csv")
done
scripts/sim2real-summary.sh "${rows[@]}" | tee results/sim2real/half_cheetah/summary.md
