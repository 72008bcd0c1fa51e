#!/usr/bin/env bash
# Reconstructions of a real measured scan, side by side: the APS Siemens star of tike's test data
# (siemens-star-small.npz.bz2 of the shared datasets folder, the default DATA; 516 frames of
# 128 x 128 photon counts, no ground truth).
#
#   1. convert the tike scan into a contract dataset (ptychopinn convert), and its two disjoint
#      halves (alternate scan positions);
#   2. the iterative engine: LSQML (the reference every other method is held against) and rPIE
#      (ptychopinn iterate), probe refined;
#   3. the PINN: train on the measured diffraction alone and reconstruct the whole scan;
#   4. the hybrid: the PINN's reconstruction (and probe) as LSQML's starting point;
#   5. the half-scans of LSQML, the PINN and the hybrid, for each method's own resolution;
#   6. compare.py: every method on the LSQML grid after registration, the complex FRC against LSQML,
#      amplitude and phase Pearson r, half-scan FRC resolution, and how many iterations the hybrid
#      needs to reach LSQML's final Fourier error.
#
# Everything goes to OUT (default examples/siemens-star/output): compare/comparison.png (the
# pictures side by side), compare/frc.png, compare/summary.md (the table), each run's folder with
# its own amplitude.png, phase.png (and probe.png, convergence.png for the iterative runs), and
# settings.txt with the exact commands.
#   QUICK=1 (default)  the central 64 x 64 detector pixels (object pixel 2x larger), minutes
#   QUICK=0            the full 128 x 128 detector (N = 128), much longer
#   EPOCHS             PINN training epochs (default 30: under 7 minutes per training at the 64 crop)
#   ITERATIONS         iterations of the iterative runs (default 100)
#   GRIDSIZE           the PINN's gridsize (default 2: each group's views share one object)
#   WARMUP             --overlap_warmup_epochs (default: not passed, the program's auto rule)
#   DATA, OUT, BUILD_DIR, THREADS
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
data=${DATA:-$root/../shared/datasets/siemens-star-small.npz.bz2}
out=${OUT:-examples/siemens-star/output}
build_dir=${BUILD_DIR:-build}
quick=${QUICK:-1}
if [[ "$quick" == 1 ]]; then
  n=64 crop=(--crop 64) epochs=${EPOCHS:-30}
else
  n=128 crop=() epochs=${EPOCHS:-30}
fi
iterations=${ITERATIONS:-100}
threads=(${THREADS:+--threads "$THREADS"})
pp="$build_dir/bin/ptychopinn"
if [[ ! -x "$pp" ]]; then
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" --target ptychopinn_cli
fi
[[ -f "$data" ]] || { echo "run.sh: $data not found (set DATA=path/to/siemens-star-small.npz.bz2)" >&2; exit 1; }
mkdir -p "$out"
settings="$out/settings.txt"
: >"$settings"
run() {  # prints, records and runs one command
  echo "+ $*" | tee -a "$settings" >&2
  "$@"
}
# The default configuration at GRIDSIZE: train refines the scan's approximate probe with 50 LSQML
# iterations before the network sees it, and the probe-weighted overlap merge copes with a measured
# probe that lights the patch border (docs/measured-data.md).
train_args=(--N "$n" --gridsize "${GRIDSIZE:-2}" ${WARMUP:+--overlap_warmup_epochs "$WARMUP"}
  --nepochs "$epochs" --early_stop_patience 0 "${threads[@]}")
# Stitch the central N/2 block of each patch: the probe lies there; outside it the object is barely lit.
infer_args=(--stitch_crop $((n / 2)) "${threads[@]}")

iterate_args=(--iterations "$iterations" "${threads[@]}" -q)

run "$pp" convert "$data" "$out/star.npz" "${crop[@]}"
for half in 0 1; do
  run "$pp" convert "$data" "$out/half$half.npz" "${crop[@]}" --subsample "2:$half"
done

# The iterative engine, from a flat object and the dataset's probe.
run "$pp" iterate --data_file "$out/star.npz" --output_dir "$out/lsqml" --algorithm lsqml "${iterate_args[@]}"
run "$pp" iterate --data_file "$out/star.npz" --output_dir "$out/rpie" --algorithm rpie "${iterate_args[@]}"

# The PINN.
run "$pp" train --train_data_file "$out/star.npz" --output_dir "$out/run" "${train_args[@]}"
run "$pp" infer --model_path "$out/run" --test_data_file "$out/star.npz" --output_dir "$out/pinn" "${infer_args[@]}"

# The hybrid: the network's reconstruction and probe start LSQML.
run "$pp" iterate --data_file "$out/star.npz" --output_dir "$out/hybrid" --algorithm lsqml --model_path "$out/run" \
  "${iterate_args[@]}"

# Half-scans: each method on each half of the frames.
for half in 0 1; do
  d="$out/half$half"
  run "$pp" iterate --data_file "$d.npz" --output_dir "$d/lsqml" --algorithm lsqml "${iterate_args[@]}"
  run "$pp" train --train_data_file "$d.npz" --output_dir "$d/run" "${train_args[@]}"
  run "$pp" infer --model_path "$d/run" --test_data_file "$d.npz" --output_dir "$d/pinn" "${infer_args[@]}"
  run "$pp" iterate --data_file "$d.npz" --output_dir "$d/hybrid" --algorithm lsqml --model_path "$d/run" \
    "${iterate_args[@]}"
done
# The program's own half-scan FRC of the PINN (frc.png, metrics.json).
mkdir -p "$out/frc"
run "$pp" evaluate --reconstruction "$out/half0/pinn/reconstruction.npz" \
  --reference "$out/half1/pinn/reconstruction.npz" --output_dir "$out/frc" >"$out/frc/summary.txt"

run /usr/bin/python3 examples/siemens-star/compare.py --out "$out/compare" --reference LSQML \
  PINN="$out/pinn/reconstruction.npz" LSQML="$out/lsqml/reconstruction.npz" rPIE="$out/rpie/reconstruction.npz" \
  PINN+LSQML="$out/hybrid/reconstruction.npz" \
  --half PINN="$out/half0/pinn/reconstruction.npz,$out/half1/pinn/reconstruction.npz" \
  --half LSQML="$out/half0/lsqml/reconstruction.npz,$out/half1/lsqml/reconstruction.npz" \
  --half PINN+LSQML="$out/half0/hybrid/reconstruction.npz,$out/half1/hybrid/reconstruction.npz" \
  --convergence LSQML="$out/lsqml/convergence.csv" --convergence rPIE="$out/rpie/convergence.csv" \
  --convergence PINN+LSQML="$out/hybrid/convergence.csv"

echo "done: $out/compare/comparison.png, $out/compare/summary.md (settings: $settings)"
