#pragma once
// The fused per-neuron kernel of one step: input from the ring buffers (or the synaptic trace),
// background noise, nonlinearity, emission; the spike goes to the ring and, when recorded, to
// the raster. Internal to the engine.
#include <Kokkos_Core.hpp>

#include "kascade/model/batch_model.hpp"
#include "kascade/model/emission.hpp"
#include "kascade/model/nonlinearity.hpp"
#include "kascade/random/philox.hpp"
#include "kascade/stimulus/batch_stimuli.hpp"

namespace kascade::detail {

// b (1 + n m) or the predecessor's b (1 + n^2 m); n ~ Normal(0, sigma), m ~ Bernoulli(rho).
KOKKOS_INLINE_FUNCTION real_t background_input(BackgroundNoise kind, real_t b, real_t n, bool m) {
  switch (kind) {
    case BackgroundNoise::none:
      return b;
    case BackgroundNoise::sparse_gaussian:
      return b * (real_t(1) + (m ? n : real_t(0)));
    case BackgroundNoise::squared_gaussian:
      return b * (real_t(1) + (m ? n * n : real_t(0)));
  }
  return b;
}

template <class MemorySpace, class Extension>
struct NeuronStep {
  using ring_type = Kokkos::View<real_t**, Kokkos::LayoutRight, MemorySpace>;
  static constexpr spike_count_t max_count = 65535;

  BatchModel<MemorySpace> model;
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  ring_type spikes, drive;
  Kokkos::View<real_t*, MemorySpace> trace;          // Coupling::trace: (W s)_i
  Kokkos::View<std::uint64_t*, MemorySpace> recent;  // bit lag set: spiked at t-1-lag
  Kokkos::View<spike_count_t**, Kokkos::LayoutRight, MemorySpace> raster;
  Kokkos::View<std::uint64_t*, MemorySpace> clipped;
  std::uint64_t seed = 0;
  step_t step = 0;
  int slot = 0;                // ring slot of `step`
  step_t record_row = -1;      // raster row of `step`, or -1
  bool trace_pending = false;  // the trace has not yet taken in the previous step's spikes
  Extension extension{};
  BatchStimuli<MemorySpace> stimuli;
  step_t stimulus_time = 0;  // `step` in recorded steps (negative during equilibration)

  KOKKOS_INLINE_FUNCTION int past(int lag) const {
    const int s = slot - 1 - lag;
    return s < 0 ? s + model.kernel_length : s;
  }

  // The trace after taking in the previous step's drive and dropping the lag that leaves the
  // window (written back only when `update`).
  KOKKOS_INLINE_FUNCTION real_t current_trace(const ordinal_t i, const int g, bool update) const {
    real_t y = trace(i);
    if (trace_pending) {
      y = model.trace_decay(g) * y + model.trace_gain(g) * drive(past(0), i);
      const int window = model.trace_window(g);
      if (window > 0) y = y - model.trace_tail(g) * drive(past(window), i);
      if (update) trace(i) = y;
    }
    return y;
  }

  // sum_lag self(lag) x_i(t-1-lag) in ascending lag. Only lags where the neuron spiked are
  // visited (through its bitmask); the skipped terms are exact zeros, so the sum is the same.
  KOKKOS_INLINE_FUNCTION real_t self_input(const ordinal_t i, const int g) const {
    real_t self = 0;
    if (model.self_length <= 64) {
      std::uint64_t bits = recent(i);
      if (model.self_length < 64) bits &= (std::uint64_t(1) << model.self_length) - 1;
      for (int lag = 0; bits != 0; ++lag, bits >>= 1)
        if (bits & 1u) self += model.self_kernel(g, lag) * spikes(past(lag), i);
    } else {
      for (int lag = 0; lag < model.self_length; ++lag)
        self += model.self_kernel(g, lag) * spikes(past(lag), i);
    }
    return self;
  }

  // r (coupled + self) + background, summed in ascending lag so the result is the same on every
  // backend and thread count. The background noise is drawn here when the model has one.
  KOKKOS_INLINE_FUNCTION real_t input(const ordinal_t i, bool update) const {
    const int g = network_of(i);
    const int T = model.kernel_length;
    real_t coupled = 0;
    if (model.coupling == Coupling::kernel) {
      for (int lag = 0; lag < T; ++lag)
        coupled += model.coupling_kernel(g, lag) * drive(past(lag), i);
    } else {
      coupled = current_trace(i, g, update);
    }
    const real_t self = model.self_length > 0 ? self_input(i, g) : real_t(0);
    real_t background = model.b(g);
    if (model.noise != BackgroundNoise::none) {
      const auto bits =
          random::philox_bits(seed, network_ids(g), static_cast<std::uint32_t>(local_neuron(i)),
                              step, random::background);
      const real_t n = model.noise_sigma(g) * standard_normal(bits.v[0], bits.v[1]);
      const bool m = random::to_unit_float(bits.v[2]) < model.noise_rho(g);
      background = background_input(model.noise, model.b(g), n, m);
    }
    const real_t drive = model.r(g) * (coupled + self) + background;
    if (stimuli.count == 0) return drive;
    return drive + static_cast<real_t>(stimuli.input(g, i, stimulus_time));
  }

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    const int g = network_of(i);
    const real_t lambda = apply_nonlinearity(model.nonlinearity, input(i, true), model.theta(g),
                                             model.gain(g), model.slope(g), extension);
    const double mean = static_cast<double>(lambda) * model.dt(g);  // expected spikes in the step
    const DrawKey key{seed, network_ids(g), static_cast<std::uint32_t>(local_neuron(i)), step};
    spike_count_t x = 0;
    if (model.emission == Emission::threshold) {
      x = lambda > real_t(0) ? 1 : 0;
    } else {
      const auto bits =
          random::philox_bits(key.seed, key.network, key.neuron, key.step, random::emission);
      double p = mean;
      if (model.emission == Emission::bernoulli_exp) p = 1.0 - math::exp(-mean);
      if (model.emission == Emission::poisson) {
        double k = mean > 1e6 ? 1e6 : draw_poisson(mean, bits, key);  // 1e6: beyond the type
        if (!(mean >= 0) || k > max_count) {  // negative, NaN or beyond the count type
          Kokkos::atomic_add(&clipped(g), std::uint64_t(1));
          k = mean > 0 ? double(max_count) : 0.0;
        }
        x = static_cast<spike_count_t>(k);
      } else {
        if (!(p >= 0 && p <= 1)) {  // above 1, below 0 or NaN: clip and count
          Kokkos::atomic_add(&clipped(g), std::uint64_t(1));
          p = p > 1 ? 1.0 : 0.0;
        }
        x = draw_bernoulli(p, bits.v[0]) ? 1 : 0;
      }
    }
    spikes(slot, i) = static_cast<real_t>(x);
    recent(i) = (recent(i) << 1) | (x > 0 ? 1u : 0u);
    if (record_row >= 0) raster(record_row, i) = x;
  }
};

// Initial state: spikes in the step before step 0 with probability 1/2, or activations
// s_j ~ Uniform[0, 1) (written to `out`; the engine turns them into the trace W s).
template <class MemorySpace>
struct RandomInitialState {
  Kokkos::View<ordinal_t*, MemorySpace> network_of, local_neuron;
  Kokkos::View<network_id_t*, MemorySpace> network_ids;
  Kokkos::View<real_t*, MemorySpace> out;
  std::uint64_t seed = 0;
  bool activation = false;

  KOKKOS_INLINE_FUNCTION void operator()(const ordinal_t i) const {
    const auto bits =
        random::philox_bits(seed, network_ids(network_of(i)),
                            static_cast<std::uint32_t>(local_neuron(i)), 0, random::initial_state);
    out(i) = activation ? random::to_unit_float(bits.v[1]) : static_cast<real_t>(bits.v[0] >> 31);
  }
};

}  // namespace kascade::detail
