#pragma once
// The optimisers of one scalar parameter, fed one noisy estimate per epoch.
#include <cmath>
#include <vector>

namespace kascade {

// Adam on dL/dp, with the predecessor's defaults (lr 0.1, betas 0.9 / 0.999, eps 1e-8).
class AdamStep {
 public:
  AdamStep(double lr, double beta1, double beta2, double epsilon)
      : lr_(lr), beta1_(beta1), beta2_(beta2), epsilon_(epsilon) {}
  // The change of p for gradient `g`.
  double step(double g);

 private:
  double lr_, beta1_, beta2_, epsilon_, m_ = 0, v_ = 0;
  int t_ = 0;
};

// Root finder for one parameter that moves the rate monotonically, on the error
// e = log(rate / target) with slope s = d log(rate) / dp from the analytic gradient:
// safeguarded Newton steps (bisection once the error has changed sign and Newton leaves the
// bracket) until the error is within the tolerance, or a Newton step inside the bracket starts
// from an error within a few tolerances (what is left there is the estimates' noise), then
// Robbins-Monro averaging p <- p - e / (k s_mean), which averages out the noise: the error left
// after j epochs is about sigma / sqrt(j). (k grows by 2 at each change of the error's sign, at
// most j: Kesten's rule, so that a slope that overstates the rate's response still gets there.) The
// search's errors farther out never enter the averages (one would take ~|e| / tolerance epochs to
// wash out of their mean). Converged, after at least six such epochs, when three such standard
// errors (sigma from the epochs' own spread, the factor widened to Student's t for its j - 1
// degrees of freedom) are below the tolerance and the errors' mean is within the tolerance of 0.
// The averaging's slope is at least an eighth of the least the search saw, and its steps at most
// twice the search's longest (a rate that levels off past the target has a slope of ~0 there). An
// epoch with no rate to take the log of (0: a rectified rate below its threshold; or an
// overflow) bisects into the bracket when there is one, else steps back halfway to the last
// value that had a rate, else away the way the model tells (set_rising), doubling; else fails.
// A bracket bisected to nothing with such an end is a jump over the target: out of reach. A
// search without a bracket whose last `give_up_after` epochs came no closer than the ones before
// (by the tolerance, or a quarter of the error), or had no rate at all, stops (out_of_reach(): a
// value held at a bound, a rate whose least value is above the target), returning the value of
// the least error it saw (the first value where none came closer than it by the tolerance); where
// no value had a rate, it fails (not out of reach) and returns the first value.
class NewtonRootFinder {
 public:
  static constexpr int give_up_after = 8;
  explicit NewtonRootFinder(double tolerance) : tolerance_(tolerance) {}
  // The next value of p given the rate estimate at p; `rate_slope` = d rate / dp.
  double step(double p, double rate, double rate_slope, double target);
  bool converged() const { return converged_; }
  // Stopped without converging: no rate and nothing to go by, or out of reach.
  bool failed() const { return failed_; }
  bool out_of_reach() const { return out_of_reach_; }
  // Out of reach at a value seen before: the error log(rate / target) estimated there (NaN
  // otherwise: the last epoch's value and rate).
  double kept_error() const { return kept_error_; }
  // The sign of d rate / dp where the model alone tells it (a parameter that only shifts the
  // input, as b and theta do), else 0: the way down from a rate that overflowed, whose slope
  // is then no number either.
  void set_rising(double sign) { rising_ = sign; }

 private:
  struct Searched {
    double p, error;  // a value, and its error e
  };
  double search(double p, double e, double s);
  // The averaging phase begins: its sums start over; the search's least slope and longest step
  // bound its slope from below and its steps from above (twice the step: a reach, not a box).
  void begin_averaging();
  double stepped(double p);  // p + last_step_, noting the search's longest step
  // The value (and error) of the least error the search or an averaging that drifted away saw,
  // or the first value where none came closer than it by the tolerance.
  Searched closest_seen() const;
  bool came_no_closer() const;  // the search's last epochs brought the rate no closer
  enum class Bracket { none, open, jump };
  Bracket bracket();  // values on either side of the target known (open), or not
  double gave_up();   // stops: out of reach at closest_seen(), or failed with no rate
  // Whether p is the value of the last give_up_after of `values` (the caller held it at a bound).
  static bool held(const std::vector<Searched>& values, double p);
  // How far the mean error of the last give_up_after of `values` lies beyond its noise: |mean|
  // less four standard errors.
  static double beyond_noise(const std::vector<Searched>& values);
  static bool closer(const Searched& a, const Searched& b);  // the smaller |error|

  double tolerance_;
  double lo_ = NAN, hi_ = NAN;  // values with rate below / above the target
  bool lo_without_rate_ = false, hi_without_rate_ = false;  // ... that was 0 / overflowed
  // The search's least |slope| and its sign, and its longest step (0: none yet); the averaging's
  // least |slope| and longest step, from them (0: no bound).
  double least_slope_ = 0, search_sign_ = 0, longest_step_ = 0;
  double floor_ = 0, reach_ = 0;
  double first_value_ = NAN;  // the first p (the parameter's scale)
  double rising_ = 0;         // set_rising()
  double rated_value_ = NAN;  // the last p whose rate was finite and above 0
  double kept_error_ = NAN;   // kept_error()
  int gain_index_ = 1;        // the averaging's gain is 1 / gain_index_ (Kesten's rule)
  std::vector<Searched> averaged_values_;  // the averaging's (apart from the search's)
  std::vector<Searched> left_averaging_;   // those of averagings that drifted away
  double previous_error_ = 0;              // the averaging's last epoch's
  double last_step_ = 0;
  std::vector<Searched> searched_;
  std::size_t search_start_ = 0;  // the first of searched_ since a bracket was forgotten
  int bracketed_steps_ = 0;
  bool averaging_ = false;
  int averaged_ = 0;  // epochs in the averaging phase
  double slope_sum_ = 0, error_sum_ = 0, error_sq_ = 0;
  bool converged_ = false, failed_ = false, out_of_reach_ = false;
};

}  // namespace kascade
