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
for c in train eval act worked-example export strip; do
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

if [ $fail -eq 0 ]; then echo "test_cli: all passed"; fi
exit $fail
