#include "kascade/model/presets.hpp"

#include <algorithm>
#include <cmath>

#include "kascade/core/error.hpp"
#include "kascade/core/name_hint.hpp"
#include "kascade/model/kernels.hpp"

namespace kascade {

double ParameterSet::operator[](const std::string& name) const {
  const auto it = values.find(name);
  require(it != values.end(), "model: parameter '" + name + "' is missing");
  return it->second;
}

const std::string& ParameterSet::choice(const std::string& name) const {
  const auto it = choices.find(name);
  require(it != choices.end(), "model: choice '" + name + "' is missing");
  return it->second;
}

namespace {

void require_positive(const ParameterSet& p, const char* name) {
  require(p[name] > 0, std::string("model.") + name + " must be > 0");
}

int steps(const ParameterSet& p, const char* name, int minimum) {
  const double v = p[name];
  require(v >= minimum && v <= 1e6 && v == std::floor(v),
          std::string("model.") + name + " must be a whole number of steps in [" +
              std::to_string(minimum) + ", 1000000]");
  return static_cast<int>(v);
}

// Every preset shares these structural defaults; builders change what differs.
CascadeModel base(const char* preset, const ParameterSet& p) {
  require_positive(p, "dt");
  CascadeModel m;
  m.preset = preset;
  m.dt = static_cast<real_t>(p["dt"]);
  m.r = static_cast<real_t>(p["r"]);
  m.b = static_cast<real_t>(p["b"]);
  return m;
}

// s <- s (1 - dt/tau) + x dt, followed through W by linearity. tau >= dt: below it the factor
// 1 - dt/tau is negative, an activation that flips sign every step instead of decaying (and
// grows without bound below dt/2; tuning tau had gone there).
void activation_trace(CascadeModel& m, const ParameterSet& p) {
  require_positive(p, "tau");
  require(p["tau"] >= p["dt"],
          "model.tau must be >= model.dt (the activation decays by 1 - dt/tau "
          "a step: below dt it would flip sign every step)");
  m.coupling = Coupling::trace;
  m.trace_decay = static_cast<real_t>(1.0 - p["dt"] / p["tau"]);
  m.trace_gain = m.dt;
  m.initial_state = InitialState::random_activation;
}

// c(lag) = decay^lag for lag < window, kept as a windowed trace; `kernel` (the same values
// computed directly) stays in the model as its reference definition.
void exponential_trace(CascadeModel& m, std::vector<real_t> kernel, double decay, int window) {
  m.coupling_kernel = std::move(kernel);
  m.coupling = Coupling::trace;
  m.trace_decay = static_cast<real_t>(decay);
  m.trace_gain = 1;
  m.trace_window = window;
}

// lambda = lambda_0 max(g - theta, 0), Poisson counts (RectifiedLNP, RectifiedSAM).
// lambda_0 > 0: a rate per unit of input (below 0 every rate would be negative, no spike ever;
// tuning had taken it there, and the tuner keeps every value one that builds).
void rectified_poisson(CascadeModel& m, const ParameterSet& p) {
  require(p["lambda_0"] > 0 && std::isfinite(p["lambda_0"]),
          "model.lambda_0 must be finite and > 0 (a rate per unit of input)");
  m.nonlinearity = Nonlinearity::rectified_linear;
  m.emission = Emission::poisson;
  m.gain = static_cast<real_t>(p["lambda_0"]);
  m.theta = static_cast<real_t>(p["theta"]);
}

// PoissonGLM and RectifiedLNP share their filter: c(tau) = exp(-tau dt / tau_c) over T lags.
void lnp_filter(CascadeModel& m, const ParameterSet& p) {
  require_positive(p, "tau");
  const int T = steps(p, "T", 1);
  const auto dt = static_cast<float>(p["dt"]), tau = static_cast<float>(p["tau"]);
  exponential_trace(m, time_constant_kernel(T, dt, tau), std::exp(-dt / tau), T);
}

ParameterSpec spec(const char* name, double fallback, const char* unit, const char* meaning,
                   bool integer = false) {
  return ParameterSpec{name, fallback, integer, unit, meaning};
}

}  // namespace

CascadeModel build_bernoulli_glm(const ParameterSet& p) {
  CascadeModel m = base("bernoulli_glm", p);
  const int window = steps(p, "coupling_window", 1);
  const int A = steps(p, "abs_ref_scale", 0), R = steps(p, "rel_ref_scale", 0);
  const int T = std::max(window, A + R);
  const auto dt = static_cast<float>(p["dt"]);
  const float alpha = std::fabs(static_cast<float>(p["alpha"]));
  exponential_trace(m, exponential_kernel(T, window, alpha, dt), std::exp(-alpha * dt), window);
  m.self_kernel = refractory_kernel(T, A, static_cast<float>(p["abs_ref_strength"]), R,
                                    static_cast<float>(p["rel_ref_strength"]),
                                    std::fabs(static_cast<float>(p["beta"])), dt);
  m.theta = static_cast<real_t>(p["theta"]);
  return m;
}

CascadeModel build_poisson_glm(const ParameterSet& p) {
  CascadeModel m = base("poisson_glm", p);
  require(std::isfinite(p["alpha"]) && p["alpha"] > 0,
          "model.alpha must be finite and > 0 (the rate is divided by it: below 0 every rate "
          "would be negative)");
  lnp_filter(m, p);
  m.nonlinearity = Nonlinearity::exponential;
  m.emission = Emission::poisson;
  m.gain = static_cast<real_t>(1.0 / p["alpha"]);
  m.slope = static_cast<real_t>(p["beta"]);
  return m;
}

CascadeModel build_rectified_lnp(const ParameterSet& p) {
  CascadeModel m = base("rectified_lnp", p);
  lnp_filter(m, p);
  rectified_poisson(m, p);
  return m;
}

CascadeModel build_threshold_sam(const ParameterSet& p) {
  CascadeModel m = base("threshold_sam", p);
  activation_trace(m, p);
  m.nonlinearity = Nonlinearity::identity;
  m.emission = Emission::threshold;
  m.theta = static_cast<real_t>(p["theta"]);
  require(p["sigma"] >= 0, "model.sigma must be >= 0");
  require(p["rho"] >= 0 && p["rho"] <= 1, "model.rho must be a probability in [0, 1]");
  m.noise = p["squared_noise"] != 0 ? BackgroundNoise::squared_gaussian
                                    : BackgroundNoise::sparse_gaussian;
  m.noise_sigma = static_cast<real_t>(p["sigma"]);
  m.noise_rho = static_cast<real_t>(p["rho"]);
  return m;
}

CascadeModel build_rectified_sam(const ParameterSet& p) {
  CascadeModel m = base("rectified_sam", p);
  activation_trace(m, p);
  rectified_poisson(m, p);
  return m;
}

CascadeModel build_custom(const ParameterSet& p) {
  CascadeModel m = base("custom", p);
  m.nonlinearity = parse_nonlinearity(p.choice("nonlinearity"), "model.nonlinearity");
  m.emission = parse_emission(p.choice("emission"), "model.emission");
  m.theta = static_cast<real_t>(p["theta"]);
  m.gain = static_cast<real_t>(p["gain"]);
  m.slope = static_cast<real_t>(p["slope"]);
  const auto dt = static_cast<float>(p["dt"]);
  const std::string& coupling = p.choice("coupling");
  if (coupling == "exponential") {
    const int window = steps(p, "coupling_window", 1);
    const auto decay = static_cast<float>(p["coupling_decay"]);
    std::vector<real_t> kernel = exponential_kernel(window, window, decay, dt);
    // Only a kernel that decays (in float) is kept as a trace: where it grows (decay < 0) the
    // trace's rounding grows with it, by e^(-decay dt) a step, to infinity within a few hundred
    // steps (and a flat one would add up its rounding). Every network of a run takes the same
    // form (deck.cpp; tuning keeps it).
    const float factor = std::exp(-decay * dt);
    if (factor < 1.0f)
      exponential_trace(m, std::move(kernel), factor, window);
    else
      m.coupling_kernel = std::move(kernel);
  } else if (coupling == "explicit") {
    const auto it = p.kernels.find("coupling_taps");
    require(it != p.kernels.end() && !it->second.empty(),
            "model.coupling_taps must list at least one tap");
    m.coupling_kernel.assign(it->second.begin(), it->second.end());
  } else if (coupling == "trace") {
    activation_trace(m, p);
  } else {
    require(coupling == "none",
            not_one_of("model.coupling", {"exponential", "explicit", "trace", "none"}, coupling));
  }
  const std::string& self = p.choice("self");
  if (self == "refractory") {
    const int A = steps(p, "abs_ref_scale", 0), R = steps(p, "rel_ref_scale", 0);
    m.self_kernel = refractory_kernel(A + R + 1, A, static_cast<float>(p["abs_ref_strength"]), R,
                                      static_cast<float>(p["rel_ref_strength"]),
                                      static_cast<float>(p["beta"]), dt);
  } else if (self == "explicit") {
    const auto it = p.kernels.find("self_taps");
    require(it != p.kernels.end() && !it->second.empty(),
            "model.self_taps must list at least one tap");
    m.self_kernel.assign(it->second.begin(), it->second.end());
  } else {
    require(self == "none", not_one_of("model.self", {"refractory", "explicit", "none"}, self));
  }
  const std::string& noise = p.choice("noise");
  if (noise == "sparse_gaussian") {
    m.noise = BackgroundNoise::sparse_gaussian;
    require(p["noise_sigma"] >= 0, "model.noise_sigma must be >= 0");
    require(p["noise_rho"] >= 0 && p["noise_rho"] <= 1,
            "model.noise_rho must be a probability in [0, 1]");
    m.noise_sigma = static_cast<real_t>(p["noise_sigma"]);
    m.noise_rho = static_cast<real_t>(p["noise_rho"]);
  } else {
    require(noise == "none", not_one_of("model.noise", {"none", "sparse_gaussian"}, noise));
  }
  return m;
}

const std::vector<Preset>& presets() {
  static const std::vector<Preset> table = {
      {"bernoulli_glm",
       "logistic GLM, Bernoulli spikes, exponential coupling, absolute + relative refractoriness",
       {spec("theta", 5.0, "", "threshold subtracted before the sigmoid"),
        spec("dt", 1.0, "ms", "step length"),
        spec("coupling_window", 5, "steps", "lags during which a presynaptic spike acts", true),
        spec("alpha", 0.2, "1/ms", "coupling decay rate (absolute value used)"),
        spec("abs_ref_scale", 3, "steps", "absolute refractory period A", true),
        spec("abs_ref_strength", -100.0, "", "self-input during the absolute period"),
        spec("rel_ref_scale", 7, "steps", "relative refractory period R (lags A..A+R, inclusive)",
             true),
        spec("rel_ref_strength", -30.0, "", "initial self-input of the relative period"),
        spec("beta", 0.5, "1/ms", "relative-refractory decay rate (absolute value used)"),
        spec("r", 1.0, "", "recurrent scale of the whole sum, refractoriness included"),
        spec("b", 0.0, "", "background input (kascade addition; the predecessor has none)")},
       {},
       build_bernoulli_glm},
      {"poisson_glm",
       "exponential GLM, Poisson counts: mean (1/alpha) exp(beta g) dt",
       {spec("alpha", 15.9, "", "divisor of the rate"),
        spec("beta", 10.0, "", "gain inside the exponential"),
        spec("T", 200, "steps", "coupling filter length", true),
        spec("tau", 10.0, "ms", "coupling time constant: c(lag) = exp(-lag dt / tau)"),
        spec("dt", 0.1, "ms", "step length"), spec("r", 0.025, "", "recurrent scale"),
        spec("b", 0.001, "", "background input")},
       {},
       build_poisson_glm},
      {"rectified_lnp",
       "rectified-linear LNP, Poisson counts: mean lambda_0 max(g - theta, 0) dt",
       {spec("lambda_0", 9.8, "1/ms", "rate per unit of rectified input"),
        spec("theta", -0.002, "", "threshold"),
        spec("T", 200, "steps", "coupling filter length", true),
        spec("tau", 10.0, "ms", "coupling time constant"), spec("dt", 0.1, "ms", "step length"),
        spec("r", 0.025, "", "recurrent scale"), spec("b", 0.001, "", "background input")},
       {},
       build_rectified_lnp},
      {"threshold_sam",
       "synaptic activation s <- s (1 - dt/tau) + x dt; spike iff r W s + b (1 + n m) > theta",
       {spec("r", 0.025, "", "recurrent scale"), spec("b", 0.001, "", "background input"),
        spec("tau", 10.0, "ms", "activation time constant"), spec("dt", 0.1, "ms", "step length"),
        spec("sigma", 0.3, "", "standard deviation of the background noise n"),
        spec("rho", 0.07, "", "probability m that a neuron receives noise in a step"),
        spec("theta", 1.378e-3, "", "threshold"),
        spec("squared_noise", 0, "", "1: the predecessor's b (1 + n^2 m), for parity only", true)},
       {},
       build_threshold_sam},
      {"rectified_sam",
       "synaptic activation model with rectified-linear Poisson emission",
       {spec("lambda_0", 1.0861, "1/ms", "rate per unit of rectified input"),
        spec("theta", -1.37e-2, "", "threshold"),
        spec("tau", 10.0, "ms", "activation time constant"), spec("dt", 0.1, "ms", "step length"),
        spec("r", 0.025, "", "recurrent scale"), spec("b", 0.001, "", "background input")},
       {},
       build_rectified_sam},
      {"custom",
       "any nonlinearity x emission x coupling x self kernel x noise, chosen in the deck",
       {spec("theta", 0.0, "", "threshold"),
        spec("gain", 1.0, "1/ms", "rate scale of the nonlinearity"),
        spec("slope", 1.0, "", "input scale inside the nonlinearity"),
        spec("dt", 1.0, "ms", "step length"), spec("r", 1.0, "", "recurrent scale"),
        spec("b", 0.0, "", "background input"),
        spec("coupling_window", 5, "steps", "coupling = exponential: lags", true),
        spec("coupling_decay", 0.2, "1/ms", "coupling = exponential: c(lag) = exp(-decay dt lag)"),
        spec("tau", 10.0, "ms", "coupling = trace: activation time constant"),
        spec("abs_ref_scale", 0, "steps", "self = refractory: absolute period", true),
        spec("abs_ref_strength", 0.0, "", "self = refractory: absolute self-input"),
        spec("rel_ref_scale", 0, "steps", "self = refractory: relative period (inclusive)", true),
        spec("rel_ref_strength", 0.0, "", "self = refractory: initial relative self-input"),
        spec("beta", 0.5, "1/ms", "self = refractory: relative decay rate"),
        spec("noise_sigma", 0.0, "", "noise = sparse_gaussian: standard deviation"),
        spec("noise_rho", 0.0, "", "noise = sparse_gaussian: probability per step")},
       {"nonlinearity", "emission", "coupling", "self", "noise"},
       build_custom},
  };
  return table;
}

const Preset& find_preset(const std::string& name) {
  std::vector<std::string> names;
  for (const Preset& p : presets()) {
    if (p.name == name) return p;
    names.push_back(p.name);
  }
  throw InputError(not_one_of("model.preset", names, name));
}

ParameterSet ModelDefinition::parameters(network_id_t network) const {
  ParameterSet set = preset_defaults(find_preset(preset));
  for (const auto& [name, v] : values) {
    require(set.values.count(name) > 0,
            "model: preset " + preset + " has no parameter '" + name + "'");
    require(v.size() == 1 || network < v.size(),
            "model." + name + ": no value for network " + std::to_string(network));
    set.values[name] = v.size() == 1 ? v[0] : v[network];
  }
  for (const auto& [name, c] : choices) set.choices[name] = c;
  set.kernels = kernels;
  return set;
}

CascadeModel ModelDefinition::build(network_id_t network) const {
  return find_preset(preset).build(parameters(network));
}

ParameterSet preset_defaults(const Preset& preset, const std::map<std::string, double>& overrides) {
  ParameterSet set;
  for (const auto& s : preset.parameters) set.values[s.name] = s.fallback;
  for (const auto& [k, v] : overrides) {
    require(set.values.count(k) > 0,
            "model: preset " + preset.name + " has no parameter '" + k + "'");
    set.values[k] = v;
  }
  if (preset.name == "custom")
    set.choices = {{"nonlinearity", "sigmoid"},
                   {"emission", "bernoulli"},
                   {"coupling", "exponential"},
                   {"self", "none"},
                   {"noise", "none"}};
  return set;
}

}  // namespace kascade
