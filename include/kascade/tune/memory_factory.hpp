#pragma once
// An engine factory for tuning networks held in memory (C++ drivers, tests, benchmarks): batch
// [first, first + count) of `networks`, each with its model built from the problem's current
// parameters; stimuli, when needed, come from `stimuli` for the batch's neuron offsets.
#include <functional>
#include <vector>

#include "kascade/network/network.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"
#include "kascade/tune/tuner.hpp"

namespace kascade {

using TuneMemory = Kokkos::DefaultExecutionSpace::memory_space;
using BatchStimuliFactory = std::function<BatchStimuli<TuneMemory>(
    std::size_t first, std::size_t count, const std::vector<ordinal_t>& neuron_offset)>;

// `networks[j]` belongs to `problem.networks[j]`; both must outlive the factory.
TuneEngineFactory memory_engine_factory(const std::vector<Network>& networks,
                                        const TuneProblem& problem,
                                        BatchStimuliFactory stimuli = {});

}  // namespace kascade
