#!/usr/bin/env bash
# Configures and builds kascade against one Kokkos: `serial` (Debian's Kokkos 3.4.1) or
# `openmp` (Kokkos 3.4.1 with OpenMP built by scripts/setup.sh). Prints the build directory.
#   scripts/build.sh [serial|openmp] [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-openmp}; shift || true
cache=${KASCADE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kascade}
build="$root/build/$flavour"
args=(-DCMAKE_BUILD_TYPE=Release)
case "$flavour" in
  serial) ;;
  openmp) args+=(-DKokkos_ROOT="$cache/kokkos-openmp" -DKokkosKernels_ROOT="$cache/kokkos-openmp") ;;
  *) echo "build.sh: unknown flavour '$flavour' (serial or openmp)" >&2; exit 2 ;;
esac
if command -v ccache >/dev/null; then
  # Paths relative to the checkout, so a fresh clone elsewhere (as CI makes) hits the cache.
  export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" "${args[@]}" "$@" >&2
cmake --build "$build" -j "$(nproc)" >&2
echo "$build"
