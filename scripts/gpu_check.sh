#!/usr/bin/env bash
# The checks of a lent GPU machine, as one command (docs/performance.md, "GPU"): on that
# machine, in the repository root, with .gpu carried (scripts/gpu_bundle.sh made it here):
#
#   bash scripts/gpu_check.sh
#
# Runs the CUDA build's tests, then the step benchmarks with the machine's yardsticks (spmv and
# triad in the same run), one repetition each, then (if the bundle holds an OpenMP build) the
# host's two-thread scaling: cases B, C and C2 on one and two threads in turns
# (alternate_benchmarks.sh), on cores nothing else shares, unlike the 2-vCPU development VMs.
# Writes device.txt, tests.log, bench.log, bench.json and cpu_scaling.log to $OUT (the device
# tool brings them back) or to GPU_OUT. From the environment: CHECKS (default "tests gpu cpu"),
# time limits TEST_TIMEOUT, BENCH_TIMEOUT (seconds, default 240 each), CPU_TIMEOUT (150),
# BENCH_FILTER, CPU_ROUNDS (6).
set -uo pipefail

root="$(pwd)"
archive="${root}/.gpu/kascade-gpu.tar.xz"
bundle=/tmp/kascade-gpu-bundle
out="${OUT:-${GPU_OUT:-/tmp/kascade-gpu}}"
[ -f "${archive}" ] || { echo "gpu_check: no ${archive}: run scripts/gpu_bundle.sh first and carry .gpu" >&2; exit 2; }
command -v xz >/dev/null || { echo "gpu_check: no xz on this machine to unpack ${archive}" >&2; exit 2; }
mkdir -p "${out}" && rm -rf "${bundle}" && mkdir -p "${bundle}" && tar -C "${bundle}" -xJf "${archive}" || exit 2

export LD_LIBRARY_PATH="${bundle}/lib${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"
export OMPI_MCA_ess_singleton_isolated=1 OMPI_MCA_mca_base_component_path="${bundle}/ompi"
export PMIX_MCA_mca_base_component_path="${bundle}/pmix" OPAL_PKGDATADIR="${bundle}/share-openmpi"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMP_PROC_BIND=spread OMP_PLACES=threads OMP_NUM_THREADS="${OMP_NUM_THREADS:-8}"

source_dir="$(cat "${bundle}/source_dir")"
if [ -n "${source_dir}" ] && [ ! -e "${source_dir}" ]; then
  mkdir -p "$(dirname "${source_dir}")" && ln -s "${root}" "${source_dir}"
fi

{ nvidia-smi -L; nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv; } \
  >"${out}/device.txt" 2>&1
cat "${out}/device.txt"

checks=" ${CHECKS:-tests gpu cpu} "
if [[ ${checks} == *" tests "* ]]; then
  timeout "${TEST_TIMEOUT:-240}" "${bundle}/bin/kascade_tests" >"${out}/tests.log" 2>&1
  echo "tests: exit $? ($(grep -c '^\[       OK' "${out}/tests.log") passed, $(grep -c '^\[  FAILED' "${out}/tests.log") failed lines)"
  grep '^\[  FAILED\|^\[  PASSED' "${out}/tests.log" | head -20
fi

if [[ ${checks} == *" gpu "* ]]; then
  filter="${BENCH_FILTER:-BM_Step/|BM_StepBatch|BM_StepPropagation|BM_HandOverBits|BM_Spmv|BM_Triad}"
  timeout "${BENCH_TIMEOUT:-240}" "${bundle}/bin/kascade_benchmarks" --benchmark_filter="${filter}" \
    --benchmark_min_time=0.2 --benchmark_out="${out}/bench.json" --benchmark_out_format=json \
    >"${out}/bench.log" 2>&1
  echo "benchmarks: exit $?"
  grep -E '^BM_' "${out}/bench.log" | awk '{print $1, $2, $3}'
fi

# Issue 7's two-thread figures, where the second thread has a core of its own.
cpu_bench="${bundle}/bin/kascade_benchmarks_cpu"
if [[ ${checks} == *" cpu "* && -x ${cpu_bench} ]]; then
  model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "cpu scaling: ${model}, $(nproc --all) cores" | tee "${out}/cpu_scaling.log"
  timeout "${CPU_TIMEOUT:-150}" bash "${root}/scripts/alternate_benchmarks.sh" -r "${CPU_ROUNDS:-6}" \
    -f 'BM_Step/(B|C)' -t "1 2" "${cpu_bench}" >>"${out}/cpu_scaling.log" 2>&1
  echo "cpu scaling: exit $?"
  grep -E 'BM_| thread' "${out}/cpu_scaling.log"
fi
