#!/usr/bin/env bash
# mcu-check: the committed actor headers on microcontrollers (docs/mcu.md). Builds the
# firmware example of controllers/mcu/ around each header (half_cheetah and reacher, float
# and int8) for a Cortex-M4F and a Cortex-M7 with Debian's arm-none-eabi gcc and newlib at
# -O2 (hard float), runs it on QEMU's boards for those cores (mps2-an386, mps2-an500) over
# 200 recorded observations, and prints one table row per build:
#
#   flash    text + data of the firmware without its recorded sensor log (the log stands in
#            for sensors; a robot's firmware has no such table): code, weights, libm
#   ram      data + bss, without the 8 KB stack reserve of controllers/mcu/mps2.ld
#   stack    the largest stack one ID_act call used (painted and read back by the firmware),
#            next to gcc's -fstack-usage frame of ID_act alone (tanhf's frame comes on top)
#   insns    instructions per action, median and max: QEMU runs with -icount shift=3, so its
#            virtual clock advances 2^3 = 8 ns per instruction (125 million instructions a
#            second, the order of a real Cortex-M4F's or M7's) and the board's 25 MHz timer
#            ticks once per 5 instructions; the firmware reads the timer around each call
#   differ   values of the 200 x ACT_DIM actions whose bits differ from the host reference:
#            `ddpg act` on the header's source checkpoint for float headers, the same int8
#            header compiled for the host (tools/mcu_act.c) for int8 ones; the largest
#            difference in ulps and in absolute value
#
# The bound. Everything before the output layer's tanh is IEEE single arithmetic in a fixed
# order on both sides, without fused multiply-add (the header's pragmas) and with denormals
# kept (the M4F/M7 FPUs' reset mode), so it is the host's to the bit; only tanhf comes from
# another library (newlib, not glibc), and for both committed robots act = 0 + 1 * tanh(z),
# so an action's ulps are tanh's. The firmware therefore also runs newlib's tanhf over a
# sweep of 65,536 inputs (tools/mcu_tanhf.c) against the correctly rounded tanh and glibc's
# tanhf. If newlib is within En ulps of the true value and glibc within Eg (both measured on
# the sweep), two results differ by at most En + Eg ulps: the check fails when an action
# differs from the host's by more than that, which no tanhf difference explains (a fused
# multiply-add, flushed denormals or reordered sums would); equality is not required.
#
# It also fails (exit 1) when a build or run fails, when the firmware links malloc or misses
# a control period.
#
# Exit status 77 (skipped) when the toolchain or QEMU is absent (scripts/install-deps.sh
# installs gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm).
# usage: scripts/mcu-check.sh [path/to/ddpg]      (the ddpg of a built tree: its
#        example_controller* binaries record the sensor logs)
set -euo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$HERE/build/ddpg}
MCU=$HERE/controllers/mcu
STEPS=200
RATE_STEPS=20 # steps of the control-rate runs (polling builds: QEMU executes the idle time)
ICOUNT_SHIFT=3    # QEMU's virtual clock: 2^3 ns per instruction
INSN_PER_TICK=5   # timer 0 at 25 MHz ticks every 40 ns = 5 instructions

for tool in arm-none-eabi-gcc arm-none-eabi-size arm-none-eabi-nm qemu-system-arm; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIPPED: mcu-check: $tool not found (scripts/install-deps.sh installs" \
      "gcc-arm-none-eabi, libnewlib-arm-none-eabi and qemu-system-arm)"
    exit 77
  fi
done
if [ ! -f "$(arm-none-eabi-gcc -mthumb -mcpu=cortex-m4 -mfloat-abi=hard -mfpu=fpv4-sp-d16 \
  -print-file-name=libm.a)" ]; then
  echo "SKIPPED: mcu-check: newlib for arm-none-eabi not found (install libnewlib-arm-none-eabi)"
  exit 77
fi
if [ ! -f "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "mcu-check: $BIN is not a ddpg executable (run scripts/build.sh, or give its path)" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
BUILD=$(dirname "$BIN")
for b in "$BUILD/example_controller" "$BUILD/example_controller_half_cheetah"; do
  [ -x "$b" ] || { echo "mcu-check: $b not built (run scripts/build.sh)" >&2; exit 2; }
done

TMP=$(mktemp -d /tmp/ddpg_mcu_XXXXXX)
trap 'rm -rf "$TMP"' EXIT
CC=${CC:-cc}
$CC -std=c11 -O2 "$HERE/tools/mcu_compare.c" -lm -o "$TMP/mcu_compare"

# the checkpoints the committed headers were exported from (relative to controllers/)
src_of() { sed -n "s/^$1_SRC=//p" "$HERE/controllers/regenerate.sh"; }
HC_CKPT=$HERE/controllers/$(src_of HALF_CHEETAH)
RE_CKPT=$HERE/controllers/$(src_of REACHER)

# sensor logs: 200 observations of the float header driving the robot from `ddpg eval`'s
# initial states (seed 0): every 5th of a 1000-step half_cheetah episode, all 50 steps of 4
# reacher episodes
"$BUILD/example_controller_half_cheetah" --episodes 1 --seed 0 --print-obs |
  awk 'NR % 5 == 1' >"$TMP/half_cheetah.obs"
"$BUILD/example_controller" --episodes 4 --seed 0 --print-obs >"$TMP/reacher.obs"

# sensor_log.h: the log as C initializers (the %.9g decimals read back as the same floats)
sensor_log_h() { # OBSFILE DIR STEPS
  mkdir -p "$2"
  awk -v steps="$3" 'NR == 1 { dim = NF } NR <= steps {
      row = "  {"
      for (i = 1; i <= NF; i++) {
        v = $i; if (v !~ /[.eEn]/) v = v ".0"  # "0" -> "0.0f": a float literal needs . or e
        row = row (i > 1 ? ", " : "") v "f"
      }
      rows[NR] = row "},"
    } END {
      if (NR < steps) { print "mcu-check: short sensor log" > "/dev/stderr"; exit 1 }
      print "/* generated by scripts/mcu-check.sh: the recorded sensors */"
      print "#define SENSOR_LOG_STEPS " steps
      print "#define SENSOR_LOG_OBS_DIM " dim
      print "static const float sensor_log[" steps "][" dim "] = {"
      for (i = 1; i <= steps; i++) print rows[i]
      print "};"
    }' "$1" >"$2/sensor_log.h"
}
for robot in half_cheetah reacher; do
  sensor_log_h "$TMP/$robot.obs" "$TMP/$robot" $STEPS
  sensor_log_h "$TMP/$robot.obs" "$TMP/$robot-rate" $RATE_STEPS
done

# host references
head -n $STEPS "$TMP/half_cheetah.obs" | "$BIN" act --checkpoint "$HC_CKPT" >"$TMP/half_cheetah.ref"
head -n $STEPS "$TMP/reacher.obs" | "$BIN" act --checkpoint "$RE_CKPT" >"$TMP/reacher.ref"
for id in half_cheetah reacher; do
  uid=$(echo "${id}_int8" | tr a-z A-Z)
  $CC -std=c11 -O2 -I"$HERE/controllers" -DCONTROLLER_HEADER="\"${id}_actor_int8.h\"" \
    -DCONTROLLER_ID="${id}_int8" -DCONTROLLER_UID="$uid" "$HERE/tools/mcu_act.c" -lm \
    -o "$TMP/mcu_act_$id"
  head -n $STEPS "$TMP/$id.obs" | "$TMP/mcu_act_$id" >"$TMP/${id}_int8.ref"
done

# the tanhf sweep's host side: glibc's tanhf and the correctly rounded tanh on its inputs
$CC -std=c11 -O2 -I"$HERE/tools" "$HERE/tools/mcu_tanhf_ref.c" -lm -o "$TMP/mcu_tanhf_ref"
"$TMP/mcu_tanhf_ref" >"$TMP/tanhf_ref.h" 2>"$TMP/tanhf_ref.txt"
glibc_ulp=$(awk '{ print $4 }' "$TMP/tanhf_ref.txt")

# compile and link a firmware for one core: the sources and flags in EXTRA, then the
# example's start-up, semihosting and linker script
fw_build() { # CPUFLAGS OUT EXTRA...
  local cpu=$1 out=$2
  shift 2
  # shellcheck disable=SC2086
  arm-none-eabi-gcc -std=c11 -O2 -Wall -Wextra -Wpedantic -Werror -mthumb $cpu \
    -mfloat-abi=hard -ffunction-sections -fdata-sections -fstack-usage \
    -I"$HERE/controllers" -I"$MCU" "$@" -nostartfiles -T "$MCU/mps2.ld" -Wl,--gc-sections \
    -o "$out" "$MCU/startup.c" "$MCU/semihost.c" -lm
}
qemu_run() { # BOARD ELF CONSOLE
  timeout 120 qemu-system-arm -M "$1" -nographic -monitor none -serial none \
    -chardev file,id=con,path="$3" -semihosting-config enable=on,target=native,chardev=con \
    -icount shift=$ICOUNT_SHIFT,sleep=off -kernel "$2"
}

echo "mcu-check: $(arm-none-eabi-gcc --version | head -1); $(qemu-system-arm --version | head -1)"
echo "host CPU (runs QEMU): $(awk -F': ' '/^model name/ { n = $2 } /^cpu family/ { f = $2 }
  /^model\t/ { m = $2 } END { print n ", family " f " model " m }' /proc/cpuinfo), $(nproc) cores"
echo
fails=0
fail() {
  echo "FAIL: $*"
  fails=$((fails + 1))
}
BOARDS=("mps2-an386:Cortex-M4F:-mcpu=cortex-m4 -mfpu=fpv4-sp-d16"
        "mps2-an500:Cortex-M7:-mcpu=cortex-m7 -mfpu=fpv5-sp-d16")
declare -A BOUND
for spec in "${BOARDS[@]}"; do
  IFS=: read -r board core cpu <<<"$spec"
  dir=$TMP/$board-tanhf
  mkdir -p "$dir"
  if ! (cd "$dir" && fw_build "$cpu" "$dir/fw.elf" -I"$HERE/tools" -I"$TMP" \
    "$HERE/tools/mcu_tanhf.c") >"$dir/build.log" 2>&1 ||
    ! qemu_run "$board" "$dir/fw.elf" "$dir/console.txt" >"$dir/qemu.log" 2>&1; then
    cat "$dir/build.log" "$dir/qemu.log"
    fail "the tanhf sweep on $board failed"
    continue
  fi
  read -r _ _ n _ differ _ vs_glibc _ newlib_ulp <"$dir/console.txt"
  BOUND[$board]=$((newlib_ulp + glibc_ulp))
  echo "tanhf on $core ($board), newlib vs glibc over $n inputs in [2^-12, 10]: $differ differ," \
    "by at most $vs_glibc ulp; newlib at most $newlib_ulp ulp and glibc at most $glibc_ulp ulp" \
    "from the correctly rounded tanh: actions may differ by ${BOUND[$board]} ulp"
done
# the control rate: polling builds (see MCU_BUSY_WAIT in firmware.c) of each robot's int8
# header (the quicker to compile; both headers of a robot have its rate); every period but
# the first must be the header's ID_CONTROL_DT in timer ticks
for spec in "${BOARDS[@]}"; do
  IFS=: read -r board core cpu <<<"$spec"
  for robot in half_cheetah reacher; do
    uid=$(echo "${robot}_int8" | tr a-z A-Z)
    dir=$TMP/$board-$robot-rate
    mkdir -p "$dir"
    want=$(awk -v m="${uid}_CONTROL_DT" '$1 == "#define" && $2 == m { printf "%d", 25e6 * $3 + 0.5 }' \
      "$HERE/controllers/${robot}_actor_int8.h")
    if ! (cd "$dir" && fw_build "$cpu" "$dir/fw.elf" -I"$TMP/$robot-rate" -DMCU_BUSY_WAIT \
      -DCONTROLLER_HEADER="\"${robot}_actor_int8.h\"" -DCONTROLLER_ID="${robot}_int8" \
      -DCONTROLLER_UID="$uid" "$MCU/firmware.c") >"$dir/build.log" 2>&1 ||
      ! qemu_run "$board" "$dir/fw.elf" "$dir/console.txt" >"$dir/qemu.log" 2>&1; then
      cat "$dir/build.log" "$dir/qemu.log"
      fail "the control-rate run of $robot on $board failed"
      continue
    fi
    read -r lo hi < <(awk '$1 == "step" && $2 > 0 { if (n++ == 0 || $4 < lo) lo = $4
      if ($4 > hi) hi = $4 } END { print lo, hi }' "$dir/console.txt")
    echo "control period of ${robot}_actor_int8.h on $core ($board): $lo to $hi timer ticks over" \
      "$((RATE_STEPS - 1)) periods (programmed $want: $(awk -v w="$want" \
      'BEGIN { printf "%g", w / 25e6 }') s)"
    # a tick of slack either way: the loop reads the timer a few instructions after waking
    [ $((lo - want)) -ge -1 ] && [ $((hi - want)) -le 1 ] ||
      fail "$robot on $board keeps a period of $lo to $hi ticks, not $want"
  done
done
echo
echo "| header | core (QEMU board) | flash B | RAM B | stack B/call (frame) | insns/action median (max) | differ / values | max ulp | max abs diff |"
echo "|---|---|---|---|---|---|---|---|---|"
for spec in "${BOARDS[@]}"; do
  IFS=: read -r board core cpu <<<"$spec"
  [ -n "${BOUND[$board]:-}" ] || continue
  for hdr in half_cheetah_actor.h half_cheetah_actor_int8.h reacher_actor.h reacher_actor_int8.h; do
    robot=${hdr%%_actor*}
    id=$robot
    [[ $hdr == *int8* ]] && id=${robot}_int8
    uid=$(echo "$id" | tr a-z A-Z)
    dir=$TMP/$board-$id
    mkdir -p "$dir"
    if ! (cd "$dir" && fw_build "$cpu" "$dir/fw.elf" -I"$TMP/$robot" \
      -DCONTROLLER_HEADER="\"$hdr\"" -DCONTROLLER_ID="$id" -DCONTROLLER_UID="$uid" \
      "$MCU/firmware.c") >"$dir/build.log" 2>&1; then
      cat "$dir/build.log"
      fail "$hdr for $core does not build"
      continue
    fi
    if arm-none-eabi-nm "$dir/fw.elf" | grep -qwE 'malloc|_malloc_r|_sbrk|_sbrk_r'; then
      fail "$hdr for $core links an allocator"
    fi
    # sizes (Berkeley: text = code + rodata, data = initialized RAM, also stored in flash)
    read -r text data bss _ < <(arm-none-eabi-size "$dir/fw.elf" | awk 'NR == 2')
    stack_reserve=$(arm-none-eabi-size -A "$dir/fw.elf" | awk '$1 == ".stack" { print $2 }')
    log_bytes=$((16#$(arm-none-eabi-nm -S "$dir/fw.elf" | awk '$4 == "sensor_log" { print $2 }')))
    flash=$((text + data - log_bytes))
    ram=$((data + bss - stack_reserve))
    frame=$(cat "$dir"/*.su | awk -v f="${id}_act" '$1 ~ (":" f "$") { print $2 }')

    if ! qemu_run "$board" "$dir/fw.elf" "$dir/console.txt" >"$dir/qemu.log" 2>&1; then
      cat "$dir/qemu.log" "$dir/console.txt"
      fail "$hdr on $board: the firmware failed"
      continue
    fi
    if ! grep -q "^done steps $STEPS overruns 0$" "$dir/console.txt"; then
      tail -3 "$dir/console.txt"
      fail "$hdr on $board: missing steps or an overrun control period"
    fi
    # median and max instructions, max stack ("step K period P ticks T stack S act ...")
    read -r med max < <(awk -v k="$INSN_PER_TICK" '$1 == "step" { print $6 * k }' \
      "$dir/console.txt" | sort -n | awk '{ t[NR] = $1 } END { print t[int((NR + 1) / 2)], t[NR] }')
    stack=$(awk '$1 == "step" && $8 > s { s = $8 } END { print s }' "$dir/console.txt")
    ref=$TMP/$id.ref
    if ! cmp=$("$TMP/mcu_compare" "$ref" "$dir/console.txt" \
      "$(awk '{ print NF; exit }' "$ref")"); then
      fail "$hdr on $board: the firmware's actions do not line up with the host's"
      continue
    fi
    read -r _ values _ differ _ maxabs _ maxulp <<<"$cmp"
    echo "| $hdr | $core ($board) | $flash | $ram | $stack ($frame) | $med ($max) | $differ / $values | $maxulp | $maxabs |"
    [ "$maxulp" -le "${BOUND[$board]}" ] ||
      fail "$hdr on $board: an action differs from the host's by $maxulp ulp (bound ${BOUND[$board]})"
  done
done

if [ "$fails" -gt 0 ]; then
  echo "mcu-check: $fails failure(s)"
  exit 1
fi
echo
echo "mcu-check: passed (instructions: $INSN_PER_TICK per 25 MHz timer tick under QEMU -icount shift=$ICOUNT_SHIFT)"
