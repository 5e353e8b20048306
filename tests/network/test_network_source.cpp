// NetworkSource: network sizes (fixed, per network, drawn from a range), expected synapse counts,
// make(g) and the cost of generating a large sparse network. Stochastic checks use fixed seeds
// and bounds at two-sided significance 1e-6 (see generator_stats.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "generator_stats.hpp"
#include "kascade/core/error.hpp"
#include "kascade/network/network_source.hpp"

namespace kascade {
namespace {

using test::z_two_sided_1e6;

NetworkSource random_source(std::uint64_t count, std::uint64_t seed, double p) {
  NetworkSource s;
  s.count = count;
  s.seed = seed;
  s.kind = SourceKind::random_graph;
  s.random_graph.topology = Topology::bernoulli;
  s.random_graph.connection_probability = p;
  return s;
}

TEST(NetworkSource, OneFixedSizeForAllNetworks) {
  NetworkSource s = random_source(5, 42, 0.2);
  s.sizes.fixed = {37};
  for (network_id_t g = 0; g < 5; ++g) {
    EXPECT_EQ(s.neurons(g), 37);
    const Network net = s.make(g);
    EXPECT_EQ(net.n_neurons, 37);
    // Network g is the generator's network g at the source's seed, whoever makes it.
    EXPECT_TRUE(test::same_network(net, generate_random_graph(s.random_graph, 37, 42, g)));
  }
  EXPECT_FALSE(test::same_network(s.make(0), s.make(1)));
}

TEST(NetworkSource, OneSizePerNetwork) {
  NetworkSource s = random_source(3, 9, 0.3);
  s.sizes.fixed = {10, 25, 4};
  for (network_id_t g = 0; g < 3; ++g) {
    EXPECT_EQ(s.neurons(g), s.sizes.fixed[g]);
    EXPECT_EQ(s.make(g).n_neurons, s.sizes.fixed[g]);
  }
}

TEST(NetworkSource, MakeBeyondCountThrows) {
  NetworkSource s = random_source(3, 9, 0.3);
  s.sizes.fixed = {10, 25, 4};
  EXPECT_NO_THROW(s.make(2));
  EXPECT_THROW(s.make(3), InputError);
  EXPECT_THROW(s.make(4), InputError);
  EXPECT_THROW(s.make(0xffffffffu), InputError);
  NetworkSource hat = s;
  hat.kind = SourceKind::mexican_hat;
  EXPECT_THROW(hat.make(3), InputError);
}

// Sizes drawn uniformly from [100, 163] (64 values) for 64 000 networks: each value expected
// E = 1000 times; Pearson X2 ~ chi2(63), two-sided 1e-6 bounds [22.2, 134.3] (Wilson-Hilferty
// at z = -+4.8916; exact 22.4, 133.9). A value never drawn (e.g. max excluded) adds 1000.
TEST(NetworkSource, RangeSizesAreUniformAndReproducible) {
  NetworkSource s = random_source(64000, 20240601, 0.1);
  s.sizes.min = 100;
  s.sizes.max = 163;
  const int values = 64;
  std::vector<double> count(values, 0.0);
  std::vector<ordinal_t> drawn(s.count);
  for (network_id_t g = 0; g < s.count; ++g) {
    drawn[g] = s.neurons(g);
    ASSERT_GE(drawn[g], 100) << "network " << g;
    ASSERT_LE(drawn[g], 163) << "network " << g;
    count[drawn[g] - 100] += 1;
  }
  const double expected = double(s.count) / values;
  double x2 = 0;
  for (double c : count) x2 += (c - expected) * (c - expected) / expected;
  EXPECT_GT(x2, test::chi2_quantile(values - 1, -z_two_sided_1e6));
  EXPECT_LT(x2, test::chi2_quantile(values - 1, z_two_sided_1e6));

  // Reproducible: a copy of the description (another rank) draws the same sizes, in any order.
  const NetworkSource copy = s;
  for (network_id_t g = s.count; g-- > 0;) ASSERT_EQ(copy.neurons(g), drawn[g]) << g;
  EXPECT_EQ(s.make(17).n_neurons, drawn[17]);
  // Another seed draws other sizes: 64 000 agreements by chance have probability 64^-64000.
  NetworkSource other = s;
  other.seed = 20240602;
  int differ = 0;
  for (network_id_t g = 0; g < s.count; ++g) differ += other.neurons(g) != drawn[g];
  EXPECT_GT(differ, 0);
}

TEST(NetworkSource, DegenerateAndTinyRanges) {
  NetworkSource s = random_source(200, 3, 0.1);
  s.sizes.min = s.sizes.max = 12;
  for (network_id_t g = 0; g < s.count; ++g) ASSERT_EQ(s.neurons(g), 12);
  // [1, 2]: both ends drawn (each missed by all 200 networks with probability 2^-200).
  s.sizes.min = 1;
  s.sizes.max = 2;
  int ones = 0, twos = 0;
  for (network_id_t g = 0; g < s.count; ++g) {
    const ordinal_t n = s.neurons(g);
    ASSERT_TRUE(n == 1 || n == 2) << n;
    (n == 1 ? ones : twos)++;
  }
  EXPECT_GT(ones, 0);
  EXPECT_GT(twos, 0);
}

// Fixed in-degree and Mexican hat synapse counts are deterministic: k N and N (N - 1).
TEST(NetworkSource, ExpectedSynapsesExactForDeterministicCounts) {
  NetworkSource s = random_source(30, 5, 0.0);
  s.sizes.min = 20;
  s.sizes.max = 100;
  s.random_graph.topology = Topology::fixed_indegree;
  s.random_graph.indegree = 15;
  for (network_id_t g = 0; g < s.count; ++g)
    EXPECT_EQ(s.expected_synapses(g), double(s.make(g).n_synapses())) << "network " << g;
  s.kind = SourceKind::mexican_hat;
  for (network_id_t g = 0; g < s.count; ++g) {
    const Network net = s.make(g);
    EXPECT_EQ(s.expected_synapses(g), double(net.n_synapses())) << "network " << g;
    EXPECT_TRUE(test::same_network(net, generate_mexican_hat(s.mexican_hat, s.neurons(g))));
  }
}

// Bernoulli: network g's count is Binomial(C_g, p) with C_g = N_g (N_g - 1) candidate pairs
// (N_g^2 with self-connections). Over G = 2000 networks with N_g drawn from [20, 40] at p = 0.2,
// sum_g count_g - sum_g expected_synapses(g) must lie within z sqrt(sum_g C_g p (1-p)), about
// 4.89 * 540 = 2640. (Counting N_g^2 pairs without self-connections overestimates the sum by
// sum_g p N_g, about 12 000, far outside the bound.)
TEST(NetworkSource, ExpectedSynapsesMatchRealisedMean) {
  for (bool self : {false, true}) {
    SCOPED_TRACE(self ? "self" : "no self");
    NetworkSource s = random_source(2000, 77, 0.2);
    s.sizes.min = 20;
    s.sizes.max = 40;
    s.random_graph.self_connections = self;
    double realised = 0, expected = 0, var = 0;
    for (network_id_t g = 0; g < s.count; ++g) {
      const double n = s.neurons(g), pairs = self ? n * n : n * (n - 1);
      realised += double(s.make(g).n_synapses());
      expected += s.expected_synapses(g);
      var += pairs * 0.2 * 0.8;
    }
    // BUG (no self-connections): NetworkSource::expected_synapses returns p N^2 whatever
    // self_connections says (src/network/network_source.cpp, expected_synapses), while the
    // generator has only N (N - 1) candidate pairs without them. Fix: p * n * (self ? n : n - 1).
    // This assertion fails until then (by about 12 000 against a bound of about 2 640).
    EXPECT_LE(std::fabs(realised - expected), z_two_sided_1e6 * std::sqrt(var))
        << "realised " << realised << ", expected_synapses sum " << expected;
  }
}

// Generation is O(synapses), not O(N^2): N = 100 000 at p = 1e-4 has N (N-1) p = 999 990
// expected synapses (Binomial sd 1000, bound z sd = 4 892) and takes well under a second, where
// a pass over the 10^10 candidate pairs would take minutes with a random draw per pair (and
// several seconds even without). The wall-clock limit, 30 s, is loose enough for a slow debug
// build and still excludes a draw per pair (~10 ns each: 100 s).
TEST(NetworkSource, LargeSparseNetworkCostsItsSynapses) {
  NetworkSource s = random_source(1, 1234, 1e-4);
  s.sizes.fixed = {100000};
  const auto start = std::chrono::steady_clock::now();
  const Network net = s.make(0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  RecordProperty("generation_seconds", std::to_string(seconds));
  const double n = 100000, mean = n * (n - 1) * 1e-4, sd = std::sqrt(mean * (1 - 1e-4));
  EXPECT_LE(std::fabs(double(net.n_synapses()) - mean), z_two_sided_1e6 * sd)
      << "synapses " << net.n_synapses();
  EXPECT_LT(seconds, 30.0);
  ASSERT_EQ(net.row_ptr.size(), 100001u);
  for (ordinal_t i = 0; i < net.n_neurons; ++i)
    for (offset_t k = net.row_ptr[i] + 1; k < net.row_ptr[i + 1]; ++k)
      ASSERT_LT(net.presynaptic[k - 1], net.presynaptic[k]);
}

}  // namespace
}  // namespace kascade
