#!/usr/bin/env bash
# Installs everything kascade needs on Debian 12 and builds Kokkos + Kokkos Kernels with OpenMP
# from Debian's own trilinos source package. Idempotent: a second run does nothing but checks.
#   KASCADE_CACHE  where the Kokkos builds live (default ~/.cache/kascade)
#   setup.sh cuda  also builds Kokkos with CUDA (KASCADE_CUDA_ARCH, default HOPPER90)
#   setup.sh tsan  also builds Kokkos with OpenMP under ThreadSanitizer (clang 14, LLVM's OpenMP)
set -euo pipefail
case "${1:-}" in
  "" | cuda | tsan) ;;
  *) echo "setup.sh: unknown argument '$1' (none, cuda or tsan)" >&2; exit 2 ;;
esac

cache=${KASCADE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kascade}
packages=(cmake g++ make pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools
  libtrilinos-kokkos-dev libtrilinos-kokkos-kernels-dev libgtest-dev libgmock-dev libbenchmark-dev
  librandom123-dev libcli11-dev libtoml11-dev python3-h5py python3-numpy python3-matplotlib ccache)
# ThreadSanitizer needs an OpenMP runtime that tells it about its own synchronisation: LLVM's,
# with its Archer tool (GCC's libgomp is not instrumented: every parallel region would race).
# (libclang-rt-14-dev: the sanitizer's run-time, only recommended by clang; llvm-14: the
# symbolizer that names the functions of a report, which the suppressions match)
[ "${1:-}" = tsan ] && packages+=(clang-14 libomp-14-dev libclang-rt-14-dev llvm-14)
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Kokkos 3.4.1 and Kokkos Kernels (no ETI) from Debian's trilinos 13.2 sources, into `prefix`,
# with the given Kokkos options.
build_kokkos() {
  local prefix=$1 what=$2; shift 2
  [ -f "$prefix/.complete" ] && return 0
  local work="$cache/trilinos-src-$what"
  rm -rf "$work" "$prefix"; mkdir -p "$work/lists/partial"
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1=="deb" && $3 ~ /^bookworm$/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$uri" ] || uri=http://deb.debian.org/debian
  echo "deb-src $uri bookworm main" >"$work/sources.list"
  local apt_opts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o "Dir::Etc::sourceparts=-" -o "APT::Sandbox::User=root"
    -o "Dir::State::Lists=$work/lists" -o "APT::Get::List-Cleanup=0")
  echo "setup: fetching trilinos 13.2 sources (Kokkos, Kokkos Kernels)"
  apt-get "${apt_opts[@]}" update -qq
  (cd "$work" && apt-get "${apt_opts[@]}" source --download-only -qq trilinos=13.2.0-4)
  local top=Trilinos-trilinos-release-13-2-0
  tar -C "$work" -xzf "$work"/trilinos_13.2.0.orig.tar.gz "$top/packages/kokkos" "$top/packages/kokkos-kernels"
  local src="$work/$top/packages" jobs
  jobs=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc)
  local compiler=()
  if [ "$what" = cuda ]; then
    bash "$(dirname "$0")/patch_kokkos_cuda.sh" "$src/kokkos"
    compiler=(-DCMAKE_CXX_COMPILER="$src/kokkos/bin/nvcc_wrapper")
    export NVCC_WRAPPER_DEFAULT_COMPILER=${NVCC_WRAPPER_DEFAULT_COMPILER:-g++}
  elif [ "$what" = tsan ]; then
    compiler=(-DCMAKE_CXX_COMPILER=clang++-14 "-DCMAKE_CXX_FLAGS=-fsanitize=thread -g -O1")
  fi
  echo "setup: building Kokkos ($what) into $prefix"
  cmake -S "$src/kokkos" -B "$work/build-kokkos" -DCMAKE_BUILD_TYPE=Release "${compiler[@]}" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DKokkos_ENABLE_SERIAL=ON "$@" \
    -DCMAKE_CXX_STANDARD=17 -DBUILD_SHARED_LIBS=OFF -DCMAKE_POSITION_INDEPENDENT_CODE=ON >/dev/null
  cmake --build "$work/build-kokkos" -j "$jobs" >/dev/null
  cmake --install "$work/build-kokkos" >/dev/null
  [ "$what" = cuda ] && compiler=(-DCMAKE_CXX_COMPILER="$prefix/bin/nvcc_wrapper")
  cmake -S "$src/kokkos-kernels" -B "$work/build-kk" -DCMAKE_BUILD_TYPE=Release "${compiler[@]}" \
    -DCMAKE_INSTALL_PREFIX="$prefix" -DKokkos_ROOT="$prefix" -DKokkosKernels_ADD_DEFAULT_ETI=OFF \
    -DKokkosKernels_ENABLE_TESTS=OFF -DKokkosKernels_ENABLE_TPL_BLAS=OFF \
    -DKokkosKernels_ENABLE_TPL_LAPACK=OFF -DKokkosKernels_ENABLE_TPL_CUSPARSE=OFF \
    -DKokkosKernels_ENABLE_TPL_CUBLAS=OFF -DBUILD_SHARED_LIBS=OFF >/dev/null
  cmake --build "$work/build-kk" -j "$jobs" >/dev/null
  cmake --install "$work/build-kk" >/dev/null
  rm -rf "$work"
  touch "$prefix/.complete"
}

build_kokkos "$cache/kokkos-openmp" openmp -DKokkos_ENABLE_OPENMP=ON
echo "setup: ready (OpenMP Kokkos in $cache/kokkos-openmp)"
# `setup.sh cuda`: also Kokkos with CUDA for the GPU's architecture (Kokkos_ARCH_ name, default
# HOPPER90) with the nvcc on PATH or in /usr/local/cuda (docs/cluster.md).
if [ "${1:-}" = cuda ]; then
  command -v nvcc >/dev/null || export PATH=$PATH:/usr/local/cuda/bin
  command -v nvcc >/dev/null || { echo "setup: no nvcc found for the CUDA build" >&2; exit 1; }
  arch=${KASCADE_CUDA_ARCH:-HOPPER90}
  # (OpenMP too: the host's threads hand recorded spikes over and write the output)
  build_kokkos "$cache/kokkos-cuda-omp-$arch" cuda -DKokkos_ENABLE_CUDA=ON -DKokkos_ENABLE_CUDA_LAMBDA=ON \
    -DKokkos_ENABLE_OPENMP=ON -DKokkos_ARCH_"$arch"=ON
  echo "setup: ready (CUDA Kokkos in $cache/kokkos-cuda-omp-$arch)"
fi
# `setup.sh tsan`: Kokkos with OpenMP built by clang 14 under ThreadSanitizer, for
# `scripts/build.sh tsan` (tests/sanitizers/README.md).
if [ "${1:-}" = tsan ]; then
  build_kokkos "$cache/kokkos-openmp-tsan" tsan -DKokkos_ENABLE_OPENMP=ON
  echo "setup: ready (ThreadSanitizer OpenMP Kokkos in $cache/kokkos-openmp-tsan)"
fi
