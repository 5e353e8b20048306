// Emissions through the Engine, on networks without synapses so that every neuron-step is an
// independent draw from a known law. The custom preset with the identity nonlinearity (gain 1,
// slope 1, theta 0) makes lambda = b exactly, so the emission sees lambda dt = b dt.
//
// Bounds at significance 1e-6: z = 4.8916 two-sided (scipy.stats.norm.isf(0.5e-6)) for means
// and proportions; chi-square goodness of fit fails above chi2.isf(1e-6, df), computed here
// exactly from the closed-form survival function (checked against scipy in ChiSquareQuantile).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/nonlinearity.hpp"
#include "kascade/model/presets.hpp"

namespace kascade {
namespace {

constexpr double z_two_sided_1e6 = 4.8916;

// P(X > x) for X ~ chi2(df), integer df: the closed forms of the regularized upper incomplete
// gamma function Q(df/2, x/2) (even df: Poisson sum; odd df: erfc plus half-integer terms).
double chi2_sf(double x, int df) {
  const double h = x / 2;
  double sum = 0;
  if (df % 2 == 0) {
    double term = std::exp(-h);
    for (int i = 0; i < df / 2; ++i, term *= h / i) sum += term;
    return sum;
  }
  sum = std::erfc(std::sqrt(h));
  double term = std::exp(-h) * std::sqrt(h) / std::tgamma(1.5);  // h^(1/2) / Gamma(3/2)
  for (int i = 1; i <= (df - 1) / 2; ++i, term *= h / (i - 0.5)) sum += term;
  return sum;
}

// chi2.isf(alpha, df) by bisection on the monotone survival function.
double chi2_critical(int df, double alpha) {
  double lo = 0, hi = 10.0 * df + 200;
  for (int it = 0; it < 200; ++it) {
    const double mid = (lo + hi) / 2;
    (chi2_sf(mid, df) > alpha ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

TEST(Emissions, ChiSquareQuantile) {  // scipy.stats.chi2.isf(1e-6, df)
  EXPECT_NEAR(chi2_critical(2, 1e-6), 27.63, 0.01);
  EXPECT_NEAR(chi2_critical(5, 1e-6), 35.89, 0.01);
  EXPECT_NEAR(chi2_critical(40, 1e-6), 97.65, 0.01);
  EXPECT_NEAR(chi2_critical(63, 1e-6), 131.37, 0.01);
}

// Custom composition without coupling, self kernel or noise: lambda = b.
CascadeModel uncoupled(const char* emission, double b, double dt, double theta = 0) {
  ParameterSet p = preset_defaults(find_preset("custom"), {{"b", b}, {"dt", dt}, {"theta", theta}});
  p.choices["nonlinearity"] = "identity";
  p.choices["emission"] = emission;
  p.choices["coupling"] = "none";
  return build_custom(p);
}

// lambda dt exactly as the engine forms it: lambda in float32, times dt in double.
double engine_mean(const CascadeModel& m) {
  return double(apply_nonlinearity(m.nonlinearity, m.b, m.theta, m.gain, m.slope)) * m.dt;
}

// One batch of networks of `neurons` neurons, no synapses, ids 7, 8, ...; model per network.
test::CountResult run(const std::vector<CascadeModel>& models, ordinal_t neurons,
                      step_t equilibration, step_t recorded, std::uint64_t seed) {
  std::vector<Network> nets(models.size(), Network::from_edges(neurons, {}, {}, {}));
  std::vector<const Network*> ptrs;
  std::vector<const CascadeModel*> mptrs;
  std::vector<network_id_t> ids;
  for (std::size_t g = 0; g < models.size(); ++g) {
    ptrs.push_back(&nets[g]);
    mptrs.push_back(&models[g]);
    ids.push_back(static_cast<network_id_t>(7 + g));
  }
  return test::simulate_counts(ptrs, ids, mptrs,
                               EngineSettings{seed, equilibration, recorded, 500});
}

// Poisson(mu) counts: 2 networks x 1000 neurons x 500 steps = n = 1e6 draws per mean, so both
// samplers are covered (inversion below 10, PTRS at 10 and 25). Histogram of counts, zeros =
// n - events; bins k = 0, 1, ... merged left to right until each expects >= 5 (the open upper
// tail joins the last bin); X2 ~ chi2(bins - 1) (mu is known, nothing fitted); fail above the
// 1e-6 quantile. Mean: |mean - mu| <= z sqrt(mu / n). With these seeds: df 5, 13, 27, 44;
// critical 35.9, 52.7, 77.2, 103.7; X2 2.5, 13.8, 26.6, 39.1.
TEST(Emissions, PoissonCountsFollowThePmf) {
  for (const double target : {0.3, 3.0, 10.0, 25.0}) {
    SCOPED_TRACE(target);
    const CascadeModel model = uncoupled("poisson", target, 1.0);
    const double mu = engine_mean(model);
    ASSERT_NEAR(mu, target, 1e-6 * target);
    const auto r = run({model, model}, 1000, 3, 500, 20240601 + static_cast<std::uint64_t>(target));
    const double n = 2 * 1000 * 500;
    std::vector<double> observed(1, 0.0);
    double events = 0, sum = 0;
    for (int g = 0; g < 2; ++g) {
      EXPECT_EQ(r.clipped[g], 0u);
      for (const spike_count_t c : r.traces[g].counts) {
        if (c >= observed.size()) observed.resize(c + 1, 0.0);
        observed[c] += 1;
        events += 1;
        sum += c;
      }
    }
    observed[0] = n - events;
    EXPECT_LE(std::fabs(sum / n - mu), z_two_sided_1e6 * std::sqrt(mu / n)) << "mean " << sum / n;

    const int kmax = static_cast<int>(mu + 40 * std::sqrt(mu) + 40);
    std::vector<double> bin_obs, bin_exp;
    double o = 0, e = 0, cdf = 0;
    for (int k = 0; k <= kmax; ++k) {
      const double pk = std::exp(-mu + k * std::log(mu) - std::lgamma(k + 1.0));
      cdf += pk;
      o += k < static_cast<int>(observed.size()) ? observed[k] : 0.0;
      e += n * pk;
      if (k == kmax) {  // the open upper tail
        for (std::size_t j = kmax + 1; j < observed.size(); ++j) o += observed[j];
        e += n * std::max(0.0, 1 - cdf);
      }
      if (e >= 5 || k == kmax) {
        bin_obs.push_back(o);
        bin_exp.push_back(e);
        o = e = 0;
      }
    }
    if (bin_exp.back() < 5) {  // merge a thin upper tail into its neighbour
      bin_obs[bin_obs.size() - 2] += bin_obs.back();
      bin_exp[bin_exp.size() - 2] += bin_exp.back();
      bin_obs.pop_back();
      bin_exp.pop_back();
    }
    double x2 = 0;
    for (std::size_t j = 0; j < bin_obs.size(); ++j)
      x2 += (bin_obs[j] - bin_exp[j]) * (bin_obs[j] - bin_exp[j]) / bin_exp[j];
    const int df = static_cast<int>(bin_obs.size()) - 1;
    ASSERT_GE(df, 3);
    EXPECT_LT(x2, chi2_critical(df, 1e-6)) << "df " << df;
  }
}

// An uncoupled PoissonGLM neuron: g = b, mean count (1/alpha) exp(beta b) dt, counts recorded
// as they are (the predecessor multiplied them by dt, §10.1 defect 1, which would give a mean
// of 0 here). alpha = 2, beta = 10, b = 0.2, dt = 0.1: mu = 0.369453. n = 1000 x 1000 = 1e6:
// bound z sqrt(mu / n) = 0.00297 (0.8 %), plus 1e-6 mu for lambda evaluated in float32.
TEST(Emissions, UncoupledPoissonGLMMeanCount) {
  const double alpha = 2, beta = 10, b = 0.2, dt = 0.1;
  const CascadeModel model = build_poisson_glm(
      preset_defaults(find_preset("poisson_glm"),
                      {{"alpha", alpha}, {"beta", beta}, {"b", b}, {"dt", dt}, {"T", 20}}));
  const double mu = std::exp(beta * b) / alpha * dt;
  const auto r = run({model}, 1000, 5, 1000, 77);
  const double n = 1e6;
  double sum = 0;
  for (const spike_count_t c : r.traces[0].counts) sum += c;
  EXPECT_EQ(r.clipped[0], 0u);
  EXPECT_LE(std::fabs(sum / n - mu), z_two_sided_1e6 * std::sqrt(mu / n) + 1e-6 * mu)
      << "mean count " << sum / n << ", closed form " << mu;
}

// bernoulli_exp: p = 1 - exp(-lambda dt). b = 4, dt = 0.5: p = 1 - e^-2 = 0.864665 (not the
// clipped lambda dt = 2, not 1 - e^-4 = 0.982). The engine fires iff 32 bits < p 2^32, i.e.
// with probability ceil(p 2^32) / 2^32. 1000 neurons x 1000 steps: bound z sqrt(n p (1 - p))
// = 1670 (0.19 % of the mean count 864 665).
TEST(Emissions, BernoulliExpProbability) {
  const CascadeModel model = uncoupled("bernoulli_exp", 4.0, 0.5);
  const double p = std::ceil((1 - std::exp(-engine_mean(model))) * 4294967296.0) / 4294967296.0;
  ASSERT_NEAR(p, 1 - std::exp(-2.0), 1e-9);
  const auto r = run({model}, 1000, 2, 1000, 4242);
  const double n = 1e6, spikes = double(r.traces[0].size());
  EXPECT_EQ(r.clipped[0], 0u) << "1 - exp(-mean) is a probability: nothing to clip";
  EXPECT_LE(std::fabs(spikes - n * p), z_two_sided_1e6 * std::sqrt(n * p * (1 - p)))
      << "spikes " << spikes << ", expected " << n * p;
}

// threshold: x = [lambda > 0] = [b > theta] with the identity; deterministic. theta = 0.5 and
// per-network b = 0.75 (every step), 0.25 and 0.5 (never: the comparison is strict).
TEST(Emissions, ThresholdIsDeterministic) {
  const std::vector<CascadeModel> models{uncoupled("threshold", 0.75, 0.1, 0.5),
                                         uncoupled("threshold", 0.25, 0.1, 0.5),
                                         uncoupled("threshold", 0.5, 0.1, 0.5)};
  const ordinal_t N = 7;
  const step_t steps = 30;
  const auto r = run(models, N, 4, steps, 1);
  ASSERT_EQ(r.traces[0].size(), std::size_t(N * steps));
  for (std::size_t e = 0; e < r.traces[0].size(); ++e) {
    EXPECT_EQ(r.traces[0].steps[e], step_t(e) / N);
    EXPECT_EQ(r.traces[0].neurons[e], std::uint32_t(e % N));
    EXPECT_EQ(r.traces[0].counts[e], 1);
  }
  EXPECT_EQ(r.traces[1].size(), 0u);
  EXPECT_EQ(r.traces[2].size(), 0u);
  for (int g = 0; g < 3; ++g) EXPECT_EQ(r.clipped[g], 0u);
}

// Bernoulli: lambda dt outside [0, 1] is clipped and counted per network, every simulated
// neuron-step (equilibration included). b = 1.5 (fires always, all clipped), 0.5 (nothing
// clipped), -0.5 (never fires, all clipped); networks of 3 neurons, 5 + 20 steps.
TEST(Emissions, BernoulliClippingIsCountedPerNetwork) {
  const std::vector<CascadeModel> models{uncoupled("bernoulli", 1.5, 1.0),
                                         uncoupled("bernoulli", 0.5, 1.0),
                                         uncoupled("bernoulli", -0.5, 1.0)};
  const ordinal_t N = 3;
  const step_t equilibration = 5, recorded = 20;
  const auto r = run(models, N, equilibration, recorded, 9);
  const std::uint64_t all = std::uint64_t((equilibration + recorded) * N);
  EXPECT_EQ(r.clipped, (std::vector<std::uint64_t>{all, 0, all}));
  EXPECT_EQ(r.traces[0].size(), std::size_t(recorded * N));
  EXPECT_EQ(r.traces[2].size(), 0u);
}

// Poisson with a negative mean (identity, b = -1) draws nothing and counts each neuron-step.
TEST(Emissions, PoissonNegativeMeanIsClippedAndCounted) {
  const auto r = run({uncoupled("poisson", -1.0, 1.0)}, 4, 2, 10, 3);
  EXPECT_EQ(r.clipped[0], std::uint64_t(4 * 12));
  EXPECT_EQ(r.traces[0].size(), 0u);
}

}  // namespace
}  // namespace kascade
