#include "kascade/stimulus/stimulus.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <unordered_set>

#include "kascade/core/enum_names.hpp"
#include "kascade/core/error.hpp"
#include "kascade/model/emission.hpp"
#include "kascade/random/philox.hpp"

namespace kascade {

namespace {

constexpr double kNoEnd = 9.0e18;                    // default stop/duration: beyond any run
constexpr std::uint32_t kTargetDraws = 0x80000000u;  // counter index bit: target draws

// k distinct neurons of n, uniformly (Floyd), from the stimulus' own counters.
std::vector<ordinal_t> random_targets(std::int64_t k, ordinal_t n, std::uint64_t seed,
                                      network_id_t network, std::size_t index) {
  std::vector<ordinal_t> chosen;
  std::unordered_set<std::int64_t> taken;
  std::int64_t draw = 0;
  for (std::int64_t top = n - k; top < n; ++top, ++draw) {
    const auto b = random::philox_bits(
        seed, network, kTargetDraws | static_cast<std::uint32_t>(index), draw, random::stimulus);
    const auto t = static_cast<std::int64_t>(random::to_unit_double(b.v[0], b.v[1]) * (top + 1));
    const std::int64_t pick = taken.count(t) ? top : t;
    taken.insert(pick);
    chosen.push_back(static_cast<ordinal_t>(pick));
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

// Intervals drawn for one train at most: 10^8 (seconds of drawing, up to 800 MB of onsets).
constexpr double kMostPoissonDraws = 1e8;

std::vector<step_t> poisson_onsets(const StimulusSpec& spec, const RealisedStimulus& r,
                                   double mean_interval, double duration, std::uint64_t seed,
                                   network_id_t network, std::size_t index, step_t end) {
  std::vector<step_t> onsets;
  const double last = std::min(r.start + duration, static_cast<double>(end));
  // Each draw moves on by mean_interval on average (an interval may be 0 under the Poisson law,
  // is at least 1 under the geometric one): a train that would take more draws than
  // kMostPoissonDraws is refused, not drawn for hours.
  const double step_per_draw =
      spec.geometric_intervals ? std::max(mean_interval, 1.0) : std::max(mean_interval, 1e-300);
  const double expected_draws = (last - r.start) / step_per_draw;
  const std::string key = "stimulus[" + std::to_string(index) + "]";
  require(!(expected_draws > kMostPoissonDraws),
          key + ".mean_interval = " + number_text(mean_interval) + " with " + key +
              ".start = " + number_text(r.start) + ": about " + number_text(expected_draws) +
              " intervals to draw up to step " + number_text(last) + " (network " +
              std::to_string(network) + "), more than " + number_text(kMostPoissonDraws) +
              "; raise mean_interval, or move start nearer to the recorded steps");
  double t = r.start;
  for (std::int64_t draw = 0; t < last; ++draw) {
    // Zero intervals (Poisson law) repeat an onset: one pulse.
    const auto onset = static_cast<step_t>(t);
    if (onsets.empty() || onsets.back() != onset) onsets.push_back(onset);
    const auto b = random::philox_bits(seed, network, static_cast<std::uint32_t>(index), draw,
                                       random::stimulus);
    double interval;
    if (spec.geometric_intervals) {  // P(interval = k) = p (1 - p)^(k - 1), k >= 1
      const double u = 1.0 - random::to_unit_double(b.v[0], b.v[1]);
      interval = mean_interval <= 1
                     ? 1.0
                     : 1.0 + std::floor(std::log(u) / std::log1p(-1.0 / mean_interval));
    } else {
      interval = draw_poisson(mean_interval, b,
                              DrawKey{seed, network, static_cast<std::uint32_t>(index), draw},
                              random::stimulus_poisson_attempts);
    }
    t += interval;
  }
  return onsets;
}

}  // namespace

double StimulusSpec::value(const std::string& key, network_id_t network) const {
  const auto it = values.find(key);
  if (it == values.end()) {
    for (const auto& [name, fallback] : stimulus_parameters(kind))
      if (name == key) return fallback;
    throw InputError("stimulus: no parameter '" + key + "'");
  }
  return it->second.size() == 1 ? it->second[0] : it->second.at(network);
}

const std::vector<std::pair<std::string, double>>& stimulus_parameters(StimulusKind kind) {
  static const std::vector<std::pair<std::string, double>> regular = {
      {"strength", 1.0}, {"period", 100}, {"width", 10}, {"start", 0}, {"stop", kNoEnd}};
  static const std::vector<std::pair<std::string, double>> poisson = {
      {"strength", 1.0}, {"mean_interval", 100}, {"width", 10}, {"start", 0}, {"duration", kNoEnd}};
  static const std::vector<std::pair<std::string, double>> sinusoid = {
      {"amplitude", 1.0}, {"period", 100}, {"phase", 0},
      {"baseline", 0},    {"start", 0},    {"stop", kNoEnd}};
  static const std::vector<std::pair<std::string, double>> loaded = {{"strength", 1.0},
                                                                     {"start", 0}};
  static const std::vector<std::pair<std::string, double>> constant = {
      {"strength", 1.0}, {"start", 0}, {"stop", kNoEnd}};
  switch (kind) {
    case StimulusKind::regular:
      return regular;
    case StimulusKind::poisson:
      return poisson;
    case StimulusKind::sinusoid:
      return sinusoid;
    case StimulusKind::constant:
      return constant;
    case StimulusKind::loaded:
      return loaded;
  }
  return constant;
}

const char* to_string(StimulusKind kind) {
  switch (kind) {
    case StimulusKind::regular:
      return "regular";
    case StimulusKind::poisson:
      return "poisson";
    case StimulusKind::sinusoid:
      return "sinusoid";
    case StimulusKind::constant:
      return "constant";
    case StimulusKind::loaded:
      return "loaded";
  }
  return "?";
}

const char* to_string(Targeting targeting) {
  switch (targeting) {
    case Targeting::all:
      return "all";
    case Targeting::list:
      return "list";
    case Targeting::fraction:
      return "fraction";
    case Targeting::count:
      return "count";
  }
  return "?";
}

StimulusKind parse_stimulus_kind(const std::string& name, const std::string& key) {
  return parse_enum({StimulusKind::regular, StimulusKind::poisson, StimulusKind::sinusoid,
                     StimulusKind::constant, StimulusKind::loaded},
                    name, key);
}

void validate(const StimulusSpec& spec, const std::string& prefix) {
  std::size_t networks = 1;
  for (const auto& [name, v] : spec.values) networks = std::max(networks, v.size());
  for (network_id_t g = 0; g < networks; ++g) {
    auto v = [&](const char* key) { return spec.value(key, g); };
    // Which network, where a key refused has a value per network.
    const auto of = [&](std::initializer_list<const char*> keys) {
      bool per_network = false;
      for (const char* key : keys) {
        const auto it = spec.values.find(key);
        per_network = per_network || (it != spec.values.end() && it->second.size() > 1);
      }
      return per_network ? " (network " + std::to_string(g) + ")" : std::string();
    };
    if (spec.kind == StimulusKind::regular || spec.kind == StimulusKind::sinusoid)
      require(v("period") > 0, prefix + "period must be > 0 (steps)" + of({"period"}));
    if (spec.kind == StimulusKind::regular || spec.kind == StimulusKind::poisson)
      require(v("width") >= 0, prefix + "width must be >= 0 (steps)" + of({"width"}));
    if (spec.kind == StimulusKind::poisson) {
      require(v("mean_interval") > 0,
              prefix + "mean_interval must be > 0 (steps)" + of({"mean_interval"}));
      require(v("duration") >= 0, prefix + "duration must be >= 0 (steps)" + of({"duration"}));
    }
    if (spec.kind != StimulusKind::poisson && spec.kind != StimulusKind::loaded)
      require(v("stop") >= v("start"), prefix + "stop must be >= start" + of({"start", "stop"}));
  }
  for (double a : spec.amount) {
    if (spec.targeting == Targeting::fraction)
      require(a >= 0 && a <= 1, prefix + "fraction must be in [0, 1]");
    if (spec.targeting == Targeting::count)
      require(a >= 0 && a == std::floor(a), prefix + "count must be a whole number >= 0");
  }
}

step_t repeat_steps(const StimulusSpec& spec, network_id_t network, step_t steps) {
  const auto v = [&](const char* key) { return spec.value(key, network); };
  const double start = v("start");
  const double end = spec.kind == StimulusKind::poisson  ? start + v("duration")
                     : spec.kind == StimulusKind::loaded ? start + double(spec.array_steps)
                                                         : v("stop");
  const auto run = static_cast<double>(steps);
  if (std::max(start, 0.0) >= std::min(end, run)) return 1;  // silent through the run
  if (start > 0 || end < run) return 0;
  switch (spec.kind) {
    case StimulusKind::loaded:
      return 0;
    case StimulusKind::regular:
    case StimulusKind::sinusoid: {
      const double period = v("period");
      for (int k = 1; k <= 64; ++k) {  // (a period of 33.5 steps repeats every 67)
        const double whole = k * period, rounded = std::round(whole);
        if (rounded > run) return 0;
        if (std::abs(whole - rounded) <= 1e-9 * whole) return static_cast<step_t>(rounded);
      }
      // (70.31 steps: 64 periods in 4500 steps, windows differing by a pulse in 64 at most)
      return std::max<step_t>(1, static_cast<step_t>(std::round(64 * period)));
    }
    case StimulusKind::poisson:
    case StimulusKind::constant:
      break;
  }
  return 1;
}

RealisedStimulus realise(const StimulusSpec& spec, std::size_t index, std::uint64_t seed,
                         network_id_t network, ordinal_t n, step_t recorded_steps) {
  RealisedStimulus r;
  auto v = [&](const char* key) { return spec.value(key, network); };
  r.start = v("start");
  switch (spec.kind) {
    case StimulusKind::regular:
      r.strength = v("strength"), r.period = v("period"), r.width = v("width"), r.stop = v("stop");
      break;
    case StimulusKind::poisson:
      r.strength = v("strength"), r.width = v("width");
      r.onsets = poisson_onsets(spec, r, v("mean_interval"), v("duration"), seed, network, index,
                                recorded_steps);
      r.stop = kNoEnd;
      break;
    case StimulusKind::sinusoid:
      r.strength = v("amplitude"), r.period = v("period"), r.phase = v("phase");
      r.baseline = v("baseline"), r.stop = v("stop");
      break;
    case StimulusKind::constant:
      r.strength = v("strength"), r.stop = v("stop");
      break;
    case StimulusKind::loaded:
      require(network < spec.array_networks, spec.file + ": dataset '" + spec.dataset +
                                                 "' has no values for network " +
                                                 std::to_string(network));
      require(static_cast<std::uint64_t>(n) <= spec.array_neurons,
              spec.file + ": dataset '" + spec.dataset + "' holds values for " +
                  std::to_string(spec.array_neurons) + " neurons, fewer than the " +
                  std::to_string(n) + " of network " + std::to_string(network));
      r.strength = v("strength");
      r.stop = r.start + static_cast<double>(spec.array_steps);
      break;
  }
  const auto amount = [&] {
    return spec.amount.size() == 1 ? spec.amount[0] : spec.amount.at(network);
  };
  switch (spec.targeting) {
    case Targeting::all:
      r.targets.resize(static_cast<std::size_t>(n));
      for (ordinal_t i = 0; i < n; ++i) r.targets[i] = i;
      break;
    case Targeting::list: {
      const auto& list = spec.lists.size() == 1 ? spec.lists[0] : spec.lists.at(network);
      for (ordinal_t i : list)
        require(i >= 0 && i < n, "stimulus[" + std::to_string(index) + "].neurons ('" + spec.name +
                                     "'): neuron " + std::to_string(i) + " is outside network " +
                                     std::to_string(network) + " (" + std::to_string(n) +
                                     " neurons)");
      r.targets = list;
      std::sort(r.targets.begin(), r.targets.end());
      r.targets.erase(std::unique(r.targets.begin(), r.targets.end()), r.targets.end());
      break;
    }
    case Targeting::fraction:
      r.targets = random_targets(std::llround(amount() * n), n, seed, network, index);
      break;
    case Targeting::count:
      require(amount() <= n, "stimulus[" + std::to_string(index) + "].count ('" + spec.name +
                                 "') = " + std::to_string(std::llround(amount())) +
                                 " exceeds the " + std::to_string(n) + " neurons of network " +
                                 std::to_string(network));
      r.targets = random_targets(std::llround(amount()), n, seed, network, index);
      break;
  }
  return r;
}

}  // namespace kascade
