#include "batch_engine.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/io/stimulus_file.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/network/batch.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"

namespace kascade::app {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

// Network g's rows of a loaded stimulus (`steps` x n, row-major) times its strength on its
// targets into `out` (zero elsewhere, as given); an InputError naming the file and the stimulus
// where a product is not finite in float (the array's values each are: read_stimulus_array).
void scaled_loaded_rows(const StimulusSpec& spec, const RealisedStimulus& r, network_id_t g,
                        ordinal_t n, real_t* out) {
  const std::vector<real_t> a =
      read_stimulus_array(spec.file, spec.dataset, g, n, spec.channel_weights);
  const auto steps = static_cast<step_t>(spec.array_steps);
  for (step_t t = 0; t < steps; ++t)
    for (ordinal_t i : r.targets) {
      out[t * n + i] = static_cast<real_t>(r.strength) * a[t * n + i];
      require(std::isfinite(out[t * n + i]),
              spec.file + ": dataset '" + spec.dataset + "' times the strength " +
                  std::to_string(r.strength) + " of stimulus '" + spec.name + "' is beyond " +
                  "float32 (3.4e38) for network " + std::to_string(g));
    }
}

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
        scaled_loaded_rows(spec, r, static_cast<network_id_t>(b.first + j), n,
                           &l.values[static_cast<std::size_t>(l.steps * offset[j])]);
      }
      loaded.push_back(std::move(l));
    }
    engine.set_stimuli(make_batch_stimuli<Mem>(kinds, stimuli, offset, loaded));
  }
  return engine;
}

void check_loaded_stimuli(const RunConfig& config, const LocalPlan& plan) {
  for (std::size_t k = 0; k < config.stimuli.size(); ++k) {
    const StimulusSpec& spec = config.stimuli[k];
    if (spec.kind != StimulusKind::loaded) continue;
    std::vector<real_t> rows;
    for (std::uint64_t j = 0; j < plan.range.count; ++j) {
      rows.assign(spec.array_steps * static_cast<std::size_t>(plan.neurons[j]), real_t(0));
      scaled_loaded_rows(spec, plan.stimuli[k][j], static_cast<network_id_t>(plan.range.first + j),
                         plan.neurons[j], rows.data());
    }
  }
}

}  // namespace kascade::app
