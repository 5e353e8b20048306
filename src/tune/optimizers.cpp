#include "kascade/tune/optimizers.hpp"

#include <algorithm>
#include <cmath>

namespace kascade {

double AdamStep::step(double g) {
  ++t_;
  m_ = beta1_ * m_ + (1 - beta1_) * g;
  v_ = beta2_ * v_ + (1 - beta2_) * g * g;
  const double m_hat = m_ / (1 - std::pow(beta1_, t_));
  const double v_hat = v_ / (1 - std::pow(beta2_, t_));
  return -lr_ * m_hat / (std::sqrt(v_hat) + epsilon_);
}

double NewtonRootFinder::step(double p, double rate, double rate_slope, double target) {
  if (converged_ || failed_) return p;
  if (std::isnan(first_value_)) first_value_ = p;
  if (std::isnan(rate)) {  // (no estimate: nothing to go by; a NaN had become the next value)
    failed_ = true;
    return p;
  }
  const bool overflow = rate == HUGE_VAL;
  if (!(rate > 0) || overflow) {  // no rate to take the log of
    // An overflowing rate is above any target; none at all (a rectified rate can be exactly 0)
    // below. Each counts as the search's epoch of no closer an error than any rate: epochs of
    // them after one with a rate stop as out of reach, at the value of the least error.
    (overflow ? hi_ : lo_) = p;
    (overflow ? hi_without_rate_ : lo_without_rate_) = true;
    searched_.push_back({p, HUGE_VAL});
    const Bracket b = bracket();
    if (b == Bracket::jump) return gave_up();
    if (b == Bracket::open) {  // the slope here says nothing
      last_step_ = 0.5 * (lo_ + hi_) - p;
      return stepped(p);
    }
    // Held (at a bound of tune.bounds), or no rate for as many epochs: stopped.
    if (held(searched_, p) || came_no_closer()) return gave_up();
    if (!overflow && rate_slope != 0 && std::isfinite(rate_slope)) {
      const double linear = (target - std::max(rate, 0.0)) / rate_slope;
      last_step_ =
          std::fabs(last_step_) > 0 ? std::copysign(2 * std::fabs(last_step_), linear) : linear;
      return stepped(p);
    }
    // Back halfway to the last value that had a rate (a step had gone the wrong way: a rate
    // that does not move monotonically, or a slope that misled), else away from here the way
    // the model tells (set_rising), twice as far each time; else nothing to go by.
    if (!std::isnan(rated_value_)) {
      last_step_ = 0.5 * (rated_value_ - p);
      return stepped(p);
    }
    if (rising_ == 0) {
      failed_ = true;
      return p;
    }
    const double size =
        std::fabs(last_step_) > 0 ? 2 * std::fabs(last_step_) : std::max(std::fabs(p), 1.0);
    last_step_ = std::copysign(size, overflow ? -rising_ : rising_);
    return stepped(p);
  }
  rated_value_ = p;
  const double e = std::log(rate / target);
  const double s = rate_slope / rate;  // d log(rate) / dp
  if (!std::isfinite(e)) {             // (a target so small that no rate compares with it)
    failed_ = true;
    return p;
  }
  (e < 0 ? lo_ : hi_) = p;
  (e < 0 ? lo_without_rate_ : hi_without_rate_) = false;
  if (!averaging_ && std::fabs(e) > tolerance_) {
    if (s != 0 && std::isfinite(s)) {  // (the search's slopes bound the averaging's from below)
      least_slope_ = least_slope_ > 0 ? std::min(least_slope_, std::fabs(s)) : std::fabs(s);
      search_sign_ = s;
    }
    const double next = search(p, e, s);
    if (std::isfinite(next)) longest_step_ = std::max(longest_step_, std::fabs(next - p));
    return next;
  }
  if (!averaging_) begin_averaging();  // (this epoch's error, within the tolerance, counts)
  // Averaging: Robbins-Monro on the running mean slope. Values that drift away (the mean of the
  // last 8 errors beyond 12 tolerances: a rate that does not move monotonically with p, where
  // the averaging had walked r to -84 while the rate rose to 800 Hz) go back to the search,
  // which stops them, out of reach, at the value of the least error it saw (this phase's too).
  averaged_values_.push_back({p, e});
  if (averaged_values_.size() >= static_cast<std::size_t>(give_up_after)) {
    const double beyond = beyond_noise(averaged_values_);
    if (beyond > 12 * tolerance_) {
      averaging_ = false, lo_ = hi_ = NAN, bracketed_steps_ = 0;
      left_averaging_.insert(left_averaging_.end(), averaged_values_.begin(),
                             averaged_values_.end() - 1);  // (closest_seen's, not the search's)
      return search(p, e, s);
    }
    // ... and a value held (at a bound) whose errors stay beyond the tolerance is out of reach
    // (one at its bound 24 % short had averaged all its epochs).
    if (beyond > tolerance_ && held(averaged_values_, p)) {
      failed_ = out_of_reach_ = true;
      return p;
    }
  }
  ++averaged_;
  if (s > 0 || s < 0) slope_sum_ += s;
  error_sum_ += e;
  error_sq_ += e * e;
  const int j = averaged_;
  double slope = slope_sum_ != 0 ? slope_sum_ / j : s;
  // Where the rate levels off (a stimulus saturating its targets) its slope there says nothing
  // of the way to the root (~0: a strength of 58 stepped to -3e7): a slope below an eighth of
  // the least the search saw takes that eighth, with the search's sign. (Not a secant of the
  // search's errors: with noisy epochs that is noise, and had held values 10-70 % off.)
  if (floor_ > 0 && !(std::fabs(slope) >= floor_)) slope = std::copysign(floor_, search_sign_);
  if (j >= 6) {  // the error left after averaging j estimates: about sigma / sqrt(j)
    const double mean = error_sum_ / j;
    const double var = std::max(0.0, (error_sq_ - j * mean * mean) / (j - 1));
    // Three standard errors, widened to Student's t (Cornish-Fisher) for the j - 1 degrees of
    // freedom of sigma's estimate: a lucky small spread among few epochs does not stop early.
    const double nu = j - 1, t = 3.0 + 7.5 / nu + 17.25 / (nu * nu);
    // ... and the errors' mean within the tolerance too (at a bound the value cannot move, the
    // errors do not spread, and the error itself stays). Not within the tolerance plus that
    // spread, as it was: tuning a stimulus strength of 20 coupled networks toward 9 Hz, 8 of 19
    // networks called converged then fired over 5 % off (with the rules here 19 of 20 converge,
    // one 5.5 % off; 300 networks' theta toward 10 Hz took as many epochs either way).
    const double spread = t * std::sqrt(var / j);
    converged_ = spread < tolerance_ && std::fabs(mean) < tolerance_;
  }
  if (!(slope != 0) || !std::isfinite(slope)) return p;
  // The gain 1 / k, k growing by 2 at each change of the error's sign (Kesten), at most j: where
  // the analytic slope overstates the rate's response (refractoriness and coupling, which a
  // one-step-deep derivative leaves out), 1 / j stepped too little, and the values converged
  // from the side they came from (2-3 % off on average, from 4x too steep a slope); with a slope
  // that is right the errors change sign about every other epoch, and k keeps up with j.
  if (j > 1 && (e > 0) != (previous_error_ > 0)) gain_index_ = std::min(j, gain_index_ + 2);
  previous_error_ = e;
  // (the reach bounds the step before the gain: clamped after it, the gain no longer shrank the
  // steps, and a plateau's values cycled by the reach for all their epochs)
  const double newton = -e / slope;
  last_step_ = (reach_ > 0 ? std::clamp(newton, -reach_, reach_) : newton) / gain_index_;
  return p + last_step_;
}

double NewtonRootFinder::stepped(const double p) {
  longest_step_ = std::max(longest_step_, std::fabs(last_step_));
  return p + last_step_;
}

double NewtonRootFinder::beyond_noise(const std::vector<Searched>& values) {
  const auto last = static_cast<std::size_t>(give_up_after);
  double mean = 0, sq = 0;
  for (auto k = values.size() - last; k < values.size(); ++k) mean += values[k].error / last;
  for (auto k = values.size() - last; k < values.size(); ++k)
    sq += (values[k].error - mean) * (values[k].error - mean);
  return std::fabs(mean) - 4 * std::sqrt(sq / (last - 1)) / std::sqrt(double(last));
}

bool NewtonRootFinder::closer(const Searched& a, const Searched& b) {
  return std::fabs(a.error) < std::fabs(b.error);
}

bool NewtonRootFinder::held(const std::vector<Searched>& values, const double p) {
  return values.size() >= static_cast<std::size_t>(give_up_after) &&
         std::all_of(values.end() - give_up_after, values.end(),
                     [p](const Searched& x) { return x.p == p; });
}

// Out of reach when the last epochs came no closer than the ones before, by the tolerance or a
// quarter of the error left (a slow but steady approach goes on; a value held at a bound, Newton
// jumping about a rate's least value, or epochs of no rate do not), or when none of them had a
// rate at all.
bool NewtonRootFinder::came_no_closer() const {
  const std::size_t recent = give_up_after;
  if (searched_.size() <= search_start_ + recent) return false;
  const auto best_before =
      std::min_element(searched_.begin() + search_start_, searched_.end() - recent, closer);
  const auto best_recent = std::min_element(searched_.end() - recent, searched_.end(), closer);
  if (best_recent->error == HUGE_VAL) return true;
  const double before = std::fabs(best_before->error), gain = std::min(tolerance_, 0.25 * before);
  return std::fabs(best_recent->error) > before - gain;
}

// Whether values on either side of the target are known (open), none, or the bracket is
// bisected down to a millionth of the value's scale. Then, with an end that had no rate, the
// rate jumps over the target there (a network that either falls silent or runs away; bisected
// on, a rectified LNP's theta had sat at the join for 75 epochs at 0 Hz): out of reach. Else one
// of its ends was a noisy estimate on the wrong side: the bracket is forgotten and the search
// goes on from here, judged afresh (came_no_closer).
NewtonRootFinder::Bracket NewtonRootFinder::bracket() {
  if (std::isnan(lo_) || std::isnan(hi_)) return Bracket::none;
  const double scale = std::max({std::fabs(lo_), std::fabs(hi_), std::fabs(first_value_)});
  if (std::fabs(hi_ - lo_) > 1e-6 * scale) return Bracket::open;
  if (lo_without_rate_ || hi_without_rate_) return Bracket::jump;
  lo_ = hi_ = NAN;
  search_start_ = searched_.size();
  last_step_ = 0, bracketed_steps_ = 0;
  return Bracket::none;
}

// Stopped short of the target: out of reach at the closest value seen where some value had a
// rate, else (none had: overflowing or silent wherever it went) as it was, with no rate.
double NewtonRootFinder::gave_up() {
  failed_ = true;
  const auto rated = [](const Searched& x) { return std::isfinite(x.error); };
  if (std::none_of(searched_.begin(), searched_.end(), rated) &&
      std::none_of(left_averaging_.begin(), left_averaging_.end(), rated))
    return first_value_;
  out_of_reach_ = true;
  const Searched kept = closest_seen();
  kept_error_ = kept.error;
  return kept.p;
}

// ... but the first value where none came closer than it by the tolerance: a rate that barely
// moves (alpha, whose steps of 16 times its scale had left coupling kernels of alpha = 819
// with the rate as it was) keeps the deck's value.
NewtonRootFinder::Searched NewtonRootFinder::closest_seen() const {
  const auto best = std::min_element(searched_.begin(), searched_.end(), closer);
  const auto left = std::min_element(left_averaging_.begin(), left_averaging_.end(), closer);
  const Searched& closest = left != left_averaging_.end() && closer(*left, *best) ? *left : *best;
  const Searched& first = searched_.front();
  return first.p == first_value_ && std::fabs(first.error) <= std::fabs(closest.error) + tolerance_
             ? first
             : closest;
}

void NewtonRootFinder::begin_averaging() {
  averaging_ = true, averaged_ = 0, slope_sum_ = error_sum_ = error_sq_ = 0;
  gain_index_ = 1;
  averaged_values_.clear();
  floor_ = least_slope_ / 8, reach_ = 2 * longest_step_;  // (0 without a search: no bounds)
}

// A step of the search from p, where the error is e (beyond the tolerance) and its slope s.
double NewtonRootFinder::search(const double p, const double e, const double s) {
  searched_.push_back({p, e});
  const Bracket known = bracket();
  if (known == Bracket::jump) return gave_up();
  const bool bracketed = known == Bracket::open;
  // A value that has not moved for as many epochs, its error beyond the tolerance, is held (at a
  // bound of tune.bounds): out of reach, also inside a bracket that noisy epochs made (a value
  // at its bound, 24 % short, had searched all its epochs).
  if (held(searched_, p) && beyond_noise(searched_) > tolerance_) {
    failed_ = out_of_reach_ = true;
    return p;
  }
  if (!bracketed && came_no_closer()) return gave_up();
  const double d = s != 0 && std::isfinite(s) ? -e / s : 0;
  if (!bracketed) {
    if (d == 0) return gave_up();  // the rate does not change with p here: out of reach of it
    // At most 16 times the longest step so far, |p| or the first value's |p| (the parameter's
    // scale; no limit while all are 0): where the rate's slope is ~0 far from the root (a rate
    // that levels off short of the target, or whose least is above it) one step had sent alpha
    // and r to 3.4e38.
    const double scale = std::max({longest_step_, std::fabs(p), std::fabs(first_value_)});
    last_step_ = scale > 0 ? std::clamp(d, -16 * scale, 16 * scale) : d;
    return p + last_step_;
  }
  const double a = std::min(lo_, hi_), b = std::max(lo_, hi_);
  // (a Newton step within 1 % of the bracket's width from an end bisects instead: with a slope
  // understated 2x, noise-free, steps had crept along the end without shrinking the bracket)
  const double margin = 0.01 * (b - a);
  if (d != 0 && p + d > a + margin && p + d < b - margin) {
    last_step_ = d;
    // Near the root the averaging begins, this epoch's error its first (what is left there is
    // the estimates' noise); after a few such steps from farther (noisy estimates far apart) it
    // begins with the next epoch; else Newton goes on.
    constexpr double near = 4;
    if (std::fabs(e) <= near * tolerance_) {
      begin_averaging();
      averaged_ = 1, slope_sum_ = s, error_sum_ = e, error_sq_ = e * e;
    } else if (++bracketed_steps_ >= 4) {
      begin_averaging();
    }
    return p + d;
  }
  last_step_ = 0.5 * (a + b) - p;
  return p + last_step_;
}

}  // namespace kascade
