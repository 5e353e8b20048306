#pragma once
// A hint to bring the cache line holding `p` into the cache ahead of use; no effect on results.
// Inline assembly rather than __builtin_prefetch: GCC 12 deletes a loop whose only effect is
// __builtin_prefetch (as dead code), which is exactly the loop that asks for the next columns.
// A no-op on GPUs and where no instruction is known.
#include <Kokkos_Macros.hpp>

namespace kascade {

KOKKOS_FORCEINLINE_FUNCTION void prefetch_line(const void* p) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__) || defined(__SYCL_DEVICE_ONLY__)
  (void)p;
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif (defined(__GNUC__) || defined(__clang__)) && defined(__aarch64__)
  asm volatile("prfm pldl1keep, %0" : : "Q"(*static_cast<const char*>(p)));
#else
  (void)p;
#endif
}

}  // namespace kascade
