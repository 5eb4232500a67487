#!/usr/bin/env bash
# test_mpi: data-parallel training over MPI ranks (docs/distributed.md), from the outside:
#  - a 2-rank reacher run, stopped by SIGTERM to one rank, checkpoints on both ranks at one
#    step, resumes with 2 ranks, ends with bit-identical parameters on both ranks and learns;
#  - a 2-rank run interrupted and resumed ends byte-identical to an uninterrupted one (both
#    ranks' files), also after a crash in the middle of a save (rank 1 one file ahead);
#  - resuming with another number of ranks, or from files of two runs, is refused.
# A build without MPI must refuse `mpirun -np 2` instead. Skips only when mpirun is absent
# (.ci/run installs openmpi-bin through scripts/install-deps.sh): exit 77, which CTest
# reports as skipped (SKIP_RETURN_CODE in CMakeLists.txt).
# usage: bash test_mpi.sh /path/to/ddpg
set -u
BIN=${1:?usage: test_mpi.sh /path/to/ddpg}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -x "$BIN" ] || { echo "FAIL: $BIN is not an executable"; exit 1; }
fails=0
fail() {
  echo "FAIL: $*"
  fails=$((fails + 1))
}

MPIRUN=$(command -v mpirun || command -v mpiexec || true)
if [ -z "$MPIRUN" ]; then
  echo "SKIP: test_mpi: mpirun not found (install openmpi-bin; scripts/install-deps.sh does)"
  exit 77
fi
export OPENBLAS_NUM_THREADS=1
# sanitizer builds: Open MPI never frees some of its own allocations; leaks of ddpg's code
# are checked by the single-process tests
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
MPI=("$MPIRUN")
if "$MPIRUN" --version 2>&1 | grep -q "Open MPI"; then
  # root in CI containers; more ranks than cores; no ptrace-based shared-memory copies
  # (often forbidden in containers); a container without ssh/rsh: launch locally only
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
  export OMPI_MCA_btl_vader_single_copy_mechanism=none
  command -v ssh >/dev/null || command -v rsh >/dev/null || export OMPI_MCA_plm=isolated
  MPI+=(--oversubscribe)
fi

# a build without MPI: two ranks must be refused, not train twice into one directory
if "$BIN" train --help | grep -q "this build has no MPI"; then
  "${MPI[@]}" -np 2 "$BIN" train --env toy --steps 300 --out "$TMP/nompi" >"$TMP/out" 2>&1
  rc=$?
  [ "$rc" -ne 0 ] || fail "a build without MPI trained under mpirun -np 2"
  grep -q "built without MPI" "$TMP/out" || fail "no 'built without MPI' message: $(cat "$TMP/out")"
  [ ! -e "$TMP/nompi/checkpoint.ddpg" ] || fail "a build without MPI wrote a checkpoint"
  [ $fails -eq 0 ] && echo "test_mpi: all passed (build without MPI: mpirun -np 2 refused)"
  exit $fails
fi

# ---- 1. reacher, 2 ranks: SIGTERM to one rank, resume, identical parameters, learning ----
# (--save-replay 1: the resumed run equals an uninterrupted one wherever the signal lands)
R=(--env reacher --steps 3000 --hidden 64,64 --eval-every 1000 --eval-episodes 5
   --checkpoint-every 100000 --save-replay 1 --mpi-check-every 100 --quiet)
D=$TMP/reacher
"${MPI[@]}" -np 2 "$BIN" train "${R[@]}" --out "$D" >"$TMP/r1.out" 2>&1 &
job=$!
# wait for the step-1000 evaluation (training has started), then signal one rank only
for _ in $(seq 1 600); do
  grep -q "^1000," "$D/eval.csv" 2>/dev/null && break
  kill -0 $job 2>/dev/null || break
  sleep 0.05
done
rank=""
for p in $(pgrep -f -- "--out $D"); do
  [ "$(cat /proc/"$p"/comm 2>/dev/null)" = ddpg ] && rank=$p
done
if [ -n "$rank" ]; then kill -TERM "$rank"; else fail "no rank process found to signal"; fi
wait $job
grep -q "interrupted: checkpoint written" "$TMP/r1.out" ||
  fail "SIGTERM to one rank did not stop the run with a checkpoint: $(cat "$TMP/r1.out")"
for f in checkpoint.ddpg checkpoint.rank1.ddpg checkpoint.ranks; do
  [ -s "$D/$f" ] || fail "2-rank run did not write $f"
done
[ "$(grep -c '^1000,' "$D/eval.csv")" -eq 1 ] || fail "eval.csv rows not written once (rank 0 only)"

# the wrong number of ranks is refused with a message naming the right one
"$BIN" train --resume "$D" >"$TMP/out" 2>&1
[ $? -eq 2 ] || fail "a 2-rank run resumed without mpirun"
grep -q "mpirun -np 2" "$TMP/out" || fail "no 'mpirun -np 2' hint: $(cat "$TMP/out")"
"${MPI[@]}" -np 3 "$BIN" train --resume "$D" >"$TMP/out" 2>&1
[ $? -ne 0 ] || fail "a 2-rank run resumed with 3 ranks"
grep -q "trained with 2 MPI ranks" "$TMP/out" || fail "no ranks message: $(cat "$TMP/out")"

# resume with 2 ranks to the end: every rank prints its parameter checksum
"${MPI[@]}" -np 2 "$BIN" train --resume "$D" --mpi-check-every 100 --mpi-checksum --quiet \
  >"$TMP/r2.out" 2>&1 || fail "2-rank resume failed: $(cat "$TMP/r2.out")"
sums=$(grep -o "parameter checksum [0-9a-f]* after [0-9]* updates" "$TMP/r2.out" | sort -u)
[ "$(grep -c "parameter checksum" "$TMP/r2.out")" -eq 2 ] || fail "want 2 checksum lines: $(cat "$TMP/r2.out")"
[ "$(echo "$sums" | wc -l)" -eq 1 ] || fail "ranks ended with different parameters: $sums"
last=$(tail -n 1 "$D/eval.csv" | cut -d, -f1,2)
echo "test_mpi: 2-rank reacher: final evaluation (step,return) $last; $sums"
awk -F, '{exit !($1 == 3000 && $2 > -12.5)}' <<<"$last" ||
  fail "2-rank reacher did not learn: final evaluation (step,return) $last, want > -12.5 (random: -43, untrained actor: about -16)"

# ---- 2. exact resume across ranks (tiny toy runs with the replay in the checkpoint) -------
T=(--env toy --hidden 16,16 --batch 32 --eval-every 100 --eval-episodes 1
   --checkpoint-every 100 --save-replay 1 --mpi-check-every 10 --quiet)
train2() { "${MPI[@]}" -np 2 "$BIN" train "$@" >"$TMP/t.out" 2>&1 || fail "mpirun ddpg train $*: $(cat "$TMP/t.out")"; }
train2 "${T[@]}" --steps 400 --out "$TMP/full"
train2 "${T[@]}" --steps 250 --out "$TMP/part"
cp -r "$TMP/part" "$TMP/crash"
train2 --resume "$TMP/part" --steps 400
for f in checkpoint.ddpg checkpoint.rank1.ddpg; do
  cmp -s "$TMP/full/$f" "$TMP/part/$f" || fail "interrupted + resumed 2-rank run: $f differs from the uninterrupted run's"
done

# a crash during a save after rank 1 wrote its new file but before rank 0 committed: rank 1
# holds step 400 as its newest file and step 250 as the one before; resume must take 250
mv "$TMP/crash/checkpoint.rank1.ddpg" "$TMP/crash/checkpoint.rank1.prev.ddpg"
cp "$TMP/full/checkpoint.rank1.ddpg" "$TMP/crash/checkpoint.rank1.ddpg"
train2 --resume "$TMP/crash" --steps 400
for f in checkpoint.ddpg checkpoint.rank1.ddpg; do
  cmp -s "$TMP/full/$f" "$TMP/crash/$f" || fail "resume after a crash in a save: $f differs"
done

# files of two runs are refused: rank 0's and rank 1's files at the same step, other agents
train2 "${T[@]}" --steps 400 --seed 7 --out "$TMP/other"
mkdir "$TMP/mixed"
cp "$TMP/full/checkpoint.ddpg" "$TMP/full/checkpoint.ranks" "$TMP/mixed/"
cp "$TMP/other/checkpoint.rank1.ddpg" "$TMP/mixed/"
"${MPI[@]}" -np 2 "$BIN" train --resume "$TMP/mixed" --steps 500 >"$TMP/out" 2>&1
[ $? -ne 0 ] || fail "resumed from the files of two runs"
grep -q "not written by one run" "$TMP/out" ||
  fail "no message about mixed checkpoint files: $(cat "$TMP/out")"

if [ $fails -eq 0 ]; then echo "test_mpi: all passed"; fi
exit $fails
