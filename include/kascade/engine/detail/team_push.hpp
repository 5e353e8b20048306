#pragma once
// The event-driven push shaped for a team of GPU threads. A team takes a unit of whole networks,
// rows [r0, r1) (the batch is block-diagonal: only the unit's own neurons reach its rows), lists
// the unit's neurons that spiked in ascending order (a team scan), zeroes the unit's drive, then
// walks the listed columns one after another: the team's threads share each column's entries
// (its rows are distinct, so no two threads add into one row) and meet at a team barrier before
// the next column. Every row thus sums its spikes' weights in ascending presynaptic order, skipping
// exact zeros: bitwise the dense pull and the host push (push_spikes.hpp).
//
// The host push gives each thread a block of rows that walks every spike and finds its rows in
// each column: one thread per block is right for a few host threads, but on a GPU each thread
// walked every neuron's spike count serially, 7-12x slower than the pull (docs/performance.md).
// Here every thread adds, and a spike costs one barrier. Internal.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/part_spikes.hpp"
#include "kascade/engine/detail/push_spikes.hpp"
#include "kascade/network/batch.hpp"

namespace kascade::detail {

template <class MemorySpace>
struct TeamPush {
  Kokkos::View<const offset_t*, MemorySpace> column_ptr;
  Kokkos::View<const ColumnEntry*, MemorySpace> column_entry;
  // A slot per neuron: the unit of rows [r0, r1) lists its spikes in slots [r0, r1).
  Kokkos::View<SpikeEntry*, MemorySpace> listed;
  // A launch of its own (per step): team g pushes network g's rows, x into drive.
  Kokkos::View<const ordinal_t*, MemorySpace> neuron_offset;
  RingRow<const real_t, MemorySpace> x;
  RingRow<real_t, MemorySpace> drive;

  template <class Member>
  KOKKOS_INLINE_FUNCTION void operator()(const Member& team) const {
    const ordinal_t g = team.league_rank();
    rows(team, neuron_offset(g), neuron_offset(g + 1), x, drive);
  }

  // The drive of rows [r0, r1), whole networks, from the spikes x of the same neurons. Every
  // thread of the team calls it; the drive is complete for all of them when it returns.
  template <class Member>
  KOKKOS_INLINE_FUNCTION void rows(const Member& team, const ordinal_t r0, const ordinal_t r1,
                                   const RingRow<const real_t, MemorySpace>& xs,
                                   const RingRow<real_t, MemorySpace>& out) const {
    int n = 0;  // the unit's spikes (every thread gets the sum)
    Kokkos::parallel_reduce(
        Kokkos::TeamThreadRange(team, r0, r1),
        [&](const ordinal_t i, int& count) { count += xs(i) > real_t(0) ? 1 : 0; }, n);
    Kokkos::parallel_scan(Kokkos::TeamThreadRange(team, r0, r1),
                          [&](const ordinal_t i, int& before, const bool final) {
                            const real_t xi = xs(i);
                            if (final) {
                              out(i) = real_t(0);
                              if (xi > real_t(0)) listed(r0 + before) = SpikeEntry{i, xi};
                            }
                            if (xi > real_t(0)) ++before;
                          });
    team.team_barrier();  // the list and the zeroed rows, for every thread
    for (int k = 0; k < n; ++k) {
      const SpikeEntry spike = listed(r0 + k);
      Kokkos::parallel_for(
          Kokkos::TeamThreadRange(team, column_ptr(spike.neuron), column_ptr(spike.neuron + 1)),
          [&](const offset_t e) {
            const ColumnEntry entry = column_entry(e);
            out(entry.row) += entry.weight * spike.x;
          });
      team.team_barrier();  // this column's adds before the next one's, row by row
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
