#include "kascade/tune/tuner.hpp"

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "kascade/core/error.hpp"
#include "kascade/model/batch_model.hpp"
#include "kascade/tune/detail/sensitivity_step.hpp"
#include "kascade/tune/directions.hpp"
#include "kascade/tune/optimizers.hpp"

namespace kascade {

namespace {

using Exec = Kokkos::DefaultExecutionSpace;
using Mem = Exec::memory_space;

class DiscardSpikes : public Recorder {
 public:
  void record(const std::vector<SpikeEvents>&) override {}
};

// A seed per epoch, far from the simulation's own (splitmix64 of seed, epoch and a tag).
std::uint64_t epoch_seed(std::uint64_t seed, int epoch) {
  std::uint64_t z = seed ^ 0x74756e652d6b6173ull;  // "tune-kas"
  z += 0x9e3779b97f4a7c15ull * static_cast<std::uint64_t>(epoch + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// Where a tuned parameter lives: a model parameter, or the strength of stimulus `stimulus`.
struct Slot {
  std::string name;
  int stimulus = -1;
  bool shared = false;
  double lower, upper;
};

std::vector<Slot> resolve(const TuneSettings& s, const TuneProblem& problem) {
  require(!s.parameters.empty(), "tune.parameters: no parameters to tune");
  std::vector<Slot> slots;
  for (const TunedParameter& p : s.parameters) {
    Slot slot{p.name, -1, p.shared, p.lower, p.upper};
    require(!(p.lower > p.upper), "tune: bounds of '" + p.name + "' are empty (min > max)");
    constexpr double largest = std::numeric_limits<float>::max();
    require(!(p.lower > largest) && !(p.upper < -largest),
            "tune: bounds of '" + p.name + "' lie beyond the float range (3.4e38)");
    const StimulusParameter named = stimulus_parameter(p.name, problem.stimulus_names);
    if (named.index != -2) {
      std::string names;
      for (const std::string& n : problem.stimulus_names) names += (names.empty() ? "" : ", ") + n;
      require(named.index >= 0,
              "tune.parameters: '" + p.name + "' names no stimulus of the deck (" +
                  (names.empty() ? std::string("it has none") : "its stimuli: " + names) + ")");
      const auto k = static_cast<std::size_t>(named.index);
      const std::string& stimulus = problem.stimulus_names[k];
      const bool sinusoid = k < problem.stimulus_sinusoid.size() && problem.stimulus_sinusoid[k];
      require(named.what == "strength" || (sinusoid && named.what == "amplitude"),
              "tune.parameters: '" + p.name + "' cannot be tuned: " +
                  (sinusoid ? "of a sinusoid only its amplitude is (stimulus." + stimulus +
                                  ".amplitude, or .strength)"
                            : "of a stimulus only its strength is (stimulus." + stimulus +
                                  ".strength; of a sinusoid, its amplitude)"));
      slot.stimulus = named.index;
      require(problem.stimulus_tunable[static_cast<std::size_t>(slot.stimulus)],
              "tune.parameters: '" + p.name +
                  "' cannot be tuned (a loaded stimulus's strength is applied when it is read)");
    }
    for (const Slot& other : slots)
      require(other.name != slot.name, "tune.parameters: '" + p.name + "' is listed twice");
    slots.push_back(slot);
  }
  return slots;
}

double& value_of(TuneNetwork& n, const Slot& s) {
  return s.stimulus >= 0 ? n.strengths.at(static_cast<std::size_t>(s.stimulus))
                         : n.parameters.values.at(s.name);
}

// One epoch's estimates for the networks of a batch.
struct Estimates {
  std::vector<double> rate;                 // [network] Hz
  std::vector<std::vector<double>> slope;   // [network][p] d rate / dp, Hz per unit
  std::vector<std::vector<double>> neuron;  // [network][neuron] Hz (per-neuron targets)
  std::vector<std::vector<std::vector<double>>> neuron_slope;  // [network][neuron][p]
};

class BatchTuner {
 public:
  BatchTuner(const TuneSettings& settings, TuneProblem& problem, const std::vector<Slot>& slots,
             std::size_t first, std::size_t count, const TuneEngineFactory& factory)
      : settings_(settings), problem_(problem), slots_(slots), first_(first), count_(count) {
    EngineSettings es;
    es.seed = settings.seed;
    es.equilibration_steps = settings.equilibration_steps;
    es.recorded_steps = settings.steps;
    es.chunk_steps = std::min(settings.steps, settings.chunk_steps);
    engine_ = std::make_unique<TuneEngine>(factory(first, count, es));
    trace_sensitivity_ = decltype(trace_sensitivity_)("kascade::trace_sensitivity", slots.size(),
                                                      engine_->batch().n_neurons());
  }

  // Networks whose values are final (per network of the batch): their epochs measure nothing of
  // them (they still step: the others' draws and layout do not depend on it), their estimates
  // are zeros (never read: update() skips them), and an overflow of theirs silences nothing.
  void leave_out(const std::vector<bool>& final_values) {
    if (skip_.extent(0) == 0) skip_ = decltype(skip_)("kascade::tune_skip", count_);
    auto h = Kokkos::create_mirror_view(skip_);
    for (std::size_t j = 0; j < count_; ++j) h(j) = final_values.at(j) ? 1 : 0;
    Kokkos::deep_copy(skip_, h);
  }

  // One epoch: warm unless `fresh` (or the first), spikes to `recorder` when given.
  Estimates evaluate(int epoch, Recorder* recorder = nullptr, bool fresh = false) {
    const std::size_t P = slots_.size();
    std::vector<CascadeModel> models;
    std::vector<const CascadeModel*> pointers;
    std::vector<std::vector<FieldDirection>> dirs(P);
    const std::size_t K = problem_.stimulus_names.size();
    for (std::size_t j = 0; j < count_; ++j) {
      const TuneNetwork& n = problem_.networks[first_ + j];
      models.push_back(problem_.preset->build(n.parameters));
      for (std::size_t p = 0; p < P; ++p)
        dirs[p].push_back(slots_[p].stimulus >= 0
                              ? stimulus_direction(static_cast<std::size_t>(slots_[p].stimulus), K)
                              : model_direction(*problem_.preset, n.parameters, slots_[p].name, K));
    }
    for (const auto& m : models) pointers.push_back(&m);
    engine_->set_model(make_batch_model<Mem>(pointers));
    set_strengths();
    const int T = models.front().kernel_length();
    const ordinal_t N = engine_->batch().n_neurons();
    detail::SensitivityStep<Mem, NoExtension> f{
        {},
        make_batch_directions<Mem>(dirs, T, K),
        Kokkos::View<double*, Mem>("kascade::expected", N),
        Kokkos::View<double**, Kokkos::LayoutRight, Mem>("kascade::gradient", P, N),
        trace_sensitivity_};
    f.skip = skip_;
    // Epoch k measures recorded steps [offset, offset + steps) of the simulation's timeline,
    // the windows cycling through it so that every stimulus time is sampled over the epochs.
    const step_t S = settings_.steps, E = settings_.equilibration_steps;
    const step_t span = std::max<step_t>(1, settings_.cycle_steps - S + 1);
    const step_t offset = fresh ? 0 : (static_cast<step_t>(epoch) * S) % span;
    // Traces without a window carry their sensitivity through every step, measured or not.
    bool recursive = false;
    for (const auto& m : models)
      recursive = recursive || (m.coupling == Coupling::trace && m.trace_window == 0);
    engine_->observe_steps(
        [&f, N, offset, recursive](const detail::NeuronStep<Mem, NoExtension>& step) {
          f.accumulate = step.record_row >= 0 && step.stimulus_time >= offset;
          if (!f.accumulate && !recursive) return;  // equilibrating or re-warming the history
          f.step = step;
          Kokkos::parallel_for("kascade::tune_step",
                               Kokkos::RangePolicy<Exec>(0, decltype(f)::chunks(N)), f);
        });
    // The first epoch starts from the random initial state and equilibrates; later ones go on
    // from the last state and re-run the history's length under the new values first.
    const std::uint64_t seed = epoch_seed(settings_.seed, epoch);
    if (!warm_ || fresh) Kokkos::deep_copy(trace_sensitivity_, 0.0);  // kept while warm
    if (!warm_ || fresh) {
      engine_->reset(seed);
    } else {
      engine_->rewind(std::max<step_t>(0, E + offset - T), seed);
      // A network whose rate overflowed left its history exploded (counts and drives beyond any
      // the kernel's length of re-run could bring back: continued from it, the rates stayed
      // infinite while b fell to -1.3e5): it goes on from silence. Its alone, so that no
      // network's values depend on which others share its batch.
      if (std::find(exploded_.begin(), exploded_.end(), true) != exploded_.end())
        engine_->silence_networks(exploded_);
    }
    engine_->set_recorded_steps(offset + S);
    warm_ = true;
    DiscardSpikes discard;
    engine_->run(recorder ? *recorder : discard);
    engine_->observe_steps({});
    Estimates out = collect(f.expected, f.gradient, models);
    exploded_.assign(count_, false);
    for (std::size_t j = 0; j < count_; ++j) exploded_[j] = !std::isfinite(out.rate[j]);
    return out;
  }

 private:
  void set_strengths() {
    const auto& stimuli = engine_->stimuli();
    if (stimuli.count == 0) return;
    auto h = Kokkos::create_mirror_view(stimuli.parameters);
    Kokkos::deep_copy(h, stimuli.parameters);
    for (std::size_t j = 0; j < count_; ++j)
      for (int k = 0; k < stimuli.count; ++k)
        if (problem_.stimulus_tunable[static_cast<std::size_t>(k)])
          h(k, j, BatchStimuli<Mem>::strength) = problem_.networks[first_ + j].strengths[k];
    Kokkos::deep_copy(stimuli.parameters, h);
  }

  Estimates collect(Kokkos::View<double*, Mem> expected,
                    Kokkos::View<double**, Kokkos::LayoutRight, Mem> gradient,
                    const std::vector<CascadeModel>& models) const {
    auto e = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), expected);
    auto d = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), gradient);
    const auto& offset = engine_->batch().neuron_offset;
    const std::size_t P = slots_.size();
    const bool per_neuron = !settings_.neuron_targets.empty();
    Estimates out;
    out.rate.assign(count_, 0);
    out.slope.assign(count_, std::vector<double>(P, 0));
    if (per_neuron) out.neuron.resize(count_), out.neuron_slope.resize(count_);
    for (std::size_t j = 0; j < count_; ++j) {
      // Expected spikes per step -> Hz (dt in ms), summed over neurons in ascending order.
      const double hz = 1000.0 / (models[j].dt * static_cast<double>(settings_.steps));
      const ordinal_t first = offset[j], last = offset[j + 1];
      const double n = std::max<double>(1, last - first);
      for (ordinal_t i = first; i < last; ++i) {
        out.rate[j] += e(i) * hz / n;
        for (std::size_t p = 0; p < P; ++p) out.slope[j][p] += d(p, i) * hz / n;
        if (!per_neuron) continue;
        out.neuron[j].push_back(e(i) * hz);
        out.neuron_slope[j].emplace_back(P);
        for (std::size_t p = 0; p < P; ++p) out.neuron_slope[j].back()[p] = d(p, i) * hz;
      }
    }
    return out;
  }

  const TuneSettings& settings_;
  TuneProblem& problem_;
  const std::vector<Slot>& slots_;
  std::size_t first_, count_;
  std::unique_ptr<TuneEngine> engine_;
  Kokkos::View<double**, Kokkos::LayoutRight, Mem> trace_sensitivity_;  // carried while warm
  bool warm_ = false;
  Kokkos::View<std::uint8_t*, Mem> skip_;  // (leave_out; empty: none)
  std::vector<bool> exploded_;             // per network: its last epoch's rate was no number
};

// Loss and dL/dp of one network from its estimates.
struct Loss {
  double value = 0;
  std::vector<double> gradient;
};

Loss loss_of(const TuneSettings& s, const TuneNetwork& n, const Estimates& est, std::size_t j) {
  const std::size_t P = est.slope[j].size();
  Loss out;
  out.gradient.assign(P, 0);
  auto term = [&](double rate, double target, const std::vector<double>& slope, double weight) {
    double r = rate, dr = 1;
    if (s.loss == TuneLoss::squared_log) {
      const double floor = 1e-9 * target;
      dr = rate > floor ? 1 / rate : 0;
      r = std::log(std::max(rate, floor)), target = std::log(target);
    }
    out.value += weight * (r - target) * (r - target);
    for (std::size_t p = 0; p < P; ++p)
      out.gradient[p] += weight * 2 * (r - target) * dr * slope[p];
  };
  if (est.neuron.empty()) {
    term(est.rate[j], n.target_hz.at(0), est.slope[j], 1.0);
  } else {
    const double w = 1.0 / static_cast<double>(est.neuron[j].size());
    for (std::size_t i = 0; i < est.neuron[j].size(); ++i)
      term(est.neuron[j][i], n.target_hz.at(i), est.neuron_slope[j][i], w);
  }
  return out;
}

// p + step, within the bounds, halved until the preset accepts the value with the model's
// structure unchanged (a custom coupling_decay stays on its side of 0: a batch shares one form).
void apply(TuneNetwork& n, const Slot& slot, const TuneProblem& problem, double step) {
  double& v = value_of(n, slot);
  const double start = v;
  const CascadeModel before =
      slot.stimulus >= 0 ? CascadeModel{} : problem.preset->build(n.parameters);
  // (Every value is simulated in float: none beyond its range, whatever the bounds.)
  constexpr double largest = std::numeric_limits<float>::max();
  const double lower = std::max(slot.lower, -largest), upper = std::min(slot.upper, largest);
  for (int attempt = 0; attempt < 40; ++attempt, step *= 0.5) {
    const double next = std::clamp(start + step, lower, upper);
    if (!std::isfinite(next)) continue;
    v = next;
    if (slot.stimulus >= 0) return;
    try {
      if (same_structure(problem.preset->build(n.parameters), before)) return;
    } catch (const InputError&) {
    }
  }
  v = start;
}

}  // namespace

void validate_tuning(const TuneSettings& s, const TuneProblem& problem) {
  require(problem.preset != nullptr, "tune: no model");
  const CascadeModel m = problem.preset->build(problem.example);
  require(m.emission != Emission::threshold,
          "tune: a threshold emission has no rate to differentiate (model." + problem.preset->name +
              " cannot be tuned)");
  require(m.nonlinearity != Nonlinearity::extension,
          "tune: an extension nonlinearity has no derivative; tune a built-in one");
  require(s.steps >= 1 && s.max_epochs >= 1, "tune: steps and epochs must be >= 1");
  for (const TuneNetwork& n : problem.networks)
    for (double t : n.target_hz)
      require(t > 0 && std::isfinite(t),
              "tune.target_rate: every target must be a finite rate > 0 Hz");
  if (m.emission == Emission::bernoulli || m.emission == Emission::bernoulli_exp) {
    // At most one spike per step: a target at or above 1000 / dt Hz is out of reach; and a
    // bounded nonlinearity (sigmoid, normal CDF) reaches at most lambda = gain spikes per ms (p =
    // gain dt, or 1 - exp(-gain dt)): a bernoulli_glm at dt = 0.5 fires below 1000 Hz, not 2000.
    const double dt = static_cast<double>(m.dt), per_step = 1000.0 / dt;
    const bool bounded =
        m.nonlinearity == Nonlinearity::sigmoid || m.nonlinearity == Nonlinearity::erfc;
    double most = per_step;
    std::string why = "at most one spike per step of dt = " + number_text(m.dt) + " ms";
    if (bounded) {
      const double lambda = std::fabs(static_cast<double>(m.gain));  // spikes per ms
      const double p = m.emission == Emission::bernoulli ? lambda * dt : -std::expm1(-lambda * dt);
      if (p < 1) {
        most = per_step * p;
        why = "whose bounded nonlinearity gives at most gain = " + number_text(lambda) +
              " spikes per ms at dt = " + number_text(m.dt) + " ms";
      }
    }
    auto reachable = [&](const double target) {
      require(!(target >= most), "tune.target_rate: " + number_text(target) +
                                     " Hz is out of reach of Bernoulli emission, " + why +
                                     ": below " + number_text(most) + " Hz");
    };
    for (double t : s.target_hz) reachable(t);
    for (const auto& neurons : s.neuron_targets)
      for (double t : neurons) reachable(t);
    for (const TuneNetwork& n : problem.networks)
      for (double t : n.target_hz) reachable(t);
  }
  for (const Slot& slot : resolve(s, problem))
    if (slot.stimulus < 0)
      model_direction(*problem.preset, problem.example, slot.name, problem.stimulus_names.size());
  resolved_method(s);
}

double mean_target(const TuneNetwork& n) {
  return std::accumulate(n.target_hz.begin(), n.target_hz.end(), 0.0) /
         static_cast<double>(n.target_hz.size());
}

std::vector<TuneEstimate> estimate_rates(const TuneSettings& settings, TuneProblem& problem,
                                         const TuneEngineFactory& make_engine, int epoch,
                                         Recorder* recorder) {
  validate_tuning(settings, problem);
  const std::vector<Slot> slots = resolve(settings, problem);
  std::vector<TuneEstimate> out;
  for (const auto& [first, count] : problem.batches) {
    BatchTuner batch(settings, problem, slots, first, count, make_engine);
    const Estimates est = batch.evaluate(epoch, recorder, true);
    for (std::size_t j = 0; j < count; ++j) {
      const Loss loss = loss_of(settings, problem.networks[first + j], est, j);
      out.push_back(TuneEstimate{est.rate[j], est.slope[j], loss.value, loss.gradient});
    }
  }
  return out;
}

std::vector<TuneResult> tune(const TuneSettings& settings, TuneProblem& problem,
                             const TuneEngineFactory& make_engine, const SharedSum& shared_sum,
                             const TuneProgress& progress) {
  validate_tuning(settings, problem);
  const std::vector<Slot> slots = resolve(settings, problem);
  const TuneMethod method = resolved_method(settings);
  const std::size_t P = slots.size(), G = problem.networks.size();
  std::vector<TuneResult> results(G);
  std::vector<NewtonRootFinder> newton(G, NewtonRootFinder(settings.tolerance));
  auto adam_for = [&] {
    return AdamStep(settings.learning_rate, settings.beta1, settings.beta2, settings.epsilon);
  };
  std::vector<std::vector<AdamStep>> adam(G, std::vector<AdamStep>(P, adam_for()));
  std::vector<AdamStep> shared_adam(P, adam_for());
  bool any_shared = false;
  for (const Slot& s : slots) any_shared = any_shared || s.shared;

  // A starting value outside its bounds is moved onto the nearer bound: the search never
  // leaves them, and a bracket with one end outside could report a value it cannot take.
  for (TuneNetwork& n : problem.networks)
    for (const Slot& slot : slots) apply(n, slot, problem, 0.0);
  // The way down from an overflowing rate, where the model tells it (input_shift_sign).
  const auto rising_at = [&](const ParameterSet& values, const std::size_t p) {
    if (slots[p].stimulus >= 0) return 0.0;
    return input_shift_sign(
        model_direction(*problem.preset, values, slots[p].name, problem.stimulus_names.size()),
        problem.preset->build(values));
  };
  std::vector<std::vector<double>> rising(G, std::vector<double>(P, 0.0));
  std::vector<double> shared_rising(P, 0.0);  // (a rank may hold no network)
  for (std::size_t p = 0; p < P; ++p) {
    for (std::size_t g = 0; g < G; ++g) rising[g][p] = rising_at(problem.networks[g].parameters, p);
    if (slots[p].shared) shared_rising[p] = rising_at(problem.example, p);
  }
  if (method == TuneMethod::newton)
    for (std::size_t g = 0; g < G; ++g) newton[g].set_rising(rising[g][0]);
  // Adam's step; where the gradient is no number (an overflowing rate, above its target: it
  // would have made Adam's moments NaN for good) the nominal step down the rate, and where no
  // spike is expected and the gradient is 0 (a rectified rate below its threshold: Adam had
  // stayed there) the nominal step up it, where the way is known; else none. `excess`: the
  // rate less its target.
  const auto adam_step = [&](AdamStep& adam, double gradient, double rate, double excess,
                             double up) {
    if (!std::isfinite(gradient)) return excess > 0 ? -settings.learning_rate * up : 0.0;
    if (gradient == 0 && rate == 0) return settings.learning_rate * up;
    return adam.step(gradient);
  };
  auto done = [&](std::size_t g) {
    return method == TuneMethod::newton && (newton[g].converged() || newton[g].failed());
  };
  // Per-network updates; shared gradients are returned for the caller to combine.
  auto update = [&](std::size_t first, const Estimates& est,
                    std::vector<std::vector<double>>& shared) {
    for (std::size_t j = 0; j < est.rate.size(); ++j) {
      const std::size_t g = first + j;
      TuneNetwork& n = problem.networks[g];
      TuneResult& r = results[g];
      const Loss loss = loss_of(settings, n, est, j);
      if (done(g)) continue;
      r.rate_hz = est.rate[j], r.loss = loss.value, ++r.epochs;
      shared.push_back(loss.gradient);
      if (method == TuneMethod::newton) {
        double& v = value_of(n, slots[0]);
        const double next = newton[g].step(v, est.rate[j], est.slope[j][0], n.target_hz[0]);
        apply(n, slots[0], problem, next - v);
        r.converged = newton[g].converged();
        r.out_of_reach = newton[g].out_of_reach();
        // (kept at a value seen before: its own epoch's rate, not the last one's)
        if (!std::isnan(newton[g].kept_error()))
          r.rate_hz = n.target_hz[0] * std::exp(newton[g].kept_error());
        r.no_rate = newton[g].failed() && !r.out_of_reach;
        continue;
      }
      for (std::size_t p = 0; p < P; ++p)
        if (!slots[p].shared)
          apply(n, slots[p], problem,
                adam_step(adam[g][p], loss.gradient[p], est.rate[j], est.rate[j] - mean_target(n),
                          rising[g][p]));
      r.no_rate = !std::isfinite(est.rate[j]);
    }
  };
  auto remaining = [&] {
    std::size_t left = 0;
    for (std::size_t g = 0; g < G; ++g) left += done(g) ? 0 : 1;
    return left;
  };

  // Progress in batch-epochs: a batch that converges early skips the rest of its share.
  // (64 bits: up to 10^6 epochs of any number of batches)
  const std::uint64_t units =
      static_cast<std::uint64_t>(settings.max_epochs) * (any_shared ? 1 : problem.batches.size());
  if (progress) progress(0, units, G);  // (before the first epoch: its time counts too)
  if (!any_shared) {                    // each batch on its own, its engine kept over the epochs
    std::uint64_t batches_done = 0;
    for (const auto& [first, count] : problem.batches) {
      BatchTuner batch(settings, problem, slots, first, count, make_engine);
      for (int epoch = 0; epoch < settings.max_epochs; ++epoch) {
        std::vector<bool> final_values(count);
        for (std::size_t j = 0; j < count; ++j) final_values[j] = done(first + j);
        if (std::find(final_values.begin(), final_values.end(), false) == final_values.end()) break;
        batch.leave_out(final_values);
        std::vector<std::vector<double>> unused;
        update(first, batch.evaluate(epoch), unused);
        if (progress)
          progress(batches_done * static_cast<std::uint64_t>(settings.max_epochs) +
                       static_cast<std::uint64_t>(epoch) + 1,
                   units, remaining());
      }
      ++batches_done;
    }
  } else {  // every epoch over every batch, then one shared step for all
    for (int epoch = 0; epoch < settings.max_epochs; ++epoch) {
      std::vector<network_id_t> ids;
      std::vector<std::vector<double>> gradients;
      for (const auto& [first, count] : problem.batches) {
        BatchTuner batch(settings, problem, slots, first, count, make_engine);
        update(first, batch.evaluate(epoch), gradients);
        for (std::size_t j = 0; j < count; ++j) ids.push_back(problem.networks[first + j].id);
      }
      for (auto& g : gradients) g.push_back(1.0);  // counts the networks
      std::vector<double> total(P + 1, 0.0);
      if (shared_sum) {
        total = shared_sum(ids, gradients);
      } else {
        std::vector<std::size_t> order(ids.size());
        std::iota(order.begin(), order.end(), 0);
        std::sort(order.begin(), order.end(), [&](auto a, auto b) { return ids[a] < ids[b]; });
        for (std::size_t k : order)
          for (std::size_t p = 0; p <= P; ++p) total[p] += gradients[k][p];
      }
      for (std::size_t p = 0; p < P; ++p) {
        if (!slots[p].shared) continue;
        // (a sum that is no number: some network's rate overflowed, as far as can be told; no
        // step up from silence: one network's rate tells nothing of the others')
        const double step = adam_step(shared_adam[p], total[p] / std::max(1.0, total[P]), NAN,
                                      HUGE_VAL, shared_rising[p]);
        for (TuneNetwork& n : problem.networks) apply(n, slots[p], problem, step);
      }
      if (progress) progress(static_cast<std::uint64_t>(epoch) + 1, units, G);
    }
  }
  for (std::size_t g = 0; g < G; ++g)
    for (const Slot& s : slots) results[g].values.push_back(value_of(problem.networks[g], s));
  return results;
}

}  // namespace kascade
