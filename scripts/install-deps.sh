#!/usr/bin/env bash
# Install the Debian packages ddpg needs; does nothing when they are all present.
# Usage: scripts/install-deps.sh   (as root, or with sudo available)
set -euo pipefail
pkgs=(build-essential cmake pkg-config libmujoco-dev libopenblas-dev libglfw3-dev check
      zlib1g-dev libpng-dev libyaml-dev xvfb xauth libopenmpi-dev openmpi-bin
      ffmpeg # ddpg view --record x.mp4, ddpg train --video-every (docs/viewer.md)
      xdotool # tests/test_viewer.c types the viewer's keys
      libisal-dev # CRC-32C of TensorBoard event files (src/tblog.c)
      python3-protobuf python3-crc32c # the reference reader of those files (scripts/tb-dump.py)
      clang libclang-rt-14-dev # clang, libFuzzer: scripts/fuzz.sh (docs/reliability.md)
      gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm # scripts/mcu-check.sh (docs/mcu.md)
      gnuplot-nox) # ddpg robustness plots (docs/sim2real.md)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
