#pragma once
// The spikes of one step, per thread, where one network is cut between the threads of a host
// team (step_stretch.hpp). After its share of the neuron kernel each thread copies the neurons of
// its share that fired, ascending, with their spike values, into a list of its own; the push
// then reads those few cache lines instead of a count per segment, a list entry and a spike value
// per spiking neuron, scattered over lines that the other thread writes again in the next step
// (every such line crosses between the cores twice). Parts are in ascending neuron order, so
// the lists of parts 0, 1, ... are the step's spikes in the order of the segment lists: the same
// sums. Internal.
#include <Kokkos_Core.hpp>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"

namespace kascade::detail {

struct SpikeEntry {
  ordinal_t neuron;
  real_t x;  // the spike (count)
};

template <class MemorySpace>
struct PartSpikes {
  Kokkos::View<SpikeEntry**, Kokkos::LayoutRight, MemorySpace> entry;  // [part][k]; empty: none
  Kokkos::View<int**, Kokkos::LayoutRight, MemorySpace> count;         // [part][0]: a line per part

  KOKKOS_INLINE_FUNCTION bool active() const { return entry.extent(0) > 0; }
  KOKKOS_INLINE_FUNCTION int parts() const { return static_cast<int>(entry.extent(0)); }

  // Part `part` lists the spikes of kernel segments [b0, b1) from their lists and the step's
  // spikes x.
  template <class Starts, class X>
  KOKKOS_INLINE_FUNCTION void gather(const int part, const ordinal_t b0, const ordinal_t b1,
                                     const BlockSpikes<MemorySpace>& spiked,
                                     const Starts& block_start, const X& x) const {
    int n = 0;
    for (ordinal_t b = b0; b < b1; ++b)
      for (int k = 0; k < spiked.count(b); ++k) {
        const ordinal_t j = spiked.list(block_start(b) + k);
        entry(part, n++) = SpikeEntry{j, x(j)};
      }
    count(part, 0) = n;
  }
};

// Lists for `parts` threads whose shares hold at most `most` neurons: rows whole pages apart.
template <class MemorySpace>
PartSpikes<MemorySpace> make_part_spikes(const int parts, const ordinal_t most) {
  const std::size_t page = 4096 / sizeof(SpikeEntry);
  const std::size_t row = (static_cast<std::size_t>(most) + page - 1) / page * page + page;
  return {Kokkos::View<SpikeEntry**, Kokkos::LayoutRight, MemorySpace>("kascade::part_spikes",
                                                                       parts, row),
          Kokkos::View<int**, Kokkos::LayoutRight, MemorySpace>("kascade::part_spike_count", parts,
                                                                64 / sizeof(int))};
}

}  // namespace kascade::detail
