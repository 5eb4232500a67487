#!/usr/bin/env bash
# regenerate: the committed controllers. Exports the float and int8 headers of each robot
# from the committed checkpoint of its best results run (results/README.md):
#   reacher_actor.h, reacher_actor_int8.h           <- REACHER_SRC below
#   half_cheetah_actor.h, half_cheetah_actor_int8.h <- HALF_CHEETAH_SRC below
# tests/test_export.c checks that the committed headers are what this writes, and that the
# example controllers built from them score what `ddpg eval` scores on the same checkpoints
# (it names the same two checkpoints: change both together).
# usage: controllers/regenerate.sh [path/to/ddpg] [--out DIR]   (--out: write there instead)
set -euo pipefail
REACHER_SRC=../results/reacher/ourddpg/seed2/checkpoint.ddpg
HALF_CHEETAH_SRC=../results/half_cheetah/ourddpg/seed1/checkpoint.ddpg
BIN=$(cd "$(dirname "${1:-build/ddpg}")" && pwd)/$(basename "${1:-build/ddpg}")
DIR=$(cd "$(dirname "$0")" && pwd)
OUT=$DIR
if [ "${2:-}" = "--out" ]; then
  [ -d "${3:-}" ] || { echo "regenerate.sh: --out needs an existing directory" >&2; exit 2; }
  OUT=$(cd "$3" && pwd)
fi
cd "$DIR" # the headers name their checkpoint relative to controllers/
for spec in "reacher $REACHER_SRC" "half_cheetah $HALF_CHEETAH_SRC"; do
  read -r id ckpt <<<"$spec"
  "$BIN" export --checkpoint "$ckpt" --out "$OUT/${id}_actor.h" --name "$id"
  "$BIN" export --checkpoint "$ckpt" --out "$OUT/${id}_actor_int8.h" --name "${id}_int8" --int8
done
