// The preset table and build functions (include/kascade/model/presets.hpp): every preset builds
// from its defaults with the predecessor's structure, custom compositions assemble what they
// name, and invalid values are InputErrors naming the key `model.<key>`.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "fixtures.hpp"
#include "kascade/core/error.hpp"
#include "kascade/model/presets.hpp"

namespace kascade {
namespace {

using Overrides = std::map<std::string, double>;

ParameterSet defaults(const std::string& preset, const Overrides& o = {}) {
  return preset_defaults(find_preset(preset), o);
}

CascadeModel build(const std::string& preset, const Overrides& o = {}) {
  return find_preset(preset).build(defaults(preset, o));
}

// Custom composition: defaults plus the given choices.
ParameterSet custom(const std::map<std::string, std::string>& choices, const Overrides& o = {}) {
  ParameterSet p = defaults("custom", o);
  for (const auto& [k, v] : choices) p.choices[k] = v;
  return p;
}

// f throws InputError whose message names `model.<key>` as a whole key (not a prefix of one).
void expect_rejected(const std::function<void()>& f, const std::string& key) {
  try {
    f();
    ADD_FAILURE() << "model." << key << ": no InputError";
  } catch (const InputError& e) {
    const std::string msg = e.what(), name = "model." + key;
    const auto at = msg.find(name);
    const bool whole = at != std::string::npos &&
                       (at + name.size() == msg.size() ||
                        !(std::isalnum(static_cast<unsigned char>(msg[at + name.size()])) ||
                          msg[at + name.size()] == '_'));
    EXPECT_TRUE(whole) << "message does not name " << name << ": " << msg;
  }
}

TEST(Presets, EveryPresetBuildsFromItsDefaults) {
  std::set<std::string> names;
  for (const Preset& p : presets()) {
    names.insert(p.name);
    SCOPED_TRACE(p.name);
    CascadeModel m;
    ASSERT_NO_THROW(m = p.build(preset_defaults(p)));
    EXPECT_EQ(m.preset, p.name);
    EXPECT_GE(m.kernel_length(), 1);
    for (const ParameterSpec& s : p.parameters) {
      EXPECT_FALSE(s.meaning.empty()) << s.name;
      if (s.integer) {
        EXPECT_EQ(s.fallback, std::floor(s.fallback)) << s.name;
      }
    }
    EXPECT_EQ(&find_preset(p.name), &p);
  }
  EXPECT_EQ(names, (std::set<std::string>{"bernoulli_glm", "poisson_glm", "rectified_lnp",
                                          "threshold_sam", "rectified_sam", "custom"}));
}

// The defaults are the predecessor's test fixture parameters (params/<model> attributes), except
// kascade's additions: bernoulli_glm's b and threshold_sam's squared_noise (both 0).
TEST(Presets, DefaultsAreThePredecessorsFixtureValues) {
  const std::string file = test::data_path("glm_fixtures.h5");
  for (const char* name :
       {"bernoulli_glm", "poisson_glm", "rectified_lnp", "threshold_sam", "rectified_sam"}) {
    for (const ParameterSpec& s : find_preset(name).parameters) {
      if (s.name == "squared_noise" || (std::string(name) == "bernoulli_glm" && s.name == "b")) {
        EXPECT_EQ(s.fallback, 0.0) << name << "." << s.name;
        continue;
      }
      EXPECT_EQ(s.fallback,
                test::read_number_attribute(file, std::string("params/") + name, s.name))
          << name << "." << s.name;
    }
  }
}

TEST(Presets, StructureOfThePredecessorsModels) {
  const CascadeModel bern = build("bernoulli_glm");
  EXPECT_EQ(bern.nonlinearity, Nonlinearity::sigmoid);
  EXPECT_EQ(bern.emission, Emission::bernoulli);
  EXPECT_EQ(bern.coupling, Coupling::trace);  // exponential: kept recursively
  EXPECT_EQ(bern.trace_window, 5);
  EXPECT_FLOAT_EQ(bern.trace_decay, std::exp(-0.2f));
  EXPECT_EQ(bern.initial_state, InitialState::random_spikes);

  const CascadeModel pglm = build("poisson_glm", {{"alpha", 4}, {"beta", 3}, {"T", 7}});
  EXPECT_EQ(pglm.nonlinearity, Nonlinearity::exponential);
  EXPECT_EQ(pglm.emission, Emission::poisson);
  EXPECT_EQ(pglm.gain, 0.25f);
  EXPECT_EQ(pglm.slope, 3.0f);
  EXPECT_EQ(pglm.theta, 0.0f);
  EXPECT_EQ(pglm.coupling_kernel.size(), 7u);
  EXPECT_TRUE(pglm.self_kernel.empty());
  EXPECT_EQ(pglm.initial_state, InitialState::random_spikes);

  const CascadeModel lnp = build("rectified_lnp", {{"lambda_0", 2}, {"theta", -0.5}});
  EXPECT_EQ(lnp.nonlinearity, Nonlinearity::rectified_linear);
  EXPECT_EQ(lnp.emission, Emission::poisson);
  EXPECT_EQ(lnp.gain, 2.0f);
  EXPECT_EQ(lnp.theta, -0.5f);

  for (const char* sam : {"threshold_sam", "rectified_sam"}) {
    const CascadeModel m = build(sam, {{"dt", 0.5}, {"tau", 4}});
    EXPECT_EQ(m.coupling, Coupling::trace) << sam;
    EXPECT_EQ(m.trace_decay, 0.875f) << sam << ": 1 - dt/tau";
    EXPECT_EQ(m.trace_gain, 0.5f) << sam << ": dt";
    EXPECT_EQ(m.initial_state, InitialState::random_activation) << sam;
    EXPECT_EQ(m.kernel_length(), 1) << sam;
  }
  const CascadeModel tsam = build("threshold_sam", {{"sigma", 0.2}, {"rho", 0.3}});
  EXPECT_EQ(tsam.nonlinearity, Nonlinearity::identity);
  EXPECT_EQ(tsam.emission, Emission::threshold);
  EXPECT_EQ(tsam.noise, BackgroundNoise::sparse_gaussian);
  EXPECT_EQ(tsam.noise_sigma, 0.2f);
  EXPECT_EQ(tsam.noise_rho, 0.3f);
  EXPECT_EQ(build("threshold_sam", {{"squared_noise", 1}}).noise,
            BackgroundNoise::squared_gaussian);
  const CascadeModel rsam = build("rectified_sam");
  EXPECT_EQ(rsam.nonlinearity, Nonlinearity::rectified_linear);
  EXPECT_EQ(rsam.emission, Emission::poisson);
  EXPECT_EQ(rsam.noise, BackgroundNoise::none);
}

TEST(Presets, CustomCouplings) {
  const CascadeModel e =
      build_custom(custom({{"coupling", "exponential"}},
                          {{"coupling_window", 4}, {"coupling_decay", 0.3}, {"dt", 0.5}}));
  EXPECT_EQ(e.coupling, Coupling::trace);
  EXPECT_EQ(e.trace_window, 4);
  EXPECT_EQ(e.kernel_length(), 5);  // the ring holds lag `window` too
  ASSERT_EQ(e.coupling_kernel.size(), 4u);
  for (int lag = 0; lag < 4; ++lag)
    EXPECT_FLOAT_EQ(e.coupling_kernel[lag], std::exp(-0.3f * 0.5f * float(lag))) << lag;

  // A kernel that does not decay is summed lag by lag (a trace would multiply its rounding by
  // e^0.15 every step: test_propagation.cpp).
  for (const double decay : {-0.3, 0.0}) {
    const CascadeModel g =
        build_custom(custom({{"coupling", "exponential"}},
                            {{"coupling_window", 4}, {"coupling_decay", decay}, {"dt", 0.5}}));
    EXPECT_EQ(g.coupling, Coupling::kernel) << decay;
    ASSERT_EQ(g.coupling_kernel.size(), 4u);
    for (int lag = 0; lag < 4; ++lag)
      EXPECT_FLOAT_EQ(g.coupling_kernel[lag], std::exp(-float(decay) * 0.5f * float(lag)));
  }

  ParameterSet p = custom({{"coupling", "explicit"}});
  p.kernels["coupling_taps"] = {0.5, -0.25, 0.125};
  const CascadeModel x = build_custom(p);
  EXPECT_EQ(x.coupling_kernel, (std::vector<real_t>{0.5f, -0.25f, 0.125f}));
  EXPECT_EQ(x.kernel_length(), 3);

  const CascadeModel t = build_custom(custom({{"coupling", "trace"}}, {{"tau", 5}, {"dt", 1}}));
  EXPECT_EQ(t.coupling, Coupling::trace);
  EXPECT_EQ(t.trace_decay, 0.8f);
  EXPECT_EQ(t.trace_gain, 1.0f);
  EXPECT_EQ(t.initial_state, InitialState::random_activation);

  const CascadeModel n = build_custom(custom({{"coupling", "none"}}));
  EXPECT_EQ(n.coupling, Coupling::kernel);
  EXPECT_TRUE(n.coupling_kernel.empty());
  EXPECT_EQ(n.kernel_length(), 1);
}

TEST(Presets, CustomSelfKernelsAndNoise) {
  // refractory: A = 2 lags of -50, then -10 exp(-beta (lag - A) dt) for lags 2..5 (inclusive).
  const CascadeModel r = build_custom(custom({{"self", "refractory"}}, {{"abs_ref_scale", 2},
                                                                        {"abs_ref_strength", -50},
                                                                        {"rel_ref_scale", 3},
                                                                        {"rel_ref_strength", -10},
                                                                        {"beta", 0.5},
                                                                        {"dt", 1},
                                                                        {"coupling_window", 2}}));
  ASSERT_EQ(r.self_kernel.size(), 6u);
  EXPECT_EQ(r.kernel_length(), 6);
  for (int lag = 0; lag < 6; ++lag) {
    const float want = lag < 2 ? -50.0f : -10.0f * std::exp(-0.5f * float(lag - 2) * 1.0f);
    EXPECT_FLOAT_EQ(r.self_kernel[lag], want) << lag;
  }

  ParameterSet p = custom({{"self", "explicit"}});
  p.kernels["self_taps"] = {-3, -1};
  EXPECT_EQ(build_custom(p).self_kernel, (std::vector<real_t>{-3.0f, -1.0f}));
  EXPECT_TRUE(build_custom(custom({{"self", "none"}})).self_kernel.empty());

  const CascadeModel s = build_custom(
      custom({{"noise", "sparse_gaussian"}}, {{"noise_sigma", 0.4}, {"noise_rho", 0.25}}));
  EXPECT_EQ(s.noise, BackgroundNoise::sparse_gaussian);
  EXPECT_EQ(s.noise_sigma, 0.4f);
  EXPECT_EQ(s.noise_rho, 0.25f);
  EXPECT_EQ(build_custom(custom({})).noise, BackgroundNoise::none);

  for (const char* f :
       {"sigmoid", "exponential", "rectified_linear", "identity", "softplus", "erfc"})
    EXPECT_STREQ(to_string(build_custom(custom({{"nonlinearity", f}})).nonlinearity), f);
  for (const char* e : {"bernoulli", "bernoulli_exp", "poisson", "threshold"})
    EXPECT_STREQ(to_string(build_custom(custom({{"emission", e}})).emission), e);
}

TEST(Presets, InvalidValuesNameTheirKey) {
  for (const Preset& p : presets())
    for (double dt : {0.0, -1.0})
      expect_rejected([&] { p.build(preset_defaults(p, {{"dt", dt}})); }, "dt");
  for (const char* name : {"poisson_glm", "rectified_lnp", "threshold_sam", "rectified_sam"})
    for (double tau : {0.0, -2.0}) expect_rejected([&] { build(name, {{"tau", tau}}); }, "tau");
  expect_rejected([] { build_custom(custom({{"coupling", "trace"}}, {{"tau", 0}})); }, "tau");
  // The activation decays only for tau >= dt (s <- s (1 - dt/tau) + x dt).
  for (const char* name : {"threshold_sam", "rectified_sam"}) {
    expect_rejected([&] { build(name, {{"tau", 0.09}, {"dt", 0.1}}); }, "tau");
    EXPECT_FLOAT_EQ(build(name, {{"tau", 0.1}, {"dt", 0.1}}).trace_decay, 0.0f);
  }
  expect_rejected(
      [] {
        build_custom(custom({{"coupling", "trace"}}, {{"tau", 0.5}, {"dt", 1}}));
      },
      "tau");
  for (double alpha : {0.0, -15.9})
    expect_rejected([&] { build("poisson_glm", {{"alpha", alpha}}); }, "alpha");
  // Rates per unit of input: below 0 every rate would be negative.
  for (const char* name : {"rectified_lnp", "rectified_sam"})
    for (double lambda0 : {0.0, -1.0})
      expect_rejected([&] { build(name, {{"lambda_0", lambda0}}); }, "lambda_0");
  for (double rho : {1.5, -0.1}) {
    expect_rejected([&] { build("threshold_sam", {{"rho", rho}}); }, "rho");
    expect_rejected(
        [&] {
          build_custom(custom({{"noise", "sparse_gaussian"}}, {{"noise_rho", rho}}));
        },
        "noise_rho");
  }
  expect_rejected([] { build("threshold_sam", {{"sigma", -0.1}}); }, "sigma");
  expect_rejected(
      [] {
        build_custom(custom({{"noise", "sparse_gaussian"}}, {{"noise_sigma", -1}}));
      },
      "noise_sigma");

  expect_rejected([] { build_custom(custom({{"nonlinearity", "tanh"}})); }, "nonlinearity");
  expect_rejected([] { build_custom(custom({{"emission", "gaussian"}})); }, "emission");
  expect_rejected([] { build_custom(custom({{"coupling", "dense"}})); }, "coupling");
  expect_rejected([] { build_custom(custom({{"self", "adaptive"}})); }, "self");
  expect_rejected([] { build_custom(custom({{"noise", "white"}})); }, "noise");
  expect_rejected([] { find_preset("glm"); }, "preset");

  for (const char* kernel : {"coupling_taps", "self_taps"}) {
    const std::string choice = std::string(kernel) == "coupling_taps" ? "coupling" : "self";
    ParameterSet p = custom({{choice, "explicit"}});
    expect_rejected([&] { build_custom(p); }, kernel);  // missing
    p.kernels[kernel] = {};
    expect_rejected([&] { build_custom(p); }, kernel);  // empty
  }

  for (double w : {2.5, 0.0, -1.0})
    expect_rejected([&] { build_custom(custom({}, {{"coupling_window", w}})); }, "coupling_window");
  for (double T : {200.5, 0.0}) expect_rejected([&] { build("poisson_glm", {{"T", T}}); }, "T");
  expect_rejected([] { build("rectified_lnp", {{"T", 3.5}}); }, "T");
  expect_rejected([] { build("bernoulli_glm", {{"abs_ref_scale", 1.5}}); }, "abs_ref_scale");
  expect_rejected([] { build("bernoulli_glm", {{"rel_ref_scale", -1}}); }, "rel_ref_scale");
  expect_rejected([] { build("bernoulli_glm", {{"coupling_window", 0.5}}); }, "coupling_window");
  expect_rejected(
      [] {
        build_custom(custom({{"self", "refractory"}}, {{"abs_ref_scale", 0.5}}));
      },
      "abs_ref_scale");
  EXPECT_THROW(defaults("poisson_glm", {{"lambda_0", 1}}), InputError) << "not a parameter of it";
}

// Per-network parameters are first-class: one value for all networks, or one per network.
TEST(Presets, ModelDefinitionPerNetworkValues) {
  ModelDefinition def;
  def.preset = "threshold_sam";
  def.values["theta"] = {0.1, 0.2, 0.3};
  def.values["b"] = {0.05};
  for (network_id_t g = 0; g < 3; ++g) {
    const CascadeModel m = def.build(g);
    EXPECT_EQ(m.theta, static_cast<real_t>(def.values["theta"][g])) << g;
    EXPECT_EQ(m.b, 0.05f) << g;
    EXPECT_EQ(m.r, 0.025f) << g << ": the preset's default";
  }
  def.values["dt"] = {-1};
  expect_rejected([&] { def.build(0); }, "dt");
}

}  // namespace
}  // namespace kascade
