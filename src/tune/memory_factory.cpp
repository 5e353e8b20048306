#include "kascade/tune/memory_factory.hpp"

#include "kascade/model/batch_model.hpp"
#include "kascade/network/batch.hpp"

namespace kascade {

TuneEngineFactory memory_engine_factory(const std::vector<Network>& networks,
                                        const TuneProblem& problem, BatchStimuliFactory stimuli) {
  return [&networks, &problem, stimuli](std::size_t first, std::size_t count,
                                        const EngineSettings& settings) {
    std::vector<const Network*> nets;
    std::vector<network_id_t> ids;
    std::vector<CascadeModel> models;
    std::vector<const CascadeModel*> pointers;
    for (std::size_t j = first; j < first + count; ++j) {
      nets.push_back(&networks.at(j));
      ids.push_back(problem.networks[j].id);
      models.push_back(problem.preset->build(problem.networks[j].parameters));
    }
    for (const auto& m : models) pointers.push_back(&m);
    TuneEngine engine(make_batch<TuneMemory>(nets, ids), make_batch_model<TuneMemory>(pointers),
                      settings);
    if (stimuli) engine.set_stimuli(stimuli(first, count, engine.batch().neuron_offset));
    return engine;
  };
}

}  // namespace kascade
