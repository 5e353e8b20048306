#pragma once
// Helpers shared by the engine tests: a recorder that keeps every event, and a one-call
// simulation of a batch of networks that share one model.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <cstdint>
#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/model/cascade_model.hpp"
#include "kascade/network/batch.hpp"

namespace kascade::test {

using Mem = Kokkos::DefaultExecutionSpace::memory_space;
using Exec = Kokkos::DefaultExecutionSpace;

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

}  // namespace kascade::test
