#pragma once
// How much memory a run takes, estimated before anything is allocated: per network in a batch on
// the device, per rank on the host, and the batches that keep host backends in cache. The run
// refuses what cannot fit, naming the key to change (run_command.cpp). Internal.
#include <cstdint>
#include <vector>

#include "kascade/io/deck.hpp"

namespace kascade::app {

std::uint64_t automatic_batch_neurons(const RunConfig& c,
                                      const std::vector<std::uint64_t>& neurons);
// Device memory of network g, of n neurons and `synapses` synapses, in a batch.
double batch_bytes(network_id_t g, double n, double synapses, int kernel_length,
                   const RunConfig& config, bool with_counts);
// The firing rate a plan sizes spikes at: the mean of the deck's tuning targets (per network or
// per neuron), else 10 Hz.
double planned_rate_hz(const RunConfig& config);

// What a rank's host memory depends on (host_bytes).
struct HostLoad {
  double networks = 0, neurons = 0, synapses = 0;
  double batch = 0;          // device bytes of its largest batch
  bool kept = false;         // its networks kept in memory (keeps_networks)
  bool with_counts = false;  // Poisson counts: 14 bytes an event, else 12
};
double host_bytes(const HostLoad& load, const RunConfig& config);
void check_sizes(const RunConfig& c, int kernel_length, bool with_counts, int ranks,
                 int node_ranks);

}  // namespace kascade::app
