// A network's spikes do not depend on the batch it is simulated in: draws are keyed by
// (seed, global network id, local neuron, step) and the batch matrix is block-diagonal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade {
namespace {

TEST(BatchIndependence, NetworkSevenAloneEqualsInBatchOfFifty) {
  NormalGeneratorParams gp;
  gp.n_neurons = 20;
  gp.std = 5.0;
  gp.glorot = true;
  std::vector<Network> nets;
  for (network_id_t g = 0; g < 50; ++g) nets.push_back(generate_normal(gp, 14071789, g));
  std::vector<const Network*> all;
  std::vector<network_id_t> ids;
  for (network_id_t g = 0; g < 50; ++g) {
    all.push_back(&nets[g]);
    ids.push_back(g);
  }
  const CascadeModel model = bernoulli_glm(BernoulliGLMParams{});
  // 2000 recorded steps in chunks of 300: seven chunks, the last one partial.
  const EngineSettings settings{/*seed=*/20240917, /*equilibration_steps=*/100,
                                /*recorded_steps=*/2000, /*chunk_steps=*/300};

  const auto alone = test::simulate({&nets[7]}, {7}, model, settings);
  const auto batch = test::simulate(all, ids, model, settings);
  // Reversed batch order: network 7 sits at batch index 42 with other neighbours.
  std::vector<const Network*> rev(all.rbegin(), all.rend());
  std::vector<network_id_t> rev_ids(ids.rbegin(), ids.rend());
  const auto reversed = test::simulate(rev, rev_ids, model, settings);

  EXPECT_EQ(alone.record_calls, 7);
  ASSERT_EQ(alone.traces.size(), 1u);
  ASSERT_EQ(batch.traces.size(), 50u);
  ASSERT_EQ(reversed.traces.size(), 50u);
  const test::Trace& seven = alone.traces[0];
  ASSERT_GT(seven.size(), 0u) << "network 7 must spike, or the comparison proves nothing";
  // Spikes late in the run, after several chunk hand-overs.
  EXPECT_GE(*std::max_element(seven.steps.begin(), seven.steps.end()), 1800);
  EXPECT_TRUE(batch.traces[7] == seven);
  EXPECT_TRUE(reversed.traces[42] == seven);
  // And the comparison can tell networks apart: network 8 of the batch spikes differently.
  EXPECT_TRUE(batch.traces[8] != seven);
  EXPECT_TRUE(reversed.traces[49 - 8] == batch.traces[8]);
}

// Networks with their own parameters in one batch, several to a group of the neuron kernel (20,
// 37, 64 and 100 neurons: segments begin at any lane, across 64-lane words): each network's
// spikes are those it has alone. Variants: only theta differs (one coupling for all, parameters
// per lane); every scalar parameter and the trace window differ (coupling per network); the
// same with kernel taps and an exponential nonlinearity (rates, then the Bernoulli draw, per
// lane); and with Poisson counts (drawn neuron by neuron).
TEST(BatchIndependence, OwnParametersPerNetworkAsAlone) {
  constexpr int count = 12;
  std::vector<Network> nets;
  for (network_id_t g = 0; g < count; ++g) {
    NormalGeneratorParams gp;
    constexpr ordinal_t sizes[] = {20, 37, 64, 100, 20, 13};
    gp.n_neurons = sizes[g % 6];
    gp.std = 5.0;
    gp.glorot = true;
    nets.push_back(generate_normal(gp, 5501, g));
  }
  for (const int variant : {0, 1, 2, 3}) {
    SCOPED_TRACE(variant);
    std::vector<CascadeModel> models;
    for (int g = 0; g < count; ++g) {
      BernoulliGLMParams p;
      p.theta = (variant >= 2 ? 3.0 : 4.0) + 0.2 * g;
      if (variant > 0) p.coupling_window = 3 + g % 4, p.alpha = 0.1 + 0.05 * (g % 3);
      CascadeModel m = bernoulli_glm(p);
      if (variant > 0)
        m.r = 1.0f + 0.1f * (g % 2), m.b = 0.2f * (g % 3), m.slope = 1.0f + 0.1f * (g % 4);
      if (variant >= 2) {  // the trace as explicit taps, and lambda = gain e^(g - theta)
        m.coupling = Coupling::kernel;
        m.coupling_kernel.clear();
        for (int lag = 0; lag < m.trace_window; ++lag)
          m.coupling_kernel.push_back(m.trace_gain * std::pow(m.trace_decay, lag));
        m.nonlinearity = Nonlinearity::exponential;
        m.gain = 0.5f + 0.1f * (g % 3), m.dt = 0.9f;
        if (variant == 3) m.emission = Emission::poisson;
      }
      models.push_back(m);
    }
    std::vector<const Network*> all;
    std::vector<const CascadeModel*> all_models;
    std::vector<network_id_t> ids;
    for (int g = 0; g < count; ++g)
      all.push_back(&nets[g]), all_models.push_back(&models[g]), ids.push_back(g);
    const EngineSettings settings{/*seed=*/99, /*equilibration_steps=*/50, /*recorded_steps=*/600,
                                  /*chunk_steps=*/250};
    const auto batch = test::simulate_counts(all, ids, all_models, settings);
    ASSERT_EQ(batch.traces.size(), std::size_t(count));
    for (int g = 0; g < count; ++g) {
      SCOPED_TRACE(g);
      const auto alone = test::simulate_counts({&nets[g]}, {ids[g]}, {&models[g]}, settings);
      ASSERT_GT(alone.traces[0].size(), 5u) << "the network must spike, or this proves nothing";
      EXPECT_EQ(batch.traces[g].steps, alone.traces[0].steps);
      EXPECT_EQ(batch.traces[g].neurons, alone.traces[0].neurons);
      EXPECT_EQ(batch.traces[g].counts, alone.traces[0].counts);
      EXPECT_EQ(batch.clipped[g], alone.clipped[0]);
    }
  }
}

}  // namespace
}  // namespace kascade
