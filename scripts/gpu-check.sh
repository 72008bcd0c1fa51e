#!/usr/bin/env bash
# The checks that need an NVIDIA GPU, for a machine that has one (CI never does): builds ptychopinn
# against the CUDA LibTorch of that machine's Python (torch.utils.cmake_prefix_path), runs the tests
# whose names say CUDA (they skip on CPU-only builds), an end-to-end simulate/train/infer with
# --device cuda, and bench/pinn_bench on the GPU. Prints everything; exits non-zero on a failure.
#   PYTHON     the Python whose torch has CUDA (default: python3)
#   BUILD_DIR  build folder (default: build-cuda)
#   OUT        scratch folder for the end-to-end run (default: BUILD_DIR/gpu-check)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
py=${PYTHON:-python3}
build_dir=${BUILD_DIR:-build-cuda}
out=${OUT:-$build_dir/gpu-check}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
prefix=$("$py" -c 'import torch; assert torch.cuda.is_available(), "this torch sees no GPU"; print(torch.utils.cmake_prefix_path)')
echo "gpu-check: LibTorch from $prefix ($("$py" -c 'import torch; print(torch.__version__, torch.version.cuda)'))"
# The other dependencies come from Debian (scripts/setup-deps.sh); without network they must
# already be installed, and CMake names any that are missing.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" \
  -DPTYCHOPINN_BUILD_TESTS=ON -DPTYCHOPINN_USE_PCH=ON
cmake --build "$build_dir" -j "$(nproc)"
"$build_dir/bin/ptychopinn" version

echo "== CUDA tests"
ctest --test-dir "$build_dir" -R 'Cuda|CUDA|CrossDevice' --output-on-failure

echo "== end to end on the GPU"
mkdir -p "$out"
pp="$build_dir/bin/ptychopinn"
"$pp" simulate --object lines --set_phi --N 64 --gridsize 2 --object_size 320 --scan random --n_images 1600 \
  --split 0.6 --seed 1 --quiet --output "$out/lines.npz"
"$pp" train --train_data_file "$out/lines_train.npz" --output_dir "$out/run" --gridsize 2 --n_groups 960 \
  --nepochs 10 --early_stop_patience 0 --device cuda
"$pp" infer --model_path "$out/run" --test_data_file "$out/lines_test.npz" --output_dir "$out/recon" --device cuda
"$pp" evaluate --reconstruction "$out/recon/reconstruction.npz" --ground_truth "$out/lines_test.npz" \
  --output_dir "$out/eval"

echo "== benchmark on the GPU (C++ and the Python PyTorch twin)"
PTYCHOPINN_BENCH_PYTHON="$py" "$build_dir/bench/pinn_bench" --device cuda --infer_batch 64
