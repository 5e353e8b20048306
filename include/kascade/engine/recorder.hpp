#pragma once
// What the engine hands to the output: spike events per network and recorded chunk. The engine
// knows no file format; io implements Recorder.
#include <cstdint>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

struct SpikeEvents {
  network_id_t network = 0;
  std::vector<step_t> steps;           // recorded step (0 = first step after equilibration)
  std::vector<std::uint32_t> neurons;  // neuron index within the network
  std::vector<spike_count_t> counts;   // spikes per event; empty when every count is 1

  // Spikes, counting an event of count k as k.
  std::uint64_t spikes() const {
    if (counts.empty()) return steps.size();
    std::uint64_t n = 0;
    for (const spike_count_t c : counts) n += c;
    return n;
  }
  // No events; the lists keep their memory (refilling them allocates nothing).
  void clear() { steps.clear(), neurons.clear(), counts.clear(); }
};

class Recorder {
 public:
  virtual ~Recorder() = default;
  // One call per recorded chunk, with one entry per network of the batch (in batch order),
  // events sorted by (step, neuron).
  virtual void record(const std::vector<SpikeEvents>& chunk) = 0;
};

}  // namespace kascade
