// Philox4x32-10 counter-based generator: known answers, purity, counter layout and uniformity.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kascade/random/philox.hpp"
#include "kascade/random/philox_lanes.hpp"

namespace kascade::random {
namespace {

bool same(const Bits4& a, const Bits4& b) {
  return a.v[0] == b.v[0] && a.v[1] == b.v[1] && a.v[2] == b.v[2] && a.v[3] == b.v[3];
}

// Upper quantile of chi-square with k degrees of freedom at tail probability alpha, by the
// Wilson-Hilferty cube approximation: k (1 - 2/(9k) + z sqrt(2/(9k)))^3 with z the standard
// normal upper quantile. Its relative error is below 1 % for k >= 30 at these tails.
double chi2_upper(double k, double z) {
  const double a = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// Random123's known-answer vectors for philox4x32 with 10 rounds (kat_vectors), checked
// independently against a from-scratch implementation of the Salmon et al. (SC'11) algorithm.
// The kascade layout maps (seed, network, index, step, stream) onto them as
//   key = {seed lo, seed hi}, counter = {index, network, step lo, stream << 24 | step hi24}.
TEST(Philox, KnownAnswerZeros) {
  const Bits4 b = philox_bits(0, 0, 0, 0, 0);
  EXPECT_EQ(b.v[0], 0x6627e8d5u);
  EXPECT_EQ(b.v[1], 0xe169c58du);
  EXPECT_EQ(b.v[2], 0xbc57ac4cu);
  EXPECT_EQ(b.v[3], 0x9b00dbd8u);
}

TEST(Philox, KnownAnswerOnes) {
  // counter = {ffffffff x4}, key = {ffffffff, ffffffff}
  const Bits4 b = philox_bits(0xffffffffffffffffull, 0xffffffffu, 0xffffffffu,
                              std::int64_t(0x00ffffffffffffffll), 0xffu);
  EXPECT_EQ(b.v[0], 0x408f276du);
  EXPECT_EQ(b.v[1], 0x41c83b0eu);
  EXPECT_EQ(b.v[2], 0xa20bc7c6u);
  EXPECT_EQ(b.v[3], 0x6d5451fdu);
}

TEST(Philox, KnownAnswerPi) {
  // counter = {243f6a88, 85a308d3, 13198a2e, 03707344}, key = {a4093822, 299f31d0}
  const Bits4 b = philox_bits(0x299f31d0a4093822ull, 0x85a308d3u, 0x243f6a88u,
                              std::int64_t(0x0070734413198a2ell), 0x03u);
  EXPECT_EQ(b.v[0], 0xd16cfe09u);
  EXPECT_EQ(b.v[1], 0x94fdccebu);
  EXPECT_EQ(b.v[2], 0x5001e420u);
  EXPECT_EQ(b.v[3], 0x24126ea1u);
}

TEST(Philox, PureFunctionOfItsArguments) {
  const Bits4 a = philox_bits(12345, 7, 3, 99, emission);
  for (int k = 0; k < 3; ++k) {
    philox_bits(999, 1, 2, 3, stimulus);  // unrelated calls in between leave no state behind
    EXPECT_TRUE(same(a, philox_bits(12345, 7, 3, 99, emission)));
  }
  const Uniform4 u = uniform4(12345, 7, 3, 99, emission);
  for (int k = 0; k < 4; ++k) EXPECT_EQ(u.u[k], to_unit_float(a.v[k]));
}

TEST(Philox, EveryArgumentChangesTheOutput) {
  const Bits4 base = philox_bits(12345, 7, 3, 99, emission);
  EXPECT_FALSE(same(base, philox_bits(12346, 7, 3, 99, emission)));                 // seed lo
  EXPECT_FALSE(same(base, philox_bits(12345 + (1ull << 32), 7, 3, 99, emission)));  // seed hi
  EXPECT_FALSE(same(base, philox_bits(12345, 8, 3, 99, emission)));                 // network
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 4, 99, emission)));                 // index
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 3, 100, emission)));                // step lo
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 3, 99 + (1ll << 32), emission)));   // step hi
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 3, 99, initial_state)));            // stream
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 3, 99, connectivity)));
  EXPECT_FALSE(same(base, philox_bits(12345, 7, 3, 99, stimulus)));
  // Swapping network and index must not alias (they occupy different counter words).
  EXPECT_FALSE(same(philox_bits(1, 2, 5, 0, 0), philox_bits(1, 5, 2, 0, 0)));
}

TEST(Philox, UnitFloatAndDoubleAreInHalfOpenUnitInterval) {
  EXPECT_EQ(to_unit_float(0u), 0.0f);
  EXPECT_LT(to_unit_float(0xffffffffu), 1.0f);
  EXPECT_EQ(to_unit_float(0xffffffffu), 1.0f - 1.0f / 16777216.0f);
  EXPECT_EQ(to_unit_float(0x80000000u), 0.5f);
  EXPECT_EQ(to_unit_double(0u, 0u), 0.0);
  EXPECT_LT(to_unit_double(0xffffffffu, 0xffffffffu), 1.0);
  EXPECT_EQ(to_unit_double(0x80000000u, 0u), 0.5);
  for (std::int64_t s = 0; s < 10000; ++s) {
    const Uniform4 u = uniform4(42, 1, 2, s, emission);
    for (float x : u.u) {
      ASSERT_GE(x, 0.0f);
      ASSERT_LT(x, 1.0f);
    }
  }
}

// Pearson chi-square of 10^6 uniforms (the 4 words of 250 000 consecutive steps) in 64 equal
// bins. Under uniformity X2 ~ chi2(63); the test fails above the 1e-6 upper quantile
// (z = 4.753): 131.7 by Wilson-Hilferty (exact value 131.37, scipy.stats.chi2.isf(1e-6, 63), so
// the approximation errs on the conservative side by 0.3 %). A bias of 1 % in one bin would already
// give X2 ~ 160.
TEST(Philox, UniformChiSquare) {
  constexpr int bins = 64;
  constexpr std::int64_t calls = 250000;
  std::vector<double> count(bins, 0.0);
  for (std::int64_t s = 0; s < calls; ++s) {
    const Uniform4 u = uniform4(20240601, 3, 11, s, emission);
    for (float x : u.u) count[static_cast<int>(x * bins)] += 1;
  }
  const double expected = 4.0 * calls / bins;
  double x2 = 0;
  for (double c : count) x2 += (c - expected) * (c - expected) / expected;
  const double limit = chi2_upper(bins - 1, 4.753);
  EXPECT_NEAR(limit, 131.37, 0.5);  // the helper itself, against the exact quantile
  EXPECT_LT(x2, limit);
}

// Same over the neuron index at a fixed step: the engine draws across neurons, so uniformity
// along the index counter matters as much as along the step counter. Same bound as above.
TEST(Philox, UniformChiSquareAlongIndex) {
  constexpr int bins = 64;
  constexpr std::uint32_t calls = 250000;
  std::vector<double> count(bins, 0.0);
  for (std::uint32_t i = 0; i < calls; ++i) {
    const Uniform4 u = uniform4(7, 0, i, 5, emission);
    for (float x : u.u) count[static_cast<int>(x * bins)] += 1;
  }
  const double expected = 4.0 * calls / bins;
  double x2 = 0;
  for (double c : count) x2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(x2, chi2_upper(bins - 1, 4.753));
}

// Many counters at once (eight per pass through AVX2 intrinsics when the build targets AVX2,
// plus a tail) give each counter's philox_bits exactly, for every length up to three passes
// and keys that exercise every word and carry.
TEST(Philox, ArraysMatchOneAtATime) {
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {  // splitmix64: arbitrary test inputs
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  int mismatches = 0, checked = 0;
  for (int call = 0; call < 600; ++call) {
    const int n = call % 25;
    const std::uint64_t seed = call < 2 ? (call == 0 ? 0 : ~0ull) : next();
    const auto step = static_cast<std::int64_t>(next() >> 8);  // the 56 bits of the layout
    const auto stream = static_cast<std::uint32_t>(next() & 0xff);
    std::vector<std::uint32_t> network(n), index(n), words(4 * n + 4, 0xdeadbeefu);
    for (int l = 0; l < n; ++l)
      network[l] = static_cast<std::uint32_t>(next()),
      index[l] = static_cast<std::uint32_t>(next());
    std::uint32_t* w = words.data();
    philox_bits_n(seed, network.data(), index.data(), step, stream, n,
                  {w, w + n, w + 2 * n, w + 3 * n});
    for (int l = 0; l < n; ++l, ++checked) {
      const Bits4 one = philox_bits(seed, network[l], index[l], step, stream);
      for (int k = 0; k < 4; ++k) mismatches += words[k * n + l] != one.v[k];
    }
    for (int k = 4 * n; k < 4 * n + 4; ++k) mismatches += words[k] != 0xdeadbeefu;  // nothing past
  }
  EXPECT_EQ(mismatches, 0);
  EXPECT_GT(checked, 7000);
}

// The five Bernoulli draws of one call are bits 0-23, 24-47, 48-71, 72-95 and 96-119 of its
// 128 bits (w0 lowest), each at the top of its word; checked against 128-bit shifts, and every
// one of the 120 bits lands in exactly one draw.
TEST(Philox, FiveDrawsCutTheLow120Bits) {
  __extension__ typedef unsigned __int128 u128;  // (GCC and Clang; not ISO C++)
  for (std::uint32_t call = 0; call < 1000; ++call) {
    const Bits4 b = philox_bits(99, 3, call, 7, bernoulli_block);
    const u128 all = static_cast<u128>(b.v[0]) | static_cast<u128>(b.v[1]) << 32 |
                     static_cast<u128>(b.v[2]) << 64 | static_cast<u128>(b.v[3]) << 96;
    std::uint32_t d[5];
    five_draws(b.v[0], b.v[1], b.v[2], b.v[3], d);
    for (int j = 0; j < 5; ++j) {
      const auto expected = static_cast<std::uint32_t>(all >> (24 * j)) & 0xffffffu;
      EXPECT_EQ(d[j], expected << 8) << "draw " << j;
    }
  }
  for (int bit = 0; bit < 128; ++bit) {  // one bit set: in draw bit / 24 only, or in none
    std::uint32_t w[4] = {0, 0, 0, 0}, d[5];
    w[bit / 32] = std::uint32_t(1) << (bit % 32);
    five_draws(w[0], w[1], w[2], w[3], d);
    for (int j = 0; j < 5; ++j)
      EXPECT_EQ(d[j] != 0, bit < 120 && bit / 24 == j) << "bit " << bit << " draw " << j;
  }
}

}  // namespace
}  // namespace kascade::random
