#!/usr/bin/env bash
# The newcomer's demo: installs what is missing, builds, simulates a training and a test set,
# trains for a few minutes, reconstructs the test set with the network, with LSQML from a flat
# start and with the hybrid (LSQML from the network's reconstruction), evaluates each against the
# true object and writes a report and a side-by-side picture, everything under demo-output/
# (REPORT.md says what each file is).
#   BUILD_DIR  build folder (default: build)     OUT  output folder (default: demo-output)
#   EPOCHS     training epochs (default 10)      N_GROUPS  training groups (default 960, every training position)
#   ITERATIONS LSQML iterations (default 100)    HYBRID_ITERATIONS  the hybrid's (default 30)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
out=${OUT:-demo-output}
shared=${PTYCHOPINN_SHARED_DIR:-$root/../shared}

say() { printf '\n== %s\n' "$*"; }

say "1/9 installing missing Debian packages (scripts/setup-deps.sh)"
bash scripts/setup-deps.sh
say "2/9 building the ptychopinn command"
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
say "3/9 simulating training and test data (lines, N=64, gridsize 2)"
"$pp" simulate --object lines --set_phi --N 64 --gridsize 2 --object_size 320 --scan random --n_images 1600 \
  --nphotons 1e9 --split 0.6 --seed 1 --output "$out/lines.npz"
"$pp" inspect "$out/lines_train.npz" >"$out/lines_train-inspect.txt"

say "4/9 training ($epochs epochs of $n_groups groups on $(nproc) cores; Ctrl-C then --resume continues)"
"$pp" train --train_data_file "$out/lines_train.npz" --output_dir "$out/run" --gridsize 2 \
  --n_groups "$n_groups" --nepochs "$epochs" --nphotons 1e9 --early_stop_patience 0

say "5/9 reconstructing the test set"
"$pp" infer --model_path "$out/run" --test_data_file "$out/lines_test.npz" --output_dir "$out/recon"

say "6/9 the iterative engine on the same test set: LSQML from a flat start, and the hybrid"
# The hybrid starts LSQML from the network's reconstruction and its probe: fewer iterations for
# the iterative solver's fidelity (docs/iterative.md).
iterations=${ITERATIONS:-100}
hybrid_iterations=${HYBRID_ITERATIONS:-30}
"$pp" iterate --data_file "$out/lines_test.npz" --output_dir "$out/lsqml" --iterations "$iterations"
"$pp" iterate --data_file "$out/lines_test.npz" --model_path "$out/run" --output_dir "$out/hybrid" \
  --iterations "$hybrid_iterations"

say "7/9 evaluating each against the true object"
for method in recon lsqml hybrid; do
  eval_dir="$out/eval"
  [[ $method == recon ]] || eval_dir="$out/eval-$method"
  mkdir -p "$eval_dir"
  "$pp" evaluate --reconstruction "$out/$method/reconstruction.npz" --ground_truth "$out/lines_test.npz" \
    --output_dir "$eval_dir" | tee "$eval_dir/metrics.txt"
done
/usr/bin/python3 scripts/side_by_side.py "$out/side_by_side.png" "$out/lines_test.npz" \
  "PINN ($epochs epochs)=$out/recon/reconstruction.npz" \
  "LSQML ($iterations iterations)=$out/lsqml/reconstruction.npz" \
  "PINN + LSQML ($hybrid_iterations iterations)=$out/hybrid/reconstruction.npz"

say "8/9 report"
"$pp" report "$out/run" --inference "$out/recon" --evaluation "$out/eval" -o "$out/report.html"

say "9/9 the three configuration profiles and the real Siemens-star scan"
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
# One row per method, from each evaluation's metrics.json.
table=$(/usr/bin/python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for label, d in [("PINN", "eval"), ("LSQML", "eval-lsqml"), ("PINN + LSQML (hybrid)", "eval-hybrid")]:
    m = json.load(open(f"{out}/{d}/metrics.json"))
    a, p = m["amplitude"], m["phase"]
    print(f"| {label} | {a['ssim']:.3f} | {a['pearson']:.3f} | {p['ssim']:.3f} | {p['pearson']:.3f} |")
PY
)

cat >"$out/REPORT.md" <<REPORT
# ptychopinn demo report

Generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by scripts/demo.sh: $ssim.

| file | what it is |
|---|---|
| side_by_side.png | the true object beside the network's, LSQML's and the hybrid's reconstructions |
| report.html | the network's run on one page (curves, pictures, metrics): open it in a browser |
| lines_train.npz, lines_test.npz | simulated training and test data (\`ptychopinn inspect\` them) |
| run/ | the training run: wts.h5.zip (model), history.csv, config.yaml, train.log, checkpoints/ |
| recon/amplitude.png, recon/phase.png | the reconstruction of the test object |
| recon/reconstruction.npz, recon/product-out.h5 | the same as data (NumPy; ptychodus) |
| eval/metrics.json, eval/comparison.png, eval/frc.png | the comparison of the network's reconstruction with the true object |
| lsqml/, hybrid/ | \`ptychopinn iterate\` from a flat start and from the network (reconstruction.npz, pictures, convergence.csv/png, refined probe) |
| eval-lsqml/, eval-hybrid/ | their comparisons with the true object |
| config-*.yaml | the effective configuration of each named profile |
| siemens-star-64.npz, siemens-star-inspect.txt | the real APS Siemens-star scan converted to a dataset (64 x 64 crop) and inspected; examples/siemens-star/run.sh trains on it |

Against the true object (after registration; \`ptychopinn evaluate\`):

| method | amplitude SSIM | amplitude Pearson r | phase SSIM | phase Pearson r |
|---|---|---|---|---|
$table

These compare the whole scanned box, whose weakly lit rim no method determines (there the
hybrid keeps what the network drew, LSQML its flat start: see eval-hybrid/comparison.png).
side_by_side.png gives each method's Pearson r over the well-lit region instead, where the hybrid
matches the truth at least as well as LSQML after fewer iterations. The network reconstructs in one
pass; the hybrid starts the solver from it (convergence.csv in lsqml/ and hybrid/ gives the error
per iteration). More epochs give sharper network reconstructions: EPOCHS=20 scripts/demo.sh.
REPORT
say "done: $ssim"
echo "open $out/side_by_side.png and $out/report.html (or see $out/REPORT.md)"
