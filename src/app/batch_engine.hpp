#pragma once
// One batch of a rank's plan on the device: its networks, models and stimuli in an Engine.
#include <Kokkos_Core.hpp>

#include "kascade/engine/engine.hpp"
#include "local_plan.hpp"

namespace kascade::app {

// Networks [b.first, b.first + b.count) (global ids) of `plan`, with the plan's models and
// stimuli as they are now (tuning changes them in place).
Engine<Kokkos::DefaultExecutionSpace> make_engine(const RunConfig& config, const LocalPlan& plan,
                                                  NetworkRange b, const EngineSettings& settings);

// Reads the loaded stimuli's values of every network of `plan` as make_engine does, for their
// refusals (a value that is not finite, a network the array lacks) without a batch: what
// --dry-run checks of them.
void check_loaded_stimuli(const RunConfig& config, const LocalPlan& plan);

}  // namespace kascade::app
