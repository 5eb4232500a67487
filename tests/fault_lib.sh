# shellcheck shell=bash
# fault_lib.sh: helpers shared by the fault tests (tests/test_fault_*.sh), sourced, not run.
# Usage in a test:  source "$(dirname "$0")/fault_lib.sh" "$1"
# Sets BIN (the ddpg binary) and TMP (a private directory removed on exit); `fail MSG`
# records a failure; `finish NAME` prints the verdict and exits with the test's status.
set -u
BIN="$1"
export OPENBLAS_NUM_THREADS=1
TMP=$(mktemp -d /tmp/ddpg_fault_XXXXXX)
FAILED=0
CLEANUP=()  # extra cleanup commands (unmounts, chattr -i), run before TMP is removed

fault_cleanup() {
  local c
  for c in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do eval "$c" >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap fault_cleanup EXIT

fail() {
  echo "FAIL: $*"
  FAILED=1
}

finish() {
  if [ "$FAILED" -eq 0 ]; then echo "$1: all passed"; fi
  exit "$FAILED"
}

# a toy run of a few hundred steps with checkpoints; extra flags after the directory
toy_run() {
  local dir="$1"
  shift
  "$BIN" train --env toy --hidden 16,16 --steps 300 --start-steps 50 --batch 32 --quiet \
    --out "$dir" "$@"
}

# does checkpoint $1 load and act? `ddpg act` on observation $2 (default: one toy
# observation) must exit 0 and print only finite numbers
act_ok() {
  local out
  out=$(echo "${2:-0.25}" | "$BIN" act --checkpoint "$1" 2>"$TMP/act.err") || {
    echo "  act: $(cat "$TMP/act.err")"
    return 1
  }
  [[ "$out" =~ ^-?[0-9][0-9.e+-]*( -?[0-9][0-9.e+-]*)*$ ]] || {
    echo "  act printed '$out'"
    return 1
  }
}

# the step a checkpoint holds, read by resuming it for zero further work: `train --resume`
# prints "resuming DIR at step N" first; --steps 1 makes the resume refuse to run, after
# reading everything. Prints N, or nothing when the checkpoint does not load.
ckpt_step() {
  "$BIN" train --resume "$1" --steps 1 --quiet 2>&1 | sed -n 's/.*already reached \([0-9]*\) steps.*/\1/p'
}

# wait (up to $2 seconds) until file $1 exists
wait_for_file() {
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    [ -e "$1" ] && return 0
    sleep 0.05
  done
  return 1
}
