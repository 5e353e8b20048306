#include "kascade/tune/directions.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include "kascade/core/error.hpp"

namespace kascade {

bool same_structure(const CascadeModel& a, const CascadeModel& b) {
  return a.dt == b.dt && a.trace_window == b.trace_window &&
         a.coupling_kernel.size() == b.coupling_kernel.size() &&
         a.self_kernel.size() == b.self_kernel.size() && a.noise_sigma == b.noise_sigma &&
         a.noise_rho == b.noise_rho && a.coupling == b.coupling;
}

namespace {

// spikeometric's tunable parameters of the model a preset stands for, in its order, or "" (none
// of its models: custom; threshold_sam had none and cannot be tuned).
std::string spikeometric_parameters(const std::string& preset) {
  if (preset == "bernoulli_glm") return "theta, r, beta, alpha, rel_ref_strength";
  if (preset == "poisson_glm") return "alpha, beta, tau, r, b";
  if (preset == "rectified_lnp" || preset == "rectified_sam") return "lambda_0, theta, tau, r, b";
  return "";
}

}  // namespace

FieldDirection model_direction(const Preset& preset, const ParameterSet& set,
                               const std::string& name, std::size_t n_stimuli) {
  const auto spec = std::find_if(preset.parameters.begin(), preset.parameters.end(),
                                 [&](const ParameterSpec& s) { return s.name == name; });
  const auto continuous = [](const ParameterSpec& s) {
    return !s.integer && s.name != "dt" && s.name != "squared_noise";
  };
  if (spec == preset.parameters.end()) {
    std::string names;  // (what can be tuned instead: spikeometric's "all" is a list here)
    for (const ParameterSpec& s : preset.parameters)
      if (continuous(s)) names += (names.empty() ? "" : ", ") + s.name;
    const bool shorthand = name == "all" || name == "model" || name == "stimulus";
    if (!shorthand)
      throw InputError("key 'tune.parameters': preset " + preset.name + " has no parameter '" +
                       name + "' (its continuous parameters: " + names + ")");
    // The names spikeometric's shorthand stood for, with this preset's (its model's parameters).
    const std::string model = spikeometric_parameters(preset.name);
    const std::string strengths = "stimulus.<name>.strength per stimulus";
    throw InputError(
        "key 'tune.parameters': '" + name + "' is spikeometric's shorthand; list the names: " +
        (name == "stimulus" ? strengths
         : model.empty()    ? names + (name == "all" ? ", and " + strengths : std::string())
                            : "spikeometric's \"" + name + "\" for this model is " + model +
                               (name == "all" ? ", and " + strengths : std::string()) +
                               " (its continuous parameters: " + names + ")") +
        (name == "stimulus" ? "" : "; several per network need method = \"adam\""));
  }
  require(continuous(*spec),
          "key 'tune.parameters': model." + name + " cannot be tuned: " +
              (name == "dt"              ? std::string("it is the step, one for the whole run")
               : name == "squared_noise" ? std::string("it chooses the model's form")
                                         : std::string("its values are whole numbers")));
  const double v = set[name];
  // A power of two, 1/32 to 1/64 of v: v +- h are exact in float, so fields linear in v get
  // their derivative exactly; for curved ones (kernel shapes) the truncation error, about
  // (h / v)^2 / 6, balances the float rounding of the fields the builder returns (a decay
  // 1 - dt / tau moves by only 2 h dt / tau^2).
  const double h = std::ldexp(1.0, std::ilogb(std::max(std::fabs(v), 1.0 / 16)) - 6);
  ParameterSet up = set, down = set;
  up.values[name] = v + h;
  down.values[name] = v - h;
  // (a side the preset refuses, e.g. tau below dt at tau near dt: none)
  const auto built = [&](const ParameterSet& p) -> std::optional<CascadeModel> {
    try {
      return preset.build(p);
    } catch (const InputError&) {
      return std::nullopt;
    }
  };
  std::optional<CascadeModel> a = built(up), b = built(down);
  double scale = 1.0 / (2 * h);
  // At the edge of a form (coupling_decay near 0) or of the values the preset takes: one-sided.
  if (!a || !b || !same_structure(*a, *b)) {
    CascadeModel at = preset.build(set);
    const bool above = a && same_structure(*a, at), below = b && same_structure(*b, at);
    require(above || below, "key 'tune.parameters': model." + name +
                                " cannot be tuned (it changes the step length, a window, a "
                                "kernel's length or the noise)");
    (above ? b : a) = std::move(at);
    scale = 1.0 / h;
  }
  FieldDirection d;
  const double fa[] = {a->r, a->b, a->theta, a->gain, a->slope, a->trace_decay, a->trace_gain};
  const double fb[] = {b->r, b->b, b->theta, b->gain, b->slope, b->trace_decay, b->trace_gain};
  for (int k = 0; k < FieldDirection::n_scalars; ++k) d.scalar[k] = (fa[k] - fb[k]) * scale;
  for (std::size_t t = 0; t < a->coupling_kernel.size(); ++t)
    d.coupling.push_back((static_cast<double>(a->coupling_kernel[t]) - b->coupling_kernel[t]) *
                         scale);
  for (std::size_t t = 0; t < a->self_kernel.size(); ++t)
    d.self.push_back((static_cast<double>(a->self_kernel[t]) - b->self_kernel[t]) * scale);
  d.stimulus.assign(n_stimuli, 0.0);
  return d;
}

double input_shift_sign(const FieldDirection& d, const CascadeModel& model) {
  const auto zero = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return x == 0; });
  };
  for (int k = 0; k < FieldDirection::n_scalars; ++k)
    if (k != FieldDirection::b && k != FieldDirection::theta && d.scalar[k] != 0) return 0;
  if (!zero(d.coupling) || !zero(d.self) || !zero(d.stimulus)) return 0;
  // lambda = gain phi(slope (g - theta)), phi rising; every emission rises with lambda.
  const double shift = d.scalar[FieldDirection::b] - d.scalar[FieldDirection::theta];
  const double rise = shift * static_cast<double>(model.gain) * static_cast<double>(model.slope);
  return rise > 0 ? 1.0 : rise < 0 ? -1.0 : 0.0;
}

FieldDirection stimulus_direction(std::size_t k, std::size_t n_stimuli) {
  FieldDirection d;
  d.stimulus.assign(n_stimuli, 0.0);
  d.stimulus.at(k) = 1.0;
  return d;
}

template <class MemorySpace>
BatchDirections<MemorySpace> make_batch_directions(
    const std::vector<std::vector<FieldDirection>>& directions, int kernel_length,
    std::size_t n_stimuli) {
  using view = Kokkos::View<double***, Kokkos::LayoutRight, MemorySpace>;
  BatchDirections<MemorySpace> out;
  using B = BatchDirections<MemorySpace>;
  require(directions.size() <= static_cast<std::size_t>(B::max_count),
          "tune: at most " + std::to_string(B::max_count) + " parameters can be tuned at once");
  out.count = static_cast<int>(directions.size());
  const std::size_t P = directions.size(), G = P ? directions[0].size() : 0;
  const auto T = static_cast<std::size_t>(kernel_length);
  out.scalars = view("kascade::tune_scalars", P, G, FieldDirection::n_scalars);
  out.coupling = view("kascade::tune_coupling", P, G, T);
  out.self = view("kascade::tune_self", P, G, T);
  out.stimulus = view("kascade::tune_stimulus", P, G, std::max<std::size_t>(1, n_stimuli));
  auto s = Kokkos::create_mirror_view(out.scalars);
  auto c = Kokkos::create_mirror_view(out.coupling);
  auto f = Kokkos::create_mirror_view(out.self);
  auto e = Kokkos::create_mirror_view(out.stimulus);
  Kokkos::deep_copy(c, 0.0);
  Kokkos::deep_copy(f, 0.0);
  Kokkos::deep_copy(e, 0.0);
  for (std::size_t p = 0; p < P; ++p)
    for (std::size_t g = 0; g < G; ++g) {
      const FieldDirection& d = directions[p][g];
      for (int k = 0; k < FieldDirection::n_scalars; ++k) s(p, g, k) = d.scalar[k];
      for (std::size_t t = 0; t < std::min(T, d.coupling.size()); ++t) c(p, g, t) = d.coupling[t];
      for (std::size_t t = 0; t < std::min(T, d.self.size()); ++t) f(p, g, t) = d.self[t];
      for (std::size_t k = 0; k < d.stimulus.size(); ++k) e(p, g, k) = d.stimulus[k];
      auto any = [](const std::vector<double>& v) {
        return std::any_of(v.begin(), v.end(), [](double x) { return x != 0; });
      };
      out.uses[p] |= (any(d.coupling) || d.scalar[FieldDirection::trace_decay] != 0 ||
                              d.scalar[FieldDirection::trace_gain] != 0
                          ? B::coupling_taps
                          : 0) |
                     (any(d.self) ? B::self_taps : 0) | (any(d.stimulus) ? B::stimuli : 0);
    }
  Kokkos::deep_copy(out.scalars, s);
  Kokkos::deep_copy(out.coupling, c);
  Kokkos::deep_copy(out.self, f);
  Kokkos::deep_copy(out.stimulus, e);
  return out;
}

template BatchDirections<Kokkos::DefaultExecutionSpace::memory_space> make_batch_directions(
    const std::vector<std::vector<FieldDirection>>&, int, std::size_t);

}  // namespace kascade
