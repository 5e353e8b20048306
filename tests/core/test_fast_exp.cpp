// fast_exp against the correctly rounded exp (double): at most 2 float ulp over the whole
// clamped range, exact at 0, and clamping at the ends.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "kascade/core/fast_exp.hpp"

namespace kascade {
namespace {

double ulp_error(float x) {
  const double exact = std::exp(static_cast<double>(x));
  const float got = math::fast_exp(x);
  const float rounded = static_cast<float>(exact);
  const double ulp = std::nextafter(rounded, std::numeric_limits<float>::infinity()) - rounded;
  return std::fabs(got - exact) / ulp;
}

TEST(FastExp, WithinTwoUlpOverTheRange) {
  double worst = 0;
  float worst_x = 0;
  for (float x = -87.0f; x < 88.0f; x += 0.000731f) {
    const double e = ulp_error(x);
    if (e > worst) worst = e, worst_x = x;
  }
  EXPECT_LE(worst, 2.0) << "at x = " << worst_x;
  EXPECT_EQ(math::fast_exp(0.0f), 1.0f);
}

TEST(FastExp, ClampsInsteadOfOverflowing) {
  EXPECT_GT(math::fast_exp(-1000.0f), 0.0f);
  EXPECT_LT(math::fast_exp(-1000.0f), 1e-37f);
  EXPECT_TRUE(std::isfinite(math::fast_exp(1000.0f)));
}

}  // namespace
}  // namespace kascade
