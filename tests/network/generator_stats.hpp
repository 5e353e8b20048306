#pragma once
// Shared helpers for the connectivity-generator tests: CSR checks and the statistical bounds.
//
// Every stochastic check uses a fixed seed and a bound at two-sided significance 1e-6, so a
// correct generator fails a given check with probability about 1e-6 over random seeds, and
// never for the fixed seeds in the tests.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kascade/network/network.hpp"

namespace kascade::test {

// Standard normal quantiles: two-sided 1e-6 (scipy.stats.norm.isf(0.5e-6)) and one-sided 1e-6
// (norm.isf(1e-6)).
constexpr double z_two_sided_1e6 = 4.8916;
constexpr double z_one_sided_1e6 = 4.7534;

// Quantile of chi-square with k degrees of freedom at the standard normal quantile z (z > 0:
// upper tail, z < 0: lower tail), by the Wilson-Hilferty cube approximation
// k (1 - 2/(9k) + z sqrt(2/(9k)))^3, as in tests/random/test_philox.cpp. Relative error below
// 1 % for k >= 30 at these tails (e.g. k = 63, z = 4.7534: 131.7 against the exact 131.37).
inline double chi2_quantile(double k, double z) {
  const double a = 2.0 / (9.0 * k);
  return k * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// Sample mean and unbiased sample variance.
struct Moments {
  double n = 0, mean = 0, var = 0;
};

inline Moments moments(const std::vector<double>& x) {
  Moments m;
  m.n = static_cast<double>(x.size());
  double sum = 0;
  for (double v : x) sum += v;
  m.mean = sum / m.n;
  double ss = 0;
  for (double v : x) ss += (v - m.mean) * (v - m.mean);
  m.var = ss / (m.n - 1);
  return m;
}

// CLT bounds on the sample moments of M draws from a law with variance `var` and central fourth
// moment `mu4`: the sample mean has sd sqrt(var / M), the sample variance sd
// sqrt((mu4 - var^2) / M). Both checked at z = 4.8916 (two-sided 1e-6).
inline void expect_moments(const Moments& m, double true_mean, double true_var, double mu4,
                           const char* what) {
  const double mean_bound = z_two_sided_1e6 * std::sqrt(true_var / m.n);
  const double var_bound = z_two_sided_1e6 * std::sqrt((mu4 - true_var * true_var) / m.n);
  EXPECT_LE(std::fabs(m.mean - true_mean), mean_bound)
      << what << ": mean " << m.mean << ", expected " << true_mean << " +- " << mean_bound;
  EXPECT_LE(std::fabs(m.var - true_var), var_bound)
      << what << ": variance " << m.var << ", expected " << true_var << " +- " << var_bound;
}

inline bool same_network(const Network& a, const Network& b) {
  return a.n_neurons == b.n_neurons && a.row_ptr == b.row_ptr && a.presynaptic == b.presynaptic &&
         a.weight == b.weight;
}

// Row pointers consistent, presynaptic indices in range and strictly ascending within each row
// (so no duplicate synapses); self-synapses only where allowed.
inline void expect_well_formed(const Network& net, bool self_allowed) {
  ASSERT_EQ(net.row_ptr.size(), static_cast<std::size_t>(net.n_neurons) + 1);
  EXPECT_EQ(net.row_ptr.front(), 0u);
  EXPECT_EQ(net.row_ptr.back(), net.n_synapses());
  EXPECT_EQ(net.weight.size(), net.presynaptic.size());
  for (ordinal_t i = 0; i < net.n_neurons; ++i) {
    ASSERT_LE(net.row_ptr[i], net.row_ptr[i + 1]);
    for (offset_t k = net.row_ptr[i]; k < net.row_ptr[i + 1]; ++k) {
      const ordinal_t j = net.presynaptic[k];
      ASSERT_GE(j, 0);
      ASSERT_LT(j, net.n_neurons);
      if (!self_allowed) {
        ASSERT_NE(j, i) << "self-synapse at neuron " << i;
      }
      if (k > net.row_ptr[i]) {
        ASSERT_LT(net.presynaptic[k - 1], j) << "row " << i;
      }
    }
  }
}

inline std::size_t in_degree(const Network& net, ordinal_t i) {
  return net.row_ptr[i + 1] - net.row_ptr[i];
}

}  // namespace kascade::test
