#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz/ with clang (libFuzzer + AddressSanitizer +
# UndefinedBehaviorSanitizer, kascade's library compiled the same way) against Debian's Serial
# Kokkos into build/fuzz, then runs each target for SECONDS (default 60). Not part of CI.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: deck npy hdf5_networks sonata_edges
# Seeds: tests/fuzz/corpus/<target>/ plus the decks and example data of inputs/. Inputs that
# find new paths go to build/fuzz/corpus/<target>/ (the committed corpus is only read); a
# finding stops its target and is written to build/fuzz/findings/<target>-crash-*, with the
# log in build/fuzz/<target>.log. Statistics (executions, seconds) are printed per target.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(deck npy hdf5_networks sonata_edges)
cache=${KASCADE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kascade}

# clang 14 and its libFuzzer run-time, from Debian's archive.
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
for p in clang-14 libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build="$root/build/fuzz"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
args=(-DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Fuzz
  "-DCMAKE_CXX_FLAGS_FUZZ=-O1 -g $san -fsanitize=fuzzer-no-link"
  "-DCMAKE_C_FLAGS_FUZZ=-O1 -g $san" "-DCMAKE_EXE_LINKER_FLAGS_FUZZ=$san"
  -DKASCADE_BUILD_TESTS=OFF -DKASCADE_BUILD_BENCHMARKS=OFF -DKASCADE_BUILD_FUZZERS=ON)
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=true
  args+=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" "${args[@]}" >/dev/null
cmake --build "$build" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

# Seeds: the committed corpus, plus what kascade ships that the target reads.
seeds_of() {
  local t=$1 dir="$build/seeds/$1"
  rm -rf "$dir"; mkdir -p "$dir"
  cp "$root/tests/fuzz/corpus/$t/"* "$dir/"
  case "$t" in
    deck) find "$root/inputs" -name '*.toml' -exec cp --backup=numbered -t "$dir" {} + ;;
    npy) find "$root/inputs/data/npy" "$root/tests/bad_inputs" -name '*.npy' -size -4k |
           while read -r f; do cp -L "$f" "$dir/$(echo "${f#"$root"/}" | tr / _)"; done ;;
    hdf5_networks) cp "$root/inputs/data/networks.h5" "$dir/" ;;
    sonata_edges) cp "$root/inputs/data/sonata_edges.h5" "$dir/" ;;
  esac
  echo "$dir"
}

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS="suppressions=$root/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p "$build/findings"
status=0
for t in "${targets[@]}"; do
  seeds=$(seeds_of "$t")
  mkdir -p "$build/corpus/$t"
  echo "=== fuzz_$t: $seconds s"
  # The deck target runs in inputs/, so that the seed decks' relative paths (data/...) resolve.
  if (cd "$root/inputs" && "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" \
        -rss_limit_mb=3072 -timeout=20 -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
        "$build/corpus/$t" "$seeds") >"$build/$t.log" 2>&1; then
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb)' \
      "$build/$t.log" | tr '\n' ' '; echo
  else
    status=1
    echo "fuzz_$t: FINDING (log: $build/$t.log)"
    grep -E 'ERROR|runtime error|uncaught|deadly|Test unit written' "$build/$t.log" | head -5
  fi
done
exit $status
