#!/usr/bin/env bash
# Builds kascade_benchmarks and runs it on one thread, writing Google Benchmark's JSON.
#
#   scripts/run_benchmarks.sh [BUILD_DIR] [benchmark args...]
#
# BUILD_DIR (default: build/ at the repository root) is configured if it has no CMakeCache.txt
# (extra configure arguments from $KASCADE_CMAKE_ARGS, e.g. "-DKokkos_ROOT=... -DKokkosKernels_ROOT=..."),
# and kascade_benchmarks is (re)built in it. Arguments after it go to the program, e.g.
#   scripts/run_benchmarks.sh build --benchmark_filter='BM_Step/|BM_Spmv'
# The JSON goes to $KASCADE_BENCH_OUT_DIR/benchmarks.json (default: BUILD_DIR/benchmarks.json).
# Threads: $KASCADE_BENCH_THREADS (default 1) becomes OMP_NUM_THREADS.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${root}/build"
if [[ $# -gt 0 && "$1" != -* ]]; then
  build="$1"
  shift
fi

if [[ ! -f "${build}/CMakeCache.txt" ]]; then
  # shellcheck disable=SC2086  # KASCADE_CMAKE_ARGS is a list of words on purpose
  cmake -S "${root}" -B "${build}" -DCMAKE_BUILD_TYPE=Release ${KASCADE_CMAKE_ARGS:-}
fi
cmake --build "${build}" --target kascade_benchmarks -j "$(nproc)"

out_dir="${KASCADE_BENCH_OUT_DIR:-${build}}"
mkdir -p "${out_dir}"
out_dir="$(cd "${out_dir}" && pwd)"
json="${out_dir}/benchmarks.json"

start=$(date +%s)
OMP_NUM_THREADS="${KASCADE_BENCH_THREADS:-1}" OMP_PROC_BIND=spread OMP_PLACES=threads \
  "${build}/kascade_benchmarks" \
  --benchmark_out="${json}" --benchmark_out_format=json \
  --benchmark_min_time=0.2 \
  "$@"
echo "run_benchmarks: $(($(date +%s) - start)) s; JSON written to ${json}"
