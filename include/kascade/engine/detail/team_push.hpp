#pragma once
// The event-driven push shaped for a team of GPU threads. A team takes a unit of whole networks,
// rows [r0, r1) (the batch is block-diagonal: only the unit's own neurons reach its rows), lists
// the unit's neurons that spiked in ascending order with their columns' bounds (one team scan of
// each thread's count over a contiguous share), then walks the listed columns one after another:
// the team's threads share each column's entries (its rows are distinct, so no two threads add
// into one row; where a file's network holds a pair twice, Batch::repeated_pairs, the thread at
// the first of a run of one row adds the whole run) and meet at a team barrier before the next
// column. Every row thus sums its spikes' weights in ascending presynaptic order, skipping exact
// zeros: bitwise the dense pull and the host push (push_spikes.hpp), wherever the sums are kept.
//
// On a GPU each step of that chain is a round trip to memory, so the rows are summed in the
// team's scratch (shared) memory where they fit and copied out once, the columns' bounds come
// with the list, and each thread asks for its first entry of the next column and the list entry
// after it before the barrier. (The host push instead gives each thread a block of rows that walks
// every spike and finds its rows in each column: right for a few host threads; on a GPU a thread
// per block walked every neuron's spike count alone, 7-12x slower than the pull,
// docs/performance.md.) Kokkos 3.4 scans a CUDA team only if its size is a power of two
// (team_size_power_of_two). Internal.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/part_spikes.hpp"
#include "kascade/engine/detail/push_spikes.hpp"
#include "kascade/network/batch.hpp"

namespace kascade::detail {

// The largest power of two that is at most `most` and at most `wanted` rounded up to one (>= 1).
KOKKOS_INLINE_FUNCTION int team_size_power_of_two(const int wanted, const int most) {
  int size = 1;
  while (size < wanted && 2 * size <= most) size *= 2;
  return size;
}

template <class MemorySpace>
struct TeamPush {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  Kokkos::View<const ColumnEntry*, MemorySpace> column_entry;
  // A slot per neuron: the unit of rows [r0, r1) lists its spikes in slots [r0, r1).
  Kokkos::View<ListedColumn*, MemorySpace> listed;
  // Units of up to this many rows are summed in team scratch (scratch_bytes()); larger ones in
  // the drive itself.
  ordinal_t scratch_rows = 0;
  // A launch of its own (per step): team g pushes network g's rows, x into drive.
  Kokkos::View<const ordinal_t*, MemorySpace> neuron_offset;
  RingRow<const real_t, MemorySpace> x;
  RingRow<real_t, MemorySpace> drive;
  bool repeated_rows = false;  // some column holds a row twice (Batch::repeated_pairs)

  // Team scratch for units of up to `rows` rows: the count, then the sums if they fit (24 kB,
  // e.g. case C's 5000 rows, within the 48 kB of a CUDA block).
  static constexpr ordinal_t most_scratch_rows = 6144;
  KOKKOS_INLINE_FUNCTION static std::size_t scratch_bytes(const ordinal_t rows) {
    return 16 + (rows <= most_scratch_rows ? sizeof(real_t) * static_cast<std::size_t>(rows) : 0);
  }

  // What a team keeps in scratch: taken once per launch (each call takes more).
  struct Scratch {
    int* count;
    real_t* sums;
  };
  template <class Member>
  KOKKOS_INLINE_FUNCTION Scratch scratch(const Member& team) const {
    auto* base = static_cast<char*>(team.team_shmem().get_shmem(scratch_bytes(scratch_rows)));
    return {reinterpret_cast<int*>(base), reinterpret_cast<real_t*>(base + 16)};
  }

  template <class Member>
  KOKKOS_INLINE_FUNCTION void operator()(const Member& team) const {
    const ordinal_t g = team.league_rank();
    rows(team, scratch(team), neuron_offset(g), neuron_offset(g + 1), x, drive);
  }

  // The drive of rows [r0, r1), whole networks, from the spikes x of the same neurons. Every
  // thread of the team calls it; the drive is complete at the team's next barrier.
  template <class Member>
  KOKKOS_INLINE_FUNCTION void rows(const Member& team, const Scratch& s, const ordinal_t r0,
                                   const ordinal_t r1, const RingRow<const real_t, MemorySpace>& xs,
                                   const RingRow<real_t, MemorySpace>& out) const {
    if (r0 >= r1) return;
    const int t = team.team_rank(), threads = team.team_size();
    const bool in_scratch = r1 - r0 <= scratch_rows;
    real_t* const sums = in_scratch ? s.sums : &out(r0);  // row r at sums[r - r0]
    // List: each thread counts its contiguous share, one scan orders the shares.
    const ordinal_t a = r0 + share_begin(r1 - r0, threads, t),
                    b = r0 + share_begin(r1 - r0, threads, t + 1);
    int mine = 0;
    for (ordinal_t i = a; i < b; ++i) mine += xs(i) > real_t(0) ? 1 : 0;
    int k = team.team_scan(mine);
    for (ordinal_t i = a; i < b; ++i) {
      const real_t xi = xs(i);
      sums[i - r0] = real_t(0);
      if (xi > real_t(0)) listed(r0 + k++) = ListedColumn{column_ptr(i), column_ptr(i + 1), xi};
    }
    if (t == threads - 1) *s.count = k;  // (the last share ends the list)
    team.team_barrier();
    const int n = *s.count;
    // The columns in order; the next one's first entry (per thread) and list entry asked for
    // before the barrier.
    ListedColumn next = n > 0 ? listed(r0) : ListedColumn{0, 0, 0};
    ColumnEntry ahead = next.from + t < next.to ? column_entry(next.from + t) : ColumnEntry{0, 0};
    for (int spike = 0; spike < n; ++spike) {
      const ListedColumn column = next;
      const ColumnEntry first = ahead;
      if (spike + 1 < n) next = listed(r0 + spike + 1);
      if (repeated_rows) {
        add_column_runs(column, t, threads, sums, r0);
      } else {
        if (column.from + t < column.to) sums[first.row - r0] += first.weight * column.x;
        for (offset_t e = column.from + t + threads; e < column.to; e += threads) {
          const ColumnEntry entry = column_entry(e);
          sums[entry.row - r0] += entry.weight * column.x;
        }
      }
      if (spike + 1 < n && next.from + t < next.to) ahead = column_entry(next.from + t);
      team.team_barrier();  // this column's adds before the next one's, row by row
    }
    if (in_scratch)
      for (ordinal_t i = r0 + t; i < r1; i += threads) out(i) = sums[i - r0];
  }

  // Thread t's adds of `column` into sums[row - r0] where rows may repeat within it: of each run
  // of one row, the thread whose entry begins the run adds all of it, in column order (the pull's
  // order), so no two threads add into one row whatever order they run in.
  KOKKOS_INLINE_FUNCTION void add_column_runs(const ListedColumn& column, const int t,
                                              const int threads, real_t* const sums,
                                              const ordinal_t r0) const {
    for (offset_t e = column.from + t; e < column.to; e += threads) {
      const ordinal_t row = column_entry(e).row;
      if (e > column.from && column_entry(e - 1).row == row) continue;  // (another's run)
      for (offset_t k = e; k < column.to && column_entry(k).row == row; ++k)
        sums[row - r0] += column_entry(k).weight * column.x;
    }
  }
};

// The most entries of any column (a reduction with Kokkos::Max): the widest team a push can use.
template <class MemorySpace>
struct LongestColumn {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t j, offset_t& most) const {
    const offset_t length = column_ptr(j + 1) - column_ptr(j);
    if (length > most) most = length;
  }
};

}  // namespace kascade::detail
