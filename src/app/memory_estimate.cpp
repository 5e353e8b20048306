#include "memory_estimate.hpp"

#include <unistd.h>

#include <Kokkos_Core.hpp>
#include <algorithm>
#include <cmath>

#include "kascade/core/error.hpp"
#include "local_plan.hpp"

namespace kascade::app {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;

// batch_size = 0 on host backends: batches of at most this many neurons per thread, so that each
// thread's per-neuron state stays in its core's cache (one core here: 10 000 networks of 20
// neurons ran 5.2 ns per neuron-step in batches of 500-1000 networks, 7.4 in one batch; 100 000
// in one batch, 12.6; since the threads step units of networks through whole chunks, one batch
// of 10 000 is 6.8 and the same run takes about as long either way), but room for a network per
// thread whatever its size (threads stepping whole networks of their own scale better than
// threads sharing one). Devices want the largest batches: no limit.
constexpr std::uint64_t cache_neurons_per_thread = 16384;

// Rows network g holds of its loaded stimuli: from the earliest start of them to the latest end
// (batch_stimuli.cpp sums them over the union of their steps).
double loaded_rows(const RunConfig& config, const network_id_t g) {
  double first = 0, end = 0;
  bool any = false;
  for (const StimulusSpec& s : config.stimuli) {
    if (s.kind != StimulusKind::loaded) continue;
    const double start = std::floor(s.value("start", g));
    first = any ? std::min(first, start) : start;
    end = any ? std::max(end, start + s.array_steps) : start + s.array_steps;
    any = true;
  }
  return end - first;
}

}  // namespace

std::uint64_t automatic_batch_neurons(const RunConfig& c,
                                      const std::vector<std::uint64_t>& neurons) {
  if (c.simulation.batch_size != 0 ||
      !Kokkos::SpaceAccessibility<Exec, Kokkos::HostSpace>::accessible)
    return 0;
  const std::uint64_t largest =
      neurons.empty() ? 0 : *std::max_element(neurons.begin(), neurons.end());
  return std::max(cache_neurons_per_thread, largest) *
         static_cast<std::uint64_t>(Exec().concurrency());
}

// Device memory of one network of n neurons in a batch: both weight layouts (8 bytes a synapse
// each), the history rings, per-neuron state (80 bytes: indices, trace, spike list, draws,
// network id, the model's six parameters), 4 bytes a neuron per stimulus and per row of loaded
// stimuli, and the recorded chunk: a count byte and a bit per neuron per segment of up to 128
// neurons and step, and 2 bytes a neuron and step for Poisson counts (docs/performance.md,
// "Memory").
double batch_bytes(const network_id_t g, const double n, const double synapses,
                   const int kernel_length, const RunConfig& config, const bool with_counts) {
  const double chunk =
      static_cast<double>(std::min(config.simulation.record_interval, config.simulation.steps));
  const double segments = std::ceil(n / 128);
  return 16 * synapses +
         n * (80.0 + 8.0 * kernel_length + 4.0 * (config.stimuli.size() + loaded_rows(config, g))) +
         chunk * (segments * 17 + (with_counts ? 2 * n : 0));
}

double planned_rate_hz(const RunConfig& config) {
  if (!config.tune) return 10;
  double sum = 0, n = 0;  // (per-neuron targets: the mean over every neuron's)
  for (const auto& list : config.tune->neuron_targets)
    for (double r : list) sum += r, ++n;
  if (n == 0)
    for (double r : config.tune->target_hz) sum += r, ++n;
  return n > 0 ? sum / n : 10;
}

// Host memory of a rank's networks through a run: per network its model, parameters, sizes and
// share of the output's buffers (600 bytes, and 0.4 a synapse), the spill file's index (a block
// of 24 bytes per network and recorded chunk, up to 72 with the vector's growth and the
// assembly's sorted copy), the networks if its plan keeps them (else they are made again where
// needed), and the largest of: the largest batch as it is built (its device arrays, also copied
// through host memory), the connectivity's write buffers at the end (20 bytes a synapse of a
// piece of 2^22), and the assembly's round of spikes (up to 2^22 events, about three copies of
// each). Fitted to peak resident sizes (Serial build; 48 MiB for the program itself, ~27 MiB,
// and the assembly's HDF5 and MPI-IO buffers): 50 000 networks of 40 neurons (39 M synapses,
// none kept) 137 MiB (estimated 171), 10^5 of 20 neurons 338 MiB (365), one network of 10^5
// neurons and 10^7 synapses 282 MiB (319), 1000 networks of 20-100 neurons 67 MiB (71); 10^5
// networks of 20 neurons kept, 1000 and 3000 steps (1.4 and 4.2 x 10^7 events), 421 and 464 MiB
// (436 and 450; 365 without the assembly's round and the index).
double host_bytes(const HostLoad& load, const RunConfig& config) {
  const SimulationConfig& sim = config.simulation;
  const double dt = config.model.parameters(0)["dt"];
  const double events =
      load.neurons * static_cast<double>(sim.steps) * dt / 1000.0 * planned_rate_hz(config);
  const double chunks =
      std::ceil(static_cast<double>(sim.steps) / static_cast<double>(sim.record_interval));
  const double piece = 4194304.0;
  return 48.0 * 1048576 + 600 * load.networks + 0.4 * load.synapses + 72 * load.networks * chunks +
         (load.kept ? kept_network_bytes(load.networks, load.neurons, load.synapses) : 0.0) +
         std::max({1.1 * load.batch, 20 * std::min(load.synapses, piece),
                   3 * (load.with_counts ? 14.0 : 12.0) * std::min(events, piece)});
}

// Before anything is generated: generated networks that alone exceed the device budget, and a
// rank's share of networks that cannot fit in host memory, are refused naming the key.
// `node_ranks`: the ranks sharing this rank's node (and its memory).
void check_sizes(const RunConfig& c, int kernel_length, bool with_counts, int ranks,
                 int node_ranks) {
  if (c.networks.from_file()) return;  // sizes are known once loaded (and checked then)
  const double budget = c.simulation.memory_budget_gib * 1073741824.0;
  const std::uint64_t sample = std::min<std::uint64_t>(c.networks.count, 4096);
  double neurons = 0, synapses = 0, devices = 0;
  std::uint64_t largest = 0;  // neurons
  for (network_id_t g = 0; g < sample; ++g) {
    const double n = c.networks.neurons(g), expected = c.networks.expected_synapses(g);
    const double device = batch_bytes(g, n, expected, kernel_length, c, with_counts);
    if (device > budget) {
      const bool loaded = 8.0 * n * loaded_rows(c, g) > device;  // (over half of it)
      throw InputError(c.deck_path + ": network " + std::to_string(g) + " needs about " +
                       number_text(device / 1073741824.0) +
                       " GiB of device memory, more than simulation.memory_budget_gib = " +
                       number_text(c.simulation.memory_budget_gib) +
                       (loaded ? " (most of it for the steps of its loaded stimuli: shorten them "
                                 "or raise the budget)"
                               : " (lower networks.neurons or raise the budget)"));
    }
    neurons += n, synapses += expected, devices += device;
    largest = std::max(largest, static_cast<std::uint64_t>(n));
  }
  // A rank's share, scaled from the sample; its largest batch as split_into_batches would cut it
  // (batch_size networks, or on host backends the automatic limit of neurons, within the budget).
  const double networks = static_cast<double>(c.networks.count) / ranks;
  const double share = networks / static_cast<double>(sample);
  double in_batch = c.simulation.batch_size > 0
                        ? std::min(networks, static_cast<double>(c.simulation.batch_size))
                        : networks;
  const std::uint64_t automatic = automatic_batch_neurons(c, {largest});
  if (automatic > 0) in_batch = std::min(in_batch, std::max(1.0, automatic / (neurons / sample)));
  const double batch = std::min(in_batch * devices / sample, budget);
  const double kept = kept_network_bytes(networks, neurons * share, synapses * share);
  const double host = host_bytes({networks, neurons * share, synapses * share, batch,
                                  kept <= keep_networks_bytes(), with_counts},
                                 c);
  const double physical = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  const double available = 0.8 * physical / node_ranks;
  if (host + 8.0 * c.networks.count > available)
    throw InputError(c.deck_path + ": networks.count = " + std::to_string(c.networks.count) +
                     " needs about " + number_text(host / 1073741824.0) +
                     " GiB of host memory per rank, more than this machine has (" +
                     number_text(available / 1073741824.0) + " GiB for " +
                     (node_ranks == 1 ? std::string("its rank")
                                      : "each of its " + count_text(node_ranks, "rank")) +
                     "); use more nodes, fewer ranks per node, or fewer networks");
}

}  // namespace kascade::app
