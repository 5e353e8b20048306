// Non-finite rates: a NaN or infinite input (or rate, or probability) is counted per network in
// non_finite_counts(), apart from clipped_counts(), which counts it too when the emission clips
// it (as for any probability outside [0, 1]). Networks without synapses, the identity
// nonlinearity, lambda = b: every neuron-step sees the same input.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/presets.hpp"

namespace kascade {
namespace {

CascadeModel identity_bernoulli(double b) {
  ParameterSet p = preset_defaults(find_preset("custom"), {{"b", 0.5}, {"dt", 1.0}});
  p.choices["nonlinearity"] = "identity";
  p.choices["emission"] = "bernoulli";
  p.choices["coupling"] = "none";
  CascadeModel m = build_custom(p);
  m.b = static_cast<real_t>(b);  // set after the preset, which checks that b is finite
  return m;
}

struct Batch3 {
  std::vector<CascadeModel> models;
  std::vector<Network> nets;
  std::vector<const Network*> ptrs;
  std::vector<const CascadeModel*> mptrs;
  std::vector<network_id_t> ids;

  explicit Batch3(std::vector<CascadeModel> m, ordinal_t neurons) : models(std::move(m)) {
    nets.assign(models.size(), Network::from_edges(neurons, {}, {}, {}));
    for (std::size_t g = 0; g < models.size(); ++g) {
      ptrs.push_back(&nets[g]);
      mptrs.push_back(&models[g]);
      ids.push_back(static_cast<network_id_t>(3 + g));
    }
  }
  Engine<test::Exec> engine(const EngineSettings& s) const {
    return Engine<test::Exec>(make_batch<test::Mem>(ptrs, ids), make_batch_model<test::Mem>(mptrs),
                              s);
  }
};

const double nan = std::numeric_limits<double>::quiet_NaN();
const double inf = std::numeric_limits<double>::infinity();

// b = NaN: never fires; b = +inf: p = inf, clipped to 1, fires every step; b = 0.5: finite.
// Every simulated neuron-step (equilibration included) of the first two is counted in both.
TEST(NonFinite, CountedPerNetworkApartFromClipping) {
  const Batch3 b({identity_bernoulli(nan), identity_bernoulli(inf), identity_bernoulli(0.5)}, 3);
  const step_t equilibration = 4, recorded = 10;
  const auto r = test::simulate_counts(b.ptrs, b.ids, b.mptrs,
                                       EngineSettings{5, equilibration, recorded, 100});
  const std::uint64_t all = std::uint64_t((equilibration + recorded) * 3);
  EXPECT_EQ(r.non_finite, (std::vector<std::uint64_t>{all, all, 0}));
  EXPECT_EQ(r.clipped, (std::vector<std::uint64_t>{all, all, 0}));
  EXPECT_EQ(r.traces[0].size(), 0u) << "a NaN probability is clipped to 0";
  EXPECT_EQ(r.traces[1].size(), std::size_t(recorded * 3)) << "+inf is clipped to 1";
}

// A probability above 1 that is finite is clipped but not non-finite.
TEST(NonFinite, FiniteClippingIsNotNonFinite) {
  const Batch3 b({identity_bernoulli(1.5)}, 5);
  const auto r = test::simulate_counts(b.ptrs, b.ids, b.mptrs, EngineSettings{1, 0, 6, 100});
  EXPECT_EQ(r.clipped, (std::vector<std::uint64_t>{30}));
  EXPECT_EQ(r.non_finite, (std::vector<std::uint64_t>{0}));
}

// snapshot() carries the counts and restore() resumes them: two chunks in one engine give the
// same counts as one chunk, a snapshot, a fresh engine restored from it, and the second chunk.
TEST(NonFinite, SnapshotAndRestoreCarryTheCounts) {
  const Batch3 b({identity_bernoulli(nan), identity_bernoulli(0.25)}, 4);
  EngineSettings s{11, 0, 6, 3};
  test::CountingRecorder sink;

  auto whole = b.engine(s);
  whole.initialize_random();
  whole.run(sink);

  auto first = b.engine(s);
  first.initialize_random();
  EngineState saved;
  first.run(sink, [&](step_t done, step_t) {
    if (done == 3) saved = first.snapshot();
  });
  ASSERT_EQ(saved.non_finite, (std::vector<std::uint64_t>{12, 0}));

  auto resumed = b.engine(s);
  resumed.restore(saved);
  EXPECT_EQ(resumed.non_finite_counts(), saved.non_finite);
  resumed.run(sink);
  EXPECT_EQ(resumed.non_finite_counts(), whole.non_finite_counts());
  EXPECT_EQ(whole.non_finite_counts(), (std::vector<std::uint64_t>{24, 0}));
  EXPECT_EQ(resumed.clipped_counts(), whole.clipped_counts());
}

}  // namespace
}  // namespace kascade
