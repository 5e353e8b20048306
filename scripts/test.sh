#!/usr/bin/env bash
# Sets up (first time only), then builds and runs the whole test suite twice: against Debian's
# Serial Kokkos and against the OpenMP build. Extra arguments go to ctest.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/setup.sh"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_NUM_THREADS=1
status=0
for flavour in serial openmp; do
  echo "=== kascade tests: $flavour Kokkos"
  build=$(bash "$root/scripts/build.sh" "$flavour")
  (cd "$build" && ctest --output-on-failure -j "$(nproc)" "$@") || status=1
done
exit $status
