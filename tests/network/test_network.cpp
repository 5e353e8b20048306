// Network::from_edges: CSR with postsynaptic rows, presynaptic neurons ascending in each row.
#include <gtest/gtest.h>

#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/network/network.hpp"

namespace kascade {
namespace {

TEST(Network, FromEdgesSortsByTargetThenSource) {
  // Edges (source -> target, weight), deliberately unordered.
  const std::vector<ordinal_t> src{3, 0, 2, 1, 0, 3, 2};
  const std::vector<ordinal_t> dst{1, 2, 0, 1, 1, 0, 3};
  const std::vector<real_t> w{0.5f, -1.0f, 2.0f, 3.0f, -4.0f, 5.0f, 6.0f};
  const Network net = Network::from_edges(5, src, dst, w);

  EXPECT_EQ(net.n_neurons, 5);
  EXPECT_EQ(net.n_synapses(), 7u);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>{0, 2, 5, 6, 7, 7}));  // neuron 4: no inputs
  EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{2, 3, 0, 1, 3, 0, 2}));
  EXPECT_EQ(net.weight, (std::vector<real_t>{2.0f, 5.0f, -4.0f, 3.0f, 0.5f, -1.0f, 6.0f}));
}

TEST(Network, KeepsZeroWeightsSelfEdgesAndDuplicates) {
  const std::vector<ordinal_t> src{1, 0, 1, 2};
  const std::vector<ordinal_t> dst{0, 0, 0, 2};
  const std::vector<real_t> w{0.0f, 1.0f, 7.0f, 0.0f};
  const Network net = Network::from_edges(3, src, dst, w);
  EXPECT_EQ(net.n_synapses(), 4u);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>{0, 3, 3, 4}));
  EXPECT_EQ(net.presynaptic, (std::vector<ordinal_t>{0, 1, 1, 2}));
  // Duplicates keep their input order (stable sort): weight 0 before 7.
  EXPECT_EQ(net.weight, (std::vector<real_t>{1.0f, 0.0f, 7.0f, 0.0f}));
}

TEST(Network, EmptyEdgeList) {
  const Network net = Network::from_edges(4, {}, {}, {});
  EXPECT_EQ(net.n_neurons, 4);
  EXPECT_EQ(net.n_synapses(), 0u);
  EXPECT_EQ(net.row_ptr, (std::vector<offset_t>(5, 0)));
}

TEST(Network, RejectsOutOfRangeIndices) {
  EXPECT_THROW(Network::from_edges(3, {3}, {0}, {1.0f}), InputError);
  EXPECT_THROW(Network::from_edges(3, {0}, {3}, {1.0f}), InputError);
  EXPECT_THROW(Network::from_edges(3, {-1}, {0}, {1.0f}), InputError);
  EXPECT_THROW(Network::from_edges(3, {0}, {-1}, {1.0f}), InputError);
  EXPECT_THROW(Network::from_edges(0, {0}, {0}, {1.0f}), InputError);
  EXPECT_NO_THROW(Network::from_edges(3, {2}, {2}, {1.0f}));
}

TEST(Network, RejectsMismatchedArraysAndNegativeSize) {
  EXPECT_THROW(Network::from_edges(3, {0, 1}, {1}, {1.0f}), InputError);
  EXPECT_THROW(Network::from_edges(3, {0}, {1}, {1.0f, 2.0f}), InputError);
  EXPECT_THROW(Network::from_edges(-1, {}, {}, {}), InputError);
}

}  // namespace
}  // namespace kascade
