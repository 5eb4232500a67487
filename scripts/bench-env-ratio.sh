#!/usr/bin/env bash
# env_ratio with an untrained actor and with a trained one, alternating, for both robots:
# acting cost depends on the weights (the workers' kernel skips zero inputs), and single
# short bench runs of this ratio are noisy on a shared machine. Also runs the act section:
# ns per action, the weights acting reads per action and at what rate, next to the rate this
# core streams a 128 KB buffer from L2. Writes one JSON per run to OUTDIR and prints a
# table. docs/performance.md quotes it.
# Usage: scripts/bench-env-ratio.sh OUTDIR [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: $0 OUTDIR [ROUNDS]}
rounds=${2:-3}
[ -x build/ddpg ] || { echo "bench-env-ratio: run scripts/build.sh first" >&2; exit 2; }
mkdir -p "$out"
declare -A ckpt=([reacher]=results/reacher/ourddpg/seed2/checkpoint.ddpg
                 [half_cheetah]=results/half_cheetah/ourddpg/seed1/checkpoint.ddpg)
printf '%-13s %-9s %5s %9s %9s %9s %7s %8s %8s %8s\n' robot actor round env_ratio env_sps \
  raw_sps act_ns read_kb read_gbs l2_gbs
for r in $(seq 1 "$rounds"); do
  for env in reacher half_cheetah; do
    for actor in untrained trained; do
      f="$out/${env}_${actor}_$r.json"
      extra=()
      [ "$actor" = trained ] && extra=(--checkpoint "${ckpt[$env]}")
      build/ddpg bench --env "$env" --sections env,act --seconds 8 --repeats 9 --json "${extra[@]}" >"$f"
      python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%-13s %-9s %5s %9.3f %9.0f %9.0f %7.0f %8.1f %8.1f %8.1f" % (d["env"], sys.argv[2], sys.argv[3], d["env_ratio"], d["env_steps_per_s"], d["raw_env_steps_per_s"], d["act_ns_worker"], d["act_weight_kb_worker"], d["act_weight_gb_per_s"], d["l2_read_gb_per_s"]))' "$f" "$actor" "$r"
    done
  done
done
