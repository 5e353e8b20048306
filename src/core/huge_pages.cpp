#include "kascade/core/huge_pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#if !defined(MADV_COLLAPSE) && (defined(__x86_64__) || defined(__aarch64__))
#define MADV_COLLAPSE 25  // (Linux 6.1; glibc 2.36's headers lack it; a kernel without it refuses)
#endif
#endif

namespace kascade {

bool advise_huge_pages(const void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t huge = std::uintptr_t(2) << 20;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + huge - 1) & ~(huge - 1),
                       last = (begin + bytes) & ~(huge - 1);
  if (data == nullptr || last <= first) return false;
  void* start = reinterpret_cast<void*>(first);
  const std::size_t length = last - first;
  const bool taken = madvise(start, length, MADV_HUGEPAGE) == 0;
#if defined(MADV_COLLAPSE)
  // Pages already written (memory a View reuses) move into huge pages now; untouched ones
  // refuse (nothing to collapse) and come as huge pages when first written.
  if (taken) (void)madvise(start, length, MADV_COLLAPSE);
#endif
  return taken;
#else
  (void)data;
  (void)bytes;
  return false;
#endif
}

}  // namespace kascade
