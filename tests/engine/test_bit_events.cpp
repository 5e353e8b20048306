// The GPU backends' recorded rows (a bit per neuron over the whole batch) turned into each
// network's events (engine/detail/recorded_events.hpp), against a neuron-by-neuron reading of the
// same bits: networks that share 64-bit words, empty networks first, between and last, counts,
// and the batch handed over in 1, 2, 3 or 7 ranges of networks (as host threads do).
// Runs on every backend: the host code is the same whichever backend records the bits.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kascade/engine/detail/recorded_events.hpp"

namespace kascade {
namespace {

struct Rows {
  std::vector<std::uint64_t> bits;
  std::size_t stride = 0, words = 0;
  bool at(const step_t k, const ordinal_t i) const {
    return (bits[static_cast<std::size_t>(k) * stride + static_cast<std::size_t>(i) / 64] >>
            (i % 64)) &
           1u;
  }
};

// Bits set with probability p in `rows` rows of n neurons (stride: a word of padding per row).
Rows random_rows(const step_t rows, const ordinal_t n, const double p, const unsigned seed) {
  Rows r;
  r.words = (static_cast<std::size_t>(n) + 63) / 64;
  r.stride = r.words + 1;
  r.bits.assign(static_cast<std::size_t>(rows) * r.stride, 0);
  std::mt19937 gen(seed);
  std::bernoulli_distribution fire(p);
  for (step_t k = 0; k < rows; ++k)
    for (ordinal_t i = 0; i < n; ++i)
      if (fire(gen))
        r.bits[static_cast<std::size_t>(k) * r.stride + static_cast<std::size_t>(i) / 64] |=
            std::uint64_t(1) << (i % 64);
  return r;
}

std::uint16_t count_of(const int k, const ordinal_t i) {
  return static_cast<std::uint16_t>((k * 131 + i) % 65521 + 1);
}

void expect_chunk(const std::vector<ordinal_t>& offset, const Rows& r, const step_t rows,
                  const step_t first, const bool with_counts,
                  const std::vector<SpikeEvents>& chunk) {
  std::size_t events = 0;
  for (std::size_t g = 0; g + 1 < offset.size(); ++g) {
    SpikeEvents want;
    for (step_t k = 0; k < rows; ++k)
      for (ordinal_t i = offset[g]; i < offset[g + 1]; ++i)
        if (r.at(k, i)) {
          want.steps.push_back(first + k);
          want.neurons.push_back(static_cast<std::uint32_t>(i - offset[g]));
          if (with_counts) want.counts.push_back(count_of(static_cast<int>(k), i));
        }
    EXPECT_EQ(chunk[g].steps, want.steps) << "network " << g;
    EXPECT_EQ(chunk[g].neurons, want.neurons) << "network " << g;
    EXPECT_EQ(chunk[g].counts, want.counts) << "network " << g;
    events += want.steps.size();
  }
  EXPECT_GT(events, 0u) << "a silent test proves nothing";
}

void expect_events(const std::vector<ordinal_t>& offset, const step_t rows, const double p,
                   const bool with_counts) {
  const ordinal_t n = offset.back();
  const Rows r = random_rows(rows, n, p, 17u + static_cast<unsigned>(offset.size()));
  const step_t first = 1000;
  for (const int pieces : {1, 2, 3, 7}) {  // ranges of networks handed over apart
    SCOPED_TRACE(pieces);
    std::vector<SpikeEvents> chunk(offset.size() - 1);
    const std::vector<int> at = detail::network_pieces(offset, pieces);
    ASSERT_EQ(at.size(), static_cast<std::size_t>(pieces) + 1);
    for (int p = 0; p < pieces; ++p)
      detail::bit_events(r.bits.data(), r.stride, rows, offset, at[p], at[p + 1], first,
                         with_counts, count_of, chunk);
    expect_chunk(offset, r, rows, first, with_counts, chunk);
  }
}

TEST(BitEvents, NetworksSharingWordsAndEmptyOnesGetTheirOwnEventsInOrder) {
  // Sizes 0, 20, 7, 0, 64, 100, 1, 0, 300, 0: words straddle networks, empty ones everywhere.
  std::vector<ordinal_t> offset{0};
  for (const ordinal_t size : {0, 20, 7, 0, 64, 100, 1, 0, 300, 0})
    offset.push_back(offset.back() + size);
  expect_events(offset, 37, 0.05, false);
  expect_events(offset, 37, 0.6, true);
}

TEST(BitEvents, ThousandsOfSmallNetworksAndLongJumps) {
  // 3000 networks of 20 neurons, sparse firing: the search jumps over many networks at once.
  std::vector<ordinal_t> offset{0};
  for (int g = 0; g < 3000; ++g) offset.push_back(offset.back() + 20);
  expect_events(offset, 5, 0.002, false);
}

TEST(BitEvents, NetworkFromGallopsForward) {
  const std::vector<ordinal_t> offset{0, 5, 5, 5, 9, 64, 65, 200};
  for (ordinal_t i = 0; i < 200; ++i) {
    const int want =
        static_cast<int>(std::upper_bound(offset.begin(), offset.end(), i) - offset.begin()) - 1;
    for (int from = 0; from <= want; ++from) {
      if (offset[static_cast<std::size_t>(from)] > i) continue;  // not a valid start
      EXPECT_EQ(detail::network_from(offset, from, i), want) << "neuron " << i << " from " << from;
    }
  }
}

}  // namespace
}  // namespace kascade
