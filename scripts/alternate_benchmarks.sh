#!/usr/bin/env bash
# Runs step benchmarks of one or more builds, and one or more thread counts, in turns for several
# rounds, then prints each one's median time per step (min-max over every repetition) and the
# speed-up of the first thread count over the others. On a shared machine the drift between
# minutes is larger than many differences worth measuring; taking turns puts every candidate in
# the same minutes. (docs/performance.md, "How to reproduce".)
#
#   bash scripts/alternate_benchmarks.sh [-r ROUNDS] [-f FILTER] [-t "1 2"] BIN [BIN ...]
#
# BIN: a kascade_benchmarks executable (copy a build's aside before rebuilding). Thread counts
# are set through OMP_NUM_THREADS with the threads pinned (OMP_PROC_BIND=spread,
# OMP_PLACES=threads); a Serial build ignores them. Defaults: 4 rounds, FILTER 'BM_Step/', threads
# "1". Needs Python 3 (Debian's /usr/bin/python3, else PYTHON or python3 on PATH; no module
# beyond the standard library).
set -euo pipefail

rounds=4
filter='BM_Step/'
threads="1"
usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
while getopts "r:f:t:h" opt; do
  case $opt in
    r) rounds=$OPTARG ;;
    f) filter=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) usage ;;
  esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || usage
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "alternate_benchmarks: -r must be a positive integer, got '$rounds'" >&2; exit 2; }
for bin in "$@"; do
  [ -x "$bin" ] || { echo "alternate_benchmarks: not an executable: $bin" >&2; exit 2; }
done
for t in $threads; do
  [[ $t =~ ^[1-9][0-9]*$ ]] || { echo "alternate_benchmarks: -t takes thread counts, got '$t'" >&2; exit 2; }
done

python=${PYTHON:-/usr/bin/python3}
[ -x "$python" ] || python=$(command -v python3) || { echo "alternate_benchmarks: no python3" >&2; exit 2; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat /proc/loadavg >&2
for r in $(seq "$rounds"); do
  for b in $(seq $#); do
    bin=${!b}
    for t in $threads; do
      OMP_NUM_THREADS=$t OMP_PROC_BIND=spread OMP_PLACES=threads "$bin" \
        --benchmark_filter="$filter" --benchmark_repetitions=3 --benchmark_min_time=0.2 \
        --benchmark_format=json > "$out/$b.$t.$r.json" 2> "$out/stderr" ||
        { echo "alternate_benchmarks: $bin failed:" >&2; cat "$out/stderr" >&2; exit 1; }
      # (Google Benchmark writes nothing to stdout, and exits 0, when the filter matches nothing.)
      [ -s "$out/$b.$t.$r.json" ] ||
        { echo "alternate_benchmarks: no benchmark of $bin matches the filter '$filter'" >&2; exit 1; }
    done
  done
  echo "round $r of $rounds done" >&2
done

"$python" - "$out" "$rounds" "$threads" "$@" << 'PY'
import json, statistics, sys

out, rounds, threads, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3].split(), sys.argv[4:]
times = {}  # (benchmark, build, threads) -> us per step of every repetition
for b in range(1, len(bins) + 1):
    for t in threads:
        for r in range(1, rounds + 1):
            with open(f"{out}/{b}.{t}.{r}.json") as f:
                for bench in json.load(f)["benchmarks"]:
                    if bench.get("run_type") != "iteration" or "us_per_step" not in bench:
                        continue
                    times.setdefault((bench["run_name"], b, t), []).append(bench["us_per_step"])
names = sorted({key[0] for key in times})
if not names:  # (e.g. BM_Triad: a yardstick, timed per iteration, not per step)
    sys.exit("alternate_benchmarks: no step benchmark (one with a us_per_step counter) matched the filter")
for b, path in enumerate(bins, 1):
    print(f"[{b}] {path}")
for name in names:
    print(name)
    for b in range(1, len(bins) + 1):
        med = {}
        for t in threads:
            v = times.get((name, b, t))
            if not v:
                continue
            med[t] = statistics.median(v)
            print(f"  [{b}] {t} thread(s): {med[t]:.3f} us ({min(v):.3f}-{max(v):.3f}, n={len(v)})")
        first = threads[0]
        for t in threads[1:]:
            if first in med and t in med:
                print(f"  [{b}] {first} -> {t} threads: {med[first] / med[t]:.3f}x")
    if len(bins) > 1:
        for t in threads:
            base = times.get((name, 1, t))
            for b in range(2, len(bins) + 1):
                v = times.get((name, b, t))
                if base and v:
                    ratio = statistics.median(v) / statistics.median(base)
                    print(f"  [{b}] against [1], {t} thread(s): {ratio:.3f} of the time")
PY
