#pragma once
// The spikes of one step, per thread, where one network is cut between the threads of a host
// team (step_stretch.hpp). After its share of the neuron kernel each thread copies the neurons of
// its share that fired, ascending, with their spike values, into a list of its own; the push
// then reads those few cache lines instead of a count per segment, a list entry and a spike value
// per spiking neuron, scattered over lines that the other thread writes again in the next step
// (every such line crosses between the cores twice). Parts are in ascending neuron order, so
// the lists of parts 0, 1, ... are the step's spikes in the order of the segment lists: the same
// sums.
//
// A thread may begin step k + 1 while another still pushes step k (step_stretch.hpp), so the
// lists of even and odd steps are kept apart. A list begins with a header word, the step it is
// for and its length, which its thread stores last; its spikes follow in the same and the next
// lines, so that a reader gets the header and the first spikes in one trip between the cores
// (~135 ns on the machine of docs/performance.md). Internal.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <cstring>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/page_stride.hpp"

namespace kascade::detail {

struct SpikeEntry {
  ordinal_t neuron;
  real_t x;  // the spike (count)
};
static_assert(sizeof(SpikeEntry) == sizeof(std::uint64_t), "a spike entry is one list word");

// A spiking neuron's column, entries [from, to), and its spike: the lists of the team push
// (team_push.hpp).
struct ListedColumn {
  offset_t from, to;
  real_t x;
};

template <class MemorySpace>
struct PartSpikes {
  // [list][word]: list 2 p + (k & 1) is part p's list of step k: its header, then its spikes.
  Kokkos::View<std::uint64_t**, Kokkos::LayoutRight, MemorySpace> word;  // empty: none
  int odd = 0;  // the lists of odd steps (set_step)

  KOKKOS_INLINE_FUNCTION bool active() const { return word.extent(0) > 0; }
  KOKKOS_INLINE_FUNCTION int parts() const { return static_cast<int>(word.extent(0)) / 2; }
  KOKKOS_INLINE_FUNCTION void set_step(const step_t k) { odd = static_cast<int>(k & 1); }

  // The header of part `part`'s list: tag (a step number + 1, 0: none yet) above, length below.
  KOKKOS_INLINE_FUNCTION std::uint64_t* header(const int part) const {
    return &word(2 * part + odd, 0);
  }
  KOKKOS_INLINE_FUNCTION static std::uint64_t header_word(const std::uint32_t tag, const int n) {
    return std::uint64_t(tag) << 32 | static_cast<std::uint32_t>(n);
  }
  KOKKOS_INLINE_FUNCTION int n(const int part) const {
    return static_cast<int>(*header(part) & 0xffffffffu);
  }
  KOKKOS_INLINE_FUNCTION SpikeEntry at(const int part, const int k) const {
    SpikeEntry e;
    std::memcpy(&e, &word(2 * part + odd, 1 + k), sizeof e);
    return e;
  }

  // Writes the spikes of kernel segments [b0, b1) into part `part`'s list, from their segment
  // lists and the step's spikes x, and returns how many (the header is the caller's to store).
  template <class Starts, class X>
  KOKKOS_INLINE_FUNCTION int gather(const int part, const ordinal_t b0, const ordinal_t b1,
                                    const BlockSpikes<MemorySpace>& spiked,
                                    const Starts& block_start, const X& x) const {
    int n = 0;
    for (ordinal_t b = b0; b < b1; ++b)
      for (int k = 0; k < spiked.count(b); ++k) {
        const ordinal_t j = spiked.list(block_start(b) + k);
        const SpikeEntry e{j, x(j)};
        std::memcpy(&word(2 * part + odd, 1 + n++), &e, sizeof e);
      }
    return n;
  }
};

// Lists for `parts` threads whose shares hold at most `most` neurons, each list whole pages
// apart from the next, every header zero (no step yet).
template <class MemorySpace>
PartSpikes<MemorySpace> make_part_spikes(const int parts, const ordinal_t most) {
  const std::size_t row = page_apart_stride<std::uint64_t>(static_cast<std::size_t>(most) + 1);
  return {Kokkos::View<std::uint64_t**, Kokkos::LayoutRight, MemorySpace>("kascade::part_spikes",
                                                                          2 * parts, row)};
}

}  // namespace kascade::detail
