#!/usr/bin/env bash
# Configures and builds kascade against one Kokkos: `serial` (Debian's Kokkos 3.4.1), `openmp`
# (Kokkos 3.4.1 with OpenMP built by scripts/setup.sh) or `sanitize` (Debian's Serial Kokkos,
# AddressSanitizer + UndefinedBehaviorSanitizer, -O1, no benchmarks), `tsan` (clang 14 and the
# OpenMP Kokkos of `scripts/setup.sh tsan`, ThreadSanitizer, -O1, no benchmarks) or `cuda` (Kokkos
# with CUDA from `scripts/setup.sh cuda`). Prints the build directory.
#   scripts/build.sh [serial|openmp|sanitize|tsan|cuda] [extra cmake args...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
flavour=${1:-openmp}; shift || true
cache=${KASCADE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kascade}
build="$root/build/$flavour"
args=(-DCMAKE_BUILD_TYPE=Release)
case "$flavour" in
  serial) ;;
  openmp) args+=(-DKokkos_ROOT="$cache/kokkos-openmp" -DKokkosKernels_ROOT="$cache/kokkos-openmp") ;;
  sanitize)
    # Any UB aborts the test that hit it; -O1 keeps the suite fast enough for CI.
    san="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    # (-Wno-maybe-uninitialized: GCC 12 gives false positives in <regex> under the sanitizers)
    args=(-DCMAKE_BUILD_TYPE=Sanitize "-DCMAKE_CXX_FLAGS_SANITIZE=-O1 -g1 $san -Wno-maybe-uninitialized"
      "-DCMAKE_C_FLAGS_SANITIZE=-O1 -g1 $san" "-DCMAKE_EXE_LINKER_FLAGS_SANITIZE=$san"
      "-DCMAKE_SHARED_LINKER_FLAGS_SANITIZE=$san" -DKASCADE_BUILD_BENCHMARKS=OFF)
    # The build runs the test programs (GoogleTest lists their tests): the run-time options of
    # tests/sanitizers/, as tests/CMakeLists.txt gives every test.
    export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0:use_tls=0"
    export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" ;;
  tsan)
    # Threads checked by ThreadSanitizer: tests/sanitizers/README.md.
    kokkos="$cache/kokkos-openmp-tsan"
    [ -f "$kokkos/.complete" ] || { echo "build.sh: no ThreadSanitizer Kokkos in $kokkos: run scripts/setup.sh tsan" >&2; exit 2; }
    tsan="-fsanitize=thread -g -O1"
    args=(-DCMAKE_BUILD_TYPE=Tsan -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_C_COMPILER=clang-14
      "-DCMAKE_CXX_FLAGS_TSAN=$tsan" "-DCMAKE_C_FLAGS_TSAN=$tsan"
      "-DCMAKE_EXE_LINKER_FLAGS_TSAN=-fsanitize=thread" "-DCMAKE_SHARED_LINKER_FLAGS_TSAN=-fsanitize=thread"
      -DKokkos_ROOT="$kokkos" -DKokkosKernels_ROOT="$kokkos" -DKASCADE_BUILD_BENCHMARKS=OFF) ;;
  cuda)
    # Kokkos with CUDA from `scripts/setup.sh cuda`; the build needs nvcc, not a GPU.
    kokkos="$cache/kokkos-cuda-omp-${KASCADE_CUDA_ARCH:-HOPPER90}"
    [ -f "$kokkos/.complete" ] || { echo "build.sh: no CUDA Kokkos in $kokkos: run scripts/setup.sh cuda" >&2; exit 2; }
    command -v nvcc >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
    command -v nvcc >/dev/null || { echo "build.sh: no nvcc on PATH or in /usr/local/cuda/bin" >&2; exit 2; }
    export NVCC_WRAPPER_DEFAULT_COMPILER=${NVCC_WRAPPER_DEFAULT_COMPILER:-g++}
    args+=(-DKokkos_ROOT="$kokkos" -DCMAKE_CXX_COMPILER="$kokkos/bin/nvcc_wrapper")
    [ "${KASCADE_CUDA_ARCH:-HOPPER90}" = HOPPER90 ] || build="$root/build/cuda-$KASCADE_CUDA_ARCH" ;;
  *) echo "build.sh: unknown flavour '$flavour' (serial, openmp, sanitize, tsan or cuda)" >&2; exit 2 ;;
esac
if command -v ccache >/dev/null && [ "$flavour" != cuda ]; then
  # Paths relative to the checkout, so a fresh clone elsewhere (as CI makes) hits the cache.
  export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# The build runs the test program to list its tests (gtest_discover_tests): without these,
# Kokkos' OpenMP start-up warning would be listed as three tests that then fail.
export OMP_PROC_BIND=${OMP_PROC_BIND:-spread} OMP_PLACES=${OMP_PLACES:-threads}
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" "${args[@]}" "$@" >&2
# (GNU nproc honours OMP_NUM_THREADS, which scripts/test.sh sets to 1 for the tests.)
cmake --build "$build" -j "$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)" >&2
echo "$build"
