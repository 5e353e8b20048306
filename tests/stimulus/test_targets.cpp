// Stimulus targets as realise() chooses them (all, lists, a random fraction or count drawn from
// (seed, network id, stimulus index)), and validate()'s rejection of impossible definitions.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "stimulus_test_support.hpp"

namespace kascade {
namespace {

using test::on_lists;
using test::on_random;

using K = StimulusKind;

std::vector<ordinal_t> targets(const StimulusSpec& s, network_id_t g, ordinal_t n,
                               std::uint64_t seed = 11, std::size_t index = 0) {
  return realise(s, index, seed, g, n, 100).targets;
}

void expect_valid_set(const std::vector<ordinal_t>& t, std::size_t size, ordinal_t n) {
  EXPECT_EQ(t.size(), size);
  EXPECT_TRUE(std::is_sorted(t.begin(), t.end()));
  EXPECT_EQ(std::adjacent_find(t.begin(), t.end()), t.end()) << "distinct";
  for (ordinal_t i : t) EXPECT_TRUE(i >= 0 && i < n) << i;
}

TEST(StimulusTargets, FractionAndCountGiveExactSizes) {
  const StimulusSpec base = test::stimulus(K::constant, {});
  // round(f N): 0.3 * 37 = 11.1 -> 11, 0.5 * 37 = 18.5 -> 19 (half away from zero), 1 -> all.
  const std::vector<std::pair<double, std::size_t>> fractions = {
      {0.0, 0}, {0.3, 11}, {0.5, 19}, {0.99, 37}, {1.0, 37}};
  for (const auto& [f, size] : fractions)
    for (network_id_t g : {0u, 5u})
      expect_valid_set(targets(on_random(base, Targeting::fraction, {f}), g, 37), size, 37);
  for (double c : {0.0, 1.0, 7.0, 36.0, 37.0})
    expect_valid_set(targets(on_random(base, Targeting::count, {c}), 2, 37),
                     static_cast<std::size_t>(c), 37);
  // Per-network amounts: network g uses entry g.
  const auto per = on_random(base, Targeting::count, {3, 0, 9});
  EXPECT_EQ(targets(per, 0, 20).size(), 3u);
  EXPECT_TRUE(targets(per, 1, 20).empty());
  EXPECT_EQ(targets(per, 2, 20).size(), 9u);
  EXPECT_EQ(targets(test::stimulus(K::constant, {}), 3, 6),
            (std::vector<ordinal_t>{0, 1, 2, 3, 4, 5}))
      << "all";
}

TEST(StimulusTargets, ListsApplyPerNetworkOrToAll) {
  const StimulusSpec base = test::stimulus(K::constant, {});
  const auto per = on_lists(base, {{3, 1, 1}, {0}, {}});
  EXPECT_EQ(targets(per, 0, 5), (std::vector<ordinal_t>{1, 3})) << "sorted, duplicates once";
  EXPECT_EQ(targets(per, 1, 5), (std::vector<ordinal_t>{0}));
  EXPECT_TRUE(targets(per, 2, 5).empty());
  const auto shared = on_lists(base, {{4, 2}});
  for (network_id_t g : {0u, 1u, 9u})
    EXPECT_EQ(targets(shared, g, 5), (std::vector<ordinal_t>{2, 4}));
}

std::string error_of(const StimulusSpec& s, network_id_t g, ordinal_t n) {
  try {
    realise(s, 0, 11, g, n, 100);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(StimulusTargets, ImpossibleTargetsThrowNamingTheStimulus) {
  const StimulusSpec base = test::stimulus(K::constant, {}, "kick");
  auto out = on_lists(base, {{0, 1}, {2, 5}});
  EXPECT_TRUE(error_of(out, 0, 5).empty());
  const std::string e = error_of(out, 1, 5);  // neuron 5 of a 5-neuron network
  EXPECT_NE(e.find("kick"), std::string::npos) << e;
  EXPECT_NE(e.find("5"), std::string::npos) << e;
  EXPECT_NE(error_of(on_lists(base, {{-1}}), 0, 5).find("kick"), std::string::npos);
  const std::string c = error_of(on_random(base, Targeting::count, {6}), 0, 5);
  EXPECT_NE(c.find("kick"), std::string::npos) << c;
  EXPECT_TRUE(error_of(on_random(base, Targeting::count, {5}), 0, 5).empty()) << "count = N";
}

TEST(StimulusTargets, ReproducibleAndDifferentAcrossNetworksSeedsAndStimuli) {
  const auto s = on_random(test::stimulus(K::constant, {}), Targeting::fraction, {0.2});
  const auto a = targets(s, 4, 100);
  ASSERT_EQ(a.size(), 20u);
  EXPECT_EQ(targets(s, 4, 100), a);
  // Two random 20-subsets of 100 coincide with probability 1 / C(100, 20) < 1e-20.
  EXPECT_NE(targets(s, 5, 100), a) << "another network";
  EXPECT_NE(targets(s, 4, 100, 12), a) << "another seed";
  EXPECT_NE(targets(s, 4, 100, 11, 1), a) << "another stimulus of the same deck";
  // Targets do not depend on the stimulus' timing parameters or on the run length.
  auto timed = s;
  timed.values["start"] = {40};
  EXPECT_EQ(realise(timed, 0, 11, 4, 100, 7).targets, a);
}

// 10 of 50 neurons in each of 4000 networks: neuron i is chosen c_i times. Under uniform simple
// random sampling c has mean G k / n and covariance G p (1 - p) n / (n - 1) (I - 1 1' / n), so
// sum (c_i - G p)^2 / (G p (1 - p) n / (n - 1)) ~ chi2(n - 1) (the counts sum to G k exactly).
// Fails above the 1e-6 quantile of chi2(49) (111.6 by Wilson-Hilferty; exact 111.1). One neuron
// chosen 10 % more often than the mean of 800 adds 80^2 / 653 = 9.8; five such neurons ~49.
// The first and last neuron (the edge cases of Floyd's algorithm) are also checked alone.
TEST(StimulusTargets, RandomTargetsAreUniform) {
  constexpr int n = 50, k = 10, networks = 4000;
  const auto s = on_random(test::stimulus(K::constant, {}), Targeting::count, {double(k)});
  std::vector<double> c(n, 0);
  for (network_id_t g = 0; g < networks; ++g)
    for (ordinal_t i : targets(s, g, n, 77)) c[i] += 1;
  const double p = double(k) / n, mean = networks * p, var = networks * p * (1 - p);
  double x2 = 0;
  for (double ci : c) x2 += (ci - mean) * (ci - mean);
  x2 /= var * n / (n - 1);
  EXPECT_LT(x2, test::chi2_upper(n - 1));
  for (int i : {0, n - 1})  // two-sided z-score of one count (binomial variance)
    EXPECT_NEAR(c[i], mean, test::z_two_sided_1e6 * std::sqrt(var)) << "neuron " << i;
}

std::string invalid(StimulusKind kind, std::map<std::string, std::vector<double>> values,
                    Targeting targeting = Targeting::all, std::vector<double> amount = {}) {
  auto s = on_random(test::stimulus(kind, std::move(values)), targeting, std::move(amount));
  try {
    validate(s, "stimulus[3].");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(StimulusTargets, ValidateRejectsImpossibleDefinitions) {
  const std::vector<std::pair<std::string, std::string>> rejected = {
      {invalid(K::regular, {{"period", {0}}}), "period"},
      {invalid(K::regular, {{"period", {-3}}}), "period"},
      {invalid(K::sinusoid, {{"period", {0}}}), "period"},
      {invalid(K::regular, {{"width", {-1}}}), "width"},
      {invalid(K::poisson, {{"width", {-1}}}), "width"},
      {invalid(K::poisson, {{"mean_interval", {0}}}), "mean_interval"},
      {invalid(K::poisson, {{"mean_interval", {-2.5}}}), "mean_interval"},
      {invalid(K::poisson, {{"duration", {-1}}}), "duration"},
      {invalid(K::regular, {{"start", {10}}, {"stop", {9}}}), "stop"},
      {invalid(K::sinusoid, {{"start", {10}}, {"stop", {9}}}), "stop"},
      {invalid(K::constant, {{"start", {10}}, {"stop", {9}}}), "stop"},
      {invalid(K::constant, {{"start", {0, 10}}, {"stop", {20, 5}}}), "stop"},  // network 1
      {invalid(K::regular, {{"period", {10, 10, std::nan("")}}}), "period"},
      {invalid(K::constant, {}, Targeting::fraction, {1.5}), "fraction"},
      {invalid(K::constant, {}, Targeting::fraction, {0.2, -0.1}), "fraction"},
      {invalid(K::constant, {}, Targeting::count, {2.5}), "count"},
      {invalid(K::constant, {}, Targeting::count, {-1}), "count"}};
  for (const auto& [message, key] : rejected) {
    EXPECT_NE(message.find("stimulus[3]." + key), std::string::npos)
        << "expected a rejection naming " << key << ", got: '" << message << "'";
  }
  // Limits that are allowed: width 0, stop = start, fraction 0 and 1.
  EXPECT_EQ(invalid(K::regular, {{"width", {0}}}), "");
  EXPECT_EQ(invalid(K::constant, {{"start", {5}}, {"stop", {5}}}), "");
  EXPECT_EQ(invalid(K::constant, {}, Targeting::fraction, {0, 1}), "");
}

}  // namespace
}  // namespace kascade
