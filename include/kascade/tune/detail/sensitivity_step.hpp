#pragma once
// One tuned step of every neuron, run just before the engine's own step on the same state: the
// expected spikes e = E[x | history] and, for every tuned parameter p, de/dp one step deep (the
// history is held fixed, the filters are differentiated): the predecessor's gradient, computed
// in closed form instead of by automatic differentiation. Each neuron accumulates its own sums
// over steps in step order, so the result does not depend on threads, ranks or batches.
#include <Kokkos_Core.hpp>

#include "kascade/engine/detail/neuron_step.hpp"
#include "kascade/tune/directions.hpp"

namespace kascade::detail {

// phi(x) and phi'(x) of the built-in nonlinearities (lambda = gain phi(slope (g - theta))), in
// double: the objective and its gradient come from the same values.
struct PhiAndSlope {
  double phi, slope;
};
KOKKOS_INLINE_FUNCTION PhiAndSlope phi_and_slope(Nonlinearity f, double x) {
  switch (f) {
    case Nonlinearity::sigmoid: {
      const double s = 1.0 / (1.0 + math::exp(-x));
      return {s, s * (1.0 - s)};
    }
    case Nonlinearity::exponential: {
      const double e = math::exp(x);
      return {e, e};
    }
    case Nonlinearity::rectified_linear:
      return {x > 0 ? x : 0.0, x > 0 ? 1.0 : 0.0};
    case Nonlinearity::identity:
      return {x, 1.0};
    case Nonlinearity::softplus:
      return {x > 20 ? x : math::log1p(math::exp(x)), 1.0 / (1.0 + math::exp(-x))};
    case Nonlinearity::erfc:
      return {0.5 * math::erfc(-x * 0.70710678118654752),
              0.3989422804014327 * math::exp(-0.5 * x * x)};
    case Nonlinearity::extension:
      return {0, 0};  // refused before tuning starts
  }
  return {0, 0};
}

// phi_and_slope over n inputs; the sigmoid (the GLMs') in loops of its own: on hosts the
// exponentials first (library calls, one after another), then the divisions over whole vectors
// (one at a time, each waited for after its call, they had been a third of the tuned step's
// work); the same operations on each value, so the same bits.
KOKKOS_INLINE_FUNCTION void phi_and_slopes(Nonlinearity f, const double* x, PhiAndSlope* out,
                                           const int n) {
  if (f != Nonlinearity::sigmoid) {
    for (int k = 0; k < n; ++k) out[k] = phi_and_slope(f, x[k]);
    return;
  }
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  for (int k = 0; k < n; ++k) {
    const double s = 1.0 / (1.0 + math::exp(-x[k]));
    out[k] = {s, s * (1.0 - s)};
  }
#else
  constexpr int most = 64;
  for (int k0 = 0; k0 < n; k0 += most) {
    const int m = n - k0 < most ? n - k0 : most;
    double e[most];
    for (int k = 0; k < m; ++k) e[k] = math::exp(-x[k0 + k]);
    for (int k = 0; k < m; ++k) {
      const double s = 1.0 / (1.0 + e[k]);
      out[k0 + k] = {s, s * (1.0 - s)};
    }
  }
#endif
}

template <class MemorySpace, class Extension>
struct SensitivityStep {
  NeuronStep<MemorySpace, Extension> step;
  BatchDirections<MemorySpace> directions;
  Kokkos::View<double*, MemorySpace> expected;  // [neuron]: sum over steps of e
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> gradient;  // [p][neuron]: de/dp
  // [p][neuron]: d trace / dp for traces without a window (followed by their recursion).
  Kokkos::View<double**, Kokkos::LayoutRight, MemorySpace> trace_sensitivity;
  bool accumulate = true;  // false: a step before the measured ones, only the recursion runs
  // [network of the batch]: non-zero where it is left out (skipped()); empty: none is.
  Kokkos::View<const std::uint8_t*, MemorySpace> skip = {};

  // y <- decay y + gain D: dy <- decay dy + ddecay y + dgain D, on every step of the epoch.
  KOKKOS_INLINE_FUNCTION double follow_trace(const int p, const ordinal_t i, const int g) const {
    double z = trace_sensitivity(p, i);
    if (step.trace_pending) {
      const auto& m = step.model;
      z = m.trace_decay(g) * z +
          directions.scalars(p, g, FieldDirection::trace_decay) * step.trace(i) +
          directions.scalars(p, g, FieldDirection::trace_gain) * step.drive(step.past(0), i);
      trace_sensitivity(p, i) = z;
    }
    return z;
  }

  // Neurons per work item: on hosts a run of neighbours, so that the sums over lags run over
  // whole vectors of neurons (lags outer, neurons inner) instead of each neuron's chain of
  // dependent additions (those chains were most of this kernel's time); on GPUs a
  // thread per neuron. Each neuron's sums run over the lags in the same order either way.
#if defined(KOKKOS_ENABLE_CUDA) || defined(KOKKOS_ENABLE_HIP)
  static constexpr ordinal_t chunk = 1;
#else
  static constexpr ordinal_t chunk = 64;
#endif
  // Work items for n neurons.
  static ordinal_t chunks(const ordinal_t n) { return (n + chunk - 1) / chunk; }

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t c) const {
    const auto n = static_cast<ordinal_t>(expected.extent(0));
    const ordinal_t i0 = c * chunk, i1 = i0 + chunk < n ? i0 + chunk : n;
    if (!accumulate) {  // only the recursion of traces without a window
      for (ordinal_t i = i0; i < i1; ++i) {
        const int g = step.network_of(i);
        if (skipped(g)) continue;
        if (step.model.coupling != Coupling::kernel && step.model.trace_window(g) == 0)
          for (int p = 0; p < directions.count; ++p) follow_trace(p, i, g);
      }
      return;
    }
    // Run by run (one network each: its parameters are constants of the loops), by stages: the
    // sums over lags, each neuron's input, phi, e and its derivatives.
    network_runs(i0, i1, [&](const ordinal_t a, const ordinal_t b, const int g) {
      if (!skipped(g)) measure_run(a, static_cast<int>(b - a), g);
    });
  }

  // Whether network g (of the batch) is left out: its values are final (Newton converged or
  // stopped), so nothing of it is measured or followed. Its sums stay as they are.
  KOKKOS_INLINE_FUNCTION bool skipped(const int g) const {
    return skip.extent(0) > 0 && skip(g) != 0;
  }

  // The `len` (<= chunk) neurons from a of network g in a measured step.
  KOKKOS_INLINE_FUNCTION void measure_run(const ordinal_t a, const int len, const int g) const {
    double coupled[chunk], self[chunk], background[chunk], input[chunk], x[chunk];
    PhiAndSlope phi[chunk];
    lag_sums(a, len, g, coupled, self);
    const auto& m = step.model;
    inputs(a, len, g, coupled, self, background, input);
    if (step.stimuli.count > 0 || step.stimuli.loaded.extent(0) > 0)
      step.stimuli.add_inputs(g, a, len, step.stimulus_time, input);
    const real_t slope = m.slope(g), theta = m.theta(g);
    for (int k = 0; k < len; ++k) x[k] = double(slope) * (input[k] - theta);
    phi_and_slopes(m.nonlinearity, x, phi, len);
    neurons(a, len, g, coupled, self, background, input, phi);
  }

  // The coupled input (the kernel's sum over lags; Coupling::trace: left to input_of()) and the
  // self term of `len` neurons from a of network g.
  KOKKOS_INLINE_FUNCTION void lag_sums(const ordinal_t a, const int len, const int g,
                                       double* KOKKOS_RESTRICT cs,
                                       double* KOKKOS_RESTRICT ss) const {
    const auto& m = step.model;
    for (int k = 0; k < len; ++k) cs[k] = 0, ss[k] = 0;
    if (m.coupling == Coupling::kernel)
      for (int lag = 0; lag < m.kernel_length; ++lag) {
        const double w = double(m.coupling_kernel(g, lag));
        const real_t* KOKKOS_RESTRICT d = &step.drive(step.past(lag), a);
        for (int k = 0; k < len; ++k) cs[k] += w * d[k];
      }
    for (int lag = 0; lag < m.self_length; ++lag) {
      const double w = double(m.self_kernel(g, lag));
      const real_t* KOKKOS_RESTRICT x = &step.spikes(step.past(lag), a);
      for (int k = 0; k < len; ++k) ss[k] += w * x[k];
    }
  }

  // run(a, b, g) for the consecutive runs [a, b) of one network g that cover [i0, i1).
  template <class Run>
  KOKKOS_INLINE_FUNCTION void network_runs(const ordinal_t i0, const ordinal_t i1,
                                           const Run& run) const {
    for (ordinal_t a = i0; a < i1;) {
      const int g = step.network_of(a);
      ordinal_t b = a + 1;
      while (b < i1 && step.network_of(b) == g) ++b;
      run(a, b, g);
      a = b;
    }
  }

  // The inputs of `len` neurons from a of network g, as input_of() gives them: without background
  // noise (the common case) in loops over the neurons with the network's values hoisted.
  KOKKOS_INLINE_FUNCTION void inputs(const ordinal_t a, const int len, const int g,
                                     double* KOKKOS_RESTRICT coupled, const double* self,
                                     double* KOKKOS_RESTRICT background,
                                     double* KOKKOS_RESTRICT input) const {
    const auto& m = step.model;
    if (m.noise != BackgroundNoise::none) {
      for (int k = 0; k < len; ++k)
        input[k] = input_of(a + k, g, coupled[k], self[k], background[k]);
      return;
    }
    if (m.coupling != Coupling::kernel) {
      const real_t* KOKKOS_RESTRICT trace = &step.trace(a);
      for (int k = 0; k < len; ++k) coupled[k] = trace[k];
      if (step.trace_pending) {
        const real_t decay = m.trace_decay(g), gain = m.trace_gain(g);
        const real_t* KOKKOS_RESTRICT d0 = &step.drive(step.past(0), a);
        for (int k = 0; k < len; ++k) coupled[k] = decay * coupled[k] + gain * d0[k];
        const int window = m.trace_window(g);
        if (window > 0) {
          const real_t tail = m.trace_tail(g);
          const real_t* KOKKOS_RESTRICT dw = &step.drive(step.past(window), a);
          for (int k = 0; k < len; ++k) coupled[k] -= tail * dw[k];
        }
      }
    }
    const real_t r = m.r(g), b = m.b(g);
    for (int k = 0; k < len; ++k) {
      background[k] = 1.0;
      input[k] = r * (coupled[k] + self[k]) + b * background[k];
    }
  }

  // Neuron i's input in a measured step (network g) but for the stimuli (added by measure_run),
  // by parts: r (coupled + self) + background. `coupled`: the kernel's sum from lag_sums(), or
  // here the trace's value; `background`: d background / d b.
  KOKKOS_INLINE_FUNCTION double input_of(const ordinal_t i, const int g, double& coupled,
                                         const double self, double& background) const {
    const auto& m = step.model;
    if (m.coupling != Coupling::kernel) {
      coupled = step.trace(i);
      if (step.trace_pending) {
        coupled = m.trace_decay(g) * coupled + m.trace_gain(g) * step.drive(step.past(0), i);
        if (m.trace_window(g) > 0)
          coupled -= m.trace_tail(g) * step.drive(step.past(m.trace_window(g)), i);
      }
    }
    background = background_factor(i, g);
    return m.r(g) * (coupled + self) + m.b(g) * background;
  }

  // The `len` neurons from a of network g in a measured step: e and de/dp from the parts of
  // their inputs and phi. (Each neuron's arithmetic as one neuron's alone: the loops run over
  // the neurons of a run, with the network's values hoisted.)
  KOKKOS_INLINE_FUNCTION void neurons(const ordinal_t a, const int len, const int g,
                                      const double* coupled, const double* self,
                                      const double* background, const double* input,
                                      const PhiAndSlope* phi) const {
    const auto& m = step.model;
    const bool windowed = m.coupling == Coupling::kernel || m.trace_window(g) > 0;
    const int T = m.kernel_length;
    const real_t gain = m.gain(g), slope = m.slope(g), theta = m.theta(g), r = m.r(g);
    // e and de/dlambda for the emission.
    const double dt = m.dt(g);
    double e[chunk], de_dlambda[chunk];
    for (int k = 0; k < len; ++k) {
      const double mean = gain * phi[k].phi * dt;
      e[k] = mean, de_dlambda[k] = dt;
      if (m.emission == Emission::bernoulli) {
        if (!(mean >= 0 && mean <= 1)) e[k] = mean > 1 ? 1.0 : 0.0, de_dlambda[k] = 0;
      } else if (m.emission == Emission::bernoulli_exp) {
        e[k] = mean > 0 ? 1.0 - math::exp(-mean) : 0.0;
        de_dlambda[k] = mean > 0 ? dt * math::exp(-mean) : 0.0;
      } else if (!(mean >= 0)) {  // Poisson: a negative mean emits nothing
        e[k] = 0, de_dlambda[k] = 0;
      }
    }
    double* KOKKOS_RESTRICT sum = &expected(a);
    for (int k = 0; k < len; ++k) sum[k] += e[k];

    for (int p = 0; p < directions.count; ++p) {
      using S = FieldDirection;
      const auto d = [&](S::Scalar s) { return directions.scalars(p, g, s); };
      const double d_r = d(S::r), d_b = d(S::b), d_theta = d(S::theta), d_gain = d(S::gain),
                   d_slope = d(S::slope);
      const int uses = directions.uses[p];
      using D = BatchDirections<MemorySpace>;
      double* KOKKOS_RESTRICT grad = &gradient(p, a);
      // d lambda / dp of neuron k from the derivatives of its coupled, self and stimulus parts.
      const auto dlambda = [&](const int k, const double dcoupled, const double dself,
                               const double dstimulus) {
        const double dphi = phi[k].slope;
        const double dg =
            d_r * (coupled[k] + self[k]) + r * (dcoupled + dself) + d_b * background[k] + dstimulus;
        return gain * slope * dphi * (dg - d_theta) + d_gain * phi[k].phi +
               d_slope * gain * dphi * (input[k] - theta);
      };
      if (uses == 0) {  // (theta, b, r, gain, slope: a loop without branches)
        for (int k = 0; k < len; ++k) grad[k] += de_dlambda[k] * dlambda(k, 0.0, 0.0, 0.0);
        continue;
      }
      for (int k = 0; k < len; ++k) {
        const ordinal_t i = a + k;
        double dcoupled = 0, dself = 0, dstimulus = 0;
        if (!(uses & D::coupling_taps)) {
        } else if (windowed) {
          for (int lag = 0; lag < T; ++lag)
            dcoupled += directions.coupling(p, g, lag) * step.drive(step.past(lag), i);
        } else {
          dcoupled = follow_trace(p, i, g);
        }
        if (uses & D::self_taps)
          for (int lag = 0; lag < T; ++lag)
            dself += directions.self(p, g, lag) * step.spikes(step.past(lag), i);
        if (uses & D::stimuli)
          for (int s = 0; s < step.stimuli.count; ++s)
            dstimulus += directions.stimulus(p, g, s) * step.stimuli.weights(s, i) *
                         step.stimuli.shape(s, g, static_cast<double>(step.stimulus_time));
        grad[k] += de_dlambda[k] * dlambda(k, dcoupled, dself, dstimulus);
      }
    }
  }

  // d background / d b: 1, or 1 + n m (1 + n^2 m) with the step's own noise draws.
  KOKKOS_INLINE_FUNCTION double background_factor(const ordinal_t i, const int g) const {
    const auto& m = step.model;
    if (m.noise == BackgroundNoise::none) return 1.0;
    return drawn_background(m.noise, real_t(1), m.noise_sigma(g), m.noise_rho(g), step.seed,
                            step.network_ids(g), static_cast<std::uint32_t>(step.local_neuron(i)),
                            step.step);
  }
};

}  // namespace kascade::detail
