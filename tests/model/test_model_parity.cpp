// PoissonGLM, RectifiedLNP, ThresholdSAM and RectifiedSAM against the predecessor's reference
// values (tests/data/glm_fixtures.h5, spec §8.3 checks 2-5): filters, input for the seeded
// states, and rates. Every parameter comes from the file's params/<model> attributes, through
// the preset's build function. Tolerance: close_float32, |got - ref| <= 1e-5 + 1.3e-6 |ref|.
#include <gtest/gtest.h>

#include <Kokkos_Core.hpp>
#include <map>
#include <string>
#include <vector>

#include "engine/engine_test_support.hpp"
#include "fixtures.hpp"
#include "kascade/engine/detail/neuron_step.hpp"  // detail::background_input (internal)
#include "kascade/model/nonlinearity.hpp"
#include "kascade/model/presets.hpp"

namespace kascade {
namespace {

using test::close_float32;

const std::string kFile = test::data_path("glm_fixtures.h5");

// params/<model>@<name> for each name, on top of the preset's defaults.
ParameterSet fixture_params(const std::string& model, const std::vector<const char*>& names,
                            std::map<std::string, double> extra = {}) {
  for (const char* name : names)
    extra[name] = test::read_number_attribute(kFile, "params/" + model, name);
  return preset_defaults(find_preset(model), extra);
}

CascadeModel poisson_glm() {
  return build_poisson_glm(
      fixture_params("poisson_glm", {"alpha", "beta", "T", "tau", "dt", "r", "b"}));
}
CascadeModel rectified_lnp() {
  return build_rectified_lnp(
      fixture_params("rectified_lnp", {"lambda_0", "theta", "T", "tau", "dt", "r", "b"}));
}
// squared_noise = 1: the predecessor's b (1 + n^2 m), the compatibility switch for parity.
CascadeModel threshold_sam(double squared_noise) {
  return build_threshold_sam(fixture_params("threshold_sam",
                                            {"r", "b", "tau", "dt", "sigma", "rho", "theta"},
                                            {{"squared_noise", squared_noise}}));
}
CascadeModel rectified_sam() {
  return build_rectified_sam(
      fixture_params("rectified_sam", {"lambda_0", "theta", "tau", "dt", "r", "b"}));
}

// Engine input for the first step after the given state: previous spikes (history zero except
// lag 0) for the GLMs, activations for the synaptic-trace models.
std::vector<real_t> engine_input(const std::string& network, const CascadeModel& model,
                                 const std::vector<float>& state) {
  const Network net = test::fixture_network(network);
  EXPECT_EQ(state.size(), static_cast<std::size_t>(net.n_neurons));
  Engine<test::Exec> engine(make_batch<test::Mem>({&net}, {0}),
                            make_batch_model<test::Mem>({&model}), EngineSettings{});
  if (model.coupling == Coupling::trace)
    engine.set_activation(test::device_vector(state));
  else
    engine.set_previous_spikes(test::device_vector(state));
  Kokkos::View<real_t*, test::Mem> input("input", state.size());
  engine.compute_input(input);
  return test::host_vector(input);
}

void expect_all_close(const std::vector<real_t>& got, const std::vector<float>& ref,
                      const std::string& what, double atol = 0) {
  ASSERT_EQ(got.size(), ref.size()) << what;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    EXPECT_TRUE(close_float32(got[i], ref[i]))
        << what << " neuron " << i << ": " << got[i] << " vs " << ref[i];
    if (atol > 0) {
      EXPECT_NEAR(got[i], ref[i], atol) << what << " neuron " << i;
    }
  }
}

// The SA inputs are b = 1e-3 plus a synaptic part |r W s0| <= 7.7e-5, so close_float32 (1e-5)
// alone would miss e.g. a trace decayed once too often (1 % of it, 7.7e-7). Tighter bound:
// float32 rounding of the sums (ulp(1e-3) = 1.2e-10 per operation) plus the rectified_sam
// reference's network weights, which differ from networks/uniform_sam by the factor 1.0000987
// (spec §8.1): 1e-4 x 7.7e-5 = 7.7e-9. Bound 2e-8.
constexpr double kSamInputTolerance = 2e-8;

// filters/<model> [E, T] on networks/normal_glorot_std1 (edge_index order): column k holds
// W0_e c(T-1-k), so column T-1 is W0 exactly (lag 0).
void check_filter(const CascadeModel& model, const std::string& dataset) {
  const std::string network = "networks/normal_glorot_std1";
  const int T = static_cast<int>(model.coupling_kernel.size());  // the filter definition
  ASSERT_EQ(model.trace_window, T) << "kept as a windowed exponential trace";
  ASSERT_TRUE(model.self_kernel.empty()) << "no self-edges in the LNP models";
  const auto w0 = test::read_floats(kFile, network + "/W0");
  const auto filter = test::read_floats(kFile, dataset);
  ASSERT_EQ(test::dataset_shape(kFile, dataset),
            (std::vector<std::size_t>{w0.size(), static_cast<std::size_t>(T)}));
  ASSERT_EQ(w0.size(), 193u);
  ASSERT_EQ(T, 200);
  for (std::size_t e = 0; e < w0.size(); ++e)
    for (int k = 0; k < T; ++k) {
      const float got = w0[e] * model.coupling_kernel[T - 1 - k], ref = filter[e * T + k];
      EXPECT_TRUE(close_float32(got, ref))
          << dataset << " edge " << e << " column " << k << ": " << got << " vs " << ref;
    }
  EXPECT_EQ(model.coupling_kernel[0], 1.0f) << "lag 0 weight is W0 exactly";
}

TEST(ModelParity, PoissonGLMFilter) { check_filter(poisson_glm(), "filters/poisson_glm"); }
TEST(ModelParity, RectifiedLNPFilter) { check_filter(rectified_lnp(), "filters/rectified_lnp"); }

// History zero except lag 0 = states/x0: the engine's input equals 0.025 S + 0.001.
TEST(ModelParity, PoissonGLMInput) {
  expect_all_close(
      engine_input("normal_glorot_std1", poisson_glm(), test::read_floats(kFile, "states/x0")),
      test::read_floats(kFile, "expected_input/poisson_glm"), "poisson_glm");
}

TEST(ModelParity, RectifiedLNPInput) {
  expect_all_close(
      engine_input("normal_glorot_std1", rectified_lnp(), test::read_floats(kFile, "states/x0")),
      test::read_floats(kFile, "expected_input/rectified_lnp"), "rectified_lnp");
}

// Activation states/s0 on networks/uniform_sam: input 0.025 W s0 + 0.001.
TEST(ModelParity, RectifiedSAMInput) {
  expect_all_close(
      engine_input("uniform_sam", rectified_sam(), test::read_floats(kFile, "states/s0")),
      test::read_floats(kFile, "expected_input/rectified_sam"), "rectified_sam",
      kSamInputTolerance);
}

// The engine's r W s0 (noise off, b = 0) plus the predecessor's background b (1 + n^2 m) with
// the exported draw (states/threshold_sam_noise n ~ Normal(0, sigma), states/threshold_sam_mask
// m) gives expected_input/threshold_sam.
TEST(ModelParity, ThresholdSAMInput) {
  const CascadeModel model = threshold_sam(1);
  ASSERT_EQ(model.noise, BackgroundNoise::squared_gaussian);
  CascadeModel coupled_only = model;
  coupled_only.noise = BackgroundNoise::none;
  coupled_only.b = 0;
  const auto coupled =
      engine_input("uniform_sam", coupled_only, test::read_floats(kFile, "states/s0"));
  const auto noise = test::read_floats(kFile, "states/threshold_sam_noise");
  const auto mask = test::read_ints(kFile, "states/threshold_sam_mask");
  const auto expected = test::read_floats(kFile, "expected_input/threshold_sam");
  ASSERT_EQ(noise.size(), coupled.size());
  ASSERT_EQ(mask.size(), coupled.size());
  std::vector<real_t> got(coupled.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    got[i] = coupled[i] + detail::background_input(model.noise, model.b, noise[i], mask[i] != 0);
  expect_all_close(got, expected, "threshold_sam", kSamInputTolerance);
}

// §10.1 defect 2: kascade's default background is b (1 + n m), which is inhibitory where the
// mask is set and n < 0 (neuron 11 of the fixture draw: n = -0.109); the squared form can only
// raise it. Unmasked neurons get exactly b either way. The difference b (n - n^2) at neuron 11 is
// 1.2e-4, twelve times the tolerance.
TEST(ModelParity, ThresholdSAMDefaultNoiseIsNotSquared) {
  const CascadeModel fixed = threshold_sam(0), compat = threshold_sam(1);
  EXPECT_EQ(fixed.noise, BackgroundNoise::sparse_gaussian);
  EXPECT_EQ(build_threshold_sam(preset_defaults(find_preset("threshold_sam"))).noise,
            BackgroundNoise::sparse_gaussian)
      << "the preset's default must be the fixed formula";
  const auto noise = test::read_floats(kFile, "states/threshold_sam_noise");
  const auto mask = test::read_ints(kFile, "states/threshold_sam_mask");
  int inhibitory = 0;
  for (std::size_t i = 0; i < noise.size(); ++i) {
    const bool m = mask[i] != 0;
    const real_t a = detail::background_input(fixed.noise, fixed.b, noise[i], m);
    const real_t s = detail::background_input(compat.noise, compat.b, noise[i], m);
    EXPECT_EQ(s, compat.b * (1 + (m ? noise[i] * noise[i] : 0.0f))) << i;
    EXPECT_EQ(a, fixed.b * (1 + (m ? noise[i] : 0.0f))) << i;
    if (!m) {
      EXPECT_EQ(a, fixed.b) << i;
      EXPECT_EQ(s, fixed.b) << i;
    } else if (noise[i] < 0) {
      ++inhibitory;
      EXPECT_LT(a, fixed.b) << "neuron " << i << ": negative noise lowers the background";
      EXPECT_GT(s, fixed.b) << "neuron " << i << ": the squared noise raises it";
      EXPECT_FALSE(close_float32(a, s)) << "neuron " << i;
    }
  }
  EXPECT_EQ(inhibitory, 1) << "the fixture draw has one masked neuron with n < 0";
}

// lambda dt = gain phi(slope (g - theta)) dt on expected_input equals expected_rates.
void check_rates(const CascadeModel& m, const std::string& model) {
  const auto input = test::read_floats(kFile, "expected_input/" + model);
  const auto expected = test::read_floats(kFile, "expected_rates/" + model);
  std::vector<real_t> got;
  for (float g : input)
    got.push_back(apply_nonlinearity(m.nonlinearity, g, m.theta, m.gain, m.slope) * m.dt);
  expect_all_close(got, expected, model + " rates");
}

TEST(ModelParity, PoissonGLMRates) {
  const CascadeModel m = poisson_glm();
  EXPECT_EQ(m.nonlinearity, Nonlinearity::exponential);
  EXPECT_EQ(m.emission, Emission::poisson);
  check_rates(m, "poisson_glm");
}

TEST(ModelParity, RectifiedLNPRates) {
  const CascadeModel m = rectified_lnp();
  EXPECT_EQ(m.nonlinearity, Nonlinearity::rectified_linear);
  EXPECT_EQ(m.emission, Emission::poisson);
  check_rates(m, "rectified_lnp");
}

TEST(ModelParity, RectifiedSAMRates) {
  const CascadeModel m = rectified_sam();
  EXPECT_EQ(m.nonlinearity, Nonlinearity::rectified_linear);
  EXPECT_EQ(m.emission, Emission::poisson);
  EXPECT_EQ(m.coupling, Coupling::trace);
  check_rates(m, "rectified_sam");
}

// ThresholdSAM's "rate" is its input (identity). kascade folds theta into lambda = g - theta,
// so lambda + theta reproduces the predecessor's rate, and the emission [lambda > 0] = [g > theta]
// is false for every neuron (max input 0.0010025 < theta = 0.001378), as expected_output.
TEST(ModelParity, ThresholdSAMRatesAndEmission) {
  const CascadeModel m = threshold_sam(1);
  EXPECT_EQ(m.nonlinearity, Nonlinearity::identity);
  EXPECT_EQ(m.emission, Emission::threshold);
  EXPECT_EQ(m.coupling, Coupling::trace);
  const auto input = test::read_floats(kFile, "expected_input/threshold_sam");
  const auto expected = test::read_floats(kFile, "expected_rates/threshold_sam");
  ASSERT_EQ(input.size(), expected.size());
  for (std::size_t i = 0; i < input.size(); ++i) {
    const real_t lambda = apply_nonlinearity(m.nonlinearity, input[i], m.theta, m.gain, m.slope);
    EXPECT_TRUE(close_float32(lambda + m.theta, expected[i])) << i;
    EXPECT_FALSE(lambda > 0) << "neuron " << i << " would spike: input " << input[i];
  }
}

}  // namespace
}  // namespace kascade
