#include "kascade/core/huge_pages.hpp"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
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
  bool taken = madvise(start, length, MADV_HUGEPAGE) == 0;
#if defined(MADV_COLLAPSE)
  constexpr int collapse = MADV_COLLAPSE;
#else
  constexpr int collapse = 25;  // (Linux 6.1; older headers lack the name, older kernels refuse)
#endif
  taken = madvise(start, length, collapse) == 0 && taken;
  return taken;
#else
  (void)data;
  (void)bytes;
  return false;
#endif
}

}  // namespace kascade
