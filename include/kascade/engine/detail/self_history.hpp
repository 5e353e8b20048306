#pragma once
// Which of the last `self_length` steps had a spike in a block of the neuron kernel, as bits (bit
// k % 64 of word k / 64: lag k, lag 0 = the previous step). The self (refractory) term then visits
// only the lags where some neuron of the block fired, in ascending order: O(1) per block when it
// was silent, whatever the kernel's length, and bitwise the sum over every lag (a skipped term is
// self(lag) * 0, and adding a zero leaves a sum unchanged). Internal.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kascade/core/types.hpp"
#include "kascade/engine/detail/neuron_blocks.hpp"
#include "kascade/engine/detail/ring_slots.hpp"

namespace kascade::detail {

using history_word = std::uint64_t;
constexpr int history_bits = 64;

KOKKOS_INLINE_FUNCTION int history_words(int self_length) {
  return (self_length + history_bits - 1) / history_bits;
}

// Index of the lowest set bit of a nonzero word.
KOKKOS_INLINE_FUNCTION int lowest_bit(history_word w) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  return __ffsll(static_cast<long long>(w)) - 1;
#else
  return __builtin_ctzll(w);
#endif
}

// The bits of the top word that hold lags below self_length (lags beyond have no kernel value).
KOKKOS_INLINE_FUNCTION history_word top_word_mask(int self_length) {
  const int used = self_length - (history_words(self_length) - 1) * history_bits;
  return used >= history_bits ? ~history_word(0) : (history_word(1) << used) - 1;
}

// Rebuilds every block's bits from the spike ring (after the ring was set or restored): lag k is
// ring slot (slot - 1 - k) mod T, where `slot` is the slot of the coming step.
template <class MemorySpace>
struct BuildSelfHistory {
  Kokkos::View<const real_t**, Kokkos::LayoutRight, MemorySpace> spikes;
  Kokkos::View<const ordinal_t*, MemorySpace> block_start;
  Kokkos::View<history_word**, Kokkos::LayoutRight, MemorySpace> history;  // [word][slot]
  SegmentSlots<MemorySpace> block_slot;
  int slot = 0, self_length = 0;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t b) const {
    const int T = static_cast<int>(spikes.extent(0));
    for (int w = 0; w < history_words(self_length); ++w) {
      history_word bits = 0;
      for (int k = 0; k < history_bits && w * history_bits + k < self_length; ++k) {
        const int lag = w * history_bits + k;
        const int s = ring_back(slot, 1 + lag, T);
        for (ordinal_t i = block_start(b); i < block_start(b + 1); ++i)
          if (spikes(s, i) != real_t(0)) bits |= history_word(1) << k;
      }
      history(w, block_slot(b)) = bits;
    }
  }
};

}  // namespace kascade::detail
