# kascade_flags: warnings for kascade's own code (private to each target).
# kascade_fp: the floating-point flags the reproducibility contract needs, carried by the library
# to every user so that their own instantiations (docs/extending.md) round the same way:
# no FMA contraction (bitwise-equal sums across code paths), no fast-math.
add_library(kascade_flags INTERFACE)
target_compile_options(kascade_flags INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-Wall -Wextra -Wpedantic>)
add_library(kascade_fp INTERFACE)
target_compile_options(kascade_fp INTERFACE
  $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-ffp-contract=off -fno-trapping-math>)

# Instruction set: the neuron kernel is written to vectorise. KASCADE_ARCH is passed to -march;
# by default x86-64-v3 (AVX2) when the building machine has it (portable across x86 CPUs of the
# last decade; "native" is at most ~10 % faster), otherwise the compiler's default.
if(NOT DEFINED KASCADE_ARCH)
  set(KASCADE_ARCH "")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64" AND EXISTS /proc/cpuinfo)
    file(READ /proc/cpuinfo _kascade_cpuinfo LIMIT 65536)
    if(_kascade_cpuinfo MATCHES " avx2 " AND _kascade_cpuinfo MATCHES " fma ")
      set(KASCADE_ARCH "x86-64-v3")
    endif()
  endif()
endif()
set(KASCADE_ARCH "${KASCADE_ARCH}" CACHE STRING "-march for kascade's code (empty: compiler default)")
if(KASCADE_ARCH)
  target_compile_options(kascade_fp INTERFACE $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-march=${KASCADE_ARCH}>)
endif()
message(STATUS "kascade: -march=${KASCADE_ARCH}")

# nvcc contracts multiply-adds in device code whatever the host flags (-ffp-contract=off only
# reaches the host compiler through nvcc_wrapper); Clang's CUDA and HIP follow -ffp-contract.
# (Kokkos 4 may compile with g++ and launch nvcc_wrapper itself: Kokkos_CXX_COMPILER_ID says.)
if(KASCADE_KOKKOS_BACKEND STREQUAL "Cuda" AND
   (CMAKE_CXX_COMPILER MATCHES "nvcc" OR Kokkos_CXX_COMPILER_ID STREQUAL "NVIDIA"))
  target_compile_options(kascade_fp INTERFACE --fmad=false)
endif()

# nvcc rewrites each lambda in host code with typedefs of its own (__T<n>) that the host compiler
# then finds unused: not kascade's code.
if(CMAKE_CXX_COMPILER MATCHES "nvcc")
  target_compile_options(kascade_flags INTERFACE -Wno-unused-local-typedefs)
endif()
