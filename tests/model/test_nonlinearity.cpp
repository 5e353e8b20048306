// The nonlinearities (include/kascade/model/nonlinearity.hpp), lambda = gain phi(slope (g -
// theta)), against closed forms from <cmath>.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <map>

#include "kascade/model/nonlinearity.hpp"

namespace kascade {
namespace {

// lambda = gain phi(slope (g - theta)) against std:: closed forms in double. The points make
// slope (g - theta) exact in float32 (dyadic), so only phi's own float32 evaluation errs: a few
// operations of 2^-24 = 6e-8 each, bound 1e-6 |ref| (+ 1e-30 for values that underflow float32,
// e.g. Phi(-15.4) ~ 1e-53). g = 14 and 20 take softplus's large-x branch (x > 20).
TEST(Nonlinearity, ValuesMatchClosedForms) {
  const double gain = 2, slope = 1.5, theta = 0.25;
  const std::map<Nonlinearity, std::function<double(double)>> phi{
      {Nonlinearity::sigmoid, [](double x) { return 1 / (1 + std::exp(-x)); }},
      {Nonlinearity::exponential, [](double x) { return std::exp(x); }},
      {Nonlinearity::rectified_linear, [](double x) { return x > 0 ? x : 0.0; }},
      {Nonlinearity::identity, [](double x) { return x; }},
      {Nonlinearity::softplus, [](double x) { return std::log1p(std::exp(x)); }},
      {Nonlinearity::erfc, [](double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }}};
  for (const auto& [f, ref_phi] : phi)
    for (const float g : {-10.0f, -1.5f, 0.0f, 0.25f, 0.75f, 2.0f, 14.0f, 20.0f}) {
      const double x = slope * (double(g) - theta), ref = gain * ref_phi(x);
      const double got = apply_nonlinearity(f, g, real_t(theta), real_t(gain), real_t(slope));
      EXPECT_NEAR(got, ref, 1e-6 * std::fabs(ref) + 1e-30) << to_string(f) << " at g = " << g;
    }
  // softplus does not overflow where e^x does in float32 (x = 149.625).
  EXPECT_EQ(apply_nonlinearity(Nonlinearity::softplus, 100.0f, real_t(theta), real_t(gain),
                               real_t(slope)),
            real_t(2 * 149.625));
  // erfc is the standard normal CDF: Phi(0) = 1/2, Phi(1.959964) = 0.975, Phi(-1) = 0.158655.
  const auto Phi = [](float x) { return apply_nonlinearity(Nonlinearity::erfc, x, 0, 1, 1); };
  EXPECT_FLOAT_EQ(Phi(0.0f), 0.5f);
  EXPECT_NEAR(Phi(1.959964f), 0.975, 1e-6);
  EXPECT_NEAR(Phi(-1.0f), 0.158655254, 1e-6);
}

}  // namespace
}  // namespace kascade
