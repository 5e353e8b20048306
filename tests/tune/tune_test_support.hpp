#pragma once
// Tuning problems built in memory for the tests: networks, one preset with per-network values,
// optional stimuli, and the engine factory the tuner calls for each batch.
#include <Kokkos_Core.hpp>
#include <map>
#include <string>
#include <vector>

#include "kascade/network/network.hpp"
#include "kascade/network/normal_generator.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"
#include "kascade/tune/memory_factory.hpp"

namespace kascade::test {

struct TuneFixture {
  using Mem = Kokkos::DefaultExecutionSpace::memory_space;
  std::vector<Network> networks;
  std::vector<StimulusSpec> stimuli;
  TuneProblem problem;
  std::uint64_t seed = 11;

  // One network per entry of `sizes` (ids 0, 1, ...), normal weights (std 5, Glorot, half the
  // synapses) or none; every network gets `preset` with `values`.
  TuneFixture(const std::vector<ordinal_t>& sizes, bool coupled, const std::string& preset,
              const std::map<std::string, double>& values, std::vector<StimulusSpec> s = {})
      : stimuli(std::move(s)) {
    problem.preset = &find_preset(preset);
    problem.example = preset_defaults(*problem.preset, values);
    for (const StimulusSpec& spec : stimuli) {
      problem.stimulus_names.push_back(spec.name);
      problem.stimulus_tunable.push_back(spec.kind != StimulusKind::loaded);
      problem.stimulus_sinusoid.push_back(spec.kind == StimulusKind::sinusoid);
    }
    for (std::size_t g = 0; g < sizes.size(); ++g) {
      NormalGeneratorParams w;
      w.n_neurons = sizes[g];
      w.std = 5.0;
      w.glorot = true;
      w.sparsity = 0.5;
      networks.push_back(coupled ? generate_normal(w, seed, static_cast<network_id_t>(g))
                                 : Network::from_edges(sizes[g], {}, {}, {}));
      TuneNetwork n;
      n.id = static_cast<network_id_t>(g);
      n.parameters = problem.example;
      for (std::size_t k = 0; k < stimuli.size(); ++k)
        n.strengths.push_back(realised(k, g).strength);
      problem.networks.push_back(n);
    }
    batches_of(sizes.size());
  }

  void batches_of(std::size_t size) {
    problem.batches.clear();
    for (std::size_t first = 0; first < networks.size(); first += size)
      problem.batches.emplace_back(first, std::min(size, networks.size() - first));
  }

  void targets(const std::vector<double>& hz) {
    for (std::size_t g = 0; g < problem.networks.size(); ++g)
      problem.networks[g].target_hz = {hz.size() == 1 ? hz[0] : hz[g]};
  }

  RealisedStimulus realised(std::size_t k, std::size_t g) const {
    return realise(stimuli[k], k, seed, static_cast<network_id_t>(g), networks[g].n_neurons,
                   1000000);
  }

  TuneEngineFactory factory() const {
    if (stimuli.empty()) return memory_engine_factory(networks, problem);
    return memory_engine_factory(
        networks, problem,
        [this](std::size_t first, std::size_t count, const std::vector<ordinal_t>& offset) {
          std::vector<StimulusKind> kinds;
          std::vector<std::vector<RealisedStimulus>> realised_stimuli(stimuli.size());
          for (std::size_t k = 0; k < stimuli.size(); ++k) {
            kinds.push_back(stimuli[k].kind);
            for (std::size_t j = first; j < first + count; ++j)
              realised_stimuli[k].push_back(realised(k, j));
          }
          return make_batch_stimuli<Mem>(kinds, realised_stimuli, offset);
        });
  }
};

}  // namespace kascade::test
