// generate_normal: structure (no self-edges, Dale signs), reproducibility, and the statistical
// laws of density and weights. Stochastic checks use fixed seeds and bounds at two-sided
// significance 1e-6 (z = 4.8916, scipy.stats.norm.isf(0.5e-6)): a correct generator fails one
// of them with probability about 1e-6 per check for a random seed, and never for these seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade {
namespace {

constexpr double z_two_sided_1e6 = 4.8916;
constexpr double pi = 3.14159265358979323846;

NormalGeneratorParams params(ordinal_t n, double std, double sparsity, bool glorot, bool dale) {
  NormalGeneratorParams p;
  p.n_neurons = n;
  p.std = std;
  p.sparsity = sparsity;
  p.glorot = glorot;
  p.dale = dale;
  return p;
}

bool same(const Network& a, const Network& b) {
  return a.n_neurons == b.n_neurons && a.row_ptr == b.row_ptr && a.presynaptic == b.presynaptic &&
         a.weight == b.weight;
}

TEST(NormalGenerator, CsrIsWellFormedWithoutSelfConnections) {
  const Network net = generate_normal(params(60, 5.0, 0.3, true, true), 14071789, 0);
  ASSERT_EQ(net.row_ptr.size(), 61u);
  EXPECT_EQ(net.row_ptr.front(), 0u);
  EXPECT_EQ(net.row_ptr.back(), net.n_synapses());
  EXPECT_EQ(net.weight.size(), net.n_synapses());
  EXPECT_GT(net.n_synapses(), 0u);
  for (ordinal_t i = 0; i < net.n_neurons; ++i) {
    for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
      EXPECT_NE(net.presynaptic[k], i) << "self-connection at neuron " << i;
      EXPECT_GE(net.presynaptic[k], 0);
      EXPECT_LT(net.presynaptic[k], net.n_neurons);
      if (k > net.row_ptr[i]) {
        EXPECT_LT(net.presynaptic[k - 1], net.presynaptic[k]);
      }
    }
  }
}

TEST(NormalGenerator, ExtremeSparsities) {
  const ordinal_t n = 30;
  const Network full = generate_normal(params(n, 1.0, 0.0, false, true), 1, 0);
  EXPECT_EQ(full.n_synapses(), static_cast<offset_t>(n * (n - 1)));  // every j != i
  const Network none = generate_normal(params(n, 1.0, 1.0, false, true), 1, 0);
  EXPECT_EQ(none.n_synapses(), 0u);
  EXPECT_EQ(none.row_ptr, std::vector<offset_t>(n + 1, 0));
}

TEST(NormalGenerator, DaleSignStructure) {
  NormalGeneratorParams p = params(25, 5.0, 0.2, true, true);
  p.excitatory_fraction = 0.8;  // round(0.8 * 25) = 20 excitatory neurons: 0..19
  const Network net = generate_normal(p, 99, 3);
  int positive = 0, negative = 0;
  for (ordinal_t i = 0; i < net.n_neurons; ++i) {
    for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
      const ordinal_t j = net.presynaptic[k];
      if (j < 20) {
        EXPECT_GE(net.weight[k], 0.0f) << j << " -> " << i;
      } else {
        EXPECT_LE(net.weight[k], 0.0f) << j << " -> " << i;
      }
      positive += net.weight[k] > 0;
      negative += net.weight[k] < 0;
    }
  }
  EXPECT_GT(positive, 0);
  EXPECT_GT(negative, 0);
}

TEST(NormalGenerator, WithoutDaleBothSignsLeaveEachNeuron) {
  // Mean 0 without Dale's law: each of neuron 0's ~ 0.8 * 199 outgoing weights is negative with
  // probability 1/2, so "all one sign" has probability 2^-158.
  const Network net = generate_normal(params(200, 1.0, 0.2, false, false), 5, 0);
  int positive = 0, negative = 0;
  for (ordinal_t i = 0; i < net.n_neurons; ++i)
    for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k)
      if (net.presynaptic[k] == 0) (net.weight[k] > 0 ? positive : negative)++;
  EXPECT_GT(positive, 0);
  EXPECT_GT(negative, 0);
}

TEST(NormalGenerator, ReproducibleFromSeedAndId) {
  const auto p = params(50, 5.0, 0.5, true, true);
  EXPECT_TRUE(same(generate_normal(p, 7, 3), generate_normal(p, 7, 3)));
  EXPECT_FALSE(same(generate_normal(p, 7, 3), generate_normal(p, 7, 4)));
  EXPECT_FALSE(same(generate_normal(p, 7, 3), generate_normal(p, 8, 3)));
}

// Each of the N(N-1) ordered pairs is a synapse independently with probability q = 1 - sparsity,
// so the count is Binomial(N(N-1), q): N = 400, q = 0.1 gives mean 15960, sd 119.85; the bound
// is z * sd = 586 at two-sided 1e-6. Also per neuron: the in-degrees are independent
// Binomial(399, 0.1) (mean 39.9), so sum_i (d_i - 39.9)^2 / 35.91 is close to chi2(400) (the
// binomial's excess kurtosis raises its variance by 0.3 %); two-sided 1e-6 quantiles
// scipy.stats.chi2.ppf(0.5e-6, 400) = 276.58 and chi2.isf(0.5e-6, 400) = 553.95.
TEST(NormalGenerator, DensityIsBinomial) {
  const ordinal_t n = 400;
  const double q = 0.1;
  const Network net = generate_normal(params(n, 5.0, 1.0 - q, true, true), 2024, 11);
  const double pairs = double(n) * (n - 1);
  const double mean = pairs * q, sd = std::sqrt(pairs * q * (1 - q));
  EXPECT_LE(std::fabs(double(net.n_synapses()) - mean), z_two_sided_1e6 * sd)
      << "synapses " << net.n_synapses() << ", expected " << mean << " +- " << sd;

  const double row_mean = (n - 1) * q, row_var = (n - 1) * q * (1 - q);
  double x2 = 0;
  for (ordinal_t i = 0; i < n; ++i) {
    const double d = double(net.row_ptr[i + 1] - net.row_ptr[i]) - row_mean;
    x2 += d * d / row_var;
  }
  EXPECT_GT(x2, 276.58);
  EXPECT_LT(x2, 553.95);
}

// With mean 0 and glorot scaling, |w| sqrt(N) = std |Z| is half-normal: mean std sqrt(2/pi),
// variance std^2 (1 - 2/pi). Over M synapses the sample mean has sd sqrt(var / M) and the
// sample variance sd sqrt((mu4 - var^2) / M) (CLT), with the half-normal central fourth moment
// mu4 = std^4 (3 - 2 m^2 - 3 m^4), m^2 = 2/pi. Bounds: z = 4.8916 (two-sided 1e-6) times those.
TEST(NormalGenerator, GlorotWeightsAreHalfNormal) {
  const ordinal_t n = 400;
  const double std = 5.0;
  std::vector<double> a;
  for (network_id_t g = 0; g < 4; ++g) {
    const Network net = generate_normal(params(n, std, 0.5, true, true), 31337, g);
    for (real_t w : net.weight) a.push_back(std::fabs(double(w)) * std::sqrt(double(n)));
  }
  const double M = double(a.size());
  ASSERT_GT(M, 2.5e5);
  double sum = 0;
  for (double x : a) sum += x;
  const double mean = sum / M;
  double ss = 0;
  for (double x : a) ss += (x - mean) * (x - mean);
  const double var = ss / (M - 1);

  const double m2 = 2.0 / pi;
  const double true_mean = std * std::sqrt(m2);
  const double true_var = std * std * (1 - m2);
  const double mu4 = std::pow(std, 4) * (3 - 2 * m2 - 3 * m2 * m2);
  EXPECT_LE(std::fabs(mean - true_mean), z_two_sided_1e6 * std::sqrt(true_var / M))
      << "mean " << mean << " vs " << true_mean;
  EXPECT_LE(std::fabs(var - true_var), z_two_sided_1e6 * std::sqrt((mu4 - true_var * true_var) / M))
      << "variance " << var << " vs " << true_var;
}

// Without glorot the weights are Normal(mean, std) before Dale's sign: with dale off and
// mean 2, std 3 the sample mean and variance follow the normal law (sd of the sample variance
// sqrt(2 std^4 / M)); same z.
TEST(NormalGenerator, PlainWeightsAreNormalWithMean) {
  NormalGeneratorParams p = params(300, 3.0, 0.5, false, false);
  p.mean = 2.0;
  const Network net = generate_normal(p, 4, 0);
  const double M = double(net.n_synapses());
  double sum = 0;
  for (real_t w : net.weight) sum += w;
  const double mean = sum / M;
  double ss = 0;
  for (real_t w : net.weight) ss += (w - mean) * (w - mean);
  const double var = ss / (M - 1);
  EXPECT_LE(std::fabs(mean - 2.0), z_two_sided_1e6 * std::sqrt(9.0 / M));
  EXPECT_LE(std::fabs(var - 9.0), z_two_sided_1e6 * std::sqrt(2.0 * 81.0 / M));
}

TEST(NormalGenerator, RejectsInvalidParameters) {
  EXPECT_THROW(generate_normal(params(0, 1.0, 0.5, false, true), 1, 0), InputError);
  EXPECT_THROW(generate_normal(params(10, -1.0, 0.5, false, true), 1, 0), InputError);
  EXPECT_THROW(generate_normal(params(10, 1.0, 1.5, false, true), 1, 0), InputError);
  EXPECT_THROW(generate_normal(params(10, 1.0, -0.1, false, true), 1, 0), InputError);
  NormalGeneratorParams p = params(10, 1.0, 0.5, false, true);
  p.excitatory_fraction = 1.2;
  EXPECT_THROW(validate(p), InputError);
  p.excitatory_fraction = 0.5;
  p.mean = NAN;
  EXPECT_THROW(validate(p), InputError);
}

}  // namespace
}  // namespace kascade
