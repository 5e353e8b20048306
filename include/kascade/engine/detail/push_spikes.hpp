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
#include "kascade/core/sorted_search.hpp"
#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/part_spikes.hpp"
#include "kascade/engine/detail/push_cuts.hpp"
#include "kascade/network/batch.hpp"

namespace kascade::detail {

// One step's row of a ring (spikes or drive): unmanaged, so that pointing it at the next step's
// row is a pointer and an extent (a stretch does so every step; on two threads, for each of
// ~17 units of case B, where a managed subview's tracking cost ~3 % of the step).
template <class T, class MemorySpace>
using RingRow =
    Kokkos::View<T*, Kokkos::LayoutRight, MemorySpace, Kokkos::MemoryTraits<Kokkos::Unmanaged>>;

// Where thread r's share of n work items begins when `threads` threads share them in whole
// chunks (r = threads: n).
KOKKOS_INLINE_FUNCTION ordinal_t share_begin(const ordinal_t n, const int threads, const int r) {
  const ordinal_t per = (n + threads - 1) / threads;
  return per * r < n ? per * r : n;
}

template <class MemorySpace>
struct PullRows {
  Kokkos::View<const offset_t*, MemorySpace> row_ptr;
  Kokkos::View<const ordinal_t*, MemorySpace> column;
  Kokkos::View<const real_t*, MemorySpace> value;
  RingRow<const real_t, MemorySpace> x;
  RingRow<real_t, MemorySpace> drive;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    real_t sum = 0;
    for (offset_t e = row_ptr(i); e < row_ptr(i + 1); ++e) sum += value(e) * x(column(e));
    drive(i) = sum;
  }
};

// Rows per block when the push is cut into about `blocks_wanted` blocks: at least 64, and whole
// cache lines of the drive, so that no line is written by two threads (ring rows are whole
// lines, engine_impl.hpp). Where host threads share networks, the engine begins a segment and a
// group of the neuron kernel at each block (share_cuts), so that each thread pushes into the
// rows its own neuron kernel then reads; the blocks are as even as lines allow (case C on two
// threads: 2512 : 2488 rows, where whole segments of 128 gave 2560 : 2440).
KOKKOS_INLINE_FUNCTION ordinal_t push_rows_per_block(const ordinal_t n_rows,
                                                     const ordinal_t blocks_wanted) {
  constexpr ordinal_t whole = 64 / sizeof(real_t);
  const ordinal_t rows = (n_rows + blocks_wanted - 1) / blocks_wanted;
  return rows <= 64 ? 64 : (rows + whole - 1) / whole * whole;
}

template <class MemorySpace>
struct PushSpikes {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  Kokkos::View<const ColumnEntry*, MemorySpace> column_entry;
  Kokkos::View<const ordinal_t*, MemorySpace> network_of, neuron_offset;
  RingRow<const real_t, MemorySpace> x;                     // this step's spikes
  RingRow<real_t, MemorySpace> drive;                       // this step's drive
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;  // the neuron kernel's blocks
  BlockSpikes<MemorySpace> spiked;                          // their spikes, ascending
  ordinal_t n_rows = 0, rows_per_block = 1;
  PushCuts<MemorySpace> cuts;  // where each block begins in the columns it cuts (or none)
  // The threads' own accumulators (host teams; else empty), rows pages apart: rows(..., own)
  // adds into row `own`, then copies its rows into the drive. Two threads scattering into
  // neighbouring parts of one array were measured to slow each other (the second pushed ~25 %
  // longer; probably one core's prefetchers pulling in the other's lines), even with no line
  // shared.
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> scratch;
  // The step's spikes per thread (shared host stretches, part_spikes.hpp), or none: then the
  // segment lists and x.
  PartSpikes<MemorySpace> parts;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t block) const {
    const ordinal_t r0 = block * rows_per_block;
    rows(r0, r0 + rows_per_block < n_rows ? r0 + rows_per_block : n_rows, block, block);
  }

  // The drive of rows [r0, r1) (r0 < r1): block `block` (for its cuts), or -1 (r0 begins a
  // network, or no cuts: searched); accumulated in row `own` of the scratch if there is one.
  // Segments [b0, b1) hold every spike that reaches these rows if the caller knows them (whole
  // networks), else b0 < 0: they are looked up. With part lists, wait(part) returns once part
  // `part`'s list of the step may be read (step_stretch.hpp).
  struct NoWait {
    KOKKOS_INLINE_FUNCTION void operator()(int) const {}
  };
  // (Forced inline: since it took a Wait, GCC 12 stopped inlining it into the stretch's units,
  // and case A, one step ~130 ns, took 4-8 % longer.)
  template <class Wait = NoWait>
  KOKKOS_FORCEINLINE_FUNCTION void rows(const ordinal_t r0, const ordinal_t r1,
                                        const ordinal_t block = -1, const ordinal_t own = -1,
                                        ordinal_t b0 = -1, ordinal_t b1 = -1,
                                        const Wait& wait = Wait{}) const {
    const auto n_rows_here = static_cast<std::size_t>(r1 - r0);
    const bool own_rows = own >= 0 && static_cast<std::size_t>(own) < scratch.extent(0) &&
                          n_rows_here <= scratch.extent(1);
    real_t* KOKKOS_RESTRICT acc = own_rows ? &scratch(own, 0) : &drive(r0);  // rows from r0
    for (std::size_t i = 0; i < n_rows_here; ++i) acc[i] = real_t(0);
    // Only spikes of the networks overlapping [r0, r1) can reach it (the batch is block-diagonal).
    const ordinal_t s0 = neuron_offset(network_of(r0)), s1 = neuron_offset(network_of(r1 - 1) + 1);
    // In batches of spiking columns, ascending: first where each one's entries for these rows
    // begin and end is found and its first lines are requested, then they are added, so that
    // the lookups and cache misses of the batch overlap.
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
    constexpr int batch = 1;  // (no prefetch on GPUs; arrays of spans would spill registers)
#else
    constexpr int batch = 16;
#endif
    SpikeEntry spikes[batch];
    int n = 0;
    const auto flush = [&] {
      Span spans[batch];
      for (int m = 0; m < n; ++m) spans[m] = span(spikes[m].neuron, r0, r1, block);
      // The lines past the first few of each column are asked for while the column before it
      // is added, not on entry: by the time a column's adds reach its fifth line it has come.
      if (n > 0) prefetch_rest(spans[0]);
      for (int m = 0; m < n; ++m) {
        if (m + 1 < n) prefetch_rest(spans[m + 1]);
        add_span(spans[m], spikes[m].x, acc, r0, r1);
      }
      n = 0;
    };
    const auto take = [&](const ordinal_t j, const real_t xj) {
      spikes[n++] = SpikeEntry{j, xj};
      if (n == batch) flush();
    };
    if (parts.active()) {
      for (int part = 0; part < parts.parts(); ++part) {
        wait(part);
        const int n_part = parts.n(part);  // (ascending: parts below s0 skipped whole)
        if (n_part == 0 || parts.at(part, n_part - 1).neuron < s0) continue;
        if (parts.at(part, 0).neuron >= s1) break;
        for (int k = 0; k < n_part; ++k) {
          const SpikeEntry spike = parts.at(part, k);
          if (spike.neuron >= s1) break;
          if (spike.neuron >= s0) take(spike.neuron, spike.x);
        }
      }
    } else {
      if (b0 < 0) {
        const ordinal_t n_blocks = static_cast<ordinal_t>(block_start.extent(0)) - 1;
        b0 = first_true(ordinal_t(0), n_blocks, [&](ordinal_t b) { return block_start(b) >= s0; });
        b1 = first_true(b0, n_blocks, [&](ordinal_t b) { return block_start(b) >= s1; });
      }
      for (ordinal_t b = b0; b < b1; ++b)
        for (int k = 0; k < spiked.count(b); ++k) {
          const ordinal_t j = spiked.list(block_start(b) + k);
          take(j, x(j));
        }
    }
    flush();
    if (!own_rows) return;
    real_t* KOKKOS_RESTRICT out = &drive(r0);
    for (std::size_t i = 0; i < n_rows_here; ++i) out[i] = acc[i];
  }

  // The entries of a column that reach rows [r0, r1): [from, to), or, if `bounded`, those of
  // [from, to) before the first row >= r1.
  struct Span {  // (no initialisers: a batch's array of them is filled by span())
    offset_t from, to;
    bool bounded;
  };

  // Column j's span for rows [r0, r1) of block `block`, with its first cache lines requested
  // (host backends; a hint, no effect on the result). Four lines of 64 bytes: case C (500-entry
  // columns) measured 28.4 -> 25.2 us/step with this and the interleaved entries; 1, 2, 8 lines
  // within 2 % of 4. Where the column leaves the block, its first row >= r0 is the block's cut
  // (cut_of) or is found near guess(), and its end is the next block's cut, the column's end
  // if the block ends the column's network, or else the first row >= r1: a binary search over
  // the column would cost a cache miss per halving in a column that nobody has read yet.
  static constexpr int prefetch_lines = 4;
  KOKKOS_INLINE_FUNCTION Span span(const ordinal_t j, const ordinal_t r0, const ordinal_t r1,
                                   const ordinal_t block) const {
    const offset_t e0 = column_ptr(j), e1 = column_ptr(j + 1);
    const ordinal_t g = network_of(j);
    Span out{e0, e1, false};
    if (e0 == e1) return out;
    if (neuron_offset(g) < r0 || neuron_offset(g + 1) > r1) {  // not the whole column
      const std::int64_t cut = cut_of(j, r0, block);
      out.from = cut >= 0 ? e0 + static_cast<offset_t>(cut)
                          : first_true_near(e0, e1, guess(j, e0, e1, r0),
                                            [&](offset_t e) { return column_entry(e).row >= r0; });
      const std::int64_t next = cut_of(j, r1, block + 1);
      if (next >= 0)
        out.to = e0 + static_cast<offset_t>(next);
      else
        out.bounded = neuron_offset(g + 1) > r1;
    }
    prefetch_span(out);
    return out;
  }

  // Asks for a span's first prefetch_lines lines.
  KOKKOS_INLINE_FUNCTION void prefetch_span(const Span& out) const {
    if (out.from == out.to) return;
    const char* p = reinterpret_cast<const char*>(&column_entry(out.from));
    const char* last = reinterpret_cast<const char*>(&column_entry(out.to - 1));
    for (int line = 0; line < prefetch_lines && p + 64 * line <= last; ++line)
      prefetch_line(p + 64 * line);
  }

  // Where the rows >= r0 of a block begin in column j, relative to the column's start: 0 where
  // the block begins at or before j's network (without reading the column: that read was a
  // miss to memory per spiking column where the columns do not fit the last-level cache; case C
  // on the Zen 1 VM of docs/performance.md, the lower of two threads planned its spans in 5.7 k
  // cycles per step, then 2.1 k), else the block's cut table where j's network holds r0, else -1
  // (no table: span() searches the column).
  KOKKOS_INLINE_FUNCTION std::int64_t cut_of(const ordinal_t j, const ordinal_t r0,
                                             const ordinal_t block) const {
    if (r0 <= neuron_offset(network_of(j))) return 0;
    if (!cuts.cuts(block)) return -1;
    const ordinal_t g = network_of(r0);
    return network_of(j) == g ? static_cast<std::int64_t>(cuts.at(block, j, neuron_offset(g))) : -1;
  }

  // Where the rows >= r0 of column j (entries [e0, e1), e0 < e1; r0 inside j's network) about
  // begin: its rows are spread over its network's, so in proportion.
  KOKKOS_INLINE_FUNCTION offset_t guess(const ordinal_t j, const offset_t e0, const offset_t e1,
                                        const ordinal_t r0) const {
    const ordinal_t g = network_of(j), n0 = neuron_offset(g), n1 = neuron_offset(g + 1);
    const offset_t e = e0 + (e1 - e0) * static_cast<offset_t>(r0 - n0) / (n1 - n0);
    return e < e1 ? e : e1 - 1;
  }

  // Asks for a span's lines past those prefetch_span() asked for, up to the prefetch distance of
  // add_range (1 kB): rows() does so while the column before it is added.
  static constexpr offset_t ahead = 128;
  static constexpr offset_t per_line = 64 / sizeof(ColumnEntry);
  KOKKOS_INLINE_FUNCTION void prefetch_rest(const Span& sp) const {
    for (offset_t e = sp.from + prefetch_lines * per_line; e < sp.from + ahead && e < sp.to;
         e += per_line)
      prefetch_line(&column_entry(e));
  }

  // Adds a column's span times xj into the rows from r0 (acc: row r0 first).
  KOKKOS_INLINE_FUNCTION void add_span(const Span& sp, const real_t xj, real_t* acc,
                                       const ordinal_t r0, const ordinal_t r1) const {
    if (!sp.bounded) return add_range(sp.from, sp.to, xj, acc, r0);
    for (offset_t e = sp.from; e < sp.to && column_entry(e).row < r1; ++e)
      add(column_entry(e), xj, acc, r0);
  }

  // Adds the entries [e0, e1) of a column, asking for the cache line 128 entries (1 kB) ahead
  // every 8: a column is one stream (row and weight side by side), and from DRAM one stream gets
  // too few lines in flight from the hardware prefetcher (10^8 synapses: 0.90 ms per step with
  // rows and weights as two streams, 1.19 with one, 0.80 with this; case C 25.9 -> 25.2 us).
  // The lines between those span() asked for and the first one 1 kB ahead were asked for by
  // rows() before (prefetch_rest; on entry, as first measured: case C, cycles per step in the
  // push, one thread 32.7-37.3 k -> 30.6-33.6 k, each of two threads 23-27 k -> 20-22 k).
  KOKKOS_INLINE_FUNCTION void add_range(const offset_t e0, const offset_t e1, const real_t xj,
                                        real_t* acc, const ordinal_t r0) const {
    offset_t e = e0;
    for (; e + 8 <= e1; e += 8) {
      if (e + ahead < e1) prefetch_line(&column_entry(e + ahead));
      for (offset_t k = 0; k < 8; ++k) add(column_entry(e + k), xj, acc, r0);
    }
    for (; e < e1; ++e) add(column_entry(e), xj, acc, r0);
  }

  // acc: the rows from r0.
  KOKKOS_INLINE_FUNCTION static void add(const ColumnEntry& entry, const real_t xj, real_t* acc,
                                         const ordinal_t r0) {
    acc[entry.row - r0] += entry.weight * xj;
  }
};

}  // namespace kascade::detail
