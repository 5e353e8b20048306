// The spikes of fixed decks, pinned by a hash. Every other engine test compares two ways of
// computing the same thing within one build (batch against alone, threads, launches, restarts)
// or checks statistics; a change that moves every path alike - the draws' keys, how a Philox
// call is cut into draws, the exp, the order of a sum - passes them all and still changes the
// spikes every user gets from the same deck and seed. Such a change must be deliberate: say so
// in its commit and take the new values this test prints (docs/reliability.md). The values are
// compared only on the platform they were made on (tests/CMakeLists.txt): another compiler, libm
// or a GPU may round differently (docs/cluster.md, "Reproducibility across machines").
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine_test_support.hpp"
#include "kascade/model/presets.hpp"

namespace kascade {
namespace {

// FNV-1a, 64 bits, over the bytes of the words added (little end first).
class Fnv1a {
 public:
  void add(const std::uint64_t word) {
    for (int byte = 0; byte < 8; ++byte) {
      value_ ^= (word >> (8 * byte)) & 0xffu;
      value_ *= 0x100000001b3ull;
    }
  }
  std::uint64_t value() const { return value_; }

 private:
  std::uint64_t value_ = 0xcbf29ce484222325ull;
};

// The events' hash and count, and a hash of the state the run ends in (the spike and drive
// rings, the trace: float bits), which moves with any change of rounding even where no spike
// flips in so short a run.
struct Pinned {
  std::uint64_t events_hash = 0;
  std::size_t events = 0;
  std::uint64_t state_hash = 0;
  bool operator==(const Pinned& o) const {
    return events_hash == o.events_hash && events == o.events && state_hash == o.state_hash;
  }
};

Pinned run(const std::vector<Network>& nets, const std::vector<CascadeModel>& models,
           const EngineSettings& settings) {
  std::vector<const Network*> all;
  std::vector<const CascadeModel*> all_models;
  std::vector<network_id_t> ids;
  for (std::size_t g = 0; g < nets.size(); ++g) {
    all.push_back(&nets[g]);
    all_models.push_back(&models[g % models.size()]);
    ids.push_back(static_cast<network_id_t>(g));
  }
  const test::CountResult result = test::simulate_counts(all, ids, all_models, settings);
  // Every network in batch order: its index, its event count, then each event's step, neuron
  // and count.
  Fnv1a events;
  Pinned out;
  for (std::size_t g = 0; g < result.traces.size(); ++g) {
    const test::CountTrace& t = result.traces[g];
    events.add(g);
    events.add(t.size());
    for (std::size_t e = 0; e < t.size(); ++e) {
      events.add(static_cast<std::uint64_t>(t.steps[e]));
      events.add(t.neurons[e]);
      events.add(t.counts[e]);
    }
    out.events += t.size();
  }
  out.events_hash = events.value();
  Fnv1a floats;
  for (const std::vector<real_t>* v :
       {&result.state.spikes, &result.state.drive, &result.state.trace}) {
    floats.add(v->size());
    for (const real_t x : *v) {
      std::uint32_t bits;
      std::memcpy(&bits, &x, sizeof bits);
      floats.add(bits);
    }
  }
  out.state_hash = floats.value();
  return out;
}

CascadeModel preset(const std::string& name) {
  const Preset& p = find_preset(name);
  return p.build(preset_defaults(p));
}

// A pinned value, with what to paste if it moved and enough events for the hash to mean
// something. Compared only on the platform the values were made on (tests/CMakeLists.txt);
// elsewhere printed.
void expect_pinned(const Pinned& got, const Pinned& want, const char* what) {
  EXPECT_GE(got.events, 100u) << what << ": too few spikes to pin anything";
  const bool compared = KASCADE_GOLDEN_PLATFORM;
  if (compared) {
    EXPECT_EQ(got.events, want.events) << what;
    EXPECT_EQ(got.events_hash, want.events_hash) << what;
    EXPECT_EQ(got.state_hash, want.state_hash) << what;
  }
  if (!compared || !(got == want))
    std::printf("%s: {0x%016llxull, %zu, 0x%016llxull}%s\n", what,
                static_cast<unsigned long long>(got.events_hash), got.events,
                static_cast<unsigned long long>(got.state_hash),
                compared ? "" : " (another platform: not compared)");
}

const EngineSettings settings{/*seed=*/20261126, /*equilibration_steps=*/100,
                              /*recorded_steps=*/1000, /*chunk_steps=*/300};

// Every preset at its defaults on a batch of small networks (segments of several networks in
// one group of the neuron kernel, several chunks).
TEST(GoldenSpikes, PresetsOnSmallNetworks) {
  const auto nets = test::normal_networks(9, 20, 0.5, 14071789, 0);
  const struct {
    const char* name;
    Pinned want;
  } cases[] = {
      {"bernoulli_glm", {0xad12b208c2ad0ce3ull, 1168, 0x8691119544e45e22ull}},
      {"poisson_glm", {0x09b58b2512ea07fcull, 2523, 0xf138ead9d4f8e5d0ull}},
      {"rectified_lnp", {0x3040dc82b4e37533ull, 34553, 0x937a2bb0568e5271ull}},
      {"threshold_sam", {0x1c83865da7604415ull, 78191, 0x296a0d33e32bf441ull}},
      {"rectified_sam", {0xc207609c8a73d4acull, 275, 0x0d883ab7fbe0a57cull}},
  };
  for (const auto& c : cases) expect_pinned(run(nets, {preset(c.name)}, settings), c.want, c.name);
}

// The Bernoulli GLM with background noise and parameters that differ per network (rates per lane).
TEST(GoldenSpikes, NoiseAndParametersPerNetwork) {
  const auto nets = test::normal_networks(6, 37, 0.5, 5501, 0);
  std::vector<CascadeModel> models;
  for (int g = 0; g < 3; ++g) {
    CascadeModel m = preset("bernoulli_glm");
    m.noise = BackgroundNoise::sparse_gaussian;
    m.noise_sigma = 0.5f + 0.25f * g, m.noise_rho = 0.3f;
    m.b = 0.1f * g;
    models.push_back(m);
  }
  expect_pinned(run(nets, models, settings), {0x3cf98a6458bfc9cbull, 1680, 0x7cd89de47bc21b0bull},
                "noise and parameters per network");
}

// One network of 700 neurons at 10 %: many segments, the event-driven push, and with two host
// threads the network shared between them.
TEST(GoldenSpikes, OneLargeNetwork) {
  expect_pinned(
      run(test::normal_networks(1, 700, 0.9, 271828, 0), {preset("bernoulli_glm")}, settings),
      {0xa0f512505e6b1700ull, 4529, 0xb6c38326922f7713ull}, "one network of 700");
}

}  // namespace
}  // namespace kascade
