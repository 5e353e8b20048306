// make_batch: block-diagonal CrsMatrix, neuron offsets and the batch-neuron maps.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
// Debian's Kokkos Kernels headers use Kokkos without including it: Kokkos_Core.hpp goes first.
#include <KokkosSparse_spmv.hpp>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/network/batch.hpp"

namespace kascade {
namespace {

using Mem = Kokkos::DefaultExecutionSpace::memory_space;

struct Fixture {
  // Sizes 3, 1 (no synapses), 4; ids not in batch order.
  Network a = Network::from_edges(3, {0, 2, 1}, {1, 1, 0}, {1.5f, -2.0f, 0.25f});
  Network b = Network::from_edges(1, {}, {}, {});
  Network c = Network::from_edges(4, {3, 0, 1, 2}, {0, 3, 3, 3}, {4.0f, 5.0f, 0.0f, -6.0f});
  std::vector<const Network*> nets{&a, &b, &c};
  std::vector<network_id_t> ids{42, 7, 1000000};
};

TEST(Batch, OffsetsAndMaps) {
  Fixture f;
  const Batch<Mem> batch = make_batch<Mem>(f.nets, f.ids);
  EXPECT_EQ(batch.n_networks(), 3);
  EXPECT_EQ(batch.n_neurons(), 8);
  EXPECT_EQ(batch.neuron_offset, (std::vector<ordinal_t>{0, 3, 4, 8}));
  EXPECT_EQ(batch.host_network_ids, f.ids);

  auto net_of = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.network_of);
  auto local = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.local_neuron);
  auto ids = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.network_ids);
  const std::vector<ordinal_t> want_net{0, 0, 0, 1, 2, 2, 2, 2};
  const std::vector<ordinal_t> want_local{0, 1, 2, 0, 0, 1, 2, 3};
  ASSERT_EQ(net_of.extent(0), 8u);
  ASSERT_EQ(local.extent(0), 8u);
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(net_of(i), want_net[i]) << i;
    EXPECT_EQ(local(i), want_local[i]) << i;
  }
  ASSERT_EQ(ids.extent(0), 3u);
  for (int g = 0; g < 3; ++g) EXPECT_EQ(ids(g), f.ids[g]);
}

TEST(Batch, MatrixIsBlockDiagonal) {
  Fixture f;
  const Batch<Mem> batch = make_batch<Mem>(f.nets, f.ids);
  const auto& m = batch.weights;
  EXPECT_EQ(m.numRows(), 8);
  EXPECT_EQ(m.numCols(), 8);
  EXPECT_EQ(m.nnz(), 7);
  auto rows = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m.graph.row_map);
  auto cols = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m.graph.entries);
  auto vals = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), m.values);
  // Network a rows 0..2, b row 3, c rows 4..7 (columns shifted by the network's offset).
  const std::vector<offset_t> want_rows{0, 1, 3, 3, 3, 4, 4, 4, 7};
  const std::vector<ordinal_t> want_cols{1, 0, 2, 7, 4, 5, 6};
  const std::vector<real_t> want_vals{0.25f, 1.5f, -2.0f, 4.0f, 5.0f, 0.0f, -6.0f};
  for (int i = 0; i <= 8; ++i) EXPECT_EQ(rows(i), want_rows[i]) << i;
  for (int k = 0; k < 7; ++k) {
    EXPECT_EQ(cols(k), want_cols[k]) << k;
    EXPECT_EQ(vals(k), want_vals[k]) << k;
  }
  // Every entry stays inside its row's block.
  for (int i = 0; i < 8; ++i) {
    const int g = i < 3 ? 0 : (i < 4 ? 1 : 2);
    for (auto k = rows(i); k < rows(i + 1); ++k) {
      EXPECT_GE(cols(k), batch.neuron_offset[g]);
      EXPECT_LT(cols(k), batch.neuron_offset[g + 1]);
    }
  }
}

TEST(Batch, ProductEqualsPerNetworkProducts) {
  Fixture f;
  const Batch<Mem> batch = make_batch<Mem>(f.nets, f.ids);
  Kokkos::View<real_t*, Mem> x("x", 8), y("y", 8);
  auto hx = Kokkos::create_mirror_view(x);
  for (int i = 0; i < 8; ++i) hx(i) = real_t(i + 1);
  Kokkos::deep_copy(x, hx);
  KokkosSparse::spmv("N", real_t(1), batch.weights, x, real_t(0), y);
  auto hy = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), y);
  // Per network: y_i = sum_j W_ji x_j with x local = global offset + local + 1.
  std::vector<real_t> want(8, 0.0f);
  for (int g = 0; g < 3; ++g) {
    const Network& net = *f.nets[g];
    const int off = batch.neuron_offset[g];
    for (ordinal_t i = 0; i < net.n_neurons; ++i)
      for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k)
        want[off + i] += net.weight[k] * real_t(off + net.presynaptic[k] + 1);
  }
  for (int i = 0; i < 8; ++i) EXPECT_EQ(hy(i), want[i]) << i;
  EXPECT_EQ(hy(1), 1.5f * 1 - 2.0f * 3);  // spot check: a's neuron 1 <- 0 (1.5), 2 (-2)
}

TEST(Batch, RejectsMismatchedIds) {
  Fixture f;
  EXPECT_THROW(make_batch<Mem>(f.nets, {1, 2}), InputError);
}

}  // namespace
}  // namespace kascade
