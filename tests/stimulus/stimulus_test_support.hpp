#pragma once
// Helpers shared by the stimulus tests: stimulus definitions in one call, an independent host
// reference of each kind's value (written from the documented semantics, not from the library),
// and the statistical constants.
//
// Significance 1e-6 throughout: z = 4.8916 two-sided (scipy.stats.norm.isf(0.5e-6)) for means,
// z = 4.7534 one-sided (norm.isf(1e-6)) for one-sided bounds and chi-square upper quantiles by
// Wilson-Hilferty (as tests/random/test_philox.cpp). For 10 <= df <= 50 the approximation lies
// above scipy.stats.chi2.isf(1e-6, df) by 0.4-2 % (df 18: 62.69 vs 61.91; df 49: 111.57 vs
// 111.14), so it errs on the conservative side.
#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "kascade/stimulus/stimulus.hpp"

namespace kascade::test {

constexpr double z_two_sided_1e6 = 4.8916;
constexpr double z_one_sided_1e6 = 4.7534;

inline double chi2_upper(double df, double z = z_one_sided_1e6) {
  const double a = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - a + z * std::sqrt(a), 3.0);
}

// A stimulus acting on every neuron; parameters not given keep their defaults.
inline StimulusSpec stimulus(StimulusKind kind, std::map<std::string, std::vector<double>> values,
                             const std::string& name = "probe") {
  StimulusSpec s;
  s.kind = kind;
  s.name = name;
  s.values = std::move(values);
  return s;
}

inline StimulusSpec on_lists(StimulusSpec s, std::vector<std::vector<ordinal_t>> lists) {
  s.targeting = Targeting::list;
  s.lists = std::move(lists);
  return s;
}

inline StimulusSpec on_random(StimulusSpec s, Targeting targeting, std::vector<double> amount) {
  s.targeting = targeting;
  s.amount = std::move(amount);
  return s;
}

// The value of a realised stimulus at recorded step t, from the semantics in the issue:
// regular pulses anchored at start, Poisson pulses `width` long after each onset (overlapping
// pulses do not add), the sinusoid and the constant inside [start, stop). Integer timing.
inline double reference_value(StimulusKind kind, const RealisedStimulus& r, step_t t) {
  if (static_cast<double>(t) < r.start || static_cast<double>(t) >= r.stop) return 0;
  switch (kind) {
    case StimulusKind::regular: {
      const auto p = std::llround(r.period);
      const auto since = t - std::llround(r.start);
      return ((since % p) + p) % p < r.width ? r.strength : 0.0;
    }
    case StimulusKind::poisson:
      for (step_t o : r.onsets)
        if (o <= t && static_cast<double>(t - o) < r.width) return r.strength;
      return 0;
    case StimulusKind::sinusoid:
      return r.strength *
                 std::sin(2 * M_PI * (static_cast<double>(t) - r.start) / r.period + r.phase) +
             r.baseline;
    case StimulusKind::constant:
      return r.strength;
    case StimulusKind::loaded:  // (an array per neuron: test_loaded.cpp checks it)
      throw std::logic_error("reference_value: a loaded stimulus has no closed form");
  }
  return 0;
}

}  // namespace kascade::test
