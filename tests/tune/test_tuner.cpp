// Tuning against closed forms, finite differences and independent simulations.
//
// Statistical bounds: spike counts are checked against the expected spikes accumulated in the
// same run; their difference is a martingale with variance at most the expected count, so
// |count - expected| <= z sqrt(expected) with z = 5.5 (two-sided 4e-8 per network, below 1e-5
// over the 200 networks by Bonferroni). Tuned rates are within `tolerance` at three standard
// errors by the root finder's own stopping rule.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

#include "kascade/core/error.hpp"
#include "kascade/engine/recorder.hpp"
#include "kascade/tune/directions.hpp"
#include "tune_test_support.hpp"

namespace kascade {
namespace {

using test::TuneFixture;

// No refractoriness at all (the relative period is inclusive: its strength must be 0 too).
const std::map<std::string, double> kUncoupled = {{"abs_ref_scale", 0},
                                                  {"rel_ref_scale", 0},
                                                  {"abs_ref_strength", 0},
                                                  {"rel_ref_strength", 0},
                                                  {"coupling_window", 1}};

TuneSettings newton_theta(double tolerance = 0.05) {
  TuneSettings s;
  s.parameters = {TunedParameter{"theta"}};
  s.tolerance = tolerance;
  s.max_epochs = 200;
  s.equilibration_steps = 100;
  return s;
}

class CountSpikes : public Recorder {
 public:
  void record(const std::vector<SpikeEvents>& chunk) override {
    for (const auto& ev : chunk) count[ev.network] += static_cast<double>(ev.steps.size());
  }
  std::map<network_id_t, double> count;
};

TEST(Tuner, UncoupledThetaMatchesTheClosedForm) {
  // Without synapses or refractoriness lambda = sigmoid(-theta): rate = 1000 sigmoid(-theta) Hz.
  TuneFixture f({50, 50, 50, 50}, false, "bernoulli_glm", kUncoupled);
  const std::vector<double> targets = {2.0, 5.0, 10.0, 40.0};
  f.targets(targets);
  const auto results = tune(newton_theta(), f.problem, f.factory());
  for (std::size_t g = 0; g < targets.size(); ++g) {
    const double exact = std::log(1000.0 / targets[g] - 1.0);
    EXPECT_NEAR(results[g].values[0], exact, 1e-5) << "network " << g;
    EXPECT_TRUE(results[g].converged);
    EXPECT_LE(results[g].epochs, 10) << "Newton on a deterministic rate";
  }
}

TEST(Tuner, AFarStartConvergesAsFast) {
  // From theta = 0 (500 Hz): the search's first errors (log 50 and beyond) must not enter the
  // averages (they once kept every network from converging in 100 epochs).
  auto values = kUncoupled;
  values["theta"] = 0.0;
  TuneFixture f({50, 50, 50, 50}, false, "bernoulli_glm", values);
  const std::vector<double> targets = {2.0, 5.0, 10.0, 40.0};
  f.targets(targets);
  const auto results = tune(newton_theta(), f.problem, f.factory());
  for (std::size_t g = 0; g < targets.size(); ++g) {
    EXPECT_NEAR(results[g].values[0], std::log(1000.0 / targets[g] - 1.0), 1e-5) << g;
    EXPECT_TRUE(results[g].converged);
    EXPECT_LE(results[g].epochs, 10) << "network " << g;
  }
}

TEST(Tuner, ATargetBeyondTheBoundsStopsThereOutOfReach) {
  // 10 Hz needs theta = log(99) = 4.6; theta is bounded to [6, 9]: held at 6, the network stops
  // as out of reach long before its 200 epochs, at the bound.
  auto values = kUncoupled;
  values["theta"] = 8.0;
  TuneFixture f({50}, false, "bernoulli_glm", values);
  f.targets({10.0});
  TuneSettings s = newton_theta();
  s.parameters[0].lower = 6.0;
  s.parameters[0].upper = 9.0;
  const auto results = tune(s, f.problem, f.factory());
  EXPECT_FALSE(results[0].converged);
  EXPECT_TRUE(results[0].out_of_reach);
  EXPECT_EQ(results[0].values[0], 6.0);
  EXPECT_LE(results[0].epochs, 20);
}

TEST(Tuner, ARunawayStartComesDownAndConverges) {
  // Coupled PoissonGLMs at b = 0.5 run away: every expected rate overflows, with no slope. The
  // search steps b down (the model says the rate rises with b) and each epoch after an overflow
  // starts from a fresh state: continued from the exploded one, the rates stayed infinite
  // while b fell to -1.3e5, then 0 Hz for good (it had stopped after one epoch before that).
  TuneFixture f({20, 20, 20, 20}, true, "poisson_glm", {{"b", 0.5}});
  f.targets({10.0});
  TuneSettings s;
  s.parameters = {TunedParameter{"b"}};
  s.max_epochs = 100;
  s.equilibration_steps = 100;
  const auto results = tune(s, f.problem, f.factory());
  for (std::size_t g = 0; g < results.size(); ++g) {
    EXPECT_TRUE(results[g].converged) << "network " << g << " b " << results[g].values[0];
    EXPECT_GT(results[g].values[0], -1.0) << g;
    EXPECT_LT(results[g].values[0], 0.0) << g;
  }
}

TEST(Tuner, ARunawayNetworkLeavesItsBatchMatesAsTheyWould) {
  // Network 0 runs away (its rate overflows: b = 0.5 with r tuned, whose way down nothing
  // tells), network 1 does not (b = -1): network 1's values are the same alone in its batch as
  // beside network 0. A batch-wide restart after an overflow had made them differ (r 0.8206
  // after 100 epochs against 0.025).
  std::vector<std::vector<double>> values;
  for (const std::size_t batch : {1, 2}) {
    TuneFixture f({20, 20}, true, "poisson_glm", {});
    f.problem.networks[0].parameters.values["b"] = 0.5;
    f.problem.networks[1].parameters.values["b"] = -1.0;
    f.targets({10.0});
    f.batches_of(batch);
    TuneSettings s;
    s.parameters = {TunedParameter{"r"}};
    s.max_epochs = 30;
    s.equilibration_steps = 100;
    const auto results = tune(s, f.problem, f.factory());
    EXPECT_TRUE(results[0].no_rate);
    values.push_back({results[1].values[0], results[1].rate_hz, double(results[1].epochs)});
  }
  EXPECT_EQ(values[0], values[1]);
}

TEST(Tuner, AdamComesDownFromARunawayStart) {
  // As above with Adam: the overflowing epochs' gradients (no numbers) had made its moments NaN
  // for good, and b stayed at 0.5 through every epoch with no word. It now steps down the rate
  // (learning_rate a step) until the rate is finite, and Adam takes over from there.
  TuneFixture f({20, 20}, true, "poisson_glm", {{"b", 0.5}});
  f.targets({10.0});
  TuneSettings s;
  s.parameters = {TunedParameter{"b"}};
  s.method = TuneMethod::adam;
  s.loss = TuneLoss::squared_log;
  s.max_epochs = 30;
  s.equilibration_steps = 100;
  const auto results = tune(s, f.problem, f.factory());
  for (std::size_t g = 0; g < results.size(); ++g) {
    EXPECT_FALSE(results[g].no_rate) << g;
    EXPECT_TRUE(std::isfinite(results[g].rate_hz)) << g;
    EXPECT_LT(results[g].values[0], 0.0) << g;
  }
}

TEST(Tuner, TheWayDownIsKnownForInputShiftsOnly) {
  const Preset& glm = find_preset("bernoulli_glm");
  const ParameterSet values = preset_defaults(glm, {});
  const CascadeModel model = glm.build(values);
  EXPECT_EQ(input_shift_sign(model_direction(glm, values, "theta", 0), model), -1.0);
  EXPECT_EQ(input_shift_sign(model_direction(glm, values, "b", 0), model), 1.0);
  EXPECT_EQ(input_shift_sign(model_direction(glm, values, "r", 0), model), 0.0);  // (the weights')
  EXPECT_EQ(input_shift_sign(model_direction(glm, values, "alpha", 0), model), 0.0);
}

TEST(Tuner, ACouplingDecayKeepsItsSide) {
  // A custom coupling_decay above 0 is a trace, at or below 0 a kernel, and a batch takes one
  // form: tuned, it stays on its side of 0 (a step across had failed the batch's model). Two
  // networks of one batch, with targets both ways from where they start.
  for (const double start : {0.3, -0.3}) {
    TuneFixture f({40, 40}, true, "custom", {{"coupling_decay", start}, {"coupling_window", 4}});
    f.targets({0.5, 900.0});
    TuneSettings s;
    s.parameters = {TunedParameter{"coupling_decay"}};
    s.max_epochs = 6;  // (stepping still: out of reach, the search would go back to its start)
    const auto results = tune(s, f.problem, f.factory());
    for (std::size_t g = 0; g < 2; ++g) {
      SCOPED_TRACE("start " + std::to_string(start) + ", network " + std::to_string(g));
      // The side is the form: a decay whose float factor e^(-decay dt) is below 1 is a trace, any
      // other a kernel (a decay of +3e-8 rounds to a factor of 1: a kernel still).
      const double v = results[g].values[0];
      EXPECT_EQ(static_cast<float>(std::exp(-v)) < 1.0f, start > 0) << v;
      EXPECT_NE(v, start);  // (it moved)
    }
  }
}

TEST(Tuner, TauAtItsLeastValueTakesAOneSidedDifference) {
  // A synaptic activation's tau must be >= dt (presets.cpp): at tau = dt the difference below
  // is refused, so the derivative is the one above (the refusal had ended the run: tuning tau
  // there, toward a rate out of reach). d(1 - dt / tau) / d tau = dt / tau^2 = 10 at 0.1.
  const Preset& preset = find_preset("rectified_sam");
  const ParameterSet at_dt = preset_defaults(preset, {{"tau", 0.1}, {"dt", 0.1}});
  FieldDirection d;
  ASSERT_NO_THROW(d = model_direction(preset, at_dt, "tau", 0));
  EXPECT_NEAR(d.scalar[FieldDirection::trace_decay], 10.0, 0.2);  // (forward: 10 / (1 + h/tau))
  const ParameterSet above = preset_defaults(preset, {{"tau", 0.2}, {"dt", 0.1}});
  EXPECT_NEAR(model_direction(preset, above, "tau", 0).scalar[FieldDirection::trace_decay], 2.5,
              1e-3);  // (central)
}

TEST(Tuner, DeadTimeRateMatchesTheRenewalFormula) {
  // An absolute refractory period of A steps: inter-spike intervals A + Geometric(p), so the
  // rate per step is p / (1 + A p) with p = sigmoid(-theta).
  const int A = 3;
  auto values = kUncoupled;
  values["abs_ref_scale"] = A;
  values["abs_ref_strength"] = -100;
  TuneFixture f({200, 200}, false, "bernoulli_glm", values);
  const std::vector<double> targets = {20.0, 50.0};
  f.targets(targets);
  const double tolerance = 0.02;
  const auto results = tune(newton_theta(tolerance), f.problem, f.factory());
  for (std::size_t g = 0; g < targets.size(); ++g) {
    ASSERT_TRUE(results[g].converged);
    const double p = 1.0 / (1.0 + std::exp(results[g].values[0]));
    const double rate_hz = 1000.0 * p / (1.0 + A * p);
    EXPECT_LE(std::fabs(rate_hz / targets[g] - 1.0), tolerance)
        << "network " << g << ": theta " << results[g].values[0];
  }
}

TEST(Tuner, StimulusStrengthMatchesTheClosedForm) {
  // A constant drive s on every neuron of an uncoupled network: rate = 1000 sigmoid(s - theta).
  StimulusSpec drive;
  drive.name = "drive";
  drive.kind = StimulusKind::constant;
  drive.values = {{"strength", {0.0}}};
  TuneFixture f({30, 30}, false, "bernoulli_glm", kUncoupled, {drive});
  f.targets({25.0});
  TuneSettings s = newton_theta();
  s.parameters = {TunedParameter{"stimulus.drive.strength"}};
  const auto results = tune(s, f.problem, f.factory());
  const double p = 0.025;
  for (const auto& r : results) EXPECT_NEAR(r.values[0], 5.0 + std::log(p / (1 - p)), 1e-5);
  EXPECT_EQ(f.problem.networks[1].strengths[0], results[1].values[0]);
}

// The objective of one epoch is a deterministic function of the parameters; small changes
// leave every spike in place, so its central difference is the one-step-deep gradient.
void expect_gradients_match_differences(TuneFixture& f, const std::vector<std::string>& names) {
  f.targets({10.0});
  TuneSettings s;
  s.method = TuneMethod::adam;
  s.steps = 100;
  s.equilibration_steps = 20;
  for (const auto& name : names) s.parameters.push_back(TunedParameter{name});
  const auto analytic = estimate_rates(s, f.problem, f.factory(), 0);
  for (std::size_t p = 0; p < s.parameters.size(); ++p) {
    const bool stimulus = s.parameters[p].name.rfind("stimulus.", 0) == 0;
    auto value = [&](TuneNetwork& n) -> double& {
      return stimulus ? n.strengths[0] : n.parameters.values[s.parameters[p].name];
    };
    const double v = value(f.problem.networks[0]);
    // Small enough that no spike moves; for tau larger, because the simulated decay is a float
    // that a tiny change of tau moves by a few ulps only (the difference would be rounding).
    // Fields linear in the parameter take a step of a few float ulps (no spike moves); kernel
    // shapes, computed in float by the preset, a larger one.
    const std::string& name = s.parameters[p].name;
    const int shift = name == "tau" ? 7 : (name == "alpha" || name == "beta" ? 12 : 16);
    const double h = std::ldexp(1.0, std::ilogb(std::max(std::fabs(v), 0.0625)) - shift);
    std::vector<double> rate[2];
    for (int side = 0; side < 2; ++side) {
      for (auto& n : f.problem.networks) value(n) = v + (side ? h : -h);
      for (const auto& e : estimate_rates(s, f.problem, f.factory(), 0))
        rate[side].push_back(e.rate_hz);
    }
    for (auto& n : f.problem.networks) value(n) = v;
    for (std::size_t g = 0; g < analytic.size(); ++g) {
      const double fd = (rate[1][g] - rate[0][g]) / (2 * h);
      EXPECT_NEAR(analytic[g].rate_slope[p], fd, 2e-3 * std::fabs(fd) + 1e-6)
          << f.problem.preset->name << ": " << s.parameters[p].name << ", network " << g;
    }
  }
}

TEST(Tuner, AnalyticGradientMatchesCentralDifferencesBernoulliGLM) {
  StimulusSpec wave;
  wave.name = "wave";
  wave.kind = StimulusKind::sinusoid;
  wave.values = {{"strength", {0.8}}, {"period", {40.0}}, {"baseline", {0.1}}};
  TuneFixture f({30, 25, 40}, true, "bernoulli_glm", {{"theta", 4.0}, {"b", 0.25}}, {wave});
  expect_gradients_match_differences(f, {"theta", "b", "r", "alpha", "beta", "rel_ref_strength",
                                         "abs_ref_strength", "stimulus.wave.strength"});
}

TEST(Tuner, AnalyticGradientMatchesCentralDifferencesPoissonGLM) {
  // Exponential nonlinearity, Poisson counts, a 200-lag filter whose shape tau sets.
  TuneFixture f({30, 25}, true, "poisson_glm", {{"T", 50}});
  expect_gradients_match_differences(f, {"alpha", "beta", "tau", "r", "b"});
}

TEST(Tuner, AnalyticGradientMatchesCentralDifferencesRectifiedSAM) {
  // A synaptic trace without a window: its sensitivity follows the trace's recursion through
  // the equilibration too.
  TuneFixture f({30, 25}, true, "rectified_sam", {});
  expect_gradients_match_differences(f, {"lambda_0", "theta", "tau", "r", "b"});
}

TEST(Tuner, HeterogeneousNetworksReachTheirTargetsInAnIndependentRun) {
  // 200 networks; under the sanitizers (2-3 times slower, checking memory, not statistics) the
  // first 64, one batch: CI's warm run had come within seconds of its 10 minutes.
  const int networks = std::getenv("KASCADE_SANITIZED") != nullptr ? 64 : 200;
  std::vector<ordinal_t> sizes;
  std::vector<double> targets;
  for (int g = 0; g < networks; ++g) {
    sizes.push_back(static_cast<ordinal_t>(20 + (g * 7) % 21));
    targets.push_back(5.0 + (g * 3) % 11);
  }
  TuneFixture f(sizes, true, "bernoulli_glm", {});
  f.targets(targets);
  f.batches_of(64);
  TuneSettings s = newton_theta(0.03);
  s.steps = 500;  // estimates 2.2x less noisy than with 100 steps: fewer epochs to 3 sigma
  const auto results = tune(s, f.problem, f.factory());
  for (std::size_t g = 0; g < sizes.size(); ++g) ASSERT_TRUE(results[g].converged) << g;

  // An independent run with the tuned values: another seed, 20000 steps, spikes counted.
  TuneSettings verify = newton_theta();
  verify.steps = 20000;
  CountSpikes spikes;
  const auto check = estimate_rates(verify, f.problem, f.factory(), 100000, &spikes);
  for (std::size_t g = 0; g < sizes.size(); ++g) {
    EXPECT_LE(std::fabs(check[g].rate_hz / targets[g] - 1.0), 0.05)
        << "network " << g << " (" << sizes[g] << " neurons)";
    const double expected = check[g].rate_hz / 1000.0 * sizes[g] * verify.steps;
    EXPECT_LE(std::fabs(spikes.count[static_cast<network_id_t>(g)] - expected),
              5.5 * std::sqrt(expected))
        << "network " << g;
  }
}

TEST(Tuner, ResultsDoNotDependOnBatches) {
  std::vector<ordinal_t> sizes = {20, 35, 20, 27, 40, 20, 31};
  std::vector<double> theta[3];
  int k = 0;
  for (std::size_t batch : {1, 3, 7}) {
    TuneFixture f(sizes, true, "bernoulli_glm", {});
    f.targets({8.0});
    f.batches_of(batch);
    for (const auto& r : tune(newton_theta(), f.problem, f.factory()))
      theta[k].push_back(r.values[0]);
    ++k;
  }
  EXPECT_EQ(theta[0], theta[1]);
  EXPECT_EQ(theta[0], theta[2]);
}

TuneSettings adam(const int epochs, std::vector<TunedParameter> parameters) {
  TuneSettings s;
  s.method = TuneMethod::adam;
  s.max_epochs = epochs;
  s.parameters = std::move(parameters);
  return s;
}

TEST(Tuner, AdamWithASharedParameterLowersTheLoss) {
  TuneFixture f({20, 30, 25, 20}, true, "bernoulli_glm", {});
  f.targets({12.0});
  const TuneSettings s = adam(40, {TunedParameter{"theta"}, TunedParameter{"r", true}});
  TuneSettings measure = s;
  measure.steps = 4000;
  double before = 0, after = 0;
  for (const auto& e : estimate_rates(measure, f.problem, f.factory(), 9999)) before += e.loss;
  const auto results = tune(s, f.problem, f.factory());
  for (const auto& e : estimate_rates(measure, f.problem, f.factory(), 9999)) after += e.loss;
  EXPECT_LT(after, 0.1 * before);
  for (const auto& r : results) EXPECT_EQ(r.values[1], results[0].values[1]) << "r is shared";
  EXPECT_NE(results[0].values[1], 1.0) << "r moved";
}

TEST(Tuner, AdamKeepsARateScaleAboveZero) {
  // Adam on all five of RectifiedSAM's parameters first brings a high rate down, lambda_0 with
  // it: it had stepped below 0, where every rate is negative and no neuron ever fires again. A
  // step into a value the model refuses is halved until it builds (lambda_0 > 0).
  TuneFixture f({20, 20, 20, 20}, true, "rectified_sam", {});
  f.targets({10.0});
  const TuneSettings s =
      adam(100, {TunedParameter{"lambda_0"}, TunedParameter{"theta"}, TunedParameter{"tau"},
                 TunedParameter{"r"}, TunedParameter{"b"}});
  for (const auto& r : tune(s, f.problem, f.factory())) EXPECT_GT(r.values[0], 0.0);
}

TEST(Tuner, PerNeuronTargetsPullNeuronsApart) {
  // Uncoupled neurons with their own background b_i would be needed to meet different targets
  // exactly; with one theta per network the loss is minimised at the mean rate.
  TuneFixture f({10}, false, "bernoulli_glm", kUncoupled);
  f.problem.networks[0].target_hz = {5, 5, 5, 5, 5, 15, 15, 15, 15, 15};
  TuneSettings s;
  s.method = TuneMethod::adam;
  s.max_epochs = 150;
  s.parameters = {TunedParameter{"theta"}};
  s.neuron_targets = {f.problem.networks[0].target_hz};
  const auto results = tune(s, f.problem, f.factory());
  EXPECT_NEAR(1000.0 / (1.0 + std::exp(results[0].values[0])), 10.0, 0.5);
}

TEST(Tuner, RefusesWhatCannotBeTuned) {
  TuneFixture f({10}, false, "bernoulli_glm", {});
  f.targets({10.0});
  auto message = [&](TuneSettings s, TuneFixture& fx) {
    try {
      tune(s, fx.problem, fx.factory());
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  TuneSettings s = newton_theta();
  s.parameters = {TunedParameter{"thetta"}};
  EXPECT_NE(message(s, f).find("no parameter 'thetta'"), std::string::npos);
  s.parameters = {TunedParameter{"all"}};  // (spikeometric's shorthand: the names instead)
  EXPECT_NE(message(s, f).find("'all' is spikeometric's shorthand; list the names: "
                               "spikeometric's \"all\" for this model is theta, r, beta, alpha, "
                               "rel_ref_strength, and stimulus.<name>.strength per stimulus"),
            std::string::npos)
      << message(s, f);
  s.parameters = {TunedParameter{"stimulus"}};
  EXPECT_NE(message(s, f).find("list the names: stimulus.<name>.strength per stimulus"),
            std::string::npos);
  s.parameters = {TunedParameter{"abs_ref_scale"}};
  EXPECT_NE(message(s, f).find("model.abs_ref_scale cannot be tuned: its values are whole numbers"),
            std::string::npos);
  s.parameters = {TunedParameter{"dt"}};
  EXPECT_NE(message(s, f).find("model.dt cannot be tuned: it is the step, one for the whole run"),
            std::string::npos);
  s.parameters = {TunedParameter{"stimulus.nothing.strength"}};
  EXPECT_NE(message(s, f).find("names no stimulus of the deck (it has none)"), std::string::npos);
  StimulusSpec drive;  // a stimulus: of it, the strength alone is tunable
  drive.name = "drive";
  drive.kind = StimulusKind::constant;
  TuneFixture driven({10}, false, "bernoulli_glm", kUncoupled, {drive});
  driven.targets({10.0});
  s.parameters = {TunedParameter{"stimulus.drives.strength"}};
  EXPECT_NE(message(s, driven).find("names no stimulus of the deck (its stimuli: drive)"),
            std::string::npos);
  s.parameters = {TunedParameter{"stimulus.drive.amplitude"}};  // (a sinusoid's: its strength)
  EXPECT_NE(message(s, driven).find("cannot be tuned"), std::string::npos);
  s.parameters = {TunedParameter{"stimulus.drive.start"}};
  EXPECT_NE(message(s, driven).find("'stimulus.drive.start' cannot be tuned: of a stimulus only "
                                    "its strength is (stimulus.drive.strength; of a sinusoid, "
                                    "its amplitude)"),
            std::string::npos);
  StimulusSpec wave;  // a sinusoid: its strength is its amplitude, by either name
  wave.name = "wave";
  wave.kind = StimulusKind::sinusoid;
  TuneFixture waved({10}, false, "bernoulli_glm", kUncoupled, {wave});
  waved.targets({10.0});
  TuneSettings one_epoch = newton_theta();
  one_epoch.max_epochs = 1;
  for (const char* name : {"stimulus.wave.amplitude", "stimulus.wave.strength"}) {
    one_epoch.parameters = {TunedParameter{name}};
    EXPECT_EQ(message(one_epoch, waved), "no error") << name;
  }
  one_epoch.parameters = {TunedParameter{"stimulus.wave.period"}};
  EXPECT_NE(
      message(one_epoch, waved)
          .find("of a sinusoid only its amplitude is (stimulus.wave.amplitude, or .strength)"),
      std::string::npos);
  s.parameters = {TunedParameter{"theta"}, TunedParameter{"r"}};
  s.method = TuneMethod::newton;
  EXPECT_NE(message(s, f).find("use \"adam\""), std::string::npos);
  s.parameters = {};
  EXPECT_NE(message(s, f).find("no parameters to tune"), std::string::npos);
  TuneFixture sam({10}, false, "threshold_sam", {});
  sam.targets({10.0});
  EXPECT_NE(message(newton_theta(), sam).find("threshold emission"), std::string::npos);
}

// Tuned stimulus parameters are named stimulus.<name>.<what>; names may hold dots, so the
// longest name that fits is the one meant (the tuner and the deck keys of messages share this).
TEST(Tuner, StimulusParametersNameTheLongestFittingStimulus) {
  const std::vector<std::string> names{"a", "a.b", "probe"};
  const StimulusParameter dotted = stimulus_parameter("stimulus.a.b.strength", names);
  EXPECT_EQ(dotted.index, 1);
  EXPECT_EQ(dotted.what, "strength");
  const StimulusParameter plain = stimulus_parameter("stimulus.a.start", names);
  EXPECT_EQ(plain.index, 0);
  EXPECT_EQ(plain.what, "start");
  EXPECT_EQ(stimulus_parameter("stimulus.c.strength", names).index, -1);
  EXPECT_EQ(stimulus_parameter("stimulus.probe", names).index, -1);  // (no <what>)
  EXPECT_EQ(stimulus_parameter("theta", names).index, -2);
}

}  // namespace
}  // namespace kascade
