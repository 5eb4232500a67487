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
    # the checkpoint without its replay buffer (168 MB for 1M half-cheetah transitions): it
    # reproduces the final evaluation; a resume from it refills the buffer (docs/training.md)
    if [ -f "$run/checkpoint.ddpg" ]; then
      [ -x build/ddpg ] || { echo "collect-results: build/ddpg missing; run scripts/build.sh" >&2; exit 2; }
      build/ddpg strip --checkpoint "$run/checkpoint.ddpg" --out "$out/checkpoint.ddpg" >/dev/null
    fi
  done
fi
# per robot and preset: curve.dat = step, mean over seeds, std over seeds, seeds
for pdir in results/*/*/; do
  ls "$pdir"seed*/eval.csv >/dev/null 2>&1 || continue
  awk -F, 'FNR>1 {s[$1]+=$2; q[$1]+=$2*$2; n[$1]++}
           END {for (k in s) {m=s[k]/n[k]; v=q[k]/n[k]-m*m; if (v<0) v=0;
                printf "%d %.6f %.6f %d\n", k, m, sqrt(v), n[k]}}' "$pdir"seed*/eval.csv |
    sort -n > "$pdir/curve.dat"
  # summary over the steps every seed reached (seeds of different lengths would otherwise mix
  # a 1-seed tail into the mean): max of the seed-averaged curve (std there), mean of the
  # last 10 evaluations, the step all seeds reached
  awk 'NR==FNR {if ($4>ns) ns=$4; next}
       $4==ns {if (!seen++ || $2>best) {best=$2; bs=$1; bsd=$3}; last[++k]=$2; st=$1}
       END {m=k<10?k:10; t=0; for (i=k-m+1;i<=k;i++) t+=last[i];
            printf "max_of_mean %.2f std %.2f at_step %d last10_mean %.2f last_step %d seeds %d\n", best, bsd, bs, t/m, st, ns}' \
    "$pdir/curve.dat" "$pdir/curve.dat" > "$pdir/summary.txt"
done
# per robot: table.md, one row per preset (pasted into results/README.md)
for rdir in results/*/; do
  robot=$(basename "$rdir")
  ls "$rdir"*/summary.txt >/dev/null 2>&1 || continue
  {
    echo "| preset | seeds | steps (every seed) | max of mean (std) at step | last 10 | wall-clock per seed | steps/s |"
    echo "| --- | --- | --- | --- | --- | --- | --- |"
    for p in cleanrl ourddpg td3 paper; do
      f="$rdir$p/summary.txt"
      [ -f "$f" ] || continue
      read -r _ best _ sd _ at _ l10 _ st _ ns <"$f"
      # per seed: steps reached and wall seconds of its last evaluation
      seeds=$(for e in "$rdir$p"/seed*/eval.csv; do
                awk -F, -v s="$(basename "$(dirname "$e")")" 'END {printf "%s %d %.0f\n", s, $1, $6}' "$e"
              done)
      walls=$(echo "$seeds" | awk '{printf "%s%s: %.1f h at %dk", (NR>1 ? ", " : ""), $1, $3/3600, $2/1000}')
      sps=$(echo "$seeds" | awk '{n+=$2; w+=$3} END {printf "%.0f", n/w}')
      echo "| $p | $ns | $st | $best ($sd) at $at | $l10 | $walls | $sps |"
    done
  } >"${rdir}table.md"
done
if command -v gnuplot >/dev/null; then
  for robot in half_cheetah reacher; do
    [ -d "results/$robot" ] || continue
    presets=$(for p in cleanrl ourddpg td3 paper; do [ -f "results/$robot/$p/curve.dat" ] && printf '%s ' "$p"; done; true)
    [ -n "$presets" ] && gnuplot -e "robot='$robot'; presets='${presets% }'" scripts/plot-results.gp
  done
else
  echo "collect-results: gnuplot not found (apt-get install gnuplot-nox); plots not updated" >&2
fi
