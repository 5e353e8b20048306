#pragma once
// Where each block of rows of the event-driven push begins inside the columns it cuts. A block
// whose first row r0 falls inside a network (neurons [n0, n1), n0 < r0) reads each spiking
// column of that network from its first entry at or after row r0. Searching for it costs a
// couple of hundred cycles per spiking column (a division, then branches on rows nobody has read
// yet): on case C the second of two threads pushed ~30 % longer than the first. So the cuts are
// found once per block layout: for block b, cut(begin(b) + j - n0) is that first entry of column
// j, counted from the column's start (begin(b) == begin(b + 1): the block starts a network, and
// every column it reads starts at its first entry). Internal.
#include <Kokkos_Core.hpp>
#include <algorithm>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/network/batch.hpp"

namespace kascade::detail {

template <class MemorySpace>
struct PushCuts {
  Kokkos::View<const offset_t*, MemorySpace> begin;  // [blocks + 1]; empty: no table
  Kokkos::View<const ordinal_t*, MemorySpace> cut;

  KOKKOS_INLINE_FUNCTION bool cuts(const ordinal_t block) const {
    return block >= 0 && static_cast<std::size_t>(block) + 1 < begin.extent(0) &&
           begin(block) < begin(block + 1);
  }
  // The first entry at or after the block's first row of column j (of the network the block's
  // first row is in, whose first neuron is n0), relative to the column's start. Only if cuts().
  KOKKOS_INLINE_FUNCTION offset_t at(const ordinal_t block, const ordinal_t j,
                                     const ordinal_t n0) const {
    return static_cast<offset_t>(cut(begin(block) + static_cast<offset_t>(j - n0)));
  }
};

// Fills cut[at + k] for the columns n0 + k of one network: the first entry with row >= r0.
template <class MemorySpace>
struct FindCuts {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  Kokkos::View<const ColumnEntry*, MemorySpace> column_entry;
  Kokkos::View<ordinal_t*, MemorySpace> cut;
  offset_t at = 0;
  ordinal_t n0 = 0, r0 = 0;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t k) const {
    const offset_t e0 = column_ptr(n0 + k);
    offset_t lo = e0, hi = column_ptr(n0 + k + 1);
    while (lo < hi) {
      const offset_t mid = lo + (hi - lo) / 2;
      if (column_entry(mid).row < r0)
        lo = mid + 1;
      else
        hi = mid;
    }
    cut(at + k) = static_cast<ordinal_t>(lo - e0);
  }
};

// The cuts of `blocks` blocks of `rows_per_block` rows of the batch: a word per neuron of each
// network that a block boundary falls inside (two threads on one 5000-neuron network: 20 kB).
template <class ExecutionSpace, class MemorySpace>
PushCuts<MemorySpace> make_push_cuts(const ExecutionSpace& exec, const Batch<MemorySpace>& batch,
                                     const ordinal_t rows_per_block, const ordinal_t blocks) {
  const auto& offset = batch.neuron_offset;
  std::vector<offset_t> begin(static_cast<std::size_t>(blocks) + 1, 0);
  std::vector<int> network(static_cast<std::size_t>(blocks), -1);  // cut inside, or -1
  for (ordinal_t b = 0; b < blocks; ++b) {
    const ordinal_t r0 = b * rows_per_block;
    const auto g =
        static_cast<int>(std::upper_bound(offset.begin(), offset.end(), r0) - offset.begin()) - 1;
    const bool inside = r0 > offset[g];
    network[b] = inside ? g : -1;
    begin[b + 1] = begin[b] + (inside ? offset[g + 1] - offset[g] : 0);
  }
  Kokkos::View<offset_t*, MemorySpace> begin_view("kascade::push_cut_begin", begin.size());
  Kokkos::deep_copy(begin_view,
                    Kokkos::View<const offset_t*, Kokkos::HostSpace>(begin.data(), begin.size()));
  Kokkos::View<ordinal_t*, MemorySpace> cut("kascade::push_cuts", begin.back());
  for (ordinal_t b = 0; b < blocks; ++b) {
    if (network[b] < 0) continue;
    const int g = network[b];
    Kokkos::parallel_for("kascade::find_push_cuts",
                         Kokkos::RangePolicy<ExecutionSpace>(exec, 0, offset[g + 1] - offset[g]),
                         FindCuts<MemorySpace>{batch.column_ptr, batch.column_entry, cut, begin[b],
                                               offset[g], b * rows_per_block});
  }
  exec.fence();
  return {begin_view, cut};
}

}  // namespace kascade::detail
