#!/usr/bin/env bash
# The newcomer's demo: installs what is missing, builds, simulates a training and a test set,
# trains for a few minutes, reconstructs the test set, evaluates it against the true object and
# writes a report, everything under demo-output/ (REPORT.md says what each file is).
#   BUILD_DIR  build folder (default: build)     OUT  output folder (default: demo-output)
#   EPOCHS     training epochs (default 10)      N_GROUPS  training groups (default 960, every training position)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
out=${OUT:-demo-output}
shared=${PTYCHOPINN_SHARED_DIR:-$root/../shared}

say() { printf '\n== %s\n' "$*"; }

say "1/8 installing missing Debian packages (scripts/setup-deps.sh)"
bash scripts/setup-deps.sh
say "2/8 building the ptychopinn command"
# Configured exactly as scripts/test.sh configures, so that the tests run afterwards reuse every
# object compiled here and compile only the tests.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DPTYCHOPINN_KEEP_ASSERTS=ON \
  -DPTYCHOPINN_BUILD_TESTS=ON >/dev/null
cmake --build "$build_dir" --target ptychopinn_cli -j "$(nproc)"
pp="$build_dir/bin/ptychopinn"
mkdir -p "$out"
"$pp" version | tee "$out/version.txt"

# The embedded default: a `lines` object, N = 64, gridsize 2, 1e9 photons per pattern; the object's
# top rows make the training set and its bottom rows the test set (no pixel in common).
epochs=${EPOCHS:-10}
n_groups=${N_GROUPS:-960}
say "3/8 simulating training and test data (lines, N=64, gridsize 2)"
"$pp" simulate --object lines --set_phi --N 64 --gridsize 2 --object_size 320 --scan random --n_images 1600 \
  --nphotons 1e9 --split 0.6 --seed 1 --output "$out/lines.npz"
"$pp" inspect "$out/lines_train.npz" >"$out/lines_train-inspect.txt"

say "4/8 training ($epochs epochs of $n_groups groups on $(nproc) cores; Ctrl-C then --resume continues)"
"$pp" train --train_data_file "$out/lines_train.npz" --output_dir "$out/run" --gridsize 2 \
  --n_groups "$n_groups" --nepochs "$epochs" --nphotons 1e9 --early_stop_patience 0

say "5/8 reconstructing the test set"
"$pp" infer --model_path "$out/run" --test_data_file "$out/lines_test.npz" --output_dir "$out/recon"

say "6/8 evaluating against the true object"
mkdir -p "$out/eval"
"$pp" evaluate --reconstruction "$out/recon/reconstruction.npz" --ground_truth "$out/lines_test.npz" \
  --output_dir "$out/eval" | tee "$out/eval/metrics.txt"

say "7/8 report"
"$pp" report "$out/run" --inference "$out/recon" --evaluation "$out/eval" -o "$out/report.html"

say "8/8 the three configuration profiles and the real Siemens-star scan"
for profile in modern paper-2023 grid-lines; do
  "$pp" config train --profile "$profile" --format yaml >"$out/config-$profile.yaml"
done
star="$shared/datasets/siemens-star-small.npz.bz2"
if [[ -f "$star" ]]; then
  # A measured tike scan (counts, DC at the corner) turned into a dataset; training on it is
  # examples/siemens-star/run.sh.
  "$pp" convert "$star" "$out/siemens-star-64.npz" --crop 64
  "$pp" inspect "$out/siemens-star-64.npz" >"$out/siemens-star-inspect.txt"
fi

ssim=$(/usr/bin/python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print('amplitude SSIM %.3f, phase SSIM %.3f, amplitude Pearson r %.3f, phase Pearson r %.3f' % (m['amplitude']['ssim'], m['phase']['ssim'], m['amplitude']['pearson'], m['phase']['pearson']))" "$out/eval/metrics.json")

cat >"$out/REPORT.md" <<REPORT
# ptychopinn demo report

Generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by scripts/demo.sh: $ssim.

| file | what it is |
|---|---|
| report.html | everything below on one page: open it in a browser |
| lines_train.npz, lines_test.npz | simulated training and test data (\`ptychopinn inspect\` them) |
| run/ | the training run: wts.h5.zip (model), history.csv, config.yaml, train.log, checkpoints/ |
| recon/amplitude.png, recon/phase.png | the reconstruction of the test object |
| recon/reconstruction.npz, recon/product-out.h5 | the same as data (NumPy; ptychodus) |
| eval/metrics.json, eval/comparison.png, eval/frc.png | the comparison with the true object |
| config-*.yaml | the effective configuration of each named profile |
| siemens-star-64.npz, siemens-star-inspect.txt | the real APS Siemens-star scan converted to a dataset (64 x 64 crop) and inspected; examples/siemens-star/run.sh trains on it |

More epochs give sharper reconstructions: EPOCHS=20 scripts/demo.sh.
REPORT
say "done: $ssim"
echo "open $out/report.html (or see $out/REPORT.md, $out/recon/amplitude.png, $out/recon/phase.png)"
