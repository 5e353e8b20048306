// A network's spikes do not depend on the batch it is simulated in: draws are keyed by
// (seed, global network id, local neuron, step) and the batch matrix is block-diagonal.
#include <gtest/gtest.h>

#include <algorithm>
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

}  // namespace
}  // namespace kascade
