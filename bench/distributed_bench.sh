#!/usr/bin/env bash
# Data-parallel training throughput: samples/s with 1 and 2 processes on this machine (each with
# one thread), and the gradient all-reduce time per optimisation step (Gloo over loopback).
#   BUILD_DIR (default build), N (64), IMAGES (1024), EPOCHS (3), BATCH (16 per process)
# Prints a table. The global batch of the 2-process run is 2 x BATCH.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pp="$root/${BUILD_DIR:-build}/bin/ptychopinn"
n=${N:-64} images=${IMAGES:-1024} epochs=${EPOCHS:-3} batch=${BATCH:-16}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$pp" simulate --object lines --N "$n" --object_size 256 --scan random --n_images "$images" --seed 3 \
  --output "$work/d.npz" >/dev/null 2>&1

printf '| processes | threads each | global batch | samples/s | all-reduce ms/step | steps |\n'
printf '|---|---|---|---|---|---|\n'
for procs in 1 2; do
  out="$work/run$procs"
  log="$work/log$procs"
  "$pp" train --train_data_file "$work/d.npz" --output_dir "$out" --N "$n" --gridsize 1 --nepochs "$epochs" \
    --batch_size "$batch" --validation_fraction 0 --early_stop_patience 0 --threads 1 --quiet \
    --nproc_per_node "$procs" --master_port $((29700 + procs)) >/dev/null 2>"$log"
  groups=$(grep -o 'training [0-9]* groups' "$out/train.log" | head -1 | awk '{print $2}')
  # Every epoch but the first (warm-up): samples over seconds from history.csv.
  rate=$(awk -F, -v g="$groups" 'NR > 2 { s += $5; n += g } END { if (s > 0) printf "%.1f", n / s; else print "-" }' \
    "$out/history.csv")
  reduce=$( (grep -o 'all-reduce [0-9.]* ms per step over [0-9]* steps' "$log" || true) | head -1 |
    awk '{print $2 " | " $7}')
  [[ -n "$reduce" ]] || reduce="- | -"
  printf '| %d | 1 | %d | %s | %s |\n' "$procs" $((batch * procs)) "$rate" "$reduce"
done
