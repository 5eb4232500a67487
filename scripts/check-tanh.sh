#!/usr/bin/env bash
# Compare the training forward's tanh (vm_tanh, src/vmath.c) with the correctly rounded
# (float)tanh((double)x) on every float bit pattern (STEP 1, about two minutes) or every
# STEP-th one, and time it against libm's tanhf. Exit status 1 if any value differs.
# Usage: scripts/check-tanh.sh [STEP]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/libddpg.a ] || { echo "check-tanh: run scripts/build.sh first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cc -O2 -std=c11 -Isrc tools/check_tanh.c build/libddpg.a -lm -o "$tmp/check_tanh"
"$tmp/check_tanh" "${1:-1}"
