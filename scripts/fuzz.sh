#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ (clang, ASan + UBSan, no LibTorch) and runs each for a while
# on its seed corpus. Never part of scripts/test.sh: fuzzing is open-ended.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     SECONDS per target (default 60); TARGETs among
#                                             npy npz pickle (default: all three)
#   FUZZ_BUILD_DIR  build folder (default: build-fuzz); the growing corpus and any crash
#                   artifacts land in it (corpus/<target>/, artifacts/)
#   JOBS            parallel build jobs (default 2)
# Needs the Debian packages clang and libclang-rt-14-dev (setup-deps.sh with PTYCHOPINN_WITH_FUZZ=1).
# A crash stops the run with a non-zero exit; add its minimised input to tests/data/npy_bad/ with
# an expected phrase (fuzz_expected.tsv) once fixed.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(npy npz pickle)
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}

if ! command -v clang++ >/dev/null; then
  echo "fuzz: clang++ not found; install clang and libclang-rt-14-dev" >&2
  exit 1
fi
cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ >/dev/null
cmake --build "$build" -j "${JOBS:-2}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus" "$build/artifacts"
  echo "fuzz: $t for ${seconds}s (corpus $corpus)" >&2
  "$build/fuzz_$t" "$corpus" "$root/fuzz/seeds/$t" -dict="$root/fuzz/$t.dict" \
    -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
    -artifact_prefix="$build/artifacts/$t-" -print_final_stats=1
done
