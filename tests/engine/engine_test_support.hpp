#pragma once
// Helpers shared by the engine tests: recorders that keep every event (with or without counts),
// one-call simulations of a batch, host <-> device vectors, and test networks.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/model/cascade_model.hpp"
#include "kascade/network/batch.hpp"
#include "kascade/network/normal_generator.hpp"

namespace kascade::test {

using Mem = Kokkos::DefaultExecutionSpace::memory_space;
using Exec = Kokkos::DefaultExecutionSpace;

// `count` networks of n neurons from the normal generator (std 5, Glorot), ids first_id, ...
inline std::vector<Network> normal_networks(int count, ordinal_t n, double sparsity,
                                            std::uint64_t seed, network_id_t first_id) {
  NormalGeneratorParams p;
  p.n_neurons = n;
  p.std = 5.0;
  p.glorot = true;
  p.sparsity = sparsity;
  std::vector<Network> nets;
  for (int g = 0; g < count; ++g) nets.push_back(generate_normal(p, seed, first_id + g));
  return nets;
}

// Events of one network over a whole run, in recorded order.
struct Trace {
  std::vector<step_t> steps;
  std::vector<std::uint32_t> neurons;
  std::size_t size() const { return steps.size(); }
  bool operator==(const Trace& o) const { return steps == o.steps && neurons == o.neurons; }
  bool operator!=(const Trace& o) const { return !(*this == o); }
};

class CollectingRecorder : public Recorder {
 public:
  void record(const std::vector<SpikeEvents>& chunk) override {
    if (traces.empty()) {
      for (const auto& ev : chunk) ids.push_back(ev.network);
      traces.resize(chunk.size());
    }
    ASSERT_EQ(chunk.size(), traces.size()) << "every chunk has one entry per network";
    for (std::size_t g = 0; g < chunk.size(); ++g) {
      const SpikeEvents& ev = chunk[g];
      ASSERT_EQ(ev.network, ids[g]) << "networks keep their batch order";
      ASSERT_EQ(ev.steps.size(), ev.neurons.size());
      ASSERT_TRUE(ev.counts.empty()) << "Bernoulli events carry no counts";
      traces[g].steps.insert(traces[g].steps.end(), ev.steps.begin(), ev.steps.end());
      traces[g].neurons.insert(traces[g].neurons.end(), ev.neurons.begin(), ev.neurons.end());
    }
    ++calls;
  }

  std::vector<network_id_t> ids;
  std::vector<Trace> traces;  // batch order
  int calls = 0;
};

struct RunResult {
  std::vector<Trace> traces;  // batch order
  std::vector<std::uint64_t> clipped;
  int record_calls = 0;
};

// initialize_random() then run(): the predecessor's initial state.
inline RunResult simulate(const std::vector<const Network*>& networks,
                          const std::vector<network_id_t>& ids, const CascadeModel& model,
                          const EngineSettings& settings) {
  std::vector<const CascadeModel*> models(networks.size(), &model);
  Engine<Exec> engine(make_batch<Mem>(networks, ids), make_batch_model<Mem>(models), settings);
  engine.initialize_random();
  CollectingRecorder recorder;
  engine.run(recorder);
  RunResult r{recorder.traces, engine.clipped_counts(), recorder.calls};
  if (r.traces.empty()) r.traces.resize(networks.size());
  return r;
}

// Events of one network with their counts (Poisson emission); counts[e] is the number of spikes
// of event e. Emissions that carry no counts (0/1 spikes) get count 1 per event.
struct CountTrace {
  std::vector<step_t> steps;
  std::vector<std::uint32_t> neurons;
  std::vector<spike_count_t> counts;
  std::size_t size() const { return steps.size(); }
};

// Keeps every event with its count, and checks the recorder contract: one entry per network in
// batch order, counts either absent or one per event, and no zero count recorded as an event.
class CountingRecorder : public Recorder {
 public:
  void record(const std::vector<SpikeEvents>& chunk) override {
    if (traces.empty()) traces.resize(chunk.size());
    ASSERT_EQ(chunk.size(), traces.size()) << "every chunk has one entry per network";
    for (std::size_t g = 0; g < chunk.size(); ++g) {
      const SpikeEvents& ev = chunk[g];
      ASSERT_EQ(ev.steps.size(), ev.neurons.size());
      ASSERT_TRUE(ev.counts.empty() || ev.counts.size() == ev.steps.size());
      CountTrace& t = traces[g];
      for (std::size_t e = 0; e < ev.steps.size(); ++e) {
        const spike_count_t c = ev.counts.empty() ? spike_count_t(1) : ev.counts[e];
        ASSERT_GT(c, 0) << "a zero count is not an event";
        t.steps.push_back(ev.steps[e]);
        t.neurons.push_back(ev.neurons[e]);
        t.counts.push_back(c);
      }
    }
  }

  std::vector<CountTrace> traces;  // batch order
};

struct CountResult {
  std::vector<CountTrace> traces;  // batch order
  std::vector<std::uint64_t> clipped, non_finite;
  EngineState state;  // at the end of the run
};

// One model per network (per-network parameters, shared structure), initialize_random() then
// run().
inline CountResult simulate_counts(const std::vector<const Network*>& networks,
                                   const std::vector<network_id_t>& ids,
                                   const std::vector<const CascadeModel*>& models,
                                   const EngineSettings& settings) {
  Engine<Exec> engine(make_batch<Mem>(networks, ids), make_batch_model<Mem>(models), settings);
  engine.initialize_random();
  CountingRecorder recorder;
  engine.run(recorder);
  CountResult r{recorder.traces, engine.clipped_counts(), engine.non_finite_counts(),
                engine.snapshot()};
  if (r.traces.empty()) r.traces.resize(networks.size());
  return r;
}

inline Kokkos::View<real_t*, Mem> device_vector(const std::vector<real_t>& v) {
  Kokkos::View<real_t*, Mem> d("kascade::test::vector", v.size());
  auto h = Kokkos::create_mirror_view(d);
  for (std::size_t i = 0; i < v.size(); ++i) h(i) = v[i];
  Kokkos::deep_copy(d, h);
  return d;
}

inline std::vector<real_t> host_vector(const Kokkos::View<real_t*, Mem>& d) {
  auto h = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), d);
  return std::vector<real_t>(h.data(), h.data() + h.extent(0));
}

}  // namespace kascade::test
