#!/usr/bin/env bash
# Installs every Debian 12 package ptychopinn needs to build, run and test (C++ and Python).
# Idempotent and quiet when everything is present; runs `apt-get update` only when something is
# missing. Not root: prints the exact `apt-get install` line instead and exits 1.
set -euo pipefail

packages=(
  # build
  cmake ninja-build g++ pkg-config ccache
  # libraries (scripts/gpu-bundle.sh collects the same for a GPU machine without a package archive)
  libtorch-dev libopenblas0-pthread
  libzip-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libnanoflann-dev libxxhash-dev
  libhdf5-dev liblzf-dev libpng-dev libbz2-dev libgloo-dev libfftw3-dev
  # pictures: PNG colour maps with labelled colour bars (FreeType renders the DejaVu font)
  libfreetype-dev fonts-dejavu-core
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # oneDNN's own API (the library Debian's LibTorch runs on): the generator's Winograd 3 x 3
  # convolutions (nets/winograd_conv3x3.h) and bench/conv_algorithms
  libdnnl-dev
  python3 python3-dev pybind11-dev python3-numpy python3-pytest python3-h5py python3-skimage python3-scipy
  # what the real ptychodus v1.2 imports headless (the ptychodus tests run its source from the shared folder)
  python3-hdf5plugin python3-watchdog python3-psutil python3-requests python3-matplotlib python3-tifffile python3-yaml
  # tools the tests use to make bad input files
  zip bzip2 gzip
)
if [[ "${PTYCHOPINN_WITH_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [[ "$status" == installed ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -ne 0 ]]; then
  echo "setup-deps: missing Debian packages; as root run:" >&2
  echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "setup-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
