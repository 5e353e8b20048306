#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then configures, builds and runs a consumer
# project that finds kascade with find_package.   usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
kokkos_root=$(sed -n 's/^Kokkos_DIR:PATH=//p' "$build/CMakeCache.txt")
kk_root=$(sed -n 's/^KokkosKernels_DIR:PATH=//p' "$build/CMakeCache.txt")
cmake -S "$source/tests/install" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  -DKokkos_DIR="$kokkos_root" -DKokkosKernels_DIR="$kk_root" >/dev/null
cmake --build "$scratch/build" >/dev/null
"$scratch/build/consumer" | grep -q "synapses"
echo "1 passed, 0 failed"
