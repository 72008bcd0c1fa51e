#!/usr/bin/env bash
# Self-supervised reconstruction of a real measured scan: the APS Siemens star of tike's test data
# (siemens-star-small.npz.bz2 of the shared datasets folder, the default DATA; 516 frames of
# 128 x 128 photon counts, no ground truth). The PINN learns from the measured diffraction alone.
#
#   1. convert the tike scan into a contract dataset (ptychopinn convert);
#   2. train on every frame and reconstruct the whole scan;
#   3. split the frames into two disjoint halves (alternate scan positions), train and reconstruct
#      each, and compute the Fourier ring correlation between the two reconstructions over their
#      common area (ptychopinn evaluate --reference): the resolution without ground truth.
#
# Everything goes to OUT (default examples/siemens-star/output): amplitude.png and phase.png of each
# reconstruction, frc/frc.png and frc/metrics.json, and settings.txt with the exact commands.
#   QUICK=1 (default)  the central 64 x 64 detector pixels (object pixel 2x larger), a few minutes
#   QUICK=0            the full 128 x 128 detector (N = 128), much longer
#   EPOCHS             training epochs (default 12 quick, 30 full)
#   DATA, OUT, BUILD_DIR, THREADS
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"
data=${DATA:-$root/../shared/datasets/siemens-star-small.npz.bz2}
out=${OUT:-examples/siemens-star/output}
build_dir=${BUILD_DIR:-build}
quick=${QUICK:-1}
if [[ "$quick" == 1 ]]; then
  n=64 crop=(--crop 64) epochs=${EPOCHS:-12}
else
  n=128 crop=() epochs=${EPOCHS:-30}
fi
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
# gridsize 1 with object_big false: the measured probe has a few per cent of its energy outside the
# central N/2 block, where the reference's object_big merge would multiply the object by 1000.
train_args=(--N "$n" --gridsize 1 --object_big false --nepochs "$epochs" --batch_size 16 --early_stop_patience 0
  "${threads[@]}")
# Stitch the central N/2 block of each patch: the probe lies there; outside it the object is barely lit.
infer_args=(--stitch_crop $((n / 2)) "${threads[@]}")

run "$pp" convert "$data" "$out/star.npz" "${crop[@]}"
run "$pp" train --train_data_file "$out/star.npz" --output_dir "$out/run" "${train_args[@]}"
run "$pp" infer --model_path "$out/run" --test_data_file "$out/star.npz" --output_dir "$out/recon" "${infer_args[@]}"

for half in 0 1; do
  run "$pp" convert "$data" "$out/half$half.npz" "${crop[@]}" --subsample "2:$half"
  run "$pp" train --train_data_file "$out/half$half.npz" --output_dir "$out/half$half/run" "${train_args[@]}"
  run "$pp" infer --model_path "$out/half$half/run" --test_data_file "$out/half$half.npz" \
    --output_dir "$out/half$half/recon" "${infer_args[@]}"
done
mkdir -p "$out/frc"
run "$pp" evaluate --reconstruction "$out/half0/recon/reconstruction.npz" \
  --reference "$out/half1/recon/reconstruction.npz" --output_dir "$out/frc" | tee "$out/frc/summary.txt"

echo "done: $out/recon/amplitude.png, $out/recon/phase.png, $out/frc/frc.png (settings: $settings)"
