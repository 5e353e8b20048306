#pragma once
// The neuron kernel's blocks: up to `size` neighbouring neurons of ONE network, each with its
// self history and the list of its neurons that spiked (ascending), which is all the
// event-driven push needs: it reads a count per block instead of scanning every neuron. Its
// work items are groups of consecutive blocks. Internal.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade::detail {

// First neuron of every block, then the number of neurons (blocks + 1 entries): each network
// [offset[g], offset[g + 1]) is cut into blocks of `size` from its first neuron, and from each
// neuron of `cuts` (ascending) inside it.
inline std::vector<ordinal_t> block_starts(const std::vector<ordinal_t>& neuron_offset, int size,
                                           const std::vector<ordinal_t>& cuts = {}) {
  std::vector<ordinal_t> starts;
  auto cut = cuts.begin();
  for (std::size_t g = 0; g + 1 < neuron_offset.size(); ++g)
    for (ordinal_t i = neuron_offset[g]; i < neuron_offset[g + 1];) {
      starts.push_back(i);
      while (cut != cuts.end() && *cut <= i) ++cut;
      i = cut != cuts.end() && *cut < i + size ? *cut : i + size;
    }
  starts.push_back(neuron_offset.empty() ? 0 : neuron_offset.back());
  return starts;
}

// Groups of consecutive blocks of at most `capacity` neurons in all, a group also beginning at
// every neuron of `cuts` that begins a block (ascending): the first block of every group, then
// the number of blocks.
inline std::vector<ordinal_t> group_starts(const std::vector<ordinal_t>& block_start, int capacity,
                                           const std::vector<ordinal_t>& cuts = {}) {
  std::vector<ordinal_t> groups;
  int used = capacity;
  auto cut = cuts.begin();
  for (std::size_t b = 0; b + 1 < block_start.size(); ++b) {
    const int size = block_start[b + 1] - block_start[b];
    while (cut != cuts.end() && *cut < block_start[b]) ++cut;
    const bool at_cut = cut != cuts.end() && *cut == block_start[b];
    if (used + size > capacity || at_cut) groups.push_back(static_cast<ordinal_t>(b)), used = 0;
    used += size;
  }
  groups.push_back(static_cast<ordinal_t>(block_start.empty() ? 0 : block_start.size() - 1));
  return groups;
}

// Where each segment keeps the words the neuron kernel rewrites every step (its spike count,
// below; its self history, engine): in slot b plus `spacing` for every thread cut (ascending
// neurons) at or below its first neuron. Threads that share one network each own a run of
// segments and write their words upwards; a core's prefetcher, seeing the lower run written
// upwards, pulls in the lines that follow it - the next thread's, which that thread then wins
// back on every write (case C on two threads: the upper share's neuron phase ~10 % longer).
// Runs whole pages apart end that. Returns one slot per segment, then the number of slots.
constexpr ordinal_t segment_slot_spacing = 1024;  // >= 4 kB of 4-byte counts, 8 kB of history
inline std::vector<ordinal_t> segment_slots(const std::vector<ordinal_t>& block_start,
                                            const std::vector<ordinal_t>& cuts = {},
                                            const ordinal_t spacing = segment_slot_spacing) {
  std::vector<ordinal_t> slots;
  ordinal_t gap = 0;
  auto cut = cuts.begin();
  for (std::size_t b = 0; b + 1 < block_start.size(); ++b) {
    for (; cut != cuts.end() && *cut <= block_start[b]; ++cut)
      if (*cut > 0) gap += spacing;
    slots.push_back(static_cast<ordinal_t>(b) + gap);
  }
  slots.push_back(slots.empty() ? 0 : slots.back() + 1);
  return slots;
}

// Each block's slot (segment_slots), or none held where every block is its own slot (no thread
// cuts: one thread, GPUs), which then costs no load. (Threads that step whole networks of
// their own are cut between networks: their runs are spaced too, which neither helps nor costs
// there, on cases B and C2.)
template <class MemorySpace>
struct SegmentSlots {
  Kokkos::View<const ordinal_t*, MemorySpace> slot;  // empty: slot b is b
  KOKKOS_INLINE_FUNCTION ordinal_t operator()(const ordinal_t b) const {
    return slot.extent(0) > 0 ? slot(b) : b;
  }
};

// `slots` (segment_slots) where they are not the blocks themselves.
template <class MemorySpace>
SegmentSlots<MemorySpace> make_segment_slots(const std::vector<ordinal_t>& slots) {
  const std::size_t blocks = slots.size() - 1;
  if (slots.back() == static_cast<ordinal_t>(blocks)) return {};  // (segment_slots only adds)
  Kokkos::View<ordinal_t*, MemorySpace> slot("kascade::segment_slot", blocks);
  Kokkos::deep_copy(slot, Kokkos::View<const ordinal_t*, Kokkos::HostSpace>(slots.data(), blocks));
  return {slot};
}

// Spikes per block: list(block_start(b) + k), k < count(b), the neurons of block b with x > 0
// (each block lists within its own neurons' range: one entry per neuron in all).
template <class MemorySpace>
struct BlockSpikes {
  Kokkos::View<ordinal_t*, MemorySpace> list;
  Kokkos::View<int*, MemorySpace> counts;  // by slot
  SegmentSlots<MemorySpace> slot;
  KOKKOS_INLINE_FUNCTION int& count(const ordinal_t b) const { return counts(slot(b)); }
};

// Lists for `n` neurons in blocks whose words are at `slots` (segment_slots: one per block, then
// the number of slots).
template <class MemorySpace>
BlockSpikes<MemorySpace> make_block_spikes(const ordinal_t n, const std::vector<ordinal_t>& slots) {
  return {Kokkos::View<ordinal_t*, MemorySpace>("kascade::spike_list", n),
          Kokkos::View<int*, MemorySpace>("kascade::spike_count", slots.back()),
          make_segment_slots<MemorySpace>(slots)};
}

// Fills the block lists from a spike vector (when the spikes did not come from the neuron
// kernel, e.g. the initial state).
template <class MemorySpace>
struct ListSpikes {
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;
  Kokkos::View<const real_t*, Kokkos::LayoutRight, MemorySpace> x;
  BlockSpikes<MemorySpace> out;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t b) const {
    int k = 0;
    for (ordinal_t i = block_start(b); i < block_start(b + 1); ++i)
      if (x(i) > real_t(0)) out.list(block_start(b) + k++) = i;
    out.count(b) = k;
  }
};

}  // namespace kascade::detail
