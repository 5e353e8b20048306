#pragma once
// Transparent huge pages for large host arrays that are read at scattered places. The event
// push reads one column of synapses per spike, somewhere in tens of megabytes: with 4 kB pages
// nearly every column costs a TLB miss (case C, 20 MB of columns: the push took ~14 % less
// time with 2 MB pages). Many kernels back memory with huge pages only where a program asks
// (`madvise` mode), so kascade asks for the arrays where that pays.
#include <Kokkos_Core.hpp>
#include <cstddef>
#include <string>
#include <type_traits>

namespace kascade {

// Asks the kernel to back the whole 2 MiB pages inside [data, data + bytes) with huge pages when
// they are first written (MADV_HUGEPAGE), and to move those already written into huge pages now
// (Linux >= 6.1 headers and kernels: MADV_COLLAPSE). A hint: returns whether the kernel took the
// first; nothing changes where it does not (other systems, THP disabled, no free huge pages).
bool advise_huge_pages(const void* data, std::size_t bytes);

// The same for a filled View in host memory (device memory is left alone).
template <class View>
bool advise_huge_pages(const View& view) {
  if constexpr (std::is_same_v<typename View::memory_space, Kokkos::HostSpace>)
    return advise_huge_pages(view.data(), view.span() * sizeof(typename View::value_type));
  else
    return false;
}

// A View of n elements, not yet written (so not yet backed by pages), advised into huge pages:
// the pages its first writes touch come as huge pages. The caller fills every element.
template <class View>
View huge_page_view(const std::string& label, const std::size_t n) {
  View view(Kokkos::view_alloc(Kokkos::WithoutInitializing, label), n);
  advise_huge_pages(view);
  return view;
}

}  // namespace kascade
