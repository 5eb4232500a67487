#!/usr/bin/env bash
# test_cli: the command line's contract: --help lists the subcommands; an unknown command,
# an unknown flag or a bad flag value prints exactly one line on stderr and exits 2.
set -u
BIN="$1"
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect_usage_error() { # args...: exit 2, exactly one stderr line, nothing on stdout
  "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  local lines
  lines=$(wc -l <"$tmp/err")
  if [ "$rc" -ne 2 ] || [ "$lines" -ne 1 ] || [ -s "$tmp/out" ]; then
    echo "FAIL: ddpg $* -> exit $rc, $lines stderr lines: $(cat "$tmp/err")"
    fail=1
  fi
}

"$BIN" --help >"$tmp/help" || { echo "FAIL: --help exit $?"; fail=1; }
for c in train eval act worked-example export strip info; do
  grep -q "^  $c " "$tmp/help" || { echo "FAIL: --help does not list $c"; fail=1; }
done
"$BIN" train --help | grep -q -- "--updates-per-step" || { echo "FAIL: train --help"; fail=1; }
"$BIN" train --help | grep -q "default 256" || { echo "FAIL: train --help lacks defaults"; fail=1; }

expect_usage_error frobnicate
expect_usage_error worked-example --bogus
expect_usage_error train --bogus 1 --out "$tmp/x"
expect_usage_error train --steps abc --out "$tmp/x"
expect_usage_error train --steps 0 --out "$tmp/x"
expect_usage_error train --steps -5 --out "$tmp/x"
expect_usage_error train --steps 99999999999999999999 --out "$tmp/x"
expect_usage_error train --workers 0 --out "$tmp/x"
expect_usage_error train --batch 512 --buffer-size 100 --out "$tmp/x"
expect_usage_error train --gamma 1.5 --out "$tmp/x"
expect_usage_error train --hidden 256,x --out "$tmp/x"
expect_usage_error train --env walker --out "$tmp/x"
expect_usage_error train --preset fancy --out "$tmp/x"
expect_usage_error train --env reacher --steps 10
expect_usage_error train --resume "$tmp/nothing-here"
expect_usage_error act
expect_usage_error act --checkpoint "$tmp/missing.ddpg"
: >"$tmp/notdir"
expect_usage_error train --env toy --steps 10 --out "$tmp/notdir"
expect_usage_error strip
expect_usage_error strip --checkpoint "$tmp/missing.ddpg" --out "$tmp/copy.ddpg"
expect_usage_error strip --checkpoint "$tmp/notdir" --out "$tmp/copy.ddpg"
expect_usage_error strip --checkpoint "$tmp/a.ddpg" --out "$tmp/a.ddpg"
[ ! -e "$tmp/copy.ddpg" ] || { echo "FAIL: a refused strip wrote its output"; fail=1; }

"$BIN" worked-example >"$tmp/we" || { echo "FAIL: worked-example exit $?"; fail=1; }
grep -q "^theta_target = -0.500492" "$tmp/we" || { echo "FAIL: worked-example output"; fail=1; }

# --version: the release and the build's git description (or "unknown")
"$BIN" --version >"$tmp/version" || { echo "FAIL: --version exit $?"; fail=1; }
grep -qE '^ddpg [0-9]+\.[0-9]+\.[0-9]+ \(.+\)$' "$tmp/version" ||
  { echo "FAIL: --version prints '$(cat "$tmp/version")'"; fail=1; }

# --help shows the defaults of the preset given with it, and no empty default
"$BIN" train --preset paper --help >"$tmp/paper" || { echo "FAIL: train --preset paper --help"; fail=1; }
grep -q -- '--hidden S .*(default 400,300)$' "$tmp/paper" || { echo "FAIL: paper's hidden default"; fail=1; }
grep -q -- '--batch N .*(default 64)$' "$tmp/paper" || { echo "FAIL: paper's batch default"; fail=1; }
"$BIN" train --help | grep -q -- '--hidden S .*(default 256,256)$' || { echo "FAIL: cleanrl's hidden default"; fail=1; }
"$BIN" train --help | grep -q '(default )' && { echo "FAIL: train --help shows an empty default"; fail=1; }
expect_usage_error train --preset fancy --help

# on/off flags, one spelling for all: --NAME / --NAME 1 on, --no-NAME / --NAME 0 off; the
# stored configuration (ddpg info) says what each spelling set
onoff_run() { # dir, flags...: a 5-step toy run; prints its twin, batch_norm, save_replay
  local dir=$1; shift
  "$BIN" train --env toy --steps 5 --hidden 4 --start-steps 2 --batch 2 --out "$dir" "$@" \
    >/dev/null 2>&1 || { echo "FAIL: train $*"; fail=1; return; }
  "$BIN" info --checkpoint "$dir/checkpoint.ddpg" |
    sed -n 's/^\(twin\|batch_norm\|save_replay\) = //p' | tr '\n' ' '
}
got=$(onoff_run "$tmp/on1" --twin --batch-norm 1 --no-save-replay --quiet)
[ "$got" = "1 1 0 " ] || { echo "FAIL: --twin --batch-norm 1 --no-save-replay -> '$got'"; fail=1; }
got=$(onoff_run "$tmp/on2" --twin 0 --no-batch-norm --save-replay --quiet 1)
[ "$got" = "0 0 1 " ] || { echo "FAIL: --twin 0 --no-batch-norm --save-replay -> '$got'"; fail=1; }
got=$(onoff_run "$tmp/on3" --preset td3 --no-twin --quiet=1)
[ "$got" = "0 0 1 " ] || { echo "FAIL: --preset td3 --no-twin -> '$got'"; fail=1; }
"$BIN" eval --env toy --episodes 1 --json 1 | grep -q '^{' || { echo "FAIL: eval --json 1"; fail=1; }
"$BIN" eval --env toy --episodes 1 --no-json | grep -q '^eval toy' || { echo "FAIL: eval --no-json"; fail=1; }
expect_usage_error eval --env toy --json 2
expect_usage_error eval --env toy --no-json=1
expect_usage_error eval --env toy --no-episodes

# the models: DDPG_MODEL_PATH, a ':'-separated list, overrides the lookup beside the binary
# (src/paths.h); a list without them fails naming the first place looked
models=$(cd "$(dirname "$0")/../models" && pwd)
DDPG_MODEL_PATH="$tmp/none:$models" "$BIN" eval --env reacher --episodes 1 >/dev/null ||
  { echo "FAIL: DDPG_MODEL_PATH=$tmp/none:$models"; fail=1; }
expect_usage_error_env() { # like expect_usage_error, under DDPG_MODEL_PATH=$tmp/none
  DDPG_MODEL_PATH="$tmp/none" expect_usage_error "$@"
}
expect_usage_error_env eval --env reacher --episodes 1
grep -q "$tmp/none/reacher.xml" "$tmp/err" || { echo "FAIL: model message: $(cat "$tmp/err")"; fail=1; }
"$BIN" eval --env reacher --episodes 1 >/dev/null || { echo "FAIL: models beside the binary"; fail=1; }

# ddpg info: refuses what is not a checkpoint
expect_usage_error info
expect_usage_error info --checkpoint "$tmp/missing.ddpg"
expect_usage_error info --checkpoint "$tmp/notdir"

if [ $fail -eq 0 ]; then echo "test_cli: all passed"; fi
exit $fail
