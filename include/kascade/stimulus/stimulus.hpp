#pragma once
// Stimuli: external input E_i(t) added to a neuron's input. Time t counts recorded steps from 0
// (the first step after equilibration); negative t reaches into equilibration, which therefore
// sees no stimulus unless a start is negative. All timing is in steps.
//   regular   strength while (t - start) mod period < width, start <= t < stop
//   poisson   strength for `width` steps after each onset; onsets from start on, separated by
//             intervals ~ Poisson(mean_interval) (the predecessor's law, real mean) or
//             Geometric(1 / mean_interval) (a Poisson process), until start + duration
//   sinusoid  amplitude sin(2 pi (t - start) / period + phase) + baseline, start <= t < stop
//   constant  strength for start <= t < stop: a global drive (positive or suppressive)
//   loaded    strength x a recorded array: value[t - start][neuron] of the network's slice of an
//             HDF5 dataset [networks][steps][neurons], or [..][channels] reduced by per-channel
//             weights; zero outside [start, start + steps)
// Each stimulus acts on its targets: all neurons, explicit lists (per network), or a random
// fraction or count drawn from (seed, network id). Several stimuli add up.
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "kascade/core/types.hpp"

namespace kascade {

enum class StimulusKind { regular, poisson, sinusoid, constant, loaded };

enum class Targeting { all, list, fraction, count };

struct StimulusSpec {
  StimulusKind kind = StimulusKind::regular;
  std::string name;  // "stimulus_<index>" unless named
  // Parameters by name, each one value or one per network (see parameter_names(kind)).
  std::map<std::string, std::vector<double>> values;
  bool geometric_intervals = false;  // poisson: Geometric instead of Poisson intervals
  Targeting targeting = Targeting::all;
  std::vector<std::vector<ordinal_t>> lists;  // Targeting::list: one list, or one per network
  std::vector<double> amount;                 // fraction in [0,1] or count; one or per network
  std::string file, dataset;                  // loaded: where the array is
  std::vector<double> channel_weights;        // loaded: for a 4-D array, one per channel
  std::uint64_t array_networks = 0, array_steps = 0, array_neurons = 0;  // loaded: its shape

  double value(const std::string& name, network_id_t network) const;
};

// The parameters of a stimulus kind, with their defaults (stop/duration default: no end).
const std::vector<std::pair<std::string, double>>& stimulus_parameters(StimulusKind kind);
StimulusKind parse_stimulus_kind(const std::string& name, const std::string& key);
const char* to_string(StimulusKind kind);
const char* to_string(Targeting targeting);

// One stimulus made concrete for one network: its targets and (pulse trains) its onsets.
struct RealisedStimulus {
  double strength = 0, period = 1, width = 1, start = 0, stop = 0, phase = 0, baseline = 0;
  std::vector<ordinal_t> targets;  // ascending neuron indices
  std::vector<step_t> onsets;      // poisson only: every pulse onset (regular: start + k period)
};

// Pure function of (spec, seed, network, size): the same on every rank. Poisson onsets are
// listed from `start` up to `recorded_steps`.
RealisedStimulus realise(const StimulusSpec& spec, std::size_t index, std::uint64_t seed,
                         network_id_t network, ordinal_t n_neurons, step_t recorded_steps);

// The recorded steps after which network `network`'s drive from this stimulus repeats through
// the run's [0, steps), so that every window of a whole number of them sees the same drive
// wherever it lies in the run: 1 for a drive that is the same at every step or in expectation
// (constant, Poisson pulses through the whole run, or silent through it); for regular and
// sinusoid ones through the whole run, their period where it is a whole number of steps (else
// the least whole multiple of it, up to 64 periods, or else 64 periods rounded to whole steps:
// windows of it differ by at most one pulse in 64); 0 where none does: the drive begins or ends
// inside the run, follows a recorded array, or repeats more slowly than the run. (Tuning's
// epochs measure windows of whole repeats: deck.cpp.)
step_t repeat_steps(const StimulusSpec& spec, network_id_t network, step_t steps);

// Throws InputError naming `prefix` keys for impossible values (for the given network count).
void validate(const StimulusSpec& spec, const std::string& prefix);

}  // namespace kascade
