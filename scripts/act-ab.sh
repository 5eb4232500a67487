#!/usr/bin/env bash
# Compare the workers' acting kernel (src/infer.c) of this working tree with the one of
# revision REV, in one process: bit equality of the actions and ns per action (other / this),
# on rollouts of a trained actor. docs/performance.md quotes it.
# Usage: scripts/act-ab.sh REV [CHECKPOINT] [ROUNDS]
#   e.g. scripts/act-ab.sh HEAD~1 results/half_cheetah/ourddpg/seed1/checkpoint.ddpg
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?usage: $0 REV [CHECKPOINT] [ROUNDS]}
ckpt=${2:-results/half_cheetah/ourddpg/seed1/checkpoint.ddpg}
rounds=${3:-7}
[ -f build/libddpg.a ] || { echo "act-ab: run scripts/build.sh first" >&2; exit 2; }
git rev-parse --verify -q "$rev^{commit}" >/dev/null || { echo "act-ab: unknown revision '$rev'" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git archive "$rev" src | tar -x -C "$tmp"
names="-Dinfer_init=old_infer_init -Dinfer_load=old_infer_load -Dinfer_run=old_infer_run
       -Dinfer_free=old_infer_free -Dinfer_supports=old_infer_supports"
# shellcheck disable=SC2086
cc -O3 -ffp-contract=off -fno-loop-unroll-and-jam $names -I"$tmp/src" -c "$tmp/src/infer.c" -o "$tmp/old_infer.o"
cc -O2 -Isrc tools/act_ab.c "$tmp/old_infer.o" build/libddpg.a \
  $(pkg-config --libs ompi-c 2>/dev/null || echo -lmpi) -lopenblas -lmujoco -lz -lpthread -lm \
  -o "$tmp/act_ab"
env -u OPENBLAS_CORETYPE "$tmp/act_ab" "$ckpt" "$rounds"
