#!/usr/bin/env bash
# test_tblog_reference: the TensorBoard event file src/tblog.c writes, read by an independent
# reader: Google's protobuf runtime and the crc32c package (scripts/tb-dump.py), which check
# every record's CRCs, parse each Event with the field numbers of TensorBoard's event.proto,
# and find the writer's bytes equal to the runtime's own serialization. The sample
# (`test_tblog --write-sample`) is compared value for value with what was written.
# Skips (exit 77) without the Debian packages python3-protobuf and python3-crc32c
# (scripts/install-deps.sh installs them).
# usage: bash test_tblog_reference.sh /path/to/ddpg   (test_tblog is built beside it)
set -u
BIN=${1:?usage: test_tblog_reference.sh /path/to/ddpg}
WRITER="$(dirname "$BIN")/test_tblog"
DUMP="$(dirname "$0")/../scripts/tb-dump.py"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$WRITER" ] || { echo "FAIL: $WRITER is not an executable"; exit 1; }

# Debian's interpreter: the modules come from Debian packages, not from another python on PATH
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
if [ -z "$PY" ] || ! "$PY" -c 'import google.protobuf, crc32c' 2>/dev/null; then
  echo "SKIP: test_tblog_reference: python3 with google.protobuf and crc32c not found" \
       "(install python3-protobuf python3-crc32c; scripts/install-deps.sh does)"
  exit 77
fi

fails=0
fail() {
  echo "FAIL: $*"
  fails=$((fails + 1))
}

"$WRITER" --write-sample "$TMP" || { echo "FAIL: test_tblog --write-sample failed"; exit 1; }
files=("$TMP"/events.out.tfevents.*)
[ ${#files[@]} -eq 1 ] && [ -f "${files[0]}" ] || { echo "FAIL: not one event file: ${files[*]}"; exit 1; }
file=${files[0]}

out=$("$PY" "$DUMP" "$file" 2>&1) || fail "tb-dump refused the file: $out"
# the first record carries the time the file was opened: check its form and range
read -r kind wall version <<<"$(head -n 1 <<<"$out")"
[ "$kind $version" = "file_version brain.Event:2" ] || fail "first record: $(head -n 1 <<<"$out")"
"$PY" -c "import sys, time; w = float(sys.argv[1]); sys.exit(not time.time() - 600 < w <= time.time())" \
  "$wall" || fail "file_version wall_time $wall is not now"
expected='scalar 1000 1700000000.5 charts/episodic_return -12.375
scalar 1000 1700000000.5 charts/episodic_length 1000.0
scalar 2000 1700000001.25 charts/SPS 3.1415927410125732
scalar 0 0.0 losses/qf1_loss 0.0
scalar 1099511627776 1700000002.0 losses/actor_loss -1.0000000031710769e-30
scalar -1 1700000003.75 losses/qf1_values 3.4028234663852886e+38
session_start 5000 1700000004.0
scalar 5000 1700000005.125 eval/return 4321.5'
[ "$(tail -n +2 <<<"$out")" = "$expected" ] ||
  fail "records differ from what was written:$(diff <(echo "$expected") <(tail -n +2 <<<"$out"))"

# the name: events.out.tfevents.<10 digits>.<hostname>.<pid>.<n>, as TensorBoard's writer
[[ "$(basename "$file")" =~ ^events\.out\.tfevents\.[0-9]{10}\.$(hostname)\.[0-9]+\.0$ ]] ||
  fail "file name $(basename "$file")"

# the reference reader also refuses a corrupted byte
cp "$file" "$TMP/bad"
printf '\x00' | dd of="$TMP/bad" bs=1 seek=60 conv=notrunc 2>/dev/null
err=$("$PY" "$DUMP" "$TMP/bad" 2>&1) && fail "tb-dump accepted a corrupted file"
grep -q "CRC mismatch" <<<"$err" || fail "corruption not named: $err"

if [ "$fails" -eq 0 ]; then
  echo "test_tblog_reference: all checks passed"
  exit 0
fi
exit 1
