#pragma once
// Which lanes of a group of the neuron kernel fired, as bits (lane l: bit l % 64 of word l / 64),
// and a segment's bits cut out of them: its spike list and recorded bits then cost a step per
// spike rather than one per neuron (a scalar pass over 128 lanes cost more than the rest of
// storing the spikes). Internal.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kascade/core/types.hpp"

#if defined(__AVX2__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#include <immintrin.h>
#define KASCADE_MASK_AVX2 1
#endif

namespace kascade::detail {

// Bits of lanes [0, n) with x != 0 in `mask`, which holds (n + 63) / 64 + 1 words (the words
// past the last lane are 0). spike_mask_chunks reads x in chunks of mask_chunk lanes (AVX2: two
// compares and a movemask per chunk), so x must hold values up to n rounded up to whole chunks
// (lanes past n are masked off whatever they hold); spike_mask_lanes reads lanes [0, n) only.
inline constexpr int mask_chunk = 32;

KOKKOS_INLINE_FUNCTION void spike_mask_lanes(const spike_count_t* x, const int n,
                                             std::uint64_t* mask) {
  for (int w = 0; w <= (n + 63) / 64; ++w) mask[w] = 0;
  for (int l = 0; l < n; ++l) mask[l / 64] |= static_cast<std::uint64_t>(x[l] != 0) << (l % 64);
}

KOKKOS_INLINE_FUNCTION void spike_mask_chunks(const spike_count_t* x, const int n,
                                              std::uint64_t* mask) {
  for (int w = 0; w <= (n + 63) / 64; ++w) mask[w] = 0;
  for (int c = 0; c * mask_chunk < n; ++c) {
    const spike_count_t* p = x + mask_chunk * c;
#ifdef KASCADE_MASK_AVX2
    static_assert(sizeof(spike_count_t) == 2, "sixteen counts per vector");
    // Two vectors of sixteen 16-bit counts: packs interleaves their 128-bit halves
    // (a0-7 b0-7 | a8-15 b8-15); the permute restores lane order.
    const __m256i zero = _mm256_setzero_si256();
    const __m256i a =
        _mm256_cmpeq_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)), zero);
    const __m256i b =
        _mm256_cmpeq_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)), zero);
    const __m256i both = _mm256_permute4x64_epi64(_mm256_packs_epi16(a, b), 0xD8);
    const std::uint32_t bits = ~static_cast<std::uint32_t>(_mm256_movemask_epi8(both));
#else
    std::uint32_t bits = 0;
    for (int j = 0; j < mask_chunk; ++j) bits |= static_cast<std::uint32_t>(p[j] != 0) << j;
#endif
    const int left = n - mask_chunk * c;  // lanes of this chunk that count
    const std::uint32_t used = left >= mask_chunk ? bits : bits & ((1u << left) - 1u);
    mask[c / 2] |= static_cast<std::uint64_t>(used) << (mask_chunk * (c % 2));
  }
}

// The bits [o, o + 64) of `mask` (spike_mask_*: the words past the last lane are 0).
KOKKOS_INLINE_FUNCTION std::uint64_t mask_word(const std::uint64_t* mask, const int o) {
  const int w = o / 64, s = o % 64;
  return s == 0 ? mask[w] : (mask[w] >> s) | (mask[w + 1] << (64 - s));
}

}  // namespace kascade::detail
