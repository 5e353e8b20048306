#pragma once
// Tuning: fit parameters so that each network's expected rate (mean over neurons and tuned steps
// of E[x | history], in Hz) reaches its target. Epoch after epoch the engine runs the tuned
// steps from the model's random initial state with a seed derived from the epoch (never the
// simulation's streams), the sensitivity kernel accumulates the rate and its gradient, and the
// optimiser updates every network. Per-network parameters need no communication; shared ones
// are summed over all networks of all ranks in network order (`SharedSum`), so the result is the
// same for any rank count and batch size.
#include <Kokkos_Core.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "kascade/engine/engine.hpp"
#include "kascade/model/presets.hpp"
#include "kascade/tune/tune_settings.hpp"

namespace kascade {

struct TuneNetwork {
  network_id_t id = 0;
  ParameterSet parameters;        // tuned in place
  std::vector<double> strengths;  // per stimulus of the run, tuned in place
  std::vector<double> target_hz;  // one value, or one per neuron
};

// The mean of a network's targets (one, or one per neuron), Hz.
double mean_target(const TuneNetwork& n);

struct TuneResult {
  std::vector<double> values;  // per tuned parameter, final
  double rate_hz = 0;  // expected rate estimated in the last epoch (newton out of reach: the kept
                       // value's epoch)
  double loss = 0;     // in the last epoch
  int epochs = 0;      // epochs this network was updated in
  bool converged = false;     // newton: within tolerance at the stated confidence
  bool out_of_reach = false;  // newton: stopped early, no value bringing the rate closer
  bool no_rate = false;       // newton: stopped, the rate not a number, or overflowing where
                              // nothing tells which way it falls
};

struct TuneProblem {
  const Preset* preset = nullptr;
  std::vector<std::string> stimulus_names;
  std::vector<bool> stimulus_tunable;   // false for loaded stimuli (strength baked in)
  std::vector<bool> stimulus_sinusoid;  // its strength is its amplitude, tuned by either name
  ParameterSet example;                 // any network's parameters: the structure all share
  std::vector<TuneNetwork> networks;
  std::vector<std::pair<std::size_t, std::size_t>> batches;  // [first, count) of `networks`
};

using TuneEngine = Engine<Kokkos::DefaultExecutionSpace>;
// The engine of networks [first, first + count) of the problem, with `settings`.
using TuneEngineFactory =
    std::function<TuneEngine(std::size_t first, std::size_t count, const EngineSettings&)>;
// Totals over every network of every rank of one value per shared parameter, summed in network
// id order (the app gathers over MPI; alone, the local sum in id order).
using SharedSum = std::function<std::vector<double>(
    const std::vector<network_id_t>& ids, const std::vector<std::vector<double>>& values)>;
// (batch-epochs done, batch-epochs at most, networks not yet converged locally): one unit is an
// epoch of one batch (of every batch when parameters are shared).
using TuneProgress = std::function<void(std::uint64_t, std::uint64_t, std::size_t)>;

// Checks what `tune` would refuse, from `problem`'s preset, stimuli and example alone (its
// networks may be empty), so every rank can fail before any collective step.
void validate_tuning(const TuneSettings& settings, const TuneProblem& problem);

// One epoch's estimates at the current values, nothing changed: the expected rate, its gradient
// (d rate / dp per tuned parameter, Hz per unit), the loss and its gradient, per network. `epoch`
// picks the seed (tuning uses 0, 1, ...); `recorder`, if given, receives the epoch's spikes.
// Used to check gradients and to verify tuned values by an independent run.
struct TuneEstimate {
  double rate_hz = 0;
  std::vector<double> rate_slope;
  double loss = 0;
  std::vector<double> loss_gradient;
};
std::vector<TuneEstimate> estimate_rates(const TuneSettings& settings, TuneProblem& problem,
                                         const TuneEngineFactory& make_engine, int epoch,
                                         Recorder* recorder = nullptr);

// Runs the tuning; returns one result per network of `problem` and leaves the tuned values in
// `problem.networks`. InputError for what cannot be tuned (unknown names, threshold emission,
// extension nonlinearity, loaded stimulus strength, bad targets).
std::vector<TuneResult> tune(const TuneSettings& settings, TuneProblem& problem,
                             const TuneEngineFactory& make_engine, const SharedSum& shared_sum = {},
                             const TuneProgress& progress = {});

}  // namespace kascade
