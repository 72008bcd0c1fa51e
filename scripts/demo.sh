#!/usr/bin/env bash
# The newcomer's demo: installs what is missing, builds, and shows what ptychopinn does today,
# writing everything under demo-output/ (REPORT.md says what each file is).
# As the project grows this script grows into simulate -> train -> infer -> evaluate.
#   BUILD_DIR  build folder (default: build)     OUT  output folder (default: demo-output)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build_dir=${BUILD_DIR:-build}
out=${OUT:-demo-output}
shared=${PTYCHOPINN_SHARED_DIR:-$root/../shared}

say() { printf '\n== %s\n' "$*"; }

say "1/5 installing missing Debian packages (scripts/setup-deps.sh)"
bash scripts/setup-deps.sh
say "2/5 building the ptychopinn command"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" --target ptychopinn_cli -j "$(nproc)"
pp="$build_dir/bin/ptychopinn"
mkdir -p "$out"

say "3/5 versions and devices"
"$pp" version | tee "$out/version.txt"

say "4/5 effective configurations of the three profiles"
for profile in modern paper-2023 grid-lines; do
  "$pp" config train --profile "$profile" --format yaml >"$out/config-$profile.yaml"
  echo "wrote $out/config-$profile.yaml"
done
"$pp" config train --profile modern --format legacy >"$out/legacy-params-modern.json"
echo "wrote $out/legacy-params-modern.json (the reference's params.cfg keys)"

say "5/5 inspecting real measured data (Siemens star, APS)"
star="$shared/datasets/siemens-star-small.npz.bz2"
if [[ -f "$star" ]]; then
  bunzip2 -c "$star" >"$out/siemens-star-small.npz"
  # The archive is a tike scan (counts, DC at the corner), not yet a contract dataset: inspect
  # says which contract keys are missing and exits 1, which is the expected answer here.
  "$pp" inspect "$out/siemens-star-small.npz" | tee "$out/siemens-star-inspect.txt" || true
  "$pp" inspect --json "$out/siemens-star-small.npz" >"$out/siemens-star-inspect.json" || true
else
  echo "($star not found: skipped)"
fi

cat >"$out/REPORT.md" <<REPORT
# ptychopinn demo report

Generated $(date -u +%Y-%m-%dT%H:%M:%SZ) by scripts/demo.sh.

| file | what it is |
|---|---|
| version.txt | ptychopinn and LibTorch versions, CUDA availability, threads |
| config-{modern,paper-2023,grid-lines}.yaml | the effective training configuration of each named profile |
| legacy-params-modern.json | the same configuration as the reference's legacy params dictionary |
| siemens-star-small.npz | the real APS Siemens-star scan, decompressed |
| siemens-star-inspect.{txt,json} | its members and the data-contract check (a tike file: the contract keys are missing until \`ptychopinn convert\` exists) |

Simulation, training, reconstruction and evaluation are added to this demo as they land
(docs/status.md).
REPORT
say "done: see $out/REPORT.md"
