#pragma once
// Philox4x32-10 over arrays of counters: philox_bits() for many (network, index) pairs at one
// (step, stream), bitwise the same. Compilers do not vectorise Random123's 32x32->64 multiplies,
// so on AVX2 hosts eight counters go through the rounds at once, written with intrinsics
// (vpmuludq on the even and the odd words); elsewhere (GPU device code, other hosts) one
// philox_bits() call per counter.
#include <Kokkos_Core.hpp>
#include <cstdint>

#include "kascade/random/philox.hpp"

#if defined(__AVX2__) && !defined(__CUDA_ARCH__) && !defined(__HIP_DEVICE_COMPILE__)
#include <immintrin.h>
#define KASCADE_PHILOX_AVX2 1
#endif

namespace kascade::random {

#ifdef KASCADE_PHILOX_AVX2
namespace detail {

// hi:lo = a * m for eight 32-bit words (m: one constant in every word).
inline void mulhilo8(__m256i a, __m256i m, __m256i& hi, __m256i& lo) {
  const __m256i even = _mm256_mul_epu32(a, m);                        // words 0, 2, 4, 6
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);  // words 1, 3, 5, 7
  lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
  hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xaa);
}

// The ten rounds of Philox4x32 on eight counters c (in place), key from the seed.
inline void philox_rounds8(__m256i (&c)[4], std::uint64_t seed) {
  const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
  const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
  const auto key = philox_key(seed);
  std::uint32_t k0 = key[0], k1 = key[1];
  for (int round = 0; round < 10; ++round) {
    __m256i hi0, lo0, hi1, lo1;
    mulhilo8(c[0], m0, hi0, lo0);
    mulhilo8(c[2], m1, hi1, lo1);
    c[0] = _mm256_xor_si256(_mm256_xor_si256(hi1, c[1]), _mm256_set1_epi32(static_cast<int>(k0)));
    c[2] = _mm256_xor_si256(_mm256_xor_si256(hi0, c[3]), _mm256_set1_epi32(static_cast<int>(k1)));
    c[1] = lo1;
    c[3] = lo0;
    k0 += 0x9E3779B9u;  // the Weyl key schedule of Philox4x32
    k1 += 0xBB67AE85u;
  }
}

// Eight counters (index[l], network[l], step, stream) from unaligned arrays; words to out[w].
inline void philox_bits8(std::uint64_t seed, const std::uint32_t* network,
                         const std::uint32_t* index, const Bits4& step_words,
                         std::uint32_t* const (&out)[4]) {
  __m256i c[4] = {_mm256_loadu_si256(reinterpret_cast<const __m256i*>(index)),
                  _mm256_loadu_si256(reinterpret_cast<const __m256i*>(network)),
                  _mm256_set1_epi32(static_cast<int>(step_words.v[2])),
                  _mm256_set1_epi32(static_cast<int>(step_words.v[3]))};
  philox_rounds8(c, seed);
  for (int w = 0; w < 4; ++w) _mm256_storeu_si256(reinterpret_cast<__m256i*>(out[w]), c[w]);
}

}  // namespace detail
#endif

// The 128 bits of one call (w0 the lowest word) as five 24-bit uniforms: bits 24j .. 24j + 23
// for j = 0..4 (the top 8 bits are not used), each in the top 24 bits of its word, as
// to_unit_float() reads them.
KOKKOS_INLINE_FUNCTION void five_draws(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2,
                                       std::uint32_t w3, std::uint32_t (&d)[5]) {
  d[0] = w0 << 8;
  d[1] = (w0 >> 24 | w1 << 8) << 8;
  d[2] = (w1 >> 16 | w2 << 16) << 8;
  d[3] = w2 & 0xffffff00u;
  d[4] = w3 << 8;
}

// out[w][l] = word w of philox_bits(seed, network[l], index[l], step, stream), l in [0, n).
KOKKOS_INLINE_FUNCTION void philox_bits_n(std::uint64_t seed, const std::uint32_t* network,
                                          const std::uint32_t* index, std::int64_t step,
                                          std::uint32_t stream, int n,
                                          std::uint32_t* const (&out)[4]) {
  int l = 0;
#ifdef KASCADE_PHILOX_AVX2
  const Bits4 step_words = counter_words(0, 0, step, stream);
  for (; l + 8 <= n; l += 8)
    detail::philox_bits8(seed, network + l, index + l, step_words,
                         {out[0] + l, out[1] + l, out[2] + l, out[3] + l});
  if (l < n) {  // the tail through full vectors of copies (never past the arrays' ends)
    std::uint32_t net[8], idx[8], words[4][8];
    for (int k = 0; k < 8; ++k) net[k] = network[l + (k < n - l ? k : 0)];
    for (int k = 0; k < 8; ++k) idx[k] = index[l + (k < n - l ? k : 0)];
    detail::philox_bits8(seed, net, idx, step_words, {words[0], words[1], words[2], words[3]});
    for (int w = 0; w < 4; ++w)
      for (int k = 0; k < n - l; ++k) out[w][l + k] = words[w][k];
  }
#else
  for (; l < n; ++l) {
    const Bits4 b = philox_bits(seed, network[l], index[l], step, stream);
    for (int w = 0; w < 4; ++w) out[w][l] = b.v[w];
  }
#endif
}

}  // namespace kascade::random
