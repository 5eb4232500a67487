#!/usr/bin/env bash
# Build (Release) and run the whole test suite through CTest.
# Usage: scripts/test.sh    (run scripts/install-deps.sh first on a fresh machine)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j2 --timeout 600
