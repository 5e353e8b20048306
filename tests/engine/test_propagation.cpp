// Event-driven propagation and the dense KokkosSparse::spmv give the same spikes bitwise, at
// low and at high firing, for one large network (rows split across blocks) and for a batch of
// small ones, and the automatic choice between them too. The exponential coupling kept as a
// recursive trace matches the direct sum of its kernel to float rounding.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/model/presets.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade {
namespace {

using test::simulate;

std::vector<Network> make_networks(int count, ordinal_t n, double sparsity) {
  return test::normal_networks(count, n, sparsity, 4242, 0);
}

void expect_same_spikes_for_every_propagation(const std::vector<Network>& nets, double theta,
                                              bool refractory) {
  BernoulliGLMParams params;
  params.theta = theta;
  if (!refractory) params.abs_ref_strength = 0, params.rel_ref_strength = 0;
  const CascadeModel model = bernoulli_glm(params);
  std::vector<const Network*> ptrs;
  std::vector<network_id_t> ids;
  for (std::size_t g = 0; g < nets.size(); ++g) ptrs.push_back(&nets[g]), ids.push_back(g);
  EngineSettings s{7, 20, 300, 50};
  s.propagation = Propagation::dense;
  const auto dense = simulate(ptrs, ids, model, s);
  std::size_t spikes = 0;
  for (auto p : {Propagation::event, Propagation::automatic}) {
    s.propagation = p;
    const auto other = simulate(ptrs, ids, model, s);
    for (std::size_t g = 0; g < nets.size(); ++g) {
      ASSERT_EQ(other.traces[g].steps, dense.traces[g].steps) << "network " << g;
      ASSERT_EQ(other.traces[g].neurons, dense.traces[g].neurons) << "network " << g;
      spikes += dense.traces[g].steps.size();
    }
  }
  EXPECT_GT(spikes, 0u);
}

TEST(Propagation, EventAndDenseAgreeOnALargeNetworkAtLowFiring) {
  expect_same_spikes_for_every_propagation(make_networks(1, 3000, 0.95), 5.0, true);
}

TEST(Propagation, EventAndDenseAgreeAtHighFiring) {  // about half the neurons fire per step
  expect_same_spikes_for_every_propagation(make_networks(1, 1500, 0.9), 0.0, false);
}

TEST(Propagation, EventAndDenseAgreeOnABatchOfSmallNetworks) {
  expect_same_spikes_for_every_propagation(make_networks(60, 20, 0.5), 2.0, true);
}

// Presynaptic neurons driven deterministically (a threshold on their own stimulus-free
// background) feed one observer; its input from the recursive trace and from the explicit
// kernel with the same taps agree to float rounding at every step.
TEST(Propagation, RecursiveExponentialMatchesTheExplicitKernel) {
  const int window = 6;
  const double decay = 0.3;
  ParameterSet trace = preset_defaults(find_preset("custom"),
                                       {{"coupling_window", window}, {"coupling_decay", decay}});
  ParameterSet fir = trace;
  fir.choices["coupling"] = "explicit";
  const CascadeModel recursive = build_custom(trace);
  std::vector<double> taps;
  for (int lag = 0; lag < window; ++lag) taps.push_back(recursive.coupling_kernel[lag]);
  fir.kernels["coupling_taps"] = taps;
  const CascadeModel direct = build_custom(fir);
  ASSERT_EQ(recursive.coupling, Coupling::trace);
  ASSERT_EQ(direct.coupling, Coupling::kernel);

  // 30 sources j -> observer 30, random spikes (sigmoid, theta 0: p = 1/2) from the same seed.
  std::vector<ordinal_t> src, dst;
  std::vector<real_t> w;
  for (ordinal_t j = 0; j < 30; ++j)
    src.push_back(j), dst.push_back(30), w.push_back(0.1f * (j % 7) - 0.3f);
  const Network net = Network::from_edges(31, src, dst, w);
  auto run = [&](const CascadeModel& m) {
    Engine<test::Exec> engine(make_batch<test::Mem>({&net}, {0}), make_batch_model<test::Mem>({&m}),
                              EngineSettings{11, 0, 400, 1});
    engine.initialize_random();
    std::vector<real_t> inputs;
    Kokkos::View<real_t*, test::Mem> g("g", 31);
    auto observe = [&] {
      engine.compute_input(g);
      inputs.push_back(test::host_vector(g)[30]);
    };
    observe();
    test::CollectingRecorder sink;
    engine.run(sink, [&](step_t, step_t) { observe(); });  // after every step (chunks of 1)
    return inputs;
  };
  const auto a = run(recursive), b = run(direct);
  // Each input sums at most `window` terms of size <= 0.3 * 30; the recursion's rounding is
  // damped by decay^lag: a bound of 64 float ulps of the largest possible sum is generous.
  const double bound = 64 * 1.2e-7 * 0.3 * 30 * window;
  for (std::size_t t = 0; t < a.size(); ++t) ASSERT_NEAR(a[t], b[t], bound) << "step " << t;
}

// A growing exponential coupling (decay < 0) had been kept as a trace, whose rounding grew by
// e^0.3 a step: inputs went infinite within a few hundred steps (2/3 of 3 x 10^5 neuron-steps
// non-finite). It is the explicit kernel of the same taps now: the same spikes, bit for bit, and
// every rate finite through 5000 steps of a source driving +4 and -4 synapses.
TEST(Propagation, AGrowingExponentialCouplingStaysFinite) {
  ParameterSet growing = preset_defaults(
      find_preset("custom"),
      {{"coupling_window", 4}, {"coupling_decay", -0.3}, {"dt", 1.0}, {"theta", 1.0}});
  const CascadeModel g = build_custom(growing);
  ParameterSet fir = growing;
  fir.choices["coupling"] = "explicit";
  fir.kernels["coupling_taps"] =
      std::vector<double>(g.coupling_kernel.begin(), g.coupling_kernel.end());
  const CascadeModel direct = build_custom(fir);
  const Network net = Network::from_edges(3, {0, 0}, {1, 2}, {4.0f, -4.0f});
  auto run = [&](const CascadeModel& m) {
    return test::simulate_counts({&net, &net}, {0, 1}, {&m, &m}, EngineSettings{3, 10, 5000, 500});
  };
  const auto a = run(g), b = run(direct);
  EXPECT_EQ(a.non_finite, (std::vector<std::uint64_t>{0, 0}));
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(a.traces[k].steps, b.traces[k].steps) << k;
    EXPECT_EQ(a.traces[k].neurons, b.traces[k].neurons) << k;
    EXPECT_GT(a.traces[k].size(), 1000u) << k;  // (a firing network)
  }
}

}  // namespace
}  // namespace kascade
