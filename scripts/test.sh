#!/usr/bin/env bash
# Build (Release) and run the whole test suite through CTest.
# Usage: scripts/test.sh    (run scripts/install-deps.sh first on a fresh machine)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j2 --timeout 900
