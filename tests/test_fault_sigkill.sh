#!/usr/bin/env bash
# test_fault_sigkill: SIGKILL at random moments while checkpoints are being written never
# leaves a torn checkpoint. A toy run with --checkpoint-every 1 spends most of its time
# writing its 140 kB checkpoint (temporary file, fsync, rename); it is killed after a random
# 20..300 ms, 60 times in a row, each time resumed from what the previous kill left. Every
# time the file on disk must load (`ddpg act`, and the resume itself: magic, CRC and every
# size check) and hold a step no earlier than the last one seen: the previous checkpoint
# or a newer one, never a mixture.
# shellcheck source=tests/fault_lib.sh
source "$(dirname "$0")/fault_lib.sh" "$1"
KILLS=60
dir="$TMP/run"
"$BIN" train --env toy --hidden 64,64 --steps 100 --start-steps 50 --batch 32 \
  --checkpoint-every 1 --eval-every 1000000 --quiet --out "$dir" 2>"$TMP/first.err" ||
  fail "first run: $(cat "$TMP/first.err")"
last=$(ckpt_step "$dir")
[ "$last" = 100 ] || fail "first run: checkpoint at step '$last', expected 100"

RANDOM=11 # reproducible kill times
torn_windows=0
for ((i = 1; i <= KILLS; i++)); do
  "$BIN" train --resume "$dir" --steps 1000000000 --quiet 2>"$TMP/resume.err" &
  pid=$!
  sleep "0.$(printf '%03d' $((20 + RANDOM % 280)))"
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  # a temporary file left behind means the kill landed inside a write
  if compgen -G "$dir/checkpoint.ddpg.tmp.*" >/dev/null; then
    torn_windows=$((torn_windows + 1))
    rm -f "$dir"/checkpoint.ddpg.tmp.*
  fi
  if ! act_ok "$dir/checkpoint.ddpg"; then
    fail "kill $i: the checkpoint on disk does not load"
    break
  fi
  step=$(ckpt_step "$dir")
  if [ -z "$step" ] || [ "$step" -lt "$last" ]; then
    fail "kill $i: checkpoint step '$step' after step $last (resume said: $(head -1 "$TMP/resume.err"))"
    break
  fi
  last=$step
done
echo "test_fault_sigkill: $KILLS kills, $torn_windows inside a checkpoint write, last step $last"
[ "$last" -gt 100 ] || fail "no progress over $KILLS resumed runs"
finish test_fault_sigkill
