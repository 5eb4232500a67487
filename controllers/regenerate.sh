#!/usr/bin/env bash
# regenerate: the committed example policy. Exports controllers/reacher_actor.h (float) and
# controllers/reacher_actor_int8.h (int8) from controllers/reacher.ddpg; with --retrain it
# first trains that checkpoint again (needed when the checkpoint format changes): a short
# deterministic reacher run, 64-64 actor, ~15 s on one core.
# usage: controllers/regenerate.sh [path/to/ddpg] [--retrain]
set -euo pipefail
BIN=$(cd "$(dirname "${1:-build/ddpg}")" && pwd)/$(basename "${1:-build/ddpg}")
DIR=$(cd "$(dirname "$0")" && pwd)
if [ "${2:-}" = "--retrain" ]; then
  TMP=$(mktemp -d)
  trap 'rm -rf "$TMP"' EXIT
  "$BIN" train --env reacher --steps 15000 --hidden 64,64 --buffer-size 20000 --seed 0 \
    --out "$TMP/run" --quiet
  cp "$TMP/run/checkpoint.ddpg" "$DIR/reacher.ddpg"
fi
cd "$DIR" # the headers name the checkpoint by its file name only
"$BIN" export --checkpoint reacher.ddpg --out reacher_actor.h --name reacher
"$BIN" export --checkpoint reacher.ddpg --out reacher_actor_int8.h --name reacher_int8 --int8
