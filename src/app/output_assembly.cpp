#include "output_assembly.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/core/fault.hpp"

namespace kascade::app {

OutputDescription describe(const RunConfig& config, const CascadeModel& model,
                           const step_t stimulus_steps, const std::string& run_identity) {
  OutputDescription d;
  d.path = config.output;
  d.deck_text = config.deck_text;
  d.seed = config.seed;
  d.spike_seed = simulation_seed(config);
  d.n_networks = config.networks.count;
  d.recorded_steps = config.simulation.steps;
  d.stimulus_steps = stimulus_steps;
  d.equilibration_steps = config.simulation.equilibration_steps;
  d.dt = config.model.parameters(0)["dt"];
  d.model_preset = model.preset;
  d.run_hash = run_identity;
  d.with_counts = model.emission == Emission::poisson;
  return d;
}

// Everything known before the first step: connectivity, parameters, stimuli.
// `round`: elements per rank per collective write.
void write_inputs(Hdf5Output& output, const RunConfig& config, const LocalPlan& plan,
                  const std::uint64_t round) {
  output.write_networks(
      plan.neurons, plan.synapses,
      [&](std::uint64_t first, std::uint64_t count) { return plan.networks(first, count); }, round);
  output.write_parameters(plan.parameters, config.model.choices);
  for (std::size_t k = 0; k < config.stimuli.size(); ++k) {
    const StimulusSpec& spec = config.stimuli[k];
    std::map<std::string, std::vector<double>> values;
    // The strength as simulated: tuning may have changed the deck's.
    const std::string strength = spec.kind == StimulusKind::sinusoid ? "amplitude" : "strength";
    for (const auto& [key, fallback] : stimulus_parameters(spec.kind)) {
      auto& v = values[key];
      for (std::uint64_t j = 0; j < plan.range.count; ++j)
        v.push_back(key == strength
                        ? plan.stimuli[k][j].strength
                        : spec.value(key, static_cast<network_id_t>(plan.range.first + j)));
    }
    std::vector<const std::vector<ordinal_t>*> targets;
    std::vector<const std::vector<step_t>*> onsets;
    for (const auto& r : plan.stimuli[k])
      targets.push_back(&r.targets), onsets.push_back(&r.onsets);
    std::map<std::string, std::string> about;
    if (spec.kind == StimulusKind::loaded) {
      // (absolute: the deck's spelling is relative to the deck, which /deck does not locate)
      about["file"] = std::filesystem::absolute(spec.file).lexically_normal().string();
      about["dataset"] = spec.dataset;
      std::string weights;
      for (double w : spec.channel_weights)
        weights += (weights.empty() ? "" : ", ") + exact_text(w);
      about["channel_weights"] = "[" + weights + "]";
    }
    output.write_stimulus(spec.name, to_string(spec.kind), to_string(spec.targeting), about, values,
                          targets,
                          spec.kind == StimulusKind::poisson ? onsets : decltype(onsets){});
  }
}

std::uint64_t total_events(const SpillFile& spill, NetworkRange mine) {
  std::uint64_t n = 0;
  for (std::uint64_t j = 0; j < mine.count; ++j)
    n += spill.events(static_cast<network_id_t>(mine.first + j));
  return n;
}

// The spikes of every local network, network after network, in collective rounds of at most
// about `max_events` events per rank: memory stays bounded however long the run or large a
// network (a round takes whole spill blocks, each one chunk of one network), and a rank with
// fewer rounds appends nothing in the others. A spill file that cannot be read fails every rank
// together (the others would wait in the round's collective write).
void copy_spikes(SpillFile& spill, Hdf5Output& output, MPI_Comm comm, std::uint64_t max_events) {
  std::vector<SpillFile::Block> blocks = spill.blocks();
  std::stable_sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    return a.network < b.network;  // recorded order within a network
  });
  std::vector<std::pair<std::size_t, std::size_t>> rounds_of_blocks;  // [first, last) blocks
  for (std::size_t k = 0; k < blocks.size();) {
    std::size_t end = k;
    std::uint64_t events = 0;
    while (end < blocks.size() && (end == k || events + blocks[end].count <= max_events))
      events += blocks[end++].count;
    rounds_of_blocks.emplace_back(k, end);
    k = end;
  }
  std::uint64_t rounds = rounds_of_blocks.size();
  MPI_Allreduce(MPI_IN_PLACE, &rounds, 1, MPI_UINT64_T, MPI_MAX, comm);
  for (std::uint64_t r = 0; r < rounds; ++r) {
    std::vector<SpikeEvents> chunk;
    collectively(comm, [&] {
      if (r >= rounds_of_blocks.size()) return;
      NetworkSpikes s;
      for (std::size_t k = rounds_of_blocks[r].first; k < rounds_of_blocks[r].second; ++k) {
        spill.append(blocks[k], s);
        const bool last_of_network =
            k + 1 == rounds_of_blocks[r].second || blocks[k + 1].network != blocks[k].network;
        if (!last_of_network) continue;
        chunk.push_back(
            {blocks[k].network, std::move(s.steps), std::move(s.neurons), std::move(s.counts)});
        s = NetworkSpikes{};
      }
    });
    output.record(chunk);
    fault_point("assembly");  // testing hook: a kill mid-assembly
  }
}

}  // namespace kascade::app
