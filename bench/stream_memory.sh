#!/usr/bin/env bash
# Resident memory and wall clock of streaming inference (`ptychopinn infer`) as the dataset grows:
# the maximum resident set should stay flat (docs/performance.md, "Streaming inference memory").
# Trains a small gridsize-1 model once (n_filters_scale 1, one epoch), simulates N = 64 datasets of
# each size and prints one row per size. Needs /usr/bin/time; the datasets stay in WORK for reruns.
#
#   bench/stream_memory.sh                       sizes 1000 20000
#   SIZES="1000 20000 100000" bench/stream_memory.sh   (100,000 patterns: a 1.65 GB file, ~4 minutes)
#
# Environment: BUILD_DIR (default build), THREADS (default 2), WORK (default /tmp/ptychopinn-stream).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
[[ $build_dir == /* ]] || build_dir="$root/$build_dir"
pp="$build_dir/bin/ptychopinn"
sizes=${SIZES:-"1000 20000"}
threads=${THREADS:-2}
work=${WORK:-/tmp/ptychopinn-stream}
[[ -x "$pp" ]] || { echo "stream_memory.sh: $pp is missing; build the ptychopinn_cli target first" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "stream_memory.sh: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
mkdir -p "$work"
cd "$work"
sim() {  # sim COUNT SEED FILE
  "$pp" simulate --object lines --object_size 1200 --scan random --n_images "$1" --N 64 --gridsize 1 \
    --seed "$2" -o "$3" >/dev/null 2>&1
}
[[ -f train.npz ]] || sim 512 1 train.npz
if [[ ! -f model/wts.h5.zip ]]; then
  rm -rf model
  "$pp" train --train_data_file train.npz --output_dir model --gridsize 1 --N 64 --nepochs 1 \
    --n_filters_scale 1 --threads "$threads" >/dev/null 2>&1
fi
printf '| %-9s | %-12s | %-10s | %-13s | %-12s | %-11s |\n' patterns "dataset file" "wall clock" \
  "max resident" "system time" "page faults"
printf '|%s|%s|%s|%s|%s|%s|\n' ----------- -------------- ------------ --------------- -------------- -------------
for n in $sizes; do
  [[ -f "d$n.npz" ]] || sim "$n" 2 "d$n.npz"
  rm -rf "out$n"
  if ! /usr/bin/time -v "$pp" infer --model_path model --test_data_file "d$n.npz" --output_dir "out$n" \
    --threads "$threads" >"log$n.txt" 2>"time$n.txt"; then
    echo "stream_memory.sh: infer of d$n.npz failed:" >&2
    tail -5 "time$n.txt" >&2
    exit 1
  fi
  field() { grep "$1" "time$n.txt" | awk -F': ' '{print $NF}'; }
  printf '| %9s | %12s | %10s | %10s MB | %10s s | %11s |\n' "$n" "$(du -h "d$n.npz" | cut -f1)" \
    "$(field 'Elapsed')" "$(($(field 'Maximum resident') / 1024))" "$(field 'System time')" "$(field 'Minor')"
done
