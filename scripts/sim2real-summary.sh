#!/usr/bin/env bash
# Summarize robustness.csv files (written by `ddpg robustness`) side by side: the nominal
# return, the worst mean return over the whole grid (and where), and the lowest mean return
# per parameter. docs/sim2real.md quotes its output.
# Labels "NAME seed K" also get a row "NAME, mean of N seeds" (each column's mean).
# Usage: scripts/sim2real-summary.sh LABEL=DIR/robustness.csv ...
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 LABEL=robustness.csv ..." >&2; exit 2; }
{
printf '| run | nominal | worst over the grid | mass 0.7..1.3 | friction 0.5..1.5 | gain 0.8..1.2 | delay 0..2 | delay 0..1 | obs noise 0..0.1 | obs noise 0..0.02 |\n'
printf '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n'
for arg in "$@"; do
  label=${arg%%=*} csv=${arg#*=}
  [ -f "$csv" ] || { echo "sim2real-summary: no file $csv" >&2; exit 2; }
  awk -F, -v label="$label" '
    NR == 1 { next }
    $3 == 1 { nominal = $4 }
    { key = $1; v = $2 + 0; m = $4 + 0
      if (!(key in lo) || m < lo[key]) { lo[key] = m; at[key] = $2 }
      if (key == "delay" && v <= 1 && (!("d1" in lo) || m < lo["d1"])) { lo["d1"] = m; at["d1"] = $2 }
      if (key == "obs_noise" && v <= 0.02 && (!("o2" in lo) || m < lo["o2"])) { lo["o2"] = m; at["o2"] = $2 }
      if (!seen || m < worst) { worst = m; wk = key; wv = $2; seen = 1 } }
    END {
      printf "| %s | %.1f | %.1f (%s %s) |", label, nominal, worst, wk, wv
      n = split("mass friction gain delay d1 obs_noise o2", keys, " ")
      for (i = 1; i <= n; i++) printf " %.1f (%s) |", lo[keys[i]], at[keys[i]]
      printf "\n"
    }' "$csv"
done
} | awk -F'|' '
  { print }
  NR > 2 && $2 ~ / seed [0-9]+ $/ {
    name = $2; sub(/ seed [0-9]+ $/, "", name); sub(/^ /, "", name)
    if (!(name in n)) order[++k] = name
    n[name]++
    for (i = 3; i < NF; i++) { v = $i; sub(/ \(.*/, "", v); sum[name, i] += v }
    cols = NF
  }
  END {
    for (j = 1; j <= k; j++) {
      name = order[j]
      if (n[name] < 2) continue
      printf "| %s, mean of %d seeds |", name, n[name]
      for (i = 3; i < cols; i++) printf " %.1f |", sum[name, i] / n[name]
      printf "\n"
    }
  }'
