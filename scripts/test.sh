#!/usr/bin/env bash
# The project's test command (README, .ci/run): install what is missing, configure, build Release
# with assertions on, and run every test. Exits non-zero on any failure.
#   BUILD_DIR   build folder (default: build)
#   JOBS        parallel build jobs (default: number of cores)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup-deps.sh

build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_KEEP_ASSERTS=ON \
  -DPTYCHOPINN_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
