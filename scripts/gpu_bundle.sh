#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run the CUDA build into .gpu/ (ignored by git): the
# binaries, stripped, and the shared libraries they load from Debian (Open MPI, HDF5 and theirs,
# with Open MPI's and PMIx's plugins), which that machine's image does not have, and the CUDA
# runtime (libcudart); the driver is the machine's own. Then, there, in the
# repository root with .gpu named in the device tool's `carry`: `bash scripts/gpu_check.sh`.
#
#   bash scripts/gpu_bundle.sh [BUILD_DIR [CPU_BUILD_DIR]]
#
# BUILD_DIR: default build/cuda (scripts/build.sh cuda). CPU_BUILD_DIR: default build/openmp
# (scripts/build.sh openmp); its benchmarks, if built, go in as kascade_benchmarks_cpu, for
# gpu_check.sh's two-thread scaling on the machine's own cores.
#
# The bundle is one xz archive (.gpu/kascade-gpu.tar.xz): the device tool carries at most 64 MiB
# with the working tree, and the CUDA binaries and libraries are more than that uncompressed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-${root}/build/cuda}"
cpu_build="${2:-${root}/build/openmp}"
bundle="$(mktemp -d)"
trap 'rm -rf "${bundle}"' EXIT
binaries=(kascade kascade_benchmarks tests/kascade_tests)
for b in "${binaries[@]}"; do
  [ -x "${build}/${b}" ] || { echo "gpu_bundle: no ${build}/${b}: run scripts/build.sh cuda" >&2; exit 2; }
done

mkdir -p "${bundle}/bin" "${bundle}/lib"
for b in "${binaries[@]}"; do strip -o "${bundle}/bin/$(basename "$b")" "${build}/${b}"; done
if [ -x "${cpu_build}/kascade_benchmarks" ]; then
  strip -o "${bundle}/bin/kascade_benchmarks_cpu" "${cpu_build}/kascade_benchmarks"
else
  echo "gpu_bundle: no ${cpu_build}/kascade_benchmarks: the bundle has no CPU scaling check" >&2
fi

# Every library a binary or plugin resolves here, but the C library's own parts (the machine's
# are newer, and must match its loader: libresolv, for one, calls libc's private functions) and
# the driver's.
copy_libraries() {
  ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u |
    grep -Ev '/(libc|libm|libdl|librt|libpthread|libresolv|libutil|libanl|libnsl|libmvec|libBrokenLocale|libnss_[^/]*|libthread_db|libcuda|ld-linux[^/]*)\.so' |
    while read -r lib; do
      # (not `cp -n`: from coreutils 9.2 on, a file it skips is an error)
      [ -e "${bundle}/lib/${lib##*/}" ] || cp -L "$lib" "${bundle}/lib/"
    done
}
copy_libraries "${bundle}"/bin/*

# Open MPI (4.1) loads its components from these folders even as a singleton.
multiarch=/usr/lib/x86_64-linux-gnu
cp -rL "${multiarch}/openmpi/lib/openmpi3" "${bundle}/ompi"
cp -rL "${multiarch}/pmix2/lib/pmix" "${bundle}/pmix"
cp -rL /usr/share/openmpi "${bundle}/share-openmpi"
copy_libraries "${bundle}"/ompi/*.so "${bundle}"/pmix/*.so

# The tests read their data through the absolute path of the checkout they were built from.
sed -n 's/^kascade_SOURCE_DIR:STATIC=//p' "${build}/CMakeCache.txt" >"${bundle}/source_dir"
rm -rf "${root}/.gpu"
mkdir -p "${root}/.gpu"
XZ_OPT="-6 -T0" tar -C "${bundle}" -cJf "${root}/.gpu/kascade-gpu.tar.xz" .
echo "gpu_bundle: $(du -sh "${bundle}" | cut -f1) as $(du -h "${root}/.gpu/kascade-gpu.tar.xz" | cut -f1) in .gpu/kascade-gpu.tar.xz (carry: .gpu)"
