#!/usr/bin/env bash
# Weak scaling of `kascade run` over MPI ranks: the work per rank is fixed (NETS_PER_RANK
# networks of the quickstart deck each), the number of ranks grows, and the efficiency of R
# ranks is t(1 rank) / t(R ranks) (1 = perfect: R times the work in the same time).
#
#   scripts/weak_scaling.sh [BUILD_DIR]
#
# BUILD_DIR holds a built `kascade` (default: build/openmp, configured and built by
# scripts/build.sh openmp if it has no kascade binary). Settings, from the environment:
#   RANKS          rank counts to run (default "1 2"); the first is the baseline
#   REPS           repetitions of each (default 3)
#   NETS_PER_RANK  networks per rank (default 1000)
#   STEPS          recorded steps (default 20000; with the default networks ~2-3 s a run, so
#                  that mpirun's start-up, ~0.4 s, does not dominate)
#   BATCH          simulation.batch_size (default 50)
#   THREADS        OMP_NUM_THREADS of each rank (default 1)
#   DECK           the deck (default inputs/quickstart.toml); networks.count, steps, batch_size
#                  and the output are overridden with --set / -o
#   MPIRUN         the launcher (default mpirun, Open MPI)
#   MPIRUN_ARGS    extra launcher arguments, e.g. "--mca mpi_yield_when_idle 1" on a machine
#                  shared with other work (busy-polling ranks then lose their time slices)
# Each run is `mpirun -n R --map-by slot:PE=THREADS --bind-to core kascade run DECK -q ...`
# (each rank its own cores, its threads spread over them) timed with date +%s.%N around it
# (start-up, network generation, simulation and the parallel HDF5 write included). Output files
# go to a temporary directory that is removed at the end. Ranks beyond the cores get
# --oversubscribe --bind-to none and OMP_PROC_BIND=false (then the efficiency says nothing about
# kascade).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${root}/build/openmp}"
read -r -a ranks_list <<<"${RANKS:-1 2}"
reps=${REPS:-3}
nets_per_rank=${NETS_PER_RANK:-1000}
steps=${STEPS:-20000}
batch=${BATCH:-50}
threads=${THREADS:-1}
deck="${DECK:-${root}/inputs/quickstart.toml}"
mpirun_cmd=${MPIRUN:-mpirun}
read -r -a mpirun_args <<<"${MPIRUN_ARGS:-}"

if [[ ! -x "${build}/kascade" ]]; then
  if [[ $# -gt 0 ]]; then
    echo "weak_scaling: ${build}/kascade not found" >&2
    exit 2
  fi
  build="$(bash "${root}/scripts/build.sh" openmp)"
fi
kascade="${build}/kascade"

# Open MPI refuses to run as root without these.
if [[ $(id -u) -eq 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# The cores this process may use (nproc would honour OMP_NUM_THREADS).
cores=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
export OMP_NUM_THREADS="${threads}" OMP_PLACES=threads

work="$(mktemp -d "${TMPDIR:-/tmp}/kascade-weak-XXXXXX")"
trap 'rm -rf "${work}"' EXIT

echo "weak_scaling: $("${kascade}" --version), ${cores} cores, ${threads} thread(s) per rank"
echo "weak_scaling: ${nets_per_rank} networks per rank, ${steps} steps, batch_size ${batch}," \
  "deck ${deck#"${root}"/}"

# One timed run with R ranks; prints its wall time in seconds.
run_once() {
  local r=$1 extra=("${mpirun_args[@]}")
  # Each rank its own cores; with --bind-to none every rank's OpenMP would pin its threads from
  # the first CPU, all ranks onto the same cores.
  if ((r * threads > cores)); then
    extra+=(--oversubscribe --bind-to none -x OMP_PROC_BIND=false)
  else
    extra+=(--map-by "slot:PE=${threads}" --bind-to core -x OMP_PROC_BIND=spread)
  fi
  local start end
  start=$(date +%s.%N)
  # (a failed run must not be timed as one: command substitution does not inherit set -e)
  if ! "${mpirun_cmd}" -n "${r}" "${extra[@]}" -x OMP_NUM_THREADS -x OMP_PLACES "${kascade}" \
    run "${deck}" -q --overwrite -o "${work}/weak_${r}.h5" \
    --set "networks.count=$((nets_per_rank * r))" --set "simulation.steps=${steps}" \
    --set "simulation.batch_size=${batch}" >&2; then
    echo "weak_scaling: the run on ${r} rank(s) failed (above); no timing is reported" >&2
    return 1
  fi
  end=$(date +%s.%N)
  rm -f "${work}/weak_${r}.h5"
  awk -v a="${start}" -v b="${end}" 'BEGIN { printf "%.3f\n", b - a }'
}

declare -A median
printf '%-6s %-10s %-28s %-8s %-8s\n' ranks networks "wall times (s)" median spread
for r in "${ranks_list[@]}"; do
  times=()
  for ((k = 0; k < reps; ++k)); do
    t=$(run_once "${r}") || exit 1
    times+=("${t}")
  done
  mapfile -t sorted < <(printf '%s\n' "${times[@]}" | sort -g)
  n=${#sorted[@]}
  med=$(printf '%s\n' "${sorted[@]}" | awk -v n="${n}" '{ v[NR] = $1 } END {
    if (n % 2) print v[(n + 1) / 2]; else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }')
  spread=$(awk -v lo="${sorted[0]}" -v hi="${sorted[n - 1]}" -v m="${med}" \
    'BEGIN { printf "%.0f%%\n", 100 * (hi - lo) / m }')
  median[${r}]=${med}
  printf '%-6s %-10s %-28s %-8s %-8s\n' "${r}" "$((nets_per_rank * r))" "${times[*]}" "${med}" \
    "${spread}"
done

base=${ranks_list[0]}
if awk -v t="${median[${base}]}" 'BEGIN { exit !(t < 2) }'; then
  echo "weak_scaling: warning: runs of ${median[${base}]} s are dominated by start-up (mpirun" \
    "alone ~0.4 s here) and waiting ranks: raise STEPS or NETS_PER_RANK" >&2
fi
for r in "${ranks_list[@]:1}"; do
  awk -v t1="${median[${base}]}" -v tr="${median[${r}]}" -v b="${base}" -v r="${r}" \
    'BEGIN { printf "weak-scaling efficiency %s -> %s ranks: t%s / t%s = %.3f (medians)\n",
             b, r, b, r, t1 / tr }'
done
