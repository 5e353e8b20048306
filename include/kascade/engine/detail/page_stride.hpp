#pragma once
// Rows that threads write side by side, kept whole pages apart: a core's prefetcher that follows
// one thread's stream then pulls in none of the next thread's lines (measured: two threads
// scattering into neighbouring parts of one array, the second took ~25 % longer). Internal.
#include <cstddef>

namespace kascade::detail {

// The stride in elements of T of rows holding n elements each: whole 4 kB pages, and a page more.
template <class T>
constexpr std::size_t page_apart_stride(const std::size_t n) {
  constexpr std::size_t page = 4096 / sizeof(T);
  return (n + page - 1) / page * page + page;
}

}  // namespace kascade::detail
