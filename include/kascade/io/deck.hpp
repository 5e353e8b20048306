#pragma once
// The run deck (TOML): what to simulate, for how long, and where to write it. Every key is
// checked: unknown keys, wrong types and impossible values are InputErrors naming the key.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kascade/core/types.hpp"
#include "kascade/io/values_file.hpp"
#include "kascade/model/presets.hpp"
#include "kascade/network/network_source.hpp"
#include "kascade/stimulus/stimulus.hpp"
#include "kascade/tune/tune_settings.hpp"

namespace kascade {

struct SimulationConfig {
  step_t steps = 1000;               // recorded steps
  step_t equilibration_steps = 100;  // simulated first, not recorded
  std::int64_t batch_size = 0;       // networks per batch at most; 0 = no limit
  double memory_budget_gib = 4.0;    // device memory one batch may use (estimated)
  step_t record_interval = 1000;     // steps between hand-overs of spikes to the file
  double checkpoint_every = 600;     // seconds between checkpoints; 0: every record_interval;
                                     // negative: only between batches
  double runaway_rate_hz = 500;      // a network above it over a record_interval ran away; 0: off
  bool runaway_stop = false;         // runaway_action = "stop": its later spikes are not kept
  // The seed of the simulation's draws (spikes, initial states), or -1: the run's seed. Networks,
  // stimuli and tuning keep the run's seed: another spike sample of the same networks.
  std::int64_t spike_seed = -1;
};

struct RunConfig {
  std::string deck_path;
  std::string deck_text;  // the deck as given (overrides and values read from files listed after
                          // it as comments)
  std::string identity;   // what the results depend on: the deck's values in a canonical form
                          // (deck_values_text), then those read from files; comments, layout and
                          // checkpoint_every are not in it
  std::uint64_t seed = 0;
  std::string output = "kascade_output.h5";
  NetworkSource networks;
  ModelDefinition model;
  SimulationConfig simulation;
  std::vector<StimulusSpec> stimuli;       // [[stimulus]] tables, summed
  std::optional<TuneSettings> tune;        // [tune]: tune, then simulate with the tuned values
  std::vector<ValueSource> value_sources;  // keys read from files, for later messages about them
};

// The seed of the simulation's draws: simulation.spike_seed where the deck gives one, else seed.
inline std::uint64_t simulation_seed(const RunConfig& config) {
  return config.simulation.spike_seed >= 0
             ? static_cast<std::uint64_t>(config.simulation.spike_seed)
             : config.seed;
}

struct TuneProblem;  // tune/tuner.hpp
// The tuning problem of a deck without its networks: preset, stimuli, an example's parameters.
TuneProblem tuning_problem(const RunConfig& config);

// Reads and validates a deck. `overrides` are "dotted.key=value" strings (TOML values) applied
// on top of the file, as given by `kascade run --set`.
RunConfig read_deck(const std::string& path, const std::vector<std::string>& overrides = {});
// Same from text; `name` is used in messages.
RunConfig parse_deck(const std::string& text, const std::string& name,
                     const std::vector<std::string>& overrides = {});

}  // namespace kascade
