#!/usr/bin/env bash
# test_fault_diskfull: a checkpoint that cannot be written (disk full) stops training with a
# clear one-line error and exit status 1, and leaves the previous checkpoint byte for byte
# intact with no temporary file behind. Two ways to fill the disk:
#  - RLIMIT_FSIZE (`ulimit -f` in a subshell, SIGXFSZ ignored): writes past the limit fail
#    with EFBIG; works anywhere;
#  - a real full filesystem (ENOSPC): a tmpfs sized for one checkpoint but not two (the
#    atomic write needs room for the new file next to the old one); needs the right to
#    mount, so it is skipped, with a note, where that is not allowed.
# shellcheck source=tests/fault_lib.sh
source "$(dirname "$0")/fault_lib.sh" "$1"

# check_stopped NAME DIR RC ERRFILE SHA: the run failed cleanly and the old checkpoint stands
check_stopped() {
  local name="$1" dir="$2" rc="$3" errf="$4" sha="$5"
  [ "$rc" -eq 1 ] || fail "$name: exit status $rc, expected 1: $(cat "$errf")"
  # the checkpoint, or best.ddpg (the best evaluation's copy) when an evaluation came first
  grep -Eq "^ddpg train: cannot write $dir/(checkpoint|best).ddpg: .*\(previous file left untouched\)" \
    "$errf" || fail "$name: no clear error: $(cat "$errf")"
  [ "$(grep -c '^ddpg train:' "$errf")" -eq 1 ] || fail "$name: not exactly one error line"
  [ "$(sha256sum <"$dir/checkpoint.ddpg")" = "$sha" ] ||
    fail "$name: the previous checkpoint changed"
  act_ok "$dir/checkpoint.ddpg" || fail "$name: the previous checkpoint does not load"
  ! compgen -G "$dir/checkpoint.ddpg.tmp.*" >/dev/null || fail "$name: temporary file left"
}

# --- RLIMIT_FSIZE: resume a run whose checkpoint (140 kB) is larger than the limit --------
dir="$TMP/fsize"
toy_run "$dir" --hidden 64,64 --checkpoint-every 100 2>"$TMP/fsize0.err" ||
  fail "fsize: first run: $(cat "$TMP/fsize0.err")"
sha=$(sha256sum <"$dir/checkpoint.ddpg")
(
  ulimit -f 64 # 64 KiB
  trap '' XFSZ # inherited as ignored: write() fails with EFBIG instead of killing
  exec "$BIN" train --resume "$dir" --steps 600 --quiet
) 2>"$TMP/fsize.err"
check_stopped fsize "$dir" $? "$TMP/fsize.err" "$sha"
grep -q "File too large" "$TMP/fsize.err" || fail "fsize: error does not name the cause"

# --- a full tmpfs --------------------------------------------------------------------------
size=$(stat -c %s "$dir/checkpoint.ddpg")
mnt="$TMP/tmpfs"
mkdir -p "$mnt"
# room for one checkpoint, best.ddpg (about as large), the logs and a half: the second
# checkpoint (or best.ddpg) write cannot fit
if mount -t tmpfs -o size=$((size * 5 / 2 + 65536)) ddpg-fault-tmpfs "$mnt" 2>/dev/null; then
  CLEANUP+=("umount '$mnt'")
  dir="$mnt/run"
  toy_run "$dir" --hidden 64,64 --checkpoint-every 1000 --steps 100 2>"$TMP/full0.err" ||
    fail "tmpfs: first run: $(cat "$TMP/full0.err")"
  sha=$(sha256sum <"$dir/checkpoint.ddpg")
  "$BIN" train --resume "$dir" --steps 600 --quiet 2>"$TMP/full.err"
  check_stopped tmpfs "$dir" $? "$TMP/full.err" "$sha"
  grep -q "No space left on device" "$TMP/full.err" || fail "tmpfs: error does not name the cause"
  umount "$mnt"
else
  echo "test_fault_diskfull: note: cannot mount a tmpfs here; only the RLIMIT_FSIZE case ran"
fi
finish test_fault_diskfull
