// Poisson pulse trains as realise() plans them: the law of the intervals between onsets (Poisson
// with a real mean, or geometric), the window the onsets lie in, and reproducibility.
//
// Zero Poisson intervals repeat an onset, which is kept once, so the gaps between the distinct
// onsets are the nonzero intervals in order: i.i.d. Poisson(m) conditioned on > 0, with
//   P(k) = e^-m m^k / k! / (1 - e^-m),  mean m / (1 - e^-m),  E[X^2] = (m + m^2) / (1 - e^-m).
// Geometric intervals have P(k) = p (1 - p)^(k - 1), k >= 1, p = 1 / m: mean m, var m (m - 1).
// The one interval cut off by the end of the window biases a sample of ~10^5 gaps by O(1e-5).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <vector>

#include "stimulus_test_support.hpp"

namespace kascade {
namespace {

StimulusSpec train(double mean, bool geometric, double start = 0, double duration = -1) {
  StimulusSpec s = test::stimulus(StimulusKind::poisson,
                                  {{"mean_interval", {mean}}, {"width", {1}}, {"start", {start}}});
  if (duration >= 0) s.values["duration"] = {duration};
  s.geometric_intervals = geometric;
  return s;
}

std::vector<step_t> onsets(const StimulusSpec& s, network_id_t g, step_t recorded,
                           std::uint64_t seed = 2024, std::size_t index = 0) {
  return realise(s, index, seed, g, 10, recorded).onsets;
}

std::vector<double> gaps(const std::vector<step_t>& o) {
  std::vector<double> d;
  for (std::size_t n = 1; n < o.size(); ++n) d.push_back(static_cast<double>(o[n] - o[n - 1]));
  return d;
}

// Pearson chi-square of the gaps against pmf(k), k >= 1: consecutive k merged into bins of
// expected count >= 50 (the tail beyond the last full bin joins it). Fails above the 1e-6
// upper quantile of chi2(bins - 1).
void expect_law(const std::vector<double>& d, const std::function<double(int)>& pmf, double mean,
                double var, const char* what) {
  const double n = static_cast<double>(d.size());
  const int kmax = static_cast<int>(20 * mean + 100);
  std::vector<int> bin(kmax + 1, 0);
  std::vector<double> expected;
  double acc = 0, total = 0;
  for (int k = 1; k <= kmax; ++k) {
    bin[k] = static_cast<int>(expected.size());
    acc += pmf(k), total += pmf(k);
    if (acc * n >= 50) expected.push_back(acc * n), acc = 0;
  }
  const int top = static_cast<int>(expected.size());  // bins 0..top-1
  expected.back() += (1 - total + acc) * n;
  std::vector<double> observed(top, 0);
  for (double x : d) {
    ASSERT_GE(x, 1) << what << ": onsets strictly increase";
    observed[std::min(x > kmax ? top - 1 : bin[static_cast<int>(x)], top - 1)] += 1;
  }
  double x2 = 0;
  for (int b = 0; b < top; ++b)
    x2 += (observed[b] - expected[b]) * (observed[b] - expected[b]) / expected[b];
  EXPECT_GE(top, 12) << what << ": enough bins for a meaningful test";
  EXPECT_LT(x2, test::chi2_upper(top - 1)) << what << ": chi-square over " << top << " bins";
  // Mean gap by the CLT: |mean - mu| < z sigma / sqrt(n), two-sided 1e-6.
  const double got = std::accumulate(d.begin(), d.end(), 0.0) / n;
  EXPECT_NEAR(got, mean, test::z_two_sided_1e6 * std::sqrt(var / n)) << what << ": mean gap";
}

double log_poisson(int k, double m) { return -m + k * std::log(m) - std::lgamma(k + 1.0); }

// Mean 7.3 (inversion sampler) and 23.7 (rejection sampler): a mean truncated to 7 or 23 would
// move the mean gap by 0.3 and 0.7, i.e. 50 and 45 standard errors, and fail the chi-square.
TEST(PoissonTrain, GapsFollowPoissonWithRealMean) {
  for (double m : {7.3, 23.7}) {
    const auto o = onsets(train(m, false), 5, static_cast<step_t>(m * 150000));
    const auto d = gaps(o);
    ASSERT_GT(d.size(), 140000u);
    const double nonzero = 1 - std::exp(-m);
    const double mu = m / nonzero, var = (m + m * m) / nonzero - mu * mu;
    expect_law(
        d, [&](int k) { return std::exp(log_poisson(k, m)) / nonzero; }, mu, var,
        m < 10 ? "Poisson(7.3)" : "Poisson(23.7)");
  }
}

TEST(PoissonTrain, GeometricGapsFollowGeometricLaw) {
  const double m = 7.3, p = 1 / m;
  const auto d = gaps(onsets(train(m, true), 5, static_cast<step_t>(m * 150000)));
  ASSERT_GT(d.size(), 140000u);
  expect_law(
      d, [&](int k) { return p * std::pow(1 - p, k - 1); }, m, m * (m - 1), "Geometric(1/7.3)");
}

// Onsets lie in [start, start + duration) and before the end of the run. The predecessor lost
// the onsets in [duration, start + duration) when start > 0 (spec section 10.1 item 10); here
// they are present, and none lies at or after start + duration.
TEST(PoissonTrain, OnsetsFillTheWholeWindowAfterStart) {
  for (bool geometric : {false, true}) {
    const auto o = onsets(train(20.5, geometric, 500, 1000), 3, 5000);
    ASSERT_FALSE(o.empty());
    EXPECT_EQ(o.front(), 500) << "the first onset is the start";
    EXPECT_LT(o.back(), 1500) << "no onset at or after start + duration";
    // The last gap is cut by the window end: P(gap > 307) < (1 - 1/20.5)^307 = 2.3e-7.
    EXPECT_GE(o.back(), 1500 - 307) << "the train runs to the end of its window";
    // Onsets in [1000, 1500): about 24; fewer than 3 has probability < 1e-8 even for the
    // geometric law (binomial(500, 1/20.5) tail).
    EXPECT_GE(std::count_if(o.begin(), o.end(), [](step_t t) { return t >= 1000; }), 3);
    EXPECT_TRUE(std::is_sorted(o.begin(), o.end()));
    EXPECT_EQ(std::adjacent_find(o.begin(), o.end()), o.end()) << "distinct onsets";
  }
  // A run shorter than the window cuts the train at its end: a prefix of the longer plan.
  const auto full = onsets(train(20.5, false, 500, 1000), 3, 5000);
  const auto cut = onsets(train(20.5, false, 500, 1000), 3, 1200);
  ASSERT_FALSE(cut.empty());
  EXPECT_LT(cut.back(), 1200);
  EXPECT_TRUE(std::equal(cut.begin(), cut.end(), full.begin()));
  EXPECT_GE(full.size(), cut.size() + 5);
  // Negative start (into equilibration) and an empty window.
  const auto early = onsets(train(4.5, false, -30, 40), 3, 5000);
  EXPECT_EQ(early.front(), -30);
  EXPECT_LT(early.back(), 10);
  EXPECT_TRUE(onsets(train(4.5, false, 100, 0), 3, 5000).empty()) << "duration 0: no onset";
  EXPECT_TRUE(onsets(train(4.5, false, 100), 3, 100).empty()) << "start at the end of the run";
}

TEST(PoissonTrain, ReproducibleAndDifferentPerNetworkSeedAndIndex) {
  const StimulusSpec s = train(12.5, false);
  const auto a = onsets(s, 7, 3000);
  EXPECT_GT(a.size(), 150u);
  EXPECT_EQ(onsets(s, 7, 3000), a) << "a pure function of (seed, network, index)";
  EXPECT_NE(onsets(s, 8, 3000), a) << "another network";
  EXPECT_NE(onsets(s, 7, 3000, 2025), a) << "another seed";
  EXPECT_NE(onsets(s, 7, 3000, 2024, 1), a) << "another stimulus index";
  const StimulusSpec geo = train(12.5, true);
  EXPECT_EQ(onsets(geo, 7, 3000), onsets(geo, 7, 3000));
  EXPECT_NE(onsets(geo, 7, 3000), onsets(geo, 6, 3000));
}

}  // namespace
}  // namespace kascade
