#!/usr/bin/env bash
# Lets Debian's Kokkos 3.4.1 sources (trilinos 13.2) build with CUDA 12-13 and Hopper GPUs, for
# scripts/setup.sh cuda. Kokkos fixed these upstream in 4.x; each edit is checked to apply.
#   patch_kokkos_cuda.sh KOKKOS_SOURCE_DIR
set -euo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: patch_kokkos_cuda.sh KOKKOS_SOURCE_DIR" >&2; exit 2; }
k=$1
edit() {  # file, python expression on s: fails loudly if the text it expects is gone
  /usr/bin/env python3 - "$k/$1" "$2" <<'EOF'
import re, sys
path, expr = sys.argv[1], sys.argv[2]
s = open(path).read()
t = eval(expr)
if t == s:
    sys.exit(f"patch_kokkos_cuda: {path}: expected text not found")
open(path, "w").write(t)
EOF
}
# nvcc 13 knows no sm_35, the wrapper's default for compiler probes (Kokkos_ARCH_ sets the real one).
edit bin/nvcc_wrapper 's.replace("default_arch=\"sm_35\"", "default_arch=\"sm_75\"")'
# Hopper (compute capability 9.0): an architecture option, tuned as Ampere.
edit cmake/kokkos_arch.cmake 're.sub(r"(KOKKOS_ARCH_OPTION\(AMPERE86 [^\n]*\n)", "\\1KOKKOS_ARCH_OPTION(HOPPER90        GPU  \"NVIDIA Hopper generation CC 9.0\")\n", s)'
edit cmake/kokkos_arch.cmake 're.sub(r"(CHECK_CUDA_ARCH\(AMPERE86  sm_86\)\n)", r"\1CHECK_CUDA_ARCH(HOPPER90  sm_90)\n", s)'
edit cmake/kokkos_arch.cmake 's.replace("IF (KOKKOS_ARCH_AMPERE80 OR KOKKOS_ARCH_AMPERE86)", "IF (KOKKOS_ARCH_AMPERE80 OR KOKKOS_ARCH_AMPERE86 OR KOKKOS_ARCH_HOPPER90)")'
# CUDA 13: half_t converts to __half explicitly only, and __half2double is gone.
edit core/src/Cuda/Kokkos_Cuda_Half.hpp 're.sub(r"return (__half2[a-z_]+)\(val\);", r"return \1(static_cast<__half>(val));", s.replace("return __half2double(val);", "return static_cast<double>(__half2float(static_cast<__half>(val)));"))'
# CUDA 13: cudaMemPrefetchAsync takes a cudaMemLocation and flags.
edit core/src/Cuda/Kokkos_CudaSpace.cpp 's.replace("""    CUDA_SAFE_CALL(cudaMemPrefetchAsync(ptr, bytes, space.cuda_device(),
                                        space.cuda_stream()));""", """#if CUDA_VERSION >= 13000
    cudaMemLocation location{};
    location.type = cudaMemLocationTypeDevice;
    location.id   = space.cuda_device();
    CUDA_SAFE_CALL(cudaMemPrefetchAsync(ptr, bytes, location, 0, space.cuda_stream()));
#else
    CUDA_SAFE_CALL(cudaMemPrefetchAsync(ptr, bytes, space.cuda_device(),
                                        space.cuda_stream()));
#endif""")'
echo "patch_kokkos_cuda: $k patched for CUDA 13 and HOPPER90"
