#!/usr/bin/env bash
# The whole performance table in one run: the machine, then every benchmark, each printing its own
# table (nothing here decides pass/fail). docs/performance.md records the latest output and how to
# read it.
#
#   bench/run.sh                 everything below, about 15 minutes on 2 cores
#   bench/run.sh --quick         shorter measurements (1 repeat of 1 s), for a first look
#   bench/run.sh --build-time    also times a clean build of every target in a scratch folder
#                                (about 11 minutes on 2 cores) and prints ninja's slowest steps
#
# Environment: BUILD_DIR (default build), THREADS (default: every core), PTYCHOPINN_SHARED_DIR
# (the shared datasets, for the iterative engine's Siemens star), PTYCHOPINN_BENCH_PYTHON (the
# Python with torch for the PyTorch column, default /usr/bin/python3).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
threads=${THREADS:-$(nproc)}
quick=0
build_time=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --build-time) build_time=1 ;;
    -h | --help)
      sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bench/run.sh: unknown option $arg (expected --quick, --build-time or --help)" >&2
      exit 2
      ;;
  esac
done
if ((quick)); then
  seconds=1 repeats=1 iterations=2
else
  seconds=3 repeats=3 iterations=5
fi

section() { printf '\n## %s\n\n' "$*"; }

# The benchmarks are built like everything else (scripts/test.sh's flags), so a build folder that
# the tests or the demo made is reused; only what is missing compiles.
if [[ ! -f "$build_dir/build.ninja" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_KEEP_ASSERTS=ON \
    -DPTYCHOPINN_BUILD_TESTS=ON >/dev/null
fi
targets=(pinn_bench iterative_bench ptychopinn_cli)
if grep -q 'build bench/grouping_bench:' "$build_dir/build.ninja"; then
  targets+=(grouping_bench npz_read_bench batch_bench)
fi
if grep -q 'build bench/conv_algorithms:' "$build_dir/build.ninja"; then
  targets+=(conv_algorithms)
fi
cmake --build "$build_dir" --target "${targets[@]}" -j "$threads" >/dev/null

# The PyTorch column needs Debian's python3-torch (the same LibTorch release as ours); installed
# when this runs as root, as scripts/setup-deps.sh installs the rest.
python=${PTYCHOPINN_BENCH_PYTHON:-/usr/bin/python3}
if ! "$python" -c 'import torch' >/dev/null 2>&1; then
  if [[ $(id -u) == 0 && $python == /usr/bin/python3 ]] && command -v apt-get >/dev/null; then
    echo "bench/run.sh: installing python3-torch for the PyTorch column" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-torch >/dev/null ||
      echo "bench/run.sh: apt-get install python3-torch failed; the PyTorch column is left out" >&2
  else
    echo "bench/run.sh: $python has no torch (apt-get install python3-torch); the PyTorch column is left out" >&2
  fi
fi

section "machine"
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
flags=$(grep -m1 '^flags' /proc/cpuinfo)
isa=""
for f in avx2 fma avx512f; do [[ " $flags " == *" $f "* ]] && isa+="$f "; done
printf -- '- date: %s; commit %s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
printf -- '- CPU: %s; %s logical cores (%s used); %s\n' "$cpu" "$(nproc)" "$threads" "${isa:-no AVX2/FMA}"
printf -- '- memory: %s GiB; load average %s\n' "$(awk '/MemTotal/ {printf "%.0f", $2/1048576}' /proc/meminfo)" \
  "$(cut -d' ' -f1-3 /proc/loadavg)"
printf -- '- OS: %s; compiler: %s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")" "$(c++ --version | head -1)"
torch_version=$(dpkg-query -W -f '${Version}' libtorch-dev 2>/dev/null || echo "not from Debian")
printf -- '- LibTorch (libtorch-dev): %s\n' "$torch_version"

section "PINN training and inference against PyTorch (bench/pinn_bench; FMA peak measured first)"
for batch in 16 1 64; do
  [[ $batch == 16 ]] || section "PINN, inference batch $batch"
  "$build_dir/bench/pinn_bench" --threads "$threads" --seconds "$seconds" --repeats "$repeats" \
    --infer_batch "$batch"
done

section "the network's convolutions in oneDNN, direct against Winograd (bench/conv_algorithms)"
if [[ -x "$build_dir/bench/conv_algorithms" ]]; then
  "$build_dir/bench/conv_algorithms" --threads "$threads" --repeats "$((repeats * 3))"
else
  echo "not built: oneDNN headers are missing (apt-get install libdnnl-dev)"
fi

section "iterative engine on the Siemens star (bench/iterative_bench)"
"$build_dir/bench/iterative_bench" --sizes 64,128 --threads "1,$threads" --iterations "$iterations" --no-cuda

section "streaming inference memory (bench/stream_memory.sh)"
stream_sizes="1000 20000"
((quick)) && stream_sizes="1000 5000"
SIZES=$stream_sizes THREADS=$threads BUILD_DIR=$build_dir bash bench/stream_memory.sh

if [[ -x "$build_dir/bench/grouping_bench" ]]; then
  gb_args=(--benchmark_min_time="$seconds")
  section "grouping (bench/grouping_bench)"
  "$build_dir/bench/grouping_bench" "${gb_args[@]}" 2>/dev/null
  section "NPZ loading (bench/npz_read_bench)"
  "$build_dir/bench/npz_read_bench" "${gb_args[@]}" 2>/dev/null
  section "batch assembly (bench/batch_bench)"
  "$build_dir/bench/batch_bench" "${gb_args[@]}" 2>/dev/null
else
  section "grouping, NPZ loading, batch assembly"
  echo "not built: Google Benchmark is missing (apt-get install libbenchmark-dev)"
fi

if ((build_time)); then
  section "clean build of every target ($threads jobs)"
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  cmake -S . -B "$scratch" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_KEEP_ASSERTS=ON \
    -DPTYCHOPINN_BUILD_TESTS=ON >/dev/null
  # The command first (what scripts/demo.sh builds), then everything else.
  start=$(date +%s)
  CCACHE_DISABLE=1 cmake --build "$scratch" -j "$threads" --target ptychopinn_cli >/dev/null
  cli_done=$(date +%s)
  CCACHE_DISABLE=1 cmake --build "$scratch" -j "$threads" >/dev/null
  end=$(date +%s)
  printf -- '- the command (ptychopinn_cli): %d s\n' $((cli_done - start))
  printf -- '- every target: %d s (ccache disabled)\n' $((end - start))
  echo "- slowest steps (seconds, from .ninja_log):"
  awk 'NR > 1 { printf "%8.1f  %s\n", ($2 - $1) / 1000, $4 }' "$scratch/.ninja_log" | sort -rn | head -15
fi
