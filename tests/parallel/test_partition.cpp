// Batches of a rank's networks (parallel/partition.hpp): the network count, the memory budget and
// the neuron cap each close a batch; a network larger than the cap is a batch of its own; one
// larger than the budget is refused.
#include <gtest/gtest.h>

#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/parallel/partition.hpp"

namespace kascade {
namespace {

std::vector<std::uint64_t> counts(const std::vector<NetworkRange>& batches) {
  std::vector<std::uint64_t> out;
  for (const NetworkRange& b : batches) out.push_back(b.count);
  return out;
}

TEST(SplitIntoBatches, CountBudgetAndNeuronCapEachCloseABatch) {
  const NetworkRange range{10, 7};
  // No limits: one batch, starting where the range starts.
  const auto one = split_into_batches(range, 0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].first, 10u);
  EXPECT_EQ(one[0].count, 7u);
  EXPECT_EQ(counts(split_into_batches(range, 3)), (std::vector<std::uint64_t>{3, 3, 1}));
  const std::vector<double> bytes{4, 4, 4, 1, 1, 1, 8};
  EXPECT_EQ(counts(split_into_batches(range, 0, bytes, 9)), (std::vector<std::uint64_t>{2, 4, 1}));
  // Neuron cap 100: 60 | 30 + 50 would pass it | 250 alone | 20 + 20 + 20.
  const std::vector<std::uint64_t> neurons{60, 30, 50, 250, 20, 20, 20};
  const auto capped = split_into_batches(range, 0, {}, 0, neurons, 100);
  EXPECT_EQ(counts(capped), (std::vector<std::uint64_t>{2, 1, 1, 3}));
  EXPECT_EQ(capped[3].first, 14u);
  // The tightest of the three wins.
  EXPECT_EQ(counts(split_into_batches(range, 2, {}, 0, neurons, 100)),
            (std::vector<std::uint64_t>{2, 1, 1, 2, 1}));
}

// Whatever the caps asked for, a batch holds at most kMostNeurons (2^30) neurons: the kernels
// round 32-bit neuron counts up to whole blocks and lines.
TEST(SplitIntoBatches, ABatchHoldsAtMostTwoToThe30Neurons) {
  const std::uint64_t half = std::uint64_t{1} << 29;
  const std::vector<std::uint64_t> neurons{half, half, half, 1};
  EXPECT_EQ(counts(split_into_batches({0, 4}, 0, {}, 0, neurons)),
            (std::vector<std::uint64_t>{2, 2}));
  EXPECT_EQ(counts(split_into_batches({0, 4}, 0, {}, 0, neurons, std::uint64_t{1} << 40)),
            (std::vector<std::uint64_t>{2, 2}));
}

TEST(SplitIntoBatches, ANetworkAboveTheBudgetIsRefused) {
  EXPECT_THROW(split_into_batches(NetworkRange{0, 3}, 0, {1, 20, 1}, 10), InputError);
}

}  // namespace
}  // namespace kascade
