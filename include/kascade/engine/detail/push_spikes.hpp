#pragma once
// Propagation of one step's spikes, drive = W x, in two ways that give the same bits:
//   PullRows    every row sums its whole CSR row in ascending presynaptic order (dense);
//   PushSpikes  only the columns of the neurons that spiked are walked (event-driven). Rows are
//               cut into blocks, one thread each; a block walks the spikes of its networks in
//               ascending neuron order (the neuron kernel's per-segment lists, neuron_blocks.hpp)
//               and adds each one's weights into the rows it owns, so every row sums in
//               ascending presynaptic order too, skipping exact zeros.
// Neither depends on the number of blocks or threads. (KokkosSparse::spmv is not used here: its
// Serial kernel sums each row in four interleaved partial sums, another order.) Internal.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"

namespace kascade::detail {

template <class MemorySpace>
struct PullRows {
  Kokkos::View<const offset_t*, MemorySpace> row_ptr;
  Kokkos::View<const ordinal_t*, MemorySpace> column;
  Kokkos::View<const real_t*, MemorySpace> value;
  Kokkos::View<const real_t*, Kokkos::LayoutRight, MemorySpace> x;
  Kokkos::View<real_t*, Kokkos::LayoutRight, MemorySpace> drive;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    real_t sum = 0;
    for (offset_t e = row_ptr(i); e < row_ptr(i + 1); ++e) sum += value(e) * x(column(e));
    drive(i) = sum;
  }
};

template <class MemorySpace>
struct PushSpikes {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  Kokkos::View<const ordinal_t*, MemorySpace> column_row;
  Kokkos::View<const real_t*, MemorySpace> column_value;
  Kokkos::View<const ordinal_t*, MemorySpace> network_of, neuron_offset;
  Kokkos::View<const real_t*, Kokkos::LayoutRight, MemorySpace> x;  // this step's spikes
  Kokkos::View<real_t*, Kokkos::LayoutRight, MemorySpace> drive;    // this step's drive
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;          // the neuron kernel's blocks
  BlockSpikes<MemorySpace> spiked;                                  // their spikes, ascending
  ordinal_t n_rows = 0, rows_per_block = 1;

  // First position in [lo, hi) of `a` whose value is >= v (a ascending).
  template <class View, class Index, class Value>
  KOKKOS_INLINE_FUNCTION static Index lower_bound(const View& a, Index lo, Index hi, Value v) {
    while (lo < hi) {
      const Index mid = lo + (hi - lo) / 2;
      if (a(mid) < v)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t block) const {
    const ordinal_t r0 = block * rows_per_block;
    rows(r0, r0 + rows_per_block < n_rows ? r0 + rows_per_block : n_rows);
  }

  // The drive of rows [r0, r1) (r0 < r1).
  KOKKOS_INLINE_FUNCTION void rows(const ordinal_t r0, const ordinal_t r1) const {
    for (ordinal_t i = r0; i < r1; ++i) drive(i) = real_t(0);
    // Only spikes of the networks overlapping [r0, r1) can reach it (the batch is block-diagonal).
    const ordinal_t s0 = neuron_offset(network_of(r0)), s1 = neuron_offset(network_of(r1 - 1) + 1);
    const ordinal_t n_blocks = static_cast<ordinal_t>(block_start.extent(0)) - 1;
    const ordinal_t b0 = lower_bound(block_start, ordinal_t(0), n_blocks, s0);
    const ordinal_t b1 = lower_bound(block_start, b0, n_blocks, s1);
    for (ordinal_t b = b0; b < b1; ++b)
      for (int k = 0; k < spiked.count(b); ++k) push(spiked.list(block_start(b) + k), r0, r1);
  }

  // Adds column j times x(j) into the rows [r0, r1) it reaches.
  KOKKOS_INLINE_FUNCTION void push(const ordinal_t j, const ordinal_t r0,
                                   const ordinal_t r1) const {
    const real_t xj = x(j);
    offset_t e0 = column_ptr(j), e1 = column_ptr(j + 1);
    const ordinal_t g = network_of(j);
    if (neuron_offset(g) < r0 || neuron_offset(g + 1) > r1) {  // the column leaves the block
      e0 = lower_bound(column_row, e0, e1, r0);
      e1 = lower_bound(column_row, e0, e1, r1);
    }
    for (offset_t e = e0; e < e1; ++e) drive(column_row(e)) += column_value(e) * xj;
  }
};

}  // namespace kascade::detail
