#!/usr/bin/env bash
# The checks that need an NVIDIA GPU, for a machine that has one (CI never does): builds ptychopinn
# against the CUDA LibTorch of that machine's Python (torch.utils.cmake_prefix_path), runs the tests
# whose names say CUDA (they skip on CPU-only builds), an end-to-end simulate/train/infer/evaluate
# with --device cuda, and the benchmarks with their CUDA column: bench/pinn_bench on the GPU beside
# the same network in that Python's PyTorch, and bench/iterative_bench's CUDA rows. Prints everything;
# exits non-zero on the first failure.
#
# A machine without a package archive gets the other dependencies from a folder of Debian 12
# packages that scripts/gpu-bundle.sh collected (with the Siemens star beside them); they are
# unpacked into the build folder, and only the shared libraries the machine lacks go on the
# loader's path.
#   PYTHON     the Python whose torch has CUDA (default: python3)
#   BUILD_DIR  build folder (default: build-cuda)
#   GPU_DEPS   the folder of .deb files (default: .gpu-deps when it exists; else the machine's own
#              packages, as scripts/setup-deps.sh installs them)
#   QUICK=1    shorter benchmarks
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
py=${PYTHON:-python3}
build_dir=$(realpath -m "${BUILD_DIR:-build-cuda}")
out=$build_dir/gpu-check
deps=${GPU_DEPS:-}
[[ -z "$deps" && -d .gpu-deps ]] && deps=.gpu-deps
jobs=$(nproc)

echo "== machine"
grep -m1 PRETTY_NAME /etc/os-release || true
echo "$(nproc) cores; $(c++ --version | head -1); $(cmake --version | head -1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
prefix=$("$py" -c 'import torch; assert torch.cuda.is_available(), "this torch sees no GPU"; print(torch.utils.cmake_prefix_path)')
echo "LibTorch from $prefix ($("$py" -c 'import torch; print(torch.__version__, "CUDA", torch.version.cuda)'))"
# LibTorch's CMake package looks for the CUDA toolkit; nvcc is not always on PATH.
if ! command -v nvcc >/dev/null && [[ -x /usr/local/cuda/bin/nvcc ]]; then export PATH=/usr/local/cuda/bin:$PATH; fi

torch_major=$("$py" -c 'import torch; print(torch.__version__.split(".")[0])')
# LibTorch 2.x headers are written for C++20 and, from 2.12 on, need it; ours compile either way.
standard=17
((torch_major >= 2)) && standard=20
cmake_args=(-DCMAKE_PREFIX_PATH="$prefix")
shared=$(realpath -m ../shared)
if [[ -n "$deps" ]]; then
  deps=$(realpath "$deps")
  if ! compgen -G "$deps/*.deb" >/dev/null; then
    echo "gpu-check: $deps holds no .deb files (scripts/gpu-bundle.sh collects them)" >&2
    exit 1
  fi
  sysroot=$build_dir/deps
  echo "== unpacking $(ls "$deps"/*.deb | wc -l) Debian packages from $deps into $sysroot"
  rm -rf "$sysroot"
  mkdir -p "$sysroot/missing-libs"
  for deb in "$deps"/*.deb; do
    if command -v dpkg-deb >/dev/null; then
      dpkg-deb -x "$deb" "$sysroot"
    else
      (cd "$sysroot" && ar p "$deb" "$(ar t "$deb" | grep '^data\.tar')" | tar -xJ)
    fi
  done
  multiarch=$sysroot/usr/lib/x86_64-linux-gnu
  # LibTorch's own Gloo headers, where it ships them, must win over Debian's release of Gloo.
  torch_include=$(cd "$prefix/../.." && pwd)/include
  [[ -d "$torch_include/gloo" ]] && rm -rf "$sysroot/usr/include/gloo"
  # Only the sonames this machine lacks go on the loader's path: its own libraries (libcurl,
  # libssl, zlib, ...) stay in charge of every other program, Python's torch included.
  known=$(ldconfig -p 2>/dev/null || true)  # without ldconfig, every bundled library is used
  for lib in "$multiarch"/lib*.so.[0-9]*; do
    [[ -f "$lib" ]] || continue
    soname=$(objdump -p "$lib" 2>/dev/null | awk '/SONAME/ {print $2}')
    [[ -n "$soname" ]] || soname=$(basename "$lib")
    grep -q "^[[:space:]]*$soname " <<<"$known" || ln -sf "$lib" "$sysroot/missing-libs/$soname"
  done
  echo "shared libraries this machine lacks: $(ls "$sysroot/missing-libs" | tr '\n' ' ')"
  export LD_LIBRARY_PATH=$sysroot/missing-libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
  # pkg-config reads only the unpacked .pc files, and prefixes their /usr paths with the sysroot.
  export PKG_CONFIG_LIBDIR=$multiarch/pkgconfig:$sysroot/usr/share/pkgconfig
  export PKG_CONFIG_SYSROOT_DIR=$sysroot
  pkg_config=$(command -v pkg-config || echo "$sysroot/usr/bin/pkgconf")
  cmake_args=(-DCMAKE_PREFIX_PATH="$prefix;$sysroot/usr" -DPKG_CONFIG_EXECUTABLE="$pkg_config"
    -DHDF5_ROOT="$multiarch/hdf5/serial")
  [[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] ||
    export PTYCHOPINN_FONT=$sysroot/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
  [[ -d "$deps/shared/datasets" ]] && shared=$deps/shared
fi

echo "== build"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_BUILD_TESTS=ON \
  -DPTYCHOPINN_BUILD_PYTHON=OFF -DPTYCHOPINN_SHARED_DIR="$shared" -DCMAKE_CXX_STANDARD="$standard" \
  "${cmake_args[@]}"
cmake --build "$build_dir" -j "$jobs" --target ptychopinn_cli pinn_bench iterative_bench test_bundle \
  test_iterative test_physics test_execution
pp="$build_dir/bin/ptychopinn"
version=$("$pp" version)
echo "$version"
if ! grep -q '^CUDA: available' <<<"$version"; then
  echo "gpu-check: this build of ptychopinn sees no CUDA device, so every CUDA check would skip" >&2
  exit 1
fi

echo "== CUDA tests"
ctest --test-dir "$build_dir" -R 'Cuda|CUDA|CrossDevice' --output-on-failure

echo "== end to end on the GPU"
mkdir -p "$out"
"$pp" simulate --object lines --set_phi --N 64 --gridsize 2 --object_size 320 --scan random --n_images 1600 \
  --split 0.6 --seed 1 --quiet --output "$out/lines.npz"
"$pp" train --train_data_file "$out/lines_train.npz" --output_dir "$out/run" --gridsize 2 --n_groups 960 \
  --nepochs 10 --early_stop_patience 0 --device cuda
"$pp" infer --model_path "$out/run" --test_data_file "$out/lines_test.npz" --output_dir "$out/recon" --device cuda
"$pp" evaluate --reconstruction "$out/recon/reconstruction.npz" --ground_truth "$out/lines_test.npz" \
  --output_dir "$out/eval"

if [[ "${QUICK:-0}" == 1 ]]; then seconds=1 repeats=1 iterations=2; else seconds=1 repeats=3 iterations=3; fi
echo "== the network on the GPU (C++ and the Python PyTorch twin)"
for batch in 16 64; do
  PTYCHOPINN_BENCH_PYTHON="$py" "$build_dir/bench/pinn_bench" --device cuda --infer_batch "$batch" \
    --seconds "$seconds" --repeats "$repeats"
done
echo "== the iterative engine on the Siemens star (CPU rows on every core, then CUDA)"
"$build_dir/bench/iterative_bench" --sizes 64,128 --threads "$jobs" --iterations "$iterations"
