// The runaway-activity guard: a network whose spikes over a recorded chunk exceed the bound is
// marked at that chunk's first step; with `runaway_stop` its later chunks hand over no spikes,
// while the other networks of the batch are untouched; the mark survives snapshot/restore.
#include <gtest/gtest.h>

#include "engine_test_support.hpp"
#include "kascade/model/bernoulli_glm.hpp"

namespace kascade {
namespace {

using test::Exec;
using test::Mem;

// Uncoupled neurons firing independently with p = sigmoid(-theta) per step (theta per network).
struct TwoRates {
  std::vector<Network> nets{Network::from_edges(30, {}, {}, {}),
                            Network::from_edges(30, {}, {}, {})};
  std::vector<CascadeModel> models;

  explicit TwoRates(double quiet_theta, double loud_theta) {
    for (double theta : {quiet_theta, loud_theta}) {
      BernoulliGLMParams p;
      p.theta = theta;
      p.coupling_window = 1, p.abs_ref_scale = 0, p.rel_ref_scale = 0;
      p.abs_ref_strength = 0, p.rel_ref_strength = 0;
      models.push_back(bernoulli_glm(p));
    }
  }
  Engine<Exec> engine(const EngineSettings& s) const {
    return Engine<Exec>(make_batch<Mem>({&nets[0], &nets[1]}, {0, 1}),
                        make_batch_model<Mem>({&models[0], &models[1]}), s);
  }
};

EngineSettings guarded(bool stop) {
  EngineSettings s;
  s.seed = 5;
  s.recorded_steps = 1000;
  s.chunk_steps = 100;
  s.runaway_spikes_per_step = 0.2;  // 200 Hz at dt = 1 ms
  s.runaway_stop = stop;
  return s;
}

TEST(Runaway, TheLoudNetworkIsMarkedAtItsFirstChunkAndStopped) {
  // p = sigmoid(3) = 0.95 per step against a bound of 0.2: far beyond any binomial doubt; the
  // quiet network (p = sigmoid(-5) = 0.0067) never comes near it.
  const TwoRates rates(5.0, -3.0);
  for (bool stop : {false, true}) {
    Engine<Exec> engine = rates.engine(guarded(stop));
    engine.initialize_random();
    test::CollectingRecorder recorder;
    engine.run(recorder);
    EXPECT_EQ(engine.runaway_steps()[0], -1);
    EXPECT_EQ(engine.runaway_steps()[1], 0) << "marked at the first chunk";
    ASSERT_EQ(recorder.traces.size(), 2u);
    const auto& loud = recorder.traces[1];
    if (stop) {
      ASSERT_FALSE(loud.steps.empty());
      EXPECT_LT(loud.steps.back(), 100) << "nothing kept after the chunk that ran away";
    } else {
      EXPECT_GE(loud.steps.back(), 900) << "report only: every spike kept";
    }
    EXPECT_GE(recorder.traces[0].steps.back(), 500) << "the quiet network goes on";
  }
}

TEST(Runaway, NoMarkBelowTheBoundOrWhenOff) {
  const TwoRates rates(5.0, 4.0);
  EngineSettings s = guarded(true);
  Engine<Exec> engine = rates.engine(s);
  engine.initialize_random();
  test::CollectingRecorder recorder;
  engine.run(recorder);
  EXPECT_EQ(engine.runaway_steps(), (std::vector<step_t>{-1, -1}));
  const TwoRates loud(5.0, -3.0);
  s.runaway_spikes_per_step = 0;
  Engine<Exec> off = loud.engine(s);
  off.initialize_random();
  off.run(recorder);
  EXPECT_EQ(off.runaway_steps(), (std::vector<step_t>{-1, -1}));
}

TEST(Runaway, TheMarkSurvivesSnapshotAndRestore) {
  const TwoRates rates(5.0, -3.0);
  EngineSettings s = guarded(true);
  Engine<Exec> first = rates.engine(s);
  first.initialize_random();
  test::CollectingRecorder a;
  EngineState state;
  first.run(a, [&](step_t done, step_t) {
    if (done == 300) state = first.snapshot();
  });
  Engine<Exec> resumed = rates.engine(s);
  resumed.restore(state);
  test::CollectingRecorder b;
  resumed.run(b);
  EXPECT_EQ(resumed.runaway_steps(), first.runaway_steps());
  ASSERT_EQ(b.traces.size(), 2u);
  EXPECT_TRUE(b.traces[1].steps.empty()) << "still stopped after the restart";
}

}  // namespace
}  // namespace kascade
