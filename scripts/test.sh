#!/usr/bin/env bash
# Sets up (first time only), then builds and runs the whole test suite three times: against
# Debian's Serial Kokkos, against the OpenMP build, and under AddressSanitizer +
# UndefinedBehaviorSanitizer (Serial Kokkos; tests/sanitizers/). Extra arguments go to ctest.
# Prints the time of each phase (configure + build, tests) so that cold and warm runs can be
# compared.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
SECONDS=0
bash "$root/scripts/setup.sh"
echo "=== setup: ${SECONDS} s"
# Before OMP_NUM_THREADS=1 is exported: GNU nproc honours it and would then say 1.
jobs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_NUM_THREADS=1
status=0
for flavour in serial openmp sanitize; do
  echo "=== kascade tests: $flavour"
  SECONDS=0
  build=$(bash "$root/scripts/build.sh" "$flavour")
  echo "=== $flavour: configure + build ${SECONDS} s"
  SECONDS=0
  (cd "$build" && ctest --output-on-failure -j "$jobs" "$@") || status=1
  echo "=== $flavour: tests ${SECONDS} s"
done
exit $status
