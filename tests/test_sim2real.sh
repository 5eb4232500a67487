#!/usr/bin/env bash
# test_sim2real: domain randomization and robustness reports end to end (docs/sim2real.md).
#  - bad randomization (an empty range, a negative scale, a delay not shorter than the
#    episode, a name the model lacks, a malformed --randomize) in a task file or a flag:
#    one line on stderr, exit 2;
#  - a randomized synchronous run is byte-identical from the same seed, and an interrupted
#    and resumed one matches the uninterrupted one (the episode's parameters, noise stream
#    and action history travel in the checkpoint);
#  - `ddpg robustness`: the CSV's shape, its nominal rows equal to `ddpg eval` of the same
#    checkpoint and seed, a perturbed row differing, and the PNG (or "plot skipped").
set -u
BIN="$1"
export OPENBLAS_NUM_THREADS=1
TMP=$(mktemp -d /tmp/ddpg_sim2real_XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail=0
MODELS="$(cd "$(dirname "$BIN")/models" && pwd)"

expect_refused() { # TEXT ARGS...: exit 2, one stderr line containing TEXT, nothing on stdout
  local text="$1"
  shift
  "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  if [ "$rc" -ne 2 ] || [ "$(wc -l <"$TMP/err")" -ne 1 ] || [ -s "$TMP/out" ] ||
    ! grep -qF -- "$text" "$TMP/err"; then
    echo "FAIL: ddpg $* -> exit $rc: $(head -c 300 "$TMP/err")"
    fail=1
  fi
}

# a half-cheetah task file with a randomize section (lines after "randomize:")
task_with() {
  local f="$TMP/task$RANDOM.yaml"
  sed "s|^model: half_cheetah.xml|model: $MODELS/half_cheetah.xml|" "$MODELS/half_cheetah.yaml" >"$f"
  printf 'randomize:\n%s\n' "$1" >>"$f"
  echo "$f"
}

# --- bad input in a task file ---------------------------------------------------------
expect_refused "no body named 'nosuchbody'" task "$(task_with '  mass: {range: [0.8, 1.2], bodies: [torso, nosuchbody]}')"
expect_refused "no joint named 'nojoint'" task "$(task_with '  damping: {range: [0.8, 1.2], joints: [nojoint]}')"
expect_refused "is empty" task "$(task_with '  friction: [1.5, 0.5]')"
expect_refused "negative" task "$(task_with '  damping: [-0.5, 1.2]')"
expect_refused "must be positive" task "$(task_with '  mass: [0, 1.2]')"
expect_refused "not shorter than the episode" task "$(task_with '  delay: 1000')"
expect_refused "not shorter than the episode" task "$(task_with '  delay: 990
  jitter: 10')"
expect_refused "must not be negative" task "$(task_with '  delay: -1')"
expect_refused "3 sigmas for 2 observation terms" task "$(task_with '  obs_noise: [0.1, 0.2, 0.3]')"
expect_refused "unknown key 'masss'" task "$(task_with '  masss: [0.8, 1.2]')"
expect_refused "unknown key 'links'" task "$(task_with '  mass: {range: [0.8, 1.2], links: [torso]}')"
# a good one is accepted and described
good=$(task_with '  mass: {range: [0.8, 1.2], bodies: [torso]}
  friction: [0.5, 1.5]
  obs_noise: [0.01, 0.02]
  delay: 1
  jitter: 1
  action_noise: 0.05')
"$BIN" task "$good" >"$TMP/task.out" 2>&1 || { echo "FAIL: good randomize section refused: $(cat "$TMP/task.out")"; fail=1; }
grep -q "mass .*scale \[0.8, 1.2\] over 1 bodies" "$TMP/task.out" ||
  { echo "FAIL: ddpg task does not describe the randomization: $(cat "$TMP/task.out")"; fail=1; }

# --- bad --randomize flags --------------------------------------------------------------
small=(--steps 2400 --start-steps 600 --batch 32 --buffer-size 4000 --hidden 32,32
       --eval-every 800 --eval-episodes 2 --checkpoint-every 800 --quiet)
n=0
flag_refused() { # TEXT VALUE
  n=$((n + 1))
  expect_refused "$1" train --env reacher --steps 5 --quiet --randomize "$2" --out "$TMP/f$n"
}
flag_refused "is empty" "mass=1.2:0.8"
flag_refused "negative" "friction=-0.5:1"
flag_refused "must be positive" "gain=0:1"
flag_refused "not shorter than the episode" "delay=50"
flag_refused "not shorter than the episode" "delay=40,jitter=10"
flag_refused "must not be negative" "jitter=-1"
flag_refused "unknown key 'foo'" "foo=1"
flag_refused "not KEY=VALUE" "mass"
flag_refused "not LO:HI" "mass=abc"
flag_refused "not a sigma" "obs_noise=-1"
expect_refused "the toy task" train --env toy --steps 5 --quiet --randomize "mass=0.9:1.1" --out "$TMP/toy"

# --- determinism and resume -------------------------------------------------------------
R="mass=0.7:1.3,friction=0.5:1.5,damping=0.8:1.2,armature=0.8:1.2,gain=0.8:1.2,com=-0.01:0.01,obs_noise=0.01,delay=1,jitter=1,action_noise=0.05"
for d in a b; do
  "$BIN" train --env reacher --seed 3 --workers 2 --sync 1 "${small[@]}" --randomize "$R" \
    --out "$TMP/$d" >/dev/null 2>&1 || { echo "FAIL: randomized run $d"; fail=1; }
done
cmp -s "$TMP/a/checkpoint.ddpg" "$TMP/b/checkpoint.ddpg" ||
  { echo "FAIL: two randomized runs from one seed differ"; fail=1; }
"$BIN" train --env reacher --seed 3 --workers 2 --sync 1 "${small[@]}" --out "$TMP/plain" \
  >/dev/null 2>&1 || { echo "FAIL: plain run"; fail=1; }
cmp -s "$TMP/a/checkpoint.ddpg" "$TMP/plain/checkpoint.ddpg" &&
  { echo "FAIL: --randomize changed nothing"; fail=1; }
grep -q "^randomize = $R" "$TMP/a/config.txt" ||
  { echo "FAIL: config.txt lacks the randomize setting"; fail=1; }
grep -q "^randomize" "$TMP/plain/config.txt" &&
  { echo "FAIL: a run without --randomize records one"; fail=1; }
args=("${small[@]}"); args[1]=1600
"$BIN" train --env reacher --seed 3 --workers 2 --sync 1 "${args[@]}" --randomize "$R" \
  --out "$TMP/r" >/dev/null 2>&1 &&
  "$BIN" train --resume "$TMP/r" --steps 2400 --quiet >/dev/null 2>&1 ||
  { echo "FAIL: interrupted randomized run"; fail=1; }
cmp -s "$TMP/a/checkpoint.ddpg" "$TMP/r/checkpoint.ddpg" ||
  { echo "FAIL: a resumed randomized run differs from the uninterrupted one"; fail=1; }

# asynchronous workers randomize their own private models at once
"$BIN" train --env reacher --seed 3 --workers 2 "${small[@]}" --randomize "$R" \
  --out "$TMP/async" >/dev/null 2>&1 && [ -s "$TMP/async/checkpoint.ddpg" ] ||
  { echo "FAIL: asynchronous randomized run"; fail=1; }

# --- robustness ------------------------------------------------------------------------
ck="$TMP/plain/checkpoint.ddpg"
expect_refused "--checkpoint" robustness
expect_refused "cannot" robustness --checkpoint "$TMP/missing.ddpg"
"$BIN" robustness --checkpoint "$ck" --episodes 2 --out "$TMP/rob" >"$TMP/rob.out" 2>&1 ||
  { echo "FAIL: robustness: $(cat "$TMP/rob.out")"; fail=1; }
csv="$TMP/rob/robustness.csv"
[ "$(head -1 "$csv")" = "parameter,value,nominal,mean,std,min,max,mean_length,unstable_episodes" ] ||
  { echo "FAIL: robustness.csv header: $(head -1 "$csv")"; fail=1; }
[ "$(wc -l <"$csv")" -eq 26 ] || { echo "FAIL: robustness.csv has $(wc -l <"$csv") lines, not 26"; fail=1; }
awk -F, 'NR > 1 && NF != 9 { bad = 1 } END { exit bad }' "$csv" ||
  { echo "FAIL: a robustness.csv row without 9 fields"; fail=1; }
for p in mass:7 friction:5 gain:5 delay:3 obs_noise:5; do
  [ "$(grep -c "^${p%:*}," "$csv")" -eq "${p#*:}" ] || { echo "FAIL: ${p%:*} rows"; fail=1; }
done
eval_mean=$("$BIN" eval --checkpoint "$ck" --episodes 2 --json |
            sed -n 's/.*"mean_return": \([-0-9.e+]*\).*/\1/p')
nominal=$(awk -F, -v e="$eval_mean" 'NR > 1 && $3 == 1 { n++; if ($4 != sprintf("%.6f", e)) bad++ }
          END { print n + 0, bad + 0 }' "$csv")
[ "$nominal" = "5 0" ] ||
  { echo "FAIL: nominal rows (count, mismatches) $nominal against eval mean $eval_mean"; fail=1; }
awk -F, -v e="$eval_mean" '$1 == "mass" && $2 == 0.7 && $4 == sprintf("%.6f", e) { exit 1 }' "$csv" ||
  { echo "FAIL: the mass x0.7 row equals the nominal return"; fail=1; }
if command -v gnuplot >/dev/null; then
  [ -s "$TMP/rob/robustness.png" ] && head -c 8 "$TMP/rob/robustness.png" | grep -q PNG ||
    { echo "FAIL: no robustness.png although gnuplot is installed"; fail=1; }
else
  grep -q "plot skipped" "$TMP/rob.out" || { echo "FAIL: no 'plot skipped' without gnuplot"; fail=1; }
fi
PATH=/nonexistent "$BIN" robustness --checkpoint "$ck" --episodes 1 --out "$TMP/rob2" \
  >"$TMP/rob2.out" 2>&1 || { echo "FAIL: robustness without gnuplot: $(cat "$TMP/rob2.out")"; fail=1; }
grep -q "plot skipped" "$TMP/rob2.out" && [ -s "$TMP/rob2/robustness.csv" ] ||
  { echo "FAIL: without gnuplot: no CSV or no 'plot skipped'"; fail=1; }

[ $fail -eq 0 ] && echo "test_sim2real: all passed"
exit $fail
