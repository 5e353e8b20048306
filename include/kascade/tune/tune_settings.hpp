#pragma once
// What to tune and toward what: any continuous model parameter of the preset and the strength of
// any stimulus, each per network or shared by all networks; a target rate in Hz that is one
// value, one per network, or one per neuron; the method and its knobs.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

struct TunedParameter {
  std::string name;     // a preset parameter ("theta") or "stimulus.<name>.strength"
  bool shared = false;  // one value for all networks instead of one per network
  double lower = -std::numeric_limits<double>::infinity();
  double upper = std::numeric_limits<double>::infinity();
};

enum class TuneMethod {
  automatic,  // newton for one per-network parameter toward a network rate, else adam
  newton,     // safeguarded Newton root finder on log rate, then stochastic averaging
  adam,       // gradient descent with Adam on the loss (the predecessor's optimiser)
};
enum class TuneLoss {
  squared,      // (rate - target)^2 in Hz^2, the predecessor's loss
  squared_log,  // (log rate - log target)^2: every target weighs the same
};

struct TuneSettings {
  std::vector<TunedParameter> parameters;
  // Target rates in Hz: [0] for every network, or one per network (global id); or, when
  // `neuron_targets` is not empty, one vector of per-neuron targets per network.
  std::vector<double> target_hz = {10.0};
  std::vector<std::vector<double>> neuron_targets;
  TuneMethod method = TuneMethod::automatic;
  TuneLoss loss = TuneLoss::squared;
  int max_epochs = 100;
  step_t steps = 100;        // tuned steps per epoch (stimulus time 0 .. steps - 1)
  bool steps_given = false;  // tune.steps is the deck's, not the default
  // A stimulus that changes within the run (its drive differs from one window of `steps` to
  // another), or "": epochs of different windows would then see different drives, so `steps`
  // defaults to the whole run (cycle_steps) for newton and a shorter one given is warned of.
  std::string changing_stimulus;
  // Else the steps after which every stimulus repeats (the least common multiple of their
  // periods, stimulus.hpp repeat_steps), and the stimulus that set it last ("": all are steady):
  // `steps` defaults to a whole number of them, and a `steps` given that is not is warned of.
  step_t stimulus_repeat = 1;
  std::string repeating_stimulus;
  step_t equilibration_steps = 10;  // before them, from the random initial state
  double tolerance = 0.05;          // newton: relative rate error reached with 3-sigma confidence
  double learning_rate = 0.1, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;  // adam
  // The simulation's recorded steps: epoch k measures recorded steps [k steps, (k + 1) steps)
  // (cycling within them), so that over the epochs every stimulus time is sampled. 0: always
  // the first `steps`.
  step_t cycle_steps = 0;
  // Recorded steps the engine holds between hand-overs (the simulation's record_interval): an
  // epoch of the whole run must not hold all its steps at once.
  step_t chunk_steps = 1000;
  std::uint64_t seed = 0;  // tuning draws use seeds derived from it, never the simulation's
};

const char* to_string(TuneMethod m);
const char* to_string(TuneLoss l);
TuneMethod parse_tune_method(const std::string& name, const std::string& key);
TuneLoss parse_tune_loss(const std::string& name, const std::string& key);
// The method `automatic` stands for with these settings; InputError if newton cannot apply.
TuneMethod resolved_method(const TuneSettings& settings);
// The tuned parameters as listed, for messages and records: "theta, r (shared)".
std::string parameter_list(const TuneSettings& settings);

// A tuned parameter "stimulus.<name>.<what>" of a stimulus of `names`: its position there (the
// longest name that fits, as names may hold dots) and <what>; `index` -1 where no name fits. Not
// a stimulus parameter (no "stimulus." prefix): `index` -2.
struct StimulusParameter {
  int index = -2;
  std::string what;
};
StimulusParameter stimulus_parameter(const std::string& parameter,
                                     const std::vector<std::string>& names);

// The shortest window of whole stimulus repeats (stimulus_repeat) holding `steps`, at most the run.
step_t whole_repeats(const TuneSettings& settings);

}  // namespace kascade
