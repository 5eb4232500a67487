#!/usr/bin/env bash
# test_flags: every numeric flag of every subcommand refuses invalid values with exactly one
# line on stderr naming the flag, nothing on stdout and exit status 2.
#
# Table-driven: the subcommands come from `ddpg --help` and their numeric flags (N: whole
# number, X: number) from `ddpg CMD --help`, so a flag added later is covered without
# editing this file. Each flag gets the values invalid for its type (non-numeric, empty,
# non-finite, absurdly large, fractional or hexadecimal for N), plus the values RANGES lists
# for it (zero, negative, one past a bound) where they are invalid. Cross-field rules (batch
# larger than buffer, ...) are listed in CROSS. A flag missing from RANGES is reported (its
# type's values still run), so the table's gaps show.
set -u
BIN="$1"
export OPENBLAS_NUM_THREADS=1
TMP=$(mktemp -d /tmp/ddpg_flags_XXXXXX)
trap 'rm -rf "$TMP"' EXIT
fail=0
cases=0

# values no numeric flag of a given type accepts
BAD_N=(abc "" 1.5 1e3 0x10 99999999999999999999 -99999999999999999999 nan inf " " 12abc)
BAD_X=(abc "" 1e999 -1e999 nan inf -inf 1e308 0x "1,5" 12abc)

# "CMD FLAG VALUES...": further invalid values (ranges) of each numeric flag
RANGES=(
  "train steps 0 -1 20000000000"
  "train seed -1 4294967296"
  "train workers 0 -1 65"
  "train sync -1 2"
  "train start-steps -2"
  "train updates-per-step 0 -1 65"
  "train batch 0 -1 65537"
  "train buffer-size 0 -1 1000000001"
  "train gamma -0.1 1.5"
  "train tau -0.1 2"
  "train actor-lr -1 11"
  "train critic-lr -1 11"
  "train critic-l2 -1 11"
  "train noise-sigma -1 11"
  "train noise-sigma-final -2 11"
  "train noise-decay-steps -1"
  "train ou-theta -1 11"
  "train twin -1 2"
  "train target-noise -1 11"
  "train target-noise-clip -1 11"
  "train policy-delay 0 -1 1001"
  "train batch-norm -1 2"
  "train bn-momentum 0 -1 2"
  "train critic-action-layer 0 7"
  "train eval-every 0 -1"
  "train eval-episodes 0 -1 100001"
  "train checkpoint-every 0 -1"
  "train save-replay -1 2"
  "train log-seconds 0 -1"
  "train mpi-check-every -1"
  "train blas-threads -1 257"
  "eval episodes 0 -1 1000001"
  "eval seed -1"
  "bench seconds 0 -1 3601"
  "bench repeats 0 -1 65"
  "view seed -1"
  "view episodes -1"
  "view frames -1"
  "view width -1 1 15"
  "view height -1 1 15"
  "view fps -1 0.05 1001"
  "train quiet -1 2"
  "train mpi-checksum -1 2"
  "eval json -1 2"
  "bench json -1 2"
  "export int8 -1 2"
)

# "CMD|ARGS|TEXT": cross-field and count rules; the one stderr line must contain TEXT
CROSS=(
  "train|--batch 512 --buffer-size 100|larger than --buffer-size"
  "train|--workers 0|--workers"
  "train|--learner-threads 2 --blas-threads 2|--learner-threads"
  "train|--learner-threads 0|--learner-threads"
  "train|--learner-threads 65|--learner-threads"
  "train|--learner-threads two|--learner-threads"
  "train|--learner-threads=|--learner-threads"
  "train|--noise-sigma-final 0.05|--noise-decay-steps"
  "train|--steps=0|--steps"
  "train|--batch=-3|--batch"
  "eval|--episodes=0|--episodes"
)

# arguments that make a subcommand valid and quick, so that an accepted value shows as
# exit 0 rather than as some other error; @OUT@ becomes a fresh directory per case
base_args() {
  case "$1" in
    train) echo "--env toy --steps 5 --hidden 4 --start-steps 2 --batch 2 --quiet --out @OUT@" ;;
    eval) echo "--env toy --episodes 1" ;;
    bench) echo "--env toy --seconds 0.05 --repeats 1" ;;
    view) echo "--env reacher --frames 1 --width 32 --height 32 --record @OUT@/frames" ;;
    *) echo "" ;;
  esac
}

# expect_refused TEXT CMD ARGS...: exit 2, one stderr line containing TEXT, empty stdout
expect_refused() {
  local text="$1"
  shift
  cases=$((cases + 1))
  timeout -k 5 60 "$BIN" "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$TMP/err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$TMP/out" ] ||
    ! grep -qF -- "$text" "$TMP/err"; then
    echo "FAIL: ddpg $(printf "'%s' " "$@")-> exit $rc, $lines stderr lines: $(head -c 300 "$TMP/err")"
    fail=1
  fi
}

# run_flag CMD FLAG VALUE: the base arguments, then the flag with the value (the last one
# given wins, so the value under test is the one parsed)
n_out=0
run_flag() {
  local cmd="$1" flag="$2" value="$3"
  n_out=$((n_out + 1))
  local base
  base=$(base_args "$cmd")
  base=${base//@OUT@/$TMP/out$n_out}
  # shellcheck disable=SC2086 # base is a list of words without spaces
  expect_refused "--$flag" "$cmd" $base "--$flag" "$value"
}

commands=$("$BIN" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z-]*\) .*/\1/p')
[ -n "$commands" ] || { echo "FAIL: no commands in ddpg --help"; exit 1; }
for cmd in $commands; do
  # numeric flags: "  --name N ...", "  --name X ..." and on/off "  --name [0|1] ..." (N)
  flags=$("$BIN" "$cmd" --help | sed -n -e 's/^  --\([a-z0-9-]*\) \([NX]\) .*/\1 \2/p' \
          -e 's/^  --\([a-z0-9-]*\) \[0|1\] .*/\1 N/p')
  while read -r flag type; do
    [ -n "$flag" ] || continue
    if [ "$type" = N ]; then bad=("${BAD_N[@]}"); else bad=("${BAD_X[@]}"); fi
    found=0
    for row in "${RANGES[@]}"; do
      read -r -a f <<<"$row"
      if [ "${f[0]}" = "$cmd" ] && [ "${f[1]}" = "$flag" ]; then
        bad+=("${f[@]:2}")
        found=1
      fi
    done
    [ $found -eq 1 ] || echo "test_flags: note: ddpg $cmd --$flag has no RANGES row (type checks only)"
    for v in "${bad[@]}"; do run_flag "$cmd" "$flag" "$v"; done
  done <<<"$flags"
  # every subcommand: an unknown flag and a stray argument
  expect_refused "--no-such-flag" "$cmd" --no-such-flag 1
  expect_refused "stray" "$cmd" stray
done

for row in "${CROSS[@]}"; do
  IFS='|' read -r cmd args text <<<"$row"
  n_out=$((n_out + 1))
  base=$(base_args "$cmd")
  base=${base//@OUT@/$TMP/out$n_out}
  # shellcheck disable=SC2086
  expect_refused "$text" "$cmd" $base $args
done

if [ $fail -eq 0 ]; then echo "test_flags: all $cases cases passed"; fi
exit $fail
