#!/usr/bin/env bash
# The declared half-cheetah (models/half_cheetah.yaml through src/task.c) against the
# hard-coded one it replaced: env steps/s of env_step with random actions and the same over
# raw mj_step on the same trajectories (the env layer's share), from `ddpg bench --sections
# env`, alternating an old binary and this build round by round so machine load hits both
# alike. Writes one JSON per run to OUTDIR and prints each run and the medians. On a loaded
# machine wall-clock rates swing by 30 %; the CPU seconds (user + sys) of a fixed amount of
# work, `ddpg eval --policy zero --episodes 100` (100 000 env steps, nothing but env_reset and
# env_step), are steadier: those are timed too, alternating, into OUTDIR/cpu.txt.
# docs/performance.md ("Declared tasks") quotes it.
# Usage: scripts/bench-task-ab.sh OLD_DDPG OUTDIR [ROUNDS] [ENV]
#   OLD_DDPG: a ddpg built before task files (e.g. `git worktree add /tmp/old 7d03302`,
#   build there); ENV: half_cheetah (default) or reacher
set -euo pipefail
cd "$(dirname "$0")/.."
old=${1:?usage: $0 OLD_DDPG OUTDIR [ROUNDS] [ENV]}
out=${2:?usage: $0 OLD_DDPG OUTDIR [ROUNDS] [ENV]}
rounds=${3:-4}
env=${4:-half_cheetah}
[ -x build/ddpg ] || { echo "bench-task-ab: run scripts/build.sh first" >&2; exit 2; }
[ -x "$old" ] || { echo "bench-task-ab: $old is not an executable" >&2; exit 2; }
mkdir -p "$out"
printf '%-5s %5s %14s %14s %10s\n' build round env_rand_sps raw_rand_sps env/raw
for r in $(seq 1 "$rounds"); do
  for which in old new; do
    bin=build/ddpg
    [ "$which" = old ] && bin=$old
    f="$out/${env}_${which}_$r.json"
    "$bin" bench --env "$env" --sections env --seconds 4 --repeats 5 --json >"$f"
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("%-5s %5s %14.0f %14.0f %10.4f" % (sys.argv[2], sys.argv[3], d["env_random_steps_per_s"], d["raw_random_steps_per_s"], d["env_random_ratio"]))' "$f" "$which" "$r"
  done
done
python3 - "$out" "$env" "$rounds" <<'PY'
import json, statistics, sys
out, env, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
def col(which, key):
    return [json.load(open(f"{out}/{env}_{which}_{r}.json"))[key] for r in range(1, rounds + 1)]
for key in ("env_random_steps_per_s", "env_random_ratio"):
    o, n = statistics.median(col("old", key)), statistics.median(col("new", key))
    print(f"median {key}: old {o:.4g}, new {n:.4g}, new/old {n / o:.4f}")
PY
# the CPU seconds of a fixed amount of env work, alternating
TIMEFORMAT='%U %S'
: >"$out/cpu.txt"
for r in $(seq 1 "$rounds"); do
  for which in old new; do
    bin=build/ddpg
    [ "$which" = old ] && bin=$old
    t=$( { time "$bin" eval --env "$env" --policy zero --episodes 100 --seed 1 --json >/dev/null; } 2>&1 )
    echo "$which $r $t" | tee -a "$out/cpu.txt"
  done
done
python3 - "$out/cpu.txt" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
cpu = {w: [float(u) + float(s) for x, r, u, s in rows if x == w] for w in ("old", "new")}
o, n = statistics.median(cpu["old"]), statistics.median(cpu["new"])
print(f"median CPU seconds of 100000 env steps: old {o:.3f}, new {n:.3f}, new/old {n / o:.4f}")
PY
