#pragma once
// The stimuli of one batch on the device, and their value inside kernels. Per stimulus k:
// its kind, per-network parameters, a 0/1 weight per batch neuron (its targets), and for Poisson
// trains the sorted onsets of each network.
#include <Kokkos_Core.hpp>
#include <vector>

#include "kascade/core/math.hpp"
#include "kascade/core/sorted_search.hpp"
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
  // Loaded stimuli, already scaled and masked, summed per network over the union of its own
  // stimuli's steps (each network from its own start: a batch-wide span had grown with the
  // spread of the networks' starts): loaded_row().
  Kokkos::View<real_t*, MemorySpace> loaded;
  Kokkos::View<std::int64_t* [4], MemorySpace> loaded_at;  // [network]: LoadedField
  enum LoadedField { first_step, rows, row_zero, row_width };

  // Whether network g has loaded values at step t, and where they begin: the value of its batch
  // neuron i is loaded(at + i).
  KOKKOS_INLINE_FUNCTION bool loaded_row(const int g, const step_t t, std::int64_t& at) const {
    if (loaded_at.extent(0) == 0) return false;
    const step_t r = t - loaded_at(g, first_step);
    if (r < 0 || r >= loaded_at(g, rows)) return false;
    at = loaded_at(g, row_zero) + r * loaded_at(g, row_width);
    return true;
  }

  // sum over stimuli of weight(k, i) * value(k, g, t); t in recorded steps. (Kernels use
  // add_inputs(), the same sums for a run of neurons.)
  KOKKOS_INLINE_FUNCTION double input(const int g, const ordinal_t i, const step_t t) const {
    double total = 0;
    for (int k = 0; k < count; ++k) {
      const real_t w = weights(k, i);
      if (w != real_t(0)) total += w * value(k, g, static_cast<double>(t));
    }
    std::int64_t at = 0;
    if (loaded_row(g, t, at)) total += loaded(at + i);
    return total;
  }

  // Adds input(g, i, t) to out[i - i0] for the neurons [i0, i0 + n) of network g (cast to
  // Real), the same sum bit for bit, with each stimulus's value found once for the run instead
  // of once per neuron: per neuron it had been half of the step of a Poisson-stimulated batch
  // (inputs/inverse_problem_dataset.toml: a bisection over the onsets per targeted neuron).
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  static constexpr int input_block = 1;  // (a GPU thread's run is one neuron)
#else
  static constexpr int input_block = 64;
#endif
  template <class Real>
  KOKKOS_INLINE_FUNCTION void add_inputs(const int g, const ordinal_t i0, const int n,
                                         const step_t t, Real* out) const {
    std::int64_t at = 0;
    const bool from_loaded = loaded_row(g, t, at);
    for (int a = 0; a < n; a += input_block) {
      const int len = n - a < input_block ? n - a : input_block;
      double total[input_block];
      for (int k = 0; k < count; ++k) {
        const real_t* KOKKOS_RESTRICT w = &weights(k, i0 + a);
        int targets = 0;  // (a count: a loop the compiler vectorises)
        for (int l = 0; l < len; ++l) targets += w[l] != real_t(0) ? 1 : 0;
        if (targets == 0) {
          if (k == 0)
            for (int l = 0; l < len; ++l) total[l] = 0;
          continue;
        }
        const double v = value(k, g, static_cast<double>(t));
        // Without branches (the targets are random lanes): adding 0 where w = 0 leaves the
        // bits of a sum that began at +0 as they were (such a sum is never -0).
        for (int l = 0; l < len; ++l) {
          const double before = k == 0 ? 0.0 : total[l];
          total[l] = before + (w[l] != real_t(0) ? double(w[l]) * v : 0.0);
        }
      }
      if (count == 0)
        for (int l = 0; l < len; ++l) total[l] = 0;
      if (from_loaded)
        for (int l = 0; l < len; ++l) total[l] += loaded(at + i0 + a + l);
      for (int l = 0; l < len; ++l) out[a + l] += static_cast<Real>(total[l]);
    }
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
      case StimulusKind::poisson: {
        const std::size_t lo = onset_ptr(k, g), hi = onset_ptr(k, g + 1);
        if (lo == hi || static_cast<double>(onsets(lo)) > t) return 0;
        const double last = static_cast<double>(onsets(last_onset_at_or_before(lo, hi, t)));
        return t - last < parameters(k, g, width) ? 1.0 : 0.0;
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

  // The last of the onsets [lo, hi) at or before t (onsets(lo) <= t). Pulse trains' onsets are
  // spread nearly evenly, so the search starts where t falls between the first and the last
  // (first_true_near): a couple of cache lines per lookup where a bisection of a long train
  // (10^5 steps, an onset every 250: 400 onsets) read one line per halving.
  KOKKOS_INLINE_FUNCTION std::size_t last_onset_at_or_before(const std::size_t lo,
                                                             const std::size_t hi,
                                                             const double t) const {
    const auto at = [&](const std::size_t e) { return static_cast<double>(onsets(e)); };
    const double earliest = at(lo), latest = at(hi - 1);
    if (t >= latest) return hi - 1;
    // earliest <= t < latest: the guess is in [lo, hi - 1)
    std::size_t guess = lo + static_cast<std::size_t>((t - earliest) / (latest - earliest) *
                                                      static_cast<double>(hi - 1 - lo));
    if (guess >= hi - 1) guess = hi - 2;
    return first_true_near(lo, hi, guess, [&](const std::size_t e) { return at(e) > t; }) - 1;
  }

  KOKKOS_INLINE_FUNCTION bool inside(const int k, const int g, const double t) const {
    return t >= parameters(k, g, start) && t < parameters(k, g, stop);
  }
};

// A loaded stimulus of a batch on the host, scaled and masked: network g's `steps` rows from
// step start[g], its neuron i of row r at values[steps * neuron_offset[g] + r * n_g + i].
struct LoadedValues {
  std::vector<step_t> start;  // [network]
  step_t steps = 0;
  std::vector<real_t> values;
};

// `realised[k][b]`: stimulus k for the batch's network b; `neuron_offset` from the Batch.
template <class MemorySpace>
BatchStimuli<MemorySpace> make_batch_stimuli(
    const std::vector<StimulusKind>& kinds,
    const std::vector<std::vector<RealisedStimulus>>& realised,
    const std::vector<ordinal_t>& neuron_offset, const std::vector<LoadedValues>& loaded = {});

}  // namespace kascade
