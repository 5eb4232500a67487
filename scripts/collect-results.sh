#!/usr/bin/env bash
# Copy finished (or partial) training runs into results/ and rebuild the curves, the table
# numbers and the plots. A run directory is given as ROBOT PRESET SEED DIR.
# Usage: scripts/collect-results.sh ROBOT PRESET SEED RUN_DIR [...more quadruples]
#        scripts/collect-results.sh --plots-only
# Needs awk and gnuplot (Debian gnuplot-nox) for the plots.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" != "--plots-only" ]; then
  [ $(( $# % 4 )) -eq 0 ] && [ $# -gt 0 ] || { echo "usage: $0 ROBOT PRESET SEED RUN_DIR ..." >&2; exit 2; }
  while [ $# -gt 0 ]; do
    robot=$1 preset=$2 seed=$3 run=$4
    shift 4
    [ -f "$run/eval.csv" ] || { echo "collect-results: $run/eval.csv missing" >&2; exit 2; }
    out="results/$robot/$preset/seed$seed"
    mkdir -p "$out"
    cp "$run/eval.csv" "$out/eval.csv"
    # trimmed progress: every learner row, every 10th episode row
    awk -F, 'NR==1 || $1=="learner" || ($1=="episode" && (++n % 10)==0)' "$run/progress.csv" > "$out/progress.csv"
    [ -f "$run/checkpoint.ddpg" ] && cp "$run/checkpoint.ddpg" "$out/checkpoint.ddpg"
  done
fi
# per robot and preset: curve.dat = step, mean over seeds, std over seeds, seeds
for pdir in results/*/*/; do
  ls "$pdir"seed*/eval.csv >/dev/null 2>&1 || continue
  awk -F, 'FNR>1 {s[$1]+=$2; q[$1]+=$2*$2; n[$1]++}
           END {for (k in s) {m=s[k]/n[k]; v=q[k]/n[k]-m*m; if (v<0) v=0;
                printf "%d %.6f %.6f %d\n", k, m, sqrt(v), n[k]}}' "$pdir"seed*/eval.csv |
    sort -n > "$pdir/curve.dat"
  # summary: max of the seed-averaged curve (std there), mean of the last 10 evaluations
  awk 'BEGIN{best=-1e300} {if ($2>best) {best=$2; bs=$1; bsd=$3}; last[NR]=$2; st=$1}
       END {k=NR<10?NR:10; t=0; for (i=NR-k+1;i<=NR;i++) t+=last[i];
            printf "max_of_mean %.2f std %.2f at_step %d last10_mean %.2f last_step %d\n", best, bsd, bs, t/k, st}' \
    "$pdir/curve.dat" > "$pdir/summary.txt"
done
if command -v gnuplot >/dev/null; then
  for robot in half_cheetah reacher; do
    [ -d "results/$robot" ] || continue
    presets=$(for p in ourddpg td3 paper; do [ -f "results/$robot/$p/curve.dat" ] && printf '%s ' "$p"; done; true)
    [ -n "$presets" ] && gnuplot -e "robot='$robot'; presets='${presets% }'" scripts/plot-results.gp
  done
else
  echo "collect-results: gnuplot not found (apt-get install gnuplot-nox); plots not updated" >&2
fi
