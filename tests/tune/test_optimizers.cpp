// The root finder on noise-free rate functions, where each of its branches can be followed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kascade/tune/optimizers.hpp"

namespace kascade {
namespace {

// A rectified-linear rate that falls with p (as with theta): 100 (1 - p) Hz above 0, 0 beyond
// p = 1, with a slope of 0 there. Target 20 Hz: the root is p = 0.8.
double rectified_rate(double p) { return std::max(0.0, 100.0 * (1.0 - p)); }
double rectified_slope(double p) { return p < 1.0 ? -100.0 : 0.0; }

TEST(NewtonRootFinder, BisectsBackWhenAStepLandsWhereTheRateIsZero) {
  NewtonRootFinder finder(0.01);
  // From p = -0.31 (131 Hz) the Newton step in log(rate) lands at p ~ 2.15, where the rate
  // and its slope are 0: with the bracket [-0.31, 2.15] known, the finder bisects back (it used
  // to give up there, leaving the network silent).
  double p = -0.31;
  bool landed_at_zero = false;
  for (int epoch = 0; epoch < 200 && !finder.converged() && !finder.failed(); ++epoch) {
    landed_at_zero = landed_at_zero || rectified_rate(p) == 0;
    p = finder.step(p, rectified_rate(p), rectified_slope(p), 20.0);
  }
  EXPECT_TRUE(landed_at_zero) << "the case did not arise: the test would prove nothing";
  EXPECT_FALSE(finder.failed());
  // (Without noise the averaging phase, gain 1 / j, closes in slowly from one side: within 1 %
  // of the rate after 200 epochs, from 7.9 Hz at the first estimate past the bisection.)
  EXPECT_NEAR(p, 0.8, 0.002);
}

TEST(NewtonRootFinder, FailsAtZeroRateOnlyWithoutABracket) {
  NewtonRootFinder finder(0.01);
  const double p = 2.0;  // rate 0, slope 0, nothing known: nothing to go by
  EXPECT_EQ(finder.step(p, rectified_rate(p), rectified_slope(p), 20.0), p);
  EXPECT_TRUE(finder.failed());
}

TEST(NewtonRootFinder, AnErrorThatDoesNotSpreadIsNotConvergence) {
  // The value pinned at a bound (the caller cannot move it) once a Newton step has landed inside
  // the bracket [5, 8] (averaging begins): the errors are all the same, their spread 0, but
  // their mean is far from 0.
  NewtonRootFinder finder(0.05);
  finder.step(5.0, 4.0, -1.0, 2.0);  // above the target
  const double p = 8.0;              // below it, and pinned there
  const double first = finder.step(p, 0.335, -0.5, 2.0);
  ASSERT_GT(first, 5.0);  // a Newton step inside the bracket: the averaging phase
  ASSERT_LT(first, 8.0);
  ASSERT_NE(first, 6.5);  // (not the bisection)
  for (int epoch = 0; epoch < 30; ++epoch) finder.step(p, 0.335, -0.5, 2.0);
  EXPECT_FALSE(finder.converged());
  EXPECT_FALSE(finder.failed());
}

}  // namespace
}  // namespace kascade
