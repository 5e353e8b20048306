// The engine's output is a pure function of (batch, model, seed, step counts): repeated runs and
// chunk sizes do not change it, seeds do, and only the recorded steps are handed over.
#include <gtest/gtest.h>

#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/bernoulli_glm.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade {
namespace {

class EngineDeterminism : public ::testing::Test {
 protected:
  void SetUp() override {
    NormalGeneratorParams gp;
    gp.n_neurons = 30;
    gp.std = 5.0;
    gp.glorot = true;
    const std::vector<network_id_t> global{3, 17, 4, 250, 9};
    for (network_id_t id : global) nets_.push_back(generate_normal(gp, 77, id));
    for (std::size_t g = 0; g < nets_.size(); ++g) {
      ptrs_.push_back(&nets_[g]);
      ids_.push_back(global[g]);
    }
    BernoulliGLMParams mp;
    mp.theta = 4.0;  // livelier than the default 5 so every network spikes often
    model_ = bernoulli_glm(mp);
  }

  test::RunResult run(std::uint64_t seed, step_t equilibration, step_t recorded, step_t chunk) {
    return test::simulate(ptrs_, ids_, model_,
                          EngineSettings{seed, equilibration, recorded, chunk});
  }

  std::vector<Network> nets_;
  std::vector<const Network*> ptrs_;
  std::vector<network_id_t> ids_;
  CascadeModel model_;
};

std::size_t total_events(const test::RunResult& r) {
  std::size_t n = 0;
  for (const auto& t : r.traces) n += t.size();
  return n;
}

TEST_F(EngineDeterminism, RepeatedRunsAreIdentical) {
  const auto a = run(11, 50, 500, 100);
  const auto b = run(11, 50, 500, 100);
  ASSERT_EQ(a.traces.size(), 5u);
  for (std::size_t g = 0; g < a.traces.size(); ++g) {
    EXPECT_GT(a.traces[g].size(), 0u) << "network " << g << " never spiked";
    EXPECT_TRUE(a.traces[g] == b.traces[g]) << "network " << g;
  }
}

TEST_F(EngineDeterminism, ChunkSizeDoesNotChangeEvents) {
  const step_t recorded = 500;
  const auto c1 = run(11, 50, recorded, 1);
  const auto c7 = run(11, 50, recorded, 7);
  const auto c1000 = run(11, 50, recorded, 1000);
  EXPECT_EQ(c1.record_calls, 500);
  EXPECT_EQ(c7.record_calls, 72);  // ceil(500 / 7)
  EXPECT_EQ(c1000.record_calls, 1);
  ASSERT_GT(total_events(c1), 0u);
  for (std::size_t g = 0; g < c1.traces.size(); ++g) {
    EXPECT_TRUE(c7.traces[g] == c1.traces[g]) << "network " << g;
    EXPECT_TRUE(c1000.traces[g] == c1.traces[g]) << "network " << g;
  }
}

TEST_F(EngineDeterminism, DifferentSeedsGiveDifferentEvents) {
  const auto a = run(11, 50, 500, 100);
  const auto b = run(12, 50, 500, 100);
  ASSERT_GT(total_events(a), 0u);
  for (std::size_t g = 0; g < a.traces.size(); ++g)
    EXPECT_TRUE(a.traces[g] != b.traces[g]) << "network " << g;
}

TEST_F(EngineDeterminism, EventsAreSortedAndInRange) {
  const step_t recorded = 300;
  const auto r = run(5, 40, recorded, 64);
  ASSERT_GT(total_events(r), 0u);
  for (std::size_t g = 0; g < r.traces.size(); ++g) {
    const test::Trace& t = r.traces[g];
    for (std::size_t e = 0; e < t.size(); ++e) {
      EXPECT_GE(t.steps[e], 0);
      EXPECT_LT(t.steps[e], recorded);
      EXPECT_LT(t.neurons[e], std::uint32_t(nets_[g].n_neurons));
      if (e > 0) {
        const bool ordered = t.steps[e - 1] < t.steps[e] ||
                             (t.steps[e - 1] == t.steps[e] && t.neurons[e - 1] < t.neurons[e]);
        EXPECT_TRUE(ordered) << "network " << g << " event " << e;
      }
    }
  }
}

// Equilibration steps are simulated but not handed over: with E equilibration and R recorded
// steps, recorded step k is absolute step E + k, so the events equal those of a run with no
// equilibration and E + R recorded steps, from step E on, shifted by -E. A run that recorded
// equilibration steps, or skipped simulating them, would differ.
TEST_F(EngineDeterminism, EquilibrationIsSimulatedButNotRecorded) {
  const step_t E = 37, R = 400;
  const auto with_eq = run(21, E, R, 128);
  const auto all = run(21, 0, E + R, 128);
  ASSERT_GT(total_events(with_eq), 0u);
  std::size_t early = 0;
  for (std::size_t g = 0; g < all.traces.size(); ++g) {
    test::Trace tail;
    const test::Trace& t = all.traces[g];
    for (std::size_t e = 0; e < t.size(); ++e) {
      if (t.steps[e] < E) {
        ++early;
        continue;
      }
      tail.steps.push_back(t.steps[e] - E);
      tail.neurons.push_back(t.neurons[e]);
    }
    EXPECT_TRUE(with_eq.traces[g] == tail) << "network " << g;
  }
  EXPECT_GT(early, 0u) << "the first E steps must hold spikes for the test to mean anything";
}

TEST_F(EngineDeterminism, ProgressReportsEveryChunk) {
  std::vector<const CascadeModel*> models(ptrs_.size(), &model_);
  Engine<test::Exec> engine(make_batch<test::Mem>(ptrs_, ids_), make_batch_model<test::Mem>(models),
                            EngineSettings{1, 3, 25, 10});
  engine.initialize_random();
  test::CollectingRecorder recorder;
  std::vector<std::pair<step_t, step_t>> progress;
  engine.run(recorder, [&](step_t done, step_t total) { progress.emplace_back(done, total); });
  EXPECT_EQ(progress, (std::vector<std::pair<step_t, step_t>>{{10, 25}, {20, 25}, {25, 25}}));
  EXPECT_EQ(engine.current_step(), 28);
}

// A long equilibration is stepped in pieces (a chunk, at least 1000 steps), reported between them
// (0 recorded steps done), so that a signal or a due checkpoint is seen within it; a run saved
// between two of its chunks and restored ends with the uninterrupted run's spikes.
TEST_F(EngineDeterminism, AnEquilibrationOfSeveralChunksReportsEachAndResumes) {
  std::vector<const CascadeModel*> models(ptrs_.size(), &model_);
  const auto engine = [&] {
    return Engine<test::Exec>(make_batch<test::Mem>(ptrs_, ids_),
                              make_batch_model<test::Mem>(models), EngineSettings{7, 2500, 30, 20});
  };
  auto whole = engine();
  whole.initialize_random();
  test::CollectingRecorder all;
  std::vector<std::pair<step_t, step_t>> progress;
  EngineState saved;
  whole.run(all, [&](step_t done, step_t total) {
    progress.emplace_back(done, total);
    if (progress.size() == 2)
      saved = whole.snapshot();  // after 2000 of the 2500 equilibration steps
  });
  EXPECT_EQ(progress,
            (std::vector<std::pair<step_t, step_t>>{{0, 30}, {0, 30}, {20, 30}, {30, 30}}));
  EXPECT_EQ(saved.step, 2000);
  auto resumed = engine();
  resumed.restore(saved);
  test::CollectingRecorder rest;
  resumed.run(rest);
  EXPECT_EQ(rest.traces, all.traces);
  std::size_t spikes = 0;
  for (const auto& t : all.traces) spikes += t.steps.size();
  EXPECT_GT(spikes, 0u);
}

}  // namespace
}  // namespace kascade
