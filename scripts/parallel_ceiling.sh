#!/usr/bin/env bash
# What two vCPUs give to work that shares nothing: one benchmark alone on each vCPU, then on
# both at once (two processes, one pinned per vCPU), repeated in pairs. The ratio
# 2 x (mean alone) / (mean together) is the most two threads could scale any step on this
# machine at that minute (docs/performance.md, "One network of C on two threads").
#
#   bash scripts/parallel_ceiling.sh [-p PAIRS] [-f FILTER] BIN
#
# BIN: a kascade_benchmarks executable (Serial build, or OpenMP with one thread); FILTER a
# benchmark regex matching one benchmark (default 'BM_Step/C_1x5000'); PAIRS (default 6).
# Needs taskset (util-linux) and two CPUs numbered 0 and 1.
set -euo pipefail

pairs=6
filter='BM_Step/C_1x5000'
while getopts "p:f:h" opt; do
  case $opt in
    p) pairs=$OPTARG ;;
    f) filter=$OPTARG ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -x "$1" ] || { echo "parallel_ceiling: give one kascade_benchmarks executable" >&2; exit 2; }
[[ $pairs =~ ^[1-9][0-9]*$ ]] || { echo "parallel_ceiling: -p must be a positive integer, got '$pairs'" >&2; exit 2; }
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Median time of one process pinned to CPU $1 (Google Benchmark's time unit of the benchmark).
run() {
  OMP_NUM_THREADS=1 taskset -c "$1" "$bin" --benchmark_filter="$filter" --benchmark_min_time=1 \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null |
    awk '/_median/ { print $2; found = 1 } END { if (!found) exit 1 }'
}

echo "pair  alone cpu0  alone cpu1  both cpu0  both cpu1  ratio  (load $(cut -d' ' -f1 /proc/loadavg))"
ratios=()
for ((i = 1; i <= pairs; ++i)); do
  a0=$(run 0) && a1=$(run 1) || { echo "parallel_ceiling: '$filter' matched no benchmark of $bin" >&2; exit 1; }
  run 0 >"$tmp/b0" &
  run 1 >"$tmp/b1"
  wait
  b0=$(cat "$tmp/b0") b1=$(cat "$tmp/b1")
  ratio=$(awk -v a0="$a0" -v a1="$a1" -v b0="$b0" -v b1="$b1" 'BEGIN { printf "%.3f", (a0 + a1) / (b0 + b1) * 2 }')
  ratios+=("$ratio")
  printf '%4d  %10s  %10s  %9s  %9s  %5s\n' "$i" "$a0" "$a1" "$b0" "$b1" "$ratio"
done
printf '%s\n' "${ratios[@]}" | sort -n |
  awk '{ r[NR] = $1 } END { m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2;
        printf "two processes against one: %s-%s, median %.3f (load %s)\n", r[1], r[NR], m, load }' \
    load="$(cut -d' ' -f1 /proc/loadavg)"
