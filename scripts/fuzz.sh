#!/usr/bin/env bash
# Build one libFuzzer target (clang, ASan+UBSan) and run it for SECONDS at nice 19.
# Usage: scripts/fuzz.sh TARGET SECONDS [extra libFuzzer flags...]
#   TARGET: checkpoint | model | task | act_line | args   (harnesses: tests/fuzz/fuzz_TARGET.c)
# The seed corpus tests/fuzz/TARGET/ is copied into a working corpus
# build-fuzz/corpus/TARGET/ (kept between runs, never committed); crashes, leaks, timeouts
# and out-of-memory inputs land in build-fuzz/artifacts/TARGET/, the log with libFuzzer's
# final statistics in build-fuzz/logs/TARGET.log. Keep a crasher by copying it to
# tests/fuzz/crashers/TARGET/ (replayed by tests/test_regressions.c); see
# docs/reliability.md.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags...]" >&2
  exit 2
fi
target="$1"
seconds="$2"
shift 2
if [ ! -f "tests/fuzz/fuzz_$target.c" ]; then
  have=$(for f in tests/fuzz/fuzz_*.c; do f=${f##*/fuzz_}; printf '%s ' "${f%.c}"; done)
  echo "fuzz.sh: no target '$target' (have: $have)" >&2
  exit 2
fi
case "$seconds" in
  '' | *[!0-9]*) echo "fuzz.sh: SECONDS must be a whole number, got '$seconds'" >&2; exit 2 ;;
esac
CC_BIN="${CC:-clang}"
command -v "$CC_BIN" >/dev/null || { echo "fuzz.sh: $CC_BIN not found (scripts/install-deps.sh installs clang)" >&2; exit 2; }

B=build-fuzz
nice -n 19 cmake -S . -B "$B" -DCMAKE_C_COMPILER="$CC_BIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDDPG_FUZZ=ON -DBUILD_TESTING=OFF >/dev/null
nice -n 19 cmake --build "$B" --target "fuzz_$target" -j2 >/dev/null

corpus="$B/corpus/$target"
artifacts="$B/artifacts/$target"
mkdir -p "$corpus" "$artifacts" "$B/logs"
cp -n tests/fuzz/"$target"/* "$corpus"/ 2>/dev/null || true

# per-target bounds: input size (a checkpoint is a few kB, an MJCF file a few kB, a line
# or an argv a few hundred bytes) and time per input
case "$target" in
  checkpoint) max_len=16384 ;;
  model) max_len=16384 ;;
  task) max_len=8192 ;;
  *) max_len=1024 ;;
esac
flags=(-max_total_time="$seconds" -max_len="$max_len" -timeout=20 -rss_limit_mb=2048
       -print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$artifacts/")
[ -f "tests/fuzz/$target.dict" ] && flags+=(-dict="tests/fuzz/$target.dict")

# halt on the first report; OpenBLAS threads are not the fuzzer's business
export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export OPENBLAS_NUM_THREADS=1
log="$B/logs/$target.log"
echo "fuzz.sh: running fuzz_$target for ${seconds}s (log: $log)"
set +e
nice -n 19 "$B/fuzz_$target" "${flags[@]}" "$@" "$corpus" >"$log" 2>&1
rc=$?
set -e
grep -E '^(stat::|Done |==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" || true
if [ $rc -ne 0 ]; then
  echo "fuzz.sh: fuzz_$target stopped with status $rc: see $log and $artifacts/" >&2
fi
exit $rc
