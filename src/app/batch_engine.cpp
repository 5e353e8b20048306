#include "batch_engine.hpp"

#include "kascade/io/stimulus_file.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/network/batch.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"

namespace kascade::app {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

}  // namespace

Engine<Kokkos::DefaultExecutionSpace> make_engine(const RunConfig& config, const LocalPlan& plan,
                                                  NetworkRange b, const EngineSettings& settings) {
  const std::size_t first = b.first - plan.range.first;
  std::vector<network_id_t> ids;
  std::vector<const CascadeModel*> models;
  for (std::uint64_t k = 0; k < b.count; ++k) {
    ids.push_back(static_cast<network_id_t>(b.first + k));
    models.push_back(&plan.models[first + k]);
  }
  Engine<Exec> engine(make_batch<Mem>(plan.networks(first, b.count).nets, ids),
                      make_batch_model<Mem>(models), settings);
  if (!config.stimuli.empty()) {
    std::vector<StimulusKind> kinds;
    std::vector<std::vector<RealisedStimulus>> stimuli;
    std::vector<LoadedValues> loaded;
    const auto& offset = engine.batch().neuron_offset;
    for (std::size_t k = 0; k < config.stimuli.size(); ++k) {
      const StimulusSpec& spec = config.stimuli[k];
      kinds.push_back(spec.kind);
      stimuli.emplace_back(plan.stimuli[k].begin() + first,
                           plan.stimuli[k].begin() + first + b.count);
      if (spec.kind != StimulusKind::loaded) continue;
      // This batch's slices of the recorded array, scaled by strength, on the targets only,
      // each network from its own start (the batch's first start had served all).
      LoadedValues l;
      l.steps = static_cast<step_t>(spec.array_steps);
      l.values.assign(static_cast<std::size_t>(l.steps * offset.back()), real_t(0));
      for (std::uint64_t j = 0; j < b.count; ++j) {
        const RealisedStimulus& r = stimuli.back()[j];
        const ordinal_t n = plan.neurons[first + j];
        l.start.push_back(static_cast<step_t>(r.start));
        const auto a =
            read_stimulus_array(spec.file, spec.dataset, b.first + j, n, spec.channel_weights);
        real_t* network = &l.values[static_cast<std::size_t>(l.steps * offset[j])];
        for (step_t t = 0; t < l.steps; ++t)
          for (ordinal_t i : r.targets)
            network[t * n + i] = static_cast<real_t>(r.strength) * a[t * n + i];
      }
      loaded.push_back(std::move(l));
    }
    engine.set_stimuli(make_batch_stimuli<Mem>(kinds, stimuli, offset, loaded));
  }
  return engine;
}

void check_loaded_stimuli(const RunConfig& config, const LocalPlan& plan) {
  for (const StimulusSpec& spec : config.stimuli)
    if (spec.kind == StimulusKind::loaded)
      for (std::uint64_t j = 0; j < plan.range.count; ++j)
        read_stimulus_array(spec.file, spec.dataset, plan.range.first + j, plan.neurons[j],
                            spec.channel_weights);
}

}  // namespace kascade::app
