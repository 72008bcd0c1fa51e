#!/usr/bin/env bash
# The project's test command (README, .ci/run): install what is missing, configure, build Release
# with assertions on, and run every test. Exits non-zero on any failure.
#   BUILD_DIR   build folder (default: build)
#   JOBS        parallel build jobs (default: number of cores)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup-deps.sh

# Every C++ file obeys .clang-format. Checked with the clang-format the tree was formatted with
# (Debian 12's, major version 14); other versions lay some lines out differently, so they only warn.
if command -v clang-format >/dev/null; then
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t sources < <(git ls-files '*.cpp' '*.h')
  else
    mapfile -t sources < <(find src apps python tests bench fuzz -name '*.cpp' -o -name '*.h')
  fi
  unformatted=()
  for f in "${sources[@]}"; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
  done
  if [[ ${#unformatted[@]} -gt 0 ]]; then
    echo "test.sh: ${#unformatted[@]} file(s) differ from .clang-format (clang-format -i FILE fixes them):" >&2
    printf '  %s\n' "${unformatted[@]}" >&2
    if clang-format --version | grep -q 'version 14\.'; then exit 1; fi
    echo "test.sh: (clang-format $(clang-format --version | grep -o 'version [0-9.]*'); not failing)" >&2
  fi
fi

build_dir=${BUILD_DIR:-build}
jobs=${JOBS:-$(nproc)}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_KEEP_ASSERTS=ON \
  -DPTYCHOPINN_BUILD_TESTS=ON
cmake --build "$build_dir" -j "$jobs"
# The libFuzzer targets of the NPY/NPZ/pickle parsers, built with clang when it is available and
# run briefly on their seed corpus: a smoke test that they build and that the seeds stay clean
# (real fuzzing campaigns: scripts/fuzz.sh SECONDS).
if command -v clang++ >/dev/null && [[ -n "$(ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ]]; then
  fuzz_dir=$(realpath -m "$build_dir-fuzz")
  mkdir -p "$fuzz_dir"
  fuzz_log="$fuzz_dir/smoke.log"
  if ! FUZZ_BUILD_DIR="$fuzz_dir" bash scripts/fuzz.sh "${FUZZ_SECONDS:-5}" >"$fuzz_log" 2>&1; then
    tail -40 "$fuzz_log" >&2
    echo "test.sh: a fuzz target failed to build or crashed (log: $fuzz_log)" >&2
    exit 1
  fi
  grep -E '^fuzz:|Done [0-9]+ runs' "$fuzz_log"
else
  echo "test.sh: clang or libFuzzer not installed; fuzz targets not built (PTYCHOPINN_WITH_FUZZ=1 scripts/setup-deps.sh)"
fi

ctest --test-dir "$build_dir" --output-on-failure -j "$jobs"
