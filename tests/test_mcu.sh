#!/usr/bin/env bash
# test_mcu: the committed actor headers on Cortex-M4F and Cortex-M7 under QEMU
# (scripts/mcu-check.sh, docs/mcu.md): the firmware example builds without malloc, keeps its
# control rate, and acts as `ddpg act` does within the tanhf bound the check measures.
# Exit status 77 (CTest: skipped) when arm-none-eabi-gcc, newlib or qemu-system-arm is
# missing; scripts/install-deps.sh installs them.
# usage: bash test_mcu.sh /path/to/ddpg
set -u
BIN=${1:?usage: test_mcu.sh /path/to/ddpg}
HERE=$(cd "$(dirname "$0")/.." && pwd)
bash "$HERE/scripts/mcu-check.sh" "$BIN"
