// Closed form of the Bernoulli emission: without synapses and without refractoriness the input
// is 0, so every neuron-step fires independently with p = sigmoid(-theta) * dt. Exactly, the
// engine fires when a 24-bit uniform u < p, i.e. with probability ceil(p 2^24) / 2^24 (lambda
// times dt in float32, as the engine does); the tests use that value.
//
// Bounds are two-sided at significance 1e-6: z = 4.8916 (scipy.stats.norm.isf(0.5e-6)) for the
// total count (normal approximation of Binomial(n, p), n p > 2e5), and the chi-square
// quantiles chi2.ppf(0.5e-6, df), chi2.isf(0.5e-6, df) from scipy for the dispersion tests.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/model/nonlinearity.hpp"

namespace kascade {
namespace {

constexpr double z_two_sided_1e6 = 4.8916;

CascadeModel uncoupled_model(double theta, double dt) {
  BernoulliGLMParams p;
  p.theta = theta;
  p.dt = dt;
  p.coupling_window = 1;
  p.abs_ref_scale = 0;
  p.rel_ref_scale = 0;
  p.abs_ref_strength = 0;
  p.rel_ref_strength = 0;
  return bernoulli_glm(p);
}

struct Counts {
  std::vector<double> per_neuron;  // batch neuron order
  std::vector<double> per_step;
  double total = 0;
};

// n_networks networks of n_neurons without synapses, ids 100, 101, ...
Counts run_uncoupled(const CascadeModel& model, int n_networks, ordinal_t n_neurons, step_t steps,
                     std::uint64_t seed) {
  std::vector<Network> nets(n_networks, Network::from_edges(n_neurons, {}, {}, {}));
  std::vector<const Network*> ptrs;
  std::vector<network_id_t> ids;
  for (int g = 0; g < n_networks; ++g) {
    ptrs.push_back(&nets[g]);
    ids.push_back(100 + g);
  }
  const auto r = test::simulate(ptrs, ids, model, EngineSettings{seed, 10, steps, 1000});
  Counts c;
  c.per_neuron.assign(static_cast<std::size_t>(n_networks) * n_neurons, 0.0);
  c.per_step.assign(static_cast<std::size_t>(steps), 0.0);
  for (int g = 0; g < n_networks; ++g) {
    const test::Trace& t = r.traces[g];
    for (std::size_t e = 0; e < t.size(); ++e) {
      c.per_neuron[static_cast<std::size_t>(g) * n_neurons + t.neurons[e]] += 1;
      c.per_step[t.steps[e]] += 1;
    }
    c.total += double(t.size());
    EXPECT_EQ(r.clipped[g], 0u);
  }
  return c;
}

double firing_probability(const CascadeModel& m) {
  const real_t p = apply_nonlinearity(m.nonlinearity, real_t(0), m.theta, m.gain, m.slope) * m.dt;
  return std::ceil(double(p) * 16777216.0) / 16777216.0;
}

// Pearson dispersion of counts that are each Binomial(trials, p): ~ chi2(counts.size()).
double dispersion(const std::vector<double>& counts, double trials, double p) {
  const double mean = trials * p, var = trials * p * (1 - p);
  double x2 = 0;
  for (double c : counts) x2 += (c - mean) * (c - mean) / var;
  return x2;
}

// theta = 3, dt = 1: p = 0.047426. 1000 neurons x 10^4 steps = 10^7 neuron-steps: mean count
// 474 259, sd 672, bound 3289. Per-neuron counts Binomial(10^4, p), 1000 of them: chi2(1000),
// bounds [796.31, 1234.24] (catches draws that ignore the step). Per-step counts
// Binomial(1000, p), 10^4 of them: chi2(10000), bounds [9323.44, 10707.13] (catches draws shared
// between neurons or networks).
TEST(UncoupledRate, CountMatchesBinomial) {
  const CascadeModel model = uncoupled_model(3.0, 1.0);
  const double p = firing_probability(model);
  ASSERT_NEAR(p, 1.0 / (1.0 + std::exp(3.0)), 1e-6);
  const int G = 10;
  const ordinal_t N = 100;
  const step_t S = 10000;
  const Counts c = run_uncoupled(model, G, N, S, 987654321);
  const double n = double(G) * N * S;
  EXPECT_LE(std::fabs(c.total - n * p), z_two_sided_1e6 * std::sqrt(n * p * (1 - p)))
      << "count " << c.total << ", expected " << n * p;
  const double x2_neuron = dispersion(c.per_neuron, double(S), p);
  EXPECT_GT(x2_neuron, 796.31);
  EXPECT_LT(x2_neuron, 1234.24);
  const double x2_step = dispersion(c.per_step, double(G) * N, p);
  EXPECT_GT(x2_step, 9323.44);
  EXPECT_LT(x2_step, 10707.13);
}

// A second point, with dt scaling the probability: theta = 1, dt = 0.5, p = 0.134471.
// 1000 neurons x 2000 steps = 2e6 neuron-steps: mean 268 941, sd 482.6, bound 2361.
// Per-neuron chi2(1000) [796.31, 1234.24]; per-step chi2(2000) [1705.76, 2324.80].
TEST(UncoupledRate, DtScalesTheProbability) {
  const CascadeModel model = uncoupled_model(1.0, 0.5);
  const double p = firing_probability(model);
  ASSERT_NEAR(p, 0.5 / (1.0 + std::exp(1.0)), 1e-6);
  const int G = 5;
  const ordinal_t N = 200;
  const step_t S = 2000;
  const Counts c = run_uncoupled(model, G, N, S, 5);
  const double n = double(G) * N * S;
  EXPECT_LE(std::fabs(c.total - n * p), z_two_sided_1e6 * std::sqrt(n * p * (1 - p)))
      << "count " << c.total << ", expected " << n * p;
  const double x2_neuron = dispersion(c.per_neuron, double(S), p);
  EXPECT_GT(x2_neuron, 796.31);
  EXPECT_LT(x2_neuron, 1234.24);
  const double x2_step = dispersion(c.per_step, double(G) * N, p);
  EXPECT_GT(x2_step, 1705.76);
  EXPECT_LT(x2_step, 2324.80);
}

// Far below the sigmoid's cap (theta = 1000: p ~ e^-1000, 0 in float32) a neuron never fires.
// The draw u = 0 (1 in 2^24) had passed any rate: 10^8 neuron-steps would then hold 5.96 spikes
// on average (none with probability e^-5.96 = 0.26 %; this seed had 5).
TEST(UncoupledRate, ANeuronFarBelowTheSigmoidNeverFires) {
  const Counts c = run_uncoupled(uncoupled_model(1000.0, 1.0), 10, 1000, 10000, 5);
  EXPECT_EQ(c.total, 0.0);
}

// theta = -10, dt = 2: p = 2 sigmoid(10) = 1.99991 > 1 is clipped to 1 and counted. Every
// neuron fires at every step, and every simulated step (equilibration included) of every
// neuron is one clipped probability.
TEST(UncoupledRate, ProbabilityAboveOneIsClippedAndCounted) {
  const CascadeModel model = uncoupled_model(-10.0, 2.0);
  const std::vector<ordinal_t> sizes{3, 5};
  std::vector<Network> nets;
  for (ordinal_t n : sizes) nets.push_back(Network::from_edges(n, {}, {}, {}));
  const step_t equilibration = 4, recorded = 25;
  const auto r = test::simulate({&nets[0], &nets[1]}, {0, 1}, model,
                                EngineSettings{1, equilibration, recorded, 10});
  ASSERT_EQ(r.clipped.size(), 2u);
  for (int g = 0; g < 2; ++g) {
    EXPECT_EQ(r.clipped[g], std::uint64_t((equilibration + recorded) * sizes[g])) << g;
    const test::Trace& t = r.traces[g];
    ASSERT_EQ(t.size(), std::size_t(recorded * sizes[g])) << g;
    std::size_t e = 0;
    for (step_t s = 0; s < recorded; ++s)
      for (ordinal_t i = 0; i < sizes[g]; ++i, ++e) {
        EXPECT_EQ(t.steps[e], s);
        EXPECT_EQ(t.neurons[e], std::uint32_t(i));
      }
  }
}

}  // namespace
}  // namespace kascade
