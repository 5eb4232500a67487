#!/usr/bin/env bash
# The records a run leaves for a researcher (issue #21): DIR/config.txt (the resolved
# configuration), DIR/commands.txt (one line per session), DIR/best.ddpg (the policy of the
# best evaluation, as SB3's EvalCallback keeps it), TensorBoard event files with CleanRL's
# tags, and the progress line's recent return and critic loss. Also: none of it changes what
# training computes (checkpoint bytes equal with and without a resume in between).
# Usage: test_run_records.sh path/to/ddpg
set -uo pipefail
BIN=${1:?usage: test_run_records.sh path/to/ddpg}
HERE=$(cd "$(dirname "$0")/.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
small=(--env reacher --seed 2 --start-steps 300 --batch 32 --buffer-size 4000 --hidden 32,32
       --eval-every 400 --eval-episodes 3 --checkpoint-every 400)

"$BIN" train "${small[@]}" --steps 1200 --out "$TMP/run" 2>"$TMP/log" || fail "train: $(cat "$TMP/log")"
D=$TMP/run
# the resolved configuration, every setting of the table
grep -qx "env = reacher" "$D/config.txt" || fail "config.txt lacks env = reacher"
grep -qx "batch = 32" "$D/config.txt" || fail "config.txt lacks batch = 32"
grep -qx "policy_delay = 2" "$D/config.txt" || fail "config.txt lacks the preset's policy_delay"
[ "$(grep -c ' = ' "$D/config.txt")" -ge 30 ] || fail "config.txt has too few settings"
# one line per session, with the command line
[ "$(wc -l <"$D/commands.txt")" -eq 1 ] || fail "commands.txt: $(cat "$D/commands.txt")"
grep -q "step 0: ddpg train --env reacher --seed 2 .* --out $D" "$D/commands.txt" ||
  fail "commands.txt: $(cat "$D/commands.txt")"
# the progress line shows the recent training return and the critic loss
grep -q "return(last 10) -[0-9.]*  critic loss [0-9.e-]*" "$TMP/log" ||
  fail "progress line: $(grep '\[train\] step' "$TMP/log" | tail -1)"

# best.ddpg holds the policy of the best evaluation: evaluated with the run's own protocol it
# scores the best eval.csv row exactly
best=$(awk -F, 'NR == 2 || (NR > 2 && $2 > b) {b = $2} END {printf "%.4f", b}' "$D/eval.csv")
got=$("$BIN" eval --checkpoint "$D/best.ddpg" --episodes 3 --json |
      sed 's/.*"mean_return": \([-0-9.e]*\).*/\1/' | awk '{printf "%.4f", $1}')
[ "$best" = "$got" ] || fail "best.ddpg scores $got, the best evaluation was $best"

# resumed to 2000 steps: a second command line, the same checkpoint as one session
"$BIN" train --resume "$D" --steps 2000 2>"$TMP/log2" || fail "resume: $(cat "$TMP/log2")"
[ "$(wc -l <"$D/commands.txt")" -eq 2 ] || fail "commands.txt after resume: $(cat "$D/commands.txt")"
grep -q "step 1200: ddpg train --resume $D --steps 2000" "$D/commands.txt" ||
  fail "commands.txt after resume: $(cat "$D/commands.txt")"
"$BIN" train "${small[@]}" --steps 2000 --out "$TMP/one" 2>/dev/null || fail "one-session run"
cmp -s "$D/checkpoint.ddpg" "$TMP/one/checkpoint.ddpg" ||
  fail "the records changed what training computes (checkpoints differ)"
best=$(awk -F, 'NR == 2 || (NR > 2 && $2 > b) {b = $2} END {printf "%.4f", b}' "$D/eval.csv")
got=$("$BIN" eval --checkpoint "$D/best.ddpg" --episodes 3 --json |
      sed 's/.*"mean_return": \([-0-9.e]*\).*/\1/' | awk '{printf "%.4f", $1}')
[ "$best" = "$got" ] || fail "after resume best.ddpg scores $got, the best evaluation was $best"

# TensorBoard: one event file per session, CleanRL's tags (decoded by the reference reader
# when Debian's python3-protobuf and python3-crc32c are there)
[ "$(ls "$D"/events.out.tfevents.* | wc -l)" -eq 2 ] || fail "expected 2 event files: $(ls "$D")"
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import google.protobuf, crc32c' 2>/dev/null; then
  for f in "$D"/events.out.tfevents.*; do
    "$PY" "$HERE/scripts/tb-dump.py" "$f" >>"$TMP/tb" || fail "tb-dump rejects $f"
  done
  for tag in charts/episodic_return charts/episodic_length charts/SPS losses/qf1_loss \
             losses/actor_loss losses/qf1_values eval/return; do
    grep -q " $tag " "$TMP/tb" || fail "no $tag in the event files"
  done
  # the eval/return scalars are eval.csv's means
  n_eval=$(grep -c " eval/return " "$TMP/tb")
  [ "$n_eval" -eq "$(($(wc -l <"$D/eval.csv") - 1))" ] ||
    fail "$n_eval eval/return scalars for $(($(wc -l <"$D/eval.csv") - 1)) evaluations"
else
  echo "note: python3-protobuf / python3-crc32c missing: event files checked by name only"
fi
echo "test_run_records: ok"
