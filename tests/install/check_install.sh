#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then configures, builds and runs a consumer
# project that finds kascade with find_package.   usage: check_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cmake --install "$build" --prefix "$scratch/prefix" >/dev/null
# The consumer is built like the library (same build type and flags: a sanitizer build's library
# needs the sanitizer's run-time at link time).
type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
same=(-DCMAKE_BUILD_TYPE="$type")
for var in CMAKE_CXX_FLAGS_${type^^} CMAKE_EXE_LINKER_FLAGS_${type^^}; do
  value=$(sed -n "s/^$var:[A-Z]*=//p" "$build/CMakeCache.txt")
  [ -z "$value" ] || same+=("-D$var=$value")
done
# No Kokkos given: the installed package finds the one kascade was built with.
cmake -S "$source/tests/install" -B "$scratch/build" -DCMAKE_PREFIX_PATH="$scratch/prefix" \
  "${same[@]}" >/dev/null
cmake --build "$scratch/build" >/dev/null
"$scratch/build/consumer" | grep -q "synapses"
echo "1 passed, 0 failed"
