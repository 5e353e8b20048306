#pragma once
// The stimuli of one batch on the device, and their value inside kernels. Per stimulus k:
// its kind, per-network parameters, a 0/1 weight per batch neuron (its targets), and for Poisson
// trains the sorted onsets of each network.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kascade/core/math.hpp"
#include "kascade/stimulus/stimulus.hpp"

namespace kascade {

template <class MemorySpace>
struct BatchStimuli {
  enum Parameter { strength, period, width, start, stop, phase, baseline, n_parameters };
  int count = 0;                                                            // stimuli
  Kokkos::View<int*, MemorySpace> kinds;                                    // [k]
  Kokkos::View<double***, Kokkos::LayoutRight, MemorySpace> parameters;     // [k][network][p]
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> weights;         // [k][batch neuron]
  Kokkos::View<std::size_t**, Kokkos::LayoutRight, MemorySpace> onset_ptr;  // [k][network + 1]
  Kokkos::View<step_t*, MemorySpace> onsets;
  // Loaded stimuli, already scaled and masked, summed: loaded(t - loaded_start, i).
  Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace> loaded;
  step_t loaded_start = 0;

  // sum over stimuli of weight(k, i) * value(k, g, t); t in recorded steps.
  KOKKOS_INLINE_FUNCTION double input(const int g, const ordinal_t i, const step_t t) const {
    double total = 0;
    for (int k = 0; k < count; ++k) {
      const real_t w = weights(k, i);
      if (w != real_t(0)) total += w * value(k, g, static_cast<double>(t));
    }
    const step_t row = t - loaded_start;
    if (row >= 0 && row < static_cast<step_t>(loaded.extent(0))) total += loaded(row, i);
    return total;
  }

  KOKKOS_INLINE_FUNCTION double value(const int k, const int g, const double t) const {
    const double unit = shape(k, g, t);
    const double s = parameters(k, g, strength);
    if (static_cast<StimulusKind>(kinds(k)) == StimulusKind::sinusoid && inside(k, g, t))
      return s * unit + parameters(k, g, baseline);
    return unit == 0 ? 0.0 : s * unit;
  }

  // d value / d strength: the stimulus at unit strength and no baseline (tuning, and value()).
  KOKKOS_INLINE_FUNCTION double shape(const int k, const int g, const double t) const {
    if (!inside(k, g, t)) return 0;
    const double t0 = parameters(k, g, start);
    switch (static_cast<StimulusKind>(kinds(k))) {
      case StimulusKind::regular: {
        const double p = parameters(k, g, period);
        const double phase_in_period = (t - t0) - p * math::floor((t - t0) / p);
        return phase_in_period < parameters(k, g, width) ? 1.0 : 0.0;
      }
      case StimulusKind::poisson: {  // the last onset at or before t, by bisection
        std::size_t lo = onset_ptr(k, g), hi = onset_ptr(k, g + 1);
        if (lo == hi || static_cast<double>(onsets(lo)) > t) return 0;
        while (hi - lo > 1) {
          const std::size_t mid = lo + (hi - lo) / 2;
          if (static_cast<double>(onsets(mid)) <= t)
            lo = mid;
          else
            hi = mid;
        }
        return t - static_cast<double>(onsets(lo)) < parameters(k, g, width) ? 1.0 : 0.0;
      }
      case StimulusKind::sinusoid:
        return math::sin(6.283185307179586 * (t - t0) / parameters(k, g, period) +
                         parameters(k, g, phase));
      case StimulusKind::constant:
        return 1.0;
      case StimulusKind::loaded:  // through `loaded`
        return 0;
    }
    return 0;
  }

  KOKKOS_INLINE_FUNCTION bool inside(const int k, const int g, const double t) const {
    return t >= parameters(k, g, start) && t < parameters(k, g, stop);
  }
};

// A loaded stimulus of a batch on the host: values[t][batch neuron], scaled and masked.
struct LoadedValues {
  step_t start = 0, steps = 0;
  std::vector<real_t> values;
};

// `realised[k][b]`: stimulus k for the batch's network b; `neuron_offset` from the Batch.
template <class MemorySpace>
BatchStimuli<MemorySpace> make_batch_stimuli(
    const std::vector<StimulusKind>& kinds,
    const std::vector<std::vector<RealisedStimulus>>& realised,
    const std::vector<ordinal_t>& neuron_offset, const std::vector<LoadedValues>& loaded = {});

}  // namespace kascade
