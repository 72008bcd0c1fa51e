#!/usr/bin/env bash
# Collects the Debian 12 packages that ptychopinn builds against (headers, CMake and pkg-config
# files, shared libraries, the DejaVu font) as .deb files in one folder, for a GPU machine that has
# a CUDA LibTorch but no package archive to install from. scripts/gpu-check.sh unpacks them into its
# build folder (from .gpu-deps when it exists, or the folder GPU_DEPS names); nothing is installed
# on either machine.
#
#   scripts/gpu-bundle.sh [FOLDER]     default FOLDER: .gpu-deps (ignored by git)
#
# Runs here, on Debian 12 with apt's lists current; needs the network, not root. LibTorch, Python
# and the build tools are not collected: the GPU machine brings its own.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=${1:-$root/.gpu-deps}

# The libraries of scripts/setup-deps.sh (keep the two in step) that
# cmake/PtychopinnDependencies.cmake and tests/ find, without LibTorch, oneDNN and Python; with the
# -dev packages' pkg-config neighbours (libpng16.pc and freetype2.pc name zlib, brotli and bzip2)
# and pkg-config itself.
dev=(
  libzip-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libnanoflann-dev libxxhash-dev
  libhdf5-dev liblzf-dev libpng-dev zlib1g-dev libbz2-dev libbrotli-dev libfftw3-dev libfreetype-dev
  libgloo-dev libgtest-dev libgmock-dev pkgconf pkgconf-bin libpkgconf3 fonts-dejavu-core
)
# The shared libraries those link, with everything they load in turn except the C and C++
# runtimes every Linux has; gpu-check.sh puts on the loader's path only the ones (by soname) that
# the GPU machine lacks.
runtime=(libzip4 libyaml-cpp0.7 libxxhash0 libhdf5-103-1 liblzf1 libpng16-16 libbz2-1.0 libfftw3-single3
  libfreetype6)
mapfile -t closure < <(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
  --no-breaks --no-replaces --no-enhances --no-pre-depends "${runtime[@]}" |
  grep -v '^[ <]' | grep -vxE 'libc6|libgcc-s1|libstdc\+\+6|gcc-12-base|libgomp1' | sort -u)

mkdir -p "$dest"
cd "$dest"
rm -f ./*.deb
# As root, apt fetches as its own user, who may not write here.
sandbox=()
[[ $(id -u) == 0 ]] && sandbox=(-o APT::Sandbox::User=root)
apt-get download -qq "${sandbox[@]}" "${dev[@]}" "${closure[@]}"
# The measured Siemens star, for iterative_bench (the shared folder stays behind).
star=${PTYCHOPINN_SHARED_DIR:-$root/../shared}/datasets/siemens-star-small.npz.bz2
if [[ -f "$star" ]]; then
  mkdir -p shared/datasets
  cp "$star" shared/datasets/
fi
echo "gpu-bundle: $(ls ./*.deb | wc -l) packages, $(du -sh . | cut -f1) in $dest"
