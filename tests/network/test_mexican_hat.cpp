// generate_mexican_hat against the predecessor's MexicanHatGenerator(20, 1.0015, 6.98, 7.0)
// (fixture networks/mexican_hat_20, spec §5.5), and its structure at other sizes.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "fixtures.hpp"
#include "generator_stats.hpp"
#include "kascade/core/error.hpp"
#include "kascade/network/mexican_hat.hpp"

namespace kascade {
namespace {

// Weight of synapse j -> i (row i, presynaptic j); NAN when there is none.
double weight_of(const Network& net, ordinal_t j, ordinal_t i) {
  for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k)
    if (net.presynaptic[k] == j) return net.weight[k];
  return NAN;
}

const std::string kGroup = "networks/mexican_hat_20";

MexicanHatParams fixture_params() {
  const std::string file = test::data_path("glm_fixtures.h5");
  MexicanHatParams p;
  p.a = test::read_number_attribute(file, kGroup, "a");
  p.sigma_1 = test::read_number_attribute(file, kGroup, "sigma_1");
  p.sigma_2 = test::read_number_attribute(file, kGroup, "sigma_2");
  return p;
}

// W0_dense[j][i] (row = presynaptic j, column = postsynaptic i) is the predecessor's float32
// matrix. kascade evaluates the formula in double and rounds once to float; the fixture was
// computed in float32, whose cancellation error in exp(.) - a exp(.) (two terms near 1, ulp
// 6e-8) stays below 1e-7: the largest difference is 7.6e-8 (checked with numpy). Swapping
// sigma_1 and sigma_2, dropping `a`, or using |i - j| instead of the ring distance each changes
// some weight by more than 1e-4.
TEST(MexicanHat, ReproducesPredecessorFixture) {
  const MexicanHatParams p = fixture_params();
  EXPECT_DOUBLE_EQ(p.a, 1.0015);
  EXPECT_DOUBLE_EQ(p.sigma_1, 6.98);
  EXPECT_DOUBLE_EQ(p.sigma_2, 7.0);
  const std::string file = test::data_path("glm_fixtures.h5");
  ASSERT_EQ(test::dataset_shape(file, kGroup + "/W0_dense"), (std::vector<std::size_t>{20, 20}));
  const std::vector<float> dense = test::read_floats(file, kGroup + "/W0_dense");

  const ordinal_t n = 20;
  const Network net = generate_mexican_hat(p, n);
  test::expect_well_formed(net, /*self_allowed=*/false);
  EXPECT_EQ(net.n_neurons, n);
  EXPECT_EQ(net.n_synapses(), 380u);
  for (ordinal_t j = 0; j < n; ++j) {
    for (ordinal_t i = 0; i < n; ++i) {
      const double ref = dense[static_cast<std::size_t>(j) * n + i];
      if (i == j) {
        EXPECT_EQ(ref, 0.0);
        EXPECT_TRUE(std::isnan(weight_of(net, j, i))) << "self-synapse at " << i;
        continue;
      }
      const double got = weight_of(net, j, i);
      ASSERT_FALSE(std::isnan(got)) << "missing synapse " << j << " -> " << i;
      EXPECT_NEAR(got, ref, 1e-7) << "synapse " << j << " -> " << i;
    }
  }
  // The values the spec quotes: W(d = 1) = -0.0015427, W(d = 10) = -0.0026453.
  EXPECT_NEAR(weight_of(net, 0, 1), -0.0015427, 5e-8);
  EXPECT_NEAR(weight_of(net, 0, 10), -0.0026453, 5e-8);
}

// The weight depends only on the ring distance, so W is symmetric and circulant: exactly, since
// the same double expression is evaluated for the same d.
TEST(MexicanHat, SymmetricAndCirculantWithoutSelfSynapses) {
  const MexicanHatParams p = fixture_params();
  for (ordinal_t n : {1, 2, 7, 20, 100}) {
    SCOPED_TRACE("n = " + std::to_string(n));
    const Network net = generate_mexican_hat(p, n);
    test::expect_well_formed(net, /*self_allowed=*/false);
    EXPECT_EQ(net.n_synapses(), static_cast<offset_t>(n) * (n - 1));
    for (ordinal_t i = 0; i < n; ++i) {
      ASSERT_EQ(test::in_degree(net, i), static_cast<std::size_t>(n - 1));
      for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
        const ordinal_t j = net.presynaptic[k];
        EXPECT_EQ(net.weight[k], weight_of(net, i, j)) << j << " <-> " << i;
        // Shift both ends by one around the ring.
        EXPECT_EQ(net.weight[k], weight_of(net, (j + 1) % n, (i + 1) % n)) << j << " -> " << i;
      }
    }
  }
}

TEST(MexicanHat, DeterministicAndValidated) {
  const MexicanHatParams p = fixture_params();
  EXPECT_TRUE(test::same_network(generate_mexican_hat(p, 30), generate_mexican_hat(p, 30)));
  EXPECT_THROW(generate_mexican_hat(p, 0), InputError);
  MexicanHatParams bad = p;
  bad.sigma_1 = 0;
  EXPECT_THROW(generate_mexican_hat(bad, 10), InputError);
  bad = p;
  bad.sigma_2 = -1;
  EXPECT_THROW(generate_mexican_hat(bad, 10), InputError);
  bad = p;
  bad.a = NAN;
  EXPECT_THROW(validate(bad), InputError);
}

}  // namespace
}  // namespace kascade
