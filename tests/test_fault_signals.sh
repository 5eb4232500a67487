#!/usr/bin/env bash
# test_fault_signals: SIGINT and SIGTERM during training write a checkpoint and stop with
# status 130 and a message saying how to continue; `--resume` then continues from exactly
# that step to the end. SIGINT hits the synchronous schedule, SIGTERM the asynchronous one
# (two worker threads), each in the middle of a run far longer than the test.
# shellcheck source=tests/fault_lib.sh
source "$(dirname "$0")/fault_lib.sh" "$1"

# interrupt_and_resume NAME SIGNAL FLAGS...: start a long run, signal it once it trains,
# check the stop, then resume it for 200 more steps
interrupt_and_resume() {
  local name="$1" sig="$2"
  shift 2
  local dir="$TMP/$name"
  "$BIN" train --env toy --hidden 16,16 --steps 100000000 --start-steps 50 --batch 32 \
    --checkpoint-every 1000000 --eval-every 1000000 --quiet --out "$dir" "$@" \
    2>"$TMP/$name.err" &
  local pid=$!
  # progress.csv appears when training starts, after the signal handlers are installed
  wait_for_file "$dir/progress.csv" 20 || fail "$name: the run did not start"
  sleep 0.5
  kill -"$sig" "$pid"
  wait "$pid"
  local rc=$?
  [ "$rc" -eq 130 ] || fail "$name: exit status $rc after SIG$sig, expected 130"
  grep -q "interrupted: checkpoint written at step" "$TMP/$name.err" ||
    fail "$name: no 'interrupted: checkpoint written' message: $(cat "$TMP/$name.err")"
  grep -q "continue with: ddpg train --resume $dir" "$TMP/$name.err" ||
    fail "$name: no 'continue with' hint"
  local step
  step=$(sed -n 's/.*checkpoint written at step \([0-9]*\).*/\1/p' "$TMP/$name.err")
  if [ -z "$step" ] || [ "$step" -le 0 ]; then
    fail "$name: no step in the message"
    return
  fi
  act_ok "$dir/checkpoint.ddpg" || fail "$name: the checkpoint written on SIG$sig does not load"
  [ "$(ckpt_step "$dir")" = "$step" ] ||
    fail "$name: the checkpoint holds step $(ckpt_step "$dir"), the message said $step"

  # resume: continues at that step and finishes 200 steps later
  local end=$((step + 200))
  "$BIN" train --resume "$dir" --steps "$end" --quiet 2>"$TMP/$name.resume.err"
  rc=$?
  [ "$rc" -eq 0 ] || fail "$name: --resume exit status $rc: $(cat "$TMP/$name.resume.err")"
  grep -q "resuming $dir at step $step of $end" "$TMP/$name.resume.err" ||
    fail "$name: resume did not start at step $step: $(head -1 "$TMP/$name.resume.err")"
  grep -q "finished at step $end" "$TMP/$name.resume.err" ||
    fail "$name: resumed run did not finish at step $end"
  [ "$(ckpt_step "$dir")" = "$end" ] || fail "$name: final checkpoint is not at step $end"
  # the logs read as one run: the last evaluation row is the final step
  [ "$(tail -1 "$dir/eval.csv" | cut -d, -f1)" = "$end" ] ||
    fail "$name: eval.csv does not end at step $end"
}

interrupt_and_resume sigint_sync INT
# --log-seconds 0.1: the learner's progress report runs while the workers step (TSan)
interrupt_and_resume sigterm_async TERM --workers 2 --log-seconds 0.1

finish test_fault_signals
