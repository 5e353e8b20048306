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

#include "kascade/core/prefetch.hpp"
#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/network/batch.hpp"

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
  Kokkos::View<const ColumnEntry*, MemorySpace> column_entry;
  Kokkos::View<const ordinal_t*, MemorySpace> network_of, neuron_offset;
  Kokkos::View<const real_t*, Kokkos::LayoutRight, MemorySpace> x;  // this step's spikes
  Kokkos::View<real_t*, Kokkos::LayoutRight, MemorySpace> drive;    // this step's drive
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;          // the neuron kernel's blocks
  BlockSpikes<MemorySpace> spiked;                                  // their spikes, ascending
  ordinal_t n_rows = 0, rows_per_block = 1;

  // First position in [lo, hi) of `a` whose value is >= v (a ascending).
  template <class Index, class Value, class Key>
  KOKKOS_INLINE_FUNCTION static Index lower_bound(Index lo, Index hi, Value v, const Key& a) {
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
    const auto start = [&](ordinal_t b) { return block_start(b); };
    const ordinal_t b0 = lower_bound(ordinal_t(0), n_blocks, s0, start);
    const ordinal_t b1 = lower_bound(b0, n_blocks, s1, start);
    // In batches of spiking columns, ascending: first the start of each one's entries is
    // requested, then they are added, so that their cache misses overlap.
    constexpr int batch = 16;
    ordinal_t js[batch];
    int n = 0;
    for (ordinal_t b = b0; b < b1; ++b)
      for (int k = 0; k < spiked.count(b); ++k) {
        js[n++] = spiked.list(block_start(b) + k);
        if (n == batch) {
          for (int m = 0; m < n; ++m) prefetch(js[m], r0);
          for (int m = 0; m < n; ++m) push(js[m], r0, r1);
          n = 0;
        }
      }
    for (int m = 0; m < n; ++m) prefetch(js[m], r0);
    for (int m = 0; m < n; ++m) push(js[m], r0, r1);
  }

  // Asks for the first cache lines of what push(j, r0, ...) will read (host backends; a hint, no
  // effect on the result). Four lines of 64 bytes: case C (500-entry columns) measured 28.4 ->
  // 25.2 us/step with this and the interleaved entries; 1, 2, 8 lines within 2 % of 4.
  static constexpr int prefetch_lines = 4;
  KOKKOS_INLINE_FUNCTION void prefetch(const ordinal_t j, const ordinal_t r0) const {
    const offset_t e0 = column_ptr(j), e1 = column_ptr(j + 1);
    if (e0 == e1) return;
    const offset_t e = guess(j, e0, e1, r0);
    const char* p = reinterpret_cast<const char*>(&column_entry(e));
    const char* last = reinterpret_cast<const char*>(&column_entry(e1 - 1));
    for (int line = 0; line < prefetch_lines && p + 64 * line <= last; ++line)
      prefetch_line(p + 64 * line);
    prefetch_line(&x(j));
  }

  // Where the rows >= r0 of column j (entries [e0, e1), e0 < e1) about begin: its rows are
  // spread over its network's, so in proportion (exact when the block holds the network's start).
  KOKKOS_INLINE_FUNCTION offset_t guess(const ordinal_t j, const offset_t e0, const offset_t e1,
                                        const ordinal_t r0) const {
    const ordinal_t g = network_of(j), n0 = neuron_offset(g), n1 = neuron_offset(g + 1);
    if (r0 <= n0) return e0;
    const offset_t e = e0 + (e1 - e0) * static_cast<offset_t>(r0 - n0) / (n1 - n0);
    return e < e1 ? e : e1 - 1;
  }

  // First position in [e0, e1) whose row is >= r, found from `from` (in [e0, e1)) in steps of 1,
  // 2, 4, ... and then halving: a few entries near `from`, O(log distance) at worst.
  KOKKOS_INLINE_FUNCTION offset_t first_at_or_after(const offset_t e0, const offset_t e1,
                                                    const offset_t from, const ordinal_t r) const {
    const auto column_row = [&](offset_t e) { return column_entry(e).row; };
    offset_t step = 1;
    if (column_row(from) >= r) {  // back: column_row(hi) >= r
      offset_t hi = from;
      while (hi - e0 >= step && column_row(hi - step) >= r) hi -= step, step *= 2;
      return lower_bound(hi - e0 >= step ? hi - step : e0, hi, r, column_row);
    }
    offset_t lo = from;  // forward: column_row(lo) < r
    while (e1 - lo > step && column_row(lo + step) < r) lo += step, step *= 2;
    return lower_bound(lo + 1, e1 - lo > step ? lo + step : e1, r, column_row);
  }

  // Adds column j times x(j) into the rows [r0, r1) it reaches. Where the column leaves the block,
  // its first row >= r0 is found near guess() (in the cache line that prefetch() asked for), and
  // the addition stops at r1: a binary search over the column would cost a cache miss per
  // halving in a column that nobody has read yet.
  KOKKOS_INLINE_FUNCTION void push(const ordinal_t j, const ordinal_t r0,
                                   const ordinal_t r1) const {
    const real_t xj = x(j);
    const offset_t e0 = column_ptr(j), e1 = column_ptr(j + 1);
    const ordinal_t g = network_of(j);
    if (neuron_offset(g) >= r0 && neuron_offset(g + 1) <= r1) {  // the whole column
      for (offset_t e = e0; e < e1; ++e) add(column_entry(e), xj);
      return;
    }
    if (e0 == e1) return;
    for (offset_t e = first_at_or_after(e0, e1, guess(j, e0, e1, r0), r0);
         e < e1 && column_entry(e).row < r1; ++e)
      add(column_entry(e), xj);
  }

  KOKKOS_INLINE_FUNCTION void add(const ColumnEntry& entry, const real_t xj) const {
    drive(entry.row) += entry.weight * xj;
  }
};

}  // namespace kascade::detail
