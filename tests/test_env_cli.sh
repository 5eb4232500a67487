#!/usr/bin/env bash
# test_env_cli: `ddpg eval` and `ddpg bench` from the outside: bad input exits 2 with exactly
# one line on stderr and nothing on stdout; --json prints exactly one object with the keys.
# usage: bash test_env_cli.sh /path/to/ddpg
set -u
BIN=${1:?usage: test_env_cli.sh /path/to/ddpg}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

fail() {
  echo "FAIL: $*"
  fails=$((fails + 1))
}

# expect_bad ARGS...: exit status 2, one line on stderr, empty stdout
expect_bad() {
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$TMP/err")
  [ "$rc" -eq 2 ] || fail "ddpg $* exited $rc, want 2"
  [ "$lines" -eq 1 ] || fail "ddpg $* printed $lines lines on stderr, want 1: $(cat "$TMP/err")"
  [ ! -s "$TMP/out" ] || fail "ddpg $* printed on stdout: $(cat "$TMP/out")"
}

# eval: every kind of bad flag value
expect_bad eval
expect_bad eval --env
expect_bad eval --env walrus
expect_bad eval --env reacher --episodes 0
expect_bad eval --env reacher --episodes -5
expect_bad eval --env reacher --episodes abc
expect_bad eval --env reacher --episodes 1.5
expect_bad eval --env reacher --episodes 99999999999999999999
expect_bad eval --env reacher --seed -1
expect_bad eval --env reacher --seed seven
expect_bad eval --env reacher --policy greedy
expect_bad eval --env reacher --bogus 1
expect_bad eval --env reacher stray
expect_bad eval --env reacher --model "$TMP/missing.xml"
expect_bad eval --env toy --model "$TMP/missing.xml"
printf '<mujoco>\n  <worldbody>\n    <body>\n  </worldbody>\n</mujoco>\n' >"$TMP/bad.xml"
expect_bad eval --env reacher --model "$TMP/bad.xml"
grep -q "line\|Line" "$TMP/err" || fail "malformed XML message does not name the line: $(cat "$TMP/err")"
printf '<mujoco>\n  <worldbody>\n    <body>\n      <joint name="hinge"/>\n      <geom size="0.1"/>\n    </body>\n  </worldbody>\n</mujoco>\n' >"$TMP/nojoint.xml"
expect_bad eval --env half_cheetah --model "$TMP/nojoint.xml"
grep -q "no joint named 'root" "$TMP/err" || fail "missing-joint message does not name the joint: $(cat "$TMP/err")"
# task: check a task file; bad task files exit 2 with one line naming the file and the entry
"$BIN" task half_cheetah >"$TMP/out" 2>"$TMP/err" || fail "ddpg task half_cheetah exited $?"
grep -q "^observation: 17 entries" "$TMP/out" || fail "ddpg task half_cheetah: $(head -3 "$TMP/out")"
grep -q "bthigh (gear 120)  \[-1, 1\]" "$TMP/out" || fail "ddpg task: no action bounds"
expect_bad task
expect_bad task nope
expect_bad task "$TMP/missing.yaml"
printf 'model: %s\nframe_skip: 2\ntime_limit: 10\nobservation:\n  - qpos: [rootz, knee]\nreward:\n  - control_cost:\n' \
  "$(dirname "$BIN")/../models/half_cheetah.xml" >"$TMP/t.yaml"
expect_bad task "$TMP/t.yaml"
grep -q "t.yaml:5: observation\[0\]: model .* has no joint named 'knee'" "$TMP/err" ||
  fail "bad task message: $(cat "$TMP/err")"
expect_bad eval --env "$TMP/t.yaml"
expect_bad train --env "$TMP/t.yaml" --out "$TMP/run"
printf '\0\1\2' >"$TMP/bin.yaml"
expect_bad task "$TMP/bin.yaml"

# bench and the top level
expect_bad bench
expect_bad bench --env walrus
expect_bad bench --env toy --seconds 0
expect_bad bench --env toy --seconds abc
expect_bad bench --env reacher --checkpoint "$TMP/missing.ddpg"
REACHER_CKPT="$(dirname "$0")/../results/reacher/ourddpg/seed2/checkpoint.ddpg"
expect_bad bench --env half_cheetah --checkpoint "$REACHER_CKPT"
grep -q "trained on reacher" "$TMP/err" || fail "bench robot mismatch message: $(cat "$TMP/err")"
expect_bad no-such-command
expect_bad eval --env toy --json=2

# eval --json: one line, one object, the keys
check_json() { # FILE KEYS...
  local f=$1
  shift
  [ "$(wc -l <"$f")" -eq 1 ] || fail "json output is not one line: $(cat "$f")"
  grep -q '^{.*}$' "$f" || fail "json output is not one object: $(cat "$f")"
  for k in "$@"; do
    grep -q "\"$k\": " "$f" || fail "json output lacks key $k: $(cat "$f")"
  done
  if command -v python3 >/dev/null; then
    python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" 2>/dev/null ||
      fail "json output does not parse: $(cat "$f")"
  fi
}

for env in half_cheetah reacher toy; do
  "$BIN" eval --env "$env" --episodes 2 --json >"$TMP/out" 2>"$TMP/err" || fail "eval $env failed"
  check_json "$TMP/out" env episodes mean_return std_return min_return max_return mean_length
  grep -q "\"env\": \"$env\"" "$TMP/out" || fail "eval json names the wrong env: $(cat "$TMP/out")"
  grep -q '"episodes": 2' "$TMP/out" || fail "eval json episodes: $(cat "$TMP/out")"
  [ ! -s "$TMP/err" ] || fail "eval $env wrote to stderr: $(cat "$TMP/err")"
done

# the same seed gives the same numbers
"$BIN" eval --env reacher --episodes 3 --seed 4 --json >"$TMP/a"
"$BIN" eval --env reacher --episodes 3 --seed 4 --json >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" || fail "eval is not reproducible for a fixed seed"

# zero policy on toy: the state never moves, every step costs s0^2
"$BIN" eval --env toy --policy zero --episodes 1 >"$TMP/out" || fail "eval toy zero failed"
grep -q "return" "$TMP/out" || fail "human output lacks the return: $(cat "$TMP/out")"

# help goes to stdout with status 0
"$BIN" eval --help >"$TMP/out" 2>"$TMP/err" || fail "eval --help exit status"
grep -q -- "--episodes" "$TMP/out" || fail "eval --help lacks --episodes"

# bench --json (short)
"$BIN" bench --env reacher --seconds 0.3 --repeats 3 --json >"$TMP/out" 2>"$TMP/err" ||
  fail "bench reacher failed: $(cat "$TMP/err")"
check_json "$TMP/out" env env_steps_per_s raw_env_steps_per_s env_ratio raw_replay_exact \
  raw_random_steps_per_s env_random_ratio
# the raw physics replays the policy loop's trajectories exactly (else the ratio compares
# different physics)
grep -q '"raw_replay_exact": 1[,}]' "$TMP/out" || fail "bench raw replay is not exact: $(cat "$TMP/out")"
"$BIN" bench --env half_cheetah --sections env --seconds 0.3 --repeats 3 --json >"$TMP/out" ||
  fail "bench half_cheetah failed"
grep -q '"raw_replay_exact": 1[,}]' "$TMP/out" || fail "bench raw replay is not exact: $(cat "$TMP/out")"
# acting with a trained actor (its weights decide how many inputs the worker kernel skips)
"$BIN" bench --env reacher --sections env,act --checkpoint "$REACHER_CKPT" --seconds 0.3 \
  --repeats 3 --json >"$TMP/out" 2>"$TMP/err" || fail "bench --checkpoint failed: $(cat "$TMP/err")"
check_json "$TMP/out" actor env_ratio act_ns_worker act_weight_kb_worker act_weight_gb_per_s \
  l2_read_gb_per_s
grep -q '"actor": ".*seed2/checkpoint.ddpg"' "$TMP/out" || fail "bench does not name its actor: $(cat "$TMP/out")"
grep -q '"raw_replay_exact": 1[,}]' "$TMP/out" || fail "bench raw replay is not exact: $(cat "$TMP/out")"
"$BIN" bench --env toy --seconds 0.1 --json >"$TMP/out" || fail "bench toy failed"
check_json "$TMP/out" env env_steps_per_s raw_env_steps_per_s env_ratio

# Gymnasium ids name the built-in robots (issue #21): the same episodes, the built-in name
# recorded in a run's configuration, and the robot's own warm-up length
for pair in HalfCheetah-v4:half_cheetah Reacher-v4:reacher; do
  a=$("$BIN" eval --env "${pair%%:*}" --policy random --episodes 2 --seed 4 --json | sed 's/.*"mean_return": \([-0-9.e]*\).*/\1/')
  b=$("$BIN" eval --env "${pair#*:}" --policy random --episodes 2 --seed 4 --json | sed 's/.*"mean_return": \([-0-9.e]*\).*/\1/')
  [ -n "$a" ] && [ "$a" = "$b" ] || fail "--env ${pair%%:*} scores '$a', ${pair#*:} '$b'"
done
"$BIN" train --env Reacher-v4 --steps 200 --start-steps -1 --batch 16 --hidden 16 \
  --eval-every 200 --eval-episodes 1 --out "$TMP/alias" --quiet 2>"$TMP/err" ||
  fail "train --env Reacher-v4: $(cat "$TMP/err")"
grep -qx "env = reacher" "$TMP/alias/config.txt" || fail "Reacher-v4 run not recorded as reacher"
grep -qx "start_steps = 1000" "$TMP/alias/config.txt" || fail "Reacher-v4 run: not reacher's warm-up"
expect_bad eval --env HalfCheetah-v9 --policy random

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "all env CLI checks passed"
