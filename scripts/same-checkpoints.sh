#!/usr/bin/env bash
# Behaviour-preserving changes prove themselves here: two ddpg binaries train the same short
# runs (every preset, both robots, 2 synchronous workers, 2 learner threads, an interrupted
# and resumed run, a stripped copy) and every checkpoint, eval.csv and progress row must be
# byte-identical between them (progress.csv's timing columns excepted; a checkpoint of format
# 3 up to its provenance, the record of the build that wrote it).
# Usage: scripts/same-checkpoints.sh [--except-preset P] OLD_BIN NEW_BIN [WORKDIR]
#   e.g. git worktree add /tmp/base REV && (cd /tmp/base && scripts/build.sh)
#        scripts/same-checkpoints.sh /tmp/base/build/ddpg build/ddpg
# --except-preset P leaves out the runs of preset P, for a change meant to alter that
# preset only (every other run must still match).
# Exit 0 when everything matches, 1 on the first difference (named), 2 on bad usage.
set -uo pipefail
except=
if [ "${1:-}" = --except-preset ]; then
  case "${2:-}" in cleanrl|ourddpg|td3|paper) except=$2; shift 2 ;;
    *) echo "same-checkpoints: --except-preset needs cleanrl, ourddpg, td3 or paper" >&2
       exit 2 ;;
  esac
fi
[ $# -ge 2 ] || { echo "usage: $0 [--except-preset P] OLD_BIN NEW_BIN [WORKDIR]" >&2; exit 2; }
old=$1 new=$2
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "same-checkpoints: $b is not an executable ddpg" >&2; exit 2; }
done
work=${3:-$(mktemp -d)}
mkdir -p "$work"
export OPENBLAS_NUM_THREADS=1
unset OPENBLAS_CORETYPE
# one learner thread unless a run says otherwise (the default, auto, depends on the cores;
# a later --learner-threads wins)
small=(--steps 2400 --start-steps 600 --batch 32 --buffer-size 4000 --hidden 32,32
       --eval-every 800 --eval-episodes 2 --checkpoint-every 800 --quiet --learner-threads 1)

# run NAME ARGS...: train with both binaries into WORK/{old,new}/NAME
run() {
  local name=$1; shift
  for side in old new; do
    local bin=$old; [ $side = new ] && bin=$new
    rm -rf "$work/$side/$name"
    "$bin" train "$@" --out "$work/$side/$name" >/dev/null 2>"$work/$side.$name.err" ||
      { echo "same-checkpoints: $side binary failed on $name:"; cat "$work/$side.$name.err"; exit 1; }
  done
}

# body FILE: a checkpoint's bytes before its provenance (format 3 records the build and CPU
# that trained it, which is what differs between two builds: src/checkpoint.h); the whole
# file for older formats. The provenance's length is the u32 before the CRC.
body() {
  local f=$1 size version len
  size=$(stat -c %s "$f")
  version=$(od -An -tu4 -j8 -N4 "$f" | tr -d ' ')
  if [ "$version" -ge 3 ]; then
    len=$(od -An -tu4 -j$((size - 8)) -N4 "$f" | tr -d ' ')
    head -c $((size - 8 - len)) "$f"
  else
    cat "$f"
  fi
}

# same_file A B: the two checkpoints agree up to their provenance
same_file() { cmp -s <(body "$1") <(body "$2"); }

# same NAME: compare the two runs' files
same() {
  local name=$1 f
  same_file "$work/old/$name/checkpoint.ddpg" "$work/new/$name/checkpoint.ddpg" ||
    { echo "same-checkpoints: $name/checkpoint.ddpg differs"; exit 1; }
  # the logs without their timing columns (eval.csv's wall seconds, progress.csv's rates)
  for f in eval.csv:1-5 progress.csv:1-7; do
    diff -q <(cut -d, -f"${f#*:}" "$work/old/$name/${f%:*}") \
            <(cut -d, -f"${f#*:}" "$work/new/$name/${f%:*}") >/dev/null ||
      { echo "same-checkpoints: $name/${f%:*} differs"; exit 1; }
  done
  echo "same: $name ($(body "$work/new/$name/checkpoint.ddpg" | sha256sum | cut -c1-16))"
}

for preset in cleanrl ourddpg td3 paper; do
  [ "$preset" = "$except" ] && { echo "left out: reacher_$preset (--except-preset)"; continue; }
  run "reacher_$preset" --env reacher --preset "$preset" --seed 3 "${small[@]}"
  same "reacher_$preset"
done
run half_cheetah_cleanrl --env half_cheetah --seed 5 "${small[@]}"
same half_cheetah_cleanrl
run reacher_2workers --env reacher --seed 4 --workers 2 --sync 1 "${small[@]}"
same reacher_2workers
run reacher_2learners --env reacher --seed 4 --learner-threads 2 "${small[@]}"
same reacher_2learners
if [ "$except" = paper ]; then
  echo "left out: reacher_paper_2learners (--except-preset)"
else
  run reacher_paper_2learners --env reacher --preset paper --seed 4 --learner-threads 2 \
    "${small[@]}"
  same reacher_paper_2learners
fi
run reacher_noreplay --env reacher --seed 6 --save-replay 0 "${small[@]}"
same reacher_noreplay

# interrupted at 1600 steps and resumed to 2400
for side in old new; do
  bin=$old; [ $side = new ] && bin=$new
  d="$work/$side/reacher_resumed"
  rm -rf "$d"
  args=("${small[@]}"); args[1]=1600
  "$bin" train --env reacher --seed 7 "${args[@]}" --out "$d" >/dev/null 2>&1 &&
    "$bin" train --resume "$d" --steps 2400 --quiet >/dev/null 2>&1 ||
    { echo "same-checkpoints: $side binary failed on the resumed run"; exit 1; }
done
same reacher_resumed

# a stripped copy
for side in old new; do
  bin=$old; [ $side = new ] && bin=$new
  "$bin" strip --checkpoint "$work/$side/reacher_td3/checkpoint.ddpg" \
    --out "$work/$side/stripped.ddpg" >/dev/null 2>&1 ||
    { echo "same-checkpoints: $side binary failed to strip"; exit 1; }
done
same_file "$work/old/stripped.ddpg" "$work/new/stripped.ddpg" ||
  { echo "same-checkpoints: stripped copies differ"; exit 1; }
echo "same: stripped copy"
echo "same-checkpoints: every file identical${except:+, preset $except left out} ($work)"
