#!/usr/bin/env bash
# test_fault_nan: a NaN arising in training stops it with a diagnostic naming the step and
# the quantity (exit status 1), and the last good checkpoint stays on disk, intact.
# The divergence comes from a badly scaled model: reacher with its goal 1e20 m away. The
# observations (fingertip - goal) and rewards (-distance) are finite, so nothing is refused
# at the boundary, but the critic's gradients overflow float at the first update and the
# next loss is not finite. Adam bounds each step by the learning rate, so no --actor-lr /
# --critic-lr within their ranges makes a well-scaled task diverge this fast.
# shellcheck source=tests/fault_lib.sh
source "$(dirname "$0")/fault_lib.sh" "$1"
model="$(cd "$(dirname "$0")/.." && pwd)/models/reacher.xml"
sed 's|<body name="target" pos="0.1 -0.1 0.01">|<body name="target" pos="1e20 -0.1 0.01">|' \
  "$model" >"$TMP/far.xml"
grep -q 'pos="1e20' "$TMP/far.xml" || fail "could not move reacher's goal (models/reacher.xml changed?)"

dir="$TMP/run"
"$BIN" train --env reacher --model "$TMP/far.xml" --hidden 16 --steps 3000 --start-steps 100 \
  --batch 32 --checkpoint-every 50 --eval-every 1000000 --eval-episodes 1 --quiet \
  --out "$dir" 2>"$TMP/err"
rc=$?
[ "$rc" -eq 1 ] || fail "exit status $rc, expected 1: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/err")" -eq 1 ] || fail "not one line on stderr: $(cat "$TMP/err")"
line=$(cat "$TMP/err")
[[ "$line" =~ ^ddpg\ train:\ training\ diverged\ at\ step\ ([0-9]+),\ update\ [0-9]+:\ (critic|actor)\ loss\ is\ not\ finite ]] ||
  fail "the diagnostic does not name the step and the quantity: $line"
step=${BASH_REMATCH[1]:-0}
[[ "$line" == *"last checkpoint is intact"* ]] || fail "the diagnostic does not mention the checkpoint"

# the last good checkpoint: the last multiple of 50 before the failing step, loadable, acting
# finitely on a reacher observation
good=$(( (step - 1) / 50 * 50 ))
[ "$(ckpt_step "$dir")" = "$good" ] ||
  fail "the checkpoint holds step '$(ckpt_step "$dir")', expected the last good one, $good"
act_ok "$dir/checkpoint.ddpg" "1 0 0 1 0.1 -0.1 0 0 0.05 0.02 0" ||
  fail "the last good checkpoint does not act"
! compgen -G "$dir/checkpoint.ddpg.tmp.*" >/dev/null || fail "temporary file left"
finish test_fault_nan
