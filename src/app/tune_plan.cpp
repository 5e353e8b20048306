#include "tune_plan.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

#include "batch_engine.hpp"
#include "flagged_networks.hpp"
#include "kascade/core/error.hpp"
#include "kascade/tune/optimizers.hpp"
#include "kascade/tune/tuner.hpp"
#include "progress.hpp"

namespace kascade::app {

namespace {

// Sums of one value per shared parameter over every network of every rank, in network id
// order, so the total is the same for any partition.
std::vector<double> sum_in_id_order(const std::vector<network_id_t>& ids,
                                    const std::vector<std::vector<double>>& values, MPI_Comm comm) {
  const int width = values.empty() ? 0 : static_cast<int>(values.front().size());
  int w = width;
  MPI_Allreduce(&width, &w, 1, MPI_INT, MPI_MAX, comm);
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  const int local = static_cast<int>(ids.size());
  std::vector<int> counts(static_cast<std::size_t>(ranks)), offsets(counts.size(), 0);
  MPI_Allgather(&local, 1, MPI_INT, counts.data(), 1, MPI_INT, comm);
  std::partial_sum(counts.begin(), counts.end() - 1, offsets.begin() + 1);
  const int total = offsets.back() + counts.back();
  std::vector<std::uint32_t> all_ids(static_cast<std::size_t>(total));
  MPI_Allgatherv(ids.data(), local, MPI_UINT32_T, all_ids.data(), counts.data(), offsets.data(),
                 MPI_UINT32_T, comm);
  std::vector<double> flat, all(static_cast<std::size_t>(total) * w);
  for (const auto& v : values) flat.insert(flat.end(), v.begin(), v.end());
  for (auto& c : counts) c *= w;
  for (auto& o : offsets) o *= w;
  MPI_Allgatherv(flat.data(), local * w, MPI_DOUBLE, all.data(), counts.data(), offsets.data(),
                 MPI_DOUBLE, comm);
  std::vector<std::size_t> order(static_cast<std::size_t>(total));
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return all_ids[a] < all_ids[b]; });
  std::vector<double> sum(static_cast<std::size_t>(w), 0.0);
  for (std::size_t k : order)
    for (int p = 0; p < w; ++p) sum[static_cast<std::size_t>(p)] += all[k * w + p];
  return sum;
}

std::string describe_targets(const TuneSettings& s) {
  if (!s.neuron_targets.empty()) return "per neuron (Hz)";
  if (s.target_hz.size() == 1) return number_text(s.target_hz[0]) + " Hz";
  return "per network (Hz)";
}

// Whether the epochs measure the whole run because a stimulus changes within it (deck.cpp).
bool whole_run_epochs(const TuneSettings& s) {
  return !s.changing_stimulus.empty() && !s.steps_given && s.steps == s.cycle_steps;
}

// Where the epochs' length came from, for messages.
const char* window_source(const TuneSettings& s) {
  if (s.steps_given) return ", tune.steps";
  if (s.steps >= s.cycle_steps && s.cycle_steps > 0) return ", the whole run";
  return s.stimulus_repeat > 1 ? ", whole repeats of the stimuli" : ", the default";
}

// Before tuning, on rank 0: where a stimulus changes within the run, what the epochs measure
// (the whole run by default, at the cost of up to tune.epochs runs: a note, unless `quiet`), or
// that the windows tune.steps asks for see different drives (a warning: the values may miss
// their targets), also where they are not whole repeats of the stimuli.
void say_what_epochs_measure(const TuneSettings& s, const bool quiet) {
  if (whole_run_epochs(s) && !quiet)
    std::fprintf(stderr,
                 "[kascade] stimulus '%s' changes within the run: each tuning epoch measures all "
                 "%lld recorded steps, for at most tune.epochs = %d epochs (tune.steps sets "
                 "shorter windows)\n",
                 s.changing_stimulus.c_str(), static_cast<long long>(s.cycle_steps), s.max_epochs);
  const step_t r = s.stimulus_repeat;
  if (s.changing_stimulus.empty() && s.steps_given && s.steps < s.cycle_steps && s.steps % r != 0)
    std::fprintf(stderr,
                 "[kascade] warning: tune.steps = %lld is not a whole number of the %lld steps "
                 "after which stimulus '%s' repeats: epochs of different windows see different "
                 "drives, and the tuned values can miss their targets; tune.steps = %lld (or "
                 "none) measures whole repeats\n",
                 static_cast<long long>(s.steps), static_cast<long long>(r),
                 s.repeating_stimulus.c_str(), static_cast<long long>(whole_repeats(s)));
  if (s.changing_stimulus.empty()) return;
  if (s.steps_given && s.steps < s.cycle_steps)
    std::fprintf(stderr,
                 "[kascade] warning: tune.steps = %lld measures windows of the %lld recorded "
                 "steps, but stimulus '%s' changes within them: epochs of different windows see "
                 "different drives, and the tuned values can miss their targets; tune.steps = "
                 "%lld (or none) measures the whole run in every epoch\n",
                 static_cast<long long>(s.steps), static_cast<long long>(s.cycle_steps),
                 s.changing_stimulus.c_str(), static_cast<long long>(s.cycle_steps));
}

// The deck key of a tuned parameter: model.<name>, or stimulus[k].<parameter> for
// stimulus.<name>.<parameter> ("" if no stimulus has that name), named as the tuner names it.
std::string deck_key(const RunConfig& config, const std::string& parameter) {
  std::vector<std::string> names;
  for (const StimulusSpec& spec : config.stimuli) names.push_back(spec.name);
  const StimulusParameter named = stimulus_parameter(parameter, names);
  if (named.index == -2) return "model." + parameter;
  if (named.index < 0) return "";
  const StimulusSpec& spec = config.stimuli[static_cast<std::size_t>(named.index)];
  return "stimulus[" + std::to_string(named.index) + "]." +
         (spec.kind == StimulusKind::sinusoid && named.what == "strength" ? "amplitude"
                                                                          : named.what);
}

// A tuned parameter whose values come from a file (most likely an earlier tune's) is tuned again
// from those values: said on rank 0 unless `quiet`, with the way to simulate them as they are.
void say_tuned_again(const RunConfig& config, const bool quiet) {
  if (quiet) return;
  for (const TunedParameter& p : config.tune->parameters)
    for (const ValueSource& v : config.value_sources)
      if (v.key == deck_key(config, p.name))
        std::fprintf(stderr,
                     "[kascade] %s comes from %s and [tune] tunes it again, starting from those "
                     "values (kascade run --no-tune simulates them as they are)\n",
                     v.key.c_str(), v.source.c_str());
}

// The plan simulates each network's values (model parameters and stimulus strengths).
void simulate_values(const Preset& preset, const std::vector<TuneNetwork>& networks,
                     LocalPlan& plan) {
  for (std::size_t j = 0; j < networks.size(); ++j) {
    const TuneNetwork& n = networks[j];
    plan.models[j] = preset.build(n.parameters);
    for (const auto& [name, value] : n.parameters.values) plan.parameters[name][j] = value;
    for (std::size_t k = 0; k < plan.stimuli.size(); ++k)
      plan.stimuli[k][j].strength = n.strengths[k];
  }
}

// A tuning's settings as /tuning's attributes.
std::map<std::string, std::string> tuning_about(const TuneSettings& settings) {
  std::string bounds;
  for (const TunedParameter& p : settings.parameters)
    if (std::isfinite(p.lower) || std::isfinite(p.upper))
      bounds += (bounds.empty() ? "" : "; ") + p.name + " [" + number_text(p.lower) + ", " +
                number_text(p.upper) + "]";
  return {{"parameters", parameter_list(settings)},
          {"bounds", bounds.empty() ? "none" : bounds},
          {"tolerance", number_text(settings.tolerance)},
          {"learning_rate", number_text(settings.learning_rate)},
          {"method", to_string(resolved_method(settings))},
          {"loss", to_string(settings.loss)},
          {"target_rate", describe_targets(settings)},
          {"steps_per_epoch", std::to_string(settings.steps)},
          {"equilibration_steps", std::to_string(settings.equilibration_steps)},
          {"max_epochs", std::to_string(settings.max_epochs)}};
}

}  // namespace

void check_neuron_targets(const RunConfig& config, const LocalPlan& plan) {
  if (!config.tune) return;
  const auto& targets = config.tune->neuron_targets;
  for (std::uint64_t j = 0; j < plan.range.count && !targets.empty(); ++j) {
    const auto id = static_cast<network_id_t>(plan.range.first + j);
    const std::size_t given = targets.at(id).size();
    require(given == static_cast<std::size_t>(plan.neurons[j]),
            config.deck_path + ": key 'tune.target_rate' gives " + count_text(given, "rate") +
                " for network " + std::to_string(id) + ", which has " +
                count_text(static_cast<unsigned long long>(plan.neurons[j]), "neuron"));
  }
}

TuneOutcome tune_plan(const RunConfig& config, LocalPlan& plan,
                      const std::vector<NetworkRange>& batches, MPI_Comm comm, bool show_progress,
                      const bool simulated) {
  const TuneSettings& settings = *config.tune;
  int rank = 0, ranks = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &ranks);
  if (rank == 0) say_what_epochs_measure(settings, !show_progress);
  if (rank == 0) say_tuned_again(config, !show_progress);
  TuneProblem problem = tuning_problem(config);
  for (std::uint64_t j = 0; j < plan.range.count; ++j) {
    const auto id = static_cast<network_id_t>(plan.range.first + j);
    TuneNetwork n;
    n.id = id;
    n.parameters = config.model.parameters(id);
    for (const auto& stimulus : plan.stimuli) n.strengths.push_back(stimulus[j].strength);
    if (!settings.neuron_targets.empty()) {
      n.target_hz = settings.neuron_targets.at(id);  // (as many as its neurons: checked)
    } else {
      n.target_hz = {settings.target_hz.size() == 1 ? settings.target_hz[0]
                                                    : settings.target_hz.at(id)};
    }
    problem.networks.push_back(std::move(n));
  }
  for (const NetworkRange& b : batches)
    problem.batches.emplace_back(b.first - plan.range.first, b.count);

  auto factory = [&](std::size_t first, std::size_t count, const EngineSettings& es) {
    return make_engine(
        config, plan, NetworkRange{static_cast<network_id_t>(plan.range.first + first), count}, es);
  };
  auto shared = [comm](const std::vector<network_id_t>& ids,
                       const std::vector<std::vector<double>>& values) {
    return sum_in_id_order(ids, values, comm);
  };
  std::unique_ptr<Progress> progress;                // sized by the first report
  std::uint64_t epochs_done = 0, networks_left = 0;  // (as last reported)
  const std::vector<TuneResult> results = tune(
      settings, problem, factory, shared,
      [&](std::uint64_t done, std::uint64_t total, std::size_t left) {
        if (!progress)
          progress = std::make_unique<Progress>(  // (a batch's epochs each, batch by batch)
              ranks > 1 ? "tuning (rank 0's networks)" : "tuning", total, show_progress,
              total == static_cast<std::uint64_t>(settings.max_epochs) ? "epochs" : "batch epochs",
              "networks left");
        epochs_done = done, networks_left = left;
        progress->update(epochs_done, left);
      });
  // Newton's networks not converged (Adam runs its epochs: no such test): those it stopped as
  // out of reach, and those still short when the epochs ran out.
  const bool newton = resolved_method(settings) == TuneMethod::newton;
  // With either method, those whose rate was no number at the end.
  std::vector<std::uint64_t> short_ids, unreachable_ids, no_rate_ids;
  for (std::size_t j = 0; j < results.size(); ++j)
    if (results[j].no_rate)
      no_rate_ids.push_back(plan.range.first + j);
    else if (newton && !results[j].converged)
      (results[j].out_of_reach ? unreachable_ids : short_ids).push_back(plan.range.first + j);
  if (progress) progress->finish(networks_left, epochs_done);
  const std::string unreachable = flagged_networks(unreachable_ids, comm);
  const std::string unconverged = flagged_networks(short_ids, comm);
  const std::string no_rate = flagged_networks(no_rate_ids, comm);
  // Adam's networks whose last rate is three tolerances off the mean of their targets.
  std::vector<std::uint64_t> far_ids;
  for (std::size_t j = 0; j < results.size() && !newton; ++j) {
    const double target = mean_target(problem.networks[j]);
    if (!results[j].no_rate &&
        !(std::fabs(results[j].rate_hz / target - 1) <= 3 * settings.tolerance))
      far_ids.push_back(plan.range.first + j);
  }
  const std::string adam_far = flagged_networks(far_ids, comm);
  const char* kept = simulated ? "simulated" : "written";
  if (rank == 0 && !unreachable.empty())
    std::fprintf(stderr,
                 "[kascade] warning: tuning stopped early on %s whose target rate is out of reach "
                 "of %s: %d epochs brought the rate no closer, or it did not change with it "
                 "(at a bound of the value, or past the rate's least or greatest) (converged = "
                 "0 in /tuning; the closest values are %s)\n",
                 unreachable.c_str(), settings.parameters[0].name.c_str(),
                 NewtonRootFinder::give_up_after, kept);
  if (rank == 0 && !no_rate.empty()) {
    const std::string how =
        newton ? "stopped on " + no_rate + " with no expected rate to go by at any value of " +
                     settings.parameters[0].name + " tried (none, overflowing or not a number)"
               : "ended on " + no_rate + " with the expected rate overflowing (or not a number)";
    std::fprintf(stderr,
                 "[kascade] warning: tuning %s; start from values with a finite rate, or bound "
                 "them (tune.bounds) (converged = 0 in /tuning; the last values are %s)\n",
                 how.c_str(), kept);
  }
  if (rank == 0 && !adam_far.empty())  // (Adam has no test of convergence: its last epoch's)
    std::fprintf(stderr,
                 "[kascade] warning: tuning (adam) ended with the expected rates of %s more than "
                 "%s off their targets in the last epoch (/tuning/expected_rate_hz); a smaller "
                 "tune.learning_rate, tune.loss = \"squared_log\" or more tune.epochs may bring "
                 "them closer\n",
                 adam_far.c_str(), (number_text(300 * settings.tolerance) + " %").c_str());
  if (rank == 0 && !unconverged.empty())  // (the epochs' length shows when they are short)
    std::fprintf(
        stderr,
        "[kascade] warning: tuning did not converge for %s within tune.epochs = %d of %lld "
        "steps (%s ms%s) each: their rates are not yet known to be within tune.tolerance = %s "
        "of the targets (converged = 0 in /tuning; their last values are %s); longer epochs "
        "(tune.steps) or more of them (tune.epochs) average out more of each epoch's noise\n",
        unconverged.c_str(), settings.max_epochs, static_cast<long long>(settings.steps),
        number_text(static_cast<double>(settings.steps) * config.model.parameters(0)["dt"]).c_str(),
        window_source(settings), number_text(settings.tolerance).c_str(), kept);

  simulate_values(*problem.preset, problem.networks, plan);
  TuneOutcome out;
  for (std::size_t p = 0; p < settings.parameters.size(); ++p) {
    auto& v = out.datasets[settings.parameters[p].name];
    for (const TuneResult& r : results) v.push_back(r.values[p]);
  }
  for (const char* key : {"expected_rate_hz", "loss", "epochs", "converged"}) out.datasets[key];
  for (const TuneResult& r : results) {
    out.datasets["expected_rate_hz"].push_back(r.rate_hz);
    out.datasets["loss"].push_back(r.loss);
    out.datasets["epochs"].push_back(r.epochs);
    out.datasets["converged"].push_back(r.converged ? 1 : 0);
  }
  out.about = tuning_about(settings);
  return out;
}

TuneOutcome resume_tuning(const RunConfig& config, LocalPlan& plan,
                          const std::map<std::string, std::vector<double>>& saved,
                          const std::string& checkpoint) {
  const TuneSettings& settings = *config.tune;
  TuneProblem problem = tuning_problem(config);
  const auto fits = [&](const std::string& name) {
    const auto it = saved.find(name);
    require(it != saved.end() && it->second.size() == plan.range.count,
            checkpoint +
                ": the checkpoint's tuned values do not fit this run (corrupt?); remove "
                "it, or pass --fresh to start over");
    return it->second;
  };
  for (const char* key : {"expected_rate_hz", "loss", "epochs", "converged"}) fits(key);
  std::vector<TuneNetwork> networks(plan.range.count);
  for (std::uint64_t j = 0; j < plan.range.count; ++j) {
    networks[j].parameters = config.model.parameters(plan.range.first + j);
    for (const auto& stimulus : plan.stimuli) networks[j].strengths.push_back(stimulus[j].strength);
  }
  for (const TunedParameter& p : settings.parameters) {
    const std::vector<double> values = fits(p.name);
    const StimulusParameter named = stimulus_parameter(p.name, problem.stimulus_names);
    for (std::uint64_t j = 0; j < plan.range.count; ++j)
      (named.index >= 0 ? networks[j].strengths.at(static_cast<std::size_t>(named.index))
                        : networks[j].parameters.values.at(p.name)) = values[j];
  }
  simulate_values(*problem.preset, networks, plan);
  return TuneOutcome{saved, tuning_about(settings)};
}

}  // namespace kascade::app
